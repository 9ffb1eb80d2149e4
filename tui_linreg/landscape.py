"""The loss landscape over two parameters, and the path gradient descent takes across it.

The picture is exact, not sampled. For A = [X, 1], G = AᵀA/n and the closed form θ*, the
full-data half-MSE is, at every θ,

    L(θ) = L* + ½ (θ − θ*)ᵀ G (θ − θ*)

(θ* makes the gradient vanish, and a quadratic has no higher terms). With every other parameter
held at θ*, the loss over a pair (θᵢ, θⱼ) is the same expression with G's 2×2 block, so its
level sets are ellipses whose axes are that block's eigenvectors. They are drawn as such: no
grid, and nothing to recompute as the view zooms. Plain Python: the UI thread draws from it.
"""

from __future__ import annotations

import math
from array import array
from bisect import bisect_right
from dataclasses import dataclass
from itertools import pairwise

from tui_linreg.engine.events import Progress, RunStarted

FOLLOW = 100.0
"""A diverging path is followed out to this many times the start's distance from the optimum
(in all of θ); beyond, the view stops zooming out and says where and at which step the path
left it."""

MOST_LEVELS = 7
"""Contours drawn at most: more, and neighbours merge into one smear in a small pane."""


def parameter_names(num_features: int) -> list[str]:
    return [f"w[{i}]" for i in range(num_features)] + ["b"] if num_features > 1 else ["w", "b"]


def pairs(num_features: int) -> list[tuple[int, int]]:
    """Every pair of parameters the view can show, (w[0], w[1]) first: indices into (w…, b)."""
    count = num_features + 1
    return [(i, j) for i in range(count) for j in range(i + 1, count)]


@dataclass(frozen=True)
class Axis:
    """One axis of the ellipses: the loss's curvature λ along a unit direction."""

    curvature: float
    direction: tuple[float, float]

    @property
    def stable_lr(self) -> float:
        """Gradient descent on this loss shrinks the distance along the axis by |1 − lr·λ| a
        step: it closes in below 2/λ and flies off above."""
        return 2 / self.curvature if self.curvature > 0 else math.inf


@dataclass(frozen=True)
class Slice:
    """The implementation's full-data loss over the parameters ``pair``, the others held at
    their closed-form optimum."""

    pair: tuple[int, int]
    names: tuple[str, str]
    centre: tuple[float, float]
    """The closed-form minimum in the pair."""
    minimum: float
    """The loss there (the implementation's own: half-MSE for scratch, MSE for concise)."""
    hessian: tuple[float, float, float]
    """(∂²/∂θᵢ², ∂²/∂θᵢ∂θⱼ, ∂²/∂θⱼ²) of that loss: G's block, twice it for MSE."""

    @classmethod
    def of(cls, started: RunStarted, pair: tuple[int, int]) -> Slice:
        """The slice through the run's optimum: the other parameters held there. The loss is
        least squares' quadratic (for l1 and Huber, the half-MSE's); where the run's optimum is
        not least squares' (those losses, or b = 0 without a bias), the slice's own minimum
        and centre move: for held values θₒ = θ*ₒ + δ, the centre is θ*ₚ − Gₚₚ⁻¹Gₚₒδ, and the
        minimum rises by ½δᵀ(Gₒₒ − GₒₚGₚₚ⁻¹Gₚₒ)δ."""
        i, j = pair
        least = started.least_squares or started.closed_form
        base = least.half_mse
        gram = started.gram
        mu, d = started.map_penalty, started.config.num_features
        if mu:  # weight decay: the objective's quadratic, G + μM, whose minimum is the ridge
            gram = tuple(
                tuple(g + (mu if r == c and r < d else 0.0) for c, g in enumerate(row))
                for r, row in enumerate(gram)
            )
            least = started.closed_form
            base = least.half_mse + mu / 2 * math.fsum(w * w for w in least.w)
        star = (*least.w, least.b)
        held = (*started.closed_form.w, started.closed_form.b)
        scale = 1 / (started.half_mse_per_loss or 1.0)  # l1, Huber: the half-MSE's map
        others = [k for k in range(len(star)) if k not in pair]
        delta = {k: held[k] - star[k] for k in others}
        pull = [sum(gram[p][k] * delta[k] for k in others) for p in pair]  # Gₚₒδ
        a, c, e = gram[i][i], gram[i][j], gram[j][j]
        det = a * e - c * c
        shift = (e * pull[0] - c * pull[1], a * pull[1] - c * pull[0])  # det · Gₚₚ⁻¹Gₚₒδ
        shift = (shift[0] / det, shift[1] / det) if det > 0 else (0.0, 0.0)
        rise = sum(delta[k] * gram[k][m] * delta[m] for k in others for m in others)
        rise -= pull[0] * shift[0] + pull[1] * shift[1]
        names = parameter_names(started.config.num_features)
        return cls(
            pair=pair,
            names=(names[i], names[j]),
            centre=(star[i] - shift[0], star[j] - shift[1]),
            minimum=(base + max(rise, 0.0) / 2) * scale,
            hessian=(a * scale, c * scale, e * scale),
        )

    def excess(self, x: float, y: float) -> float:
        """How far the loss at (x, y) is above the minimum."""
        dx, dy = x - self.centre[0], y - self.centre[1]
        a, c, e = self.hessian
        return 0.5 * (a * dx * dx + 2 * c * dx * dy + e * dy * dy)

    def loss(self, x: float, y: float) -> float:
        return self.minimum + self.excess(x, y)

    def axes(self) -> tuple[Axis, Axis]:
        """The steep axis, then the shallow one (the eigenvectors of the 2×2 Hessian)."""
        a, c, e = self.hessian
        middle, half_gap = (a + e) / 2, math.hypot((a - e) / 2, c)
        steep, shallow = middle + half_gap, max(middle - half_gap, 0.0)
        if c == 0:
            first = (1.0, 0.0) if a >= e else (0.0, 1.0)
        else:
            # (λ − e, c) solves the first row; with c ≠ 0 it is never zero.
            length = math.hypot(steep - e, c)
            first = ((steep - e) / length, c / length)
        second = (-first[1], first[0])
        return Axis(steep, first), Axis(shallow, second)

    def ellipse(self, excess: float, points: int = 96) -> list[tuple[float, float]]:
        """The level set ``loss = minimum + excess``, closed (the last point is the first).
        Along a flat axis (curvature 0) the level set is two parallel lines, far out."""
        axes = self.axes()
        (steep, u), (shallow, v) = ((axis.curvature, axis.direction) for axis in axes)
        if steep <= 0:
            return []
        ru = math.sqrt(2 * excess / steep)
        rv = math.sqrt(2 * excess / shallow) if shallow > steep * 1e-12 else ru * 1e6
        cx, cy = self.centre
        drawn = []
        for k in range(points + 1):
            t = 2 * math.pi * k / points
            a, b = ru * math.cos(t), rv * math.sin(t)
            drawn.append((cx + a * u[0] + b * v[0], cy + a * u[1] + b * v[1]))
        return drawn


