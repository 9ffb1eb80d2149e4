"""In the app: the runs screen (history, sort, overlay, copy, export, clear), presets, both
implementations, sweeps, the code pane and the trajectories."""

from __future__ import annotations

import csv
import json
import shlex
from pathlib import Path
from typing import Any

import pytest
from textual.coordinate import Coordinate
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import DataTable, Input, OptionList, Static

from tests.ui.snapshot_app import (
    drawn,
    log_text,
    make_app,
    notes_text,
    notifications,
    run_and_wait,
    settle,
    shown_text,
    type_into,
    wait_for_sequence,
)
from tui_linreg.cli import SERVED_ON, main
from tui_linreg.config import TrainConfig
from tui_linreg.engine.run import run_to_end
from tui_linreg.history import History, RunRecord, default_path
from tui_linreg.reproduce import reproduce_command
from tui_linreg.ui.app import LinregApp
from tui_linreg.ui.screens.presets import PresetScreen
from tui_linreg.ui.screens.question import QuestionScreen
from tui_linreg.ui.screens.runs import SHOWN_AT_MOST, ConfirmClear, RunsScreen
from tui_linreg.ui.widgets.plots.overlay import OverlayPlot


def maximised(screen: Screen[Any]) -> Widget | None:
    """The pane that fills the screen (a call, so that each assert reads it afresh)."""
    return screen.maximized


async def test_every_run_is_recorded_in_the_history() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await run_and_wait(pilot)
        await pilot.press("ctrl+t")
        await run_and_wait(pilot)
    records = History(default_path()).load().records
    assert [r.config.implementation for r in records] == ["scratch", "concise"]
    assert all(r.outcome == "finished" and len(r.history) == 3 for r in records)


async def test_the_runs_screen_sorts_selects_overlays_and_exports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await type_into(pilot, "sweep", "lr=0.001,0.03")
        await pilot.press("ctrl+r")
        await wait_for_sequence(pilot, 2)
        await pilot.press("f2")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, RunsScreen)
        table = screen.query_one("#runs-table", DataTable)
        assert table.row_count == 2
        await pilot.press("l")  # sort by final loss: the better run first
        assert [r.config.learning_rate for r in screen.sorted_records()] == [0.03, 0.001]
        await pilot.press("space", "down", "space")
        assert len(screen.query_one(OverlayPlot).records) == 2
        await pilot.press("e")
        await pilot.pause()
        exported = list(tmp_path.glob("tui-linreg-runs-*.csv"))
        assert len(exported) == 1
        assert exported[0].read_text().count("\n") == 1 + 2 * 3
        await pilot.press("x", "y")
        await pilot.pause()
        assert table.row_count == 0
        assert History(default_path()).load().records == []
        await pilot.press("escape")
        assert not isinstance(app.screen, RunsScreen)


async def two_runs_on_the_runs_screen(pilot: Pilot[None]) -> RunsScreen:
    """A sweep of two learning rates, then f2: the newest run (lr 0.03) is highlighted."""
    app = pilot.app
    assert isinstance(app, LinregApp)
    await settle(pilot)
    await type_into(pilot, "sweep", "lr=0.001,0.03")
    await pilot.press("ctrl+r")
    await wait_for_sequence(pilot, 2)
    await pilot.press("f2")
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, RunsScreen)
    assert screen.query_one("#runs-table", DataTable).row_count == 2
    return screen


