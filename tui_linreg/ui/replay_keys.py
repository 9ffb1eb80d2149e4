"""The replay keys, bound on the panes that show a step (the plots and the step inspector)
rather than on the app: with the form focused, ← and → still move a field's cursor. f9 and f8
put the focus on such a pane, and so do tab and a click."""

from __future__ import annotations

from textual.binding import Binding, BindingType

from tui_linreg.i18n import N_, _

# Not in the footer (show=False): their words are looked up once, as the module is imported
# (the command line chooses the language first).
REPLAY_BINDINGS: list[BindingType] = [
    Binding("left,left_square_bracket", "screen.replay('-step')", _("Step back"), show=False),
    Binding("right,right_square_bracket", "screen.replay('step')", _("Step on"), show=False),
    Binding(
        "shift+left,left_curly_bracket", "screen.replay('-epoch')", _("Epoch back"), show=False
    ),
    Binding("shift+right,right_curly_bracket", "screen.replay('epoch')", _("Epoch on"), show=False),
    Binding("home", "screen.replay('first')", _("First step"), show=False),
    Binding("end", "screen.replay('last')", _("Last step"), show=False),
]

HELP = [
    (
        N_("← → or [ ]"),
        N_(
            "Replay, after a run or paused: one recorded step back or on. These three work "
            "where a plot or the inspector has the focus (f9 or f8 gives it, tab too)"
        ),
    ),
    (N_("shift+← → or { }"), N_("Replay: to the previous or the next epoch's end")),
    (N_("home / end"), N_("Replay: the start, or the last step")),
]
"""For the help screen (its words, keys' too, through _() where shown)."""
