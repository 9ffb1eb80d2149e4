"""The deterministic app every UI test and screenshot uses: fixed seed, CPU, no blinking."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import random
import re
import tempfile
import time
import unicodedata
from collections.abc import Awaitable, Callable
from pathlib import Path

from textual import events
from textual.drivers.headless_driver import HeadlessDriver
from textual.errors import NoWidget
from textual.geometry import Region, Size
from textual.keys import REPLACED_KEYS, _character_to_key, _get_unicode_name_from_key
from textual.message import Message
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Static

from tests.ui.tapes import TAPES, TapePlayer
from tui_linreg.config import TrainConfig
from tui_linreg.engine.events import EpochEnded, Event, Progress, RunEnded, RunStarted
from tui_linreg.presets import PRESETS
from tui_linreg.settings import Section
from tui_linreg.sweep import parse_sweep
from tui_linreg.teach.lessons import LESSONS
from tui_linreg.trainer import Trainer
from tui_linreg.ui.app import LinregApp
from tui_linreg.ui.messages import RunEvent
from tui_linreg.ui.widgets.settings_form import SectionTitle

CONFIG = TrainConfig(device="cpu", seed=0)


Scenario = Callable[[Pilot[None]], Awaitable[None]]


async def wait_until(
    condition: Callable[[], object], timeout: float = 20, what: Callable[[], object] = str
) -> None:
    """Poll ``condition`` until it holds; fail after ``timeout`` s, saying ``what()``."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out: {what()}"
        await asyncio.sleep(0.01)


WORKER_TIMEOUT_S = 60
"""The longest a test waits for a training worker: a crashed or stuck one fails the test."""


async def wait_for_training(app: LinregApp, timeout: float = WORKER_TIMEOUT_S) -> None:
    """Wait for the current training worker through its handle, for at most ``timeout`` s."""
    worker = app.main.training
    assert worker is not None, "no run was started"
    try:
        await asyncio.wait_for(worker.wait(), timeout)
    except TimeoutError:
        raise AssertionError(f"the training worker was still running after {timeout} s") from None


def key_event(app: LinregApp, key: str) -> events.Key:
    """The event ``pilot.press(key)`` sends (App._press_keys builds it this way)."""
    if len(key) == 1 and not key.isalnum():
        key = _character_to_key(key)
    try:
        character: str | None = unicodedata.lookup(
            _get_unicode_name_from_key(REPLACED_KEYS.get(key, key))
        )
    except KeyError:
        character = key if len(key) == 1 else None
    event = events.Key(key, character)
    event.set_sender(app)
    return event


async def press_now(pilot: Pilot[None], *keys: str) -> None:
    """Press ``keys`` as ``pilot.press`` does, without its wait for the process to go idle.

    While a run trains, the process is never idle, and ``pilot.press`` takes about 2 s a key
    (it waits twice for up to a second): a short run is over before the next key lands. This
    posts each key and waits until the screen has handled what was pending, so a key lands
    while the run is still going.
    """
    app = pilot.app
    assert isinstance(app, LinregApp)
    for key in keys:
        app.post_message(key_event(app, key))
        await pilot.pause(0)
        await pilot.pause(0)  # a key forwarded to the focused widget is handled in a second round


async def resize_now(pilot: Pilot[None], width: int, height: int) -> None:
    """``pilot.resize_terminal`` without its wait for idle (see :func:`press_now`)."""
    app = pilot.app
    size = Size(width, height)
    if isinstance(app._driver, HeadlessDriver):
        app._driver._size = size
    app.post_message(events.Resize(size, size))
    await pilot.pause(0)


