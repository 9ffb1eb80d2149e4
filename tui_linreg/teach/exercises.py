"""The exercise presets' questions, and how each one's runs answer it (the model of a question,
a prediction and its verdict is questions.py). A question never gives its answer away: the
preset list shows it, and only the run says. Imports neither Textual nor torch.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from tui_linreg.engine.events import Outcome, RunEnded
from tui_linreg.i18n import N_
from tui_linreg.teach.dynamics import Run, contractions, ratio_to_optimum
from tui_linreg.teach.experiments import EXPERIMENTS
from tui_linreg.teach.questions import (
    CLOSE_TO_OPTIMUM,
    ENDS,
    Judged,
    Question,
    closer,
    distance_to_truth,
    note_of,
    reached,
)


def _zero_init(runs: Sequence[Run]) -> Judged:
    """0: where the lesson ends; 1: stuck at 0; 2: still far (or worse)."""
    end = runs[-1][1]
    judged = reached(runs)
    value = 1 if max(map(abs, end.w)) < 1e-6 else 0 if judged.value == 0 else 2
    convex = note_of(
        "zero-init",
        N_(
            "{note} The loss is convex, a bowl with one lowest point: every start rolls to "
            "it, and w = 0 is as good a start as any. (A network with hidden layers is "
            "another story: there, equal weights stay equal.)"
        ),
        note=judged.note.text,
    )
    return Judged(value, convex)


def _outlier(runs: Sequence[Run]) -> Judged:
    squared, huber = (distance_to_truth(end) for _, end in runs[:2])
    value = closer(squared, huber)
    note = note_of(
        "outlier-huber",
        N_(
            "Squared loss's line ends {squared:.3g} from the true one, Huber's {huber:.3g}. "
            "The outlier's residual is squared in the first: it pulls the line by its square. "
            "Huber counts it only linearly past δ, so its line stays with the other examples. "
            "Compare the lines, not the losses: the two losses measure different things."
        ),
        squared=squared,
        huber=huber,
    )
    return Judged(value, note)


def _uneven(runs: Sequence[Run]) -> Judged:
    started, end = runs[-1]
    n, batch = started.config.num_examples, started.config.batch_size
    if end.outcome == Outcome.FAILED:
        value = 2
    else:
        value = 0 if started.steps_per_epoch == math.ceil(n / batch) else 1
    note = note_of(
        "uneven-batches",
        N_(
            "{n} examples in batches of {batch}: {steps} steps an epoch, the last with "
            "{last} examples. data_iter slices indices[i: min(i + batch_size, n)], so the "
            "last slice is just shorter."
        ),
        n=n,
        batch=batch,
        steps=started.steps_per_epoch,
        last=n - (started.steps_per_epoch - 1) * batch,
    )
    return Judged(value, note)


def _creeping_steps(runs: Sequence[Run]) -> Judged:
    started, end = runs[-1]
    both = contractions(started)
    assert both is not None, "lr-too-small trains plain SGD on a squared loss"
    flat = both[1]
    note = note_of(
        "lr-too-small",
        N_(
            "Each step multiplies the distance along the flattest direction by {factor:.4f}: "
            "{steps:,.0f} steps to get within 1% of the start. This run took {taken:,}, and its "
            "half-MSE is still {ratio:.3g}× the optimum's."
        ),
        factor=flat.factor,
        steps=flat.steps_to_close,
        taken=end.step,
        ratio=ratio_to_optimum(end),
    )
    return Judged(flat.steps_to_close, note)


def _first_diverged(runs: Sequence[Run]) -> Judged:
    diverged = [start.config.learning_rate for start, end in runs if end.outcome != "finished"]
    first = min(diverged, default=math.inf)
    started = runs[0][0]
    bound = started.stable_lr or math.inf
    note = note_of(
        "lr-sweep",
        N_(
            "The first lr that flew off was {first:.3g}; full-batch gradient descent is stable "
            "below {bound:.3g} = 2/λmax. Below it every run learns, slowly at the small end."
        ),
        first=first,
        bound=bound,
    )
    return Judged(first, note)


def _optimum_error(end: RunEnded) -> float:
    """|w* − w|: how far the data's own best answer (least squares) is from the truth."""
    config, best = end.config, end.closed_form
    return math.dist((*best.w, best.b), (*config.true_w, config.true_b))


def _error_slope(runs: Sequence[Run]) -> Judged:
    points = [
        (math.log(start.config.num_examples), math.log(_optimum_error(end)))
        for start, end in runs
        if 0 < _optimum_error(end) < math.inf
    ]
    if len(points) < 2:
        return Judged(math.nan, note_of("error-vs-n", N_("Too few runs finished to fit a slope.")))
    mean_x = math.fsum(x for x, _ in points) / len(points)
    mean_y = math.fsum(y for _, y in points) / len(points)
    slope = math.fsum((x - mean_x) * (y - mean_y) for x, y in points) / math.fsum(
        (x - mean_x) ** 2 for x, _ in points
    )
    note = note_of(
        "error-vs-n",
        N_(
            "On log-log axes the data's own error |w* − w| (its best line against the true "
            "one) falls with slope {slope:.2f} over {runs} data sets; the theory says −½: "
            "the error shrinks like 1/√n, so 100× the data buys 10× the accuracy."
        ),
        slope=slope,
        runs=len(points),
    )
    return Judged(slope, note)


