"""A sweep's runs against the swept value (issue 17, §8): the U and the cliff of the learning
rate, or the estimation error against the amount of data."""

from __future__ import annotations

import math

from tui_linreg.config import SETTINGS
from tui_linreg.engine.events import Outcome, RunEnded
from tui_linreg.i18n import N_, _
from tui_linreg.losses import loss_of
from tui_linreg.ui.widgets.plots.axes import (
    GREEN,
    LEARNED_COLOUR,
    ORANGE,
    PALETTE,
    legend,
)
from tui_linreg.ui.widgets.plots.base import StalePlot
from tui_linreg.ui.widgets.plots.cells import plot_text

DIVERGED_COLOUR = LEARNED_COLOUR
GUIDE_COLOUR = (120, 120, 120)
"""The 1/√n guide: grey, under the figures."""

DISTANCES = (
    ("distance_to_true", "|ŵ − w|", ORANGE),
    ("distance_to_optimum", "|ŵ − w*|", PALETTE[1]),
    ("optimum_distance_to_true", "|w* − w|", GREEN),
)
"""The error against the amount of data: learned to true, learned to the optimum, and the
optimum to the truth (the data's own error, which no optimiser beats on average)."""


class SweepPlot(StalePlot):
    """Each run's final figures against the value its sweep gave it, after a sweep: for a
    setting that decides the data (n, the noise, …) the three distances, else the final
    half-MSE, with the stable bound for the learning rate. Log axes where the values span
    more than a decade; a diverged run is a × at the top."""

    PANE_TITLE = N_("the sweep")

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.field = ""
        self.ends: list[RunEnded] = []

    @staticmethod
    def plottable(field: str, ends: list[RunEnded]) -> bool:
        """A sweep of numbers (lr, n, …) has a value to plot against; of words (the loss, the
        implementation) it has not: the data plot and the loss plot already compare those."""
        values = [getattr(end.config, field) for end in ends]
        return all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)

    def show(self, field: str, ends: list[RunEnded]) -> None:
        self.field, self.ends = field, list(ends)
        self.stale = True

    @property
    def values(self) -> list[object]:
        return [getattr(end.config, self.field) for end in self.ends]

    @property
    def of_the_data(self) -> bool:
        """A setting that changes the data: the error against it is the question."""
        return SETTINGS[self.field].decides_data

    def series(self) -> list[tuple[str, list[float], tuple[int, int, int]]]:
        if self.of_the_data:
            return [
                (name, [end.distances[key] for end in self.ends], colour)
                for key, name, colour in DISTANCES
            ]
        return [(_("final half-MSE"), [end.half_mse for end in self.ends], ORANGE)]

    def guide(self) -> list[float] | None:
        """For a sweep of n: c/√n, fitted through the data's own error (a geometric mean),
        the rate at which the statistical error falls."""
        if self.field != "num_examples":
            return None
        pairs = [
            (end.config.num_examples, end.distances["optimum_distance_to_true"])
            for end in self.ends
        ]
        logs = [math.log(e) + 0.5 * math.log(n) for n, e in pairs if math.isfinite(e) and e > 0]
        if not logs:
            return None
        c = math.exp(sum(logs) / len(logs))
        return [c / math.sqrt(n) for n, _unused in pairs]

    def stable_bound(self) -> float | None:
        """The learning rate's cliff, for a sweep of it: the runs' own loss's bound."""
        if self.field != "learning_rate" or not self.ends:
            return None
        end = self.ends[0]
        loss = loss_of(end.config.implementation, end.config.loss_function)
        bound = loss.stable_lr(end.closed_form.stable_lr, end.config.batch_size)
        return bound if math.isfinite(bound) else None

    def draw(self) -> None:
        plt = self.plt
        if not self.ends:
            plt.title(plot_text(_("a sweep's runs, against its value, once it ends")))
            return
        setting = SETTINGS[self.field]
        xs = [float(v) for v in self.values]  # type: ignore[arg-type]  # plottable: numbers
        log_x = min(xs) > 0 and max(xs) >= 10 * min(xs)
        series = self.series()
        guide = self.guide()
        finite = [
            y
            for _name, ys, _colour in series
            for y in (*ys, *(guide or ()))
            if math.isfinite(y) and y > 0
        ]
        log_y = bool(finite) and max(finite) >= 10 * min(finite)
        top = max(finite) * (3 if log_y else 1.1) if finite else 1.0
        bound = self.stable_bound()
        self.axes([*xs, *([bound] if bound else [])], [*finite, top], log_y=log_y, log_x=log_x)
        if log_x:
            plt.xscale("log")
        if log_y:
            plt.yscale("log")
        if bound is not None:
            plt.vertical_line(bound, color=GREEN)
        if guide is not None:
            plt.plot(xs, guide, marker="braille", color=GUIDE_COLOUR)
        diverged = [end.outcome == Outcome.DIVERGED for end in self.ends]
        for rank, (_unused, ys, colour) in reversed(list(enumerate(series))):
            kept = [(x, y) for x, y in zip(xs, ys, strict=True) if math.isfinite(y) and y > 0]
            # The learned's error is drawn last, as points only: where it meets the data's own
            # error (given steps enough, it does), the green line still shows beneath.
            if kept and (rank > 0 or len(series) == 1):
                plt.plot(*zip(*kept, strict=True), marker="braille", color=colour)
            points = [
                (x, y)
                for x, y, bad in zip(xs, ys, diverged, strict=True)
                if math.isfinite(y) and y > 0 and not bad
            ]
            if points:
                plt.scatter(*zip(*points, strict=True), marker="●", color=colour)
        # A diverged run: a × where it stopped, or at the top once its loss was not finite.
        gone = [
            (x, min(end.half_mse, top) if math.isfinite(end.half_mse) else top)
            for x, end, bad in zip(xs, self.ends, diverged, strict=True)
            if bad
        ]
        if gone:
            plt.scatter(*zip(*gone, strict=True), marker="×", color=DIVERGED_COLOUR)
        plt.xlabel(setting.legend)
        if self.of_the_data:
            title = _("the error against the amount of data")
        elif bound:
            title = _("final half-MSE · the stable bound, green")
        else:
            title = _("final half-MSE")
        plt.title(plot_text(title))

    def title(self) -> str:
        return (
            f"{self.pane_title} · {SETTINGS[self.field].legend}" if self.field else self.pane_title
        )

    def subtitle(self) -> str:
        if not self.ends:
            return ""
        entries = [(colour, name) for name, _unused, colour in self.series()]
        if self.guide() is not None:
            entries.append((GUIDE_COLOUR, "∝ 1/√n"))
        if any(end.outcome == Outcome.DIVERGED for end in self.ends):
            entries.append((DIVERGED_COLOUR, _("× diverged")))
        return legend(entries, self.room) + " · " + _("f4: back")
