"""Watching it learn: the app's pace, the key that goes to max, and every step on screen."""

from __future__ import annotations

import pytest

from tests.ui.snapshot_app import (
    RunEvents,
    log_text,
    make_app,
    press_now,
    run_and_wait,
    settle,
    type_into,
    wait_for_training,
    wait_until,
)
from tui_linreg.cli import app_config, build_parser
from tui_linreg.config import TOO_LONG_TO_WATCH, WATCHABLE_PACE, TrainConfig
from tui_linreg.engine import run
from tui_linreg.engine.events import Outcome, RunStarted
from tui_linreg.engine.run import run_to_end


@pytest.fixture(autouse=True)
def progress_reports(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(run, "PROGRESS_INTERVAL_S", 0.05)


def test_the_app_starts_at_a_watchable_pace_and_train_at_max() -> None:
    parser = build_parser()
    assert app_config(parser.parse_args([])).pace == WATCHABLE_PACE
    assert app_config(parser.parse_args(["--pace", "7"])).pace == 7.0
    assert app_config(parser.parse_args(["--pace", "max"])).pace is None
    lesson_steps = 3 * 100
    assert 5 <= lesson_steps / WATCHABLE_PACE <= 10, "the lesson's run is watched for 5–10 s"


async def test_a_paced_run_moves_the_line_the_table_and_the_status_as_it_goes() -> None:
    seen = RunEvents()
    app = make_app(pace=40.0, num_examples=400, epochs=1)  # 40 steps: a second
    async with app.run_test(size=(120, 40), message_hook=seen.hook) as pilot:
        await settle(pilot)
        await press_now(pilot, "ctrl+r")
        await wait_until(lambda: "step " in app.main.status.text, what=lambda: app.main.status.text)
        assert app.session.running is not None, "the run was over before it could be watched"
        app.main.refresh_views(force=True)
        mid_run = app.main.table.learned["scratch"]
        assert app.main.scatter.learned is not None
        await wait_for_training(app)
        await pilot.pause()
    (end,) = seen.ended
    assert end.outcome == Outcome.FINISHED
    assert mid_run != (*end.w, end.b), "the table showed the end only"
    at_max = run_to_end(TrainConfig(device="cpu", num_examples=400, epochs=1))
    assert (end.w, end.b, end.half_mse) == (at_max.w, at_max.b, at_max.half_mse)


async def test_ctrl_y_goes_to_max_at_once_during_a_run() -> None:
    seen = RunEvents()
    app = make_app(pace=2.0, epochs=1)  # 100 steps: 50 s at this pace
    async with app.run_test(size=(120, 40), message_hook=seen.hook) as pilot:
        await settle(pilot)
        await press_now(pilot, "ctrl+r")
        await wait_until(lambda: app.session.running is not None and seen.started)
        await press_now(pilot, "ctrl+y")
        await wait_for_training(app, timeout=10)
        assert app.main.form.texts()["pace"] == "2", "the next run goes at the form's pace"
        assert "the rest of this run at max" in log_text(app)
    assert [end.outcome for end in seen.ended] == [Outcome.FINISHED]


async def test_a_pace_typed_during_a_run_applies_to_it() -> None:
    seen = RunEvents()
    app = make_app(pace=2.0, epochs=1)
    async with app.run_test(size=(120, 40), message_hook=seen.hook) as pilot:
        await settle(pilot)
        await press_now(pilot, "ctrl+r")
        await wait_until(lambda: app.session.running is not None and seen.started)
        await type_into(pilot, "pace", "5000")
        await wait_for_training(app, timeout=10)
    assert [end.outcome for end in seen.ended] == [Outcome.FINISHED]


async def test_a_plan_too_long_to_watch_starts_at_max_and_says_so() -> None:
    app = make_app(pace=WATCHABLE_PACE, num_examples=TOO_LONG_TO_WATCH * 10 + 10, epochs=1)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press_now(pilot, "ctrl+r")
        await wait_until(lambda: "running at max" in log_text(app), what=lambda: log_text(app))
        assert app.session.control is not None
        assert app.session.control.pace is None
        assert app.main.form.texts()["pace"] == f"{WATCHABLE_PACE:g}", "the form keeps its pace"
        await press_now(pilot, "ctrl+g")
        await wait_for_training(app)


async def test_the_lessons_run_draws_every_batch_loss() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await run_and_wait(pilot)
    xs = [x for x, _, _ in app.main.loss.batches]
    assert len(xs) == 300, "one grey point for each of the lesson's 300 steps"
    assert xs == sorted(xs)
    assert xs[0] == pytest.approx(0.01)
    assert xs[-1] == pytest.approx(3.0)


async def test_before_the_first_run_the_form_s_data_and_the_start_are_shown() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await wait_until(lambda: app.main.scatter.data is not None, what=lambda: "no preview")
        shown = app.main.scatter.data
        assert shown is not None
        config = app.main.form.read_config()
        lesson = next(iter(run.train(config)))  # the RunStarted of the run it previews
        assert isinstance(lesson, RunStarted)
        assert shown.sample_features == lesson.sample_features
        assert app.main.scatter.learned == (lesson.initial_w, lesson.initial_b)
        assert app.main.table.learned["start"] == (*lesson.initial_w, lesson.initial_b)
        assert app.session.running is None  # nothing was trained
        await type_into(pilot, "num_examples", "300")
        await wait_until(
            lambda: (
                app.main.scatter.data is not None
                and len(app.main.scatter.data.sample_labels) == 300
            ),
            what=lambda: "the data was not redrawn",
        )
        await run_and_wait(pilot)  # a run replaces the preview with its own data
        assert "start" not in app.main.table.learned
        assert app.session.ends[-1].config.num_examples == 300
