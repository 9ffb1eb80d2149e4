"""The deterministic app every UI test and screenshot uses: fixed seed, CPU, no blinking."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from textual.pilot import Pilot

from tui_linreg.config import TrainConfig
from tui_linreg.ui.app import LinregApp

CONFIG = TrainConfig(device="cpu", seed=0)


async def wait_until(
    condition: Callable[[], object], timeout: float = 20, what: Callable[[], object] = str
) -> None:
    """Poll ``condition`` until it holds; fail after ``timeout`` s, saying ``what()``."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out: {what()}"
        await asyncio.sleep(0.01)


def make_app(**changes: object) -> LinregApp:
    return LinregApp(dataclasses.replace(CONFIG, **changes), cursor_blink=False)  # type: ignore[arg-type]


async def settle(pilot: Pilot[None]) -> None:
    """Wait until PyTorch has loaded and the screen is laid out."""
    app = pilot.app
    assert isinstance(app, LinregApp)
    for _ in range(500):  # PyTorch starts loading once the first frame is painted
        if app.loading is not None:
            break
        await pilot.pause(0.01)
    assert app.loading is not None, "PyTorch never started loading"
    while app.loading.is_alive():
        await asyncio.sleep(0.01)
    await pilot.pause()


async def run_and_wait(pilot: Pilot[None]) -> None:
    """Press the run key and wait for the worker through its handle."""
    app = pilot.app
    assert isinstance(app, LinregApp)
    await pilot.press("ctrl+r")
    assert app.training is not None, "the run key did not start a run"
    await app.training.wait()
    await pilot.pause()
    app.main.refresh_views(force=True)
    await pilot.pause()


def log_text(app: LinregApp) -> str:
    """The log as one string, wrapped lines joined again."""
    return " ".join(" ".join(strip.text for strip in app.main.log_view.lines).split())


async def type_into(pilot: Pilot[None], field: str, text: str) -> None:
    app = pilot.app
    assert isinstance(app, LinregApp)
    app.main.form.set_field(field, text)
    await pilot.pause()


async def scratch_run(pilot: Pilot[None]) -> None:
    await settle(pilot)
    await run_and_wait(pilot)


async def scratch_then_concise(pilot: Pilot[None]) -> None:
    await scratch_run(pilot)
    await pilot.press("ctrl+t")
    await run_and_wait(pilot)


async def wait_for_sequence(pilot: Pilot[None], runs: int) -> None:
    app = pilot.app
    assert isinstance(app, LinregApp)
    for _ in range(1200):
        if len(app.ends) >= runs and app.running is None and app.training_ended.is_set():
            break
        await asyncio.sleep(0.05)
    assert len(app.ends) == runs, "the plan did not finish"
    await pilot.pause()
    app.main.refresh_views(force=True)
    await pilot.pause()


async def sweep_of_learning_rates(pilot: Pilot[None]) -> None:
    await settle(pilot)
    await type_into(pilot, "sweep", "lr=0.003,0.01,0.03,0.3")
    await pilot.press("ctrl+r")
    await wait_for_sequence(pilot, 4)


async def runs_screen(pilot: Pilot[None]) -> None:
    await sweep_of_learning_rates(pilot)
    await pilot.press("f2")
    await pilot.pause()
    await pilot.press("l", "space", "down", "space", "down", "space")
    await pilot.pause()


async def code_pane(pilot: Pilot[None]) -> None:
    await scratch_run(pilot)
    await pilot.press("f3")
    await pilot.pause()


async def trajectories(pilot: Pilot[None]) -> None:
    await settle(pilot)
    await pilot.press("f4")
    await run_and_wait(pilot)


async def presets(pilot: Pilot[None]) -> None:
    await settle(pilot)
    await pilot.press("f5")
    await pilot.pause()


SCREENSHOTS = {
    "initial": ({}, settle),
    "trained": ({}, scratch_run),
    "both-implementations": ({}, scratch_then_concise),
    "diverged": ({"learning_rate": 10.0, "epochs": 10}, scratch_run),
    "sweep": ({}, sweep_of_learning_rates),
    "runs": ({}, runs_screen),
    "code": ({}, code_pane),
    "trajectories": ({"learning_rate": 0.01, "epochs": 5}, trajectories),
    "presets": ({}, presets),
}
"""The README's screenshots: name → (config changes, what to do before the shot)."""


async def _shoot(name: str, directory: Path) -> None:
    # Each screenshot starts from an empty history of its own, never the user's.
    os.environ["XDG_DATA_HOME"] = tempfile.mkdtemp(prefix="tui-linreg-shot-")
    changes, before = SCREENSHOTS[name]
    app = make_app(**changes)
    async with app.run_test(size=(120, 40)) as pilot:
        await before(pilot)
        app.save_screenshot(f"{name}.svg", path=str(directory))


def main() -> None:
    """python -m tests.ui.snapshot_app: regenerate screenshots/*.svg."""
    directory = Path(__file__).resolve().parents[2] / "screenshots"
    directory.mkdir(exist_ok=True)
    for name in SCREENSHOTS:
        asyncio.run(_shoot(name, directory))
        print(directory / f"{name}.svg")


if __name__ == "__main__":
    main()
