"""Notes: what to notice about a plan's runs, in plain words, with the runs' own numbers.

:func:`closing_notes` is called once, where a plan ends (plan.Runner): its notes ride in the
plan's :class:`~tui_linreg.engine.events.PlanEnded`, which ``train`` prints (and writes to
``--json`` as ``notes``) and the app's notes pane shows. A note's sentences are one message
(``_()``) whose named placeholders are its numbers, so a translation may reorder them and the
JSON carries each number by its placeholder's name. Everything is computed from the runs'
events: the data's curvature (λ of AᵀA/n) rides in their closed form. Imports neither
Textual nor torch.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from tui_linreg.engine.events import Outcome, RunEnded, RunStarted
from tui_linreg.i18n import _
from tui_linreg.teach.beyond import beyond_notes, quartet_note
from tui_linreg.teach.dynamics import (
    CLOSE,
    OFF_BY,
    Run,
    contractions,
    flat_directions,
    from_optimum,
    left_after_run,
    ratio_to_optimum,
    steepness,
    steps_to_overflow,
)
from tui_linreg.teach.note import Note, filled


def learning_rate_note(started: RunStarted, ended: RunEnded) -> Note | None:
    """Why this learning rate crept, worked or flew off: each full-batch step multiplies the
    distance to the optimum along a direction of curvature λ by |1 − lr·λ| (for MSE,
    |1 − 2·lr·λ|): below 1 it shrinks, above 1 it grows."""
    both = contractions(started)
    if both is None:
        return None
    steep, flat = both
    slope = steepness(started)
    assert slope is not None
    config = started.config
    rule = "|1 − lr·λ|" if slope == 1 else f"|1 − {slope:g}·lr·λ|"
    bound_rule = "2/λmax" if slope == 1 else f"2/({slope:g}·λmax)"
    bound = 2 / (slope * steep.curvature)
    common: dict[str, float | int | str] = {
        "rule": rule,
        "lr": config.learning_rate,
        "steep": steep.factor,
        "flat": flat.factor,
        "lambda_max": steep.curvature,
        "lambda_min": flat.curvature,
        "bound": bound,
        "bound_rule": bound_rule,
    }
    if steep.factor > 1:
        return filled(
            "lr-factor",
            _(
                "Each step multiplies the distance to the optimum along the steepest direction "
                "by {rule} = {steep:.3g} (λmax = {lambda_max:.3g}): above 1, so it grows, and "
                "the loss by {square:.3g}× a step. Left alone, float32 overflows to inf within "
                "about {overflow:,.0f} steps, then nan. It is stable only below lr {bound:.3g} = "
                "{bound_rule}."
            ),
            **common,
            square=steep.factor**2,
            overflow=steps_to_overflow(started, steep.factor),
        )
    taken = ended.step
    left = left_after_run(started, taken, flat.curvature)  # with the run's lr decay
    ratio = ratio_to_optimum(ended)
    if left < CLOSE and ratio > OFF_BY:  # the theory says there, the run says not
        return filled(
            "lr-factor",
            _(
                "Each full-batch step would multiply the distance to the optimum by {rule}: "
                "{flat:.3g} along the flattest direction (λmin = {lambda_min:.3g}), so {taken:,} "
                "steps would leave {left:.2g} of it. Yet this run ended at {ratio:.3g}× the "
                "optimum's half-MSE: its mini-batches (their order, their noise) kept it off, "
                "not its learning rate."
            ),
            **common,
            taken=taken,
            left=left,
            ratio=ratio,
        )
    said = _(
        "Each step multiplies the distance to the optimum by {rule}: {steep:.3g} along the "
        "steepest direction (λmax = {lambda_max:.3g}), {flat:.3g} along the flattest "
        "(λmin = {lambda_min:.3g}). Getting within 1% of the start takes {steps_steep:,.0f} "
        "and {steps_flat:,.0f} steps; this run took {taken:,}, which leaves {left:.2g} of the "
        "flattest distance. Stable below lr {bound:.3g} = {bound_rule}; mini-batches add "
        "noise to each step."
    )
    if config.lr_decay != 1:
        said += " " + _(
            "These factors are at the starting lr; it shrinks × {decay:g} every {every} "
            "epoch(s), so later steps close less of the distance (taken into account in "
            "what is left)."
        ).format(decay=config.lr_decay, every=config.decay_every)
    if flat_directions(started):
        said += " " + _(
            "Along {flat_count} more directions the loss is flat: with more weights than "
            "examples, many w fit equally well, and no step moves along those."
        )
    return filled(
        "lr-factor",
        said,
        flat_count=flat_directions(started),
        **common,
        steps_steep=steep.steps_to_close,
        steps_flat=flat.steps_to_close,
        taken=taken,
        left=left,
    )


def divergence_note(started: RunStarted, ended: RunEnded) -> Note | None:
    """Where a run that diverged was stopped, and what the lesson's loop would have printed."""
    if ended.outcome != Outcome.DIVERGED:
        return None
    return filled(
        "diverged",
        _(
            "The app stopped this run at step {step:,}, before its numbers overflowed: the "
            "lesson's loop would go on to print loss inf, then nan. Tick keep going (or "
            "--keep-going) to watch it happen."
        ),
        step=ended.step,
    )


