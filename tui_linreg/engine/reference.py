"""Reference answers: the closed-form least-squares fit and the stable learning-rate bound.

Both come from one pass over the data in float64. We keep only the triangular factor R of the
QR decomposition of [A | y], where A = [X, 1], updating it chunk by chunk, so the memory used
stays small however many examples there are:

- RᵀR = [A | y]ᵀ[A | y], so the top-left block of R gives AᵀA for the stability bound,
- the least-squares θ solves R_A θ = R_y (``torch.linalg.lstsq`` on the small triangle),
- and ‖R [θ; −1]‖² is the residual sum of squares ‖Aθ − y‖².

AᵀA/n is also the Hessian of the half-MSE: the loss landscape (landscape.py) is drawn from it.
"""

from __future__ import annotations

import torch

from tui_linreg.engine.data import Problem
from tui_linreg.engine.events import ClosedForm

_CHUNK_ROWS = 1 << 16


Gram = tuple[tuple[float, ...], ...]
"""AᵀA/n as rows: the Hessian of the full-data half-MSE, the same at every θ."""


def closed_form(problem: Problem) -> ClosedForm:
    return analyse(problem)[0]


def analyse(problem: Problem) -> tuple[ClosedForm, Gram]:
    """The closed form, and AᵀA/n: the loss landscape is exactly the quadratic they define."""
    n, d = problem.features.shape
    r = torch.zeros(d + 2, d + 2, dtype=torch.float64)
    for start in range(0, n, _CHUNK_ROWS):
        x = problem.features[start : start + _CHUNK_ROWS].to("cpu", torch.float64)
        y = problem.labels[start : start + _CHUNK_ROWS].to("cpu", torch.float64)
        block = torch.cat([x, torch.ones(len(x), 1, dtype=torch.float64), y], dim=1)
        # Zero rows in r change nothing in RᵀR, and they keep R square even when n < d + 2.
        r = torch.linalg.qr(torch.cat([r, block]), mode="r").R

    r_a, r_y = r[: d + 1, : d + 1], r[: d + 1, d + 1 :]
    # gelsd copes with rank-deficient data (fewer examples than parameters): min-norm answer.
    theta = torch.linalg.lstsq(r_a, r_y, driver="gelsd").solution
    residual = r @ torch.cat([theta, -torch.ones(1, 1, dtype=torch.float64)])
    half_mse = float(residual.square().sum()) / (2 * n)

    gram = r_a.T @ r_a / n  # AᵀA / n
    largest = float(torch.linalg.eigvalsh(gram)[-1])
    stable_lr = 2.0 / largest if largest > 0 else float("inf")
    best = ClosedForm(
        w=tuple(theta[:d, 0].tolist()),
        b=float(theta[d, 0]),
        half_mse=half_mse,
        stable_lr=stable_lr,
    )
    return best, tuple(map(tuple, gram.tolist()))
