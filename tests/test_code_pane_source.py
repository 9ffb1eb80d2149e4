"""The code pane's source: the functions that really run, read from the running modules."""

from __future__ import annotations

import inspect

from tui_linreg.engine.concise import Concise
from tui_linreg.engine.scratch import Scratch, sgd
from tui_linreg.ui.widgets.code_pane import training_source


def test_the_code_pane_shows_the_running_source() -> None:
    scratch = training_source("scratch")
    assert inspect.getsource(Scratch.train_step).strip().splitlines()[-1].strip() in scratch
    assert "l.sum().backward()" in scratch
    assert "param.sub_(param.grad, alpha=lr / batch_size)" in scratch
    assert inspect.getsource(sgd).splitlines()[0] in scratch
    concise = training_source("concise")
    assert "self.trainer.step()" in concise
    assert "nn.MSELoss()" in concise
    assert "init.normal_(weight, mean=0.0, std=config.init_std" in concise  # nn.init by name
    assert "init.constant_(bias, 0.0)" in concise
    first = inspect.getsource(Concise.train_step).strip().splitlines()[0]
    assert first.split("  # noqa")[0] in concise  # the linter's directives are left out
    assert "# noqa" not in scratch + concise


def test_the_code_pane_shows_the_analytic_formula_beside_autograd() -> None:
    source = training_source("analytic")
    assert "Aᵀ(Aθ − y)/|B|" in source
    assert "self.theta.addmm_(A.T, pull" in source
    assert "What autograd computes for the same step, in scratch" in source
    assert "l.sum().backward()" in source
