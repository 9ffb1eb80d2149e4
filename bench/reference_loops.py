"""The lessons' own training loops, as d2l-zh 2.0 §3.2 and §3.3 write them.

They are the yardstick: every implementation is timed against them, side by side, in the same
process. Kept deliberately as the lessons write them (list shuffle, torch.tensor per batch,
a DataLoader that fetches one example at a time). On a GPU (``python -m bench --device
cuda``) they run as the lessons' code would there: the parameters are created on the data's
device, and the clock stops only once the device has finished.
"""

from __future__ import annotations

import random
import time
from typing import Any

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


# --- the other losses and optimisers, as their own docs write them (issue 20) ---------------
# Each keeps its lesson's loop (scratch: data_iter, l.sum().backward(), an update under
# no_grad; concise: the DataLoader, nn and optim) and swaps in the loss or the update.

HUBER_DELTA = 1.0
MOMENTUM = 0.9


def _scratch_loss(name: str):  # type: ignore[no-untyped-def]
    """Each example's loss, written in squared_loss's style (d2l has no Huber of its own)."""

    def mse(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return (y_hat - y.reshape(y_hat.shape)) ** 2

    def l1(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return torch.abs(y_hat - y.reshape(y_hat.shape))

    def huber(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        r = torch.abs(y_hat - y.reshape(y_hat.shape))
        return torch.where(r <= HUBER_DELTA, r**2 / 2, HUBER_DELTA * (r - HUBER_DELTA / 2))

    losses = {"lesson": squared_loss, "half-squared": squared_loss, "mse": mse, "sum": mse}
    return {**losses, "l1": l1, "huber": huber}[name]


def scratch_variant_epoch(
    features: torch.Tensor,
    labels: torch.Tensor,
    batch_size: int,
    loss_name: str,
    optimizer: str,
    weight_decay: float = 0.0,
    lr: float = 0.03,
) -> float:
    """One epoch of the 3.2 loop with another loss (squared_loss's style), weight decay as
    d2l §3.7 adds it (λ·l2_penalty(w) to the loss), or the updates of d2l §12: a momentum
    buffer per parameter (§12.6; Nesterov as torch.optim's docs write it) and Adam's two
    running means (§12.10). Steps per second."""
    device = features.device
    w = torch.normal(0, 0.01, size=(features.shape[1], 1), device=device, requires_grad=True)
    b = torch.zeros(1, device=device, requires_grad=True)
    params = [w, b]
    velocities = [torch.zeros_like(w), torch.zeros_like(b)]
    means = [torch.zeros_like(w), torch.zeros_like(b)]
    squares = [torch.zeros_like(w), torch.zeros_like(b)]
    loss = _scratch_loss(loss_name)
    divisor = 1 if loss_name == "sum" else batch_size
    indices = list(range(len(features)))
    random.shuffle(indices)
    t, steps = 1, 0
    start = _finished(device)
    for i in range(0, len(indices), batch_size):
        batch_indices = torch.tensor(indices[i : i + batch_size])
        X, y = features[batch_indices], labels[batch_indices]
        l = loss(linreg(X, w, b), y)  # noqa: E741
        if weight_decay:
            l = l + weight_decay * torch.sum(w.pow(2)) / 2  # noqa: E741
        l.sum().backward()
        with torch.no_grad():
            for p, v, m, s in zip(params, velocities, means, squares, strict=True):
                assert p.grad is not None
                g = p.grad / divisor
                if optimizer == "momentum":
                    v[:] = MOMENTUM * v + g
                    p[:] -= lr * v
                elif optimizer == "nesterov":
                    v[:] = MOMENTUM * v + g
                    p[:] -= lr * (g + MOMENTUM * v)
                elif optimizer == "adam":
                    m[:] = 0.9 * m + (1 - 0.9) * g
                    s[:] = 0.999 * s + (1 - 0.999) * torch.square(g)
                    m_hat = m / (1 - 0.9**t)
                    s_hat = s / (1 - 0.999**t)
                    p[:] -= lr * m_hat / (torch.sqrt(s_hat) + 1e-8)
                else:
                    p -= lr * g
                p.grad.zero_()
        t += 1
        steps += 1
    return steps / (_finished(device) - start)


def concise_variant_epoch(
    features: torch.Tensor,
    labels: torch.Tensor,
    batch_size: int,
    loss_name: str,
    optimizer: str,
    weight_decay: float = 0.0,
    lr: float = 0.03,
) -> float:
    """One epoch of the 3.3 loop with PyTorch's own loss (nn.HuberLoss, nn.L1Loss,
    nn.MSELoss(reduction='sum')) and optimiser (optim.SGD with momentum or nesterov,
    optim.Adam), weight decay as d2l §3.7 passes it (the weight's group only). Steps per
    second."""
    data_iter = data.DataLoader(data.TensorDataset(features, labels), batch_size, shuffle=True)
    device = features.device
    net = nn.Sequential(nn.Linear(features.shape[1], 1)).to(device)
    net[0].weight.data.normal_(0, 0.01)  # type: ignore[operator]
    net[0].bias.data.fill_(0)  # type: ignore[operator]
    losses = {
        "lesson": nn.MSELoss(),
        "mse": nn.MSELoss(),
        "half-squared": nn.MSELoss(),  # concise's half-squared halves it: the same cost
        "sum": nn.MSELoss(reduction="sum"),
        "l1": nn.L1Loss(),
        "huber": nn.HuberLoss(delta=HUBER_DELTA),
    }
    loss = losses[loss_name]
    groups: list[dict[str, Any]] = [
        {"params": net[0].weight, "weight_decay": weight_decay},
        {"params": net[0].bias},
    ]
    trainer: torch.optim.Optimizer
    if optimizer == "adam":
        trainer = torch.optim.Adam(groups, lr=lr)
    else:
        momentum = MOMENTUM if optimizer in ("momentum", "nesterov") else 0.0
        trainer = torch.optim.SGD(
            groups, lr=lr, momentum=momentum, nesterov=optimizer == "nesterov"
        )
    steps = 0
    start = _finished(device)
    for X, y in data_iter:
        l = loss(net(X), y)  # noqa: E741
        trainer.zero_grad()
        l.backward()
        trainer.step()
        steps += 1
    return steps / (_finished(device) - start)


def floor_rate(features: torch.Tensor, labels: torch.Tensor, batch_size: int, steps: int) -> float:
    """The fewest torch ops a step needs: analytic's two fused ops (the residual, then the
    update in place), on one fixed batch, in inference mode, in a bare loop. Steps per second:
    no implementation that reads a batch, checks its controls and keeps its loss can beat it."""
    device = features.device
    A = torch.cat([features[:batch_size], torch.ones(batch_size, 1, device=device)], dim=1)
    AT, y = A.T, labels[:batch_size]
    theta = torch.zeros(A.shape[1], 1, device=device)
    alpha = -0.03 / batch_size
    with torch.inference_mode():
        start = _finished(device)
        for _ in range(steps):
            r = torch.addmm(y, A, theta, beta=-1)
            theta.addmm_(AT, r, alpha=alpha)
        return steps / (_finished(device) - start)
