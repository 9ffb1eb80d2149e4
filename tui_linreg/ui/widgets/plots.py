"""The two live plots, drawn with plotext through textual-plotext.

Widgets only mark themselves stale when new numbers arrive; the app redraws stale plots on a
timer (four times a second, app.REDRAW_INTERVAL_S), however fast training reports.
"""

from __future__ import annotations

import math
import time

from textual.app import RenderResult
from textual.geometry import Region
from textual.strip import Strip
from textual_plotext import PlotextPlot

from tui_linreg.engine.events import EpochEnded, Progress, RunStarted


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


DRAW_SHARE = 0.04
"""At most this share of the time goes to drawing one plot: the UI thread shares the GIL with
training, so every millisecond spent drawing is one the training thread waits."""


class StalePlot(PlotextPlot):
    DEFAULT_CLASSES = "pane"  # the bordered look of every pane (app.tcss)
    stale = True
    """New numbers arrived since the last draw."""

    _version = 0
    """Bumped by every replot; with the size and theme, it says whether a drawing is current."""
    _drawn: tuple[object, RenderResult] | None = None
    _draw_s = 0.0
    """How long the last drawing took: plotext's build, its conversion to text, and Textual
    turning that text into the lines of the screen (about half of the time)."""
    _replotted_at = -math.inf
    _timing = False
    """The next render_lines draws a new picture, and its time is the drawing's cost."""

    def replot(self) -> None:
        self.border_subtitle = self.subtitle()
        self.stale = False
        self._version += 1
        self._replotted_at = time.monotonic()
        self._timing = True
        self.refresh()

    def due(self, now: float) -> bool:
        """Whether enough time has passed since the last drawing to afford another."""
        return now - self._replotted_at >= self._draw_s / DRAW_SHARE

    def render(self) -> RenderResult:
        # Textual renders a widget again whenever the screen's layout changes (a log line
        # added, a table resized), and plotext takes 10–20 ms a plot: on the UI thread, that
        # time is taken from training. A drawing is reused until the numbers, size or theme
        # change.
        key = (self._version, self.size, self.app.theme, self.theme)
        if self._drawn is None or self._drawn[0] != key:
            # plotext applies a log scale to its stored data in place on every build, so a
            # second build of the same data would take the log of a log and fail. Drawing
            # from our own numbers at every build keeps it idempotent.
            self.plt.clear_data()
            self.draw()
            self._drawn = (key, super().render())
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

    def subtitle(self) -> str:
        return ""


class ScatterPlot(StalePlot):
    """One feature against the labels, with the true and the learned relation as lines."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = "data"
        self.data: RunStarted | None = None
        self.feature = 1
        """Which feature column is on the x axis; the lesson plots the second one."""
        self.learned: tuple[tuple[float, ...], float] | None = None

    def show_data(self, started: RunStarted) -> None:
        self.data = started
        if self.feature >= started.config.num_features:
            self.feature = min(1, started.config.num_features - 1)
        self.learned = (started.initial_w, started.initial_b)
        self.stale = True

    def show_learned(self, w: tuple[float, ...], b: float) -> None:
        if self.learned == (w, b):
            return  # a run's end repeats its last epoch's numbers: nothing to redraw
        self.learned = (w, b)
        self.stale = True

    def next_feature(self) -> int:
        if self.data is not None:
            self.feature = (self.feature + 1) % self.data.config.num_features
            self.stale = True
        return self.feature

    def _line(self, w: tuple[float, ...], b: float, low: float, high: float) -> list[float]:
        """The relation along feature j, the other features held at their means."""
        assert self.data is not None
        j = self.feature
        means = self.data.feature_means
        intercept = b + sum(
            wi * mi for i, (wi, mi) in enumerate(zip(w, means, strict=True)) if i != j
        )
        return [w[j] * low + intercept, w[j] * high + intercept]

    def draw(self) -> None:
        plt = self.plt
        plt.xlabel("")
        if self.data is None:
            plt.title("ctrl+r trains")
            return
        j, config = self.feature, self.data.config
        xs = [row[j] for row in self.data.sample_features]
        ys = list(self.data.sample_labels)
        plt.scatter(xs, ys, marker="dot", color="blue+")
        spread = max(ys) - min(ys) or 1.0
        low, high = min(xs), max(xs)
        plt.plot(
            [low, high],
            self._line(config.true_w, config.true_b, low, high),
            color="green",
            label="true",
        )
        if self.learned is not None:
            line = self._line(*self.learned, low, high)
            # A diverged line would squash the data flat: it is left out (the log says why).
            if all(min(ys) - 3 * spread <= y <= max(ys) + 3 * spread for y in line):
                plt.plot([low, high], line, color="red", label="learned")
        plt.title(f"y vs x[{j}] · ctrl+f" if config.num_features > 1 else f"y vs x[{j}]")

    def subtitle(self) -> str:
        if self.data is None:
            return ""
        config, notes = self.data.config, []
        shown = len(self.data.sample_labels)
        if shown < config.num_examples:
            notes.append(f"{shown:,} of {config.num_examples:,} shown")
        if config.num_features > 1:
            notes.append("others at mean")
        return " · ".join(notes)


RGB = tuple[int, int, int]
ORANGE: RGB = (255, 165, 0)
CYAN: RGB = (0, 200, 230)
GREEN: RGB = (90, 200, 90)
PALETTE: tuple[RGB, ...] = (
    ORANGE,
    CYAN,
    (240, 220, 60),  # yellow
    (100, 140, 255),  # blue
    (230, 230, 230),  # white
    (220, 90, 220),  # magenta
    (240, 80, 80),  # red
    (150, 150, 150),  # grey
)
"""Curve colours as RGB: plotext and the legend then agree (named colours go through the
terminal theme and differ between the two), and none is the closed form's green."""
CURVE_COLOURS = {"scratch": ORANGE, "concise": CYAN}


