"""Readable plots (issue 15, §2): round ticks (powers of ten on a log axis), learned curves
drawn over their references, legends outside the canvas, a divergence shown to its stop."""

from __future__ import annotations

import itertools
import math
import re

import pytest
from rich.color import Color
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.pilot import Pilot

from tests.ui.snapshot_app import make_app, run_and_wait, settle
from tui_linreg.ui.widgets.plots.axes import GREEN, ORANGE, linear_ticks, log_ticks, power_label
from tui_linreg.ui.widgets.plots.base import StalePlot
from tui_linreg.ui.widgets.plots.loss import LossPlot
from tui_linreg.ui.widgets.plots.trajectory import TrajectoryPlot

POWER = re.compile(r"^(1|10|10⁻?[⁰¹²³⁴⁵⁶⁷⁸⁹]+)$")
"""A power of ten as an axis shows it: 1, 10, 10², 10⁻³."""
STEP = re.compile(r"^([1-9]|[1-9]0|[1-9]·10⁻?[⁰¹²³⁴⁵⁶⁷⁸⁹]+|10⁻?[⁰¹²³⁴⁵⁶⁷⁸⁹]+)$")
"""A tick between powers of ten: 2, 50, 2·10⁻³, or a power itself."""
UNSUPERSCRIPT = str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789")
BRAILLE = {chr(code) for code in range(0x2801, 0x2900)}

Cell = tuple[str, Color | None]


# --- the ticks themselves --------------------------------------------------------------------


def test_powers_of_ten_read_compactly() -> None:
    assert [power_label(e) for e in (-4, -1, 0, 1, 2, 12)] == [
        "10⁻⁴",
        "10⁻¹",
        "1",
        "10",
        "10²",
        "10¹²",
    ]
    assert [power_label(-3, 2), power_label(0, 5), power_label(1, 2)] == ["2·10⁻³", "5", "20"]


@pytest.mark.parametrize(
    ("low", "high", "most"),
    [(4.6e-5, 28.2, 8), (4.6e-5, 28.2, 3), (4.6e-5, 9.09e7, 7), (0.8, 15, 5), (1e-30, 1e30, 4)],
)
def test_a_log_axis_over_decades_has_ticks_at_powers_of_ten(
    low: float, high: float, most: int
) -> None:
    values, labels, (bottom, top) = log_ticks(low, high, most)
    assert 2 <= len(values) <= most, labels
    assert all(POWER.match(label) for label in labels), labels
    exponents = [math.log10(value) for value in values]
    assert all(abs(e - round(e)) < 1e-9 for e in exponents), values
    assert len({round(b - a) for a, b in itertools.pairwise(exponents)}) == 1
    assert (bottom, top) == (low, high), "the axis spans the data, no wider"
    assert all(low <= value <= high for value in values)


@pytest.mark.parametrize(
    ("low", "high"), [(3.1e-3, 4.6e-3), (0.05, 0.9), (2.5, 3.0), (4.6e-5, 4.6e-5), (1e-3, 1e-3)]
)
def test_a_log_axis_within_a_decade_still_has_two_readable_ticks(low: float, high: float) -> None:
    values, labels, (bottom, top) = log_ticks(low, high, 5)
    assert len(values) >= 2, labels
    assert all(STEP.match(label) for label in labels), labels
    assert bottom <= low, "the data stays on the axis"
    assert high <= top, "the data stays on the axis"
    assert bottom <= values[0]
    assert values[-1] <= top


@pytest.mark.parametrize(
    ("low", "high", "most"),
    [(-9.8, 18.0, 7), (-9.8, 18.0, 3), (-3.2, 4.1, 2), (0, 3, 5), (0, 9.09e7, 7), (0, 4.6e-5, 5)],
)
def test_a_linear_axis_has_short_round_ticks(low: float, high: float, most: int) -> None:
    values, labels, (bottom, top) = linear_ticks(low, high, most)
    assert len(values) >= 2
    assert all(len(label) <= 6 for label in labels), labels  # never 28.16718 or 90909800.000
    assert len(set(labels)) == len(labels), labels
    steps = {round(b - a, 12) for a, b in itertools.pairwise(values)}
    assert len(steps) == 1, values
    assert bottom <= low
    assert high <= top


