"""The main screen: the settings form and the log on the left; the plots, the code and the
parameter table on the right; the status line. It shows what each engine event changes; the
app decides what runs."""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.events import Resize
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, Static

from tui_linreg.config import FieldError, TrainConfig, parse_field
from tui_linreg.engine.events import EpochEnded, Progress, RunEnded, RunStarted
from tui_linreg.landscape import Recording
from tui_linreg.ui.widgets.code_pane import CodePane
from tui_linreg.ui.widgets.epoch_log import EpochLog
from tui_linreg.ui.widgets.key_hints import KeyHints, width_classes
from tui_linreg.ui.widgets.landscape_plot import LandscapePlot
from tui_linreg.ui.widgets.parameter_table import ParameterTable
from tui_linreg.ui.widgets.plots import (
    DRAW_SHARE,
    FLAT_OUT_SHARE,
    LossPlot,
    ScatterPlot,
    TrajectoryPlot,
)
from tui_linreg.ui.widgets.settings_form import SettingsForm
from tui_linreg.ui.widgets.status_line import StatusLine
from tui_linreg.ui.widgets.step_inspector import StepInspector
from tui_linreg.ui.widgets.sweep_plot import SweepPlot

MIN_WIDTH, MIN_HEIGHT = 80, 24

REDRAW_INTERVAL_S = 0.25
"""Plots, table and status line redraw at most four times a second, however fast training
reports: every repaint is time taken from the training thread, which shares the GIL."""


def truth_of(config: TrainConfig) -> tuple[float, ...]:
    """The true (w…, b) for the table; nan (shown as —) for real data, which has none."""
    return config.truth or (math.nan,) * (config.num_features + 1)


