"""The floor for the first paint: a Textual app holding one line of text and nothing else,
started the way tui-linreg starts. No Textual app can paint sooner on the same machine."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Static


class EmptyApp(App[None]):
    BINDINGS = [("ctrl+q", "quit")]  # noqa: RUF012 (Textual's own idiom)

    def compose(self) -> ComposeResult:
        yield Static("settings · ready")  # what the benchmark waits for


if __name__ == "__main__":
    EmptyApp().run()
