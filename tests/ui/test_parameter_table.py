"""The parameter table shows every number whole: a diverged run's parameters (1e8 and more)
are wider than the usual column, and were cut short into their neighbours."""

from __future__ import annotations

import re

from textual.app import App, ComposeResult

from tui_linreg.engine.events import ClosedForm
from tui_linreg.ui.widgets.parameter_table import WIDTH, ParameterTable


class TableApp(App[None]):
    def compose(self) -> ComposeResult:
        yield ParameterTable(id="table")


async def test_a_diverged_runs_huge_parameters_are_shown_whole_and_apart() -> None:
    true = (2.0, -3.4, 4.2)
    learned = (1.4e8, -1.21e8, 1.02e308)
    closed = ClosedForm(w=(1.9999, -3.3997), b=4.1997, half_mse=5e-5, stable_lr=1.82)
    async with TableApp().run_test(size=(100, 12)) as pilot:
        table = pilot.app.query_one(ParameterTable)
        table.new_data(true, closed)
        table.show("scratch", learned)
        table.flush()
        await pilot.pause()
        lines = [table.render_line(y).text for y in range(table.size.height)]
    shown = "\n".join(lines)
    for value, truth in zip(learned, true, strict=True):
        # each learned value and its error, whole, with a space before each
        assert re.search(rf"\s{re.escape(f'{value:.2e}')}(\s|$)", shown), shown
        assert re.search(rf"\s{re.escape(f'{truth - value:.2e}')}(\s|$)", shown), shown


async def test_the_usual_numbers_keep_the_narrow_columns_that_fit_at_80_columns() -> None:
    closed = ClosedForm(w=(1.9999, -3.3997), b=4.1997, half_mse=5e-5, stable_lr=1.82)
    async with TableApp().run_test(size=(80, 12)) as pilot:
        table = pilot.app.query_one(ParameterTable)
        table.new_data((2.0, -3.4, 4.2), closed)
        table.show("scratch", (1.9999, -3.3991, 4.199))
        table.show("concise", (1.9998, -3.3990, 4.198))
        table.flush()
        await pilot.pause()
        widths = [column.width for column in table.columns.values()]
    assert widths == [5, WIDTH, WIDTH, WIDTH, WIDTH, WIDTH, WIDTH]  # "concise" fits in 8


async def test_a_data_files_columns_name_the_rows_as_train_names_them() -> None:
    nan = float("nan")  # real data has no true values
    closed = ClosedForm(w=(0.52, -1.5), b=3.0, half_mse=0.1, stable_lr=1.0)
    async with TableApp().run_test(size=(100, 12)) as pilot:
        table = pilot.app.query_one(ParameterTable)
        table.new_data((nan, nan, nan), closed, features=("floor area", "age"))
        table.show("scratch", (0.5, -1.4, 2.9))
        table.flush()
        await pilot.pause()
        rows = [table.render_line(y).text for y in range(1, 4)]
    assert rows[0].startswith("w[floor area] ")
    assert rows[1].startswith("w[age] ")
    assert rows[2].startswith("b ")


async def test_too_narrow_for_two_runs_errors_the_errors_go_and_every_runs_values_stay() -> None:
    """Beside a lesson's page the table is narrower than the 61 columns that two runs and
    their errors need: the error columns go first, and come back when it is wide again."""
    closed = ClosedForm(w=(1.9999, -3.3997), b=4.1997, half_mse=5e-5, stable_lr=1.82)
    async with TableApp().run_test(size=(45, 8)) as pilot:
        table = pilot.app.query_one(ParameterTable)
        table.new_data((2.0, -3.4, 4.2), closed)
        table.show("scratch", (1.9999, -3.3991, 4.199))
        table.show("concise", (1.9998, -3.3990, 4.198))
        table.flush()
        await pilot.pause()
        heading = table.render_line(0).text
        first = table.render_line(1).text
        assert heading.split() == ["true", "closed", "scratch", "concise"], heading
        assert first.split() == ["w[0]", "2.0000", "1.9999", "1.9999", "1.9998"], first
        await pilot.resize_terminal(80, 8)
        await pilot.pause()
        heading = table.render_line(0).text
    assert heading.split() == ["true", "closed", "scratch", "error", "concise", "error"], heading