async def test_the_mouse_on_the_runs_table_sorts_by_a_header_and_selects_a_row() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await two_runs_on_the_runs_screen(pilot)
        table = screen.query_one("#runs-table", DataTable)

        def header_x(name: str) -> int:
            """Where a column's header is, from the table's left edge inside its border."""
            x = 1
            for key, column in table.columns.items():
                if key.value == name:
                    return x + 1
                x += column.get_render_width(table)
            raise AssertionError(name)

        async def click_header(name: str) -> None:
            await pilot.click(table, offset=(header_x(name), 1))  # row 0 is the border
            await pilot.pause()

        await click_header("lr")
        assert [r.config.learning_rate for r in screen.shown] == [0.001, 0.03]
        assert "by learning rate" in str(table.border_title)
        await click_header("lr")  # again: the other way round
        assert [r.config.learning_rate for r in screen.shown] == [0.03, 0.001]
        assert "by learning rate, reversed" in str(table.border_title)
        await click_header("loss")
        assert [r.config.learning_rate for r in screen.shown] == [0.03, 0.001]
        assert screen.selected == set()
        await pilot.click(table, offset=(5, 3))  # the second row: highlighted, not selected
        await pilot.pause()
        assert table.cursor_row == 1
        assert screen.selected == set()
        await pilot.click(table, offset=(5, 3))  # clicked again: selected, as space does
        await pilot.pause()
        assert screen.selected == {screen.shown[1].id}
        assert table.get_cell_at(Coordinate(1, 0)) == "✓"
        await pilot.press("enter")  # enter too: deselected
        assert screen.selected == set()
        await pilot.press("tab", "m")  # the overlay, on the whole screen
        await pilot.pause()
        assert maximised(screen) is screen.query_one(OverlayPlot)
        await pilot.press("escape")  # back to the table, still on the runs screen
        await pilot.pause()
        assert maximised(screen) is None
        assert app.screen is screen


