"""Run history, presets, sweeps, reproducing command lines, export, and the code shown."""

from __future__ import annotations

import dataclasses
import inspect
import json
import multiprocessing
import os
import shlex
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import torch

from tui_linreg import memory
from tui_linreg.cli import main
from tui_linreg.config import ConfigError, TrainConfig, checked
from tui_linreg.engine.concise import Concise
from tui_linreg.engine.data import make_problem
from tui_linreg.engine.events import Outcome, RunEnded, RunStarted
from tui_linreg.engine.run import run_to_end, train
from tui_linreg.engine.scratch import Scratch, sgd
from tui_linreg.export import ExportError, export
from tui_linreg.history import History, RunRecord, default_path
from tui_linreg.plan import differing, label_of
from tui_linreg.presets import EXERCISES, GROUPS, PRESETS
from tui_linreg.reproduce import reproduce_command
from tui_linreg.sweep import parse_sweep
from tui_linreg.ui.widgets.code_pane import training_source

CPU = TrainConfig(device="cpu")


@pytest.fixture(scope="module")
def records() -> list[RunRecord]:
    configs = [
        CPU,
        dataclasses.replace(CPU, learning_rate=0.001),
        dataclasses.replace(CPU, learning_rate=10.0),
    ]
    return [RunRecord.from_run(run_to_end(config)) for config in configs]


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exit:
        code = int(exit.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


# --- history --------------------------------------------------------------------------------


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


# --- presets --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_every_preset_is_a_valid_configuration(name: str) -> None:
    checked(PRESETS[name].apply())


def test_presets_include_the_lessons_experiments_and_exercises() -> None:
    assert PRESETS["default"].apply() == TrainConfig()
    assert PRESETS["lr-too-small"].apply().learning_rate == 0.001
    assert PRESETS["lr-too-small-10"].apply().epochs == 10
    assert PRESETS["lr-too-large"].apply().learning_rate == 10
    assert PRESETS["zero-init"].apply().init_std == 0
    assert PRESETS["uneven-batches"].apply().num_examples % 10 != 0
    assert PRESETS["no-shuffle"].apply().order == "fixed"
    assert PRESETS["batch-1"].apply().batch_size == 1
    full = PRESETS["full-batch"].apply()
    assert full.batch_size == full.num_examples
    assert len(PRESETS["high-dimension"].apply().true_w) > 2


def _sgd_in_order(config: TrainConfig, started: RunStarted) -> list[float]:
    """Mini-batch gradient descent on half-MSE from the run's start, visiting the examples
    in order every epoch, each batch averaged over its own length (float64): what scratch
    does without shuffling."""
    problem = make_problem(config, torch.device("cpu"))
    A = torch.cat([problem.features, torch.ones(config.num_examples, 1)], dim=1).double()
    y = problem.labels.double()
    theta = torch.tensor([*started.initial_w, started.initial_b], dtype=torch.float64)
    theta = theta.reshape(-1, 1)
    for _ in range(config.epochs):
        for start in range(0, config.num_examples, config.batch_size):
            a, t = A[start : start + config.batch_size], y[start : start + config.batch_size]
            theta -= config.learning_rate * a.T @ (a @ theta - t) / len(a)
    return theta.flatten().tolist()


def _learns(end: RunEnded) -> None:
    assert end.outcome == Outcome.FINISHED, end.message
    assert all(abs(row.error) < 0.01 for row in end.rows), end.rows


def _far_from_the_answer(end: RunEnded) -> None:
    assert end.outcome == Outcome.FINISHED, end.message
    assert end.half_mse > 10_000 * end.closed_form.half_mse
    assert all(abs(row.error) > 0.5 for row in end.rows), end.rows


def _check_default(config: TrainConfig, started: RunStarted, end: RunEnded) -> None:
    lesson = (config.learning_rate, config.batch_size, config.epochs)
    assert lesson == (0.03, 10, 3)
    _learns(end)


def _check_lr_too_small(config: TrainConfig, started: RunStarted, end: RunEnded) -> None:
    assert (config.learning_rate, end.epoch) == (0.001, 3)
    _far_from_the_answer(end)


def _check_lr_too_small_10(config: TrainConfig, started: RunStarted, end: RunEnded) -> None:
    assert (config.learning_rate, len(end.history)) == (0.001, 10)
    _far_from_the_answer(end)  # still not there


def _check_lr_too_large(config: TrainConfig, started: RunStarted, end: RunEnded) -> None:
    assert config.learning_rate == 10
    assert end.outcome == Outcome.DIVERGED
    assert end.epoch == 1
    assert end.history == ()  # no epoch was finished


def _check_zero_init(config: TrainConfig, started: RunStarted, end: RunEnded) -> None:
    assert started.initial_w == (0.0,) * config.num_features
    _learns(end)  # still learns


def _check_large_init(config: TrainConfig, started: RunStarted, end: RunEnded) -> None:
    default = next(train(CPU))
    assert isinstance(default, RunStarted)
    assert config.init_std**2 == pytest.approx(1000)  # the exercise's variance
    assert max(map(abs, started.initial_w)) > 10  # N(0, 1000), not N(0, 0.01²)
    assert started.initial_half_mse > 3 * default.initial_half_mse  # a long way to go


def _check_uneven_batches(config: TrainConfig, started: RunStarted, end: RunEnded) -> None:
    assert (config.num_examples, config.batch_size) == (1003, 10)
    assert started.steps_per_epoch == 101  # 100 batches of 10, then one of 3
    assert end.step == 101 * config.epochs
    _learns(end)


def _check_no_shuffle(config: TrainConfig, started: RunStarted, end: RunEnded) -> None:
    assert [*end.w, end.b] == pytest.approx(_sgd_in_order(config, started), rel=1e-4, abs=1e-5)


def _check_batch_1(config: TrainConfig, started: RunStarted, end: RunEnded) -> None:
    assert started.steps_per_epoch == config.num_examples  # one example per step
    assert end.step == config.num_examples * config.epochs
    assert end.outcome == Outcome.FINISHED


def _check_full_batch(config: TrainConfig, started: RunStarted, end: RunEnded) -> None:
    assert started.steps_per_epoch == 1  # all 1000 examples per step
    assert end.step == config.epochs
    # Plain gradient descent, step by step.
    assert [*end.w, end.b] == pytest.approx(_sgd_in_order(config, started), rel=1e-4, abs=1e-5)
    _learns(end)


def _check_high_dimension(config: TrainConfig, started: RunStarted, end: RunEnded) -> None:
    assert config.num_features == len(end.w) == 10
    _learns(end)


def _check_forget_zero_grad(config: TrainConfig, started: RunStarted, end: RunEnded) -> None:
    assert config.pitfalls == ("forget-zero-grad",)
    assert end.outcome == Outcome.FINISHED
    assert end.half_mse > 1000 * end.closed_form.half_mse  # stalls far from the optimum
    assert (
        run_to_end(dataclasses.replace(config, pitfalls=())).half_mse
        < 10 * end.closed_form.half_mse
    )


def _check_raises(torch_says: str) -> Callable[[TrainConfig, RunStarted, RunEnded], None]:
    def check(config: TrainConfig, started: RunStarted, end: RunEnded) -> None:
        assert end.outcome == Outcome.FAILED
        assert torch_says in end.message
        assert end.step == 0  # the first step raised

    return check


def _check_no_reshape(config: TrainConfig, started: RunStarted, end: RunEnded) -> None:
    assert config.pitfalls == ("no-reshape",)
    assert end.half_mse > 1000 * end.closed_form.half_mse  # the wrong loss, minimised


def _check_lesson_divisor(config: TrainConfig, started: RunStarted, end: RunEnded) -> None:
    assert (config.num_examples, config.batch_size) == (1003, 10)
    right = run_to_end(dataclasses.replace(config, pitfalls=()))
    assert end.w != right.w  # a small bias: the last batch's steps are 3/10 as long
    assert end.w == pytest.approx(right.w, abs=0.01)


def _check_correlated(config: TrainConfig, started: RunStarted, end: RunEnded) -> None:
    twin = run_to_end(PRESETS["uncorrelated"].apply(CPU))
    assert config.learning_rate == twin.config.learning_rate  # only the data differs
    # AᵀA/n's eigenvalues 1 ± ρ: a steep axis twice as steep, a shallow one 20× as flat.
    assert started.stable_lr == pytest.approx(2 / 1.95, rel=0.1)
    assert end.half_mse > 100 * twin.half_mse  # still crawling along the valley


def _check_uncorrelated(config: TrainConfig, started: RunStarted, end: RunEnded) -> None:
    assert config.feature_correlation == 0
    assert end.half_mse < 2 * end.closed_form.half_mse  # straight in


def _check_badly_scaled(config: TrainConfig, started: RunStarted, end: RunEnded) -> None:
    assert started.stable_lr == pytest.approx(0.018, rel=0.1)
    assert end.outcome == Outcome.FINISHED
    assert end.half_mse > 10 * end.closed_form.half_mse  # w[0] has not arrived
    too_fast = run_to_end(dataclasses.replace(config, learning_rate=0.03))
    assert too_fast.outcome == Outcome.DIVERGED


def _check_standardised(config: TrainConfig, started: RunStarted, end: RunEnded) -> None:
    assert started.stable_lr is not None
    assert started.stable_lr > 1.5  # about 2: the lr may be 30× badly-scaled's
    assert end.history[0].half_mse < 2 * end.closed_form.half_mse  # done in the first epoch


def _check_sorted_order(config: TrainConfig, started: RunStarted, end: RunEnded) -> None:
    twin = run_to_end(PRESETS["reshuffled"].apply(CPU))
    assert config.learning_rate == twin.config.learning_rate  # only the order differs
    assert end.b > config.true_b + 0.5  # dragged to high y by each epoch's last batches
    assert end.times_optimum > 1000 * twin.times_optimum


def _check_reshuffled(config: TrainConfig, started: RunStarted, end: RunEnded) -> None:
    assert config.order == "shuffled"
    assert end.times_optimum < 1.1  # straight to the answer


def _check_outlier_huber(config: TrainConfig, started: RunStarted, end: RunEnded) -> None:
    swept = parse_sweep(PRESETS["outlier-huber"].sweep).configs(config)
    squared, huber = (run_to_end(each) for each in swept)
    assert (squared.config.loss_function, huber.config.loss_function) == ("half-squared", "huber")
    assert squared.b > config.true_b + 5  # the outlier drags the squared loss's line
    assert abs(huber.b - config.true_b) < 0.01  # and not Huber's
    assert huber.closed_form.name == "Huber optimum"


def _check_sum_loss(config: TrainConfig, started: RunStarted, end: RunEnded) -> None:
    mean = run_to_end(PRESETS["mean-loss"].apply(CPU))
    assert config.learning_rate == mean.config.learning_rate / config.batch_size
    assert [h.w for h in end.history] == [h.w for h in mean.history]  # exactly its steps


def _check_mean_loss(config: TrainConfig, started: RunStarted, end: RunEnded) -> None:
    at_the_same_lr = dataclasses.replace(config, loss_function="sum")
    larger = run_to_end(dataclasses.replace(config, learning_rate=0.03 * 16))
    assert [h.w for h in run_to_end(at_the_same_lr).history] == [h.w for h in larger.history]


def _check_l1_decay(config: TrainConfig, started: RunStarted, end: RunEnded) -> None:
    assert end.times_optimum < 1.1  # settled, as the rate decayed
    constant = run_to_end(dataclasses.replace(config, lr_decay=1.0))
    assert constant.times_optimum > 1.5  # a constant rate keeps jumping about the optimum


def _check_d2l_en_1_0(config: TrainConfig, started: RunStarted, end: RunEnded) -> None:
    assert (config.batch_size, config.learning_rate, config.epochs) == (32, 0.03, 3)
    assert end.step == 32 * 3  # ⌈1000 / 32⌉ steps an epoch
    errors = [abs(row.error) for row in end.rows]
    assert all(0.05 < error < 0.4 for error in errors)  # the book's: about 0.1 to 0.25


def _check_lr_sweep(config: TrainConfig, started: RunStarted, end: RunEnded) -> None:
    rates = parse_sweep(PRESETS["lr-sweep"].sweep).values
    assert (rates[0], rates[-1], len(rates)) == (1e-4, 10.0, 12)
    assert started.stable_lr < rates[-1]  # the sweep reaches past the cliff


def _check_error_vs_n(config: TrainConfig, started: RunStarted, end: RunEnded) -> None:
    # Given steps enough, SGD's error is the data's own: |ŵ − w| ≈ |w* − w|, and it falls.
    far = end.distances
    assert far["distance_to_true"] == pytest.approx(far["optimum_distance_to_true"], rel=0.2)
    bigger = run_to_end(dataclasses.replace(config, num_examples=10_000)).distances
    assert bigger["distance_to_true"] < far["distance_to_true"] / 1.5  # about 1/√n: 3×


def _check_ohms_law(config: TrainConfig, started: RunStarted, end: RunEnded) -> None:
    assert not config.bias
    assert end.b == 0.0  # no bias to learn: the line goes through the origin
    assert end.w[0] == pytest.approx(5.0, abs=0.05)  # the resistance, in ohms
    assert end.times_optimum < 1.05


def _check_optimisers(config: TrainConfig, started: RunStarted, end: RunEnded) -> None:
    assert config.optimizer == "sgd"  # the sweep's first run
    assert end.times_optimum > 100  # SGD crawls along the valley…
    for optimizer in ("momentum", "nesterov"):  # …momentum, at the same lr, arrives
        rolled = run_to_end(dataclasses.replace(config, optimizer=optimizer))
        assert rolled.times_optimum < 1.1, optimizer
    assert PRESETS["optimisers"].sweep == "optimizer=sgd,momentum,nesterov,adam"


def _check_weight_decay(config: TrainConfig, started: RunStarted, end: RunEnded) -> None:
    ridge = end.closed_form
    assert ridge.name == "ridge optimum"
    assert ridge.w == pytest.approx((1.0, -1.8), abs=0.05)
    assert [*end.w, end.b] == pytest.approx([*ridge.w, ridge.b], abs=0.1)  # on its way there
    assert started.least_squares is not None
    assert started.least_squares.w == pytest.approx((2.0, -3.4), abs=0.01)
    assert end.times_optimum < 1.01  # by the objective, half-MSE + (λ/2)‖w‖²


def _check_overfit(config: TrainConfig, started: RunStarted, end: RunEnded) -> None:
    last = end.history[-1]
    assert last.half_mse < 1e-4  # 20 examples, 101 parameters: fitted exactly…
    assert last.val_half_mse is not None
    assert last.val_half_mse > 20 * last.half_mse  # …and not the held-out ones


def _check_overfit_decayed(config: TrainConfig, started: RunStarted, end: RunEnded) -> None:
    twin = run_to_end(PRESETS["overfit"].apply(CPU)).history[-1]
    last = end.history[-1]
    assert last.half_mse > twin.half_mse  # a worse fit to the training examples
    assert last.val_half_mse is not None
    assert twin.val_half_mse is not None
    assert last.val_half_mse < twin.val_half_mse / 2


def _check_anscombe(config: TrainConfig, started: RunStarted, end: RunEnded) -> None:
    """Each set's fit in the data's units is y = 3 + 0.5x, learned too."""
    for w, b in (
        end.in_data_units(end.closed_form.w, end.closed_form.b),
        end.in_data_units(end.w, end.b),
    ):
        assert w[0] == pytest.approx(0.5, abs=2e-3)
        assert b == pytest.approx(3.0, abs=2e-2)


def _check_quartet(config: TrainConfig, started: RunStarted, end: RunEnded) -> None:
    sweep = parse_sweep(PRESETS["anscombe"].sweep)
    labels = set()
    for value in sweep.values:
        run = dataclasses.replace(config, data=value)
        _check_anscombe(run, started, run_to_end(run))
        labels.add(tuple(make_problem(run, torch.device("cpu")).labels.flatten().tolist()))
    assert len(labels) == 4


def _check_galton(config: TrainConfig, started: RunStarted, end: RunEnded) -> None:
    (slope,), _ = end.in_data_units(end.closed_form.w, end.closed_form.b)
    assert slope == pytest.approx(0.646, abs=1e-3)  # regression to the mean: not 1
    (learned,), _ = end.in_data_units(end.w, end.b)
    assert learned == pytest.approx(slope, abs=0.03)


def _check_galton_raw(config: TrainConfig, started: RunStarted, end: RunEnded) -> None:
    assert started.stable_lr is not None
    assert started.stable_lr < 0.001
    assert end.outcome == Outcome.DIVERGED


def _check_stackloss(config: TrainConfig, started: RunStarted, end: RunEnded) -> None:
    """Least squares is statsmodels' documented OLS fit; Huber's leans less on the outliers."""
    w, b = end.in_data_units(end.closed_form.w, end.closed_form.b)
    assert [*w, b] == pytest.approx([0.71564, 1.29529, -0.15212, -39.9197], abs=1e-3)
    huber = run_to_end(dataclasses.replace(config, loss_function="huber"))
    robust, _ = huber.in_data_units(huber.closed_form.w, huber.closed_form.b)
    assert abs(robust[0] - w[0]) > 0.05
    assert huber.times_optimum < 1.01


PRESET_CLAIMS: dict[str, Callable[[TrainConfig, RunStarted, RunEnded], None]] = {
    "default": _check_default,
    "lr-too-small": _check_lr_too_small,
    "lr-too-small-10": _check_lr_too_small_10,
    "lr-too-large": _check_lr_too_large,
    "zero-init": _check_zero_init,
    "large-init": _check_large_init,
    "uneven-batches": _check_uneven_batches,
    "no-shuffle": _check_no_shuffle,
    "batch-1": _check_batch_1,
    "full-batch": _check_full_batch,
    "high-dimension": _check_high_dimension,
    "correlated": _check_correlated,
    "uncorrelated": _check_uncorrelated,
    "badly-scaled": _check_badly_scaled,
    "standardised": _check_standardised,
    "forget-zero-grad": _check_forget_zero_grad,
    "no-no-grad": _check_raises("a leaf Variable that requires grad"),
    "backward-vector": _check_raises("grad can be implicitly created only for scalar"),
    "no-reshape": _check_no_reshape,
    "lesson-divisor": _check_lesson_divisor,
    "sorted-order": _check_sorted_order,
    "reshuffled": _check_reshuffled,
    "outlier-huber": _check_outlier_huber,
    "sum-loss": _check_sum_loss,
    "mean-loss": _check_mean_loss,
    "l1-decay": _check_l1_decay,
    "d2l-en-1.0": _check_d2l_en_1_0,
    "lr-sweep": _check_lr_sweep,
    "error-vs-n": _check_error_vs_n,
    "ohms-law": _check_ohms_law,
    "optimisers": _check_optimisers,
    "weight-decay": _check_weight_decay,
    "overfit": _check_overfit,
    "overfit-decayed": _check_overfit_decayed,
    **{f"anscombe-{number}": _check_anscombe for number in range(1, 5)},
    "anscombe": _check_quartet,
    "galton": _check_galton,
    "galton-raw": _check_galton_raw,
    "stackloss": _check_stackloss,
}
"""Each preset's description, checked on a real run: a new preset needs a check here."""


@pytest.mark.parametrize("name", list(PRESETS))
def test_every_preset_does_what_its_description_says(name: str) -> None:
    assert name in PRESET_CLAIMS, f"preset {name} ({PRESETS[name].description}) has no check"
    config = PRESETS[name].apply(CPU)
    started, *_, end = train(config)
    assert isinstance(started, RunStarted)
    assert isinstance(end, RunEnded)
    PRESET_CLAIMS[name](config, started, end)


def test_every_preset_claim_checked_is_a_preset() -> None:
    assert set(PRESET_CLAIMS) == set(PRESETS)


def test_presets_command_lists_each_with_a_description(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "presets")
    assert code == 0
    lines = out.splitlines()
    listed = [line.split()[0] for line in lines if line.startswith("  ")]
    assert sorted(listed) == sorted(PRESETS)
    assert all(len(line.split()) > 2 for line in lines if line.startswith("  "))
    assert [line.rstrip(":") for line in lines if line.endswith(":")] == list(GROUPS)
    assert "d2l-zh 2.0" in out  # which edition the presets follow
    assert "d2l-en 0.17" in out


def test_an_exercises_number_names_its_preset(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "train", "--check", "--preset", "3.4.9")
    assert code == 0
    assert json.loads(out)["order"] == "sorted"
    for number, name in EXERCISES.items():
        assert number in PRESETS[name].description  # it asks that exercise's question


def test_flags_override_a_preset(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(
        capsys, "train", "--check", "--preset", "lr-too-small-10", "--epochs", "4"
    )
    assert code == 0
    config = json.loads(out)
    assert (config["learning_rate"], config["epochs"]) == (0.001, 4)


def test_an_unknown_preset_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(capsys, "train", "--preset", "fastest")
    assert code == 2
    assert "there is no preset 'fastest'; the presets are default" in err


# --- sweeps ---------------------------------------------------------------------------------


def test_a_sweep_reads_name_equals_values() -> None:
    sweep = parse_sweep("lr=0.001,0.01,0.1")
    assert (sweep.field, sweep.values) == ("learning_rate", (0.001, 0.01, 0.1))
    assert [c.learning_rate for c in sweep.configs(CPU)] == [0.001, 0.01, 0.1]
    assert parse_sweep("batch-size=1,10,1000").values == (1, 10, 1000)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("speed=1,2", "a sweep reads NAME=V1,V2,…"),
        ("lr 0.1,0.2", "a sweep reads NAME=V1,V2,…"),
        ("lr=0.1", "a sweep needs 2 to 20 values, got 1"),
        ("lr=0.1,abc", "sweep value: learning rate must be a number > 0, got 'abc'"),
        ("batch_size=10,0", "sweep value: batch size must be a whole number ≥ 1, got '0'"),
    ],
)
def test_a_bad_sweep_says_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_sweep(text)
    assert message in caught.value.mistakes[0].message


