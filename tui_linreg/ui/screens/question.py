"""Predict, then observe: an exercise preset's question, asked before its run (f5).

A key answers (1–4), or a number and enter; escape skips the question, and the preset runs
all the same (its notes then say the answer). The answer is judged when the run ends (teach/questions.py), and the notes
pane says it beside the outcome."""

from __future__ import annotations

import math
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from tui_linreg.i18n import N_, _
from tui_linreg.teach.questions import Question
from tui_linreg.ui.ordered_input import OrderedInput


class Choice(Static):
    """One answer: its key, its words; a click chooses it too. No list widget: enter alone
    must not answer the first choice by accident."""

    class Chosen(Message):
        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def __init__(self, index: int, shown: Text) -> None:
        super().__init__(shown)
        self.index = index

    def on_click(self) -> None:
        self.post_message(self.Chosen(self.index))


class QuestionScreen(ModalScreen[float | None]):
    """Dismissed with the answer (a choice's index, or the number), or None when skipped."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape", "skip", N_("Skip"), tooltip=N_("Skip the question: it runs all the same")
        ),
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
                yield OrderedInput(
                    placeholder=_("a number ({tolerance})").format(tolerance=question.tolerance()),
                    id="question-number",
                )
                keys = _("enter answers and runs it · escape runs it without an answer")
            else:
                with Vertical(id="question-choices"):
                    for index, choice in enumerate(question.choices, 1):
                        yield Choice(
                            index - 1,
                            Text.assemble((f" {index} ", "bold reverse"), "  ", _(choice)),
                        )
                keys = _(
                    "{first}–{last} (or a click) answers and runs it · escape runs it without "
                    "an answer"
                ).format(first=1, last=len(question.choices))
            yield Static("", id="question-error")
            yield Static(Text(keys, "dim"), id="question-keys")

    def on_mount(self) -> None:
        self.query_one(
            "#question-number" if self.question.asks_number else "#question-choices"
        ).focus()

    def action_choose(self, index: int) -> None:
        if not self.question.asks_number and index < len(self.question.choices):
            self.dismiss(float(index))

    def on_choice_chosen(self, event: Choice.Chosen) -> None:
        self.action_choose(event.index)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip().replace("−", "-").replace(",", "")
        try:
            answer = float(text)
        except ValueError:
            answer = math.nan
        if not math.isfinite(answer):
            shown = event.value.strip()[:20]
            said = (
                _("{text} is not a number: type one, such as 12 or 0.5").format(text=shown)
                if shown
                else _("type a number first (escape skips the question)")
            )
            self.query_one("#question-error", Static).update(Text(said, "red"))
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
            yield OrderedInput(
                placeholder=_("a name, or nothing"), max_length=40, id="question-number"
            )
            yield Static(Text(_("enter goes on · escape: no name"), "dim"), id="question-keys")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(" ".join(event.value.split()))

    def action_skip(self) -> None:
        self.dismiss("")
