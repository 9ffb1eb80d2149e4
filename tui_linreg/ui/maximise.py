"""m on a pane that has the focus fills the screen with it (a plot for a projector, a small
terminal); m or escape puts it back. Textual's own maximise, given a key."""

from __future__ import annotations

from textual.binding import Binding, BindingType
from textual.widget import Widget

MAXIMISE_BINDINGS: list[BindingType] = [
    Binding("m", "maximise", "Maximise", tooltip="This pane on the whole screen, or back"),
]

HELP = ("m", "Maximise the plot or inspector that has the focus, and back (escape too)")
"""For the help screen."""


def toggle_maximised(pane: Widget) -> None:
    screen = pane.screen
    if screen.maximized is pane:
        screen.minimize()
    else:
        screen.maximize(pane, container=False)
