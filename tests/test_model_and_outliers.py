"""Source note 4's model written three ways (--model, issue 17 §9), and outliers (§2)."""

from __future__ import annotations

import dataclasses
from collections import OrderedDict

import pytest
import torch
from torch import nn

from tui_linreg.config import ConfigError, TrainConfig, config_from_text
from tui_linreg.engine.data import make_problem
from tui_linreg.engine.events import RunStarted, StepTaken
from tui_linreg.engine.run import run_to_end, train
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
