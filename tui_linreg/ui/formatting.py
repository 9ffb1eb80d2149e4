"""How the UI writes durations and rates (one place, so snapshot tests can pin them)."""

from __future__ import annotations

from pathlib import Path

from tui_linreg.i18n import _


def seconds(value: float) -> str:
    if value < 60:
        return _("{seconds:.2f} s").format(seconds=value)
    return _("{minutes} min {seconds:04.1f} s").format(minutes=int(value // 60), seconds=value % 60)


def rate(steps_per_s: float) -> str:
    """The number first, then a space (the runs screen's column keeps the number alone)."""
    return _("{rate:,.0f} steps/s").format(rate=steps_per_s)


def path(value: Path) -> str:
    """A path as a person reads it: the home directory as ~."""
    home = Path.home()
    return f"~/{value.relative_to(home)}" if value.is_relative_to(home) else str(value)
