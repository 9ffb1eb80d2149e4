"""How the UI writes durations and rates (one place, so snapshot tests can pin them)."""

from __future__ import annotations

from pathlib import Path


def seconds(value: float) -> str:
    return f"{value:.2f} s" if value < 60 else f"{int(value // 60)} min {value % 60:04.1f} s"


def rate(steps_per_s: float) -> str:
    return f"{steps_per_s:,.0f} steps/s"


def path(value: Path) -> str:
    """A path as a person reads it: the home directory as ~."""
    home = Path.home()
    return f"~/{value.relative_to(home)}" if value.is_relative_to(home) else str(value)
