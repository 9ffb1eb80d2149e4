"""The landscape view (f9): the map in the data plot's place, each run's path on it, the pair
of parameters chosen with ctrl+f, and a diverging path followed out."""

from __future__ import annotations

import pytest
from textual.widget import Widget

from tests.ui.snapshot_app import (
    RunEvents,
    drawn,
    make_app,
    press_now,
    run_and_wait,
    settle,
    type_into,
    wait_for_sequence,
    wait_until,
)
from tui_linreg.engine import run
from tui_linreg.engine.events import RunEnded


def shown(widget: Widget) -> bool:
    """Whether the widget is displayed (a function: mypy would narrow the attribute)."""
    return bool(widget.display)


@pytest.fixture(autouse=True)
def progress_reports(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(run, "PROGRESS_INTERVAL_S", 0.05)


async def test_f9_shows_the_map_before_a_run_and_the_path_after() -> None:
    seen = RunEvents()
    app = make_app()
    async with app.run_test(size=(120, 40), message_hook=seen.hook) as pilot:
        await settle(pilot)
        await pilot.press("f9")
        landscape = app.main.landscape
        assert shown(landscape)
        assert not shown(app.main.scatter), "the map takes the data plot's place"
        text = drawn(landscape)
        assert "b at its optimum" in text
        assert "○" in text  # the start, before any run
        assert "stable: lr < 2/λmax = 1.82" in text  # the log's bound
        await run_and_wait(pilot)
        recording = landscape.paths["scratch"]
        assert len(recording) == 301  # the start and every one of the lesson's 300 steps
        (end,) = seen.ended
        assert recording.theta(300) == pytest.approx((*end.w, end.b))
        text = drawn(landscape)
        assert "●" in text
        assert "scratch" in text
        await pilot.press("f9")
        assert shown(app.main.scatter)
        assert not shown(landscape)


async def test_ctrl_f_on_the_map_walks_through_the_pairs_and_says_what_is_held() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f9")
        titles = []
        for _ in range(3):
            titles.append(drawn(app.main.landscape).splitlines()[0])
            await pilot.press("ctrl+f")
            app.main.refresh_views(force=True)
            await pilot.pause()
        assert "b at its optimum" in titles[0]
        assert "w[1] at its optimum" in titles[1]  # (w[0], b)
        assert "w[0] at its optimum" in titles[2]  # (w[1], b)
        assert app.main.landscape.slice().names == ("w[0]", "w[1]"), "back to the first pair"
        assert app.main.scatter.feature == 1, "the scatter's feature did not move"


async def test_f4_and_f9_share_the_data_plots_place() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f9", "f4")
        assert shown(app.main.trajectory)
        assert not shown(app.main.landscape)
        await pilot.press("f9")
        assert shown(app.main.landscape)
        assert not shown(app.main.trajectory)


async def test_f9_and_f4_over_the_inspector_or_the_code_show_their_view() -> None:
    """The inspector (f8) and the code (f3) take the plots' place: a view key puts it back."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f8", "f9")
        assert app.main.in_place != "inspector"
        assert shown(app.main.landscape)
        assert app.main.landscape.region.width > 0
        assert app.focused is app.main.landscape  # the replay keys work at once
        await pilot.press("f8", "f9")  # the map was under the inspector: f9 shows it again
        assert app.main.in_place != "inspector"
        assert app.main.landscape.region.width > 0
        await pilot.press("f3", "f4")
        assert app.main.in_place != "code"
        assert app.main.trajectory.region.width > 0


async def test_both_implementations_share_one_map_and_concise_strides_further() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f9", "f6")
        await wait_for_sequence(pilot, 2)
        paths = app.main.landscape.paths
        assert list(paths) == ["scratch", "concise"]
        # Concise at lr takes scratch's step at 2·lr: its first stride is twice as long.
        first = [
            sum((a - b) ** 2 for a, b in zip(p.theta(1), p.theta(0), strict=True)) ** 0.5
            for p in paths.values()
        ]
        assert first[1] == pytest.approx(2 * first[0], rel=0.01)
        bottom = drawn(app.main.landscape).splitlines()[-1]
        assert "scratch" in bottom
        assert "concise" in bottom


async def test_a_sweep_overlays_every_runs_path_with_its_label() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f9")
        await type_into(pilot, "sweep", "lr=0.01,0.03,0.3")
        await pilot.press("ctrl+r")
        await wait_for_sequence(pilot, 3)
        assert list(app.session.recordings) == ["lr=0.01", "lr=0.03", "lr=0.3"]
        assert all(len(path) == 301 for path in app.session.recordings.values())
        bottom = drawn(app.main.landscape).splitlines()[-1]
        assert "0.01" in bottom
        assert "0.3" in bottom
        assert app.main.data_view == "landscape"  # the map stays: f4 would show the sweep's plot


async def test_a_diverging_path_is_followed_out_and_the_map_says_where_it_left() -> None:
    seen = RunEvents()
    app = make_app(learning_rate=10.0, epochs=10)
    async with app.run_test(size=(120, 40), message_hook=seen.hook) as pilot:
        await settle(pilot)
        await pilot.press("f9")
        await run_and_wait(pilot)
        assert isinstance(seen.ended[0], RunEnded)
        bottom = drawn(app.main.landscape).splitlines()[-1]
        assert "left the map at step 2 (w[0]" in bottom


async def test_a_paced_run_moves_the_position_on_the_map_as_it_goes() -> None:
    app = make_app(pace=40.0, num_examples=400, epochs=1)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f9")
        await press_now(pilot, "ctrl+r")
        await wait_until(
            lambda: (
                "scratch" in app.main.landscape.paths and len(app.session.recordings["scratch"]) > 3
            ),
            what=lambda: "no steps on the map",
        )
        assert app.session.running is not None, "the run was over before it could be watched"
        midway = len(app.session.recordings["scratch"])
        await wait_until(lambda: app.session.running is None, timeout=30)
        assert midway < len(app.session.recordings["scratch"]) == 41


async def test_a_sweeps_run_that_flies_off_does_not_zoom_the_map_out() -> None:
    """It zoomed the map to ±200 with every other path a dot at its centre."""
    import re

    app = make_app(epochs=1)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await type_into(pilot, "sweep", "lr=0.03,10")
        await pilot.press("ctrl+r")
        await wait_for_sequence(pilot, 2)
        assert [end.outcome for end in app.session.ends] == ["finished", "diverged"]
        await pilot.press("f9")
        await pilot.pause()
        app.main.refresh_views(force=True)
        await pilot.pause()
        ticks = drawn(app.main.landscape).splitlines()[-3]  # the x axis' numbers
        numbers = [abs(float(n)) for n in re.findall(r"-?\d+(?:\.\d+)?", ticks)]
        assert numbers, ticks
        assert max(numbers) < 10, ticks  # framed on the run that stayed (w[0] from 0 to 2)
