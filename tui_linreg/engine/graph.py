"""One training step's real autograd graph: the nodes PyTorch builds (``grad_fn`` and its
``next_functions``), each with its output's value and the gradient that reached it from the
loss, as ``tui-linreg graph`` prints them and the lessons draw them.

A ``grad_fn`` keeps no output, so the values are caught as the step runs: a
``TorchFunctionMode`` sees every operation of the implementation's own ``train_step`` and
keeps a copy of each result that carries a ``grad_fn``. When the step calls ``backward()``,
the mode walks the graph from its root and hooks each node (a pre-hook: the gradient arriving
at it), and each leaf (after accumulation: what ``.grad`` holds, the running sum under
forget-zero-grad). Forward mode then computes the same derivative the other way, with
``torch.func.jvp``: a directional derivative that must equal the reverse gradient's dot
product with the direction.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import torch
from torch.overrides import TorchFunctionMode

from tui_linreg.config import ConfigError, Mistake, TrainConfig
from tui_linreg.engine.implementation import Implementation
from tui_linreg.engine.run import RunParts
from tui_linreg.i18n import _

WHOLE = 100
"""A tensor of up to this many elements is given whole; a larger one as a summary."""


def summary(tensor: torch.Tensor) -> Any:
    """A tensor as JSON: the whole of it (nested lists) up to :data:`WHOLE` elements, else
    its min, max, mean and first :data:`WHOLE` elements."""
    values = tensor.detach().double().cpu()
    if values.numel() <= WHOLE:
        return values.tolist()
    flat = values.flatten()
    return {
        "min": float(flat.min()),
        "max": float(flat.max()),
        "mean": float(flat.mean()),
        "first": flat[:WHOLE].tolist(),
    }


@dataclass
class GraphNode:
    """One node of the graph: an operation's backward (``PowBackward0``) or a leaf's
    ``AccumulateGrad``."""

    id: int
    name: str
    inputs: list[int]
    """The nodes it passes its gradient on to (``next_functions``), by id."""
    value: torch.Tensor | None = None
    """Its output as the forward pass computed it (a leaf: the parameter before the update)."""
    grad_in: torch.Tensor | None = None
    """The gradient of the root with respect to its output, as backward() brought it."""
    leaf: str = ""
    """For AccumulateGrad: the parameter's name (``w``, ``b``, ``net[0].weight``)."""
    grad_after: torch.Tensor | None = None
    """For AccumulateGrad: the parameter's ``.grad`` after this step's accumulation."""

    @property
    def shape(self) -> list[int]:
        source = self.value if self.value is not None else self.grad_in
        return list(source.shape) if source is not None else []

    def to_dict(self) -> dict[str, Any]:
        shown: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "shape": self.shape,
            "value": None if self.value is None else summary(self.value),
            "grad_in": None if self.grad_in is None else summary(self.grad_in),
            "inputs": self.inputs,
        }
        if self.leaf:
            shown["leaf"] = self.leaf
            shown["grad_after"] = None if self.grad_after is None else summary(self.grad_after)
        return shown


@dataclass
class ForwardCheck:
    """The same derivative two ways: forward mode's directional derivative of the root along
    ``direction`` (one per parameter), and the reverse gradient's dot product with it."""

    direction: list[float]
    forward: float
    reverse: float

    def to_dict(self) -> dict[str, Any]:
        return {"direction": self.direction, "forward": self.forward, "reverse": self.reverse}


