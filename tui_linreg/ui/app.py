"""The Textual app: it drives the engine in a thread worker and shows what the engine reports.

Data flows one way: the form gives a config, the worker runs the engine and posts its events
as messages, and the widgets update from the messages. Only cancel and pause flow back, as
flags the engine checks before every mini-batch. PyTorch is imported in a background thread
after the first frame, so the app appears at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import signal
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.command import CommandPalette
from textual.containers import Horizontal, Vertical
from textual.events import Resize
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, Static
from textual.worker import Worker, WorkerState

from tui_linreg.config import IMPLEMENTATIONS, ConfigError, FieldError, TrainConfig, parse_field
from tui_linreg.engine.control import RunControl
from tui_linreg.engine.events import EpochEnded, Outcome, Progress, RunEnded, RunStarted
from tui_linreg.report import LOSS_SCALES_NOTE
from tui_linreg.ui import formatting
from tui_linreg.ui.messages import Notice, RunEvent, RunRefused, TorchLoaded
from tui_linreg.ui.screens.help import HelpScreen
from tui_linreg.ui.widgets.code_pane import CodePane
from tui_linreg.ui.widgets.epoch_log import EpochLog
from tui_linreg.ui.widgets.hyperparameters import HyperparameterForm
from tui_linreg.ui.widgets.parameter_table import ParameterTable
from tui_linreg.ui.widgets.plots import LossPlot, ScatterPlot, TrajectoryPlot
from tui_linreg.ui.widgets.status_line import StatusLine

if TYPE_CHECKING:
    from tui_linreg.history import History

MIN_WIDTH, MIN_HEIGHT = 80, 24

SCREEN_ACTIONS = ("help", "runs", "presets")
"""The actions that show a screen of their own over the main one."""
REDRAW_INTERVAL_S = 0.25
"""Plots, table and status line redraw at most four times a second, however fast training
reports: every repaint is time taken from the training thread, which shares the GIL."""


HANGUPS = (signal.SIGTERM, signal.SIGHUP)
"""Signals that end the app like ctrl+q: a kill or shutdown, and a dropped SSH connection."""


class LinregApp(App[None]):
    """Linear regression, from scratch and concise, trained live."""

    CSS_PATH = Path(__file__).with_name("app.tcss")  # absolute: subclasses elsewhere find it
    AUTO_FOCUS = "#field-learning_rate"
    """The first field has the cursor from the first frame (no second restyle for focus)."""
    TITLE = "tui-linreg"
    # Every key is a priority binding, so it works while a text field has focus. None of them
    # collides with the Input's editing keys, tmux (ctrl+b), screen (ctrl+a) or the terminal
    # (ctrl+s, ctrl+z, ctrl+c).
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r", "run", "Run", priority=True, tooltip="Run, or restart the run", id="run"),
        Binding("ctrl+g", "stop", "Stop", priority=True, tooltip="Stop the run", id="stop"),
        Binding("ctrl+o", "pause", "Pause", priority=True, tooltip="Pause or resume", id="pause"),
        Binding(
            "ctrl+t",
            "toggle_implementation",
            "Impl",
            priority=True,
            tooltip="Next implementation: scratch → concise → analytic",
            id="toggle",
        ),
        Binding(
            "ctrl+l", "log_scale", "Log", priority=True, tooltip="Log or linear loss axis", id="log"
        ),
        Binding(
            "ctrl+n", "new_seed", "Seed", priority=True, tooltip="Next seed, and run", id="seed"
        ),
        Binding(
            "ctrl+f",
            "next_feature",
            "Feat",
            priority=True,
            tooltip="Scatter the next feature",
            id="feature",
        ),
        Binding(
            "f1", "help", "Help", priority=True, tooltip="Every key, and what it does", id="help"
        ),
        Binding(
            "f2",
            "runs",
            "Runs",
            priority=True,
            tooltip="Run history: sort, overlay, export",
            id="runs",
        ),
        Binding(
            "f3",
            "code",
            "Code",
            priority=True,
            tooltip="Show or hide the code being run",
            id="code",
        ),
        Binding(
            "f4",
            "trajectories",
            "Params",
            priority=True,
            tooltip="Data plot or parameter trajectories",
            id="trajectories",
        ),
        Binding(
            "f5",
            "presets",
            "Presets",
            priority=True,
            tooltip="The lessons' experiments",
            id="presets",
        ),
        Binding(
            "f6",
            "both",
            "Both",
            priority=True,
            tooltip="Run scratch and concise on the same data",
            id="both",
        ),
        Binding("ctrl+q", "quit", "Quit", priority=True, tooltip="Quit the app", id="quit"),
    ]

    form: HyperparameterForm
    log_view: EpochLog
    table: ParameterTable
    scatter: ScatterPlot
    loss: LossPlot
    trajectory: TrajectoryPlot
    code: CodePane
    status: StatusLine
    main_screen: Screen[Any]
    too_small: Static

    def __init__(
        self,
        config: TrainConfig | None = None,
        *,
        cursor_blink: bool = True,
        history_path: Path | None = None,
    ) -> None:
        super().__init__()
        self.initial = config or TrainConfig()
        self.history_path = history_path
        """Where every run is recorded (None: the user's data directory). Written from the
        worker thread, never the UI's; the history module loads only when first needed."""
        self.queue: list[TrainConfig] = []
        """Runs still to do in a sequence (both implementations, or a sweep)."""
        self.sequence: list[RunEnded] = []
        self.sequence_kind = ""
        self.labels: dict[TrainConfig, str] = {}
        """Curve labels for the runs of a sequence, by what differs between them."""
        self.cursor_blink = cursor_blink
        self.training: Worker[None] | None = None
        """The current training worker; tests await it through this handle."""
        self.loading: threading.Thread | None = None
        """The background import of PyTorch."""
        self.control: RunControl | None = None
        self.training_ended = threading.Event()
        """Set when the current run's worker has returned (its thread is free again)."""
        self.training_ended.set()
        self.run_id = 0
        self.running: TrainConfig | None = None
        """Config of the run in progress, None when idle."""
        self.torch_ready = False
        self.current_data: tuple[Any, ...] | None = None
        self._prepared: tuple[tuple[Any, ...], Any] | None = None

    # --- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(id="workspace"):
            with Vertical(id="sidebar"):
                yield HyperparameterForm(self.initial, id="form")
                yield EpochLog(id="log")
            with Vertical(id="main"):
                with Horizontal(id="plots"):
                    yield ScatterPlot(id="scatter")
                    yield TrajectoryPlot(id="trajectory")
                    yield LossPlot(id="loss")
                yield CodePane(id="code")
                yield ParameterTable(id="parameters")
        yield StatusLine(id="status")
        yield Static("", id="too-small")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        # The main screen's widgets, kept so that handlers reach them whichever screen is on top.
        self.form = self.query_one(HyperparameterForm)
        self.log_view = self.query_one(EpochLog)
        self.table = self.query_one(ParameterTable)
        self.scatter = self.query_one(ScatterPlot)
        self.loss = self.query_one(LossPlot)
        self.trajectory = self.query_one(TrajectoryPlot)
        self.code = self.query_one(CodePane)
        self.status = self.query_one(StatusLine)
        self.main_screen = self.screen
        self.too_small = self.query_one("#too-small", Static)
        if not self.cursor_blink:
            for field in self.query(Input):
                field.cursor_blink = False
        self.set_interval(REDRAW_INTERVAL_S, self.refresh_views)
        self.scatter.replot()
        self.loss.replot()
        self.table.preview((*self.initial.true_w, self.initial.true_b))
        self._fit(self.size.width, self.size.height)
        self._catch_hangups()
        # PyTorch loads once the first frame is on screen: its import holds the GIL for
        # seconds, and started any earlier it would hold back the first paint.
        self.call_after_refresh(self.start_loading)

    def _catch_hangups(self) -> None:
        """SIGTERM (kill, a shutdown) and SIGHUP (a dropped SSH connection) quit like ctrl+q:
        the run is cancelled and recorded, and the terminal is restored if it is still there.
        Their default action would end the process on the spot."""
        try:
            loop = asyncio.get_running_loop()
            for number in HANGUPS:
                loop.add_signal_handler(number, self.exit)
        except (RuntimeError, ValueError):  # not the main thread (a test's), or no such signal
            return

    def start_loading(self) -> None:
        # A daemon thread, not a Textual worker: quitting must not wait for an import to end
        # (asyncio joins its executor's threads when the app's loop closes).
        self.loading = threading.Thread(target=self.load_torch, name="load torch", daemon=True)
        self.loading.start()

    def on_unmount(self) -> None:
        """However the app ends, the training thread must not outlive it."""
        with contextlib.suppress(RuntimeError, ValueError):
            loop = asyncio.get_running_loop()
            for number in HANGUPS:
                loop.remove_signal_handler(number)
        if self.control is not None:
            self.control.cancel()
            self.training_ended.wait(1.0)  # it stops before its next mini-batch

    def on_resize(self, event: Resize) -> None:
        if "status" in vars(self):  # resizes can arrive before on_mount
            self._fit(event.size.width, event.size.height)

    def _fit(self, width: int, height: int) -> None:
        small = width < MIN_WIDTH or height < MIN_HEIGHT
        self.main_screen.set_class(small, "too-small")
        if small:
            self.too_small.update(
                f"Enlarge the terminal to at least {MIN_WIDTH}×{MIN_HEIGHT}\n"
                f"(it is {width}×{height} now).\n\nctrl+q quits."
            )

    def refresh_views(self, force: bool = False) -> None:
        """Draw what changed since the last tick: plots, parameter table, status line.

        A plot whose drawing is slow (a big terminal, a long loss curve) is redrawn less often
        than every tick, so that drawing stays a small share of the time (plots.DRAW_SHARE);
        ``force`` draws everything stale now (a run's end, a key press).
        """
        now = time.monotonic()
        for plot in (self.scatter, self.loss, self.trajectory):
            if plot.stale and (force or plot.due(now)):
                plot.replot()
        self.table.flush()
        self.status.flush()

    # --- PyTorch in the background ------------------------------------------------------

    def load_torch(self) -> None:
        """Import torch and pay its one-off start costs (the optimiser machinery; on a GPU the
        CUDA context and kernels), off the UI thread, so the first run starts at once."""
        try:
            from tui_linreg.engine.run import warm_up

            warm_up(self.initial.device)
        except Exception as error:
            self.post_message(TorchLoaded(f"PyTorch could not be loaded: {error}"))
            return
        self.post_message(TorchLoaded())

    def on_torch_loaded(self, message: TorchLoaded) -> None:
        self.torch_ready = message.error is None
        if message.error:
            self.log_view.note(message.error)
            self.notify(message.error, severity="error", timeout=10)
        if self.running is None:
            self._idle_status()
        if self.torch_ready and self.query_one("#main").has_class("show-code"):
            self._show_code()

    # --- actions --------------------------------------------------------------------------

    def action_run(self) -> None:
        form = self.form
        try:
            config = form.read_config()
            sweep = form.sweep()
        except ConfigError as error:
            self.notify(
                "\n".join(p.message for p in error.problems),
                title="Cannot run",
                severity="error",
                timeout=8,
            )
            return
        if sweep is None:
            self.run_sequence([config], "")
        else:
            self.run_sequence(sweep.configs(config), "sweep")

    def run_sequence(self, configs: list[TrainConfig], kind: str) -> None:
        """Run ``configs`` one after another on the same data, overlaid."""
        from tui_linreg.history import differing_fields, label_of

        self.queue, self.sequence, self.sequence_kind = list(configs[1:]), [], kind
        fields = differing_fields(configs) if kind == "sweep" else []
        self.labels = {c: label_of(c, fields) for c in configs} if fields else {}
        if kind:
            what = "both implementations" if kind == "both" else f"a sweep of {len(configs)} runs"
            self.log_view.note(f"running {what} on the same data, overlaid")
        self._start(configs[0])

    def action_both(self) -> None:
        try:
            config = self.form.read_config()
        except ConfigError as error:
            self.notify(
                "\n".join(p.message for p in error.problems), title="Cannot run", severity="error"
            )
            return
        both = [dataclasses.replace(config, implementation=name) for name in ("scratch", "concise")]
        self.run_sequence(both, "both")

    @on(Button.Pressed, "#run")
    def run_pressed(self) -> None:
        self.action_run()

    @on(Input.Changed, "#field-true_w, #field-true_b")
    def preview_truth(self) -> None:
        """Until the first run, the parameter table follows the form's true w and b."""
        texts = self.form.texts()
        try:
            true_w = parse_field("true_w", texts["true_w"])
            true_b = parse_field("true_b", texts["true_b"])
        except FieldError:
            return  # the form shows the problem
        self.table.preview((*true_w, true_b))

    @on(Input.Submitted)
    def field_submitted(self) -> None:
        self.action_run()

    def _start(self, config: TrainConfig) -> None:
        if self.control is not None:
            self.control.cancel()  # the previous run stops before its next mini-batch
        self.run_id += 1
        self.control = RunControl()
        self.running = config
        status = self.status
        status.say(
            f"{config.implementation} · starting…" if self.torch_ready else "loading PyTorch…"
        )
        status.progress(0)
        self.training_ended = threading.Event()
        self.training = self.train(config, self.control, self.run_id, self.training_ended)

    @work(thread=True, exclusive=True, exit_on_error=False, group="training", name="training")
    def train(
        self, config: TrainConfig, control: RunControl, run_id: int, ended: threading.Event
    ) -> None:
        """Run the engine and post every event; never touches a widget."""
        from tui_linreg.engine.run import prepare, train

        try:
            key = config.data_key
            try:
                if self._prepared is None or self._prepared[0] != key:
                    self._prepared = (key, prepare(config))
                # A ConfigError comes before the first event: a device out of memory.
                for event in train(config, control, self._prepared[1]):
                    if isinstance(event, RunEnded):
                        self._record(event)
                    self.post_message(RunEvent(run_id, event))
            except ConfigError as error:
                self._prepared = None
                self.post_message(RunRefused(run_id, "; ".join(p.message for p in error.problems)))
        finally:
            ended.set()

    @property
    def history(self) -> History:
        from tui_linreg.history import History, default_path

        return History(self.history_path or default_path())

    def _record(self, end: RunEnded) -> None:
        """Append the run to the history (in the worker thread: no file I/O on the UI's)."""
        from tui_linreg.history import RunRecord

        history = self.history
        try:
            history.append(RunRecord.from_run(end))
        except OSError as error:
            self.post_message(Notice(f"run not recorded in {history.path}: {error.strerror}"))

    def on_notice(self, message: Notice) -> None:
        self.log_view.note(message.text)
        self.notify(message.text, severity="warning", timeout=8)

    def action_runs(self) -> None:
        from tui_linreg.ui.screens.runs import RunsScreen

        if isinstance(self.screen, RunsScreen):
            self.screen.dismiss()
        else:
            self.overlay(RunsScreen(self.history))

    def overlay(self, screen: Screen[Any], callback: Callable[[Any], None] | None = None) -> None:
        """Show ``screen`` over the main one, closing whatever was over it first: f2 over help
        replaces it rather than stacking screens."""
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.push_screen(screen, callback)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """While the command palette is open, the keys that open screens wait for it to close:
        a screen pushed over it, then ctrl+p, would open a second palette (Textual crashes on
        that), and closing a palette from outside crashes its search worker."""
        return not (action in SCREEN_ACTIONS and isinstance(self.screen, CommandPalette))

    def action_code(self) -> None:
        main = self.query_one("#main")
        main.toggle_class("show-code")
        if main.has_class("show-code"):
            self._show_code()

    def _show_code(self) -> None:
        if not self.torch_ready:
            return  # shown once PyTorch has loaded
        self.code.show(self.running.implementation if self.running else self.form.implementation)

    def action_trajectories(self) -> None:
        plots = self.query_one("#plots")
        plots.toggle_class("trajectories")
        self.trajectory.stale = self.scatter.stale = True
        self.refresh_views(force=True)

    def action_presets(self) -> None:
        def chosen(name: str | None) -> None:
            if name is None:
                return
            from tui_linreg.presets import PRESETS

            self.form.fill(PRESETS[name].apply(self.form_device()))
            self.log_view.note(f"preset {name}: {PRESETS[name].description} (ctrl+r runs it)")

        from tui_linreg.ui.screens.presets import PresetScreen

        if isinstance(self.screen, PresetScreen):
            self.screen.dismiss(None)
        else:
            self.overlay(PresetScreen(), chosen)

    def form_device(self) -> TrainConfig:
        return TrainConfig(device=self.form.texts()["device"].strip() or "auto")

    def action_stop(self) -> None:
        self.queue = []  # a stopped sequence does not go on
        if self.control is not None and self.running is not None:
            self.control.cancel()

    def action_pause(self) -> None:
        control, config = self.control, self.running
        if control is None or config is None:
            self.notify("Nothing is running.", timeout=3)
            return
        status = self.status
        if control.paused:
            control.resume()
            status.say(f"{config.implementation} · resumed")
        else:
            control.pause()
            status.say(f"{config.implementation} · paused (ctrl+o resumes)")
        status.flush()

    def action_toggle_implementation(self) -> None:
        form = self.form
        names = IMPLEMENTATIONS
        form.implementation = names[(names.index(form.implementation) + 1) % len(names)]
        if self.running is not None:
            message = f"{form.implementation} will be used for the next run"
            self.log_view.note(message)
            self.notify(message, timeout=4)
        else:
            self._idle_status()
            if self.query_one("#main").has_class("show-code"):
                self._show_code()

    def action_log_scale(self) -> None:
        log = self.loss.toggle_log_scale()
        self.refresh_views(force=True)
        self.notify(f"loss axis: {'log' if log else 'linear'} scale", timeout=2)

    def action_new_seed(self) -> None:
        form = self.form
        try:
            seed = int(form.texts()["seed"])
        except ValueError:
            seed = -1
        form.set_field("seed", str(seed + 1))
        self.action_run()

    def action_next_feature(self) -> None:
        scatter = self.scatter
        feature = scatter.next_feature()
        self.refresh_views(force=True)
        self.notify(f"scatter: feature x[{feature}]", timeout=2)

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss()
            return
        keys = [(b.key, b.tooltip) for b in self.BINDINGS if isinstance(b, Binding)]
        keys.append(("ctrl+p", "Command palette: every action by name"))
        self.overlay(HelpScreen(keys))

    async def action_quit(self) -> None:
        if self.control is not None:
            self.control.cancel()  # the worker ends within one mini-batch
        self.exit()

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for binding in self.BINDINGS:
            if isinstance(binding, Binding) and binding.action not in ("quit",):
                yield SystemCommand(
                    f"{binding.description} ({binding.key})",
                    binding.tooltip,
                    getattr(self, f"action_{binding.action}"),
                )

    # --- what the worker reports ----------------------------------------------------------

    def on_run_refused(self, message: RunRefused) -> None:
        if message.run_id != self.run_id:
            return
        self.running = None
        self.log_view.note(f"cannot run: {message.reason}")
        self.notify(message.reason, title="Cannot run", severity="error", timeout=8)
        self._idle_status()

    def on_run_event(self, message: RunEvent) -> None:
        if message.run_id != self.run_id:
            return  # a report from a run that was replaced
        event = message.event
        log, table, scatter, loss, status = (
            self.log_view,
            self.table,
            self.scatter,
            self.loss,
            self.status,
        )
        config = self.running or self.initial
        if isinstance(event, RunStarted):
            self.torch_ready = True
            config = event.config
            in_sequence = bool(self.sequence_kind) and bool(self.sequence)
            if config.data_key != self.current_data or (
                self.sequence_kind == "sweep" and not self.sequence
            ):
                self.current_data = config.data_key
                table.new_data((*config.true_w, config.true_b), event.closed_form)
                if not in_sequence:
                    loss.new_data()
            scatter.show_data(event)
            loss.start(event, self.labels.get(config, config.implementation))
            self.trajectory.start(event)
            log.started(event)
            if self.query_one("#main").has_class("show-code"):
                self.code.show(config.implementation)
            status.say(f"{config.implementation} · {event.device} · epoch 1/{config.epochs}")
        elif isinstance(event, Progress):
            loss.progress(event)
            status.progress((event.epoch - 1 + event.step / event.steps_per_epoch) / config.epochs)
            status.say(
                f"{config.implementation} · epoch {event.epoch}/{config.epochs} · "
                f"{formatting.seconds(event.elapsed_s)}"
            )
        elif isinstance(event, EpochEnded):
            log.epoch(event)
            loss.epoch(event)
            self.trajectory.epoch(event)
            scatter.show_learned(event.w, event.b)
            table.show(config.implementation, (*event.w, event.b))
            status.progress(event.epoch / config.epochs)
            status.say(
                f"{config.implementation} · epoch {event.epoch}/{config.epochs} · "
                f"{formatting.seconds(event.elapsed_s)}"
            )
        elif isinstance(event, RunEnded):
            self.running = None
            log.ended(event)
            scatter.show_learned(event.w, event.b)
            table.show(config.implementation, (*event.w, event.b))
            self.refresh_views(force=True)  # the final state is drawn at once
            if event.outcome == Outcome.DIVERGED and not self.sequence_kind:
                self.notify(event.message, title="Diverged", severity="warning", timeout=8)
            self._idle_status(event)
            self.sequence.append(event)
            if self.queue and event.outcome != Outcome.CANCELLED:
                self._start(self.queue.pop(0))
            elif self.sequence_kind:
                self._sequence_ended()

    def _sequence_ended(self) -> None:
        if self.sequence_kind == "both" and len(self.sequence) == 2:
            for line in LOSS_SCALES_NOTE.splitlines():
                self.log_view.note(line)
        elif self.sequence_kind == "sweep":
            # The log is narrow: one short line per run (the CLI prints the full table).
            from tui_linreg.history import differing_fields, label_of

            fields = differing_fields([end.config for end in self.sequence])
            for end in self.sequence:
                self.log_view.note(
                    f"{label_of(end.config, fields)} {end.outcome} · half-MSE {end.half_mse:.3g}"
                )
        self.sequence_kind = ""

    @on(Worker.StateChanged)
    def worker_failed(self, event: Worker.StateChanged) -> None:
        """One place for unexpected errors in a worker: say so, keep the app alive."""
        if event.state != WorkerState.ERROR:
            return
        error = event.worker.error
        if event.worker.group == "training":
            self.running = None
        text = f"{event.worker.name} failed: {type(error).__name__}: {error}"
        self.log_view.note(text)
        self.notify(text, severity="error", timeout=10)
        self._idle_status()

    def _idle_status(self, ended: RunEnded | None = None) -> None:
        self._describe_idle(ended)
        self.status.flush()  # a change of state shows at once, not at the next tick

    def _describe_idle(self, ended: RunEnded | None) -> None:
        status = self.status
        implementation = self.form.implementation
        if not self.torch_ready:
            status.say("loading PyTorch…")
            return
        if ended is None:
            status.say(f"{implementation} · ready · ctrl+r runs")
            return
        summary = {
            Outcome.FINISHED: f"finished in {formatting.seconds(ended.train_s)}",
            Outcome.CANCELLED: f"stopped in epoch {ended.epoch}",
            Outcome.DIVERGED: f"diverged in epoch {ended.epoch}",
        }[ended.outcome]
        status.say(
            f"{ended.config.implementation} · {ended.device} · {summary} · "
            f"{formatting.rate(ended.steps_per_s)}"
        )
        if ended.outcome == Outcome.FINISHED:
            status.progress(1)
