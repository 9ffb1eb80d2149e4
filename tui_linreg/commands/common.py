"""What every command shares: exit codes, a mistake's message, and where the settings and the
history come from."""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from pathlib import Path

from tui_linreg.config import (
    SETTINGS,
    WATCHABLE_PACE,
    ConfigError,
    TrainConfig,
    config_from_text,
)
from tui_linreg.history import default_path
from tui_linreg.presets import preset

EXIT_FINISHED = 0
EXIT_INVALID = 2
EXIT_DIVERGED = 3
EXIT_FAILED = 4
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141
"""What a shell reports for a process ended by SIGPIPE: ``tui-linreg train | head`` stops early."""

DUMB_TERMS = ("dumb", "unknown")
"""TERM values that promise no cursor movement: Emacs' shell, some serial consoles, cron."""


def dumb_terminal() -> bool:
    return os.environ.get("TERM", "").lower() in DUMB_TERMS


def invalid(error: ConfigError) -> int:
    for mistake in error.mistakes:
        print(f"tui-linreg: {mistake.message}", file=sys.stderr)
    return EXIT_INVALID


def config_from_args(args: argparse.Namespace, implementation: str | None = None) -> TrainConfig:
    """The checked config the parsed flags describe; raises ConfigError listing every mistake."""
    texts = {name: value for name in SETTINGS if (value := getattr(args, name)) is not None}
    if implementation is not None:
        texts["implementation"] = implementation
    base = None
    if args.preset is not None:
        base = preset(args.preset.strip()).apply()
    return config_from_text(texts, base)


def app_config(args: argparse.Namespace) -> TrainConfig:
    """The app's starting settings: the flags', at a pace a person can watch unless --pace
    says otherwise (``train`` runs at max)."""
    config = config_from_args(args)
    return config if args.pace is not None else dataclasses.replace(config, pace=WATCHABLE_PACE)


def history_path(args: argparse.Namespace) -> Path:
    return user_path(args.history) if args.history else default_path()


def user_path(text: str) -> Path:
    """A path as typed, with ``~`` and ``~user`` expanded as a shell does: a ``~name`` that
    names no user stays as typed (pathlib would raise)."""
    try:
        return Path(text).expanduser()
    except RuntimeError:
        return Path(text)
