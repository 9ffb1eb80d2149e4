"""Terminals as people have them: every size from 40×12 to 300×100, plain and dumb terminals,
NO_COLOR, and output piped to a file or to a reader that stops early."""

from __future__ import annotations

import os
import re
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest
from textual.geometry import Region
from textual.widget import Widget

from tests.hardening.conftest import TALLY
from tests.ui.snapshot_app import log_text, make_app, run_and_wait, settle
from tests.ui.test_terminal import read_until, start_app
from tui_linreg.config import TrainConfig
from tui_linreg.engine.run import run_to_end
from tui_linreg.ui.screens.panes import MIN_HEIGHT, MIN_WIDTH

SIZES = [(40, 12), (60, 20), (79, 23), (80, 24), (100, 30), (120, 40), (200, 60), (300, 100)]

ESCAPE = re.compile(rb"\x1b")

MAIN_VIEWS = ["#form", "#scatter", "#loss", "#log", "#parameters"]
"""What the main screen must show at any size it accepts."""


def shown(widget: Widget) -> Region:
    """Where a widget is drawn on the screen (empty when hidden or scrolled away)."""
    return widget.region.intersection(widget.screen.region)


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
async def test_every_size_draws_the_screen_and_a_run_gives_the_right_answer(
    size: tuple[int, int],
) -> None:
    width, height = size
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        too_small = app.query_one("#too-small")
        if width < MIN_WIDTH or height < MIN_HEIGHT:
            assert too_small.display
            assert f"it is {width}×{height} now" in str(too_small.render())
        else:
            assert not too_small.display
            for selector in MAIN_VIEWS:
                view = app.query_one(selector)
                assert shown(view) == view.region, f"{selector} is cut off at {width}×{height}"
                assert view.region.width >= 10, selector
                assert view.region.height >= 3, selector
        await run_and_wait(pilot)  # the run key works whatever the size
        if width < MIN_WIDTH or height < MIN_HEIGHT:
            await pilot.resize_terminal(120, 40)  # and the results are there once it is bigger
            await pilot.pause()
            assert not too_small.display
        assert "finished 3 epochs" in log_text(app)
        app.export_screenshot()  # drawing the whole screen at this size raises nothing
        ended = app.session.ends[-1]
    TALLY["terminal sizes"] += 1
    expected = run_to_end(TrainConfig(device="cpu", seed=0))
    assert (ended.w, ended.b) == (expected.w, expected.b)


async def test_the_plots_grow_with_the_terminal() -> None:
    areas = []
    for size in [(80, 24), (120, 40), (300, 100)]:
        app = make_app()
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            areas.append(app.query_one("#scatter").region.area)
    assert areas == sorted(areas), areas
    assert areas[0] < areas[-1] / 4, areas


# --- the headless command in plain terminals and pipes ------------------------------------


def train_into_files(
    tmp_path: Path, *args: str, env: dict[str, str], stderr_terminal: bool = True
) -> tuple[int, bytes, bytes]:
    """``tui-linreg train`` with stdout piped to a file and stderr on a terminal (where the
    progress line goes): (exit code, stdout, what the terminal got)."""
    out = tmp_path / "out.txt"
    leader, follower = os.openpty()
    with out.open("wb") as stdout:
        process = subprocess.Popen(
            [sys.executable, "-m", "tui_linreg", "train", "--history", os.devnull, *args],
            stdin=subprocess.DEVNULL,
            stdout=stdout,
            stderr=follower if stderr_terminal else subprocess.PIPE,
            env={**os.environ, **env},
        )
        os.close(follower)
        terminal, deadline = b"", time.monotonic() + 60
        while time.monotonic() < deadline:  # until the process closes the terminal
            ready, _, _ = select.select([leader], [], [], 0.1)
            try:
                chunk = os.read(leader, 65536) if ready else b"."
            except OSError:  # the process has ended
                break
            if not chunk:
                break
            terminal += chunk if ready else b""
        process.wait(timeout=10)
    os.close(leader)
    return process.returncode, out.read_bytes(), terminal


@pytest.mark.parametrize(
    "env",
    [{"TERM": "dumb"}, {"TERM": "xterm"}, {"TERM": "xterm-256color", "NO_COLOR": "1"}],
    ids=["TERM=dumb", "TERM=xterm", "NO_COLOR"],
)
def test_train_piped_to_a_file_prints_plain_lines(env: dict[str, str], tmp_path: Path) -> None:
    code, out, terminal = train_into_files(tmp_path, "--epochs", "2", env=env)
    TALLY["terminal kinds"] += 1
    assert code == 0, terminal
    assert not ESCAPE.search(out), out[:200]
    epochs = [line for line in out.decode().splitlines() if line.startswith("epoch ")]
    assert [line.split(",")[0] for line in epochs] == ["epoch 1", "epoch 2"]
    if env["TERM"] == "dumb":  # no cursor movement on a terminal that cannot do it
        assert not ESCAPE.search(terminal), terminal[:200]


def test_a_reader_that_stops_early_ends_training_quietly() -> None:
    """``tui-linreg train | head``: no traceback, and training stops rather than going on."""
    pipeline = subprocess.run(
        [
            "bash",
            "-c",
            "set -o pipefail; "
            f"{sys.executable} -m tui_linreg train --history /dev/null --epochs 100000 "
            "--num-examples 20 | head -3; echo status=$?",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert pipeline.stdout.splitlines()[2].startswith("epoch 1, loss ")
    assert "status=141" in pipeline.stdout  # what a shell reports for a closed pipe
    assert "Traceback" not in pipeline.stderr, pipeline.stderr
    assert "Error" not in pipeline.stderr, pipeline.stderr


def test_an_output_that_cannot_encode_unicode_gets_question_marks(tmp_path: Path) -> None:
    code, out, _ = train_into_files(
        tmp_path, "--epochs", "1", stderr_terminal=False, env={"PYTHONIOENCODING": "ascii"}
    )
    assert code == 0
    assert b"scratch on cpu ? n=1000" in out  # '·' could not be written; the rest was


def test_the_app_declines_a_dumb_terminal_and_points_to_train() -> None:
    process, leader = start_app(TERM="dumb")
    try:
        said = read_until(leader, b"tui-linreg train", timeout=30)
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
        os.close(leader)
    assert process.returncode == 2
    assert b"TERM=dumb" in said
    assert b"\x1b[" not in said


def test_the_app_runs_in_a_plain_xterm() -> None:
    process, leader = start_app("--epochs", "2", TERM="xterm")
    try:
        read_until(leader, b"ready", timeout=60)
        os.write(leader, b"\x12")  # ctrl+r
        read_until(leader, b"finished", timeout=60)
        os.write(leader, b"\x11")  # ctrl+q
        read_until(leader, b"\x1b[?1049l", timeout=10)  # the terminal is given back
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
        os.close(leader)
    TALLY["terminal kinds"] += 1
    assert process.returncode == 0
