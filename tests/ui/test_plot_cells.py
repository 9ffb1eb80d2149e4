"""The plots' lines come straight from plotext's matrix of cells (plots/cells.py): each cell
must be what textual-plotext's way gives, plotext's ANSI text parsed by rich and laid out by
Textual, in a dark and a light theme, on every plot the app draws."""

from __future__ import annotations

import pytest
from rich.text import Text
from textual.strip import Strip
from textual.visual import Visual, visualize

from tests.ui.snapshot_app import make_app, run_and_wait, settle
from tui_linreg.ui.widgets.plots.base import StalePlot

Cell = tuple[str, object]


def cells(strips: list[Strip]) -> list[list[Cell]]:
    """Each line's (character, style), without Textual's selection offsets."""
    return [
        [
            (char, segment.style.clear_meta_and_links() if segment.style else None)
            for segment in strip
            for char in segment.text
        ]
        for strip in strips
    ]


def round_trip(plot: StalePlot) -> list[Strip]:
    """textual-plotext's way: the built matrix written as ANSI text, parsed back by rich."""
    matrix = plot.plt.monitor.matrix  # type: ignore[attr-defined]
    text = Text.from_ansi(matrix.set_canvas())
    width, height = plot.size
    return Visual.to_strips(plot, visualize(plot, text), width, height, plot.visual_style)


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
async def test_every_plots_cells_are_those_of_plotexts_ansi_text(theme: str) -> None:
    app = make_app(num_examples=2_000, epochs=3)
    async with app.run_test(size=(120, 40)) as pilot:
        app.theme = theme
        await settle(pilot)
        await run_and_wait(pilot)
        seen = set()
        for key in ("", "f4", "f9"):  # the data and loss plots, trajectories, the map
            if key:
                await pilot.press(key)
                await pilot.pause()
            for plot in app.query(StalePlot):
                if not plot.region.width or not plot.size.width:
                    continue  # not shown
                plot.replot()
                ours = cells(plot._strips())
                assert ours == cells(round_trip(plot)), type(plot).__name__
                assert len(ours) == plot.size.height
                assert all(len(line) == plot.size.width for line in ours)
                seen.add(type(plot).__name__)
    assert seen >= {"ScatterPlot", "LossPlot", "TrajectoryPlot", "LandscapePlot"}, seen
