"""The status line: implementation, device, epoch / total, a progress bar, elapsed time."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import ProgressBar, Static


class StatusLine(Horizontal):
    def compose(self) -> ComposeResult:
        yield Static("loading PyTorch…", id="status-text")
        yield ProgressBar(total=1, show_eta=False, id="status-progress")

    def say(self, text: str) -> None:
        self.query_one("#status-text", Static).update(text)

    def progress(self, done: float) -> None:
        self.query_one("#status-progress", ProgressBar).update(total=1.0, progress=done)
