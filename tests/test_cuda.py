"""The CUDA path: data and parameters stay on the GPU, the loss is read back only at the
reporting rate, and a GPU run follows the CPU run. Skipped where PyTorch sees no CUDA GPU."""

from __future__ import annotations

import dataclasses
import subprocess
import sys

import pytest
import torch

from bench.syncs import read_backs, sync_warnings
from tests.ui.snapshot_app import log_text, make_app, run_and_wait, settle
from tui_linreg.config import ConfigError, TrainConfig
from tui_linreg.engine.data import shuffle_generator
from tui_linreg.engine.events import Progress, RunEnded
from tui_linreg.engine.implementation import create
from tui_linreg.engine.run import run_to_end, train
from tui_linreg.engine.start import prepare

pytestmark = pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA GPU here")

IMPLEMENTATIONS = ["scratch", "concise", "analytic"]


def config(**changes: object) -> TrainConfig:
    return dataclasses.replace(TrainConfig(device="cuda"), **changes)  # type: ignore[arg-type]


def test_the_sync_counter_sees_a_read_back() -> None:
    value = torch.ones(3, device="cuda").sum()
    assert sync_warnings(value.item)[0] >= 1


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
def test_data_batches_and_parameters_live_on_the_gpu(implementation: str) -> None:
    chosen = config(implementation=implementation, num_examples=1000)
    device, problem = prepare(chosen)
    assert device.type == "cuda"
    assert problem.features.is_cuda
    assert problem.labels.is_cuda
    model = create(chosen, problem, shuffle_generator(chosen))
    for X, y in list(model.batches())[:3]:
        assert X.is_cuda
        assert y.is_cuda
        model.train_step(X, y)
    assert all(p.is_cuda for p in model.parameters())


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
def test_the_loss_is_read_back_at_the_reporting_rate_not_per_step(implementation: str) -> None:
    chosen = config(implementation=implementation, num_examples=100_000, batch_size=10, epochs=1)
    prepared = prepare(chosen)
    run_to_end(chosen, prepared)  # warmed up: the count below is the steady state
    reads, events = read_backs(lambda: list(train(chosen, prepared=prepared)))
    end = events[-1]
    assert isinstance(end, RunEnded)
    assert end.step == 10_000
    reports = sum(isinstance(event, Progress) for event in events)
    # Each progress report is one read-back; besides those, the loss window is read at least
    # every 1024 steps (≤ 10 + 11 reads while it grows), and the run's start and end read a
    # handful of values. One read per step would be 10,000.
    assert reads <= reports + 60, f"{reads:.0f} read-backs for {reports} reports"


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
def test_a_gpu_run_follows_the_cpu_run(implementation: str) -> None:
    on_gpu = run_to_end(config(implementation=implementation, num_examples=2000, epochs=3))
    on_cpu = run_to_end(
        config(implementation=implementation, num_examples=2000, epochs=3, device="cpu")
    )
    assert on_gpu.device.startswith("cuda:0 (")
    assert on_gpu.w == pytest.approx(on_cpu.w, abs=1e-4)
    assert on_gpu.b == pytest.approx(on_cpu.b, abs=1e-4)
    gpu_losses = [epoch.loss for epoch in on_gpu.history]
    assert gpu_losses == pytest.approx([epoch.loss for epoch in on_cpu.history], rel=1e-3)


def test_running_out_of_gpu_memory_is_a_refusal_that_says_what_to_change() -> None:
    torch.cuda.empty_cache()
    torch.cuda.set_per_process_memory_fraction(0.0001)  # a real allocator failure, not a mock
    try:
        with pytest.raises(ConfigError) as refused:
            prepare(config(num_examples=10_000_000))
    finally:
        torch.cuda.set_per_process_memory_fraction(1.0)
    assert "ran out of memory for 10,000,000 examples" in str(refused.value)
    assert "--device cpu" in str(refused.value)


def test_train_on_cuda_from_the_command_line() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tui_linreg", "train", "--device", "cuda", "--impl", "analytic"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "cuda:0 (" in result.stdout
    assert "finished 3 epochs" in result.stdout


async def test_the_app_trains_on_the_gpu() -> None:
    app = make_app(device="cuda", implementation="concise")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await run_and_wait(pilot)
        assert app.session.ends, "the run did not end"
        assert app.session.ends[-1].device.startswith("cuda:0 (")
        assert "cuda:0 (" in log_text(app)
        assert app.session.ends[-1].w == pytest.approx((2.0, -3.4), abs=0.01)


def test_warm_up_creates_the_cuda_context_before_the_first_run() -> None:
    code = (
        "import torch\n"
        "from tui_linreg.engine.run import warm_up\n"
        "assert not torch.cuda.is_initialized()\n"
        "warm_up('auto')\n"
        "print(torch.cuda.is_initialized())\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"
