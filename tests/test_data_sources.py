"""--data (issue 18, §4–5): training on the user's own CSV or TSV file and on the built-in data
sets, end to end through the config, the engine, the CLI and the history, checked against
independent computations on the file's numbers."""

from __future__ import annotations

import dataclasses
import json
import shlex
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from tui_linreg.cli import config_from_args
from tui_linreg.config import ConfigError, TrainConfig, config_from_text
from tui_linreg.datasets import DATASETS, path_of
from tui_linreg.engine.data import make_problem
from tui_linreg.engine.events import RunStarted
from tui_linreg.engine.run import run_to_end, train
from tui_linreg.reproduce import reproduce_command

CPU = torch.device("cpu")


def _write(path: Path, rows: np.ndarray, header: str, delimiter: str = ",") -> Path:
    lines = [header] + [delimiter.join(repr(float(v)) for v in row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def csv_file(tmp_path: Path) -> Path:
    """300 rows of y = 1.5·a − 2·b + 0.5 + noise, and a column c the fit need not use."""
    generator = np.random.default_rng(7)
    a, b, c = generator.normal(size=(3, 300))
    y = 1.5 * a - 2.0 * b + 0.5 + 0.1 * generator.normal(size=300)
    return _write(tmp_path / "mine.csv", np.column_stack([a, b, c, y]), "a,b,c,y")


def _least_squares(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    design = np.hstack([x, np.ones((len(x), 1))])
    solution: np.ndarray = np.linalg.lstsq(design, y, rcond=None)[0]
    return solution


def test_a_csv_file_trains_and_its_reference_is_the_files_own_least_squares(
    csv_file: Path,
) -> None:
    config = config_from_text({"data": str(csv_file), "epochs": "20", "features": "a,b"})
    assert config.features == ("a", "b")
    assert config.target == "y"
    assert config.num_examples == 300
    assert len(config.data_sha256) == 64
    end = run_to_end(config)
    table = np.loadtxt(csv_file, delimiter=",", skiprows=1)
    expected = _least_squares(table[:, :2], table[:, 3])
    assert [*end.closed_form.w, end.closed_form.b] == pytest.approx(expected.tolist(), abs=1e-5)
    assert [*end.w, end.b] == pytest.approx(expected.tolist(), abs=0.02)  # it learned it
    assert end.config.truth is None  # real data: no true parameters to compare with


def test_the_target_and_the_features_default_to_the_last_column_and_all_the_others(
    csv_file: Path,
) -> None:
    config = config_from_text({"data": str(csv_file)})
    assert (config.features, config.target) == (("a", "b", "c"), "y")
    picked = config_from_text({"data": str(csv_file), "target": "a"})
    assert (picked.features, picked.target) == (("b", "c", "y"), "a")


def test_a_tsv_file_with_a_bom_and_crlf_reads_the_same_numbers(
    csv_file: Path, tmp_path: Path
) -> None:
    text = csv_file.read_text(encoding="utf-8").replace(",", "\t").replace("\n", "\r\n")
    tsv = tmp_path / "mine.tsv"
    tsv.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    one = make_problem(config_from_text({"data": str(csv_file)}), CPU)
    other = make_problem(config_from_text({"data": str(tsv)}), CPU)
    assert torch.equal(one.features, other.features)
    assert torch.equal(one.labels, other.labels)


@pytest.mark.parametrize(
    ("content", "said"),
    [
        ("a,y\n1,2\n3,x\n", 'mine.csv line 3, column "y": "x" is not a number'),
        ("a,y\n1,2\n3\n", "line 3"),
        ("", "empty"),
        ("a,y\n", "no rows"),
        ("a,y\n1,2\n,4\n", "line 3"),
        ("a,y\n1,2\n3,inf\n", "line 3"),
    ],
)
def test_a_bad_file_is_refused_in_one_sentence_and_nothing_is_trained_or_recorded(
    tmp_path: Path, content: str, said: str
) -> None:
    bad = tmp_path / "mine.csv"
    bad.write_text(content, encoding="utf-8")
    history = tmp_path / "history.jsonl"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "tui_linreg",
            "train",
            "--data",
            str(bad),
            "--history",
            str(history),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert said in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not result.stdout
    assert not history.exists()


def test_drop_missing_drops_the_rows_and_says_how_many(tmp_path: Path) -> None:
    path = tmp_path / "holes.csv"
    path.write_text("a,y\n1,2\n2,\n3,6\nnan,8\n4,8\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="line 3"):
        config_from_text({"data": str(path)})
    config = config_from_text({"data": str(path), "drop_missing": "on"})
    assert config.num_examples == 3
    started = next(iter(train(config)))
    assert isinstance(started, RunStarted)
    assert "dropped 2 rows" in started.data_note


def test_the_validation_share_is_seeded_disjoint_and_leaves_the_rest_to_train(
    csv_file: Path,
) -> None:
    config = config_from_text({"data": str(csv_file), "val_fraction": "0.2"})
    assert (config.num_examples, config.val_examples) == (240, 60)
    problem = make_problem(config, CPU)
    assert problem.val_features is not None
    assert problem.val_features.shape == (60, 3)
    together = torch.cat([problem.features, problem.val_features])
    table = torch.from_numpy(np.loadtxt(csv_file, delimiter=",", skiprows=1, dtype=np.float32))
    assert sorted(together[:, 0].tolist()) == sorted(table[:, 0].tolist())  # each row once
    again = make_problem(config, CPU)
    assert torch.equal(again.val_features, problem.val_features)  # type: ignore[arg-type]
    other = make_problem(dataclasses.replace(config, seed=1), CPU)
    assert not torch.equal(other.val_features, problem.val_features)  # type: ignore[arg-type]


def test_standardised_training_reports_the_files_own_line_in_its_units(csv_file: Path) -> None:
    """Trained on (x − mean)/std, the parameters turned back into the data's units are the
    least-squares fit on the raw columns."""
    config = config_from_text(
        {"data": str(csv_file), "standardize": "on", "features": "a,b", "epochs": "30"}
    )
    end = run_to_end(config)
    assert end.standardization is not None
    table = np.loadtxt(csv_file, delimiter=",", skiprows=1)
    expected = _least_squares(table[:, :2], table[:, 3])
    w, b = end.in_data_units(end.closed_form.w, end.closed_form.b)
    assert [*w, b] == pytest.approx(expected.tolist(), abs=1e-5)
    means = table[:, :2].mean(axis=0)
    assert end.standardization[0] == pytest.approx(means.tolist(), abs=1e-6)


def test_anscombes_four_sets_share_their_line_and_are_four_different_data_sets() -> None:
    lines, labels = [], []
    for number in range(1, 5):
        end = run_to_end(TrainConfig(data=f"anscombe-{number}", device="cpu", epochs=1))
        lines.append((end.closed_form.w[0], end.closed_form.b))
        labels.append(tuple(make_problem(end.config, CPU).labels.flatten().tolist()))
    for slope, intercept in lines:
        assert slope == pytest.approx(0.5, abs=1e-3)
        assert intercept == pytest.approx(3.0, abs=3e-3)
    assert len(set(labels)) == 4


def test_every_built_in_data_set_trains_standardised() -> None:
    """(Galton's heights, about 68 inches, diverge at the lessons' lr unstandardised.)"""
    for name, dataset in DATASETS.items():
        config = config_from_text({"data": name, "epochs": "1", "standardize": "on"})
        assert config.num_examples == dataset.rows
        assert config.features == dataset.features
        assert path_of(name).is_file()
        assert run_to_end(config).outcome == "finished"


def test_the_history_records_the_file_and_its_hash_and_a_changed_file_is_said(
    csv_file: Path, tmp_path: Path
) -> None:
    history = tmp_path / "history.jsonl"
    first = subprocess.run(
        [
            sys.executable,
            "-m",
            "tui_linreg",
            "train",
            "--data",
            str(csv_file),
            "--history",
            str(history),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert first.returncode == 0, first.stderr
    record = json.loads(history.read_text(encoding="utf-8").splitlines()[0])
    assert record["config"]["data"] == str(csv_file)
    assert (
        record["config"]["data_sha256"]
        == __import__("hashlib").sha256(csv_file.read_bytes()).hexdigest()
    )
    config = TrainConfig.from_dict(record["config"])
    command = reproduce_command(config)
    assert f"--data={csv_file}" in command
    with csv_file.open("a", encoding="utf-8") as more:
        more.write("0.1,0.2,0.3,0.4\n")
    again = subprocess.run(
        [sys.executable, "-m", "tui_linreg", *shlex.split(command)[1:], "--no-history"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert again.returncode == 0, again.stderr
    assert "mine.csv has changed since this run was recorded" in again.stdout


def test_a_recorded_run_whose_file_has_gone_still_loads_and_says_why_it_cannot_run(
    csv_file: Path,
) -> None:
    config = config_from_text({"data": str(csv_file)})
    recorded = TrainConfig.from_dict(config.to_dict())
    csv_file.unlink()
    assert recorded == config  # the history keeps it
    with pytest.raises(ConfigError, match=r"mine\.csv does not exist"):
        list(train(recorded))


@pytest.mark.parametrize(
    ("flags", "said"),
    [
        (["--target", "y"], "target names a data file's column"),
        (["--standardize"], "standardize is for a data file's features"),
        (["--val-fraction", "0.2"], "validation fraction holds out a share"),
        (["--data", "anscombe-9"], "no built-in data set or file is called"),
    ],
)
def test_data_file_settings_without_a_file_are_refused(flags: list[str], said: str) -> None:
    from tui_linreg.cli import build_parser

    args = build_parser().parse_args(["train", *flags])
    with pytest.raises(ConfigError, match=said):
        config_from_args(args)
