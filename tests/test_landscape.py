"""The loss landscape and the path: the map's numbers against the loss computed directly from
the data, and the path against the run's own parameters."""

from __future__ import annotations

import itertools
import math

import pytest
import torch

from tui_linreg.config import TrainConfig
from tui_linreg.engine.data import make_problem
from tui_linreg.engine.events import EpochEnded, Progress, RunEnded, RunStarted, StepTaken
from tui_linreg.engine.run import train
from tui_linreg.engine.start import preview
from tui_linreg.landscape import (
    FOLLOW,
    Recording,
    Slice,
    clipped,
    levels,
    pairs,
    thin,
    view,
)

CPU = torch.device("cpu")
SHAPES = [
    TrainConfig(device="cpu"),
    TrainConfig(device="cpu", feature_correlation=0.9, feature_scales=(1.0, 3.0), noise_std=0.5),
    TrainConfig(device="cpu", true_w=(1.0, -2.0, 0.5), feature_correlation=-0.4),
    TrainConfig(device="cpu", true_w=(1.5,), implementation="concise"),
    # The slice through an optimum that is not least squares': b = 0, and l1's.
    TrainConfig(device="cpu", true_w=(1.0, -2.0, 0.5), bias=False, noise_std=0.3),
    TrainConfig(device="cpu", loss_function="l1", outliers=((3, 50.0),)),
    TrainConfig(device="cpu", implementation="concise", bias=False, loss_function="huber"),
]


def direct_loss(
    config: TrainConfig, started: RunStarted, pair: tuple[int, int], x: float, y: float
) -> float:
    """The implementation's loss over all the data in float64 at θ = the closed form with
    θᵢ = x and θⱼ = y: computed from the examples, not from the quadratic."""
    problem = make_problem(config, CPU)
    best = started.closed_form
    theta = [*best.w, best.b]
    theta[pair[0]], theta[pair[1]] = x, y
    features, labels = problem.features.double(), problem.labels.double()
    w = torch.tensor(theta[:-1], dtype=torch.float64).reshape(-1, 1)
    half_mse = float(((features @ w + theta[-1] - labels) ** 2).mean() / 2)
    return half_mse / (started.half_mse_per_loss or 1.0)


@pytest.mark.parametrize(
    "config",
    SHAPES,
    ids=lambda c: f"{c.implementation}-d{c.num_features}-{c.loss_function}-bias{c.bias}",
)
def test_the_maps_loss_at_grid_points_is_the_loss_computed_from_the_data(
    config: TrainConfig,
) -> None:
    started = preview(config)
    for pair in pairs(config.num_features):
        piece = Slice.of(started, pair)
        cx, cy = piece.centre
        for dx in (-3.0, -0.5, 0.0, 0.25, 2.0):
            for dy in (-2.0, 0.0, 0.7, 4.0):
                expected = direct_loss(config, started, pair, cx + dx, cy + dy)
                assert piece.loss(cx + dx, cy + dy) == pytest.approx(expected, rel=1e-4, abs=1e-6)


def test_concises_map_is_twice_scratchs_and_the_same_shape() -> None:
    scratch = Slice.of(preview(TrainConfig(device="cpu")), (0, 1))
    concise = Slice.of(preview(TrainConfig(device="cpu", implementation="concise")), (0, 1))
    assert concise.minimum == pytest.approx(2 * scratch.minimum)
    assert concise.excess(0.0, 0.0) == pytest.approx(2 * scratch.excess(0.0, 0.0))
    assert concise.axes()[0].direction == pytest.approx(scratch.axes()[0].direction)
    assert concise.axes()[0].stable_lr == pytest.approx(scratch.axes()[0].stable_lr / 2)


@pytest.mark.parametrize("config", SHAPES[:3], ids=["lesson", "stretched", "three"])
def test_each_contour_lies_on_its_level(config: TrainConfig) -> None:
    started = preview(config)
    piece = Slice.of(started, (0, 1))
    for excess in (1e-3, 0.1, 10.0):
        for x, y in piece.ellipse(excess, points=12):
            assert direct_loss(config, started, (0, 1), x, y) == pytest.approx(
                piece.minimum + excess, rel=1e-4
            )


