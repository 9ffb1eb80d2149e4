"""Choosing a preset: the lessons' experiments and the textbook's exercises."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui_linreg.presets import PRESETS


class PresetScreen(ModalScreen[str | None]):
    AUTO_FOCUS = "#preset-list"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f5", "cancel", "Back", id="presets-back")
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="presets"):
            yield Static("[b]Presets[/b] · enter fills the form, ctrl+r then runs it")
            yield OptionList(
                *(
                    Option(f"[b]{p.name:<16}[/b] {p.description}", id=p.name)
                    for p in PRESETS.values()
                ),
                id="preset-list",
            )

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
