"""The session (session.py) driven as a lesson would drive it, without Textual: plans run from
recorded events (the snapshot tests' tapes, tests/ui/tapes.py), each event applied in turn."""

from __future__ import annotations

import dataclasses

import pytest

from tests.ui.tapes import TapePlayer
from tui_linreg.config import TrainConfig
from tui_linreg.engine.events import PlanEnded, Progress, RunEnded, RunStarted
from tui_linreg.plan import Plan
from tui_linreg.session import Change, Session
from tui_linreg.sweep import parse_sweep

LESSON = TrainConfig(device="cpu", seed=0)
"""The config the snapshot tests' app starts with (tests/ui/snapshot_app.py)."""


def session_on(tape: str) -> Session:
    session = Session(None, lambda text: None, TapePlayer(tape))
    session.torch_ready = True
    return session


def run_through(session: Session, plan: Plan) -> list[Change]:
    """Start ``plan`` and apply every event of it, as the main screen does."""
    started = session.start(plan)
    return [session.apply(event) for event in session.events(started)]


def test_a_run_applied_event_by_event_ends_idle_with_its_path_recorded() -> None:
    session = session_on("trained")
    changes = run_through(session, Plan.of(LESSON))
    first, last = changes[0], changes[-1]
    assert isinstance(first.event, RunStarted)
    assert first.new_data
    assert first.new_plot
    assert isinstance(last.event, PlanEnded)
    assert last.event.outcome == "finished"
    assert not session.busy
    assert [end.outcome for end in session.ends] == ["finished"]
    recording = session.latest_recording
    assert recording is not None
    assert session.latest == "scratch"
    assert len(recording) == 301  # the start, and θ after each of the 300 steps
    assert recording.theta(300) == pytest.approx((*session.ends[0].w, session.ends[0].b))


def test_both_implementations_share_the_data_and_the_map_and_end_with_the_loss_scales_note() -> (
    None
):
    session = session_on("landscape-both")
    changes = run_through(session, Plan.of(LESSON, both=True))
    started = [change for change in changes if isinstance(change.event, RunStarted)]
    assert [(c.new_data, c.new_plot) for c in started] == [(True, True), (False, False)]
    assert [c.event.label for c in started if isinstance(c.event, RunStarted)] == [
        "scratch",
        "concise",
    ]
    assert list(session.recordings) == ["scratch", "concise"]
    ended = changes[-1].event
    assert isinstance(ended, PlanEnded)
    assert [note.id for note in ended.notes][:1] == ["both-scales"]
    assert [end.index for end in ended.ends] == [0, 1]


def test_a_sweep_runs_each_value_in_turn_and_says_which_is_next() -> None:
    session = session_on("sweep")
    sweep = parse_sweep("lr=0.003,0.01,0.03,0.3")
    started = session.start(Plan.of(LESSON, sweep=sweep))
    running = []
    for event in session.events(started):
        session.apply(event)
        if isinstance(event, RunEnded):
            running.append(None if session.running is None else session.running.learning_rate)
    assert running == [0.01, 0.03, 0.3, None]  # after each run, the next one's config
    assert [end.label for end in session.ends] == ["lr=0.003", "lr=0.01", "lr=0.03", "lr=0.3"]
    assert list(session.recordings) == ["lr=0.003", "lr=0.01", "lr=0.03", "lr=0.3"]


def test_replay_moves_through_the_latest_run_and_every_run_follows() -> None:
    session = session_on("landscape-both")
    run_through(session, Plan.of(LESSON, both=True))
    shown = session.replay("-step")
    assert shown is not None
    assert (shown.step, shown.where) == (299, (3, 99))
    assert list(shown.thetas) == ["scratch", "concise"]  # the latest last
    shown = session.replay("-epoch")
    assert shown is not None
    assert shown.step == 200
    shown = session.replay("first")
    assert shown is not None
    assert shown.step == 0
    assert session.replay_wanted() is None  # the start: no step to take again
    shown = session.replay("step")
    assert shown is not None
    assert shown.step == 1
    wanted = session.replay_wanted()
    assert wanted is not None
    config, step, ask, _ = wanted
    assert (config.implementation, step, ask) == ("concise", 1, session.replays_asked)
    assert session.end_replay()
    assert session.replayed is None


