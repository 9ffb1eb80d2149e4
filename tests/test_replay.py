"""Replay: a recorded step taken again is the step the run took, and the replay keys' moves."""

from __future__ import annotations

import pytest

from tests.test_landscape import recorded
from tui_linreg.config import IMPLEMENTATIONS, TrainConfig
from tui_linreg.engine.control import RunControl
from tui_linreg.engine.events import StepTaken
from tui_linreg.engine.run import replay_step, train
from tui_linreg.engine.start import prepare
from tui_linreg.landscape import Recording

CASES = [
    *(TrainConfig(device="cpu", implementation=name, num_examples=205) for name in IMPLEMENTATIONS),
    # .grad piles up over every step before: only the run taken again from its start has it.
    TrainConfig(device="cpu", num_examples=205, pitfalls=("forget-zero-grad",)),
]


@pytest.mark.parametrize("config", CASES, ids=lambda c: "+".join((c.implementation, *c.pitfalls)))
def test_a_replayed_step_is_the_step_the_run_took(config: TrainConfig) -> None:
    traced = [e.detail for e in train(config, trace=True) if isinstance(e, StepTaken)]
    prepared = prepare(config)
    for step in (1, 2, 21, 22, 40, len(traced)):  # an epoch's short last batch, the next's first
        assert replay_step(config, step, prepared) == traced[step - 1]


def test_a_cancelled_replay_gives_nothing() -> None:
    control = RunControl()
    control.cancel()
    assert replay_step(TrainConfig(device="cpu"), 200, control=control) is None


def recording_of(config: TrainConfig) -> Recording:
    return recorded(list(train(config, record_path=True)))


def test_the_replay_keys_move_by_a_step_an_epoch_or_to_the_ends() -> None:
    recording = recording_of(TrainConfig(device="cpu", num_examples=205, epochs=3))  # 21 a epoch
    last = len(recording) - 1
    assert last == 63
    assert recording.moved(last, "-step") == 62
    assert recording.moved(last, "step") == last  # no further than the end
    assert recording.moved(0, "-step") == 0
    assert recording.moved(30, "-epoch") == 21  # back to the end of epoch 1
    assert recording.moved(21, "-epoch") == 0  # from an epoch's end, to the one before
    assert recording.moved(30, "epoch") == 42
    assert recording.moved(42, "epoch") == 63
    assert recording.moved(30, "first") == 0
    assert recording.moved(3, "last") == last
    assert recording.epoch_and_step(22) == (2, 1)
    assert recording.epoch_and_step(21) == (1, 21)
    assert recording.epoch_and_step(0) == (1, 0)


def test_replay_through_an_even_sample_moves_by_what_was_kept(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import tui_linreg.engine.start as start

    monkeypatch.setattr(start, "PATH_MAX_STEPS", 30)  # 63 steps: one in 3 kept
    recording = recording_of(TrainConfig(device="cpu", num_examples=205, epochs=3))
    assert recording.every == 3
    index = recording.moved(len(recording) - 1, "-step")
    assert recording.steps[index] == 60
    assert recording.steps[recording.moved(index, "-epoch")] == 42  # epoch 2's end, kept
