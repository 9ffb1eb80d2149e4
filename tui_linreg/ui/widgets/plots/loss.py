"""The loss plot: full-data half-MSE per epoch, each mini-batch's loss within the epochs, and
the optimum as a line."""

from __future__ import annotations

import math

from rich.markup import escape

from tui_linreg.engine.events import EpochEnded, Progress, RunStarted
from tui_linreg.i18n import N_, _, cells
from tui_linreg.ui.widgets.plots.axes import (
    CURVE_COLOURS,
    GREEN,
    PALETTE,
    REPLAY_COLOUR,
    RGB,
    fits,
    legend,
)
from tui_linreg.ui.widgets.plots.base import StalePlot
from tui_linreg.ui.widgets.plots.cells import plot_text
from tui_linreg.ui.widgets.plots.memo import Memo


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


class LossPlot(StalePlot):
    """Full-data half-MSE per epoch (and batch losses within epochs), the optimum as a line."""

    PANE_TITLE = N_("loss (half-MSE)")

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.log_scale = True
        self.optimum: float | None = None
        self.epochs: dict[str, list[tuple[float, float]]] = {}
        """Per curve label: (epoch, full-data half-MSE) on the current data."""
        self.batches: list[tuple[float, float, float]] = []
        """The running implementation's batch half-MSE: (epoch, low, high), every step of a
        short run; neighbours merged (both extremes kept) past MAX_BATCH_POINTS."""
        self._columned: Memo[tuple[float, list[tuple[float, float]]]] = Memo()
        """The batches' last x and their columns, kept while the batches are the same."""
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
        plt.xlabel(plot_text(_("epoch")))
        log = self.log_scale
        curves = {name: _finite(points, log) for name, points in self.epochs.items()}
        curves = {name: points for name, points in curves.items() if points}
        if not curves:  # plotext cannot draw an empty log axis: an empty plot stays linear
            plt.title(plot_text(_("ctrl+r trains")))
            return
        plt.yscale("log" if log else "linear")
        plt.title(plot_text(_("log scale · ctrl+l") if log else _("linear scale · ctrl+l")))
        last = max(x for points in curves.values() for x, _unused in points)
        optimum = self.shown_optimum()
        # A column's lowest and highest batch loss each (no spike hidden between pixels), for
        # as many columns as the canvas can have (a little more than it has, once the y
        # labels are known: never fewer, so that no column is left empty). Kept while the
        # batches are the same (a replay key moves only the step's line).
        width = max(self.size.width - 3, 10)
        key = (len(self.batches), self.batches[-1:], width, log)
        end, batches = self._columned.get(key, lambda: self._columns(width, log))
        right = max(end, last, 1.0)
        self.axes(
            [0.0, right],
            [
                *(y for _unused, y in batches),
                *(y for points in curves.values() for _unused, y in points),
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

    def _columns(self, width: int, log: bool) -> tuple[float, list[tuple[float, float]]]:
        end = max((x for x, _unused, _unused in self.batches), default=1.0)
        return end, _finite(columns(self.batches, 0.0, max(end, 1.0), width), log)

    def shown_optimum(self) -> float | None:
        """The closed form's half-MSE, where the plot can draw it: a log axis has no zero, and
        an optimum a millionth of every curve (more parameters than examples: an exact fit,
        10⁻³⁰) would squash the curves into a sliver; the title then says it is about 0."""
        optimum = self.optimum
        if optimum is None or not math.isfinite(optimum) or (optimum <= 0 and self.log_scale):
            return None
        lowest = min(
            (
                y
                for points in self.epochs.values()
                for _unused, y in points
                if math.isfinite(y) and y > 0
            ),
            default=None,
        )
        if self.log_scale and lowest is not None and optimum < 1e-6 * lowest:
            return None
        return optimum

    def title(self) -> str:
        """The reference line's legend (the runs' is below): each fits a narrow pane."""
        optimum, title = self.optimum, self.pane_title
        # The engine's name for it (closed form, ridge optimum, …), translated where marked.
        name = _(self.optimum_name) if self.optimum_name else ""
        hidden = self.epochs and self.log_scale and self.shown_optimum() is None
        if hidden and optimum is not None and math.isfinite(optimum):
            near = _("{title} · {optimum} ≈ 0, below the axis").format(title=title, optimum=name)
            return near if cells(near) <= self.room else title
        if not self.epochs or self.shown_optimum() is None:
            return title
        closed = [(GREEN, name)]
        markup = legend(closed, self.room, lead=f"{title} · ")
        short = _("loss")
        return markup if fits(markup, self.room) else legend(closed, self.room, lead=f"{short} · ")

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
