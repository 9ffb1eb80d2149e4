"""The lesson's code with its pitfalls switched on (tui_linreg/pitfalls.py says what each is).

Each class runs its lesson's step with the chosen changes and nothing else; every changed line
names its pitfall in a comment, and the code pane highlights those lines.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import torch

from tui_linreg.config import TrainConfig
from tui_linreg.engine.concise import Concise
from tui_linreg.engine.data import Problem
from tui_linreg.engine.scratch import Scratch, linreg
from tui_linreg.i18n import _


def squared_loss_without_reshape(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """squared_loss as a learner writes it without the reshape."""
    return (y_hat - y) ** 2 / 2  # no-reshape: (|B|, 1) − (|B|,) broadcasts to |B|×|B|


def broken_sgd(
    params: list[torch.Tensor], lr: float, batch_size: int, pitfalls: tuple[str, ...]
) -> None:
    """scratch's sgd with the chosen pitfalls (the same update, so the steps a pitfall does
    not touch are bit-identical to scratch's)."""
    guard: contextlib.AbstractContextManager[object] = (
        contextlib.nullcontext() if "no-no-grad" in pitfalls else torch.no_grad()
    )  # no-no-grad: without torch.no_grad(), autograd would record the update
    with guard:
        for param in params:
            assert param.grad is not None
            param.sub_(param.grad, alpha=lr / batch_size)  # the lesson's param -= lr * …
            if "forget-zero-grad" not in pitfalls:
                param.grad.zero_()  # forget-zero-grad leaves this line out


class BrokenScratch(Scratch):
    """Scratch with pitfalls. Its epoch loss stays the true half-MSE (Scratch's): without the
    reshape, the lesson's full-data evaluation would make an n×n matrix, and the log should
    show what the broken training really reached."""

    def __init__(self, problem: Problem, config: TrainConfig, generator: torch.Generator) -> None:
        super().__init__(problem, config, generator)
        self.pitfalls = config.pitfalls
        if "no-reshape" in self.pitfalls:
            self.loss = squared_loss_without_reshape
            self.loss_call = "l = squared_loss_without_reshape(linreg(X, w, b), y)"
        if "backward-vector" in self.pitfalls:
            self.backward_on = _("l (a vector: the pitfall backward-vector)")

    def batches(self) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        for X, y in super().batches():  # noqa: N806
            if "no-reshape" in self.pitfalls:
                y = y.reshape(-1)  # no-reshape: labels of shape (|B|,), as made without
                # synthetic_data's reshape (which is why the lesson's squared_loss reshapes)
            yield X, y

    def train_step(self, X: torch.Tensor, y: torch.Tensor) -> torch.Tensor:  # noqa: N803
        l = self.loss(linreg(X, self.w, self.b), y)  # noqa: E741 (no-reshape swaps it)
        if "backward-vector" in self.pitfalls:
            l.backward()  # backward-vector: called on the vector, not on l.sum()
        else:
            l.sum().backward()
        batch_size = len(y)
        if "lesson-divisor" in self.pitfalls:
            batch_size = self.config.batch_size  # lesson-divisor: even for a short last batch
        broken_sgd([self.w, self.b], self.lr, batch_size, self.pitfalls)
        return l.detach()

    def explain(
        self,
        X: torch.Tensor,  # noqa: N803
        y: torch.Tensor,
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor | None]:
        X, y_hat, l, total = super().explain(X, y)  # noqa: N806, E741
        return X, y_hat, l, None if "backward-vector" in self.pitfalls else total

    def window_losses(self, window: list[torch.Tensor]) -> torch.Tensor:
        return torch.stack([l.mean() for l in window])  # noqa: E741 (no-reshape: |B|×|B|)

    def divisor(self, batch_length: int) -> tuple[float, str]:
        if "lesson-divisor" in self.pitfalls:
            return (
                self.config.batch_size,
                _("batch_size, the lesson's (the batch holds {length})").format(
                    length=batch_length
                ),
            )
        return super().divisor(batch_length)


class BrokenConcise(Concise):
    """Concise with pitfalls."""

    def __init__(self, problem: Problem, config: TrainConfig, generator: torch.Generator) -> None:
        super().__init__(problem, config, generator)
        self.pitfalls = config.pitfalls

    def train_step(self, X: torch.Tensor, y: torch.Tensor) -> torch.Tensor:  # noqa: N803
        l: torch.Tensor = self.loss(self.net(X), y)  # noqa: E741
        if "forget-zero-grad" not in self.pitfalls:  # forget-zero-grad leaves this line out
            self.trainer.zero_grad()
        l.backward()
        self.trainer.step()
        return l.detach()
