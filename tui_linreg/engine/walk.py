"""One step of the lessons, walked line by line: scratch's loss, ``l.sum().backward()``, then
sgd's lines, ``w -= lr * w.grad / batch_size`` and ``w.grad.zero_()`` for w and for b; or
concise's ``l = loss(net(X), y)``, ``trainer.zero_grad()``, ``l.backward()``,
``trainer.step()``. After
each line, w, b, their ``.grad``, the loss and the graph's state, as plain numbers, so that a
learner can step forwards and back through them.

The run is taken to the step as the training loop takes it; the step then runs line by line on
the implementation's own tensors, with its own loss function and its pitfalls (the same update
as ``broken_sgd``: a pitfall that leaves out a line leaves it out here; one that raises stops
the walk with PyTorch's words). So the values after the last line are the step inspector's.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any

import torch

from tui_linreg.config import ConfigError, Mistake, TrainConfig
from tui_linreg.engine.graph import taken_to
from tui_linreg.engine.scratch import linreg
from tui_linreg.i18n import _


@dataclass(frozen=True)
class WalkState:
    """What the tensors hold after one line."""

    line: str
    """The line just run, as the lesson writes it ("" before the first)."""
    w: tuple[float, ...]
    b: float
    w_grad: tuple[float, ...] | None
    """w.grad: None until a backward() has filled it."""
    b_grad: float | None
    loss_shape: tuple[int, ...] = ()
    loss_mean: float | None = None
    graph: str = ""
    """What the graph holds now: its root and its size, or that backward() freed it."""
    error: str = ""
    """PyTorch's words where the line raised; the walk ends there."""
    names: tuple[str, str] = ("w", "b")
    """How the lesson names the two parameters (concise: ``net[0].weight``)."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "w": list(self.w),
            "b": self.b,
            "w_grad": None if self.w_grad is None else list(self.w_grad),
            "b_grad": self.b_grad,
            "loss_shape": list(self.loss_shape),
            "loss_mean": self.loss_mean,
            "graph": self.graph,
            "error": self.error,
            "names": list(self.names),
        }


def _nodes(root: Any) -> int:
    seen: set[int] = set()
    frontier = [root]
    while frontier:
        node = frontier.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        frontier.extend(following for following, _input in node.next_functions)
    return len(seen)


class _Walker:
    def __init__(
        self, w: torch.Tensor, b: torch.Tensor, names: tuple[str, str] = ("w", "b")
    ) -> None:
        self.w, self.b, self.names = w, b, names
        self.states: list[WalkState] = []
        self.loss: torch.Tensor | None = None
        self.graph = _("no graph yet: nothing computed from w and b")

    def record(self, line: str, error: str = "") -> None:
        w, b = self.w.detach(), self.b.detach()
        loss = self.loss
        self.states.append(
            WalkState(
                line,
                tuple(float(x) for x in w.flatten()),
                float(b.flatten()[0]),
                None if self.w.grad is None else tuple(float(x) for x in self.w.grad.flatten()),
                None if self.b.grad is None else float(self.b.grad.flatten()[0]),
                () if loss is None else tuple(loss.shape),
                None if loss is None else float(loss.detach().double().mean()),
                self.graph,
                error,
                self.names,
            )
        )


def walk_step(config: TrainConfig, step: int = 1) -> list[WalkState]:
    """The states of step ``step`` of a run of ``config``, line by line: the first before any
    line, the last after the step (or after the line that raised). Scratch's step, or
    concise's four lines; plain SGD without weight decay (the lessons' step)."""
    if config.implementation == "analytic" or config.optimizer != "sgd" or config.weight_decay:
        raise ConfigError(
            [
                Mistake(
                    "implementation",
                    _(
                        "the walk follows the lessons' step: --impl scratch or concise, with "
                        "plain sgd and no weight decay"
                    ),
                )
            ]
        )
    taken = taken_to(config, step)
    model, pitfalls, X, y = taken.run.model, config.pitfalls, taken.X, taken.y  # noqa: N806
    if config.implementation == "concise":
        return _concise(model, X, y, pitfalls)
    w, b = model.w, model.b  # type: ignore[attr-defined]
    walker = _Walker(w, b)
    walker.record("")
    loss_name = "squared_loss_without_reshape" if "no-reshape" in pitfalls else "loss"
    walker.loss = l = model.loss(linreg(X, w, b), y)  # type: ignore[attr-defined]  # noqa: E741
    walker.graph = _grad_fn(l)
    walker.record(f"l = {loss_name}(net(X, w, b), y)")
    vector = "backward-vector" in pitfalls
    try:
        (l if vector else l.sum()).backward()
    except RuntimeError as error:
        walker.record("l.backward()" if vector else "l.sum().backward()", _said(error))
        return walker.states
    walker.graph = _freed()
    walker.record("l.sum().backward()")
    divisor = config.batch_size if "lesson-divisor" in pitfalls else len(y)
    guard = contextlib.nullcontext() if "no-no-grad" in pitfalls else torch.no_grad()
    lr = model.lr
    with guard:
        for name, param in (("w", w), ("b", b)):
            assert param.grad is not None
            line = f"{name} -= lr * {name}.grad / batch_size"
            try:
                param.sub_(param.grad, alpha=lr / divisor)  # the lesson's param -= …
            except RuntimeError as error:
                walker.record(line, _said(error))
                return walker.states
            walker.record(line)
            if "forget-zero-grad" not in pitfalls:
                param.grad.zero_()
                walker.record(f"{name}.grad.zero_()")
    return walker.states


def _concise(
    model: Any,
    X: torch.Tensor,  # noqa: N803
    y: torch.Tensor,
    pitfalls: tuple[str, ...],
) -> list[WalkState]:
    """Concise's step: the loss, trainer.zero_grad(), l.backward(), trainer.step()."""
    layer = model.layer
    names = tuple(name.removesuffix(".grad") for name in model.gradient_names)
    if layer.bias is None:
        raise ConfigError(
            [Mistake("bias", _("the walk shows w and b: a model without a bias has no b"))]
        )
    walker = _Walker(layer.weight, layer.bias, (names[0], names[1]))
    walker.record("")
    walker.loss = l = model.loss(model.net(X), y)  # noqa: E741
    walker.graph = _grad_fn(l)
    walker.record("l = loss(net(X), y)")
    if "forget-zero-grad" not in pitfalls:  # forget-zero-grad leaves this line out
        model.trainer.zero_grad()
        walker.record("trainer.zero_grad()")
    l.backward()
    walker.graph = _freed()
    walker.record("l.backward()")
    model.trainer.step()
    walker.record("trainer.step()")
    return walker.states


def _grad_fn(l: torch.Tensor) -> str:  # noqa: E741 (the lesson's name)
    """The graph behind the loss ``l``, as the walk says it."""
    return _("l.grad_fn is {node}: {count} nodes").format(
        node=type(l.grad_fn).__name__, count=_nodes(l.grad_fn)
    )


def _freed() -> str:
    return _("freed: backward() has used it (the next step builds its own)")


def _said(error: RuntimeError) -> str:
    return str(error).strip().splitlines()[0]
