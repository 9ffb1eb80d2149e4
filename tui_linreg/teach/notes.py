"""Notes: what to notice about runs, in plain words, computed from their events alone.

:func:`closing_notes` is called once, where a plan ends (plan.Runner); its sentences ride in
the plan's :class:`~tui_linreg.engine.events.PlanEnded`, which ``train``'s report prints and
the app's log shows.
"""

from __future__ import annotations

from collections.abc import Sequence

from tui_linreg.engine.events import RunEnded
from tui_linreg.i18n import _


def loss_scales_note() -> tuple[str, str]:
    """Why scratch and concise print different losses, and take different steps, for the same
    parameters and learning rate."""
    return (
        _(
            "scratch's loss is half-MSE (squared_loss = (ŷ − y)² / 2); concise's nn.MSELoss is "
            "plain MSE, 2× larger for the same parameters."
        ),
        _(
            "For the same reason the same learning rate is a 2× bigger step for concise: the "
            "gradient of MSE is twice that of half-MSE."
        ),
    )


def decay_scales_note() -> str:
    """Why the same weight decay is not the same ridge for scratch and concise."""
    return _(
        "With weight decay the same λ is not the same ridge: scratch minimises half-MSE + "
        "(λ/2)‖w‖², which is ½(MSE + λ‖w‖²), concise MSE + (λ/2)‖w‖², so scratch's weights are "
        "pulled to 0 twice as hard."
    )


def closing_notes(kind: str, ends: Sequence[RunEnded]) -> tuple[str, ...]:
    """What to notice about a plan's runs together, once it is over: for scratch beside
    concise, why their losses and steps differ by 2×."""
    if kind != "both" or len(ends) != 2:
        return ()
    notes: tuple[str, ...] = loss_scales_note()
    if ends[0].config.weight_decay:
        notes += (decay_scales_note(),)
    return notes
