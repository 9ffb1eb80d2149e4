"""--optimizer, --weight-decay and --val-examples (issue 18, §1–3): each implementation held to
torch.optim on the same batches, the stable bounds checked by gradient descent itself, the
ridge optimum against an independent solve, and the validation set's own stream."""

from __future__ import annotations

import dataclasses
import itertools
from typing import Any

import numpy as np
import pytest
import torch

from tui_linreg.config import ConfigError, TrainConfig, config_from_text
from tui_linreg.engine.concise import Concise
from tui_linreg.engine.data import epoch_order, make_problem, shuffle_generator
from tui_linreg.engine.events import EpochEnded, Outcome, Progress, RunStarted
from tui_linreg.engine.reference import analyse, ridge, robust_optimum
from tui_linreg.engine.run import run_to_end, train
from tui_linreg.losses import loss_of
from tui_linreg.report import lesson_line

CPU = torch.device("cpu")
OPTIMIZERS = ["sgd", "momentum", "nesterov", "adam"]


def config(**changes: object) -> TrainConfig:
    return dataclasses.replace(TrainConfig(device="cpu"), **changes)  # type: ignore[arg-type]


def _path(run: TrainConfig) -> np.ndarray:
    """θ after every step of ``run``, as the engine recorded it."""
    flat: list[float] = []
    for event in train(run, record_path=True):
        if isinstance(event, Progress):
            flat.extend(event.path)
    return np.array(flat).reshape(-1, run.num_features + 1)


def _torch_optim_path(run: TrainConfig) -> np.ndarray:
    """The same run written as PyTorch's docs write a training loop: plain tensors w and b,
    MSE on each batch, and torch.optim with the bias in a group without weight decay. The
    batches are the engine's (the same shuffling stream), nothing else is shared."""
    problem = make_problem(run, CPU)
    w = problem.initial_w.clone().requires_grad_(True)
    b = problem.initial_b.clone().requires_grad_(True)
    groups: list[dict[str, Any]] = [
        {"params": [w], "weight_decay": run.weight_decay},
        {"params": [b]},
    ]
    optimizer: torch.optim.Optimizer
    if run.optimizer == "adam":
        optimizer = torch.optim.Adam(
            groups, lr=run.learning_rate, betas=(run.beta1, run.beta2), eps=run.eps
        )
    else:
        optimizer = torch.optim.SGD(
            groups,
            lr=run.learning_rate,
            momentum=0.0 if run.optimizer == "sgd" else run.momentum,
            nesterov=run.optimizer == "nesterov",
        )
    generator = shuffle_generator(run)
    path = []
    for _ in range(run.epochs):
        order = epoch_order(problem.labels, "shuffled", generator)
        assert order is not None
        for batch in order.split(run.batch_size):
            loss = ((problem.features[batch] @ w + b - problem.labels[batch]) ** 2).mean()
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            path.append([*w.detach().flatten().tolist(), float(b.detach())])
    return np.array(path)


@pytest.mark.parametrize(
    ("optimizer", "weight_decay", "implementation"),
    list(itertools.product(OPTIMIZERS, [0.0, 0.05], ["scratch", "concise", "analytic"])),
)
def test_every_implementation_takes_torch_optims_steps_on_the_same_batches(
    optimizer: str, weight_decay: float, implementation: str
) -> None:
    run = config(
        implementation=implementation,
        loss_function="mse",
        optimizer=optimizer,
        weight_decay=weight_decay,
        learning_rate=0.02,
        num_examples=205,  # a short last batch in every epoch
        epochs=3,
    )
    mine, reference = _path(run), _torch_optim_path(run)
    assert mine.shape == reference.shape == (63, 3)
    np.testing.assert_allclose(mine, reference, rtol=1e-5, atol=1e-6)
    assert not np.allclose(mine[-1], mine[0])  # it moved


