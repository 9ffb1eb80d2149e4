"""Snapshot tests of the app's main states (pytest-textual-snapshot).

Regenerate on purpose with `pytest tests/ui --snapshot-update`, then look at the SVGs.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable

import pytest
from textual.pilot import Pilot

from tests.ui.snapshot_app import (
    SCREENSHOTS,
    Scenario,
    app_on_tape,
    on_lesson_page,
    run_and_wait,
    scratch_run,
    scratch_then_concise,
    settle,
    type_into,
    wait_until,
)
from tests.ui.tapes import TapeRecorder, tape
from tui_linreg.ui.screens.help import HelpScreen

SnapCompare = Callable[..., bool]


def same_as_snapshot(
    snap_compare: SnapCompare,
    tape_name: str,
    before: Scenario,
    changes: dict[str, object] | None = None,
    size: tuple[int, int] = (120, 40),
) -> bool:
    """Whether the app on ``changes``, fed the tape ``tape_name`` instead of training (see
    tests/ui/tapes.py), looks as its snapshot does after ``before``. Every call the app made
    must have been on the tape."""
    played = tape(tape_name)
    same = snap_compare(
        app_on_tape(played, **(changes or {})), terminal_size=size, run_before=before
    )
    if isinstance(played, TapeRecorder):
        played.save()
    assert played.missed == [], f"not on the tape: {played.missed}"
    return same


def test_initial_screen(snap_compare: SnapCompare) -> None:
    assert same_as_snapshot(snap_compare, "initial", settle)


def test_after_a_scratch_run(snap_compare: SnapCompare) -> None:
    assert same_as_snapshot(snap_compare, "trained", scratch_run)


def test_after_a_concise_run_both_columns_in_the_table(snap_compare: SnapCompare) -> None:
    assert same_as_snapshot(snap_compare, "both-implementations", scratch_then_concise)


def test_a_diverged_run(snap_compare: SnapCompare) -> None:
    async def diverge(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await run_and_wait(pilot)

    assert same_as_snapshot(
        snap_compare, "diverged", diverge, {"learning_rate": 10.0, "epochs": 10}
    )


def test_invalid_input_batch_size_0_and_a_non_numeric_lr(snap_compare: SnapCompare) -> None:
    async def invalid(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await type_into(pilot, "batch_size", "0")
        await type_into(pilot, "learning_rate", "fast")
        await pilot.press("ctrl+r")
        app = pilot.app
        # Under load one pause is not always enough for the toast and the cursor to arrive.
        await wait_until(lambda: bool(app.query("Toast")), timeout=10, what=lambda: "the toast")
        await wait_until(
            lambda: app.focused is not None and app.focused.id == "field-learning_rate",
            timeout=10,
            what=lambda: f"the cursor in the first mistake, not {app.focused}",
        )
        await pilot.pause(0.3)  # the form's scroll to the field settles

    assert same_as_snapshot(snap_compare, "initial", invalid)


def test_help_screen(snap_compare: SnapCompare) -> None:
    async def help_screen(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(pilot.app.screen, HelpScreen), "f1 did not open the help"

    assert same_as_snapshot(snap_compare, "initial", help_screen)


def test_80_by_24_after_a_run(snap_compare: SnapCompare) -> None:
    assert same_as_snapshot(snap_compare, "trained", scratch_run, size=(80, 24))


def test_a_too_small_terminal(snap_compare: SnapCompare) -> None:
    assert same_as_snapshot(snap_compare, "initial", settle, size=(60, 20))


@pytest.mark.parametrize("name", ["sweep", "runs", "code", "trajectories", "presets"])
def test_workbench_views(snap_compare: SnapCompare, name: str) -> None:
    changes, before = SCREENSHOTS[name]
    assert same_as_snapshot(snap_compare, name, before, changes)


STEPPING = [
    "three-steps",
    "inspector-concise",
    "inspector-analytic",
    *(name for name in SCREENSHOTS if name.startswith("pitfall-")),
]
"""The step inspector for each implementation, and each pitfall (issue 15)."""


@pytest.mark.parametrize("name", STEPPING)
def test_watching_it_learn(snap_compare: SnapCompare, name: str) -> None:
    changes, before = SCREENSHOTS[name]
    assert same_as_snapshot(snap_compare, name, before, changes)


def test_80_by_24_three_steps_in_the_inspector(snap_compare: SnapCompare) -> None:
    changes, before = SCREENSHOTS["three-steps"]
    assert same_as_snapshot(snap_compare, "three-steps", before, changes, size=(80, 24))


@pytest.mark.parametrize("name", [name for name in SCREENSHOTS if name.startswith("landscape-")])
def test_the_landscape(snap_compare: SnapCompare, name: str) -> None:
    changes, before = SCREENSHOTS[name]
    assert same_as_snapshot(snap_compare, name, before, changes)


def test_80_by_24_the_zigzag_on_the_map(snap_compare: SnapCompare) -> None:
    changes, before = SCREENSHOTS["landscape-zigzag"]
    assert same_as_snapshot(snap_compare, "landscape-zigzag", before, changes, size=(80, 24))


def test_the_times_the_snapshots_show_are_utc_wherever_they_run() -> None:
    """The runs screen shows local times; tests/conftest.py pins TZ=UTC for the session and
    the processes it starts, so its snapshot passes on a machine set to any time zone."""
    assert time.strftime("%H:%M", time.localtime(0)) == "00:00"
    child = subprocess.run(
        [sys.executable, "-c", "import time; print(time.strftime('%H:%M', time.localtime(0)))"],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    assert child.stdout.strip() == "00:00"


@pytest.mark.parametrize(
    ("lesson", "page"), [("autograd", 0), ("scratch", 2), ("concise", 3), ("exercises", 0)]
)
@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])
def test_a_lesson_page_beside_the_live_panes(
    snap_compare: SnapCompare, lesson: str, page: int, size: tuple[int, int]
) -> None:
    """Issue 32: a page of each lesson in the form's place, its code and what it printed."""
    assert same_as_snapshot(snap_compare, "initial", on_lesson_page(lesson, page), size=size)


@pytest.mark.parametrize("name", ["question", "notes"])
def test_predict_then_observe(snap_compare: SnapCompare, name: str) -> None:
    """Issue 31: an exercise's question before its run; the prediction beside the outcome."""
    changes, before = SCREENSHOTS[name]
    assert same_as_snapshot(snap_compare, name, before, changes)


@pytest.mark.parametrize(
    "name", ["outlier-huber", "keep-going", "sweep-lr", "sweep-error-vs-n", "sorted-order"]
)
def test_the_exercises(snap_compare: SnapCompare, name: str) -> None:
    """Issue 17: Huber against squared loss with an outlier, a run down the road to nan, the
    lr sweep's U and cliff, the error against n, and the sorted order on the map."""
    changes, before = SCREENSHOTS[name]
    assert same_as_snapshot(snap_compare, name, before, changes)


BEYOND = [
    "momentum-path",
    "weight-decay",
    "validation",
    *(f"anscombe-{n}" for n in range(1, 5)),
    "users-file",
]


@pytest.mark.parametrize("name", BEYOND)
def test_beyond_the_lessons(snap_compare: SnapCompare, name: str) -> None:
    """Issue 18: the optimisers' paths on the map, a ridge run, a validation curve, each of
    Anscombe's sets, and a run on a user's CSV file."""
    changes, before = SCREENSHOTS[name]
    assert same_as_snapshot(snap_compare, name, before, changes)
