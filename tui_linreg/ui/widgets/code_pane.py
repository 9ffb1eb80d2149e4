"""The code being run: the active implementation's training step, read from the running code."""

from __future__ import annotations

import inspect
import re
import textwrap
from collections.abc import Callable

from textual.containers import VerticalScroll
from textual.widgets import Static

from tui_linreg.config import SETTINGS, TrainConfig
from tui_linreg.folding import fold_untaken
from tui_linreg.i18n import N_, _
from tui_linreg.pitfalls import PITFALLS


def training_source(
    implementation: str,
    pitfalls: tuple[str, ...] = (),
    loss: str = "lesson",
    model: str = "sequential",
    optimizer: str = "sgd",
    weight_decay: float = 0.0,
) -> str:
    """The functions that make up one training step, taken from the modules that run it, so
    what is shown can never drift from what runs: the step first (what a learner looks for),
    then what it calls, the data's batching last. ``loss``, ``model``, ``optimizer`` and
    ``weight_decay`` are their flags'. Imports torch (through the engine)."""
    from tui_linreg.losses import loss_of

    spec = loss_of(implementation, loss)
    parts: list[Callable[..., object]]
    if pitfalls:
        from tui_linreg.engine import broken, scratch

        if implementation == "concise":
            parts = [broken.BrokenConcise.train_step]
        else:
            reshape = "no-reshape" in pitfalls
            parts = [
                broken.BrokenScratch.train_step,
                scratch.linreg,
                *([broken.squared_loss_without_reshape] if reshape else [scratch.squared_loss]),
                broken.broken_sgd,
                *([broken.BrokenScratch.batches] if reshape else []),
            ]
        return "\n".join(shown_source(part) for part in parts)
    # The engine's modules import torch: they load when the pane is first shown, not at start.
    if implementation == "analytic":
        from tui_linreg.engine import analytic, scratch

        formula = '"""' + (analytic.__doc__ or "").strip() + '\n"""\n'
        written: list[Callable[..., object]] = [
            analytic.Analytic.batches,
            analytic.Analytic.train_step,
        ]
        if not spec.squared:  # ψ(r) of l1 and Huber
            written.insert(0, analytic.influence)
        if optimizer != "sgd" or weight_decay:  # the update written out
            written.append(analytic.Analytic.optimise)
        return (
            formula
            + "\n".join(shown_source(part) for part in written)
            + "\n# What autograd computes for the same step, in scratch:\n"
            + fold_untaken(
                shown_source(scratch.Scratch.train_step),
                {"optimizer": optimizer, "weight_decay": weight_decay},
            )
        )
    settings = {"optimizer": optimizer, "weight_decay": weight_decay, "model": model}
    if implementation == "concise":
        from tui_linreg.engine import concise

        shown = [
            shown_source(concise.Concise.train_step),
            fold_untaken(shown_source(concise.Concise.__init__), settings),
            *([shown_source(concise.LinearNet)] if model == "class" else []),
            shown_source(concise.load_array),
            shown_source(concise.Concise.decay),
        ]
        return "\n".join(shown)
    from tui_linreg.engine import scratch

    updates: dict[str, Callable[..., object]] = {
        "sgd": scratch.sgd,
        "momentum": scratch.sgd_momentum,
        "nesterov": scratch.sgd_momentum,
        "adam": scratch.adam,
    }
    parts = [
        scratch.linreg,
        scratch.LOSS_FUNCTIONS[spec.name],
        *([scratch.l2_penalty] if weight_decay else []),
        updates[optimizer],
        scratch.data_iter,  # last: its docstring is about how the engine shuffles fast
    ]
    step = fold_untaken(shown_source(scratch.Scratch.train_step), settings)
    return "\n".join([step, *(shown_source(part) for part in parts)])


def shown_source(part: Callable[..., object]) -> str:
    """A function's source as it runs, without the linter's directives (``# noqa: N803``),
    which say nothing to a learner."""
    source = textwrap.dedent(inspect.getsource(part))
    source = re.sub(r"  # noqa: [A-Z0-9, ]+$", "", source, flags=re.MULTILINE)
    return re.sub(r"# noqa: [A-Z0-9, ]+ ", "# ", source)


