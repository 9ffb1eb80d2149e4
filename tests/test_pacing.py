"""The training loop's clock and pace (engine/pacing.py), without torch and without waiting:
time is a fake clock the tests move by hand."""

from __future__ import annotations

import types

import pytest

from tui_linreg.engine import pacing
from tui_linreg.engine.control import RunControl
from tui_linreg.engine.pacing import MAX_LAG_S, Pacer, Stopwatch


class FakeTime:
    """``time.perf_counter`` that only moves when told to."""

    def __init__(self) -> None:
        self.now = 100.0

    def perf_counter(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeTime:
    fake = FakeTime()
    monkeypatch.setattr(pacing, "time", types.SimpleNamespace(perf_counter=fake.perf_counter))
    return fake


class NapLog(RunControl):
    """A control that records each pacing wait instead of sleeping, and lets time pass."""

    def __init__(self, clock: FakeTime, pace: float | None) -> None:
        super().__init__(pace=pace)
        self.clock = clock
        self.naps: list[float] = []

    def nap(self, seconds: float) -> None:
        self.naps.append(round(seconds, 9))
        self.clock.now += max(seconds, 0.0)


def test_the_stopwatch_counts_only_the_time_it_runs(clock: FakeTime) -> None:
    watch = Stopwatch()
    watch.start()
    clock.now += 2.0
    watch.stop()
    clock.now += 5.0  # stopped: a pause, or the UI handling an event
    watch.start()
    clock.now += 0.5
    assert watch.read() == pytest.approx(2.5)
    watch.stop()
    assert watch.total == pytest.approx(2.5)


def test_a_paced_run_waits_for_each_step_on_an_absolute_schedule(clock: FakeTime) -> None:
    """At 50 steps/s, step k starts k/50 s after the stretch began, whatever the steps took:
    a step that took 5 ms waits 15 ms, and the schedule does not drift."""
    control = NapLog(clock, pace=50.0)
    pacer = Pacer(control, Stopwatch())
    assert pacer.heed()  # a stretch begins at 100.0
    for _ in range(3):
        clock.now += 0.005  # the step itself
        pacer.wait()
    assert control.naps == [0.015, 0.015, 0.015]
    assert clock.now == pytest.approx(100.06)


def test_a_run_far_behind_its_schedule_starts_a_new_one_rather_than_rush(clock: FakeTime) -> None:
    control = NapLog(clock, pace=10.0)
    pacer = Pacer(control, Stopwatch())
    pacer.heed()
    clock.now += 0.1 + MAX_LAG_S + 0.05  # the UI held the thread: far behind step 1's time
    pacer.wait()
    clock.now += 0.01
    pacer.wait()
    assert control.naps[1] == pytest.approx(0.09)  # from the new start, not a burst to catch up


def test_at_max_pace_a_step_never_waits(clock: FakeTime) -> None:
    control = NapLog(clock, pace=None)
    pacer = Pacer(control, Stopwatch())
    pacer.wait()
    assert control.naps == []


def test_a_new_pace_applies_from_the_next_step(clock: FakeTime) -> None:
    control = NapLog(clock, pace=10.0)
    pacer = Pacer(control, Stopwatch())
    control.set_pace(100.0)
    assert control.requested  # the loop calls heed() before its next step
    assert pacer.heed()
    assert pacer.pace == 100.0
    pacer.wait()
    assert control.naps == [pytest.approx(0.01)]


def test_heed_says_a_cancelled_run_must_stop() -> None:
    control = RunControl()
    pacer = Pacer(control, Stopwatch())
    control.cancel()
    assert not pacer.heed()


def test_a_single_step_is_taken_and_marked() -> None:
    control = RunControl()
    pacer = Pacer(control, Stopwatch())
    control.pause()
    control.step()  # f7: one step from the pause
    assert pacer.heed()
    assert pacer.single
    control.stepped()  # the loop, after the step
    assert control.paused


def test_a_pause_is_waited_out_and_left_out_of_the_training_time() -> None:
    watch = Stopwatch()
    stopped_while_paused: list[bool] = []

    class Paused(RunControl):
        def wait_while_paused(self) -> None:
            stopped_while_paused.append(watch._since is None)  # the clock is not running
            self.resume()  # as the user's ctrl+o would

    control = Paused()
    pacer = Pacer(control, watch)
    control.pause()
    watch.start()
    assert pacer.heed()
    assert stopped_while_paused == [True]
    assert not control.paused
    assert watch._since is not None  # training time runs again
