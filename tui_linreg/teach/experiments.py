"""The questions of the presets beyond the lessons' exercises (the valley's shape, the
optimisers, weight decay, held-out data, the built-in data sets), and how their runs answer
them. exercises.py adds them to its catalogue. Imports neither Textual nor torch.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from tui_linreg.engine.events import Outcome
from tui_linreg.i18n import N_
from tui_linreg.teach.beyond import GAP, best_line
from tui_linreg.teach.dynamics import Run, contractions, curvatures, from_optimum
from tui_linreg.teach.questions import ENDS, Judged, Question, note_of, reached


def _valley(runs: Sequence[Run]) -> Judged:
    """Where the run ended, and the valley's shape that decided it: λmax/λmin, and the lr
    that the steep side allows."""
    judged = reached(runs)
    started, end = runs[-1]
    both, curvature = contractions(started), curvatures(started)
    if both is None or not curvature or end.outcome != Outcome.FINISHED:
        return judged
    flat = both[1]
    note = note_of(
        "valley",
        N_(
            "{note} The loss here is {ratio:.3g} times as steep across its valley as along "
            "it (λmax/λmin). The lr must stay below what the steep side allows, so along "
            "the flat side each step keeps {flat:.4f} of the distance: {taken:,} steps leave "
            "{left:.2g} of it."
        ),
        note=judged.note.text,
        ratio=curvature[-1] / curvature[0],
        flat=flat.factor,
        taken=end.step,
        left=flat.left_after(end.step),
    )
    return Judged(judged.value, note)


_OPTIMISERS = {"sgd": 0, "momentum": 1, "nesterov": 1, "adam": 2}
"""The optimisers question's choices, by optimiser."""


def _closest_optimiser(runs: Sequence[Run]) -> Judged:
    distances = {start.config.optimizer: from_optimum(end) for start, end in runs}
    best = min(distances, key=distances.__getitem__)
    note = note_of(
        "optimisers",
        N_(
            "From their optimum: SGD ended {sgd:.3g} away, momentum {momentum:.3g}, Nesterov "
            "{nesterov:.3g}, Adam {adam:.3g}. Down a long, flat valley plain SGD crawls; "
            "momentum gathers speed along it. The map (f9) draws their paths."
        ),
        **{name: distances.get(name, math.inf) for name in _OPTIMISERS},
    )
    return Judged(_OPTIMISERS[best], note)


def _shrunk(runs: Sequence[Run]) -> Judged:
    """0: about least squares' length; 1: shorter; 2: about 0."""
    started, end = runs[-1]
    plain = started.least_squares
    if plain is None or end.outcome != Outcome.FINISHED:
        return reached(runs)
    length = math.hypot(*end.w) / math.hypot(*plain.w)
    value = 0 if length > 0.9 else 2 if length < 0.1 else 1
    note = note_of(
        "weight-decay-question",
        N_(
            "The weights ended {length:.0%} as long as least squares' ({w}). Decay pulls "
            "every weight toward 0 in proportion to its size, and the data pulls back: they "
            "meet in between, at the ridge optimum (the table's ridge column)."
        ),
        length=length,
        w=", ".join(f"{x:.3g}" for x in end.w),
    )
    return Judged(value, note)


def _gap(runs: Sequence[Run]) -> Judged:
    """0: both losses near 0; 1: the training loss near 0, the held-out far above; 2: both
    high."""
    started, end = runs[-1]
    last = end.history[-1] if end.history else None
    if last is None or last.val_half_mse is None or end.outcome != Outcome.FINISHED:
        return reached(runs)
    train, held = last.half_mse, last.val_half_mse
    learned = train < 0.1 * started.initial_half_mse
    value = 2 if not learned else 1 if held > GAP * train else 0
    note = note_of(
        "overfit",
        N_(
            "Training half-MSE {train:.3g} (it started at {start:.3g}); held-out {held:.3g}. "
            "With as many weights as this, the model can pass through every training "
            "example, noise and all; the held-out examples have other noise."
        ),
        train=train,
        start=started.initial_half_mse,
        held=held,
    )
    return Judged(value, note)