def test_concise_decays_the_weight_and_not_the_bias_in_a_group_of_its_own() -> None:
    run = config(implementation="concise", weight_decay=0.3)
    model = Concise(make_problem(run, CPU), run, shuffle_generator(run))
    decays = [group["weight_decay"] for group in model.trainer.param_groups]
    assert decays == [0.3, 0]
    assert model.trainer.param_groups[0]["params"][0] is model.layer.weight
    assert model.trainer.param_groups[1]["params"][0] is model.layer.bias
    assert "weight_decay: 0.3" in model.printed  # print(optimizer) shows both groups


def _full_batch(run: TrainConfig) -> TrainConfig:
    """Gradient descent on all the data: the regime the stable bound is about."""
    return dataclasses.replace(
        run, batch_size=run.num_examples, order="fixed", epochs=400, implementation="analytic"
    )


def _bound(run: TrainConfig) -> float | None:
    started = next(iter(train(run)))
    assert isinstance(started, RunStarted)
    return started.stable_lr


@pytest.mark.parametrize(
    ("optimizer", "weight_decay"),
    [("sgd", 0.0), ("momentum", 0.0), ("nesterov", 0.0), ("momentum", 0.5), ("sgd", 2.0)],
)
def test_the_stable_bound_is_where_full_batch_gradient_descent_starts_to_diverge(
    optimizer: str, weight_decay: float
) -> None:
    """2/λmax for SGD, 2(1 + β)/λmax for heavy ball, 2(1 + β)/((1 + 2β)λmax) for Nesterov, of
    the Hessian with the penalty in it: 0.98× the bound settles, 1.02× blows up."""
    run = _full_batch(
        config(
            optimizer=optimizer,
            weight_decay=weight_decay,
            feature_scales=(1.0, 3.0),  # one steep direction
            num_examples=500,
        )
    )
    bound = _bound(run)
    assert bound is not None
    below = run_to_end(dataclasses.replace(run, learning_rate=0.98 * bound))
    above = run_to_end(dataclasses.replace(run, learning_rate=1.02 * bound))
    assert below.outcome == Outcome.FINISHED
    assert below.times_optimum == pytest.approx(1.0, rel=1e-3)
    assert above.outcome == Outcome.DIVERGED


def test_the_momentum_bounds_are_multiples_of_sgds() -> None:
    sgd = _bound(config())
    assert sgd is not None
    assert _bound(config(optimizer="momentum", momentum=0.5)) == pytest.approx(1.5 * sgd)
    assert _bound(config(optimizer="nesterov", momentum=0.5)) == pytest.approx(0.75 * sgd)


def test_adam_gets_no_bound_and_a_diverged_adam_run_says_why() -> None:
    assert _bound(config(optimizer="adam")) is None
    end = run_to_end(config(optimizer="adam", learning_rate=1e4, feature_scales=(100.0,), epochs=1))
    assert end.outcome == Outcome.DIVERGED
    assert "Adam has no simple stable bound" in end.message


def test_the_ridge_optimum_is_the_independent_solve_of_its_normal_equations() -> None:
    run = config(num_examples=400, true_w=(2.0, -3.4, 1.0), feature_correlation=0.6, seed=3)
    problem = make_problem(run, CPU)
    x = problem.features.double().numpy()
    a = np.hstack([x, np.ones((len(x), 1))])
    y = problem.labels.double().numpy()
    penalty = 0.7
    m = np.diag([1.0, 1.0, 1.0, 0.0])  # b is not penalised
    expected = np.linalg.solve(a.T @ a / len(a) + penalty * m, a.T @ y / len(a)).flatten()
    solved = ridge(problem, penalty)
    assert [*solved.w, solved.b] == pytest.approx(expected.tolist(), abs=1e-10)
    residual = a @ expected[:, None] - y
    assert solved.half_mse == pytest.approx(float((residual**2).mean() / 2), rel=1e-10)
    hessian = a.T @ a / len(a) + penalty * m
    assert solved.stable_lr == pytest.approx(2 / np.linalg.eigvalsh(hessian)[-1], rel=1e-10)
    least, _ = analyse(problem)
    assert np.linalg.norm(solved.w) < np.linalg.norm(least.w)  # shrunk towards 0