# --- one plot alone, drawn as the app draws it ------------------------------------------------


class OnePlot(App[None]):
    def __init__(self, plot: StalePlot) -> None:
        super().__init__()
        self.plot = plot

    def compose(self) -> ComposeResult:
        yield self.plot


def cells(plot: StalePlot) -> list[list[Cell]]:
    """The plot as it is on screen, border included: each cell's character and colour."""
    width, height = plot.outer_size
    rows = []
    for strip in plot.render_lines(Region(0, 0, width, height)):
        row: list[Cell] = []
        for segment in strip:
            colour = segment.style.color if segment.style else None
            row.extend((char, colour) for char in segment.text)
        rows.append(row)
    return rows


def rgb(colour: Color | None) -> tuple[int, int, int] | None:
    if colour is None:
        return None
    triplet = colour.get_truecolor()
    return (triplet.red, triplet.green, triplet.blue)


async def drawn(plot: StalePlot, pilot: Pilot[None]) -> list[list[Cell]]:
    plot.replot()
    await pilot.pause()
    return cells(plot)


async def test_a_loss_curve_that_reaches_the_optimum_lies_over_its_line() -> None:
    plot = LossPlot()
    plot.optimum = 1e-3
    plot.running = "scratch"
    plot.epochs = {"scratch": [(0.0, 10.0), (1.0, 0.1), (2.0, 1e-3), (3.0, 1e-3), (4.0, 1e-3)]}
    async with OnePlot(plot).run_test(size=(60, 24)) as pilot:
        rows = await drawn(plot, pilot)
    colours = [[rgb(colour) for char, colour in row if char in BRAILLE] for row in rows]
    optimum_row = next(row for row in colours if GREEN in row)
    # Where the curve runs along the optimum (epochs 2 to 4), its colour is the one seen.
    assert optimum_row.count(ORANGE) > optimum_row.count(GREEN), optimum_row
    assert optimum_row[-1] == ORANGE


