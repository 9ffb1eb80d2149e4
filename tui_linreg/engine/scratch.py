"""Linear regression from scratch (Dive into Deep Learning 3.2).

Everything is written by hand except the gradients, which come from autograd: that is what
this lesson teaches. The functions keep the lesson's names and shapes.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator

import torch

from tui_linreg.config import TrainConfig
from tui_linreg.engine.data import Problem, full_data_mean, shuffled_blocks
from tui_linreg.i18n import _
from tui_linreg.losses import loss_of, written_out


def data_iter(
    batch_size: int,
    features: torch.Tensor,
    labels: torch.Tensor,
    generator: torch.Generator,
    order: str = "shuffled",
) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
    """Yield mini-batches of (features, labels) in a random order.

    The lesson shuffles a Python list with ``random.shuffle`` and builds a tensor from each
    slice of it. We draw the permutation with ``torch.randperm`` from the run's own generator
    (same seed, same order, no global RNG), gather a few MiB of shuffled examples at a time
    and cut them into batches: the same batches in the same order, without a Python list of
    a million indices or two indexing operations per step.
    """
    for X, y in shuffled_blocks(features, labels, batch_size, generator, order):  # noqa: N806
        yield from zip(X.split(batch_size), y.split(batch_size), strict=True)  # the last
        # batch of the epoch may be shorter


def linreg(X: torch.Tensor, w: torch.Tensor, b: torch.Tensor) -> torch.Tensor:  # noqa: N803
    """The linear regression model: X w + b."""
    return torch.matmul(X, w) + b


def squared_loss(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Half squared error, one per example: a vector, not yet averaged."""
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2


# The other losses of --loss, written as the lesson writes squared_loss: one value per example.


