"""The main screen's panes, and what each change of the session draws in them: the settings
form and the log on the left; the plots (or the code, or the step inspector, in their place)
and the parameter table on the right; the status line.

:class:`PanesScreen` only draws: the session says what happened (session.Change), and the
main screen (main.py), its subclass, decides what runs. Which view shows is reactive state:
``data_view`` in the data plot's place, ``in_place`` in the plots' place; one watcher each
switches the view and moves the focus.
"""

from __future__ import annotations

import math
import time

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.events import Resize
from textual.reactive import reactive
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import ContentSwitcher, Input, Static

from tui_linreg.config import FieldError, TrainConfig, parse_field
from tui_linreg.engine.events import EpochEnded, Progress, RunEnded, RunStarted
from tui_linreg.i18n import _
from tui_linreg.session import Change, Replayed, Session
from tui_linreg.ui.widgets.code_pane import CodePane
from tui_linreg.ui.widgets.epoch_log import EpochLog
from tui_linreg.ui.widgets.graph_pane import GraphPane
from tui_linreg.ui.widgets.key_hints import KeyHints, width_classes
from tui_linreg.ui.widgets.notes_pane import NotesPane
from tui_linreg.ui.widgets.parameter_table import ParameterTable
from tui_linreg.ui.widgets.plots.base import DRAW_SHARE, FLAT_OUT_SHARE
from tui_linreg.ui.widgets.plots.landscape import LandscapePlot
from tui_linreg.ui.widgets.plots.loss import LossPlot
from tui_linreg.ui.widgets.plots.scatter import ScatterPlot
from tui_linreg.ui.widgets.plots.sweep import SweepPlot
from tui_linreg.ui.widgets.plots.trajectory import TrajectoryPlot
from tui_linreg.ui.widgets.settings_form import SettingsForm
from tui_linreg.ui.widgets.status_line import StatusLine
from tui_linreg.ui.widgets.step_inspector import StepInspector
from tui_linreg.ui.widgets.walk_pane import WalkPane

MIN_WIDTH, MIN_HEIGHT = 80, 24

NOTES_ASIDE_WIDTH = 110
"""From this width the notes sit beside the parameter table; narrower, ctrl+e shows them."""

REDRAW_INTERVAL_S = 0.25
"""Plots, table and status line redraw at most four times a second, however fast training
reports: every repaint is time taken from the training thread, which shares the GIL."""

DATA_VIEWS = ("scatter", "trajectory", "landscape", "sweep")
"""What the data plot's place shows: the data (f4 and f9 come back to it), the trajectories
(f4), the loss landscape (f9), a sweep's runs against the swept value (f4, after a sweep)."""
IN_PLACE = ("plots", "code", "inspector", "graph", "walk")
"""What the plots' place shows: the plots, the code being run (f3), the step inspector (f8)."""


def truth_of(config: TrainConfig) -> tuple[float, ...]:
    """The true (w…, b) for the table; nan (shown as —) for real data, which has none."""
    return config.truth or (math.nan,) * (config.num_features + 1)


