"""The headless command: lesson output, side by side, JSON, exit codes, and bad input."""

from __future__ import annotations

import json
import math
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, NoReturn

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import run_cli
from tui_linreg.cli import main
from tui_linreg.config import SETTINGS, TrainConfig
from tui_linreg.engine.run import run_to_end
from tui_linreg.history import History, RunRecord, default_path
from tui_linreg.settings import Columns, Text
from tui_linreg.sources import DataSource


def test_train_prints_the_lessons_lines_and_a_parameter_table(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run_cli(capsys, "train", "--device", "cpu")
    lines = out.splitlines()
    assert code == 0
    epoch_lines = [line for line in lines if line.startswith("epoch ")]
    assert [line.split(",")[0] for line in epoch_lines] == ["epoch 1", "epoch 2", "epoch 3"]
    assert all(line.split("loss ")[1].replace(".", "").isdigit() for line in epoch_lines)
    assert any(line.startswith("finished 3 epochs") for line in lines)
    table = [line.split() for line in lines if line.startswith(("w[", "b "))]
    assert [row[0] for row in table] == ["w[0]", "w[1]", "b"]
    assert [float(row[1]) for row in table] == [2.0, -3.4, 4.2]  # true values
    assert all(abs(float(row[4])) < 0.01 for row in table)  # true − learned


def test_both_prints_the_two_implementations_side_by_side(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run_cli(capsys, "train", "--impl", "both", "--device", "cpu")
    assert code == 0
    assert "scratch loss (half-MSE)" in out
    assert "concise loss (MSE)" in out
    assert "scratch learned" in out
    assert "concise learned" in out
    assert "the same lr 0.03 is a 2× bigger step" in out
    epoch_rows = [line.split() for line in out.splitlines() if line[:1].isdigit()]
    assert [row[0] for row in epoch_rows] == ["1", "2", "3"]


def test_json_output_round_trips(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(
        capsys, "train", "--json", "--device", "cpu", "--seed", "3", "--lr", "0.05"
    )
    assert code == 0
    document = json.loads(out)
    config = TrainConfig.from_dict(document["config"])
    assert config == TrainConfig(device="cpu", seed=3, learning_rate=0.05)
    (run,) = document["runs"]
    assert run["outcome"] == "finished"
    assert [e["epoch"] for e in run["history"]] == [1, 2, 3]
    assert {"w", "b", "half_mse", "mse"} <= set(run["final"])
    assert {"torch", "python", "tui_linreg"} <= set(document["versions"])
    # Feeding the config back reproduces the numbers.
    again = run_to_end(config)
    assert [e.loss for e in again.history] == [e["loss"] for e in run["history"]]
    assert list(again.w) == run["final"]["w"]


def strict_json(text: str) -> Any:
    """``json.loads`` as a strict parser reads JSON: NaN and Infinity are refused (Python's
    own json module reads them by default)."""

    def refuse(constant: str) -> NoReturn:
        raise ValueError(f"not strict JSON: {constant}")

    return json.loads(text, parse_constant=refuse)


@pytest.mark.parametrize(
    ("learning_rate", "non_finite"), [("1e10", "inf"), ("1e20", "nan")], ids=["inf", "nan"]
)
def test_a_run_that_overflows_is_strict_json_in_the_output_the_export_and_the_history(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, learning_rate: str, non_finite: str
) -> None:
    """lr 10 diverges while every value is still finite; lr 1e10 ends with an infinite loss,
    and lr 1e20 with nan parameters too. Each non-finite value is written as null."""
    end = run_to_end(TrainConfig(device="cpu", learning_rate=float(learning_rate)))
    assert str(end.half_mse) == non_finite  # the run really ends on a non-finite value
    exported, history = tmp_path / "runs.json", tmp_path / "history.jsonl"
    code, out, _ = run_cli(
        capsys,
        *("train", "--json", "--lr", learning_rate, "--device", "cpu"),
        *("--export", str(exported), "--history", str(history)),
    )
    assert code == 3
    (run,) = strict_json(out)["runs"]
    assert run["outcome"] == "diverged"
    assert run["message"].startswith("diverged in epoch 1")
    assert run["final"]["half_mse"] is None
    assert run["final"]["mse"] is None
    finite_weights = [math.isfinite(w) for w in end.w]
    assert [w is not None for w in run["final"]["w"]] == finite_weights
    assert [row["learned"] is not None for row in run["parameters"][:-1]] == finite_weights
    for record in [*strict_json(exported.read_text()), strict_json(history.read_text())]:
        assert record["outcome"] == "diverged"
        assert record["half_mse"] is None
        assert [w is not None for w in record["w"]] == finite_weights
    (kept,) = History(history).load().records  # and the runs screen can read it back
    assert kept.half_mse is None


def test_export_json_holds_the_run_as_strict_json(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "runs.json"
    code, _, err = run_cli(
        capsys, "train", "--epochs", "2", "--seed", "4", "--device", "cpu", "--export", str(path)
    )
    assert code == 0
    assert f"exported 1 run to {path}" in err
    (record,) = strict_json(path.read_text())
    config = TrainConfig.from_dict(record["config"])
    assert config == TrainConfig(device="cpu", epochs=2, seed=4)
    end = run_to_end(config)
    assert record["outcome"] == "finished"
    assert [e["epoch"] for e in record["history"]] == [1, 2]
    assert [e["loss"] for e in record["history"]] == [e.loss for e in end.history]
    assert (record["w"], record["b"]) == (list(end.w), end.b)
    (kept,) = History(default_path()).load().records
    assert RunRecord.from_dict(record) == kept  # the very record the history keeps


def test_train_with_no_history_records_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    path = default_path()  # the test's own data directory (tests/conftest.py)
    code, _, _ = run_cli(capsys, "train", "--epochs", "1", "--device", "cpu", "--no-history")
    assert code == 0
    assert not path.exists()
    code, _, _ = run_cli(capsys, "train", "--epochs", "1", "--device", "cpu")
    assert code == 0
    assert len(History(path).load().records) == 1  # without the flag, the run is recorded there


def test_invalid_arguments_exit_2_naming_every_field(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(capsys, "train", "--batch-size", "0", "--lr", "abc")
    assert code == 2
    assert out == ""
    assert "batch size must be a whole number ≥ 1, got '0'" in err
    assert "learning rate must be a number > 0, got 'abc'" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("argv", "prog"),
    [(("train", "--bogus"), "tui-linreg train"), (("--bogus",), "tui-linreg")],
)
def test_an_unknown_flag_is_refused_with_its_commands_own_usage(
    capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], prog: str
) -> None:
    code, _, err = run_cli(capsys, *argv)
    assert code == 2
    assert err.startswith(f"usage: {prog} [")  # train's flags, not the app's and COMMAND
    assert err.rstrip().endswith(f"{prog}: error: unrecognized arguments: --bogus")


def test_missing_cuda_is_a_clear_error_not_a_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    code, _, err = run_cli(capsys, "train", "--device", "cuda")
    assert code == 2
    assert "sees no CUDA GPU" in err


def test_negative_values_may_follow_their_flag(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "train", "--check", "--true-w", "-3.4,2", "--true-b", "-1")
    assert code == 0
    assert json.loads(out)["true_w"] == [-3.4, 2.0]


def test_ctrl_c_stops_cleanly_prints_the_parameter_table_and_exits_130() -> None:
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "tui_linreg", "train", "--device", "cpu"),
            *("--num-examples", "100000", "--epochs", "10000", "--history", os.devnull),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        ready, _, _ = select.select([process.stdout], [], [], 60)
        assert ready, "no start line within 60 s"
        first = process.stdout.readline()  # the start line: training is under way
        assert first.startswith("scratch on cpu")
        time.sleep(0.5)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130
    assert "cancelled in epoch" in out
    lines = out.splitlines()
    assert any(line.split()[:2] == ["parameter", "true"] for line in lines)
    table = [line.split() for line in lines if line.startswith(("w[", "b "))]
    assert [row[0] for row in table] == ["w[0]", "w[1]", "b"]
    assert [float(row[1]) for row in table] == [2.0, -3.4, 4.2]  # true values
    assert all(len(row) == 6 and all(_is_number(v) for v in row[1:]) for row in table)
    assert "Traceback" not in err


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


VALUE_FLAGS = sorted(s.flag for s in SETTINGS.values() if not s.is_switch)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(flag=st.sampled_from(VALUE_FLAGS), value=st.text(max_size=40))
def test_any_flag_value_gets_a_result_or_a_message_never_a_traceback(
    capsys: pytest.CaptureFixture[str], flag: str, value: str
) -> None:
    code, out, err = run_cli(capsys, "train", "--check", f"{flag}={value}")
    assert code in (0, 2)
    if code == 2:
        assert err.startswith(("tui-linreg: ", "usage: "))
    else:
        json.loads(out.splitlines()[0])


@pytest.mark.parametrize("flag", VALUE_FLAGS)
def test_a_value_of_exactly_two_dashes_gets_a_message(
    capsys: pytest.CaptureFixture[str], flag: str
) -> None:
    """argparse drops a value of exactly '--' (--lr=--) and hands over an empty list."""
    code, _, err = run_cli(capsys, "train", "--check", f"{flag}=--")
    assert code == 2
    assert err.startswith("tui-linreg: ")
    # "--" is a name a column or a file may have: those are refused for what they name.
    kind = next((s.kind for s in SETTINGS.values() if s.flag == flag), None)
    if isinstance(kind, Columns | DataSource) or (isinstance(kind, Text) and not kind.hex_digits):
        assert "--" in err
        return
    assert "'--'" in err


def test_python_dash_m_and_the_console_script_agree() -> None:
    script = Path(sys.executable).with_name("tui-linreg")  # installed beside this Python
    assert script.is_file(), f"no console script at {script}: pip install -e ."
    env = {**os.environ, "NO_COLOR": "1"}
    argv = ["train", "--check", "--lr", "0.05", "--true-w", "-1,2"]
    started = [  # side by side: each spends its time importing PyTorch
        subprocess.Popen(
            [*command, *argv], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
        )
        for command in ([sys.executable, "-m", "tui_linreg"], [str(script)])
    ]
    try:
        (module_out, module_err), (script_out, script_err) = (
            process.communicate(timeout=60) for process in started
        )
    finally:
        for process in started:
            if process.poll() is None:
                process.kill()
    by_module, by_script = started
    assert by_module.returncode == by_script.returncode == 0, script_err
    assert script_out == module_out
    assert script_err == module_err
    config = json.loads(script_out)
    assert (config["learning_rate"], config["true_w"]) == (0.05, [-1.0, 2.0])


@pytest.mark.parametrize(
    "argv", [["1,2,3," * 1700], ["train", "--bogus", "x" * 5000]], ids=["command", "flag"]
)
def test_argparse_refusals_quote_a_paste_by_its_start(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as refused:
        main(argv)
    err = capsys.readouterr().err
    assert refused.value.code == 2
    assert err.splitlines()[-1].endswith(
        (
            "…' (choose from 'train', 'presets', 'serve', 'datasets', 'history', 'learn', 'graph')",
            "…",
        )
    )
    assert len(err.splitlines()[-1]) < 200


def test_a_tilde_that_names_no_user_is_a_path_like_any_other(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pathlib raises for ``~nosuchuser``; a shell leaves it as typed, and so does the CLI."""
    monkeypatch.chdir(tmp_path)
    code = main(["train", "--epochs", "1", "--history", "~0", "--export", "~0.csv"])
    assert code == 0, capsys.readouterr().err
    assert (tmp_path / "~0").is_file()
    assert (tmp_path / "~0.csv").is_file()


def test_keep_going_prints_the_lessons_nan_lines_and_still_exits_3(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run_cli(
        capsys, "train", "--no-history", "--lr", "10", "--epochs", "3", "--keep-going"
    )
    assert code == 3
    assert [line for line in out.splitlines() if line.startswith("epoch ")] == [
        "epoch 1, loss nan",
        "epoch 2, loss nan",
        "epoch 3, loss nan",
    ]
    assert "It kept going to epoch 3: it became inf in epoch 1" in out
    assert "keep_going=on" in out.splitlines()[0]


@pytest.mark.parametrize(
    ("flags", "order"),
    [(["--no-shuffle"], "fixed"), (["--shuffle"], "shuffled"), (["--order", "sorted"], "sorted")],
)
def test_order_and_the_old_shuffle_switch(
    capsys: pytest.CaptureFixture[str], flags: list[str], order: str
) -> None:
    code, out, _ = run_cli(capsys, "train", "--device", "cpu", "--epochs", "1", "--json", *flags)
    assert code == 0
    assert json.loads(out)["config"]["order"] == order
