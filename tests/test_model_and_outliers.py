"""Source note 4's model written three ways (--model, issue 17 §9), and outliers (§2)."""

from __future__ import annotations

import dataclasses
from collections import OrderedDict

import numpy as np
import pytest
import torch
from torch import nn

from tui_linreg.config import ConfigError, TrainConfig, config_from_text
from tui_linreg.engine.data import make_problem
from tui_linreg.engine.events import EpochEnded, RunStarted, StepTaken
from tui_linreg.engine.run import run_to_end, train
from tui_linreg.report import bound_line
from tui_linreg.ui.widgets.code_pane import training_source


def config(**changes: object) -> TrainConfig:
    return dataclasses.replace(TrainConfig(device="cpu"), **changes)  # type: ignore[arg-type]


def test_the_three_ways_of_writing_the_model_give_identical_runs() -> None:
    ends = [
        run_to_end(config(implementation="concise", model=m))
        for m in ("sequential", "named", "class")
    ]
    assert ends[0].w == ends[1].w == ends[2].w
    assert ends[0].b == ends[1].b == ends[2].b
    losses = [[(e.loss, e.w, e.b) for e in end.history] for end in ends]
    assert losses[0] == losses[1] == losses[2]


@pytest.mark.parametrize("model", ["sequential", "named", "class"])
def test_a_concise_run_prints_net_and_optimizer_as_pytorch_does(model: str) -> None:
    started = next(iter(train(config(implementation="concise", model=model))))
    assert isinstance(started, RunStarted)
    layer = nn.Linear(2, 1)
    expected = {
        "sequential": nn.Sequential(layer),
        "named": nn.Sequential(OrderedDict([("linear", layer)])),
    }.get(model)
    net = str(expected) if expected is not None else "LinearNet(\n  (linear): " + str(layer) + "\n)"
    optimizer = torch.optim.SGD(layer.parameters(), lr=0.03, foreach=False)
    assert started.printed == f"print(net)\n{net}\nprint(optimizer)\n{optimizer}"
    step = next(
        e.detail
        for e in train(config(implementation="concise", model=model), trace=True)
        if isinstance(e, StepTaken)
    )
    assert (
        step.gradient_names[0]
        == ("net[0]" if model == "sequential" else "net.linear") + ".weight.grad"
    )


def test_the_code_pane_shows_the_chosen_model() -> None:
    assert "class LinearNet(nn.Module)" in training_source("concise", model="class")
    assert "class LinearNet" not in training_source("concise")
    assert 'OrderedDict([("linear", self.layer)])' in training_source("concise", model="named")


def test_scratch_prints_nothing_of_a_model_it_does_not_have() -> None:
    started = next(iter(train(config())))
    assert isinstance(started, RunStarted)
    assert started.printed == ""


def test_an_outlier_sets_one_label_after_the_data_is_drawn() -> None:
    plain = make_problem(config(), torch.device("cpu"))
    changed = make_problem(config(outliers=((5, 10000.0), (7, -3.0))), torch.device("cpu"))
    assert float(changed.labels[5, 0]) == 10000.0
    assert float(changed.labels[7, 0]) == -3.0
    others = [i for i in range(1000) if i not in (5, 7)]
    assert torch.equal(plain.labels[others], changed.labels[others])
    assert torch.equal(plain.features, changed.features)
    assert torch.equal(plain.initial_w, changed.initial_w)


