"""The notes pane: what to notice about the last plan, with its own numbers (teach/notes.py).

Beside the parameter table where the terminal is wide enough; ctrl+e shows it on the whole
screen at any width (m or escape puts it back, as for every pane). A Static in a scrolling
pane, not a log: its text wraps again at every width, hidden, beside the table or maximised."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from tui_linreg.i18n import _
from tui_linreg.teach.note import Note
from tui_linreg.ui.glossed import Glossed
from tui_linreg.ui.maximise import MAXIMISE_BINDINGS, retranslate_keys, toggle_maximised


class NotesPane(VerticalScroll, Glossed, can_focus=True):
    DEFAULT_CLASSES = "pane"
    ALLOW_MAXIMIZE = True  # a container's default is False
    BINDINGS: ClassVar[list[BindingType]] = [*MAXIMISE_BINDINGS]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = _("notes")
        self.notes: tuple[Note, ...] = ()
        """What the pane shows: the last plan's notes."""
        self._text = Static(self._waiting())

    def compose(self) -> ComposeResult:
        yield self._text

    def show(self, notes: Iterable[Note]) -> None:
        self.notes = tuple(notes)
        text = Text() if self.notes else self._waiting()
        for index, note in enumerate(self.notes):
            text.append(("\n\n" if index else "") + "• " + note.text)
        self._text.update(text)
        self.scroll_home(animate=False)
        self.border_subtitle = _("ctrl+e: whole screen and back · f10: terms") if self.notes else ""

    @staticmethod
    def _waiting() -> Text:
        return Text(_("What to notice about a run shows here once it ends."), "dim")

    def retranslate(self) -> None:
        """Its title and keys (the notes are the run's, said when it ended)."""
        self.border_title = _("notes")
        retranslate_keys(self)
        if self.notes:
            self.border_subtitle = _("ctrl+e: whole screen and back · f10: terms")
        else:
            self._text.update(self._waiting())

    def glossed_texts(self) -> list[str]:
        return [note.text for note in self.notes]

    def action_maximise(self) -> None:
        toggle_maximised(self)
