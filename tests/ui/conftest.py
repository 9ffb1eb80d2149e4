"""Deterministic UI tests: wall-clock figures pinned, progress reports only at epoch ends."""

from __future__ import annotations

import pytest

from tui_linreg.engine import run
from tui_linreg.ui import formatting


@pytest.fixture(autouse=True)
def deterministic(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(formatting, "seconds", lambda value: "0.12 s")
    monkeypatch.setattr(formatting, "rate", lambda value: "8,000 steps/s")
    # In-epoch progress reports come every 0.1 s of wall time, so their number varies from
    # run to run; snapshots turn them off (Pilot tests that need them turn them back on).
    monkeypatch.setattr(run, "PROGRESS_INTERVAL_S", 1e9)