def test_cli_sweep_prints_one_row_per_value(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "train", "--device", "cpu", "--sweep", "lr=0.001,0.03,10")
    assert code == 3  # one of them diverged
    rows = {line.split()[0]: line.split()[1] for line in out.splitlines() if line.startswith("lr=")}
    assert rows == {
        "lr=0.001": "finished",
        "lr=0.03": "finished",
        "lr=10": "diverged",
        "lr=10:": "diverged",
    }


def test_cli_sweep_in_json_has_a_run_per_value(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(
        capsys, "train", "--device", "cpu", "--json", "--sweep", "batch_size=5,50"
    )
    assert code == 0
    runs = json.loads(out)["runs"]
    assert [run["config"]["batch_size"] for run in runs] == [5, 50]


# --- reproducing a run ----------------------------------------------------------------------


def test_the_copied_command_reproduces_the_same_numbers(capsys: pytest.CaptureFixture[str]) -> None:
    config = TrainConfig(
        device="cpu",
        learning_rate=0.07,
        seed=11,
        true_w=(1.5, -0.25, 3.0),
        noise_std=0.1,
        order="fixed",
    )
    original = run_to_end(config)
    argv = shlex.split(reproduce_command(config))
    assert argv[:2] == ["tui-linreg", "train"]
    code, out, _ = run_cli(capsys, *argv[1:], "--json", "--no-history")
    assert code == 0
    run = json.loads(out)["runs"][0]
    assert TrainConfig.from_dict(run["config"]) == config
    assert [e["loss"] for e in run["history"]] == [e.loss for e in original.history]
    assert run["final"]["w"] == list(original.w)


# --- export ---------------------------------------------------------------------------------


def test_export_csv_has_a_row_per_epoch(tmp_path: Path, records: list[RunRecord]) -> None:
    path = export(records[:2], tmp_path / "runs.csv")
    lines = path.read_text().splitlines()
    assert lines[0].startswith("run,implementation,learning_rate")
    assert len(lines) == 1 + 3 + 3
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]  # nothing left over


