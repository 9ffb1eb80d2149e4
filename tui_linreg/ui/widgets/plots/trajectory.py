"""The trajectories (f4): each parameter per epoch, heading for its true value."""

from __future__ import annotations

import math

from tui_linreg.engine.events import EpochEnded, RunStarted
from tui_linreg.i18n import N_, _, cells
from tui_linreg.ui.widgets.plots.axes import (
    PALETTE,
    legend,
)
from tui_linreg.ui.widgets.plots.base import StalePlot
from tui_linreg.ui.widgets.plots.cells import plot_text


class TrajectoryPlot(StalePlot):
    """Each learned parameter per epoch, converging toward its true value (dotted); real
    data has none, and its lines head for the run's optimum instead."""

    PANE_TITLE = N_("parameters per epoch")
    SHOWN = 8
    """Beyond eight lines nobody can tell them apart."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.true: tuple[float, ...] = ()
        self.target = N_("true")
        """What the dotted lines are: the true values, or for real data the optimum (in
        English, shown through _())."""
        self.points: list[tuple[float, tuple[float, ...]]] = []

    def start(self, started: RunStarted) -> None:
        truth = started.config.truth
        best = started.closed_form
        self.true = truth if truth is not None else (*best.w, best.b)
        self.target = N_("true") if truth is not None else N_("optimum")
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
        plt.xlabel(plot_text(_("epoch")))
        if not self.points:
            plt.title(plot_text(_("ctrl+r trains")))
            return
        target = _(self.target)
        long = _("learned (solid) → {target} (dotted)").format(target=target)
        short = _("learned → {target} (dotted)").format(target=target)
        # plotext drops a title too long
        plt.title(plot_text(long if cells(long) + 2 <= self.size.width else short))
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
            [0.0, end, *(x for x, _unused in self.points)],
            [
                *(self.true[index] for index in shown),
                *(y for line in learned for _unused, y in line),
            ],
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
        first = _("first {shown} of {total}").format(shown=self.SHOWN, total=len(self.true))
        note = f" · {first}" if hidden > 0 else ""
        entries = [(PALETTE[i % len(PALETTE)], name) for i, name in enumerate(self.names())]
        return legend(entries, self.room - cells(note)) + note
