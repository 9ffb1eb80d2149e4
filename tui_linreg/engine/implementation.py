"""The interface every implementation offers the engine, and the table of implementations.

An implementation owns its parameters and its way of batching the data; the engine's loop in
``run.py`` is the same for all of them, so they emit the same events and can be compared.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Protocol

import torch

from tui_linreg.config import TrainConfig
from tui_linreg.engine.analytic import Analytic
from tui_linreg.engine.broken import BrokenConcise, BrokenScratch
from tui_linreg.engine.concise import Concise
from tui_linreg.engine.data import Problem
from tui_linreg.engine.scratch import Scratch
from tui_linreg.losses import Loss


class Implementation(Protocol):
    name: str
    spec: Loss
    """The loss it trains on (--loss, losses.py)."""
    loss_name: str
    """How the implementation's own loss is called in the log: half-MSE, MSE, L1, Huber."""
    half_mse_per_loss: float | None
    """Factor from its own loss to half-MSE: 1 for half-MSE, 0.5 for MSE; None for l1 and
    Huber, whose window_losses give the half-MSE beside the loss."""
    printed: str
    """What the lesson prints of its model and optimiser (concise's print(net)); or ""."""
    needs_autograd: bool
    """False lets the engine run the steps in ``torch.inference_mode``."""

    def batches(self) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        """One epoch of (features, labels) mini-batches."""
        ...

    def train_step(self, X: torch.Tensor, y: torch.Tensor) -> torch.Tensor:  # noqa: N803
        """Update the parameters on one batch; return, without a host sync, what window_losses
        turns into the batch's loss (its mean loss for scratch and concise)."""
        ...

    def window_losses(self, window: list[torch.Tensor]) -> torch.Tensor:
        """Each step's loss per example, from what train_step returned since the last
        read-back: shape (steps,), or (steps, 2) with the step's half-MSE beside it when
        half_mse_per_loss is None."""
        ...

    def epoch_loss(self, data: Problem | None = None) -> torch.Tensor:
        """The implementation's own loss over all the data (or over ``data``: the validation
        examples), as its lesson prints it."""
        ...

    @property
    def lr(self) -> float:
        """The learning rate the next step takes."""
        ...

    def decay(self, factor: float) -> None:
        """Multiply the learning rate by ``factor`` (--lr-decay, between epochs)."""
        ...

    def parameters(self) -> tuple[torch.Tensor, torch.Tensor]:
        """Current w, shape (d, 1), and b, shape (1,)."""
        ...

    def snapshot(self) -> torch.Tensor:
        """A copy of θ = [w; b] (any shape with d + 1 elements) on the device, cheaply: the
        path records one after every step (run.py, record_path)."""
        ...

    # What the step inspector shows (engine/watch.py); none of it runs in an unwatched step.
    loss_call: str
    backward_on: str
    gradient_names: tuple[str, str]
    written_out: str
    """The gradient's formula, for this implementation's loss."""

    def explain(
        self,
        X: torch.Tensor,  # noqa: N803
        y: torch.Tensor,
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor | None]:
        """(X, ŷ, the loss as the step computes it, the scalar backward() is called on),
        just before the step."""
        ...

    def gradient_tensors(self) -> tuple[torch.Tensor, ...] | None:
        """The tensors whose ``.grad`` the update reads, w's then b's (none without a bias);
        None without autograd."""
        ...

    def gradient_scale(self, batch_length: int) -> float:
        """The written-out Aᵀψ(Aθ − y) times this is the gradient of the implementation's loss
        (analytic.influence gives ψ)."""
        ...

    def divisor(self, batch_length: int) -> tuple[float, str]:
        """What the update divides the gradient by, and its name in the code."""
        ...

    def penalty_in_grad(self, batch_length: int) -> float:
        """The gradient the update reads holds this times w from --weight-decay: scratch's
        penalty is in its loss (|B|·λ on the batch's sum), optim adds its own after .grad
        is read (0)."""
        ...


def create(config: TrainConfig, problem: Problem, generator: torch.Generator) -> Implementation:
    """The implementation ``config`` names, starting from ``problem``'s initial parameters."""
    classes: dict[str, Callable[[Problem, TrainConfig, torch.Generator], Implementation]] = {
        "scratch": BrokenScratch if config.pitfalls else Scratch,
        "concise": BrokenConcise if config.pitfalls else Concise,
        "analytic": Analytic,
    }
    return classes[config.implementation](problem, config, generator)
