"""The presets: every one a valid configuration that does what its description says, on a
real run; the presets command, exercise numbers, and flags over a preset."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable

import pytest
import torch

from tests.helpers import CPU, run_cli
from tui_linreg.config import TrainConfig, checked
from tui_linreg.engine.data import make_problem
from tui_linreg.engine.events import Outcome, RunEnded, RunStarted
from tui_linreg.engine.run import run_to_end, train
from tui_linreg.presets import CONCISE, EXERCISES, GROUPS, PRESETS, SCRATCH
from tui_linreg.sweep import parse_sweep


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_every_preset_is_a_valid_configuration(name: str) -> None:
    checked(PRESETS[name].apply())


def test_the_concise_lessons_exercises_run_the_concise_code() -> None:
    """From any form: a preset starts from the defaults (scratch), so the concise lesson's
    exercises must say so themselves (3.5.1's summed loss is nn.MSELoss's reduction)."""
    concise = [p for p in PRESETS.values() if p.group == CONCISE]
    assert {p.name for p in concise} >= {"sum-loss", "mean-loss", "error-vs-n"}
    assert {p.apply().implementation for p in concise} == {"concise"}
    scratch = [p for p in PRESETS.values() if p.group == SCRATCH]
    assert {p.apply().implementation for p in scratch} == {"scratch"}


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
