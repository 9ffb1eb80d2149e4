"""The code pane folds the branches a run does not take: what is left is the engine's own
source, line for line, and the branch that runs is shown whole."""

from __future__ import annotations

import ast

import pytest

from tui_linreg.engine import concise, scratch
from tui_linreg.folding import fold_untaken
from tui_linreg.ui.widgets.code_pane import shown_source, training_source

FOLDED = "...  # not this run's: folded"

CALLS = {
    "sgd": "sgd(self.params, self.lr, divisor)",
    "adam": "adam(self.params, self.moments",
    "momentum": "sgd_momentum(self.params, self.states",
}


def _kept_in_order(folded: str, source: str) -> bool:
    """Every line of ``folded`` but the fold marks is a line of ``source``, in order."""
    lines = iter(source.splitlines())
    return all(
        any(line == original for original in lines)
        for line in folded.splitlines()
        if line.strip() != FOLDED
    )


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "nesterov", "adam"])
@pytest.mark.parametrize("weight_decay", [0.0, 0.5])
def test_scratchs_step_shows_only_the_branches_its_run_takes(
    optimizer: str, weight_decay: float
) -> None:
    source = shown_source(scratch.Scratch.train_step)
    folded = fold_untaken(source, {"optimizer": optimizer, "weight_decay": weight_decay})
    ast.parse(folded)  # still Python
    assert _kept_in_order(folded, source)
    taken = "momentum" if optimizer == "nesterov" else optimizer
    for name, call in CALLS.items():
        assert (call in folded) == (name == taken), name
    assert ("l2_penalty(self.w)).backward()" in folded) == bool(weight_decay)
    assert ("        l.sum().backward()" in folded) == (not weight_decay)
    assert "return l.detach()" in folded  # decided by the loss, not a setting: kept


def test_concise_folds_the_optimisers_and_models_it_does_not_build() -> None:
    source = shown_source(concise.Concise.__init__)
    folded = fold_untaken(source, {"optimizer": "adam", "weight_decay": 0.0, "model": "class"})
    assert _kept_in_order(folded, source)
    assert "torch.optim.Adam(" in folded
    assert "momentum=config.momentum" not in folded
    assert "net = LinearNet(d, config.bias)" in folded
    assert "nn.Sequential(self.layer)" not in folded
    assert 'case "sgd":' in folded  # the cases stay, folded: the choice is visible
    assert "init.xavier_uniform_" in folded  # --init is not the code's setting: all shown


def test_the_code_pane_shows_the_lessons_step_for_the_lessons_run() -> None:
    shown = training_source("scratch")
    step = shown.split("\ndef ")[0]
    assert "sgd(self.params, self.lr, divisor)" in step
    assert "adam(" not in step
    assert step.count(FOLDED) == 3  # weight decay's backward, Adam's, momentum's


def test_a_branch_read_from_anything_else_stays_whole() -> None:
    source = "def f(self, x):\n    if x > 0:\n        return 1\n    return 0\n"
    assert fold_untaken(source, {"optimizer": "sgd"}) == source
