"""The concise implementation (Dive into Deep Learning 3.3): nn, optim and a DataLoader."""

from __future__ import annotations

from collections.abc import Iterator

import torch
from torch import nn
from torch.utils import data

from tui_linreg.config import TrainConfig
from tui_linreg.engine.data import Problem


def load_array(
    features: torch.Tensor,
    labels: torch.Tensor,
    batch_size: int,
    generator: torch.Generator,
    shuffle: bool = True,
) -> data.DataLoader[tuple[torch.Tensor, ...]]:
    """A DataLoader over a TensorDataset, as in the lesson.

    The lesson writes ``DataLoader(dataset, batch_size, shuffle=True)``, which fetches one
    example at a time through ``__getitem__`` and then collates them: about 5 ms per batch of
    1000. Here the sampler hands out whole batches of indices and ``batch_size=None`` tells the
    DataLoader not to batch again, so the TensorDataset indexes each batch in one go. Same
    DataLoader, same shuffling, far less overhead.
    """
    dataset = data.TensorDataset(features, labels)
    order: data.Sampler[int] = (
        data.RandomSampler(dataset, generator=generator)
        if shuffle
        else data.SequentialSampler(dataset)
    )
    batches = data.BatchSampler(order, batch_size, drop_last=False)
    # The generator also feeds the base seed the DataLoader draws every epoch, which would
    # otherwise come from (and disturb) the global RNG.
    return data.DataLoader(dataset, batch_size=None, sampler=batches, generator=generator)


class Concise:
    """The concise implementation behind the engine's common interface."""

    name = "concise"
    loss_name = "MSE"
    half_mse_per_loss = 0.5
    """nn.MSELoss is the plain mean squared error: twice the half-MSE that scratch reports."""

    def __init__(self, problem: Problem, config: TrainConfig, generator: torch.Generator) -> None:
        self.problem = problem
        self.data_iter = load_array(
            problem.features, problem.labels, config.batch_size, generator, config.shuffle
        )
        # skip_init builds the layer without PyTorch's default random initialisation, which
        # would draw from the global RNG; we set the weights ourselves just below.
        self.layer: nn.Linear = nn.utils.skip_init(
            nn.Linear, problem.features.shape[1], 1, device=problem.features.device
        )
        self.net = nn.Sequential(self.layer)
        # The lesson writes net[0].weight.data.normal_(0, 0.01) and net[0].bias.data.fill_(0).
        # The problem's initial_w was drawn from N(0, init_std²) and its bias is 0, exactly
        # that, and copying them gives scratch and concise the same starting point.
        with torch.no_grad():
            self.layer.weight.copy_(problem.initial_w.T)
            self.layer.bias.copy_(problem.initial_b)
        self.loss = nn.MSELoss()
        self.trainer = torch.optim.SGD(self.net.parameters(), lr=config.learning_rate)

    def batches(self) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        """One epoch of mini-batches."""
        return iter(self.data_iter)

    def train_step(self, X: torch.Tensor, y: torch.Tensor) -> torch.Tensor:  # noqa: N803
        """One step of SGD; returns the batch's mean loss, still on the device."""
        l: torch.Tensor = self.loss(self.net(X), y)  # noqa: E741 (the lesson's name)
        self.trainer.zero_grad()
        l.backward()
        self.trainer.step()
        return l.detach()

    def window_losses(self, window: list[torch.Tensor]) -> torch.Tensor:
        """The batch losses returned since the last read-back, as one tensor."""
        return torch.stack(window)

    def epoch_loss(self) -> torch.Tensor:
        """Full-data loss as the lesson prints it: nn.MSELoss over all the data."""
        with torch.no_grad():
            loss: torch.Tensor = self.loss(self.net(self.problem.features), self.problem.labels)
        return loss

    def parameters(self) -> tuple[torch.Tensor, torch.Tensor]:
        """Current w, shape (d, 1), and b, shape (1,)."""
        return self.layer.weight.detach().T, self.layer.bias.detach()
