"""Every key of the app, in the footer's order, declared once.

The training keys run the main screen's actions (``main.run``: the app names the main screen
``main`` for its actions), the others the app's own (help, runs, presets, quit). The app binds
them all, so that the training keys work over its other screens too (the runs screen, help).
Each is a priority binding, so it works while a text field has focus. None collides with the
Input's editing keys, tmux (ctrl+b), screen (ctrl+a) or the terminal (ctrl+s, ctrl+z, ctrl+c).
Keys a plot's title names stay out of the footer (``show=False``). Their words are looked up
when this module is imported (the command line chooses the language first), and again when
the palette switches it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from textual.binding import Binding, BindingsMap

from tui_linreg.i18n import N_, _

MAIN = "main"
"""The action namespace of the main screen."""


SOURCE: dict[str, tuple[str, str]] = {}
"""Each key's description and tooltip in English, by its id: translated again when the
language is switched (:func:`translated`)."""


def _key(
    key: str,
    action: str,
    description: str,
    tooltip: str,
    *,
    show: bool = True,
    id: str | None = None,
) -> Binding:
    SOURCE[id or action] = (description, tooltip)
    return Binding(
        key,
        action,
        _(description),
        show=show,
        priority=True,
        tooltip=_(tooltip),
        id=id or action,
    )


def _main(key: str, action: str, description: str, tooltip: str, *, show: bool = True) -> Binding:
    """A key of the main screen's: its id (and the footer's class, key-run) without the
    namespace."""
    return _key(key, f"{MAIN}.{action}", description, tooltip, show=show, id=action)


def translated(bindings: BindingsMap, source: Mapping[str, tuple[str, str]] = SOURCE) -> None:
    """``bindings``' words in the language now in use (the footer shows them), from their
    English in ``source`` (by a binding's id; the app's keys by default)."""
    for key, each in bindings.key_to_bindings.items():
        bindings.key_to_bindings[key] = [
            dataclasses.replace(b, description=_(source[b.id][0]), tooltip=_(source[b.id][1]))
            if b.id is not None and b.id in source
            else b
            for b in each
        ]


KEYS: list[Binding] = [
    _main("ctrl+r", "run", N_("Run"), N_("Run, or restart the run")),
    _main("ctrl+g", "stop", N_("Stop"), N_("Stop the run")),
    _main("ctrl+o", "pause", N_("Pause"), N_("Pause or resume")),
    _main(
        "ctrl+t",
        "toggle_implementation",
        N_("Impl"),
        N_("Next implementation: scratch → concise → analytic"),
    ),
    _main("ctrl+l", "log_scale", N_("Log"), N_("Log or linear loss axis"), show=False),
    _main("ctrl+n", "new_seed", N_("Seed"), N_("Next seed, and run")),
    _main(
        "ctrl+f",
        "next_feature",
        N_("Feat"),
        N_("Scatter the next feature; on the landscape, the next pair of parameters"),
        show=False,
    ),
    _main("ctrl+y", "max_pace", N_("Max"), N_("Max pace: the rest of the run at full speed")),
    _key("f1", "help", N_("Help"), N_("Every key, and what it does")),
    _key("f2", "runs", N_("Runs"), N_("Run history: sort, overlay, export")),
    _main("f3", "code", N_("Code"), N_("Show or hide the code being run")),
    _main(
        "f4",
        "trajectories",
        N_("Views"),
        N_("Data plot, trajectories, or a sweep against its value"),
    ),
    _key("f5", "presets", N_("Presets"), N_("The lessons' experiments")),
    _main("f6", "both", N_("Both"), N_("Run scratch and concise on the same data")),
    _main(
        "f7",
        "step",
        N_("Step"),
        N_("One mini-batch, then pause (from idle too: the run starts with its first step)"),
    ),
    _main(
        "ctrl+e", "notes", N_("Notes"), N_("What to notice about the last run, on the whole screen")
    ),
    _main("f8", "inspector", N_("Inspect"), N_("The last step: batch, loss, .grad and update")),
    _main(
        "f9",
        "landscape",
        N_("Map"),
        N_("The loss landscape over two parameters, with each run's path (ctrl+f: next pair)"),
    ),
    _key("f10", "glossary", N_("Terms"), N_("The terms on this screen, each defined")),
    _main(
        "f12", "learn", N_("Learn"), N_("The lessons: autograd, scratch, concise, the exercises")
    ),
    _key("ctrl+q", "quit", N_("Quit"), N_("Quit the app")),
]
