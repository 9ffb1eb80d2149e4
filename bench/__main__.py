"""python -m bench [--quick] [--device cpu|cuda] [--out DIR]: the benchmark, as JSON and Markdown.

Every implementation runs interleaved with its reference loop (bench/reference_loops.py) in the
same process, round after round, so the ratios hold when the machine's speed drifts; medians
are quoted. Between the rounds it measures the floor, analytic's two fused ops alone on one
batch; then each lesson's step alone (its ceiling), the other losses and optimisers against
reference loops written as their own docs write them (bench/variants.py), and a fresh `train`
process's training time against its epochs'. It also measures the app: training throughput
inside the UI against the engine alone with each view open in turn, time to the first painted
frame, the first run's extra start cost, input latency while training, a replay key's redraw,
pace accuracy, reading a data file beside pandas (bench/datafile.py), and peak memory. --quick
proves all of it runs, in a minute, and asserts nothing.

--device cuda runs the training loops, their references, the app's run and the first run on
the GPU, counts the host synchronisations per run, and measures the GPU's peak memory instead
of the process's.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import functools
import json
import os
import platform
import pty
import select
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import torch

from bench import datafile, reference_loops
from bench.syncs import read_backs
from bench.variants import variants
from tui_linreg.config import TrainConfig
from tui_linreg.engine.control import RunControl
from tui_linreg.engine.events import RunEnded, RunStarted
from tui_linreg.engine.run import run_to_end, train
from tui_linreg.engine.start import prepare

PAIRS = [("scratch", "scratch"), ("concise", "concise"), ("analytic", "scratch")]
"""(implementation, the reference loop it is measured against)."""


DEVICE = "cpu"
"""Where the training runs: set once from --device."""


def _config(implementation: str, n: int, batch: int, epochs: int) -> TrainConfig:
    return TrainConfig(
        implementation=implementation,
        num_examples=n,
        batch_size=batch,
        epochs=epochs,
        device=DEVICE,
    )


def loops(sizes: list[tuple[int, int, int]], rounds: int) -> list[dict[str, Any]]:
    """Steps/s of each implementation and its reference loop, interleaved round by round."""
    results = []
    for n, batch, epochs in sizes:
        prepared = prepare(_config("scratch", n, batch, epochs))
        run_to_end(_config("scratch", min(n, 1000), batch, 1))  # device and autograd warmed up
        features, labels = prepared[1].features, prepared[1].labels
        steps = epochs * -(-n // batch)
        floors = [reference_loops.floor_rate(features, labels, batch, steps)]
        for implementation, reference in PAIRS:
            ours, theirs = [], []
            reference_epoch = getattr(reference_loops, f"{reference}_epoch")
            for round_ in range(rounds):
                # Alternate who goes first, so a drift in speed does not favour either.
                order = ("ours", "theirs") if round_ % 2 == 0 else ("theirs", "ours")
                for who in order:
                    if who == "ours":
                        end = run_to_end(_config(implementation, n, batch, epochs), prepared)
                        ours.append(end.steps_per_s)
                    else:
                        rates = [reference_epoch(features, labels, batch) for _ in range(epochs)]
                        theirs.append(statistics.fmean(rates))
                floors.append(reference_loops.floor_rate(features, labels, batch, steps))
            ratios = [o / t for o, t in zip(ours, theirs, strict=True)]
            results.append(
                {
                    "n": n,
                    "batch": batch,
                    "implementation": implementation,
                    "reference": reference,
                    "steps_per_s": statistics.median(ours),
                    "reference_steps_per_s": statistics.median(theirs),
                    "ratio": statistics.median(ratios),
                    "ratios": ratios,
                    "seconds_per_epoch": n / batch / statistics.median(ours),
                    "rounds": rounds,
                    # The floor, measured between every round of every implementation.
                    "floor_steps_per_s": statistics.median(floors),
                    "of_floor": statistics.median(ours) / statistics.median(floors),
                }
            )
            print(
                f"  n={n:,} bs={batch} {implementation:>8}: {results[-1]['ratio']:.2f}× {reference}",
                file=sys.stderr,
            )
    return results


def fresh_train(n: int, epochs: int, repeats: int) -> list[dict[str, Any]]:
    """A fresh ``tui-linreg train`` process's training time against its epochs' median time
    × its epochs: a garbage collection of the start-up heap in the middle of the run (about
    80 ms; the heap is frozen after start-up to avoid it) would show as a slower epoch."""
    results = []
    for implementation in ("analytic", "scratch"):
        ratios, worst = [], []
        for _ in range(repeats):
            command = [sys.executable, "-m", "tui_linreg", "train", "--json", "--no-history"]
            command += [f"--impl={implementation}", f"--num-examples={n}", f"--epochs={epochs}"]
            out = subprocess.run(
                [*command, f"--device={DEVICE}"], capture_output=True, text=True, check=True
            )
            run = json.loads(out.stdout)["runs"][0]
            seconds = [epoch["epoch_s"] for epoch in run["history"]]
            median = statistics.median(seconds)
            ratios.append(run["timing"]["train_s"] / (median * len(seconds)))
            worst.append(max(seconds) / median)
        results.append(
            {
                "implementation": implementation,
                "n": n,
                "epochs": epochs,
                "ratio": statistics.median(ratios),
                "ratios": ratios,
                "slowest_epoch_over_median": max(worst),
            }
        )
    return results


def trace_cost(n: int, batch: int, rounds: int) -> list[dict[str, Any]]:
    """A traced run (``train --trace``: every step watched, and written as a JSON line)
    against the same run untraced, interleaved round by round."""
    from tui_linreg.engine.events import StepTaken, json_ready

    results = []
    for implementation in ("scratch", "concise", "analytic"):
        config = _config(implementation, n, batch, 1)
        prepared = prepare(config)
        ratios, traced_rates = [], []
        for _ in range(rounds):
            plain = run_to_end(config, prepared).steps_per_s
            started = time.perf_counter()
            steps = 0
            with tempfile.TemporaryFile("w") as out:
                for event in train(config, prepared=prepared, trace=True):
                    if isinstance(event, StepTaken):
                        out.write(json.dumps(json_ready(event.detail.to_trace())) + "\n")
                        steps += 1
            traced = steps / (time.perf_counter() - started)
            ratios.append(traced / plain)
            traced_rates.append(traced)
        results.append(
            {
                "implementation": implementation,
                "n": n,
                "batch": batch,
                "traced_steps_per_s": statistics.median(traced_rates),
                "ratio": statistics.median(ratios),
            }
        )
    return results


def path_cost(n: int, batch: int, rounds: int) -> list[dict[str, Any]]:
    """A run recording θ after every step (the app's, for the landscape and replay) against
    the same run without, interleaved round by round."""
    results = []
    for implementation in ("scratch", "concise", "analytic"):
        config = _config(implementation, n, batch, 1)
        prepared = prepare(config)
        ratios, rates = [], []
        for _ in range(rounds):
            plain = run_to_end(config, prepared).steps_per_s
            *_, end = train(config, prepared=prepared, record_path=True)
            assert isinstance(end, RunEnded)
            ratios.append(end.steps_per_s / plain)
            rates.append(end.steps_per_s)
        results.append(
            {
                "implementation": implementation,
                "n": n,
                "batch": batch,
                "recorded_steps_per_s": statistics.median(rates),
                "ratio": statistics.median(ratios),
            }
        )
    return results


def ceilings(n: int, batch: int, epochs: int, rounds: int) -> list[dict[str, Any]]:
    """How fast each lesson's step alone goes, batches handed over for free, against the
    reference loop: the most any implementation keeping that step could gain."""
    prepared = prepare(_config("scratch", n, batch, epochs))
    features, labels = prepared[1].features, prepared[1].labels
    results = []
    for reference in ("scratch", "concise"):
        reference_epoch = getattr(reference_loops, f"{reference}_epoch")
        ratios = []
        for _ in range(rounds):
            for _ in range(epochs):
                theirs = reference_epoch(features, labels, batch)
                ceiling = reference_loops.step_only_epoch(reference, features, labels, batch)
                ratios.append(ceiling / theirs)
        results.append(
            {"n": n, "batch": batch, "reference": reference, "ratio": statistics.median(ratios)}
        )
    return results


VIEW_KEYS = {"plots": (), "landscape": ("f9",), "inspector": ("f8",), "trajectories": ("f4",)}
"""The keys that open each view the app can train under."""


def ui_throughput(n: int, rounds: int, view: str = "plots") -> dict[str, Any]:
    """Training inside the app (headless, plots live) against the engine alone, interleaved;
    and the share of the run's time the UI thread was busy (its CPU time over the wall
    time), which is what training loses to it, and is much steadier than a speed on a
    machine whose speed drifts."""
    # Textual loads for the UI rounds only: the engine-only rounds run without it.
    from tests.ui.snapshot_app import make_app, run_and_wait, settle

    async def in_app(config: TrainConfig) -> tuple[float, float]:
        app = make_app(**{f.name: getattr(config, f.name) for f in dataclasses.fields(config)})
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await pilot.press(*VIEW_KEYS[view])
            await pilot.pause()
            cpu, wall = time.thread_time(), time.perf_counter()
            await run_and_wait(pilot)
            busy = (time.thread_time() - cpu) / (time.perf_counter() - wall)
            assert app.session.ends, "the run did not end"
            return app.session.ends[-1].steps_per_s, busy

    config = _config("scratch", n, 10, 1)
    prepared = prepare(config)
    app_rates, engine_rates, busy = [], [], []
    for round_ in range(rounds):
        order = ("app", "engine") if round_ % 2 == 0 else ("engine", "app")
        for who in order:
            if who == "app":
                rate, share = asyncio.run(in_app(config))
                app_rates.append(rate)
                busy.append(share)
            else:
                engine_rates.append(run_to_end(config, prepared).steps_per_s)
    ratios = [a / e for a, e in zip(app_rates, engine_rates, strict=True)]
    return {
        "n": n,
        "view": view,
        "app_steps_per_s": statistics.median(app_rates),
        "engine_steps_per_s": statistics.median(engine_rates),
        "ratio": statistics.median(ratios),
        "ratios": ratios,
        "ui_thread_busy": statistics.median(busy),
    }


def input_latency(presses: int, n: int = 1_000_000) -> dict[str, Any]:
    """Milliseconds from a key press to its action, while training runs in the worker."""
    from tests.ui.snapshot_app import make_app, settle  # Textual: as in ui_throughput
    from tui_linreg.ui.app import LinregApp
    from tui_linreg.ui.screens.main import MainScreen

    handled: list[float] = []

    class TimedScreen(MainScreen):
        def action_log_scale(self) -> None:
            handled.append(time.perf_counter())
            super().action_log_scale()

    class Timed(LinregApp):
        MAIN_SCREEN = TimedScreen

    async def measure() -> list[float]:
        app = Timed(make_app(num_examples=n, epochs=50).initial, cursor_blink=False)
        latencies: list[float] = []
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await pilot.press("ctrl+r")
            await asyncio.sleep(1.0)  # training is under way
            for _ in range(presses):
                pressed = time.perf_counter()
                await pilot.press("ctrl+l")
                while len(handled) <= len(latencies):
                    await asyncio.sleep(0.001)
                latencies.append((handled[-1] - pressed) * 1000)
                await asyncio.sleep(0.05)
            await pilot.press("ctrl+g")
        return latencies

    latencies = asyncio.run(measure())
    return {"median_ms": statistics.median(latencies), "max_ms": max(latencies), "presses": presses}


def replay_redraw(n: int, presses: int) -> dict[str, Any]:
    """Milliseconds from a replay key's action to the next frame painted (every pane on it:
    the map's ●, the loss plot's line, the table, the status), after a run of n / 10 steps,
    all recorded; the map shown and focused, the inspector hidden."""
    from tests.ui.snapshot_app import make_app, run_and_wait, settle  # Textual: as above
    from tui_linreg.ui.app import LinregApp
    from tui_linreg.ui.screens.main import MainScreen

    keyed: list[float] = []
    painted: list[float] = []

    class TimedScreen(MainScreen):
        def action_replay(self, move: str) -> None:
            keyed.append(time.perf_counter())
            super().action_replay(move)

    class Timed(LinregApp):
        MAIN_SCREEN = TimedScreen

        def _display(self, screen: Any, renderable: Any) -> None:
            # The frame is composed (every changed widget rendered) before it gets here.
            super()._display(screen, renderable)
            if renderable is not None and len(painted) < len(keyed):
                painted.append(time.perf_counter())

    async def measure() -> tuple[list[float], int]:
        config = make_app(implementation="analytic", num_examples=n, epochs=1).initial
        app = Timed(config, cursor_blink=False)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await pilot.press("f9")  # the map, with the focus: replay keys work there
            await run_and_wait(pilot)
            steps = app.session.ends[-1].step
            keys = ["left", "left", "shift+left", "home", "end", "right"]
            for index in range(presses):
                await pilot.press(keys[index % len(keys)])
                while len(painted) < len(keyed):
                    await asyncio.sleep(0.001)
                await asyncio.sleep(0.05)
        return [(p - k) * 1000 for k, p in zip(keyed, painted, strict=True)], steps

    latencies, steps = asyncio.run(measure())
    return {
        "steps": steps,
        "median_ms": statistics.median(latencies),
        "max_ms": max(latencies),
        "presses": presses,
    }


APP = [sys.executable, "-m", "tui_linreg", "--history", os.devnull]
EMPTY_APP = [sys.executable, "-m", "bench.empty_app"]


def pace_accuracy(paces: list[float], seconds: float) -> list[dict[str, Any]]:
    """The rate a paced run achieves against the pace asked for: steps over the wall time
    from the run's first event to its last, in a run of about ``seconds`` at that pace."""
    results = []
    for pace in paces:
        steps = max(3, round(pace * seconds))
        config = dataclasses.replace(_config("scratch", steps * 10, 10, 1), pace=pace)
        started = ended = 0.0
        for event in train(config, RunControl(pace=pace)):
            if isinstance(event, RunStarted):
                started = time.perf_counter()
            elif isinstance(event, RunEnded):
                ended = time.perf_counter()
        achieved = steps / (ended - started)
        results.append(
            {"pace": pace, "steps": steps, "achieved": achieved, "ratio": achieved / pace}
        )
    return results


