"""The losses a run can train on (--loss): what each is called, how it relates to half-MSE, and
how its gradient is written out. Pure Python: the config, the reports and the UI read it; the
engine's implementations write each loss in their own lesson's style.

Every loss is of the residual r = ŷ − y, one per example, and its gradient is Aᵀψ(r) times a
constant, for A = [X, 1]:

| loss           | per example ρ(r)                    | ψ(r) = ρ'(r)       |
|----------------|-------------------------------------|--------------------|
| half-squared   | r² / 2                              | r                  |
| mse, sum       | r²                                  | 2r                 |
| l1             | |r|                                 | sign(r) (a subgradient: 0 at 0) |
| huber          | r²/2 for |r| ≤ δ, else δ(|r| − δ/2)  | clamp(r, −δ, δ)    |

A batch's loss is the mean of ρ over its examples, except ``sum``, which adds them up: its
gradient is |B| times MSE's, which is the exercise "how must lr change when the loss goes from a
mean to a sum?" (answer: divide it by |B|).
"""

from __future__ import annotations

from dataclasses import dataclass

from tui_linreg.i18n import _

LOSSES = ("lesson", "half-squared", "mse", "sum", "l1", "huber")
"""--loss's values. ``lesson`` is each lesson's own: half-squared for scratch and analytic,
nn.MSELoss for concise, so that the two lessons compare as they always did."""


@dataclass(frozen=True)
class Loss:
    name: str
    """Its --loss value (never ``lesson``: that is resolved by :func:`loss_of`)."""
    shown: str
    """How the log names it: the value it prints is always a mean per example."""
    half_mse_per_loss: float | None
    """Its value times this is the half-MSE, for the squared losses; None for l1 and Huber,
    whose half-MSE is computed alongside."""
    slope: float
    """ψ(r) = slope · r for the squared losses (1 for r²/2, 2 for r²)."""
    summed: bool = False
    """The batch's loss is a sum over its examples, not a mean (``sum``)."""

    @property
    def squared(self) -> bool:
        return self.half_mse_per_loss is not None

    def stable_lr(self, half_mse_bound: float, batch_size: int) -> float:
        """The learning rate below which full-batch gradient descent on this loss is stable,
        given the half-MSE's bound 2/λmax(AᵀA/n). MSE's gradient is twice as steep; a sum's is
        |B| times the mean's. Huber is r²/2 near its optimum (its curvature is never larger),
        so its bound is half-MSE's; L1's gradient is bounded, so no learning rate diverges."""
        if self.name == "l1":
            return float("inf")
        bound = half_mse_bound / (self.slope if self.squared else 1.0)
        return bound / batch_size if self.summed else bound


_LOSSES = {
    "half-squared": Loss("half-squared", "half-MSE", 1.0, 1.0),
    "mse": Loss("mse", "MSE", 0.5, 2.0),
    "sum": Loss("sum", "MSE", 0.5, 2.0, summed=True),
    "l1": Loss("l1", "L1", None, 0.0),
    "huber": Loss("huber", "Huber", None, 0.0),
}

LESSON_LOSS = {"scratch": "half-squared", "analytic": "half-squared", "concise": "mse"}
"""The loss each lesson trains on, which ``--loss lesson`` (the default) means."""


def loss_of(implementation: str, name: str) -> Loss:
    """The loss ``name`` means for ``implementation``."""
    return _LOSSES[LESSON_LOSS[implementation] if name == "lesson" else name]


PSI = {"l1": "sign(Aθ − y)", "huber": "clamp(Aθ − y, −δ, δ)"}
"""ψ(r) as the inspector writes it, where it is not r itself."""
RHO = {"half-squared": "(ŷ − y)² / 2", "l1": "|ŷ − y|", "huber": "huber_δ(ŷ − y)"}
"""ρ(r) as the inspector and the code pane write it, where it is not (ŷ − y)²."""


def gradient_formula(loss: Loss, over: str) -> str:
    """The gradient's formula alone, ``…Aᵀψ(r), A = [X, 1]``: :func:`written_out`'s first
    part, without its words."""
    if loss.summed:
        over = "Σ"
    constant = loss.slope if loss.squared else 1.0
    factor = f"({constant:g}/|B|)·" if over == "mean" else ("2·" if constant == 2 else "")
    return f"{factor}Aᵀ{PSI.get(loss.name, '(Aθ − y)')}, A = [X, 1]"


def written_out(loss: Loss, over: str) -> str:
    """The gradient's formula, for the step inspector: of the batch's sum (``over`` "Σ", as
    scratch's backward on l.sum() sees it), or of its mean ("mean", as nn's losses are)."""
    sentence = (
        _("{formula}: a subgradient of {over} {loss}")
        if loss.name == "l1"
        else _("{formula}: the gradient of {over} {loss}")
    )
    return sentence.format(
        formula=gradient_formula(loss, over),
        over="Σ" if loss.summed else over,
        loss=RHO.get(loss.name, "(ŷ − y)²"),
    )
