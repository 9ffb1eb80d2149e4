"""Random key sequences through Pilot, with the run, stop and toggle keys pressed mid-run: the
app never crashes, and afterwards a normal run still gives the right answer."""

from __future__ import annotations

import asyncio
import random
from pathlib import Path

import pytest
from textual.widgets import Input

from tests.hardening.conftest import TALLY, scaled
from tests.ui.snapshot_app import make_app, run_and_wait, settle
from tui_linreg.config import TrainConfig
from tui_linreg.engine.run import run_to_end

APP_KEYS = ["ctrl+r", "ctrl+g", "ctrl+o", "ctrl+t", "ctrl+l", "ctrl+n", "ctrl+f", "ctrl+p"]
SCREEN_KEYS = ["f1", "f2", "f3", "f4", "f5", "f6", "escape", "enter", "space"]
MOVES = ["tab", "shift+tab", "up", "down", "left", "right", "home", "end", "pageup", "pagedown"]
EDITS = ["backspace", "delete", *"0123456789", "minus", "full_stop", "comma", "e"]
RUNS_SCREEN = list("ldscexyn")
"""The runs screen's own keys (sort, copy, export, clear and its answer)."""

WEIGHTED = [(APP_KEYS, 5), (SCREEN_KEYS, 2), (MOVES, 3), (EDITS, 4), (RUNS_SCREEN, 1)]

SEEDS = range(scaled(3, 5))


def key_sequence(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    groups = [keys for keys, weight in WEIGHTED for _ in range(weight)]
    return [rng.choice(rng.choice(groups)) for _ in range(count)]


@pytest.mark.parametrize("seed", SEEDS)
async def test_random_keys_never_break_the_app(
    seed: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # the runs screen exports into the working directory
    app = make_app(num_examples=20_000, epochs=4)
    keys = key_sequence(seed, scaled(100, 2000))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            TALLY["keys pressed"] += 1
        # Back to the main screen, nothing running, the form at the defaults.
        while len(app.screen_stack) > 1:
            app.pop_screen()
            await pilot.pause()
        if app.control is not None:
            app.control.cancel()
        for _ in range(500):
            if app.running is None and app.training_ended.is_set():
                break
            await asyncio.sleep(0.02)
        assert app.running is None, "a run was still going after stop"
        app.main.form.fill(TrainConfig(device="cpu"))
        app.main.form.query_one("#field-sweep", Input).value = ""
        await pilot.pause()
        await run_and_wait(pilot)
        ended = app.ends[-1]
    expected = run_to_end(TrainConfig(device="cpu"))
    assert ended.outcome == expected.outcome
    assert (ended.w, ended.b) == (expected.w, expected.b), "the normal run's answer changed"
