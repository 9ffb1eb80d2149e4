"""Pilot tests of what a person does: run, stop, run again, pause, toggle, quit, bad input."""

from __future__ import annotations

import asyncio
import dataclasses
import time
from typing import Any

import pytest
import torch
from rich.text import Text
from textual.binding import Binding
from textual.command import CommandList, CommandPalette
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, Select, Static

from tests.ui.snapshot_app import (
    CONFIG,
    RunEvents,
    log_text,
    make_app,
    notifications,
    press_now,
    resize_now,
    run_and_wait,
    settle,
    shown_text,
    type_into,
    wait_for_training,
    wait_until,
)
from tui_linreg.engine import run
from tui_linreg.engine.events import (
    EpochEnded,
    Outcome,
    PlanEnded,
    Progress,
    RunEnded,
    RunStarted,
)
from tui_linreg.engine.run import run_to_end
from tui_linreg.ui.app import LinregApp
from tui_linreg.ui.messages import RunEvent
from tui_linreg.ui.widgets.plots import base, loss

LONG = {"num_examples": 1_000_000, "epochs": 50}
"""A run that lasts far longer than any test waits."""


@pytest.fixture(autouse=True)
def progress_reports(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(run, "PROGRESS_INTERVAL_S", 0.05)


def maximised(screen: Screen[Any]) -> Widget | None:
    """The pane that fills the screen (a call, so that each assert reads it afresh)."""
    return screen.maximized


async def test_run_then_stop_then_run_again() -> None:
    app = make_app(**LONG)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press_now(pilot, "ctrl+r")
        await wait_until(lambda: "epoch 1/50" in app.main.status.text)
        await press_now(pilot, "ctrl+g")
        await wait_for_training(app)
        await pilot.pause()
        assert "cancelled in epoch 1" in log_text(app)
        assert app.session.running is None
        await type_into(pilot, "num_examples", "1000")
        await type_into(pilot, "epochs", "3")
        await run_and_wait(pilot)
        assert "epoch 3, loss" in log_text(app)
        assert "finished 3 epochs" in log_text(app)


async def test_quitting_during_training_ends_the_worker_within_a_second() -> None:
    app = make_app(**LONG)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+r")
        await wait_until(lambda: "▶ scratch" in log_text(app))
        assert not app.main.training_ended.is_set()  # training is under way
        await pilot.press("ctrl+q")
        quit_pressed = time.monotonic()
    assert app.main.training_ended.wait(max(0.0, 1.0 - (time.monotonic() - quit_pressed)))


async def test_toggling_during_a_run_applies_to_the_next_run() -> None:
    seen = RunEvents()
    app = make_app(**LONG)
    async with app.run_test(size=(120, 40), message_hook=seen.hook) as pilot:
        await settle(pilot)
        await press_now(pilot, "ctrl+r")
        await wait_until(lambda: "▶ scratch" in log_text(app))
        await press_now(pilot, "ctrl+t")
        assert app.query_one("#field-implementation", Select).value == "concise"
        assert app.session.running is not None
        assert app.session.running.implementation == "scratch"  # the run in progress carries on
        assert "concise will be used for the next run" in log_text(app)
        await press_now(pilot, "ctrl+g")
        await wait_until(lambda: len(seen.ended) == 1, what=lambda: app.main.status.text)
        await press_now(pilot, "ctrl+r")  # the next run
        await wait_until(lambda: len(seen.started) == 2, what=lambda: app.main.status.text)
        assert app.session.running is not None
        assert app.session.running.implementation == "concise"
        assert "▶ concise" in log_text(app)
        await press_now(pilot, "ctrl+g")
        await wait_for_training(app)
    assert [start.config.implementation for start in seen.started] == ["scratch", "concise"]
    assert [end.outcome for end in seen.ended] == [Outcome.CANCELLED, Outcome.CANCELLED]


async def test_toggling_while_idle_starts_nothing() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert app.main.training is None
        assert app.main.form.implementation == "concise"


async def test_pause_holds_training_and_resume_continues_it() -> None:
    """Progress reports come every 0.05 s here (the fixture above); a paused run sends none."""
    seen = RunEvents()
    app = make_app(**LONG)
    async with app.run_test(size=(120, 40), message_hook=seen.hook) as pilot:
        await settle(pilot)
        await press_now(pilot, "ctrl+r")
        await wait_until(lambda: seen.progress >= 2, what=lambda: app.main.status.text)
        await press_now(pilot, "ctrl+o")
        assert "paused · f7 steps, ctrl+o resumes" in app.main.status.text
        # The run stops before its next mini-batch; a report already posted may still arrive.
        await asyncio.sleep(0.2)
        reports = seen.progress
        await asyncio.sleep(0.5)  # ten report intervals
        assert seen.progress == reports, "training went on while paused"
        assert app.session.running is not None
        await press_now(pilot, "ctrl+o")
        await wait_until(  # training goes on, and the status line stops saying paused
            lambda: seen.progress > reports and "paused" not in app.main.status.text,
            what=lambda: app.main.status.text,
        )
        await press_now(pilot, "ctrl+g")
        await wait_for_training(app)
        await pilot.pause()
        assert "cancelled in epoch 1" in log_text(app)
    (end,) = seen.ended
    assert end.outcome == Outcome.CANCELLED


async def test_ctrl_l_switches_the_loss_axis_between_log_and_linear() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await run_and_wait(pilot)
        assert "log scale · ctrl+l" in shown_text(app.main.loss)
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert "linear scale · ctrl+l" in shown_text(app.main.loss)
        assert "loss axis: linear scale" in notifications(app)
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert "log scale · ctrl+l" in shown_text(app.main.loss)


async def test_ctrl_n_runs_again_with_the_next_seed_on_new_data() -> None:
    seen = RunEvents()
    app = make_app()
    async with app.run_test(size=(120, 40), message_hook=seen.hook) as pilot:
        await settle(pilot)
        await run_and_wait(pilot)
        closed_form = _rows(app)[0][2].plain
        await pilot.press("ctrl+n")
        await wait_until(lambda: len(seen.ended) == 2, what=lambda: app.main.status.text)
        await pilot.pause()
        assert app.query_one("#field-seed", Input).value == "1"
        assert "seed=1" in log_text(app)
        assert _rows(app)[0][2].plain != closed_form  # the closed form of the new data
    first, second = seen.started
    assert (first.config.seed, second.config.seed) == (0, 1)
    assert second.sample_features != first.sample_features
    assert [end.outcome for end in seen.ended] == [Outcome.FINISHED, Outcome.FINISHED]


async def test_ctrl_f_scatters_the_next_feature() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await run_and_wait(pilot)
        assert "y vs x[1]" in shown_text(app.main.scatter)  # the lesson's plot: the second feature
        await pilot.press("ctrl+f")
        await pilot.pause()
        assert "y vs x[0]" in shown_text(app.main.scatter)
        assert "scatter: feature x[0]" in notifications(app)
        await pilot.press("ctrl+f")  # two features: back to the second
        await pilot.pause()
        assert "y vs x[1]" in shown_text(app.main.scatter)


async def test_enter_in_a_field_runs_what_the_form_says() -> None:
    seen = RunEvents()
    app = make_app()
    async with app.run_test(size=(120, 40), message_hook=seen.hook) as pilot:
        await settle(pilot)
        field = app.query_one("#field-learning_rate", Input)
        assert app.focused is field
        assert field.value == "0.03"
        await pilot.press("end", *["backspace"] * 4, *"0.05", "enter")
        await wait_until(lambda: seen.ended, what=lambda: app.main.status.text)
        await pilot.pause()
        assert "finished 3 epochs" in log_text(app)
    (started,) = seen.started
    assert started.config.learning_rate == 0.05


async def test_an_invalid_form_refuses_to_run_and_focuses_the_first_bad_field() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await type_into(pilot, "batch_size", "0")
        await type_into(pilot, "learning_rate", "fast")
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert app.main.training is None
        focused = app.focused
        assert isinstance(focused, Input)
        assert focused.id == "field-learning_rate"
        error = app.query_one("#error-batch_size", Static)
        assert str(error.content) == "batch size must be a whole number ≥ 1, got '0'"
        assert error.display


async def test_the_worker_posts_one_event_stream() -> None:
    seen: list[object] = []

    def hook(message: Message) -> None:
        if isinstance(message, RunEvent):
            seen.append(message.event)

    app = make_app(num_examples=30_000, epochs=3)  # long enough for in-epoch reports
    async with app.run_test(size=(120, 40), message_hook=hook) as pilot:
        await settle(pilot)
        await run_and_wait(pilot)
    kinds = [type(event) for event in seen]
    assert kinds[0] is RunStarted
    assert kinds[-2:] == [RunEnded, PlanEnded]  # the plan's end says how it went, once
    assert kinds.count(EpochEnded) == 3
    assert set(kinds) <= {RunStarted, Progress, EpochEnded, RunEnded, PlanEnded}
    end, plan = seen[-2:]
    assert isinstance(end, RunEnded)
    assert isinstance(plan, PlanEnded)
    assert end.outcome == plan.outcome == Outcome.FINISHED
    assert plan.ends == (end,)
    assert (end.index, end.label) == (0, "scratch")


async def test_a_second_run_after_toggling_compares_both_on_the_same_data() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await run_and_wait(pilot)
        await pilot.press("ctrl+t")
        await run_and_wait(pilot)
        table = shown_text(app.main.table)
        assert "scratch" in table
        assert "concise" in table  # both columns, side by side
        scratch, concise = app.session.runner.records  # each run, as recorded
        assert scratch.config.data_key == concise.config.data_key  # on the same data
        for run in (scratch, concise):
            assert (*run.w, run.b) == pytest.approx((2.0, -3.4, 4.2), abs=0.01)


async def test_a_missing_device_is_reported_not_raised() -> None:
    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    app = make_app(device="cuda")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+r")
        await wait_for_training(app)
        await pilot.pause()
        assert "cannot run: device cuda was asked for" in log_text(app)
        assert app.session.running is None


async def test_resizing_below_the_minimum_says_so_and_back_restores_the_layout() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.resize_terminal(60, 20)
        await pilot.pause()
        message = app.query_one("#too-small", Static)
        assert message.display
        assert "at least 80×24" in str(message.content)
        await pilot.resize_terminal(100, 30)
        await pilot.pause()
        assert not message.display


KEYS = [
    *("ctrl+r", "ctrl+g", "ctrl+o", "ctrl+t", "ctrl+l", "ctrl+n", "ctrl+f", "ctrl+y", "ctrl+e"),
    *("f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8", "f9", "f10", "f12", "ctrl+q"),
]
"""Every key of the main screen, as the README lists them."""


async def test_every_key_is_in_the_command_palette() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        titles = [command.title for command in app.get_system_commands(app.screen)]
        bindings = [b.key for b in app.BINDINGS if isinstance(b, Binding)]
        assert sorted(bindings) == sorted(KEYS), "a key was added or removed: list it here"
        for key in KEYS:
            if key == "ctrl+q":  # Textual's own "Quit" command quits
                assert "Quit" in titles
            else:
                assert [title for title in titles if title.endswith(f"({key})")], key
        # A command run through the palette does what its key does.
        assert app.main.form.implementation == "scratch"
        await pilot.press("ctrl+p")
        await pilot.press(*"impl (ctrl")  # "impl" alone finds the form's field too (field: impl)
        await wait_until(lambda: _highlighted_command(app).startswith("Impl (ctrl+t)"))
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, CommandPalette)
        assert app.main.form.implementation == "concise"
        assert app.query_one("#field-implementation", Select).value == "concise"


