"""--loss (issue 17, §1): every loss in every implementation, and the optimum each is measured
against, checked against independent computations."""

from __future__ import annotations

import dataclasses
import itertools
import json
import subprocess
import sys

import pytest
import torch

from tui_linreg.config import ConfigError, TrainConfig, config_from_text
from tui_linreg.engine.data import make_problem
from tui_linreg.engine.events import EpochEnded, Progress, RunStarted, StepTaken
from tui_linreg.engine.reference import analyse, robust_optimum
from tui_linreg.engine.run import run_to_end, train
from tui_linreg.losses import loss_of

CPU = torch.device("cpu")
LOSSES = ["half-squared", "mse", "sum", "l1", "huber"]


def config(**changes: object) -> TrainConfig:
    return dataclasses.replace(TrainConfig(device="cpu"), **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_l1_optimum_is_the_best_line_through_two_examples(seed: int) -> None:
    """An l1 fit of a line passes through two of the examples (a vertex of its linear
    program): trying every pair finds it, independently of IRLS."""
    run = config(num_examples=40, true_w=(2.0,), noise_std=0.5, seed=seed, loss_function="l1")
    problem = make_problem(run, CPU)
    least, _ = analyse(problem)
    optimum = robust_optimum(problem, loss_of("scratch", "l1"), 1.0, least)
    x, y = problem.features.double()[:, 0], problem.labels.double()[:, 0]
    best = (float("inf"), 0.0, 0.0)
    for i, j in itertools.combinations(range(len(x)), 2):
        slope = float((y[i] - y[j]) / (x[i] - x[j]))
        intercept = float(y[i]) - slope * float(x[i])
        best = min(best, (float((slope * x + intercept - y).abs().mean()), slope, intercept))
    assert optimum.loss is not None
    assert optimum.loss == pytest.approx(best[0], rel=1e-12)
    assert optimum.w[0] == pytest.approx(best[1], abs=1e-9)
    assert optimum.b == pytest.approx(best[2], abs=1e-9)
    assert optimum.loss < float((least.w[0] * x + least.b - y).abs().mean())  # not LS's


@pytest.mark.parametrize("delta", [0.3, 1.0])
def test_the_huber_optimum_agrees_with_lbfgs_on_nn_huber_loss(delta: float) -> None:
    run = config(num_examples=300, noise_std=1.0, seed=3, loss_function="huber")
    problem = make_problem(run, CPU)
    problem.labels[5] = 100.0  # an outlier: the optimum must not follow it
    least, _ = analyse(problem)
    optimum = robust_optimum(problem, loss_of("scratch", "huber"), delta, least)
    a = torch.cat([problem.features.double(), torch.ones(300, 1, dtype=torch.float64)], dim=1)
    y = problem.labels.double()
    theta = torch.zeros(3, 1, dtype=torch.float64, requires_grad=True)
    solver = torch.optim.LBFGS(
        [theta], max_iter=1000, tolerance_grad=1e-14, tolerance_change=1e-16,
        line_search_fn="strong_wolfe",
    )  # fmt: skip

    def closure() -> torch.Tensor:
        solver.zero_grad()
        loss = torch.nn.functional.huber_loss(a @ theta, y, delta=delta)
        loss.backward()
        return loss

    for _ in range(5):
        solver.step(closure)
    assert [*optimum.w, optimum.b] == pytest.approx(theta.detach().flatten().tolist(), abs=1e-7)
    assert optimum.loss == pytest.approx(float(closure().detach()), rel=1e-10)
    assert abs(least.b - optimum.b) > 0.1  # least squares is dragged by the outlier


def _trajectory(run: TrainConfig) -> list[tuple[float, ...]]:
    return [(*e.w, e.b) for e in train(run) if isinstance(e, EpochEnded)]


@pytest.mark.parametrize("implementation", ["scratch", "concise", "analytic"])
def test_a_sum_at_lr_over_batch_takes_exactly_the_steps_of_a_mean_at_lr(
    implementation: str,
) -> None:
    """The exercise "how must lr change when the loss goes from a mean to a sum?": a sum's
    gradient is |B| times a mean's, so lr/|B| takes the very same steps (|B| = 16, a power of
    two, so that dividing by it rounds nothing)."""
    mean = config(
        implementation=implementation, loss_function="mse", batch_size=16, num_examples=1024
    )  # every batch whole: a short last batch would be a sum of fewer
    summed = dataclasses.replace(mean, loss_function="sum", learning_rate=0.03 / 16)
    assert _trajectory(summed) == _trajectory(mean)
    # At the mean's own lr, a sum takes |B| times its steps.
    same_lr = dataclasses.replace(summed, learning_rate=0.03)
    assert _trajectory(same_lr) == _trajectory(dataclasses.replace(mean, learning_rate=0.48))


@pytest.mark.parametrize("loss", LOSSES)
def test_every_implementation_takes_the_same_steps_on_every_loss(loss: str) -> None:
    base = config(loss_function=loss, epochs=2, learning_rate=0.003 if loss == "sum" else 0.03)
    scratch = _trajectory(base)
    for implementation in ("concise", "analytic"):
        other = _trajectory(dataclasses.replace(base, implementation=implementation))
        for mine, theirs in zip(scratch, other, strict=True):
            assert mine == pytest.approx(theirs, abs=1e-4)


@pytest.mark.parametrize("loss", ["l1", "huber"])
@pytest.mark.parametrize("implementation", ["scratch", "concise", "analytic"])
def test_the_inspectors_written_out_gradient_is_what_the_step_used(
    implementation: str, loss: str
) -> None:
    run = config(implementation=implementation, loss_function=loss, huber_delta=0.5)
    steps = [e.detail for e in train(run, trace=True) if isinstance(e, StepTaken)][:40]
    for step in steps:
        assert step.grad_w == pytest.approx(step.expected_w, abs=1e-4)
        assert step.grad_b == pytest.approx(step.expected_b, abs=1e-4)


@pytest.mark.parametrize("loss", ["l1", "huber"])
def test_a_robust_run_reports_its_own_loss_and_half_mse_and_approaches_its_optimum(
    loss: str,
) -> None:
    run = config(loss_function=loss, epochs=12, learning_rate=0.1, lr_decay=0.7)
    events = list(train(run))
    started = next(e for e in events if isinstance(e, RunStarted))
    assert started.closed_form.name.endswith("optimum")
    assert started.least_squares is not None
    assert started.half_mse_per_loss is None
    progress = [e for e in events if isinstance(e, Progress)]
    if loss == "l1":  # two measures: the loss trained on, and the common half-MSE
        assert progress[0].batch_loss != progress[0].batch_half_mse
    end = run_to_end(run)
    assert 1.0 <= end.times_optimum < 1.1  # l1 settles only as its rate decays
    assert end.closed_form.loss is not None
    assert end.history[-1].loss == pytest.approx(end.closed_form.loss * end.times_optimum)


def test_the_stable_bound_follows_the_loss() -> None:
    bounds = {}
    for loss in LOSSES:
        started = next(iter(train(config(loss_function=loss))))
        assert isinstance(started, RunStarted)
        assert started.stable_lr is not None
        bounds[loss] = started.stable_lr
    half: float = bounds["half-squared"]
    assert bounds["mse"] == pytest.approx(half / 2)
    assert bounds["sum"] == pytest.approx(half / 2 / 10)  # batch 10
    assert bounds["huber"] == pytest.approx(half)
    assert bounds["l1"] == float("inf")


def test_pitfalls_need_the_lessons_own_loss() -> None:
    with pytest.raises(ConfigError, match="--loss lesson"):
        config_from_text({"pitfalls": "no-reshape", "loss_function": "l1"})
    config_from_text({"pitfalls": "no-reshape", "loss_function": "half-squared"})  # its own


def test_train_prints_the_loss_and_its_optimum_and_json_carries_it() -> None:
    command = [sys.executable, "-m", "tui_linreg", "train", "--loss", "huber", "--epochs", "2"]
    shown = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    assert "the reference is the Huber optimum (IRLS)" in shown
    assert "optimum" in shown.splitlines()[-1]
    document = json.loads(
        subprocess.run([*command, "--json"], capture_output=True, text=True, check=True).stdout
    )
    assert document["optimum"]["name"] == "Huber optimum"
    assert document["config"]["loss_function"] == "huber"
    # Least squares' half-MSE is the least there is: at most the Huber optimum's, up to
    # float64's rounding (where every residual is within δ, the two fits are one).
    assert document["closed_form"]["half_mse"] <= document["optimum"]["half_mse"] * (1 + 1e-12)
