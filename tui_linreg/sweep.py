"""Sweeps: one setting over a list of values, everything else held fixed."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

from tui_linreg.config import (
    SETTINGS,
    ConfigError,
    FieldError,
    Mistake,
    TrainConfig,
    checked,
    resolved,
)
from tui_linreg.i18n import _
from tui_linreg.settings import Rate, Real, Whole

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
        """Each value on ``base``, resolved (a data file's columns and rows filled in). A
        sweep of the data takes each data set's own columns, and its own hash."""
        if self.field == "data":
            base = dataclasses.replace(base, features=(), target="", data_sha256="")
        return [
            checked(resolved(dataclasses.replace(base, **{self.field: v}))) for v in self.values
        ]


def parse_sweep(text: str) -> Sweep:
    """``lr=0.001,0.01,0.1`` → Sweep('learning_rate', (0.001, 0.01, 0.1)); a range,
    ``lr=1e-4..10:log:12`` or ``epochs=1..10:lin:4``, spaces its values evenly (on a log scale
    with ``log``)."""
    name, equals, values = text.partition("=")
    field = SWEEPABLE.get(name.strip().lower())
    if not equals or field is None:
        names = [
            s.flag.removeprefix("--").replace("-", "_") for s in SETTINGS.values() if s.sweepable
        ]
        choices = _("{names} or {last}").format(names=", ".join(names[:-1]), last=names[-1])
        raise ConfigError(
            [
                Mistake(
                    "sweep",
                    _("a sweep reads NAME=V1,V2,… with NAME one of {choices}; got {got}").format(
                        choices=choices, got=repr(text[:40])
                    ),
                )
            ]
        )
    spread = _range(field, values) if ".." in values else None
    parts = spread if spread is not None else values.split(",")
    if len(parts) < 2 or len(parts) > MAX_SWEEP:
        raise ConfigError(
            [
                Mistake(
                    "sweep",
                    _("a sweep needs 2 to {most} values, got {count}").format(
                        most=MAX_SWEEP, count=len(parts)
                    ),
                )
            ]
        )
    parsed = []
    mistakes = []
    for part in parts:
        try:
            parsed.append(SETTINGS[field].read(part))
        except FieldError as error:
            mistakes.append(
                Mistake("sweep", _("sweep value: {message}").format(message=error.mistake.message))
            )
    if mistakes:
        raise ConfigError(mistakes)
    return Sweep(field, tuple(parsed))


def _range(field: str, text: str) -> list[str]:
    """``LOW..HIGH:log:N`` or ``LOW..HIGH:lin:N`` as N values' texts (3 significant digits;
    whole numbers for a whole-number setting, each once)."""
    bounds, _colon, rest = text.partition(":")
    spacing, _colon, count = rest.partition(":")
    low_text, _dots, high_text = bounds.partition("..")
    try:
        low, high, n = float(low_text), float(high_text), int(count)
    except ValueError:
        raise ConfigError(
            [
                Mistake(
                    "sweep",
                    _(
                        "a sweep's range reads LOW..HIGH:log:N or LOW..HIGH:lin:N, e.g. "
                        "lr=1e-4..10:log:12; got {got}"
                    ).format(got=repr(text[:40])),
                )
            ]
        ) from None
    spacing = spacing.strip().lower()
    kind = SETTINGS[field].kind
    problem = (
        _("{label} is not a number: list its values instead").format(label=SETTINGS[field].label)
        if not isinstance(kind, Real | Rate | Whole)
        else _("LOW and HIGH must be finite numbers")
        if not (math.isfinite(low) and math.isfinite(high))
        else _("its spacing must be log or lin, got {spacing}").format(spacing=repr(spacing))
        if spacing not in ("log", "lin")
        else _("it needs 2 to {most} values, got {count}").format(most=MAX_SWEEP, count=n)
        if not 2 <= n <= MAX_SWEEP
        else _("a log range needs 0 < LOW < HIGH")
        if spacing == "log" and not 0 < low < high
        else _("it needs LOW < HIGH")
        if not low < high
        else ""
    )
    if problem:
        raise ConfigError(
            [
                Mistake(
                    "sweep",
                    _("the sweep range {text}: {problem}").format(
                        text=repr(text[:40]), problem=problem
                    ),
                )
            ]
        )
    fractions = [i / (n - 1) for i in range(n)]
    values = (
        [low * (high / low) ** f for f in fractions]
        if spacing == "log"
        else [low + (high - low) * f for f in fractions]
    )
    if isinstance(kind, Whole):
        return list(dict.fromkeys(str(round(v)) for v in values))
    return [f"{v:.3g}" for v in values]
