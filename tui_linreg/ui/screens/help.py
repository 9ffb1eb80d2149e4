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

from tui_linreg.i18n import N_, _

ABOUT = (
    N_(
        "[b]scratch[/b] (D2L 3.2): hand-written batches, linreg, squared_loss (half-MSE) and "
        "sgd; autograd computes the gradients."
    ),
    N_(
        "[b]concise[/b] (D2L 3.3): nn.Linear, nn.MSELoss (plain MSE, 2× half-MSE), optim.SGD "
        "and a DataLoader; the same lr is a 2× bigger step."
    ),
    N_(
        "[b]analytic[/b]: scratch's model and SGD with the gradient written out, "
        "Aᵀ(Aθ − y)/|B|: no autograd, two fused ops a step."
    ),
)
"""The three implementations, a line each (Rich markup), looked up with ``_()`` when shown."""


def about() -> Text:
    """ABOUT in the language in use, one implementation a line."""
    return Text("\n").join(Text.from_markup(_(line)) for line in ABOUT)


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape,f1,q",
            "dismiss",
            N_("Close help"),
            tooltip=N_("Back to the app"),
            id="close-help",
        )
    ]

    def __init__(self, keys: list[tuple[str, str]]) -> None:
        super().__init__()
        self.keys = keys

    def compose(self) -> ComposeResult:
        keys = Table.grid(padding=(0, 2))
        keys.add_column(style="bold", justify="right")
        keys.add_column()
        for key, what in self.keys:
            keys.add_row(key, _(what))
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
            yield Static(Text.assemble("\n", about()))
            yield Static(Text("\n" + _("escape or f1 closes this help"), style="dim"))

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
