"""The main screen owns training: its keys' actions (declared in ui/keys.py), the plan's
worker and the handlers of what the worker reports. It drives the session (session.py), and
draws what each event changed through its panes (panes.py).

Data flows one way: the form gives a config, the session runs its plan in a worker thread,
every event comes back as a message, the session applies it and the panes draw the change.
Only the controls flow back into a run: cancel, pause, a single step, the pace.
"""

from __future__ import annotations

import dataclasses
import threading
from typing import Any

from textual import on, work
from textual.css.query import NoMatches
from textual.timer import Timer
from textual.widgets import Button, Input, Select
from textual.worker import Worker, WorkerState

from tui_linreg.config import (
    IMPLEMENTATIONS,
    SETTINGS,
    ConfigError,
    FieldError,
    TrainConfig,
    parse_field,
)
from tui_linreg.engine.control import RunControl
from tui_linreg.engine.events import EpochEnded, Outcome, PlanEnded, Progress, RunEnded, RunStarted
from tui_linreg.i18n import _
from tui_linreg.plan import Plan, PlanKind, differing, label_of
from tui_linreg.presets import PRESETS
from tui_linreg.session import Session, Started
from tui_linreg.teach.exercises import QUESTIONS
from tui_linreg.teach.questions import Prediction
from tui_linreg.ui import formatting
from tui_linreg.ui.messages import (
    DataPreviewed,
    Notice,
    RunEvent,
    RunRefused,
    StepReplayed,
    TorchLoaded,
)
from tui_linreg.ui.screens.lesson_keys import LessonKeys
from tui_linreg.ui.screens.panes import PanesScreen
from tui_linreg.ui.screens.question import NameScreen, QuestionScreen
from tui_linreg.ui.widgets.code_pane import NEXT_RUN
from tui_linreg.ui.widgets.plots.sweep import SweepPlot


