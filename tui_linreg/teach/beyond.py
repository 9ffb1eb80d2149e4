"""Notes on what lies beyond the two lessons, with each run's own numbers: the optimisers with
a memory (momentum, Adam), weight decay as shrinkage, the gap between the training and the
held-out loss, and what two of the built-in data sets are famous for (Anscombe's quartet,
Galton's regression to the mean). notes.py adds them to a run's notes. Imports neither
Textual nor torch.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from tui_linreg.engine.events import Outcome, RunEnded, RunStarted
from tui_linreg.i18n import N_, _
from tui_linreg.teach.dynamics import (
    Run,
    factors,
    from_optimum,
    gradient_descent_rate,
    loss_slope,
    momentum_rate,
)
from tui_linreg.teach.note import Note, filled

GAP = 2.0
"""A held-out loss more than this many times the training loss is a gap worth a name."""


def momentum_note(started: RunStarted, ended: RunEnded) -> Note | None:
    """What momentum does to the distance along the flattest and the steepest direction,
    against plain SGD at the same lr."""
    config = started.config
    if config.optimizer not in ("momentum", "nesterov"):
        return None
    beta, nesterov = config.momentum, config.optimizer == "nesterov"
    with_memory = factors(started, lambda alpha: momentum_rate(alpha, beta, nesterov=nesterov))
    plain = factors(started, gradient_descent_rate)
    if with_memory is None or plain is None:
        return None
    (steep, flat), (steep_sgd, flat_sgd) = with_memory, plain
    numbers: dict[str, float | int | str] = {
        "name": _("Nesterov momentum") if nesterov else _("Momentum"),
        "beta": beta,
        "lr": config.learning_rate,
        "steep": steep.factor,
        "flat": flat.factor,
        "steep_sgd": steep_sgd.factor,
        "flat_sgd": flat_sgd.factor,
        "bound": started.stable_lr if started.stable_lr is not None else math.inf,
    }
    if steep.factor > 1:
        return filled(
            "momentum",
            _(
                "{name} (β = {beta:g}) multiplies the distance along the steepest direction by "
                "{steep:.3g} a step at lr {lr:g}: above 1, so it grows. With this momentum it "
                "is stable only below lr {bound:.3g}."
            ),
            **numbers,
        )
    said = _(
        "{name} (β = {beta:g}) carries each step into the next. Along the flattest direction "
        "it multiplies the distance by about {flat:.4g} a step, where plain SGD at lr {lr:g} "
        "would by {flat_sgd:.4g}: {steps:,.0f} steps to get within 1% instead of "
        "{steps_sgd:,.0f}."
    )
    if not nesterov:
        said += " " + _(
            "Along the steepest it is {steep:.3g} (SGD: {steep_sgd:.3g}): never below √β = "
            "{floor:.3g}, because it overshoots and swings back."
        )
    return filled(
        "momentum",
        said,
        **numbers,
        steps=flat.steps_to_close,
        steps_sgd=flat_sgd.steps_to_close,
        floor=math.sqrt(beta),
    )


def adam_note(started: RunStarted, ended: RunEnded) -> Note | None:
    """Why Adam has no stable bound, and where it ended."""
    if started.config.optimizer != "adam" or ended.outcome != Outcome.FINISHED:
        return None
    plain = factors(started, gradient_descent_rate)
    slope = loss_slope(started)
    if plain is None or slope is None:
        return None
    best = ended.closed_form
    start = math.dist((*started.initial_w, started.initial_b), (*best.w, best.b))
    distance = from_optimum(ended)
    said = _(
        "Adam divides each step by a running size of the gradient, so every parameter moves "
        "by up to about lr = {lr:g} a step, however steep or flat the loss is there: nothing "
        "flies off above a bound (plain SGD's here: lr {bound:.3g}), and no direction crawls "
        "for being flat."
    )
    if distance < 0.1 * start:
        said += " " + _(
            "Near the optimum its steps do not shrink with the gradient, so it hovers: this run "
            "ended {distance:.3g} from it, having started {start:.3g} away."
        )
    else:
        said += " " + _(
            "This run ended {distance:.3g} from the optimum, having started {start:.3g} away."
        )
    return filled(
        "adam",
        said,
        lr=started.config.learning_rate,
        bound=2 / (slope * plain[0].curvature),
        distance=distance,
        start=start,
    )


def _norm(w: Sequence[float]) -> float:
    return math.sqrt(math.fsum(x * x for x in w))


def weight_decay_note(started: RunStarted, ended: RunEnded) -> Note | None:
    """Weight decay as shrinkage: the ridge optimum's weights against least squares', and
    what the run paid for them in fit."""
    plain = started.least_squares
    if not started.config.weight_decay or plain is None or ended.outcome != Outcome.FINISHED:
        return None
    ridge = ended.closed_form
    plain_norm, ridge_norm = _norm(plain.w), _norm(ridge.w)
    if not plain_norm:
        return None
    return filled(
        "weight-decay",
        _(
            "Weight decay pulls the weights toward 0: with weight decay {decay:g} the optimum has "
            "‖w‖ = {ridge:.3g}, least squares' {plain:.3g}, {shrink:.0%} shorter, and this run "
            "ended at ‖ŵ‖ = {run:.3g}. Its half-MSE on its own examples, {half:.3g}, is above "
            "least squares' {best:.3g}: a worse fit to them, bought for smaller weights."
        ),
        decay=started.config.weight_decay,
        ridge=ridge_norm,
        plain=plain_norm,
        shrink=1 - ridge_norm / plain_norm,
        run=_norm(ended.w),
        half=ended.half_mse,
        best=plain.half_mse,
    )


def held_out_note(started: RunStarted, ended: RunEnded) -> Note | None:
    """The last epoch's loss on the examples the run never trained on, against its own."""
    last = ended.history[-1] if ended.history else None
    if last is None or last.val_half_mse is None or ended.outcome != Outcome.FINISHED:
        return None
    train, held = last.half_mse, last.val_half_mse
    numbers: dict[str, float | int | str] = {
        "train": train,
        "held": held,
        "ratio": held / train if train > 0 else math.inf,
        "weights": len(ended.w),
    }
    if held > GAP * train:
        return filled(
            "held-out",
            _(
                "On the examples it trained on, this run's half-MSE is {train:.3g}; on the "
                "held-out ones, which it never saw, {held:.3g}: {ratio:.3g}× as much. With "
                "{weights} weights it has fit its own examples' noise, which new examples do "
                "not share: overfitting. More examples, fewer weights or weight decay narrow "
                "the gap."
            ),
            **numbers,
        )
    return filled(
        "held-out",
        _(
            "On the examples it trained on, this run's half-MSE is {train:.3g}; on the "
            "held-out ones, which it never saw, {held:.3g} ({ratio:.3g}×). Close: what it "
            "learned carries over to new examples."
        ),
        **numbers,
    )


