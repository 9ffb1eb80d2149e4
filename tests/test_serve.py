"""``tui-linreg serve`` in a real browser: Debian's chromium, driven by Playwright, opens the page
textual-serve gives, trains with ctrl+r, and exports the run, which arrives as a download.

Nothing here skips: a missing chromium or Playwright fails with what to install (.ci/run
installs both)."""

from __future__ import annotations

import contextlib
import csv
import io
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
"""What chromium needs here: without the networking flags it keeps trying to reach the
internet, which is closed."""
SCREENSHOT = Path(__file__).resolve().parents[1] / "screenshots" / "browser.png"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def serving(tmp_path: Path, *flags: str) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """``tui-linreg serve`` on a free port, until the block ends; (its URL, the process)."""
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "tui_linreg", "serve", "--port", str(port),
         "--history", str(tmp_path / "history.jsonl"), *flags],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its tabs' app processes too: killed with it
        cwd=tmp_path,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(url, timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise AssertionError("tui-linreg serve did not answer in 30 s") from None
                time.sleep(0.2)
        yield url, server
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        server.wait(10)


def _browser_pieces() -> None:
    if not shutil.which(CHROMIUM):
        pytest.fail(
            f"the browser test needs Debian's chromium at {CHROMIUM}: apt-get install chromium"
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.fail('the browser test needs Playwright for Python: pip install -e ".[test]"')


def _app_processes(server: subprocess.Popen[bytes]) -> list[int]:
    """The app processes the server started (its tabs'), by their command line."""
    found: list[int] = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == server.pid:
            continue
        with contextlib.suppress(OSError):
            command = (entry / "cmdline").read_bytes().split(b"\0")
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if int(stat[3]) in (server.pid, *found) and b"tui_linreg" in b" ".join(command):
                found.append(int(entry.name))
    return found


def test_a_browser_trains_in_the_app_and_gets_the_export_as_a_download(tmp_path: Path) -> None:
    _browser_pieces()
    from playwright.sync_api import sync_playwright

    with (
        serving(tmp_path, "--pace", "max", "--epochs", "2") as (url, server),
        sync_playwright() as p,
    ):
        browser = p.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"),  # a fresh profile
            executable_path=CHROMIUM,
            args=FLAGS,
            headless=True,
            accept_downloads=True,
            viewport={"width": 1400, "height": 900},
        )
        page = browser.new_page()
        page.goto(url)
        page.wait_for_selector("canvas, .xterm, #terminal", timeout=30_000)
        page.wait_for_timeout(3000)
        page.mouse.click(700, 450)  # the terminal takes the keys once it has the focus
        history = tmp_path / "history.jsonl"
        deadline = time.monotonic() + 60
        while not history.exists():  # the app loads PyTorch, then takes ctrl+r
            page.keyboard.press("Control+r")
            page.wait_for_timeout(2000)
            assert time.monotonic() < deadline, "ctrl+r in the browser did not train a run"
        page.wait_for_timeout(1000)
        page.screenshot(path=str(SCREENSHOT))
        page.keyboard.press("F2")  # the runs screen
        page.wait_for_timeout(1500)
        with page.expect_download(timeout=30_000) as arrived:
            page.keyboard.press("e")
        download = arrived.value
        rows = list(csv.DictReader(io.StringIO(Path(download.path()).read_text())))
        assert download.suggested_filename.startswith("tui-linreg-runs-")
        assert [row["epoch"] for row in rows] == ["1", "2"]  # the run, epoch by epoch
        assert rows[0]["implementation"] == "scratch"
        assert not list(tmp_path.glob("tui-linreg-runs-*.csv"))  # nothing left on the server
        assert _app_processes(server), "the tab's app process is running"
        page.close()
        browser.close()
        deadline = time.monotonic() + 5
        while _app_processes(server) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not _app_processes(server), "a closed tab left its app process behind"


def test_serve_refuses_a_bad_port_and_warns_before_listening_beyond_this_machine(
    tmp_path: Path,
) -> None:
    refused = subprocess.run(
        [sys.executable, "-m", "tui_linreg", "serve", "--port", "http"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert refused.returncode == 2
    assert "--port must be a whole number from 1 to 65535, got 'http'" in refused.stderr
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "tui_linreg", "serve", "--host", "0.0.0.0", "--port", str(port)],
        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, start_new_session=True,
    )  # fmt: skip
    try:
        assert server.stderr is not None
        warning = server.stderr.readline()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(10)
    assert "warning: serving on 0.0.0.0: anyone who can reach it can run training" in warning
