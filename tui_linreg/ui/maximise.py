"""m on a pane that has the focus fills the screen with it (a plot for a projector, a small
terminal); m or escape puts it back. Textual's own maximise, given a key."""

from __future__ import annotations

from textual.binding import Binding, BindingType
from textual.widget import Widget

from tui_linreg.i18n import N_, _
from tui_linreg.ui import keys

WORDS: dict[str, tuple[str, str]] = {
    "maximise": (N_("Maximise"), N_("This pane on the whole screen, or back")),
}
"""The footer's words for m, in English, by the binding's id: looked up when this module is
imported (the command line chooses the language first), and again by :func:`retranslate_keys`
when the palette switches it."""

MAXIMISE_BINDINGS: list[BindingType] = [
    Binding(
        "m",
        "maximise",
        _(WORDS["maximise"][0]),
        tooltip=_(WORDS["maximise"][1]),
        id="maximise",
    ),
]

HELP = (
    "m",
    N_("Maximise the plot or inspector that has the focus, and back (escape too)"),
)
"""For the help screen (its words through _() where shown)."""


def toggle_maximised(pane: Widget) -> None:
    screen = pane.screen
    if screen.maximized is pane:
        screen.minimize()
    else:
        screen.maximize(pane, container=False)


def retranslate_keys(pane: Widget) -> None:
    """``pane``'s m in the footer, in the language now in use (a pane's ``retranslate``)."""
    keys.translated(pane._bindings, WORDS)