def _fails_or_drifts(runs: Sequence[Run]) -> Judged:
    end = runs[-1][1]
    value = (
        2
        if end.outcome == Outcome.FAILED
        else 0
        if ratio_to_optimum(end) <= CLOSE_TO_OPTIMUM
        else 1
    )
    note = note_of(
        "no-reshape",
        N_("This run ended {distance:.3g} from the true parameters."),
        distance=distance_to_truth(end),
    )
    return Judged(value, note)


def _sorted(runs: Sequence[Run]) -> Judged:
    ratio = ratio_to_optimum(runs[-1][1])
    value = reached(runs).value  # at the answer, off it, or flown off
    note = note_of(
        "sorted-order",
        N_(
            "This run ended at {ratio:.3g}× the optimum's half-MSE. Sorted by y, each epoch "
            "ends on a run of the highest labels, and a large lr follows them: the last steps "
            "decide where it stops. Shuffling makes every stretch of steps a fair sample."
        ),
        ratio=ratio,
    )
    return Judged(value, note)


def _decay(runs: Sequence[Run]) -> Judged:
    constant, decaying = (
        math.dist((*end.w, end.b), (*end.closed_form.w, end.closed_form.b)) for _, end in runs[:2]
    )
    value = closer(constant, decaying)
    note = note_of(
        "l1-decay",
        N_(
            "With a constant lr the run ends {constant:.3g} from the l1 optimum, with lr × 0.7 "
            "an epoch {decaying:.3g}. The absolute error's gradient never shrinks near the "
            "optimum (it is ±1 per example), so a constant lr keeps stepping past it; only a "
            "shrinking lr settles."
        ),
        constant=constant,
        decaying=decaying,
    )
    return Judged(value, note)


def _sum_lr(runs: Sequence[Run]) -> Judged:
    started, end = runs[-1]
    batch = started.config.batch_size
    note = note_of(
        "sum-loss",
        N_(
            "A sum over the batch is |B| = {batch} times its mean, and so is its gradient: "
            "lr 0.03 / {batch} = {lr:.3g} takes the mean's very steps. This run, at that lr, "
            "ended at {ratio:.3g}× the optimum's half-MSE."
        ),
        batch=batch,
        lr=0.03 / batch,
        ratio=ratio_to_optimum(end),
    )
    return Judged(2, note)


def _resistance(runs: Sequence[Run]) -> Judged:
    """Where the learned R ended, against the truth and the data's best."""
    judged = reached(runs)
    end = runs[-1][1]
    if end.outcome != Outcome.FINISHED:
        return judged
    note = note_of(
        "ohms-law",
        N_(
            "The learned R is {r:.4f} Ω; the data's best is {best:.4f} Ω and the truth "
            "{true:g} Ω. Autograd found the resistance from V and I alone: the gradient of "
            "the squared error with respect to R is all the update needs."
        ),
        r=end.w[0],
        best=end.closed_form.w[0],
        true=end.config.true_w[0],
    )
    return Judged(judged.value, note)


def _left_after(runs: Sequence[Run]) -> Judged:
    started, end = runs[-1]
    both = contractions(started)
    assert both is not None, "lr-too-small-10 trains plain SGD on a squared loss"
    flat = both[1]
    left = flat.left_after(end.step)
    note = note_of(
        "lr-too-small-10",
        N_(
            "Each step multiplies the distance along the flattest direction by {factor:.4f}, "
            "so {taken:,} steps leave {left:.2f} of it: {factor:.4f} to the power {taken:,}. "
            "Ten times the epochs did not make up for a learning rate 30 times too small."
        ),
        factor=flat.factor,
        taken=end.step,
        left=left,
    )
    return Judged(left, note)


def _fixed_order(runs: Sequence[Run]) -> Judged:
    judged = reached(runs)
    note = note_of(
        "no-shuffle",
        N_(
            "{note} An order drawn at random once is a fair sample in every stretch of steps, "
            "even if it repeats: what drags a run is an order that follows the labels, as "
            "sorted-order's does."
        ),
        note=judged.note.text,
    )
    return Judged(judged.value, note)


def _mean_steps(runs: Sequence[Run]) -> Judged:
    started, end = runs[-1]
    batch = started.config.batch_size
    note = note_of(
        "mean-loss",
        N_(
            "A sum over a batch of {batch} is {batch} times its mean, and so is its gradient: "
            "at the same lr its steps are {batch}× as long. This run, the mean at lr {lr:g}, "
            "ended at {ratio:.3g}× the optimum's half-MSE."
        ),
        batch=batch,
        lr=started.config.learning_rate,
        ratio=ratio_to_optimum(end),
    )
    return Judged(batch, note)


