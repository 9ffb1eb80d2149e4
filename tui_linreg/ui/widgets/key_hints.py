"""The footer's key hints, as many as the width holds.

Textual's Footer shows every binding and cuts the line where the terminal ends, mid-word.
This one marks each key with its action (``key-run``), and the main screen's width classes
(app.tcss) hide the less needed ones, so what is shown is whole; f1 lists every key.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

WIDE, NARROW = 150, 120
"""From WIDE columns every key is shown; below NARROW, only the essential ones."""


class KeyHints(Footer):
    def compose(self) -> ComposeResult:
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                widget.add_class(f"key-{widget.action}")
            yield widget


def width_classes(width: int) -> dict[str, bool]:
    """The main screen's classes for a terminal ``width`` columns wide."""
    return {"keys-some": NARROW <= width < WIDE, "keys-few": width < NARROW}