class PanesScreen(Screen[None]):
    AUTO_FOCUS = "#field-learning_rate"
    """The first field has the cursor from the first frame (no second restyle for focus)."""
    ALLOW_IN_MAXIMIZED_VIEW = "StatusLine, KeyHints"
    """A maximised plot (m) keeps the status line and the keys below it."""

    data_view: reactive[str] = reactive("scatter", init=False)
    """Which of DATA_VIEWS the data plot's place shows."""
    in_place: reactive[str] = reactive("plots", init=False)
    """Which of IN_PLACE the plots' place shows."""

    def __init__(
        self, session: Session, initial: TrainConfig, *, cursor_blink: bool, sweep: str = ""
    ) -> None:
        super().__init__()
        self.session = session
        self.initial = initial
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
        self.graph = GraphPane(id="graph")
        self.walk = WalkPane(id="walk")
        self.table = ParameterTable(id="parameters")
        self.notes = NotesPane(id="notes")
        self.status = StatusLine(id="status")
        self.too_small = Static("", id="too-small")
        self._focus_before: dict[Widget, Widget | None] = {}
        """Where the focus was before a pane that takes it (the map, the inspector) showed."""

    def compose(self) -> ComposeResult:
        # The size classes before anything is styled: on_mount's _fit then changes nothing,
        # and the screen is not restyled whole a second time before its first frame.
        self._fit(self.app.size.width, self.app.size.height)
        with Horizontal(id="workspace"):
            with Vertical(id="sidebar"):
                yield self.form
                yield self.log_view
            with Vertical(id="main"):
                with ContentSwitcher(id="in-place", initial="plots"):
                    with Horizontal(id="plots"):
                        with ContentSwitcher(id="data-view", initial="scatter"):
                            yield self.scatter
                            yield self.trajectory
                            yield self.landscape
                            yield self.sweep
                        yield self.loss
                    yield self.code
                    yield self.inspector
                    yield self.graph
                    yield self.walk
                with Horizontal(id="bottom"):
                    yield self.table
                    yield self.notes
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
        wanted = {
            "too-small": small,
            "notes-hidden": width < NOTES_ASIDE_WIDTH,
            **width_classes(width),
        }
        before = set(self.classes)
        for name, is_wanted in wanted.items():
            self.set_class(is_wanted, name, update=False)
        # Restyled once: each class change restyles the whole screen (about 50 ms), and at
        # start four of them were a quarter of the time to the first frame.
        if set(self.classes) != before:
            self.update_node_styles()
        if small:
            self.too_small.update(
                _(
                    "Enlarge the terminal to at least {min_width}×{min_height}\n"
                    "(it is {width}×{height} now).\n\nctrl+q quits."
                ).format(min_width=MIN_WIDTH, min_height=MIN_HEIGHT, width=width, height=height)
            )

    def refresh_views(self, force: bool = False) -> None:
        """Draw what changed since the last tick: plots, parameter table, status line.

        A plot whose drawing is slow (a big terminal, a long loss curve) is redrawn less often
        than every tick, so that drawing stays a small share of the time (plots.DRAW_SHARE, and
        FLAT_OUT_SHARE while a run trains flat out); ``force`` draws everything stale now (a
        run's end, a key press).
        """
        now = time.monotonic()
        flat_out = self.session.flat_out
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

    # --- the views ------------------------------------------------------------------------

    def watch_data_view(self, before: str, shown: str) -> None:
        self.query_one("#data-view", ContentSwitcher).current = shown
        # The map needs the room: two thirds of the row (app.tcss).
        self.query_one("#plots").set_class(shown == "landscape", "landscape")
        if "landscape" in (before, shown):
            self._hand_focus(self.landscape, shown == "landscape")
        for plot in (self.scatter, self.trajectory, self.landscape, self.sweep):
            plot.stale = True
        self.refresh_views(force=True)

    def watch_in_place(self, before: str, shown: str) -> None:
        self.query_one("#in-place", ContentSwitcher).current = shown
        self.table.display = shown != "inspector"  # its update table has θ before and after
        if shown == "inspector":
            self.inspector.stale = self.inspector.detail is not None
            self.inspector.flush()
        if "inspector" in (before, shown):
            self._hand_focus(self.inspector, shown == "inspector")
        if "walk" in (before, shown):
            self._hand_focus(self.walk, shown == "walk")  # its ↑↓ keys work at once

    def _hand_focus(self, pane: Widget, shown: bool) -> None:
        """A pane shown takes the focus, so that its keys (replay, scrolling) work at once;
        hidden, it gives the focus back to where it was."""
        if shown:
            self._focus_before[pane] = self.focused
            pane.focus()
        elif self.focused is pane or self.focused is None:
            back = self._focus_before.pop(pane, None)
            if back is not None and back.is_attached:
                back.focus()

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

    # --- what each change draws -------------------------------------------------------------

    def draw_started(self, change: Change) -> None:
        """A run begins: new data in the table and on the map if its data differs, a fresh
        loss plot for a plan's first run, and the code it runs if that is shown."""
        event, config = change.event, change.config
        assert isinstance(event, RunStarted)
        self.landscape.shown_step = self.loss.marker = None  # live again, if it was replayed
        if change.new_data:
            self.table.new_data(truth_of(config), event.closed_form, features=config.features)
            if change.new_plot:
                self.loss.new_data()
        elif event.closed_form != self.table.closed_form:  # a sweep of losses: each its own
            self.table.new_optimum(event.closed_form)
        if event.index == 0:  # a new plan: the last one's notes and sweep are not about it
            self.notes.show(())
            self.sweep.show("", [])  # f4 offered the first sweep's view after a second
            if self.data_view == "sweep":
                self.data_view = "scatter"
        # The table's column starts at the run's first θ: a run started paused (f7) must not
        # show the last run's answer as its own.
        self.table.show(event.label or config.implementation, (*event.initial_w, event.initial_b))
        keep = not change.new_data and not change.new_plot
        self.scatter.show_data(event, event.label, keep=keep)
        self.landscape.start(
            event, self.session.recordings, new_map=change.new_plot or change.new_data
        )
        self.loss.start(event, event.label)
        self.trajectory.start(event)
        self.log_view.started(event)
        self.inspector.waiting(
            _(
                "{implementation} has started: no step watched yet.\n\n"
                "f7 takes one step (ctrl+o resumes). At a pace of 1000 steps/s or slower every "
                "step is shown here; at max, only single steps and the run's last step."
            ).format(implementation=config.implementation)
        )
        if self.in_place == "code":
            self.code.show(config)
        self.status.running(
            config.implementation, 1, config.epochs, 0.0, paused=change.paused, pace=config.pace
        )

    def draw_preview(self, started: RunStarted) -> None:
        """Before a run: the data the form describes, the true line and the untrained one,
        and the table at the start."""
        config = started.config
        self.scatter.show_data(started)
        self.landscape.show_data(started)
        self.table.new_data(
            truth_of(config), started.closed_form, previewed=True, features=config.features
        )
        self.table.show(_("start"), (*started.initial_w, started.initial_b))
        self.refresh_views(force=True)

    def draw_progress(self, change: Change) -> None:
        """Within an epoch: the batch losses, and the line and table at the latest step."""
        event, config = change.event, change.config
        assert isinstance(event, Progress)
        self.loss.progress(event)
        self.landscape.progress(event)
        if event.last_step is not None:
            self.inspector.show(event.last_step, config.pitfalls)
        self.scatter.show_learned(event.w, event.b)
        self.table.show(self.session.latest or config.implementation, (*event.w, event.b))
        done = (event.epoch - 1 + event.step / event.steps_per_epoch) / config.epochs
        self.status.progress(done)
        self.status.running(
            config.implementation,
            event.epoch,
            config.epochs,
            event.elapsed_s,
            event.step,
            event.steps_per_epoch,
            paused=change.paused,
            pace=change.pace,
        )

    def draw_epoch(self, change: Change) -> None:
        event, config = change.event, change.config
        assert isinstance(event, EpochEnded)
        self.log_view.epoch(event)
        self.loss.epoch(event)
        self.trajectory.epoch(event)
        self.scatter.show_learned(event.w, event.b)
        self.table.show(self.session.latest or config.implementation, (*event.w, event.b))
        self.status.progress(event.epoch / config.epochs)
        steps = -(-config.num_examples // config.batch_size)
        self.status.running(
            config.implementation,
            event.epoch,
            config.epochs,
            event.elapsed_s,
            steps,
            steps,
            paused=change.paused,
            pace=change.pace,
        )

    def draw_ended(self, event: RunEnded) -> None:
        self.log_view.ended(event)
        self.table.summarise(event)
        self.scatter.show_learned(event.w, event.b)
        self.table.show(event.label or event.config.implementation, (*event.w, event.b))
        self.code.run_ended()
        self.refresh_views(force=True)  # the final state is drawn at once

    # --- replay ---------------------------------------------------------------------------

    def draw_replayed(self, replayed: Replayed) -> None:
        """Every pane at the replayed step: the scatter's line, each run's ● on the map (where
        it was at that step: after f6, both), a line on the loss plot, the table, the status
        line. The inspector is the main screen's (it takes the step again, in a worker)."""
        recording, step = replayed.recording, replayed.step
        for label, theta in replayed.thetas.items():  # the latest last: its column wins
            self.table.show(label, theta)
        theta = recording.theta(replayed.index)
        self.scatter.show_learned(theta[:-1], theta[-1])
        self.landscape.shown_step = step
        self.landscape.stale = True
        self.loss.marker = step / recording.steps_per_epoch
        self.loss.stale = True
        epoch, within = replayed.where
        said = [
            _("replay"),
            recording.config.implementation,
            _("step {step:,}/{last:,}").format(step=step, last=recording.steps[-1]),
            _("the start")
            if step == 0
            else _("epoch {epoch} step {within}").format(epoch=epoch, within=within),
        ]
        if recording.every > 1:
            said.append(_("one step in {every:,} kept").format(every=recording.every))
        said.append(_("←→ step, shift+←→ epoch, end: last"))
        self.status.say(" · ".join(said))
        self.refresh_views(force=True)

    def draw_live(self) -> None:
        """Back to live: the panes show each run's latest step again."""
        if self.landscape.shown_step is None and self.loss.marker is None:
            return
        self.landscape.shown_step = self.loss.marker = None
        self.landscape.stale = self.loss.stale = True
        for label, recording in self.session.recordings.items():  # the latest last
            theta = recording.theta(len(recording) - 1)
            self.table.show(label, theta)
            self.scatter.show_learned(theta[:-1], theta[-1])
