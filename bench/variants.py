"""The other losses and optimisers against reference loops written as their own docs write
them (bench/reference_loops.py: scratch in d2l's style, concise with PyTorch's nn losses and
optim classes), side by side in one process, round after round.

Scratch and concise are each measured against their own lesson's loop with the same loss or
optimiser; analytic, which has no lesson of its own, against scratch's, as in the main table.
"""

from __future__ import annotations

import dataclasses
import statistics
import sys
from typing import Any

from bench import reference_loops
from tui_linreg.config import TrainConfig
from tui_linreg.engine.run import run_to_end
from tui_linreg.engine.start import prepare

VARIANTS: list[tuple[str, str, float]] = [
    ("half-squared", "sgd", 0.0),
    ("mse", "sgd", 0.0),
    ("sum", "sgd", 0.0),
    ("l1", "sgd", 0.0),
    ("huber", "sgd", 0.0),
    ("lesson", "momentum", 0.0),
    ("lesson", "nesterov", 0.0),
    ("lesson", "adam", 0.0),
    ("lesson", "sgd", 0.01),
]
"""(--loss, --optimizer, --weight-decay): each new setting on its own, the others the lessons'."""

REFERENCE_OF = {"scratch": "scratch", "concise": "concise", "analytic": "scratch"}


def describe(loss: str, optimizer: str, weight_decay: float) -> str:
    parts = [f"--loss {loss}"] if loss != "lesson" else []
    parts += [f"--optimizer {optimizer}"] if optimizer != "sgd" else []
    parts += [f"--weight-decay {weight_decay:g}"] if weight_decay else []
    return " ".join(parts)


def variants(n: int, batch: int, epochs: int, rounds: int, device: str) -> list[dict[str, Any]]:
    """Steps/s of each implementation with each variant, against its reference loop with the
    same variant, interleaved round by round (who goes first alternates)."""
    base = TrainConfig(num_examples=n, batch_size=batch, epochs=epochs, device=device)
    prepared = prepare(base)
    features, labels = prepared[1].features, prepared[1].labels
    lr = base.learning_rate
    results = []
    for loss, optimizer, weight_decay in VARIANTS:
        for implementation, reference in REFERENCE_OF.items():
            config = dataclasses.replace(
                base,
                implementation=implementation,
                loss_function=loss,
                optimizer=optimizer,
                weight_decay=weight_decay,
                # The sum's gradient is |B| times the mean's: lr/|B| takes the same steps.
                learning_rate=lr / batch if loss == "sum" else lr,
            )
            epoch = getattr(reference_loops, f"{reference}_variant_epoch")
            ours, theirs = [], []
            for round_ in range(rounds):
                order = ("ours", "theirs") if round_ % 2 == 0 else ("theirs", "ours")
                for who in order:
                    if who == "ours":
                        ours.append(run_to_end(config, prepared).steps_per_s)
                    else:
                        rates = [
                            epoch(
                                features,
                                labels,
                                batch,
                                loss,
                                optimizer,
                                weight_decay,
                                config.learning_rate,
                            )
                            for _ in range(epochs)
                        ]
                        theirs.append(statistics.fmean(rates))
            ratios = [o / t for o, t in zip(ours, theirs, strict=True)]
            results.append(
                {
                    "variant": describe(loss, optimizer, weight_decay),
                    "implementation": implementation,
                    "reference": reference,
                    "n": n,
                    "batch": batch,
                    "steps_per_s": statistics.median(ours),
                    "reference_steps_per_s": statistics.median(theirs),
                    "ratio": statistics.median(ratios),
                    "ratios": ratios,
                }
            )
            print(
                f"  {results[-1]['variant']:>24} {implementation:>8}: "
                f"{results[-1]['ratio']:.2f}× {reference}",
                file=sys.stderr,
            )
    return results