Box = tuple[float, float, float, float]
"""(left, right, bottom, top)."""


def view(
    points: list[tuple[float, float]], columns: int, rows: int, pad: float = 0.08
) -> tuple[Box, float]:
    """The smallest box around ``points`` (padded) whose two axes have the same scale on a
    braille canvas of ``columns`` × ``rows`` cells (2 × 4 dots each, and a dot is about square):
    an ellipse then looks as long as it is, and a step across the valley as steep. Also the
    size of one dot, in parameter units."""
    xs, ys = [x for x, _ in points], [y for _, y in points]
    left, right, bottom, top = min(xs), max(xs), min(ys), max(ys)
    # A single point still gets a view: a little around it, relative to its size.
    floor = 1e-3 * max(1.0, *(abs(v) for v in (left, right, bottom, top)))
    width = max(right - left, floor) * (1 + 2 * pad)
    height = max(top - bottom, floor) * (1 + 2 * pad)
    dot = max(width / (2 * columns), height / (4 * rows))
    middle_x, middle_y = (left + right) / 2, (bottom + top) / 2
    half_x, half_y = dot * columns, dot * 2 * rows
    return (middle_x - half_x, middle_x + half_x, middle_y - half_y, middle_y + half_y), dot


def clipped(points: list[tuple[float, float]], box: Box) -> list[list[tuple[float, float]]]:
    """The parts of a polyline inside ``box``, cut exactly where it crosses the edge (a plot
    library left to clip lines whose ends lie far outside draws them displaced)."""
    left, right, bottom, top = box
    runs: list[list[tuple[float, float]]] = []
    current: list[tuple[float, float]] = []
    for (x0, y0), (x1, y1) in pairwise(points):
        # Liang–Barsky: the segment's parameter range [t0, t1] inside the box.
        t0, t1, dx, dy = 0.0, 1.0, x1 - x0, y1 - y0
        inside = True
        for p, q in ((-dx, x0 - left), (dx, right - x0), (-dy, y0 - bottom), (dy, top - y0)):
            if p == 0:
                inside = inside and q >= 0
            elif p < 0:
                t0 = max(t0, q / p)
            else:
                t1 = min(t1, q / p)
        if not inside or t0 > t1:
            if current:
                runs.append(current)
                current = []
            continue
        enter = (x0 + t0 * dx, y0 + t0 * dy)
        leave = (x0 + t1 * dx, y0 + t1 * dy)
        if not current or t0 > 0:
            if current:
                runs.append(current)
            current = [enter]
        current.append(leave)
        if t1 < 1:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs


