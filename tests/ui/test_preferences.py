"""Issue 19, §4: the theme is remembered in the user's config directory, written atomically,
and a damaged settings file is ignored with a warning; the code pane follows the theme."""

from __future__ import annotations

from pathlib import Path

from tests.ui.snapshot_app import make_app, notifications, settle, wait_until
from tui_linreg import preferences


async def test_the_chosen_theme_is_remembered_for_the_next_launch() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.theme = "textual-light"
        await pilot.pause()
    path = preferences.default_path()
    assert preferences.load_theme(path) == ("textual-light", None)
    assert not list(path.parent.glob(".settings.*"))  # no temporary file left behind
    again = make_app()
    async with again.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert again.theme == "textual-light"


async def test_a_damaged_settings_file_is_ignored_with_a_warning() -> None:
    path = preferences.default_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('{"theme": ', encoding="utf-8")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.theme == "textual-dark"
        assert any("is damaged: using the defaults" in text for text in notifications(app))


async def test_the_code_pane_follows_a_light_theme() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        code = app.main.code
        await wait_until(lambda: code.showing is not None, timeout=10, what=lambda: "code shown")
        assert code.dark
        app.theme = "textual-light"
        await pilot.pause()
        assert not code.dark  # drawn again, in ansi_light


def test_the_settings_file_is_written_whole_or_not_at_all(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("", encoding="utf-8")
    said = preferences.save_theme(blocked / "settings.json", "nord")  # its folder is a file
    assert said is not None
    assert "cannot be remembered" in said


def test_the_language_is_remembered_beside_the_theme(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    assert preferences.save_theme(path, "nord") is None
    assert preferences.save(path, language="zh") is None
    assert preferences.load_theme(path) == ("nord", None)
    assert preferences.load_language(path) == "zh"
    path.write_text('{"language": "zh"}', encoding="utf-8")  # a language alone is no damage
    assert preferences.load_theme(path) == (None, None)
