"""The notes beyond the lessons (momentum, Adam, weight decay, held-out data, Anscombe, Galton):
each number against an independent computation in numpy, on the run's own data."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import numpy as np
import pytest
import torch

from tests.helpers import CPU
from tests.test_notes import curvature, notes_of
from tui_linreg import datasets
from tui_linreg.datasets import DATASETS
from tui_linreg.engine.control import RunControl
from tui_linreg.engine.data import make_problem
from tui_linreg.engine.events import PlanEnded
from tui_linreg.plan import Plan, Runner
from tui_linreg.presets import preset
from tui_linreg.sweep import parse_sweep


def _rate(matrix: np.ndarray) -> float:
    """The spectral radius: what the recurrence multiplies a distance by in the long run."""
    return float(max(abs(np.linalg.eigvals(matrix))))


@pytest.mark.parametrize("optimizer", ["momentum", "nesterov"])
def test_momentums_factor_is_its_recurrences_spectral_radius(optimizer: str) -> None:
    config = dataclasses.replace(CPU, optimizer=optimizer, epochs=1)
    _, notes = notes_of(config)
    numbers = notes["momentum"].numbers
    flattest, steepest = curvature(config)[0], curvature(config)[-1]
    beta, lr = config.momentum, config.learning_rate
    for lam, key in ((flattest, "flat"), (steepest, "steep")):
        alpha = lr * lam
        # (θ, lr·v) for θ ← θ − lr·v', v' = βv + g, g = λθ (heavy ball); Nesterov's step
        # reads g + βv' instead.
        if optimizer == "momentum":
            matrix = np.array([[1 - alpha, -beta], [alpha, beta]])
        else:
            matrix = np.array([[1 - alpha * (1 + beta), -beta * beta], [alpha, beta]])
        assert numbers[key] == pytest.approx(_rate(matrix), rel=1e-9)
        assert numbers[f"{key}_sgd"] == pytest.approx(abs(1 - alpha), rel=1e-9)
    assert float(numbers["flat"]) < float(
        numbers["flat_sgd"]
    )  # momentum is faster along the flat valley
    k = next(k for k in range(1, 100_000) if float(numbers["flat"]) ** k <= 0.01)
    assert numbers["steps"] == k


def test_heavy_ball_simulated_shrinks_the_flat_distance_as_the_note_says() -> None:
    """Full-batch heavy ball on the run's own data, from its optimum plus a nudge along the
    flattest direction: the distance's ratio over many steps is the note's factor."""
    config = dataclasses.replace(CPU, optimizer="momentum", epochs=1)
    _, notes = notes_of(config)
    problem = make_problem(config, torch.device("cpu"))
    x = problem.features.double().numpy()
    a = np.hstack([x, np.ones((len(x), 1))])
    y = problem.labels.double().numpy().ravel()
    gram = a.T @ a / len(a)
    best = np.linalg.lstsq(a, y, rcond=None)[0]
    direction = np.linalg.eigh(gram)[1][:, 0]
    theta, velocity = best + direction, np.zeros_like(best)
    distances = []
    for _ in range(400):
        velocity = config.momentum * velocity + gram @ (theta - best)
        theta = theta - config.learning_rate * velocity
        distances.append(np.linalg.norm(theta - best))
    measured = (distances[399] / distances[199]) ** (1 / 200)
    assert measured == pytest.approx(float(notes["momentum"].numbers["flat"]), rel=2e-3)


def test_adams_note_quotes_sgds_bound_and_its_own_distance() -> None:
    config = dataclasses.replace(CPU, optimizer="adam", epochs=1)
    plan, notes = notes_of(config)
    numbers = notes["adam"].numbers
    assert numbers["bound"] == pytest.approx(2 / curvature(config)[-1], rel=1e-9)
    end = plan.ends[0]
    problem = make_problem(config, torch.device("cpu"))
    x = problem.features.double().numpy()
    a = np.hstack([x, np.ones((len(x), 1))])
    best = np.linalg.lstsq(a, problem.labels.double().numpy().ravel(), rcond=None)[0]
    assert numbers["distance"] == pytest.approx(np.linalg.norm([*end.w, end.b] - best), abs=1e-5)
    start = [*problem.initial_w.double().numpy().ravel(), 0.0]
    assert numbers["start"] == pytest.approx(np.linalg.norm(np.array(start) - best), rel=1e-5)


def test_weight_decays_note_quotes_the_ridge_optimums_norm_from_numpy() -> None:
    config = preset("weight-decay").apply(CPU)
    plan, notes = notes_of(config)
    numbers = notes["weight-decay"].numbers
    problem = make_problem(config, torch.device("cpu"))
    x = problem.features.double().numpy()
    y = problem.labels.double().numpy().ravel()
    a = np.hstack([x, np.ones((len(x), 1))])
    n, d = x.shape
    # Scratch minimises half-MSE + (λ/2)‖w‖², b not penalised: (AᵀA/n + λM)θ = Aᵀy/n.
    penalty = np.diag([config.weight_decay] * d + [0.0])
    ridge = np.linalg.solve(a.T @ a / n + penalty, a.T @ y / n)
    plain = np.linalg.lstsq(a, y, rcond=None)[0]
    assert numbers["ridge"] == pytest.approx(np.linalg.norm(ridge[:d]), rel=1e-5)
    assert numbers["plain"] == pytest.approx(np.linalg.norm(plain[:d]), rel=1e-5)
    assert numbers["best"] == pytest.approx(np.mean((a @ plain - y) ** 2) / 2, rel=1e-2, abs=1e-6)
    assert numbers["run"] == pytest.approx(float(np.linalg.norm(plan.ends[0].w)), rel=1e-9)
    assert 0.4 < float(numbers["shrink"]) < 0.6  # about half: from ‖(2, −3.4)‖ to ~2


def test_the_held_out_note_measures_the_gap_and_names_overfitting() -> None:
    config = preset("overfit").apply(CPU)
    plan, notes = notes_of(config)
    numbers = notes["held-out"].numbers
    end = plan.ends[0]
    problem = make_problem(config, torch.device("cpu"))
    assert problem.val_features is not None
    assert problem.val_labels is not None
    xv = problem.val_features.double().numpy()
    yv = problem.val_labels.double().numpy().ravel()
    held = np.mean((xv @ np.array(end.w) + end.b - yv) ** 2) / 2
    assert numbers["held"] == pytest.approx(held, rel=1e-3)
    assert float(numbers["ratio"]) > 100
    assert "overfitting" in notes["held-out"].text
    # 100 weights and a bias fit to 20 examples: the loss is flat along 101 − 20 directions.
    x = problem.features.double().numpy()
    a = np.hstack([x, np.ones((len(x), 1))])
    assert notes["lr-factor"].numbers["flat_count"] == 101 - np.linalg.matrix_rank(a) == 81


def _fit(name: str) -> tuple[float, float]:
    """Slope and intercept of y on x in a built-in CSV, by numpy."""
    path = Path(datasets.__file__).parent / DATASETS[name].file
    table = np.loadtxt(path, delimiter=",", skiprows=1)
    slope, intercept = np.polyfit(table[:, 0], table[:, 1], 1)
    return float(slope), float(intercept)


def test_galtons_note_quotes_the_slope_in_inches() -> None:
    _, notes = notes_of(preset("galton").apply(CPU))
    slope, _ = _fit("galton")
    assert notes["galton"].numbers["slope"] == pytest.approx(slope, rel=1e-4)
    assert "0.646" in notes["galton"].text


def test_anscombes_sets_share_the_line_their_notes_quote() -> None:
    _, notes = notes_of(preset("anscombe-3").apply(CPU))
    slope, intercept = _fit("anscombe-3")
    assert notes["anscombe"].numbers["slope"] == pytest.approx(slope, rel=1e-4)
    assert notes["anscombe"].numbers["intercept"] == pytest.approx(intercept, rel=1e-4)
    assert "outlier" in notes["anscombe"].text

    config = preset("anscombe").apply(CPU)
    events = Runner(None, print).run(
        Plan.of(config, sweep=parse_sweep(preset("anscombe").sweep)), RunControl()
    )
    plan = list(events)[-1]
    assert isinstance(plan, PlanEnded)
    quartet = [note for note in plan.notes if note.id == "anscombe"]
    assert len(quartet) == 1  # said once for the four runs
    lines = [
        f"y = {b:.2f} + {w:.3f}x" for w, b in (_fit(f"anscombe-{number}") for number in range(1, 5))
    ]
    assert quartet[0].numbers["lines"] == "; ".join(lines)
    assert len(set(lines)) == 1
    assert math.isclose(_fit("anscombe-1")[0], 0.5, abs_tol=0.001)
