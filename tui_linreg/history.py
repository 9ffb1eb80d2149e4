"""The run history: every run, one JSON object per line, kept across launches.

Appends are one ``write`` of one whole line under an exclusive ``flock``, flushed and synced
before the lock is released, so two app instances appending at once lose no run and a crash
can at worst leave the *last* line unfinished. Loading skips any line that does not parse as a
run (counting it as a warning) and never raises for what is inside the file.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import math
import os
import platform
import stat
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from filelock import FileLock
from platformdirs import user_data_path

from tui_linreg import __version__
from tui_linreg.config import TrainConfig
from tui_linreg.engine.events import Outcome, RunEnded, distance_to_true, json_ready
from tui_linreg.i18n import _
from tui_linreg.teach.questions import Verdict

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows has no flock: filelock's lock file instead
    fcntl = None  # type: ignore[assignment]


LOCK_WITH_FLOCK = True
"""False takes filelock's way, as on Windows (a test sets it to try that way here)."""


def versions() -> dict[str, str]:
    """What ran: this program, Python and PyTorch (torch is looked up, never imported)."""
    torch = sys.modules.get("torch")
    return {
        "tui_linreg": __version__,
        "python": platform.python_version(),
        "torch": getattr(torch, "__version__", "not loaded"),
    }


def default_path() -> Path:
    """history.jsonl in the user's data directory (``$XDG_DATA_HOME/tui-linreg``)."""
    return user_data_path("tui-linreg") / "history.jsonl"


@dataclass(frozen=True)
class RunRecord:
    """One run as the history keeps it: plain values, comparable across launches."""

    id: str
    """Start time and implementation, unique enough to tell runs apart."""
    created: float
    config: TrainConfig
    outcome: Outcome
    message: str
    history: tuple[dict[str, Any], ...]
    """Per epoch: epoch, loss, half_mse, mse, w, b, elapsed_s, epoch_s, steps_per_s, lr,
    val_loss and val_half_mse (None without validation examples)."""
    w: tuple[float | None, ...]
    b: float | None
    half_mse: float | None
    closed_form_half_mse: float | None
    train_s: float
    steps_per_s: float
    device: str
    versions: dict[str, str] = field(default_factory=dict)
    data_units: dict[str, Any] | None = None
    """With --standardize: ``standardization`` (each feature's mean and std) and
    ``in_data_units`` (w and b in the data's own units), as ``train --json`` writes them."""
    prediction: dict[str, Any] | None = None
    """The learner's answer to the preset's question, on the plan's last run: question,
    answer, outcome, right and name (questions.Verdict); None where none was asked. Records
    written before predictions existed have none."""

    @property
    def distance_to_true(self) -> float:
        """Euclidean distance from the learned (w, b) to the true one; inf if diverged."""
        return distance_to_true(self.config, self.w, self.b)

    @property
    def final_loss(self) -> float:
        return math.inf if self.half_mse is None else self.half_mse

    @property
    def val_half_mse(self) -> float | None:
        """The last epoch's half-MSE on the validation examples; None without them."""
        return self.history[-1].get("val_half_mse") if self.history else None

    @property
    def curve(self) -> list[tuple[float, float]]:
        """(epoch, half-MSE) for every finished epoch."""
        return [
            (float(epoch["epoch"]), epoch["half_mse"])
            for epoch in self.history
            if epoch.get("half_mse") is not None
        ]

    def to_dict(self) -> dict[str, Any]:
        values = {name: getattr(self, name) for name in self.__dataclass_fields__}
        values["config"] = self.config.to_dict()
        return json_ready(values)  # type: ignore[no-any-return]

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> RunRecord:
        """Raises ValueError (ConfigError included), KeyError or TypeError on a bad record.

        Every value is checked for its type, so a hand-edited line, or one from another
        program, is skipped here rather than breaking the runs screen later.
        """
        config = TrainConfig.from_dict(values["config"])
        features = config.num_features
        outcome = Outcome(_text(values["outcome"]))  # ValueError if unknown
        versions = values.get("versions", {})
        if not isinstance(versions, dict):
            raise TypeError("versions is not an object")
        return cls(
            id=_text(values["id"]),
            created=_moment(values["created"]),
            config=config,
            outcome=outcome,
            message=_text(values["message"]),
            history=tuple(_epoch(epoch, config) for epoch in _list(values["history"])),
            w=_numbers(values["w"], features),
            b=_maybe_number(values["b"]),
            half_mse=_maybe_number(values["half_mse"]),
            closed_form_half_mse=_maybe_number(values["closed_form_half_mse"]),
            train_s=_number(values["train_s"]),
            steps_per_s=_number(values["steps_per_s"]),
            device=_text(values["device"]),
            versions={_text(k): _text(v) for k, v in versions.items()},
            data_units=_data_units(values.get("data_units")),
            prediction=_prediction(values.get("prediction")),
        )

    @classmethod
    def from_run(cls, end: RunEnded, judged: Verdict | None = None) -> RunRecord:
        created = time.time()
        return cls(
            id=f"{time.strftime('%Y%m%d-%H%M%S', time.localtime(created))}-"
            f"{uuid.uuid4().hex[:4]}-{end.config.implementation}",
            created=created,
            config=end.config,
            outcome=end.outcome,
            message=end.message,
            history=tuple(json_ready(dataclasses.asdict(epoch)) for epoch in end.history),
            w=tuple(json_ready(list(end.w))),
            b=json_ready(end.b),
            half_mse=json_ready(end.half_mse),
            closed_form_half_mse=end.closed_form.half_mse,
            train_s=end.train_s,
            steps_per_s=end.steps_per_s,
            device=end.device,
            versions=versions(),
            data_units=json_ready(end.data_units()) or None,
            prediction=None if judged is None else json_ready(judged.to_dict()),
        )