class MainScreen(Screen[None]):
    AUTO_FOCUS = "#field-learning_rate"
    """The first field has the cursor from the first frame (no second restyle for focus)."""
    ALLOW_IN_MAXIMIZED_VIEW = "StatusLine, KeyHints"
    """A maximised plot (m) keeps the status line and the keys below it."""

    def __init__(
        self,
        initial: TrainConfig,
        *,
        cursor_blink: bool,
        sweep: str = "",
        flat_out: Callable[[], bool] = lambda: False,
    ) -> None:
        super().__init__()
        self.initial = initial
        self.flat_out = flat_out
        """Whether a run is training as fast as it can now (not paced, not paused)."""
        self.cursor_blink = cursor_blink
        self.form = SettingsForm(initial, id="form", sweep=sweep)
        self.log_view = EpochLog(id="log")
        self.scatter = ScatterPlot(id="scatter")
        self.trajectory = TrajectoryPlot(id="trajectory")
        self.landscape = LandscapePlot(id="landscape")
        self.sweep = SweepPlot(id="sweep")
        self.loss = LossPlot(id="loss")
        self.code = CodePane(id="code")
        self.inspector = StepInspector(id="inspector")
        self.table = ParameterTable(id="parameters")
        self.status = StatusLine(id="status")
        self.too_small = Static("", id="too-small")

    def compose(self) -> ComposeResult:
        # The size classes before anything is styled: on_mount's _fit then changes nothing,
        # and the screen is not restyled whole a second time before its first frame.
        self._fit(self.app.size.width, self.app.size.height)
        with Horizontal(id="workspace"):
            with Vertical(id="sidebar"):
                yield self.form
                yield self.log_view
            with Vertical(id="main"):
                with Horizontal(id="plots"):
                    yield self.scatter
                    yield self.trajectory
                    yield self.landscape
                    yield self.sweep
                    yield self.loss
                yield self.code
                yield self.inspector
                yield self.table
        yield self.status
        yield self.too_small
        yield KeyHints(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        if not self.cursor_blink:
            for field in self.query(Input):
                field.cursor_blink = False
        self.set_interval(REDRAW_INTERVAL_S, self.refresh_views)
        self.scatter.replot()
        self.loss.replot()
        self.table.preview((*self.initial.true_w, self.initial.true_b))
        self._fit(self.app.size.width, self.app.size.height)

    def on_resize(self, event: Resize) -> None:
        self._fit(event.size.width, event.size.height)

    def _fit(self, width: int, height: int) -> None:
        small = width < MIN_WIDTH or height < MIN_HEIGHT
        wanted = {"too-small": small, **width_classes(width)}
        before = set(self.classes)
        for name, is_wanted in wanted.items():
            self.set_class(is_wanted, name, update=False)
        # Restyled once: each class change restyles the whole screen (about 50 ms), and at
        # start four of them were a quarter of the time to the first frame.
        if set(self.classes) != before:
            self.update_node_styles()
        if small:
            self.too_small.update(
                f"Enlarge the terminal to at least {MIN_WIDTH}×{MIN_HEIGHT}\n"
                f"(it is {width}×{height} now).\n\nctrl+q quits."
            )

    def refresh_views(self, force: bool = False) -> None:
        """Draw what changed since the last tick: plots, parameter table, status line.

        A plot whose drawing is slow (a big terminal, a long loss curve) is redrawn less often
        than every tick, so that drawing stays a small share of the time (plots.DRAW_SHARE, and
        FLAT_OUT_SHARE while a run trains flat out); ``force`` draws everything stale now (a
        run's end, a key press).
        """
        now = time.monotonic()
        flat_out = self.flat_out()
        share = FLAT_OUT_SHARE if flat_out else DRAW_SHARE
        for plot in (self.scatter, self.loss, self.trajectory, self.landscape, self.sweep):
            if plot.stale and (force or plot.due(now, share)):
                plot.replot()
        # The table takes about 4 ms to draw (Textual's DataTable): once a second is enough
        # while a run trains flat out, and keeps that off the training thread.
        if force or not flat_out or now - self._table_flushed >= 1.0:
            self._table_flushed = now
            self.table.flush()
        self.status.flush()
        self.inspector.flush()

    _table_flushed = -math.inf

    @property
    def showing_code(self) -> bool:
        return self.query_one("#main").has_class("show-code")

    @property
    def showing_inspector(self) -> bool:
        return self.query_one("#main").has_class("show-inspector")

    def toggle_code(self) -> bool:
        """Show or hide the code pane (in the plots' place); whether it is shown now."""
        main = self.query_one("#main")
        main.remove_class("show-inspector")
        main.toggle_class("show-code")
        return self.showing_code

    def toggle_inspector(self) -> bool:
        """Show or hide the step inspector (in the plots' place); whether it is shown now."""
        main = self.query_one("#main")
        main.remove_class("show-code")
        main.toggle_class("show-inspector")
        shown = main.has_class("show-inspector")
        self.inspector.stale = self.inspector.detail is not None
        self.inspector.flush()
        # The keys scroll it at once (every app key works wherever the focus is); hidden, the
        # focus goes back to where it was.
        if shown:
            self._focus_before_inspector = self.focused
            self.inspector.focus()
        elif self.focused is self.inspector or self.focused is None:
            back = self._focus_before_inspector
            if back is not None and back.is_attached:
                back.focus()
        return shown

    _focus_before_inspector: Widget | None = None

    def toggle_trajectories(self) -> None:
        """f4 goes round the data pane's views: the data, the trajectories, and after a sweep
        its runs against the swept value."""
        self._uncovered()
        plots = self.query_one("#plots")
        if plots.has_class("sweep"):
            self._toggle_view("sweep")  # back to the data
        elif plots.has_class("trajectories") and self.sweep.ends:  # a sweep of numbers
            self._toggle_view("sweep")
        else:
            self._toggle_view("trajectories")

    def hide_sweep(self) -> None:
        """A new plan: the data plot again, in the sweep's place (f4 brings it back)."""
        if self.query_one("#plots").has_class("sweep"):
            self._toggle_view("sweep")

    def show_sweep(self, field: str, ends: list[RunEnded]) -> bool:
        """A sweep of numbers ended: its runs against the swept value, in the data pane's
        place; whether it is shown now."""
        self.sweep.show(field, ends)
        plots = self.query_one("#plots")
        if not any(plots.has_class(view) for view in ("landscape", "trajectories", "sweep")):
            # the data plot gives way; a view the user asked for stays (f4 comes round to it)
            self._toggle_view("sweep")
        return plots.has_class("sweep")

    def toggle_landscape(self) -> bool:
        """Show the landscape in the data plot's place, with the focus (the replay keys work
        there at once), or the data plot again, the focus back where it was; whether the
        landscape is shown now."""
        if not (self._uncovered() and self.showing_landscape):  # covered, f9 shows it
            self._toggle_view("landscape")
        if self.showing_landscape:
            self._focus_before_landscape = self.focused
            self.landscape.focus()
        elif self.focused is self.landscape or self.focused is None:
            back = self._focus_before_landscape
            if back is not None and back.is_attached:
                back.focus()
        return self.showing_landscape

    _focus_before_landscape: Widget | None = None

    @property
    def showing_landscape(self) -> bool:
        return self.query_one("#plots").has_class("landscape")

    def _uncovered(self) -> bool:
        """Hide the code pane or the step inspector, which take the plots' place: a view key
        (f4, f9) shows its view, not nothing. Whether either was shown."""
        if self.showing_inspector:
            self.toggle_inspector()  # the focus goes back where it was
            return True
        if self.showing_code:
            self.toggle_code()
            return True
        return False

    def _toggle_view(self, name: str) -> None:
        """One view at a time in the data plot's place: the trajectories, the landscape or the
        sweep's runs."""
        plots = self.query_one("#plots")
        plots.set_class(not plots.has_class(name), name)
        plots.remove_class(*({"trajectories", "landscape", "sweep"} - {name}))
        self.trajectory.stale = self.scatter.stale = self.landscape.stale = True
        self.sweep.stale = True
        self.refresh_views(force=True)

    @on(Input.Changed, "#field-true_w, #field-true_b")
    def preview_truth(self) -> None:
        """Until the first run, the parameter table follows the form's true w and b."""
        texts = self.form.texts()
        try:
            true_w = parse_field("true_w", texts["true_w"])
            true_b = parse_field("true_b", texts["true_b"])
        except FieldError:
            return  # the form shows the mistake
        self.table.preview((*true_w, true_b))

    # --- replay ---------------------------------------------------------------------------

    replayed: int | None = None
    """The index, in the latest run's recording, of the step every pane shows; None: live."""

    def replay(self, move: str) -> Recording | None:
        """Show the recorded step ``move`` leads to (Recording.moved, through the latest run)
        in every pane: the scatter's line, each run's ● on the map (where it was at that step:
        after f6, both), a line on the loss plot, the table, the status line. The inspector is
        the app's (it takes the step again, in a worker). None: nothing recorded yet."""
        recording = self.landscape.latest()
        if recording is None or len(recording) < 2:
            return None
        index = len(recording) - 1 if self.replayed is None else self.replayed
        self.replayed = index = recording.moved(index, move)
        step = recording.steps[index]
        for other in self.landscape.paths.values():  # the latest last: its column wins
            theta = other.theta(other.index_of(step))
            self.table.show(other.config.implementation, theta)
        theta = recording.theta(index)
        self.scatter.show_learned(theta[:-1], theta[-1])
        self.landscape.shown_step = step
        self.landscape.stale = True
        self.loss.marker = step / recording.steps_per_epoch
        self.loss.stale = True
        epoch, within = recording.epoch_and_step(index)
        where = "the start" if step == 0 else f"epoch {epoch} step {within}"
        kept = f" · one step in {recording.every:,} kept" if recording.every > 1 else ""
        self.status.say(
            f"replay · {recording.config.implementation} · step {step:,}/{recording.steps[-1]:,}"
            f" · {where}{kept} · ←→ step, shift+←→ epoch, end: last"
        )
        self.refresh_views(force=True)
        return recording

    def end_replay(self) -> None:
        """Back to live: the panes show the run's latest step again."""
        if self.replayed is None:
            return
        self.replayed = None
        recording = self.landscape.latest()
        self.landscape.shown_step = self.loss.marker = None
        self.landscape.stale = self.loss.stale = True
        for other in self.landscape.paths.values():
            theta = other.theta(len(other) - 1)
            self.table.show(other.config.implementation, theta)
        if recording is not None:
            theta = recording.theta(len(recording) - 1)
            self.scatter.show_learned(theta[:-1], theta[-1])

    # --- what each event changes ------------------------------------------------------

    def run_started(
        self,
        event: RunStarted,
        label: str,
        *,
        new_data: bool,
        new_plot: bool,
        paused: bool = False,
    ) -> None:
        """A run begins: ``new_data`` if its data differs from what the table shows,
        ``new_plot`` if its curve starts a fresh loss plot (the first run of a plan),
        ``paused`` if it waits before its first step (f7)."""
        config = event.config
        self.end_replay()
        if new_data:
            self.table.new_data(truth_of(config), event.closed_form, features=config.features)
            if new_plot:
                self.loss.new_data()
        elif event.closed_form != self.table.closed_form:  # a sweep of losses: each its own
            self.table.new_optimum(event.closed_form)
        self.scatter.show_data(event, label, keep=not new_data and not new_plot)
        self.landscape.start(event, label, new_map=new_plot or new_data)
        self.loss.start(event, label)
        self.trajectory.start(event)
        self.log_view.started(event)
        self.inspector.waiting(
            f"{config.implementation} has started: no step watched yet.\n\n"
            "f7 takes one step (ctrl+o resumes). At a pace of 1000 steps/s or slower every "
            "step is shown here; at max, only single steps and the run's last step."
        )
        if self.showing_code:
            self.code.show(
                config.implementation,
                config.pitfalls,
                config.loss_function,
                config.model,
                config.optimizer,
                config.weight_decay,
            )
        self.status.running(
            config.implementation, 1, config.epochs, 0.0, paused=paused, pace=config.pace
        )

    def preview(self, started: RunStarted) -> None:
        """Before a run: the data the form describes, the true line and the untrained one,
        and the table at the start."""
        config = started.config
        self.scatter.show_data(started)
        self.landscape.show_data(started)
        self.table.new_data(
            truth_of(config), started.closed_form, previewed=True, features=config.features
        )
        self.table.show("start", (*started.initial_w, started.initial_b))
        self.refresh_views(force=True)

    def progress(
        self,
        event: Progress,
        config: TrainConfig,
        *,
        paused: bool = False,
        pace: float | None = None,
    ) -> None:
        """Within an epoch: the batch losses, and the line and table at the latest step;
        ``paused`` after a single step; ``pace``, the run's now (ctrl+y changes it)."""
        self.loss.progress(event)
        self.landscape.progress(event)
        if event.last_step is not None:
            self.inspector.show(event.last_step, config.pitfalls)
        self.scatter.show_learned(event.w, event.b)
        self.table.show(config.implementation, (*event.w, event.b))
        done = (event.epoch - 1 + event.step / event.steps_per_epoch) / config.epochs
        self.status.progress(done)
        self.status.running(
            config.implementation,
            event.epoch,
            config.epochs,
            event.elapsed_s,
            event.step,
            event.steps_per_epoch,
            paused=paused,
            pace=pace,
        )

    def epoch_ended(
        self,
        event: EpochEnded,
        config: TrainConfig,
        *,
        paused: bool = False,
        pace: float | None = None,
    ) -> None:
        self.log_view.epoch(event)
        self.loss.epoch(event)
        self.trajectory.epoch(event)
        self.scatter.show_learned(event.w, event.b)
        self.table.show(config.implementation, (*event.w, event.b))
        self.status.progress(event.epoch / config.epochs)
        steps = -(-config.num_examples // config.batch_size)
        self.status.running(
            config.implementation,
            event.epoch,
            config.epochs,
            event.elapsed_s,
            steps,
            steps,
            paused=paused,
            pace=pace,
        )

    def run_ended(self, event: RunEnded) -> None:
        self.log_view.ended(event)
        self.table.summarise(event)
        self.scatter.show_learned(event.w, event.b)
        self.table.show(event.config.implementation, (*event.w, event.b))
        self.code.run_ended()
        self.refresh_views(force=True)  # the final state is drawn at once
