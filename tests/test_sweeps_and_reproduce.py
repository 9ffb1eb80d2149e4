"""Sweeps (``lr=0.001,0.01``) read, refused plainly, printed and exported as JSON; and the
command that reproduces a run giving the same numbers."""

from __future__ import annotations

import json
import shlex

import pytest

from tests.helpers import CPU, run_cli
from tui_linreg.config import ConfigError, TrainConfig
from tui_linreg.engine.run import run_to_end
from tui_linreg.reproduce import reproduce_command
from tui_linreg.sweep import parse_sweep


def test_a_sweep_reads_name_equals_values() -> None:
    sweep = parse_sweep("lr=0.001,0.01,0.1")
    assert (sweep.field, sweep.values) == ("learning_rate", (0.001, 0.01, 0.1))
    assert [c.learning_rate for c in sweep.configs(CPU)] == [0.001, 0.01, 0.1]
    assert parse_sweep("batch-size=1,10,1000").values == (1, 10, 1000)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("speed=1,2", "a sweep reads NAME=V1,V2,…"),
        ("lr 0.1,0.2", "a sweep reads NAME=V1,V2,…"),
        ("lr=0.1", "a sweep needs 2 to 20 values, got 1"),
        ("lr=0.1,abc", "sweep value: learning rate must be a number > 0, got 'abc'"),
        ("batch_size=10,0", "sweep value: batch size must be a whole number ≥ 1, got '0'"),
    ],
)
def test_a_bad_sweep_says_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_sweep(text)
    assert message in caught.value.mistakes[0].message


def test_cli_sweep_prints_one_row_per_value(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "train", "--device", "cpu", "--sweep", "lr=0.001,0.03,10")
    assert code == 3  # one of them diverged
    rows = {line.split()[0]: line.split()[1] for line in out.splitlines() if line.startswith("lr=")}
    assert rows == {
        "lr=0.001": "finished",
        "lr=0.03": "finished",
        "lr=10": "diverged",
        "lr=10:": "diverged",
    }


def test_cli_sweep_in_json_has_a_run_per_value(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(
        capsys, "train", "--device", "cpu", "--json", "--sweep", "batch_size=5,50"
    )
    assert code == 0
    runs = json.loads(out)["runs"]
    assert [run["config"]["batch_size"] for run in runs] == [5, 50]


# --- reproducing a run ----------------------------------------------------------------------


def test_the_copied_command_reproduces_the_same_numbers(capsys: pytest.CaptureFixture[str]) -> None:
    config = TrainConfig(
        device="cpu",
        learning_rate=0.07,
        seed=11,
        true_w=(1.5, -0.25, 3.0),
        noise_std=0.1,
        order="fixed",
    )
    original = run_to_end(config)
    argv = shlex.split(reproduce_command(config))
    assert argv[:2] == ["tui-linreg", "train"]
    code, out, _ = run_cli(capsys, *argv[1:], "--json", "--no-history")
    assert code == 0
    run = json.loads(out)["runs"][0]
    assert TrainConfig.from_dict(run["config"]) == config
    assert [e["loss"] for e in run["history"]] == [e.loss for e in original.history]
    assert run["final"]["w"] == list(original.w)
