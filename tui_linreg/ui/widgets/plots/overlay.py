"""The runs screen's plot: the loss curves of the runs selected there, each named by what
differs between them."""

from __future__ import annotations

import time
from typing import ClassVar

from textual.binding import BindingType

from tui_linreg.history import RunRecord
from tui_linreg.i18n import _
from tui_linreg.plan import differing, label_of
from tui_linreg.ui.maximise import MAXIMISE_BINDINGS
from tui_linreg.ui.widgets.plots.axes import PALETTE, RGB, legend
from tui_linreg.ui.widgets.plots.base import StalePlot
from tui_linreg.ui.widgets.plots.cells import plot_text


class OverlayPlot(StalePlot):
    """Loss curves of the selected runs, each labelled by what differs between them."""

    BINDINGS: ClassVar[list[BindingType]] = [*MAXIMISE_BINDINGS]  # history: nothing to replay

    def __init__(self) -> None:
        super().__init__(id="overlay")
        self.records: list[RunRecord] = []
        """The runs overlaid."""
        self.curves: list[tuple[RGB, str, list[tuple[float, float]]]] = []
        """Each selected run's colour, name and (epoch, half-MSE) points."""

    def show(self, records: list[RunRecord]) -> None:
        """Overlay these runs' curves, each named by what differs between them, its name in
        the legend under the plot, where it hides no curve."""
        self.records = records
        curves = [(r, [(x, y) for x, y in r.curve if y > 0]) for r in records]
        curves = [(r, points) for r, points in curves if points]
        fields = differing([r.config for r in records])
        names = [label_of(record.config, fields) for record, _unused in curves]
        if len(set(names)) < len(names):  # identical settings: tell them apart by time
            names = [
                f"{name} {time.strftime('%H:%M:%S', time.localtime(record.created))}"
                for name, (record, _unused) in zip(names, curves, strict=True)
            ]
        self.curves = [
            (PALETTE[index % len(PALETTE)], name, points)
            for index, (name, (_unused, points)) in enumerate(zip(names, curves, strict=True))
        ]
        self.replot()

    def draw(self) -> None:
        plt = self.plt
        plt.xlabel(plot_text(_("epoch")))
        if not self.curves:
            plt.title(plot_text(_("select runs with space to overlay them")))
            return
        plt.title(plot_text(_("half-MSE per epoch, log scale")))
        plt.yscale("log")
        points = [point for _colour, _name, line in self.curves for point in line]
        self.axes((x for x, _unused in points), (y for _unused, y in points), log_y=True)
        for colour, _unused, line in self.curves:
            plt.plot(*zip(*line, strict=True), marker="braille", color=colour)

    def subtitle(self) -> str:
        return legend([(colour, name) for colour, name, _unused in self.curves], self.room)
