"""Sweeps written as ranges, and what a sweep reports (issue 17, §8)."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import pytest

from tui_linreg.config import ConfigError, TrainConfig
from tui_linreg.engine.run import run_to_end
from tui_linreg.sweep import parse_sweep


def test_a_log_range_of_learning_rates_is_evenly_spaced_in_log() -> None:
    sweep = parse_sweep("lr=1e-4..10:log:12")
    assert sweep.field == "learning_rate"
    assert len(sweep.values) == 12
    assert (sweep.values[0], sweep.values[-1]) == (1e-4, 10.0)
    ratios = [b / a for a, b in zip(sweep.values, sweep.values[1:], strict=False)]
    assert all(r == pytest.approx(10 ** (5 / 11), rel=0.01) for r in ratios)


def test_a_range_of_a_whole_number_setting_is_whole_numbers() -> None:
    assert parse_sweep("num_examples=10..10000:log:10").values == (
        10, 22, 46, 100, 215, 464, 1000, 2154, 4642, 10000,
    )  # fmt: skip
    assert parse_sweep("epochs=1..10:lin:4").values == (1, 4, 7, 10)
    assert parse_sweep("epochs=1..2:log:5").values == (1, 2)  # 1, 1, 1, 2, 2: each once


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("lr=0..1:log:3", "a log range needs 0 < LOW < HIGH"),
        ("lr=1..2:sq:3", "its spacing must be log or lin"),
        ("lr=1..2:log:30", "2 to 20 values, got 30"),
        ("lr=a..2:log:3", "LOW..HIGH:log:N"),
        ("lr=2..1:lin:3", "LOW < HIGH"),
        ("batch_size=1..100000000000:log:3", "batch size"),
        # Found by the long hardening mode: an infinite bound crashed a whole-number range,
        # and a range of data sets gave one sentence per value.
        ("batch_size=1e-4..1e400:log:12", "LOW and HIGH must be finite numbers"),
        ("lr=-inf..1:lin:3", "LOW and HIGH must be finite numbers"),
        ("data=1..2:lin:3", "data is not a number: list its values instead"),
    ],
)
def test_a_bad_range_gets_a_sentence(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_sweep(text)


def _train(*flags: str) -> str:
    command = [sys.executable, "-m", "tui_linreg", "train", "--device", "cpu", *flags]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def test_a_sweep_over_the_data_says_so_and_gives_each_data_sets_bound() -> None:
    shown = _train("--sweep", "num_examples=10..1000:log:3")
    assert "on 3 data sets" in shown
    assert "all on the same data" not in shown
    bounds = [line for line in shown.splitlines() if "stable learning rate" in line]
    assert [line.split(":")[0] for line in bounds] == ["n=10", "n=100", "n=1000"]
    same = _train("--sweep", "lr=0.01,0.03")
    assert "all on the same data" in same
    assert "|ŵ − w|" in same
    assert "|ŵ − w*|" in same


def test_a_sweeps_json_carries_each_runs_distances() -> None:
    document = json.loads(_train("--sweep", "num_examples=100,1000", "--json"))
    for run in document["runs"]:
        end = run_to_end(TrainConfig.from_dict(run["config"]))
        truth = (*end.config.true_w, end.config.true_b)
        optimum = (*end.closed_form.w, end.closed_form.b)
        assert run["distance_to_true"] == pytest.approx(math.dist((*end.w, end.b), truth))
        assert run["distance_to_optimum"] == pytest.approx(math.dist((*end.w, end.b), optimum))
        assert run["optimum_distance_to_true"] == pytest.approx(math.dist(optimum, truth))
        assert run["times_optimum"] == pytest.approx(end.times_optimum)


def test_the_sweep_plots_guide_falls_as_one_over_root_n_through_the_datas_own_error() -> None:
    from tui_linreg.ui.widgets.plots.sweep import SweepPlot

    ends = [
        run_to_end(TrainConfig(device="cpu", num_examples=n, noise_std=1.0))
        for n in (10, 100, 1000)
    ]
    plot = SweepPlot()
    assert SweepPlot.plottable("num_examples", ends)
    plot.show("num_examples", ends)
    guide = plot.guide()
    assert guide is not None
    scaled = [g * math.sqrt(end.config.num_examples) for g, end in zip(guide, ends, strict=True)]
    assert max(scaled) == pytest.approx(min(scaled))  # c / √n
    own = [end.distances["optimum_distance_to_true"] for end in ends]
    assert sum(math.log(g / e) for g, e in zip(guide, own, strict=True)) == pytest.approx(
        0, abs=1e-9
    )
    assert [name for name, _, _ in plot.series()] == ["|ŵ − w|", "|ŵ − w*|", "|w* − w|"]
    plot.show("learning_rate", ends)  # not a sweep of n: no guide, the final half-MSE
    assert plot.guide() is None
    assert [name for name, _, _ in plot.series()] == ["final half-MSE"]