def changed_lines(source: str, pitfalls: tuple[str, ...]) -> set[int]:
    """The numbers (from 1) of the lines that name one of ``pitfalls``: each changed line in
    engine/broken.py says which pitfall it belongs to."""
    return {
        number
        for number, line in enumerate(source.splitlines(), start=1)
        if any(name in line for name in pitfalls)
    }


CODE_SETTINGS = ("loss_function", "model", "optimizer", "weight_decay")
"""Besides the implementation and the pitfalls, the settings that change the code shown."""


def code_heading(config: TrainConfig) -> str:
    """Whose code it is: ``concise · --optimizer adam``, each setting that changes the code
    named where it is used and not its default."""
    shown = config.implementation
    if config.pitfalls:
        shown = _("{implementation} with {pitfalls}").format(
            implementation=shown, pitfalls="+".join(config.pitfalls)
        )
    for name in CODE_SETTINGS:
        setting, value = SETTINGS[name], getattr(config, name)
        if setting.used(config) and value != setting.default:
            shown += f" · {setting.flag} {setting.kind.show(value)}"
    return shown


RUNNING = N_("the code being run")
LAST_RUN = N_("the last run's code")
NEXT_RUN = N_("the next run's code (the form's)")
"""Whose code it is, in English (compared): shown through _()."""


class CodePane(VerticalScroll):
    DEFAULT_CLASSES = "pane"  # the bordered look of every pane (app.tcss)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = _(RUNNING)
        self.showing: str | None = None
        self.dark = True
        self.asked: TrainConfig | None = None
        """What :meth:`show` was last asked for: drawn again when the theme changes."""
        self.heading = RUNNING
        """Whose code it is: the run's, the last run's, or the next one's (the form's)."""

    def restyle(self) -> None:
        """The theme changed: the source again, in the theme's colours (if it is shown)."""
        if self.asked is not None:
            self.show(self.asked, heading=self.heading)

    def run_ended(self) -> None:
        """The code shown is now the last run's, until the form asks for another."""
        if self.heading == RUNNING:
            self.heading = LAST_RUN
            self.border_title = f"{_(self.heading)} · {self.showing}"

    def retranslate(self) -> None:
        """Its title and the code's heading (the pitfalls' names stay, being flags)."""
        if self.asked is None:
            self.border_title = _(self.heading)
        else:
            self.showing = None  # drawn again: the words of the pitfalls' changes too
            self.show(self.asked, heading=self.heading)

    def compose(self):  # type: ignore[no-untyped-def]
        yield Static(_("loading PyTorch…"), id="code-text")

    def on_mount(self) -> None:
        self.watch(self.app, "theme", lambda _theme: self.restyle(), init=False)

    def show(self, config: TrainConfig, *, heading: str = RUNNING) -> None:
        """Show the training step ``config`` runs; ``heading`` says whose it is: the run in
        progress's (RUNNING) or, when idle, the next run's (NEXT_RUN: the form's)."""
        shown = code_heading(config)
        self.asked = config
        dark = self.app.current_theme.dark
        self.heading = heading
        self.border_title = f"{_(heading)} · {shown}"
        if (shown, dark) == (self.showing, self.dark):
            return
        self.showing, self.dark = shown, dark
        if config.pitfalls:
            changes = "; ".join(_(PITFALLS[name].change) for name in config.pitfalls)
            self.border_subtitle = _("highlighted: {changes}").format(changes=changes)
        else:
            self.border_subtitle = ""
        from rich.syntax import Syntax  # pygments loads only when the pane is first shown

        source = training_source(
            config.implementation,
            config.pitfalls,
            config.loss_function,
            config.model,
            config.optimizer,
            config.weight_decay,
        )
        changed = changed_lines(source, config.pitfalls)
        syntax = Syntax(
            source,
            "python",
            theme="ansi_dark" if dark else "ansi_light",  # the app's theme, light ones too
            line_numbers=True,
            word_wrap=True,
            highlight_lines=changed,
        )
        for number in changed:  # the gutter's marker alone is easy to miss
            syntax.stylize_range("bold on #5f3f00", (number, 0), (number + 1, 0))
        self.query_one("#code-text", Static).update(syntax)
        # The first changed line in view, a few lines of context above it (roughly: wrapped
        # lines make the source taller than its line count).
        self.call_after_refresh(
            self.scroll_to, y=max(min(changed, default=1) - 4, 0), animate=False
        )