def test_export_json_round_trips(tmp_path: Path, records: list[RunRecord]) -> None:
    path = export(records, tmp_path / "runs.json")
    again = [RunRecord.from_dict(r) for r in json.loads(path.read_text())]
    assert [r.to_dict() for r in again] == [r.to_dict() for r in records]


def test_export_refuses_plainly(tmp_path: Path, records: list[RunRecord]) -> None:
    with pytest.raises(ExportError, match="does not exist"):
        export(records, tmp_path / "missing" / "runs.csv")
    (tmp_path / "runs.csv").write_text("mine")
    with pytest.raises(ExportError, match="already exists"):
        export(records, tmp_path / "runs.csv")
    assert (tmp_path / "runs.csv").read_text() == "mine"
    with pytest.raises(ExportError, match="is a directory"):
        export(records, tmp_path)


def read_only_directory(tmp_path: Path) -> Path:
    """A directory nobody may write in: a chmod-ed one, or, for root, whom chmod does not stop,
    sysfs."""
    if os.geteuid() != 0:
        tmp_path.chmod(0o555)
        return tmp_path
    return Path("/sys")


def test_export_to_a_read_only_directory_is_refused_plainly(
    tmp_path: Path, records: list[RunRecord]
) -> None:
    directory = read_only_directory(tmp_path)
    try:
        with pytest.raises(ExportError, match=f"^no permission to write in {directory}$"):
            export(records, directory / "runs.csv")
    finally:
        tmp_path.chmod(0o755)
    assert not (directory / "runs.csv").exists()


