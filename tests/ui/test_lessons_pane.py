"""The lessons in the app: f12 lists them, a digit opens one, n and p turn its pages, enter
does what the page says to the live app (through the session), escape brings the form back;
the place is remembered for the next launch; `learn NAME` opens at that lesson."""

from __future__ import annotations

import dataclasses

from tests.ui.snapshot_app import CONFIG, screen_text, settle, wait_until
from tui_linreg.ui.app import LinregApp


async def test_f12_opens_the_contents_and_a_lesson_turns_page_by_page() -> None:
    app = LinregApp(CONFIG, cursor_blink=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f12")
        await wait_until(lambda: app.focused is app.main.lessons, what=lambda: "the lessons")
        shown = screen_text(app.screen)
        assert "Autograd: the chain rule" in shown
        assert "0 of 7 pages read" in shown
        await pilot.press("2")  # the scratch lesson
        await pilot.pause()
        assert "The data" in screen_text(app.main.lessons)
        assert "1/10 · Linear regression from scratch" in screen_text(app.screen)
        await pilot.press("n", "n")
        await pilot.pause()
        assert "The parameters, and the model" in screen_text(app.main.lessons)
        await wait_until(
            lambda: "torch.Size([2, 1]) torch.Size([1])" in screen_text(app.main.lessons),
            what=lambda: screen_text(app.main.lessons),
        )  # the page's code, run for real
        await pilot.press("p")
        await pilot.pause()
        assert "Reading the data in mini-batches" in screen_text(app.main.lessons)
        await pilot.press("escape")
        await pilot.pause()
        assert not app.main.has_class("learning")
        assert app.focused is not None
        assert app.focused.id == "section-data"  # the form's first title: tab goes on
        await pilot.press("5")  # meant for the lessons' list: it must not reach a field
        await pilot.pause()
        assert app.main.form.texts()["learning_rate"] == "0.03"


async def test_a_pages_key_steps_the_live_app_and_opens_the_inspector() -> None:
    app = LinregApp(CONFIG, cursor_blink=False, lesson="scratch")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await wait_until(lambda: app.main.has_class("learning"), what=lambda: "the lessons")
        for _ in range(4):  # to "The update: sgd"
            await pilot.press("n")
        await pilot.pause()
        assert "The update: sgd" in screen_text(app.main.lessons)
        await pilot.press("enter")
        await wait_until(
            lambda: app.main.inspector.detail is not None, what=lambda: "the inspected step"
        )
        assert app.main.in_place == "inspector"
        assert app.session.running is not None  # paused after its first step
        await wait_until(
            lambda: "epoch 1, step 1" in screen_text(app.main.inspector),
            what=lambda: screen_text(app.main.inspector),
        )


async def test_a_graph_page_draws_the_real_graph_in_the_plots_place() -> None:
    app = LinregApp(CONFIG, cursor_blink=False, lesson="autograd")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await wait_until(lambda: app.main.has_class("learning"), what=lambda: "the lessons")
        await pilot.press("n", "n")  # "One training step's graph"
        await pilot.press("enter")
        await wait_until(
            lambda: "AccumulateGrad w" in screen_text(app.main.graph),
            what=lambda: screen_text(app.main.graph),
        )
        shown = screen_text(app.main.graph)
        for node in ("SumBackward0", "DivBackward0", "PowBackward0", "MmBackward0"):
            assert node in shown
        assert app.main.in_place == "graph"


async def test_the_place_in_a_lesson_is_remembered_for_the_next_launch() -> None:
    config = dataclasses.replace(CONFIG)
    first = LinregApp(config, cursor_blink=False, lesson="concise")
    async with first.run_test(size=(100, 30)) as pilot:
        await wait_until(lambda: first.main.has_class("learning"), what=lambda: "the lessons")
        await pilot.press("n", "n", "n")
        await pilot.pause()
    second = LinregApp(config, cursor_blink=False, lesson="concise")
    async with second.run_test(size=(100, 30)) as pilot:
        await wait_until(lambda: second.main.has_class("learning"), what=lambda: "the lessons")
        await pilot.pause()
        assert "nn.MSELoss: twice the lesson's loss" in screen_text(second.main.lessons)
        await pilot.press("c")
        await pilot.pause()
        assert "4 of 8 pages read" in screen_text(second.main.lessons)


async def test_w_in_the_inspector_walks_its_step_line_by_line() -> None:
    app = LinregApp(CONFIG, cursor_blink=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f7", "f7")  # two steps, paused
        await wait_until(
            lambda: app.main.inspector.detail is not None and app.main.inspector.detail.step == 2,
            what=lambda: "the second step",
        )
        await pilot.press("f8")
        await pilot.pause()
        await pilot.press("w")
        await wait_until(
            lambda: "after this line" in screen_text(app.main.walk),
            what=lambda: screen_text(app.main.walk),
        )
        assert app.main.in_place == "walk"
        assert "step 2, line by line" in screen_text(app.main.walk)
        assert "▶ (before the step)" in screen_text(app.main.walk)
        await pilot.press("down", "down")
        await pilot.pause()
        shown = screen_text(app.main.walk)
        assert "▶ l.sum().backward()" in shown
        assert "w.grad [" in shown
        assert "changed" in shown
        await pilot.press("up")
        await pilot.pause()
        assert "▶ l = loss(net(X, w, b), y)" in screen_text(app.main.walk)


async def test_the_mouse_opens_a_lesson_and_turns_its_pages() -> None:
    app = LinregApp(CONFIG, cursor_blink=False, lesson="")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(lambda: app.main.has_class("learning"), what=lambda: "the lessons")
        await pilot.pause()
        await pilot.click("#lesson-open-concise")
        await pilot.pause()
        assert "TensorDataset and DataLoader" in screen_text(app.main.lessons)
        app.main.lessons.scroll_end(animate=False)
        await pilot.pause()
        await pilot.click("#lesson-next")
        await pilot.pause()
        assert "Three ways to write the same model" in screen_text(app.main.lessons)
        app.main.lessons.scroll_end(animate=False)
        await pilot.pause()
        await pilot.click("#lesson-contents")
        await pilot.pause()
        assert "2 of 8 pages read" in screen_text(app.main.lessons)
