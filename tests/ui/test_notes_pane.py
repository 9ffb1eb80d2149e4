"""The notes pane: after a run, what to notice with its numbers, beside the table where the
terminal is wide, on the whole screen with ctrl+e at any width."""

from __future__ import annotations

from tests.ui.snapshot_app import log_text, make_app, run_and_wait, screen_text, settle

NOTE_START = "Each step multiplies the distance to the optimum by |1 − lr·λ|"


def one_line(text: str) -> str:
    """A pane's text, its borders and wrapping taken out."""
    return " ".join(line.strip("│ ") for line in text.splitlines()[1:-1]).replace("  ", " ")


async def test_after_a_run_the_notes_say_what_to_notice_beside_the_table() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        notes = app.main.notes
        assert "What to notice about a run shows here once it ends." in one_line(screen_text(notes))
        await run_and_wait(pilot)
        await pilot.pause()
        assert notes.region.width > 40  # beside the table, readable
        shown = one_line(screen_text(notes))
        assert shown.startswith("• " + NOTE_START)
        (note,) = notes.notes
        assert note.id == "lr-factor"
        assert f"{note.numbers['steep']:.3g} along the steepest direction" in shown
        await pilot.press("ctrl+e")  # the whole screen, to read it all
        assert app.main.maximized is notes
        assert note.text.replace("  ", " ")[:200] in one_line(screen_text(notes))
        await pilot.press("ctrl+e")
        assert app.main.maximized is None


async def test_at_80_by_24_ctrl_e_shows_the_notes_and_escape_puts_them_away() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await run_and_wait(pilot)
        notes = app.main.notes
        assert not notes.display or notes.region.width == 0  # no room beside the table
        assert "What to notice: ctrl+e" in log_text(app)
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert app.main.maximized is notes
        assert notes.outer_size.width == 80
        assert notes.outer_size.height > 20  # the whole screen, to read
        assert one_line(screen_text(notes)).startswith("• " + NOTE_START[:40])
        await pilot.press("escape")
        await pilot.pause()
        assert not notes.has_class("-maximized")
        assert notes.region.width == 0