def predictions(records: list[RunRecord]) -> list[dict[str, Any]]:
    """The predictions the records carry, oldest first (the first answer counts)."""
    ordered = sorted(records, key=lambda record: record.created)
    return [record.prediction for record in ordered if record.prediction is not None]


# --- checking a record read back from the file ----------------------------------------------


def _data_units(value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise TypeError("data_units is not an object")
    scaled, units = value["standardization"], value["in_data_units"]
    count = len(_list(scaled["means"]))
    return {
        "standardization": {
            "means": [_number(x) for x in _list(scaled["means"])],
            "stds": [_number(x) for x in _list(scaled["stds"])][:count],
        },
        "in_data_units": {"w": list(_numbers(units["w"], count)), "b": _maybe_number(units["b"])},
    }


def _prediction(value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise TypeError("prediction is not an object")
    right = value["right"]
    if not isinstance(right, bool):
        raise TypeError("prediction's right is not true or false")
    return {
        "question": _text(value["question"]),
        "answer": _number(value["answer"]),
        "outcome": _maybe_number(value["outcome"]),
        "right": right,
        "name": _text(value.get("name", "")),
    }


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("not a string")
    return value


def _list(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise TypeError("not a list")
    return value


def _maybe_number(value: Any) -> float | None:
    """A finite number, or None (how a non-finite value is written)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError("not a number")
    try:
        number = float(value)
    except OverflowError:  # an integer too big for a float
        raise ValueError("out of range") from None
    if not math.isfinite(number):  # json.loads reads NaN and Infinity; we never write them
        raise ValueError("not finite")
    return number


def _number(value: Any) -> float:
    number = _maybe_number(value)
    if number is None:
        raise TypeError("missing number")
    return number


LAST_MOMENT = 253402300799.0
"""The end of year 9999: later (or negative) start times cannot be shown as a date."""


def _moment(value: Any) -> float:
    moment = _number(value)
    if not 0 <= moment <= LAST_MOMENT:
        raise ValueError("start time out of range")
    return moment


def _numbers(value: Any, count: int) -> tuple[float | None, ...]:
    numbers = tuple(_maybe_number(item) for item in _list(value))
    if len(numbers) != count:
        raise ValueError(f"{len(numbers)} weights for {count} features")
    return numbers


EPOCH_NUMBERS = ("loss", "half_mse", "mse", "b", "elapsed_s", "epoch_s", "steps_per_s")


def _epoch(value: Any, config: TrainConfig) -> dict[str, Any]:
    """One epoch's line of a record, checked, with only the keys the app reads."""
    if not isinstance(value, dict):
        raise TypeError("an epoch is not an object")
    epoch = value["epoch"]
    if isinstance(epoch, bool) or not isinstance(epoch, int) or not 1 <= epoch <= config.epochs:
        raise ValueError("bad epoch number")
    checked = {"epoch": epoch, "w": list(_numbers(value["w"], config.num_features))}
    checked.update({name: _maybe_number(value[name]) for name in EPOCH_NUMBERS})
    # Runs recorded before the learning rate could decay ran every epoch at the config's.
    checked["lr"] = _maybe_number(value.get("lr", config.learning_rate))
    # Runs recorded before --val-examples had no validation examples.
    for name in ("val_loss", "val_half_mse"):
        checked[name] = _maybe_number(value.get(name))
    return checked


@dataclass
class Loaded:
    records: list[RunRecord]
    skipped: int
    """Lines that could not be read as a run (damaged, truncated, or not ours)."""
    error: str | None = None
    """Why the file could not be read at all, if it could not."""

    @property
    def warning(self) -> str | None:
        if self.error:
            return self.error
        if self.skipped == 1:
            return _(
                "1 damaged or repeated line in the history file skipped; every readable run "
                "was loaded"
            )
        if self.skipped:
            return _(
                "{count} damaged or repeated lines in the history file skipped; every readable "
                "run was loaded"
            ).format(count=self.skipped)
        return None


class History:
    """The history file at ``path``."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @contextlib.contextmanager
    def _locked(self, mode: str) -> Iterator[Any]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, mode, encoding="utf-8") as handle, self._exclusive(handle):
            try:
                yield handle
            finally:
                handle.flush()
                if stat.S_ISREG(os.fstat(handle.fileno()).st_mode):  # /dev/null cannot sync
                    os.fsync(handle.fileno())

    @contextlib.contextmanager
    def _exclusive(self, handle: Any) -> Iterator[None]:
        """One writer at a time: flock on the file itself where there is one (Linux, macOS);
        elsewhere (Windows) filelock's lock file beside it."""
        if fcntl is None or not LOCK_WITH_FLOCK:
            with FileLock(f"{self.path}.lock"):
                yield
            return
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

    def append(self, record: RunRecord) -> None:
        """Add one run. Raises OSError if the file cannot be written."""
        line = json.dumps(record.to_dict(), allow_nan=False, separators=(",", ":")) + "\n"
        with self._locked("a") as handle:
            # A previous writer that crashed may have left a line without its newline: start
            # ours on a fresh line so that only the damaged one is lost.
            # The size now, under the lock: a clear may have emptied the file since it was
            # opened.
            if os.fstat(handle.fileno()).st_size > 0 and not self._ends_with_newline():
                line = "\n" + line
            handle.write(line)

    def _ends_with_newline(self) -> bool:
        with open(self.path, "rb") as raw:
            raw.seek(-1, os.SEEK_END)
            return raw.read(1) == b"\n"

    def load(self) -> Loaded:
        """Every readable run, oldest first; never raises for the file's contents."""
        try:
            with open(self.path, encoding="utf-8", errors="replace") as handle:
                lines = handle.readlines()
        except FileNotFoundError:
            return Loaded([], 0)
        except OSError as error:
            return Loaded(
                [],
                0,
                _("the history file {path} cannot be read: {reason}").format(
                    path=self.path, reason=error.strerror
                ),
            )
        records: list[RunRecord] = []
        skipped, seen = 0, set()
        for line in lines:
            if not line.strip():
                continue
            try:
                record = RunRecord.from_dict(json.loads(line))
            except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
                skipped += 1  # ConfigError is a ValueError; RecursionError: "[[[[…" nested deep
                continue
            if record.id in seen:  # a line copied twice (say, two files joined): one run
                skipped += 1
                continue
            seen.add(record.id)
            records.append(record)
        return Loaded(records, skipped)

    def clear(self) -> None:
        """Forget every run: the file emptied in place, under the appends' lock, and synced.

        Replacing the file instead would lose a run that another instance appended at that
        moment: it would hold the old file open and write into it after the swap."""
        with self._locked("a") as handle:
            handle.truncate(0)
