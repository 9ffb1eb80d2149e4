"""Reference answers: the closed-form least-squares fit, the stable learning-rate bound, and
the optimum of the robust losses (l1, Huber), which have no closed form.

Both come from one pass over the data in float64. We keep only the triangular factor R of the
QR decomposition of [A | y], where A = [X, 1], updating it chunk by chunk, so the memory used
stays small however many examples there are:

- RᵀR = [A | y]ᵀ[A | y], so the top-left block of R gives AᵀA for the stability bound,
- the least-squares θ solves R_A θ = R_y (``torch.linalg.lstsq`` on the small triangle),
- and ‖R [θ; −1]‖² is the residual sum of squares ‖Aθ − y‖².

AᵀA/n is also the Hessian of the half-MSE: the loss landscape (landscape.py) is drawn from it.

The l1 and Huber optima come from iteratively reweighted least squares (:func:`robust_optimum`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import torch

from tui_linreg.engine.data import Problem
from tui_linreg.engine.events import ClosedForm
from tui_linreg.losses import Loss

_CHUNK_ROWS = 1 << 16


Gram = tuple[tuple[float, ...], ...]
"""AᵀA/n as rows: the Hessian of the full-data half-MSE, the same at every θ."""


def closed_form(problem: Problem) -> ClosedForm:
    return analyse(problem)[0]


def through_origin(problem: Problem) -> ClosedForm:
    """The least-squares fit without a bias (--no-bias), y = Xw, b = 0: a pass without the
    column of ones. Its stable bound is X's own, 2/λmax(XᵀX/n)."""
    fitted, _ = analyse(problem, bias=False)
    return dataclasses.replace(fitted, name="closed form, b = 0")


def analyse(problem: Problem, *, bias: bool = True) -> tuple[ClosedForm, Gram]:
    """The closed form, and AᵀA/n: the loss landscape is exactly the quadratic they define.
    Without ``bias``, A = X and b = 0."""
    return _solved(problem, _triangle(problem, bias), bias, 0.0)


def ridge(problem: Problem, penalty: float, *, bias: bool = True) -> ClosedForm:
    """The minimiser of half-MSE + (penalty/2)‖w‖², b not penalised (--weight-decay), solved
    exactly: least squares on R stacked over √(n·penalty)·I for the rows of w, which is
    (AᵀA/n + penalty·M)θ = Aᵀy/n, M the identity without b's entry. Its stable bound is that
    matrix's."""
    fitted, _ = _solved(problem, _triangle(problem, bias), bias, penalty)
    return dataclasses.replace(fitted, name="ridge optimum")


def _triangle(problem: Problem, bias: bool) -> torch.Tensor:
    """R of the QR decomposition of [A | y], from one pass over the data in float64."""
    n, d = problem.features.shape
    k = d + 1 if bias else d  # parameters: w, and b unless there is none
    r = torch.zeros(k + 1, k + 1, dtype=torch.float64)
    for start in range(0, n, _CHUNK_ROWS):
        x = problem.features[start : start + _CHUNK_ROWS].to("cpu", torch.float64)
        y = problem.labels[start : start + _CHUNK_ROWS].to("cpu", torch.float64)
        ones = [torch.ones(len(x), 1, dtype=torch.float64)] if bias else []
        block = torch.cat([x, *ones, y], dim=1)
        # Zero rows in r change nothing in RᵀR, and they keep R square even when n < d + 2.
        r = torch.linalg.qr(torch.cat([r, block]), mode="r").R
    return r


def _solved(
    problem: Problem, r: torch.Tensor, bias: bool, penalty: float
) -> tuple[ClosedForm, Gram]:
    n, d = problem.features.shape
    k = r.shape[0] - 1
    r_a, r_y = r[:k, :k], r[:k, k:]
    penalised = torch.eye(k, dtype=torch.float64)[:d] * (n * penalty) ** 0.5  # w's rows
    system = torch.cat([r_a, penalised]) if penalty else r_a
    target = torch.cat([r_y, torch.zeros(d, 1, dtype=torch.float64)]) if penalty else r_y
    # gelsd copes with rank-deficient data (fewer examples than parameters): min-norm answer.
    theta = torch.linalg.lstsq(system, target, driver="gelsd").solution
    residual = r @ torch.cat([theta, -torch.ones(1, 1, dtype=torch.float64)])
    half_mse = float(residual.square().sum()) / (2 * n)
    # An exact fit (no more examples than parameters) leaves only float64's rounding in the
    # residual, about 1e-32 in half-MSE, and a different 1e-32 on another CPU: that is 0.
    size = float(torch.linalg.norm(r_y)) + float(torch.linalg.norm(r_a) * torch.linalg.norm(theta))
    if float(torch.linalg.norm(residual)) <= 8 * (k + 1) * torch.finfo(torch.float64).eps * size:
        half_mse = 0.0

    gram = r_a.T @ r_a / n  # AᵀA / n
    hessian = system.T @ system / n  # of half-MSE + (penalty/2)‖w‖²
    curvature = tuple(torch.linalg.eigvalsh(hessian).tolist())  # ascending
    largest = curvature[-1]
    stable_lr = 2.0 / largest if largest > 0 else float("inf")
    best = ClosedForm(
        w=tuple(theta[:d, 0].tolist()),
        b=float(theta[d, 0]) if bias else 0.0,
        half_mse=half_mse,
        stable_lr=stable_lr,
        curvature=curvature,
    )
    return best, tuple(map(tuple, gram.tolist()))


IRLS_MAX_ROUNDS = 500
IRLS_TOLERANCE = 1e-12
"""IRLS stops when no parameter moved by more than this, relative to the largest."""


