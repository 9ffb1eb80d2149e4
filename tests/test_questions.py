"""Predict, then observe: each exercise's question answered by its own runs, each answer and
its numbers against an independent computation; the verdict recorded, tallied, exported."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import math
from pathlib import Path

import numpy as np
import pytest
import torch

from tests.helpers import CPU, run_cli
from tui_linreg import datasets
from tui_linreg.config import TrainConfig
from tui_linreg.engine.control import RunControl
from tui_linreg.engine.data import make_problem
from tui_linreg.engine.events import PlanEnded
from tui_linreg.export import CSV_COLUMNS, csv_text
from tui_linreg.history import History, RunRecord, predictions
from tui_linreg.plan import Plan, Runner
from tui_linreg.presets import PRESETS
from tui_linreg.sweep import parse_sweep
from tui_linreg.teach.exercises import QUESTIONS
from tui_linreg.teach.questions import Prediction, Question, Tally, tally


def preset_plan(name: str, **changes: object) -> Plan:
    preset = PRESETS[name]
    config = dataclasses.replace(preset.apply(CPU), **changes)  # type: ignore[arg-type]
    sweep = parse_sweep(preset.sweep) if preset.sweep else None
    return dataclasses.replace(Plan.of(config, sweep=sweep), question=name)


def run_plan(plan: Plan, history: History | None = None) -> PlanEnded:
    ended = list(Runner(history, print).run(plan, RunControl()))[-1]
    assert isinstance(ended, PlanEnded)
    return ended


def outcome_of(ended: PlanEnded) -> float:
    (answer,) = [note for note in ended.notes if note.id == "answer"]
    return float(answer.numbers["outcome"])


@pytest.mark.parametrize(
    ("preset", "expected"),
    [
        ("zero-init", 0),  # the loss is convex: the same place
        ("lr-too-large", 2),  # it flies off
        ("uneven-batches", 0),  # a short last batch
        ("sorted-order", 1),  # dragged off the answer
        ("no-reshape", 1),  # trains, to the wrong line
        ("ohms-law", 0),  # about 5 Ω
        ("reshuffled", 0),  # at the answer
        ("no-shuffle", 0),  # a fixed random order is a fair sample too
        ("full-batch", 0),  # 50 full steps at lr 0.5 are enough
        ("high-dimension", 0),
        ("correlated", 1),  # still far: it crawls along the valley
        ("uncorrelated", 0),
        ("badly-scaled", 1),
        ("standardised", 0),
        ("optimisers", 1),  # momentum or Nesterov
        ("weight-decay", 1),  # shorter: pulled toward 0
        ("overfit", 1),  # training near 0, held-out far above
        ("galton-raw", 2),  # flies off
        ("anscombe", 2),  # one line, four times
    ],
)
def test_each_choice_is_what_its_run_did(preset: str, expected: int) -> None:
    ended = run_plan(preset_plan(preset))
    assert outcome_of(ended) == expected
    question = QUESTIONS[preset]
    assert 2 <= len(question.choices) <= 4


def test_outlier_huber_judges_the_lines_not_the_losses() -> None:
    ended = run_plan(preset_plan("outlier-huber"))
    squared, huber = ended.ends
    truth = np.array([*CPU.true_w, CPU.true_b])
    distances = [float(np.linalg.norm(np.array([*e.w, e.b]) - truth)) for e in (squared, huber)]
    note = next(note for note in ended.notes if note.id == "outlier-huber")
    assert note.numbers["squared"] == pytest.approx(distances[0], rel=1e-9)
    assert note.numbers["huber"] == pytest.approx(distances[1], rel=1e-9)
    assert distances[0] > 1000 * distances[1]  # Huber's line is the true one, squared's is not
    assert squared.half_mse == pytest.approx(huber.half_mse, rel=0.01)  # the losses do not say
    assert outcome_of(ended) == 1


def test_lr_too_small_asks_the_steps_the_flattest_direction_needs() -> None:
    ended = run_plan(preset_plan("lr-too-small"))
    problem = make_problem(PRESETS["lr-too-small"].apply(CPU), torch.device("cpu"))
    x = problem.features.double().numpy()
    a = np.hstack([x, np.ones((len(x), 1))])
    smallest = np.linalg.eigvalsh(a.T @ a / len(a))[0]
    factor = 1 - 0.001 * smallest
    steps = next(k for k in range(1, 100_000) if factor**k <= 0.01)
    assert outcome_of(ended) == steps
    question = QUESTIONS["lr-too-small"]
    assert question.right(steps * 1.9, steps)
    assert not question.right(steps * 2.1, steps)  # within a factor of 2, as it says


def test_error_vs_n_fits_the_slope_of_the_datas_own_error() -> None:
    ended = run_plan(preset_plan("error-vs-n", epochs=1))  # the slope needs no training
    xs, ys = [], []
    for end in ended.ends:
        problem = make_problem(end.config, torch.device("cpu"))
        x = problem.features.double().numpy()
        a = np.hstack([x, np.ones((len(x), 1))])
        best = np.linalg.lstsq(a, problem.labels.double().numpy()[:, 0], rcond=None)[0]
        error = np.linalg.norm(best - np.array([*end.config.true_w, end.config.true_b]))
        xs.append(math.log(end.config.num_examples))
        ys.append(math.log(error))
    slope = np.polyfit(xs, ys, 1)[0]
    assert outcome_of(ended) == pytest.approx(slope, rel=1e-6)
    assert -0.75 < slope < -0.25  # about −½, as the note says; one data set per n is noisy
    assert QUESTIONS["error-vs-n"].right(-0.5, slope) == (abs(slope + 0.5) <= 0.15)


def test_a_prediction_is_judged_when_the_plan_ends_and_recorded_on_its_last_run(
    tmp_path: Path,
) -> None:
    history = History(tmp_path / "runs.jsonl")
    plan = preset_plan("outlier-huber")
    wrong = dataclasses.replace(plan, prediction=Prediction("outlier-huber", 0, "ana"))
    ended = run_plan(wrong, history)
    said = ended.notes[0]
    assert said.id == "prediction"
    assert said.text == ("You predicted: squared loss's. The run says: Huber's. Not this time.")
    first, last = history.load().records
    assert first.prediction is None  # the plan's last run carries it
    assert last.prediction == {
        "question": "outlier-huber",
        "answer": 0.0,
        "outcome": 1.0,
        "right": False,
        "name": "ana",
    }
    right = dataclasses.replace(plan, prediction=Prediction("outlier-huber", 1, "ana"))
    assert run_plan(right, history).notes[0].text.endswith("Right.")
    # The first answer to a question counts: a second try has seen the answer.
    assert tally(predictions(history.load().records)) == [Tally("ana", 0, 1)]


def test_a_stopped_plan_records_its_runs_and_judges_nothing(tmp_path: Path) -> None:
    history = History(tmp_path / "runs.jsonl")
    plan = dataclasses.replace(preset_plan("zero-init"), prediction=Prediction("zero-init", 0))
    control = RunControl()
    control.cancel()
    events = list(Runner(history, print).run(plan, control))
    ended = events[-1]
    assert isinstance(ended, PlanEnded)
    assert not [note for note in ended.notes if note.id in ("prediction", "answer")]
    assert all(record.prediction is None for record in history.load().records)


def test_tally_counts_each_names_first_answers() -> None:
    said = [
        {"question": "zero-init", "right": True, "name": "ana"},
        {"question": "zero-init", "right": False, "name": "ana"},  # a second try
        {"question": "sorted-order", "right": False, "name": "ana"},
        {"question": "zero-init", "right": False, "name": ""},
    ]
    assert tally(said) == [Tally("", 0, 1), Tally("ana", 1, 2)]
    assert Tally("ana", 1, 2).said() == "ana: 1 of 2 predictions right"


def test_old_history_without_predictions_loads_and_a_bad_one_is_skipped(
    tmp_path: Path,
) -> None:
    record = RunRecord.from_run(run_plan(Plan.of(dataclasses.replace(CPU, epochs=1))).ends[0])
    old = record.to_dict()
    del old["prediction"]  # as written before predictions existed
    bad = record.to_dict() | {"prediction": {"question": "zero-init", "right": "yes"}}
    path = tmp_path / "runs.jsonl"
    path.write_text(json.dumps(old) + "\n" + json.dumps(bad) + "\n", encoding="utf-8")
    loaded = History(path).load()
    assert [r.prediction for r in loaded.records] == [None]
    assert loaded.warning  # the bad line is named, not a crash


def test_the_export_carries_the_prediction() -> None:
    record = RunRecord.from_run(run_plan(Plan.of(dataclasses.replace(CPU, epochs=1))).ends[0])
    said = {"question": "zero-init", "answer": 0.0, "outcome": 0.0, "right": True, "name": "li"}
    rows = list(
        csv.DictReader(io.StringIO(csv_text([dataclasses.replace(record, prediction=said)])))
    )
    assert {"question", "answer", "right_answer", "right", "name"} <= set(CSV_COLUMNS)
    assert (rows[0]["question"], rows[0]["right"], rows[0]["name"]) == ("zero-init", "True", "li")
    assert rows[0]["right_answer"] == "0.0"


def test_train_preset_asks_first_and_answers_after(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, _ = run_cli(
        capsys, "train", "--preset", "zero-init", "--device", "cpu", "--no-history"
    )
    assert code == 0
    question = out.index("Question: w starts at exactly 0")
    answer = out.index("The run says: about where the lesson's run ends.")
    assert question < out.index("finished 3 epochs") < answer
    assert "  2. stuck at 0: from equal weights nothing moves" in out


def test_history_prints_the_tally(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    history = History(tmp_path / "runs.jsonl")
    run_plan(
        dataclasses.replace(
            preset_plan("uneven-batches", epochs=1),
            prediction=Prediction("uneven-batches", 0, "ana"),
        ),
        history,
    )
    code, out, _ = run_cli(capsys, "history", "--history", str(history.path))
    assert code == 0
    assert "ana: 1 of 1 predictions right" in out


def test_every_question_is_well_formed() -> None:
    for name, question in QUESTIONS.items():
        assert name in PRESETS
        assert isinstance(question, Question)
        assert not question.choices or 2 <= len(question.choices) <= 4
        assert question.text.endswith("?")
        assert PRESETS[name].summary.endswith(question.text)  # lists show the question


def _design(config: TrainConfig) -> tuple[np.ndarray, np.ndarray]:
    """A = [X, 1] and y of the data a run with ``config`` draws, in float64."""
    problem = make_problem(config, torch.device("cpu"))
    x = problem.features.double().numpy()
    return np.hstack([x, np.ones((len(x), 1))]), problem.labels.double().numpy()[:, 0]


def test_lr_too_small_10_asks_what_share_of_the_distance_is_left() -> None:
    ended = run_plan(preset_plan("lr-too-small-10"))
    a, _y = _design(PRESETS["lr-too-small-10"].apply(CPU))
    smallest = np.linalg.eigvalsh(a.T @ a / len(a))[0]
    assert ended.ends[0].step == 1000
    assert outcome_of(ended) == pytest.approx((1 - 0.001 * smallest) ** 1000, rel=1e-9)
    assert 0.3 < outcome_of(ended) < 0.45  # about e^-1: a third of the way still to go


def test_the_valleys_note_quotes_its_steepness_ratio() -> None:
    ended = run_plan(preset_plan("correlated"))
    a, _y = _design(PRESETS["correlated"].apply(CPU))
    eigenvalues = np.linalg.eigvalsh(a.T @ a / len(a))
    (note,) = [note for note in ended.notes if note.id == "valley"]
    assert note.numbers["ratio"] == pytest.approx(eigenvalues[-1] / eigenvalues[0], rel=1e-6)
    assert note.numbers["flat"] == pytest.approx(1 - 0.1 * eigenvalues[0], rel=1e-6)


def test_the_optimisers_distances_are_each_runs_own() -> None:
    ended = run_plan(preset_plan("optimisers"))
    a, y = _design(PRESETS["optimisers"].apply(CPU))
    best = np.linalg.lstsq(a, y, rcond=None)[0]
    (note,) = [note for note in ended.notes if note.id == "optimisers"]
    for end in ended.ends:
        distance = float(np.linalg.norm(np.array([*end.w, end.b]) - best))
        assert note.numbers[end.config.optimizer] == pytest.approx(distance, rel=1e-3, abs=1e-6)


def test_weight_decays_answer_is_the_weights_length_against_least_squares() -> None:
    ended = run_plan(preset_plan("weight-decay"))
    a, y = _design(PRESETS["weight-decay"].apply(CPU))
    plain = np.linalg.lstsq(a, y, rcond=None)[0][:-1]
    (note,) = [note for note in ended.notes if note.id == "weight-decay-question"]
    length = np.linalg.norm(ended.ends[0].w) / np.linalg.norm(plain)
    assert note.numbers["length"] == pytest.approx(length, rel=1e-5)


def test_galtons_slope_is_numpys() -> None:
    ended = run_plan(preset_plan("galton"))
    path = Path(datasets.__file__).parent / "galton.csv"
    table = np.loadtxt(path, delimiter=",", skiprows=1)
    slope = float(np.polyfit(table[:, 0], table[:, 1], 1)[0])
    assert outcome_of(ended) == pytest.approx(slope, rel=1e-4)
    assert QUESTIONS["galton"].right(0.7, slope)
    assert not QUESTIONS["galton"].right(1.0, slope)  # the answer a learner expects is wrong


def test_mean_loss_asks_how_much_longer_a_sums_steps_are() -> None:
    ended = run_plan(preset_plan("mean-loss"))
    assert outcome_of(ended) == PRESETS["mean-loss"].apply(CPU).batch_size == 16
