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
    make_app,
    run_and_wait,
    scratch_run,
    scratch_then_concise,
    settle,
    type_into,
    wait_until,
)
from tui_linreg.ui.screens.help import HelpScreen

SnapCompare = Callable[..., bool]


def test_initial_screen(snap_compare: SnapCompare) -> None:
    assert snap_compare(make_app(), terminal_size=(120, 40), run_before=settle)


def test_after_a_scratch_run(snap_compare: SnapCompare) -> None:
    assert snap_compare(make_app(), terminal_size=(120, 40), run_before=scratch_run)


def test_after_a_concise_run_both_columns_in_the_table(snap_compare: SnapCompare) -> None:
    assert snap_compare(make_app(), terminal_size=(120, 40), run_before=scratch_then_concise)


def test_a_diverged_run(snap_compare: SnapCompare) -> None:
    async def diverge(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await run_and_wait(pilot)

    assert snap_compare(
        make_app(learning_rate=10.0, epochs=10), terminal_size=(120, 40), run_before=diverge
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

    assert snap_compare(make_app(), terminal_size=(120, 40), run_before=invalid)


def test_help_screen(snap_compare: SnapCompare) -> None:
    async def help_screen(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(pilot.app.screen, HelpScreen), "f1 did not open the help"

    assert snap_compare(make_app(), terminal_size=(120, 40), run_before=help_screen)


def test_80_by_24_after_a_run(snap_compare: SnapCompare) -> None:
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=scratch_run)


def test_a_too_small_terminal(snap_compare: SnapCompare) -> None:
    assert snap_compare(make_app(), terminal_size=(60, 20), run_before=settle)


@pytest.mark.parametrize("name", ["sweep", "runs", "code", "trajectories", "presets"])
def test_workbench_views(snap_compare: SnapCompare, name: str) -> None:
    changes, before = SCREENSHOTS[name]
    assert snap_compare(make_app(**changes), terminal_size=(120, 40), run_before=before)


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
    assert snap_compare(make_app(**changes), terminal_size=(120, 40), run_before=before)


def test_80_by_24_three_steps_in_the_inspector(snap_compare: SnapCompare) -> None:
    changes, before = SCREENSHOTS["three-steps"]
    assert snap_compare(make_app(**changes), terminal_size=(80, 24), run_before=before)


@pytest.mark.parametrize("name", [name for name in SCREENSHOTS if name.startswith("landscape-")])
def test_the_landscape(snap_compare: SnapCompare, name: str) -> None:
    changes, before = SCREENSHOTS[name]
    assert snap_compare(make_app(**changes), terminal_size=(120, 40), run_before=before)


def test_80_by_24_the_zigzag_on_the_map(snap_compare: SnapCompare) -> None:
    changes, before = SCREENSHOTS["landscape-zigzag"]
    assert snap_compare(make_app(**changes), terminal_size=(80, 24), run_before=before)


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
    "name", ["outlier-huber", "keep-going", "sweep-lr", "sweep-error-vs-n", "sorted-order"]
)
def test_the_exercises(snap_compare: SnapCompare, name: str) -> None:
    """Issue 17: Huber against squared loss with an outlier, a run down the road to nan, the
    lr sweep's U and cliff, the error against n, and the sorted order on the map."""
    changes, before = SCREENSHOTS[name]
    assert snap_compare(make_app(**changes), terminal_size=(120, 40), run_before=before)


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
    assert snap_compare(make_app(**changes), terminal_size=(120, 40), run_before=before)
