"""What a step does to the distance to the optimum, worked out from a run's start: the
factor |1 − lr·λ| along each direction of the loss (λ: the eigenvalues of AᵀA/n, in the run's
closed form), momentum's rate, and how far a run ended from its optimum. The notes and the
questions quote these. Imports neither Textual nor torch.
"""

from __future__ import annotations

import cmath
import math
from collections.abc import Callable
from dataclasses import dataclass

from tui_linreg.engine.events import Outcome, RunEnded, RunStarted
from tui_linreg.losses import loss_of

FLOAT32_MAX = 3.4028234663852886e38
"""The largest float32: a loss past it is inf, and the next step's arithmetic nan."""

CLOSE = 0.01
"""A direction counts as learned when its distance to the optimum is this share of the start."""

FLAT = 1e-9
"""A curvature below this share of the largest is rounding around 0: the loss is flat there."""

OFF_BY = 10.0
"""A run that ends at more than this many times the optimum's half-MSE did not get there."""


Run = tuple[RunStarted, RunEnded]
"""A run's start and its end: the start knows the data, the end what became of it."""


def ratio_to_optimum(end: RunEnded) -> float:
    """Its half-MSE as a multiple of the optimum's (inf where it did not finish)."""
    if end.outcome != Outcome.FINISHED or not math.isfinite(end.half_mse):
        return math.inf
    return end.half_mse / max(end.closed_form.half_mse, 1e-30)


def from_optimum(end: RunEnded) -> float:
    """|ŵ − w*|: how far the run ended from its own optimum (inf where it did not finish)."""
    if end.outcome != Outcome.FINISHED or not math.isfinite(end.half_mse):
        return math.inf
    best = end.closed_form
    return math.dist((*end.w, end.b), (*best.w, best.b))


@dataclass(frozen=True)
class Contraction:
    """What full-batch gradient descent does along one direction of the loss: the distance to
    the optimum is multiplied by ``factor`` = |1 − lr·slope·λ| each step."""

    curvature: float
    """λ: the half-MSE's curvature along this direction (an eigenvalue of AᵀA/n)."""
    factor: float

    @property
    def steps_to_close(self) -> float:
        """Steps until the distance is :data:`CLOSE` of the start: ln 0.01 / ln factor (inf
        when it never shrinks)."""
        if self.factor >= 1:
            return math.inf
        if self.factor == 0:
            return 1
        return math.ceil(math.log(CLOSE) / math.log(self.factor))

    def left_after(self, steps: int) -> float:
        """The share of the starting distance left after ``steps`` steps."""
        return self.factor**steps


def curvatures(started: RunStarted) -> tuple[float, ...]:
    """λ of the run's loss along each direction, smallest first, leaving out those along which
    it is flat (more weights than examples): no gradient step moves along those, and the loss
    does not change there."""
    every = started.closed_form.curvature or (
        started.least_squares.curvature if started.least_squares else ()
    )
    return tuple(each for each in every if every and each > FLAT * every[-1])


def flat_directions(started: RunStarted) -> int:
    """How many directions :func:`curvatures` leaves out."""
    every = started.closed_form.curvature or (
        started.least_squares.curvature if started.least_squares else ()
    )
    return len(every) - len(curvatures(started))


def loss_slope(started: RunStarted) -> float | None:
    """How many times steeper the run's own loss is than half-MSE (1 for scratch's
    squared_loss, 2 for nn.MSELoss, |B|·2 for a summed MSE); None where no factor says what
    a step does (l1's gradient is bounded; a pitfall changes the gradient)."""
    config = started.config
    if config.loss_function == "l1" or config.pitfalls:
        return None
    spec = loss_of(config.implementation, config.loss_function)
    slope = spec.slope if spec.squared else 1.0  # Huber is r²/2 near its optimum
    return slope * (config.batch_size if spec.summed else 1)


def steepness(started: RunStarted) -> float | None:
    """:func:`loss_slope` for plain SGD; None for the optimisers with a memory (momentum,
    Adam), whose step is not one factor of the gradient."""
    return loss_slope(started) if started.config.optimizer == "sgd" else None


def factors(
    started: RunStarted, rate: Callable[[float], float]
) -> tuple[Contraction, Contraction] | None:
    """Along the steepest and the flattest direction: ``rate`` of plain gradient descent's
    step there, α = lr·slope·λ, is what a step multiplies the distance by."""
    slope = loss_slope(started)
    curvature = curvatures(started)
    if slope is None or not curvature:
        return None
    lr = started.config.learning_rate
    steepest, flattest = curvature[-1], curvature[0]
    return (
        Contraction(steepest, rate(lr * slope * steepest)),
        Contraction(flattest, rate(lr * slope * flattest)),
    )


def contractions(started: RunStarted) -> tuple[Contraction, Contraction] | None:
    """For a run of plain SGD: |1 − α| along the steepest and the flattest direction."""
    if started.config.optimizer != "sgd":
        return None
    return factors(started, gradient_descent_rate)


def gradient_descent_rate(alpha: float) -> float:
    """θ ← θ − α·θ multiplies the distance by |1 − α|."""
    return abs(1 - alpha)


def momentum_rate(alpha: float, beta: float, *, nesterov: bool = False) -> float:
    """What heavy-ball (or torch's Nesterov) momentum multiplies the distance by, a step, in
    the long run, where plain gradient descent's step is α: the larger |root| of the
    recurrence of (θ, lr·v), z² − tz + d (optimizers.py writes the updates). Heavy ball:
    t = 1 + β − α, d = β; Nesterov: t = (1 + β)(1 − α), d = β(1 − α). Complex roots (the
    path swings past the optimum and back) have |z| = √d."""
    if nesterov:
        trace, det = (1 + beta) * (1 - alpha), beta * (1 - alpha)
    else:
        trace, det = 1 + beta - alpha, beta
    root = cmath.sqrt(trace * trace - 4 * det)
    return max(abs((trace + root) / 2), abs((trace - root) / 2))


def steps_to_overflow(started: RunStarted, factor: float) -> float:
    """About how many steps a loss that grows by factor² a step takes from the start's to
    float32's largest number (inf; nan the step after)."""
    loss = max(started.initial_half_mse, 1e-30)
    if factor <= 1:
        return math.inf
    return math.ceil(math.log(FLOAT32_MAX / loss) / (2 * math.log(factor)))


def left_after_run(started: RunStarted, steps: int, curvature: float) -> float:
    """The share of the starting distance along a direction of curvature ``curvature`` that
    ``steps`` full-batch SGD steps leave, with the run's lr decay (× lr_decay every
    decay_every epochs, as the loop applies it)."""
    config, slope = started.config, loss_slope(started) or 1.0
    per_epoch = max(started.steps_per_epoch, 1)
    left, lr, epoch, remaining = 1.0, config.learning_rate, 1, steps
    while remaining > 0:
        if epoch > 1 and (epoch - 1) % config.decay_every == 0:
            lr *= config.lr_decay
        taken = min(per_epoch, remaining)
        left *= abs(1 - lr * slope * curvature) ** taken
        remaining -= taken
        epoch += 1
    return left
