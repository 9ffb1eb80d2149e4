"""The status line keeps its words whole on a narrow terminal: the progress bar gives way."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult

from tui_linreg.ui.widgets.status_line import BAR_WIDTH, StatusLine


class LineApp(App[None]):
    def compose(self) -> ComposeResult:
        yield StatusLine(id="status")


def shown(line: StatusLine) -> str:
    return line.render_line(0).text


@pytest.mark.parametrize("width", [80, 120])
async def test_the_pause_hint_is_whole_and_the_bar_shrinks_to_leave_it_room(width: int) -> None:
    async with LineApp().run_test(size=(width, 3)) as pilot:
        line = pilot.app.query_one(StatusLine)
        line.running("scratch", 1, 3, 0.5, 2, 100)
        line.progress(0.5)
        line.paused(True)
        line.flush()
        await pilot.pause()
        text = shown(line)
        assert "scratch · epoch 1/3 · step 2/100 · paused · f7 steps, ctrl+o resumes" in text
        assert text.rstrip().endswith("50%")
        bar = text.count("━")
        # a whole bar where there is room; at 80 columns it gives way to the words
        assert bar == BAR_WIDTH if width == 120 else 0 < bar < BAR_WIDTH


async def test_words_too_long_for_any_bar_end_in_an_ellipsis() -> None:
    async with LineApp().run_test(size=(30, 3)) as pilot:
        line = pilot.app.query_one(StatusLine)
        line.say("a sweep of 12 runs: 10 finished, 2 diverged")
        line.flush()
        await pilot.pause()
        text = shown(line)
        assert "…" in text
        assert text.rstrip().endswith("0%")
        assert len(text) <= 30


async def test_a_paced_run_says_which_speed_is_which() -> None:
    """It read "finished in 1.12 s of training (paced at 50 steps/s) · 268 steps/s": two
    speeds, and no word for which was the training's."""
    from tui_linreg.config import TrainConfig
    from tui_linreg.engine.run import run_to_end

    ended = run_to_end(TrainConfig(device="cpu", num_examples=20, epochs=1, pace=1000.0))
    async with LineApp().run_test(size=(160, 3)) as pilot:
        line = pilot.app.query_one(StatusLine)
        line.idle("scratch", True, ended)
        await pilot.pause()
        text = shown(line)
        assert "finished · shown at 1000 steps/s, trains at " in text
        assert "without the waits" in text
