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
from typing import TYPE_CHECKING, Any

from tui_linreg.config import FROM_THE_FILE, SETTINGS, ConfigError, TrainConfig
from tui_linreg.engine.control import RunControl
from tui_linreg.engine.events import Event, Outcome, RunEnded
from tui_linreg.history import History, RunRecord
from tui_linreg.sources import SYNTHETIC
from tui_linreg.sweep import Sweep

if TYPE_CHECKING:
    import torch

    from tui_linreg.engine.data import Problem

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


Prepared = tuple["torch.device", "Problem"]


class Runner:
    """Carries plans out, one run after another, and records each run that ends.

    It keeps the last data set it drew, so the next run on the same data (the other
    implementation, the next value of a sweep, a rerun) trains on the very same tensors.
    """

    def __init__(self, history: History | None, warn: Callable[[str], None]) -> None:
        self.history = history
        """Where runs are recorded; None records nothing."""
        self.warn = warn
        """Called with a sentence when a run cannot be recorded."""
        self.records: list[RunRecord] = []
        """Every run this runner recorded (or would have, with no history), oldest first."""
        self._data: tuple[tuple[Any, ...], Prepared] | None = None

    def prepared_for(self, config: TrainConfig) -> Prepared | None:
        """The data the last run drew, if ``config`` draws the same (replay takes a step again
        on it); None: it would have to be drawn again."""
        data = self._data
        return data[1] if data is not None and data[0] == config.data_key else None

    def run(
        self, plan: Plan, control: RunControl, *, trace: bool = False, record_path: bool = False
    ) -> Iterator[Event]:
        """Every event of every run of ``plan``, in order. A cancelled run ends the plan;
        ``trace`` adds a StepTaken after every step, ``record_path`` θ after every step to the
        Progress reports.

        Raises :class:`ConfigError` before a run's first event if it cannot run here (no such
        device, or its memory ran out).
        """
        # torch loads here, when a run starts: the app's first frame must not wait for it.
        from tui_linreg.engine.run import prepare, train

        for config in plan.configs:
            if self._data is None or self._data[0] != config.data_key:
                self._data = None  # the old tensors go before the new ones are drawn
                self._data = (config.data_key, prepare(config))
            end: RunEnded | None = None
            try:
                for event in train(
                    config, control, self._data[1], trace=trace, record_path=record_path
                ):
                    if isinstance(event, RunEnded):
                        end = event
                        self._record(event)
                    yield event
            except ConfigError:
                self._data = None
                raise
            if end is None or end.outcome == Outcome.CANCELLED:
                return

    def _record(self, end: RunEnded) -> None:
        record = RunRecord.from_run(end)
        self.records.append(record)
        if self.history is None:
            return
        try:
            self.history.append(record)
        except OSError as error:
            self.warn(f"run not recorded in {self.history.path}: {error.strerror}")
