"""The lesson's pitfalls: the ways learners break its code, each tried for real.

A pitfall is one change to the usual scratch or concise code (``engine/broken.py`` holds the
changed code, each changed line naming its pitfall). This catalogue imports neither torch nor
Textual: the form and the command line read it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Pitfall:
    name: str
    applies_to: tuple[str, ...]
    """The implementations whose code has the line it changes."""
    change: str
    """What is changed, in the lesson's words."""
    consequence: str
    """What the learner should see."""


PITFALLS: dict[str, Pitfall] = {
    p.name: p
    for p in (
        Pitfall(
            "forget-zero-grad",
            ("scratch", "concise"),
            "param.grad.zero_() (scratch) or optimizer.zero_grad() (concise) is left out",
            "gradients accumulate from step to step: .grad grows, and the loss pays for it",
        ),
        Pitfall(
            "no-no-grad",
            ("scratch",),
            "sgd updates the parameters without torch.no_grad()",
            "PyTorch refuses an in-place update of a leaf that requires grad",
        ),
        Pitfall(
            "backward-vector",
            ("scratch",),
            "backward() is called on the loss vector l instead of l.sum()",
            "PyTorch refuses: backward() needs a scalar",
        ),
        Pitfall(
            "no-reshape",
            ("scratch",),
            "squared_loss without its reshape, on labels of shape (n,)",
            "(|B|, 1) − (|B|,) broadcasts to |B|×|B|: it trains on the wrong loss",
        ),
        Pitfall(
            "lesson-divisor",
            ("scratch",),
            "sgd divides by batch_size, as the lesson does, even for a shorter last batch",
            "the last batch's step is too short by its length / batch_size: a small bias",
        ),
    )
}

NO_RESHAPE_MAX_BATCH = 4096
"""Without the reshape a batch's loss is |B|×|B| numbers: 64 MiB at this size."""


def mistakes_for(implementation: str, pitfalls: tuple[str, ...], batch_size: int) -> list[str]:
    """Sentences for each pitfall that cannot apply to this run."""
    mistakes = [
        f"the pitfall {name} changes {' and '.join(PITFALLS[name].applies_to)}'s code, which "
        f"{implementation} does not run: pick "
        + " or ".join(PITFALLS[name].applies_to)
        + f", or leave {name} out"
        for name in pitfalls
        if implementation not in PITFALLS[name].applies_to
    ]
    if "no-reshape" in pitfalls and batch_size > NO_RESHAPE_MAX_BATCH:
        mistakes.append(
            f"the pitfall no-reshape makes a {batch_size}×{batch_size} loss per batch: use a "
            f"batch size of at most {NO_RESHAPE_MAX_BATCH}"
        )
    return mistakes
