"""One session's runs, as plain state: the plan in progress and its control, the runs that
ended, each run's :class:`~tui_linreg.landscape.Recording` (θ after every step, for the map and
replay), where replay stands, and whether PyTorch is ready.

No widgets and no threads. The main screen runs :meth:`Session.events` in a worker, hands each
event back to :meth:`Session.apply` on the UI thread, and draws what the returned
:class:`Change` says; a lesson drives the very same methods (docs/architecture.md shows how).
Imports neither torch nor Textual.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from tui_linreg.config import TOO_LONG_TO_WATCH, TrainConfig
from tui_linreg.engine.control import RunControl
from tui_linreg.engine.events import (
    EpochEnded,
    Event,
    Outcome,
    PlanEnded,
    Progress,
    RunEnded,
    RunStarted,
    StepDetail,
    StepTaken,
)
from tui_linreg.history import History
from tui_linreg.landscape import Recording
from tui_linreg.plan import Plan, PlanKind, Runner
from tui_linreg.trainer import PREVIEW_MAX_EXAMPLES, Trainer


@dataclass(frozen=True)
class Change:
    """What applying one event changed: the event, the run it belongs to, and for a run's
    start whether the panes need new data or a fresh plot."""

    event: Event
    config: TrainConfig
    """The config of the run the event belongs to (the last run's, for PlanEnded)."""
    paused: bool = False
    """Whether the run waits now (ctrl+o, or after a single step)."""
    pace: float | None = None
    """The run's pace now (ctrl+y or a typed pace change it mid-run)."""
    new_data: bool = False
    """A run starts on data other than the panes show: the table and the map start afresh."""
    new_plot: bool = False
    """A run starts a plan: the loss plot and the map start afresh (its curve is the first)."""


@dataclass(frozen=True)
class Replayed:
    """Where a replay key led: the latest run's step ``step`` (0 is the start), at ``index``
    in its recording; every run's θ at that step, by label (the latest last)."""

    recording: Recording
    index: int
    step: int
    thetas: dict[str, tuple[float, ...]]

    @property
    def where(self) -> tuple[int, int]:
        """(epoch, step within it) of the replayed step."""
        return self.recording.epoch_and_step(self.index)


@dataclass(frozen=True)
class Started:
    """A plan handed to the session: what the screen's worker runs, and what to say."""

    plan: Plan
    plan_id: int
    control: RunControl


class Session:
    """The runs of one session of the app (or of a lesson driving it)."""

    def __init__(
        self,
        history: History | None,
        warn: Callable[[str], None],
        trainer: Trainer | None = None,
    ) -> None:
        self.runner = Runner(history, warn, trainer)
        self.trainer = self.runner.trainer
        """The engine; or, in the snapshot tests, recorded events (tests/ui/tapes.py)."""
        self.plan: Plan | None = None
        """The plan in progress, or the last one."""
        self.plan_id = 0
        """Counts plans: events of a plan that was replaced since are ignored."""
        self.control: RunControl | None = None
        self.ends: list[RunEnded] = []
        self.plan_ended: PlanEnded | None = None
        self.after_sweep = False
        """The plan before this one was a sweep: this one starts the panes afresh (its dozen
        curves and columns are not this plan's to compare with)."""
        """How the plan ended (its outcome and notes), once it has; None while it runs."""
        self.learner: str | None = ""
        """Whose answers this session records: "" for nobody in particular; None where a
        name is to be asked before the first question (a served tab: its class shares one
        history)."""
        """How each run of the plan ended, so far."""
        self.running: TrainConfig | None = None
        """The config of the run in progress (or about to start); None when idle."""
        self.recordings: dict[str, Recording] = {}
        """Each run of the plan on the map, by label: θ after each of its steps."""
        self.latest = ""
        """The label of the latest run: replay goes through its recording."""
        self.replayed: int | None = None
        """The index, in the latest run's recording, of the step the panes show; None: live."""
        self.torch_ready = False
        self.shown_data: tuple[Any, ...] | None = None
        """The data key of what the panes show: a run on other data starts them afresh."""
        self.previews_asked = 0
        """Only the latest preview asked for is shown."""
        self.replays_asked = 0
        """Only the latest replayed step asked for is shown."""
        self._replay_control: RunControl | None = None

    # --- what the session is doing ----------------------------------------------------------

    @property
    def busy(self) -> bool:
        """A plan is in progress (or waits for PyTorch)."""
        return self.running is not None

    @property
    def paused(self) -> bool:
        """The run in progress is paused (ctrl+o, or after a single step)."""
        return self.control is not None and self.control.paused

    @property
    def pace(self) -> float | None:
        """The run's pace now; None: as fast as it goes."""
        return None if self.control is None else self.control.pace

    @property
    def latest_recording(self) -> Recording | None:
        """The latest run's recording, which replay goes through; None before any run."""
        return self.recordings.get(self.latest)

    @property
    def flat_out(self) -> bool:
        """A run is training as fast as it can now (not paced, not paused)."""
        return self.busy and self.pace is None and not self.paused

    # --- the controls --------------------------------------------------------------------------

    def start(self, plan: Plan, *, stepping: bool = False) -> Started:
        """Make ``plan`` the session's, replacing (and cancelling) whatever ran; ``stepping``
        takes its first step, then pauses (one press of "one step" is one step, from idle
        too). The caller runs :meth:`events` for it."""
        if self.control is not None:
            self.control.cancel()  # the previous plan stops before its next mini-batch
        self.end_replay()
        pace = plan.configs[0].pace
        if pace is not None and plan.steps > TOO_LONG_TO_WATCH:
            pace = None  # too many steps to watch: at max (the screen says so)
        self.plan_id += 1
        self.after_sweep = self.plan is not None and self.plan.kind == PlanKind.SWEEP
        self.plan, self.ends, self.plan_ended = plan, [], None
        self.control = RunControl(pace=pace)
        if stepping:
            self.control.pause()
            self.control.step()
        self.running = plan.configs[0]
        return Started(plan, self.plan_id, self.control)

    def events(self, started: Started) -> Iterator[Event]:
        """The plan's events, from the engine: run this in a worker thread, and hand each
        event to :meth:`apply` on the UI's. Raises ConfigError if it cannot run here."""
        return self.runner.run(started.plan, started.control, record_path=True)

    def stop(self) -> bool:
        """Cancel the plan in progress; whether there was one."""
        if self.control is None or not self.busy:
            return False
        self.control.cancel()
        return True

    def pause(self) -> bool | None:
        """Pause the run in progress, or resume it; whether it is paused now (None: nothing
        runs)."""
        control = self.control
        if control is None or not self.busy:
            return None
        if control.paused:
            self.end_replay()
            control.resume()
        else:
            control.pause()
        return control.paused

    def step(self) -> bool:
        """One mini-batch of the run in progress, then pause; False if nothing runs (the
        caller starts a plan, ``stepping``)."""
        if self.control is None or not self.busy:
            return False
        self.end_replay()
        self.control.step()
        return True

    def set_pace(self, pace: float | None) -> bool:
        """The run in progress goes on at ``pace`` (None: max); False if nothing runs."""
        if self.control is None or not self.busy:
            return False
        self.control.set_pace(pace)
        return True

    def refused(self, plan_id: int) -> bool:
        """The plan could not start (no such device, no memory); whether it is this one."""
        if plan_id != self.plan_id:
            return False
        self.running = None
        return True

    def failed(self) -> None:
        """The plan's worker raised: nothing runs any more."""
        self.running = None

    def cancel_all(self) -> None:
        """The app ends: the run stops before its next mini-batch, a replayed step too."""
        for control in (self.control, self._replay_control):
            if control is not None:
                control.cancel()

    # --- events ---------------------------------------------------------------------------------

    def apply(self, event: Event) -> Change:
        """Take ``event`` (of the current plan) into the session's state; what changed."""
        config = self.running or (self.plan.configs[-1] if self.plan else TrainConfig())
        match event:
            case RunStarted():
                self.torch_ready = True
                config = self.running = event.config
                new_plot = event.index == 0
                first_of_sweep = new_plot and (
                    self.after_sweep or (self.plan is not None and self.plan.kind == PlanKind.SWEEP)
                )
                new_data = event.config.data_key != self.shown_data or first_of_sweep
                self.shown_data = event.config.data_key
                if new_plot or new_data:
                    self.recordings = {}
                self.end_replay()
                self.recordings[event.label] = Recording(event)
                self.latest = event.label
                return Change(
                    event,
                    config,
                    paused=self.paused,
                    pace=self.pace,
                    new_data=new_data,
                    new_plot=new_plot,
                )
            case Progress():
                latest = self.latest_recording
                if latest is not None and event.path:
                    latest.add(event)
                return Change(event, config, paused=self.paused, pace=self.pace)
            case RunEnded():
                self.running = None
                self.ends.append(event)
                following = event.index + 1
                plan = self.plan
                if plan and following < len(plan.configs) and event.outcome != Outcome.CANCELLED:
                    self.running = plan.configs[following]  # the runner starts it next
                return Change(event, event.config)
            case PlanEnded():
                self.running = None
                self.plan_ended = event
                return Change(event, config)
            case EpochEnded() | StepTaken():
                return Change(event, config, paused=self.paused, pace=self.pace)
        raise AssertionError(f"not an event: {event!r}")  # pragma: no cover

    # --- the data before a run ------------------------------------------------------------------

    def ask_preview(self, config: TrainConfig) -> int | None:
        """A preview of ``config``'s data is wanted (idle, PyTorch ready, data small enough to
        draw at once): its number, which :meth:`previewed` checks; None: none now."""
        if not self.torch_ready or self.busy or config.num_examples > PREVIEW_MAX_EXAMPLES:
            return None
        self.previews_asked += 1
        return self.previews_asked

    def previewed(self, ask: int, plan_id: int) -> bool:
        """Whether preview ``ask``, asked while plan ``plan_id`` was the latest, is still the
        one to show: no newer preview was asked for, and no run began since."""
        return ask == self.previews_asked and plan_id == self.plan_id and not self.busy

    def shows_preview(self) -> None:
        """The panes show a preview: the next run draws its data afresh."""
        self.shown_data = None

    # --- replay --------------------------------------------------------------------------------

    def replay(self, move: str) -> Replayed | None:
        """Go to the recorded step ``move`` leads to (Recording.moved) through the latest run:
        ``step``, ``-step``, ``epoch``, ``-epoch``, ``first``, ``last``. None: nothing
        recorded yet, or a run is in progress and not paused."""
        recording = self.latest_recording
        if recording is None or len(recording) < 2 or (self.busy and not self.paused):
            return None
        index = len(recording) - 1 if self.replayed is None else self.replayed
        self.replayed = index = recording.moved(index, move)
        return self.replayed_view()

    def replayed_view(self) -> Replayed | None:
        """Where replay stands now; None when live."""
        recording = self.latest_recording
        if recording is None or self.replayed is None:
            return None
        step = recording.steps[self.replayed]
        thetas = {
            label: other.theta(other.index_of(step))
            for label, other in self.recordings.items()
            if label != self.latest
        }
        thetas[self.latest] = recording.theta(self.replayed)
        return Replayed(recording, self.replayed, step, thetas)

    def end_replay(self) -> bool:
        """Back to live; whether replay was on."""
        was = self.replayed is not None
        self.replayed = None
        return was

    def replay_wanted(self) -> tuple[TrainConfig, int, int, RunControl] | None:
        """The replayed step, to be taken again for the step inspector (in a worker, through
        :meth:`take_step_again`): its run's config, the step, this ask's number and its
        control. A step asked for before is cancelled. None: the start, or no replay."""
        if self._replay_control is not None:
            self._replay_control.cancel()  # the step asked for before is no longer wanted
        self._replay_control = None
        self.replays_asked += 1
        shown = self.replayed_view()
        if shown is None or shown.step == 0:
            return None
        self._replay_control = RunControl()
        return shown.recording.config, shown.step, self.replays_asked, self._replay_control

    def take_step_again(
        self, config: TrainConfig, step: int, control: RunControl
    ) -> StepDetail | None:
        """The step :meth:`replay_wanted` named, taken again (in a worker thread)."""
        return self.trainer.replay_step(config, step, control)
