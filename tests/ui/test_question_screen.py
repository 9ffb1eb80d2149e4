"""An exercise preset asks first: the learner answers with a key (or a number), the run
answers back in the notes pane, and the history keeps the verdict."""

from __future__ import annotations

from textual.widgets import Static

from tests.ui.snapshot_app import (
    CONFIG,
    make_app,
    screen_text,
    settle,
    wait_for_training,
)
from tui_linreg.ui.app import LinregApp
from tui_linreg.ui.screens.question import NameScreen, QuestionScreen


def one_line(text: str) -> str:
    return " ".join(" ".join(line.strip("│ ") for line in text.splitlines()).split())


async def test_a_key_answers_the_question_and_the_run_answers_back() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.main.use_preset("uneven-batches")  # as f5 or the palette does
        await pilot.pause()
        assert isinstance(app.screen, QuestionScreen)
        shown = one_line(screen_text(app.screen.query_one("#question")))
        assert "1003 examples in batches of 10. What becomes of the last 3?" in shown
        assert "1 a short last batch of 3" in shown
        assert "101 steps" not in shown  # the answer is not on screen before the run
        await pilot.press("1")
        await wait_for_training(app)
        await pilot.press("ctrl+e")  # all of the notes, on the whole screen
        notes = one_line(screen_text(app.main.notes))
        assert (
            "You predicted: a short last batch of 3. The run says: a short last batch of 3. "
            "Right." in notes
        )
        assert "101 steps an epoch, the last with 3 examples" in notes
        (record,) = app.session.runner.records
        assert record.prediction is not None
        assert (record.prediction["question"], record.prediction["right"]) == (
            "uneven-batches",
            True,
        )


async def test_escape_skips_the_question_and_the_run_still_answers_it() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.main.use_preset("uneven-batches")
        await pilot.pause()
        await pilot.press("enter")  # nothing chosen yet: enter alone answers nothing
        await pilot.pause()
        assert isinstance(app.screen, QuestionScreen)
        await pilot.press("escape")
        await wait_for_training(app)
        await pilot.press("ctrl+e")
        notes = one_line(screen_text(app.main.notes))
        assert "The run says: a short last batch of 3." in notes
        assert "101 steps an epoch" in notes
        assert app.main.form.read_config().num_examples == 1003
        (record,) = app.session.runner.records
        assert record.prediction is None  # nothing was predicted, nothing recorded


async def test_a_number_question_refuses_what_is_not_a_number() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.main.use_preset("lr-too-small")
        await pilot.pause()
        await pilot.press(*"lots", "enter")
        await pilot.pause()
        error = app.screen.query_one("#question-error", Static)
        assert "lots is not a number: type one, such as 12 or 0.5" in one_line(screen_text(error))
        assert app.main.training is None
        for _ in range(4):
            await pilot.press("backspace")
        await pilot.press(*"5000", "enter")
        await wait_for_training(app)
        await pilot.pause()
        assert "You predicted: 5,000 steps." in one_line(screen_text(app.main.notes))


async def test_a_served_tab_asks_a_name_once_before_the_first_question() -> None:
    app = LinregApp(CONFIG, cursor_blink=False, ask_name=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.main.use_preset("zero-init")
        await pilot.pause()
        assert isinstance(app.screen, NameScreen)
        await pilot.press(*"ana", "enter")
        await pilot.pause()
        assert isinstance(app.screen, QuestionScreen)
        await pilot.press("1")
        await wait_for_training(app)
        await pilot.pause()
        (record,) = app.session.runner.records
        assert record.prediction is not None
        assert record.prediction["name"] == "ana"
        app.main.use_preset("zero-init")  # asked once: straight to the question now
        await pilot.pause()
        assert isinstance(app.screen, QuestionScreen)
