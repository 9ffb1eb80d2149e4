"""Recorded engine events ("tapes") that the snapshot tests feed to the app instead of training.

float32 rounding depends on the CPU's kernels (AVX2, AVX-512, NEON): the same run gives
``loss 9.040993`` on one machine and ``9.040994`` on another. A snapshot of real training would
encode that noise, so the snapshot tests never train: the app's trainer (tui_linreg/trainer.py)
is a :class:`TapePlayer`, which plays back what the engine said when the tape was recorded.
It answers all that trains behind the scenes too: the data preview and a replayed step.

A tape is recorded once, on purpose, by the real engine through a :class:`TapeRecorder`, and
committed (tests/ui/tapes/NAME.json.gz):

    TUI_LINREG_RECORD=1 python -m pytest -n 0 tests/ui/test_snapshots.py --snapshot-update

(``-n 0``: in one process, so that two tests recording the same tape never write it at once.)
Then look at the SVGs the snapshots changed to, as after any deliberate change.
"""

from __future__ import annotations

import base64
import dataclasses
import gzip
import json
import os
import threading
from array import array
from collections.abc import Iterator
from enum import Enum
from pathlib import Path
from typing import Any

from tui_linreg.config import TrainConfig
from tui_linreg.engine import events
from tui_linreg.engine.control import RunControl
from tui_linreg.engine.events import Event, Progress, RunStarted, StepDetail
from tui_linreg.trainer import EngineTrainer

TAPES = Path(__file__).with_name("tapes")
RECORDING = os.environ.get("TUI_LINREG_RECORD") == "1"
"""Record the tapes afresh with the real engine (and so this machine's rounding)."""

_TYPES: dict[str, type[Any]] = {
    cls.__name__: cls
    for cls in (
        events.RunStarted,
        events.Progress,
        events.EpochEnded,
        events.RunEnded,
        events.StepTaken,
        events.StepDetail,
        events.ClosedForm,
    )
}


def encode(value: Any) -> Any:
    """An event as JSON: each dataclass tagged with its type, tuples as lists, floats exact
    (Python writes the shortest text that reads back as the same float, nan and inf too)."""
    if isinstance(value, TrainConfig):
        return {"TrainConfig": value.to_dict()}
    if isinstance(value, events.Outcome):
        return {"Outcome": str(value)}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {type(value).__name__: fields}
    if isinstance(value, tuple | list):
        if len(value) >= 16 and all(type(item) is float for item in value):
            # A run's path (θ after every step) is most of a tape: as doubles, bit for bit,
            # it is a third of the size of its decimal text.
            return {"f64": base64.b64encode(array("d", value).tobytes()).decode("ascii")}
        return [encode(item) for item in value]
    assert value is None or isinstance(value, bool | int | float | str), value
    assert not isinstance(value, Enum), value
    return value


def decode(value: Any) -> Any:
    """The inverse of :func:`encode`: every list back to a tuple, as events hold them."""
    if isinstance(value, list):
        return tuple(decode(item) for item in value)
    if not isinstance(value, dict):
        return value
    ((name, fields),) = value.items()
    if name == "f64":
        return tuple(array("d", base64.b64decode(fields)))
    if name == "TrainConfig":
        return TrainConfig.from_dict(fields)
    if name == "Outcome":
        return events.Outcome(fields)
    return _TYPES[name](**{key: decode(item) for key, item in fields.items()})


def _key(kind: str, config: TrainConfig, step: int = 0) -> str:
    return json.dumps([kind, config.to_dict(), step], sort_keys=True)


class TapePlayer:
    """Plays a tape back as the engine would have said it. A run that was stepped (f7) waits
    for each step as the engine does: paused before each report, one report a step."""

    def __init__(self, name: str) -> None:
        self.name = name
        with gzip.open(TAPES / f"{name}.json.gz", "rt", encoding="utf-8") as file:
            calls = json.load(file)
        self._calls: dict[str, list[Any]] = {}
        for call in calls:
            self._calls.setdefault(call["key"], []).append(call["said"])
        self.missed: list[str] = []
        """Calls the tape has no answer for: the test fails, naming them."""

    def _said(self, kind: str, config: TrainConfig, step: int = 0) -> Any:
        answers = self._calls.get(_key(kind, config, step))
        if not answers:
            what = f"{kind} of {config.implementation} (step {step})"
            self.missed.append(what)
            raise LookupError(
                f"tape {self.name!r} has no {what}: record it again (tests/ui/tapes.py says how)"
            )
        return answers.pop(0) if len(answers) > 1 else answers[0]  # the last one repeats

    def load(self, device: str) -> None:
        """Nothing to load: no torch, no warm-up."""

    def train(
        self,
        config: TrainConfig,
        control: RunControl,
        *,
        trace: bool = False,
        record_path: bool = False,
    ) -> Iterator[Event]:
        for said in self._said("train", config):
            event = decode(said)
            single = False
            if not isinstance(event, RunStarted):  # the engine looks at the control here
                control.take_pace()
                if control.paused:
                    control.wait_while_paused()
                if control.cancelled:
                    return
                single = control.take_single()
            if single and isinstance(event, Progress):
                control.stepped()  # paused again before its report, as the engine does
            yield event

    def preview(self, config: TrainConfig) -> RunStarted:
        started = decode(self._said("preview", config))
        assert isinstance(started, RunStarted)
        return started

    def replay_step(self, config: TrainConfig, step: int, control: RunControl) -> StepDetail | None:
        detail = decode(self._said("replay", config, step))
        assert detail is None or isinstance(detail, StepDetail)
        return detail


class TapeRecorder:
    """The real engine, writing down what it says: :meth:`save` writes the tape."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.engine = EngineTrainer()
        self._calls: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self.missed: list[str] = []

    def _write_down(self, key: str, said: Any) -> None:
        with self._lock:
            self._calls.append({"key": key, "said": said})

    def load(self, device: str) -> None:
        self.engine.load(device)

    def train(
        self,
        config: TrainConfig,
        control: RunControl,
        *,
        trace: bool = False,
        record_path: bool = False,
    ) -> Iterator[Event]:
        said: list[Any] = []
        self._write_down(_key("train", config), said)  # filled in as the run goes
        for event in self.engine.train(config, control, trace=trace, record_path=record_path):
            said.append(encode(event))
            yield event

    def preview(self, config: TrainConfig) -> RunStarted:
        started = self.engine.preview(config)
        self._write_down(_key("preview", config), encode(started))
        return started

    def replay_step(self, config: TrainConfig, step: int, control: RunControl) -> StepDetail | None:
        detail = self.engine.replay_step(config, step, control)
        self._write_down(_key("replay", config, step), encode(detail))
        return detail

    def save(self) -> None:
        TAPES.mkdir(exist_ok=True)
        with self._lock:
            text = json.dumps(self._calls, separators=(",", ":"))
        # mtime=0: the same tape gives the same bytes, so git sees no change where there is none
        with (
            open(TAPES / f"{self.name}.json.gz", "wb") as raw,
            gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as file,
        ):
            file.write(text.encode("utf-8"))


Tape = TapePlayer | TapeRecorder


def tape(name: str) -> Tape:
    """The tape ``name``, played back; recorded afresh with TUI_LINREG_RECORD=1."""
    return TapeRecorder(name) if RECORDING else TapePlayer(name)
