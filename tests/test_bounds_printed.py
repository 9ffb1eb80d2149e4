"""The stable bounds `train` prints, each implementation's own, against numpy's eigenvalues of
its Hessian on the run's data: weight decay adds λ to a Hessian that MSE doubles, so concise's
bound is not half of scratch's; momentum raises each by (1 + β)."""

from __future__ import annotations

import re

import numpy as np
import pytest
import torch

from tests.helpers import CPU, run_cli
from tui_linreg.engine.data import make_problem


def gram() -> np.ndarray:
    problem = make_problem(CPU, torch.device("cpu"))
    x = problem.features.double().numpy()
    a = np.hstack([x, np.ones((len(x), 1))])
    product: np.ndarray = a.T @ a / len(a)
    return product


def printed_bounds(out: str) -> dict[str, float]:
    return {
        who: float(value)
        for who, value in re.findall(r"stable learning rate for (\w+) .*: < ([\d.]+)", out)
    }


def test_weight_decay_gives_each_implementation_its_own_bound(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run_cli(
        capsys,
        "train",
        "--impl",
        "both",
        "--weight-decay",
        "0.5",
        "--device",
        "cpu",
        "--no-history",
        "--epochs",
        "1",
    )
    assert code == 0
    penalty = np.diag([0.5, 0.5, 0.0])  # b is not penalised
    g = gram()
    scratch = 2 / np.linalg.eigvalsh(g + penalty)[-1]
    concise = 2 / np.linalg.eigvalsh(2 * g + penalty)[-1]
    bounds = printed_bounds(out)
    assert bounds["scratch"] == pytest.approx(scratch, rel=5e-3)  # printed to 3 figures
    assert bounds["concise"] == pytest.approx(concise, rel=5e-3)
    assert bounds["concise"] != pytest.approx(bounds["scratch"] / 2, rel=0.05)


def test_momentum_with_both_prints_concises_bound_too(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(
        capsys,
        "train",
        "--impl",
        "both",
        "--optimizer",
        "momentum",
        "--device",
        "cpu",
        "--no-history",
        "--epochs",
        "1",
    )
    assert code == 0
    largest = np.linalg.eigvalsh(gram())[-1]
    bounds = printed_bounds(out)
    assert bounds["scratch"] == pytest.approx(2 * 1.9 / largest, rel=5e-3)
    assert bounds["concise"] == pytest.approx(2 * 1.9 / (2 * largest), rel=5e-3)
