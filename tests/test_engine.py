"""The training engine: data, both implementations, reference answers, run control."""

from __future__ import annotations

import dataclasses
import math
import subprocess
import sys
import threading
import time
from collections.abc import Callable

import numpy as np
import pytest
import torch

from tui_linreg.config import TrainConfig
from tui_linreg.engine.control import RunControl
from tui_linreg.engine.data import make_problem, shuffle_generator
from tui_linreg.engine.events import (
    MAX_REPORTED_BATCHES,
    EpochEnded,
    Outcome,
    Progress,
    RunEnded,
    RunStarted,
    StepTaken,
    envelope,
)
from tui_linreg.engine.reference import closed_form
from tui_linreg.engine.run import run_to_end, train
from tui_linreg.engine.scratch import Scratch, data_iter, linreg, squared_loss
from tui_linreg.engine.start import prepare

CPU = torch.device("cpu")
IMPLEMENTATIONS = ["scratch", "concise"]


def config(**changes: object) -> TrainConfig:
    return dataclasses.replace(TrainConfig(device="cpu"), **changes)  # type: ignore[arg-type]


# --- data ---------------------------------------------------------------------------------


def test_data_has_the_lessons_shapes_and_statistics() -> None:
    problem = make_problem(config(num_examples=20_000), CPU)
    assert problem.features.shape == (20_000, 2)
    assert problem.labels.shape == (20_000, 1)
    assert problem.features.dtype == torch.float32
    assert abs(float(problem.features.mean())) < 0.03
    assert abs(float(problem.features.std()) - 1) < 0.03
    noise = problem.labels - (problem.features @ torch.tensor([[2.0], [-3.4]]) + 4.2)
    assert abs(float(noise.std()) - 0.01) < 0.001
    assert problem.initial_w.shape == (2, 1)
    assert float(problem.initial_w.abs().max()) < 0.05  # drawn from N(0, 0.01²)
    assert float(problem.initial_b) == 0.0


def test_same_seed_gives_identical_data_and_start_different_seed_does_not() -> None:
    first, again = make_problem(config(), CPU), make_problem(config(), CPU)
    other = make_problem(config(seed=1), CPU)
    assert torch.equal(first.features, again.features)
    assert torch.equal(first.labels, again.labels)
    assert torch.equal(first.initial_w, again.initial_w)
    assert not torch.equal(first.features, other.features)


def test_data_generation_leaves_the_global_rng_alone() -> None:
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    make_problem(config(), CPU)
    run_to_end(config(implementation="concise", epochs=1))
    assert torch.equal(torch.rand(3), expected)


# --- training -----------------------------------------------------------------------------


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
def test_default_run_converges_to_the_closed_form(implementation: str) -> None:
    end = run_to_end(config(implementation=implementation))
    assert end.outcome == Outcome.FINISHED
    assert end.half_mse < 1.5 * end.closed_form.half_mse
    for row in end.rows:
        assert abs(row.error) < 0.01, row


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
def test_lr_0_001_for_3_epochs_is_far_too_slow(implementation: str) -> None:
    end = run_to_end(config(implementation=implementation, learning_rate=0.001))
    assert end.outcome == Outcome.FINISHED
    assert end.half_mse > 1


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
def test_lr_10_diverges_and_stops_in_the_first_epoch_with_a_plain_reason(
    implementation: str,
) -> None:
    events = list(train(config(implementation=implementation, learning_rate=10, epochs=10)))
    end = events[-1]
    assert isinstance(end, RunEnded)
    assert end.outcome == Outcome.DIVERGED
    assert end.epoch == 1
    assert not [e for e in events if isinstance(e, EpochEnded)]  # no lines of nan
    assert end.message.startswith("diverged in epoch 1 at step ")
    assert "The learning rate 10 is above the stable bound" in end.message
    step = int(end.message.split("at step ")[1].split(":")[0])
    assert 1 <= step <= 30


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
def test_a_diverged_run_says_which_step_its_parameters_are_from(implementation: str) -> None:
    """The loss is read back every few steps, so a run that blew up at step 4 is found, and
    stops, a few steps later: the message names both, and the parameters are the later
    step's, exactly (a traced run that keeps going reaches that step too)."""
    run = config(implementation=implementation, learning_rate=10, epochs=1)
    end = run_to_end(run)
    named = int(end.message.split("at step ")[1].split(":")[0])
    stopped = int(end.message.split("The app noticed at step ")[1].split(" ")[0])
    assert named < stopped == end.step
    assert "the parameters shown are from that step" in end.message
    traced = dataclasses.replace(run, keep_going=True)
    there = next(
        event.detail
        for event in train(traced, trace=True)
        if isinstance(event, StepTaken) and event.detail.step == stopped
    )
    assert (*end.w, end.b) == (*there.w_after, there.b_after)


