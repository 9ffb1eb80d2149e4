"""The notes' numbers, each against an independent computation on the run's own data: numpy's
eigenvalues of AᵀA/n, full-batch gradient descent simulated in float32, the runs' epochs."""

from __future__ import annotations

import dataclasses
import json
import math

import numpy as np
import pytest
import torch

from tests.helpers import CPU, run_cli
from tui_linreg.config import TrainConfig
from tui_linreg.engine.control import RunControl
from tui_linreg.engine.data import make_problem
from tui_linreg.engine.events import PlanEnded, RunEnded
from tui_linreg.plan import Plan, Runner
from tui_linreg.teach.note import Note


def notes_of(config: TrainConfig, *, both: bool = False) -> tuple[PlanEnded, dict[str, Note]]:
    events = list(Runner(None, print).run(Plan.of(config, both=both), RunControl()))
    plan = events[-1]
    assert isinstance(plan, PlanEnded)
    return plan, {note.id: note for note in plan.notes}


def curvature(config: TrainConfig) -> np.ndarray:
    """The eigenvalues of AᵀA/n, A = [X, 1], from the data the run draws, in float64."""
    problem = make_problem(config, torch.device("cpu"))
    x = problem.features.double().numpy()
    a = np.hstack([x, np.ones((len(x), 1))])
    return np.linalg.eigvalsh(a.T @ a / len(a))


@pytest.mark.parametrize(("implementation", "slope"), [("scratch", 1), ("concise", 2)])
def test_the_learning_rate_note_quotes_each_directions_factor_and_steps(
    implementation: str, slope: int
) -> None:
    config = dataclasses.replace(CPU, implementation=implementation)
    plan, notes = notes_of(config)
    note = notes["lr-factor"]
    eigenvalues = curvature(config)
    steep, flat = (abs(1 - slope * 0.03 * lam) for lam in (eigenvalues[-1], eigenvalues[0]))
    numbers = note.numbers
    assert numbers["steep"] == pytest.approx(steep, rel=1e-9)
    assert numbers["flat"] == pytest.approx(flat, rel=1e-9)
    assert numbers["bound"] == pytest.approx(2 / (slope * eigenvalues[-1]), rel=1e-9)
    # Within 1%: the first k with factor^k ≤ 0.01, counted.
    k = next(k for k in range(1, 10_000) if steep**k <= 0.01)
    assert numbers["steps_steep"] == k
    assert f"{steep:.3g}" in note.text
    assert f"{k:,} and " in note.text
    assert numbers["taken"] == plan.ends[0].step == 300
    assert numbers["left"] == pytest.approx(flat**300, rel=1e-9)


def test_lr_0_001_creeps_its_note_says_how_much_is_left() -> None:
    _, notes = notes_of(dataclasses.replace(CPU, learning_rate=0.001))
    numbers = notes["lr-factor"].numbers
    flat = 1 - 0.001 * curvature(CPU)[0]
    assert numbers["flat"] == pytest.approx(flat, rel=1e-9)
    assert float(numbers["left"]) == pytest.approx(flat**300, rel=1e-9)
    assert 0.7 < float(numbers["left"]) < 0.8  # three quarters of the way still to go
    assert float(numbers["steps_flat"]) > 4000