@dataclass
class StepGraph:
    implementation: str
    epoch: int
    step: int
    """Counted from 1 across the epochs, as ``--step`` and the inspector count."""
    nodes: list[GraphNode] = field(default_factory=list)
    """The root (what backward() was called on) first, then breadth first."""
    forward: ForwardCheck | None = None
    error: str = ""
    """What PyTorch said, where the step raised (a pitfall): the graph up to there."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "implementation": self.implementation,
            "epoch": self.epoch,
            "step": self.step,
            "nodes": [node.to_dict() for node in self.nodes],
            "forward_mode": None if self.forward is None else self.forward.to_dict(),
            "error": self.error,
        }


class _Recorder(TorchFunctionMode):
    """Keeps each result's value by its grad_fn, and hooks the graph when backward() runs."""

    def __init__(self, leaves: dict[int, str]) -> None:
        super().__init__()
        self.leaves = leaves
        self.values: dict[int, tuple[Any, torch.Tensor]] = {}
        """id(grad_fn) → (the grad_fn, kept alive; a copy of its output)."""
        self.graph: list[GraphNode] = []
        self.handles: list[Any] = []

    def __torch_function__(
        self,
        func: Callable[..., Any],
        types: Any,
        args: tuple[Any, ...] = (),
        kwargs: dict[str, Any] | None = None,
    ) -> Any:
        kwargs = kwargs or {}
        if func is torch.Tensor.backward and not self.graph:
            self._hook(args[0])
        result = func(*args, **kwargs)
        if isinstance(result, torch.Tensor) and result.grad_fn is not None:
            node = result.grad_fn
            self.values.setdefault(id(node), (node, result.detach().clone()))
        return result

    def _hook(self, root: torch.Tensor) -> None:
        """Walk the graph from the root, breadth first, and hook every node."""
        ids: dict[int, int] = {}
        order: list[Any] = []
        frontier = [root.grad_fn]
        while frontier:
            node = frontier.pop(0)
            if node is None or id(node) in ids:
                continue
            ids[id(node)] = len(order)
            order.append(node)
            frontier.extend(following for following, _input in node.next_functions)
        for node in order:
            entry = GraphNode(
                ids[id(node)],
                type(node).__name__,
                [ids[id(n)] for n, _input in node.next_functions if n is not None],
            )
            kept = self.values.get(id(node))
            entry.value = kept[1] if kept is not None else None
            variable = getattr(node, "variable", None)
            if isinstance(variable, torch.Tensor):  # AccumulateGrad: a parameter
                entry.value = variable.detach().clone()
                entry.leaf = self.leaves.get(id(variable), "")
                self.handles.append(variable.register_post_accumulate_grad_hook(self._after(entry)))
            self.handles.append(node.register_prehook(self._arriving(entry)))
            self.graph.append(entry)

    @staticmethod
    def _arriving(entry: GraphNode) -> Callable[[tuple[torch.Tensor, ...]], None]:
        def hook(grad_outputs: tuple[torch.Tensor, ...]) -> None:
            if grad_outputs and grad_outputs[0] is not None:
                entry.grad_in = grad_outputs[0].detach().clone()

        return hook

    @staticmethod
    def _after(entry: GraphNode) -> Callable[[torch.Tensor], None]:
        def hook(parameter: torch.Tensor) -> None:
            if parameter.grad is not None:
                entry.grad_after = parameter.grad.detach().clone()

        return hook


def _leaf_names(model: Implementation) -> dict[int, str]:
    """Each parameter tensor's name as the lesson writes it."""
    layer = getattr(model, "layer", None)
    if isinstance(layer, torch.nn.Linear):  # concise: net[0].weight, net.linear.bias
        written = [name.removesuffix(".grad") for name in model.gradient_names]
        tensors = [layer.weight, layer.bias]
        return {id(t): name for t, name in zip(tensors, written, strict=True) if t is not None}
    names: dict[int, str] = {}
    for name in ("w", "b"):
        tensor = getattr(model, name, None)
        if isinstance(tensor, torch.Tensor):
            names[id(tensor)] = name
    return names


def replay_to(model: Implementation, X: torch.Tensor, y: torch.Tensor, step: int) -> None:  # noqa: N803
    """Take step ``step`` on the way to the one asked for; a run that raises there (a
    pitfall) ends there, and only its steps up to this one can be looked at."""
    try:
        model.train_step(X, y)
    except RuntimeError as error:
        said = str(error).strip().splitlines()[0].rstrip(".")
        raise ConfigError(
            [
                Mistake(
                    "step",
                    _("this run stops at step {step} ({said}): ask for step {step}").format(
                        step=step, said=said
                    ),
                )
            ]
        ) from None


def steps_of(run: RunParts) -> Iterator[tuple[int, int, torch.Tensor, torch.Tensor]]:
    """(epoch, step counted across epochs, X, y), as the training loop takes them: the same
    batches in the same order, the learning rate decayed where the loop decays it."""
    config, model, total = run.config, run.model, 0
    for epoch in range(1, config.epochs + 1):
        if epoch > 1 and (epoch - 1) % config.decay_every == 0 and config.lr_decay != 1:
            model.decay(config.lr_decay)
        for X, y in model.batches():  # noqa: N806
            total += 1
            yield epoch, total, X, y


