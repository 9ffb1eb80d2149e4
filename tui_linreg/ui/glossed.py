"""Tooltips that define the terms a pane shows: worked out from what it shows when the mouse
rests on it (Textual reads a widget's tooltip then), so a title that changed is explained as
it is now. The definitions are the glossary's (teach/glossary.py)."""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual.widget import Widget

from tui_linreg.teach.glossary import tooltip


class Glossed(Widget):
    """A widget whose tooltip is the definitions of the terms in :meth:`glossed_texts`. List
    it last among a widget's bases: Textual takes a widget's CSS and component classes from
    its first base's line alone."""

    def glossed_texts(self) -> Iterable[str]:
        """What the pane shows that may hold terms: its title and subtitle by default."""
        return (str(self.border_title or ""), str(self.border_subtitle or ""))

    @property
    def tooltip(self) -> Text | None:
        said = tooltip(self.glossed_texts())
        return None if said is None else Text(said)

    @tooltip.setter
    def tooltip(self, value: object) -> None:
        """Set by nobody: the tooltip follows what the pane shows."""