class RunEvents:
    """What the app's training worker reported, as the UI received it: pass ``hook`` as
    ``run_test(message_hook=...)``."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    def hook(self, message: Message) -> None:
        if isinstance(message, RunEvent):
            self.events.append(message.event)

    def of(self, kind: type[Event]) -> list[Event]:
        return [event for event in self.events if isinstance(event, kind)]

    @property
    def progress(self) -> int:
        """Progress reports handled so far."""
        return len(self.of(Progress))

    @property
    def epochs(self) -> int:
        """Epochs ended so far."""
        return len(self.of(EpochEnded))

    @property
    def started(self) -> list[RunStarted]:
        return [event for event in self.events if isinstance(event, RunStarted)]

    @property
    def ended(self) -> list[RunEnded]:
        return [event for event in self.events if isinstance(event, RunEnded)]


def title_above(app: LinregApp, field_id: str) -> SectionTitle:
    """The section title a field appears under: the last title before it in the form."""
    form = app.main.form
    field = form.query_one(f"#{field_id}")
    title = None
    for child in form.children:
        if isinstance(child, SectionTitle):
            title = child
        if child is field or field in child.walk_children():
            assert title is not None, f"{field_id} comes before every section title"
            return title
    raise AssertionError(f"{field_id} is not in the form")


def make_app(**changes: object) -> LinregApp:
    """The app on CONFIG with ``changes``, training for real."""
    return app_on_tape(None, **changes)


def app_on_tape(trainer: Trainer | None, **changes: object) -> LinregApp:
    """The app on CONFIG with ``changes``, fed a tape (tests/ui/tapes.py) in place of the
    engine; None: the engine."""
    config = dataclasses.replace(CONFIG, **changes)  # type: ignore[arg-type]
    return LinregApp(config, cursor_blink=False, trainer=trainer)


async def settle(pilot: Pilot[None]) -> None:
    """Wait until PyTorch has loaded and the screen is laid out."""
    app = pilot.app
    assert isinstance(app, LinregApp)
    # PyTorch starts loading once the first frame is painted.
    await wait_until(lambda: app.loading is not None, timeout=10, what=lambda: "PyTorch loading")
    loading = app.loading
    assert loading is not None
    await wait_until(lambda: not loading.is_alive(), timeout=60, what=lambda: "PyTorch loaded")
    await wait_until(lambda: app.session.torch_ready, timeout=10, what=lambda: "PyTorch ready")
    # Then the form's data is drawn, in a worker of its own, which posts it to the screen.
    await app.workers.wait_for_complete()
    await pilot.pause()


async def run_and_wait(pilot: Pilot[None]) -> None:
    """Press the run key and wait for the worker through its handle."""
    app = pilot.app
    assert isinstance(app, LinregApp)
    await pilot.press("ctrl+r")
    assert app.main.training is not None, "the run key did not start a run"
    await wait_for_training(app)
    await pilot.pause()
    app.main.refresh_views(force=True)
    await pilot.pause()


def log_text(app: LinregApp) -> str:
    """The log as one string, wrapped lines joined again."""
    return " ".join(" ".join(strip.text for strip in app.main.log_view.lines).split())


def notes_text(app: LinregApp) -> str:
    """All the notes pane holds (it scrolls), as plain text on one line."""
    text = app.main.notes.query_one(Static).render()
    return " ".join(str(text).split())


def shown_text(widget: Widget) -> str:
    """What ``widget`` shows on screen now (its border and title included), as plain text."""
    lines = widget.render_lines(Region(0, 0, widget.size.width, widget.size.height))
    return "\n".join(line.text for line in lines)


def screen_text(widget: Widget) -> str:
    """What the screen shows where ``widget`` is, as plain text: a container with what it
    holds, as the user sees it (``shown_text`` draws a widget alone); "" while it is not laid
    out (a view switched to, a frame not yet drawn)."""
    compositor = widget.screen._compositor
    try:
        region = compositor.find_widget(widget).region  # where it is drawn now, border and all
    except NoWidget:
        return ""
    strips = compositor.render_strips()
    return "\n".join(
        strip.crop(region.x, region.right).text for strip in strips[region.y : region.bottom]
    )


def drawn(widget: Widget) -> str:
    """The whole pane as text, both borders (and so both legends) included."""
    width, height = widget.outer_size
    return "\n".join(line.text for line in widget.render_lines(Region(0, 0, width, height)))


def notifications(app: LinregApp) -> list[str]:
    """The messages of the notifications (toasts) the app has shown and still holds."""
    return [notification.message for notification in app._notifications]


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
    await wait_until(
        lambda: (
            len(app.session.ends) >= runs
            and app.session.plan_ended is not None  # after the last run's end: the notes
            and app.main.training_ended.is_set()
        ),
        timeout=60,
        what=lambda: f"the plan did not finish: {len(app.session.ends)} of {runs} runs",
    )
    assert len(app.session.ends) == runs, "the plan ran more runs than it had"
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


async def step_now(pilot: Pilot[None], steps_before: int) -> None:
    """Press f7 and wait until the run has taken ``steps_before`` + 1 steps (from idle, the
    press starts the run and takes its first)."""
    app = pilot.app
    assert isinstance(app, LinregApp)
    await pilot.press("f7")
    await wait_until(
        lambda: (
            app.main.inspector.detail is not None
            and app.main.inspector.detail.step == steps_before + 1
        ),
        timeout=30,
        what=lambda: f"step {steps_before + 1} was not shown",
    )
    await pilot.pause()
    app.main.refresh_views(force=True)
    await pilot.pause()


async def three_steps(pilot: Pilot[None]) -> None:
    """f8 shows the inspector; f7 three times: three steps (the first starts the run)."""
    await settle(pilot)
    await pilot.press("f8")
    for taken in (0, 1, 2):
        await step_now(pilot, taken)


async def inspected_run(pilot: Pilot[None]) -> None:
    """f8, then a whole run at max: the inspector shows its last step (or the one that
    raised)."""
    await settle(pilot)
    await pilot.press("f8")
    await run_and_wait(pilot)


async def failed_in_the_code_pane(pilot: Pilot[None]) -> None:
    """f3, then a run that raises: the changed lines are highlighted, the log says why."""
    await settle(pilot)
    await pilot.press("f3")
    await run_and_wait(pilot)


async def paced_midway(pilot: Pilot[None]) -> None:
    """The lesson's run at 50 steps/s, paused halfway (not a snapshot: where it stops varies)."""
    app = pilot.app
    assert isinstance(app, LinregApp)
    await settle(pilot)
    await pilot.press("ctrl+r")

    def halfway() -> bool:
        found = re.search(r"epoch 2/3 · step (\d+)/", app.main.status.text)
        return found is not None and int(found.group(1)) >= 40

    await wait_until(halfway, timeout=30, what=lambda: app.main.status.text)
    await pilot.press("ctrl+o")
    await pilot.pause(0.3)
    app.main.refresh_views(force=True)
    await pilot.pause()