def test_nothing_to_replay_before_a_run() -> None:
    assert session_on("trained").replay("-step") is None


def test_a_run_started_stepping_takes_one_step_at_each_step_and_pauses_again() -> None:
    session = session_on("three-steps")
    started = session.start(Plan.of(LESSON), stepping=True)
    events = session.events(started)
    assert isinstance(session.apply(next(events)).event, RunStarted)
    for taken in (1, 2, 3):  # the first step is the start's own: one press, one step
        if taken > 1:
            assert session.step()
        change = session.apply(next(events))
        assert isinstance(change.event, Progress)
        assert change.paused  # paused again after the step
        assert change.event.last_step is not None
        assert change.event.last_step.step == taken
    assert session.stop()
    assert session.control is not None
    assert session.control.cancelled


def test_pause_and_resume_only_while_a_run_is_in_progress() -> None:
    session = session_on("trained")
    assert session.pause() is None  # nothing runs
    assert not session.step()  # the caller starts a stepping plan instead
    session.start(Plan.of(LESSON))
    assert session.pause() is True
    assert session.paused
    assert session.pause() is False


def test_a_too_long_plan_runs_at_max_instead_of_its_pace() -> None:
    session = session_on("trained")
    watched = session.start(Plan.of(dataclasses.replace(LESSON, pace=50.0)))
    assert watched.control.pace == 50.0
    too_long = dataclasses.replace(LESSON, pace=50.0, num_examples=1_000_000)
    assert session.start(Plan.of(too_long)).control.pace is None
    assert watched.control.cancelled  # the plan it replaced stops


def test_a_preview_is_asked_only_when_idle_and_only_the_latest_is_shown() -> None:
    session = Session(None, lambda text: None, TapePlayer("trained"))
    assert session.ask_preview(LESSON) is None  # PyTorch is not ready
    session.torch_ready = True
    first = session.ask_preview(LESSON)
    second = session.ask_preview(LESSON)
    assert first is not None
    assert second is not None
    assert not session.previewed(first, session.plan_id)  # a newer one was asked for
    assert session.previewed(second, session.plan_id)
    session.start(Plan.of(LESSON))
    assert not session.previewed(second, session.plan_id - 1)  # a run began since
    assert session.ask_preview(LESSON) is None  # busy


def test_a_refused_plan_leaves_the_session_idle() -> None:
    session = session_on("trained")
    started = session.start(Plan.of(LESSON))
    assert not session.refused(started.plan_id - 1)  # an older plan's refusal: ignored
    assert session.busy
    assert session.refused(started.plan_id)
    assert not session.busy


def test_the_documented_lesson_drives_a_session_without_the_app() -> None:
    """docs/architecture.md's example, as written there (on the CPU)."""
    session = Session(history=None, warn=print)
    started = session.start(Plan.of(TrainConfig(learning_rate=10, epochs=2, device="cpu")))
    for event in session.events(started):
        change = session.apply(event)
    assert isinstance(change.event, PlanEnded)
    assert session.ends[-1].outcome == "diverged"
    replayed = session.replay("first")
    assert replayed is not None
    assert replayed.step == 0


def test_the_plan_after_a_sweep_starts_the_panes_afresh() -> None:
    """f6 after a sweep kept the sweep's dozen curves and columns beside the two runs."""
    session = Session(None, lambda text: None)
    session.torch_ready = True
    small = dataclasses.replace(LESSON, num_examples=40, epochs=1, pace=None)
    run_through(session, Plan.of(small, sweep=parse_sweep("lr=0.01,0.03")))
    after = run_through(session, Plan.of(small, both=True))
    started = [c for c in after if isinstance(c.event, RunStarted)]
    assert [(c.new_data, c.new_plot) for c in started] == [(True, True), (False, False)]
    assert list(session.recordings) == ["scratch", "concise"]  # no sweep's runs left
    again = run_through(session, Plan.of(small))  # after "both": the same data, kept
    assert [(c.new_data, c.new_plot) for c in again if isinstance(c.event, RunStarted)] == [
        (False, True)
    ]
