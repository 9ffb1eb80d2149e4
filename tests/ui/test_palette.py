"""Issue 19, §4: the command palette's presets, recent runs and screenshot, and the form's
tooltips (tests/ui/test_settings_form.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.command import CommandList, CommandPalette
from textual.widgets import Input, OptionList

from tests.ui.snapshot_app import (
    make_app,
    notifications,
    run_and_wait,
    settle,
    type_into,
    wait_until,
)
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


@pytest.mark.parametrize("downloads", [True, False])
async def test_the_palettes_screenshot_saves_where_the_user_finds_it_and_says_where(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, downloads: bool
) -> None:
    """In the Downloads folder, as Textual has it; on a machine without one (SSH), in the
    working directory, where the runs screen's exports go too. The note names the file."""
    folder = tmp_path / "Downloads"
    if downloads:
        folder.mkdir()
    monkeypatch.setattr("tui_linreg.ui.app.user_downloads_path", lambda: folder)
    (tmp_path / "here").mkdir()
    monkeypatch.chdir(tmp_path / "here")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"screenshot")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await wait_until(
            lambda: any("Saved" in n for n in notifications(app)), what=lambda: "a note"
        )
        (saved,) = (folder if downloads else tmp_path / "here").glob("*.svg")
        assert saved.read_text().startswith("<svg")
        assert any(f"Saved to {saved}" in n for n in notifications(app)), notifications(app)


async def test_a_screenshot_that_cannot_be_saved_says_why(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.deliver_screenshot(path=str(not_a_folder))
        await wait_until(lambda: bool(notifications(app)), what=lambda: "a note")
        assert any("Not saved: Not a directory" in n for n in notifications(app))


def test_an_option_list_not_yet_laid_out_pages_without_error() -> None:
    """ctrl+p then page down at once (keys typed ahead over SSH arrive in one read): Textual's
    option list raised KeyError before its first layout, and the app ended (the long key fuzz
    found it; the palette's list and a Select's are option lists). ui/textual_guards.py."""
    options = OptionList("a", "b", "c")
    options.highlighted = 0
    options.action_page_down()  # type: ignore[no-untyped-call]  # KeyError: 0 unguarded
    options.action_page_up()  # type: ignore[no-untyped-call]
    assert options.highlighted == 0


def test_a_palette_whose_list_is_gone_shows_nothing_without_error() -> None:
    """The palette's search worker shows its list after the palette was closed and its
    children taken down: Textual's watcher raised NoMatches and the app ended (the key fuzz
    found it, run beside other tests). ui/textual_guards.py."""
    palette = CommandPalette()  # never composed: no list, as after it was taken down
    palette._watch__list_visible()  # NoMatches unguarded
    assert not palette._show_busy


async def test_no_matches_said_after_the_palettes_list_is_gone_ends_nothing() -> None:
    """The palette's "No matches found" comes on a timer, which fired after the list was taken
    down and ended the app (the key fuzz found it). ui/textual_guards.py."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        await palette.query_one(CommandList).remove()
        palette._start_no_matches_countdown("zzz")
        await pilot.pause(palette._NO_MATCHES_COUNTDOWN + 0.3)
        assert app.is_running
        assert app.return_code is None
