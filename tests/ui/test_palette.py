"""Issue 19, §4: the command palette's presets and recent runs, and the form's tooltips
(tests/ui/test_settings_form.py)."""

from __future__ import annotations

from textual.widgets import Input

from tests.ui.snapshot_app import make_app, run_and_wait, settle, type_into, wait_until
from tui_linreg.presets import PRESETS


async def test_the_palette_puts_a_preset_in_the_form() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"preset: lr-too-large")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        wanted = PRESETS["lr-too-large"].apply().learning_rate
        field = app.main.form.query_one("#field-learning_rate", Input)
        assert field.value == f"{wanted:g}"


async def test_the_palette_replays_a_recorded_run_into_the_form() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await type_into(pilot, "learning_rate", "0.001")
        await run_and_wait(pilot)
        await type_into(pilot, "learning_rate", "0.5")
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"replay")
        await pilot.pause(0.5)
        await pilot.press("enter")
        field = app.main.form.query_one("#field-learning_rate", Input)
        await wait_until(lambda: field.value == "0.001", timeout=5, what=lambda: field.value)
