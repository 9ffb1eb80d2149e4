"""One step at a time: the trace, the step inspector's numbers, single steps and the pitfalls.

The trace test recomputes every recorded gradient from the recorded indices and the data, and
every update from the rule, for each implementation: the numbers a learner reads are checked
against an independent computation, not against themselves."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import torch

from tests.test_pace import _wait_for, ended
from tui_linreg.config import IMPLEMENTATIONS, ConfigError, TrainConfig, checked
from tui_linreg.engine.control import RunControl
from tui_linreg.engine.data import make_problem
from tui_linreg.engine.events import Event, Outcome, Progress, StepDetail, StepTaken
from tui_linreg.engine.run import run_to_end, train

TRAIN = [sys.executable, "-m", "tui_linreg", "train", "--no-history"]
SMALL = TrainConfig(num_examples=95, batch_size=10, epochs=2)
"""Ten batches an epoch, the last one short (5 examples)."""


def traced(config: TrainConfig) -> list[StepDetail]:
    return [e.detail for e in train(config, trace=True) if isinstance(e, StepTaken)]


def data(config: TrainConfig) -> tuple[torch.Tensor, torch.Tensor]:
    problem = make_problem(config, torch.device("cpu"))
    return problem.features.double(), problem.labels.double()


def half_squared_gradient(
    X: torch.Tensor,  # noqa: N803
    y: torch.Tensor,
    w: tuple[float, ...],
    b: float,
) -> torch.Tensor:
    """Aᵀ(Aθ − y) for A = [X, 1], in float64: the gradient of Σ (ŷ − y)² / 2."""
    A = torch.cat([X, torch.ones(len(X), 1, dtype=X.dtype)], dim=1)
    theta = torch.tensor([*w, b], dtype=X.dtype).reshape(-1, 1)
    return (A.T @ (A @ theta - y)).flatten()


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
def test_a_trace_holds_the_true_gradients_and_updates(implementation: str) -> None:
    config = dataclasses.replace(SMALL, implementation=implementation)
    steps = traced(config)
    assert len(steps) == 20
    assert [(s.epoch, s.step) for s in steps[:11]] == [(1, k) for k in range(1, 11)] + [(2, 1)]
    X, y = data(config)
    for epoch in (1, 2):  # every example once an epoch, in the recorded batches
        seen = sorted(i for s in steps if s.epoch == epoch for i in s.indices)
        assert seen == list(range(95))
    w, b = steps[0].w_before, steps[0].b_before
    for s in steps:
        assert (s.w_before, s.b_before) == (w, b)  # each step starts where the last ended
        rows = list(s.indices)
        length = len(rows)
        grad = half_squared_gradient(X[rows], y[rows], w, b)
        if implementation == "concise":
            grad = grad * 2 / length  # nn.MSELoss: the mean of (ŷ − y)²
        recorded = torch.tensor([*s.grad_w, s.grad_b], dtype=torch.float64)
        assert torch.allclose(recorded, grad, rtol=1e-4, atol=1e-4), (s.epoch, s.step)
        divisor = 1 if implementation == "concise" else length
        after = torch.tensor([*w, b], dtype=torch.float64) - s.lr * recorded / divisor
        assert torch.allclose(torch.tensor([*s.w_after, s.b_after], dtype=torch.float64), after)
        residual = X[rows] @ torch.tensor(w, dtype=torch.float64) + b - y[rows, 0]
        own = residual.square().mean() * (1 if implementation == "concise" else 0.5)
        assert s.batch_loss == pytest.approx(float(own), rel=1e-5)
        w, b = s.w_after, s.b_after
    final = run_to_end(config)
    assert (final.w, final.b) == (w, b)  # tracing changes no number


def test_forget_zero_grad_records_the_running_sum_of_the_gradients() -> None:
    config = dataclasses.replace(SMALL, pitfalls=("forget-zero-grad",))
    steps = traced(config)
    X, y = data(config)
    total = torch.zeros(3, dtype=torch.float64)
    for s in steps:
        total += half_squared_gradient(
            X[list(s.indices)], y[list(s.indices)], s.w_before, s.b_before
        )
        recorded = torch.tensor([*s.grad_w, s.grad_b], dtype=torch.float64)
        assert torch.allclose(recorded, total, rtol=1e-4, atol=1e-3), (s.epoch, s.step)
        expected = torch.tensor([*s.expected_w, s.expected_b], dtype=torch.float64)
        assert not torch.allclose(recorded, expected) or s.step == s.epoch == 1  # the inspector
        # shows the difference from the step's own gradient from the second step on
    lesson = TrainConfig()  # the lesson's run: 300 steps
    damaged = run_to_end(dataclasses.replace(lesson, pitfalls=("forget-zero-grad",)))
    right = run_to_end(lesson)
    assert damaged.outcome == Outcome.DIVERGED or damaged.half_mse > 100 * right.half_mse


@pytest.mark.parametrize(
    ("pitfall", "torch_says"),
    [
        ("no-no-grad", "a leaf Variable that requires grad is being used in an in-place operation"),
        ("backward-vector", "grad can be implicitly created only for scalar outputs"),
    ],
)
def test_a_pitfall_that_raises_fails_the_run_with_pytorchs_own_words(
    pitfall: str, torch_says: str
) -> None:
    events = list(train(dataclasses.replace(SMALL, pitfalls=(pitfall,))))
    end = ended(events)
    assert end.outcome == Outcome.FAILED
    assert torch_says in end.message
    assert "epoch 1 at step 1" in end.message
    (last,) = [e.last_step for e in events if isinstance(e, Progress) and e.last_step]
    assert torch_says in last.error  # the inspector shows the step that raised
    assert last.indices  # with its batch
    assert last.predictions


def test_no_reshape_broadcasts_the_loss_to_a_square_and_trains_on_it() -> None:
    config = dataclasses.replace(SMALL, pitfalls=("no-reshape",))
    first = traced(config)[0]
    assert first.loss_shape == (10, 10)
    assert len(first.loss_values) == 100
    # its gradient is not the gradient of the lesson's loss, and the run ends somewhere else
    assert first.grad_w != pytest.approx(first.expected_w, rel=1e-3)
    assert run_to_end(config).w != pytest.approx(run_to_end(SMALL).w, abs=1e-3)
    with pytest.raises(ConfigError, match="at most 4096"):
        checked(dataclasses.replace(config, batch_size=5000, num_examples=5000))


def test_the_lesson_divisor_shortens_the_last_batchs_step_only() -> None:
    config = dataclasses.replace(SMALL, pitfalls=("lesson-divisor",))
    broken, right = traced(config), traced(SMALL)
    assert [s.divisor for s in broken[:10]] == [10] * 10
    assert [s.divisor for s in right[:10]] == [10] * 9 + [5]
    assert [s.w_after for s in broken[:9]] == [s.w_after for s in right[:9]]
    assert broken[9].w_after != right[9].w_after  # the short batch moves half as far


def test_a_pitfall_must_apply_to_the_implementation() -> None:
    for implementation, pitfall in [("concise", "no-reshape"), ("analytic", "forget-zero-grad")]:
        with pytest.raises(ConfigError, match=f"the pitfall {pitfall} changes"):
            checked(dataclasses.replace(SMALL, implementation=implementation, pitfalls=(pitfall,)))
    concise = dataclasses.replace(SMALL, implementation="concise", pitfalls=("forget-zero-grad",))
    assert run_to_end(concise).w != run_to_end(dataclasses.replace(concise, pitfalls=())).w


def test_single_steps_take_one_step_each_and_pause_between() -> None:
    control = RunControl()
    control.pause()
    events: list[Event] = []
    config = dataclasses.replace(SMALL, epochs=1)
    thread = threading.Thread(target=lambda: events.extend(train(config, control)), daemon=True)
    thread.start()
    reports: list[Progress] = []

    def reported() -> list[Progress]:
        return [e for e in list(events) if isinstance(e, Progress)]

    for k in range(1, 4):
        control.step()
        _wait_for(lambda k=k: len(reported()) == k)
        reports = reported()
        assert reports[-1].step == k  # exactly one more step
        shown = reports[-1].last_step
        assert shown is not None
        assert shown.step == k
        assert control.paused
    control.resume()
    thread.join(20)
    assert ended(list(events)).outcome == Outcome.FINISHED
    assert ended(list(events)).w == run_to_end(dataclasses.replace(SMALL, epochs=1)).w


def test_a_cancel_during_a_single_step_ends_the_run_instead_of_pausing_it() -> None:
    """f7 then ctrl+r at once: the cancel lands while the single step is being taken. The step
    must not pause the run again afterwards, or the cancelled run waits for ever (the key fuzz
    found a worker left paused after its app had gone). Nor does a pause after a cancel."""
    control = RunControl()
    control.step()
    assert control.take_single()  # the loop begins the single step…
    control.cancel()  # …the UI cancels the run meanwhile…
    control.stepped()  # …and the loop, its step taken, would pause again
    assert not control.paused
    assert control.cancelled
    control.pause()
    assert not control.paused
    events = list(train(dataclasses.replace(SMALL, epochs=1), control))
    assert ended(events).outcome == Outcome.CANCELLED


def test_train_writes_a_trace_and_exits_4_when_the_code_raises(tmp_path: Path) -> None:
    trace = tmp_path / "trace.jsonl"
    command = [*TRAIN, "--num-examples=30"]
    done = subprocess.run([*command, "--epochs=1", f"--trace={trace}"], capture_output=True)
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in trace.read_text().splitlines()]
    assert [line["step"] for line in lines] == [1, 2, 3]
    keys = {"epoch", "step", "indices", "batch_loss", "grad_w", "grad_b", "lr", "w", "b"}
    assert keys <= set(lines[0])
    again = subprocess.run([*command, f"--trace={trace}"], capture_output=True, text=True)
    assert again.returncode == 2  # refused before training
    assert "already exists" in again.stderr
    failed = subprocess.run([*command, "--pitfall=backward-vector"], capture_output=True, text=True)
    assert failed.returncode == 4
    assert "grad can be implicitly created only for scalar outputs" in failed.stdout


def test_a_trace_stopped_by_ctrl_c_holds_every_whole_step(tmp_path: Path) -> None:
    trace = tmp_path / "trace.jsonl"
    process = subprocess.Popen(
        [*TRAIN, "--pace=200", "--epochs=100", f"--trace={trace}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_for(lambda: trace.exists() and trace.stat().st_size > 2000, 60)
        process.send_signal(2)  # SIGINT, as Ctrl-C sends it
        assert process.wait(30) == 130
    finally:
        process.kill()  # never left behind, whatever failed
    lines = trace.read_text().splitlines()
    steps = [(json.loads(line)["epoch"], json.loads(line)["step"]) for line in lines]  # none cut
    # 100 steps an epoch: a slow machine may be into the second epoch by the time of the signal.
    assert steps == [(1 + i // 100, 1 + i % 100) for i in range(len(lines))]
