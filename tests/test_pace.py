"""Pacing: a run at a watchable pace waits between steps, and changes no number. How close the
pace comes to the one asked for is measured by the benchmark, not here."""

from __future__ import annotations

import threading
import time

import pytest

from tui_linreg.config import IMPLEMENTATIONS, TrainConfig
from tui_linreg.engine.control import RunControl
from tui_linreg.engine.events import Event, Outcome, Progress, RunEnded
from tui_linreg.engine.run import run_to_end, train
from tui_linreg.plan import differing

CONFIG = TrainConfig(device="cpu", num_examples=200, batch_size=10, epochs=2)


def ended(events: list[Event]) -> RunEnded:
    end = events[-1]
    assert isinstance(end, RunEnded)
    return end


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
def test_a_paced_run_is_bit_identical_to_the_same_run_at_max(implementation: str) -> None:
    config = TrainConfig(device="cpu", implementation=implementation, epochs=2)
    fast = run_to_end(config)
    paced = ended(list(train(config, RunControl(pace=2000.0))))
    assert (paced.w, paced.b, paced.half_mse) == (fast.w, fast.b, fast.half_mse)
    assert [(e.loss, e.w, e.b) for e in paced.history] == [(e.loss, e.w, e.b) for e in fast.history]


def test_two_runs_that_differ_only_in_pace_are_the_same_experiment() -> None:
    assert differing([CONFIG, TrainConfig(device="cpu", num_examples=200, epochs=2, pace=5)]) == []


def _run_in_thread(control: RunControl) -> tuple[threading.Thread, list[Event]]:
    events: list[Event] = []
    thread = threading.Thread(target=lambda: events.extend(train(CONFIG, control)), daemon=True)
    thread.start()
    return thread, events


def _wait_for(condition: object, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


def test_a_cancel_ends_a_slow_paced_run_within_its_wait() -> None:
    control = RunControl(pace=0.5)  # two seconds a step
    thread, events = _run_in_thread(control)
    time.sleep(0.2)  # the first step is done: it is waiting for the second
    cancelled = time.monotonic()
    control.cancel()
    thread.join(timeout=1.5)  # well before the next step was due
    assert not thread.is_alive(), "the cancel waited for the pace"
    assert time.monotonic() - cancelled < 1.5
    end = ended(events)
    assert end.outcome == Outcome.CANCELLED
    assert end.step == 1


def test_ctrl_c_cancels_even_when_it_lands_inside_the_controls_own_lock() -> None:
    """The CLI's SIGINT handler runs on the main thread, between two bytecodes: perhaps while
    that thread is inside take_pace (holding the lock) or an Event's wait. A handler that took
    the lock again would hang the process for ever; interrupt() takes none."""
    control = RunControl(pace=0.5)
    with control._lock:  # where the main thread may be when the signal lands
        control.interrupt()
    assert control.cancelled
    assert control.requested


def test_ctrl_c_ends_a_slow_paced_run_within_its_wait() -> None:
    control = RunControl(pace=0.5)  # two seconds a step
    thread, events = _run_in_thread(control)
    time.sleep(0.2)
    control.interrupt()  # no Event is set: the nap sees the flag within its slice
    thread.join(timeout=1.5)
    assert not thread.is_alive(), "the interrupt waited for the pace"
    assert ended(events).outcome == Outcome.CANCELLED


def test_a_pause_holds_a_paced_run_and_resume_goes_on_at_the_pace() -> None:
    control = RunControl(pace=50.0)
    thread, events = _run_in_thread(control)
    time.sleep(0.2)
    control.pause()
    time.sleep(0.1)  # the step under way ends
    held = sum(isinstance(e, Progress) for e in events), len(events)
    time.sleep(0.5)
    assert (sum(isinstance(e, Progress) for e in events), len(events)) == held
    control.resume()
    thread.join(timeout=20)
    assert ended(events).outcome == Outcome.FINISHED
    assert ended(events).step == 40


def test_a_new_pace_applies_to_the_run_in_progress() -> None:
    control = RunControl(pace=1.0)  # 40 steps: 40 s at this pace
    thread, events = _run_in_thread(control)
    time.sleep(0.1)
    control.set_pace(None)  # max, as the app's key does
    thread.join(timeout=10)
    assert not thread.is_alive(), "the run kept the old pace"
    assert ended(events).outcome == Outcome.FINISHED


def test_waiting_between_steps_does_not_spin() -> None:
    """A paced run of about a second uses a small part of a core: it sleeps between steps."""
    control = RunControl(pace=40.0)
    cpu, wall = time.process_time(), time.perf_counter()
    end = ended(list(train(CONFIG, control)))
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    assert end.step == 40
    assert wall >= 39 / 40  # it waited: 40 steps at 40 a second
    assert cpu < 0.5 * wall, f"{cpu:.2f} s of CPU in {wall:.2f} s"
    assert end.train_s < wall / 2, "the waits are not training time"
