"""Start a run, stop it, again and again: no thread left behind, memory flat, and the history
holds exactly the runs that ended, each marked finished or cancelled."""

from __future__ import annotations

import threading
from collections import Counter

from tests.hardening.conftest import TALLY, scaled
from tests.ui.snapshot_app import make_app, press_now, settle, wait_for_training, wait_until
from tui_linreg.config import TrainConfig

LONG_RUN = TrainConfig(num_examples=5_000, epochs=5_000, device="cpu")
"""Two and a half million steps: it is always stopped long before it could finish."""
SHORT_RUN = TrainConfig(num_examples=200, epochs=1, device="cpu")
FINISH_EVERY = 10
"""Every tenth cycle lets a short run finish instead."""


def resident_mb() -> float:
    with open("/proc/self/status") as status:
        line = next(row for row in status if row.startswith("VmRSS"))
    return int(line.split()[1]) / 1024


async def test_start_and_cancel_cycles_leave_nothing_behind() -> None:
    cycles = scaled(20, 200)
    app = make_app()
    expected: Counter[str] = Counter()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        threads_before = 0  # counted after the first cycle, once a worker thread exists
        memory_after_warmup = 0.0
        for cycle in range(1, cycles + 1):
            finish = cycle % FINISH_EVERY == 0
            app.main.form.fill(SHORT_RUN if finish else LONG_RUN)
            await pilot.pause()
            previous = app.session.ends[-1] if app.session.ends else None

            def ended(previous: object = previous) -> bool:
                return (
                    app.session.running is None
                    and bool(app.session.ends)
                    and app.session.ends[-1] is not previous
                )

            # press_now: pilot.press waits for an idle app, which a training one never is
            await press_now(pilot, "ctrl+r")
            if not finish:
                await wait_until(lambda: "/5000" in app.main.status.text, timeout=30)
                await press_now(pilot, "ctrl+g")
            await wait_until(
                ended, timeout=30, what=lambda: (app.main.status.text, app.session.running)
            )
            expected["finished" if finish else "cancelled"] += 1
            await wait_for_training(app)  # the worker's thread has returned
            TALLY["start/cancel cycles"] += 1
            if cycle == 1:
                threads_before = threading.active_count()
            if cycle == 10:
                memory_after_warmup = resident_mb()
        await pilot.pause()
        assert threading.active_count() <= threads_before, [t.name for t in threading.enumerate()]
        growth = resident_mb() - memory_after_warmup
        history = app.history.load()
    assert growth < 40, f"memory grew {growth:.0f} MB over {cycles - 10} cycles"
    outcomes = Counter(record.outcome for record in history.records)
    assert outcomes == expected, (outcomes, expected)
    assert not history.skipped