ANSCOMBE = {
    "anscombe-1": N_("its points scatter about a line, the case a straight line is for"),
    "anscombe-2": N_("its points lie on a smooth curve: a line is the wrong model"),
    "anscombe-3": N_("ten points lie on one line, and a single outlier tilts the fit off it"),
    "anscombe-4": N_("ten points share x = 8, and one point alone sets the slope"),
}
"""What each of Anscombe's sets looks like, which its numbers do not say."""


def best_line(end: RunEnded) -> tuple[float, float]:
    """The best line's slope (the first feature's) and intercept, in the data's own units
    (undoing --standardize)."""
    (slope, *_others), intercept = end.in_data_units(end.closed_form.w, end.closed_form.b)
    return slope, intercept


def data_set_note(started: RunStarted, ended: RunEnded) -> Note | None:
    """What the built-in data set is famous for, with its own fitted line."""
    data = started.config.data
    if data not in ANSCOMBE and data != "galton":
        return None
    slope, intercept = best_line(ended)
    if data == "galton":
        return filled(
            "galton",
            _(
                "The best line's slope on mid-parent height is {slope:.3f}, below 1: children "
                "of parents 2 inches taller than average are on average only {above:.2f} "
                "inches taller. Tall parents' children are mostly less tall, short parents' "
                "less short: Galton called it regression toward the mean, and the method took "
                "its name from it."
            ),
            slope=slope,
            above=2 * slope,
        )
    return filled(
        "anscombe",
        _(
            "Anscombe built his four data sets to share this line, y = {intercept:.2f} + "
            "{slope:.3f}x, and the same loss: their numbers cannot tell them apart. In the "
            "data plot, this one differs: {shape}. Look at the data before trusting a fit."
        ),
        intercept=intercept,
        slope=slope,
        shape=_(ANSCOMBE[data]),
    )


def quartet_note(runs: Sequence[Run]) -> Note | None:
    """For a sweep over Anscombe's four sets: their four best lines, side by side."""
    if len(runs) < 2 or any(start.config.data not in ANSCOMBE for start, _ in runs):
        return None
    lines = []
    for _start, end in runs:
        slope, intercept = best_line(end)
        lines.append(f"y = {intercept:.2f} + {slope:.3f}x")
    return filled(
        "anscombe",
        _(
            "The {count} data sets' best lines: {lines}. The same line, and the same loss, "
            "from {count} different pictures: the data plot shows each run's points. Look "
            "at the data before trusting a fit."
        ),
        count=len(runs),
        lines="; ".join(lines),
    )


def beyond_notes(run: Run, *, in_sweep: bool = False) -> list[Note]:
    """The notes beyond the lessons that apply to one run (in a sweep, a data set's note is
    said once for all its runs: :func:`quartet_note`)."""
    started, ended = run
    notes = (
        momentum_note(started, ended),
        adam_note(started, ended),
        weight_decay_note(started, ended),
        held_out_note(started, ended),
        None if in_sweep else data_set_note(started, ended),
    )
    return [note for note in notes if note is not None]