def test_a_loss_that_only_explodes_is_reported_before_it_overflows() -> None:
    # Just above the stable bound, full-batch GD grows slowly; it must be caught while finite.
    start = run_to_end(config(epochs=1, learning_rate=0.03))
    bound = start.closed_form.stable_lr
    end = run_to_end(config(batch_size=1000, learning_rate=1.3 * bound, epochs=200))
    assert end.outcome == Outcome.DIVERGED
    assert "the loss grew from" in end.message
    assert math.isfinite(end.half_mse)


def test_same_seed_gives_an_identical_history() -> None:
    first = run_to_end(config(implementation="concise"))
    again = run_to_end(config(implementation="concise"))
    strip = [dataclasses.replace(e, elapsed_s=0, epoch_s=0, steps_per_s=0) for e in first.history]
    assert strip == [
        dataclasses.replace(e, elapsed_s=0, epoch_s=0, steps_per_s=0) for e in again.history
    ]
    other = run_to_end(config(implementation="concise", seed=5))
    assert other.history[0].loss != first.history[0].loss


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
def test_both_implementations_report_the_same_event_stream(implementation: str) -> None:
    events = list(train(config(implementation=implementation, num_examples=20_000, epochs=2)))
    kinds = [type(e) for e in events]
    assert kinds[0] is RunStarted
    assert kinds[-1] is RunEnded
    assert kinds.count(EpochEnded) == 2
    started = events[0]
    assert isinstance(started, RunStarted)
    assert started.loss_name == ("half-MSE" if implementation == "scratch" else "MSE")
    for epoch in (e for e in events if isinstance(e, EpochEnded)):
        scale = 1 if implementation == "scratch" else 2
        assert epoch.loss == pytest.approx(scale * epoch.half_mse, rel=1e-4)
        assert epoch.mse == pytest.approx(2 * epoch.half_mse)


def test_progress_is_reported_at_most_four_times_a_second() -> None:
    """Progress comes at most every 0.25 s (run.PROGRESS_INTERVAL_S, four a second, the app's
    repaint rate): the k-th report of an epoch comes k quarter-seconds into it at the
    earliest; and once more at the epoch's end, with its last steps. The one of slack allows
    for the few microseconds of an epoch spent handing reports over, which training time
    leaves out."""
    events = list(train(config(num_examples=50_000, epochs=1)))
    progress = [e for e in events if isinstance(e, Progress)]
    end = events[-1]
    assert isinstance(end, RunEnded)
    assert len(progress) <= 4 * end.train_s + 1 + 1, (len(progress), end.train_s)
    if end.train_s > 0.5:
        assert progress, "a run of over half a second reported no progress"
    assert all(0 < p.step <= p.steps_per_epoch for p in progress)


@pytest.mark.parametrize("order", ["shuffled", "fixed", "sorted"])
def test_concise_at_lr_takes_the_same_steps_as_scratch_at_twice_lr(order: str) -> None:
    # MSE's gradient is twice half-MSE's, and both visit the batches in the same order: the
    # trajectories agree.
    scratch = run_to_end(config(learning_rate=0.02, order=order))
    concise = run_to_end(config(implementation="concise", learning_rate=0.01, order=order))
    for mine, theirs in zip(scratch.history, concise.history, strict=True):
        assert mine.w == pytest.approx(theirs.w, rel=1e-4, abs=1e-6)
        assert mine.b == pytest.approx(theirs.b, rel=1e-4, abs=1e-6)


def test_scratch_autograd_gradient_equals_the_analytic_gradient() -> None:
    cfg = config(num_examples=37, batch_size=8)
    problem = make_problem(cfg, CPU)
    model = Scratch(problem, cfg, shuffle_generator(cfg))
    X, y = problem.features[:8], problem.labels[:8]
    squared_loss(linreg(X, model.w, model.b), y).sum().backward()
    assert model.w.grad is not None
    assert model.b.grad is not None
    autograd = torch.cat([model.w.grad.flatten(), model.b.grad]) / len(y)
    A = torch.cat([X, torch.ones(len(X), 1)], dim=1).double()
    theta = torch.cat([model.w.detach().flatten(), model.b.detach()]).double().reshape(-1, 1)
    analytic = (A.T @ (A @ theta - y.double()) / len(y)).flatten()
    torch.testing.assert_close(autograd.double(), analytic, atol=1e-6, rtol=0)


