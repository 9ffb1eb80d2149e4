"""Issue 19, §3: what differs on Windows and macOS, tried here by taking away what they lack:
SIGHUP and the loop's signal handlers (Windows), flock (Windows: the history's lock file; the
two-process test in test_history.py runs both ways), and the free-page count (macOS:
test_config.py)."""

from __future__ import annotations

import asyncio
import subprocess
import sys

import pytest


def test_the_app_imports_without_sighup_and_hangs_up_on_sigterm_alone() -> None:
    """In a fresh process (a reload here would leave two LinregApp classes behind)."""
    program = (
        "import signal; del signal.SIGHUP; "
        "from tui_linreg.ui import app; print(app.HANGUPS == (signal.SIGTERM,))"
    )
    shown = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, timeout=60
    )
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.strip() == "True"


async def test_a_loop_without_signal_handlers_is_no_reason_to_fail(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Windows' event loops raise NotImplementedError for add_signal_handler."""
    from tui_linreg.ui.app import LinregApp

    loop = asyncio.get_running_loop()

    def refuse(*args: object) -> None:
        raise NotImplementedError

    monkeypatch.setattr(loop, "add_signal_handler", refuse)
    LinregApp()._catch_hangups()  # returns, quietly
