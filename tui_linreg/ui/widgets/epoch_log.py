"""The epoch log: the lesson's line per epoch, between a start line and an end line."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.binding import BindingType
from textual.widgets import RichLog

from tui_linreg.config import TrainConfig
from tui_linreg.engine.events import EpochEnded, Outcome, RunEnded, RunStarted
from tui_linreg.pitfalls import PITFALLS
from tui_linreg.report import (
    decay_line,
    describe_config,
    fitted_line,
    generalisation_gap,
    lesson_line,
    loss_line,
    optimizer_line,
)
from tui_linreg.ui import formatting
from tui_linreg.ui.maximise import MAXIMISE_BINDINGS, toggle_maximised

_OUTCOME_STYLE = {
    Outcome.FINISHED: "bold green",
    Outcome.CANCELLED: "bold yellow",
    Outcome.DIVERGED: "bold red",
    Outcome.FAILED: "bold red",
}


class EpochLog(RichLog):
    DEFAULT_CLASSES = "pane"  # the bordered look of every pane (app.tcss)
    BINDINGS: ClassVar[list[BindingType]] = [*MAXIMISE_BINDINGS]  # m: readable at 80×24

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, max_lines=5000, wrap=True, markup=False, min_width=20)
        self.border_title = "log"

    config: TrainConfig | None = None
    """The config of the run being logged."""

    def started(self, event: RunStarted) -> None:
        config = self.config = event.config
        line = Text.assemble(
            (f"▶ {config.implementation} ", "bold"),
            f"on {event.device} · {describe_config(config)}",
        )
        self.write(line)
        if event.printed:  # concise: the lesson's print(net) and print(optimizer)
            self.write(Text(event.printed, style="dim"))
        if config.implementation == "concise" and config.loss_function == "lesson":
            self.write(Text("  loss is nn.MSELoss: plain MSE, 2× scratch's half-MSE", style="dim"))
        elif config.loss_function != "lesson":
            self.write(Text(f"  {loss_line(event)}", style="dim"))
        if event.data_note:
            self.write(Text(f"  note: {event.data_note}", style="yellow"))
        if config.optimizer != "sgd":
            self.write(Text(f"  {optimizer_line(event)}", style="dim"))
        if config.weight_decay:
            self.write(Text(f"  {decay_line(event)}", style="dim"))

    def epoch(self, event: EpochEnded) -> None:
        assert self.config is not None, "an epoch is logged after its run's start"
        self.write(lesson_line(event, self.config))

    def ended(self, event: RunEnded) -> None:
        text = event.message
        if event.outcome == Outcome.FINISHED:
            text = (
                f"finished {len(event.history)} epoch{'s' if len(event.history) != 1 else ''} "
                f"in {formatting.seconds(event.train_s)}"
                + (" of training" if event.config.pace is not None else "")
                + f" · {formatting.rate(event.steps_per_s)} · {_against_optimum(event)}"
            )
            gap = generalisation_gap(event)
            text += f" · {gap}" if gap else ""
            if event.standardization is not None:  # the table's numbers are standardised
                text += " · in the data's units: " + fitted_line(
                    event.config, *event.in_data_units(event.w, event.b)
                )
        self.write(Text(text, style=_OUTCOME_STYLE[event.outcome]))
        if event.outcome != Outcome.FAILED:  # when it raised, PyTorch's own words say it
            for name in event.config.pitfalls:  # what the broken line did: look for it now
                self.write(Text(f"  {name}: {PITFALLS[name].consequence}", style="yellow"))

    def action_maximise(self) -> None:
        toggle_maximised(self)

    def note(self, text: str) -> None:
        self.write(Text(text, style="italic"))


def _against_optimum(end: RunEnded) -> str:
    """The final loss beside the optimum's: half-MSE, or for l1 and Huber their own loss, and
    with weight decay the objective."""
    best = end.closed_form
    if best.loss is None or not end.history:
        return f"half-MSE {end.half_mse:.4g} (optimum {best.half_mse:.4g})"
    return f"{end.objective_name} {end.objective:.4g} ({best.name} {best.loss:.4g})"
