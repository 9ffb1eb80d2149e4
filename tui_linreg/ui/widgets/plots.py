"""The two live plots, drawn with plotext through textual-plotext.

Widgets only mark themselves stale when new numbers arrive; the app redraws stale plots on a
timer (four times a second, app.REDRAW_INTERVAL_S), however fast training reports.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Sequence
from typing import ClassVar

from rich.markup import escape
from rich.text import Text
from textual.app import RenderResult
from textual.binding import BindingType
from textual.geometry import Region, Size
from textual.strip import Strip
from textual_plotext import Plot, PlotextPlot

from tui_linreg.engine.events import EpochEnded, Progress, RunStarted, original_units
from tui_linreg.ui.maximise import MAXIMISE_BINDINGS, toggle_maximised
from tui_linreg.ui.replay_keys import REPLAY_BINDINGS
from tui_linreg.ui.widgets.plot_cells import figure_strips


def _finite(points: list[tuple[float, float]], positive: bool) -> list[tuple[float, float]]:
    return [(x, y) for x, y in points if math.isfinite(y) and (y > 0 or not positive)]


MAX_BATCH_POINTS = 8192
"""Batch losses a loss plot keeps; beyond, neighbours merge into one (lowest, highest)."""


def merge_neighbours(
    points: list[tuple[float, float, float]],
) -> list[tuple[float, float, float]]:
    """Half as many (x, low, high) points: each pair becomes one, keeping both extremes."""
    merged = []
    for first, second in zip(points[::2], points[1::2], strict=False):
        merged.append(
            ((first[0] + second[0]) / 2, min(first[1], second[1]), max(first[2], second[2]))
        )
    if len(points) % 2:
        merged.append(points[-1])
    return merged


def columns(
    points: list[tuple[float, float, float]], low: float, high: float, width: int
) -> list[tuple[float, float]]:
    """The (x, y) to draw for (x, low, high) points in ``width`` columns over [low, high]: each
    column's lowest and highest value, so that no spike is hidden between pixels."""
    span = (high - low) or 1.0
    lowest: dict[int, float] = {}
    highest: dict[int, float] = {}
    for x, bottom, top in points:
        column = min(int((x - low) / span * width), width - 1)
        lowest[column] = min(bottom, lowest.get(column, math.inf))
        highest[column] = max(top, highest.get(column, -math.inf))
    drawn = []
    for column in sorted(lowest):
        x = low + (column + 0.5) * span / width
        drawn.append((x, lowest[column]))
        if highest[column] != lowest[column]:
            drawn.append((x, highest[column]))
    return drawn


RGB = tuple[int, int, int]
ORANGE: RGB = (255, 165, 0)
CYAN: RGB = (0, 200, 230)
GREEN: RGB = (90, 200, 90)
PALETTE: tuple[RGB, ...] = (
    ORANGE,
    CYAN,
    (240, 220, 60),  # yellow
    (255, 130, 190),  # pink
    (230, 230, 230),  # white
    (220, 90, 220),  # magenta
    (240, 80, 80),  # red
    (100, 140, 255),  # blue: last, being the map's contours' colour
)
"""Curve colours as RGB: plotext and the legend then agree (named colours go through the
terminal theme and differ between the two), and none is the closed form's green."""
CURVE_COLOURS = {"scratch": ORANGE, "concise": CYAN}
TRUE_COLOUR = GREEN
"""The true relation in the data plot: like the closed form, what learning heads for."""
LEARNED_COLOUR: RGB = (240, 80, 80)
REPLAY_COLOUR: RGB = (230, 230, 230)
"""The replayed step's marker on the loss plot."""
OUTLIER_COLOUR: RGB = (220, 90, 220)
"""--outlier's examples on the scatter."""


def hex_colour(rgb: RGB) -> str:
    """The same colour for Rich markup (legends in border subtitles)."""
    return "#{:02x}{:02x}{:02x}".format(*rgb)


SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
EPS = 1e-9
"""Slack for floating-point noise when a tick sits on an end of the data."""

Ticks = tuple[list[float], list[str], tuple[float, float]]
"""An axis: its ticks, their labels, and the range it spans (the data's, or wider to hold two
ticks)."""


