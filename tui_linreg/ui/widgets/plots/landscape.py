"""The loss landscape (f9): contours of the full-data loss over two parameters, the closed-form
minimum, the ellipses' axes, and each run's path across it (tui_linreg/landscape.py)."""

from __future__ import annotations

import math
from functools import partial

from rich.markup import escape

from tui_linreg.engine.events import Progress, RunStarted
from tui_linreg.i18n import N_, _, cells
from tui_linreg.landscape import (
    Box,
    Recording,
    Slice,
    clipped,
    levels,
    pairs,
    parameter_names,
    thin,
    view,
)
from tui_linreg.optimizers import optimizer_of
from tui_linreg.ui.widgets.plots.axes import (
    CURVE_COLOURS,
    GREEN,
    PALETTE,
    RGB,
    TICK_GAP,
    TICK_ROWS,
    fits,
    hex_colour,
    legend,
    linear_ticks,
    power_label,
)
from tui_linreg.ui.widgets.plots.base import StalePlot
from tui_linreg.ui.widgets.plots.cells import plot_text
from tui_linreg.ui.widgets.plots.memo import Memo

LEVEL_COLOURS: tuple[RGB, ...] = ((150, 185, 255), (110, 140, 215), (80, 100, 170), (65, 75, 125))
"""Contours from the lowest (bright) to the highest (dim): the eye goes to the valley floor."""
AXIS_COLOUR: RGB = (120, 120, 120)
START_COLOUR: RGB = (230, 230, 230)
Lines = list[tuple[list[float], list[float], RGB]]
"""Lines to draw: their xs, their ys and their colour."""
ROUND = 1.5
"""Contours whose steep curvature is less than this many times the shallow one are drawn
without their axes."""


def thinned_and_clipped(
    points: list[tuple[float, float]], box: Box, dot: float
) -> list[list[tuple[float, float]]]:
    """A path as drawn: thinned to the canvas's dots, cut where it leaves ``box``."""
    return clipped(thin(points, box, dot), box)


def level_label(value: float) -> str:
    exponent = math.floor(math.log10(value) + 1e-9)
    return power_label(exponent, round(value / 10.0**exponent))