def _galton_slope(runs: Sequence[Run]) -> Judged:
    end = runs[-1][1]
    slope, _intercept = best_line(end)
    note = note_of(
        "galton-slope",
        N_(
            "The best line's slope is {slope:.3f}: a child's height moves {slope:.2f} inches "
            "for each inch of the parents' average. Not 1: tall parents' children are, on "
            "average, less tall than their parents."
        ),
        slope=slope,
    )
    return Judged(slope, note)


def _same_lines(runs: Sequence[Run]) -> Judged:
    """0: four different lines; 1: two; 2: one line, four times."""
    lines = set()
    for _start, end in runs:
        slope, intercept = best_line(end)
        lines.add((round(slope, 2), round(intercept, 1)))
    value = 2 if len(lines) == 1 else 1 if len(lines) == 2 else 0
    note = note_of(
        "anscombe-lines",
        N_("All {count} data sets have the same best line, to two decimals.")
        if len(lines) == 1
        else N_("The {count} data sets have {lines} different best lines."),
        count=len(runs),
        lines=len(lines),
    )
    return Judged(value, note)


_VALLEY = (N_("at the answer"), N_("still far from it"), ENDS[2])

EXPERIMENTS = (
    Question(
        "correlated",
        N_("Two features correlated 0.95, lr 0.1. After the lesson's 3 epochs, where is it?"),
        _VALLEY,
        _valley,
    ),
    Question(
        "uncorrelated",
        N_("Two independent features, lr 0.1. After the lesson's 3 epochs, where is it?"),
        _VALLEY,
        _valley,
    ),
    Question(
        "badly-scaled",
        N_("x[1] spread 10× as wide as x[0], lr 0.015. After the lesson's 3 epochs, where is it?"),
        _VALLEY,
        _valley,
    ),
    Question(
        "standardised",
        N_(
            "badly-scaled's twin with both features standardised, at lr 0.5. After 3 "
            "epochs, where is it?"
        ),
        _VALLEY,
        _valley,
    ),
    Question(
        "optimisers",
        N_(
            "SGD, momentum, Nesterov and Adam down a long valley (features correlated 0.95), "
            "all at lr 0.05 for 3 epochs. Which ends closest to its optimum?"
        ),
        (N_("SGD"), N_("momentum or Nesterov"), N_("Adam")),
        _closest_optimiser,
    ),
    Question(
        "weight-decay",
        N_(
            "Weight decay 1 on the lesson's data. Least squares' weights are about "
            "(2, −3.4): where do this run's end?"
        ),
        (
            N_("about the same: decay only steadies the steps"),
            N_("shorter: pulled toward 0"),
            N_("at 0"),
        ),
        _shrunk,
    ),
    Question(
        "overfit",
        N_(
            "100 features, 20 training examples, 100 more held out, 100 epochs. How do "
            "the two losses end?"
        ),
        (
            N_("both near 0"),
            N_("training near 0, held-out far above it"),
            N_("both high: it cannot learn"),
        ),
        _gap,
    ),
    Question(
        "galton",
        N_(
            "Galton's 928 children against their parents' average height. What is the "
            "best line's slope?"
        ),
        (),
        _galton_slope,
        within=0.1,
    ),
    Question(
        "galton-raw",
        N_("Galton's heights in inches (near 68), not standardised, at lr 0.03. What happens?"),
        (N_("it learns the same line"), N_("it learns, slowly"), ENDS[2]),
        reached,
    ),
    Question(
        "anscombe",
        N_("Anscombe's four data sets, one run each: how many different best lines?"),
        (N_("four"), N_("two"), N_("one line, four times")),
        _same_lines,
    ),
)
"""The questions beyond the exercises."""
