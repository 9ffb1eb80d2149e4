"""What several test modules share: the command line run in-process, and a few recorded
runs."""

from __future__ import annotations

import dataclasses

import pytest

from tui_linreg.cli import main
from tui_linreg.config import TrainConfig
from tui_linreg.history import RunRecord

CPU = TrainConfig(device="cpu")


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """``tui-linreg ARGV`` in this process: its exit code, what it printed, what it said."""
    try:
        code = main(list(argv))
    except SystemExit as exit:
        code = int(exit.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def three_records() -> list[RunRecord]:
    """The lesson's run, and lr 0.001 and 10, as the history records them."""
    from tui_linreg.engine.run import run_to_end  # torch: only for the tests that ask

    configs = [
        CPU,
        dataclasses.replace(CPU, learning_rate=0.001),
        dataclasses.replace(CPU, learning_rate=10.0),
    ]
    return [RunRecord.from_run(run_to_end(config)) for config in configs]
