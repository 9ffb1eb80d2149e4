"""``tui-linreg serve``: the app in browser tabs, one process per tab (textual-serve)."""

from __future__ import annotations

import argparse
import os
import shlex
import sys

from tui_linreg.commands.common import (
    EXIT_FINISHED,
    EXIT_INVALID,
    app_config,
    history_path,
    invalid,
)
from tui_linreg.config import SETTINGS, ConfigError, quoted
from tui_linreg.i18n import _, language

LOOPBACK = "127.0.0.1"
THIS_MACHINE = (LOOPBACK, "localhost", "::1")
SERVED_ON = "TUI_LINREG_SERVED_ON"
"""The environment variable by which ``serve`` tells its tabs' apps the host they are served
on: a browser gives the clipboard to a page from this machine (a secure context), not to one
from another over plain http."""


def served() -> bool:
    """Whether textual-serve started us for a browser tab: its web driver talks over pipes."""
    return "web_driver" in os.environ.get("TEXTUAL_DRIVER", "")


def serve_command(args: argparse.Namespace) -> int:
    """``tui-linreg serve``: each browser tab starts ``tui-linreg`` with these settings."""
    try:
        config = app_config(args)
    except ConfigError as error:
        return invalid(error)
    port = args.port.strip()
    if not port.isdigit() or not 1 <= int(port) <= 65535:
        said = _("--port must be a whole number from 1 to 65535, got {value}")
        print(f"tui-linreg: {said.format(value=quoted(port))}", file=sys.stderr)
        return EXIT_INVALID
    try:
        from tui_linreg.serving import LinregServer
    except ImportError:  # pragma: no cover - a dependency, unless removed by hand
        said = _("serving needs textual-serve: pip install textual-serve")
        print(f"tui-linreg: {said}", file=sys.stderr)
        return EXIT_INVALID
    if args.host not in THIS_MACHINE:
        said = _(
            "warning: serving on {host}: anyone who can reach it can run training on this "
            "machine and read its run history"
        ).format(host=args.host)
        print(f"tui-linreg: {said}", file=sys.stderr)
    arguments = [setting.argument(getattr(config, name)) for name, setting in SETTINGS.items()]
    command = [sys.executable, "-m", "tui_linreg", *arguments, "--history", str(history_path(args))]
    command += ["--lang", language()]  # where every tab starts; a tab's switch stays its own
    if args.preset is not None:  # its sweep goes in each tab's sweep field
        command += ["--preset", args.preset.strip()]
    os.environ[SERVED_ON] = args.host  # the tabs' apps inherit it
    server = LinregServer(
        # a POSIX shell becomes the app (exec): one process to end per tab
        ("exec " if os.name == "posix" else "") + shlex.join(command),
        host=args.host,
        port=int(port),
        history=str(history_path(args)),
    )
    server.serve()
    return EXIT_FINISHED
