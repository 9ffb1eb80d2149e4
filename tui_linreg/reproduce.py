"""The exact ``tui-linreg train`` command that reproduces a run."""

from __future__ import annotations

import shlex

from tui_linreg.config import SETTINGS, TrainConfig


def reproduce_command(config: TrainConfig) -> str:
    """Every setting spelled out, so the command gives the same numbers whatever defaults a
    later version has. Floats are written with repr, which round-trips exactly."""
    arguments = [s.argument(getattr(config, name)) for name, s in SETTINGS.items()]
    return shlex.join(["tui-linreg", "train", *arguments])
