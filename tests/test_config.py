"""The one config object and its validation: every field's bad values get a clear sentence."""

from __future__ import annotations

import dataclasses
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui_linreg import memory
from tui_linreg.config import (
    SETTINGS,
    ConfigError,
    FieldError,
    TrainConfig,
    config_from_text,
    parse_field,
)


def test_defaults_are_the_lessons_classic_experiment() -> None:
    config = TrainConfig()
    assert config.true_w == (2.0, -3.4)
    assert config.true_b == 4.2
    assert (config.num_examples, config.noise_std, config.batch_size) == (1000, 0.01, 10)
    assert (config.learning_rate, config.epochs, config.init_std) == (0.03, 3, 0.01)
    assert (config.seed, config.implementation, config.device, config.order) == (
        0,
        "scratch",
        "auto",
        "shuffled",
    )


def test_config_is_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        TrainConfig().epochs = 5  # type: ignore[misc]


@pytest.mark.parametrize(
    ("field", "text", "message"),
    [
        ("batch_size", "0", "batch size must be a whole number ≥ 1, got '0'"),
        ("batch_size", "2.5", "batch size must be a whole number ≥ 1, got '2.5'"),
        ("epochs", "-1", "epochs must be a whole number ≥ 1, got '-1'"),
        ("epochs", "1000000", "epochs must be at most 100,000, got '1000000'"),
        ("num_examples", "", "number of examples must be a whole number ≥ 1, got ''"),
        ("learning_rate", "abc", "learning rate must be a number > 0, got 'abc'"),
        ("learning_rate", "0", "learning rate must be a number > 0, got '0'"),
        ("learning_rate", "nan", "learning rate must be a number > 0, got 'nan'"),
        ("learning_rate", "1e400", "learning rate must be a number > 0, got '1e400'"),
        ("noise_std", "-0.1", "noise must be a number ≥ 0, got '-0.1'"),
        ("init_std", "inf", "init std must be a number ≥ 0, got 'inf'"),
        ("true_b", "four", "true b must be a finite number, got 'four'"),
        ("true_w", "2,,3", "true w has an empty entry at position 2 in '2,,3'"),
        ("true_w", "", "true w needs at least one number, e.g. 2,-3.4"),
        ("true_w", "2,x", "true w entry 2 must be a finite number, got 'x'"),
        ("seed", "-3", "seed must be a whole number ≥ 0, got '-3'"),
        (
            "implementation",
            "fast",
            "implementation must be one of scratch, concise, analytic, got 'fast'",
        ),
        ("device", "tpu", "device must be one of auto, cpu, cuda, mps or cuda:N, got 'tpu'"),
        ("keep_going", "maybe", "keep going must be on or off, got 'maybe'"),
    ],
)
def test_each_invalid_value_gets_its_fields_sentence(field: str, text: str, message: str) -> None:
    with pytest.raises(FieldError) as caught:
        parse_field(field, text)
    assert caught.value.mistake.field == field
    assert caught.value.mistake.message == message


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(ConfigError) as caught:
        config_from_text(
            {"batch_size": "0", "learning_rate": "fast", "seed": "1", "true_w": "2,,3"}
        )
    assert [p.field for p in caught.value.mistakes] == ["batch_size", "learning_rate", "true_w"]


def test_long_pastes_are_cut_in_the_message() -> None:
    with pytest.raises(FieldError) as caught:
        parse_field("learning_rate", "9" * 10_000 + "x")
    assert len(caught.value.mistake.message) < 80


@pytest.mark.parametrize(
    ("field", "text", "value"),
    [
        ("num_examples", "1e6", 1_000_000),
        ("num_examples", " 1_000 ", 1000),
        ("true_w", "[2, -3.4]", (2.0, -3.4)),
        ("true_w", "5", (5.0,)),
        ("learning_rate", "3e-2", 0.03),
        ("noise_std", "-0", 0.0),
        ("device", "CUDA:1", "cuda:1"),
        ("implementation", " Concise ", "concise"),
        ("keep_going", "off", False),
        ("order", " Sorted ", "sorted"),
    ],
)
def test_friendly_spellings_are_understood(field: str, text: str, value: object) -> None:
    assert parse_field(field, text) == value


def test_true_w_length_has_a_sensible_maximum() -> None:
    assert len(parse_field("true_w", ",".join(["1"] * 100))) == 100
    with pytest.raises(FieldError, match="at most 100 numbers"):
        parse_field("true_w", ",".join(["1"] * 101))


def test_data_too_big_for_memory_is_refused_saying_how_much_it_needs() -> None:
    with pytest.raises(ConfigError) as caught:
        config_from_text({"num_examples": "1000000000", "true_w": ",".join(["1"] * 100)})
    (problem,) = caught.value.mistakes
    assert problem.field == "num_examples"
    assert "would need about" in problem.message
    assert "GB" in problem.message


def test_memory_estimate_grows_with_the_data() -> None:
    small = memory.needed(1000, 2)
    big = memory.needed(10_000_000, 2)
    assert big - small > 10_000_000 * 3 * 4  # at least the float32 features and labels


def test_config_round_trips_through_a_dict() -> None:
    config = TrainConfig(true_w=(1.5, -2.0, 0.25), learning_rate=0.1, order="fixed", seed=7)
    assert TrainConfig.from_dict(config.to_dict()) == config


def test_from_dict_rejects_unknown_and_bad_values() -> None:
    with pytest.raises(ConfigError) as caught:
        TrainConfig.from_dict({"epochs": 0, "colour": "red"})
    assert {p.field for p in caught.value.mistakes} == {"epochs", "colour"}


@settings(max_examples=300, deadline=None)
@given(field=st.sampled_from(sorted(SETTINGS)), text=st.text(max_size=60))
def test_any_text_in_any_field_parses_or_gets_a_message(field: str, text: str) -> None:
    try:
        parse_field(field, text)
    except FieldError as error:
        assert error.mistake.field == field
        assert error.mistake.message


@pytest.mark.parametrize(("shuffle", "order"), [(True, "shuffled"), (False, "fixed")])
def test_a_history_line_from_before_order_reads_its_shuffle_switch(
    shuffle: bool, order: str
) -> None:
    old = {k: v for k, v in TrainConfig().to_dict().items() if k != "order"} | {"shuffle": shuffle}
    assert TrainConfig.from_dict(old).order == order


def test_the_memory_check_works_where_the_system_counts_no_free_pages(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """macOS has neither /proc/meminfo nor SC_AVPHYS_PAGES: the refusal then bounds by all of
    the physical memory, rather than switching itself off."""
    import builtins

    from tui_linreg import config as config_module

    real_open, real_sysconf = builtins.open, os.sysconf

    def no_proc(path: object, *args: object, **kwargs: object) -> object:
        if path == "/proc/meminfo":
            raise FileNotFoundError(path)
        return real_open(path, *args, **kwargs)  # type: ignore[call-overload]

    def no_free_pages(name: str) -> int:
        if name == "SC_AVPHYS_PAGES":
            raise ValueError("unrecognized configuration name")
        return real_sysconf(name)

    monkeypatch.setattr(builtins, "open", no_proc)
    monkeypatch.setattr(os, "sysconf", no_free_pages)
    total = real_sysconf("SC_PHYS_PAGES") * real_sysconf("SC_PAGE_SIZE")
    assert memory.available_memory() == total
    with pytest.raises(ConfigError, match="would need about"):
        config_module.checked(TrainConfig(num_examples=10**9, true_w=(1.0,) * 100))