def test_short_last_batch_is_averaged_over_its_own_length() -> None:
    cfg = config(num_examples=25, batch_size=10, order="fixed", learning_rate=0.1)
    problem = make_problem(cfg, CPU)
    batches = list(data_iter(10, problem.features, problem.labels, shuffle_generator(cfg), "fixed"))
    assert [len(x) for x, _ in batches] == [10, 10, 5]
    model = Scratch(problem, cfg, shuffle_generator(cfg))
    for X, y in batches[:2]:
        model.train_step(X, y)
    w, b = model.w.detach().clone(), model.b.detach().clone()
    X, y = batches[2]
    model.train_step(X, y)
    A = torch.cat([X, torch.ones(5, 1)], dim=1)
    theta = torch.cat([w, b.reshape(1, 1)])
    expected = theta - 0.1 * A.T @ (A @ theta - y) / 5  # divided by 5, not by batch_size 10
    torch.testing.assert_close(
        torch.cat([model.w.detach(), model.b.detach().reshape(1, 1)]), expected
    )


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
def test_examples_not_divisible_by_batch_size_visit_every_example(implementation: str) -> None:
    started, *_, end = train(
        config(implementation=implementation, num_examples=1003, batch_size=10)
    )
    assert isinstance(started, RunStarted)
    assert isinstance(end, RunEnded)
    assert started.steps_per_epoch == 101
    assert end.step == 3 * 101
    assert end.half_mse < 1.5 * end.closed_form.half_mse


# --- run control --------------------------------------------------------------------------


ALL_IMPLEMENTATIONS = [*IMPLEMENTATIONS, "analytic"]


def join_until(
    worker: threading.Thread, condition: Callable[[], bool], timeout: float = 30
) -> None:
    """Join ``worker`` in short slices until ``condition()`` holds. Fails at once if the
    worker ends first (it crashed, or its run ended), and after ``timeout`` s otherwise."""
    deadline = time.monotonic() + timeout
    while not condition():
        alive = worker.is_alive()
        assert alive or condition(), "the run's thread ended first"
        assert time.monotonic() < deadline, f"not within {timeout} s"
        worker.join(0.01)


@pytest.mark.parametrize("implementation", ALL_IMPLEMENTATIONS)
def test_cancel_stops_before_the_next_mini_batch(implementation: str) -> None:
    control = RunControl()
    # An epoch long enough (a million examples) that even analytic reports inside it.
    stream = train(config(num_examples=1_000_000, epochs=3, implementation=implementation), control)
    progress = next(e for e in stream if isinstance(e, Progress))
    control.cancel()
    end = next(stream)
    assert isinstance(end, RunEnded)
    assert end.outcome == Outcome.CANCELLED
    assert end.step == progress.step  # not one more batch ran
    assert "cancelled in epoch 1" in end.message


@pytest.mark.parametrize("implementation", ALL_IMPLEMENTATIONS)
def test_cancel_from_another_thread_ends_a_long_run(implementation: str) -> None:
    control = RunControl()
    events: list[object] = []
    long_run = config(num_examples=1_000_000, epochs=50, implementation=implementation)
    worker = threading.Thread(target=lambda: events.extend(train(long_run, control)))
    worker.start()
    join_until(worker, lambda: any(isinstance(e, Progress) for e in events))
    control.cancel()
    worker.join(5)
    assert not worker.is_alive()
    assert isinstance(events[-1], RunEnded)
    assert events[-1].outcome == Outcome.CANCELLED


