"""One training step's real autograd graph, drawn as a tree in the plots' place: computed in a
worker (engine/graph.py takes the run to that step in PyTorch), drawn by teach/graph_view.py."""

from __future__ import annotations

from textual import work
from textual.containers import ScrollableContainer
from textual.widgets import Static

from tui_linreg.config import ConfigError, TrainConfig
from tui_linreg.i18n import _


class GraphPane(ScrollableContainer, can_focus=True):
    DEFAULT_CLASSES = "pane"

    def compose(self):  # type: ignore[no-untyped-def]
        yield Static(_("the graph shows here"), id="graph-text", markup=False)

    def draw(self, config: TrainConfig, step: int = 1) -> None:
        """Take a run of ``config`` to ``step`` and draw the graph its backward() walks."""
        self.border_title = _("autograd graph · step {step} of {implementation}").format(
            step=step, implementation=config.implementation
        )
        self.query_one("#graph-text", Static).update(
            _("taking the run to step {step}…").format(step=step)
        )
        self._compute(config, step)

    @work(thread=True, exclusive=True, group="graph")
    def _compute(self, config: TrainConfig, step: int) -> None:
        from tui_linreg.engine.graph import step_graph  # PyTorch: off the UI thread
        from tui_linreg.teach.graph_view import tree

        try:
            text = tree(step_graph(config, step).to_dict())
        except ConfigError as error:
            text = "\n".join(mistake.message for mistake in error.mistakes)
        self.app.call_from_thread(self.query_one("#graph-text", Static).update, text)