def test_the_ellipses_axes_are_the_eigenvectors_of_the_gram_block() -> None:
    config = SHAPES[1]
    started = preview(config)
    problem = make_problem(config, CPU)
    a = torch.cat([problem.features, torch.ones(len(problem.labels), 1)], dim=1).double()
    block = (a.T @ a / len(a))[:2, :2]
    values, vectors = torch.linalg.eigh(block)
    steep, shallow = Slice.of(started, (0, 1)).axes()
    assert (steep.curvature, shallow.curvature) == pytest.approx(
        (float(values[1]), float(values[0])), rel=1e-5
    )
    assert abs(float(vectors[:, 1] @ torch.tensor(steep.direction, dtype=torch.float64))) == (
        pytest.approx(1.0, abs=1e-6)
    )
    # With one feature the pair is all of θ: its steep axis gives the run's stable bound.
    one = preview(TrainConfig(device="cpu", true_w=(1.5,), feature_scales=(2.0,)))
    assert Slice.of(one, (0, 1)).axes()[0].stable_lr == pytest.approx(one.stable_lr, rel=1e-6)


def events_of(config: TrainConfig, *, trace: bool = False) -> list[object]:
    return list(train(config, record_path=True, trace=trace))


def recorded(events: list[object]) -> Recording:
    """The recording the app keeps of a run, from its events."""
    started = events[0]
    assert isinstance(started, RunStarted)
    recording = Recording(started)
    for event in events:
        if isinstance(event, Progress):
            recording.add(event)
    return recording


def test_the_path_is_every_step_and_agrees_with_the_runs_parameters() -> None:
    config = TrainConfig(device="cpu", epochs=2, num_examples=205)
    events = events_of(config, trace=True)
    started = events[0]
    assert isinstance(started, RunStarted)
    recording = recorded(events)
    steps = 2 * 21
    assert list(recording.steps) == list(range(steps + 1))  # the start, then every step
    traced = [e.detail for e in events if isinstance(e, StepTaken)]
    for index, detail in enumerate(traced, start=1):
        assert recording.theta(index) == pytest.approx((*detail.w_after, detail.b_after))
    ends = [e for e in events if isinstance(e, EpochEnded)]
    assert recording.theta(21) == pytest.approx((*ends[0].w, ends[0].b))
    end = events[-1]
    assert isinstance(end, RunEnded)
    assert recording.theta(steps) == pytest.approx((*end.w, end.b))
    assert recording.left is None


def test_a_long_run_records_an_even_sample(monkeypatch: pytest.MonkeyPatch) -> None:
    import tui_linreg.engine.start as start

    monkeypatch.setattr(start, "PATH_MAX_STEPS", 50)
    events = events_of(TrainConfig(device="cpu", implementation="analytic", epochs=2))
    started = events[0]
    assert isinstance(started, RunStarted)
    assert started.path_every == 4
    recording = recorded(events)
    assert list(recording.steps) == list(range(0, 201, 4))
    assert recording.index_of(103) == 25  # step 100 is the nearest kept at or before 103
    end = events[-1]
    assert isinstance(end, RunEnded)
    assert recording.theta(len(recording) - 1) == pytest.approx((*end.w, end.b))


def test_a_diverging_path_leaves_the_map_and_stops_where_the_loss_plot_does() -> None:
    config = TrainConfig(device="cpu", learning_rate=10.0, epochs=10)
    events = events_of(config)
    started, end = events[0], events[-1]
    assert isinstance(started, RunStarted)
    assert isinstance(end, RunEnded)
    recording = recorded(events)
    assert recording.steps[-1] == 4
    assert "at step 4" in end.message
    assert recording.left is not None
    best = (*started.closed_form.w, started.closed_form.b)
    start = recording.theta(0)
    beyond = recording.theta(recording.left)
    inside = recording.theta(recording.left - 1)
    assert math.dist(beyond, best) > FOLLOW * math.dist(start, best) >= math.dist(inside, best)