async def on_the_map(pilot: Pilot[None]) -> None:
    """The landscape (f9), after a run."""
    await settle(pilot)
    await pilot.press("f9")
    await run_and_wait(pilot)


async def both_on_the_map(pilot: Pilot[None]) -> None:
    await settle(pilot)
    await pilot.press("f9", "f6")
    await wait_for_sequence(pilot, 2)


async def replayed_midway(pilot: Pilot[None]) -> None:
    """The lesson's run on the map, replayed back to epoch 1's step 98."""
    await on_the_map(pilot)
    await pilot.press("shift+left", "shift+left", "left", "left")
    app = pilot.app
    assert isinstance(app, LinregApp)
    app.main.refresh_views(force=True)
    await pilot.pause()


async def huber_against_squared(pilot: Pilot[None]) -> None:
    """outlier-huber's sweep: squared loss, then Huber, with y[5] = 10000."""
    await settle(pilot)
    await type_into(pilot, "sweep", PRESETS["outlier-huber"].sweep)
    await pilot.press("ctrl+r")
    await wait_for_sequence(pilot, 2)


async def asked(pilot: Pilot[None]) -> None:
    """outlier-huber from the presets: its question, before it runs."""
    await settle(pilot)
    app = pilot.app
    assert isinstance(app, LinregApp)
    app.main.use_preset("outlier-huber")  # what f5's enter, or the palette, does
    # The preset's data is previewed while the question waits (as a learner reads it): let
    # that happen every time, so that the tape always holds it.
    await pilot.pause(app.main.PREVIEW_DELAY_S + 0.2)
    await app.workers.wait_for_complete()
    await pilot.pause()


