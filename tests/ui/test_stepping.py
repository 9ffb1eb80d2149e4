"""Single steps (f7), the step inspector (f8) and the pitfalls, in the app."""

from __future__ import annotations

import pytest
from textual.widgets import Static

from tests.ui.snapshot_app import (
    log_text,
    make_app,
    run_and_wait,
    settle,
    shown_text,
    step_now,
    three_steps,
    type_into,
    wait_until,
)
from tui_linreg.engine.events import Outcome
from tui_linreg.engine.run import run_to_end
from tui_linreg.plan import Plan
from tui_linreg.ui.app import LinregApp
from tui_linreg.ui.widgets.code_pane import changed_lines, training_source


def inspector_text(app: LinregApp) -> str:
    """All of the inspector's text, scrolled to or not."""
    return shown_text(app.main.inspector.query_one("#inspector-text", Static))


async def test_f7_takes_one_step_per_press_from_idle_too() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for taken in range(3):  # the first press starts the run and takes its first step
            await step_now(pilot, taken)
            assert app.session.control is not None
            assert app.session.control.paused
            assert "step " + str(taken + 1) + "/100" in app.main.status.text
            assert "paused" in app.main.status.text
        await pilot.press("ctrl+o")  # resumes: to the end
        await wait_until(lambda: app.session.running is None, timeout=60)
        assert app.session.ends[-1].outcome == Outcome.FINISHED
        assert (
            app.session.ends[-1].w == run_to_end(app.session.ends[-1].config).w
        )  # stepping changes nothing


@pytest.mark.parametrize(
    ("implementation", "gradient_read"),
    [
        ("scratch", "read from w.grad and b.grad"),
        ("concise", "read from net[0].weight.grad and net[0].bias.grad"),
        ("analytic", "no autograd: the step computes Aᵀr itself"),
    ],
)
async def test_f8_shows_the_last_step_of_each_implementation(
    implementation: str, gradient_read: str
) -> None:
    app = make_app(implementation=implementation)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f8")
        for taken in (0, 1):
            await step_now(pilot, taken)
        text = inspector_text(app)
        detail = app.main.inspector.detail
        assert detail is not None
        assert detail.step == 2
        title = app.main.inspector.border_title
        assert title == f"step inspector · {implementation} · epoch 1, step 2"
        assert gradient_read in text
        assert str(detail.indices[0]) in text  # the batch's rows
        for got, want in zip(detail.grad_w, detail.expected_w, strict=True):
            assert got == pytest.approx(want, rel=1e-4)  # .grad is the gradient written out
        divisor = {"scratch": "divisor 10", "concise": "divisor 1", "analytic": "divisor 10"}
        assert divisor[implementation] in text


async def test_stepping_goes_on_into_the_next_run_of_both() -> None:
    app = make_app(num_examples=20, epochs=1)  # two steps a run
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.main.run_plan(Plan.of(app.main.form.read_config(), both=True), stepping=True)
        presses = 0
        while len(app.session.ends) < 2:
            await wait_until(
                lambda: (
                    (app.session.control is not None and app.session.control.paused)
                    or len(app.session.ends) == 2
                ),
                timeout=30,
            )
            if len(app.session.ends) < 2:
                assert app.session.running is not None  # paused in a run, never idle
                await pilot.press("f7")
                presses += 1
                assert presses <= 3, "more presses than the plan's steps"
            await pilot.pause(0.05)
        assert [end.config.implementation for end in app.session.ends] == ["scratch", "concise"]
        assert presses == 3  # the start took the first of the four steps; a press each after


async def test_a_pitfall_that_raises_ends_the_run_failed_with_pytorchs_words() -> None:
    app = make_app(pitfalls=("backward-vector",))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f8")
        await run_and_wait(pilot)
        assert app.session.ends[-1].outcome == Outcome.FAILED
        said = "grad can be implicitly created only for scalar outputs"
        assert said in log_text(app)
        assert "failed" in app.main.status.text
        app.main.refresh_views(force=True)
        await pilot.pause()
        assert "This step raised" in inspector_text(app)


async def test_forget_zero_grad_is_explained_in_the_inspector() -> None:
    app = make_app(pitfalls=("forget-zero-grad",))
    async with app.run_test(size=(120, 40)) as pilot:
        await three_steps(pilot)
        text = " ".join(inspector_text(app).split())
        assert "nothing zeroed .grad" in text


async def test_the_form_offers_the_pitfalls_and_refuses_one_that_does_not_apply() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await type_into(pilot, "pitfalls", "no-reshape")
        await pilot.press("ctrl+t")  # concise
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert app.session.running is None
        shown = " ".join(n.message for n in app._notifications)
        assert "the pitfall no-reshape changes scratch's code" in shown


def test_the_code_pane_marks_exactly_the_lines_a_pitfall_changes() -> None:
    source = training_source("scratch", ("no-no-grad",))
    marked = [source.splitlines()[n - 1] for n in sorted(changed_lines(source, ("no-no-grad",)))]
    assert any("nullcontext" in line for line in marked)
    assert all("no-no-grad" in line for line in marked)
    assert not changed_lines(training_source("scratch"), ("no-no-grad",))


async def test_f8_puts_the_focus_on_the_inspector_and_back() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        before = app.focused
        assert before is not None
        await pilot.press("f8")
        assert app.focused is app.main.inspector  # ↑↓ scroll it at once
        await step_now(pilot, 0)  # f7 works from there
        await pilot.press("down", "down")
        assert app.main.inspector.scroll_y > 0  # a step is taller than 80×24 shows
        await pilot.press("f8")
        assert app.focused is before