def pitfall_notes(started: RunStarted, ended: RunEnded) -> list[Note]:
    """Each pitfall's consequence, in this run's numbers (those that raise say it in
    PyTorch's words, in the log)."""
    config, notes = started.config, []
    if "forget-zero-grad" in config.pitfalls:
        notes.append(
            filled(
                "forget-zero-grad",
                _(
                    "Without zeroing, .grad keeps adding: at step k it holds the sum of all k "
                    "gradients so far, so the update grows with k. By this run's last step, "
                    "{steps:,}, it held {steps:,} gradients at once."
                ),
                steps=ended.step,
            )
        )
    if "no-reshape" in config.pitfalls:
        labels = started.sample_labels
        mean = sum(labels) / len(labels) if labels else math.nan
        w = ", ".join(f"{x:.3g}" for x in ended.w)
        notes.append(
            filled(
                "no-reshape",
                _(
                    "ŷ has shape ({batch}, 1) and y ({batch},): their difference broadcasts to a "
                    "{batch}×{batch} loss, every prediction against every label. Its minimum is "
                    "w = 0 and b = the mean label ({mean:.3g}), not the data's line: this run "
                    "is heading there, at w = ({w}), b = {b:.3g}."
                ),
                batch=config.batch_size,
                mean=mean,
                w=w,
                b=ended.b,
            )
        )
    if "lesson-divisor" in config.pitfalls:
        n, batch = config.num_examples, config.batch_size
        last = n - (math.ceil(n / batch) - 1) * batch
        if last < batch:
            notes.append(
                filled(
                    "lesson-divisor",
                    _(
                        "{n} examples in batches of {batch} leave a last batch of {last}; the "
                        "lesson's sgd still divides its summed gradient by {batch}, so that "
                        "step is {share:.2g} of what it should be, every epoch. The engine "
                        "divides by the batch's own length."
                    ),
                    n=n,
                    batch=batch,
                    last=last,
                    share=last / batch,
                )
            )
    return notes


def loss_scales_note(scratch: Run, concise: Run) -> Note:
    """Why scratch and concise print different losses, and take different steps, for the same
    parameters and learning rate: with their first epoch's numbers."""
    first_s, first_c = scratch[1].history[:1], concise[1].history[:1]
    numbers: dict[str, float | int | str] = {"lr": scratch[0].config.learning_rate}
    if first_s and first_c:
        numbers |= {
            "scratch_loss": first_s[0].loss,
            "concise_loss": first_c[0].loss,
            "scratch_half": first_s[0].half_mse,
            "concise_half": first_c[0].half_mse,
        }
        return filled(
            "both-scales",
            _(
                "Epoch 1: scratch's loss {scratch_loss:.3g}, concise's {concise_loss:.3g}. "
                "Concise's nn.MSELoss is plain MSE, 2× scratch's half-MSE for the same "
                "parameters, so its gradient is 2× too, and the same lr {lr:g} is a 2× bigger "
                "step: it is ahead after one epoch. On one scale (half-MSE): scratch "
                "{scratch_half:.3g}, concise {concise_half:.3g}."
            ),
            **numbers,
        )
    return filled(
        "both-scales",
        _(
            "Concise's nn.MSELoss is plain MSE, 2× scratch's half-MSE for the same parameters, "
            "so its gradient is 2× too, and the same lr {lr:g} is a 2× bigger step."
        ),
        **numbers,
    )