def power_label(exponent: int, mantissa: float = 1) -> str:
    """m·10ᵉ as a reader takes it in at a glance: 1, 10, 10², 10⁻³, 2·10⁻³, 50."""
    if exponent in (0, 1):
        return f"{mantissa * 10**exponent:g}"
    power = "10" + str(exponent).translate(SUPERSCRIPT)
    return power if mantissa == 1 else f"{mantissa:g}·{power}"


def log_ticks(low: float, high: float, most: int) -> Ticks:
    """Ticks for a log axis over [low, high] (both > 0): at powers of ten, every one or every
    n-th so that there are at most ``most``. Where fewer than two powers fall within the data,
    at 1-2-5 steps, then at 1…9 steps; where even those leave fewer than two, the axis widens to
    the nearest steps below and above."""
    most = max(most, 2)
    lo, hi = math.log10(low), math.log10(high)
    exponents = range(math.floor(lo) - 1, math.ceil(hi) + 2)

    def within(mantissas: Sequence[int]) -> list[tuple[int, int]]:
        return [
            (m, e)
            for e in exponents
            for m in mantissas
            if lo - EPS <= math.log10(m) + e <= hi + EPS
        ]

    chosen = within((1,))
    if len(chosen) >= 2:
        powers = chosen
        for every in range(1, len(powers) + 1):
            chosen = [(m, e) for m, e in powers if e % every == 0]
            if len(chosen) <= most:
                break
        if len(chosen) < 2:
            chosen = [powers[0], powers[-1]]
    else:
        chosen = within((1, 2, 5))
        if len(chosen) < 2:
            chosen = within(range(1, 10))
        if len(chosen) < 2:
            grid = [(m, e) for e in exponents for m in range(1, 10)]
            below = max(i for i, (m, e) in enumerate(grid) if m * 10.0**e <= low * (1 + EPS))
            above = min(
                i for i, (m, e) in enumerate(grid) if i > below and m * 10.0**e >= high * (1 - EPS)
            )
            chosen = grid[below : above + 1]
        chosen = chosen[:: math.ceil(len(chosen) / most)]
    values = [m * 10.0**e for m, e in chosen]
    labels = [power_label(e, m) for m, e in chosen]
    return values, labels, (min(low, values[0]), max(high, values[-1]))


def linear_labels(ticks: list[float], step: float) -> list[str]:
    """Short labels for ticks ``step`` apart: as many decimals as the step needs, and a power of
    ten for the very large or very small (2·10⁷, not 20000000.000)."""
    decimals = max(0, -math.floor(math.log10(step) + EPS))
    biggest = max(abs(tick) for tick in ticks)
    if biggest < 1e5 and decimals <= 3:
        return [f"{tick:.{decimals}f}" for tick in ticks]
    exponent = math.floor(math.log10(biggest) + EPS)
    decimals = max(0, exponent - math.floor(math.log10(step) + EPS))
    return [
        "0" if tick == 0 else f"{tick / 10.0**exponent:.{decimals}f}·{power_label(exponent)}"
        for tick in ticks
    ]


def linear_ticks(low: float, high: float, most: int) -> Ticks:
    """Ticks for a linear axis over [low, high]: at the finest 1-2-5 step that gives at most
    ``most``, or the next finer where that leaves only one within the data; where even that
    leaves fewer than two, the axis widens to the steps around."""
    most = max(most, 2)
    if high - low <= EPS * max(abs(low), abs(high)):  # one value: a range around it
        pad = abs(low) / 2 or 1.0
        low, high = low - pad, high + pad
    exponent = math.floor(math.log10((high - low) / most))
    steps = [m * 10.0**e for e in range(exponent, exponent + 3) for m in (1, 2, 5)]

    def within(step: float) -> tuple[int, int]:
        return math.ceil(low / step - EPS), math.floor(high / step + EPS)

    index = next(i for i, step in enumerate(steps) if within(step)[1] - within(step)[0] < most)
    if index and within(steps[index])[1] <= within(steps[index])[0]:
        index -= 1  # one tick within: a finer step, a little over ``most``, beats wider axes
    step = steps[index]
    first, last = within(step)
    if last <= first:
        first, last = math.floor(low / step + EPS), math.ceil(high / step - EPS)
        last = max(last, first + 1)
    values = [i * step for i in range(first, last + 1)]
    return values, linear_labels(values, step), (min(low, values[0]), max(high, values[-1]))


