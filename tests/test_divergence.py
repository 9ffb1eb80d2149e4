"""When a run has diverged, and what it says (engine/divergence.py), without torch."""

from __future__ import annotations

import math

from tui_linreg.engine.divergence import (
    EXPLOSION_FACTOR,
    Divergence,
    diverged_message,
    kept_going_words,
    why_it_diverged,
)


def test_a_loss_not_finite_or_a_million_times_the_start_has_diverged() -> None:
    divergence = Divergence(start_loss=16.4)
    assert divergence.too_big == 16.4 * EXPLOSION_FACTOR
    assert not divergence.bad(16.4)
    assert not divergence.bad(divergence.too_big)  # at the bound: not yet
    assert divergence.bad(16.5e6)
    assert divergence.bad(math.inf)
    assert divergence.bad(math.nan)


def test_a_start_at_zero_loss_still_has_a_bound() -> None:
    assert Divergence(start_loss=0.0).too_big == 1e-12 * EXPLOSION_FACTOR


def test_keep_going_notes_where_the_loss_went_bad_became_inf_then_nan() -> None:
    divergence = Divergence(start_loss=1.0, keep_going=True)
    divergence.note(1, 4, [2e6, 1e30])  # steps 4 and 5 of epoch 1
    divergence.note(1, 19, [math.inf, math.inf])
    divergence.note(2, 1, [math.nan])
    divergence.note(2, 2, [math.inf])  # after nan: nothing more
    assert divergence.went_bad == {
        "first": (1, 4, 2e6),
        "inf": (1, 19, math.inf),
        "nan": (2, 1, divergence.went_bad["nan"][2]),
    }
    assert math.isnan(divergence.went_bad["nan"][2])


def test_why_a_run_diverged_is_said_against_the_stable_bound() -> None:
    above = why_it_diverged(lr=10, stable_lr=1.82, loss_name="half-MSE", unstandardised_file=False)
    assert (
        above == "The learning rate 10 is above the stable bound ≈ 1.82 for half-MSE on this data."
    )
    below = why_it_diverged(lr=1.5, stable_lr=1.82, loss_name="MSE", unstandardised_file=True)
    assert "below the stable bound ≈ 1.82 for MSE" in below
    assert "mini-batch noise lowers that bound" in below
    assert below.endswith("Standardising the features (--standardize) allows a far larger one.")
    adam = why_it_diverged(lr=3, stable_lr=None, loss_name="half-MSE", unstandardised_file=False)
    assert adam.startswith("Adam has no simple stable bound (each step is about lr = 3 long")


def test_the_message_names_the_step_the_value_and_where_the_run_stopped() -> None:
    grew = diverged_message((1, 4, 9.09e7), 16.4, "Why.", stopped=7)
    assert grew == (
        "diverged in epoch 1 at step 4: the loss grew from 16.4 to 9.09e+07. Why. The app "
        "noticed at step 7 (it checks the loss a few times a second, not at every step), so "
        "the parameters shown are from that step."
    )
    assert diverged_message((2, 3, math.inf), 16.4, "Why.", stopped=3) == (
        "diverged in epoch 2 at step 3: the loss became inf. Why."
    )


def test_a_run_that_kept_going_says_once_where_it_became_inf_and_nan() -> None:
    went_bad = {"first": (1, 4, 2e6), "inf": (1, 19, math.inf), "nan": (1, 38, math.nan)}
    words = kept_going_words(went_bad, epochs=10)
    assert words.startswith(" It kept going to epoch 10: it became inf in epoch 1 at step 19")
    assert "; then nan in epoch 1 at step 38: once θ holds inf" in words
    assert kept_going_words({"first": (1, 4, 2e6)}, epochs=3) == " It kept going to epoch 3."
