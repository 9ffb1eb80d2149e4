"""Exporting runs as CSV and JSON: round trips, plain refusals, no partial file, and the
command line's --export."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.helpers import run_cli
from tui_linreg.export import ExportError, export
from tui_linreg.history import History, RunRecord, default_path


def test_export_csv_has_a_row_per_epoch(tmp_path: Path, records: list[RunRecord]) -> None:
    path = export(records[:2], tmp_path / "runs.csv")
    lines = path.read_text().splitlines()
    assert lines[0].startswith("run,implementation,learning_rate")
    assert len(lines) == 1 + 3 + 3
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]  # nothing left over


def test_export_json_round_trips(tmp_path: Path, records: list[RunRecord]) -> None:
    path = export(records, tmp_path / "runs.json")
    again = [RunRecord.from_dict(r) for r in json.loads(path.read_text())]
    assert [r.to_dict() for r in again] == [r.to_dict() for r in records]


def test_export_refuses_plainly(tmp_path: Path, records: list[RunRecord]) -> None:
    with pytest.raises(ExportError, match="does not exist"):
        export(records, tmp_path / "missing" / "runs.csv")
    (tmp_path / "runs.csv").write_text("mine")
    with pytest.raises(ExportError, match="already exists"):
        export(records, tmp_path / "runs.csv")
    assert (tmp_path / "runs.csv").read_text() == "mine"
    with pytest.raises(ExportError, match="is a directory"):
        export(records, tmp_path)


def read_only_directory(tmp_path: Path) -> Path:
    """A directory nobody may write in: a chmod-ed one, or, for root, whom chmod does not stop,
    sysfs."""
    if os.geteuid() != 0:
        tmp_path.chmod(0o555)
        return tmp_path
    return Path("/sys")


def test_export_to_a_read_only_directory_is_refused_plainly(
    tmp_path: Path, records: list[RunRecord]
) -> None:
    directory = read_only_directory(tmp_path)
    try:
        with pytest.raises(ExportError, match=f"^no permission to write in {directory}$"):
            export(records, directory / "runs.csv")
    finally:
        tmp_path.chmod(0o755)
    assert not (directory / "runs.csv").exists()


def test_ctrl_c_mid_export_leaves_neither_a_partial_file_nor_a_temporary(
    tmp_path: Path, records: list[RunRecord], monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)  # the moment the data is half on disk
    with pytest.raises(KeyboardInterrupt):
        export(records, tmp_path / "runs.csv")
    assert list(tmp_path.iterdir()) == []


def test_cli_records_history_and_exports(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "out.csv"
    code, _, err = run_cli(
        capsys, "train", "--device", "cpu", "--impl", "both", "--export", str(target)
    )
    assert code == 0
    assert f"exported 2 runs to {target}" in err
    assert target.read_text().count("\n") == 1 + 2 * 3
    code, out, _ = run_cli(capsys, "history")
    assert [line.split()[1] for line in out.splitlines()] == ["finished", "finished"]
    assert "tui-linreg train --impl=scratch" in out
    assert "--impl=concise" in out


def test_cli_refuses_a_bad_export_path_before_training(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, err = run_cli(capsys, "train", "--export", str(tmp_path / "nope" / "x.csv"))
    assert code == 2
    assert out == ""
    assert "does not exist" in err


def test_clearing_history_needs_confirmation(capsys: pytest.CaptureFixture[str]) -> None:
    run_cli(capsys, "train", "--device", "cpu", "--epochs", "1")
    code, _, err = run_cli(capsys, "history", "--clear")  # no terminal to ask: refuses
    assert code == 2
    assert "not clearing without --yes" in err
    assert History(default_path()).load().records
    code, _, _ = run_cli(capsys, "history", "--clear", "--yes")
    assert code == 0
    assert History(default_path()).load().records == []


def test_an_export_name_too_long_for_the_file_system_is_refused_plainly(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, records: list[RunRecord]
) -> None:
    long_name = tmp_path / ("9" * 400)
    code, out, err = run_cli(capsys, "train", "--export", str(long_name))
    assert code == 2
    assert out == ""
    assert "file name too long" in err
    assert len(err) < 300
    with pytest.raises(ExportError, match="File name too long"):
        export(records, long_name)


def test_standardize_carries_the_means_stds_and_data_unit_coefficients(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """--json and --export carry what the text says: the features' means and stds, and the
    learned line in the data's own units (checked against galton.csv read here)."""
    import csv as csv_module
    import statistics

    from tui_linreg import datasets

    source = Path(datasets.__file__).parent / "galton.csv"
    with source.open(encoding="utf-8") as file:
        parents = [float(row["parent"]) for row in csv_module.DictReader(file)]
    exported = tmp_path / "runs.csv"
    code, out, _ = run_cli(
        capsys,
        "train",
        "--data",
        "galton",
        "--standardize",
        "--device",
        "cpu",
        "--json",
        "--no-history",
        "--export",
        str(exported),
    )
    assert code == 0
    run = json.loads(out)["runs"][0]
    (mean,), (std,) = run["standardization"]["means"], run["standardization"]["stds"]
    assert mean == pytest.approx(statistics.fmean(parents), rel=1e-9)
    assert std == pytest.approx(statistics.pstdev(parents), rel=1e-6)
    (w,), b = run["final"]["w"], run["final"]["b"]
    assert run["in_data_units"]["w"] == pytest.approx([w / std], rel=1e-9)
    assert run["in_data_units"]["b"] == pytest.approx(b - w * mean / std, rel=1e-9)
    with exported.open(encoding="utf-8") as file:
        row = next(csv_module.DictReader(file))
    assert float(row["w_in_data_units"]) == pytest.approx(w / std, rel=1e-6)
    assert float(row["b_in_data_units"]) == pytest.approx(b - w * mean / std, rel=1e-6)
