"""Guards around bugs in Textual itself that a user's keys can reach (Textual 8.2).

Each is applied once, when the app module is imported, and names the bug it guards; drop it
once the Textual in constraints.txt has the fix.
"""

from __future__ import annotations

from rich.align import Align
from rich.text import Text
from textual.command import CommandList, CommandPalette
from textual.css.query import NoMatches
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tui_linreg.i18n import _

_move_page = OptionList._move_page
_watch_list_visible = CommandPalette._watch__list_visible


def _move_page_once_laid_out(self: OptionList, direction: int) -> None:
    """page up / page down in an option list that has options but no lines laid out yet raised
    KeyError from ``_index_to_line`` and ended the app: ctrl+p then page down at once, as keys
    typed ahead over SSH arrive (found by the long key fuzz; also seen by others,
    kagan-sh/kagan-legacy#31). Before its first layout there is no page to move by."""
    if (self.highlighted or 0) not in self._index_to_line:
        return
    _move_page(self, direction)  # type: ignore[arg-type]


def _watch_list_visible_while_composed(self: CommandPalette) -> None:
    """The command palette's search shows its list after the palette was closed and its
    children taken down, and NoMatches ended the app: ctrl+p and a few keys, as keys typed
    ahead arrive on a busy machine (found by the key fuzz run beside other tests). A palette
    without its list has nothing to show."""
    try:
        _watch_list_visible(self)
    except NoMatches:
        return


def _start_no_matches_countdown_while_composed(self: CommandPalette, search_value: str) -> None:
    """Textual's own, but its timer's "No matches found" is not added to a list already taken
    down (NoMatches ended the app, the same way as above)."""
    self._stop_no_matches_countdown()

    def show_no_matches() -> None:
        lists = self.query(CommandList)
        if not lists:
            return
        if search_value:
            lists.first().add_option(
                Option(
                    Align.center(Text(_("No matches found"), style="not bold")),
                    disabled=True,
                    id=self._NO_MATCHES,
                )
            )
            self._list_visible = True
        else:
            self._list_visible = False

    self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)


def apply() -> None:
    OptionList._move_page = _move_page_once_laid_out  # type: ignore[method-assign]
    CommandPalette._watch__list_visible = _watch_list_visible_while_composed  # type: ignore[method-assign]
    CommandPalette._start_no_matches_countdown = _start_no_matches_countdown_while_composed  # type: ignore[method-assign]
