"""Every key of the app, in the footer's order, declared once.

The training keys run the main screen's actions (``main.run``: the app names the main screen
``main`` for its actions), the others the app's own (help, runs, presets, quit). The app binds
them all, so that the training keys work over its other screens too (the runs screen, help).
Each is a priority binding, so it works while a text field has focus. None collides with the
Input's editing keys, tmux (ctrl+b), screen (ctrl+a) or the terminal (ctrl+s, ctrl+z, ctrl+c).
Keys a plot's title names stay out of the footer (``show=False``).
"""

from __future__ import annotations

from textual.binding import Binding

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
    _main("ctrl+r", "run", "Run", "Run, or restart the run"),
    _main("ctrl+g", "stop", "Stop", "Stop the run"),
    _main("ctrl+o", "pause", "Pause", "Pause or resume"),
    _main(
        "ctrl+t",
        "toggle_implementation",
        "Impl",
        "Next implementation: scratch → concise → analytic",
    ),
    _main("ctrl+l", "log_scale", "Log", "Log or linear loss axis", show=False),
    _main("ctrl+n", "new_seed", "Seed", "Next seed, and run"),
    _main(
        "ctrl+f",
        "next_feature",
        "Feat",
        "Scatter the next feature; on the landscape, the next pair of parameters",
        show=False,
    ),
    _main("ctrl+y", "max_pace", "Max", "Max pace: the rest of the run at full speed"),
    _key("f1", "help", "Help", "Every key, and what it does"),
    _key("f2", "runs", "Runs", "Run history: sort, overlay, export"),
    _main("f3", "code", "Code", "Show or hide the code being run"),
    _main("f4", "trajectories", "Views", "Data plot, trajectories, or a sweep against its value"),
    _key("f5", "presets", "Presets", "The lessons' experiments"),
    _main("f6", "both", "Both", "Run scratch and concise on the same data"),
    _main(
        "f7",
        "step",
        "Step",
        "One mini-batch, then pause (from idle too: the run starts with its first step)",
    ),
    _main("ctrl+e", "notes", "Notes", "What to notice about the last run, on the whole screen"),
    _main("f8", "inspector", "Inspect", "The last step: batch, loss, .grad and update"),
    _main(
        "f9",
        "landscape",
        "Map",
        "The loss landscape over two parameters, with each run's path (ctrl+f: next pair)",
    ),
    _key("f10", "glossary", "Terms", "The terms on this screen, each defined"),
    _main("f12", "learn", "Learn", "The lessons: autograd, scratch, concise, the exercises"),
    _key("ctrl+q", "quit", "Quit", "Quit the app"),
]
