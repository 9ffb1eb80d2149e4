"""The one configuration object, and the one place that validates it.

Everything a run needs is a field of :class:`TrainConfig`. Text from the command line or
from the UI's form goes through :func:`parse_field` (one field) and :func:`config_from_text`
(a whole form), which report *every* problem as a :class:`Problem` naming the field in a
sentence a person understands. Nothing here evaluates user text, and nothing here imports
torch, so the UI can validate as you type without waiting for PyTorch to load.
"""

from __future__ import annotations

import dataclasses
import math
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

IMPLEMENTATIONS = ("scratch", "concise", "analytic")
"""The implementations the engine offers, in the order the UI toggle cycles through them."""

DEVICES = ("auto", "cpu", "cuda", "mps")
"""Device names a user may ask for; ``cuda:N`` picks one GPU among several."""

MAX_FEATURES = 100
"""Longest true weight vector accepted: beyond this the parameter table stops being readable."""

MAX_EXAMPLES = 1_000_000_000
MAX_EPOCHS = 100_000
MAX_SEED = 2**63 - 1


@dataclass(frozen=True)
class TrainConfig:
    """Every hyperparameter of one run. The defaults are the lessons' classic experiment."""

    true_w: tuple[float, ...] = (2.0, -3.4)
    """Weights of the true linear relation; their number is the number of features."""
    true_b: float = 4.2
    """Bias of the true linear relation."""
    num_examples: int = 1000
    """How many synthetic examples to draw."""
    noise_std: float = 0.01
    """Standard deviation of the Gaussian noise added to the labels."""
    batch_size: int = 10
    """Examples per mini-batch; the last batch of an epoch may be shorter."""
    learning_rate: float = 0.03
    """Step size of stochastic gradient descent."""
    epochs: int = 3
    """Passes over the whole data set."""
    init_std: float = 0.01
    """Initial weights are drawn from N(0, init_std²); the bias starts at 0."""
    seed: int = 0
    """Seeds the data, the initial parameters and the shuffling: same seed, same run."""
    implementation: str = "scratch"
    """Which implementation trains: one of :data:`IMPLEMENTATIONS`."""
    device: str = "auto"
    """Where tensors live: auto picks CUDA, then MPS, then the CPU."""
    shuffle: bool = True
    """Visit the examples in a fresh random order each epoch."""

    @property
    def num_features(self) -> int:
        return len(self.true_w)

    @property
    def data_key(self) -> tuple[Any, ...]:
        """What decides the data and the initial parameters: runs sharing it are comparable."""
        return (
            self.true_w,
            self.true_b,
            self.num_examples,
            self.noise_std,
            self.init_std,
            self.seed,
            self.device,
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready values (the true weights as a list)."""
        values = dataclasses.asdict(self)
        values["true_w"] = list(self.true_w)
        return values

    @classmethod
    def from_dict(cls, values: Mapping[str, Any]) -> TrainConfig:
        """Rebuild a config from :meth:`to_dict` output, validating every field.

        Whether its data fits in this machine's memory is left to the moment it is run: a run
        recorded on a bigger machine is still a run to compare with.
        """
        unknown = sorted(set(values) - set(FIELDS))
        problems = [Problem(name, f"unknown setting {quoted(name)}") for name in unknown]
        typed: dict[str, Any] = {}
        for name, value in values.items():
            if name not in FIELDS:
                continue
            text = ",".join(map(repr, value)) if isinstance(value, list) else str(value)
            try:
                typed[name] = parse_field(name, text)
            except FieldError as error:
                problems.append(error.problem)
        if problems:
            raise ConfigError(problems)
        return cls(**typed)


# --- problems ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input: which field, and a sentence saying what and why."""

    field: str
    message: str

    def __str__(self) -> str:
        return self.message


class FieldError(ValueError):
    """One field's text could not be turned into a valid value."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.problem = Problem(field, message)


class ConfigError(ValueError):
    """A configuration has one or more problems; all of them are listed."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


# --- parsing one field ---------------------------------------------------------------------


def quoted(text: str) -> str:
    """The user's text as quoted in a message: long pastes are cut, odd characters escaped."""
    if len(text) > 24:
        text = text[:20] + "…"
    return repr(text)


def _parse_real(text: str) -> float | None:
    """A finite real number, or None. Accepts what float() accepts, nothing is evaluated."""
    try:
        value = float(text.strip().replace("_", ""))
    except (ValueError, OverflowError):
        return None
    return value if math.isfinite(value) else None


def _parse_whole(text: str) -> int | None:
    """A whole number written as digits (``1000``, ``1_000``) or exactly (``1e6``)."""
    stripped = text.strip()
    try:
        return int(stripped)
    except ValueError:
        pass  # int() refuses "1e6" and over-long digit strings; try the float reading
    value = _parse_real(stripped)
    if value is None or value != int(value) or abs(value) > 2**53:
        return None
    return int(value)


def _whole(label: str, low: int, high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        value = _parse_whole(text)
        if value is None or value < low:
            raise ValueError(f"{label} must be a whole number ≥ {low:,}, got {quoted(text)}")
        if value > high:
            raise ValueError(f"{label} must be at most {high:,}, got {quoted(text)}")
        return value

    return parse


def _real(
    label: str, *, positive: bool = False, non_negative: bool = False
) -> Callable[[str], float]:
    def parse(text: str) -> float:
        value = _parse_real(text)
        if positive and (value is None or value <= 0):
            raise ValueError(f"{label} must be a number > 0, got {quoted(text)}")
        if non_negative and (value is None or value < 0):
            raise ValueError(f"{label} must be a number ≥ 0, got {quoted(text)}")
        if value is None:
            raise ValueError(f"{label} must be a finite number, got {quoted(text)}")
        return value + 0.0  # turns -0.0 into 0.0 so it prints as the user expects

    return parse


def _weights(text: str) -> tuple[float, ...]:
    body = text.strip()
    if body.startswith("[") and body.endswith("]"):
        body = body[1:-1]  # accept a pasted Python or JSON list
    if not body.strip():
        raise ValueError("true w needs at least one number, e.g. 2,-3.4")
    parts = body.split(",")
    if len(parts) > MAX_FEATURES:
        raise ValueError(f"true w may hold at most {MAX_FEATURES} numbers, got {len(parts):,}")
    values = []
    for position, part in enumerate(parts, start=1):
        if not part.strip():
            raise ValueError(f"true w has an empty entry at position {position} in {quoted(text)}")
        value = _parse_real(part)
        if value is None:
            raise ValueError(
                f"true w entry {position} must be a finite number, got {quoted(part.strip())}"
            )
        values.append(value + 0.0)
    return tuple(values)


def _choice(label: str, options: tuple[str, ...]) -> Callable[[str], str]:
    def parse(text: str) -> str:
        value = text.strip().lower()
        if value in options:
            return value
        raise ValueError(f"{label} must be one of {', '.join(options)}, got {quoted(text)}")

    return parse


def _device(text: str) -> str:
    value = text.strip().lower()
    if value in DEVICES:
        return value
    if value.startswith("cuda:") and value[5:].isascii() and value[5:].isdigit():
        return value
    raise ValueError(f"device must be one of {', '.join(DEVICES)} or cuda:N, got {quoted(text)}")


def _boolean(label: str) -> Callable[[str], bool]:
    def parse(text: str) -> bool:
        value = text.strip().lower()
        if value in ("1", "true", "yes", "on"):
            return True
        if value in ("0", "false", "no", "off"):
            return False
        raise ValueError(f"{label} must be on or off, got {quoted(text)}")

    return parse


@dataclass(frozen=True)
class Field:
    """How one setting is named for people and read from text."""

    name: str
    label: str
    parse: Callable[[str], Any]


FIELDS: dict[str, Field] = {
    f.name: f
    for f in (
        Field("learning_rate", "learning rate", _real("learning rate", positive=True)),
        Field("batch_size", "batch size", _whole("batch size", 1, MAX_EXAMPLES)),
        Field("epochs", "epochs", _whole("epochs", 1, MAX_EPOCHS)),
        Field("num_examples", "number of examples", _whole("number of examples", 1, MAX_EXAMPLES)),
        Field("noise_std", "noise", _real("noise", non_negative=True)),
        Field("true_w", "true w", _weights),
        Field("true_b", "true b", _real("true b")),
        Field("init_std", "init std", _real("init std", non_negative=True)),
        Field("seed", "seed", _whole("seed", 0, MAX_SEED)),
        Field("implementation", "implementation", _choice("implementation", IMPLEMENTATIONS)),
        Field("device", "device", _device),
        Field("shuffle", "shuffle", _boolean("shuffle")),
    )
}
"""Every setting, in the order the form shows them."""


def parse_field(name: str, text: str) -> Any:
    """Read one field's text into its typed value, or raise :class:`FieldError`."""
    field = FIELDS[name]
    try:
        return field.parse(text)
    except ValueError as error:
        raise FieldError(name, str(error)) from None


# --- the whole configuration ---------------------------------------------------------------


def config_from_text(values: Mapping[str, str], base: TrainConfig | None = None) -> TrainConfig:
    """Build a config from field texts (missing fields keep ``base``'s values).

    Raises :class:`ConfigError` listing every problem at once.
    """
    problems: list[Problem] = []
    typed: dict[str, Any] = {}
    for name, text in values.items():
        try:
            typed[name] = parse_field(name, text)
        except FieldError as error:
            problems.append(error.problem)
        except KeyError:
            problems.append(Problem(name, f"unknown setting {quoted(name)}"))
    if problems:
        raise ConfigError(problems)
    return checked(dataclasses.replace(base or TrainConfig(), **typed))


def checked(config: TrainConfig) -> TrainConfig:
    """Return ``config`` if it can run here, else raise :class:`ConfigError`."""
    problems = problems_with(config)
    if problems:
        raise ConfigError(problems)
    return config


def problems_with(config: TrainConfig) -> list[Problem]:
    """Problems of a whole, well-typed config: ranges, and whether its data fits in memory."""
    problems = []
    for name in FIELDS:
        value = getattr(config, name)
        text = ",".join(map(repr, value)) if name == "true_w" else str(value)
        try:
            parse_field(name, text)
        except FieldError as error:
            problems.append(error.problem)
    if problems:
        return problems
    needed = memory_needed(config)
    available = available_memory()
    if available is not None and needed > available:
        problems.append(
            Problem(
                "num_examples",
                f"{config.num_examples:,} examples × {config.num_features + 1} columns would need "
                f"about {_bytes(needed)} of memory, but only {_bytes(available)} is available; "
                "use fewer examples",
            )
        )
    return problems


def memory_needed(config: TrainConfig) -> int:
    """Peak bytes a run needs, estimated before allocating anything.

    float32 features and labels, plus per-example working space: the shuffled index (int64),
    the noise and predictions while the data is made, and the residuals of a full-data loss.
    """
    columns = config.num_features + 1
    return 4 * config.num_examples * columns + 24 * config.num_examples + 64 * 2**20


def available_memory() -> int | None:
    """Bytes of memory the system could give us now, or None where it cannot tell."""
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def _bytes(count: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if count < 1000:
            return f"{count:.1f} {unit}"
        count /= 1000
    return f"{count:.1f} TB"