@dataclass
class TakenTo:
    """A run taken to just before one of its steps: its parts, and that step's batch."""

    run: RunParts
    epoch: int
    step: int
    X: torch.Tensor
    y: torch.Tensor


def taken_to(config: TrainConfig, step: int) -> TakenTo:
    """A run of ``config`` taken from its start to just before ``step`` (counted from 1
    across epochs), as the training loop takes it; ConfigError for a step outside the run, or
    past a step that raised."""
    run = RunParts.begin(config, None, record_path=False)
    last = config.epochs * run.steps_per_epoch
    if not 1 <= step <= last:
        raise ConfigError(
            [
                Mistake(
                    "step",
                    _("--step must be from 1 to {last:,}, this run's steps; got {step}").format(
                        last=last, step=step
                    ),
                )
            ]
        )
    for epoch, total, X, y in steps_of(run):  # noqa: N806
        if total == step:
            return TakenTo(run, epoch, total, X, y)
        replay_to(run.model, X, y, total)
    raise AssertionError("the step is within the run")  # pragma: no cover


def _forward_mode(model: Implementation, X: torch.Tensor, y: torch.Tensor) -> ForwardCheck:  # noqa: N803
    """The loss's derivative along a direction by forward mode (torch.func.jvp), beside the
    reverse gradient's dot product with it (the caller leaves it out where the step adds more
    than the loss, weight decay, or breaks it, a pitfall)."""
    from torch.func import functional_call, jvp

    net = getattr(model, "net", None)
    if isinstance(net, torch.nn.Module):
        names = [name for name, _param in net.named_parameters()]
        params = tuple(p.detach() for _name, p in net.named_parameters())
        loss = model.loss  # type: ignore[attr-defined]

        def root(*values: torch.Tensor) -> torch.Tensor:
            y_hat = functional_call(net, dict(zip(names, values, strict=True)), (X,))
            value: torch.Tensor = loss(y_hat, y)
            return value

    else:
        from tui_linreg.engine.scratch import linreg

        params = (model.w.detach(), model.b.detach())  # type: ignore[attr-defined]
        loss = model.loss  # type: ignore[attr-defined]

        def root(*values: torch.Tensor) -> torch.Tensor:
            value: torch.Tensor = loss(linreg(X, values[0], values[1]), y).sum()
            return value

    direction = tuple(torch.ones_like(p) for p in params)
    with warnings.catch_warnings():  # PyTorch's own forward AD scripts its decompositions
        warnings.filterwarnings("ignore", "`torch.jit.script` is deprecated", DeprecationWarning)
        forward = jvp(root, params, direction)[1]
    reverse_params = tuple(p.clone().requires_grad_(True) for p in params)
    grads = torch.autograd.grad(root(*reverse_params), reverse_params)
    reverse = sum(float((g * d).sum()) for g, d in zip(grads, direction, strict=True))
    return ForwardCheck([float(v) for d in direction for v in d.flatten()], float(forward), reverse)


def step_graph(config: TrainConfig, step: int = 1) -> StepGraph:
    """Step ``step`` of a run of ``config``: the run is taken from its start to that step, as
    the training loop takes it, and that step runs in the implementation's own code while its
    graph is caught. Raises ConfigError for analytic (no graph) or a step past the run."""
    if config.implementation == "analytic":
        raise ConfigError(
            [
                Mistake(
                    "implementation",
                    _(
                        "analytic computes its gradient itself, so PyTorch builds no graph for "
                        "it: use --impl scratch or --impl concise"
                    ),
                )
            ]
        )
    taken = taken_to(config, step)
    model, X, y = taken.run.model, taken.X, taken.y  # noqa: N806
    graph = StepGraph(config.implementation, taken.epoch, taken.step)
    forward = None if (config.weight_decay or config.pitfalls) else _forward_mode(model, X, y)
    recorder = _Recorder(_leaf_names(model))
    try:
        with recorder:
            model.train_step(X, y)
    except RuntimeError as error:  # a pitfall: PyTorch's own words
        graph.error = str(error).strip().splitlines()[0]
    finally:
        for handle in recorder.handles:
            with contextlib.suppress(Exception):
                handle.remove()
    graph.nodes, graph.forward = recorder.graph, forward
    for node in graph.nodes:  # W.T is taken inside nn.Linear's C++, unseen: its input's
        if node.name == "TBackward0" and node.value is None and len(node.inputs) == 1:
            source = graph.nodes[node.inputs[0]].value
            node.value = None if source is None else source.T
    return graph
