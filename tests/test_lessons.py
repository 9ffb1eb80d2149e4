"""The lessons' pages: every page's code runs and prints what an independent computation says,
every action names settings and presets that exist, `learn --print` renders every lesson, and
the progress survives a restart, damage, and a served tab."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import numpy as np
import pytest

from tests.helpers import run_cli
from tui_linreg.config import SETTINGS, TrainConfig
from tui_linreg.engine.snippets import run_snippet
from tui_linreg.presets import PRESETS
from tui_linreg.teach.exercises import QUESTIONS
from tui_linreg.teach.lessons import LESSONS, THEN, VIEWS, lesson
from tui_linreg.teach.progress import LessonProgress


def _numbers(text: str) -> list[float]:
    return [float(n) for n in re.findall(r"-?\d+\.?\d*(?:e-?\d+)?", text)]


def test_the_lessons_follow_the_notes_order() -> None:
    assert list(LESSONS) == ["autograd", "scratch", "concise", "exercises"]
    assert all(each.pages for each in LESSONS.values())


def test_every_pages_action_names_real_settings_presets_and_views() -> None:
    for each in LESSONS.values():
        for page in each.pages:
            action = page.action
            if action is None:
                continue
            assert action.then in THEN, page.title
            assert action.view in VIEWS, page.title
            assert not action.preset or action.preset in PRESETS, action.preset
            assert set(action.changes) <= set(SETTINGS), action.changes
            dataclasses.replace(TrainConfig(), **action.changes)  # a valid config


def test_every_exercise_with_a_question_has_its_page() -> None:
    pages = lesson("exercises").pages
    asked = {page.action.preset for page in pages if page.action is not None}
    assert asked == {name for name in QUESTIONS if PRESETS[name].exercises}
    assert {page.shown_title() for page in pages} >= {"Exercise 3.4.1", "Exercise 3.5.5"}


def test_every_pages_code_runs_and_only_the_lesson_of_code_2_raises() -> None:
    for each in LESSONS.values():
        for page in each.pages:
            if not page.runs:
                continue
            printed = run_snippet(page.code)
            assert printed.strip(), page.title
            raised = "Error:" in printed
            assert raised == ("# code 2" in page.code), (page.title, printed)


def _printed(lesson_name: str, title: str) -> str:
    (page,) = [p for p in lesson(lesson_name).pages if p.title == title]
    return run_snippet(page.code)


def test_the_autograd_pages_print_what_the_calculus_says() -> None:
    x = np.arange(4.0)
    graph = _printed("autograd", "The computation graph").splitlines()
    assert _numbers(graph[0])[0] == 2 * x @ x  # y = 2 x·x = 28
    assert graph[1] == "DotBackward0 ['MulBackward0', 'AccumulateGrad']"
    assert _numbers(graph[2]) == list(4 * x)  # dy/dx = 4x
    forward, reverse = _numbers(_printed("autograd", "Forward and reverse accumulation"))
    assert forward == reverse == float(4 * x @ np.ones(4))  # ∇y · v, v = (1, 1, 1, 1)
    piled = _printed("autograd", "Gradients pile up").splitlines()
    assert _numbers(piled[1]) == [2 * g for g in _numbers(piled[0])]  # the sum of two
    scalar = _printed("autograd", "backward() needs a scalar").splitlines()
    assert _numbers(scalar[0]) == [2 * (1 * 1 - 2) * 1]  # d(wx − y)²/dw = 2(wx − y)x = −2
    assert scalar[-1] == "RuntimeError: grad can be implicitly created only for scalar outputs"


def test_the_concise_pages_print_pytorchs_own_words_and_the_factor_two() -> None:
    mse, half = _numbers(_printed("concise", "nn.MSELoss: twice the lesson's loss"))
    y_hat, y = np.array([1.0, 2.0, 4.0]), np.array([1.5, 2.0, 3.0])
    assert mse == pytest.approx(np.mean((y_hat - y) ** 2), abs=1e-4)
    assert half == pytest.approx(np.mean((y_hat - y) ** 2 / 2), abs=1e-4)
    models = _printed("concise", "Three ways to write the same model")
    assert "LinearNet(\n  (linear): Linear(in_features=2, out_features=1, bias=True)\n)" in models
    assert models.count("Sequential(") == 3
    assert _numbers(_printed("concise", "optim.SGD, and lr decay through param_groups")) == [
        pytest.approx(0.003)
    ]
    assert "lr: 0.03" in _printed("concise", "Initialising, and what PyTorch prints")


def test_a_snippet_leaves_the_global_random_state_alone() -> None:
    import random

    import torch

    random.seed(5)
    torch.manual_seed(5)
    expected = (random.random(), float(torch.rand(1)))
    random.seed(5)
    torch.manual_seed(5)
    run_snippet("x = torch.randn(3); random.shuffle([1, 2, 3])")
    assert (random.random(), float(torch.rand(1))) == expected


def test_learn_print_writes_every_lesson_and_refuses_an_unknown_one(
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name, each in LESSONS.items():
        code, out, err = run_cli(capsys, "learn", "--print", name)
        assert code == 0, err
        assert out.startswith(each.title)
        assert out.count("\n1. ") == 1
        assert f"\n{len(each.pages)}. " in out
    code, out, _ = run_cli(capsys, "learn", "--print")
    assert code == 0
    assert all(name in out for name in LESSONS)
    code, _, err = run_cli(capsys, "learn", "--print", "calculus")
    assert code == 2
    assert "there is no lesson 'calculus'; the lessons are autograd, scratch" in err


def test_progress_is_remembered_survives_damage_and_resets(tmp_path: Path) -> None:
    path = tmp_path / "config" / "lessons.json"
    progress, warning = LessonProgress.load(path)
    assert warning is None
    assert progress.at("scratch", 9) == 0
    assert progress.visit("scratch", 4) is None
    again, _ = LessonProgress.load(path)
    assert again.at("scratch", 9) == 4
    assert again.seen == {"scratch": {4}}
    assert again.at("scratch", 3) == 2  # a lesson that shrank: its last page
    path.write_text('{"lessons": {"scratch": {"page": "four"}}}', encoding="utf-8")
    damaged, warning = LessonProgress.load(path)
    assert warning is not None
    assert "damaged" in warning
    assert damaged.at("scratch", 9) == 0
    damaged.visit("concise", 1)
    assert damaged.reset() is None
    assert json.loads(path.read_text(encoding="utf-8")) == {"lessons": {}}


def test_a_served_tabs_progress_is_its_own(tmp_path: Path) -> None:
    progress, _ = LessonProgress.load(None)
    assert progress.visit("autograd", 3) is None
    assert progress.at("autograd", 7) == 3
    assert list(tmp_path.iterdir()) == []  # nothing written anywhere


def test_learn_without_a_terminal_points_to_the_printed_lessons(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = run_cli(capsys, "learn", "scratch")
    assert code == 2
    assert "to read a lesson as text, use `tui-linreg learn --print NAME`" in err
