"""Every key of the app, in the footer's order, declared once.

The training keys run the main screen's actions (``main.run``: the app names the main screen
``main`` for its actions), the others the app's own (help, runs, presets, quit). The app binds
them all, so that the training keys work over its other screens too (the runs screen, help).
Each is a priority binding, so it works while a text field has focus. None collides with the
Input's editing keys, tmux (ctrl+b), screen (ctrl+a) or the terminal (ctrl+s, ctrl+z, ctrl+c).
Keys a plot's title names stay out of the footer (``show=False``). Their words are looked up
when this module is imported, which the command line does after choosing the language.
"""

from __future__ import annotations

from textual.binding import Binding

from tui_linreg.i18n import _

MAIN = "main"
"""The action namespace of the main screen."""


def _key(key: str, action: str, description: str, tooltip: str, *, show: bool = True) -> Binding:
    return Binding(key, action, description, show=show, priority=True, tooltip=tooltip, id=action)


def _main(key: str, action: str, description: str, tooltip: str, *, show: bool = True) -> Binding:
    """A key of the main screen's: its id (and the footer's class, key-run) without the
    namespace."""
    return Binding(
        key, f"{MAIN}.{action}", description, show=show, priority=True, tooltip=tooltip, id=action
    )


KEYS: list[Binding] = [
    _main("ctrl+r", "run", _("Run"), _("Run, or restart the run")),
    _main("ctrl+g", "stop", _("Stop"), _("Stop the run")),
    _main("ctrl+o", "pause", _("Pause"), _("Pause or resume")),
    _main(
        "ctrl+t",
        "toggle_implementation",
        _("Impl"),
        _("Next implementation: scratch → concise → analytic"),
    ),
    _main("ctrl+l", "log_scale", _("Log"), _("Log or linear loss axis"), show=False),
    _main("ctrl+n", "new_seed", _("Seed"), _("Next seed, and run")),
    _main(
        "ctrl+f",
        "next_feature",
        _("Feat"),
        _("Scatter the next feature; on the landscape, the next pair of parameters"),
        show=False,
    ),
    _main("ctrl+y", "max_pace", _("Max"), _("Max pace: the rest of the run at full speed")),
    _key("f1", "help", _("Help"), _("Every key, and what it does")),
    _key("f2", "runs", _("Runs"), _("Run history: sort, overlay, export")),
    _main("f3", "code", _("Code"), _("Show or hide the code being run")),
    _main(
        "f4", "trajectories", _("Views"), _("Data plot, trajectories, or a sweep against its value")
    ),
    _key("f5", "presets", _("Presets"), _("The lessons' experiments")),
    _main("f6", "both", _("Both"), _("Run scratch and concise on the same data")),
    _main(
        "f7",
        "step",
        _("Step"),
        _("One mini-batch, then pause (from idle too: the run starts with its first step)"),
    ),
    _main(
        "ctrl+e", "notes", _("Notes"), _("What to notice about the last run, on the whole screen")
    ),
    _main("f8", "inspector", _("Inspect"), _("The last step: batch, loss, .grad and update")),
    _main(
        "f9",
        "landscape",
        _("Map"),
        _("The loss landscape over two parameters, with each run's path (ctrl+f: next pair)"),
    ),
    _key("f10", "glossary", _("Terms"), _("The terms on this screen, each defined")),
    _main("f12", "learn", _("Learn"), _("The lessons: autograd, scratch, concise, the exercises")),
    _key("ctrl+q", "quit", _("Quit"), _("Quit the app")),
]
