"""f10: the terms on the screen, each with its definition (teach/glossary.py). What counts as
on the screen is what is drawn there now: its text, read back from Textual's compositor."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from tui_linreg.i18n import N_, _
from tui_linreg.teach.glossary import Term, terms_in


def drawn_text(screen: Screen[object]) -> list[str]:
    """Every line the screen shows now, as plain text."""
    return [strip.text for strip in screen._compositor.render_strips()]


class GlossaryScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f10", "dismiss", N_("Close"), tooltip=N_("Back to the app")),
    ]

    def __init__(self, terms: list[Term]) -> None:
        super().__init__()
        self.terms = terms

    @classmethod
    def of(cls, screen: Screen[object]) -> GlossaryScreen:
        """The glossary of what ``screen`` shows."""
        return cls(terms_in(drawn_text(screen)))

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="glossary"):
            yield Static(Text(_("Terms on this screen"), "bold"))
            if not self.terms:
                yield Static(_("None of the glossary's terms is on this screen."))
            for term in self.terms:
                yield Static(Text.assemble((term.name, "bold"), "  ", _(term.definition)))
            yield Static(
                Text(_("escape or f10 closes · the mouse resting on a pane says it too"), "dim")
            )
