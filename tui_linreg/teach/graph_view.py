"""A step's autograd graph as text: an indented tree from the loss down to the parameters,
each node with its output and the gradient that reached it. Drawn from the graph's JSON
(``tui-linreg graph --json``, engine/graph.py), so it imports neither torch nor Textual, and
reads well at 80 columns.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

from tui_linreg.i18n import _

WHAT = {
    "SumBackward0": "l.sum()",
    "MeanBackward0": "mean",
    "DivBackward0": "… / 2",
    "PowBackward0": "(…) ** 2",
    "SubBackward0": "y_hat - y",
    "AddBackward0": "X @ w + b",
    "MmBackward0": "X @ w",
    "MseLossBackward0": "nn.MSELoss",
    "AddmmBackward0": "X @ W.T + b",
    "TBackward0": "W.T",
    "AccumulateGrad": "leaf: .grad +=",
}
"""What each node computes, in the lesson's code, for a reader who has not met its name."""


def shortened(value: Any, count: int = 3) -> str:
    """A value as JSON holds it, short: a number, a few numbers, or a summary."""
    if value is None:
        return "—"
    if isinstance(value, Mapping):
        return _("{count} values, {low:.4g} … {high:.4g}, mean {mean:.4g}").format(
            count=len(value["first"]), low=value["min"], high=value["max"], mean=value["mean"]
        )
    flat = list(_flat(value))
    if len(flat) == 1:
        return f"{flat[0]:.6g}"
    shown = ", ".join(f"{x:.4g}" for x in flat[:count])
    return f"[{shown}{', …' if len(flat) > count else ''}] ({len(flat)})"


def _flat(value: Any) -> Sequence[float]:
    if isinstance(value, list):
        return [x for each in value for x in _flat(each)]
    return [float(value)]


def tree(graph: Mapping[str, Any]) -> str:
    """The graph drawn as a tree, root first: a node reached twice is drawn once."""
    nodes = {node["id"]: node for node in graph["nodes"]}
    lines = [
        _("Step {step} (epoch {epoch}) of {implementation}: the graph backward() walked").format(
            step=graph["step"], epoch=graph["epoch"], implementation=graph["implementation"]
        ),
        _("  each node: what it computed (its value) ← the gradient that reached it"),
    ]
    drawn: set[int] = set()

    def draw(node_id: int, prefix: str, last: bool, top: bool) -> None:
        node = nodes[node_id]
        branch = "" if top else ("└─ " if last else "├─ ")
        name = node["name"] + (f" {node['leaf']}" if node.get("leaf") else "")
        shape = "×".join(str(n) for n in node["shape"]) or _("scalar")
        what = WHAT.get(node["name"], "")
        lines.append(f"{prefix}{branch}{name}  ({shape}){'  ' + what if what else ''}")
        inner = prefix + ("" if top else ("   " if last else "│  "))
        pipe = "│  " if node["inputs"] else "   "
        lines.append(f"{inner}{pipe}= {shortened(node['value'])}")
        lines.append(f"{inner}{pipe}← {shortened(node['grad_in'])}")
        if node.get("leaf"):
            lines.append(
                f"{inner}{pipe}"
                + _("{leaf}.grad now: {grad}").format(
                    leaf=node["leaf"], grad=shortened(node.get("grad_after"))
                )
            )
            if node.get("grad_after") not in (None, node["grad_in"]):
                lines.append(
                    f"{inner}{pipe}"
                    + _("more than what arrived: .grad was not zeroed, the gradients pile up")
                )
        drawn.add(node_id)
        children = [child for child in node["inputs"] if child not in drawn]
        for index, child in enumerate(children):
            draw(child, inner, index == len(children) - 1, False)

    if nodes:
        draw(graph["nodes"][0]["id"], "", True, True)
    said = []
    if graph.get("error"):
        said.append(_("PyTorch stopped the step: {error}").format(error=graph["error"]))
    forward = graph.get("forward_mode")
    if forward:
        said.append(
            _(
                "Forward mode (torch.func.jvp) along (1, 1, …): {forward:.6g}; reverse, the "
                "gradient's dot product with it: {reverse:.6g}. The same derivative, two ways."
            ).format(forward=forward["forward"], reverse=forward["reverse"])
        )
    lines += [textwrap.fill(sentence, 78) for sentence in said]
    return "\n".join(lines)
