"""The step inspector (f8): the last watched step, with the tensors it really used.

The batch, the loss the implementation computed, the gradient its update read (autograd's
``.grad``, or analytic's formula) next to the gradient written out, and the update. The
numbers come from the engine (engine/watch.py); this pane only lays them out.
"""

from __future__ import annotations

import math
from typing import ClassVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from tui_linreg.engine.events import StepDetail
from tui_linreg.i18n import N_, _
from tui_linreg.ui.maximise import MAXIMISE_BINDINGS, retranslate_keys, toggle_maximised
from tui_linreg.ui.replay_keys import REPLAY_BINDINGS

MAX_ROWS = 200
"""Batch rows shown; a bigger batch says how many are left out."""

MAX_FEATURE_COLUMNS = 4
"""x columns shown; the parameters below list every weight."""

WAITING = N_(
    "No step watched yet.\n\n"
    "f7 takes one step: from idle it starts the run and takes its first step, and each f7 "
    "after that runs the next mini-batch. ctrl+o resumes.\n\n"
    "At a pace of 1000 steps/s or slower every step is shown here as it happens; at max, "
    "only single steps and the run's last step."
)
"""Shown through _() (the language may change after import)."""


def number(value: float) -> str:
    if not math.isfinite(value):
        return str(value)
    return f"{value:.6g}"


def _heading(text: str) -> Text:
    return Text(text, style="bold")


def batch_table(detail: StepDetail) -> Table:
    """One row per example: its index, x, y, ŷ and the residual ŷ − y."""
    width = len(detail.features[0]) if detail.features else 0
    shown = min(width, MAX_FEATURE_COLUMNS)
    table = Table(box=None, padding=(0, 1), show_edge=False, header_style="bold")
    table.add_column(_("index"), justify="right", style="dim")
    for i in range(shown):
        table.add_column(f"x[{i}]", justify="right")
    if width > shown:
        table.add_column("…")
    for name in ("y", "ŷ", "ŷ − y"):
        table.add_column(name, justify="right")
    rows = zip(detail.indices, detail.features, detail.labels, detail.predictions, strict=False)
    for row, (index, x, y, y_hat) in enumerate(rows):
        if row == MAX_ROWS:
            break
        cells = [str(index), *(f"{v:.3f}" for v in x[:shown])]
        if width > shown:
            cells.append("")
        cells += [f"{y:.3f}", f"{y_hat:.3f}", f"{y_hat - y:+.3f}"]
        table.add_row(*cells)
    return table


def gradient_table(detail: StepDetail) -> Table:
    names = [f"w[{i}]" for i in range(len(detail.grad_w))] + ["b"]
    table = Table(box=None, padding=(0, 1), show_edge=False, header_style="bold")
    table.add_column("")
    analytic = detail.implementation == "analytic"
    table.add_column("Aᵀr" if analytic else ".grad", justify="right")
    table.add_column(_("written out"), justify="right")
    table.add_column(_("difference"), justify="right")
    read = (*detail.grad_w, detail.grad_b)
    written = (*detail.expected_w, detail.expected_b)
    bounds = detail.precision or (0.0,) * len(read)
    for name, got, want, bound in zip(names, read, written, bounds, strict=True):
        table.add_row(name, number(got), number(want), difference(got - want, bound))
    return table


def difference(gap: float, bound: float) -> str:
    """A difference float32's rounding accounts for reads as agreement, with the bound it was
    checked against; a bigger one (a pitfall's) as the number it is."""
    if abs(gap) <= bound:
        return f"≈ 0 (< {rounded_up(bound)})"
    return number(gap)


def rounded_up(value: float) -> str:
    """``value`` to one significant digit, rounded up: 6.3e-07 → 7e-07."""
    exponent = math.floor(math.log10(value))
    digit = math.ceil(value / 10.0**exponent - 1e-9)
    if digit == 10:
        digit, exponent = 1, exponent + 1
    return f"{digit}e{exponent:+03d}"


def agreement_note(detail: StepDetail) -> Text | None:
    """What ≈ 0 means, under the gradient table, when any row shows it."""
    read = (*detail.grad_w, detail.grad_b)
    written = (*detail.expected_w, detail.expected_b)
    if not detail.grad_w or not any(
        abs(got - want) <= bound
        for got, want, bound in zip(read, written, detail.precision, strict=False)
    ):
        return None
    return Text(
        _(
            "≈ 0: equal to float32 precision. float32 keeps about 7 digits; the bound in "
            "brackets is what rounding alone can leave in a batch's sum."
        ),
        style="dim",
    )


