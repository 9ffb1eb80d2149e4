"""In the app: the data source menu and path field, a run on a user's file (columns
named, no true line, no true column), the validation curve and gap, the optimisers on the map
and in the inspector, and a ridge run's table."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Select, Static

from tests.ui.snapshot_app import (
    drawn,
    log_text,
    make_app,
    notes_text,
    run_and_wait,
    settle,
    shown_text,
    type_into,
    wait_for_sequence,
)


def _csv(path: Path) -> Path:
    rows = "".join(f"{i / 10},{(i * 7) % 5},{3 * i / 10 - (i * 7) % 5 + 2}\n" for i in range(60))
    path.write_text("area,age,price\n" + rows, encoding="utf-8")
    return path


async def test_the_source_menu_shows_the_path_field_only_for_a_file_and_checks_it_as_typed(
    tmp_path: Path,
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        form = app.main.form
        source = form.query_one("#field-data", Select)
        path_row = form.query_one("#row-data_path")
        assert path_row.has_class("irrelevant")
        assert not form.query_one("#row-true_w").has_class("irrelevant")
        source.value = "file"
        await pilot.pause()
        assert not path_row.has_class("irrelevant")
        assert form.query_one("#row-true_w").has_class("irrelevant")  # synthetic data's
        assert not form.query_one("#row-target").has_class("irrelevant")
        path = form.query_one("#field-data_path", Input)
        path.value = str(tmp_path / "missing.csv")
        await pilot.pause()
        error = str(form.query_one("#error-data", Static).render())
        assert error == "data: missing.csv does not exist"
        await pilot.press("ctrl+r")
        assert app.session.running is None  # refused: nothing trains
        assert app.focused is path
        path.value = str(_csv(tmp_path / "houses.csv"))
        await pilot.pause()
        assert not str(form.query_one("#error-data", Static).render())
        assert form.read_config().features == ("area", "age")
        source.value = "anscombe-3"
        await pilot.pause()
        assert path_row.has_class("irrelevant")
        assert form.read_config().data == "anscombe-3"


async def test_a_run_on_a_users_file_names_its_columns_and_has_no_true_line(
    tmp_path: Path,
) -> None:
    app = make_app(data=str(_csv(tmp_path / "houses.csv")), val_fraction=0.25, epochs=20)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        scatter = drawn(app.main.scatter)
        assert "price vs age" in scatter
        assert "true" not in scatter.splitlines()[0]  # the legend: real data has no truth
        await run_and_wait(pilot)
        (end,) = app.session.ends
        assert end.config.num_examples == 45
        assert end.config.val_examples == 15
        table = shown_text(app.main.table)
        assert "true" not in table.splitlines()[1]
        assert "scratch val" in drawn(app.main.table)  # the generalisation gap, under it
        assert "gap" in drawn(app.main.table)
        assert "scratch val" in drawn(app.main.loss)  # the validation curve's legend
        assert ", val loss " in log_text(app)


async def test_the_optimisers_sweep_draws_each_path_and_momentum_says_its_bound() -> None:
    app = make_app(feature_correlation=0.95, learning_rate=0.05)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f9")
        await type_into(pilot, "sweep", "optimizer=sgd,momentum,adam")
        await pilot.press("ctrl+r")
        await wait_for_sequence(pilot, 3)
        landscape = app.main.landscape
        assert set(landscape.paths) == {"opt=sgd", "opt=momentum", "opt=adam"}
        assert "stable: lr < 2/λmax" in drawn(landscape)  # the map is the first run's, SGD's
        log = log_text(app)
        assert "heavy-ball momentum: 2(1 + β)/λmax" in log


async def test_a_ridge_run_heads_its_reference_column_ridge() -> None:
    app = make_app(weight_decay=1.0)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await run_and_wait(pilot)
        header = shown_text(app.main.table).splitlines()[1]
        assert "ridge" in header
        log = log_text(app)
        assert "the reference is the ridge optimum, solved exactly" in log


async def test_side_by_side_with_weight_decay_says_the_same_lambda_is_not_the_same_ridge() -> None:
    app = make_app(weight_decay=0.5)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f6")
        await wait_for_sequence(pilot, 2)
        assert "scratch's weights are pulled to 0 twice as hard" in notes_text(app)
        assert [end.closed_form.name for end in app.session.ends] == ["ridge optimum"] * 2
        assert app.session.ends[0].closed_form.w != app.session.ends[1].closed_form.w  # two ridges


async def test_a_presets_sweep_given_on_the_command_line_is_in_the_sweep_field() -> None:
    from tui_linreg.presets import PRESETS
    from tui_linreg.ui.app import LinregApp

    config = PRESETS["anscombe"].apply()
    app = LinregApp(config, cursor_blink=False, sweep=PRESETS["anscombe"].sweep)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        field = app.main.form.query_one("#field-sweep", Input)
        assert field.value == "data=anscombe-1,anscombe-2,anscombe-3,anscombe-4"


async def test_a_refused_path_never_takes_the_cursor_while_another_field_is_typed(
    tmp_path: Path,
) -> None:
    """The data preview re-reads the form as it changes: a bad path elsewhere is shown under
    its field, but the keys keep going to the field being typed."""
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("a,b,price\n1,2,3\n4,5\n", encoding="utf-8")
    app = make_app(data=str(tmp_path / "good.csv"))
    _csv(tmp_path / "good.csv")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        form = app.main.form
        form.query_one("#field-data_path", Input).value = str(ragged)
        target = form.query_one("#field-target", Input)
        target.focus()
        for key in "price":
            await pilot.press(key)
            await pilot.pause(0.4)  # past the preview's delay
        assert app.focused is target
        assert target.value == "price"
        assert "line 3 has 2 fields" in str(form.query_one("#error-data", Static).render())