class MainScreen(LessonKeys, PanesScreen):
    def __init__(
        self, session: Session, initial: TrainConfig, *, cursor_blink: bool, sweep: str = ""
    ) -> None:
        super().__init__(session, initial, cursor_blink=cursor_blink, sweep=sweep)
        self.training: Worker[None] | None = None
        """The current plan's worker; tests await it through this handle."""
        self.training_ended = threading.Event()
        """Set when the current plan's worker has returned (its thread is free again)."""
        self.training_ended.set()
        self._preview_timer: Timer | None = None

    def on_unmount(self) -> None:
        """However the app ends, the training thread must not outlive it."""
        timer = self._preview_timer
        if timer is not None:
            timer.stop()  # it would read a form already taken down
        self.session.cancel_all()
        self.training_ended.wait(1.0)  # the run stops before its next mini-batch

    # --- PyTorch, loaded by the app -------------------------------------------------------

    def on_torch_loaded(self, message: TorchLoaded) -> None:
        self.session.torch_ready = message.error is None
        if message.error:
            self.log_view.note(message.error)
            self.notify(message.error, severity="error", timeout=10)
        if not self.session.busy:
            self._idle_status()
            self.preview_data()
        if self.session.torch_ready and self.in_place == "code":
            self._show_code()

    # --- the data, before a run ---------------------------------------------------------------

    PREVIEW_DELAY_S = 0.3
    """A changed data field is drawn once typing pauses this long."""

    @on(Input.Changed)
    @on(Select.Changed)
    def data_field_changed(self, event: Input.Changed | Select.Changed) -> None:
        """A field that decides the data (a data set chosen, say), changed while idle: draw
        the new data soon."""
        name = (event.control.id or "").removeprefix("field-")
        name = "data" if name == "data_path" else name  # the data file's path is data's
        if name in SETTINGS and SETTINGS[name].decides_data and not self.session.busy:
            if self._preview_timer is not None:
                self._preview_timer.stop()
            self._preview_timer = self.set_timer(self.PREVIEW_DELAY_S, self.preview_data)

    def preview_data(self) -> None:
        """Draw the form's data, its true line and the untrained line, without a run."""
        try:
            config = self.form.read_config(focus=False)  # the cursor stays where it is
        except ConfigError:
            return  # the form shows the mistake
        except NoMatches:
            return  # the app is quitting: its fields are already gone
        ask = self.session.ask_preview(config)
        if ask is not None:
            self._draw_preview(config, ask, self.session.plan_id)

    @work(thread=True, exit_on_error=False, group="preview", name="preview")
    def _draw_preview(self, config: TrainConfig, ask: int, plan_id: int) -> None:
        try:
            started = self.session.trainer.preview(config)
        except ConfigError:  # no such device, or no memory: the run will say so
            started = None
        self.post_message(DataPreviewed(ask, plan_id, started))

    def on_data_previewed(self, message: DataPreviewed) -> None:
        if message.started is None or not self.session.previewed(message.ask, message.plan_id):
            return  # nothing to show, a newer preview is coming, or a run began since
        self.session.shows_preview()
        self.draw_preview(message.started)

    # --- running a plan -------------------------------------------------------------------------

    def action_run(self) -> None:
        self._run_from_form(both=False)

    def action_both(self) -> None:
        self._run_from_form(both=True)

    def action_step(self) -> None:
        """One mini-batch. From idle, the form's run starts, takes its first step and pauses."""
        if not self.session.step():
            self._run_from_form(both=False, stepping=True)
            return
        self.draw_live()
        assert self.session.running is not None
        self.status.say(
            _("{implementation} · one step…").format(
                implementation=self.session.running.implementation
            )
        )
        self.status.flush()

    def _run_from_form(self, *, both: bool, stepping: bool = False) -> None:
        try:
            config = self.form.read_config()
            plan = Plan.of(config, both=True) if both else Plan.of(config, sweep=self.form.sweep())
        except ConfigError as error:
            self.notify(
                "\n".join(m.message for m in error.mistakes),
                title=_("Cannot run"),
                severity="error",
                timeout=8,
            )
            return
        session = self.session
        if not session.torch_ready and session.busy and plan == session.plan:
            # The same run already waits for PyTorch: starting it again would only record a
            # cancelled run for each impatient press.
            self.status.say(_("loading PyTorch… the run starts as soon as it has loaded"))
            return
        self.run_plan(plan, stepping=stepping)

    def run_plan(self, plan: Plan, *, stepping: bool = False) -> Started:
        """Run ``plan`` in the worker, replacing whatever was running; ``stepping`` takes its
        first step, then pauses."""
        if self._preview_timer is not None:
            # A preview still due (a data field typed into just before) would land after a
            # short run had ended and cover its results with the untrained line.
            self._preview_timer.stop()
            self._preview_timer = None
        started = self.session.start(plan, stepping=stepping)
        self.draw_live()
        self.hide_sweep()
        if plan.kind != PlanKind.SINGLE:
            data_sets = len({config.data_key for config in plan.configs})
            said = (
                _("running {plan} on the same data, overlaid")
                if data_sets == 1
                else _("running {plan} on {count} data sets, overlaid")
            )
            self.log_view.note(said.format(plan=plan.describe(), count=data_sets))
        if started.control.pace is None and plan.configs[0].pace is not None:
            pace = plan.configs[0].pace
            self.log_view.note(
                _("{steps:,} steps would take {time} at {pace:g} steps/s: running at max").format(
                    steps=plan.steps, time=formatting.seconds(plan.steps / pace), pace=pace
                )
            )
        first = plan.configs[0].implementation
        starting = (
            _("{implementation} · paused before step 1 · f7 steps")
            if stepping
            else _("{implementation} · starting…")
        )
        self.status.say(
            starting.format(implementation=first)
            if self.session.torch_ready
            else _("loading PyTorch…")
        )
        self.status.progress(0)
        self.training_ended = threading.Event()
        self.training = self.train(started, self.training_ended)
        return started

    @work(thread=True, exclusive=True, exit_on_error=False, group="training", name="training")
    def train(self, started: Started, ended: threading.Event) -> None:
        """Run the plan and post every event; never touches a widget."""
        try:
            for event in self.session.events(started):
                self.post_message(RunEvent(started.plan_id, event))
        except ConfigError as error:  # before a run's first event: no device, no memory
            reason = "; ".join(m.message for m in error.mistakes)
            self.post_message(RunRefused(started.plan_id, reason))
        finally:
            ended.set()

    def on_run_refused(self, message: RunRefused) -> None:
        if not self.session.refused(message.plan_id):
            return
        self.log_view.note(_("cannot run: {reason}").format(reason=message.reason))
        self.notify(message.reason, title=_("Cannot run"), severity="error", timeout=8)
        self._idle_status()

    def on_run_event(self, message: RunEvent) -> None:
        if message.plan_id != self.session.plan_id:
            return  # a report from a plan that was replaced
        change = self.session.apply(message.event)
        match change.event:
            case RunStarted():
                self.draw_started(change)
            case Progress():
                self.draw_progress(change)
            case EpochEnded():
                self.draw_epoch(change)
            case RunEnded() as event:
                self._run_ended(event)
            case PlanEnded() as event:
                self._plan_ended(event)

    def _run_ended(self, event: RunEnded) -> None:
        self.draw_ended(event)
        plan = self.session.plan
        assert plan is not None
        if event.outcome == Outcome.DIVERGED and plan.kind == PlanKind.SINGLE:
            self.notify(event.message, title=_("Diverged"), severity="warning", timeout=8)
        if event.outcome == Outcome.FAILED:
            self.notify(event.message, title=_("The training code raised"), severity="error")
        self._idle_status(event)

    def _plan_ended(self, event: PlanEnded) -> None:
        self.notes.show(event.notes)
        if event.kind == PlanKind.SWEEP:
            self._sweep_ended(list(event.ends))
        if event.notes and self.has_class("notes-hidden"):  # no room for them beside the table
            self.log_view.note(_("What to notice: ctrl+e"))

    def _sweep_ended(self, ends: list[RunEnded]) -> None:
        # The log is narrow: one short line per run (the CLI prints the full table).
        names = differing([end.config for end in ends])
        for end in ends:
            self.log_view.note(
                _("{label} {outcome} · half-MSE {loss:.3g}").format(
                    label=label_of(end.config, names), outcome=end.outcome, loss=end.half_mse
                )
            )
        self.status.swept(ends)
        if names and len(ends) > 1 and SweepPlot.plottable(names[0], ends):
            against = SETTINGS[names[0]].legend
            if self.show_sweep(names[0], ends):
                self.log_view.note(
                    _("the data pane: each run against {against} (f4 on)").format(against=against)
                )
            else:
                self.log_view.note(
                    _("f4 goes round to each run against {against}").format(against=against)
                )

    @on(Worker.StateChanged)
    def worker_failed(self, event: Worker.StateChanged) -> None:
        """One place for unexpected errors in a worker: say so, keep the app alive."""
        if event.state != WorkerState.ERROR:
            return
        error = event.worker.error
        if event.worker.group == "training":
            self.session.failed()
        text = _("{worker} failed: {kind}: {error}").format(
            worker=event.worker.name, kind=type(error).__name__, error=error
        )
        self.log_view.note(text)
        self.notify(text, severity="error", timeout=10)
        self._idle_status()

    def _idle_status(self, ended: RunEnded | None = None) -> None:
        self.status.idle(self.form.implementation, self.session.torch_ready, ended)

    def on_notice(self, message: Notice) -> None:
        self.log_view.note(message.text)
        self.notify(message.text, severity="warning", timeout=8)

    # --- the form -------------------------------------------------------------------------------

    @on(Button.Pressed, "#run")
    def run_pressed(self) -> None:
        self.action_run()

    @on(Input.Submitted)
    def field_submitted(self) -> None:
        self.action_run()

    @on(Input.Changed, "#field-pace")
    def pace_changed(self, event: Input.Changed) -> None:
        """A new pace applies to the run in progress at once (a pace that cannot be read is
        the form's to say: the Input's own validity can lag a value set in code)."""
        try:
            pace = parse_field("pace", event.value)
        except FieldError:
            return
        self.session.set_pace(pace)

    def action_max_pace(self) -> None:
        """The rest of the run in progress at max; the form's pace stays for the next run.
        Idle, the form's pace becomes max."""
        if not self.session.set_pace(None):
            self.form.set_field("pace", "max")
            return
        self.log_view.note(_("ctrl+y: the rest of this run at max (the next, at the form's pace)"))

    @on(Select.Changed, "#field-implementation")
    def implementation_chosen(self) -> None:
        """ctrl+t, or the form's drop-down: the next run's implementation."""
        if self.session.busy:
            message = _("{implementation} will be used for the next run").format(
                implementation=self.form.implementation
            )
            self.log_view.note(message)
            self.notify(message, timeout=4)
        else:
            self._idle_status()
            if self.in_place == "code":
                self._show_code()

    def use_preset(self, name: str) -> None:
        """Put preset ``name`` in the form (f5's screen, or the command palette). An exercise
        asks its question first, then runs at once (answered or skipped)."""
        preset = PRESETS[name]
        self.form.fill(preset.apply(self.form.how_it_runs()))
        self.form.set_field("sweep", preset.sweep)  # "" for a single run
        question = QUESTIONS.get(name)
        if question is None:
            self.log_view.note(
                _("preset {name}: {description} (ctrl+r runs it)").format(
                    name=name, description=_(preset.description)
                )
            )
            return
        if self.session.learner is None:  # served: asked once, before the first question
            self.app.push_screen(NameScreen(), lambda given: self._named(given, name))
            return
        heading = _("Predict, then observe · {name}").format(name=name)
        self.app.push_screen(
            QuestionScreen(question, heading), lambda answer: self._answered(name, answer)
        )

    def _named(self, given: str | None, preset: str) -> None:
        self.session.learner = given or ""
        self.use_preset(preset)

    def _answered(self, preset: str, answer: float | None) -> None:
        """Run the preset, its question with it: answered, the notes judge the answer;
        skipped (None), they say what the run measured."""
        try:
            config = self.form.read_config()
            plan = Plan.of(config, sweep=self.form.sweep())
        except ConfigError as error:  # a preset is always valid; the form's pace may not be
            self.notify("\n".join(m.message for m in error.mistakes), severity="error")
            return
        prediction = (
            None if answer is None else Prediction(preset, answer, self.session.learner or "")
        )
        self.run_plan(dataclasses.replace(plan, question=preset, prediction=prediction))

    def use_recorded(self, config: TrainConfig) -> None:
        """Put a recorded run's settings in the form, to run it again (the command palette)."""
        self.form.fill(config)
        self.form.set_field("sweep", "")
        self.log_view.note(_("a recorded run's settings are in the form (ctrl+r runs it)"))

    # --- other keys -----------------------------------------------------------------------------

    def action_stop(self) -> None:
        self.session.stop()  # a stopped plan does not go on

    def action_pause(self) -> None:
        paused = self.session.pause()
        if paused is None:
            self.notify(_("Nothing is running."), timeout=3)
            return
        if not paused:
            self.draw_live()
        self.status.paused(paused)
        self.status.flush()

    def action_toggle_implementation(self) -> None:
        names = IMPLEMENTATIONS
        self.form.implementation = names[(names.index(self.form.implementation) + 1) % len(names)]

    def action_log_scale(self) -> None:
        log = self.loss.toggle_log_scale()
        self.refresh_views(force=True)
        self.notify(_("loss axis: log scale") if log else _("loss axis: linear scale"), timeout=2)

    def action_new_seed(self) -> None:
        try:
            seed = int(self.form.texts()["seed"])
        except ValueError:
            seed = -1
        self.form.set_field("seed", str(seed + 1))
        self.action_run()

    def action_next_feature(self) -> None:
        if self.data_view == "landscape":
            names = self.landscape.next_pair()
            self.refresh_views(force=True)
            if names is not None:
                self.notify(
                    _("landscape: {first} and {second}").format(first=names[0], second=names[1]),
                    timeout=2,
                )
            return
        feature = self.scatter.next_feature()
        self.refresh_views(force=True)
        self.notify(_("scatter: feature x[{feature}]").format(feature=feature), timeout=2)

    # --- the views ------------------------------------------------------------------------------

    def action_code(self) -> None:
        """Show or hide the code being run, in the plots' place."""
        self.in_place = "plots" if self.in_place == "code" else "code"
        if self.in_place == "code":
            self._show_code()

    def action_notes(self) -> None:
        """The notes on the whole screen, at any width, and back."""
        if self.maximized is not self.notes:
            self.notes.focus()
        self.notes.action_maximise()

    def action_inspector(self) -> None:
        """Show or hide the step inspector, in the plots' place."""
        self.in_place = "plots" if self.in_place == "inspector" else "inspector"
        if self.in_place == "inspector" and self.session.replayed is not None:
            self._take_replayed_step_again()

    def action_trajectories(self) -> None:
        """f4 goes round the data pane's views: the data, the trajectories, and after a sweep
        its runs against the swept value. Over the code or the inspector, it shows them."""
        self.in_place = "plots"
        if self.data_view == "sweep":
            self.data_view = "scatter"
        elif self.data_view == "trajectory" and self.sweep.ends:  # a sweep of numbers
            self.data_view = "sweep"
        else:
            self.data_view = "scatter" if self.data_view == "trajectory" else "trajectory"

    def action_landscape(self) -> None:
        """The landscape in the data plot's place, with the focus (the replay keys work there
        at once), or the data plot again. Over the code or the inspector, f9 shows it."""
        covered = self.in_place != "plots"
        self.in_place = "plots"
        if covered and self.data_view == "landscape":
            self.landscape.focus()
        else:
            self.data_view = "scatter" if self.data_view == "landscape" else "landscape"

    def hide_sweep(self) -> None:
        """A new plan: the data plot again, in the sweep's place (f4 brings it back)."""
        if self.data_view == "sweep":
            self.data_view = "scatter"

    def show_sweep(self, field: str, ends: list[RunEnded]) -> bool:
        """A sweep of numbers ended: its runs against the swept value, in the data pane's
        place, unless the user asked for another view; whether it is shown now."""
        self.sweep.show(field, ends)
        if self.data_view == "scatter":
            self.data_view = "sweep"
        return self.data_view == "sweep"

    def _show_code(self) -> None:
        """The code of the run in progress; idle, the code the form's next run would run."""
        if not self.session.torch_ready:
            return  # shown once PyTorch has loaded
        if self.session.running is not None:
            self.code.show(self.session.running)
            return
        texts = self.form.texts()
        chosen: dict[str, Any] = {"implementation": self.form.implementation}
        for name in ("pitfalls", "loss_function", "model", "optimizer", "weight_decay"):
            try:
                chosen[name] = parse_field(name, texts[name])
            except (FieldError, KeyError):
                chosen[name] = SETTINGS[name].default
        self.code.show(TrainConfig(**chosen), heading=NEXT_RUN)

    # --- replay ---------------------------------------------------------------------------------

    def action_replay(self, move: str) -> None:
        """A replay key (ui/replay_keys.py): every pane shows the recorded step it leads to."""
        if self.session.busy and not self.session.paused:
            self.notify(
                _("Replay is for a finished run, or a paused one: ctrl+o pauses."), timeout=3
            )
            return
        replayed = self.session.replay(move)
        if replayed is None:
            self.notify(_("Nothing to replay yet: ctrl+r runs."), timeout=3)
            return
        self.draw_replayed(replayed)
        self._take_replayed_step_again()

    def _take_replayed_step_again(self) -> None:
        """The inspector's view of the replayed step: the run taken again up to it, in a
        worker. Only while the inspector is shown (f8 showing it comes back here): for a long
        run that is the whole run again, which a key held down would otherwise repeat, each
        time taking the GIL from the panes' redraw."""
        if self.in_place != "inspector":
            self.session.replay_wanted()  # a step asked for before is no longer wanted
            return
        wanted = self.session.replay_wanted()
        if wanted is None:
            if self.session.replayed is not None:
                self.inspector.waiting(_("The start: no step taken yet. → shows the first."))
            return
        self._inspect_replayed(*wanted)

    @work(thread=True, exit_on_error=False, group="replay", name="replay")
    def _inspect_replayed(
        self, config: TrainConfig, step: int, ask: int, control: RunControl
    ) -> None:
        detail = self.session.take_step_again(config, step, control)
        self.post_message(StepReplayed(ask, detail))

    def on_step_replayed(self, message: StepReplayed) -> None:
        session = self.session
        if message.ask != session.replays_asked or session.replayed is None:
            return  # a newer step was asked for, or replay is over
        if message.detail is None:
            self.inspector.waiting(_("That step could not be taken again."))
            return
        recording = session.latest_recording
        pitfalls = recording.config.pitfalls if recording is not None else ()
        self.inspector.show(message.detail, pitfalls, replayed=True)
        self.inspector.flush()