def _highlighted_command(app: LinregApp) -> str:
    """The command the palette's Enter would run, as text ('' while it has none)."""
    if not isinstance(app.screen, CommandPalette):
        return ""
    options = app.screen.query_one(CommandList)
    if options.highlighted is None:
        return ""
    return str(options.get_option_at_index(options.highlighted).prompt)


STORM = [(80, 24), (40, 12), (200, 60), (79, 23), (120, 40)] * 4


async def test_a_resize_storm_during_training_changes_nothing_but_the_layout() -> None:
    """Every resize lands while the run trains; the epochs it trains meanwhile are the
    engine's, bit for bit."""
    seen = RunEvents()
    long_run = {"num_examples": 5_000, "epochs": 100_000}  # 500 steps an epoch, for hours
    app = make_app(**long_run)
    async with app.run_test(size=(120, 40), message_hook=seen.hook) as pilot:
        await settle(pilot)
        await press_now(pilot, "ctrl+r")
        await wait_until(lambda: seen.epochs >= 1, what=lambda: app.main.status.text)
        during_the_run = 0
        too_small = app.query_one("#too-small", Static)
        for width, height in STORM:
            during_the_run += app.session.running is not None
            await resize_now(pilot, width, height)
            await asyncio.sleep(0.02)
        assert during_the_run == len(STORM)
        await pilot.pause(0.05)
        assert app.size == (120, 40)
        assert not too_small.display
        epochs = seen.epochs
        await wait_until(lambda: seen.epochs > epochs, what=lambda: app.main.status.text)
        await press_now(pilot, "ctrl+g")
        await wait_for_training(app)
    (end,) = seen.ended
    assert end.outcome == Outcome.CANCELLED
    assert len(end.history) > epochs
    expected = run_to_end(dataclasses.replace(CONFIG, num_examples=5_000, epochs=len(end.history)))
    assert [(e.w, e.b) for e in end.history] == [(e.w, e.b) for e in expected.history]


