"""Sweeps: one setting over a list of values, everything else held fixed."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from tui_linreg.config import SETTINGS, ConfigError, FieldError, Mistake, TrainConfig, checked

SWEEPABLE = {
    name: setting.name
    for setting in SETTINGS.values()
    if setting.sweepable
    for name in setting.sweep_names
}
"""Names a sweep may use (the flag's, the field's or the legend's) → config field."""

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
        names = [
            s.flag.removeprefix("--").replace("-", "_") for s in SETTINGS.values() if s.sweepable
        ]
        choices = f"{', '.join(names[:-1])} or {names[-1]}"
        raise ConfigError(
            [
                Mistake(
                    "sweep",
                    f"a sweep reads NAME=V1,V2,… with NAME one of {choices}; got {text[:40]!r}",
                )
            ]
        )
    parts = values.split(",")
    if len(parts) < 2 or len(parts) > MAX_SWEEP:
        raise ConfigError(
            [Mistake("sweep", f"a sweep needs 2 to {MAX_SWEEP} values, got {len(parts)}")]
        )
    parsed = []
    mistakes = []
    for part in parts:
        try:
            parsed.append(SETTINGS[field].read(part))
        except FieldError as error:
            mistakes.append(Mistake("sweep", f"sweep value: {error.mistake.message}"))
    if mistakes:
        raise ConfigError(mistakes)
    return Sweep(field, tuple(parsed))
