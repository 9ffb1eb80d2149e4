"""``tui-linreg serve``'s server: textual-serve's, guarded against what a browser never sends.

textual-serve trusts its page: a websocket message that is not the JSON its script sends, or a
request it cannot parse, raises, and its log prints a traceback with the locals. A server that
anyone on the network may reach must shrug those off, so each message is checked here and the log
says one line per event. Each tab's terminal is bounded too: a page could ask for a billion
columns, and its app process would try to draw them."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sys
from asyncio.subprocess import Process
from pathlib import Path
from typing import Any

from aiohttp import WSMsgType, web
from textual_serve.app_service import AppService
from textual_serve.server import Server

from tui_linreg.i18n import _

MOST_COLUMNS = 1000
MOST_ROWS = 500
"""The largest terminal a tab may ask for: beyond any screen, far below what exhausts memory."""


class OneLine(logging.Formatter):
    """An event and, for an error, its kind: never a traceback, which a malformed request (the
    requester's fault) would otherwise print in full."""

    def format(self, record: logging.LogRecord) -> str:
        said = record.getMessage().strip()
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            why = " ".join(str(error).split())[:160]  # aiohttp's say "400, message:" first
            kind = type(error).__name__
            said = f"{said} ({kind}: {why})" if why and why != said else f"{said} ({kind})"
        return f"tui-linreg serve: {said.splitlines()[0] if said else record.levelname.lower()}"


def size(text: str | None, most: int, default: int) -> int:
    """A terminal dimension from the websocket's query, within 1 to ``most``; the default for
    anything but digits, as textual-serve takes it (a hidden page proposes ``NaN``)."""
    if text is None or not text.isdigit():
        return default
    return min(max(int(text), 1), most)


def envelope(text: str) -> tuple[str, Any] | None:
    """A websocket message as textual-serve's page sends it, ``[kind, data]``; None otherwise."""
    try:
        message = json.loads(text)
    except ValueError:
        return None
    if not isinstance(message, list) or not message or not isinstance(message[0], str):
        return None
    return message[0], message[1] if len(message) > 1 else None


def terminal_size(data: Any) -> tuple[int, int] | None:
    """A resize message's (width, height), whole numbers brought within bounds; None for
    anything else."""
    if not isinstance(data, dict):
        return None
    width, height = data.get("width"), data.get("height")
    if type(width) is not int or type(height) is not int:  # bool is an int: not a size
        return None
    return min(max(width, 1), MOST_COLUMNS), min(max(height, 1), MOST_ROWS)


class TabApp(AppService):
    """One tab's app process, which ends when the tab does, whatever it was doing.

    textual-serve stops reading the app's output once the websocket has gone, and asks it to quit.
    An app in the middle of drawing a large frame then blocks on the full pipe and never reads
    the request: an orphan. Here its output is drained until it quits, and it is killed if it has
    not within a few seconds."""

    QUIT_S = 3.0

    async def stop(self) -> None:
        task, process = self._task, self._process
        if task is None or process is None:
            return
        self._task = None
        await self._download_manager.cancel_app_downloads(app_service_id=self.app_service_id)
        await self.send_meta({"type": "quit"})
        drain = asyncio.create_task(self._drain(task, process))
        try:
            await asyncio.wait_for(process.wait(), self.QUIT_S)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()
        finally:
            drain.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await drain
            with contextlib.suppress(asyncio.CancelledError):
                await task

    @staticmethod
    async def _drain(forwarding: asyncio.Task[None], process: Process) -> None:
        """Once nothing forwards the app's output, read and drop it, so that it can quit."""
        await asyncio.wait([forwarding])
        assert process.stdout is not None
        while await process.stdout.read(1 << 16):
            pass


TEMPLATES = Path(__file__).with_name("templates")
"""Our copy of textual-serve's page: every font from this machine (templates/app_index.html)."""


class LinregServer(Server):
    """textual-serve's server, taking only well-formed requests and messages."""

    def __init__(self, command: str, *, host: str, port: int, history: str) -> None:
        super().__init__(
            command, host=host, port=port, title="tui-linreg", templates_path=str(TEMPLATES)
        )
        self.history = history

    def initialize_logging(self) -> None:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(OneLine())
        logging.basicConfig(level="INFO", handlers=[handler], force=True)

    async def on_startup(self, app: web.Application) -> None:
        said = _(
            "tui-linreg serve: open {url} in a browser; each tab is its own app, recording "
            "its runs in {history}. ctrl+c stops."
        )
        print(said.format(url=self.public_url, history=self.history), flush=True)

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """textual-serve's, with a request checked first and the app ended for certain."""
        websocket = web.WebSocketResponse(heartbeat=15)
        if not websocket.can_prepare(request).ok:
            raise web.HTTPBadRequest(text=_("/ws takes a websocket: open the page at / instead"))
        width = size(request.query.get("width"), MOST_COLUMNS, 80)
        height = size(request.query.get("height"), MOST_ROWS, 24)
        app_service: TabApp | None = None
        try:
            await websocket.prepare(request)
            app_service = TabApp(
                self.command,
                write_bytes=websocket.send_bytes,
                write_str=websocket.send_str,
                close=websocket.close,  # type: ignore[arg-type]  # returns a bool, unread
                download_manager=self.download_manager,
                debug=self.debug,
            )
            await app_service.start(width, height)
            await self._process_messages(websocket, app_service)
        except asyncio.CancelledError:
            await websocket.close()
        except (ConnectionError, web.HTTPException) as error:  # the page went: nothing to fix
            logging.getLogger("textual-serve").info("a tab's connection ended: %s", error)
        finally:
            if app_service is not None:
                await app_service.stop()
        return websocket

    async def _process_messages(
        self, websocket: web.WebSocketResponse, app_service: AppService
    ) -> None:
        async for message in websocket:
            if message.type != WSMsgType.TEXT:
                continue
            parsed = envelope(message.data)
            if parsed is None:
                continue  # not the page's: ignored, as a terminal ignores a stray byte
            kind, data = parsed
            if kind == "stdin" and isinstance(data, str):
                await app_service.send_bytes(data.encode("utf-8", "replace"))
            elif kind == "resize" and (dimensions := terminal_size(data)) is not None:
                await app_service.set_terminal_size(*dimensions)
            elif kind == "ping":
                await websocket.send_json(["pong", data])
            elif kind == "blur":
                await app_service.blur()
            elif kind == "focus":
                await app_service.focus()