async def test_c_on_the_runs_screen_copies_the_command_that_reproduces_the_run(
    capsys: pytest.CaptureFixture[str],
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await two_runs_on_the_runs_screen(pilot)
        await pilot.press("down")  # the older run, not the first row
        highlighted = screen.highlighted()
        assert highlighted is not None
        assert highlighted.config.learning_rate == 0.001
        await pilot.press("c")
        await pilot.pause()
        copied = app.clipboard
        assert any(copied in message for message in notifications(app))  # it says what
    command = shlex.split(copied)
    assert command[:2] == ["tui-linreg", "train"]
    capsys.readouterr()
    assert main([*command[1:], "--check"]) == 0  # the command, as a shell would run it
    assert TrainConfig.from_dict(json.loads(capsys.readouterr().out)) == highlighted.config


async def test_in_a_browser_from_another_machine_c_says_it_cannot_copy_and_downloads_instead(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Served beyond this machine, the page is plain http: its browser keeps the clipboard
    from it, so the command arrives as a download, and the note says why."""
    delivered: list[tuple[str, str]] = []
    monkeypatch.setattr(LinregApp, "is_web", property(lambda app: True))
    monkeypatch.setattr(
        LinregApp,
        "deliver_text",
        lambda app, text, *, save_filename, **_: delivered.append((text.read(), save_filename)),
    )
    app = make_app()
    app.browser_clipboard = False  # what `serve --host 0.0.0.0` tells its tabs
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await two_runs_on_the_runs_screen(pilot)
        highlighted = screen.highlighted()
        assert highlighted is not None
        await pilot.press("c")
        await pilot.pause()
        said = "\n".join(notifications(app))
    ((text, name),) = delivered
    assert text == reproduce_command(highlighted.config) + "\n"
    assert name == f"tui-linreg-{highlighted.id}.sh"
    assert app.clipboard == ""  # nothing pretended to copy
    assert "A browser gives its clipboard only to a page from its own machine" in said


def test_serve_tells_its_tabs_whether_their_browser_may_copy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    made: list[bool] = []

    class Recorded:
        def __init__(self, *_: object, browser_clipboard: bool, **__: object) -> None:
            made.append(browser_clipboard)

        def run(self) -> None:
            pass

    monkeypatch.setattr("tui_linreg.ui.app.LinregApp", Recorded)
    monkeypatch.setattr("tui_linreg.cli.served", lambda: True)
    monkeypatch.setenv("TERM", "xterm-256color")  # whatever the terminal running the tests
    for host, may in (("127.0.0.1", True), ("localhost", True), ("0.0.0.0", False)):
        monkeypatch.setenv(SERVED_ON, host)
        assert main([]) == 0
        assert made.pop() is may


async def test_e_on_the_runs_screen_exports_only_the_selected_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await two_runs_on_the_runs_screen(pilot)
        await pilot.press("down", "space")  # the older run, lr 0.001, alone
        selected = screen.highlighted()
        assert selected is not None
        assert selected.config.learning_rate == 0.001
        await pilot.press("e")
        await pilot.pause()
        (exported,) = tmp_path.glob("tui-linreg-runs-*.csv")
        assert any(f"1 runs → {exported}" in message for message in notifications(app))
    rows = list(csv.DictReader(exported.read_text().splitlines()))
    assert [(row["run"], row["learning_rate"], row["epoch"]) for row in rows] == [
        (selected.id, "0.001", str(epoch)) for epoch in (1, 2, 3)
    ]


async def test_x_on_the_runs_screen_answered_no_keeps_the_history() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await two_runs_on_the_runs_screen(pilot)
        table = screen.query_one("#runs-table", DataTable)

        def on_top() -> object:  # a call, so the type checker does not pin the answer
            return app.screen

        for answer in ("n", "escape"):
            await pilot.press("x")
            await pilot.pause()
            assert isinstance(on_top(), ConfirmClear), "x did not ask"
            await pilot.press(answer)
            await pilot.pause()
            assert on_top() is screen
            assert table.row_count == 2
            assert len(History(default_path()).load().records) == 2
        assert "History cleared." not in notifications(app)


async def test_a_damaged_history_still_opens_with_a_warning() -> None:
    path = default_path()
    path.parent.mkdir(parents=True)
    path.write_text('garbage\n{"half": \n')
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, RunsScreen)
        assert any("2 damaged or repeated lines" in n.message for n in app._notifications)


async def test_a_preset_fills_the_form() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f5")
        await pilot.pause()
        assert isinstance(app.screen, PresetScreen)
        choices = app.screen.query_one(OptionList)
        while (
            choices.highlighted is None
            or choices.get_option_at_index(choices.highlighted).id != "lr-too-large"
        ):
            await pilot.press("down")  # the group titles are skipped
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, QuestionScreen)  # an exercise asks first
        await pilot.press("escape")  # skipped: it runs all the same
        await pilot.pause()
        assert app.query_one("#field-learning_rate", Input).value == "10"
        assert app.query_one("#field-epochs", Input).value == "10"
        assert app.query_one("#field-device", Input).value == "cpu"  # the device is kept
        await wait_for_sequence(pilot, 1)
        assert "The run says: it flies off: the loss overflows." in notes_text(app)


async def test_both_runs_the_two_implementations_and_explains_the_factor_two() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f6")
        await wait_for_sequence(pilot, 2)
        assert [e.config.implementation for e in app.session.ends] == ["scratch", "concise"]
        assert "scratch" in shown_text(app.main.table)
        assert "concise" in shown_text(app.main.table)
        assert "━ scratch  ━ concise" in drawn(app.main.loss)  # the legend names both curves
        assert "the same lr 0.03 is a 2× bigger step" in notes_text(app)


async def test_a_sweep_overlays_its_runs_and_tabulates_them() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await type_into(pilot, "sweep", "lr=0.001,0.03,10")
        await pilot.press("ctrl+r")
        await wait_for_sequence(pilot, 3)
        legend = drawn(app.main.loss).splitlines()[-1]  # the bottom border: a curve each
        assert [value in legend for value in ("0.001", "0.03", "10")] == [True] * 3
        text = log_text(app)
        assert "lr=0.001 finished" in text
        assert "lr=10 diverged" in text


async def test_an_invalid_sweep_refuses_to_run() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await type_into(pilot, "sweep", "lr=0.1,zero")
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert app.main.training is None
        assert "got 'zero'" in str(app.query_one("#error-sweep", Static).content)


async def test_the_code_pane_follows_the_implementation() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await pilot.pause()
        assert app.main.in_place == "code"
        assert str(app.main.code.border_title).endswith("· scratch")
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert str(app.main.code.border_title).endswith("· concise")
        await pilot.press("f3")
        await pilot.pause()
        assert app.main.in_place == "plots"
        assert app.main.code.region.width == 0  # hidden


async def test_the_code_pane_says_whose_code_it_shows() -> None:
    """Running, it shows the run's code; after it, the last run's until the form's
    implementation changes, and then the next run's: each titled so."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await pilot.pause()
        assert str(app.main.code.border_title) == "the next run's code (the form's) · scratch"
        await pilot.press("ctrl+t")  # concise
        await run_and_wait(pilot)
        assert str(app.main.code.border_title) == "the last run's code · concise"
        await pilot.press("ctrl+t")  # analytic, for the next run
        await pilot.pause()
        assert str(app.main.code.border_title) == "the next run's code (the form's) · analytic"


async def test_trajectories_follow_each_epoch() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await run_and_wait(pilot)
        assert app.main.data_view == "trajectory"
        assert app.main.trajectory.region.width > 0
        assert app.main.scatter.region.width == 0
        assert [x for x, _ in app.main.trajectory.points] == [0.0, 1.0, 2.0, 3.0]
        assert app.main.trajectory.points[-1][1] == pytest.approx((2.0, -3.4, 4.2), abs=0.01)


async def test_a_long_history_shows_the_first_500_and_exports_every_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = RunRecord.from_run(run_to_end(TrainConfig(device="cpu", epochs=1))).to_dict()
    lines = [json.dumps({**run, "id": f"run-{i}", "created": 1e9 + i}) for i in range(600)]
    path = default_path()
    path.parent.mkdir(parents=True)
    path.write_text("\n".join(lines) + "\n")
    monkeypatch.chdir(tmp_path)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, RunsScreen)
        table = screen.query_one("#runs-table", DataTable)
        assert table.row_count == SHOWN_AT_MOST == 500
        assert "first 500 of 600 by newest first" in str(table.border_title)
        newest = screen.highlighted()
        assert newest is not None
        assert newest.id == "run-599"
        await pilot.press("space")
        assert table.get_cell_at(Coordinate(0, 0)) == "✓"
        assert [r.id for r in screen.query_one(OverlayPlot).records] == ["run-599"]
        await pilot.press("space", "e")  # nothing selected: every run, shown or not
        await pilot.pause()
    (exported,) = tmp_path.glob("tui-linreg-runs-*.csv")
    assert len({row.split(",")[0] for row in exported.read_text().splitlines()[1:]}) == 600


async def test_after_a_sweep_of_numbers_the_data_pane_plots_each_run_against_the_value() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await type_into(pilot, "sweep", "lr=0.003,0.03,3")
        await pilot.press("ctrl+r")
        await wait_for_sequence(pilot, 3)
        sweep = app.main.sweep
        assert app.main.data_view == "sweep"
        assert sweep.field == "learning_rate"
        assert [end.config.learning_rate for end in sweep.ends] == [0.003, 0.03, 3.0]
        assert sweep.stable_bound() == pytest.approx(sweep.ends[0].closed_form.stable_lr)
        assert "× diverged" in sweep.subtitle()  # lr 3 is past the bound
        assert "a sweep of 3 runs: 2 finished, 1 diverged" in app.main.status.text
        await pilot.press("f4")  # back to the data
        assert app.main.data_view != "sweep"
        await pilot.press("f4", "f4")  # the trajectories, then the sweep again
        assert app.main.data_view == "sweep"
        await type_into(pilot, "sweep", "")
        await pilot.press("ctrl+r")  # a new plan: the data plot again
        await wait_for_sequence(pilot, 1)
        assert app.main.data_view != "sweep"


async def test_a_sweep_of_words_keeps_the_data_plot() -> None:
    """A sweep of the loss has no value to plot against: the scatter shows both lines."""
    app = make_app(outliers=((5, 10000.0),))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await type_into(pilot, "sweep", "loss=half-squared,huber")
        await pilot.press("ctrl+r")
        await wait_for_sequence(pilot, 2)
        assert app.main.data_view != "sweep"
        assert list(app.main.scatter.earlier) == ["loss=half-squared"]


async def test_f4_after_a_second_sweep_never_shows_the_first_ones_view() -> None:
    app = make_app(num_examples=100, epochs=1)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await type_into(pilot, "sweep", "lr=0.01,0.03")
        await pilot.press("ctrl+r")
        await wait_for_sequence(pilot, 2)
        assert app.main.data_view == "sweep"  # a sweep of numbers: its runs against lr
        await type_into(pilot, "sweep", "loss=half-squared,huber")
        await pilot.press("ctrl+r")
        await wait_for_sequence(pilot, 2)
        assert app.main.data_view == "scatter"  # words: nothing to plot against
        seen = []
        for _ in range(3):
            await pilot.press("f4")
            seen.append(app.main.data_view)
        assert "sweep" not in seen
