"""The epoch log: the lesson's line per epoch, between a start line and an end line."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.binding import BindingType
from textual.widgets import RichLog

from tui_linreg.config import TrainConfig
from tui_linreg.engine.events import EpochEnded, Outcome, RunEnded, RunStarted
from tui_linreg.i18n import _
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
from tui_linreg.ui.maximise import MAXIMISE_BINDINGS, retranslate_keys, toggle_maximised

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
        self.border_title = _("log")

    def retranslate(self) -> None:
        """Its title (the lines written stay as they were said)."""
        self.border_title = _("log")
        retranslate_keys(self)

    config: TrainConfig | None = None
    """The config of the run being logged."""

    def started(self, event: RunStarted) -> None:
        config = self.config = event.config
        line = Text.assemble(
            (f"▶ {config.implementation} ", "bold"),
            _("on {device} · {config}").format(device=event.device, config=describe_config(config)),
        )
        self.write(line)
        if event.printed:  # concise: the lesson's print(net) and print(optimizer)
            self.write(Text(event.printed, style="dim"))
        if config.implementation == "concise" and config.loss_function == "lesson":
            said = _("loss is nn.MSELoss: plain MSE, 2× scratch's half-MSE")
            self.write(Text(f"  {said}", style="dim"))
        elif config.loss_function != "lesson":
            self.write(Text(f"  {loss_line(event)}", style="dim"))
        if event.data_note:
            said = _("note: {note}").format(note=event.data_note)
            self.write(Text(f"  {said}", style="yellow"))
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
            epochs, paced = len(event.history), event.config.pace is not None
            if paced:  # its time leaves out the waits
                finished = (
                    _("finished {count} epoch in {time} of training")
                    if epochs == 1
                    else _("finished {count} epochs in {time} of training")
                )
            else:
                finished = (
                    _("finished {count} epoch in {time}")
                    if epochs == 1
                    else _("finished {count} epochs in {time}")
                )
            text = (
                finished.format(count=epochs, time=formatting.seconds(event.train_s))
                + f" · {formatting.rate(event.steps_per_s)} · {_against_optimum(event)}"
            )
            gap = generalisation_gap(event)
            text += f" · {gap}" if gap else ""
            if event.standardization is not None:  # the table's numbers are standardised
                line = fitted_line(event.config, *event.in_data_units(event.w, event.b))
                text += " · " + _("in the data's units: {line}").format(line=line)
        self.write(Text(text, style=_OUTCOME_STYLE[event.outcome]))
        if event.outcome != Outcome.FAILED:  # when it raised, PyTorch's own words say it
            for name in event.config.pitfalls:  # what the broken line did: look for it now
                said = _(PITFALLS[name].consequence)
                self.write(Text(f"  {name}: {said}", style="yellow"))

    def action_maximise(self) -> None:
        toggle_maximised(self)

    def note(self, text: str) -> None:
        self.write(Text(text, style="italic"))


def _against_optimum(end: RunEnded) -> str:
    """The final loss beside the optimum's: half-MSE, or for l1 and Huber their own loss, and
    with weight decay the objective."""
    best = end.closed_form
    if best.loss is None or not end.history:
        return _("half-MSE {loss:.4g} (optimum {optimum:.4g})").format(
            loss=end.half_mse, optimum=best.half_mse
        )
    return f"{end.objective_name} {end.objective:.4g} ({best.name} {best.loss:.4g})"
