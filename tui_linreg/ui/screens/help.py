"""The help screen: every key, and what the two implementations are."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui_linreg.i18n import _

ABOUT = Text.assemble(
    ("scratch", "bold"),
    " (D2L 3.2): hand-written batches, linreg, squared_loss (half-MSE) and sgd; "
    "autograd computes the gradients.\n",
    ("concise", "bold"),
    " (D2L 3.3): nn.Linear, nn.MSELoss (plain MSE, 2× half-MSE), optim.SGD and a "
    "DataLoader; the same lr is a 2× bigger step.\n",
    ("analytic", "bold"),
    ": scratch's model and SGD with the gradient written out, Aᵀ(Aθ − y)/|B|: no autograd, "
    "two fused ops a step.",
)


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f1,q", "dismiss", "Close help", tooltip="Back to the app", id="close-help")
    ]

    def __init__(self, keys: list[tuple[str, str]]) -> None:
        super().__init__()
        self.keys = keys

    def compose(self) -> ComposeResult:
        keys = Table.grid(padding=(0, 2))
        keys.add_column(style="bold", justify="right")
        keys.add_column()
        for key, what in self.keys:
            keys.add_row(key, what)
        with VerticalScroll(id="help"):  # it scrolls at 80×24
            yield Static(
                Text.assemble(
                    ("tui-linreg", "bold"),
                    _(
                        " · these keys work even while you type in a field, except m and the "
                        "replay keys (below), which need a pane to have the focus\n"
                    ),
                )
            )
            yield Static(keys)
            yield Static(Text.assemble("\n", ABOUT))
            yield Static(Text("\nescape or f1 closes this help", style="dim"))

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
