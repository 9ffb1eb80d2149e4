"""The Textual app: widgets, keys and messages. It hands a plan to a thread worker, which runs
it through :class:`tui_linreg.plan.Runner` and posts every event as a message.

Data flows one way: the form gives a config, the plan runs it, the engine's events arrive as
messages and the widgets update. Only cancel and pause flow back, as flags the engine checks
before every mini-batch. PyTorch is imported in a background thread after the first frame, so
the app appears at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, ClassVar

from platformdirs import user_downloads_path
from textual import on, work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.command import CommandPalette
from textual.css.query import NoMatches
from textual.events import DeliveryComplete, DeliveryFailed
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Button, Input, Select
from textual.worker import Worker, WorkerState

from tui_linreg.config import (
    IMPLEMENTATIONS,
    SETTINGS,
    TOO_LONG_TO_WATCH,
    ConfigError,
    FieldError,
    TrainConfig,
    parse_field,
)
from tui_linreg.engine.control import RunControl
from tui_linreg.engine.events import EpochEnded, Outcome, Progress, RunEnded, RunStarted
from tui_linreg.history import History, default_path
from tui_linreg.plan import Plan, PlanKind, Runner, differing, label_of
from tui_linreg.presets import PRESETS
from tui_linreg.report import DECAY_SCALES_NOTE, LOSS_SCALES_NOTE
from tui_linreg.ui import formatting, maximise, preferences, replay_keys, textual_guards
from tui_linreg.ui.commands import PresetCommands, RecentRunCommands
from tui_linreg.ui.messages import (
    DataPreviewed,
    Notice,
    RunEvent,
    RunRefused,
    StepReplayed,
    TorchLoaded,
)
from tui_linreg.ui.screens.help import HelpScreen
from tui_linreg.ui.screens.main import MainScreen
from tui_linreg.ui.widgets.code_pane import NEXT_RUN
from tui_linreg.ui.widgets.sweep_plot import SweepPlot

textual_guards.apply()

SCREEN_ACTIONS = ("help", "runs", "presets")
"""The actions that show a screen of their own over the main one."""
HANGUPS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))
"""Signals that end the app like ctrl+q: a kill or shutdown, and a dropped SSH connection
(Windows has no SIGHUP)."""


def screenshot_directory() -> Path:
    """The Downloads folder where there is one, as Textual has it; else the working directory,
    where the runs screen's exports go too."""
    downloads = user_downloads_path()
    return downloads if downloads.is_dir() else Path.cwd()


def _key(key: str, action: str, description: str, tooltip: str, *, show: bool = True) -> Binding:
    # Every key is a priority binding, so it works while a text field has focus. None of them
    # collides with the Input's editing keys, tmux (ctrl+b), screen (ctrl+a) or the terminal
    # (ctrl+s, ctrl+z, ctrl+c). Keys a plot's title names stay out of the footer (show).
    return Binding(key, action, description, show=show, priority=True, tooltip=tooltip, id=action)


