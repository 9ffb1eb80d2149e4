"""Every test gets its own data directory: no test reads or writes the user's run history.
Every test, and every process a test starts, runs in UTC: the runs screen shows local times,
and its snapshot was taken in UTC."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

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