def update_table(detail: StepDetail) -> Table:
    names = [f"w[{i}]" for i in range(len(detail.w_before))] + ["b"]
    table = Table(box=None, padding=(0, 1), show_edge=False, header_style="bold")
    for column in ("", _("before"), _("after"), _("change")):
        table.add_column(column, justify="right" if column else "left")
    before = (*detail.w_before, detail.b_before)
    after = (*detail.w_after, detail.b_after)
    for name, old, new in zip(names, before, after, strict=True):
        table.add_row(name, number(old), number(new), number(new - old))
    return table


def notes(detail: StepDetail, pitfalls: tuple[str, ...]) -> list[Text]:
    """What this step shows about the pitfalls that are on."""
    said = []
    if "forget-zero-grad" in pitfalls and detail.step + detail.epoch > 2:
        said.append(
            _(
                "forget-zero-grad: nothing zeroed .grad, so it holds the sum of every step's "
                "gradient so far; the difference is what earlier steps left in it."
            )
        )
    if "no-reshape" in pitfalls and len(detail.loss_shape) == 2 and detail.loss_shape[1] > 1:
        rows, columns = detail.loss_shape
        said.append(
            _(
                "no-reshape: ŷ is ({rows}, 1) and y is ({columns},), so ŷ − y broadcast to "
                "{rows}×{columns}: every prediction minus every label. The gradient is that "
                "wrong loss's, not the written-out one."
            ).format(rows=rows, columns=columns)
        )
    length = len(detail.indices)
    if "lesson-divisor" in pitfalls and detail.divisor != length:
        said.append(
            _(
                "lesson-divisor: the lesson's sgd divides by batch_size = {divisor:g}, but "
                "this batch holds {length}: its step is {length}/{divisor:g} of the mean "
                "gradient's. Our scratch divides by len(y) = {length}."
            ).format(divisor=detail.divisor, length=length)
        )
    return [Text(line, style="yellow") for line in said]


SIDE_BY_SIDE = 96
"""From this width (the pane's), the batch sits beside the loss, gradient and update."""


def render(detail: StepDetail, pitfalls: tuple[str, ...] = (), width: int = 0) -> RenderableType:
    """The whole inspector for one step, in one column or, ``width`` allowing, two."""
    batch: list[RenderableType] = []
    length = len(detail.indices)
    batch.append(
        _heading(
            _("the batch: {length} examples (ŷ with θ before the update)").format(length=length)
        )
    )
    batch.append(batch_table(detail))
    if length > MAX_ROWS:
        more = _("… and {count} more rows").format(count=length - MAX_ROWS)
        batch.append(Text(more, style="dim"))
    step = _the_step(detail, pitfalls)
    first: list[RenderableType] = []  # what the pitfalls did to this step, first
    if detail.error:
        raised = _("This step raised: {error}").format(error=detail.error)
        first.append(Text(raised, style="bold red"))
    first += notes(detail, pitfalls)
    if first:
        first.append(Text(""))
    if width >= SIDE_BY_SIDE:
        grid = Table.grid(padding=(0, 3))
        grid.add_column(ratio=1)
        grid.add_column(ratio=1)
        grid.add_row(Group(*batch), Group(*step))
        return Group(*first, grid)
    return Group(*first, *batch, Text(""), *step)