@pytest.mark.parametrize("implementation", ["scratch", "concise"])
def test_weight_decay_trains_to_the_ridge_optimum_the_run_reports(implementation: str) -> None:
    """Full-batch gradient descent with weight_decay = λ converges to the reference the run
    prints, "1× the optimum" by the penalised objective."""
    run = _full_batch(config(weight_decay=0.5, learning_rate=0.5, epochs=600))
    end = run_to_end(dataclasses.replace(run, implementation=implementation))
    assert end.closed_form.name == "ridge optimum"
    assert [*end.w, end.b] == pytest.approx([*end.closed_form.w, end.closed_form.b], abs=1e-5)
    assert end.times_optimum == pytest.approx(1.0, abs=1e-6)


def test_the_same_lambda_is_twice_the_ridge_for_scratch_as_for_concise() -> None:
    """Scratch's half-MSE + (λ/2)‖w‖² is ½(MSE + λ‖w‖²): concise's ridge at 2λ."""
    started = {}
    for implementation, weight_decay in (("scratch", 0.2), ("concise", 0.4), ("concise", 0.2)):
        event = next(iter(train(config(implementation=implementation, weight_decay=weight_decay))))
        assert isinstance(event, RunStarted)
        started[implementation, weight_decay] = event.closed_form
    scratch, twice, same = started["scratch", 0.2], started["concise", 0.4], started["concise", 0.2]
    assert [*scratch.w, scratch.b] == pytest.approx([*twice.w, twice.b], abs=1e-12)
    assert abs(scratch.w[0] - same.w[0]) > 1e-3


def test_a_penalised_huber_optimum_is_lbfgs_on_the_penalised_loss() -> None:
    run = config(
        num_examples=300, noise_std=0.5, outliers=((5, 60.0),), loss_function="huber", seed=2
    )
    problem = make_problem(run, CPU)
    penalty, delta = 0.3, 1.0
    start = ridge(problem, penalty)
    optimum = robust_optimum(problem, loss_of("scratch", "huber"), delta, start, penalty=penalty)
    a = torch.cat([problem.features.double(), torch.ones(300, 1, dtype=torch.float64)], dim=1)
    y = problem.labels.double()
    theta = torch.zeros(3, 1, dtype=torch.float64, requires_grad=True)
    solver = torch.optim.LBFGS(
        [theta], max_iter=1000, tolerance_grad=1e-14, tolerance_change=1e-16,
        line_search_fn="strong_wolfe",
    )  # fmt: skip

    def closure() -> torch.Tensor:
        solver.zero_grad()
        value = torch.nn.functional.huber_loss(a @ theta, y, delta=delta)
        value = value + penalty / 2 * theta[:2].square().sum()
        value.backward()
        return value

    for _ in range(5):
        solver.step(closure)
    assert [*optimum.w, optimum.b] == pytest.approx(theta.detach().flatten().tolist(), abs=1e-7)
    assert optimum.loss == pytest.approx(float(closure().detach()), rel=1e-10)


def test_bad_optimizer_settings_are_refused_with_a_sentence_naming_the_field() -> None:
    cases = {
        "optimizer": ("rmsprop", "optimizer must be one of sgd, momentum, nesterov, adam"),
        "momentum": ("1.5", "momentum must be a number from 0 to 0.999"),
        "beta2": ("1", "Adam beta2 must be a number from 0 to 0.99999"),
        "eps": ("0", "Adam epsilon must be a number > 0"),
        "weight_decay": ("-1", "weight decay must be a number ≥ 0"),
        "val_examples": ("-5", "validation examples must be a whole number ≥ 0"),
    }
    for field, (text, sentence) in cases.items():
        with pytest.raises(ConfigError) as caught:
            config_from_text({field: text})
        assert [m.field for m in caught.value.mistakes] == [field]
        assert sentence in str(caught.value)
    with pytest.raises(ConfigError, match="Nesterov momentum needs a momentum above 0"):
        config_from_text({"optimizer": "nesterov", "momentum": "0"})
    with pytest.raises(ConfigError, match="the pitfalls break the lesson's own sgd"):
        config_from_text({"optimizer": "adam", "pitfalls": "no-reshape"})


