"""The status line: implementation, device, epoch / total, a progress bar, elapsed time."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from functools import partial

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual.reactive import reactive

from tui_linreg.engine.events import Outcome, RunEnded
from tui_linreg.i18n import N_, _
from tui_linreg.ui import formatting
from tui_linreg.ui.glossed import Glossed

BAR_WIDTH = 16

SWEPT = {
    Outcome.FINISHED: N_("{count} finished"),
    Outcome.CANCELLED: N_("{count} cancelled"),
    Outcome.DIVERGED: N_("{count} diverged"),
    Outcome.FAILED: N_("{count} failed"),
}
"""How many of a sweep's runs ended each way."""


class StatusLine(Glossed):
    """One line of text and a progress bar, repainted in place.

    Its size never changes, so an update costs a repaint of one line, never a layout of the
    screen (which Static.update and ProgressBar's label ask for). Updates are kept until
    :meth:`flush`, called by the app a few times a second: every repaint during training is
    time taken from the training thread, with which the UI shares the GIL.
    """

    text: reactive[str] = reactive(lambda: _("loading PyTorch…"), layout=False)
    done: reactive[float] = reactive(0.0, layout=False)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._text: str | None = None
        self._done: float | None = None
        self._at: tuple[str, int, int, int | None, int | None] | None = None
        """The run in progress: its implementation, epoch / epochs and step / steps."""
        self._how: tuple[float, float | None] = (0.0, None)
        """Its training time, and its pace (None: as fast as it goes)."""
        self._again: Callable[[], None] | None = None
        """Says the line shown again, in the language in use (None: the line is the screen's
        own words, given to :meth:`say`)."""

    def say(self, text: str) -> None:
        self._text = text
        self._again = None

    def _said(self, text: str, again: Callable[[], None]) -> None:
        """Say ``text``, which ``again`` says anew in another language."""
        self.say(text)
        self._again = again

    def retranslate(self) -> None:
        """The line shown, in the language just chosen (where it is this widget's own)."""
        if self._again is not None:
            self._again()
            self.flush()

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
        self._at = (implementation, epoch, epochs, step, steps)
        self._how = (elapsed_s, pace)
        self.paused(paused)

    def _where(self) -> str:
        if self._at is None:
            return ""
        implementation, epoch, epochs, step, steps = self._at
        if step:
            where = _("{implementation} · epoch {epoch}/{epochs} · step {step}/{steps}")
        else:
            where = _("{implementation} · epoch {epoch}/{epochs}")
        return where.format(
            implementation=implementation, epoch=epoch, epochs=epochs, step=step, steps=steps
        )

    def paused(self, paused: bool) -> None:
        """Say whether the run in progress is paused, where it is."""
        elapsed_s, pace = self._how
        if paused:
            how = _("paused · f7 steps, ctrl+o resumes")
        elif pace is None:
            how = formatting.seconds(elapsed_s)
        else:
            how = _("{pace:g} steps/s").format(pace=pace)
        where = self._where()
        self._said(f"{where} · {how}" if where else how, partial(self.paused, paused))

    def idle(self, implementation: str, torch_ready: bool, ended: RunEnded | None) -> None:
        """What is ready, or how the last run ended; shown at once."""
        again = partial(self.idle, implementation, torch_ready, ended)
        if not torch_ready:
            self._said(_("loading PyTorch…"), again)
        elif ended is None:
            # The footer leaves keys out below 150 columns: say where they all are.
            ready = _("{implementation} · ready · ctrl+r runs · f1: every key")
            self._said(ready.format(implementation=implementation), again)
        else:
            self._at = None
            rate, training = formatting.rate(ended.steps_per_s), formatting.seconds(ended.train_s)
            finished = _("finished in {time} · {rate}").format(time=training, rate=rate)
            if ended.config.pace is not None:  # two speeds: say which is which
                finished = _(
                    "finished · shown at {pace:g} steps/s, trains at {rate} "
                    "({time} without the waits)"
                ).format(pace=ended.config.pace, rate=rate, time=training)
            summary = {
                Outcome.FINISHED: finished,
                Outcome.CANCELLED: _("stopped in epoch {epoch}").format(epoch=ended.epoch),
                Outcome.DIVERGED: _("diverged in epoch {epoch}").format(epoch=ended.epoch),
                Outcome.FAILED: _("failed: {reason}").format(
                    reason=ended.message.partition("Error: ")[2]
                ),
            }[ended.outcome]
            self._said(f"{ended.config.implementation} · {ended.device} · {summary}", again)
            if ended.outcome == Outcome.FINISHED:
                self.progress(1)
        self.flush()

    def swept(self, ends: list[RunEnded]) -> None:
        """A sweep's end: how its runs ended, not only its last (which may have diverged)."""
        counts = Counter(end.outcome for end in ends)
        outcomes = ", ".join(
            _(SWEPT[outcome]).format(count=count) for outcome, count in counts.items()
        )
        said = _("a sweep of {runs} runs: {outcomes}").format(runs=len(ends), outcomes=outcomes)
        self._said(said, partial(self.swept, ends))
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
        # percentage stays. Widths in cells: a Chinese character takes two.
        percent = f" {self.done:4.0%}"
        width = self.size.width
        words = cell_len(self.text)
        bar_width = max(min(BAR_WIDTH, width - words - 2 - len(percent)), 0)
        filled = round(self.done * bar_width)
        bar = Text.assemble(
            ("━" * filled, "green"), ("━" * (bar_width - filled), "grey35"), percent
        )
        room = max(width - len(bar) - 2, 0)
        if words <= room:
            text = set_cell_size(self.text, room)  # padded to the room, as ljust
        else:
            text = set_cell_size(self.text, max(room - 1, 0)) + "…"
        return Text.assemble(Text(text, no_wrap=True), "  ", bar)