def first_paint(repeats: int) -> dict[str, Any]:
    """Seconds from process start to the first frame, and to 'ready' (PyTorch loaded); and,
    interleaved with it, the first frame of an empty Textual app: the floor."""
    paints, readies, floors = [], [], []
    for _ in range(repeats):
        painted, ready = _paint(APP)
        paints.append(painted)
        readies.append(ready)
        floors.append(_paint(EMPTY_APP)[0])
    return {
        "first_paint_s": statistics.median(paints),
        "torch_ready_s": statistics.median(readies),
        "empty_textual_app_s": statistics.median(floors),
    }


def _paint(command: list[str]) -> tuple[float, float]:
    """(seconds to the first frame, seconds to 'ready') for one fresh process in a pty."""
    leader, follower = pty.openpty()
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "120", "LINES": "40"}
    started = time.perf_counter()
    process = subprocess.Popen(
        command,
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env=env,
        close_fds=True,
    )
    os.close(follower)
    seen, painted, ready_at = b"", None, None
    deadline = started + 60
    while time.perf_counter() < deadline:
        ready, _, _ = select.select([leader], [], [], 0.01)
        if ready:
            seen += os.read(leader, 65536)
        if painted is None and b"settings" in seen:  # the form's title
            painted = time.perf_counter() - started
        if b"ready" in seen:
            ready_at = time.perf_counter() - started
            break
    os.write(leader, b"\x11")  # ctrl+q
    process.wait(10)
    os.close(leader)
    assert painted is not None, "no frame was painted"
    assert ready_at is not None, "never ready"
    return painted, ready_at