def decay_scales_note(weight_decay: float) -> Note:
    """Why the same weight decay is not the same ridge for scratch and concise."""
    return filled(
        "both-decay",
        _(
            "With weight decay the same λ = {decay:g} is not the same ridge: scratch minimises "
            "half-MSE + (λ/2)‖w‖², which is ½(MSE + λ‖w‖²), concise MSE + (λ/2)‖w‖², so "
            "scratch's weights are pulled to 0 twice as hard."
        ),
        decay=weight_decay,
    )


def run_notes(run: Run) -> list[Note]:
    """What to notice about one run on its own."""
    started, ended = run
    if ended.outcome in (Outcome.FAILED, Outcome.CANCELLED):
        return []
    # What is particular to this run first (a pitfall, momentum, held-out data…), then the
    # learning rate's factor, which every plain run has.
    general = [learning_rate_note(started, ended), divergence_note(started, ended)]
    particular = pitfall_notes(started, ended) + beyond_notes(run)
    return particular + [note for note in general if note is not None]


def sweep_notes(runs: Sequence[Run]) -> list[Note]:
    """Which run of a sweep ended closest to its optimum, which farthest (by |ŵ − w*|: a
    loss's value says little across losses); for a sweep of learning rates, where the stable
    bound fell among them."""
    finished = [run for run in runs if math.isfinite(from_optimum(run[1]))]
    if len(runs) < 2 or not finished:
        return []
    best = min(finished, key=lambda run: from_optimum(run[1]))
    worst = max(finished, key=lambda run: from_optimum(run[1]))
    numbers: dict[str, float | int | str] = {
        "count": len(runs),
        "best": best[1].label,
        "best_distance": from_optimum(best[1]),
        "worst": worst[1].label,
        "worst_distance": from_optimum(worst[1]),
        "failed": len(runs) - len(finished),
    }
    said = _(
        "Of {count} runs, {best} ended closest to its optimum (|ŵ − w*| = "
        "{best_distance:.3g}), {worst} farthest ({worst_distance:.3g})."
    )
    if numbers["failed"]:
        said += " " + _("{failed} did not finish.")
    notes = [filled("sweep-best", said, **numbers)]
    rates = {start.config.learning_rate for start, _ in runs}
    bound = runs[0][0].stable_lr
    if len(rates) == len(runs) and bound is not None and math.isfinite(bound):
        flew = [s.config.learning_rate for s, e in runs if e.outcome == Outcome.DIVERGED]
        notes.append(
            filled(
                "sweep-lr",
                _(
                    "The stable bound 2/λmax is lr {bound:.3g} here: {flew} of the "
                    "{count} learning rates flew off, the smallest of them {first}. Far "
                    "below the bound, a run creeps (its factor |1 − lr·λ| is near 1)."
                ),
                bound=bound,
                flew=len(flew),
                count=len(runs),
                first=f"{min(flew):.3g}" if flew else "—",
            )
        )
    return notes


def labelled(who: str, note: Note) -> Note:
    """A run's note among a plan's: said with which run it is about."""
    return Note(note.id, _("{who}: {note}").format(who=who, note=note.text), note.numbers)


def closing_notes(kind: str, runs: Sequence[Run]) -> tuple[Note, ...]:
    """What to notice about a plan's runs, once it is over: for one run, its own notes; for
    scratch beside concise, why their losses and steps differ by 2×, then each one's."""
    if kind == "single" and len(runs) == 1:  # plan.PlanKind's values (plan.py imports us)
        return tuple(run_notes(runs[0]))
    if kind == "both" and len(runs) == 2:
        scratch, concise = runs
        notes = [loss_scales_note(scratch, concise)]
        if scratch[0].config.weight_decay:
            notes.append(decay_scales_note(scratch[0].config.weight_decay))
        for run in runs:
            notes += [labelled(run[0].config.implementation, note) for note in run_notes(run)]
        return tuple(notes)
    if kind == "sweep":
        notes = sweep_notes(runs)
        quartet = quartet_note(runs)
        notes += [quartet] if quartet is not None else []
        for run in runs:
            notes += [labelled(run[1].label, note) for note in beyond_notes(run, in_sweep=True)]
        return tuple(notes)
    return ()