class LandscapePlot(StalePlot):
    PANE_TITLE = N_("landscape")

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.data: RunStarted | None = None
        """The run (or preview) whose data and loss the map is drawn for."""
        self.pair_index = 0
        self.paths: dict[str, Recording] = {}
        """Each run's recorded θ on this map, by its curve label (the loss plot's): the
        session's recordings, which this only draws."""
        self._slice: Memo[Slice] = Memo()
        """The loss over the pair of parameters shown."""
        self._framed: Memo[tuple[Box, float, int]] = Memo()
        """The view and what it framed (see draw)."""
        self._lines: Memo[tuple[list[float], Lines]] = Memo()
        """The contours' levels and the static lines, and the pair and view they are for."""
        self._thinned: dict[str, Memo[list[list[tuple[float, float]]]]] = {}
        """Each path as last drawn (thinned and clipped), with what it was drawn for: a replay
        key moves only the ●, and the 100,000 points of a long run are not thinned again."""
        self.shown_step: int | None = None
        """The replayed step (counted from 0, the start): every run's ● goes to where that
        run was then (its nearest recorded step at or before it)."""

    # --- what the screen tells it ---------------------------------------------------------

    def show_data(self, started: RunStarted) -> None:
        """A new map (the form's data before a run, or a plan's first run): no paths yet."""
        if self.data is None or started.config.num_features != self.data.config.num_features:
            self.pair_index = 0
        self.data, self.paths, self._thinned = started, {}, {}
        for memo in (self._slice, self._framed, self._lines):
            memo.clear()
        self.stale = True

    def start(
        self, started: RunStarted, recordings: dict[str, Recording], *, new_map: bool
    ) -> None:
        """A run begins: a map afresh if ``new_map``. ``recordings`` are the session's, each
        run's path by its curve label, this one's included."""
        if new_map or self.data is None:
            self.show_data(started)
        self.paths = recordings
        self._thinned.pop(started.label, None)
        self.stale = True

    def progress(self, event: Progress) -> None:
        """The run's recording has grown (the session added the report's θ)."""
        if event.path:
            self.stale = True

    def next_pair(self) -> tuple[str, str] | None:
        """On to the next pair of parameters; their names (None before any data)."""
        if self.data is None:
            return None
        self.pair_index = (self.pair_index + 1) % len(pairs(self.data.config.num_features))
        self.stale = True
        return self.slice().names

    # --- drawing ----------------------------------------------------------------------

    def slice(self) -> Slice:
        assert self.data is not None
        pair = pairs(self.data.config.num_features)[self.pair_index]
        data = self.data
        return self._slice.get(pair, lambda: Slice.of(data, pair))

    def colour(self, name: str) -> RGB:
        if name in CURVE_COLOURS:
            return CURVE_COLOURS[name]
        return PALETTE[list(self.paths).index(name) % len(PALETTE)]

    def _paths(self, piece: Slice) -> dict[str, list[tuple[float, float]]]:
        """Each run's path in the pair, up to where it leaves the map."""
        i, j = piece.pair
        return {
            name: recording.pair(i, j)[: recording.left]
            if recording.left is not None
            else recording.pair(i, j)
            for name, recording in self.paths.items()
        }

    def draw(self) -> None:
        plt = self.plt
        if self.data is None:
            plt.title(plot_text(_("ctrl+r trains")))
            return
        piece = self.slice()
        paths = self._paths(piece)
        start = (*self.data.initial_w, self.data.initial_b)
        i, j = piece.pair
        # The view, kept while nothing it frames changes: a replay key moves only the ●, and
        # framing 100,000 points again took a third of its redraw.
        # A sweep's run that flew off is not framed when others stayed: followed out, it
        # zoomed the map to ±200 with every other path a dot at its centre. Cut at the frame,
        # it still shows where it left (below).
        stayed = {n: points for n, points in paths.items() if self.paths[n].left is None}
        framed = stayed or paths
        framing = (piece.pair, self.size, tuple(len(points) for points in framed.values()))
        corners = [piece.centre, (start[i], start[j])]
        box, dot, columns = self._framed.get(
            framing,
            lambda: self._view(
                [*corners, *(point for points in framed.values() for point in points)]
            ),
        )
        self._ticks(box, columns)
        # plotext puts the y label at the bottom left, beside the x one: arrows say which is which.
        plt.xlabel(f"{piece.names[0]} →")
        plt.ylabel(f"↑ {piece.names[1]}")

        # Contours first, the axes next, the paths and markers last: on top. The lines are
        # kept while the view is (a replay key moves only the ●).
        contours, lines = self._lines.get(
            (piece.pair, box, dot), lambda: self._static_lines(piece, box, dot)
        )
        for xs, ys, colour in lines:
            plt.plot(xs, ys, marker="braille", color=colour)
        cx, cy = piece.centre
        for name, points in paths.items():
            key = (piece.pair, len(points), box, dot)
            thinned = self._thinned.setdefault(name, Memo())
            for run in thinned.get(key, partial(thinned_and_clipped, points, box, dot)):
                plt.plot(*zip(*run, strict=True), marker="braille", color=self.colour(name))
        for name, recording in self.paths.items():
            if recording.left is not None and recording.left > 0:
                # Where it went: on from its last point on the map, to the map's edge.
                gone = [recording.pair(i, j)[k] for k in (recording.left - 1, recording.left)]
                for run in clipped(gone, box):
                    plt.plot(*zip(*run, strict=True), marker="braille", color=self.colour(name))
        # The start first, the minimum next, the ● last: a run that arrives hides the minimum.
        plt.scatter([start[i]], [start[j]], marker="○", color=START_COLOUR)
        plt.scatter([cx], [cy], marker="+", color=GREEN)
        for name, points in paths.items():
            index = len(points) - 1
            recording = self.paths[name]
            if self.shown_step is not None:
                index = min(recording.index_of(self.shown_step), index)
            elif recording.left is not None:
                continue  # it is not on the map: the legend says where it went
            if index >= 0:
                plt.scatter(
                    [points[index][0]], [points[index][1]], marker="●", color=self.colour(name)
                )
        plt.title(plot_text(self._heading(piece, contours)))

    def _static_lines(self, piece: Slice, box: Box, dot: float) -> tuple[list[float], Lines]:
        """The contours' levels, and the lines of the contours and the valley's axes, clipped
        to ``box``: (xs, ys, colour) each."""
        lines: Lines = []
        contours = levels(piece, box, dot)
        for rank, excess in enumerate(contours):
            shade = LEVEL_COLOURS[rank * len(LEVEL_COLOURS) // len(contours)]
            for run in clipped(piece.ellipse(excess), box):
                lines.append(([x for x, _unused in run], [y for _unused, y in run], shade))
        left, right, bottom, top = box
        reach = 2 * max(right - left, top - bottom)
        cx, cy = piece.centre
        # Nearly round contours have no axes worth drawing (any direction is nearly one).
        for axis in piece.axes() if drawn_axes(piece) else ():
            ux, uy = axis.direction
            line = [(cx - reach * ux, cy - reach * uy), (cx + reach * ux, cy + reach * uy)]
            for run in clipped(line, box):
                lines.append(([x for x, _unused in run], [y for _unused, y in run], AXIS_COLOUR))
        return contours, lines

    def _view(self, points: list[tuple[float, float]]) -> tuple[Box, float, int]:
        """The view around ``points`` with both axes at one scale, and the canvas' width in
        columns: it depends on the y labels' width, which depends on the view, so twice."""
        rows = max(self.size.height - 5, 4)  # less title, frame, ticks, label
        label_width = 5
        for _twice in range(2):
            columns = max(self.size.width - 2 - label_width, 10)
            box, dot = view(points, columns, rows)
            _ticks, ylabels, _span = linear_ticks(box[2], box[3], rows // TICK_ROWS)
            label_width = max(map(len, ylabels))
        return box, dot, columns

    def _ticks(self, box: Box, columns: int) -> None:
        """The limits and the ticks of the view ``box``, ``columns`` wide."""
        plt, rows = self.plt, max(self.size.height - 5, 4)
        left, right, bottom, top = box
        yticks, ylabels, _unused = linear_ticks(bottom, top, rows // TICK_ROWS)
        most = columns // TICK_GAP
        while True:
            xticks, xlabels, _unused = linear_ticks(left, right, most)
            if most <= 2 or len(xticks) * (max(map(len, xlabels)) + 2) <= columns:
                break
            most -= 1
        plt.xlim(left, right)
        plt.ylim(bottom, top)
        inside = [(t, n) for t, n in zip(xticks, xlabels, strict=True) if left <= t <= right]
        plt.xticks([t for t, _unused in inside], [n for _unused, n in inside])
        inside = [(t, n) for t, n in zip(yticks, ylabels, strict=True) if bottom <= t <= top]
        plt.yticks([t for t, _unused in inside], [n for _unused, n in inside])

    def _heading(self, piece: Slice, contours: list[float]) -> str:
        """Inside the canvas, on top: the stable bound, 2/λmax of the whole model, which is
        the log's; the levels; the pair's own steep axis where it is much gentler (a plane
        through θ* need not hold the steepest direction). Shorter forms for a narrow pane."""
        assert self.data is not None
        config = self.data.config
        optimizer = optimizer_of(config.optimizer)
        bound = self.data.stable_lr
        factor = optimizer.stable_factor(config.momentum)
        if not self.data.half_mse_per_loss and factor is not None:  # l1 or Huber: the map is
            bound = self.data.closed_form.stable_lr * factor  # the half-MSE's
        levels = (
            [
                _("levels min+{low}…{high}").format(
                    low=level_label(contours[0]), high=level_label(contours[-1])
                )
            ]
            if contours
            else []
        )
        if bound is None:  # Adam
            parts = [_("Adam: no stable bound"), *levels]
            short = parts[0]
        else:
            stable = _("stable: lr < {formula} = {bound:.3g}")
            parts = [stable.format(formula=optimizer.bound_formula, bound=bound), *levels]
            here = piece.axes()[0].stable_lr * (factor or 1.0)
            if here > bound * 1.1:
                parts.append(_("in this plane < {bound:.3g}").format(bound=here))
            short = f"lr < {bound:.3g}"
        for count in range(len(parts), 0, -1):
            heading = " · ".join(parts[:count])
            if cells(heading) + 2 <= self.size.width:
                return heading
        return short

    def title(self) -> str:
        if self.data is None:
            return self.pane_title
        piece = self.slice()
        held = parameter_held(self.data.config.num_features, piece.pair)
        loss = self.data.loss_name
        if not self.data.half_mse_per_loss:  # l1, Huber: drawn exactly, but as half-MSE
            loss = _("half-MSE, not {loss}").format(loss=loss)
        if self.data.map_penalty:  # weight decay: the objective, centred on the ridge
            loss += " + (λ/2)‖w‖²"
        if not self.data.config.bias:  # the full model's valley; the path keeps b at 0
            loss += " · " + _("no bias: b stays 0")
        plain = "{title} · {loss}"
        if held == "others":
            forms = (
                _("{title} · {loss} · others at their optimum"),
                _("{title} · {loss} · {held} at optimum"),
                _("{loss} · {held} at opt."),
            )
        elif held:
            forms = (
                _("{title} · {loss} · {held} at its optimum"),
                _("{title} · {loss} · {held} at optimum"),
                _("{loss} · {held} at opt."),
            )
        else:
            forms = (plain, plain, plain)
        shown_held = _("others") if held == "others" else held
        for form in forms:
            title = form.format(title=self.pane_title, loss=loss, held=shown_held)
            if fits(escape(title), self.room):
                break
        return escape(title)

    def subtitle(self) -> str:
        names = list(self.paths)
        entries = [(self.colour(name), name) for name in names]
        left = [(name, rec) for name, rec in self.paths.items() if rec.left is not None]
        notes = ", ".join(self._left(name, recording, where=True) for name, recording in left)
        short = ", ".join(self._left(name, recording, where=False) for name, recording in left)
        now = (
            _("now") if self.shown_step is None else _("step {step:,}").format(step=self.shown_step)
        )
        markers = _("○ start ● {now} {plus} min").format(
            now=escape(now), plus=f"[{hex_colour(GREEN)}]+[/]"
        )
        if self.data is not None and drawn_axes(self.slice()):
            axes = _("{line} axes").format(line=f"[{hex_colour(AXIS_COLOUR)}]━[/]")
            markers += f" {axes}"
        shown = legend(entries, self.room)
        candidates = (
            [f"{shown} · {escape(notes)}", escape(notes), f"{shown} · {escape(short)}", short]
            if left
            else [f"{shown} · {markers}" if entries else markers, shown]
        )
        return next((markup for markup in candidates if fits(markup, self.room)), candidates[-1])

    def _left(self, name: str, recording: Recording, *, where: bool) -> str:
        """At which step a path left the map, and ``where``: its first point beyond."""
        assert recording.left is not None
        piece = self.slice()
        theta = recording.theta(recording.left)
        step = recording.steps[recording.left]
        many = len(self.paths) > 1
        if not where:
            said = _("{name} left at step {step:,}") if many else _("left the map at step {step:,}")
            return said.format(name=name, step=step)
        at = ", ".join(
            f"{label} {format_number(theta[k])}"
            for label, k in zip(piece.names, piece.pair, strict=True)
        )
        said = (
            _("{name} left at step {step:,} ({at})")
            if many
            else _("left the map at step {step:,} ({at})")
        )
        return said.format(name=name, step=step, at=at)


def drawn_axes(piece: Slice) -> bool:
    """Whether the ellipses are long enough for their axes to be worth drawing."""
    steep, shallow = piece.axes()
    return steep.curvature >= ROUND * shallow.curvature


def format_number(value: float) -> str:
    return f"{value:.3g}" if math.isfinite(value) else str(value)


def parameter_held(num_features: int, pair: tuple[int, int]) -> str:
    """What the title says is held at its optimum: the one other parameter by name, "others",
    or nothing (one feature: the pair is all there is)."""
    others = [k for k in range(num_features + 1) if k not in pair]
    if not others:
        return ""
    return parameter_names(num_features)[others[0]] if len(others) == 1 else "others"
