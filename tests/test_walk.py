"""One step walked line by line (engine/walk.py): each line changes what it should, pitfalls
leave out or break the line they break, and the values after the walk are the inspector's."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from tests.helpers import CPU
from tui_linreg.config import ConfigError
from tui_linreg.engine.run import replay_step
from tui_linreg.engine.walk import walk_step

LINES = [
    "",
    "l = loss(net(X, w, b), y)",
    "l.sum().backward()",
    "w -= lr * w.grad / batch_size",
    "w.grad.zero_()",
    "b -= lr * b.grad / batch_size",
    "b.grad.zero_()",
]


def test_each_line_changes_what_it_should_and_the_end_is_the_inspectors() -> None:
    states = walk_step(CPU, 5)
    assert [state.line for state in states] == LINES
    start, loss, backward, w_step, w_zero, b_step, b_zero = states
    assert loss.loss_shape == (10, 1)
    assert loss.graph.startswith("l.grad_fn is DivBackward0")
    assert (loss.w, loss.w_grad) == (start.w, start.w_grad)  # the forward pass moves nothing
    assert backward.w == start.w  # backward fills .grad, and only .grad
    assert backward.w_grad != start.w_grad
    assert w_step.w != backward.w
    assert w_step.b == backward.b
    assert w_zero.w_grad == (0.0, 0.0)
    assert b_step.b != w_zero.b
    assert b_zero.b_grad == 0.0
    detail = replay_step(CPU, 5)
    assert detail is not None
    assert backward.w_grad is not None
    np.testing.assert_allclose(np.array(backward.w_grad), np.array(detail.grad_w), rtol=1e-6)
    assert backward.b_grad == pytest.approx(detail.grad_b, rel=1e-6)
    np.testing.assert_allclose(b_zero.w, detail.w_after, rtol=1e-6)
    assert b_zero.b == pytest.approx(detail.b_after, rel=1e-6)
    # By hand: w − lr · grad / |B| (float32 arithmetic, so to its precision).
    expected = np.array(start.w) - 0.03 * np.array(backward.w_grad) / 10
    np.testing.assert_allclose(w_step.w, expected, rtol=1e-5)


def test_before_the_first_backward_there_is_no_grad() -> None:
    assert walk_step(CPU, 1)[0].w_grad is None


def test_forget_zero_grad_has_no_zero_line_and_its_grad_piles_up() -> None:
    config = dataclasses.replace(CPU, pitfalls=("forget-zero-grad",))
    states = walk_step(config, 2)
    assert [state.line for state in states] == [line for line in LINES if "zero_" not in line]
    first = walk_step(config, 1)
    backward_1 = first[2].w_grad
    start_2, backward_2 = states[0].w_grad, states[2].w_grad
    assert start_2 == backward_1  # step 1's gradient is still there at step 2's start
    assert backward_1 is not None
    assert backward_2 is not None
    assert np.linalg.norm(backward_2) > np.linalg.norm(backward_1) / 2  # a sum, not a fresh one


@pytest.mark.parametrize(
    ("pitfall", "line", "words"),
    [
        ("no-no-grad", "w -= lr * w.grad / batch_size", "leaf Variable that requires grad"),
        ("backward-vector", "l.backward()", "only for scalar outputs"),
    ],
)
def test_a_pitfall_that_raises_ends_the_walk_at_its_line_in_pytorchs_words(
    pitfall: str, line: str, words: str
) -> None:
    states = walk_step(dataclasses.replace(CPU, pitfalls=(pitfall,)), 1)
    assert states[-1].line == line
    assert words in states[-1].error
    with pytest.raises(ConfigError, match="this run stops at step 1"):
        walk_step(dataclasses.replace(CPU, pitfalls=(pitfall,)), 2)


def test_no_reshape_walks_a_10_by_10_loss_and_lesson_divisor_its_short_last_batch() -> None:
    shapes = {
        s.loss_shape for s in walk_step(dataclasses.replace(CPU, pitfalls=("no-reshape",)), 1)
    }
    assert (10, 10) in shapes
    config = dataclasses.replace(CPU, pitfalls=("lesson-divisor",), num_examples=1003, epochs=1)
    states = walk_step(config, 101)  # the last batch holds 3
    start, backward, w_step = states[0], states[2], states[3]
    expected = np.array(start.w) - 0.03 * np.array(backward.w_grad) / 10  # ÷ 10, not ÷ 3
    np.testing.assert_allclose(w_step.w, expected, rtol=1e-5)


def test_concises_four_lines_end_where_the_inspector_does() -> None:
    config = dataclasses.replace(CPU, implementation="concise")
    states = walk_step(config, 3)
    assert [state.line for state in states] == [
        "",
        "l = loss(net(X), y)",
        "trainer.zero_grad()",
        "l.backward()",
        "trainer.step()",
    ]
    assert states[0].names == ("net[0].weight", "net[0].bias")
    assert states[2].w_grad is None  # zero_grad sets .grad to None
    detail = replay_step(config, 3)
    assert detail is not None
    np.testing.assert_allclose(np.array(states[3].w_grad), np.array(detail.grad_w), rtol=1e-6)
    np.testing.assert_allclose(np.array(states[4].w), np.array(detail.w_after), rtol=1e-6)
    assert states[4].b == pytest.approx(detail.b_after, rel=1e-6)
    piled = walk_step(dataclasses.replace(config, pitfalls=("forget-zero-grad",)), 3)
    assert "trainer.zero_grad()" not in [state.line for state in piled]


def test_the_walk_is_the_lessons_step_and_refuses_the_others() -> None:
    for changes in ({"implementation": "analytic"}, {"optimizer": "adam"}, {"weight_decay": 0.1}):
        with pytest.raises(ConfigError, match="the walk follows the lessons' step"):
            walk_step(dataclasses.replace(CPU, **changes), 1)
