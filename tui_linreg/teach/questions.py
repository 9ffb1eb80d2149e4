"""Predict, then observe: each exercise preset asks its question before it runs, and its own
run answers it.

A :class:`Question` has two to four choices, or asks for a number; its ``judge`` reads the
plan's runs and says which choice is right (or the number), with a note quoting what was
measured. Learners who predict before they watch understand more than those who only watch
(Crouch et al. 2004): so the answer is never on screen before the run. Imports neither
Textual nor torch; every sentence is marked for the catalogue (``N_``) and looked up when
shown.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tui_linreg.engine.events import Outcome, RunEnded
from tui_linreg.i18n import N_, _
from tui_linreg.teach.dynamics import Run, ratio_to_optimum
from tui_linreg.teach.note import Note


@dataclass(frozen=True)
class Judged:
    """What the runs answered: the right choice's index (or the number), and why."""

    value: float
    note: Note


@dataclass(frozen=True)
class Question:
    preset: str
    text: str
    """The question, as the catalogue's English source: shown through ``_()``."""
    choices: tuple[str, ...]
    """Two to four answers; empty where the answer is a number."""
    judge: Callable[[Sequence[Run]], Judged]
    unit: str = ""
    """What a number answer counts (``steps``)."""
    factor: float = 2.0
    """A number is right within this factor of the outcome…"""
    within: float | None = None
    """…or, where this is set, within this much of it (a slope)."""

    @property
    def asks_number(self) -> bool:
        return not self.choices

    def right(self, answer: float, outcome: float) -> bool:
        """Whether ``answer`` (a choice's index, or a number) is the outcome's."""
        if not self.asks_number:
            return int(answer) == int(outcome)
        if self.within is not None:
            return abs(answer - outcome) <= self.within
        if answer <= 0 or outcome <= 0 or not math.isfinite(outcome):
            return answer == outcome
        return 1 / self.factor <= answer / outcome <= self.factor

    def shown_answer(self, answer: float) -> str:
        """An answer in words: its choice, or the number and its unit."""
        if not self.asks_number:
            return _(self.choices[int(answer)])
        return f"{answer:,.6g} {_(self.unit)}".strip()

    def tolerance(self) -> str:
        """How close a number must be, in words, for the question's text."""
        if self.within is not None:
            return _("right within ±{within:g}").format(within=self.within)
        return _("right within a factor of {factor:g}").format(factor=self.factor)


@dataclass(frozen=True)
class Prediction:
    """A learner's answer to a question, made before the run."""

    question: str
    """The preset whose question it answers."""
    answer: float
    name: str = ""
    """Who answered, where a served tab gave a name; "" otherwise."""


@dataclass(frozen=True)
class Verdict:
    """A prediction beside the outcome, as the history keeps it."""

    prediction: Prediction
    outcome: float
    right: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.prediction.question,
            "answer": self.prediction.answer,
            "outcome": self.outcome,
            "right": self.right,
            "name": self.prediction.name,
        }


def judge(
    question: Question, runs: Sequence[Run], prediction: Prediction | None
) -> tuple[Verdict | None, tuple[Note, ...]]:
    """What the plan's runs answered to the question: the verdict on ``prediction`` (None
    where the learner skipped it, or was never asked: ``train --preset``), and the notes
    that say it, the prediction beside the outcome first."""
    judged = question.judge(runs)
    outcome = question.shown_answer(judged.value)
    if prediction is None:
        said = Note(
            "answer",
            _("The run says: {outcome}.").format(outcome=outcome),
            {"outcome": judged.value},
        )
        return None, (said, judged.note)
    right = question.right(prediction.answer, judged.value)
    said = Note(
        "prediction",
        (
            _("You predicted: {answer}. The run says: {outcome}. Right.")
            if right
            else _("You predicted: {answer}. The run says: {outcome}. Not this time.")
        ).format(answer=question.shown_answer(prediction.answer), outcome=outcome),
        {"answer": prediction.answer, "outcome": judged.value, "right": int(right)},
    )
    return Verdict(prediction, judged.value, right), (said, judged.note)


def asked(question: Question) -> str:
    """The question and its choices as ``train --preset`` prints them (nobody to answer)."""
    lines = [_("Question: {text}").format(text=_(question.text))]
    lines += [f"  {index}. {_(choice)}" for index, choice in enumerate(question.choices, 1)]
    if question.asks_number:
        lines.append("  " + _("(a number: {tolerance})").format(tolerance=question.tolerance()))
    lines.append(_("Think of your answer: the run below gives it."))
    return "\n".join(lines)


# --- what the questions' judges share --------------------------------------------------------

CLOSE_TO_OPTIMUM = 2.0
"""A run has reached the answer when its half-MSE is within this factor of the optimum's."""


def distance_to_truth(end: RunEnded) -> float:
    """How far the learned (w, b) is from the true one."""
    config = end.config
    truth = (*config.true_w, config.true_b)
    return math.dist((*end.w, end.b), truth) if math.isfinite(end.half_mse) else math.inf


def closer(first: float, second: float) -> int:
    """0: the first distance is the smaller, 1: the second, 2: about the same (within the
    factor that counts as there)."""
    if max(first, second) <= CLOSE_TO_OPTIMUM * min(first, second):
        return 2
    return 0 if first < second else 1


def note_of(id: str, message: str, **numbers: float | int | str) -> Note:
    """A note whose ``message`` is marked (``N_``) and looked up now, filled in."""
    return Note(id, _(message).format(**numbers), numbers)


def reached(runs: Sequence[Run]) -> Judged:
    """0: it ended within 2× the optimum; 1: it finished farther off; 2: it diverged or
    failed."""
    end = runs[-1][1]
    ratio = ratio_to_optimum(end)
    value = 2 if end.outcome != Outcome.FINISHED else 0 if ratio <= CLOSE_TO_OPTIMUM else 1
    if end.outcome != Outcome.FINISHED:
        note = note_of(
            "reached",
            N_("This run flew off: the app stopped it at step {step:,}, half-MSE {loss:.3g}."),
            step=end.step,
            loss=end.half_mse,
        )
    else:
        note = note_of(
            "reached",
            N_(
                "This run ended at half-MSE {loss:.3g}, {ratio:.3g}× the optimum's {best:.3g} "
                "(within {close:g}× counts as there)."
            ),
            loss=end.half_mse,
            ratio=ratio,
            best=end.closed_form.half_mse,
            close=CLOSE_TO_OPTIMUM,
        )
    return Judged(value, note)


ENDS = (
    N_("about where the lesson's run ends"),
    N_("still far from the answer"),
    N_("it flies off: the loss overflows"),
)


@dataclass(frozen=True)
class Tally:
    """Right answers out of those given, for one name ("" where none was given)."""

    name: str
    right: int
    asked: int

    def said(self) -> str:
        who = self.name or _("this machine")
        return _("{who}: {right} of {asked} predictions right").format(
            who=who, right=self.right, asked=self.asked
        )


def tally(predictions: Sequence[Mapping[str, Any]]) -> list[Tally]:
    """Each name's right answers, oldest first in ``predictions``: the first answer to a
    question counts, a second try at it does not (it has seen the answer)."""
    first: dict[tuple[str, str], bool] = {}
    for prediction in predictions:
        first.setdefault((prediction["name"], prediction["question"]), prediction["right"])
    names = sorted({name for name, _ in first})
    return [
        Tally(
            name,
            sum(right for (who, _), right in first.items() if who == name),
            sum(1 for who, _ in first if who == name),
        )
        for name in names
    ]
