"""The run history: every run kept across loads and processes, damage lost line by line,
clearing, and the records' labels and sort keys."""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import time
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import CPU
from tui_linreg import memory
from tui_linreg.config import ConfigError, checked
from tui_linreg.history import History, RunRecord, default_path
from tui_linreg.plan import differing, label_of


def test_history_keeps_every_run_across_loads(tmp_path: Path, records: list[RunRecord]) -> None:
    history = History(tmp_path / "h.jsonl")
    for record in records:
        history.append(record)
    loaded = History(tmp_path / "h.jsonl").load()
    assert loaded.skipped == 0
    assert [r.to_dict() for r in loaded.records] == [r.to_dict() for r in records]
    assert loaded.records[2].outcome == "diverged"


def test_the_default_history_lives_in_the_users_data_directory(
    private_data_directory: Path,
) -> None:
    assert default_path() == private_data_directory / "tui-linreg" / "history.jsonl"


def test_a_line_truncated_mid_write_loses_only_that_run(
    tmp_path: Path, records: list[RunRecord]
) -> None:
    path = tmp_path / "h.jsonl"
    history = History(path)
    history.append(records[0])
    history.append(records[1])
    path.write_text(path.read_text()[:-40])  # a crash in the middle of the second line
    history.append(records[2])  # the next run starts on a fresh line
    loaded = history.load()
    assert [r.id for r in loaded.records] == [records[0].id, records[2].id]
    assert loaded.skipped == 1
    assert loaded.warning is not None
    assert "1 damaged or repeated line" in loaded.warning


def test_garbage_lines_are_skipped_with_a_warning(tmp_path: Path, records: list[RunRecord]) -> None:
    path = tmp_path / "h.jsonl"
    History(path).append(records[0])
    with path.open("a") as file:
        file.write('not json at all\n{"id": 3}\n[1, 2]\n\x00\xff garbage\n')
    History(path).append(records[1])
    loaded = History(path).load()
    assert len(loaded.records) == 2
    assert loaded.skipped == 4


def test_an_unreadable_history_is_reported_not_raised(tmp_path: Path) -> None:
    path = tmp_path / "h.jsonl"
    path.mkdir()  # a directory where the file should be
    loaded = History(path).load()
    assert loaded.records == []
    assert loaded.warning is not None
    assert "cannot be read" in loaded.warning


def test_a_run_recorded_on_a_bigger_machine_still_loads(
    tmp_path: Path, records: list[RunRecord], monkeypatch: pytest.MonkeyPatch
) -> None:
    big = dataclasses.replace(records[0], config=dataclasses.replace(CPU, num_examples=10**8))
    History(tmp_path / "h.jsonl").append(big)
    monkeypatch.setattr(memory, "available_memory", lambda: 2**30)  # a 1 GiB laptop
    loaded = History(tmp_path / "h.jsonl").load()
    assert (len(loaded.records), loaded.skipped) == (1, 0)
    with pytest.raises(ConfigError, match="would need about"):  # running it here is refused
        checked(loaded.records[0].config)


def _append_many(
    path: str, record: dict[str, object], count: int, writer: int, flock: bool = True
) -> None:
    from tui_linreg import history as history_module

    history_module.LOCK_WITH_FLOCK = flock  # False: the lock file Windows takes instead
    history = History(Path(path))
    for index in range(count):  # each a run of its own (the history drops repeated ids)
        history.append(dataclasses.replace(RunRecord.from_dict(record), id=f"{writer}-{index}"))


@pytest.mark.parametrize("flock", [True, False], ids=["flock", "filelock, as on Windows"])
def test_two_processes_appending_at_once_lose_no_run(
    tmp_path: Path, records: list[RunRecord], flock: bool
) -> None:
    path = tmp_path / "h.jsonl"
    context = multiprocessing.get_context("spawn")
    workers = [
        context.Process(
            target=_append_many, args=(str(path), records[0].to_dict(), 40, writer, flock)
        )
        for writer in range(2)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    loaded = History(path).load()
    assert (len(loaded.records), loaded.skipped) == (80, 0)
    assert {r.id for r in loaded.records} == {f"{w}-{i}" for w in range(2) for i in range(40)}


def _clear_while_appending(path: str, flock: bool, ready: Any, done: Any, cleared: Any) -> None:
    from tui_linreg import history as history_module

    history_module.LOCK_WITH_FLOCK = flock
    history = History(Path(path))
    ready.set()
    while not done.is_set():
        history.clear()
        cleared.value += 1
        time.sleep(0.002)


def _append_when_ready(
    path: str, record: dict[str, object], flock: bool, ready: Any, done: Any
) -> None:
    ready.wait(60)
    try:
        _append_many(path, record, 300, 0, flock)
    finally:
        done.set()


@pytest.mark.parametrize("flock", [True, False], ids=["flock", "filelock, as on Windows"])
def test_a_clear_while_another_process_appends_loses_no_later_run(
    tmp_path: Path, records: list[RunRecord], flock: bool
) -> None:
    """One process records 300 runs in order while another keeps clearing the history. Each
    clear forgets what came before it, never a run appended after it: what is left is the
    last runs, in order, with none missing between them and no damaged line."""
    path = tmp_path / "h.jsonl"
    context = multiprocessing.get_context("spawn")
    ready, done, cleared = context.Event(), context.Event(), context.Value("i", 0)
    record = records[0].to_dict()
    workers = [
        context.Process(target=_append_when_ready, args=(str(path), record, flock, ready, done)),
        context.Process(
            target=_clear_while_appending, args=(str(path), flock, ready, done, cleared)
        ),
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    for worker in workers:
        if worker.exitcode is None:
            worker.kill()
        assert worker.exitcode == 0
    assert cleared.value >= 5, "the clears and the appends overlapped"
    loaded = History(path).load()
    assert loaded.skipped == 0
    kept = [int(r.id.split("-")[1]) for r in loaded.records]
    assert kept == list(range(300 - len(kept), 300)), kept


def test_clearing_forgets_every_run(tmp_path: Path, records: list[RunRecord]) -> None:
    history = History(tmp_path / "h.jsonl")
    history.append(records[0])
    history.clear()
    assert history.load().records == []


def test_runs_are_labelled_by_what_differs(records: list[RunRecord]) -> None:
    configs = [r.config for r in records]
    assert differing(configs) == ["learning_rate"]
    assert [label_of(c, ["learning_rate"]) for c in configs] == ["lr=0.03", "lr=0.001", "lr=10"]


def test_records_sort_keys_reflect_the_outcome(records: list[RunRecord]) -> None:
    good, slow, diverged = records
    assert good.final_loss < slow.final_loss < diverged.final_loss
    assert good.distance_to_true < 0.01 < slow.distance_to_true
    assert diverged.steps_per_s > 0


def test_dev_null_as_history_keeps_nothing_without_complaint(records: list[RunRecord]) -> None:
    history = History(Path(os.devnull))
    history.append(records[0])  # no error: nothing to sync on a device
    assert history.load().records == []
