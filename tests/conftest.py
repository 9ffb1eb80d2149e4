"""Every test gets its own data directory: no test reads or writes the user's run history.
Every test, and every process a test starts, runs in UTC: the runs screen shows local times,
and its snapshot was taken in UTC. The suite runs on pytest-xdist's workers, at most
MAX_WORKERS of them; what the hardening tests tried is gathered from each and said once."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

if os.environ.get("PYTEST_XDIST_WORKER"):
    # One PyTorch thread a worker (and in the processes it starts): the workers already fill
    # the cores, and two threads each only wait on one another. Set before torch is imported.
    os.environ.setdefault("OMP_NUM_THREADS", "1")

from tests.hardening.conftest import LONG, TALLY
from tests.helpers import three_records
from tui_linreg.history import RunRecord


@pytest.fixture(autouse=True, scope="session")
def utc() -> Iterator[None]:
    """TZ=UTC for the whole session: this process (time.tzset) and its subprocesses."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    yield
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    time.tzset()


@pytest.fixture(autouse=True)
def private_data_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    data = tmp_path / "data"
    monkeypatch.setenv("XDG_DATA_HOME", str(data))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))  # the remembered theme
    return data


@pytest.fixture(scope="session")
def records() -> list[RunRecord]:
    """The lesson's run, lr 0.001 and lr 10, recorded: trained once for every test."""
    return three_records()


MAX_WORKERS = 4
"""Workers for ``-n auto``: one per CPU, at most this many (each holds its own PyTorch, about
0.3 GB: a machine of 64 cores would start 64)."""


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    return max(1, min(os.cpu_count() or 1, MAX_WORKERS))


def pytest_sessionfinish(session: pytest.Session) -> None:
    """In a worker: hand what the hardening tests tried to the controller."""
    output = getattr(session.config, "workeroutput", None)
    if output is not None:
        output["tally"] = dict(TALLY)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    """In the controller: a worker's tally, added in."""
    TALLY.update(getattr(node, "workeroutput", {}).get("tally", {}))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not TALLY:
        return
    mode = "long" if LONG else "fast"
    figures = ", ".join(f"{count:,} {kind}" for kind, count in sorted(TALLY.items()))
    terminalreporter.write_line(f"hardening ({mode} mode) tried: {figures}")
