"""The lesson's pitfalls: the ways learners break its code, each tried for real.

A pitfall is one change to the usual scratch or concise code (``engine/broken.py`` holds the
changed code, each changed line naming its pitfall). This catalogue imports neither torch nor
Textual: the form and the command line read it.
"""

from __future__ import annotations

from dataclasses import dataclass

from tui_linreg.i18n import N_, _


@dataclass(frozen=True)
class Pitfall:
    name: str
    applies_to: tuple[str, ...]
    """The implementations whose code has the line it changes."""
    change: str
    """What is changed, in the lesson's words (marked N_: shown through _())."""
    consequence: str
    """What the learner should see (marked N_: shown through _())."""


PITFALLS: dict[str, Pitfall] = {
    p.name: p
    for p in (
        Pitfall(
            "forget-zero-grad",
            ("scratch", "concise"),
            N_("param.grad.zero_() (scratch) or optimizer.zero_grad() (concise) is left out"),
            N_("gradients accumulate from step to step: .grad grows, and the loss pays for it"),
        ),
        Pitfall(
            "no-no-grad",
            ("scratch",),
            N_("sgd updates the parameters without torch.no_grad()"),
            N_("PyTorch refuses an in-place update of a leaf that requires grad"),
        ),
        Pitfall(
            "backward-vector",
            ("scratch",),
            N_("backward() is called on the loss vector l instead of l.sum()"),
            N_("PyTorch refuses: backward() needs a scalar"),
        ),
        Pitfall(
            "no-reshape",
            ("scratch",),
            N_("squared_loss without its reshape, on labels of shape (n,)"),
            N_("(|B|, 1) − (|B|,) broadcasts to |B|×|B|: it trains on the wrong loss"),
        ),
        Pitfall(
            "lesson-divisor",
            ("scratch",),
            N_("sgd divides by batch_size, as the lesson does, even for a shorter last batch"),
            N_("the last batch's step is too short by its length / batch_size: a small bias"),
        ),
    )
}

NO_RESHAPE_MAX_BATCH = 4096
"""Without the reshape a batch's loss is |B|×|B| numbers: 64 MiB at this size."""


def mistakes_for(implementation: str, pitfalls: tuple[str, ...], batch_size: int) -> list[str]:
    """Sentences for each pitfall that cannot apply to this run."""
    mistakes = [
        _not_run(name, implementation)
        for name in pitfalls
        if implementation not in PITFALLS[name].applies_to
    ]
    if "no-reshape" in pitfalls and batch_size > NO_RESHAPE_MAX_BATCH:
        mistakes.append(
            _(
                "the pitfall no-reshape makes a {batch}×{batch} loss per batch: use a batch "
                "size of at most {most}"
            ).format(batch=batch_size, most=NO_RESHAPE_MAX_BATCH)
        )
    return mistakes


def _not_run(name: str, implementation: str) -> str:
    """The sentence for a pitfall whose code ``implementation`` does not run."""
    lessons = PITFALLS[name].applies_to
    if len(lessons) == 1:
        return _(
            "the pitfall {name} changes {lesson}'s code, which {implementation} does not run: "
            "pick {lesson}, or leave {name} out"
        ).format(name=name, lesson=lessons[0], implementation=implementation)
    return _(
        "the pitfall {name} changes {first} and {second}'s code, which {implementation} does "
        "not run: pick {first} or {second}, or leave {name} out"
    ).format(name=name, first=lessons[0], second=lessons[1], implementation=implementation)
