"""Turning a run's events into what ``tui-linreg train`` prints: the lesson's lines, a
parameter table, or one JSON document. Imports neither torch nor textual."""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Iterable
from typing import Any, TextIO

from tui_linreg.config import SETTINGS, TrainConfig
from tui_linreg.engine.events import (
    ClosedForm,
    EpochEnded,
    Event,
    Outcome,
    PlanEnded,
    Progress,
    RunEnded,
    RunStarted,
    StepTaken,
    json_ready,
)
from tui_linreg.history import versions
from tui_linreg.i18n import _, cells
from tui_linreg.optimizers import optimizer_of
from tui_linreg.plan import Plan, PlanKind, differing, label_of
from tui_linreg.settings import Section
from tui_linreg.teach.note import Note


def lesson_line(epoch: EpochEnded, config: TrainConfig) -> str:
    """The line the lessons print after each epoch; with a decaying learning rate, the rate
    the epoch ran at too."""
    line = f"epoch {epoch.epoch}, loss {epoch.loss:f}"
    line += f", val loss {epoch.val_loss:f}" if epoch.val_loss is not None else ""
    return line + (f", lr {epoch.lr:g}" if config.lr_decay != 1 else "")


def describe_config(config: TrainConfig) -> str:
    """Every setting the run uses (settings.UsedWhen) but the implementation and the device,
    which the line names first, and the data file's hash, section by section: ``n=1000
    noise=0.01 … · init_std=0.01 · lr=0.03 bs=10 …``. A quiet setting (the pitfalls, a loss not
    the lesson's) is named only when it is not its default."""
    off = {"implementation", "device", "data_sha256"}
    sections = []
    for section in Section:
        shown = [
            f"{s.legend}={s.kind.show(getattr(config, name))}"
            for name, s in SETTINGS.items()
            if s.section == section
            and name not in off
            and s.used(config)
            and not (s.quiet and getattr(config, name) == s.default)
        ]
        if shown:
            sections.append(" ".join(shown))
    return " · ".join(sections)


def json_document(
    started: RunStarted, ends: list[RunEnded], notes: Iterable[Note] = ()
) -> dict[str, Any]:
    # "closed_form" is least squares' (through the origin without a bias), never IRLS's.
    best = started.closed_form if started.closed_form.loss is None else started.least_squares
    assert best is not None
    document = {
        "config": started.config.to_dict(),
        "data": {
            "num_examples": started.config.num_examples,
            "num_features": started.config.num_features,
            "device": started.device,
            "steps_per_epoch": started.steps_per_epoch,
        },
        "closed_form": {
            "w": list(best.w),
            "b": best.b,
            "half_mse": best.half_mse,
            "mse": 2 * best.half_mse,
            "stable_lr_half_mse": best.stable_lr,
            "stable_lr_mse": best.stable_lr / 2,
        },
        "optimum": {
            "name": started.closed_form.name,
            "w": list(started.closed_form.w),
            "b": started.closed_form.b,
            "loss": started.closed_form.loss,
            "half_mse": started.closed_form.half_mse,
            "stable_lr": started.stable_lr,
        },
        "initial": {"w": list(started.initial_w), "b": started.initial_b},
        "runs": [{"config": end.config.to_dict(), **end.to_dict()} for end in ends],
        "notes": [note.to_dict() for note in notes],
        "versions": versions(),
    }
    return json_ready(document)  # type: ignore[no-any-return]


def _right(text: str, width: int) -> str:
    """``text`` right-aligned in ``width`` terminal cells (a CJK character takes two)."""
    return " " * max(0, width - cells(text)) + text


def _left(text: str, width: int) -> str:
    """``text`` left-aligned in ``width`` terminal cells."""
    return text + " " * max(0, width - cells(text))


def _number(value: float, width: int) -> str:
    return (
        f"{value:>{width}.6f}"
        if math.isfinite(value) and abs(value) < 1e6
        else f"{value:>{width}.4g}"
    )


