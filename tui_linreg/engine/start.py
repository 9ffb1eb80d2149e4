"""What a run starts from: its data on its device (shared by the runs that agree on it), its
reference optimum and stable bound, and the RunStarted that says so; the app's preview of the
data before a run is the same, without a step."""

from __future__ import annotations

import contextlib
import dataclasses
import math
from collections.abc import Iterator

import torch

from tui_linreg.config import ConfigError, Mistake, TrainConfig, resolved
from tui_linreg.engine.data import (
    Problem,
    data_note,
    full_data_half_mse,
    make_problem,
    shuffle_generator,
)
from tui_linreg.engine.device import describe, resolve_device
from tui_linreg.engine.events import PATH_MAX_STEPS, SCATTER_SAMPLE, ClosedForm, RunStarted
from tui_linreg.engine.implementation import Implementation, create
from tui_linreg.engine.reference import Gram, analyse, ridge, robust_optimum, through_origin
from tui_linreg.i18n import _
from tui_linreg.optimizers import optimizer_of


def prepare(config: TrainConfig) -> tuple[torch.device, Problem]:
    """Resolve the device and draw the data: the part several runs can share."""
    device = resolve_device(config.device)
    with out_of_memory_refused(config, device):
        return device, make_problem(config, device)


@contextlib.contextmanager
def out_of_memory_refused(config: TrainConfig, device: torch.device) -> Iterator[None]:
    """Turn an allocation failure (a GPU's memory is not checked beforehand, and other
    programs share it) into a refusal that says what to change, instead of a crash."""
    try:
        yield
    except RuntimeError as error:  # torch.OutOfMemoryError, or the CPU allocator's failure
        text = str(error)
        if not isinstance(error, torch.OutOfMemoryError) and "allocate" not in text:
            raise
        raise ConfigError(
            [
                Mistake(
                    "num_examples",
                    (
                        _(
                            "{device} ran out of memory for {examples:,} examples of "
                            "{features} features: try fewer examples, or --device cpu"
                        )
                        if device.type != "cpu"
                        else _(
                            "{device} ran out of memory for {examples:,} examples of "
                            "{features} features: try fewer examples"
                        )
                    ).format(
                        device=describe(device),
                        examples=config.num_examples,
                        features=config.num_features,
                    ),
                )
            ]
        ) from None


def references(
    problem: Problem, config: TrainConfig, model: Implementation
) -> tuple[ClosedForm, ClosedForm | None, Gram]:
    """The run's reference optimum (without a bias, b = 0; for l1 and Huber, theirs; with
    weight decay, the penalised one: ridge for the squared losses), the least-squares closed
    form with a bias when that is not it (None when it is), and AᵀA/n for A = [X, 1]: the map
    is that least squares' quadratic."""
    least, gram = analyse(problem)
    best = least if config.bias else through_origin(problem)
    spec, penalty = model.spec, config.penalty
    if penalty and spec.squared:
        assert spec.half_mse_per_loss is not None
        # On the half-MSE scale the penalty is λ/slope: MSE + (λ/2)‖w‖² is twice
        # half-MSE + (λ/4)‖w‖².
        best = ridge(problem, penalty / spec.slope, bias=config.bias)
        own = best.half_mse / spec.half_mse_per_loss
        best = dataclasses.replace(best, loss=own + penalty / 2 * math.fsum(w * w for w in best.w))
    elif not spec.squared:
        start = ridge(problem, penalty, bias=config.bias) if penalty else best
        best = robust_optimum(
            problem, spec, config.huber_delta, start, bias=config.bias, penalty=penalty
        )
        if penalty:
            best = dataclasses.replace(best, name=f"penalised {spec.shown} optimum")
    return best, None if best is least else least, gram


def stable_lr(config: TrainConfig, model: Implementation, best: ClosedForm) -> float | None:
    """The learning rate below which full-batch training on this loss, with this optimiser,
    is stable on this data; None where there is no simple bound (Adam, optimizers.py)."""
    factor = optimizer_of(config.optimizer).stable_factor(config.momentum)
    if factor is None:
        return None
    bound = model.spec.stable_lr(best.stable_lr, config.batch_size)
    if math.isinf(bound) and config.penalty:  # l1: the penalty's curvature λ is what is left
        bound = 2 / config.penalty
    return bound * factor


def started(
    config: TrainConfig,
    device: torch.device,
    problem: Problem,
    model: Implementation,
    best: ClosedForm,
    least: ClosedForm | None,
    gram: Gram,
) -> RunStarted:
    sample = slice(0, SCATTER_SAMPLE)
    steps_per_epoch = math.ceil(problem.num_examples / config.batch_size)
    return RunStarted(
        config=config,
        device=describe(device),
        steps_per_epoch=steps_per_epoch,
        closed_form=best,
        least_squares=least,
        printed=model.printed,
        stable_lr=stable_lr(config, model, best),
        loss_name=model.loss_name,
        half_mse_per_loss=model.half_mse_per_loss,
        initial_w=tuple(problem.initial_w.flatten().tolist()),
        initial_b=float(problem.initial_b),
        initial_half_mse=float(full_data_half_mse(problem, problem.initial_w, problem.initial_b)),
        sample_features=tuple(map(tuple, problem.features[sample].tolist())),
        sample_labels=tuple(problem.labels[sample, 0].tolist()),
        feature_means=tuple(problem.features.mean(dim=0).tolist()),
        gram=gram,
        path_every=max(1, math.ceil(config.epochs * steps_per_epoch / PATH_MAX_STEPS)),
        feature_names=config.features or tuple(f"x[{j}]" for j in range(config.num_features)),
        target_name=config.target or "y",
        standardization=problem.standardization,
        data_note=data_note(config),
        map_penalty=config.penalty / model.spec.slope if model.spec.squared else 0.0,
    )


def preview(config: TrainConfig) -> RunStarted:
    """What a run of ``config`` starts from, without taking a step: the data, the initial
    parameters and the closed form, as its RunStarted will say (for the app before a run)."""
    config = resolved(config)
    device, problem = prepare(config)
    model = create(config, problem, shuffle_generator(config))
    with out_of_memory_refused(config, device):
        best, least, gram = references(problem, config, model)
    return started(config, device, problem, model, best, least, gram)