def fits(markup: str, room: int) -> bool:
    return Text.from_markup(markup).cell_len <= room


def legend(entries: Sequence[tuple[RGB, str]], room: int, lead: str = "") -> str:
    """Rich markup for a legend, a coloured ━ before each name, after ``lead``: the roomiest
    form that fits in ``room`` cells (a border title's width), else the tightest."""
    forms = (("  ", " "), (" ", " "), (" ", ""))  # between entries, between ━ and its name
    for between, after in forms:
        markup = lead + between.join(
            f"[{hex_colour(colour)}]━[/]{after}{escape(name)}" for colour, name in entries
        )
        if fits(markup, room):
            break
    return markup


DRAW_SHARE = 0.04
"""At most this share of the time goes to drawing one plot: the UI thread shares the GIL with
training, so every millisecond spent drawing is one the training thread waits."""
FLAT_OUT_SHARE = 0.01
"""The same while a run trains as fast as it can (no pace, not paused): there each plot's share
is taken from training at once, and the loss in speed was several times the UI thread's own
share of the time (the GIL passing to and fro). A paced run sleeps between steps and keeps
DRAW_SHARE: its plots move with every step a learner watches."""

TICK_ROWS = 3
"""Rows of canvas per y tick at most: a label on every third row reads as a scale, not a wall."""
TICK_GAP = 7
"""Columns of canvas per x tick at most."""


