"""Issue 33: the palette switches the language at once and remembers it; a served tab's switch
is its own. The language is the process's, so each test puts English back."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.ui.snapshot_app import make_app, screen_text, settle
from tui_linreg import i18n, preferences
from tui_linreg.ui.app import LinregApp


@pytest.fixture(autouse=True)
def english_again() -> Iterator[None]:
    yield
    i18n.use("en")


async def _switch(app: LinregApp, pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*"Language: ")
    await pilot.pause(0.5)
    await pilot.press("enter")
    await pilot.pause()


async def test_the_palette_switches_to_chinese_at_once_and_it_is_remembered() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "Run" in screen_text(app.screen.query_one("Footer"))
        await _switch(app, pilot)
        footer = screen_text(app.screen.query_one("Footer"))
        assert "运行" in footer, footer  # Run
        assert "课程" in footer, footer  # Learn
        await pilot.press("f12")
        await pilot.pause()
        assert "自动求导" in screen_text(app.main.lessons)  # the contents, in Chinese
    assert preferences.load_language(preferences.default_path()) == "zh"


async def test_a_served_tabs_switch_is_its_own() -> None:
    app = make_app()
    app.ask_name = True  # what a served tab is started with
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await _switch(app, pilot)
        assert i18n.language() == "zh"
    assert preferences.load_language(preferences.default_path()) is None
