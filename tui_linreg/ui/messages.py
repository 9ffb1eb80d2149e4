"""Messages from the training worker to the widgets. The worker never touches a widget."""

from __future__ import annotations

from textual.message import Message

from tui_linreg.engine.events import Event, Progress


class RunEvent(Message):
    """One engine event, tagged with the run it belongs to."""

    def __init__(self, run_id: int, event: Event) -> None:
        super().__init__()
        self.run_id = run_id
        self.event = event

    def can_replace(self, message: Message) -> bool:
        """A newer progress report of the same run supersedes one still waiting in the queue."""
        return (
            isinstance(message, RunEvent)
            and message.run_id == self.run_id
            and isinstance(message.event, Progress)
            and isinstance(self.event, Progress)
        )


class RunRefused(Message):
    """The run could not start, e.g. the device asked for is not here."""

    def __init__(self, run_id: int, reason: str) -> None:
        super().__init__()
        self.run_id = run_id
        self.reason = reason


class TorchLoaded(Message):
    """PyTorch finished importing in the background (or failed to, with the reason)."""

    def __init__(self, error: str | None = None) -> None:
        super().__init__()
        self.error = error


class Notice(Message):
    """Something the user should know that is not an error of theirs (e.g. history not written)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text