def test_lr_10_flies_off_within_the_steps_its_note_says() -> None:
    config = dataclasses.replace(CPU, learning_rate=10.0)
    plan, notes = notes_of(config)
    assert plan.outcome == "diverged"
    note = notes["lr-factor"]
    eigenvalues = curvature(config)
    assert note.numbers["steep"] == pytest.approx(abs(1 - 10 * eigenvalues[-1]), rel=1e-9)
    assert note.numbers["bound"] == pytest.approx(2 / eigenvalues[-1], rel=1e-9)
    # Full-batch gradient descent in float32 from the run's start: the step its loss is inf.
    problem = make_problem(config, torch.device("cpu"))
    x, y = problem.features.numpy(), problem.labels.numpy()
    a = np.hstack([x, np.ones((len(x), 1), dtype=np.float32)])
    theta = np.vstack([problem.initial_w.numpy(), problem.initial_b.numpy().reshape(1, 1)])
    step = 0
    with np.errstate(over="ignore", invalid="ignore"):
        while math.isfinite(float(np.square(a @ theta - y).sum() / 2 / len(a))) and step < 200:
            theta = theta - np.float32(10.0) * a.T @ (a @ theta - y) / np.float32(len(a))
            step += 1
    said = int(note.numbers["overflow"])
    assert abs(said - step) <= max(3, step // 5), (said, step)  # "about"
    assert "diverged" in notes
    assert notes["diverged"].numbers["step"] == plan.ends[0].step


def test_scratch_beside_concise_quotes_their_first_epochs_on_both_scales() -> None:
    plan, notes = notes_of(CPU, both=True)
    scratch, concise = plan.ends
    assert isinstance(scratch, RunEnded)
    assert isinstance(concise, RunEnded)
    numbers = notes["both-scales"].numbers
    assert numbers["scratch_loss"] == scratch.history[0].loss
    assert numbers["concise_loss"] == concise.history[0].loss
    assert numbers["concise_half"] == pytest.approx(concise.history[0].mse / 2, rel=1e-6)
    # Concise's loss is MSE, twice its half-MSE, and after one epoch it is far ahead.
    assert concise.history[0].loss == pytest.approx(2 * concise.history[0].half_mse, rel=1e-6)
    assert float(numbers["concise_half"]) < float(numbers["scratch_half"]) / 10
    texts = [note.text for note in plan.notes]
    assert texts[1].startswith("scratch: ")
    assert texts[2].startswith("concise: ")


def test_train_prints_the_notes_and_json_carries_them(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "train", "--device", "cpu", "--lr", "0.001")
    assert code == 0
    assert "Each step multiplies the distance to the optimum by |1 − lr·λ|" in out
    code, out, _ = run_cli(capsys, "train", "--device", "cpu", "--lr", "0.001", "--json")
    document = json.loads(out)
    (note,) = [note for note in document["notes"] if note["id"] == "lr-factor"]
    assert set(note) == {"id", "text", "numbers"}
    assert note["numbers"]["flat"] == pytest.approx(1 - 0.001 * curvature(CPU)[0], rel=1e-9)


def test_where_the_run_did_not_do_what_full_batch_steps_predict_the_note_says_so() -> None:
    _, notes = notes_of(dataclasses.replace(CPU, order="sorted", learning_rate=0.1))
    note = notes["lr-factor"]
    assert float(note.numbers["left"]) < 1e-10  # the theory: there
    assert float(note.numbers["ratio"]) > 1000  # the run: far off
    assert "kept it off, not its learning rate" in note.text


def test_no_factor_is_claimed_where_none_holds() -> None:
    for changes in ({"optimizer": "adam"}, {"loss_function": "l1"}, {"optimizer": "momentum"}):
        _, notes = notes_of(dataclasses.replace(CPU, epochs=1, **changes))  # type: ignore[arg-type]
        assert "lr-factor" not in notes, changes


def test_a_sweep_of_learning_rates_says_where_the_bound_fell() -> None:
    from tui_linreg.sweep import parse_sweep

    config = dataclasses.replace(CPU, epochs=1)
    events = list(
        Runner(None, print).run(
            Plan.of(config, sweep=parse_sweep("lr=0.001,0.03,10")), RunControl()
        )
    )
    plan = events[-1]
    assert isinstance(plan, PlanEnded)
    notes = {note.id: note for note in plan.notes}
    distances = {
        end.label: float(
            np.linalg.norm(np.array([*end.w, end.b]) - [*end.closed_form.w, end.closed_form.b])
        )
        for end in plan.ends
        if end.outcome == "finished"
    }
    best = min(distances, key=distances.__getitem__)
    assert notes["sweep-best"].numbers["best"] == best == "lr=0.03"
    assert notes["sweep-best"].numbers["best_distance"] == pytest.approx(distances[best])
    assert notes["sweep-best"].numbers["worst"] == "lr=0.001"
    assert notes["sweep-best"].numbers["failed"] == 1
    assert notes["sweep-lr"].numbers["bound"] == pytest.approx(2 / curvature(CPU)[-1], rel=1e-9)
    assert notes["sweep-lr"].numbers["first"] == "10"


def test_each_pitfall_says_its_consequence_in_this_runs_numbers() -> None:
    forgot = dataclasses.replace(CPU, pitfalls=("forget-zero-grad",))
    _, notes = notes_of(forgot)
    steps = forgot.epochs * -(-forgot.num_examples // forgot.batch_size)  # 3 × 100
    assert notes["forget-zero-grad"].numbers["steps"] == steps == 300

    reshaped = dataclasses.replace(CPU, pitfalls=("no-reshape",))
    _, notes = notes_of(reshaped)
    labels = make_problem(reshaped, torch.device("cpu")).labels.double().numpy()
    numbers = notes["no-reshape"].numbers
    assert numbers["mean"] == pytest.approx(float(labels.mean()), rel=1e-6)  # where it heads
    assert numbers["batch"] == 10
    assert "10×10 loss" in notes["no-reshape"].text

    divided = dataclasses.replace(CPU, pitfalls=("lesson-divisor",), num_examples=1003, epochs=1)
    _, notes = notes_of(divided)
    assert notes["lesson-divisor"].numbers["last"] == 1003 % 10
    assert notes["lesson-divisor"].numbers["share"] == pytest.approx(0.3)


def test_with_lr_decay_what_is_left_follows_each_epochs_lr() -> None:
    config = dataclasses.replace(CPU, implementation="concise", lr_decay=0.7, epochs=10)
    _, notes = notes_of(config)
    lam = curvature(config)[0]
    left = 1.0
    for epoch in range(10):  # 100 steps an epoch at lr 0.03 · 0.7^epoch, MSE's slope 2
        left *= abs(1 - 2 * 0.03 * 0.7**epoch * lam) ** 100
    assert notes["lr-factor"].numbers["left"] == pytest.approx(left, rel=1e-6)
    assert "it shrinks × 0.7 every 1 epoch(s)" in notes["lr-factor"].text
