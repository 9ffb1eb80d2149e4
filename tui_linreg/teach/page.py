"""What a lesson is made of: its pages, each with a few sentences, the lesson's code, and the
action its key takes in the live app. Pure: neither torch nor Textual."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tui_linreg.i18n import _

THEN = ("", "run", "step", "both", "graph", "walk")
"""What a page's action does once its settings are in the form: nothing more, run them, take
one step, run scratch beside concise, draw one step's autograd graph, or walk one step line by
line."""

VIEWS = ("", "inspector", "landscape", "code", "notes")
"""Which view a page's action shows: the step inspector (f8), the map (f9), the code (f3),
the notes (ctrl+e)."""


@dataclass(frozen=True)
class Action:
    """What a page's "do it" key does to the live app."""

    label: str
    """What the key does, in a few words (marked ``N_``)."""
    preset: str = ""
    """A preset to fill the form with (one with a question asks it first)."""
    changes: Mapping[str, Any] = field(default_factory=dict)
    """Settings on top of the defaults (or of the preset), by TrainConfig's names."""
    then: str = "run"
    view: str = ""
    step: int = 1
    """For ``then="graph"``: which step's graph."""


@dataclass(frozen=True)
class Page:
    title: str
    text: str
    """A few plain sentences (marked ``N_``)."""
    code: str = ""
    """The lesson's code, shown as it is (never translated)."""
    runs: bool = False
    """Whether the code is run when the page is shown, and its output shown below it."""
    action: Action | None = None
    after: str = ""
    """What to look at once the action has run (marked ``N_``)."""
    numbers: str = ""
    """An exercise's numbers, for a title that names them (``Exercise {numbers}``)."""

    def shown_title(self) -> str:
        """The title in the user's language."""
        return _(self.title).format(numbers=self.numbers) if self.numbers else _(self.title)


@dataclass(frozen=True)
class Lesson:
    name: str
    title: str
    summary: str
    pages: tuple[Page, ...]
