"""Watching a step: its batch, the loss, the gradient the update read, and the update.

The step inspector shows the last watched step and ``train --trace`` writes every one. A
watched step runs the implementation's own ``train_step``; around it we copy θ, ask the
implementation to compute ŷ and the loss with the same functions just before, and read
``.grad`` the moment backward() has filled it (a post-accumulate hook, so with
forget-zero-grad it is the running sum the update really used). Unwatched steps pay nothing.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import torch

from tui_linreg.config import TrainConfig
from tui_linreg.engine.analytic import influence, influence_slope
from tui_linreg.engine.data import Problem, epoch_order
from tui_linreg.engine.events import MAX_LOSS_VALUES, StepDetail
from tui_linreg.engine.implementation import Implementation
from tui_linreg.i18n import _
from tui_linreg.optimizers import update_rule


@dataclass
class _Taken:
    """A watched step, still as tensors (turned into numbers only if someone looks)."""

    epoch: int
    step: int
    X: torch.Tensor
    y: torch.Tensor
    w_before: torch.Tensor
    b_before: torch.Tensor
    explained: tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor | None]
    grads: list[torch.Tensor | None]
    w_after: torch.Tensor
    b_after: torch.Tensor
    error: str = ""


class StepWatch:
    def __init__(
        self,
        model: Implementation,
        problem: Problem,
        config: TrainConfig,
        generator: torch.Generator,
    ) -> None:
        self.model = model
        self.problem = problem
        self.config = config
        self.generator = generator
        """The implementation's shuffling generator: its state at an epoch's start gives
        that epoch's order, so the batch's indices need no change to the lesson's code."""
        self._epoch_state: torch.Tensor | None = None
        self._order: torch.Tensor | None = None
        self.taken: _Taken | None = None
        self.fresh = False
        """A step was watched since :meth:`detail` last gave one."""

    def new_epoch(self) -> None:
        """Call before the epoch's batches are drawn."""
        self._epoch_state = self.generator.get_state()
        self._order = None

    def step(self, epoch: int, step: int, X: torch.Tensor, y: torch.Tensor) -> torch.Tensor:  # noqa: N803
        """Take step ``step`` (from 1) of ``epoch`` through the implementation, watching it."""
        w_before, b_before = (t.detach().clone() for t in self.model.parameters())
        explained = self.model.explain(X, y)
        grads: list[torch.Tensor | None] = [None, None]
        tensors = self.model.gradient_tensors()
        handles = []
        if tensors is not None:
            for i, tensor in enumerate(tensors):
                handles.append(tensor.register_post_accumulate_grad_hook(_keeper(grads, i)))
        try:
            returned = self.model.train_step(X, y)
        finally:
            for handle in handles:
                handle.remove()
        w_after, b_after = (t.detach().clone() for t in self.model.parameters())
        self.taken = _Taken(
            epoch, step, X, y, w_before, b_before, explained, grads, w_after, b_after
        )
        self.fresh = True
        return returned

    def failed(self, epoch: int, step: int, X: torch.Tensor, y: torch.Tensor, error: str) -> None:  # noqa: N803
        """Record the step that raised: the parameters are as they were before it (PyTorch
        refuses before it changes anything), and ``.grad`` holds whatever backward() left."""
        w, b = (t.detach().clone() for t in self.model.parameters())
        tensors = self.model.gradient_tensors()
        grads: list[torch.Tensor | None] = [None, None]
        if tensors is not None:
            grads = [None if t.grad is None else t.grad.detach().clone() for t in tensors]
        with torch.no_grad():
            explained = self.model.explain(X, y)
        self.taken = _Taken(epoch, step, X, y, w, b, explained, grads, w, b, error)
        self.fresh = True

    def detail(self) -> StepDetail | None:
        """The last watched step, in plain numbers."""
        taken, model = self.taken, self.model
        if taken is None:
            return None
        self.fresh = False
        features, y_hat, loss, scalar = taken.explained
        length = int(taken.y.shape[0])
        labels = taken.y.reshape(-1, 1)
        # The gradient written out, in float64 from the batch and θ before: an independent
        # check of what autograd left in .grad.
        A = torch.cat([features, torch.ones(length, 1, device=features.device)], dim=1).double()  # noqa: N806
        theta = torch.cat([taken.w_before.reshape(-1, 1), taken.b_before.reshape(1, 1)]).double()
        spec, delta, scale = model.spec, self.config.huber_delta, model.gradient_scale(length)
        residual = A @ theta - labels.double()
        pull = influence(spec, residual, delta)
        written = (A.T @ pull).flatten() * scale
        # What float32 rounding alone can account for: the sum of the terms' magnitudes (each
        # residual's counted as the sizes it was computed from, |x·w| + |b| + |y|: a small
        # residual of large numbers carries their rounding) times γₙ = n·u, the worst case of n
        # roundings of unit u = eps/2 (Higham, Accuracy and Stability, §3.1): the batch's sum
        # and the residual's d + 1 terms, and the scale.
        rounding = (length + A.shape[1] + 2) * torch.finfo(features.dtype).eps / 2
        sizes = A.abs() @ theta.abs() + labels.double().abs()
        slope = influence_slope(spec, residual, delta)
        precision = (A.abs().T @ (pull.abs() + slope * sizes)).flatten() * abs(scale) * rounding
        penalty = model.penalty_in_grad(length)
        if penalty:  # scratch's l2_penalty: its gradient is in .grad, λ|B|w (none for b)
            decayed = theta.flatten() * penalty
            written[: len(taken.w_before.flatten())] += decayed[: len(taken.w_before.flatten())]
            precision += decayed.abs() * rounding
        if model.gradient_tensors() is None:  # analytic: its gradient is the formula itself
            its_residual = (y_hat.reshape(-1, 1) - labels).double()
            grad = ((A.T @ influence(spec, its_residual, delta)).flatten() * scale).tolist()
        elif all(g is not None for g in taken.grads[: len(model.gradient_tensors() or ())]):
            held = [g.flatten() for g in taken.grads if g is not None]
            if not self.config.bias:  # b is no parameter: no gradient, no update
                held.append(torch.zeros(1, dtype=held[0].dtype, device=held[0].device))
            grad = torch.cat(held).tolist()
        else:  # backward() raised before it made one: .grad is None
            grad = []
        divisor, divisor_name = model.divisor(length)
        written_values = written.tolist()
        if not self.config.bias:  # y = Xw: nothing to learn in b
            written_values[-1] = 0.0
            if model.gradient_tensors() is None and grad:
                grad[-1] = 0.0
        return StepDetail(
            epoch=taken.epoch,
            step=taken.step,
            implementation=self.config.implementation,
            indices=tuple(self._indices(taken.step, length).tolist()),
            features=tuple(map(tuple, features.tolist())),
            labels=tuple(labels.flatten().tolist()),
            predictions=tuple(y_hat.flatten().tolist()),
            loss_call=model.loss_call,
            loss_shape=tuple(loss.shape),
            loss_values=tuple(loss.flatten()[:MAX_LOSS_VALUES].tolist()),
            backward_on=_(model.backward_on),  # analytic's is a sentence (N_)
            backward_value=None if scalar is None else float(scalar),
            batch_loss=float(loss.mean()) / (length if spec.summed and loss.numel() == 1 else 1),
            gradient_names=(_(model.gradient_names[0]), _(model.gradient_names[1])),
            grad_w=tuple(grad[:-1]),
            grad_b=grad[-1] if grad else math.nan,
            written_out=model.written_out,
            expected_w=tuple(written_values[:-1]),
            expected_b=written_values[-1],
            precision=tuple(precision.tolist()),
            lr=self.model.lr,
            divisor=divisor,
            divisor_name=divisor_name,
            w_before=tuple(taken.w_before.flatten().tolist()),
            b_before=float(taken.b_before.flatten()[0]),
            w_after=tuple(taken.w_after.flatten().tolist()),
            b_after=float(taken.b_after.flatten()[0]),
            update_rule=update_rule(
                self.config.optimizer, self.config.weight_decay, bool(model.penalty_in_grad(1))
            ),
            error=taken.error,
        )

    def _indices(self, step: int, length: int) -> torch.Tensor:
        """The example indices of batch ``step`` of this epoch."""
        if self._order is None:
            generator = torch.Generator()
            if self._epoch_state is not None:
                generator.set_state(self._epoch_state)
            order = epoch_order(self.problem.labels, self.config.order, generator)
            self._order = torch.arange(self.problem.num_examples) if order is None else order
        start = (step - 1) * self.config.batch_size
        return self._order[start : start + length]


def _keeper(grads: list[torch.Tensor | None], index: int) -> Callable[[torch.Tensor], None]:
    def keep(tensor: torch.Tensor) -> None:
        assert tensor.grad is not None
        grads[index] = tensor.grad.detach().clone()

    return keep