def levels(piece: Slice, box: Box, dot: float) -> list[float]:
    """Log-spaced excess losses (1, 3 per decade, or every decade, or every other) for the
    contours that show in ``box``: from an ellipse two dots long to the farthest corner."""
    left, right, bottom, top = box
    highest = max(piece.excess(x, y) for x in (left, right) for y in (bottom, top))
    shallow = piece.axes()[1].curvature
    lowest = 0.5 * shallow * (2 * dot) ** 2 if shallow > 0 else highest * 1e-6
    if not highest > lowest > 0 or not math.isfinite(highest):
        return []
    for mantissas, every in (((1, 3), 1), ((1,), 1), ((1,), 2), ((1,), 3), ((1,), 6)):
        chosen = [
            m * 10.0**e
            for e in range(math.floor(math.log10(lowest)), math.ceil(math.log10(highest)) + 1)
            if e % every == 0
            for m in mantissas
            if lowest <= m * 10.0**e <= highest
        ]
        if len(chosen) <= MOST_LEVELS:
            return chosen
    return chosen[-MOST_LEVELS:]


def thin(points: list[tuple[float, float]], box: Box, dot: float) -> list[tuple[float, float]]:
    """The points a canvas can tell apart, first and last kept: a point in the same dot as the
    last one kept is dropped. Every turn of a zigzag wider than a dot stays."""
    if len(points) <= 2:
        return points
    left, _, bottom, _ = box
    kept = [points[0]]
    last = (int((points[0][0] - left) / dot), int((points[0][1] - bottom) / dot))
    for x, y in points[1:-1]:
        here = (int((x - left) / dot), int((y - bottom) / dot))
        if here != last:
            kept.append((x, y))
            last = here
    kept.append(points[-1])
    return kept


class Recording:
    """θ after each recorded step of one run, kept compactly (8 bytes a number) for the
    landscape's path and for replay. Step 0 is the start."""

    def __init__(self, started: RunStarted) -> None:
        self.config = started.config
        self.steps_per_epoch = started.steps_per_epoch
        self.width = started.config.num_features + 1
        self.every = started.path_every
        """1: every step is here; k: every k-th step (a long run)."""
        self.steps = array("q", [0])
        start = (*started.initial_w, started.initial_b)
        self.values = array("d", start)
        best = started.closed_form
        self._optimum = (*best.w, best.b)
        self._reach = FOLLOW * max(self._distance(start), 1e-9)
        self.left: int | None = None
        """The index of the first θ beyond FOLLOW times the start's distance from the
        optimum (or not finite): where a diverging path leaves the map."""
        self._pairs: dict[tuple[int, int], list[tuple[float, float]]] = {}
        """pair() as drawn, kept and extended: a redraw does not rebuild 100,000 points."""

    def _distance(self, theta: tuple[float, ...]) -> float:
        return math.dist(theta, self._optimum)

    def add(self, progress: Progress) -> None:
        start = len(self.steps)
        self.steps.extend(progress.path_steps)
        self.values.extend(progress.path)
        if self.left is None:
            for index in range(start, len(self.steps)):
                if not self._distance(self.theta(index)) <= self._reach:  # nan too
                    self.left = index
                    break

    def __len__(self) -> int:
        return len(self.steps)

    def theta(self, index: int) -> tuple[float, ...]:
        start = index * self.width
        return tuple(self.values[start : start + self.width])

    def pair(self, i: int, j: int) -> list[tuple[float, float]]:
        """(θᵢ, θⱼ) at every recorded step (the list is kept: do not change it)."""
        points = self._pairs.setdefault((i, j), [])
        values, width = self.values, self.width
        start = len(points) * width
        points.extend(zip(values[start + i :: width], values[start + j :: width], strict=True))
        return points

    def index_of(self, step: int) -> int:
        """The index of the latest recorded step at or before ``step``."""
        return max(bisect_right(self.steps, step) - 1, 0)

    def moved(self, index: int, move: str) -> int:
        """Where a replay key goes from ``index``: ``step`` and ``-step`` one recorded step on
        or back, ``epoch`` and ``-epoch`` to the next or the previous epoch's end (the start
        counts as the end of epoch 0), ``first`` and ``last`` to the ends."""
        last = len(self.steps) - 1
        per_epoch, now = self.steps_per_epoch, self.steps[index]
        match move:
            case "step":
                return min(index + 1, last)
            case "-step":
                return max(index - 1, 0)
            case "epoch":
                # The next multiple of steps_per_epoch (or the last step, which may be short
                # of it when the run ended early), at or before which a step is kept.
                target = (now // per_epoch + 1) * per_epoch
                if target > self.steps[last]:
                    return last
                return max(self.index_of(target), index + 1)  # on, however sparse the record
            case "-epoch":
                target = ((now - 1) // per_epoch) * per_epoch if now > 0 else 0
                return self.index_of(target)
            case "first":
                return 0
            case "last":
                return last
        raise ValueError(f"no such move: {move}")

    def epoch_and_step(self, index: int) -> tuple[int, int]:
        """The replayed step as the log and inspector count it: (epoch, step within it), the
        start being (1, 0)."""
        step = self.steps[index]
        if step == 0:
            return 1, 0
        return (step - 1) // self.steps_per_epoch + 1, (step - 1) % self.steps_per_epoch + 1
