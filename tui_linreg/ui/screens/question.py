"""Predict, then observe: an exercise preset's question, asked before its run (f5).

A key answers (1–4), or a number and enter; escape skips the question (the preset then only
fills the form). The answer is judged when the run ends (teach/questions.py), and the notes
pane says it beside the outcome."""

from __future__ import annotations

import math
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from tui_linreg.i18n import N_, _
from tui_linreg.teach.questions import Question


class QuestionScreen(ModalScreen[float | None]):
    """Dismissed with the answer (a choice's index, or the number), or None when skipped."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "skip", N_("Skip"), tooltip=N_("Skip the question: the form only")),
        *(Binding(str(n), f"choose({n - 1})", show=False) for n in range(1, 5)),
    ]

    def __init__(self, question: Question, heading: str) -> None:
        super().__init__()
        self.question = question
        self.heading = heading

    def compose(self) -> ComposeResult:
        question = self.question
        with Vertical(id="question"):
            yield Static(Text(self.heading, "bold"), id="question-heading")
            yield Static(_(question.text), id="question-text")
            if question.asks_number:
                yield Input(
                    placeholder=_("a number ({tolerance})").format(tolerance=question.tolerance()),
                    id="question-number",
                )
                keys = _("enter answers and runs it · escape skips the question")
            else:
                yield OptionList(
                    *(
                        Option(f"{index}  {_(choice)}", id=str(index - 1))
                        for index, choice in enumerate(question.choices, 1)
                    ),
                    id="question-choices",
                )
                keys = _("{first}–{last} (or enter) answers and runs it · escape skips").format(
                    first=1, last=len(question.choices)
                )
            yield Static("", id="question-error")
            yield Static(Text(keys, "dim"), id="question-keys")

    def on_mount(self) -> None:
        self.query_one(
            "#question-number" if self.question.asks_number else "#question-choices"
        ).focus()

    def action_choose(self, index: int) -> None:
        if not self.question.asks_number and index < len(self.question.choices):
            self.dismiss(float(index))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        assert event.option.id is not None
        self.dismiss(float(event.option.id))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip().replace("−", "-").replace(",", "")
        try:
            answer = float(text)
        except ValueError:
            answer = math.nan
        if not math.isfinite(answer):
            shown = event.value.strip()[:20] or _("nothing")
            self.query_one("#question-error", Static).update(
                Text(_("{text} is not a number: type one, such as 500").format(text=shown), "red")
            )
            return
        self.dismiss(answer)

    def action_skip(self) -> None:
        self.dismiss(None)


class NameScreen(ModalScreen[str]):
    """Served to a class, every tab shares one history: a name (optional, asked once, before
    the first question) tells whose answers are whose in the tally."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "skip", N_("Skip"))]

    def compose(self) -> ComposeResult:
        with Vertical(id="question"):
            yield Static(Text(_("Your name, for your answers"), "bold"), id="question-heading")
            yield Static(
                _(
                    "Everyone at this page shares one history of runs and answers. A name "
                    "(optional) tells a teacher's tally which answers are yours."
                ),
                id="question-text",
            )
            yield Input(placeholder=_("a name, or nothing"), max_length=40, id="question-number")
            yield Static(Text(_("enter goes on · escape: no name"), "dim"), id="question-keys")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(" ".join(event.value.split()))

    def action_skip(self) -> None:
        self.dismiss("")
