"""The replay keys, bound on the panes that show a step (the plots and the step inspector)
rather than on the app: with the form focused, ← and → still move a field's cursor. f9 and f8
put the focus on such a pane, and so do tab and a click."""

from __future__ import annotations

from textual.binding import Binding, BindingType

REPLAY_BINDINGS: list[BindingType] = [
    Binding("left,left_square_bracket", "screen.replay('-step')", "Step back", show=False),
    Binding("right,right_square_bracket", "screen.replay('step')", "Step on", show=False),
    Binding("shift+left,left_curly_bracket", "screen.replay('-epoch')", "Epoch back", show=False),
    Binding("shift+right,right_curly_bracket", "screen.replay('epoch')", "Epoch on", show=False),
    Binding("home", "screen.replay('first')", "First step", show=False),
    Binding("end", "screen.replay('last')", "Last step", show=False),
]

HELP = [
    (
        "← → or [ ]",
        "Replay, after a run or paused: one recorded step back or on. These three work where "
        "a plot or the inspector has the focus (f9 or f8 gives it, tab too)",
    ),
    ("shift+← → or { }", "Replay: to the previous or the next epoch's end"),
    ("home / end", "Replay: the start, or the last step"),
]
"""For the help screen."""
