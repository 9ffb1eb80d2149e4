"""What a run reports, as one stream of small immutable events.

A run yields exactly one :class:`RunStarted`, then :class:`Progress` (at a bounded rate) and
:class:`EpochEnded` events, and ends with exactly one :class:`RunEnded`. Every value is a plain
Python number or tuple, never a tensor, so events can cross threads and be written as JSON.
This module imports neither torch nor textual.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from tui_linreg.config import TrainConfig
from tui_linreg.teach.note import Note


class Outcome(StrEnum):
    FINISHED = "finished"
    CANCELLED = "cancelled"
    DIVERGED = "diverged"
    FAILED = "failed"
    """The training code raised (a pitfall does that on purpose)."""


@dataclass(frozen=True)
class ClosedForm:
    """The reference optimum on the run's data, the best any optimiser can reach: the
    least-squares closed form for the squared losses, the l1 or Huber optimum (IRLS) for those."""

    w: tuple[float, ...]
    b: float
    half_mse: float
    """Full-data half-MSE at the closed-form parameters (about noise² / 2)."""
    stable_lr: float
    """Full-batch gradient descent on half-MSE is stable below this: 2 / λmax(AᵀA/n)."""
    name: str = "closed form"
    """What this optimum is: least squares' closed form, or the optimum of l1 or Huber."""
    loss: float | None = None
    """For l1 and Huber, and with weight decay: the objective at this optimum, the mean loss
    (+ (λ/2)‖w‖² with weight decay); None for plain least squares, whose is half_mse."""
    curvature: tuple[float, ...] = ()
    """The eigenvalues of the Hessian of the half-MSE (+ its share of the penalty), smallest
    first: λ of AᵀA/n (A = [X, 1], or X without a bias). Gradient descent multiplies the
    distance to the optimum along each eigenvector by |1 − lr·λ| a step (notes.py says so
    with each run's numbers). l1 and Huber keep least squares' (Huber is r²/2 near it)."""


@dataclass(frozen=True)
class RunStarted:
    config: TrainConfig
    device: str
    """The device actually used, e.g. ``cpu`` or ``cuda:0``."""
    steps_per_epoch: int
    closed_form: ClosedForm
    stable_lr: float | None
    """Stable learning-rate bound on this implementation's own loss (half of it for MSE), with
    its optimiser (momentum raises it); None where there is no simple one (Adam)."""
    loss_name: str
    """What the implementation's own loss is: ``half-MSE``, ``MSE``, ``L1`` or ``Huber``."""
    half_mse_per_loss: float | None
    """Factor from that loss to half-MSE: 1 for half-MSE, 0.5 for MSE; None for l1 and Huber."""
    initial_w: tuple[float, ...]
    initial_b: float
    initial_half_mse: float
    """Full-data half-MSE before the first step."""
    sample_features: tuple[tuple[float, ...], ...]
    """Up to :data:`SCATTER_SAMPLE` examples for a scatter plot (the data is i.i.d., so the
    first rows are a random sample); everything else is computed on all the data."""
    sample_labels: tuple[float, ...]
    feature_means: tuple[float, ...]
    """Mean of each feature over all the data: the scatter's lines hold the others there."""
    printed: str = ""
    """For concise: what ``print(net)`` and ``print(optimizer)`` show, as PyTorch prints them."""
    least_squares: ClosedForm | None = None
    """The least-squares closed form with a bias, when closed_form is another (a robust loss's
    optimum, or the fit through the origin): the landscape's half-MSE is centred on it; None
    when they are the same."""
    gram: tuple[tuple[float, ...], ...] = ()
    """AᵀA/n for A = [X, 1]: the Hessian of the full-data half-MSE, which with the closed form
    gives the loss at every θ exactly (the landscape view draws it)."""
    path_every: int = 1
    """Progress reports θ after every this many steps, when the run records its path: every
    step up to :data:`PATH_MAX_STEPS`, an even sample beyond."""
    feature_names: tuple[str, ...] = ()
    """The features' names: x[0], x[1]… for synthetic data, a file's column names."""
    target_name: str = "y"
    standardization: tuple[tuple[float, ...], tuple[float, ...]] | None = None
    """With --standardize: each feature's mean and std, which it was standardised by (the
    samples above are standardised too)."""
    data_note: str = ""
    """What to tell the user about a data file: rows dropped, or that it changed since the
    run it reproduces."""
    map_penalty: float = 0.0
    """With weight decay on a squared loss, μ of the objective the map draws, half-MSE +
    (μ/2)‖w‖² (up to the loss's scale): a quadratic too, centred on the ridge optimum."""
    index: int = 0
    """Which run of its plan this is, from 0 (the plan's runner tags it)."""
    label: str = ""
    """What tells it apart from the plan's other runs (``lr=0.001``; its implementation when
    nothing else differs): its curve's name in the plots."""