def parameter_table(ends: list[RunEnded]) -> list[str]:
    """true / closed form, then learned and error (true − learned) for each run. Real data
    has no true parameters: their columns are left out, and w is named by its column."""
    width = 12
    known = ends[0].config.truth is not None
    reference = reference_label(ends[0].closed_form)
    names = [row.name for row in ends[0].rows]
    if not known:
        names = [f"w[{name}]" for name in ends[0].config.features] + ["b"]
    parameter = _("parameter")
    first = max(10, cells(parameter) + 1, *(len(name) + 2 for name in names))
    # With weight decay scratch and concise minimise different objectives: each its own ridge.
    each = any(end.closed_form != ends[0].closed_form for end in ends)
    head = _left(parameter, first) + (_right(_("true"), width) if known else "")
    head += "" if each else _right(reference, width)
    for end in ends:
        name = end.config.implementation if len(ends) > 1 else ""
        if each:
            head += _right(f"{name} {reference_label(end.closed_form)}".strip(), width + 4)
        learned = _("{implementation} learned").format(implementation=name) if name else None
        head += _right(learned or _("learned"), width + 4)
        head += _right(_("true − learned"), width + 4) if known else ""
    if len(ends) == 1:
        head += _right(f"− {reference}", width + 4)
    lines = [head]
    for index, row in enumerate(ends[0].rows):
        line = f"{names[index]:<{first}}" + (_number(row.true, width) if known else "")
        line += "" if each else _number(row.closed_form, width)
        for end in ends:
            mine = end.rows[index]
            line += _number(mine.closed_form, width + 4) if each else ""
            line += _number(mine.learned, width + 4)
            line += _number(mine.error, width + 4) if known else ""
        if len(ends) == 1:
            line += _number(row.from_closed_form, width + 4)
        lines.append(line)
    return lines


def fitted_line(config: TrainConfig, w: tuple[float, ...], b: float) -> str:
    """``price = 3·area − 1·age + 2``: a fit written with the data's column names."""
    names = config.features or tuple(f"x[{j}]" for j in range(len(w)))
    terms = " + ".join(f"{wj:.4g}·{name}" for wj, name in zip(w, names, strict=True))
    return f"{config.target or 'y'} = {terms} + {b:.4g}".replace("+ -", "− ")


def data_units_lines(ends: list[RunEnded]) -> list[str]:
    """With --standardize: the fitted lines in the data's own units (the table's are in
    standardised units)."""
    first = ends[0]
    if first.standardization is None:
        return []
    best = first.closed_form
    fitted = [(_(best.name), first.in_data_units(best.w, best.b))]
    fitted += [(end.config.implementation, end.in_data_units(end.w, end.b)) for end in ends]
    return [
        _("in the data's own units (the table's are standardised: (x − mean) / std):"),
        *(f"  {name}: {fitted_line(first.config, *line)}" for name, line in fitted),
    ]


def reference_label(best: ClosedForm) -> str:
    """The reference's column heading: closed form, ridge, or optimum (IRLS's)."""
    if best.loss is None:
        return _("closed form")
    return _("ridge") if best.name == "ridge optimum" else _("optimum")


def bound_line(started: RunStarted) -> str:
    """The stable learning rate. Plain SGD without weight decay: on half-MSE and on MSE, one
    half of the other, for both implementations at once. Otherwise the implementation's own:
    weight decay adds λ to a Hessian that MSE doubles (scratch's G + λM, concise's 2G + λM:
    not half of each other), and momentum raises it by (1 + β)."""
    config = started.config
    if not _own_bound(config):
        bound = started.closed_form.stable_lr  # of the model fitted: X's alone without a bias
        return _(
            "stable learning rate for this data (full-batch GD): < {bound:.3g} on half-MSE, "
            "< {half:.3g} on MSE"
        ).format(bound=bound, half=bound / 2)
    own = started.stable_lr
    said = _("no simple bound (Adam)") if own is None else f"< {own:.3g}"
    return _(
        "stable learning rate for {implementation} (full-batch GD on its {loss}, with its "
        "optimizer and weight decay): {bound}"
    ).format(implementation=config.implementation, loss=started.loss_name, bound=said)


def _own_bound(config: TrainConfig) -> bool:
    """Whether each implementation has its own stable bound (weight decay, or an optimizer
    not plain SGD), not one for the data that is half on MSE of what it is on half-MSE."""
    return bool(config.penalty) or config.optimizer != "sgd"


