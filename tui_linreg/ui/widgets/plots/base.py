"""The base of every plot: a pane that marks itself stale when new numbers arrive, is redrawn
on the screen's timer (four times a second, panes.REDRAW_INTERVAL_S) however fast training
reports, keeps its drawing until the numbers, size or theme change, and can be maximised."""

from __future__ import annotations

import math
import time
from collections.abc import Iterable
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.app import RenderResult
from textual.binding import BindingType
from textual.geometry import Region
from textual.strip import Strip
from textual_plotext import PlotextPlot

from tui_linreg.i18n import _
from tui_linreg.ui.glossed import Glossed
from tui_linreg.ui.maximise import MAXIMISE_BINDINGS, retranslate_keys, toggle_maximised
from tui_linreg.ui.replay_keys import REPLAY_BINDINGS
from tui_linreg.ui.widgets.plots.axes import set_axes
from tui_linreg.ui.widgets.plots.cells import figure_strips
from tui_linreg.ui.widgets.plots.memo import Memo

DRAW_SHARE = 0.04
"""At most this share of the time goes to drawing one plot: the UI thread shares the GIL with
training, so every millisecond spent drawing is one the training thread waits."""
FLAT_OUT_SHARE = 0.01
"""The same while a run trains as fast as it can (no pace, not paused): there each plot's share
is taken from training at once, and the loss in speed was several times the UI thread's own
share of the time (the GIL passing to and fro). A paced run sleeps between steps and keeps
DRAW_SHARE: its plots move with every step a learner watches."""


class StalePlot(PlotextPlot, Glossed):
    DEFAULT_CLASSES = "pane"  # the bordered look of every pane (app.tcss)
    BINDINGS: ClassVar[list[BindingType]] = [*REPLAY_BINDINGS, *MAXIMISE_BINDINGS]
    can_focus = True  # the replay keys work where a plot has the focus
    ALLOW_MAXIMIZE = True
    PANE_TITLE = ""
    """The pane's name, in English marked with N_() (shown through _())."""
    stale = True
    """New numbers arrived since the last draw."""

    _version = 0
    """Bumped by every replot; with the size and theme, it says whether a drawing is current."""
    _draw_s = 0.0
    """How long the last drawing took: plotext's build, its cells turned into lines
    (cells.py), and Textual putting them on the screen."""
    _replotted_at = -math.inf
    _timing = False
    """The next render_lines draws a new picture, and its time is the drawing's cost."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = self.pane_title
        self._drawing: Memo[list[Strip]] = Memo()
        """The drawing, kept until the numbers, size or theme change."""

    def action_maximise(self) -> None:
        toggle_maximised(self)

    @property
    def pane_title(self) -> str:
        """PANE_TITLE in the language in use."""
        return _(self.PANE_TITLE) if self.PANE_TITLE else ""

    def retranslate(self) -> None:
        """Its title, legends and the words inside the canvas, in the language just chosen."""
        retranslate_keys(self)
        self.replot()

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
        return self._drawing.get(key, lambda: self._build(base))

    def _build(self, base: Style) -> list[Strip]:
        # plotext applies a log scale to its stored data and ticks in place on every build,
        # so a second build of the same figure would take the log of a log. A fresh figure
        # drawn from our own numbers at every build keeps it idempotent.
        plt = self.plt
        plt.clear_figure()
        self.draw()
        # What textual-plotext's render does, up to the build; its matrix of cells, not its
        # ANSI text, becomes the lines (cells.py).
        width, height = self.size
        plt.plotsize(width, height)
        plt._set_size(width, height)
        plt.theme(self._get_plotext_theme_name(self.app.theme))
        return figure_strips(plt, base)

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
        return self.pane_title

    def subtitle(self) -> str:
        return ""
