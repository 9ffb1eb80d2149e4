"""f10 lists the terms on the screen with their definitions; the mouse resting on a pane
shows the definitions of the terms in it."""

from __future__ import annotations

from textual.widgets import Static

from tests.ui.snapshot_app import make_app, run_and_wait, settle
from tui_linreg.ui.screens.glossary import GlossaryScreen


def listed(screen: GlossaryScreen) -> str:
    return " ".join(str(static.render()) for static in screen.query(Static))


async def test_f10_lists_the_terms_on_the_screen_and_escape_closes_it() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await run_and_wait(pilot)
        await pilot.press("f10")
        await pilot.pause()
        assert isinstance(app.screen, GlossaryScreen)
        text = listed(app.screen)
        assert "half-MSE The mean over the examples of (ŷ − y)² / 2" in " ".join(text.split())
        assert "closed form" in text
        assert "steps/s" in text  # the status line's
        assert "contour levels" not in text  # the map is not showing
        await pilot.press("escape")
        await pilot.pause()
        assert len(app.screen_stack) == 1  # back on the main screen
        await pilot.press("f9")  # the map: its own terms
        await pilot.pause()
        await pilot.press("f10")
        await pilot.pause()
        assert isinstance(app.screen, GlossaryScreen)
        assert "contour levels" in listed(app.screen)


async def test_the_mouse_on_a_pane_shows_its_terms_defined() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40), tooltips=True) as pilot:
        await settle(pilot)
        await run_and_wait(pilot)
        await pilot.hover("#loss")
        await pilot.pause(1.0)  # Textual waits a moment before a tooltip
        tip = app.screen.query_one("#textual-tooltip", Static)
        assert tip.display
        assert "half-MSE: The mean over the examples" in str(tip.render())
        await pilot.hover("#field-batch_size")
        await pilot.pause(1.0)
        assert "batch size: How many examples one step averages" in str(tip.render())