async def test_before_the_first_run_the_table_shows_the_true_values_as_typed() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert [row[0].plain for row in _rows(app)] == ["w[0]", "w[1]", "b"]
        await type_into(pilot, "true_w", "1,2,3")
        await type_into(pilot, "true_b", "-1")
        rows = _rows(app)
        assert [row[0].plain for row in rows] == ["w[0]", "w[1]", "w[2]", "b"]
        assert [row[1].plain for row in rows] == ["1.0000", "2.0000", "3.0000", "-1.0000"]
        await type_into(pilot, "true_w", "1,,3")  # invalid: the table keeps the last good one
        assert len(_rows(app)) == 4
        await type_into(pilot, "true_w", "1,2,3")
        await run_and_wait(pilot)
        assert _rows(app)[0][2].plain != "…", "the run fills the closed-form column"


def _rows(app: LinregApp) -> list[list[Text]]:
    table = app.main.table
    return [table.get_row_at(index) for index in range(table.row_count)]


async def test_screens_replace_each_other_instead_of_stacking() -> None:
    """f1 over the command palette, then ctrl+p again, used to push a second palette and crash
    (found by the long key fuzz). Now the screen keys wait while the palette is open, and each
    screen replaces the one over the main screen."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for key in ["ctrl+p", "f1", "ctrl+p", "f2", "escape", "f2", "f5", "ctrl+p", "escape", "f1"]:
            await pilot.press(key)
            await pilot.pause()
            assert len(app.screen_stack) <= 3, [type(s).__name__ for s in app.screen_stack]
        assert [type(s).__name__ for s in app.screen_stack] == ["MainScreen", "HelpScreen"]
        await pilot.press("f1")
        await pilot.pause()
        assert len(app.screen_stack) == 1


async def test_a_plot_that_is_slow_to_draw_is_redrawn_less_often(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The UI thread shares the GIL with training: a plot is redrawn only once the time since
    # its last drawing is DRAW_SHARE⁻¹ times what that drawing took, from plotext's build to
    # the lines Textual puts on screen.
    slow = 0.2  # far above what the drawing itself takes
    draw = loss.LossPlot.draw

    def slow_draw(self: loss.LossPlot) -> None:
        time.sleep(slow)
        draw(self)

    monkeypatch.setattr(loss.LossPlot, "draw", slow_draw)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.main.loss.replot()
        await pilot.pause()
        drawn = time.monotonic()
        assert not app.main.loss.due(drawn)
        assert not app.main.loss.due(drawn + 0.5 * slow / base.DRAW_SHARE)
        assert app.main.loss.due(drawn + 2 * slow / base.DRAW_SHARE)
        app.main.loss.stale = True
        app.main.refresh_views()  # a tick: the slow plot waits for its turn
        assert app.main.loss.stale
        app.main.refresh_views(force=True)  # a run's end or a key press draws it at once
        assert not app.main.loss.stale


async def test_a_run_right_after_typing_a_data_field_keeps_its_results() -> None:
    """A preview due 0.3 s after typing must not land after a short run and cover its
    results with the untrained line."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await type_into(pilot, "noise_std", "0.02")  # a preview is now due
        await run_and_wait(pilot)  # the lesson's run is over in well under 0.3 s
        await pilot.pause(app.main.PREVIEW_DELAY_S + 0.3)
        assert not app.main.scatter.untrained, "the learned line was replaced by the untrained"
        assert "scratch" in app.main.table.learned


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_maximised_map_fits_the_screen(size: tuple[int, int]) -> None:
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await run_and_wait(pilot)
        await pilot.press("f9", "m")  # f9 focuses the map
        await pilot.pause()
        landscape = app.main.landscape
        assert maximised(app.main) is landscape
        assert landscape.outer_size.width == size[0]  # the screen's width, not twice it
        assert landscape.region.right <= size[0]


async def test_m_maximises_the_focused_plot_and_m_or_escape_puts_it_back() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await run_and_wait(pilot)
        loss = app.main.loss
        normal = loss.size
        await pilot.click(loss)  # a click gives a plot the focus, as tab does
        await pilot.press("m")
        await pilot.pause()
        assert maximised(app.main) is loss
        assert loss.outer_size.width == 120  # the whole width (it was 45 wide)
        assert loss.size.height > normal.height  # and all the height but the status line
        assert app.main.status.display
        await pilot.press("m")
        await pilot.pause()
        assert maximised(app.main) is None
        assert loss.size == normal
        await pilot.press("f8", "m")  # the inspector too, and escape brings it back
        await pilot.pause()
        assert maximised(app.main) is app.main.inspector
        await pilot.press("escape")
        await pilot.pause()
        assert maximised(app.main) is None
        await pilot.click("#field-learning_rate")
        await pilot.press("end", "m")  # in a field, m is a letter
        assert maximised(app.main) is None
        assert app.main.form.query_one("#field-learning_rate", Input).value.endswith("m")
