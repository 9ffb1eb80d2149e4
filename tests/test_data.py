"""The data settings that shape the loss's valley: feature correlation and feature scales."""

from __future__ import annotations

import dataclasses

import pytest
import torch

from tui_linreg.config import IMPLEMENTATIONS, INITS, ConfigError, TrainConfig, checked
from tui_linreg.engine.concise import Concise
from tui_linreg.engine.data import make_problem, shuffle_generator
from tui_linreg.engine.run import run_to_end
from tui_linreg.engine.start import preview

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


@pytest.mark.parametrize("init", INITS)
@pytest.mark.parametrize("true_w", [(2.0, -3.4), tuple(float(i) for i in range(20))])
def test_every_init_gives_every_implementation_the_same_start(
    init: str, true_w: tuple[float, ...]
) -> None:
    """Concise draws its weights with nn.init by name; scratch and analytic take the problem's.
    From the generator's saved state, they are the same numbers, bit for bit."""
    config = TrainConfig(device="cpu", init=init, true_w=true_w, init_std=0.5)
    problem = make_problem(config, CPU)
    concise = Concise(problem, config, shuffle_generator(config))
    assert torch.equal(concise.layer.weight.detach().T, problem.initial_w)
    assert torch.equal(concise.layer.bias.detach(), torch.zeros(1))
    starts = {
        preview(dataclasses.replace(config, implementation=name)).initial_w
        for name in IMPLEMENTATIONS
    }
    assert len(starts) == 1


def test_each_init_draws_from_its_distribution() -> None:
    d = 20_000  # many weights: their spread is measured, not guessed
    true_w = (1.0,) * d

    def weights(init: str, std: float = 0.5) -> torch.Tensor:
        config = TrainConfig(init=init, true_w=true_w, init_std=std, num_examples=1)
        return make_problem(config, CPU).initial_w

    normal, uniform, xavier = weights("normal"), weights("uniform"), weights("xavier")
    assert float(normal.std()) == pytest.approx(0.5, rel=0.03)
    assert float(uniform.std()) == pytest.approx(0.5, rel=0.03)  # the same std, uniformly
    assert float(uniform.abs().max()) <= 3**0.5 * 0.5
    bound = (6 / (d + 1)) ** 0.5  # Glorot: fan_in d, fan_out 1; init_std plays no part
    assert float(xavier.abs().max()) <= bound
    assert float(xavier.abs().max()) > 0.99 * bound
    assert torch.equal(weights("xavier", std=7.0), xavier)
    assert not weights("zeros").any()


def test_the_lessons_initial_weights_are_drawn_as_before_bit_for_bit() -> None:
    generator = torch.Generator().manual_seed(0)
    torch.randn(1000, 2, generator=generator)  # the features
    torch.randn(1000, 1, generator=generator)  # the noise
    drawn = 0.01 * torch.randn(2, 1, generator=generator)
    assert torch.equal(make_problem(TrainConfig(), CPU).initial_w, drawn)
