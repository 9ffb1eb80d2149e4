"""Choosing a preset: the lessons' experiments and the textbook's exercises."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui_linreg.i18n import N_, _
from tui_linreg.presets import EDITIONS, GROUPS, PRESETS

NAME_WIDTH = max(len(name) for name in PRESETS) + 1


def _options() -> list[Option]:
    """The presets by group, each group under its title; a description wraps under itself,
    not under the names."""
    options = []
    for group in GROUPS:
        options.append(Option(Text(_(group), style="bold italic"), disabled=True))
        for preset in (p for p in PRESETS.values() if p.group == group):
            row = Table.grid(padding=(0, 1))
            row.add_column(width=NAME_WIDTH, no_wrap=True)
            row.add_column(ratio=1)
            row.add_row(Text(preset.name, style="bold"), _(preset.summary))
            options.append(Option(row, id=preset.name))
    return options


class PresetScreen(ModalScreen[str | None]):
    AUTO_FOCUS = "#preset-list"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f5", "cancel", N_("Back"), id="presets-back")
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="presets"):
            yield Static(_("[b]Presets[/b] · enter fills the form, ctrl+r then runs it"))
            yield OptionList(*_options(), id="preset-list")
            yield Static(Text(_(EDITIONS), style="dim"), id="presets-editions")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
