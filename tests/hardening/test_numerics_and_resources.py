"""Edge cases of the numbers (noise 0, one example, batch = n, 1e6-scale values, 50 weights,
slow divergence) and of resources (too big to allocate, out of memory on a device)."""

from __future__ import annotations

import math
import subprocess
import sys

import pytest
import torch

from tests.hardening.conftest import TALLY
from tui_linreg.cli import main
from tui_linreg.config import ConfigError, TrainConfig
from tui_linreg.engine import run, start
from tui_linreg.engine.events import Outcome, RunEnded, RunStarted


def ends(config: TrainConfig) -> RunEnded:
    TALLY["numeric edge cases run"] += 1
    return run.run_to_end(config)


@pytest.mark.parametrize("implementation", ["scratch", "concise", "analytic"])
def test_noise_0_learns_the_true_parameters(implementation: str) -> None:
    end = ends(TrainConfig(noise_std=0, epochs=10, implementation=implementation, device="cpu"))
    assert end.outcome == Outcome.FINISHED
    assert end.closed_form.w == pytest.approx((2, -3.4), abs=1e-5)
    assert end.w == pytest.approx((2, -3.4), abs=1e-4)
    assert end.half_mse < 1e-8


@pytest.mark.parametrize("implementation", ["scratch", "concise", "analytic"])
def test_a_single_example_trains_without_nan(implementation: str) -> None:
    end = ends(TrainConfig(num_examples=1, implementation=implementation, device="cpu"))
    assert end.outcome == Outcome.FINISHED
    assert all(math.isfinite(v) for v in (*end.w, end.b, end.half_mse))
    assert all(math.isfinite(v) for v in (*end.closed_form.w, end.closed_form.b))


def test_batch_equal_to_n_takes_one_step_per_epoch() -> None:
    end = ends(TrainConfig(batch_size=1000, epochs=20, learning_rate=0.5, device="cpu"))
    assert end.outcome == Outcome.FINISHED
    assert end.step == 20
    assert end.w == pytest.approx(end.closed_form.w, abs=0.05)


def test_values_of_a_million_train_to_a_small_relative_error() -> None:
    config = TrainConfig(true_w=(1e6, -1e6), true_b=1e6, epochs=5, device="cpu")
    end = ends(config)
    assert end.outcome == Outcome.FINISHED
    for learned, true in zip((*end.w, end.b), (1e6, -1e6, 1e6), strict=True):
        assert abs(learned - true) / 1e6 < 1e-3


def test_fifty_weights_train_and_match_the_closed_form() -> None:
    true_w = tuple((-1) ** i * (i % 7) / 2 for i in range(50))
    end = ends(TrainConfig(true_w=true_w, epochs=10, device="cpu"))
    assert end.outcome == Outcome.FINISHED
    assert len(end.w) == 50
    assert end.w == pytest.approx(end.closed_form.w, abs=1e-3)


def test_a_rate_just_above_the_stable_bound_is_called_divergent_before_overflowing() -> None:
    probe = TrainConfig(batch_size=1000, epochs=1, device="cpu")
    bound = next(e for e in run.train(probe) if isinstance(e, RunStarted)).stable_lr
    assert bound is not None
    config = TrainConfig(
        batch_size=1000, learning_rate=bound * 1.02, epochs=100_000, order="fixed", device="cpu"
    )
    end = ends(config)
    assert end.outcome == Outcome.DIVERGED
    assert "grew from" in end.message, end.message  # a finite loss: caught before inf or nan
    assert "above the stable bound" in end.message


def test_a_config_too_big_for_memory_is_refused_before_allocating() -> None:
    """In a fresh process: the refusal comes at once and the process never grows. Its own
    high-water mark (VmHWM), not rusage's ru_maxrss: that counts the pages the child shared
    with this process between fork and exec, over 1 GB once the long mode had run a while."""
    code = (
        "import sys\n"
        "from tui_linreg.cli import main\n"
        "code = main(['train', '--num-examples', '900000000', '--true-w', ','.join(['1'] * 50)])\n"
        "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1]\n"
        "print(int(hwm) // 1024, code)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    peak_mb, exit_code = map(int, result.stdout.split())
    assert exit_code == 2
    assert "GB of memory" in result.stderr
    assert "use fewer examples" in result.stderr
    assert peak_mb < 1000, f"the process grew to {peak_mb} MB before refusing"
    TALLY["resource refusals"] += 1


def test_out_of_memory_on_a_device_is_a_message_not_a_crash(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def exhausted(*args: object, **kwargs: object) -> object:
        raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 40.00 GiB")

    monkeypatch.setattr(start, "make_problem", exhausted)
    with pytest.raises(ConfigError) as caught:
        start.prepare(TrainConfig(device="cpu"))
    assert "ran out of memory" in caught.value.mistakes[0].message
    code = main(["train", "--device", "cpu", "--no-history"])
    err = capsys.readouterr().err
    assert code == 2
    assert "ran out of memory" in err
    assert "Traceback" not in err
    TALLY["resource refusals"] += 1
