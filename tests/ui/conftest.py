"""Deterministic UI tests: wall-clock figures pinned, progress reports only at epoch ends."""

from __future__ import annotations

import itertools
import types

import pytest

from tui_linreg import history
from tui_linreg.engine import run
from tui_linreg.ui import formatting


@pytest.fixture(autouse=True)
def deterministic(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(formatting, "seconds", lambda value: "0.12 s")
    monkeypatch.setattr(formatting, "rate", lambda value: "8,000 steps/s")
    # In-epoch progress reports come every 0.1 s of wall time, so their number varies from
    # run to run; snapshots turn them off (Pilot tests that need them turn them back on).
    monkeypatch.setattr(run, "PROGRESS_INTERVAL_S", 1e9)
    monkeypatch.setattr(formatting, "path", lambda value: "~/.local/share/tui-linreg/history.jsonl")
    # Run ids and times come from a fake clock, one second per run.
    ticks = itertools.count(1_700_000_000)
    ids = itertools.count(1)
    monkeypatch.setattr(
        history,
        "time",
        types.SimpleNamespace(
            time=lambda: float(next(ticks)),
            localtime=lambda seconds: seconds,
            strftime=lambda fmt, seconds: f"20260101-{int(seconds) % 1_000_000:06d}",
        ),
    )
    monkeypatch.setattr(
        history,
        "uuid",
        types.SimpleNamespace(uuid4=lambda: types.SimpleNamespace(hex=f"{next(ids):04d}")),
    )
