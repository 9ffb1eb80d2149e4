"""When a run has diverged, and what to say about it.

A loss that is not finite, or has grown EXPLOSION_FACTOR times past the run's start, is
divergence: the run stops there and says why, against the stable bound. With keep_going it
goes on, and this keeps where the loss first went bad, became inf and then nan, for the run's
last word. Torch-free, so it is tested without it (tests/test_divergence.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

EXPLOSION_FACTOR = 1e6
"""A finite loss this many times the starting loss counts as diverged."""

Where = tuple[int, int, float]
"""(epoch, step within it, loss)."""


@dataclass
class Divergence:
    """The bound a loss must stay under, and, with keep_going, where it went bad."""

    start_loss: float
    keep_going: bool = False
    went_bad: dict[str, Where] = field(default_factory=dict)
    """With keep_going: where the loss first went bad ("first"), became inf, became nan."""

    @property
    def too_big(self) -> float:
        return max(self.start_loss, 1e-12) * EXPLOSION_FACTOR

    def bad(self, loss: float) -> bool:
        """Whether ``loss`` has diverged: not finite (nan too), or too big."""
        return not loss <= self.too_big

    def note(self, epoch: int, start: int, losses: list[float]) -> None:
        """With keep_going: note where ``losses`` (of steps ``start``, ``start`` + 1, … of
        ``epoch``) went bad, became inf and nan; nothing more once nan was seen."""
        if "nan" in self.went_bad:
            return
        for offset, loss in enumerate(losses):
            where = (epoch, start + offset, loss)
            if self.bad(loss):
                self.went_bad.setdefault("first", where)
            if math.isinf(loss):
                self.went_bad.setdefault("inf", where)
            if math.isnan(loss):
                self.went_bad.setdefault("nan", where)
                return


def why_it_diverged(
    *,
    lr: float,
    stable_lr: float | None,
    loss_name: str,
    unstandardised_file: bool,
) -> str:
    """Why a run at learning rate ``lr`` diverged, against the stable bound for its loss
    (None: Adam, which has none)."""
    bound = f"the stable bound ≈ {stable_lr or 0:.3g} for {loss_name} on this data"
    if stable_lr is None:
        why = (
            f"Adam has no simple stable bound (each step is about lr = {lr:g} long, whatever "
            "the gradient): try a smaller learning rate."
        )
    elif lr >= stable_lr:
        why = f"The learning rate {lr:g} is above {bound}."
    else:
        why = (
            f"The learning rate {lr:g} is below {bound}, but mini-batch noise lowers "
            "that bound: try a smaller one."
        )
    if unstandardised_file:
        why += " Standardising the features (--standardize) allows a far larger one."
    return why


def diverged_message(where: Where, start_loss: float, why: str, stopped: int | None = None) -> str:
    """The sentence of a run that diverged at ``where``; it ``stopped`` at a later step of
    that epoch, where the losses were read back (the parameters reported are from there)."""
    epoch, step, value = where
    what = (
        f"the loss became {value}"
        if not math.isfinite(value)
        else f"the loss grew from {start_loss:.3g} to {value:.3g}"
    )
    if stopped is not None and stopped != step:
        why += (
            f" The app noticed at step {stopped} (it checks the loss a few times a second, "
            "not at every step), so the parameters shown are from that step."
        )
    return f"diverged in epoch {epoch} at step {step}: {what}. {why}"


def kept_going_words(went_bad: dict[str, Where], epochs: int) -> str:
    """What a diverged run that kept going to its last epoch went through: the steps where
    its loss became inf and then nan, said once."""
    road = []
    if "inf" in went_bad:
        e, s, _ = went_bad["inf"]
        road.append(f"it became inf in epoch {e} at step {s} (past float32's 3.4e38)")
    if "nan" in went_bad:
        e, s, _ = went_bad["nan"]
        road.append(
            f"nan in epoch {e} at step {s}: once θ holds inf, ŷ = Xw + b adds +inf to "
            "−inf, and inf − inf is nan, which then spreads to every parameter"
        )
    return f" It kept going to epoch {epochs}" + (
        ": " + "; then ".join(road) + "." if road else "."
    )
