"""The status line: implementation, device, epoch / total, a progress bar, elapsed time."""

from __future__ import annotations

from collections import Counter

from rich.text import Text
from textual.reactive import reactive

from tui_linreg.engine.events import Outcome, RunEnded
from tui_linreg.i18n import _
from tui_linreg.ui import formatting
from tui_linreg.ui.glossed import Glossed

BAR_WIDTH = 16


class StatusLine(Glossed):
    """One line of text and a progress bar, repainted in place.

    Its size never changes, so an update costs a repaint of one line, never a layout of the
    screen (which Static.update and ProgressBar's label ask for). Updates are kept until
    :meth:`flush`, called by the app a few times a second: every repaint during training is
    time taken from the training thread, with which the UI shares the GIL.
    """

    text: reactive[str] = reactive("loading PyTorch…", layout=False)
    done: reactive[float] = reactive(0.0, layout=False)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._text: str | None = None
        self._done: float | None = None
        self._where = ""
        """The run in progress: its implementation, epoch and step."""
        self._how = ""
        """Its training time, or its pace."""

    def say(self, text: str) -> None:
        self._text = text

    def progress(self, done: float) -> None:
        self._done = done

    def running(
        self,
        implementation: str,
        epoch: int,
        epochs: int,
        elapsed_s: float,
        step: int | None = None,
        steps: int | None = None,
        *,
        paused: bool = False,
        pace: float | None = None,
    ) -> None:
        """Where a run is: its epoch, the step within it, and its training time (or its pace:
        a paced run's training time leaves out the waits, and would read as too short)."""
        where = f"epoch {epoch}/{epochs}" + (f" · step {step}/{steps}" if step else "")
        self._where = f"{implementation} · {where}"
        self._how = formatting.seconds(elapsed_s) if pace is None else f"{pace:g} steps/s"
        self.paused(paused)

    def paused(self, paused: bool) -> None:
        """Say whether the run in progress is paused, where it is."""
        how = "paused · f7 steps, ctrl+o resumes" if paused else self._how
        self.say(f"{self._where} · {how}" if self._where else how)

    def idle(self, implementation: str, torch_ready: bool, ended: RunEnded | None) -> None:
        """What is ready, or how the last run ended; shown at once."""
        if not torch_ready:
            self.say("loading PyTorch…")
        elif ended is None:
            # The footer leaves keys out below 150 columns: say where they all are.
            ready = _("{implementation} · ready · ctrl+r runs · f1: every key")
            self.say(ready.format(implementation=implementation))
        else:
            self._where = ""
            rate, training = formatting.rate(ended.steps_per_s), formatting.seconds(ended.train_s)
            finished = f"finished in {training} · {rate}"
            if ended.config.pace is not None:  # two speeds: say which is which
                finished = (
                    f"finished · shown at {ended.config.pace:g} steps/s, trains at {rate} "
                    f"({training} without the waits)"
                )
            summary = {
                Outcome.FINISHED: finished,
                Outcome.CANCELLED: f"stopped in epoch {ended.epoch}",
                Outcome.DIVERGED: f"diverged in epoch {ended.epoch}",
                Outcome.FAILED: "failed: " + ended.message.partition("Error: ")[2],
            }[ended.outcome]
            self.say(f"{ended.config.implementation} · {ended.device} · {summary}")
            if ended.outcome == Outcome.FINISHED:
                self.progress(1)
        self.flush()

    def swept(self, ends: list[RunEnded]) -> None:
        """A sweep's end: how its runs ended, not only its last (which may have diverged)."""
        counts = Counter(str(end.outcome) for end in ends)
        outcomes = ", ".join(f"{count} {outcome}" for outcome, count in counts.items())
        self.say(f"a sweep of {len(ends)} runs: {outcomes}")
        self.progress(1)
        self.flush()

    def flush(self) -> None:
        if self._text is not None:
            self.text, self._text = self._text, None
        if self._done is not None:
            self.done, self._done = min(max(self._done, 0.0), 1.0), None

    def glossed_texts(self) -> list[str]:
        return [self.text]

    def render(self) -> Text:
        # The words first: the bar gives up its cells to them on a narrow terminal (at 80
        # columns the pause hint is longer than what a whole bar leaves), down to none; the
        # percentage stays.
        percent = f" {self.done:4.0%}"
        width = self.size.width
        bar_width = max(min(BAR_WIDTH, width - len(self.text) - 2 - len(percent)), 0)
        filled = round(self.done * bar_width)
        bar = Text.assemble(
            ("━" * filled, "green"), ("━" * (bar_width - filled), "grey35"), percent
        )
        room = max(width - len(bar) - 2, 0)
        text = self.text if len(self.text) <= room else self.text[: max(room - 1, 0)] + "…"
        return Text.assemble(Text(text.ljust(room), no_wrap=True), "  ", bar)