class LinregApp(App[None]):
    """Linear regression, from scratch and concise, trained live."""

    CSS_PATH = Path(__file__).with_name("app.tcss")  # absolute: subclasses elsewhere find it
    TITLE = "tui-linreg"
    COMMANDS = App.COMMANDS | {PresetCommands, RecentRunCommands}  # ctrl+p: presets, replays
    BINDINGS: ClassVar[list[BindingType]] = [
        _key("ctrl+r", "run", "Run", "Run, or restart the run"),
        _key("ctrl+g", "stop", "Stop", "Stop the run"),
        _key("ctrl+o", "pause", "Pause", "Pause or resume"),
        _key(
            "ctrl+t",
            "toggle_implementation",
            "Impl",
            "Next implementation: scratch → concise → analytic",
        ),
        _key("ctrl+l", "log_scale", "Log", "Log or linear loss axis", show=False),
        _key("ctrl+n", "new_seed", "Seed", "Next seed, and run"),
        _key(
            "ctrl+f",
            "next_feature",
            "Feat",
            "Scatter the next feature; on the landscape, the next pair of parameters",
            show=False,
        ),
        _key("ctrl+y", "max_pace", "Max", "Max pace: the rest of the run at full speed"),
        _key("f1", "help", "Help", "Every key, and what it does"),
        _key("f2", "runs", "Runs", "Run history: sort, overlay, export"),
        _key("f3", "code", "Code", "Show or hide the code being run"),
        _key(
            "f4", "trajectories", "Views", "Data plot, trajectories, or a sweep against its value"
        ),
        _key("f5", "presets", "Presets", "The lessons' experiments"),
        _key("f6", "both", "Both", "Run scratch and concise on the same data"),
        _key(
            "f7",
            "step",
            "Step",
            "One mini-batch: from idle, start the run paused before its first step",
        ),
        _key("f8", "inspector", "Inspect", "The last step: batch, loss, .grad and update"),
        _key(
            "f9",
            "landscape",
            "Map",
            "The loss landscape over two parameters, with each run's path (ctrl+f: next pair)",
        ),
        _key("ctrl+q", "quit", "Quit", "Quit the app"),
    ]

    main: MainScreen

    def __init__(
        self,
        config: TrainConfig | None = None,
        *,
        cursor_blink: bool = True,
        history_path: Path | None = None,
        sweep: str = "",
        browser_clipboard: bool = True,
    ) -> None:
        super().__init__()
        self.initial = config or TrainConfig()
        self.initial_sweep = sweep
        self.browser_clipboard = browser_clipboard
        """Whether, served to a browser, a copy reaches its clipboard: only a page from this
        machine (or over https) may write it."""
        """The sweep field's starting text: a --preset's sweep (``anscombe``'s four sets)."""
        self.history = History(history_path or default_path())
        """Where every run is recorded, from the worker thread, never the UI's."""
        self.runner = Runner(self.history, self._warn)
        self.cursor_blink = cursor_blink
        self.training: Worker[None] | None = None
        """The current plan's worker; tests await it through this handle."""
        self.loading: threading.Thread | None = None
        """The background import of PyTorch."""
        self.control: RunControl | None = None
        self.training_ended = threading.Event()
        """Set when the current plan's worker has returned (its thread is free again)."""
        self.training_ended.set()
        self.plan_id = 0
        self.plan: Plan | None = None
        """The plan being run, or last run."""
        self.ends: list[RunEnded] = []
        """How each run of that plan ended, so far."""
        self.running: TrainConfig | None = None
        """Config of the run in progress, None when idle."""
        self.torch_ready = False
        self.current_data: tuple[Any, ...] | None = None
        """The data the parameter table's true and closed-form columns belong to."""
        self._preview_timer: Timer | None = None
        self.previews_pending = 0
        """Data previews asked for and not yet answered (tests wait for none)."""
        self.previews_asked = 0
        """Only the latest preview asked for is drawn."""

    def get_default_screen(self) -> MainScreen:
        self.main = MainScreen(
            self.initial,
            cursor_blink=self.cursor_blink,
            sweep=self.initial_sweep,
            flat_out=lambda: self.running is not None and self.pace_now is None and not self.paused,
        )
        return self.main

    def on_mount(self) -> None:
        self._catch_hangups()
        self._remembered_theme()
        # PyTorch loads once the first frame is on screen: its import holds the GIL for
        # seconds, and started any earlier it would hold back the first paint.
        self.call_after_refresh(self.start_loading)

    def _remembered_theme(self) -> None:
        """The theme chosen last time (ctrl+p, "theme"), and from now on remember each one."""
        path = preferences.default_path()
        theme, warning = preferences.load_theme(path)
        if theme is not None and theme in self.available_themes:
            self.theme = theme
        elif theme is not None:
            warning = f"the remembered theme {theme!r} is not one this Textual has: the default"
        if warning:
            self.notify(warning, severity="warning", timeout=8)

        def remember(theme: str) -> None:
            said = preferences.save_theme(path, theme)
            if said:
                self.notify(said, severity="warning", timeout=8)
            self.main.code.restyle()

        self.watch(self, "theme", remember, init=False)

    def _catch_hangups(self) -> None:
        """SIGTERM (kill, a shutdown) and SIGHUP (a dropped SSH connection) quit like ctrl+q:
        the run is cancelled and recorded, and the terminal is restored if it is still there.
        Their default action would end the process on the spot."""
        try:
            loop = asyncio.get_running_loop()
            for number in HANGUPS:
                loop.add_signal_handler(number, self.exit)
        except (RuntimeError, ValueError, NotImplementedError):  # a test's thread; Windows
            return

    def start_loading(self) -> None:
        # A daemon thread, not a Textual worker: quitting must not wait for an import to end
        # (asyncio joins its executor's threads when the app's loop closes).
        self.loading = threading.Thread(target=self.load_torch, name="load torch", daemon=True)
        self.loading.start()

    def on_unmount(self) -> None:
        """However the app ends, the training thread must not outlive it."""
        if self._preview_timer is not None:
            self._preview_timer.stop()  # it would read a form already taken down
        with contextlib.suppress(RuntimeError, ValueError, NotImplementedError):
            loop = asyncio.get_running_loop()
            for number in HANGUPS:
                loop.remove_signal_handler(number)
        if self.control is not None:
            self.control.cancel()
            self.training_ended.wait(1.0)  # it stops before its next mini-batch

    # --- PyTorch in the background ------------------------------------------------------

    def load_torch(self) -> None:
        """Import torch and pay its one-off start costs (the optimiser machinery; on a GPU the
        CUDA context and kernels), off the UI thread, so the first run starts at once."""
        try:
            # torch: off the UI thread, on purpose
            from tui_linreg.engine.run import freeze_start_up_heap, warm_up

            warm_up(self.initial.device)
            freeze_start_up_heap()
        except Exception as error:
            self.post_message(TorchLoaded(f"PyTorch could not be loaded: {error}"))
            return
        self.post_message(TorchLoaded())

    def on_torch_loaded(self, message: TorchLoaded) -> None:
        self.torch_ready = message.error is None
        if message.error:
            self.main.log_view.note(message.error)
            self.notify(message.error, severity="error", timeout=10)
        if self.running is None:
            self._idle_status()
            self.preview_data()
        if self.torch_ready and self.main.showing_code:
            self._show_code()

    # --- the data, before a run -------------------------------------------------------

    PREVIEW_DELAY_S = 0.3
    """A changed data field is drawn once typing pauses this long."""

    @on(Input.Changed)
    @on(Select.Changed)
    def data_field_changed(self, event: Input.Changed | Select.Changed) -> None:
        """A field that decides the data (a data set chosen, say), changed while idle: draw
        the new data soon."""
        name = (event.control.id or "").removeprefix("field-")
        name = "data" if name == "data_path" else name  # the data file's path is data's
        if name in SETTINGS and SETTINGS[name].decides_data and self.running is None:
            if self._preview_timer is not None:
                self._preview_timer.stop()
            self._preview_timer = self.set_timer(self.PREVIEW_DELAY_S, self.preview_data)

    def preview_data(self) -> None:
        """Draw the form's data, its true line and the untrained line, without a run."""
        if not self.torch_ready or self.running is not None:
            return
        try:
            config = self.main.form.read_config(focus=False)  # the cursor stays where it is
        except ConfigError:
            return  # the form shows the mistake
        except NoMatches:
            return  # the app is quitting: its fields are already gone
        from tui_linreg.engine.run import PREVIEW_MAX_EXAMPLES

        if config.num_examples <= PREVIEW_MAX_EXAMPLES:
            self.previews_pending += 1
            self.previews_asked += 1
            self._draw_preview(config, self.previews_asked, self.plan_id)

    @work(thread=True, exit_on_error=False, group="preview", name="preview")
    def _draw_preview(self, config: TrainConfig, ask: int, plan_id: int) -> None:
        from tui_linreg.engine.run import preview

        try:
            self.post_message(DataPreviewed(ask, plan_id, preview(config)))
        except ConfigError:  # no such device, or no memory: the run will say so
            self.post_message(DataPreviewed(ask, plan_id, None))

    def on_data_previewed(self, message: DataPreviewed) -> None:
        self.previews_pending -= 1
        if message.ask != self.previews_asked or message.started is None:
            return  # a newer preview is coming, or there is nothing to show
        if message.plan_id != self.plan_id or self.running is not None:
            return  # a run began since: it shows its own data
        self.current_data = None  # the next run redraws the table and the loss plot
        self.main.preview(message.started)

    # --- running a plan -----------------------------------------------------------------

    def action_run(self) -> None:
        self._run_from_form(both=False)

    def action_both(self) -> None:
        self._run_from_form(both=True)

    def action_step(self) -> None:
        """One mini-batch. From idle, the form's run starts paused before its first step."""
        control, config = self.control, self.running
        if control is None or config is None:
            self._run_from_form(both=False, stepping=True)
            return
        self.main.end_replay()
        control.step()
        self.main.status.say(f"{config.implementation} · one step…")
        self.main.status.flush()

    def action_inspector(self) -> None:
        if self.main.toggle_inspector() and self.main.replayed is not None:
            self._take_replayed_step_again()

    # --- replay -------------------------------------------------------------------------

    def action_replay(self, move: str) -> None:
        """A replay key (ui/replay_keys.py): every pane shows the recorded step it leads to."""
        if self.running is not None and not self.paused:
            self.notify("Replay is for a finished run, or a paused one: ctrl+o pauses.", timeout=3)
            return
        if self.main.replay(move) is None:
            self.notify("Nothing to replay yet: ctrl+r runs.", timeout=3)
            return
        self._take_replayed_step_again()

    def _take_replayed_step_again(self) -> None:
        """The inspector's view of the replayed step: the run taken again up to it, in a
        worker. Only while the inspector is shown (f8 showing it comes back here): for a long
        run that is the whole run again, which a key held down would otherwise repeat, each
        time taking the GIL from the panes' redraw."""
        recording, index = self.main.landscape.latest(), self.main.replayed
        if self._replay_control is not None:
            self._replay_control.cancel()  # the step asked for before is no longer wanted
        self._replay_control = None
        self.replays_asked += 1
        if recording is None or index is None or not self.main.showing_inspector:
            return
        step = recording.steps[index]
        if step == 0:
            self.main.inspector.waiting("The start: no step taken yet. → shows the first.")
            return
        self._replay_control = RunControl()
        self._inspect_replayed(recording.config, step, self.replays_asked, self._replay_control)

    _replay_control: RunControl | None = None
    replays_asked = 0
    """Only the latest replayed step asked for is shown in the inspector."""

    @work(thread=True, exit_on_error=False, group="replay", name="replay")
    def _inspect_replayed(
        self, config: TrainConfig, step: int, ask: int, control: RunControl
    ) -> None:
        from tui_linreg.engine.run import replay_step

        detail = replay_step(config, step, self.runner.prepared_for(config), control)
        self.post_message(StepReplayed(ask, detail))

    def on_step_replayed(self, message: StepReplayed) -> None:
        if message.ask != self.replays_asked or self.main.replayed is None:
            return  # a newer step was asked for, or replay is over
        if message.detail is None:
            self.main.inspector.waiting("That step could not be taken again.")
            return
        recording = self.main.landscape.latest()
        pitfalls = recording.config.pitfalls if recording is not None else ()
        self.main.inspector.show(message.detail, pitfalls, replayed=True)
        self.main.inspector.flush()

    def _run_from_form(self, *, both: bool, stepping: bool = False) -> None:
        try:
            config = self.main.form.read_config()
            plan = (
                Plan.of(config, both=True)
                if both
                else Plan.of(config, sweep=self.main.form.sweep())
            )
        except ConfigError as error:
            self.notify(
                "\n".join(m.message for m in error.mistakes),
                title="Cannot run",
                severity="error",
                timeout=8,
            )
            return
        if not self.torch_ready and self.control is not None and plan == self.plan:
            # The same run already waits for PyTorch: starting it again would only record a
            # cancelled run for each impatient press.
            self.main.status.say("loading PyTorch… the run starts as soon as it has loaded")
            return
        self.run_plan(plan, stepping=stepping)

    def run_plan(self, plan: Plan, *, stepping: bool = False) -> None:
        """Run ``plan`` in the worker, replacing whatever was running; ``stepping`` starts it
        paused before its first step."""
        if self.control is not None:
            self.control.cancel()  # the previous plan stops before its next mini-batch
        if self._preview_timer is not None:
            # A preview still due (a data field typed into just before) would land after a
            # short run had ended and cover its results with the untrained line.
            self._preview_timer.stop()
            self._preview_timer = None
        self.main.hide_sweep()
        if plan.kind != PlanKind.SINGLE:
            data_sets = len({config.data_key for config in plan.configs})
            on = "on the same data" if data_sets == 1 else f"on {data_sets} data sets"
            self.main.log_view.note(f"running {plan.describe()} {on}, overlaid")
        self.plan_id += 1
        self.plan, self.ends = plan, []
        self.control = RunControl(pace=self._watchable(plan))
        if stepping:
            self.control.pause()
        self.running = plan.configs[0]
        starting = "paused before step 1 · f7 steps" if stepping else "starting…"
        self.main.status.say(
            f"{self.running.implementation} · {starting}"
            if self.torch_ready
            else "loading PyTorch…"
        )
        self.main.status.progress(0)
        self.training_ended = threading.Event()
        self.training = self.train(plan, self.control, self.plan_id, self.training_ended)

    def _watchable(self, plan: Plan) -> float | None:
        """The plan's pace, unless it has too many steps to watch at it: then max, said."""
        pace = plan.configs[0].pace
        steps = plan.steps
        if pace is not None and steps > TOO_LONG_TO_WATCH:
            self.main.log_view.note(
                f"{steps:,} steps would take {formatting.seconds(steps / pace)} at {pace:g} "
                "steps/s: running at max"
            )
            return None
        return pace

    @work(thread=True, exclusive=True, exit_on_error=False, group="training", name="training")
    def train(self, plan: Plan, control: RunControl, plan_id: int, ended: threading.Event) -> None:
        """Run the plan and post every event; never touches a widget."""
        try:
            for event in self.runner.run(plan, control, record_path=True):
                self.post_message(RunEvent(plan_id, event))
        except ConfigError as error:  # before a run's first event: no device, no memory
            self.post_message(RunRefused(plan_id, "; ".join(m.message for m in error.mistakes)))
        finally:
            ended.set()

    def on_run_refused(self, message: RunRefused) -> None:
        if message.plan_id != self.plan_id:
            return
        self.running = None
        self.main.log_view.note(f"cannot run: {message.reason}")
        self.notify(message.reason, title="Cannot run", severity="error", timeout=8)
        self._idle_status()

    def on_run_event(self, message: RunEvent) -> None:
        if message.plan_id != self.plan_id:
            return  # a report from a plan that was replaced
        match message.event:
            case RunStarted() as event:
                self._run_started(event)
            case Progress() as event:
                config = self.running or self.initial
                self.main.progress(event, config, paused=self.paused, pace=self.pace_now)
            case EpochEnded() as event:
                config = self.running or self.initial
                self.main.epoch_ended(event, config, paused=self.paused, pace=self.pace_now)
            case RunEnded() as event:
                self._run_ended(event)

    @property
    def paused(self) -> bool:
        """The run in progress is paused (ctrl+o, or after an f7 step)."""
        return self.control is not None and self.control.paused

    @property
    def pace_now(self) -> float | None:
        """The run's pace now: ctrl+y or a typed pace change it mid-run."""
        return None if self.control is None else self.control.pace

    def _run_started(self, event: RunStarted) -> None:
        assert self.plan is not None
        self.torch_ready = True
        config, index = event.config, len(self.ends)
        self.running = config
        first_of_sweep = self.plan.kind == PlanKind.SWEEP and index == 0
        new_data = config.data_key != self.current_data or first_of_sweep
        self.current_data = config.data_key
        self.main.run_started(
            event,
            self.plan.labels[index],
            new_data=new_data,
            new_plot=index == 0,
            paused=self.paused,
        )

    def _run_ended(self, event: RunEnded) -> None:
        self.running = None
        self.ends.append(event)
        self.main.run_ended(event)
        plan = self.plan
        assert plan is not None
        if event.outcome == Outcome.DIVERGED and plan.kind == PlanKind.SINGLE:
            self.notify(event.message, title="Diverged", severity="warning", timeout=8)
        if event.outcome == Outcome.FAILED:
            self.notify(event.message, title="The training code raised", severity="error")
        self._idle_status(event)
        plan_over = event.outcome == Outcome.CANCELLED or len(self.ends) == len(plan.configs)
        if plan_over:
            self._plan_ended(plan)
        else:
            self.running = plan.configs[len(self.ends)]  # the runner starts it next

    def _plan_ended(self, plan: Plan) -> None:
        if plan.kind == PlanKind.BOTH and len(self.ends) == 2:
            for line in LOSS_SCALES_NOTE.splitlines():
                self.main.log_view.note(line)
            if plan.configs[0].weight_decay:
                self.main.log_view.note(DECAY_SCALES_NOTE)
        elif plan.kind == PlanKind.SWEEP:
            # The log is narrow: one short line per run (the CLI prints the full table).
            names = differing([end.config for end in self.ends])
            for end in self.ends:
                self.main.log_view.note(
                    f"{label_of(end.config, names)} {end.outcome} · half-MSE {end.half_mse:.3g}"
                )
            self.main.status.swept(self.ends)
            if names and len(self.ends) > 1 and SweepPlot.plottable(names[0], self.ends):
                against = SETTINGS[names[0]].legend
                if self.main.show_sweep(names[0], self.ends):
                    self.main.log_view.note(f"the data pane: each run against {against} (f4 on)")
                else:
                    self.main.log_view.note(f"f4 goes round to each run against {against}")

    @on(Worker.StateChanged)
    def worker_failed(self, event: Worker.StateChanged) -> None:
        """One place for unexpected errors in a worker: say so, keep the app alive."""
        if event.state != WorkerState.ERROR:
            return
        error = event.worker.error
        if event.worker.group == "training":
            self.running = None
        text = f"{event.worker.name} failed: {type(error).__name__}: {error}"
        self.main.log_view.note(text)
        self.notify(text, severity="error", timeout=10)
        self._idle_status()

    def _idle_status(self, ended: RunEnded | None = None) -> None:
        self.main.status.idle(self.main.form.implementation, self.torch_ready, ended)

    def _warn(self, text: str) -> None:
        self.post_message(Notice(text))  # from the worker thread: post_message is thread-safe

    def on_notice(self, message: Notice) -> None:
        self.main.log_view.note(message.text)
        self.notify(message.text, severity="warning", timeout=8)

    # --- the form -------------------------------------------------------------------------

    @on(Button.Pressed, "#run")
    def run_pressed(self) -> None:
        self.action_run()

    @on(Input.Submitted)
    def field_submitted(self) -> None:
        self.action_run()

    @on(Input.Changed, "#field-pace")
    def pace_changed(self, event: Input.Changed) -> None:
        """A new pace applies to the run in progress at once."""
        if self.control is None or self.running is None or not event.input.is_valid:
            return
        self.control.set_pace(parse_field("pace", event.value))

    def action_max_pace(self) -> None:
        """The rest of the run in progress at max; the form's pace stays for the next run.
        Idle, the form's pace becomes max."""
        if self.control is None or self.running is None:
            self.main.form.set_field("pace", "max")
            return
        self.control.set_pace(None)
        self.main.log_view.note(
            "ctrl+y: the rest of this run at max (the next, at the form's pace)"
        )

    # --- other keys -----------------------------------------------------------------------

    def action_stop(self) -> None:
        if self.control is not None and self.running is not None:
            self.control.cancel()  # a stopped plan does not go on

    def action_pause(self) -> None:
        control, config = self.control, self.running
        if control is None or config is None:
            self.notify("Nothing is running.", timeout=3)
            return
        if control.paused:
            self.main.end_replay()
            control.resume()
        else:
            control.pause()
        self.main.status.paused(control.paused)
        self.main.status.flush()

    def action_toggle_implementation(self) -> None:
        form, names = self.main.form, IMPLEMENTATIONS
        form.implementation = names[(names.index(form.implementation) + 1) % len(names)]

    @on(Select.Changed, "#field-implementation")
    def implementation_chosen(self) -> None:
        """ctrl+t, or the form's drop-down: the next run's implementation."""
        if self.running is not None:
            message = f"{self.main.form.implementation} will be used for the next run"
            self.main.log_view.note(message)
            self.notify(message, timeout=4)
        else:
            self._idle_status()
            if self.main.showing_code:
                self._show_code()

    def action_log_scale(self) -> None:
        log = self.main.loss.toggle_log_scale()
        self.main.refresh_views(force=True)
        self.notify(f"loss axis: {'log' if log else 'linear'} scale", timeout=2)

    def action_new_seed(self) -> None:
        try:
            seed = int(self.main.form.texts()["seed"])
        except ValueError:
            seed = -1
        self.main.form.set_field("seed", str(seed + 1))
        self.action_run()

    def action_next_feature(self) -> None:
        if self.main.showing_landscape:
            names = self.main.landscape.next_pair()
            self.main.refresh_views(force=True)
            if names is not None:
                self.notify(f"landscape: {names[0]} and {names[1]}", timeout=2)
            return
        feature = self.main.scatter.next_feature()
        self.main.refresh_views(force=True)
        self.notify(f"scatter: feature x[{feature}]", timeout=2)

    def action_code(self) -> None:
        if self.main.toggle_code():
            self._show_code()

    def _show_code(self) -> None:
        if not self.torch_ready:
            return  # shown once PyTorch has loaded
        running = self.running
        if running is not None:
            self.main.code.show(
                running.implementation,
                running.pitfalls,
                running.loss_function,
                running.model,
                running.optimizer,
                running.weight_decay,
            )
            return
        texts = self.main.form.texts()
        try:
            pitfalls = parse_field("pitfalls", texts["pitfalls"])
        except FieldError:
            pitfalls = ()
        chosen = {}
        for name in ("loss_function", "model", "optimizer", "weight_decay"):
            try:
                chosen[name] = parse_field(name, texts[name])
            except (FieldError, KeyError):
                chosen[name] = SETTINGS[name].default
        self.main.code.show(
            self.main.form.implementation,
            pitfalls,
            chosen["loss_function"],
            chosen["model"],
            chosen["optimizer"],
            chosen["weight_decay"],
            heading=NEXT_RUN,
        )

    def action_trajectories(self) -> None:
        self.main.toggle_trajectories()

    def action_landscape(self) -> None:
        self.main.toggle_landscape()

    # --- screens --------------------------------------------------------------------------

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

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss()
            return
        keys = [(b.key, b.tooltip) for b in self.BINDINGS if isinstance(b, Binding)]
        keys.append(("ctrl+p", "Command palette: every action by name"))
        keys += replay_keys.HELP
        keys.append(maximise.HELP)
        self.overlay(HelpScreen(keys))

    def action_runs(self) -> None:
        from tui_linreg.ui.screens.runs import RunsScreen  # loads when first opened, not at start

        if isinstance(self.screen, RunsScreen):
            self.screen.dismiss()
        else:
            self.overlay(RunsScreen(self.history, browser_clipboard=self.browser_clipboard))

    def use_preset(self, name: str) -> None:
        """Put preset ``name`` in the form (f5's screen, or the command palette)."""
        self.main.form.fill(PRESETS[name].apply(self.main.form.how_it_runs()))
        self.main.form.set_field("sweep", PRESETS[name].sweep)  # "" for a single run
        self.main.log_view.note(f"preset {name}: {PRESETS[name].description} (ctrl+r runs it)")

    def use_recorded(self, config: TrainConfig) -> None:
        """Put a recorded run's settings in the form, to run it again (the command palette)."""
        self.main.form.fill(config)
        self.main.form.set_field("sweep", "")
        self.main.log_view.note("a recorded run's settings are in the form (ctrl+r runs it)")

    def action_presets(self) -> None:
        def chosen(name: str | None) -> None:
            if name is not None:
                self.use_preset(name)

        from tui_linreg.ui.screens.presets import PresetScreen  # as RunsScreen

        if isinstance(self.screen, PresetScreen):
            self.screen.dismiss(None)
        else:
            self.overlay(PresetScreen(), chosen)

    # --- the palette's screenshot -------------------------------------------------------

    def deliver_screenshot(
        self, filename: str | None = None, path: str | None = None, time_format: str | None = None
    ) -> str | None:
        """Textual's, into a folder that exists: its default (the Downloads folder) is missing
        on most machines reached over SSH, and the save then fails without saying why."""
        return super().deliver_screenshot(
            filename, path or str(screenshot_directory()), time_format
        )

    def on_delivery_complete(self, event: DeliveryComplete) -> None:
        if event.name == "screenshot":
            event.prevent_default()  # instead of Textual's own note
            where = "as a download" if event.path is None else f"to {event.path}"
            self.notify(f"Saved {where} (SVG: open it in a browser)", title="Screenshot")

    def on_delivery_failed(self, event: DeliveryFailed) -> None:
        if event.name == "screenshot":
            event.prevent_default()
            why = getattr(event.exception, "strerror", None) or event.exception
            self.notify(f"Not saved: {why}", title="Screenshot", severity="error", timeout=8)

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
