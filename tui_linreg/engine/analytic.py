"""The same model and mini-batch SGD with the gradient written out: no autograd.

For θ = [w; b] and A = [X, 1], the gradient of the batch's half-MSE is Aᵀ(Aθ − y)/|B|, the
very thing autograd computes for scratch (a test checks the trajectories agree). Written out,
a step is two fused matrix operations:

    r = A θ − y                      torch.addmm(y, A, θ, beta=-1)
    θ ← θ − lr · Aᵀ r / |B|          θ.addmm_(A.T, r, alpha=-lr/|B|)

Another loss (--loss) changes only the second: its gradient is c · Aᵀψ(r), with ψ(r) = r for
the squared losses (c = 2 without the half), sign(r) for l1 and clamp(r, −δ, δ) for Huber
(``influence``); a sum loss is not divided by |B|.

Shuffled examples are gathered a block of batches at a time (data.shuffled_blocks), with the
column of ones appended to the block, so a step's batch is a contiguous slice. Needing no
autograd, its steps run in ``torch.inference_mode`` (see run.py), which spares each op the
version-counter and autograd bookkeeping.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import torch

from tui_linreg.config import TrainConfig
from tui_linreg.engine.data import Problem, full_data_half_mse, full_data_mean, shuffled_blocks
from tui_linreg.i18n import N_, _
from tui_linreg.losses import RHO, Loss, gradient_formula, loss_of


def influence(loss: Loss, residual: torch.Tensor, delta: float) -> torch.Tensor:
    """ψ(r), the loss's derivative by the residual, up to its constant (losses.py's table):
    r for the squared losses, sign(r) for l1 (0 at 0: a subgradient), clamp(r, −δ, δ) for
    Huber. The gradient is Aᵀψ(r)."""
    if loss.name == "l1":
        return residual.sign()
    if loss.name == "huber":
        return residual.clamp(-delta, delta)
    return residual


def influence_slope(loss: Loss, residual: torch.Tensor, delta: float) -> torch.Tensor:
    """ψ'(r): how much ψ moves with the residual (1 for the squared losses, 1 inside Huber's
    δ, 0 for l1), so how much a residual's rounding moves the gradient."""
    if loss.name == "l1":
        return torch.zeros_like(residual)
    if loss.name == "huber":
        return (residual.abs() <= delta).to(residual.dtype)
    return torch.ones_like(residual)


def per_example(loss: Loss, residual: torch.Tensor, delta: float) -> torch.Tensor:
    """ρ(r), each example's loss, from its residual."""
    if loss.name == "l1":
        return residual.abs()
    if loss.name == "huber":
        size = residual.abs()
        return torch.where(size <= delta, size.square() / 2, delta * (size - delta / 2))
    return residual.square() * (loss.slope / 2)


