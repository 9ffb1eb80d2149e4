"""Messages from the background threads to the main screen. The threads never touch a widget.
None bubbles: each is the main screen's alone."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from tui_linreg.engine.events import Event, RunStarted, StepDetail


@dataclass
class RunEvent(Message, bubble=False):
    """One engine event, tagged with the plan it belongs to. None replaces another still in
    the queue: each progress report holds steps no other one does (at most four a second)."""

    plan_id: int
    event: Event


@dataclass
class RunRefused(Message, bubble=False):
    """A run could not start, e.g. the device asked for is not here."""

    plan_id: int
    reason: str


@dataclass
class TorchLoaded(Message, bubble=False):
    """PyTorch finished importing in the background (or failed to, with the reason)."""

    error: str | None = None


@dataclass
class Notice(Message, bubble=False):
    """Something the user should know that is not a mistake of theirs (the history not
    written, say)."""

    text: str


@dataclass
class DataPreviewed(Message, bubble=False):
    """The data the form describes, drawn before any run (what its RunStarted will say)."""

    ask: int
    """Which preview this answers: only the latest is drawn."""
    plan_id: int
    """The plan that was the latest when the preview was asked for: a run since wins."""
    started: RunStarted | None
    """None: nothing to show (the device is missing, say; the run will tell)."""


@dataclass
class StepReplayed(Message, bubble=False):
    """A recorded step, taken again for the step inspector (engine.run.replay_step)."""

    ask: int
    """Which replay key this answers: only the latest is shown."""
    detail: StepDetail | None
    """None: the run did not get that far again (it was cancelled for a newer key)."""
