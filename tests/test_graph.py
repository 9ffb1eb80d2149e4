"""A step's real autograd graph (engine/graph.py, ``tui-linreg graph``): its nodes are the
grad_fn PyTorch builds, and each gradient is the hand computation's and the inspector's."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest
import torch

from tests.helpers import CPU, run_cli
from tui_linreg.config import ConfigError
from tui_linreg.engine.graph import WHOLE, step_graph
from tui_linreg.engine.run import replay_step


def values(tensor: torch.Tensor | None) -> np.ndarray:
    """A node's tensor, flat, in float64."""
    assert tensor is not None
    return tensor.double().numpy().ravel()


def test_scratchs_graph_is_the_lessons_expression_and_its_gradients_the_hand_computed() -> None:
    graph = step_graph(CPU, 2)
    names = [node.name for node in graph.nodes]
    assert names == [
        "SumBackward0",  # l.sum()
        "DivBackward0",  # … / 2
        "PowBackward0",  # (…) ** 2
        "SubBackward0",  # y_hat - y.reshape(…)
        "AddBackward0",  # X @ w + b
        "MmBackward0",  # X @ w
        "AccumulateGrad",  # b
        "AccumulateGrad",  # w
    ]
    by_name = {node.leaf or node.name: node for node in graph.nodes}
    detail = replay_step(CPU, 2)  # the inspector's view of the same step
    assert detail is not None
    x = np.array(detail.features, dtype=np.float64)
    y = np.array(detail.labels, dtype=np.float64)
    w = values(by_name["w"].value)
    b = float(by_name["b"].value)  # type: ignore[arg-type]
    residual = x @ w + b - y
    # By hand: l = Σ (ŷ − y)²/2, so ∂l/∂(ŷ − y) = ŷ − y, ∂l/∂(r²) = ½, ∂l/∂(r²/2) = 1.
    assert by_name["SumBackward0"].grad_in.item() == 1  # type: ignore[union-attr]
    np.testing.assert_allclose(values(by_name["DivBackward0"].grad_in), 1)
    np.testing.assert_allclose(values(by_name["PowBackward0"].grad_in), 0.5)
    for name in ("SubBackward0", "AddBackward0", "MmBackward0"):
        got = by_name[name].grad_in.double().numpy().ravel()  # type: ignore[union-attr]
        np.testing.assert_allclose(got, residual, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(values(by_name["PowBackward0"].value), residual**2, rtol=1e-4)
    grad_w = values(by_name["w"].grad_in)
    np.testing.assert_allclose(grad_w, x.T @ residual, rtol=1e-5, atol=1e-4)
    np.testing.assert_allclose(grad_w, detail.grad_w, rtol=1e-6)  # the inspector's
    assert float(by_name["b"].grad_in) == pytest.approx(detail.grad_b, rel=1e-6)  # type: ignore[arg-type]
    assert float(by_name["b"].grad_in) == pytest.approx(residual.sum(), rel=1e-5)  # type: ignore[arg-type]


def test_concises_graph_is_mse_addmm_and_the_weights_transpose() -> None:
    config = dataclasses.replace(CPU, implementation="concise")
    graph = step_graph(config, 1)
    assert [node.name for node in graph.nodes] == [
        "MseLossBackward0",
        "AddmmBackward0",
        "AccumulateGrad",
        "TBackward0",
        "AccumulateGrad",
    ]
    leaves = {node.leaf: node for node in graph.nodes if node.leaf}
    assert set(leaves) == {"net[0].weight", "net[0].bias"}
    detail = replay_step(config, 1)
    assert detail is not None
    x, y = np.array(detail.features), np.array(detail.labels)
    weight = values(leaves["net[0].weight"].value)
    bias = float(leaves["net[0].bias"].value)  # type: ignore[arg-type]
    residual = x @ weight + bias - y
    # MSE = mean(r²): ∂/∂ŷ = 2r/|B|.
    addmm = values(graph.nodes[1].grad_in)
    np.testing.assert_allclose(addmm, 2 * residual / len(y), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(
        values(leaves["net[0].weight"].grad_in),
        detail.grad_w,
        rtol=1e-6,
    )


@pytest.mark.parametrize("implementation", ["scratch", "concise"])
def test_forward_mode_gives_the_reverse_gradients_directional_derivative(
    implementation: str,
) -> None:
    graph = step_graph(dataclasses.replace(CPU, implementation=implementation), 5)
    assert graph.forward is not None
    assert graph.forward.forward == pytest.approx(graph.forward.reverse, rel=1e-4)


def test_forget_zero_grad_piles_up_at_accumulate_grad() -> None:
    config = dataclasses.replace(CPU, pitfalls=("forget-zero-grad",))
    second, third = step_graph(config, 2), step_graph(config, 3)
    w2 = next(node for node in second.nodes if node.leaf == "w")
    w3 = next(node for node in third.nodes if node.leaf == "w")
    assert w2.grad_after is not None
    assert w3.grad_after is not None
    assert w3.grad_in is not None
    # .grad after step 3 = .grad after step 2 + step 3's gradient: the running sum.
    np.testing.assert_allclose(w3.grad_after, w2.grad_after + w3.grad_in, rtol=1e-5)
    assert not np.allclose(w3.grad_after, w3.grad_in)


def test_a_pitfall_that_raises_keeps_the_graph_and_says_pytorchs_words() -> None:
    graph = step_graph(dataclasses.replace(CPU, pitfalls=("backward-vector",)), 1)
    assert "grad can be implicitly created only for scalar outputs" in graph.error
    assert graph.nodes[0].name == "DivBackward0"  # l itself: no .sum() before backward
    assert all(node.grad_in is None for node in graph.nodes)  # backward never ran


def test_analytic_and_a_step_past_the_run_are_refused_in_a_sentence(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(ConfigError, match="analytic computes its gradient itself"):
        step_graph(dataclasses.replace(CPU, implementation="analytic"))
    code, _, err = run_cli(capsys, "graph", "--device", "cpu", "--step", "301")
    assert code == 2
    assert "--step must be from 1 to 300" in err
    code, _, err = run_cli(capsys, "graph", "--device", "cpu", "--step", "two")
    assert code == 2
    assert "whole number" in err
    assert "Traceback" not in err


def test_graph_json_has_each_nodes_name_shape_id_value_gradient_and_inputs(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run_cli(capsys, "graph", "--device", "cpu", "--batch-size", "200", "--json")
    assert code == 0
    graph = json.loads(out)
    ids = {node["id"] for node in graph["nodes"]}
    for node in graph["nodes"]:
        assert {"id", "name", "shape", "value", "grad_in", "inputs"} <= set(node)
        assert set(node["inputs"]) <= ids
    sub = next(node for node in graph["nodes"] if node["name"] == "SubBackward0")
    assert sub["shape"] == [200, 1]
    assert set(sub["value"]) == {"min", "max", "mean", "first"}  # 200 > 100: a summary
    assert len(sub["value"]["first"]) == WHOLE
    w = next(node for node in graph["nodes"] if node.get("leaf") == "w")
    assert np.array(w["value"]).shape == (2, 1)  # small: whole
    code, out, _ = run_cli(capsys, "graph", "--device", "cpu")
    assert "SumBackward0" in out
    assert "The same derivative, two ways." in out
