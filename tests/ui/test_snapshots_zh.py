"""Issue 33: the main states in Chinese, fed the same tapes as the English snapshots. A CJK
character is two cells wide: these show that the labels, titles, legends, tables and the
footer fit at 80×24 and 120×40 in Chinese too."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.ui.snapshot_app import on_lesson_page, scratch_run, settle
from tests.ui.test_snapshots import SnapCompare, same_as_snapshot
from tui_linreg import i18n


@pytest.fixture(autouse=True)
def chinese() -> Iterator[None]:
    i18n.use("zh")
    yield
    i18n.use("en")


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])
def test_the_first_screen_in_chinese(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    assert same_as_snapshot(snap_compare, "initial", settle, size=size)


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])
def test_after_a_run_in_chinese(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    assert same_as_snapshot(snap_compare, "trained", scratch_run, size=size)


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=["120x40", "80x24"])
def test_a_lesson_page_in_chinese(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    assert same_as_snapshot(snap_compare, "initial", on_lesson_page("scratch", 2), size=size)
