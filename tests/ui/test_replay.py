"""Replay in the app: the keys, every pane following the chosen step, and nothing recorded
changed."""

from __future__ import annotations

import pytest

from tests.ui.snapshot_app import (
    RunEvents,
    drawn,
    make_app,
    notifications,
    press_now,
    run_and_wait,
    settle,
    wait_for_sequence,
    wait_for_training,
    wait_until,
)
from tui_linreg.engine import run
from tui_linreg.engine.events import StepTaken
from tui_linreg.engine.run import train
from tui_linreg.ui.app import LinregApp
from tui_linreg.ui.screens.help import HelpScreen


@pytest.fixture(autouse=True)
def progress_reports(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(run, "PROGRESS_INTERVAL_S", 0.05)


def replaying(app: LinregApp) -> int | None:
    """The replayed index (a function: mypy would narrow the attribute between key presses)."""
    return app.session.replayed


def replayed_theta(app: LinregApp) -> tuple[float, ...]:
    recording = app.session.latest_recording
    assert recording is not None
    assert app.session.replayed is not None
    return recording.theta(app.session.replayed)


async def test_every_pane_follows_the_replayed_step() -> None:
    app = make_app(pitfalls=("forget-zero-grad",))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f9")  # the map, with the focus: the replay keys work at once
        await run_and_wait(pilot)
        await pilot.press("shift+left", "shift+left", "left", "left_square_bracket")
        await pilot.pause()
        assert app.session.replayed == 98
        theta = replayed_theta(app)
        assert "step 98/300 · epoch 1 step 98" in app.main.status.text
        assert app.main.table.learned["scratch"] == theta
        assert app.main.scatter.learned == (theta[:-1], theta[-1])
        assert app.main.loss.marker == pytest.approx(0.98)
        assert app.main.landscape.shown_step == 98
        # Hidden, the inspector takes no step again (for a long run, that is the whole run
        # again at every key). Shown, it takes the step again: .grad as it was, piled up
        # over 98 steps.
        assert app.session.replays_asked == 4
        assert not [w for w in app.workers if w.group == "replay"]
        assert not app.main.inspector.replayed
        await pilot.press("f8")
        await wait_until(lambda: app.main.inspector.replayed, what=lambda: "no replayed step")
        detail = app.main.inspector.detail
        assert detail is not None
        traced = [
            e.detail
            for e in train(app.session.ends[0].config, trace=True)
            if isinstance(e, StepTaken)
        ]
        assert detail == traced[97]
        assert (*detail.w_after, detail.b_after) == pytest.approx(theta)
        await pilot.press("home")
        assert app.session.replayed == 0
        await pilot.press("end", "right_square_bracket")
        assert app.session.replayed == 300
        await pilot.press("left_curly_bracket")
        assert app.session.replayed == 200


async def test_after_f6_both_runs_go_back_to_the_step() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f9", "f6")
        await wait_for_sequence(pilot, 2)
        await pilot.press("home", "right", "right")
        paths = app.main.landscape.paths
        assert app.main.landscape.shown_step == 2
        for name in ("scratch", "concise"):
            assert app.main.table.learned[name] == paths[name].theta(2)
        legend = drawn(app.main.landscape).splitlines()[-1]
        assert "● step 2" in legend
        assert (
            drawn(app.main.landscape).count("●") == 3
        )  # both runs, each where it was, and the legend


async def test_the_replay_keys_leave_a_focused_field_alone() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await run_and_wait(pilot)
        field = app.main.form.query_one("#field-learning_rate")
        field.focus()
        await pilot.pause()
        await pilot.press("left", "home", "left_square_bracket")
        assert app.session.replayed is None, "a replay key took the field's keystroke"
        assert field.value == "[0.03"  # type: ignore[attr-defined]  # home, then [ typed


async def test_replay_waits_for_a_pause_and_resuming_goes_live_again() -> None:
    app = make_app(pace=30.0, num_examples=600, epochs=1)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f9")
        await press_now(pilot, "ctrl+r")
        await wait_until(
            lambda: (app.session.latest_recording or ()) and len(app.session.latest_recording) > 3,
            what=lambda: "no steps yet",
        )
        await press_now(pilot, "left")
        assert replaying(app) is None
        assert any("ctrl+o pauses" in text for text in notifications(app))
        await press_now(pilot, "ctrl+o")
        await wait_until(lambda: app.session.paused)
        await press_now(pilot, "left")
        assert replaying(app) is not None
        await press_now(pilot, "ctrl+o")  # resume: the panes are live again
        assert replaying(app) is None
        assert app.main.loss.marker is None
        await press_now(pilot, "ctrl+g")
        await wait_for_training(app)


async def test_replaying_changes_no_recorded_run() -> None:
    seen = RunEvents()
    app = make_app()
    async with app.run_test(size=(120, 40), message_hook=seen.hook) as pilot:
        await settle(pilot)
        await pilot.press("f9")
        await run_and_wait(pilot)
        before = app.history.path.read_text()
        latest = app.session.latest_recording
        assert latest is not None
        recorded = list(latest.values)
        await pilot.press("home", "right", "right", "shift+right", "f8")
        await wait_until(lambda: app.main.inspector.replayed)
        await pilot.press("left", "left")
        await pilot.pause()
        assert app.history.path.read_text() == before
        assert list(latest.values) == recorded
    assert len(seen.ended) == 1, "taking a step again is not a run"


async def test_nothing_to_replay_before_a_run_says_so() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f9", "left")
        assert app.session.replayed is None
        assert any("Nothing to replay yet" in text for text in notifications(app))


async def test_the_help_names_the_replay_keys_and_where_they_work() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = " ".join(f"{key} {what}" for key, what in app.screen.keys)
        assert "← → or [ ]" in text
        assert "f9 or f8 gives it" in text
