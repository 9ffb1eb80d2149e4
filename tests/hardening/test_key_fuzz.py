"""Random key sequences through Pilot, with the run, stop and toggle keys pressed mid-run: the
app never crashes, and afterwards a normal run still gives the right answer."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from textual.widgets import Input

from tests.hardening.conftest import TALLY, scaled
from tests.ui.snapshot_app import (
    RunEvents,
    make_app,
    press_now,
    run_and_wait,
    settle,
    wait_until,
)
from tui_linreg.config import TrainConfig
from tui_linreg.engine.run import run_to_end

APP_KEYS = ["ctrl+r", "ctrl+g", "ctrl+o", "ctrl+t", "ctrl+l", "ctrl+n", "ctrl+f", "ctrl+p"]
SCREEN_KEYS = ["f1", "f2", "f3", "f4", "f5", "f6", "escape", "enter", "space"]
MOVES = ["tab", "shift+tab", "up", "down", "left", "right", "home", "end", "pageup", "pagedown"]
EDITS = ["backspace", "delete", *"0123456789", "minus", "full_stop", "comma", "e"]
RUNS_SCREEN = list("ldscexyn")
"""The runs screen's own keys (sort, copy, export, clear and its answer)."""
WATCHING = ["f7", "f7", "f8", "f9", "ctrl+y", "m", "ctrl+o"]
"""Watching it learn: a single step (which pauses), the inspector, the map, the pace, the
maximised pane, resume."""
REPLAY = [
    "left",
    "right",
    "shift+left",
    "shift+right",
    "left_square_bracket",
    "right_square_bracket",
    "left_curly_bracket",
    "right_curly_bracket",
    "home",
    "end",
]
"""Replay's keys, which act on a plot or the inspector (a paused or finished run)."""

WEIGHTED = [
    (APP_KEYS, 5),
    (SCREEN_KEYS, 2),
    (MOVES, 3),
    (EDITS, 4),
    (RUNS_SCREEN, 1),
    (WATCHING, 3),
    (REPLAY, 3),
]

SEEDS = range(scaled(1, 5))


def key_sequence(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    groups = [keys for keys, weight in WEIGHTED for _ in range(weight)]
    return [rng.choice(rng.choice(groups)) for _ in range(count)]


LONG_RUN = {"num_examples": 100_000, "epochs": 1_000}
"""About 10,000 steps an epoch, for hours: a run the keys start is still going when they end
(unless an edit to the form makes it short, or a key stops it)."""


@pytest.mark.parametrize("seed", SEEDS)
async def test_random_keys_never_break_the_app(
    seed: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # the runs screen exports into the working directory
    app = make_app(**LONG_RUN)
    keys = key_sequence(seed, scaled(150, 2000))
    mid_run = 0
    seen = RunEvents()
    async with app.run_test(size=(120, 40), message_hook=seen.hook) as pilot:
        await settle(pilot)
        # pilot.press waits for the process to go idle, which it never is while a run trains
        # (about 2 s a key, so a run was over before the next key): press_now does not wait.
        await press_now(pilot, "ctrl+r")  # the keys start while a run trains
        for key in keys:
            mid_run += app.session.running is not None
            await press_now(pilot, key)
            TALLY["keys pressed"] += 1
        TALLY["keys pressed mid-run"] += mid_run
        # Back to the main screen, nothing running, the form at the defaults.
        for _ in range(10):  # screens only ever stack a few deep
            if len(app.screen_stack) == 1:
                break
            app.pop_screen()
            await pilot.pause()
        assert len(app.screen_stack) == 1, [type(s).__name__ for s in app.screen_stack]
        await press_now(pilot, "ctrl+g")
        await wait_until(
            lambda: app.session.running is None, what=lambda: "a run was still going after stop"
        )
        app.main.form.fill(TrainConfig(device="cpu"))
        app.main.form.query_one("#field-sweep", Input).value = ""
        await pilot.pause()
        await run_and_wait(pilot)
    ended = seen.ended[-1]
    assert ended.config == TrainConfig(device="cpu", seed=0)
    assert mid_run > 0, "no key was pressed while a run was going"
    expected = run_to_end(TrainConfig(device="cpu"))
    assert ended.outcome == expected.outcome
    assert (ended.w, ended.b) == (expected.w, expected.b), "the normal run's answer changed"
