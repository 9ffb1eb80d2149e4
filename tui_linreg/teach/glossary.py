"""The glossary: every term the app shows, in one or two plain sentences.

One catalogue (a later issue translates it): each definition is marked ``N_`` and looked up
with ``_()`` when shown. :func:`terms_in` finds the terms a text shows (a screen, a pane's
title, a column heading), so the glossary key lists what is visible and a tooltip explains
what is under the mouse. Imports neither Textual nor torch.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from tui_linreg.i18n import N_, _


@dataclass(frozen=True)
class Term:
    name: str
    """How the glossary lists it."""
    definition: str
    """One or two sentences, the catalogue's English source: shown through ``_()``."""
    shown_as: tuple[str, ...] = ()
    """What else the screen writes for it (``λmax``, ``|ŵ − w*|``); the name itself always."""

    def defined(self) -> str:
        return f"{self.name}: {_(self.definition)}"


TERMS: tuple[Term, ...] = (
    Term(
        "half-MSE",
        N_(
            "The mean over the examples of (ŷ − y)² / 2: the lesson's squared_loss, averaged. "
            "The ½ makes its gradient simply (ŷ − y)·x."
        ),
    ),
    Term(
        "MSE",
        N_(
            "Mean squared error, the mean of (ŷ − y)²: what nn.MSELoss computes, twice the "
            "half-MSE for the same parameters."
        ),
    ),
    Term(
        "loss",
        N_(
            "One number that says how wrong the predictions are; training moves w and b "
            "downhill on it."
        ),
    ),
    Term(
        "closed form",
        N_(
            "The least-squares answer solved exactly, without training: the best w and b any "
            "optimiser can reach on this data."
        ),
        ("closed",),
    ),
    Term(
        "optimum",
        N_(
            "The lowest point of the loss on this data (the closed form for the squared "
            "losses; for l1 and Huber, their own): where training should end."
        ),
    ),
    Term(
        "× the optimum",
        N_(
            "The run's final loss divided by the optimum's: 1.01× means within 1% of the best "
            "possible."
        ),
        ("× best", "the optimum)"),
    ),
    Term(
        "stable bound",
        N_(
            "The largest learning rate at which full-batch gradient descent still shrinks the "
            "distance to the optimum: 2/λmax. Above it, every step overshoots further."
        ),
        ("stable below", "stable learning rate", "2/λmax"),
    ),
    Term(
        "λmax, λmin",
        N_(
            "The largest and smallest curvature of the half-MSE: the eigenvalues of AᵀA/n "
            "(A is X with a column of ones). Each step multiplies the distance along a "
            "direction by |1 − lr·λ|."
        ),
        ("λmax", "λmin", "λ "),
    ),
    Term(
        "|ŵ − w|",
        N_("How far the learned parameters (w and b) are from the true ones."),
        ("|ŵ−w|",),
    ),
    Term(
        "|ŵ − w*|",
        N_("How far the learned parameters are from the optimum: what training could still gain."),
    ),
    Term(
        "|w* − w|",
        N_(
            "How far the optimum is from the truth: the data's own error, which no training "
            "removes (it shrinks like 1/√n)."
        ),
    ),
    Term(
        "others at mean",
        N_(
            "The data plot shows one feature; the lines hold every other feature at its mean, "
            "so they are the model's prediction along that feature."
        ),
    ),
    Term(
        "b at its optimum",
        N_(
            "The map draws the loss over two parameters; every other one, b included, is held "
            "at its optimum value for each point."
        ),
        ("at their optimum", "others at their optimum"),
    ),
    Term(
        "contour levels",
        N_(
            "The map's lines join points of equal loss, log-spaced between the two heights its "
            "title names: min+a (a just above the minimum) to b, the loss at the map's edge."
        ),
        ("levels", "min+"),
    ),
    Term(
        "steps/s",
        N_(
            "Mini-batch steps trained per second: each step is one batch's forward pass, "
            "backward pass and update."
        ),
    ),
    Term(
        "epoch",
        N_("One pass over every training example, in batches."),
        ("epochs",),
    ),
    Term(
        "batch size",
        N_(
            "How many examples one step averages its gradient over (|B|). A smaller batch "
            "means more, noisier steps per epoch."
        ),
        ("batch", "|B|"),
    ),
    Term(
        "learning rate",
        N_("lr: how far each step moves the parameters along minus the gradient."),
        ("learn rate", "lr"),
    ),
    Term(
        "shuffled",
        N_(
            "The examples in a new random order every epoch, as data_iter does, so every "
            "stretch of steps is a fair sample of the data."
        ),
        ("order",),
    ),
    Term(
        "init std",
        N_("The standard deviation of the normal distribution w starts from (b starts at 0)."),
        ("init",),
    ),
    Term(
        "weight decay",
        N_(
            "Adds (λ/2)‖w‖² to the loss, pulling the weights toward 0 (not b): ridge "
            "regression, which trades a little bias for less variance."
        ),
        ("w decay", "ridge"),
    ),
    Term(
        "lr decay",
        N_("The learning rate is multiplied by this after every epoch: 1 keeps it constant."),
    ),
    Term(
        "momentum",
        N_(
            "The update keeps a running direction: each step adds the gradient to β times the "
            "last step, so it speeds along a long valley and damps the zigzag."
        ),
        ("nesterov",),
    ),
    Term(
        "Adam",
        N_(
            "An optimiser that scales each parameter's step by a running average of its "
            "gradient's size: every step is about lr long."
        ),
        ("adam",),
    ),
    Term(
        "SGD",
        N_(
            "Stochastic gradient descent: each step moves the parameters against the gradient "
            "of one mini-batch's loss, times the learning rate."
        ),
        ("sgd",),
    ),
    Term(
        "gradient",
        N_(
            "The loss's slope with respect to each parameter: backward() writes it into .grad. "
            "Minus the gradient points downhill."
        ),
        (".grad",),
    ),
    Term(
        "noise std",
        N_("The standard deviation of the random noise added to each synthetic label."),
        ("noise",),
    ),
    Term(
        "x corr",
        N_(
            "The correlation between every two synthetic features: near 1 the valley is long "
            "and thin."
        ),
    ),
    Term(
        "x scales",
        N_("Each synthetic feature's standard deviation: unequal scales stretch the valley."),
    ),
    Term(
        "validation",
        N_(
            "Held-out examples never trained on: their loss shows how the line does on data "
            "it has not seen."
        ),
        ("held-out", "val"),
    ),
    Term(
        "overfitting",
        N_(
            "Fitting the training examples' noise as well as their pattern: the training loss "
            "goes down while the held-out loss stays high. More weights than examples invite it."
        ),
    ),
    Term(
        "ridge optimum",
        N_(
            "The best w and b with weight decay: the minimum of the loss + (λ/2)‖w‖². Its "
            "weights are shorter than least squares', pulled toward 0."
        ),
        ("ridge",),
    ),
    Term(
        "least squares",
        N_(
            "The w and b with the smallest sum of squared errors on the data: the closed "
            "form's answer."
        ),
    ),
    Term(
        "convex",
        N_(
            "A bowl with one lowest point and no other dips: every start rolls down to the "
            "same minimum. Linear regression's squared loss is convex."
        ),
    ),
    Term(
        "regression to the mean",
        N_(
            "Children of unusual parents are, on average, less unusual: a best-line slope "
            "below 1. Galton's finding gave regression its name."
        ),
        ("regression toward the mean",),
    ),
    Term(
        "chain rule",
        N_(
            "The derivative of a composition is the product of the derivatives along the way: "
            "dy/dx = dy/du · du/dx. backward() applies it node by node."
        ),
    ),
    Term(
        "computation graph",
        N_(
            "What PyTorch records while a result is computed from tensors that require grad: "
            "one node per operation, from the inputs to the result. backward() walks it back."
        ),
        ("graph",),
    ),
    Term(
        "grad_fn",
        N_(
            "A tensor's link to the node that made it (PowBackward0, MmBackward0…); its "
            "next_functions lead to the nodes before."
        ),
        ("next_functions",),
    ),
    Term(
        "AccumulateGrad",
        N_(
            "The graph's node for a parameter (a leaf): it adds the gradient that reaches it "
            "to .grad. Adds, not replaces: hence zero_()."
        ),
        ("leaf",),
    ),
    Term(
        "forward mode",
        N_(
            "Computing a derivative from the inputs towards the result: one direction per "
            "pass (torch.func.jvp). Reverse mode (backward()) gives every input's in one pass."
        ),
        ("reverse mode", "forward accumulation", "reverse accumulation", "jvp"),
    ),
    Term(
        "requires_grad",
        N_(
            "Whether PyTorch records what is done with a tensor, so that backward() can reach "
            "it. detach() and torch.no_grad() turn the recording off."
        ),
        ("detach", "no_grad"),
    ),
    Term(
        "pitfall",
        N_(
            "A mistake learners make in the lesson's code, switched on to see what it does "
            "(f8 shows the step it breaks)."
        ),
        ("pitfalls",),
    ),
    Term(
        "diverged",
        N_(
            "The loss grew without bound (to inf, then nan): the learning rate is above the "
            "stable bound, or the noise of mini-batches pushed it over."
        ),
        ("diverges", "flew off"),
    ),
)

_PATTERNS = tuple(
    (
        term,
        re.compile(
            "|".join(
                (r"(?<![\w|-])" if alias[0].isalnum() else "")
                + re.escape(alias)
                + (r"(?![\w])" if alias[-1].isalnum() else "")
                for alias in (term.name, *term.shown_as)
            )
        ),
    )
    for term in TERMS
)


def terms_in(texts: Iterable[str]) -> list[Term]:
    """The terms the ``texts`` show, in the glossary's order."""
    joined = "\n".join(texts)
    return [term for term, pattern in _PATTERNS if pattern.search(joined)]


def tooltip(texts: Iterable[str]) -> str | None:
    """The definitions of the terms in ``texts``, for a tooltip; None if there are none."""
    found = terms_in(texts)
    return "\n\n".join(term.defined() for term in found) or None