async def test_a_parameter_that_reaches_its_true_value_lies_over_the_dotted_line() -> None:
    plot = TrajectoryPlot()
    plot.true = (2.0, -3.0)
    plot.points = [(0.0, (0.0, 0.0)), *((float(epoch), (2.0, -3.0)) for epoch in range(1, 6))]
    async with OnePlot(plot).run_test(size=(60, 24)) as pilot:
        rows = await drawn(plot, pilot)
    text = ["".join(char for char, _ in row) for row in rows]
    for label in ("2", "-3"):
        row = next(line for line in text if re.match(rf"^\s*{label}┤", line))
        canvas = row.split("┤", 1)[1]
        # From epoch 1 on the learned value is the true one: the solid line shows, not dots.
        second_half = canvas[len(canvas) // 2 : -1]
        assert set(second_half) <= BRAILLE, row
        assert "." in canvas[: len(canvas) // 4], "the dotted line shows where it is not reached"


# --- the whole app: ticks, legends and a divergence ------------------------------------------


def boxed(plot: StalePlot) -> tuple[str, str, list[str]]:
    """A pane's top and bottom border rows and the rows between, as text."""
    text = ["".join(char for char, _ in row) for row in cells(plot)]
    return text[0], text[-1], text[1:-1]


def y_labels(inside: list[str]) -> list[str]:
    return [match[1] for line in inside if (match := re.match(r"^│\s*(\S+)┤", line))]


def x_labels(inside: list[str]) -> list[str]:
    axis = next(i for i, line in enumerate(inside) if "└" in line)
    return inside[axis + 1].strip("│ ").split()


def assert_legend_outside(plot: StalePlot, names: list[str]) -> None:
    top, bottom, inside = boxed(plot)
    border = top + bottom
    for name in names:
        assert name in border, f"{name!r} is not in the border: {top!r} {bottom!r}"
        assert not any(name in line for line in inside), f"{name!r} is drawn over the canvas"
    assert "…" not in border, f"a legend is cut short: {top!r} {bottom!r}"


def assert_short_numbers(labels: list[str]) -> None:
    """Two ticks at least, short, at multiples of a 1-2-5 step: -2 0 2 4, not -3.2 -1.3 0.5."""
    assert len(labels) >= 2, labels
    assert all(len(label) <= 4 for label in labels), labels
    values = sorted(float(label) for label in labels)
    steps = {round(b - a, 9) for a, b in itertools.pairwise(values)}
    assert len(steps) == 1, labels
    step = steps.pop()
    assert round(step / 10 ** math.floor(math.log10(step)), 9) in (1, 2, 5), labels
    assert all(abs(value / step - round(value / step)) < 1e-9 for value in values), labels


async def test_the_plots_read_well_at_the_smallest_and_a_usual_size() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await run_and_wait(pilot)  # scratch
        await pilot.press("ctrl+t")
        await run_and_wait(pilot)  # concise
        main = app.main
        for size in [(120, 40), (80, 24)]:
            await pilot.resize_terminal(*size)
            main.refresh_views(force=True)
            await pilot.pause()
            _, _, inside = boxed(main.loss)
            labels = y_labels(inside)
            assert len(labels) >= 2, labels
            assert all(POWER.match(label) for label in labels), labels
            assert_short_numbers(x_labels(inside))
            _, _, inside = boxed(main.scatter)
            assert_short_numbers(y_labels(inside))
            assert_short_numbers(x_labels(inside))
            assert_legend_outside(main.loss, ["scratch", "concise", "closed form"])
            assert_legend_outside(main.scatter, ["true", "learned"])
            await pilot.press("f4")
            await pilot.pause()
            _, _, inside = boxed(main.trajectory)
            assert_short_numbers(y_labels(inside))
            assert_short_numbers(x_labels(inside))
            assert_legend_outside(main.trajectory, ["w[0]", "w[1]"])
            await pilot.press("f4")
        # On a linear axis the loss still has short ticks (no 28.16718).
        main.loss.toggle_log_scale()
        main.refresh_views(force=True)
        await pilot.pause()
        _, _, inside = boxed(main.loss)
        assert all(len(label) <= 6 for label in y_labels(inside)), y_labels(inside)


async def test_a_diverged_run_shows_the_loss_exploding_up_to_its_stop() -> None:
    app = make_app(learning_rate=10.0, epochs=10)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await run_and_wait(pilot)
        loss = app.main.loss
        highest = max(high for _, _, high in loss.batches if math.isfinite(high))
        assert highest > 1e6, "the batch losses reach the divergence"
        _, _, inside = boxed(loss)
        labels = y_labels(inside)
        assert all(POWER.match(label) for label in labels), labels
        exponents = [label.translate(UNSUPERSCRIPT)[2:] for label in labels]
        top = max(int(exponent) for exponent in exponents if exponent)
        assert 10**top <= highest < 10 ** (top + 3), (labels, highest)
        # The highest batch loss is on the canvas: its top row holds a point.
        canvas_top = next(i for i, line in enumerate(inside) if "┌" in line) + 1
        assert inside[canvas_top].strip("│ ").strip(), inside[canvas_top]


def test_a_sweeps_twenty_runs_get_twenty_colours_none_the_closed_forms_green() -> None:
    """A 12-run sweep showed cyan and yellow twice each: up to the sweep's 20, each its own."""
    from tui_linreg.sweep import MAX_SWEEP
    from tui_linreg.ui.widgets.plots.axes import PALETTE, TRUE_COLOUR

    assert len(set(PALETTE)) == len(PALETTE) >= MAX_SWEEP
    assert TRUE_COLOUR not in PALETTE


def test_a_diverged_runs_line_is_cut_at_the_frame_not_stretching_it() -> None:
    from tui_linreg.ui.widgets.plots.scatter import clipped

    assert clipped((0.0, 0.0), (10.0, 100.0), -5.0, 20.0) == ((0.0, 0.0), (2.0, 20.0))
    assert clipped((0.0, -50.0), (10.0, 50.0), -5.0, 5.0) == ((4.5, -5.0), (5.5, 5.0))
    assert clipped((0.0, 30.0), (10.0, 40.0), -5.0, 20.0) is None  # wholly above
    assert clipped((0.0, float("inf")), (10.0, 0.0), -5.0, 20.0) is None
    assert clipped((0.0, 1.0), (10.0, 2.0), -5.0, 20.0) == ((0.0, 1.0), (10.0, 2.0))