def test_validation_examples_leave_the_training_data_as_it_was_and_are_new_examples() -> None:
    plain, held = make_problem(config(), CPU), make_problem(config(val_examples=300), CPU)
    assert torch.equal(plain.features, held.features)
    assert torch.equal(plain.labels, held.labels)
    assert torch.equal(plain.initial_w, held.initial_w)
    assert held.val_features is not None
    assert held.val_labels is not None
    assert held.val_features.shape == (300, 2)
    assert not torch.isin(held.val_features[:, 0], plain.features[:, 0]).any()
    residual = held.val_labels - (held.val_features @ torch.tensor([[2.0], [-3.4]]) + 4.2)
    assert float(residual.std()) == pytest.approx(0.01, rel=0.2)  # the same noise
    assert plain.val_features is None


@pytest.mark.parametrize("implementation", ["scratch", "concise", "analytic"])
def test_each_epoch_reports_the_loss_on_the_validation_examples(implementation: str) -> None:
    run = config(implementation=implementation, val_examples=500)
    epochs = [e for e in train(run) if isinstance(e, EpochEnded)]
    assert len(epochs) == 3
    problem = make_problem(run, CPU)
    assert problem.val_features is not None
    assert problem.val_labels is not None
    w, b = torch.tensor(epochs[-1].w).reshape(-1, 1), epochs[-1].b
    squared = float(((problem.val_features @ w + b - problem.val_labels) ** 2).mean())
    scale = 1.0 if implementation == "concise" else 0.5  # MSE, or scratch's half-MSE
    assert epochs[-1].val_loss == pytest.approx(scale * squared, rel=1e-4)
    assert epochs[-1].val_half_mse == pytest.approx(squared / 2, rel=1e-4)
    assert ", val loss " in lesson_line(epochs[-1], run)
    assert [e.loss for e in epochs] == [e.loss for e in train_without_validation(run)]


def train_without_validation(run: TrainConfig) -> list[EpochEnded]:
    plain = dataclasses.replace(run, val_examples=0)
    epochs = [e for e in train(plain) if isinstance(e, EpochEnded)]
    assert all(e.val_loss is None for e in epochs)
    return epochs


def test_the_code_pane_shows_the_update_that_runs() -> None:
    from tui_linreg.ui.widgets.code_pane import training_source

    scratch = training_source("scratch", optimizer="adam", weight_decay=0.1)
    assert "def adam(" in scratch
    assert "def l2_penalty(" in scratch
    assert "def sgd(" not in scratch  # what runs, not what might
    assert "def sgd_momentum(" in training_source("scratch", optimizer="nesterov")
    assert "torch.optim.Adam(" in training_source("concise", optimizer="adam")
    assert "def optimise(" in training_source("analytic", optimizer="momentum")
    assert "def optimise(" not in training_source("analytic")  # the lessons' two fused ops


@pytest.mark.parametrize("implementation", ["scratch", "concise"])
def test_the_inspector_writes_out_the_gradient_autograd_gives_with_weight_decay(
    implementation: str,
) -> None:
    """Scratch's .grad holds its l2_penalty's |B|·λw, which the written-out gradient adds;
    optim adds concise's λw after .grad is read, and the update rule says so."""
    from tui_linreg.engine.run import replay_step

    detail = replay_step(config(implementation=implementation, weight_decay=0.5), 3)
    assert detail is not None
    np.testing.assert_allclose(detail.grad_w, detail.expected_w, rtol=1e-5)
    assert detail.grad_b == pytest.approx(detail.expected_b, rel=1e-5)
    if implementation == "scratch":
        assert detail.backward_on == "l.sum() + len(y) * 0.5 * l2_penalty(w)"
        assert "+ λw" not in detail.update_rule  # already in grad
    else:
        assert "+ λw (λ = 0.5; b not decayed)" in detail.update_rule
