"""The lessons' own training loops, written as ../shared/REFERENCE.md describes them.

They are the yardstick: every implementation is timed against them, side by side, in the same
process. Kept deliberately as the lessons write them (list shuffle, torch.tensor per batch,
a DataLoader that fetches one example at a time). On a GPU (``python -m bench --device
cuda``) they run as the lessons' code would there: the parameters are created on the data's
device, and the clock stops only once the device has finished.
"""

from __future__ import annotations

import random
import time

import torch
from torch import nn
from torch.utils import data


def synthetic_data(
    w: torch.Tensor, b: float, num_examples: int
) -> tuple[torch.Tensor, torch.Tensor]:
    X = torch.normal(0, 1, (num_examples, len(w)))
    y = torch.matmul(X, w) + b
    y += torch.normal(0, 0.01, y.shape)
    return X, y.reshape((-1, 1))


def linreg(X: torch.Tensor, w: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    return torch.matmul(X, w) + b


def squared_loss(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2


def _finished(device: torch.device) -> float:
    """The time once the device has done all the work queued so far."""
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    return time.perf_counter()


def sgd(params: list[torch.Tensor], lr: float, batch_size: int) -> None:
    with torch.no_grad():
        for param in params:
            assert param.grad is not None
            param -= lr * param.grad / batch_size
            param.grad.zero_()


def scratch_epoch(
    features: torch.Tensor, labels: torch.Tensor, batch_size: int, lr: float = 0.03
) -> float:
    """One epoch of the 3.2 loop; returns steps per second (the loop only, no evaluation)."""

    def data_iter(batch_size: int, features: torch.Tensor, labels: torch.Tensor):  # type: ignore[no-untyped-def]
        num_examples = len(features)
        indices = list(range(num_examples))
        random.shuffle(indices)
        for i in range(0, num_examples, batch_size):
            batch_indices = torch.tensor(indices[i : min(i + batch_size, num_examples)])
            yield features[batch_indices], labels[batch_indices]

    device = features.device
    w = torch.normal(0, 0.01, size=(features.shape[1], 1), device=device, requires_grad=True)
    b = torch.zeros(1, device=device, requires_grad=True)
    steps = 0
    start = _finished(device)
    for X, y in data_iter(batch_size, features, labels):
        l = squared_loss(linreg(X, w, b), y)  # noqa: E741
        l.sum().backward()
        sgd([w, b], lr, batch_size)
        steps += 1
    return steps / (_finished(device) - start)


def concise_epoch(
    features: torch.Tensor, labels: torch.Tensor, batch_size: int, lr: float = 0.03
) -> float:
    """One epoch of the 3.3 loop; returns steps per second (the loop only)."""
    data_iter = data.DataLoader(data.TensorDataset(features, labels), batch_size, shuffle=True)
    device = features.device
    net = nn.Sequential(nn.Linear(features.shape[1], 1)).to(device)
    net[0].weight.data.normal_(0, 0.01)  # type: ignore[operator]
    net[0].bias.data.fill_(0)  # type: ignore[operator]
    loss = nn.MSELoss()
    trainer = torch.optim.SGD(net.parameters(), lr=lr)
    steps = 0
    start = _finished(device)
    for X, y in data_iter:
        l = loss(net(X), y)  # noqa: E741
        trainer.zero_grad()
        l.backward()
        trainer.step()
        steps += 1
    return steps / (_finished(device) - start)


def step_only_epoch(
    reference: str, features: torch.Tensor, labels: torch.Tensor, batch_size: int, lr: float = 0.03
) -> float:
    """The reference loop's training step alone, with every batch sliced beforehand (untimed).

    Not a way to train: a ceiling. It is the speed an implementation that keeps the lesson's
    step (autograd for scratch; nn, optim and autograd for concise) would reach if loading
    data cost nothing at all.
    """
    device = features.device
    order = torch.randperm(len(features), device=device)
    pieces = features[order].split(batch_size), labels[order].split(batch_size)
    batches = list(zip(*pieces, strict=True))
    if reference == "scratch":
        w = torch.normal(0, 0.01, size=(features.shape[1], 1), device=device, requires_grad=True)
        b = torch.zeros(1, device=device, requires_grad=True)
        start = _finished(device)
        for X, y in batches:
            l = squared_loss(linreg(X, w, b), y)  # noqa: E741
            l.sum().backward()
            sgd([w, b], lr, batch_size)
        return len(batches) / (_finished(device) - start)
    net = nn.Sequential(nn.Linear(features.shape[1], 1)).to(device)
    loss = nn.MSELoss()
    trainer = torch.optim.SGD(net.parameters(), lr=lr)
    start = _finished(device)
    for X, y in batches:
        l = loss(net(X), y)  # noqa: E741
        trainer.zero_grad()
        l.backward()
        trainer.step()
    return len(batches) / (_finished(device) - start)
