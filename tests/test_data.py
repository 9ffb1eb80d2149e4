"""The data settings that shape the loss's valley: feature correlation and feature scales."""

from __future__ import annotations

import dataclasses

import pytest
import torch

from tui_linreg.config import ConfigError, TrainConfig, checked
from tui_linreg.engine.data import make_problem
from tui_linreg.engine.run import run_to_end

CPU = torch.device("cpu")


def test_the_lessons_data_is_drawn_as_before_bit_for_bit() -> None:
    config = TrainConfig(num_examples=500)
    drawn = torch.randn(500, 2, generator=torch.Generator().manual_seed(config.seed))
    assert torch.equal(make_problem(config, CPU).features, drawn)  # ρ = 0, scales 1: untouched


@pytest.mark.parametrize("rho", [-0.9, 0.5, 0.95])
def test_features_have_the_correlation_and_scales_asked_for(rho: float) -> None:
    config = TrainConfig(num_examples=200_000, feature_correlation=rho, feature_scales=(1.0, 3.0))
    features = make_problem(config, CPU).features.double()
    assert float(torch.corrcoef(features.T)[0, 1]) == pytest.approx(rho, abs=0.01)
    assert features.std(dim=0).tolist() == pytest.approx([1.0, 3.0], rel=0.01)
    one_scale = dataclasses.replace(
        config, true_w=(1.0, 2.0, 3.0), feature_correlation=0.0, feature_scales=(2.0,)
    )
    assert make_problem(one_scale, CPU).features.std(dim=0).tolist() == pytest.approx(
        [2.0] * 3, rel=0.01
    )  # one value scales every feature


def test_correlated_features_stretch_the_valley_and_lower_the_stable_rate() -> None:
    plain, stretched = (
        run_to_end(TrainConfig(device="cpu")),
        run_to_end(TrainConfig(device="cpu", feature_correlation=0.95)),
    )
    # AᵀA/n has eigenvalues 1 ± ρ along the features: 2/λmax falls from about 2 to about 1.
    assert plain.closed_form.stable_lr == pytest.approx(2.0, rel=0.15)
    assert stretched.closed_form.stable_lr == pytest.approx(2 / 1.95, rel=0.15)
    assert stretched.half_mse > 100 * plain.half_mse  # the flat direction is slow to learn


def test_impossible_data_settings_are_refused_with_a_sentence() -> None:
    with pytest.raises(ConfigError, match="impossible among 3 features: it must be above"):
        checked(TrainConfig(true_w=(1.0, 2.0, 3.0), feature_correlation=-0.6))
    with pytest.raises(ConfigError, match="feature scales has 3 numbers, but there are 2"):
        checked(TrainConfig(feature_scales=(1.0, 2.0, 3.0)))
    with pytest.raises(ConfigError, match=r"from -0\.99 to 0\.99"):
        checked(TrainConfig(feature_correlation=1.0))