def first_run_cost() -> dict[str, Any]:
    """In a fresh process: how much longer the first run takes than the second (concise)."""
    code = (
        "import time\n"
        "from tui_linreg.config import TrainConfig\n"
        "from tui_linreg.engine.run import run_to_end\n"
        f"c = TrainConfig(implementation='concise', device={DEVICE!r}, epochs=1)\n"
        "times = []\n"
        "for _ in range(2):\n"
        "    t = time.perf_counter(); run_to_end(c); times.append(time.perf_counter() - t)\n"
        "print(times[0] - times[1])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return {"first_run_extra_s": float(out.stdout.strip())}


def peak_memory(n: int, batch: int, implementations: list[str]) -> list[dict[str, Any]]:
    """Peak RSS of a whole `tui-linreg train` run, against the data set's own size."""
    baseline = _peak_rss("import torch, tui_linreg.engine.run")
    results = []
    for implementation in implementations:
        argv = [
            "train",
            "--impl",
            implementation,
            f"--num-examples={n}",
            f"--batch-size={batch}",
            "--epochs=1",
            f"--device={DEVICE}",
            "--no-history",
        ]
        rss = _peak_rss(f"from tui_linreg.cli import main; main({argv!r})")
        dataset = n * 3 * 4  # float32 X (n × 2) and y (n × 1)
        results.append(
            {
                "implementation": implementation,
                "n": n,
                "peak_rss_mb": rss / 2**20,
                "baseline_rss_mb": baseline / 2**20,
                "dataset_mb": dataset / 2**20,
                "over_baseline_per_dataset": (rss - baseline) / dataset,
            }
        )
    return results


def gpu_memory(n: int, batch: int, implementations: list[str]) -> list[dict[str, Any]]:
    """Peak GPU memory (PyTorch's allocations) of a whole run, against the data set's size."""
    results = []
    for implementation in implementations:
        code = (
            "import sys, torch\n"
            "from tui_linreg.config import TrainConfig\n"
            "from tui_linreg.engine.run import run_to_end\n"
            f"c = TrainConfig(implementation={implementation!r}, num_examples={n}, "
            f"batch_size={batch}, epochs=1, device={DEVICE!r})\n"
            "run_to_end(c)\n"
            "print('peak', torch.cuda.max_memory_allocated(), file=sys.stderr)\n"
        )
        peak, dataset = _probe(code, "peak"), n * 3 * 4
        results.append(
            {
                "implementation": implementation,
                "n": n,
                "peak_gpu_mb": peak / 2**20,
                "dataset_mb": dataset / 2**20,
                "peak_per_dataset": peak / dataset,
            }
        )
    return results


def host_syncs(n: int, batch: int) -> list[dict[str, Any]]:
    """How often a GPU run makes the host wait for the device, per 1000 steps: read-backs
    over the whole run, set-up and final read-out included (see bench/syncs.py)."""
    prepared = prepare(_config("scratch", n, batch, 1))
    results = []
    for implementation, _ in PAIRS:
        config = _config(implementation, n, batch, 1)
        syncs, end = read_backs(functools.partial(run_to_end, config, prepared))
        results.append(
            {
                "implementation": implementation,
                "n": n,
                "batch": batch,
                "steps": end.step,
                "syncs": syncs,
                "syncs_per_1000_steps": 1000 * syncs / end.step,
            }
        )
    return results


def _peak_rss(code: str) -> int:
    """Bytes at the high-water mark of a fresh process running ``code``.

    Read from the process's own /proc/self/status (VmHWM): rusage's ru_maxrss would count the
    pages a child shares with this (large) process between fork and exec.
    """
    probe = (
        f"{code}\nimport sys\n"
        "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1]\n"
        "print('VmHWM', hwm, file=sys.stderr)\n"
    )
    return _probe(probe, "VmHWM") * 1024


def _probe(code: str, tag: str) -> int:
    """Run ``code`` in a fresh process; the number it printed to stderr after ``tag``."""
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=900
    )
    line = [row for row in result.stderr.splitlines() if row.startswith(tag)]
    if not line:
        raise RuntimeError(f"{tag} probe failed: {result.stderr[-500:]}")
    return int(line[-1].split()[1])