def set_axes(
    plt: Plot,
    size: Size,
    xs: Iterable[float],
    ys: Iterable[float],
    *,
    log_y: bool = False,
    log_x: bool = False,
) -> None:
    """Set both axes' ranges and short, round ticks on a plot of ``size`` for data over ``xs``
    and ``ys`` (each holding at least one finite value)."""
    xs = [x for x in xs if math.isfinite(x) and (x > 0 or not log_x)]
    ys = [y for y in ys if math.isfinite(y) and (y > 0 or not log_y)]
    rows = size.height - 5  # less the title, the two x axes, their ticks and label
    if log_y:
        yticks, ylabels, (low, high) = log_ticks(min(ys), max(ys), rows // TICK_ROWS)
        plt.ylim(math.log10(low), math.log10(high))  # plotext takes a log axis' range in logs
    else:
        yticks, ylabels, (low, high) = linear_ticks(min(ys), max(ys), rows // TICK_ROWS)
        plt.ylim(low, high)
    plt.yticks(yticks, ylabels)
    width = max(size.width - 2 - max(map(len, ylabels)), 10)  # less the y axes, labels
    most = width // TICK_GAP
    if log_x:
        xticks, xlabels, (left, right) = log_ticks(min(xs), max(xs), max(most, 2))
        plt.xlim(math.log10(left), math.log10(right))  # as the y axis: a range in logs
        plt.xticks(xticks, xlabels)
        return
    while True:
        xticks, xlabels, (left, right) = linear_ticks(min(xs), max(xs), most)
        if most <= 2 or len(xticks) * (max(map(len, xlabels)) + 2) <= width:
            break
        most -= 1
    plt.xlim(left, right)
    plt.xticks(xticks, xlabels)


class StalePlot(PlotextPlot):
    DEFAULT_CLASSES = "pane"  # the bordered look of every pane (app.tcss)
    BINDINGS: ClassVar[list[BindingType]] = [*REPLAY_BINDINGS, *MAXIMISE_BINDINGS]
    can_focus = True  # the replay keys work where a plot has the focus
    ALLOW_MAXIMIZE = True
    PANE_TITLE = ""
    stale = True
    """New numbers arrived since the last draw."""

    _version = 0
    """Bumped by every replot; with the size and theme, it says whether a drawing is current."""
    _drawn: tuple[object, list[Strip]] | None = None
    _draw_s = 0.0
    """How long the last drawing took: plotext's build, its cells turned into lines
    (plot_cells.py), and Textual putting them on the screen."""
    _replotted_at = -math.inf
    _timing = False
    """The next render_lines draws a new picture, and its time is the drawing's cost."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = self.PANE_TITLE

    def action_maximise(self) -> None:
        toggle_maximised(self)

    def replot(self) -> None:
        self.relabel()
        self.stale = False
        self._version += 1
        self._replotted_at = time.monotonic()
        self._timing = True
        self.refresh()

    def relabel(self) -> None:
        """The border's title and subtitle, where the legends live: outside the canvas, so that
        no legend ever hides the data it names."""
        self.border_title = self.title()
        self.border_subtitle = self.subtitle()

    def on_resize(self) -> None:
        self.relabel()  # a legend takes a roomier or a tighter form to fit the new width

    @property
    def room(self) -> int:
        """Cells a border title can take: the width less the corners and the spaces around."""
        return self.outer_size.width - 6 if self.outer_size.width else 1000

    def due(self, now: float, share: float = DRAW_SHARE) -> bool:
        """Whether enough time has passed since the last drawing to afford another, drawing
        taking at most ``share`` of the time."""
        return now - self._replotted_at >= self._draw_s / share

    def render_line(self, y: int) -> Strip:
        lines = self._strips()
        if y < len(lines):
            return lines[y]
        return Strip.blank(self.size.width, self.visual_style.rich_style)

    def render(self) -> RenderResult:
        """The plot as plain text: Textual asks for it to select text. It is drawn through
        render_line."""
        return Text("\n".join(line.text for line in self._strips()))

    def _strips(self) -> list[Strip]:
        # Textual renders a widget again whenever the screen's layout changes (a log line
        # added, a table resized), and plotext takes 10–20 ms a plot: on the UI thread, that
        # time is taken from training. A drawing is reused until the numbers, size or theme
        # change.
        base = self.visual_style.rich_style  # the pane's colours, under plotext's
        key = (self._version, self.size, self.app.theme, self.theme, base)
        if self._drawn is None or self._drawn[0] != key:
            # plotext applies a log scale to its stored data and ticks in place on every build,
            # so a second build of the same figure would take the log of a log. A fresh figure
            # drawn from our own numbers at every build keeps it idempotent.
            plt = self.plt
            plt.clear_figure()
            self.draw()
            # What textual-plotext's render does, up to the build; its matrix of cells, not
            # its ANSI text, becomes the lines (plot_cells.py).
            width, height = self.size
            plt.plotsize(width, height)
            plt._set_size(width, height)
            plt.theme(self._get_plotext_theme_name(self.app.theme))
            self._drawn = (key, figure_strips(plt, base))
        return self._drawn[1]

    def render_lines(self, crop: Region) -> list[Strip]:
        if not self._timing:
            return super().render_lines(crop)
        started = time.perf_counter()
        lines = super().render_lines(crop)
        self._draw_s = time.perf_counter() - started
        self._timing = False
        return lines

    def draw(self) -> None:
        """Draw the current numbers on ``self.plt`` (called at every render)."""
        raise NotImplementedError

    def axes(
        self, xs: Iterable[float], ys: Iterable[float], *, log_y: bool = False, log_x: bool = False
    ) -> None:
        """Set both axes' ranges and short, round ticks for data over ``xs`` and ``ys`` (each
        holding at least one finite value)."""
        set_axes(self.plt, self.size, xs, ys, log_y=log_y, log_x=log_x)

    def title(self) -> str:
        return self.PANE_TITLE

    def subtitle(self) -> str:
        return ""


class ScatterPlot(StalePlot):
    """One feature against the labels, with the true and the learned relation as lines."""

    PANE_TITLE = "data"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.data: RunStarted | None = None
        self.feature = 1
        """Which feature column is on the x axis; the lesson plots the second one."""
        self.learned: tuple[tuple[float, ...], float] | None = None
        self.untrained = True
        """The line is still the initial parameters': the legend says so."""
        self.label = ""
        """The running run's label in its plan (``loss=huber``)."""
        self.earlier: dict[str, tuple[tuple[float, ...], float]] = {}
        """The lines the plan's earlier runs learned on this data, by label: a sweep's runs
        side by side (which line does the outlier drag?)."""

    def show_data(self, started: RunStarted, label: str = "", *, keep: bool = False) -> None:
        """New data, or with ``keep`` the plan's next run on the same data: the line learned
        so far stays, beside the new one."""
        if keep and self.learned is not None and self.label and not self.untrained:
            self.earlier[self.label] = self.learned
        else:
            self.earlier = {}
        self.data, self.label = started, label
        if self.feature >= started.config.num_features:
            self.feature = min(1, started.config.num_features - 1)
        self.learned = (started.initial_w, started.initial_b)
        self.untrained = True
        self.stale = True

    def _inliers(self) -> list[float]:
        """The labels but the outliers (--outlier): the y axis spans these."""
        assert self.data is not None
        outliers = {index for index, _ in self.data.config.outliers}
        ys = self.data.sample_labels
        return [y for i, y in enumerate(ys) if i not in outliers] or list(ys)

    def show_learned(self, w: tuple[float, ...], b: float) -> None:
        if self.learned == (w, b):
            return  # a run's end repeats its last epoch's numbers: nothing to redraw
        self.learned = (w, b)
        self.untrained = False
        self.stale = True

    def next_feature(self) -> int:
        if self.data is not None:
            self.feature = (self.feature + 1) % self.data.config.num_features
            self.stale = True
        return self.feature

    def _xs(self) -> list[float]:
        """Feature j of the sample, in the data's own units (standardised features are
        drawn as they were read)."""
        assert self.data is not None
        j, scaled = self.feature, self.data.standardization
        xs = [row[j] for row in self.data.sample_features]
        if scaled is None:
            return xs
        mean, std = scaled[0][j], scaled[1][j]
        return [x * std + mean for x in xs]

    def _line(self, w: tuple[float, ...], b: float, low: float, high: float) -> list[float]:
        """The relation along feature j, the other features held at their means, in the
        data's own units."""
        assert self.data is not None
        j = self.feature
        scaled = self.data.standardization
        w, b = original_units(scaled, w, b)
        means = self.data.feature_means
        if scaled is not None:
            means = tuple(m * s + mu for m, s, mu in zip(means, scaled[1], scaled[0], strict=True))
        intercept = b + sum(
            wi * mi for i, (wi, mi) in enumerate(zip(w, means, strict=True)) if i != j
        )
        return [w[j] * low + intercept, w[j] * high + intercept]

    def _learned_line(self, low: float, high: float) -> list[float] | None:
        """The learned relation, unless it has diverged so far that it would squash the data
        flat (the log says why it is left out)."""
        if self.data is None or self.learned is None:
            return None
        ys = self._inliers()
        spread = max(ys) - min(ys) or 1.0
        line = self._line(*self.learned, low, high)
        if all(min(ys) - 3 * spread <= y <= max(ys) + 3 * spread for y in line):
            return line
        return None

    def draw(self) -> None:
        plt = self.plt
        plt.xlabel("")
        if self.data is None:
            plt.title("ctrl+r trains")
            return
        j, config = self.feature, self.data.config
        xs = self._xs()
        ys = list(self.data.sample_labels)
        low, high = min(xs), max(xs)
        truth = config.truth  # real data has none
        true = [] if truth is None else self._line(truth[:-1], truth[-1], low, high)
        learned = self._learned_line(low, high)
        earlier = {label: self._line(*line, low, high) for label, line in self.earlier.items()}
        inliers = self._inliers()
        spread = max(inliers) - min(inliers) or 1.0
        bottom, top = min(inliers) - spread, max(inliers) + spread  # outliers beyond: at the edge
        lines = [y for line in (true, learned or [], *earlier.values()) for y in line]
        shown_ys = [*inliers, *(min(max(y, bottom), top) for y in lines)]
        pad = 0.03 * (high - low)  # points at the extremes (Anscombe's x = 19) off the frame
        self.axes([*xs, low - pad, high + pad], shown_ys)
        bottom, top = min(shown_ys), max(shown_ys)
        outliers = {index for index, _ in config.outliers if index < len(ys)}
        plt.scatter(
            [x for i, x in enumerate(xs) if i not in outliers],
            [y for i, y in enumerate(ys) if i not in outliers],
            marker="dot",
            color="blue+",
        )
        for index in outliers:  # --outlier: its own colour; beyond the axis, an arrow at its edge
            y = ys[index]
            marker = "↑" if y > top else "↓" if y < bottom else "x"
            plt.scatter(
                [xs[index]], [min(max(y, bottom), top)], marker=marker, color=OUTLIER_COLOUR
            )
        if true:
            plt.plot([low, high], true, color=TRUE_COLOUR)
        for number, line in enumerate(earlier.values()):
            plt.plot([low, high], line, color=PALETTE[number % len(PALETTE)])
        if learned is not None:  # last: it lies over the true line once it has been learned
            plt.plot([low, high], learned, color=LEARNED_COLOUR)
        what = f"{self.data.target_name} vs {self.data.feature_names[j]}"
        plt.title(f"{what} · ctrl+f" if config.num_features > 1 else what)

    def title(self) -> str:
        if self.data is None:
            return self.PANE_TITLE
        entries = [(TRUE_COLOUR, "true")] if self.data.config.truth is not None else []
        if self.learned is not None:
            x = self._xs()
            if self._learned_line(min(x), max(x)) is not None:
                entries.append((LEARNED_COLOUR, "untrained" if self.untrained else "learned"))
        if self.earlier and entries and entries[-1][0] == LEARNED_COLOUR:  # the running run's
            entries[-1] = (LEARNED_COLOUR, self.label)  # line, by its label
        for number, label in enumerate(self.earlier):
            entries.append((PALETTE[number % len(PALETTE)], label))

        return legend(entries, self.room, lead=f"{self.PANE_TITLE} · ")

    def subtitle(self) -> str:
        if self.data is None:
            return ""
        config, notes = self.data.config, []
        shown = len(self.data.sample_labels)
        if shown < config.num_examples:
            notes.append(f"{shown:,} of {config.num_examples:,} shown")
        if config.num_features > 1:
            notes.append("others at mean")
        outliers = "+".join(f"y[{index}]={value:g}" for index, value in config.outliers)
        if outliers:  # an arrow at the edge where it is off the axis
            notes.append(legend([(OUTLIER_COLOUR, f"outlier {outliers}")], self.room))
        return " · ".join(notes)


class LossPlot(StalePlot):
    """Full-data half-MSE per epoch (and batch losses within epochs), the optimum as a line."""

    PANE_TITLE = "loss (half-MSE)"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.log_scale = True
        self.optimum: float | None = None
        self.epochs: dict[str, list[tuple[float, float]]] = {}
        """Per curve label: (epoch, full-data half-MSE) on the current data."""
        self.batches: list[tuple[float, float, float]] = []
        """The running implementation's batch half-MSE: (epoch, low, high), every step of a
        short run; neighbours merged (both extremes kept) past MAX_BATCH_POINTS."""
        self._columned: tuple[object, float, list[tuple[float, float]]] | None = None
        """The batches as last drawn (see draw), with what they were drawn for."""
        self.running = ""
        self.optimum_name = "closed form"
        self.own = ""
        """The curve of the running run's own loss, for l1 and Huber; "" for the others."""
        self.val = ""
        """The curve of its half-MSE on the validation examples; "" without them."""
        self.owns: set[str] = set()
        """Every such curve (own losses and validation): in a colour of their own, not their
        run's."""
        self.marker: float | None = None
        """Where a replayed step is, in epochs: a vertical line there."""

    def new_data(self) -> None:
        self.epochs = {}
        self.owns = set()
        self.stale = True

    def start(self, started: RunStarted, label: str) -> None:
        """A run begins; its curve is called ``label`` (the implementation, or a swept value)."""
        self.running = label
        for stale in [name for name in self.owns if name.startswith(f"{label} ")]:
            self.epochs.pop(stale, None)  # the last run's l1 or Huber curve: not this one's
            self.owns.discard(stale)
        self.optimum = started.closed_form.half_mse
        self.optimum_name = started.closed_form.name
        # l1 and Huber are no multiple of half-MSE: their own loss is a curve of its own.
        self.own = "" if started.half_mse_per_loss else f"{label} {started.loss_name}"
        self.val = f"{label} val" if started.config.val_examples else ""
        self.owns |= {curve for curve in (self.own, self.val) if curve}
        self.epochs[self.running] = [(0.0, started.initial_half_mse)]
        self.batches = []
        self.stale = True

    def progress(self, event: Progress) -> None:
        start, per_epoch = event.epoch - 1, event.steps_per_epoch
        self.batches.extend((start + x / per_epoch, low, high) for x, low, high in event.batches)
        while len(self.batches) > MAX_BATCH_POINTS:
            self.batches = merge_neighbours(self.batches)
        self.stale = True

    def epoch(self, event: EpochEnded) -> None:
        self.epochs.setdefault(self.running, []).append((float(event.epoch), event.half_mse))
        if self.own:
            self.epochs.setdefault(self.own, []).append((float(event.epoch), event.loss))
        if self.val and event.val_half_mse is not None:
            self.epochs.setdefault(self.val, []).append((float(event.epoch), event.val_half_mse))
        self.stale = True

    def colour(self, name: str) -> RGB:
        if name in CURVE_COLOURS:
            return CURVE_COLOURS[name]
        runs = [curve for curve in self.epochs if curve not in CURVE_COLOURS]
        index = runs.index(name) if name in runs else len(runs)
        return PALETTE[(index + 2 if name in self.owns else index) % len(PALETTE)]

    def toggle_log_scale(self) -> bool:
        self.log_scale = not self.log_scale
        self.stale = True
        return self.log_scale

    def draw(self) -> None:
        plt = self.plt
        plt.xlabel("epoch")
        log = self.log_scale
        curves = {name: _finite(points, log) for name, points in self.epochs.items()}
        curves = {name: points for name, points in curves.items() if points}
        if not curves:  # plotext cannot draw an empty log axis: an empty plot stays linear
            plt.title("ctrl+r trains")
            return
        plt.yscale("log" if log else "linear")
        plt.title("log scale · ctrl+l" if log else "linear scale · ctrl+l")
        last = max(x for points in curves.values() for x, _ in points)
        optimum = self.shown_optimum()
        # A column's lowest and highest batch loss each (no spike hidden between pixels), for
        # as many columns as the canvas can have (a little more than it has, once the y
        # labels are known: never fewer, so that no column is left empty). Kept while the
        # batches are the same (a replay key moves only the step's line).
        width = max(self.size.width - 3, 10)
        key = (len(self.batches), self.batches[-1:], width, log)
        if self._columned is None or self._columned[0] != key:
            end = max((x for x, _, _ in self.batches), default=1.0)
            drawn = _finite(columns(self.batches, 0.0, max(end, 1.0), width), log)
            self._columned = (key, end, drawn)
        _, end, batches = self._columned
        right = max(end, last, 1.0)
        self.axes(
            [0.0, right],
            [
                *(y for _, y in batches),
                *(y for points in curves.values() for _, y in points),
                *([] if optimum is None else [optimum]),
            ],
            log_y=log,
        )
        # The reference first, the batches next, the curves last: a curve that reaches the
        # optimum lies over its line rather than vanishing behind it.
        if optimum is not None:
            plt.plot([0, right], [optimum] * 2, color=GREEN, marker="braille")
        if batches:
            plt.scatter(*zip(*batches, strict=True), marker="dot", color="gray")
        for name, points in curves.items():
            plt.plot(*zip(*points, strict=True), marker="braille", color=self.colour(name))
        if self.marker is not None:
            plt.vertical_line(self.marker, color=REPLAY_COLOUR)

    def shown_optimum(self) -> float | None:
        """The closed form's half-MSE, where the plot can draw it: a log axis has no zero, and
        an optimum a millionth of every curve (more parameters than examples: an exact fit,
        10⁻³⁰) would squash the curves into a sliver; the title then says it is about 0."""
        optimum = self.optimum
        if optimum is None or not math.isfinite(optimum) or (optimum <= 0 and self.log_scale):
            return None
        lowest = min(
            (y for points in self.epochs.values() for _, y in points if math.isfinite(y) and y > 0),
            default=None,
        )
        if self.log_scale and lowest is not None and optimum < 1e-6 * lowest:
            return None
        return optimum

    def title(self) -> str:
        """The reference line's legend (the runs' is below): each fits a narrow pane."""
        optimum = self.optimum
        hidden = self.epochs and self.log_scale and self.shown_optimum() is None
        if hidden and optimum is not None and math.isfinite(optimum):
            near = f"{self.PANE_TITLE} · {self.optimum_name} ≈ 0, below the axis"
            return near if len(near) <= self.room else self.PANE_TITLE
        if not self.epochs or self.shown_optimum() is None:
            return self.PANE_TITLE
        closed = [(GREEN, self.optimum_name)]
        markup = legend(closed, self.room, lead=f"{self.PANE_TITLE} · ")
        return markup if fits(markup, self.room) else legend(closed, self.room, lead="loss · ")

    def subtitle(self) -> str:
        names = list(self.epochs)
        shown = legend([(self.colour(name), name) for name in names], self.room)
        keys = {name.partition("=")[0] for name in names}
        if fits(shown, self.room) or len(keys) != 1:
            return shown
        # A sweep's curves (lr=0.003, lr=0.01, …) say their setting once: "lr= ━0.003 ━0.01".
        if not all("=" in name and " " not in name for name in names):
            return shown
        values = [(self.colour(name), name.partition("=")[2]) for name in names]
        return legend(values, self.room, lead=f"{escape(keys.pop())}= ")


class TrajectoryPlot(StalePlot):
    """Each learned parameter per epoch, converging toward its true value (dotted); real
    data has none, and its lines head for the run's optimum instead."""

    PANE_TITLE = "parameters per epoch"
    SHOWN = 8
    """Beyond eight lines nobody can tell them apart."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.true: tuple[float, ...] = ()
        self.target = "true"
        """What the dotted lines are: the true values, or for real data the optimum."""
        self.points: list[tuple[float, tuple[float, ...]]] = []

    def start(self, started: RunStarted) -> None:
        truth = started.config.truth
        best = started.closed_form
        self.true = truth if truth is not None else (*best.w, best.b)
        self.target = "true" if truth is not None else "optimum"
        self.points = [(0.0, (*started.initial_w, started.initial_b))]
        self.stale = True

    def epoch(self, event: EpochEnded) -> None:
        self.points.append((float(event.epoch), (*event.w, event.b)))
        self.stale = True

    def names(self) -> list[str]:
        """The parameters shown, first to last."""
        names = [f"w[{i}]" for i in range(len(self.true) - 1)] + ["b"]
        return names[: self.SHOWN]

    def draw(self) -> None:
        plt = self.plt
        plt.xlabel("epoch")
        if not self.points:
            plt.title("ctrl+r trains")
            return
        long = f"learned (solid) → {self.target} (dotted)"
        short = f"learned → {self.target} (dotted)"
        plt.title(long if len(long) + 2 <= self.size.width else short)  # plotext drops too long
        end = max(1.0, self.points[-1][0])
        shown = range(len(self.names()))
        learned = [
            [
                (x, values[index])
                for x, values in self.points
                if math.isfinite(values[index]) and abs(values[index]) < 1e6
            ]
            for index in shown
        ]
        self.axes(
            [0.0, end, *(x for x, _ in self.points)],
            [*(self.true[index] for index in shown), *(y for line in learned for _, y in line)],
        )
        # The true values first: a parameter that reaches its value lies over its dotted line
        # rather than vanishing behind it.
        for index in shown:
            colour = PALETTE[index % len(PALETTE)]
            plt.plot([0, end], [self.true[index]] * 2, marker=".", color=colour)
        for index, line in zip(shown, learned, strict=True):
            if line:
                colour = PALETTE[index % len(PALETTE)]
                plt.plot(*zip(*line, strict=True), marker="braille", color=colour)

    def subtitle(self) -> str:
        if not self.true:
            return ""
        hidden = len(self.true) - self.SHOWN
        note = f" · first {self.SHOWN} of {len(self.true)}" if hidden > 0 else ""
        entries = [(PALETTE[i % len(PALETTE)], name) for i, name in enumerate(self.names())]
        return legend(entries, self.room - len(note)) + note