def test_huber_is_not_dragged_by_the_outlier_that_drags_squared_loss() -> None:
    outlier = config(outliers=((5, 10000.0),), epochs=5)
    squared = run_to_end(outlier)
    huber = run_to_end(dataclasses.replace(outlier, loss_function="huber"))
    assert abs(squared.b - 4.2) > 5  # the line is pulled up toward y = 10000
    assert abs(huber.b - 4.2) < 0.01
    assert huber.times_optimum == pytest.approx(1.0, abs=0.01)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("5", "must be INDEX=VALUE"),
        ("x=1", "must be a whole number from 0"),
        ("5=inf", "must be a finite number"),
        ("5=1+5=2", "sets example 5 twice"),
        ("1000=1", "beyond the 1,000 examples"),
    ],
)
def test_a_bad_outlier_gets_a_sentence(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        config_from_text({"outliers": text})


def test_outliers_read_back_as_they_were_written() -> None:
    read = config_from_text({"outliers": "7=-3 + 5=10000"})
    assert read.outliers == ((5, 10000.0), (7, -3.0))
    assert TrainConfig.from_dict(read.to_dict()) == read


# --- a model without a bias (--no-bias, §4) ---


def test_without_a_bias_the_closed_form_is_least_squares_through_the_origin() -> None:
    run = config(bias=False, true_w=(1.0, -2.0), true_b=3.0, noise_std=0.5)
    started = next(iter(train(run)))
    assert isinstance(started, RunStarted)
    problem = make_problem(run, torch.device("cpu"))
    x, y = problem.features.double().numpy(), problem.labels.double().numpy()
    w = np.linalg.lstsq(x, y, rcond=None)[0][:, 0]  # no column of ones
    assert started.closed_form.w == pytest.approx(tuple(w), abs=1e-9)
    assert started.closed_form.b == 0.0
    assert started.closed_form.half_mse == pytest.approx(float(((x @ w - y[:, 0]) ** 2).mean() / 2))
    assert started.stable_lr == pytest.approx(2 / np.linalg.eigvalsh(x.T @ x / len(x))[-1])
    assert started.least_squares is not None  # the map's quadratic, with its bias
    assert started.least_squares.b == pytest.approx(3.0, abs=0.1)


@pytest.mark.parametrize("implementation", ["scratch", "concise", "analytic"])
def test_without_a_bias_every_implementation_leaves_b_at_zero_and_agrees(
    implementation: str,
) -> None:
    base = config(bias=False, true_b=0.0, learning_rate=0.05)
    mine = run_to_end(dataclasses.replace(base, implementation=implementation))
    scratch = run_to_end(base)
    assert mine.b == 0.0
    assert all(epoch.b == 0.0 for epoch in mine.history)
    if implementation != "concise":  # concise's MSE takes twice the steps
        assert mine.w == pytest.approx(scratch.w, abs=1e-5)
    assert mine.times_optimum < 1.1
    steps = [e.detail for e in train(mine.config, trace=True) if isinstance(e, StepTaken)][:5]
    for step in steps:
        assert step.grad_b == 0.0
        assert step.b_after == 0.0
        assert step.grad_w == pytest.approx(step.expected_w, abs=1e-4)


def test_without_a_bias_concise_prints_a_linear_layer_with_bias_false() -> None:
    started = next(iter(train(config(implementation="concise", bias=False))))
    assert isinstance(started, RunStarted)
    assert "Linear(in_features=2, out_features=1, bias=False)" in started.printed


def test_pitfalls_need_a_bias() -> None:
    with pytest.raises(ConfigError, match="has a bias"):
        config_from_text({"pitfalls": "no-reshape", "bias": "off"})


def test_without_a_bias_the_printed_bound_is_the_models_own() -> None:
    """Not least squares' with a bias: X alone is 4× steeper-bounded here (x ~ N(0, 0.5²))."""
    started = next(iter(train(config(bias=False, feature_scales=(0.5,), true_w=(5.0,)))))
    assert isinstance(started, RunStarted)
    assert started.least_squares is not None
    assert started.stable_lr == pytest.approx(started.closed_form.stable_lr)
    assert started.closed_form.stable_lr > 3 * started.least_squares.stable_lr
    assert f"< {started.closed_form.stable_lr:.3g} on half-MSE" in bound_line(started)


def test_the_loss_plot_drops_the_last_runs_own_loss_curve() -> None:
    from tui_linreg.ui.widgets.plots.loss import LossPlot

    plot = LossPlot()
    l1 = config(loss_function="l1", epochs=1)
    for event in train(l1):
        if isinstance(event, RunStarted):
            plot.start(event, "scratch")
        elif isinstance(event, EpochEnded):
            plot.epoch(event)
    assert set(plot.epochs) == {"scratch", "scratch L1"}
    squared = next(iter(train(config())))
    assert isinstance(squared, RunStarted)
    plot.start(squared, "scratch")
    assert set(plot.epochs) == {"scratch"}