class Analytic:
    name = "analytic"
    printed = ""  # no nn model, no optimizer to print
    needs_autograd = False
    # What the step inspector says about a step (engine/watch.py).
    # marked N_: watch.py gives them through _()
    backward_on = N_("no backward(): the gradient is written out")
    gradient_names = (N_("Aᵀψ(r), the rows of w"), N_("Aᵀψ(r), the row of b"))

    def __init__(self, problem: Problem, config: TrainConfig, generator: torch.Generator) -> None:
        self.problem = problem
        self.config = config
        self.generator = generator
        self.bias = config.bias
        start = (
            [problem.initial_w, problem.initial_b.reshape(1, 1)]
            if self.bias
            else [problem.initial_w]
        )
        self.theta = torch.cat(start)
        """[w; b], shape (d + 1, 1); w alone, (d, 1), without a bias (A = X, then)."""
        self.no_bias = torch.zeros(1, device=problem.features.device)
        self.lr = config.learning_rate
        """The learning rate now: --lr-decay lowers it between epochs (decay)."""
        self.spec = loss_of("analytic", config.loss_function)
        self.delta = config.huber_delta
        self.loss_name, self.half_mse_per_loss = self.spec.shown, self.spec.half_mse_per_loss
        self.constant = self.spec.slope if self.spec.squared else 1.0
        self.summed, self.squared = self.spec.summed, self.spec.squared  # read every step
        """The gradient is constant · Aᵀψ(r), over |B| for a mean loss."""
        self.optimizer = config.optimizer
        self.plain = config.optimizer == "sgd" and not config.weight_decay
        """The lessons' SGD: a step is two fused ops. Anything else forms the gradient g."""
        decays = torch.full_like(self.theta, config.weight_decay)
        if self.bias:
            decays[-1] = 0.0  # the bias is not penalised (d2l §3.7)
        self.decays = decays
        self.weight_decay = config.weight_decay
        self.momentum, self.betas, self.eps = (
            config.momentum,
            (config.beta1, config.beta2),
            config.eps,
        )
        self.velocity = torch.zeros_like(self.theta)
        self.m, self.s, self.t = torch.zeros_like(self.theta), torch.zeros_like(self.theta), 0
        """Adam's running means of g and g², and its step count."""
        self.loss_call = _(
            "r = Aθ − y; the loss is {loss} (never formed: only r is needed)"
        ).format(loss=RHO.get(self.spec.name, "(ŷ − y)²"))
        self.written_out = gradient_formula(self.spec, "Σ")

    def batches(self) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        """One epoch of batches (A = [X, 1], y), in scratch's order (the same draw)."""
        problem, config = self.problem, self.config
        blocks = shuffled_blocks(
            problem.features, problem.labels, config.batch_size, self.generator, config.order
        )
        for X, y in blocks:  # noqa: N806
            if not self.bias:  # --no-bias: A = X, θ = w
                yield from zip(X.split(config.batch_size), y.split(config.batch_size), strict=True)
                continue
            A = torch.cat([X, torch.ones(len(X), 1, device=X.device)], dim=1)  # noqa: N806
            yield from zip(A.split(config.batch_size), y.split(config.batch_size), strict=True)

    def train_step(self, A: torch.Tensor, y: torch.Tensor) -> torch.Tensor:  # noqa: N803
        """One SGD step; returns the residual r = Aθ − y (losses are read from it in bulk)."""
        residual = torch.addmm(y, A, self.theta, beta=-1)
        # y.shape[0], not len(y): a tensor's __len__ is Python code, a tenth of a step here.
        scale = self.constant if self.summed else self.constant / y.shape[0]
        pull = residual if self.squared else influence(self.spec, residual, self.delta)
        if self.plain:  # θ ← θ − lr · scale · Aᵀψ(r), in one op
            self.theta.addmm_(A.T, pull, alpha=-self.lr * scale)
        else:
            self.optimise(A.T, pull, scale)
        return residual

    def optimise(self, AT: torch.Tensor, pull: torch.Tensor, scale: float) -> None:  # noqa: N803
        """--optimizer and --weight-decay written out, as torch.optim computes them, for the
        gradient g = scale · Aᵀψ(r) (+ λw with weight decay; λ is 0 for b): see optimizers.py's
        table. Each update takes g inside a fused op (addmm_: self ← β·self + α·AᵀΨ) instead of
        forming it first: fewer ops a step, the same numbers to float rounding."""
        theta, lr, decay = self.theta, self.lr, self.weight_decay
        match self.optimizer:
            case "sgd":  # with weight decay (without, train_step's one op)
                theta.addcmul_(self.decays, theta, value=-lr)  # θ ← θ − lr·λw
                theta.addmm_(AT, pull, alpha=-lr * scale)  # θ ← θ − lr·g
            case "momentum":
                velocity = self.velocity.addmm_(AT, pull, beta=self.momentum, alpha=scale)
                if decay:  # v ← βv + g, g holding λw (a Python number: no device sync)
                    velocity.addcmul_(self.decays, theta)
                theta.sub_(velocity, alpha=lr)  # θ ← θ − lr·v
            case "nesterov":  # θ ← θ − lr·(g + βv) with the new v
                velocity = self.velocity.addmm_(AT, pull, beta=self.momentum, alpha=scale)
                if decay:
                    velocity.addcmul_(self.decays, theta)
                    theta.addcmul_(self.decays, theta, value=-lr)
                theta.addmm_(AT, pull, alpha=-lr * scale)
                theta.sub_(velocity, alpha=lr * self.momentum)
            case "adam":
                beta1, beta2 = self.betas
                self.t += 1
                grad = torch.mm(AT, pull)  # g / scale: the scale goes into the next ops
                if decay:
                    grad.mul_(scale).addcmul_(self.decays, theta)
                    scale = 1.0
                self.m.mul_(beta1).add_(grad, alpha=(1 - beta1) * scale)  # m ← β₁m + (1 − β₁)g
                # s ← β₂s + (1 − β₂)g²
                self.s.mul_(beta2).addcmul_(grad, grad, value=(1 - beta2) * scale * scale)
                # θ ← θ − lr · m̂ / (√ŝ + ε), m̂ = m / (1 − β₁ᵗ), ŝ = s / (1 − β₂ᵗ); as
                # torch.optim.Adam does, the corrections go into the scalars: √(1 − β₂ᵗ)
                # times this is lr · m / (1 − β₁ᵗ) / (√s + ε√(1 − β₂ᵗ)).
                correction = math.sqrt(1 - beta2**self.t)
                root = self.s.sqrt().add_(self.eps * correction)
                theta.addcdiv_(self.m, root, value=-lr * correction / (1 - beta1**self.t))

    def window_losses(self, window: list[torch.Tensor]) -> torch.Tensor:
        """Each step's loss, from the residuals kept since the last read-back: (steps,), or
        (steps, 2) with each step's half-MSE for l1 and Huber."""
        if window[0].shape == window[-1].shape:  # only an epoch's last batch can be shorter
            residuals = torch.cat(window, dim=1)
            own = per_example(self.spec, residuals, self.delta).mean(dim=0)
            if self.spec.squared:
                return own
            return torch.stack([own, residuals.square().mean(dim=0) / 2], dim=1)
        return torch.cat([self.window_losses([r]) for r in window])

    def epoch_loss(self, data: Problem | None = None) -> torch.Tensor:
        """Full-data loss, as scratch reports it (half-MSE for the lesson's)."""
        w, b = self.parameters()
        if self.spec.name == "half-squared":
            return full_data_half_mse(data or self.problem, w, b)
        return full_data_mean(
            data or self.problem,
            lambda X, y: per_example(self.spec, torch.addmm(b, X, w) - y, self.delta).mean(),  # noqa: N803
        )

    def decay(self, factor: float) -> None:
        """Source note 4's learning-rate decay, for the next epoch on."""
        self.lr *= factor

    def parameters(self) -> tuple[torch.Tensor, torch.Tensor]:
        if not self.bias:
            return self.theta, self.no_bias
        return self.theta[:-1], self.theta[-1]

    def snapshot(self) -> torch.Tensor:
        """A copy of θ: one op, against a step's two (the path records one every step)."""
        return (
            self.theta.clone() if self.bias else torch.cat((self.theta.reshape(-1), self.no_bias))
        )

    # --- for the step inspector (engine/watch.py): never called by an unwatched step ---

    def explain(
        self,
        A: torch.Tensor,  # noqa: N803
        y: torch.Tensor,
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor | None]:
        """(X, ŷ, each example's loss, None: there is no backward)."""
        residual = torch.addmm(y, A, self.theta, beta=-1)
        features = A[:, :-1] if self.bias else A
        return features, residual + y, per_example(self.spec, residual, self.delta), None

    def gradient_tensors(self) -> tuple[torch.Tensor, torch.Tensor] | None:
        """None: no autograd; the gradient is the formula itself."""
        return None

    def gradient_scale(self, batch_length: int) -> float:
        return self.constant

    def divisor(self, batch_length: int) -> tuple[float, str]:
        if self.spec.summed:
            return 1.0, _("1: a sum loss is not averaged")
        return batch_length, "|B|"

    def penalty_in_grad(self, batch_length: int) -> float:
        return 0.0  # the optimiser adds λw itself