def _the_step(detail: StepDetail, pitfalls: tuple[str, ...]) -> list[RenderableType]:
    """The loss, the gradient and the update."""
    parts: list[RenderableType] = [_heading(_("the loss"))]
    shape = str(detail.loss_shape).replace(",)", ")") if detail.loss_shape else _("(): a scalar")
    parts.append(Text(detail.loss_call))
    name = "l" if detail.loss_call.startswith("l =") else "r² / 2"  # analytic forms no l
    has = _("{name} has shape {shape}, mean {mean}")
    parts.append(Text("  " + has.format(name=name, shape=shape, mean=number(detail.batch_loss))))
    on = detail.backward_on
    if detail.backward_value is not None:
        called = (
            _("backward() is called on {on} = {value}: backward() needs a scalar")
            if on.startswith("l.sum")
            else _("backward() is called on {on} = {value}")
        )
        parts.append(Text("  " + called.format(on=on, value=number(detail.backward_value))))
    elif detail.implementation != "analytic":
        parts.append(Text("  " + _("backward() is called on {on}").format(on=on)))
    else:
        parts.append(Text(f"  {on}"))

    parts += [Text(""), _heading(_("the gradient"))]
    if detail.implementation == "analytic":
        parts.append(Text(_("no autograd: the step computes Aᵀr itself, r = Aθ − y")))
    else:
        first, second = detail.gradient_names
        parts.append(Text(_("read from {first} and {second}").format(first=first, second=second)))
    written = _("written out: {formula}").format(formula=detail.written_out)
    parts.append(Text(written, style="dim"))
    if detail.grad_w or detail.implementation == "analytic":
        parts.append(gradient_table(detail))
        note = agreement_note(detail)
        if note is not None:
            parts.append(note)
    else:
        none = _("{name} is None: backward() raised before filling it")
        parts.append(Text(none.format(name=detail.gradient_names[0])))

    parts += [Text(""), _heading(_("the update"))]
    parts.append(Text(detail.update_rule))
    lr = _("lr {lr:g}, divisor {divisor:g} ({name})")
    parts.append(
        Text("  " + lr.format(lr=detail.lr, divisor=detail.divisor, name=detail.divisor_name))
    )
    if detail.error:
        parts.append(Text("  " + _("not applied: the step raised before it"), style="red"))
    parts.append(update_table(detail))
    return parts


class StepInspector(VerticalScroll):
    DEFAULT_CLASSES = "pane"  # the bordered look of every pane (app.tcss)
    BINDINGS: ClassVar[list[BindingType]] = [
        *REPLAY_BINDINGS,
        *MAXIMISE_BINDINGS,
        Binding("w", "screen.walk_step", _("Walk this step line by line"), show=False),
    ]  # ↑↓ still scroll
    ALLOW_MAXIMIZE = True

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = _("step inspector (f8)")
        self.border_subtitle = _("↑↓ scroll · ←→ replay · w walk · m max · f8 hides")
        self.detail: StepDetail | None = None
        self.pitfalls: tuple[str, ...] = ()
        self.stale = False
        self.waiting_text: str | None = None
        """What :meth:`waiting` shows, if not WAITING (the screen's, in its language)."""

    def compose(self):  # type: ignore[no-untyped-def]
        yield Static(_(WAITING), id="inspector-text")

    def retranslate(self) -> None:
        retranslate_keys(self)
        self.border_subtitle = _("↑↓ scroll · ←→ replay · w walk · m max · f8 hides")
        if self.detail is None:
            self.waiting(self.waiting_text)
        else:
            self.stale = True
            self.flush()

    def action_maximise(self) -> None:
        toggle_maximised(self)

    def show(
        self, detail: StepDetail, pitfalls: tuple[str, ...], *, replayed: bool = False
    ) -> None:
        """A newer step (or, ``replayed``, a recorded one taken again); drawn at the next
        :meth:`flush` while the pane is shown."""
        self.detail, self.pitfalls, self.stale = detail, pitfalls, True
        self.replayed = replayed

    replayed = False

    def waiting(self, text: str | None = None) -> None:
        """No step to show yet (a new run starts): ``text`` says why, WAITING by default."""
        self.detail, self.stale = None, False
        self.waiting_text = text
        self.border_title = _("step inspector (f8)")
        self.query_one("#inspector-text", Static).update(_(WAITING) if text is None else text)

    def flush(self) -> None:
        if not self.stale or self.detail is None or not self.display:
            return
        self.stale = False
        detail = self.detail
        title = (
            _("replay · {implementation} · epoch {epoch}, step {step}")
            if self.replayed
            else _("step inspector · {implementation} · epoch {epoch}, step {step}")
        )
        self.border_title = title.format(
            implementation=detail.implementation, epoch=detail.epoch, step=detail.step
        )
        width = self.size.width - 2  # the scroll bar
        self.query_one("#inspector-text", Static).update(render(detail, self.pitfalls, width))

    def on_resize(self) -> None:
        self.stale = self.detail is not None  # one column or two
        self.flush()