def markdown(report: dict[str, Any]) -> str:
    lines = [
        f"Measured {report['date']} on {report['machine']} (torch {report['torch']}, "
        f"{report['threads']} threads), training on {report['device']}"
        f"{' — quick mode, not for quoting' if report['quick'] else ''}.",
        "",
        "| n / batch | implementation | steps/s | reference loop | × reference | rounds' range | s/epoch | × the floor |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in report["loops"]:
        lines.append(
            f"| {row['n']:,} / {row['batch']} | {row['implementation']} | {row['steps_per_s']:,.0f} | "
            f"{row['reference']} {row['reference_steps_per_s']:,.0f} | **{row['ratio']:.2f}×** | "
            f"{min(row['ratios']):.2f}–{max(row['ratios']):.2f} | {row['seconds_per_epoch']:.3g} | "
            f"{row['of_floor']:.2f} of {row['floor_steps_per_s']:,.0f} |"
        )
    lines += [
        "",
        "| the lesson's step alone, no data loading at all | × its reference loop | the implementation's share of it |",
        "|---|---|---|",
    ]
    smallest = report["loops"][0]
    for row in report["ceilings"]:
        ours = next(
            r["ratio"]
            for r in report["loops"]
            if (r["implementation"], r["n"], r["batch"])
            == (row["reference"], row["n"], row["batch"])
        )
        lines.append(
            f"| {row['reference']} step, n={row['n']:,} / {row['batch']} | {row['ratio']:.2f}× | "
            f"**{ours / row['ratio']:.2f}** ({ours:.2f}× / {row['ratio']:.2f}×) |"
        )
    analytic = next(
        r for r in report["loops"] if r["implementation"] == "analytic" and r["n"] == smallest["n"]
    )
    lines.append(
        f"| analytic's two fused ops alone on one batch (the floor), n={smallest['n']:,} / "
        f"{smallest['batch']} | {analytic['floor_steps_per_s']:,.0f} steps/s | "
        f"**{analytic['of_floor']:.2f}** |"
    )
    lines += [
        "",
        "| another loss or optimiser, n=1,000 / 10 | implementation | steps/s | its reference loop | × reference | rounds' range |",
        "|---|---|---|---|---|---|",
    ]
    for row in report["variants"]:
        lines.append(
            f"| {row['variant']} | {row['implementation']} | {row['steps_per_s']:,.0f} | "
            f"{row['reference']} {row['reference_steps_per_s']:,.0f} | **{row['ratio']:.2f}×** | "
            f"{min(row['ratios']):.2f}–{max(row['ratios']):.2f} |"
        )
    lines += [
        "",
        "| a fresh `tui-linreg train` process | its training time / (median epoch × epochs) | rounds | slowest epoch / median |",
        "|---|---|---|---|",
    ]
    for row in report["fresh_train"]:
        lines.append(
            f"| {row['implementation']}, n={row['n']:,}, {row['epochs']} epochs | **{row['ratio']:.2f}×** | "
            f"{min(row['ratios']):.2f}–{max(row['ratios']):.2f} | {row['slowest_epoch_over_median']:.2f} |"
        )
    paint, first = report["first_paint"], report["first_run"]
    latency, replay = report["input_latency"], report["replay"]
    lines += ["", "| app measure | figure |", "|---|---|"]
    for ui in report["ui"]:
        seconds = ui["n"] / 10 / ui["engine_steps_per_s"]
        lines += [
            f"| training inside the UI, {ui.get('view', 'plots')} shown (n={ui['n']:,}, bs 10: a {seconds:.1f} s run) | {ui['app_steps_per_s']:,.0f} steps/s = **{ui['ratio']:.2f}×** the engine alone ({ui['engine_steps_per_s']:,.0f}); rounds {min(ui['ratios']):.2f}–{max(ui['ratios']):.2f}× |",
            f"| the UI thread's CPU time during that run, as a share of its time | {ui['ui_thread_busy']:.0%} |",
        ]
    lines += [
        f"| process start → first painted frame | **{paint['first_paint_s']:.2f} s** = {paint['first_paint_s'] / paint['empty_textual_app_s']:.2f}× the floor |",
        f"| the same for an empty Textual app (one line of text): the floor | {paint['empty_textual_app_s']:.2f} s |",
        f'| process start → PyTorch loaded ("ready") | {paint["torch_ready_s"]:.2f} s |',
        f"| first run's extra start cost (fresh process, concise) | {first['first_run_extra_s']:.2f} s |",
        f"| key press → action while training (median / max of {latency['presses']}) | **{latency['median_ms']:.0f} ms** / {latency['max_ms']:.0f} ms |",
        f"| replay key → every pane painted, after a run of {replay['steps']:,} steps (median / max of {replay['presses']}) | **{replay['median_ms']:.0f} ms** / {replay['max_ms']:.0f} ms |",
    ]
    if "datafile" in report:
        data = report["datafile"]
        mb = data["rows"] * data["cols"] * 4 / 1e6
        lines += [
            "",
            f"| reading a CSV of {data['rows']:,} rows × {data['cols']} columns ({data['file_mb']} MB) | seconds (median of {data['rounds']}) | range | peak memory over the process's own | / the float32 data ({mb:.1f} MB) |",
            "|---|---|---|---|---|",
        ]
        names = {"ours": "tui_linreg.datafile.read_table", "pandas": "pandas.read_csv (C engine)"}
        for reader, name in names.items():
            if reader in data:
                row = data[reader]
                lines.append(
                    f"| {name} | **{row['seconds']:.3f}** | {row['seconds_range'][0]:.3f}–{row['seconds_range'][1]:.3f} | "
                    f"{row['peak_mb']:.0f} MB | {row['peak_mb'] / mb:.2f}× |"
                )
    lines += [
        "",
        "| asked pace (steps/s) | steps | achieved | achieved / asked |",
        "|---|---|---|---|",
    ]
    for row in report["pace"]:
        lines.append(
            f"| {row['pace']:g} | {row['steps']:,} | {row['achieved']:,.1f} | **{row['ratio']:.3f}** |"
        )
    lines += [
        "",
        "| train --trace (every step watched and written) | traced steps/s | traced / untraced |",
        "|---|---|---|",
    ]
    for row in report["trace"]:
        lines.append(
            f"| {row['implementation']}, n={row['n']:,} / {row['batch']} | "
            f"{row['traced_steps_per_s']:,.0f} | **{row['ratio']:.2f}×** |"
        )
    lines += [
        "",
        "| θ recorded after every step (the app's path) | steps/s | recorded / not |",
        "|---|---|---|",
    ]
    for row in report["path"]:
        lines.append(
            f"| {row['implementation']}, n={row['n']:,} / {row['batch']} | "
            f"{row['recorded_steps_per_s']:,.0f} | **{row['ratio']:.2f}×** |"
        )
    if "syncs" in report:
        lines += ["", "| host synchronisations, one epoch | steps | syncs | per 1000 steps |"]
        lines.append("|---|---|---|---|")
        for row in report["syncs"]:
            lines.append(
                f"| {row['implementation']}, n={row['n']:,} / {row['batch']} | {row['steps']:,} | "
                f"{row['syncs']:.0f} | {row['syncs_per_1000_steps']:.1f} |"
            )
    if "gpu_memory" in report:
        lines += [
            "",
            "| peak GPU memory, one epoch | peak allocated | data set | peak / data set |",
        ]
        lines.append("|---|---|---|---|")
        for row in report["gpu_memory"]:
            lines.append(
                f"| {row['implementation']}, n={row['n']:,} | {row['peak_gpu_mb']:.0f} MB | "
                f"{row['dataset_mb']:.0f} MB | {row['peak_per_dataset']:.2f}× |"
            )
    if report["memory"]:
        lines += [
            "",
            "| peak memory, whole process | peak RSS | torch baseline | data set | (peak − baseline) / data set |",
            "|---|---|---|---|---|",
        ]
    for row in report["memory"]:
        lines.append(
            f"| {row['implementation']}, n={row['n']:,} | {row['peak_rss_mb']:.0f} MB | {row['baseline_rss_mb']:.0f} MB | "
            f"{row['dataset_mb']:.0f} MB | {row['over_baseline_per_dataset']:.2f}× |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="tiny sizes, one round: proves it runs"
    )
    parser.add_argument(
        "--device",
        choices=["cpu", "cuda"],
        default="cpu",
        help="where the training loops run (default cpu)",
    )
    parser.add_argument(
        "--out", default="bench/results", help="where to write bench.json and bench.md"
    )
    args = parser.parse_args()
    global DEVICE
    DEVICE = args.device
    if DEVICE == "cuda" and not torch.cuda.is_available():
        parser.error(f"--device cuda: this PyTorch ({torch.__version__}) sees no CUDA GPU")
    # The runs the benchmark makes are not the user's: they go to a history of their own.
    os.environ["XDG_DATA_HOME"] = tempfile.mkdtemp(prefix="tui-linreg-bench-")
    if args.quick:
        sizes, rounds, ui_sizes, memory_n = [(1000, 10, 2), (5000, 100, 1)], 1, [5_000], 100_000
    else:
        sizes = [(1000, 10, 20), (100_000, 10, 1), (1_000_000, 1000, 1)]
        rounds, ui_sizes, memory_n = 5, [100_000, 500_000], 1_000_000
    print("training loops…", file=sys.stderr)
    report: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "device": DEVICE if DEVICE == "cpu" else torch.cuda.get_device_name(),
        "quick": args.quick,
        "loops": loops(sizes, rounds),
    }
    report["ceilings"] = ceilings(*sizes[0], rounds)
    print("the other losses and optimisers…", file=sys.stderr)
    report["variants"] = variants(1000, 10, 2 if args.quick else 10, 1 if args.quick else 3, DEVICE)
    print("fresh train processes…", file=sys.stderr)
    report["fresh_train"] = fresh_train(20_000, 10, 1 if args.quick else 3)
    print("the app…", file=sys.stderr)
    # A short run (the app's fixed cost per run shows: new data drawn, log lines laid out) and
    # a longer one (the cost of the live plots and status while training goes on), with each
    # view open in turn.
    report["ui"] = [
        ui_throughput(n, 1 if args.quick else 3, view) for view in VIEW_KEYS for n in ui_sizes
    ]
    report["input_latency"] = (
        input_latency(3, 100_000) if args.quick else input_latency(20, 1_000_000)
    )
    report["replay"] = replay_redraw(5_000 if args.quick else 1_000_000, 6 if args.quick else 30)
    report["first_paint"] = first_paint(1 if args.quick else 5)
    report["first_run"] = first_run_cost()
    print("pace…", file=sys.stderr)
    report["pace"] = pace_accuracy([1000.0, 100.0, 10.0, 1.0], 0.5 if args.quick else 3.0)
    print("trace…", file=sys.stderr)
    report["trace"] = trace_cost(2000 if args.quick else 20_000, 10, 1 if args.quick else 5)
    report["path"] = path_cost(2000 if args.quick else 20_000, 10, 1 if args.quick else 5)
    if DEVICE == "cpu":
        print("reading a data file…", file=sys.stderr)
        rows = 20_000 if args.quick else 1_000_000
        report["datafile"] = datafile.compare(rows, 10, 1 if args.quick else 5)
    print("memory…", file=sys.stderr)
    everyone = ["scratch", "concise", "analytic"]
    if DEVICE == "cuda":
        report["syncs"] = host_syncs(*sizes[1][:2])
        report["memory"] = []
        report["gpu_memory"] = gpu_memory(memory_n, 1000, everyone)
        if not args.quick:
            report["gpu_memory"] += gpu_memory(10_000_000, 1000, everyone)
    else:
        report["memory"] = peak_memory(memory_n, 1000, everyone)
        if not args.quick:
            report["memory"] += peak_memory(10_000_000, 1000, everyone)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "bench.json").write_text(json.dumps(report, indent=2) + "\n")
    (out / "bench.md").write_text(markdown(report))
    print(markdown(report))
    print(f"wrote {out / 'bench.json'} and {out / 'bench.md'}", file=sys.stderr)


if __name__ == "__main__":
    main()
