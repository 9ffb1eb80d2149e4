"""The engine never imports Textual; what the UI needs at start-up never imports torch."""

from __future__ import annotations

import json
import subprocess
import sys


def modules_after_importing(*names: str) -> set[str]:
    code = (
        "import importlib, json, sys\n"
        f"for name in {list(names)!r}: importlib.import_module(name)\n"
        "print(json.dumps(sorted(sys.modules)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    return set(json.loads(result.stdout))


def top_level(modules: set[str]) -> set[str]:
    return {name.split(".")[0] for name in modules}


def test_the_engine_and_the_headless_command_never_import_textual() -> None:
    loaded = modules_after_importing(
        "tui_linreg.engine.run",
        "tui_linreg.cli",
        "tui_linreg.report",
        "tui_linreg.engine.reference",
    )
    assert "torch" in top_level(loaded)  # the engine really was imported
    assert not top_level(loaded) & {"textual", "textual_plotext", "plotext"}


def test_config_and_events_load_without_torch() -> None:
    loaded = modules_after_importing(
        "tui_linreg.config", "tui_linreg.engine.events", "tui_linreg.report"
    )
    assert "torch" not in top_level(loaded)


def test_the_run_plan_imports_neither_torch_nor_textual() -> None:
    loaded = modules_after_importing(
        "tui_linreg.plan", "tui_linreg.settings", "tui_linreg.landscape"
    )
    assert "tui_linreg.plan" in loaded  # it really was imported
    assert not top_level(loaded) & {"torch", "textual", "textual_plotext", "plotext"}


def test_the_session_its_trainer_the_notes_and_the_loops_parts_import_neither() -> None:
    """What a lesson drives (the session), what it will read (the notes, _()), and the parts
    of the training loop that are tested without torch."""
    loaded = modules_after_importing(
        "tui_linreg.session",
        "tui_linreg.trainer",
        "tui_linreg.teach.notes",
        "tui_linreg.teach.exercises",
        "tui_linreg.teach.glossary",
        "tui_linreg.folding",
        "tui_linreg.i18n",
        "tui_linreg.memory",
        "tui_linreg.engine.pacing",
        "tui_linreg.engine.divergence",
    )
    assert {"tui_linreg.session", "tui_linreg.engine.pacing"} <= loaded  # really imported
    assert not top_level(loaded) & {"torch", "textual", "textual_plotext", "plotext"}


def test_the_app_starts_without_importing_torch() -> None:
    # PyTorch loads in a worker thread after the first frame; importing the app must not.
    loaded = modules_after_importing("tui_linreg.cli", "tui_linreg.ui.app")
    assert "textual" in top_level(loaded)
    assert "torch" not in top_level(loaded)
