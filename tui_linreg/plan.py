"""Run plans: one run, both implementations side by side, or a sweep, and the runner that
carries a plan out for the app and for ``tui-linreg train`` alike.

A plan knows the order of its runs and the labels that tell them apart. The runner trains them
one after another, on the very same tensors where they agree on the data, and records every
run that ends in the history. Neither torch nor Textual is imported here at import time.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum

from tui_linreg.config import FROM_THE_FILE, SETTINGS, TrainConfig
from tui_linreg.engine.control import RunControl
from tui_linreg.engine.events import Event, Outcome, PlanEnded, RunEnded, RunStarted, worst
from tui_linreg.history import History, RunRecord
from tui_linreg.sources import SYNTHETIC
from tui_linreg.sweep import Sweep
from tui_linreg.teach.exercises import QUESTIONS
from tui_linreg.teach.notes import closing_notes
from tui_linreg.teach.questions import Prediction, Verdict, judge
from tui_linreg.trainer import EngineTrainer, Trainer

SIDE_BY_SIDE = ("scratch", "concise")
"""The two lessons' implementations, in the order ``both`` runs them."""


class PlanKind(StrEnum):
    SINGLE = "single"
    BOTH = "both"
    """Scratch, then concise, on the same data from the same start."""
    SWEEP = "sweep"
    """One setting over several values, on the same data."""


@dataclass(frozen=True)
class Plan:
    kind: PlanKind
    configs: tuple[TrainConfig, ...]
    """The runs, in the order they train."""
    question: str = ""
    """The preset whose question the plan answers (teach/questions.py), or "": when it ends,
    its notes say the answer, measured by its runs."""
    prediction: Prediction | None = None
    """The learner's answer to that question, made before the plan ran."""

    @classmethod
    def of(cls, config: TrainConfig, *, both: bool = False, sweep: Sweep | None = None) -> Plan:
        """One run of ``config``; or both implementations; or a sweep (of each of them)."""
        configs = [config]
        if both:
            configs = [dataclasses.replace(config, implementation=name) for name in SIDE_BY_SIDE]
        if sweep is not None:
            configs = [swept for each in configs for swept in sweep.configs(each)]
        kind = PlanKind.SWEEP if sweep else PlanKind.BOTH if both else PlanKind.SINGLE
        return cls(kind, tuple(configs))

    @property
    def labels(self) -> tuple[str, ...]:
        """What tells each run apart from the others: ``lr=0.001``; the implementation when
        nothing else differs."""
        names = differing(list(self.configs)) if self.kind == PlanKind.SWEEP else []
        return tuple(label_of(config, names) for config in self.configs)

    @property
    def steps(self) -> int:
        """Mini-batch steps in all its runs."""
        return sum(c.epochs * -(-c.num_examples // c.batch_size) for c in self.configs)

    def describe(self) -> str:
        if self.kind == PlanKind.BOTH:
            return "both implementations"
        if self.kind == PlanKind.SWEEP:
            return f"a sweep of {len(self.configs)} runs"
        return "one run"


def differing(configs: list[TrainConfig]) -> list[str]:
    """Settings whose values are not all the same across ``configs``, leaving out those that
    cannot change a result (runs that differ only there are the same experiment) and, for
    data files, what the file decides (its columns and rows follow from --data and the rest)."""
    if len(configs) < 2:
        return []
    first = configs[0]
    derived = FROM_THE_FILE if all(c.data != SYNTHETIC for c in configs) else ()
    return [
        name
        for name, setting in SETTINGS.items()
        if setting.affects_result
        and name not in derived
        and any(getattr(c, name) != getattr(first, name) for c in configs)
    ]


def label_of(config: TrainConfig, names: list[str]) -> str:
    """``config``'s values of the settings ``names``, e.g. ``lr=0.001 bs=10``."""
    if not names:
        return config.implementation
    return " ".join(
        f"{SETTINGS[name].legend}={SETTINGS[name].kind.show(getattr(config, name))}"
        for name in names
    )


class Runner:
    """Carries plans out, one run after another, through a trainer (the engine, or recorded
    events in the UI's snapshot tests), and records each run that ends."""

    def __init__(
        self,
        history: History | None,
        warn: Callable[[str], None],
        trainer: Trainer | None = None,
    ) -> None:
        self.history = history
        """Where runs are recorded; None records nothing."""
        self.warn = warn
        """Called with a sentence when a run cannot be recorded."""
        self.trainer: Trainer = trainer or EngineTrainer()
        self.records: list[RunRecord] = []
        """Every run this runner recorded (or would have, with no history), oldest first."""

    def run(
        self, plan: Plan, control: RunControl, *, trace: bool = False, record_path: bool = False
    ) -> Iterator[Event]:
        """Every event of every run of ``plan``, in order, each run's start and end tagged with
        its index and label; then one PlanEnded. A cancelled run ends the plan; ``trace`` adds
        a StepTaken after every step, ``record_path`` θ after every step to the Progress
        reports.

        Raises :class:`ConfigError` before a run's first event if it cannot run here (no such
        device, or its memory ran out).
        """
        labels, runs = plan.labels, list[tuple[RunStarted, RunEnded]]()
        for index, config in enumerate(plan.configs):
            start: RunStarted | None = None
            end: RunEnded | None = None
            for event in self.trainer.train(config, control, trace=trace, record_path=record_path):
                if isinstance(event, RunStarted):
                    event = start = dataclasses.replace(event, index=index, label=labels[index])
                elif isinstance(event, RunEnded):
                    event = end = dataclasses.replace(event, index=index, label=labels[index])
                    assert start is not None, "a run starts before it ends"
                    runs.append((start, end))
                    if not plan.question or index < len(plan.configs) - 1:
                        self._record(end)  # the last one waits for the verdict
                yield event
            if end is None or end.outcome == Outcome.CANCELLED:
                break
        ends = tuple(end for _, end in runs)
        done = len(ends) == len(plan.configs)
        outcome = worst([end.outcome for end in ends] + ([] if done else [Outcome.CANCELLED]))
        notes = closing_notes(plan.kind, runs)
        if plan.question and done:
            judged = None
            if ends[-1].outcome != Outcome.CANCELLED:
                judged, said = judge(QUESTIONS[plan.question], runs, plan.prediction)
                notes = (*said, *notes)
            self._record(ends[-1], judged)
        yield PlanEnded(plan.kind, ends, outcome, notes)

    def _record(self, end: RunEnded, judged: Verdict | None = None) -> None:
        record = RunRecord.from_run(end, judged)
        self.records.append(record)
        if self.history is None:
            return
        try:
            self.history.append(record)
        except OSError as error:
            self.warn(f"run not recorded in {self.history.path}: {error.strerror}")
