"""What a lesson page's "do it" key does to the main screen: its preset or settings into the
form, then a run, one step, scratch beside concise, or one step's graph, and the view it
points at. Through the screen's own actions, as a learner's keys would."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from tui_linreg.config import ConfigError, TrainConfig
from tui_linreg.presets import PRESETS
from tui_linreg.teach.exercises import QUESTIONS
from tui_linreg.teach.lessons import Action

if TYPE_CHECKING:
    from tui_linreg.ui.screens.main import MainScreen


def drive(screen: MainScreen, action: Action) -> None:
    form = screen.form
    screen.in_place = "plots"  # a graph or a walk from an earlier page gives the plots back
    if action.preset in QUESTIONS and action.then == "run" and not action.changes:
        screen.use_preset(action.preset)  # asks its question, then runs
        return
    base = form.how_it_runs()
    lesson_defaults = TrainConfig(device=base.device, pace=base.pace)  # how it runs is kept
    config = PRESETS[action.preset].apply(base) if action.preset else lesson_defaults
    config = dataclasses.replace(config, **action.changes)
    form.fill(config)
    form.set_field("sweep", PRESETS[action.preset].sweep if action.preset else "")
    if action.then == "run":
        screen.action_run()
    elif action.then == "step":
        screen.action_step()
    elif action.then == "both":
        screen.action_both()
    elif action.then == "graph":
        try:
            checked = form.read_config()
        except ConfigError:
            return  # the form says what is wrong
        screen.graph.draw(checked, action.step)
        screen.in_place = "graph"
        screen.graph.focus()
    elif action.then == "walk":
        try:
            checked = form.read_config()
        except ConfigError:
            return
        screen.walk.walk(checked, action.step)
        screen.in_place = "walk"
        screen.walk.focus()  # ↓ and ↑ walk at once; n, p and c still turn the pages
    if action.view == "inspector":
        screen.in_place = "inspector"
    elif action.view == "landscape":
        screen.in_place = "plots"
        screen.data_view = "landscape"
    elif action.view == "code":
        screen.in_place = "code"