def loss_line(started: RunStarted) -> str:
    """What --loss changes: the loss, its stable bound, and the optimum it is compared with."""
    best, bound = started.closed_form, started.stable_lr
    if bound is None:
        stable = _("Adam: no simple stable bound")
    elif math.isinf(bound):
        stable = _(
            "no learning rate diverges (its gradient is bounded), but a constant one never settles"
        )
    else:
        stable = _("stable below lr {bound:.3g}").format(bound=bound)
    if best.loss is None or started.half_mse_per_loss is not None:
        return _("loss: {loss} ({name} in the log) · {stable}").format(
            loss=started.config.loss_function, name=started.loss_name, stable=stable
        )
    return _(
        "loss: {loss} · {stable} · the reference is the {optimum} (IRLS): "
        "{name} {value:.4g}, half-MSE {half_mse:.4g}"
    ).format(
        loss=started.config.loss_function,
        stable=stable,
        optimum=_(best.name),
        name=started.loss_name,
        value=best.loss,
        half_mse=best.half_mse,
    )


def optimizer_line(started: RunStarted) -> str:
    """What --optimizer changes: the update and its stable bound."""
    config = started.config
    optimizer = optimizer_of(config.optimizer)
    settings = {
        "momentum": f"β = {config.momentum:g}",
        "nesterov": f"β = {config.momentum:g}",
        "adam": f"β₁ = {config.beta1:g}, β₂ = {config.beta2:g}, ε = {config.eps:g}",
    }.get(config.optimizer, "")
    bound = started.stable_lr
    said = optimizer.bound_words(config.momentum)
    stable = (
        said
        if bound is None
        else _("stable below lr {bound:.3g} ({why})").format(bound=bound, why=said)
    )
    if settings:
        return _("optimizer: {optimizer}, {settings} · {stable}").format(
            optimizer=_(optimizer.shown), settings=settings, stable=stable
        )
    return _("optimizer: {optimizer} · {stable}").format(
        optimizer=_(optimizer.shown), stable=stable
    )


def decay_line(started: RunStarted) -> str:
    """What --weight-decay changes: the objective, and its optimum."""
    config, best = started.config, started.closed_form
    which = _("solved exactly") if started.half_mse_per_loss is not None else _("by IRLS")
    per = (
        _(" (a sum loss: λ/|B| = {penalty:.3g} per example)").format(penalty=config.penalty)
        if config.penalty != config.weight_decay
        else ""
    )
    return _(
        "weight decay λ = {decay:g}{per}: the run minimises {loss} + (λ/2)‖w‖², b not "
        "penalised · the reference is the {optimum}, {which}: w = {w}, b = {b:.4g}"
    ).format(
        decay=config.weight_decay,
        per=per,
        loss=started.loss_name,
        optimum=_(best.name),
        which=which,
        w=", ".join(f"{w:.4g}" for w in best.w),
        b=best.b,
    )


def generalisation_gap(end: RunEnded) -> str:
    """With validation examples: the last epoch's half-MSE on them against the training
    data's, and the gap between; "" without them."""
    last = end.history[-1] if end.history else None
    if last is None or last.val_half_mse is None:
        return ""
    gap = last.val_half_mse - last.half_mse
    return _("val half-MSE {val:.4g} vs train {train:.4g}: generalisation gap {gap:+.2g}").format(
        val=last.val_half_mse, train=last.half_mse, gap=gap
    )


def loss_summary(end: RunEnded) -> str:
    best = end.closed_form
    ratio = (
        ", " + _("{times:.3g}× the optimum").format(times=end.times_optimum)
        if math.isfinite(end.times_optimum)
        else ""
    )
    per_epoch = (
        _("{seconds:.3g} s/epoch").format(seconds=end.seconds_per_epoch) + " · "
        if end.history
        else ""
    )
    own = (
        f"{end.objective_name} {end.objective:.4g} · "
        if best.loss is not None and end.history
        else ""
    )
    optimum = (
        f"{_(best.name)} {end.objective_name} {best.loss:.4g}, half-MSE {best.half_mse:.4g}"
        if best.loss is not None
        else _("closed form half-MSE {half_mse:.4g}").format(half_mse=best.half_mse)
    )
    speed = _("{steps:,.0f} steps/s").format(steps=end.steps_per_s)
    return (
        f"{end.config.implementation}: {own}half-MSE {end.half_mse:.4g} · MSE {end.mse:.4g} "
        f"({optimum}{ratio}) · {per_epoch}{speed}"
    )