async def answered(pilot: Pilot[None]) -> None:
    """Its question answered (Huber's), the sweep run, the notes beside the table."""
    await asked(pilot)
    await pilot.press("2")
    await wait_for_sequence(pilot, 2)


def swept(preset: str) -> Scenario:
    """A preset's sweep, run to its end: the data pane then plots each run against it."""

    async def sweep(pilot: Pilot[None]) -> None:
        await settle(pilot)
        text = PRESETS[preset].sweep
        await type_into(pilot, "sweep", text)
        await pilot.press("ctrl+r")
        await wait_for_sequence(pilot, len(parse_sweep(text).values))

    return sweep


async def kept_going(pilot: Pilot[None]) -> None:
    """A run down the road to nan, the data and model sections folded to give the log room."""
    await scratch_run(pilot)
    app = pilot.app
    assert isinstance(app, LinregApp)
    for title in app.query(SectionTitle):
        title.folded = title.section in (Section.DATA, Section.MODEL)
    await pilot.pause()
    log = app.main.log_view
    log.scroll_to(y=max(log.max_scroll_y - 10, 0), animate=False)  # the nan epochs, the why
    app.main.refresh_views(force=True)
    await pilot.pause()


def swept_on_the_map(preset: str) -> Scenario:
    """A preset's sweep with the landscape showing: each run's path over the map."""

    async def sweep(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("f9")
        text = PRESETS[preset].sweep
        await type_into(pilot, "sweep", text)
        await pilot.press("ctrl+r")
        await wait_for_sequence(pilot, len(parse_sweep(text).values))

    return sweep


HOUSES = Path(tempfile.gettempdir()) / "tui-linreg-snapshots" / "houses.csv"
"""A user's CSV file, written the same wherever the snapshots run (its path is on screen)."""


def houses() -> str:
    """200 houses: price = 3·area − age + 2 + noise, written by hand as a user would."""
    draw = random.Random(1)
    rows = ""
    for _ in range(200):
        area, age = draw.gauss(), draw.gauss()
        rows += f"{area:.4f},{age:.4f},{3 * area - age + 2 + 0.3 * draw.gauss():.4f}\n"
    HOUSES.parent.mkdir(exist_ok=True)
    HOUSES.write_text("area,age,price\n" + rows, encoding="utf-8")
    return str(HOUSES)


async def on_a_users_file(pilot: Pilot[None]) -> None:
    """The user's own CSV, a fifth held out: the fit, the validation curve, no true line."""
    await settle(pilot)
    await run_and_wait(pilot)


def on_lesson_page(lesson: str, page: int) -> Scenario:
    """f12, lesson ``lesson`` at ``page`` (from 0), its code's output in if it has code to
    run (issue 32)."""

    async def scenario(pilot: Pilot[None]) -> None:
        app = pilot.app
        assert isinstance(app, LinregApp)
        await settle(pilot)
        await pilot.press("f12")
        await wait_until(
            lambda: app.focused is app.main.lessons, what=lambda: "the lessons to take the keys"
        )
        await pilot.press(str(list(LESSONS).index(lesson) + 1), *("n" * page))
        if LESSONS[lesson].pages[page].runs:
            await wait_until(
                lambda: (lesson, page) in app.main.lessons.outputs,
                what=lambda: "the page's code to run",
            )
        await pilot.pause()

    return scenario


lesson_page = on_lesson_page("scratch", 2)
first_lesson_page = on_lesson_page("autograd", 0)


async def graph_page(pilot: Pilot[None]) -> None:
    """The autograd lesson's third page, its key pressed: the first step's real graph."""
    app = pilot.app
    assert isinstance(app, LinregApp)
    await first_lesson_page(pilot)
    await pilot.press("n", "n", "enter")
    await wait_until(
        lambda: "AccumulateGrad w" in screen_text(app.main.graph),
        what=lambda: screen_text(app.main.graph),
    )
    await pilot.pause()


SCREENSHOTS: dict[str, tuple[dict[str, object], Scenario]] = {
    "initial": ({}, settle),
    "trained": ({}, scratch_run),
    "both-implementations": ({}, scratch_then_concise),
    "diverged": ({"learning_rate": 10.0, "epochs": 10}, scratch_run),
    "sweep": ({}, sweep_of_learning_rates),
    "runs": ({}, runs_screen),
    "code": ({}, code_pane),
    "trajectories": ({"learning_rate": 0.01, "epochs": 5}, trajectories),
    "presets": ({}, presets),
    "three-steps": ({}, three_steps),
    "inspector-concise": ({"implementation": "concise"}, three_steps),
    "inspector-analytic": ({"implementation": "analytic"}, three_steps),
    "pitfall-forget-zero-grad": ({"pitfalls": ("forget-zero-grad",)}, three_steps),
    "pitfall-no-no-grad": ({"pitfalls": ("no-no-grad",)}, failed_in_the_code_pane),
    "pitfall-backward-vector": ({"pitfalls": ("backward-vector",)}, inspected_run),
    "pitfall-no-reshape": ({"pitfalls": ("no-reshape",)}, three_steps),
    "pitfall-lesson-divisor": (
        {"pitfalls": ("lesson-divisor",), "num_examples": 1003, "epochs": 1},
        inspected_run,
    ),
    "paced-midway": ({"pace": 50.0}, paced_midway),
    "landscape-lr-0.03": ({}, on_the_map),
    "landscape-lr-0.001": ({"learning_rate": 0.001}, on_the_map),
    "landscape-lr-1.9": ({"learning_rate": 1.9}, on_the_map),
    "landscape-lr-10": ({"learning_rate": 10.0, "epochs": 10}, on_the_map),
    "landscape-both": ({}, both_on_the_map),
    "landscape-zigzag": (PRESETS["correlated"].changes, on_the_map),
    "landscape-replay": ({}, replayed_midway),
    "outlier-huber": (PRESETS["outlier-huber"].changes, huber_against_squared),
    "question": ({}, asked),
    "notes": ({}, answered),
    "lesson": ({}, lesson_page),
    "graph": ({}, graph_page),
    "keep-going": ({"learning_rate": 10.0, "epochs": 10, "keep_going": True}, kept_going),
    "sweep-lr": (PRESETS["lr-sweep"].changes, swept("lr-sweep")),
    "sweep-error-vs-n": (PRESETS["error-vs-n"].changes, swept("error-vs-n")),
    "sorted-order": (PRESETS["sorted-order"].changes, on_the_map),
    "momentum-path": (PRESETS["optimisers"].changes, swept_on_the_map("optimisers")),
    "weight-decay": (PRESETS["weight-decay"].changes, scratch_run),
    "validation": (PRESETS["overfit"].changes, scratch_run),
    **{f"anscombe-{n}": (PRESETS[f"anscombe-{n}"].changes, scratch_run) for n in range(1, 5)},
    "users-file": ({"data": houses(), "val_fraction": 0.2}, on_a_users_file),
}
"""The README's screenshots: name → (config changes, what to do before the shot)."""


async def _shoot(name: str, directory: Path) -> None:
    # Each screenshot starts from an empty history of its own, never the user's.
    os.environ["XDG_DATA_HOME"] = tempfile.mkdtemp(prefix="tui-linreg-shot-")
    changes, before = SCREENSHOTS[name]
    # The snapshots' tape where there is one: the same numbers as the snapshot tests
    played = TapePlayer(name) if (TAPES / f"{name}.json.gz").exists() else None
    app = app_on_tape(played, **changes)
    async with app.run_test(size=(120, 40)) as pilot:
        await before(pilot)
        app.save_screenshot(f"{name}.svg", path=str(directory))


def main() -> None:
    """python -m tests.ui.snapshot_app: regenerate screenshots/*.svg."""
    directory = Path(__file__).resolve().parents[2] / "screenshots"
    directory.mkdir(exist_ok=True)
    # A config directory of its own, as the tests have: the user's remembered theme and
    # lesson pages must not change the screenshots (nor the screenshots them).
    os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="tui-linreg-shots-")
    for name in SCREENSHOTS:
        asyncio.run(_shoot(name, directory))
        print(directory / f"{name}.svg")


if __name__ == "__main__":
    main()
