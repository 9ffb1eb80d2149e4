"""Guards around bugs in Textual itself that a user's keys can reach (Textual 8.2).

Each is applied once, when the app module is imported, and names the bug it guards; drop it
once the Textual in constraints.txt has the fix.
"""

from __future__ import annotations

from textual.widgets import OptionList

_move_page = OptionList._move_page


def _move_page_once_laid_out(self: OptionList, direction: int) -> None:
    """page up / page down in an option list that has options but no lines laid out yet raised
    KeyError from ``_index_to_line`` and ended the app: ctrl+p then page down at once, as keys
    typed ahead over SSH arrive (found by the long key fuzz; also seen by others,
    kagan-sh/kagan-legacy#31). Before its first layout there is no page to move by."""
    if (self.highlighted or 0) not in self._index_to_line:
        return
    _move_page(self, direction)  # type: ignore[arg-type]


def apply() -> None:
    OptionList._move_page = _move_page_once_laid_out  # type: ignore[method-assign]
