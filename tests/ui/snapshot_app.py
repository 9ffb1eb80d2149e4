"""The deterministic app every UI test and screenshot uses: fixed seed, CPU, no blinking."""

from __future__ import annotations

import dataclasses

from textual.pilot import Pilot

from tui_linreg.config import TrainConfig
from tui_linreg.ui.app import LinregApp

CONFIG = TrainConfig(device="cpu", seed=0)


def make_app(**changes: object) -> LinregApp:
    return LinregApp(dataclasses.replace(CONFIG, **changes), cursor_blink=False)  # type: ignore[arg-type]


async def settle(pilot: Pilot[None]) -> None:
    """Wait until PyTorch has loaded and the screen is laid out."""
    app = pilot.app
    assert isinstance(app, LinregApp)
    assert app.loading is not None
    await app.loading.wait()
    await pilot.pause()


async def run_and_wait(pilot: Pilot[None]) -> None:
    """Press the run key and wait for the worker through its handle."""
    app = pilot.app
    assert isinstance(app, LinregApp)
    await pilot.press("ctrl+r")
    assert app.training is not None, "the run key did not start a run"
    await app.training.wait()
    await pilot.pause()
    app.redraw_stale_plots()
    await pilot.pause()


async def type_into(pilot: Pilot[None], field: str, text: str) -> None:
    app = pilot.app
    assert isinstance(app, LinregApp)
    app.form.set_field(field, text)
    await pilot.pause()
