"""The optimisers a run can train with (--optimizer), and what weight decay adds. Pure Python:
the config, the reports and the UI read it; each implementation writes the updates its own
way (concise with torch.optim, scratch and analytic by hand, as d2l §12 writes them).

With g the gradient of the step's loss (plus λw with --weight-decay, the bias left out), as
torch.optim writes them:

| optimiser | update                                                            |
|-----------|-------------------------------------------------------------------|
| sgd       | θ ← θ − lr·g                                                      |
| momentum  | v ← βv + g;  θ ← θ − lr·v                       (heavy ball)      |
| nesterov  | v ← βv + g;  θ ← θ − lr·(g + βv)                                  |
| adam      | m ← β₁m + (1 − β₁)g;  s ← β₂s + (1 − β₂)g²;                       |
|           | θ ← θ − lr·m̂/(√ŝ + ε),  m̂ = m/(1 − β₁ᵗ), ŝ = s/(1 − β₂ᵗ)          |

**Stable learning rates** on a quadratic with curvature h along an eigen-direction: plain GD
needs lr·h < 2; heavy-ball momentum lr·h < 2(1 + β); torch's Nesterov lr·h < 2(1 + β)/(1 + 2β)
(both from the 2×2 recurrence of (θ, v): its trace and determinant, Jury's test). Adam divides
each step by the gradient's own size, so its steps are about lr whatever the curvature: no
bound of this kind exists, and none is printed.
"""

from __future__ import annotations

from dataclasses import dataclass

from tui_linreg.i18n import N_, _

OPTIMIZERS = ("sgd", "momentum", "nesterov", "adam")
"""--optimizer's values; sgd is the lessons'."""


@dataclass(frozen=True)
class Optimizer:
    name: str
    shown: str
    """How the log and the reports name it (marked N_: shown through _())."""
    rule: str
    """Its update, as the step inspector writes it (g is the gradient the update reads)."""
    bound_formula: str
    """Its stable bound, written out ("" for Adam, which has none)."""

    def stable_factor(self, momentum: float) -> float | None:
        """The stable bound as a multiple of plain gradient descent's 2/h; None where there is
        no simple one (Adam)."""
        if self.name == "momentum":
            return 1 + momentum
        if self.name == "nesterov":
            return (1 + momentum) / (1 + 2 * momentum)
        if self.name == "adam":
            return None
        return 1.0

    def bound_words(self, momentum: float) -> str:
        """Why its bound is what it is, for the reports."""
        if self.name == "momentum":
            return _("heavy-ball momentum: 2(1 + β)/λmax, {factor:.3g}× SGD's").format(
                factor=1 + momentum
            )
        if self.name == "nesterov":
            return _("Nesterov: 2(1 + β)/((1 + 2β)λmax), {factor:.3g}× SGD's").format(
                factor=self.stable_factor(momentum) or 0
            )
        if self.name == "adam":
            return _(
                "Adam has no simple stable bound: it divides each step by the gradient's own "
                "size, so a step is about lr whatever the curvature"
            )
        return "SGD: 2/λmax"


_OPTIMIZERS = {
    "sgd": Optimizer("sgd", "SGD", "θ ← θ − lr · g", "2/λmax"),
    "momentum": Optimizer(
        "momentum",
        N_("SGD with momentum"),
        "v ← β·v + g;  θ ← θ − lr · v",
        "2(1+β)/λmax",
    ),
    "nesterov": Optimizer(
        "nesterov",
        N_("Nesterov momentum"),
        "v ← β·v + g;  θ ← θ − lr · (g + β·v)",
        "2(1+β)/((1+2β)λmax)",
    ),
    "adam": Optimizer(
        "adam",
        "Adam",
        "m ← β₁m + (1−β₁)g;  s ← β₂s + (1−β₂)g²;  θ ← θ − lr · m̂ / (√ŝ + ε)",
        "",
    ),
}


def optimizer_of(name: str) -> Optimizer:
    return _OPTIMIZERS[name]


def update_rule(name: str, weight_decay: float, decay_in_grad: bool) -> str:
    """The update as the step inspector writes it, with g defined from what it read: the
    gradient over the divisor, plus λw where the optimiser adds the decay (not where the loss
    holds it, scratch's l2_penalty, whose gradient is in grad already)."""
    g = "g = grad / divisor"
    if weight_decay and not decay_in_grad:
        g = _("g = grad / divisor + λw (λ = {decay:g}; b not decayed)").format(decay=weight_decay)
    if name == "sgd" and not (weight_decay and not decay_in_grad):
        return "θ ← θ − lr · grad / divisor"
    return f"{_OPTIMIZERS[name].rule},  {g}"


def decay_per_example(weight_decay: float, summed: bool, batch_size: int) -> float:
    """The λ of the full-data objective mean loss + (λ/2)‖w‖² that SGD with weight decay λ
    minimises. For a mean loss it is λ itself; a sum loss's step is |B| times a mean's while
    the decay is added once, so it is λ/|B| there."""
    return weight_decay / batch_size if summed else weight_decay
