"""When a run has diverged, and what to say about it.

A loss that is not finite, or has grown EXPLOSION_FACTOR times past the run's start, is
divergence: the run stops there and says why, against the stable bound. With keep_going it
goes on, and this keeps where the loss first went bad, became inf and then nan, for the run's
last word. Torch-free, so it is tested without it (tests/test_divergence.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from tui_linreg.i18n import _

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
    if stable_lr is None:
        why = _(
            "Adam has no simple stable bound (each step is about lr = {lr:g} long, whatever "
            "the gradient): try a smaller learning rate."
        ).format(lr=lr)
    elif lr >= stable_lr:
        why = _(
            "The learning rate {lr:g} is above the stable bound ≈ {bound:.3g} for {loss} on "
            "this data."
        ).format(lr=lr, bound=stable_lr, loss=loss_name)
    else:
        why = _(
            "The learning rate {lr:g} is below the stable bound ≈ {bound:.3g} for {loss} on "
            "this data, but mini-batch noise lowers that bound: try a smaller one."
        ).format(lr=lr, bound=stable_lr, loss=loss_name)
    if unstandardised_file:
        why = _("{why} Standardising the features (--standardize) allows a far larger one.").format(
            why=why
        )
    return why


def diverged_message(where: Where, start_loss: float, why: str, stopped: int | None = None) -> str:
    """The sentence of a run that diverged at ``where``; it ``stopped`` at a later step of
    that epoch, where the losses were read back (the parameters reported are from there)."""
    epoch, step, value = where
    what = (
        _("the loss became {value}").format(value=value)
        if not math.isfinite(value)
        else _("the loss grew from {start:.3g} to {value:.3g}").format(
            start=start_loss, value=value
        )
    )
    if stopped is not None and stopped != step:
        why = _(
            "{why} The app noticed at step {stopped} (it checks the loss a few times a second, "
            "not at every step), so the parameters shown are from that step."
        ).format(why=why, stopped=stopped)
    return _("diverged in epoch {epoch} at step {step}: {what}. {why}").format(
        epoch=epoch, step=step, what=what, why=why
    )


def kept_going_words(went_bad: dict[str, Where], epochs: int) -> str:
    """What a diverged run that kept going to its last epoch went through: the steps where
    its loss became inf and then nan, said once."""
    inf = nan = ""
    if "inf" in went_bad:
        e, s, _loss = went_bad["inf"]
        inf = _("it became inf in epoch {epoch} at step {step} (past float32's 3.4e38)").format(
            epoch=e, step=s
        )
    if "nan" in went_bad:
        e, s, _loss = went_bad["nan"]
        nan = _(
            "nan in epoch {epoch} at step {step}: once θ holds inf, ŷ = Xw + b adds +inf to "
            "−inf, and inf − inf is nan, which then spreads to every parameter"
        ).format(epoch=e, step=s)
    if inf and nan:
        said = _(" It kept going to epoch {epochs}: {inf}; then {nan}.")
    elif inf or nan:
        said = _(" It kept going to epoch {epochs}: {what}.")
    else:
        said = _(" It kept going to epoch {epochs}.")
    return said.format(epochs=epochs, inf=inf, nan=nan, what=inf or nan)