def test_ctrl_c_mid_export_leaves_neither_a_partial_file_nor_a_temporary(
    tmp_path: Path, records: list[RunRecord], monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)  # the moment the data is half on disk
    with pytest.raises(KeyboardInterrupt):
        export(records, tmp_path / "runs.csv")
    assert list(tmp_path.iterdir()) == []


def test_cli_records_history_and_exports(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "out.csv"
    code, _, err = run_cli(
        capsys, "train", "--device", "cpu", "--impl", "both", "--export", str(target)
    )
    assert code == 0
    assert f"exported 2 runs to {target}" in err
    assert target.read_text().count("\n") == 1 + 2 * 3
    code, out, _ = run_cli(capsys, "history")
    assert [line.split()[1] for line in out.splitlines()] == ["finished", "finished"]
    assert "tui-linreg train --impl=scratch" in out
    assert "--impl=concise" in out


def test_cli_refuses_a_bad_export_path_before_training(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, err = run_cli(capsys, "train", "--export", str(tmp_path / "nope" / "x.csv"))
    assert code == 2
    assert out == ""
    assert "does not exist" in err


def test_clearing_history_needs_confirmation(capsys: pytest.CaptureFixture[str]) -> None:
    run_cli(capsys, "train", "--device", "cpu", "--epochs", "1")
    code, _, err = run_cli(capsys, "history", "--clear")  # no terminal to ask: refuses
    assert code == 2
    assert "not clearing without --yes" in err
    assert History(default_path()).load().records
    code, _, _ = run_cli(capsys, "history", "--clear", "--yes")
    assert code == 0
    assert History(default_path()).load().records == []


# --- the code being run ---------------------------------------------------------------------


def test_the_code_pane_shows_the_running_source() -> None:
    scratch = training_source("scratch")
    assert inspect.getsource(Scratch.train_step).strip().splitlines()[-1].strip() in scratch
    assert "l.sum().backward()" in scratch
    assert "param.sub_(param.grad, alpha=lr / batch_size)" in scratch
    assert inspect.getsource(sgd).splitlines()[0] in scratch
    concise = training_source("concise")
    assert "self.trainer.step()" in concise
    assert "nn.MSELoss()" in concise
    assert "init.normal_(weight, mean=0.0, std=config.init_std" in concise  # nn.init by name
    assert "init.constant_(bias, 0.0)" in concise
    first = inspect.getsource(Concise.train_step).strip().splitlines()[0]
    assert first.split("  # noqa")[0] in concise  # the linter's directives are left out
    assert "# noqa" not in scratch + concise


def test_the_code_pane_shows_the_analytic_formula_beside_autograd() -> None:
    source = training_source("analytic")
    assert "Aᵀ(Aθ − y)/|B|" in source
    assert "self.theta.addmm_(A.T, pull" in source
    assert "What autograd computes for the same step, in scratch" in source
    assert "l.sum().backward()" in source


def test_dev_null_as_history_keeps_nothing_without_complaint(records: list[RunRecord]) -> None:
    history = History(Path(os.devnull))
    history.append(records[0])  # no error: nothing to sync on a device
    assert history.load().records == []


def test_an_export_name_too_long_for_the_file_system_is_refused_plainly(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, records: list[RunRecord]
) -> None:
    long_name = tmp_path / ("9" * 400)
    code, out, err = run_cli(capsys, "train", "--export", str(long_name))
    assert code == 2
    assert out == ""
    assert "file name too long" in err
    assert len(err) < 300
    with pytest.raises(ExportError, match="File name too long"):
        export(records, long_name)
