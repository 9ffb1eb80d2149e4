"""The help screen: every key, and what the two implementations are."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

ABOUT = (
    "[b]scratch[/b] (D2L 3.2): hand-written batches, linreg, squared_loss (half-MSE) and sgd; "
    "autograd computes the gradients.\n"
    "[b]concise[/b] (D2L 3.3): nn.Linear, nn.MSELoss (plain MSE, 2× half-MSE), optim.SGD and a "
    "DataLoader; the same lr is a 2× bigger step."
)


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f1,q", "dismiss", "Close help", tooltip="Back to the app", id="close-help")
    ]

    def __init__(self, keys: list[tuple[str, str]]) -> None:
        super().__init__()
        self.keys = keys

    def compose(self) -> ComposeResult:
        width = max(len(key) for key, _ in self.keys)
        lines = "\n".join(f"[b]{key:>{width}}[/b]  {what}" for key, what in self.keys)
        with Vertical(id="help"):
            yield Static(
                "[b]tui-linreg[/b] · keys work everywhere, even in a field\n", id="help-title"
            )
            yield Static(lines, id="help-keys")
            yield Static("\n" + ABOUT, id="help-about")
            yield Static("\n[dim]escape or f1 closes this help[/dim]", id="help-close")

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