@pytest.mark.parametrize("implementation", ALL_IMPLEMENTATIONS)
def test_pause_holds_the_run_and_resume_continues_it(implementation: str) -> None:
    control = RunControl()
    events: list[object] = []
    # Enough steps that analytic (about 100k steps/s) is still running when it is paused.
    run = config(num_examples=2_000_000, epochs=2, implementation=implementation)
    worker = threading.Thread(target=lambda: events.extend(train(run, control)))
    worker.start()
    join_until(worker, lambda: any(isinstance(e, Progress) for e in events))
    control.pause()
    worker.join(0.3)  # let the run reach its pause point
    count = len(events)
    worker.join(0.5)
    assert len(events) == count  # nothing happens while paused
    assert worker.is_alive()
    control.resume()
    join_until(worker, lambda: len(events) > count)  # it goes on: progress is reported
    assert isinstance(events[count], Progress)
    control.cancel()  # the rest of the run is not what this test is about
    worker.join(30)
    assert isinstance(events[-1], RunEnded)
    assert events[-1].outcome == Outcome.CANCELLED


def test_analytic_inference_mode_stays_inside_the_engine() -> None:
    """Analytic steps in inference mode, but the code that reads its events must not be in it:
    a consumer's tensors would become inference tensors that autograd refuses."""
    for event in train(config(implementation="analytic", num_examples=50_000, epochs=2)):
        assert not torch.is_inference_mode_enabled(), type(event).__name__
    assert torch.is_grad_enabled()
    w = torch.zeros(1, requires_grad=True)
    (w * 2).sum().backward()  # autograd still works afterwards
    assert w.grad is not None


# --- reference answers --------------------------------------------------------------------


def test_closed_form_matches_numpy_least_squares() -> None:
    problem = make_problem(config(num_examples=150_000, true_w=(1.0, -2.0, 0.5)), CPU)
    best = closed_form(problem)  # more rows than one chunk: exercises the running QR
    A = np.hstack([problem.features.double().numpy(), np.ones((150_000, 1))])
    y = problem.labels.double().numpy()
    theta, *_ = np.linalg.lstsq(A, y, rcond=None)
    np.testing.assert_allclose([*best.w, best.b], theta.flatten(), atol=1e-9)
    residual = A @ theta - y
    assert best.half_mse == pytest.approx(float((residual**2).mean() / 2), rel=1e-9)


def test_closed_form_of_the_default_data_is_near_the_noise_floor() -> None:
    best = closed_form(make_problem(config(), CPU))
    assert best.half_mse == pytest.approx(0.01**2 / 2, rel=0.2)
    assert best.w == pytest.approx((2.0, -3.4), abs=1e-3)


def test_closed_form_copes_with_fewer_examples_than_parameters() -> None:
    best = closed_form(make_problem(config(num_examples=1), CPU))
    assert best.half_mse == pytest.approx(0, abs=1e-12)


@pytest.mark.parametrize(("factor", "converges"), [(0.9, True), (1.1, False)])
def test_the_stable_bound_separates_converging_from_diverging_full_batch_descent(
    factor: float, converges: bool
) -> None:
    cfg = config(num_examples=500)
    device, problem = prepare(cfg)
    bound = closed_form(problem).stable_lr
    end = run_to_end(
        config(
            num_examples=500,
            batch_size=500,
            learning_rate=factor * bound,
            epochs=400,
            order="fixed",
        ),
        prepared=(device, problem),
    )
    assert (end.outcome == Outcome.FINISHED) == converges
    if converges:
        assert end.half_mse < 1.01 * end.closed_form.half_mse


# --- the analytic implementation --------------------------------------------------------------


@pytest.mark.parametrize("order", ["shuffled", "fixed", "sorted"])
def test_analytic_follows_the_same_trajectory_as_scratch(order: str) -> None:
    # Same data, same start, same batch order: the written-out gradient is autograd's.
    scratch = run_to_end(config(epochs=5, num_examples=1003, order=order))
    analytic = run_to_end(
        config(epochs=5, num_examples=1003, order=order, implementation="analytic")
    )
    for mine, theirs in zip(scratch.history, analytic.history, strict=True):
        assert theirs.w == pytest.approx(mine.w, rel=1e-4, abs=1e-6)
        assert theirs.b == pytest.approx(mine.b, rel=1e-4, abs=1e-6)
        assert theirs.loss == pytest.approx(mine.loss, rel=1e-3, abs=1e-9)


def test_analytic_diverges_like_scratch() -> None:
    scratch = run_to_end(config(learning_rate=10, epochs=10))
    analytic = run_to_end(config(learning_rate=10, epochs=10, implementation="analytic"))
    assert analytic.outcome == Outcome.DIVERGED
    assert analytic.message == scratch.message  # caught at the same step, for the same reason