def test_the_view_has_one_scale_on_both_axes_and_holds_every_point() -> None:
    points = [(0.0, 0.0), (2.0, -3.4), (1.0, 5.0)]
    (left, right, bottom, top), dot = view(points, columns=60, rows=20)
    assert (right - left) / (2 * 60) == pytest.approx(dot)
    assert (top - bottom) / (4 * 20) == pytest.approx(dot)
    assert all(left < x < right and bottom < y < top for x, y in points)


def test_levels_are_log_spaced_and_span_the_view() -> None:
    piece = Slice.of(preview(TrainConfig(device="cpu")), (0, 1))
    box, dot = view([piece.centre, (0.0, 0.0)], columns=80, rows=30)
    chosen = levels(piece, box, dot)
    assert 3 <= len(chosen) <= 7
    ratios = {round(b / a, 6) for a, b in itertools.pairwise(chosen)}
    assert ratios <= {3.0, round(10 / 3, 6), 10.0, 100.0}
    corners = [piece.excess(x, y) for x in box[:2] for y in box[2:]]
    assert chosen[-1] <= max(corners)
    assert chosen[-1] * 10 > min(corners)


def test_clipping_cuts_lines_at_the_edge_of_the_view() -> None:
    box = (0.0, 1.0, 0.0, 1.0)
    runs = clipped([(-1.0, 0.5), (2.0, 0.5), (2.0, 2.0), (0.5, 0.25)], box)
    assert runs == [[(0.0, 0.5), (1.0, 0.5)], [pytest.approx((1.0, 2 - 1.75 * 2 / 3)), (0.5, 0.25)]]
    assert clipped([(5.0, 5.0), (6.0, 6.0)], box) == []


def test_thinning_keeps_every_turn_wider_than_a_dot() -> None:
    zigzag = [(i * 0.1, (-1) ** i * 1.0) for i in range(50)]
    assert thin(zigzag, (0.0, 5.0, -2.0, 2.0), dot=0.05) == zigzag
    crawl = [(i * 1e-4, 0.0) for i in range(1000)]  # a thousand steps within a few dots
    kept = thin(crawl, (0.0, 1.0, -1.0, 1.0), dot=0.01)
    assert len(kept) <= 12
    assert kept[0] == crawl[0]
    assert kept[-1] == crawl[-1]


def test_pairs_cover_every_parameter() -> None:
    assert pairs(1) == [(0, 1)]
    assert pairs(2) == [(0, 1), (0, 2), (1, 2)]
    assert len(pairs(10)) == 55


@pytest.mark.parametrize("implementation", ["scratch", "concise"])
def test_with_weight_decay_the_map_is_the_penalised_objective_centred_on_the_ridge(
    implementation: str,
) -> None:
    """The loss + (λ/2)‖w‖², computed from the examples, at grid points; its minimum in the
    (w[0], w[1]) plane, b held at the ridge's, is the ridge optimum."""
    config = TrainConfig(device="cpu", implementation=implementation, weight_decay=0.5)
    started = preview(config)
    assert started.closed_form.name == "ridge optimum"
    for pair in pairs(config.num_features):
        piece = Slice.of(started, pair)
        for x, y in ((0.0, 0.0), (1.0, -2.0), (2.0, -3.4), (-1.0, 4.0)):
            theta = [*started.closed_form.w, started.closed_form.b]
            theta[pair[0]], theta[pair[1]] = x, y
            penalty = config.penalty / 2 * (theta[0] ** 2 + theta[1] ** 2)
            expected = direct_loss(config, started, pair, x, y) + penalty
            assert piece.loss(x, y) == pytest.approx(expected, rel=1e-4, abs=1e-6)
    centre = Slice.of(started, (0, 1)).centre
    assert centre == pytest.approx(started.closed_form.w, abs=1e-9)
