"""Sweeps: one hyperparameter over a list of values, everything else held fixed."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from tui_linreg.config import ConfigError, FieldError, Problem, TrainConfig, checked, parse_field

SWEEPABLE = {
    "lr": "learning_rate",
    "learning_rate": "learning_rate",
    "batch_size": "batch_size",
    "batch-size": "batch_size",
    "epochs": "epochs",
    "num_examples": "num_examples",
    "num-examples": "num_examples",
    "noise": "noise_std",
    "noise_std": "noise_std",
    "init_std": "init_std",
    "init-std": "init_std",
    "seed": "seed",
    "impl": "implementation",
    "implementation": "implementation",
}
"""Names a sweep may use (the CLI flag's or the config field's) → config field."""

MAX_SWEEP = 20


@dataclass(frozen=True)
class Sweep:
    field: str
    values: tuple[Any, ...]

    def configs(self, base: TrainConfig) -> list[TrainConfig]:
        return [checked(dataclasses.replace(base, **{self.field: v})) for v in self.values]


def parse_sweep(text: str) -> Sweep:
    """``lr=0.001,0.01,0.1`` → Sweep('learning_rate', (0.001, 0.01, 0.1))."""
    name, equals, values = text.partition("=")
    field = SWEEPABLE.get(name.strip().lower())
    if not equals or field is None:
        choices = "lr, batch_size, epochs, num_examples, noise, init_std, seed or impl"
        raise ConfigError(
            [
                Problem(
                    "sweep",
                    f"a sweep reads NAME=V1,V2,… with NAME one of {choices}; got {text[:40]!r}",
                )
            ]
        )
    parts = [part for part in values.split(",")]
    if len(parts) < 2 or len(parts) > MAX_SWEEP:
        raise ConfigError(
            [Problem("sweep", f"a sweep needs 2 to {MAX_SWEEP} values, got {len(parts)}")]
        )
    parsed = []
    problems = []
    for part in parts:
        try:
            parsed.append(parse_field(field, part))
        except FieldError as error:
            problems.append(Problem("sweep", f"sweep value: {error.problem.message}"))
    if problems:
        raise ConfigError(problems)
    return Sweep(field, tuple(parsed))