def hex_colour(rgb: RGB) -> str:
    """The same colour for Rich markup (legends in border subtitles)."""
    return "#{:02x}{:02x}{:02x}".format(*rgb)


class LossPlot(StalePlot):
    """Full-data half-MSE per epoch (and batch losses within epochs), the optimum as a line."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = "loss (half-MSE)"
        self.log_scale = True
        self.optimum: float | None = None
        self.epochs: dict[str, list[tuple[float, float]]] = {}
        """Per curve label: (epoch, full-data half-MSE) on the current data."""
        self.batches: list[tuple[float, float, float]] = []
        """The running implementation's batch half-MSE: (epoch, low, high), every step of a
        short run; neighbours merged (both extremes kept) past MAX_BATCH_POINTS."""
        self.running = ""

    def new_data(self) -> None:
        self.epochs = {}
        self.stale = True

    def start(self, started: RunStarted, label: str) -> None:
        """A run begins; its curve is called ``label`` (the implementation, or a swept value)."""
        self.running = label
        self.optimum = started.closed_form.half_mse
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
        self.stale = True

    def colour(self, name: str) -> RGB:
        if name in CURVE_COLOURS:
            return CURVE_COLOURS[name]
        return PALETTE[list(self.epochs).index(name) % len(PALETTE)]

    def toggle_log_scale(self) -> bool:
        self.log_scale = not self.log_scale
        self.stale = True
        return self.log_scale

    def draw(self) -> None:
        plt = self.plt
        width = max(self.size.width - 12, 10)  # less the y axis' labels
        end = max((x for x, _, _ in self.batches), default=1.0)
        batches = _finite(columns(self.batches, 0.0, max(end, 1.0), width), self.log_scale)
        curves = {name: _finite(points, self.log_scale) for name, points in self.epochs.items()}
        curves = {name: points for name, points in curves.items() if points}
        # plotext cannot draw an empty log axis: an empty plot stays linear.
        log = self.log_scale and bool(batches or curves)
        plt.yscale("log" if log else "linear")
        plt.xlabel("epoch")
        if not curves:
            plt.title("ctrl+r trains")
            return
        plt.title("log scale · ctrl+l" if log else "linear scale · ctrl+l")
        if batches:
            plt.scatter(*zip(*batches, strict=True), marker="dot", color="gray")
        for name, points in curves.items():
            plt.plot(*zip(*points, strict=True), marker="braille", color=self.colour(name))
        if self.optimum is not None and (self.optimum > 0 or not log):
            end = max(x for points in curves.values() for x, _ in points)
            plt.plot([0, max(end, 1)], [self.optimum] * 2, color=GREEN, marker="braille")

    def subtitle(self) -> str:
        if not self.epochs:
            return ""
        legend = [f"[{hex_colour(self.colour(name))}]━[/] {name}" for name in self.epochs]
        return " ".join([*legend, f"[{hex_colour(GREEN)}]━[/] closed form"])


class TrajectoryPlot(StalePlot):
    """Each learned parameter per epoch, converging toward its true value (dotted)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = "parameters per epoch"
        self.true: tuple[float, ...] = ()
        self.points: list[tuple[float, tuple[float, ...]]] = []

    def start(self, started: RunStarted) -> None:
        config = started.config
        self.true = (*config.true_w, config.true_b)
        self.points = [(0.0, (*started.initial_w, started.initial_b))]
        self.stale = True

    def epoch(self, event: EpochEnded) -> None:
        self.points.append((float(event.epoch), (*event.w, event.b)))
        self.stale = True

    def draw(self) -> None:
        plt = self.plt
        plt.xlabel("epoch")
        if not self.points:
            plt.title("ctrl+r trains")
            return
        plt.title("learned (solid) → true (dotted)")
        names = [f"w[{i}]" for i in range(len(self.true) - 1)] + ["b"]
        end = max(1.0, self.points[-1][0])
        shown = list(enumerate(names))[:8]  # beyond eight lines nobody can tell them apart
        for index, name in shown:
            colour = PALETTE[index % len(PALETTE)]
            xs = [x for x, _ in self.points]
            ys = [values[index] for _, values in self.points]
            finite = [
                (x, y) for x, y in zip(xs, ys, strict=True) if math.isfinite(y) and abs(y) < 1e6
            ]
            if finite:
                plt.plot(*zip(*finite, strict=True), marker="braille", color=colour, label=name)
            plt.plot([0, end], [self.true[index]] * 2, marker=".", color=colour)

    def subtitle(self) -> str:
        hidden = len(self.true) - 8
        return f"first 8 of {len(self.true)} parameters" if hidden > 0 else ""