class Report:
    """Follows one or more event streams and writes what the user asked for."""

    def __init__(
        self,
        plan: Plan,
        *,
        json_output: bool,
        progress: bool,
        out: TextIO | None = None,
        err: TextIO | None = None,
    ) -> None:
        self.plan = plan
        self.json_output = json_output
        self.show_progress = progress and not json_output
        self.out = out or sys.stdout
        self.err = err or sys.stderr
        self.ends: list[RunEnded] = []

    def _print(self, text: str = "") -> None:
        print(text, file=self.out, flush=True)

    @property
    def data_sets(self) -> int:
        """How many data sets the plan's runs train on (a sweep of n or the noise: several)."""
        return len({config.data_key for config in self.plan.configs})

    @property
    def side_by_side(self) -> bool:
        return self.plan.kind == PlanKind.BOTH

    def _progress(self, event: Progress | None) -> None:
        if not self.show_progress:
            return
        if event is None:
            self.err.write("\r\x1b[2K")
        else:
            done = event.step / event.steps_per_epoch
            bar = "█" * int(20 * done) + "·" * (20 - int(20 * done))
            epoch = _("epoch {epoch}").format(epoch=event.epoch)
            self.err.write(f"\r\x1b[2K{epoch} {bar} {done:4.0%}")
        self.err.flush()

    def follow(self, events: Iterable[Event]) -> Outcome:
        """Consume the plan's events; return its outcome (the worst of its runs')."""
        started: RunStarted | None = None
        single = self.plan.kind == PlanKind.SINGLE
        for event in events:
            if isinstance(event, Progress):
                self._progress(event)
                continue
            if isinstance(event, StepTaken):
                continue  # the trace file's (commands/train.py)
            self._progress(None)
            if isinstance(event, RunStarted):
                started = started or event
                if not self.json_output and (single or event.index == 0):
                    self._print_start(event)
                if not self.json_output and self.data_sets > 1:  # each data set its bound
                    self._print(f"{event.label}: {bound_line(event)}")
                elif (  # concise's own bound, where it is not half of scratch's
                    not self.json_output
                    and event.index == 1
                    and self.side_by_side
                    and event.config.implementation == "concise"
                    and _own_bound(event.config)
                ):
                    self._print(bound_line(event))
            elif isinstance(event, EpochEnded):
                if not self.json_output and single:
                    self._print(lesson_line(event, self.plan.configs[0]))
            elif isinstance(event, PlanEnded):
                assert started is not None
                self.ends = list(event.ends)
                self._print_plan(started, event)
                return event.outcome
        raise AssertionError("a plan always ends with PlanEnded")  # pragma: no cover

    def _print_plan(self, started: RunStarted, plan: PlanEnded) -> None:
        ends = list(plan.ends)
        if self.json_output:
            self._print(
                json.dumps(json_document(started, ends, plan.notes), indent=2, allow_nan=False)
            )
        elif self.plan.kind == PlanKind.SWEEP:
            self._print_sweep(ends, plan.notes)
        else:
            self._print_end(ends, plan.notes)

    def _print_start(self, event: RunStarted) -> None:
        config = event.config
        if self.plan.kind == PlanKind.SWEEP:
            data_sets = self.data_sets
            sweep = (
                _(
                    "a sweep of {count} {implementation} runs on {device}, all on the same "
                    "data; the first: {config}"
                )
                if data_sets == 1
                else _(
                    "a sweep of {count} {implementation} runs on {device}, on {sets} data "
                    "sets; the first: {config}"
                )
            )
            self._print(
                sweep.format(
                    count=len(self.plan.configs),
                    implementation=config.implementation,
                    device=event.device,
                    sets=data_sets,
                    config=describe_config(config),
                )
            )
            if data_sets > 1:  # each data set has its own bound: said as each starts
                return
        else:
            who = (
                _("scratch and concise (same data, same start)")
                if self.side_by_side
                else config.implementation
            )
            self._print(
                _("{who} on {device} · {config}").format(
                    who=who, device=event.device, config=describe_config(config)
                )
            )
        self._print(bound_line(event))
        if event.data_note:
            self._print(_("note: {note}").format(note=event.data_note))
        if event.printed and not self.side_by_side:
            self._print(event.printed)
        if config.loss_function != "lesson":
            self._print(loss_line(event))
        if config.optimizer != "sgd":
            self._print(optimizer_line(event))
        if config.weight_decay:
            self._print(decay_line(event))
        if (
            not self.side_by_side
            and config.implementation == "concise"
            and config.loss_function == "lesson"
        ):
            self._print(
                _("loss below is nn.MSELoss: plain MSE, 2× the half-MSE that scratch prints")
            )

    def _print_end(self, ends: list[RunEnded], notes: tuple[Note, ...]) -> None:
        if self.side_by_side:
            self._print_epochs_side_by_side(ends)
        for end in ends:
            prefix = f"{end.config.implementation}: " if self.side_by_side else ""
            self._print(prefix + end.message)
        self._print()
        for line in parameter_table(ends):
            self._print(line)
        for line in data_units_lines(ends):
            self._print(line)
        self._print()
        for end in ends:
            self._print(loss_summary(end))
        for end in ends:
            gap = generalisation_gap(end)
            if gap:
                self._print(f"{end.config.implementation}: {gap}")
        if notes:
            self._print()
        for note in notes:
            self._print(note.text)

    def _print_sweep(self, ends: list[RunEnded], notes: tuple[Note, ...]) -> None:
        for line in sweep_table(ends):
            self._print(line)
        if notes:
            self._print()
        for note in notes:
            self._print(note.text)

    def _print_epochs_side_by_side(self, ends: list[RunEnded]) -> None:
        head = _left(_("epoch"), 7)
        for end in ends:
            column = _("{implementation} loss ({loss})").format(
                implementation=end.config.implementation, loss=end.loss_name
            )
            head += _right(column, 26)
        head += "  │" + "".join(f"{'half-MSE ' + end.config.implementation:>20}" for end in ends)
        self._print(head)
        for index in range(max(len(end.history) for end in ends)):
            line = f"{index + 1:<7}"
            for end in ends:
                line += (
                    f"{end.history[index].loss:>26.6f}"
                    if index < len(end.history)
                    else f"{'—':>26}"
                )
            line += "  │"
            for end in ends:
                line += (
                    f"{end.history[index].half_mse:>20.4e}"
                    if index < len(end.history)
                    else f"{'—':>20}"
                )
            self._print(line)


