"""``tui-linreg serve`` in a real browser: Debian's chromium, driven by Playwright, opens the page
textual-serve gives, trains with ctrl+r, and exports the run, which arrives as a download.

Nothing here skips: a missing chromium or Playwright fails with what to install (.ci/run
installs both)."""

from __future__ import annotations

import asyncio
import contextlib
import csv
import io
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tui_linreg.history import History

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page, Playwright

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
    # Every host but this machine unreachable, as offline or behind a firewall that blocks
    # Google: the page must load nothing from outside.
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
]
"""What chromium needs here: without the networking flags it keeps trying to reach the
internet, which is closed."""
SCREENSHOT = Path(__file__).resolve().parents[1] / "screenshots" / "browser.png"
LANDSCAPE_SCREENSHOT = SCREENSHOT.with_name("browser-landscape.png")
CHINESE_SCREENSHOT = SCREENSHOT.with_name("browser-zh.png")


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
        stderr=(tmp_path / "serve.log").open("wb"),  # what the server says, for the tests to read
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


def _recorded(history: Path) -> list[dict[str, object]]:
    if not history.exists():
        return []
    return [json.loads(line) for line in history.read_text().splitlines() if line.strip()]


def _browser(p: Playwright, tmp_path: Path, url: str) -> BrowserContext:
    browser = p.chromium.launch_persistent_context(
        str(tmp_path / "chromium-profile"),  # a fresh profile
        executable_path=CHROMIUM,
        args=FLAGS,
        headless=True,
        accept_downloads=True,
        viewport={"width": 1400, "height": 900},
    )
    # what a person's browser grants a page from its own machine on a key press
    browser.grant_permissions(["clipboard-read", "clipboard-write"], origin=url.rstrip("/"))
    return browser


def _open_tab(browser: BrowserContext, url: str) -> Page:
    page = browser.new_page()
    page.goto(url)
    page.wait_for_selector("canvas, .xterm, #terminal", timeout=30_000)
    page.wait_for_timeout(3000)
    page.mouse.click(700, 450)  # the terminal takes the keys once it has the focus
    return page


def _train(page: Page, history: Path, runs: int) -> None:
    """ctrl+r in this tab until the history holds ``runs`` runs. A press is repeated only after
    long enough for a run to end, or it would restart one; the app ignores presses while PyTorch
    loads, beyond the first."""
    deadline = time.monotonic() + 60
    while len(_recorded(history)) < runs:
        page.keyboard.press("Control+r")
        pressed = time.monotonic()
        while len(_recorded(history)) < runs and time.monotonic() < pressed + 10:
            page.wait_for_timeout(250)
        assert time.monotonic() < deadline, "ctrl+r in the browser did not train a run"


def test_a_browser_trains_in_the_app_and_gets_the_export_as_a_download(tmp_path: Path) -> None:
    _browser_pieces()
    from playwright.sync_api import sync_playwright

    with (
        serving(tmp_path, "--pace", "max", "--epochs", "2") as (url, server),
        sync_playwright() as p,
    ):
        browser = _browser(p, tmp_path, url)
        page = _open_tab(browser, url)
        history = tmp_path / "history.jsonl"
        _train(page, history, 1)
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
        page.keyboard.press("c")  # copy the reproduce command: a page from this machine may
        page.wait_for_timeout(1500)
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied.startswith("tui-linreg train --impl=scratch"), copied
        assert "--epochs=2" in copied
        page.keyboard.press("Escape")  # back to training: three single steps, then stop
        page.wait_for_timeout(1000)
        for _ in range(3):  # one press, one step: the first starts the run with it
            page.keyboard.press("F7")
            page.wait_for_timeout(700)
        page.keyboard.press("F9")  # the landscape, with the stepped run's path
        page.wait_for_timeout(1500)
        page.screenshot(path=str(LANDSCAPE_SCREENSHOT))
        page.keyboard.press("Control+g")
        deadline = time.monotonic() + 20
        while len(_recorded(history)) < 2:
            page.wait_for_timeout(250)
            assert time.monotonic() < deadline, "the stepped run was not recorded"
        stepped = _recorded(history)[-1]
        assert "after step 3 of 100" in str(stepped["message"]), stepped["message"]
        # The lessons work in a tab: f12, the scratch lesson, its loop's page, enter runs it.
        # Unhurried, as a person types: on a busy machine a key sent while the pane is first
        # mounted could land before it has the focus.
        page.keyboard.press("F12")
        page.wait_for_timeout(2000)
        page.keyboard.press("2")
        page.wait_for_timeout(1000)
        for _ in range(6):
            page.keyboard.press("n")
            page.wait_for_timeout(400)
        page.keyboard.press("Enter")
        deadline = time.monotonic() + 30
        while len(_recorded(history)) < 3:
            page.wait_for_timeout(250)
            assert time.monotonic() < deadline, "the lesson's page did not run the lesson"
        config = _recorded(history)[-1]["config"]
        assert isinstance(config, dict)
        assert config["epochs"] == 3  # the lesson's settings, not the tab's 2 epochs
        assert _app_processes(server), "the tab's app process is running"
        page.close()
        browser.close()
        deadline = time.monotonic() + 5
        while _app_processes(server) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not _app_processes(server), "a closed tab left its app process behind"


