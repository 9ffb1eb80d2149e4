"""One step of the scratch lesson, walked line by line in the plots' place: the lines, a mark
at the one just run, and what w, b, their .grad, the loss and the graph hold after it. ↓ or j
runs the next line, ↑ or k goes back (the states are all taken at once, in a worker)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import work
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from tui_linreg.config import ConfigError, TrainConfig
from tui_linreg.i18n import _, cells

if TYPE_CHECKING:  # the engine imports torch: loaded in the worker, when a walk is asked for
    from tui_linreg.engine.walk import WalkState


def _numbers(values: tuple[float, ...] | float | None) -> str:
    if values is None:
        return "None"
    if isinstance(values, float):
        return f"{values:.6g}"
    return "[" + ", ".join(f"{x:.6g}" for x in values) + "]"


class WalkPane(VerticalScroll, can_focus=True):
    DEFAULT_CLASSES = "pane"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,j", "move(1)", _("Next line"), show=False),
        Binding("up,k", "move(-1)", _("Previous line"), show=False),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.states: list[WalkState] = []
        self.at = 0

    def compose(self):  # type: ignore[no-untyped-def]
        yield Static(_("the walk shows here"), id="walk-text")

    def walk(self, config: TrainConfig, step: int = 1) -> None:
        """Take a run of ``config`` to ``step`` and walk that step line by line."""
        self.border_title = _("step {step}, line by line").format(step=step)
        self.border_subtitle = _("↓ j: next line · ↑ k: back")
        self.states, self.at = [], 0
        self.query_one("#walk-text", Static).update(
            _("taking the run to step {step}…").format(step=step)
        )
        self._compute(config, step)

    @work(thread=True, exclusive=True, group="walk")
    def _compute(self, config: TrainConfig, step: int) -> None:
        from tui_linreg.engine.walk import walk_step  # PyTorch: off the UI thread

        try:
            states = walk_step(config, step)
            failed = ""
        except ConfigError as error:
            states, failed = [], "\n".join(m.message for m in error.mistakes)
        self.app.call_from_thread(self._walked, states, failed)

    def _walked(self, states: list[WalkState], failed: str) -> None:
        self.states, self.at = states, 0
        if failed:
            self.query_one("#walk-text", Static).update(failed)
        else:
            self._draw()

    def action_move(self, by: int) -> None:
        if self.states:
            self.at = max(0, min(self.at + by, len(self.states) - 1))
            self._draw()

    def _draw(self) -> None:
        states = self.states
        now = states[self.at]
        before = states[self.at - 1] if self.at else now
        text = Text()
        for index, state in enumerate(states):
            line = state.line or _("(before the step)")
            mark = "▶ " if index == self.at else "  "
            style = "bold reverse" if index == self.at else ("" if index < self.at else "dim")
            text.append(mark + line + "\n", style=style)
        text.append("\n" + _("after this line:") + "\n", style="bold")
        w, b = now.names
        rows = (
            (w, _numbers(now.w), now.w != before.w),
            (b, _numbers(now.b), now.b != before.b),
            (f"{w}.grad", _numbers(now.w_grad), now.w_grad != before.w_grad),
            (f"{b}.grad", _numbers(now.b_grad), now.b_grad != before.b_grad),
            (
                "l",
                _("shape {shape}, mean {mean:.6g}").format(shape=now.loss_shape, mean=now.loss_mean)
                if now.loss_mean is not None
                else _("not computed yet"),
                now.loss_shape != before.loss_shape,
            ),
            (_("graph"), now.graph, now.graph != before.graph),
        )
        width = max(cells(name) for name, _shown, _changed in rows) + 1
        for name, shown, changed in rows:
            text.append("  " + name + " " * (width - cells(name)), style="bold")
            text.append(
                shown + ("  ◀ " + _("changed") if changed and self.at else "") + "\n",
                style="bold" if changed and self.at else "",
            )
        if now.line == "trainer.zero_grad()":
            text.append(
                "\n"
                + _(
                    "zero_grad() sets .grad to None (PyTorch 2's default), not to zeros: the "
                    "next backward() writes it afresh instead of adding to it."
                )
                + "\n"
            )
        elif self.at == 0 and now.w_grad is None:
            text.append("\n" + _(".grad is None: no backward() has filled it yet.") + "\n")
        if now.error:
            text.append(
                "\n" + _("PyTorch refused this line: {error}").format(error=now.error),
                style="bold red",
            )
        self.query_one("#walk-text", Static).update(text)
