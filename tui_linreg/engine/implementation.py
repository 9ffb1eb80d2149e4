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
from tui_linreg.engine.concise import Concise
from tui_linreg.engine.data import Problem
from tui_linreg.engine.scratch import Scratch


class Implementation(Protocol):
    name: str
    loss_name: str
    """How the implementation's own loss is called in the log: half-MSE or MSE."""
    half_mse_per_loss: float
    """Factor from its own loss to half-MSE: 1 for half-MSE, 0.5 for MSE."""
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
        """Each step's loss, from what train_step returned since the last read-back."""
        ...

    def epoch_loss(self) -> torch.Tensor:
        """The implementation's own loss over all the data, as its lesson prints it."""
        ...

    def parameters(self) -> tuple[torch.Tensor, torch.Tensor]:
        """Current w, shape (d, 1), and b, shape (1,)."""
        ...


def create(config: TrainConfig, problem: Problem, generator: torch.Generator) -> Implementation:
    """The implementation ``config`` names, starting from ``problem``'s initial parameters."""
    classes: dict[str, Callable[[Problem, TrainConfig, torch.Generator], Implementation]] = {
        "scratch": Scratch,
        "concise": Concise,
        "analytic": Analytic,
    }
    return classes[config.implementation](problem, config, generator)
