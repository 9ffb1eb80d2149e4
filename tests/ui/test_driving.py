"""The app driven from code, as a lesson will drive it (docs/architecture.md's example): a
config put in the form, its plan run, a view shown and a pane focused; the screen shows it."""

from __future__ import annotations

from tests.ui.snapshot_app import app_on_tape, settle, wait_for_training
from tests.ui.tapes import TapePlayer
from tui_linreg.config import TrainConfig
from tui_linreg.plan import Plan
from tui_linreg.ui.app import LinregApp


def focused_id(app: LinregApp) -> str | None:
    return None if app.focused is None else app.focused.id


async def test_a_lesson_sets_a_config_runs_it_shows_a_view_and_focuses_a_pane() -> None:
    app = app_on_tape(TapePlayer("trained"))  # the lesson's run, from its tape
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.main
        screen.form.fill(TrainConfig(device="cpu", seed=0))  # this config in the form
        started = screen.run_plan(Plan.of(screen.form.read_config()))
        await wait_for_training(app)
        await pilot.pause()
        screen.data_view = "landscape"
        await pilot.pause()
        assert focused_id(app) == "landscape"  # the map takes the focus: replay keys work
        screen.in_place = "inspector"
        await pilot.pause()
        assert focused_id(app) == "inspector"
        screen.in_place = "plots"
        screen.loss.focus()
        await pilot.pause()
        assert focused_id(app) == "loss"
        assert started.plan_id == app.session.plan_id
        assert [end.outcome for end in app.session.ends] == ["finished"]
        assert screen.landscape.region.width > 0  # shown
        assert "finished 3 epochs" in " ".join(strip.text for strip in screen.log_view.lines)