def test_the_served_page_loads_nothing_from_outside_this_machine(tmp_path: Path) -> None:
    """Its stylesheets, scripts and fonts all come from the server itself: a font stylesheet on
    another host holds up the first paint offline, and where that host is blocked."""
    with serving(tmp_path) as (url, _server):
        with urllib.request.urlopen(url, timeout=5) as page:
            html = page.read().decode()
        loaded = re.findall(r"""(?:src|href)=["']([^"']+)|url\(["']?([^"')]+)""", html)
        addresses = [a or b for a, b in loaded]
        assert any("fonts/RobotoMono" in address for address in addresses), addresses
        for address in addresses:
            assert urllib.parse.urlsplit(address).netloc in (
                "",
                "127.0.0.1:" + url.split(":")[2].strip("/"),
            ), address
            with urllib.request.urlopen(urllib.parse.urljoin(url, address), timeout=5) as got:
                assert got.status == 200, address
        assert "unicode-range" in html  # Chinese in a monospace CJK font of the machine's


def test_serve_lang_starts_every_tab_in_chinese(tmp_path: Path) -> None:
    """serve --lang zh: each tab's app is started in Chinese (a tab's own switch is its own),
    and the page draws it with a CJK font of the machine's, nothing fetched from outside."""
    _browser_pieces()
    from playwright.sync_api import sync_playwright

    with serving(tmp_path, "--lang", "zh") as (url, server), sync_playwright() as p:
        browser = _browser(p, tmp_path, url)
        page = _open_tab(browser, url)
        (app,) = _app_processes(server)
        command = Path(f"/proc/{app}/cmdline").read_bytes().split(b"\0")
        assert command[command.index(b"--lang") + 1] == b"zh"
        deadline = time.monotonic() + 60
        while b"libtorch_cpu" not in Path(f"/proc/{app}/maps").read_bytes():
            assert time.monotonic() < deadline, "the tab's app did not load PyTorch in 60 s"
            page.wait_for_timeout(250)
        page.wait_for_timeout(2000)  # the data previewed
        page.keyboard.press("F12")  # the lessons' contents, in Chinese
        page.wait_for_timeout(2000)
        page.screenshot(path=str(CHINESE_SCREENSHOT))
        browser.close()


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


def test_two_tabs_train_independently_into_one_history(tmp_path: Path) -> None:
    _browser_pieces()
    from playwright.sync_api import sync_playwright

    with (
        serving(tmp_path, "--pace", "max", "--epochs", "2") as (url, server),
        sync_playwright() as p,
    ):
        browser = _browser(p, tmp_path, url)
        first, second = _open_tab(browser, url), _open_tab(browser, url)
        history = tmp_path / "history.jsonl"
        assert len(_app_processes(server)) == 2, "each tab has its own app process"
        _train(first, history, 1)
        _train(second, history, 2)
        _train(first, history, 3)
        first.close()  # the other tab goes on without it
        _train(second, history, 4)
        runs = _recorded(history)
        assert len({run["id"] for run in runs}) == 4  # every run recorded, none overwritten
        assert len(_app_processes(server)) == 1
        browser.close()


def _running(page: Page, history: Path, before: int, app: int) -> None:
    """ctrl+r in this tab once its app process ``app`` has PyTorch loaded, then wait until its
    run is under way (the history does not grow: the run is long). Pressed earlier, on a busy
    machine the tab could close before its run began, leaving nothing to record."""
    deadline = time.monotonic() + 60
    while b"libtorch_cpu" not in Path(f"/proc/{app}/maps").read_bytes():
        assert time.monotonic() < deadline, "the tab's app did not load PyTorch in 60 s"
        page.wait_for_timeout(250)
    page.keyboard.press("Control+r")
    page.wait_for_timeout(4000)  # the warm-up, then the run (a press meanwhile is kept)
    assert len(_recorded(history)) == before, "the long run ended already"