def sweep_table(ends: list[RunEnded]) -> list[str]:
    """One row per run of a sweep: what was swept, and what came of it."""
    configs = [end.config for end in ends]
    fields = differing(configs) or ["implementation"]
    names = [label_of(config, fields) for config in configs]
    run = _("run")
    width = max(cells(name) for name in [*names, run])
    known = all(config.truth is not None for config in configs)  # real data has no true w
    outcome, epochs, times = _left(_("outcome"), 9), _right(_("epochs"), 6), _right(_("× best"), 8)
    lines = [
        f"{_left(run, width)}  {outcome} {epochs} {'half-MSE':>10} {times} "
        + (f"{'|ŵ − w|':>9} {'|ŵ − w*|':>9} {'|w* − w|':>9}" if known else f"{'|ŵ − w*|':>9}")
    ]
    for name, end in zip(names, ends, strict=True):
        far = end.distances
        line = (
            f"{_left(name, width)}  {end.outcome!s:<9} {len(end.history):>6} {end.half_mse:>10.4g} "
            f"{end.times_optimum:>8.3g} "
        )
        if known:
            line += (
                f"{far['distance_to_true']:>9.3g} {far['distance_to_optimum']:>9.3g} "
                f"{far['optimum_distance_to_true']:>9.3g}"
            )
        else:
            line += f"{far['distance_to_optimum']:>9.3g}"
        lines.append(line)
    lines.append(
        _("ŵ learned · w true · w* the optimum (b included) · |w* − w|: the data's own error")
        if known
        else _("ŵ learned · w* the optimum (b included) · real data has no true w")
    )
    if not known:  # what each run learned, in its data's own units
        lines += [
            f"{name}: {fitted_line(end.config, *end.in_data_units(end.w, end.b))}"
            for name, end in zip(names, ends, strict=True)
        ]
    lines += [
        f"{name}: {end.message}"
        for name, end in zip(names, ends, strict=True)
        if end.outcome != Outcome.FINISHED
    ]
    return lines
