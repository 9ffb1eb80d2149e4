"""The data plot: one feature against the labels, with the true and the learned relation."""

from __future__ import annotations

import math

from tui_linreg.engine.events import RunStarted, original_units
from tui_linreg.i18n import N_, _
from tui_linreg.ui.widgets.plots.axes import (
    LEARNED_COLOUR,
    OUTLIER_COLOUR,
    PALETTE,
    TRUE_COLOUR,
    legend,
)
from tui_linreg.ui.widgets.plots.base import StalePlot
from tui_linreg.ui.widgets.plots.cells import plot_text


class ScatterPlot(StalePlot):
    """One feature against the labels, with the true and the learned relation as lines."""

    PANE_TITLE = N_("data")

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
        outliers = {index for index, _unused in self.data.config.outliers}
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
            plt.title(plot_text(_("ctrl+r trains")))
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
        # The axis holds the data and the lines near it: a diverged run's line (a sweep's
        # lr 10) must not stretch it to ±40 and squash the data flat. Such a line is cut at
        # the frame, an arrow where it leaves (outliers beyond it are drawn at the edge too).
        bottom, top = min(inliers) - spread / 4, max(inliers) + spread / 4
        lines = [y for line in (true, learned or []) for y in line]
        shown_ys = [*inliers, *(min(max(y, bottom), top) for y in lines)]
        pad = 0.03 * (high - low)  # points at the extremes (Anscombe's x = 19) off the frame
        self.axes([*xs, low - pad, high + pad], shown_ys)
        bottom, top = min(shown_ys), max(shown_ys)
        outliers = {index for index, _unused in config.outliers if index < len(ys)}
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
            colour = PALETTE[number % len(PALETTE)]
            shown = clipped((low, line[0]), (high, line[1]), bottom, top)
            if shown is None:
                continue  # wholly off the frame: its legend entry says it exists
            (x0, y0), (x1, y1) = shown
            plt.plot([x0, x1], [y0, y1], color=colour)
            for (x, y), end in zip(shown, ((low, line[0]), (high, line[1])), strict=True):
                if (x, y) != end:  # where it leaves the frame
                    plt.scatter([x], [y], marker="↑" if y >= top else "↓", color=colour)
        if learned is not None:  # last: it lies over the true line once it has been learned
            plt.plot([low, high], learned, color=LEARNED_COLOUR)
        what = _("{target} vs {feature}").format(
            target=self.data.target_name, feature=self.data.feature_names[j]
        )
        plt.title(plot_text(f"{what} · ctrl+f" if config.num_features > 1 else what))

    def title(self) -> str:
        if self.data is None:
            return self.pane_title
        entries = [(TRUE_COLOUR, _("true"))] if self.data.config.truth is not None else []
        if self.learned is not None:
            x = self._xs()
            if self._learned_line(min(x), max(x)) is not None:
                entries.append((LEARNED_COLOUR, _("untrained") if self.untrained else _("learned")))
        if self.earlier and entries and entries[-1][0] == LEARNED_COLOUR:  # the running run's
            entries[-1] = (LEARNED_COLOUR, self.label)  # line, by its label
        for number, label in enumerate(self.earlier):
            entries.append((PALETTE[number % len(PALETTE)], label))

        return legend(entries, self.room, lead=f"{self.pane_title} · ")

    def subtitle(self) -> str:
        if self.data is None:
            return ""
        config, notes = self.data.config, []
        shown = len(self.data.sample_labels)
        if shown < config.num_examples:
            notes.append(
                _("{shown:,} of {total:,} shown").format(shown=shown, total=config.num_examples)
            )
        if config.num_features > 1:
            notes.append(_("others at mean"))
        outliers = "+".join(f"y[{index}]={value:g}" for index, value in config.outliers)
        if outliers:  # an arrow at the edge where it is off the axis
            said = _("outlier {outliers}").format(outliers=outliers)
            notes.append(legend([(OUTLIER_COLOUR, said)], self.room))
        return " · ".join(notes)


Point = tuple[float, float]


def clipped(start: Point, end: Point, bottom: float, top: float) -> tuple[Point, Point] | None:
    """The part of the segment from ``start`` to ``end`` between heights ``bottom`` and
    ``top``; None if it never passes between them."""
    (x0, y0), (x1, y1) = start, end
    if not all(map(math.isfinite, (y0, y1))):
        return None
    if (y0 > top and y1 > top) or (y0 < bottom and y1 < bottom):
        return None

    def at(y: float) -> Point:
        return (x0 + (x1 - x0) * (y - y0) / (y1 - y0), y)

    first = start if bottom <= y0 <= top else at(top if y0 > top else bottom)
    last = end if bottom <= y1 <= top else at(top if y1 > top else bottom)
    return first, last
