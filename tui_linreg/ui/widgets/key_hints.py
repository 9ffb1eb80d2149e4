"""The footer's key hints, as many as the width holds.

Textual's Footer shows every binding and cuts the line where the terminal ends, mid-word.
This one marks each key with its action (``key-run``), and the main screen's width classes
(app.tcss) hide the less needed ones, so what is shown is whole; f1 lists every key.
"""

from __future__ import annotations

import re

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

WIDE, NARROW = 150, 120
"""From WIDE columns every key is shown; below NARROW, only the essential ones."""


class KeyHints(Footer):
    _composed_for: tuple[tuple[str, str, str, bool], ...] | None = None
    """The shown bindings the keys were last composed for."""

    def bindings_changed(self, screen: Screen[object]) -> None:
        # Textual composes the footer again at every change of the screen's bindings, which
        # is every change of focus: 52 times before the first paint, a tenth of a second.
        # Only a change in what it shows needs it.
        shown = tuple(
            (binding.key, binding.action, binding.description, enabled)
            for _, binding, enabled, _ in screen.active_bindings.values()
            if binding.show
        )
        if screen.app.app_focus:
            if shown == self._composed_for:
                return
            self._composed_for = shown
        super().bindings_changed(screen)

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                # sort('loss') and main.run are no class names: key-sort, key-run
                name = re.sub(r"\W", "_", widget.action.partition("(")[0].rpartition(".")[2])
                widget.add_class(f"key-{name}")
            yield widget


def width_classes(width: int) -> dict[str, bool]:
    """The main screen's classes for a terminal ``width`` columns wide."""
    return {"keys-some": NARROW <= width < WIDE, "keys-few": width < NARROW}