def _gone(pids: list[int], seconds: float) -> list[int]:
    """Those of ``pids`` still alive (not zombies) after up to ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        alive = []
        for pid in pids:
            with contextlib.suppress(OSError):
                state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
                if state != "Z":
                    alive.append(pid)
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.2)


def test_a_reload_or_a_close_mid_run_ends_the_tabs_app_and_keeps_the_history(
    tmp_path: Path,
) -> None:
    """A long run in a tab: reloading the page ends that tab's app within 5 s and starts a
    fresh one; closing the tab mid-run ends its app within 5 s too. No process is left, and
    the history holds only whole runs (an interrupted one is recorded as cancelled, as on
    SIGTERM)."""
    _browser_pieces()
    from playwright.sync_api import sync_playwright

    with (
        serving(tmp_path, "--pace", "max", "--epochs", "5000") as (url, server),
        sync_playwright() as p,
    ):
        browser = _browser(p, tmp_path, url)
        history = tmp_path / "history.jsonl"
        page = _open_tab(browser, url)
        (first,) = _app_processes(server)
        _running(page, history, 0, first)
        page.reload()
        page.wait_for_selector("canvas, .xterm, #terminal", timeout=30_000)
        page.wait_for_timeout(3000)
        page.mouse.click(700, 450)
        assert not _gone([first], 5), "a reloaded tab left its app process behind"
        (second,) = _app_processes(server)
        assert second != first, "the reloaded page has an app of its own"
        _running(page, history, len(_recorded(history)), second)
        page.close()
        assert not _gone([second], 5), "a tab closed mid-run left its app process behind"
        assert not _app_processes(server)
        browser.close()
    # Each tab's run, cut short, is in the history as a whole line, marked cancelled.
    assert [run["outcome"] for run in _recorded(history)] == ["cancelled", "cancelled"]
    assert History(history).load().skipped == 0


MALFORMED_HTTP = [
    b"GARBAGE\r\n\r\n",
    b"GET / HTTP/9.9\r\n\r\n",
    b"GET /" + b"a" * 100_000 + b" HTTP/1.1\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: x\r\nX: " + b"y" * 100_000 + b"\r\n\r\n",
    b"\x00\xff" * 500,
    b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999\r\n\r\nabc",
    b"GET /download/nope HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET /static/../../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET /ws HTTP/1.1\r\nHost: x\r\n\r\n",  # not an upgrade
    b"GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    b"Sec-WebSocket-Key: bad\r\nSec-WebSocket-Version: 13\r\n\r\n",
    b"GET /?fontsize=abc HTTP/1.1\r\nHost: x\r\n\r\n",
]
MALFORMED_MESSAGES = [
    "not json", "{}", "[]", "[1]", "null", '["stdin", 5]', '["stdin"]', '["resize", 3]',
    '["resize", {"width": "a"}]', '["resize", {"width": true, "height": 2}]',
    '["resize", {"width": -1, "height": 1000000000}]', '["ping"]', '["focus", {}]',
    '["nonsense", 1]',
]  # fmt: skip


async def _websocket_burst(port: int) -> bytes:
    """Malformed websocket messages, then what a tab sent back after them: its screen."""
    import aiohttp

    async with aiohttp.ClientSession() as session:
        for query in ("?width=abc", "?width=-3&height=0", "?width=99999999&height=99999999"):
            async with session.ws_connect(f"http://127.0.0.1:{port}/ws{query}") as socket_:
                for message in MALFORMED_MESSAGES:
                    await socket_.send_str(message)
                await socket_.send_bytes(b"\x00\x01")
                screen = b""
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(20):
                        while len(screen) < 2000:  # the app draws through all of that
                            received = await socket_.receive()
                            if isinstance(received.data, bytes):
                                screen += received.data
        return screen


def test_a_burst_of_malformed_requests_leaves_the_server_serving_without_a_traceback(
    tmp_path: Path,
) -> None:
    with serving(tmp_path) as (url, server):
        port = int(url.rsplit(":", 1)[1].strip("/"))
        for request in MALFORMED_HTTP:
            with (
                socket.create_connection(("127.0.0.1", port), timeout=5) as raw,
                contextlib.suppress(OSError),
            ):
                raw.sendall(request)
                raw.recv(100)
        screen = asyncio.run(_websocket_burst(port))
        assert len(screen) >= 2000, "a tab whose page sent nonsense still draws its app"
        with urllib.request.urlopen(url, timeout=5) as page:
            assert page.status == 200
            assert b"tui-linreg" in page.read()
        assert server.poll() is None
        deadline = time.monotonic() + 5
        while _app_processes(server) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not _app_processes(server), "a websocket that sent nonsense left its app behind"
    said = (tmp_path / "serve.log").read_text()
    assert "Traceback" not in said, said
    assert "Error handling request from 127.0.0.1 (BadStatusLine:" in said  # one line each
