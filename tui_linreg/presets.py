"""The lessons' experiments and the textbook's exercises, as named starting points."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from tui_linreg.config import SETTINGS, ConfigError, Mistake, TrainConfig, quoted
from tui_linreg.i18n import N_, _
from tui_linreg.teach.exercises import QUESTIONS


@dataclass(frozen=True)
class Preset:
    name: str
    description: str
    """One line; an exercise's preset asks its question, after its number."""
    changes: dict[str, Any]
    group: str = N_("the lessons' runs")
    """Where the presets screen lists it (GROUPS)."""
    exercises: tuple[str, ...] = ()
    """The exercises it answers, by d2l-en's section and number: ``3.4.8``."""
    sweep: str = ""
    """A sweep the preset runs, for the presets that compare (``loss=half-squared,huber``);
    "" for one run. The form's sweep field and ``train --preset`` take it."""

    @property
    def summary(self) -> str:
        """What a list of presets shows: an exercise's question (its run answers it after),
        or the description."""
        question = QUESTIONS.get(self.name)
        if question is None:
            return _(self.description)
        return ", ".join((*self.exercises, _(question.text)))

    def apply(self, base: TrainConfig | None = None) -> TrainConfig:
        """The preset's settings on top of the defaults. A preset is an experiment: how it is
        run (``base``'s device, and what changes no result, such as the pace) is kept."""
        start = TrainConfig()
        if base is not None:
            kept = [
                name for name, s in SETTINGS.items() if name == "device" or not s.affects_result
            ]
            start = dataclasses.replace(start, **{name: getattr(base, name) for name in kept})
        return dataclasses.replace(start, **self.changes)


LESSON = N_("the lessons' runs")
SCRATCH = N_("exercises of the scratch lesson (d2l-en §3.4, d2l-zh 2.0 §3.2)")
CONCISE = N_("exercises of the concise lesson (d2l-en §3.5, d2l-zh 2.0 §3.3)")
VALLEY = N_("the shape of the valley (f9 draws it)")
PITFALLS = N_("the lesson's pitfalls, tried for real (f8 shows why)")
BEYOND = N_("optimisers, weight decay and held-out data (d2l §3.7, §12)")
REAL = N_("real data: the built-in data sets (tui-linreg datasets)")
GROUPS = (LESSON, SCRATCH, CONCISE, VALLEY, PITFALLS, BEYOND, REAL)
"""The presets screen's groups, in order."""

EDITIONS = N_(
    "Every preset follows the classic lessons, d2l-zh 2.0 §3.2 and §3.3 (the same as d2l-en 0.17 "
    "§3.2 and §3.3: a summed loss that sgd divides by the batch size), except d2l-en-1.0."
)

_OVERFIT: dict[str, Any] = {
    "implementation": "concise",
    "num_examples": 20,
    "true_w": (0.01,) * 100,
    "true_b": 0.05,
    "val_examples": 100,
    "batch_size": 5,
    "learning_rate": 0.003,
    "epochs": 100,
}
"""d2l §3.7's experiment (its 200 features, here the most the table shows: 100)."""

PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset("default", N_("the lesson's run: lr 0.03, batch 10, 3 epochs"), {}, LESSON),
        Preset(
            "d2l-en-1.0",
            N_(
                "d2l-en 1.0 §3.4/3.5: a mean loss, batch 32, lr 0.03, 1000 validation examples: "
                "96 steps, w still 0.1 off, as the book prints"
            ),
            {"batch_size": 32, "val_examples": 1000},
            LESSON,
        ),
        Preset(
            "zero-init",
            N_("3.4.1: what if w starts at exactly 0? It still learns (the loss is convex)"),
            {"init_std": 0.0},
            SCRATCH,
            ("3.4.1",),
        ),
        Preset(
            "large-init",
            N_("3.4.1: and from N(0, 1000), the exercise's variance (std 31.6)? A long way to go"),
            {"init_std": 1000**0.5},
            SCRATCH,
        ),
        Preset(
            "ohms-law",
            N_(
                "3.4.2: learn a resistance with autograd: V = I·R through the origin, R = 5 Ω "
                "(synthetic: I ~ N(0, 0.5²) A, 0.1 V of noise)"
            ),
            {
                "bias": False,
                "true_w": (5.0,),
                "true_b": 0.0,
                "feature_scales": (0.5,),
                "noise_std": 0.1,
                "learning_rate": 0.1,
            },
            SCRATCH,
            ("3.4.2",),
        ),
        Preset(
            "no-reshape",
            N_("3.4.5: why does squared_loss reshape? Without it, it trains on a 10×10 loss"),
            {"pitfalls": ("no-reshape",)},
            SCRATCH,
            ("3.4.5",),
        ),
        Preset(
            "lr-sweep",
            N_("3.4.6, 3.5.4: how do lr and epochs change the result? lr 1e-4 to 10, log-spaced"),
            {},
            SCRATCH,
            ("3.4.6", "3.5.4"),
            sweep="lr=1e-4..10:log:12",
        ),
        Preset(
            "lr-too-small",
            N_("lr 0.001 for 3 epochs: far from the answer"),
            {"learning_rate": 0.001},
            SCRATCH,
        ),
        Preset(
            "lr-too-small-10",
            N_("lr 0.001 for 10 epochs: still not there"),
            {"learning_rate": 0.001, "epochs": 10},
            SCRATCH,
        ),
        Preset(
            "lr-too-large",
            N_("lr 10: diverges in the first epoch"),
            {"learning_rate": 10.0, "epochs": 10},
            SCRATCH,
        ),
        Preset(
            "uneven-batches",
            N_("3.4.7: what if n is not a multiple of the batch? 1003 in 10s: a short last batch"),
            {"num_examples": 1003},
            SCRATCH,
            ("3.4.7",),
        ),
        Preset(
            "outlier-huber",
            N_("3.4.8, 3.5.2: y[5] = 10000: squared loss, then Huber: which line does it drag?"),
            {"outliers": ((5, 10000.0),), "epochs": 5},
            SCRATCH,
            ("3.4.8", "3.5.2"),
            sweep="loss=half-squared,huber",
        ),
        Preset(
            "l1-decay",
            N_(
                "3.4.8: and the absolute error? At lr 0.1 a constant rate never settles; × 0.7 an "
                "epoch does"
            ),
            {"loss_function": "l1", "learning_rate": 0.1, "lr_decay": 0.7, "epochs": 12},
            SCRATCH,
            sweep="lr_decay=1,0.7",
        ),
        Preset(
            "sorted-order",
            N_("3.4.9: why reshuffle? Sorted by y at lr 0.1, each epoch ends dragged to high y"),
            {"order": "sorted", "learning_rate": 0.1},
            SCRATCH,
            ("3.4.9",),
        ),
        Preset(
            "reshuffled",
            N_("sorted-order's twin: the same lr 0.1 on shuffled examples, straight to the answer"),
            {"learning_rate": 0.1},
            SCRATCH,
        ),
        Preset("no-shuffle", N_("the same order every epoch"), {"order": "fixed"}, SCRATCH),
        Preset(
            "sum-loss",
            N_(
                "3.5.1: a sum, not a mean: how must lr change? lr / |B| takes the mean's very steps"
            ),
            {
                "implementation": "concise",
                "loss_function": "sum",
                "batch_size": 16,
                "num_examples": 1024,
                "learning_rate": 0.03 / 16,
            },
            CONCISE,
            ("3.5.1",),
        ),
        Preset(
            "mean-loss",
            N_("sum-loss's twin: nn.MSELoss's mean at lr 0.03 (a sum at 0.03 takes 16× its steps)"),
            {
                "implementation": "concise",
                "loss_function": "mse",
                "batch_size": 16,
                "num_examples": 1024,
            },
            CONCISE,
        ),
        Preset(
            "error-vs-n",
            N_("3.5.5: how does the error fall with n? n 10 to 10000, noise 1: as |w* − w|, 1/√n"),
            {
                "implementation": "concise",
                "noise_std": 1.0,
                "epochs": 30,
                "learning_rate": 0.1,
                "lr_decay": 0.8,
            },
            CONCISE,
            ("3.5.5",),
            sweep="num_examples=10..10000:log:10",
        ),
        Preset(
            "batch-1",
            N_("pure stochastic gradient descent: one example per step"),
            {"implementation": "concise", "batch_size": 1},
            CONCISE,
        ),
        Preset(
            "full-batch",
            N_("all 1000 examples per step: plain gradient descent"),
            {"implementation": "concise", "batch_size": 1000, "epochs": 50, "learning_rate": 0.5},
            CONCISE,
        ),
        Preset(
            "high-dimension",
            N_("ten features instead of two"),
            {
                "implementation": "concise",
                "true_w": (2.0, -3.4, 1.0, 0.5, -1.5, 3.0, -0.7, 2.2, -2.8, 0.9),
            },
            CONCISE,
        ),
        Preset(
            "correlated",
            N_("x corr 0.95: a long thin valley; the path zigzags across it, crawls along it"),
            {"feature_correlation": 0.95, "learning_rate": 0.1},
            VALLEY,
        ),
        Preset(
            "uncorrelated",
            N_("correlated's twin: independent features, round contours, straight in"),
            {"feature_correlation": 0.0, "learning_rate": 0.1},
            VALLEY,
        ),
        Preset(
            "badly-scaled",
            N_("x[1] 10× as spread as x[0]: lr must stay under 0.018, and w[0] crawls"),
            {"feature_scales": (1.0, 10.0), "learning_rate": 0.015},
            VALLEY,
        ),
        Preset(
            "standardised",
            N_("badly-scaled's twin, standardised: lr 0.5 is stable, done in an epoch"),
            {"feature_scales": (1.0,), "learning_rate": 0.5},
            VALLEY,
        ),
        Preset(
            "forget-zero-grad",
            N_(".grad never zeroed: gradients pile up, the loss stalls"),
            {"pitfalls": ("forget-zero-grad",)},
            PITFALLS,
        ),
        Preset(
            "no-no-grad",
            N_("sgd without torch.no_grad(): PyTorch refuses the update"),
            {"pitfalls": ("no-no-grad",)},
            PITFALLS,
        ),
        Preset(
            "backward-vector",
            N_("backward() on the loss vector: PyTorch wants a scalar"),
            {"pitfalls": ("backward-vector",)},
            PITFALLS,
        ),
        Preset(
            "lesson-divisor",
            N_("1003 examples: the last batch of 3 is divided by 10"),
            {"pitfalls": ("lesson-divisor",), "num_examples": 1003},
            PITFALLS,
        ),
        Preset(
            "optimisers",
            N_(
                "SGD, momentum, Nesterov and Adam down the long valley (x corr 0.95) at one lr: "
                "momentum arrives, SGD crawls (f9: their paths)"
            ),
            {"feature_correlation": 0.95, "learning_rate": 0.05},
            BEYOND,
            sweep="optimizer=sgd,momentum,nesterov,adam",
        ),
        Preset(
            "weight-decay",
            N_(
                "--weight-decay 1: the ridge optimum pulls w from (2, −3.4) to about (1.0, −1.8); "
                "the table's ridge column"
            ),
            {"weight_decay": 1.0},
            BEYOND,
        ),
        Preset(
            "overfit",
            N_(
                "d2l §3.7: 100 features, 20 examples: the training loss goes to 0, the loss on 100 "
                "held-out examples does not"
            ),
            _OVERFIT,
            BEYOND,
        ),
        Preset(
            "overfit-decayed",
            N_("overfit's twin with weight decay 3: what becomes of the held-out loss?"),
            {**_OVERFIT, "weight_decay": 3.0},
            BEYOND,
        ),
        *(
            Preset(
                f"anscombe-{number}",
                description,
                {
                    "data": f"anscombe-{number}",
                    "standardize": True,  # the scatter and the log keep the data's units
                    "batch_size": 11,
                    "learning_rate": 0.5,
                    "epochs": 50,
                },
                REAL,
            )
            for number, description in enumerate(
                (
                    N_("Anscombe's set 1: 11 points; fit a line, then look at the data plot"),
                    N_("set 2: 11 points; does a straight line suit them? Look at the data plot"),
                    N_(
                        "set 3: 11 points; which one pulls the fit, and does --loss huber let go of it?"
                    ),
                    N_("set 4: 11 points; which of them decides the slope?"),
                ),
                start=1,
            )
        ),
        Preset(
            "anscombe",
            N_(
                "Anscombe's quartet, one run each: the same line four times (the scatter: four "
                "different data sets)"
            ),
            {
                "data": "anscombe-1",
                "standardize": True,
                "batch_size": 11,
                "learning_rate": 0.5,
                "epochs": 50,
            },
            REAL,
            sweep="data=anscombe-1,anscombe-2,anscombe-3,anscombe-4",
        ),
        Preset(
            "galton",
            N_(
                "Galton's 928 children: the slope on mid-parent height is about 0.65, not 1: "
                "regression to the mean"
            ),
            {"data": "galton", "standardize": True, "learning_rate": 0.01, "epochs": 5},
            REAL,
        ),
        Preset(
            "galton-raw",
            N_(
                "galton unstandardised: heights near 68 inches make the stable lr about 0.0004, "
                "and 0.03 diverges"
            ),
            {"data": "galton"},
            REAL,
        ),
        Preset(
            "stackloss",
            N_(
                "Brownlee's stack loss by least squares, then Huber: how far do its four outlying "
                "days pull the plain fit?"
            ),
            {
                "data": "stackloss",
                "standardize": True,
                "batch_size": 21,
                "learning_rate": 0.5,
                "epochs": 300,
            },
            REAL,
            sweep="loss=half-squared,huber",
        ),
    )
}

EXERCISES = {number: p.name for p in PRESETS.values() for number in p.exercises}
"""An exercise's number (3.4.8: d2l-en §3.4, exercise 8) → the preset that answers it; a
number works wherever a preset's name does."""


def preset(name: str) -> Preset:
    """The preset of that name, or of that exercise's number (``3.4.8``)."""
    try:
        return PRESETS[EXERCISES.get(name, name)]
    except KeyError:
        names = ", ".join(PRESETS)
        raise ConfigError(
            [
                Mistake(
                    "preset",
                    _("there is no preset {name}; the presets are {names}").format(
                        name=quoted(name), names=names
                    ),
                )
            ]
        ) from None