def robust_optimum(
    problem: Problem,
    loss: Loss,
    delta: float,
    least: ClosedForm,
    *,
    bias: bool = True,
    penalty: float = 0.0,
) -> ClosedForm:
    """The minimiser of the mean l1 or Huber loss, by iteratively reweighted least squares.

    Each round solves a weighted least-squares problem, Σ ωᵢ aᵢaᵢᵀ θ = Σ ωᵢ aᵢ yᵢ with
    ωᵢ = ψ(rᵢ)/rᵢ at the last round's residuals: for Huber min(1, δ/|rᵢ|), for l1 1/|rᵢ|. Its
    fixed point is where the gradient Σ ψ(rᵢ) aᵢ vanishes: the optimum (the loss is convex).
    It starts from least squares. For l1 the optimum passes through d + 1 examples (a vertex of
    its linear program): IRLS comes close, and solving exactly through the d + 1 examples it
    fits best finishes it, kept if it is lower. Float64, a chunk of rows at a time. Without
    ``bias``, A = X and b = 0. With ``penalty`` λ (--weight-decay) it minimises the mean loss
    + (λ/2)‖w‖²: each round adds nλ to the diagonal of w's rows, and the vertex finish is left
    out (a penalised optimum need not pass through any example).
    """
    n, d = problem.features.shape
    rows = list(_chunks(problem, bias)) if _cacheable(problem) else None  # converted once
    chunks = (lambda: rows) if rows is not None else (lambda: _chunks(problem, bias))
    start = [*least.w, least.b] if bias else list(least.w)
    theta = torch.tensor(start, dtype=torch.float64).reshape(-1, 1)
    floor = 1e-12 * (1.0 + float(problem.labels.abs().max()))  # |r| below this: exactly fitted
    for _ in range(IRLS_MAX_ROUNDS):
        moment = torch.zeros(len(theta), len(theta), dtype=torch.float64)
        target = torch.zeros(len(theta), 1, dtype=torch.float64)
        for a, y in chunks():
            size = (a @ theta - y).abs()
            if loss.name == "l1":
                weight = 1.0 / size.clamp(min=floor)
            else:
                weight = (delta / size.clamp(min=floor)).clamp(max=1.0)
            moment += a.T @ (weight * a)
            target += a.T @ (weight * y)
        if penalty:
            moment[range(d), range(d)] += n * penalty
        step = torch.linalg.lstsq(moment, target, driver="gelsd").solution
        moved = float((step - theta).abs().max())
        theta = step
        if moved <= IRLS_TOLERANCE * (1.0 + float(theta.abs().max())):
            break
    if loss.name == "l1" and not penalty:
        theta = min(
            (theta, _through_closest(problem, theta, bias)),
            key=lambda t: _mean(problem, t, loss, delta, bias),
        )
    best = _mean(problem, theta, loss, delta, bias) + penalty / 2 * float(theta[:d].square().sum())
    return dataclasses.replace(
        least,
        w=tuple(theta[:d, 0].tolist()),
        b=float(theta[d, 0]) if bias else 0.0,
        half_mse=_mean(problem, theta, None, delta, bias),
        name=f"{loss.shown} optimum",
        loss=best,
    )


IRLS_CACHE_BYTES = 1 << 28
"""Up to this much float64 data is converted once and kept for IRLS's rounds (n = 1,000,000 of
two features: 32 MB); beyond, each round converts its chunks again."""


def _cacheable(problem: Problem) -> bool:
    n, d = problem.features.shape
    return 8 * n * (d + 2) <= IRLS_CACHE_BYTES


def _chunks(problem: Problem, bias: bool) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
    """[X, 1] (X without ``bias``) and y in float64 on the CPU, a chunk of rows at a time."""
    for start in range(0, problem.num_examples, _CHUNK_ROWS):
        x = problem.features[start : start + _CHUNK_ROWS].to("cpu", torch.float64)
        y = problem.labels[start : start + _CHUNK_ROWS].to("cpu", torch.float64)
        ones = [torch.ones(len(x), 1, dtype=torch.float64)] if bias else []
        yield torch.cat([x, *ones], dim=1), y


def _mean(
    problem: Problem, theta: torch.Tensor, loss: Loss | None, delta: float, bias: bool
) -> float:
    """The mean loss at θ over all the data (half-MSE when ``loss`` is None), in float64."""
    total = 0.0
    for a, y in _chunks(problem, bias):
        r = (a @ theta - y).abs()
        if loss is None:
            total += float((r.square() / 2).sum())
        elif loss.name == "l1":
            total += float(r.sum())
        else:
            total += float(torch.where(r <= delta, r.square() / 2, delta * (r - delta / 2)).sum())
    return total / problem.num_examples


def _through_closest(problem: Problem, theta: torch.Tensor, bias: bool) -> torch.Tensor:
    """θ fitting exactly the d + 1 examples θ fits best (l1's optimum is such a fit), or θ
    itself where they do not decide one."""
    k = theta.shape[0]
    rows, labels, sizes = [], [], []
    for a, y in _chunks(problem, bias):  # the k closest of each chunk, then of those
        size = (a @ theta - y).abs().flatten()
        keep = size.argsort()[:k]
        rows.append(a[keep])
        labels.append(y[keep])
        sizes.append(size[keep])
    closest = torch.cat(sizes).argsort()[:k]
    system, fitted = torch.cat(rows)[closest], torch.cat(labels)[closest]
    if len(closest) < k or not float(torch.linalg.cond(system)) < 1e12:
        return theta
    solved: torch.Tensor = torch.linalg.solve(system, fitted)
    return solved
