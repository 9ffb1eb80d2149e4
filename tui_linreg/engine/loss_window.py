"""The training loop's losses and path: kept on the device, read back in one transfer.

Each step's loss stays on the device in a small window, and θ after each recorded step too;
they are read back only at the reporting rate (four times a second, or every ``MAX_WINDOW``
steps), where divergence is checked. This keeps the hot path free of host synchronisation.
"""

from __future__ import annotations

import bisect
import math

import torch

from tui_linreg.engine.divergence import Divergence
from tui_linreg.engine.events import envelope
from tui_linreg.engine.implementation import Implementation

MAX_WINDOW = 1024
"""Read the loss back at least this often (in steps). Early in a run the window starts at one
step and doubles after each read, so a blow-up in the first steps is caught where it happens
for the price of a handful of extra reads."""


class LossWindow:
    """The losses of the steps since the last read-back, and, read back, since the last
    report: each step's own loss and its half-MSE."""

    def __init__(self, model: Implementation, divergence: Divergence) -> None:
        self.model = model
        self.divergence = divergence
        self.losses: list[torch.Tensor] = []
        """Each step's loss since the last read-back, still on the device."""
        self.size = 1
        """Read back once this many are in: 1, doubling up to MAX_WINDOW."""
        self.pending: list[tuple[float, float]] = []
        """(step within the epoch, batch half-MSE) of each step read back since the report."""
        self.pending_own: list[float] = []
        """Each of those steps' own loss (the implementation's, per example)."""
        self.bad_loss = math.nan
        """The first bad loss read back."""

    @property
    def full(self) -> bool:
        return len(self.losses) >= self.size

    def grow(self) -> None:
        self.size = min(2 * self.size, MAX_WINDOW)

    def read_back(self, epoch: int, step: int) -> tuple[int | None, int]:
        """Read the window's losses (of the steps up to ``step`` of ``epoch``) into pending:
        (the step of the first bad one, or None; how many steps after it were dropped). With
        keep_going a bad loss is noted and the run goes on."""
        window, divergence = self.losses, self.divergence
        first_bad, losses, half_mses = _inspect(self.model, window, divergence.too_big)
        start = step - len(window) + 1
        if first_bad is not None and divergence.keep_going:
            divergence.note(epoch, start + first_bad, losses[first_bad:])
            first_bad = None  # noted: the run goes on
        kept = losses if first_bad is None else losses[: first_bad + 1]
        self.pending_own.extend(kept)
        if half_mses is None:
            factor = self.model.half_mse_per_loss
            assert factor is not None
            self.pending.extend((start + i, loss * factor) for i, loss in enumerate(kept))
        else:
            self.pending.extend((start + i, half_mses[i]) for i in range(len(kept)))
        dropped = len(window) - len(kept)
        window.clear()
        if first_bad is None:
            return None, dropped
        self.bad_loss = losses[first_bad]
        return start + first_bad, dropped

    def take(self) -> tuple[float, float, tuple[tuple[float, float, float], ...]]:
        """For a report, and cleared: the mean own loss and half-MSE of the steps read back
        since the last one, and their half-MSEs as an envelope."""
        pending, own = self.pending, self.pending_own
        mean = math.fsum(value for _, value in pending) / max(len(pending), 1)
        batch_loss = math.fsum(own) / max(len(own), 1)
        batches = envelope(pending)
        pending.clear()
        own.clear()
        return batch_loss, mean, batches


class PathRecorder:
    """θ after every ``every``-th step (0: none), for the landscape and replay: on the device
    until a read-back, then as plain floats in one flat list (no tuple a step to allocate)."""

    def __init__(self, every: int) -> None:
        self.every = every
        self.thetas: list[torch.Tensor] = []
        """θ after each recorded step since the last read-back, on the device (the training
        loop appends to it, and to theta_steps, itself: no call a step)."""
        self.theta_steps: list[int] = []
        self.path: list[float] = []
        self.path_steps: list[int] = []

    def read_back(self, last: int) -> None:
        """Move θ of the steps up to ``last`` (counted from 1 across epochs) to the path: the
        path stops where the loss plot does, at a step found bad."""
        if not self.thetas:
            return
        shown = bisect.bisect_right(self.theta_steps, last)
        self.path_steps.extend(self.theta_steps[:shown])
        if shown:
            self.path.extend(torch.stack(self.thetas[:shown]).reshape(-1).tolist())
        self.thetas.clear()
        self.theta_steps.clear()

    def take(self) -> tuple[tuple[int, ...], tuple[float, ...]]:
        """For a report, and cleared: the steps read back, and θ after each."""
        taken = tuple(self.path_steps), tuple(self.path)
        self.path_steps.clear()
        self.path.clear()
        return taken


def _inspect(
    model: Implementation, window: list[torch.Tensor], too_big: float
) -> tuple[int | None, list[float], list[float] | None]:
    """Read the window's batch losses back in one transfer: (the index of the first that is
    not finite or has grown too big, or None; every loss; every half-MSE, for the losses that
    report it beside their own, else None)."""
    if not window:
        return None, [], []
    losses = model.window_losses(window)
    own = losses if losses.dim() == 1 else losses[:, 0]
    bad = ~torch.isfinite(own) | (own > too_big)
    columns = losses if losses.dim() == 1 else losses.T.reshape(-1)  # own, then half-MSE
    values = torch.cat([bad.any().to(losses.dtype).reshape(1), columns]).tolist()
    steps = len(own)
    kept, half_mses = values[1 : 1 + steps], (values[1 + steps :] if losses.dim() == 2 else None)
    if not values[0]:
        return None, kept, half_mses
    return next(i for i, loss in enumerate(kept) if not loss <= too_big), kept, half_mses
