"""The same model and mini-batch SGD with the gradient written out: no autograd.

For θ = [w; b] and A = [X, 1], the gradient of the batch's half-MSE is Aᵀ(Aθ − y)/|B|, the
very thing autograd computes for scratch (a test checks the trajectories agree). Written out,
a step is two fused matrix operations:

    r = A θ − y                      torch.addmm(y, A, θ, beta=-1)
    θ ← θ − lr · Aᵀ r / |B|          θ.addmm_(A.T, r, alpha=-lr/|B|)

Shuffled examples are gathered a block of batches at a time (data.shuffled_blocks), with the
column of ones appended to the block, so a step's batch is a contiguous slice. Needing no
autograd, its steps run in ``torch.inference_mode`` (see run.py), which spares each op the
version-counter and autograd bookkeeping.
"""

from __future__ import annotations

from collections.abc import Iterator

import torch

from tui_linreg.config import TrainConfig
from tui_linreg.engine.data import Problem, full_data_half_mse, shuffled_blocks


class Analytic:
    name = "analytic"
    loss_name = "half-MSE"
    half_mse_per_loss = 1.0
    needs_autograd = False
    # What the step inspector says about a step (engine/watch.py).
    loss_call = "r = Aθ − y; the loss is r² / 2 (never formed: only r is needed)"
    backward_on = "no backward(): the gradient is written out"
    gradient_names = ("Aᵀr, the rows of w", "Aᵀr, the row of b")
    written_out = "Aᵀ(Aθ − y), A = [X, 1]"

    def __init__(self, problem: Problem, config: TrainConfig, generator: torch.Generator) -> None:
        self.problem = problem
        self.config = config
        self.generator = generator
        self.theta = torch.cat([problem.initial_w, problem.initial_b.reshape(1, 1)])
        """[w; b], shape (d + 1, 1)."""
        self.lr = config.learning_rate
        """The learning rate now: --lr-decay lowers it between epochs (decay)."""

    def batches(self) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        """One epoch of batches (A = [X, 1], y), in scratch's order (the same draw)."""
        problem, config = self.problem, self.config
        blocks = shuffled_blocks(
            problem.features, problem.labels, config.batch_size, self.generator, config.shuffle
        )
        for X, y in blocks:  # noqa: N806
            A = torch.cat([X, torch.ones(len(X), 1, device=X.device)], dim=1)  # noqa: N806
            yield from zip(A.split(config.batch_size), y.split(config.batch_size), strict=True)

    def train_step(self, A: torch.Tensor, y: torch.Tensor) -> torch.Tensor:  # noqa: N803
        """One SGD step; returns the residual r = Aθ − y (losses are read from it in bulk)."""
        residual = torch.addmm(y, A, self.theta, beta=-1)
        # y.shape[0], not len(y): a tensor's __len__ is Python code, a tenth of a step here.
        self.theta.addmm_(A.T, residual, alpha=-self.lr / y.shape[0])
        return residual

    def window_losses(self, window: list[torch.Tensor]) -> torch.Tensor:
        """Each step's half-MSE, from the residuals kept since the last read-back."""
        if window[0].shape == window[-1].shape:  # only an epoch's last batch can be shorter
            return torch.cat(window, dim=1).square().mean(dim=0) / 2
        return torch.stack([r.square().mean() / 2 for r in window])

    def epoch_loss(self) -> torch.Tensor:
        """Full-data half-MSE, as scratch reports it."""
        w, b = self.parameters()
        return full_data_half_mse(self.problem, w, b)

    def decay(self, factor: float) -> None:
        """Source note 4's learning-rate decay, for the next epoch on."""
        self.lr *= factor

    def parameters(self) -> tuple[torch.Tensor, torch.Tensor]:
        return self.theta[:-1], self.theta[-1]

    def snapshot(self) -> torch.Tensor:
        """A copy of θ: one op, against a step's two (the path records one every step)."""
        return self.theta.clone()

    # --- for the step inspector (engine/watch.py): never called by an unwatched step ---

    def explain(
        self,
        A: torch.Tensor,  # noqa: N803
        y: torch.Tensor,
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor | None]:
        """(X, ŷ, the per-example half squared errors, None: there is no backward)."""
        residual = torch.addmm(y, A, self.theta, beta=-1)
        return A[:, :-1], residual + y, residual.square() / 2, None

    def gradient_tensors(self) -> tuple[torch.Tensor, torch.Tensor] | None:
        """None: no autograd; the gradient is the formula itself."""
        return None

    def gradient_scale(self, batch_length: int) -> float:
        return 1.0

    def divisor(self, batch_length: int) -> tuple[float, str]:
        return batch_length, "|B|"
