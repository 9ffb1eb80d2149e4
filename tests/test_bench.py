"""The benchmark's quick mode runs end to end (no timing is asserted: machines are noisy).

It takes a minute and a half, mostly fresh processes importing PyTorch, so it is a slow test:
left out of ``python -m pytest``, run by ``python -m pytest -m slow``, which .ci/run does."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import torch


@pytest.mark.slow
def test_the_benchmark_runs_and_writes_json_and_markdown(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads((tmp_path / "bench.json").read_text())
    assert report["quick"] is True
    measured = {(row["implementation"], row["reference"]) for row in report["loops"]}
    assert measured == {("scratch", "scratch"), ("concise", "concise"), ("analytic", "scratch")}
    assert all(
        row["steps_per_s"] > 0 and row["reference_steps_per_s"] > 0 for row in report["loops"]
    )
    assert report["ui"][0]["app_steps_per_s"] > 0
    assert report["first_paint"]["first_paint_s"] > 0
    assert [row["pace"] for row in report["pace"]] == [1000.0, 100.0, 10.0, 1.0]
    assert all(row["achieved"] > 0 for row in report["pace"])
    assert {row["implementation"] for row in report["memory"]} == {"scratch", "concise", "analytic"}
    # Issue 20's measures: the floor, the other losses and optimisers, a fresh process, each
    # view in the app, a replay key's redraw, and a data file (ours; pandas where installed).
    assert all(row["floor_steps_per_s"] > 0 for row in report["loops"])
    variants = {(row["variant"], row["implementation"]) for row in report["variants"]}
    assert len(variants) == 9 * 3
    assert ("--optimizer adam", "analytic") in variants
    assert all(row["ratio"] > 0 for row in report["fresh_train"])
    assert {row["view"] for row in report["ui"]} == {
        "plots",
        "landscape",
        "inspector",
        "trajectories",
    }
    assert report["replay"]["median_ms"] > 0
    assert report["datafile"]["ours"]["seconds"] > 0
    table = (tmp_path / "bench.md").read_text()
    assert "| n / batch | implementation |" in table
    assert "× reference" in table


def test_asking_for_a_gpu_where_there_is_none_is_a_clear_error(tmp_path: Path) -> None:
    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    result = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--device", "cuda", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "--device cuda: this PyTorch" in result.stderr
    assert "sees no CUDA GPU" in result.stderr
    assert "Traceback" not in result.stderr