SCATTER_SAMPLE = 2000

PATH_MAX_STEPS = 100_000
"""A run records θ after at most this many steps (3 MB for the lesson's three parameters, as
the app keeps them); a longer run records every k-th step, evenly."""

MAX_REPORTED_BATCHES = 512
"""A report holds at most this many (step, low, high) points; beyond, buckets of steps."""


def envelope(
    points: list[tuple[float, float]], most: int = MAX_REPORTED_BATCHES
) -> tuple[tuple[float, float, float], ...]:
    """(x, value) points as at most ``most`` (x, low, high): each bucket of consecutive
    points keeps its lowest and highest finite value, at its middle x."""
    if len(points) <= most:
        return tuple((x, value, value) for x, value in points)
    size = -(-len(points) // most)
    buckets = []
    for start in range(0, len(points), size):
        bucket = points[start : start + size]
        values = [value for _, value in bucket if math.isfinite(value)]
        if values:
            middle = (bucket[0][0] + bucket[-1][0]) / 2
            buckets.append((middle, min(values), max(values)))
    return tuple(buckets)


@dataclass(frozen=True)
class StepDetail:
    """One step, with the tensors it actually used: what the step inspector shows and what
    ``train --trace`` writes. Built only for the steps that are watched."""

    epoch: int
    step: int
    """Counted from 1 within the epoch."""
    implementation: str
    indices: tuple[int, ...]
    """The batch's example indices into the data set."""
    features: tuple[tuple[float, ...], ...]
    labels: tuple[float, ...]
    predictions: tuple[float, ...]
    """ŷ = Xw + b, with the parameters before the update."""
    loss_call: str
    """The code that computed the loss, e.g. ``l = squared_loss(linreg(X, w, b), y)``."""
    loss_shape: tuple[int, ...]
    """The shape of what it returned: (|B|, 1) for squared_loss, () for nn.MSELoss."""
    loss_values: tuple[float, ...]
    """What it returned, flattened (the first :data:`MAX_LOSS_VALUES`)."""
    backward_on: str
    """What ``backward()`` was called on (``l.sum()``, ``l``), or how the gradient is made."""
    backward_value: float | None
    """That scalar's value; None where there is none."""
    batch_loss: float
    """The implementation's loss on the batch, per example, before the update."""
    gradient_names: tuple[str, str]
    """Where the gradient was read: ``w.grad`` and ``b.grad``, say."""
    grad_w: tuple[float, ...]
    grad_b: float
    """What the gradient held when the update was made; ``()`` and nan when backward()
    raised before filling ``.grad`` (it is then None)."""
    written_out: str
    """The gradient's formula for this loss, e.g. ``Aᵀ(Aθ − y)``."""
    expected_w: tuple[float, ...]
    expected_b: float
    """That formula, computed from the batch and θ before the update."""
    lr: float
    divisor: float
    """What the update divides the gradient by: |B| in scratch's sgd, 1 for optim.SGD."""
    divisor_name: str
    w_before: tuple[float, ...]
    b_before: float
    w_after: tuple[float, ...]
    b_after: float
    precision: tuple[float, ...] = ()
    """For (w…, b): what float32 rounding alone can make of the difference between the
    gradient read and the one written out (its epsilon times the sum of the terms'
    magnitudes). A difference below it is agreement, not a number to read."""
    update_rule: str = "θ ← θ − lr · grad / divisor"
    """The update the step made, written out (optimizers.update_rule)."""
    error: str = ""
    """PyTorch's own message, when the step raised (then the gradient and θ after are
    what they were before the step)."""

    def to_trace(self) -> dict[str, Any]:
        """The line ``train --trace`` writes for this step."""
        return {
            "epoch": self.epoch,
            "step": self.step,
            "indices": list(self.indices),
            "batch_loss": self.batch_loss,
            "grad_w": list(self.grad_w),
            "grad_b": self.grad_b,
            "lr": self.lr,
            "w": list(self.w_after),
            "b": self.b_after,
        }


MAX_LOSS_VALUES = 1024
"""At most this many of a step's loss values are kept (no-reshape makes |B|² of them)."""


@dataclass(frozen=True)
class StepTaken:
    """One step in full; only a run asked to trace every step yields these."""

    detail: StepDetail


@dataclass(frozen=True)
class Progress:
    """Training inside an epoch: at most four times a second, and once more at the end of
    each epoch (and before a divergence), so that every step is in exactly one report."""

    epoch: int
    step: int
    """Steps done in this epoch."""
    steps_per_epoch: int
    batch_loss: float
    """Mean of the implementation's own loss over the mini-batches since the last report."""
    batch_half_mse: float
    """The same, on the common half-MSE scale."""
    elapsed_s: float
    batches: tuple[tuple[float, float, float], ...] = ()
    """Every step's batch half-MSE since the last report, as (step within the epoch, low,
    high): low equals high for one step; many steps are kept as a faithful envelope (each
    bucket's lowest and highest), so that a spike is never lost."""
    w: tuple[float, ...] = ()
    """The parameters after the report's last step."""
    b: float = 0.0
    last_step: StepDetail | None = None
    """The report's last step in full, when it was watched (a paced or single step)."""
    path_steps: tuple[int, ...] = ()
    """When the run records its path: after which of the run's steps (counted from 1 across
    epochs) each θ in ``path`` was taken."""
    path: tuple[float, ...] = ()
    """θ = (w…, b) after each of those steps, one after the other in one flat tuple (a tuple a
    step would be 100,000 objects to allocate, and collect, in a long run)."""


@dataclass(frozen=True)
class EpochEnded:
    epoch: int
    loss: float
    """The implementation's own full-data loss, as the lesson prints it."""
    half_mse: float
    mse: float
    w: tuple[float, ...]
    b: float
    elapsed_s: float
    """Training time since the start of the run, pauses and loss evaluations excluded."""
    epoch_s: float
    steps_per_s: float
    lr: float
    """The learning rate this epoch ran at (it changes with --lr-decay)."""
    val_loss: float | None = None
    """The implementation's own loss on the validation examples (--val-examples), or None."""
    val_half_mse: float | None = None


@dataclass(frozen=True)
class ParameterRow:
    """One parameter compared four ways, as the parameter table shows it."""

    name: str
    true: float
    learned: float
    closed_form: float

    @property
    def error(self) -> float:
        """true − learned, as the lesson prints it."""
        return self.true - self.learned

    @property
    def from_closed_form(self) -> float:
        """learned − closed form: how far the optimiser is from the best it could do."""
        return self.learned - self.closed_form


@dataclass(frozen=True)
class RunEnded:
    outcome: Outcome
    message: str
    """One plain sentence: what happened, where, and why."""
    epoch: int
    """Epoch in which the run ended (the last one for a finished run)."""
    step: int
    """Total steps taken."""
    history: tuple[EpochEnded, ...]
    w: tuple[float, ...]
    b: float
    half_mse: float
    mse: float
    train_s: float
    steps_per_s: float
    closed_form: ClosedForm
    config: TrainConfig
    device: str
    loss_name: str
    standardization: tuple[tuple[float, ...], tuple[float, ...]] | None = None
    """With --standardize, the features' means and stds: w and b are in standardised units."""
    index: int = 0
    """Which run of its plan this is, from 0, and its label: as its RunStarted says."""
    label: str = ""

    def in_data_units(self, w: tuple[float, ...], b: float) -> tuple[tuple[float, ...], float]:
        """(w, b) learned on standardised features, in the data's own units: w_j / std_j and
        b − Σ w_j·mean_j / std_j (the same predictions). Unchanged without --standardize."""
        return original_units(self.standardization, w, b)

    def data_units(self) -> dict[str, Any]:
        """With --standardize: each feature's mean and std, and (w, b) in the data's own units,
        as ``train --json`` and the history's export write them; nothing without."""
        if self.standardization is None:
            return {}
        means, stds = self.standardization
        w, b = self.in_data_units(self.w, self.b)
        return {
            "standardization": {"means": list(means), "stds": list(stds)},
            "in_data_units": {"w": list(w), "b": b},
        }

    @property
    def rows(self) -> tuple[ParameterRow, ...]:
        names = [f"w[{i}]" for i in range(len(self.w))] + ["b"]
        true = self.config.truth or (math.nan,) * (len(self.w) + 1)
        learned = (*self.w, self.b)
        best = (*self.closed_form.w, self.closed_form.b)
        return tuple(ParameterRow(*row) for row in zip(names, true, learned, best, strict=True))

    @property
    def times_optimum(self) -> float:
        """The run's final loss as a multiple of the reference optimum's: half-MSE for the
        squared losses, its own loss (the last epoch's) for l1 and Huber, and the objective with
        weight decay; nan if unknown."""
        best = self.closed_form
        if best.loss is None:
            final, optimum = self.half_mse, best.half_mse
        else:
            final, optimum = self.objective, best.loss
        return final / optimum if optimum > 0 and math.isfinite(final) else math.nan

    @property
    def objective(self) -> float:
        """The last epoch's loss, + (λ/2)‖w‖² with weight decay; nan before an epoch ended."""
        final = self.history[-1].loss if self.history else math.nan
        return final + self.config.penalty / 2 * math.fsum(w * w for w in self.w)

    @property
    def objective_name(self) -> str:
        """What the run minimises: its loss, + (λ/2)‖w‖² with weight decay."""
        return self.loss_name + (" + (λ/2)‖w‖²" if self.config.penalty else "")

    @property
    def distances(self) -> dict[str, float]:
        """How far the learned θ̂ is from the true θ and from the optimum θ*, and θ* from the
        true θ (the data's own statistical error), Euclidean over (w, b); inf once not finite."""
        best = self.closed_form
        return {
            "distance_to_true": distance_to_true(self.config, self.w, self.b),
            "distance_to_optimum": _distance((*self.w, self.b), (*best.w, best.b)),
            "optimum_distance_to_true": distance_to_true(self.config, best.w, best.b),
        }

    @property
    def seconds_per_epoch(self) -> float:
        return self.train_s / len(self.history) if self.history else float("nan")

    def to_dict(self) -> dict[str, Any]:
        return {
            "implementation": self.config.implementation,
            "device": self.device,
            "outcome": str(self.outcome),
            "message": self.message,
            "ended_in_epoch": self.epoch,
            "steps": self.step,
            "loss_name": self.loss_name,
            "history": [dataclasses.asdict(epoch) for epoch in self.history],
            "final": {"w": list(self.w), "b": self.b, "half_mse": self.half_mse, "mse": self.mse},
            "parameters": [
                {
                    "name": row.name,
                    "true": row.true,
                    "learned": row.learned,
                    "error": row.error,
                    "closed_form": row.closed_form,
                    "learned_minus_closed_form": row.from_closed_form,
                }
                for row in self.rows
            ],
            **self.distances,
            "times_optimum": self.times_optimum,
            **self.data_units(),
            "timing": {
                "train_s": self.train_s,
                "seconds_per_epoch": self.seconds_per_epoch,
                "steps_per_s": self.steps_per_s,
            },
        }


@dataclass(frozen=True)
class PlanEnded:
    """A plan is over, after its last run or the one that was cancelled: how each of its runs
    ended, in order, the worst of their outcomes (failed, diverged, cancelled, finished), and
    what to notice about them together (teach/notes.py), said once for the app and ``train``."""

    kind: str
    """The plan's kind: ``single``, ``both`` or ``sweep``."""
    ends: tuple[RunEnded, ...]
    outcome: Outcome
    notes: tuple[Note, ...] = ()


Event = RunStarted | Progress | EpochEnded | RunEnded | StepTaken | PlanEnded


def worst(outcomes: Iterable[Outcome]) -> Outcome:
    """The outcome a plan reports: failed over diverged over cancelled over finished."""
    found = set(outcomes)
    for outcome in (Outcome.FAILED, Outcome.DIVERGED, Outcome.CANCELLED):
        if outcome in found:
            return outcome
    return Outcome.FINISHED


def original_units(
    standardization: tuple[tuple[float, ...], tuple[float, ...]] | None,
    w: tuple[float, ...],
    b: float,
) -> tuple[tuple[float, ...], float]:
    """Parameters for standardised features, (x − mean)/std, as parameters for x itself."""
    if standardization is None:
        return w, b
    means, stds = standardization
    scaled = tuple(wj / sj for wj, sj in zip(w, stds, strict=True))
    return scaled, b - math.fsum(wj * mj for wj, mj in zip(scaled, means, strict=True))


def distance_to_true(config: TrainConfig, w: tuple[float | None, ...], b: float | None) -> float:
    """Euclidean distance from learned (w, b) to the true ones; inf once any is not finite;
    nan for real data, which has no true parameters."""
    truth = config.truth
    if truth is None:
        return math.nan
    learned = (*w, b)
    if not all(value is not None and math.isfinite(value) for value in learned):
        return math.inf
    return math.dist([v for v in learned if v is not None], truth)


def _distance(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    if not all(math.isfinite(value) for value in (*a, *b)):
        return math.inf
    return math.dist(a, b)


def json_ready(value: Any) -> Any:
    """``value`` with every nan and inf made null, recursively: strict JSON has neither (a
    diverged run's message says what they were)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: json_ready(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_ready(item) for item in value]
    return value