QUESTIONS: Mapping[str, Question] = {
    q.preset: q
    for q in (
        Question(
            "zero-init",
            N_("w starts at exactly 0, not at random. After the lesson's 3 epochs, where is it?"),
            (
                N_("about where the lesson's run ends"),
                N_("stuck at 0: from equal weights nothing moves"),
                N_("still far from the answer"),
            ),
            _zero_init,
        ),
        Question(
            "large-init",
            N_("w starts from N(0, 1000), std 31.6. After the lesson's 3 epochs, where is it?"),
            ENDS,
            reached,
        ),
        Question(
            "ohms-law",
            N_(
                "Learn a resistance: V = I·R through the origin, R = 5 Ω, lr 0.1. After the "
                "lesson's 3 epochs, where is the learned R?"
            ),
            (N_("about 5 Ω, the true R"), N_("still far from it"), ENDS[2]),
            _resistance,
        ),
        Question(
            "lr-too-small-10",
            N_(
                "lr 0.001 for 10 epochs, 1000 steps. Along the flattest direction of the loss, "
                "what share of the starting distance to the optimum is still left (0 to 1)?"
            ),
            (),
            _left_after,
            within=0.1,
        ),
        Question(
            "reshuffled",
            N_(
                "sorted-order's twin: the same lr 0.1, on examples shuffled every epoch. "
                "Where does the run end?"
            ),
            (
                N_("at the answer"),
                N_("off the answer, dragged by the last examples"),
                ENDS[2],
            ),
            _sorted,
        ),
        Question(
            "no-shuffle",
            N_(
                "The examples in one random order, the same every epoch, never reshuffled. "
                "Where does the run end?"
            ),
            (
                N_("at the answer, as shuffled does"),
                N_("off the answer, dragged by the last examples"),
                ENDS[2],
            ),
            _fixed_order,
        ),
        Question(
            "mean-loss",
            N_(
                "nn.MSELoss's mean at lr 0.03, batches of 16. A sum at the same lr: how many "
                "times as long would its steps be?"
            ),
            (),
            _mean_steps,
            unit=N_("times"),
            within=0.5,
        ),
        Question(
            "full-batch",
            N_("All 1000 examples in every step, lr 0.5: 50 steps in all. Where does the run end?"),
            ENDS,
            reached,
        ),
        Question(
            "high-dimension",
            N_(
                "Ten features instead of two, the lesson's lr 0.03 and 3 epochs. Where does "
                "the run end?"
            ),
            ENDS,
            reached,
        ),
        Question(
            "lr-too-large",
            N_("lr 10 instead of 0.03. What happens?"),
            (N_("it learns faster"), N_("it learns, zigzagging"), ENDS[2]),
            reached,
        ),
        Question(
            "lr-too-small",
            N_(
                "lr 0.001 instead of 0.03. Along the flattest direction of the loss, how many "
                "steps until the distance to the optimum is down to 1% of where it started?"
            ),
            (),
            _creeping_steps,
            unit=N_("steps"),
        ),
        Question(
            "lr-sweep",
            N_("lr from 1e-4 to 10, twelve runs. From which lr on does a run fly off?"),
            (),
            _first_diverged,
        ),
        Question(
            "uneven-batches",
            N_("1003 examples in batches of 10. What becomes of the last 3?"),
            (
                N_("a short last batch of 3"),
                N_("they are dropped"),
                N_("data_iter raises an error"),
            ),
            _uneven,
        ),
        Question(
            "outlier-huber",
            N_(
                "y[5] = 10000, one wild label. Squared loss, then Huber: whose line ends "
                "closer to the true one?"
            ),
            (N_("squared loss's"), N_("Huber's"), N_("about the same")),
            _outlier,
        ),
        Question(
            "sorted-order",
            N_("The examples sorted by y, never shuffled, lr 0.1. Where does the run end?"),
            (
                N_("at the answer, as shuffled does"),
                N_("off the answer, dragged by the last examples"),
                ENDS[2],
            ),
            _sorted,
        ),
        Question(
            "no-reshape",
            N_("squared_loss without its reshape: y has shape (10,), ŷ (10, 1). What happens?"),
            (
                N_("it trains as before"),
                N_("it trains, to the wrong line"),
                N_("PyTorch raises an error"),
            ),
            _fails_or_drifts,
        ),
        Question(
            "l1-decay",
            N_(
                "The absolute error (l1) at lr 0.1: a constant lr, then lr × 0.7 each epoch. "
                "Which ends closer to the l1 optimum?"
            ),
            (N_("the constant lr"), N_("the decaying lr"), N_("about the same")),
            _decay,
        ),
        Question(
            "sum-loss",
            N_(
                "A summed loss instead of the mean, batches of 16. Which lr takes the same "
                "steps as the mean at lr 0.03?"
            ),
            (N_("0.03, the same"), N_("0.03 × 16 = 0.48"), N_("0.03 / 16 ≈ 0.0019")),
            _sum_lr,
        ),
        Question(
            "error-vs-n",
            N_(
                "n from 10 to 10000. On log-log axes, the error of the best line, |w* − w|, "
                "against n is a line: what is its slope?"
            ),
            (),
            _error_slope,
            within=0.15,
        ),
        *EXPERIMENTS,
    )
}
"""Every preset's question, by preset: the exercises', then the experiments'."""
