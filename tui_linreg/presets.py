"""The lessons' experiments and the textbook's exercises, as named starting points."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from tui_linreg.config import SETTINGS, ConfigError, Mistake, TrainConfig, quoted


@dataclass(frozen=True)
class Preset:
    name: str
    description: str
    changes: dict[str, Any]
    sweep: str = ""
    """A sweep the preset runs, for the presets that compare (``loss=half-squared,huber``);
    "" for one run. The form's sweep field and ``train --preset`` take it."""

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


PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset("default", "the lesson's run: lr 0.03, batch 10, 3 epochs", {}),
        Preset(
            "lr-too-small", "lr 0.001 for 3 epochs: far from the answer", {"learning_rate": 0.001}
        ),
        Preset(
            "lr-too-small-10",
            "lr 0.001 for 10 epochs: still not there",
            {"learning_rate": 0.001, "epochs": 10},
        ),
        Preset(
            "lr-too-large",
            "lr 10: diverges in the first epoch",
            {"learning_rate": 10.0, "epochs": 10},
        ),
        Preset(
            "zero-init",
            "w starts at exactly 0: still learns (the loss is convex)",
            {"init_std": 0.0},
        ),
        Preset(
            "large-init",
            "w starts from N(0, 1000), the exercise's variance (std 31.6): a long way to go",
            {"init_std": 1000**0.5},
        ),
        Preset(
            "uneven-batches",
            "1003 examples in batches of 10: a short last batch every epoch",
            {"num_examples": 1003},
        ),
        Preset("no-shuffle", "the same order every epoch", {"order": "fixed"}),
        Preset(
            "sorted-order",
            "why reshuffle? examples sorted by y, lr 0.1: each epoch ends dragged to high y",
            {"order": "sorted", "learning_rate": 0.1},
        ),
        Preset(
            "reshuffled",
            "sorted-order's twin: the same lr 0.1 on shuffled examples, straight to the answer",
            {"learning_rate": 0.1},
        ),
        Preset(
            "batch-1", "pure stochastic gradient descent: one example per step", {"batch_size": 1}
        ),
        Preset(
            "full-batch",
            "all 1000 examples per step: plain gradient descent",
            {"batch_size": 1000, "epochs": 50, "learning_rate": 0.5},
        ),
        Preset(
            "high-dimension",
            "ten features instead of two",
            {"true_w": (2.0, -3.4, 1.0, 0.5, -1.5, 3.0, -0.7, 2.2, -2.8, 0.9)},
        ),
        # The shape of the valley (f9 draws it): each beside its well-conditioned twin.
        Preset(
            "correlated",
            "x corr 0.95: a long thin valley; the path zigzags across it, crawls along it",
            {"feature_correlation": 0.95, "learning_rate": 0.1},
        ),
        Preset(
            "uncorrelated",
            "correlated's twin: independent features, round contours, straight in",
            {"feature_correlation": 0.0, "learning_rate": 0.1},
        ),
        Preset(
            "badly-scaled",
            "x[1] 10× as spread as x[0]: lr must stay under 0.018, and w[0] crawls",
            {"feature_scales": (1.0, 10.0), "learning_rate": 0.015},
        ),
        Preset(
            "standardised",
            "badly-scaled's twin, standardised: lr 0.5 is stable, done in an epoch",
            {"feature_scales": (1.0,), "learning_rate": 0.5},
        ),
        # The losses (--loss): which one an outlier drags, and what a sum does to the step.
        Preset(
            "outlier-huber",
            "y[5] = 10000: squared loss, then Huber, side by side: which line does it drag?",
            {"outliers": ((5, 10000.0),), "epochs": 5},
            sweep="loss=half-squared,huber",
        ),
        Preset(
            "sum-loss",
            "a sum, not a mean, at lr 0.03 / 16: exactly the mean's steps (16 = |B|)",
            {
                "loss_function": "sum",
                "batch_size": 16,
                "num_examples": 1024,
                "learning_rate": 0.03 / 16,
            },
        ),
        Preset(
            "mean-loss",
            "sum-loss's twin: nn.MSELoss's mean at lr 0.03 (a sum at 0.03 takes 16× its steps)",
            {"loss_function": "mse", "batch_size": 16, "num_examples": 1024},
        ),
        Preset(
            "l1-decay",
            "absolute error: a constant lr never settles; lr 0.1 × 0.7 an epoch does",
            {"loss_function": "l1", "learning_rate": 0.1, "lr_decay": 0.7, "epochs": 12},
        ),
        # The lesson's pitfalls, each tried for real (tui_linreg/pitfalls.py); f8 shows why.
        Preset(
            "forget-zero-grad",
            ".grad never zeroed: gradients pile up, the loss stalls",
            {"pitfalls": ("forget-zero-grad",)},
        ),
        Preset(
            "no-no-grad",
            "sgd without torch.no_grad(): PyTorch refuses the update",
            {"pitfalls": ("no-no-grad",)},
        ),
        Preset(
            "backward-vector",
            "backward() on the loss vector: PyTorch wants a scalar",
            {"pitfalls": ("backward-vector",)},
        ),
        Preset(
            "no-reshape",
            "no reshape in squared_loss: it trains on a 10×10 loss",
            {"pitfalls": ("no-reshape",)},
        ),
        Preset(
            "lesson-divisor",
            "1003 examples: the last batch of 3 is divided by 10",
            {"pitfalls": ("lesson-divisor",), "num_examples": 1003},
        ),
    )
}


def preset(name: str) -> Preset:
    try:
        return PRESETS[name]
    except KeyError:
        names = ", ".join(PRESETS)
        raise ConfigError(
            [Mistake("preset", f"there is no preset {quoted(name)}; the presets are {names}")]
        ) from None
