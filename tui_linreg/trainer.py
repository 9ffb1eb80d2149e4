"""The one door from a session to the engine: train a config, preview its data, take a recorded
step again, and pay PyTorch's start-up costs.

The app and ``tui-linreg train`` go through :class:`EngineTrainer`, which trains for real.
Anything else with these four methods can stand in for it: the UI's snapshot tests feed
recorded events through one (tests/ui/tapes.py), so that what they draw never depends on the
float32 rounding of the machine they run on. Neither torch nor Textual is imported here at
import time: the engine loads when the first of these is called.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Protocol

from tui_linreg.config import ConfigError, TrainConfig
from tui_linreg.engine.control import RunControl
from tui_linreg.engine.events import Event, RunStarted, StepDetail

if TYPE_CHECKING:
    import torch

    from tui_linreg.engine.data import Problem

PREVIEW_MAX_EXAMPLES = 1_000_000
"""The app previews data up to this size (a tenth of a second to draw); beyond, a run draws it."""

Prepared = tuple["torch.device", "Problem"]


class Trainer(Protocol):
    """What a session needs of the engine."""

    def load(self, device: str) -> None:
        """Import the engine and pay its one-off start costs; may take seconds."""

    def train(
        self,
        config: TrainConfig,
        control: RunControl,
        *,
        trace: bool = False,
        record_path: bool = False,
    ) -> Iterator[Event]:
        """Every event of one run of ``config``: RunStarted, Progress/EpochEnded…, RunEnded.
        Raises :class:`ConfigError` before the first event if it cannot run here."""
        ...

    def preview(self, config: TrainConfig) -> RunStarted:
        """What a run of ``config`` starts from, without a step (the app's data before a run).
        Raises :class:`ConfigError` if it cannot be drawn here."""
        ...

    def replay_step(self, config: TrainConfig, step: int, control: RunControl) -> StepDetail | None:
        """Step ``step`` (from 1, across epochs) of a run of ``config``, taken again in full;
        None if the run ends before it or ``control`` cancels it."""
        ...


class EngineTrainer:
    """The engine itself. It keeps the last data set it drew, so that the next run on the same
    data (the other implementation, the next value of a sweep, a rerun, a replayed step)
    trains on the very same tensors."""

    def __init__(self) -> None:
        self._data: tuple[tuple[Any, ...], Prepared] | None = None

    def load(self, device: str) -> None:
        # torch: here, off the UI thread, on purpose
        from tui_linreg.engine.run import freeze_start_up_heap, warm_up

        warm_up(device)
        freeze_start_up_heap()

    def prepared_for(self, config: TrainConfig) -> Prepared | None:
        """The data the last run drew, if ``config`` draws the same; None: it would have to be
        drawn again."""
        data = self._data
        return data[1] if data is not None and data[0] == config.data_key else None

    def train(
        self,
        config: TrainConfig,
        control: RunControl,
        *,
        trace: bool = False,
        record_path: bool = False,
    ) -> Iterator[Event]:
        from tui_linreg.engine.run import train
        from tui_linreg.engine.start import prepare

        prepared = self.prepared_for(config)
        if prepared is None:
            self._data = None  # the old tensors go before the new ones are drawn
            prepared = prepare(config)
            self._data = (config.data_key, prepared)
        try:
            yield from train(config, control, prepared, trace=trace, record_path=record_path)
        except ConfigError:
            self._data = None  # out of memory: draw afresh next time
            raise

    def preview(self, config: TrainConfig) -> RunStarted:
        from tui_linreg.engine.start import preview

        return preview(config)

    def replay_step(self, config: TrainConfig, step: int, control: RunControl) -> StepDetail | None:
        from tui_linreg.engine.run import replay_step

        return replay_step(config, step, self.prepared_for(config), control)