def squared_error(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Squared error, not halved (--loss mse, and sum): its gradient is twice squared_loss's."""
    return (y_hat - y.reshape(y_hat.shape)) ** 2


def absolute_loss(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Absolute error (--loss l1). Its derivative is sign(ŷ − y); at 0, where there is none,
    autograd takes 0 (a subgradient)."""
    return torch.abs(y_hat - y.reshape(y_hat.shape))


def huber_loss(y_hat: torch.Tensor, y: torch.Tensor, delta: float) -> torch.Tensor:
    """Huber's loss (--loss huber): squared within delta, absolute beyond, so that an outlier
    pulls with a force of at most delta."""
    r = torch.abs(y_hat - y.reshape(y_hat.shape))
    return torch.where(r <= delta, r**2 / 2, delta * (r - delta / 2))


def sgd(params: list[torch.Tensor], lr: float, batch_size: int) -> None:
    """Mini-batch stochastic gradient descent.

    ``backward`` summed the per-example gradients, so dividing by the batch length averages
    them. Updates happen under ``no_grad`` (they are not part of the model), and gradients are
    zeroed afterwards because PyTorch accumulates them across ``backward`` calls.
    """
    with torch.no_grad():
        for param in params:
            assert param.grad is not None
            # The lesson writes param -= lr * param.grad / batch_size: three tensor operations
            # (two of them making a new tensor). sub_ with alpha is the same update,
            # param ← param − (lr / batch_size) · grad, in one operation, in place.
            param.sub_(param.grad, alpha=lr / batch_size)
            param.grad.zero_()


def l2_penalty(w: torch.Tensor) -> torch.Tensor:
    """d2l §3.7's penalty, ‖w‖² / 2 (--weight-decay): the bias is not penalised."""
    return torch.sum(w.pow(2)) / 2


# The other optimisers of --optimizer, written as d2l §12 writes them: each parameter has its
# own state, updated under no_grad with the gradient averaged over the batch as sgd does.


def sgd_momentum(
    params: list[torch.Tensor],
    states: list[torch.Tensor],
    lr: float,
    batch_size: int,
    momentum: float,
    nesterov: bool,
) -> None:
    """SGD with momentum: the velocity v piles up the gradients, each step's decayed by β.
    Nesterov steps along the gradient plus β·v, where the velocity is about to take it."""
    with torch.no_grad():
        for param, v in zip(params, states, strict=True):
            assert param.grad is not None
            grad = param.grad / batch_size
            v.mul_(momentum).add_(grad)  # v ← βv + g
            param.sub_(grad.add(v, alpha=momentum) if nesterov else v, alpha=lr)
            param.grad.zero_()


def adam(
    params: list[torch.Tensor],
    states: list[tuple[torch.Tensor, torch.Tensor]],
    lr: float,
    batch_size: int,
    t: int,
    betas: tuple[float, float],
    eps: float,
) -> None:
    """Adam, step t (from 1): running means of the gradient (m) and of its square (s),
    corrected for starting at 0, and a step of lr · m̂ / (√ŝ + ε) for each parameter."""
    beta1, beta2 = betas
    with torch.no_grad():
        for param, (m, s) in zip(params, states, strict=True):
            assert param.grad is not None
            grad = param.grad / batch_size
            m.mul_(beta1).add_(grad, alpha=1 - beta1)
            s.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
            m_hat = m / (1 - beta1**t)
            s_hat = s / (1 - beta2**t)
            param.sub_(lr * m_hat / (s_hat.sqrt() + eps))
            param.grad.zero_()


LOSS_FUNCTIONS: dict[str, Callable[..., torch.Tensor]] = {
    "half-squared": squared_loss,
    "mse": squared_error,
    "sum": squared_error,
    "l1": absolute_loss,
    "huber": huber_loss,
}
"""Each --loss, as scratch writes it (the code pane shows the one that runs)."""


class Scratch:
    """The from-scratch implementation behind the engine's common interface."""

    name = "scratch"
    printed = ""  # no nn model, no optimizer to print
    needs_autograd = True
    # What the step inspector says about a step (engine/watch.py).
    backward_on = "l.sum()"
    gradient_names = ("w.grad", "b.grad")

    def __init__(self, problem: Problem, config: TrainConfig, generator: torch.Generator) -> None:
        self.problem = problem
        self.config = config
        self.generator = generator
        self.w = problem.initial_w.clone().requires_grad_(True)
        self.b = problem.initial_b.clone().requires_grad_(config.bias)
        # --no-bias: b stays a constant 0, not a parameter, so y = Xw (a line through 0).
        self.params = [self.w, self.b] if config.bias else [self.w]
        self.lr = config.learning_rate
        """The learning rate now: --lr-decay lowers it between epochs (decay)."""
        self.spec = loss_of("scratch", config.loss_function)
        self.loss_name, self.half_mse_per_loss = self.spec.shown, self.spec.half_mse_per_loss
        self.summed, self.squared = self.spec.summed, self.spec.squared  # read every step
        written = LOSS_FUNCTIONS[self.spec.name]
        huber = self.spec.name == "huber"
        self.loss: Callable[[torch.Tensor, torch.Tensor], torch.Tensor] = (
            functools.partial(written, delta=config.huber_delta) if huber else written
        )
        """The loss the step uses, one value per example: a pitfall swaps it (broken.py)."""
        delta = f", delta={config.huber_delta:g}" if huber else ""
        self.loss_call = f"l = {written.__name__}(linreg(X, w, b), y{delta})"
        self.written_out = written_out(self.spec, "Σ")
        self.weight_decay = config.weight_decay
        if self.weight_decay:  # backward's scalar gains the penalty (train_step)
            times = "" if self.summed else "len(y) * "
            self.backward_on = f"l.sum() + {times}{self.weight_decay:g} * l2_penalty(w)"
            self.written_out += " + λw" if self.summed else " + |B|·λw"
        self.optimizer = config.optimizer
        self.momentum, self.betas, self.eps = (
            config.momentum,
            (config.beta1, config.beta2),
            config.eps,
        )
        self.t = 0
        """Adam's step count."""
        self.states: list[torch.Tensor] = [torch.zeros_like(p) for p in self.params]
        """The velocity of each parameter, for momentum and Nesterov."""
        self.moments = [(torch.zeros_like(p), torch.zeros_like(p)) for p in self.params]
        """Adam's (m, s) of each parameter."""

    def batches(self) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        """One epoch of mini-batches."""
        problem, config = self.problem, self.config
        return data_iter(
            config.batch_size, problem.features, problem.labels, self.generator, config.order
        )

    def train_step(self, X: torch.Tensor, y: torch.Tensor) -> torch.Tensor:  # noqa: N803
        """One step of SGD; returns the per-example losses, still on the device (they are
        averaged in bulk when the engine reads a window of steps back)."""
        y_hat = linreg(X, self.w, self.b)
        l = self.loss(y_hat, y)  # noqa: E741 (the lesson's name)
        # The lesson passes batch_size to sgd, which is wrong for a shorter last batch (when
        # batch_size does not divide the number of examples): its summed gradient would be
        # divided by more examples than it holds. Dividing by the batch's own length is right.
        # A sum loss (--loss sum) is not divided at all: that is what makes it a sum.
        divisor = 1 if self.summed else len(y)
        if self.weight_decay:  # d2l §3.7 adds λ·l2_penalty(w) to each example's loss (for a
            # sum, once): averaged, the gradient gains λw, as optim's weight_decay adds it
            (l.sum() + divisor * self.weight_decay * l2_penalty(self.w)).backward()
        else:
            l.sum().backward()  # backward needs a scalar: the sum of the per-example losses
        if self.optimizer == "sgd":
            sgd(self.params, self.lr, divisor)
        elif self.optimizer == "adam":
            self.t += 1
            adam(self.params, self.moments, self.lr, divisor, self.t, self.betas, self.eps)
        else:
            nesterov = self.optimizer == "nesterov"
            sgd_momentum(self.params, self.states, self.lr, divisor, self.momentum, nesterov)
        if self.squared:
            return l.detach()
        return torch.cat([l.detach(), squared_loss(y_hat.detach(), y)], dim=1)  # and half-MSE

    def window_losses(self, window: list[torch.Tensor]) -> torch.Tensor:
        """Each step's mean loss since the last read-back, as one tensor: (steps,), or
        (steps, 2) with each step's half-MSE beside it for l1 and Huber."""
        if window[0].shape == window[-1].shape:  # only an epoch's last batch can be shorter
            means = torch.cat(window, dim=1).mean(dim=0)
        else:
            means = torch.cat([l.mean(dim=0) for l in window])  # noqa: E741
        return means if self.squared else means.reshape(-1, 2)

    def epoch_loss(self, data: Problem | None = None) -> torch.Tensor:
        """Full-data loss as the lesson prints it: the mean of the loss, half-MSE for
        squared_loss (taken in chunks, so that a large data set needs no n-sized
        temporaries)."""
        return full_data_mean(
            data or self.problem,
            lambda features, labels: self.loss(linreg(features, self.w, self.b), labels).mean(),
        )

    def decay(self, factor: float) -> None:
        """Source note 4's learning-rate decay, for the next epoch on."""
        self.lr *= factor

    def parameters(self) -> tuple[torch.Tensor, torch.Tensor]:
        """Current w, shape (d, 1), and b, shape (1,)."""
        return self.w.detach(), self.b.detach()

    def snapshot(self) -> torch.Tensor:
        """A copy of θ = [w; b], on the device (no host sync): one op a step."""
        return torch.cat(self._theta_parts)

    @functools.cached_property
    def _theta_parts(self) -> tuple[torch.Tensor, torch.Tensor]:
        """w flat and b, detached once: views that follow every in-place update (three ops a
        step fewer for the app's path, which takes a snapshot after every step)."""
        return self.w.detach().view(-1), self.b.detach()

    # --- for the step inspector (engine/watch.py): never called by an unwatched step ---

    def explain(
        self,
        X: torch.Tensor,  # noqa: N803
        y: torch.Tensor,
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor | None]:
        """(X, ŷ, the loss as the step computes it, the scalar backward() is called on), from
        the same functions on the same parameters, just before the step."""
        with torch.no_grad():
            y_hat = linreg(X, self.w, self.b)
            l = self.loss(y_hat, y)  # noqa: E741
            scalar = l.sum()
            if self.weight_decay:  # as train_step adds it
                scalar = scalar + self.penalty_in_grad(len(y)) * l2_penalty(self.w)
            return X, y_hat, l, scalar

    def gradient_tensors(self) -> tuple[torch.Tensor, ...] | None:
        """The tensors whose ``.grad`` the update reads (w alone without a bias)."""
        return tuple(self.params)

    def gradient_scale(self, batch_length: int) -> float:
        """The written-out gradient Aᵀψ(Aθ − y) times this is what autograd should give:
        ψ(r) is r for squared_loss and 2r for squared_error (losses.py says)."""
        return self.spec.slope if self.spec.squared else 1.0

    def divisor(self, batch_length: int) -> tuple[float, str]:
        """What the update divides the gradient by, and how the lesson's code names it."""
        if self.spec.summed:
            return 1.0, _("1: a sum loss is not averaged")
        return batch_length, _("len(y), the batch's length")

    def penalty_in_grad(self, batch_length: int) -> float:
        """l2_penalty joins each example's loss: the batch's sum holds it |B| times (a sum
        loss, once)."""
        return self.weight_decay * (1 if self.spec.summed else batch_length)