def test_analytic_converges_on_the_default_experiment() -> None:
    end = run_to_end(config(implementation="analytic"))
    assert end.half_mse < 1.5 * end.closed_form.half_mse
    assert all(abs(row.error) < 0.01 for row in end.rows)


@pytest.mark.parametrize("device", ["cpu", "cuda:7"])
def test_warm_up_pays_the_optimisers_start_cost_even_when_the_device_is_missing(
    device: str,
) -> None:
    # In a fresh process: this one loaded the machinery long ago. The first optim.SGD loads
    # torch._dynamo, the second-long cost a first run would otherwise pay.
    code = (
        "import sys\n"
        "from tui_linreg.engine.run import warm_up\n"
        "assert 'torch._dynamo' not in sys.modules\n"
        f"warm_up({device!r})\n"
        "print('torch._dynamo' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


def test_the_per_step_flag_follows_pause_resume_and_cancel() -> None:
    control = RunControl()

    def flag() -> bool:  # read afresh each time (the flag changes under mypy's feet)
        return control.requested

    assert not flag()
    control.pause()
    assert flag()
    control.resume()
    assert not flag()
    control.pause()
    control.cancel()
    control.resume()
    assert flag()  # a cancel is never forgotten by a resume
    assert control.cancelled


def test_a_cancel_racing_with_resumes_is_never_lost() -> None:
    for _ in range(20):
        control = RunControl()
        resuming = threading.Thread(target=lambda c=control: [c.resume() for _ in range(2000)])
        resuming.start()
        control.cancel()
        resuming.join(10)
        assert not resuming.is_alive()
        assert control.requested


@pytest.mark.parametrize("implementation", ALL_IMPLEMENTATIONS)
def test_every_step_is_in_exactly_one_progress_report(implementation: str) -> None:
    """The lesson's run is over in milliseconds, before any timed report: the reports at the
    epochs' ends still hold each of its 300 steps once, with the batch loss it had and the
    parameters after the last one."""
    cfg = config(implementation=implementation)
    events = list(train(cfg))
    progress = [e for e in events if isinstance(e, Progress)]
    epochs = [e for e in events if isinstance(e, EpochEnded)]
    steps = [(p.epoch, x) for p in progress for x, _, _ in p.batches]
    per_epoch = math.ceil(cfg.num_examples / cfg.batch_size)
    assert steps == [(e, s) for e in range(1, cfg.epochs + 1) for s in range(1, per_epoch + 1)]
    for report in progress:
        assert all(low == high for _, low, high in report.batches)
    last_of_each = [p for p in progress if p.step == per_epoch]
    assert [(p.w, p.b) for p in last_of_each] == [(e.w, e.b) for e in epochs]


def test_a_diverging_run_reports_the_explosion_up_to_where_it_stopped() -> None:
    events = list(train(config(learning_rate=10.0, epochs=10)))
    end = events[-1]
    assert isinstance(end, RunEnded)
    assert end.outcome == Outcome.DIVERGED
    (report,) = [e for e in events if isinstance(e, Progress)]
    losses = [high for _, _, high in report.batches]
    stopped_at = int(end.message.split("at step ")[1].split(":")[0])
    assert [x for x, _, _ in report.batches] == list(range(1, stopped_at + 1))
    assert losses[-1] > 1e6 * losses[0] or not math.isfinite(losses[-1])


def test_many_steps_in_one_report_keep_every_extreme() -> None:
    points = [(float(i), 1.0) for i in range(1, 10_001)]
    points[4321] = (4322.0, 1e9)  # a spike
    points[777] = (778.0, 1e-9)  # a dip
    kept = envelope(points)
    assert len(kept) <= MAX_REPORTED_BATCHES
    assert max(high for _, _, high in kept) == 1e9
    assert min(low for _, low, _ in kept) == 1e-9


# --- learning-rate decay (source note 4) ------------------------------------------------------


@pytest.mark.parametrize("implementation", ["scratch", "concise", "analytic"])
def test_the_learning_rate_decays_every_k_epochs(implementation: str) -> None:
    decayed = TrainConfig(
        device="cpu", implementation=implementation, epochs=5, lr_decay=0.5, decay_every=2
    )
    end = run_to_end(decayed)
    assert [epoch.lr for epoch in end.history] == [0.03, 0.03, 0.015, 0.015, 0.0075]
    steps = [e.detail for e in train(decayed, trace=True) if isinstance(e, StepTaken)]
    assert {d.lr for d in steps if d.epoch == 3} == {0.015}  # what the update really used
    assert [epoch.lr for epoch in run_to_end(dataclasses.replace(decayed, lr_decay=1)).history] == [
        0.03
    ] * 5


def test_a_decayed_run_agrees_across_implementations() -> None:
    """Three ways of decaying: scratch's sgd takes the new rate, analytic its own, concise
    multiplies optimizer.param_groups' lr. Concise at lr takes scratch's steps at 2·lr."""
    base = TrainConfig(device="cpu", epochs=3, lr_decay=0.3, decay_every=1, learning_rate=0.01)
    scratch = run_to_end(base)
    analytic = run_to_end(dataclasses.replace(base, implementation="analytic"))
    concise = run_to_end(dataclasses.replace(base, implementation="concise", learning_rate=0.005))
    for other in (analytic, concise):
        assert [*other.w, other.b] == pytest.approx([*scratch.w, scratch.b], rel=1e-4, abs=1e-5)
    assert scratch.half_mse > run_to_end(dataclasses.replace(base, lr_decay=1)).half_mse


def test_the_log_gives_each_epochs_rate_only_when_it_decays() -> None:
    from tui_linreg.report import lesson_line

    end = run_to_end(TrainConfig(device="cpu", epochs=2, lr_decay=0.1))
    assert lesson_line(end.history[1], end.config).endswith(", lr 0.003")
    plain = run_to_end(TrainConfig(device="cpu", epochs=1))
    assert lesson_line(plain.history[0], plain.config) == "epoch 1, loss 0.039277"
    assert end.to_dict()["history"][1]["lr"] == pytest.approx(0.003)


# --- the road to nan (--keep-going) ------------------------------------------------------------


def test_keep_going_runs_every_epoch_down_the_road_to_nan_and_says_where() -> None:
    config = TrainConfig(device="cpu", learning_rate=10.0, epochs=10, keep_going=True)
    events = list(train(config))
    end = events[-1]
    assert isinstance(end, RunEnded)
    assert end.outcome == Outcome.DIVERGED  # still diverged (train exits with 3)
    assert len(end.history) == 10
    assert all(math.isnan(epoch.loss) for epoch in end.history)  # the seeds' "loss nan"
    # Where the message says the loss became inf, then nan, is where the batch losses did.
    losses = [
        (event.epoch, int(step), value)
        for event in events
        if isinstance(event, Progress)
        for step, value, _ in event.batches
    ]
    inf = next((e, s) for e, s, v in losses if math.isinf(v))
    nan = next((e, s) for e, s, v in losses if math.isnan(v))
    assert inf < nan
    assert f"it became inf in epoch {inf[0]} at step {inf[1]}" in end.message
    assert f"nan in epoch {nan[0]} at step {nan[1]}" in end.message
    assert end.message.startswith("diverged in epoch 1 at step 4: the loss grew")
    stopped = run_to_end(dataclasses.replace(config, keep_going=False))
    assert len(stopped.history) == 0  # without it the run stops at the blow-up
    # The same diagnosis, then the road (not where the stopped run stopped: this one went on).
    assert end.message.startswith(stopped.message.split(" The app noticed at")[0] + " It kept")


def test_sorted_order_visits_low_labels_first_and_breaks_sgd() -> None:
    """The exercise "why reshuffle?": by label, every epoch ends on the highest labels, which
    drag the fit; the same lr on shuffled data is fine."""
    sorted_run = config(order="sorted", learning_rate=0.1)
    steps = [e.detail for e in train(sorted_run, trace=True) if isinstance(e, StepTaken)]
    firsts = [s for s in steps if s.step == 1]
    lasts = [s for s in steps if s.step == 100]
    assert max(firsts[0].labels) <= min(lasts[0].labels)  # low y first, high y last
    problem = make_problem(sorted_run, CPU)
    ordered = problem.labels[list(steps[0].indices) + list(steps[1].indices), 0]
    assert torch.equal(ordered, ordered.sort().values)  # the indices are the labels' order
    assert all(
        a.indices == b.indices for a, b in zip(steps[:100], steps[100:200], strict=True)
    )  # the same order every epoch
    broken = run_to_end(sorted_run)
    fine = run_to_end(dataclasses.replace(sorted_run, order="shuffled"))
    assert broken.times_optimum > 100 * fine.times_optimum
    assert fine.times_optimum < 1.1
