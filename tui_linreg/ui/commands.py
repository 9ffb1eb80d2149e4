"""The command palette's own commands (ctrl+p): every preset, and the recent runs to replay."""

from __future__ import annotations

import asyncio
import time
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

from tui_linreg.history import RunRecord
from tui_linreg.plan import differing, label_of
from tui_linreg.presets import PRESETS

if TYPE_CHECKING:
    from tui_linreg.ui.app import LinregApp

RECENT = 20
"""Recent runs offered to replay, newest first."""


class PresetCommands(Provider):
    """``preset: lr-too-large``: the preset goes in the form, as f5 puts it there."""

    @property
    def _app(self) -> LinregApp:
        return self.app  # type: ignore[return-value]

    async def discover(self) -> Hits:
        for preset in PRESETS.values():
            yield DiscoveryHit(
                f"preset: {preset.name}", partial(self._app.use_preset, preset.name),
                help=preset.description,
            )  # fmt: skip

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for preset in PRESETS.values():
            text = f"preset: {preset.name}"
            score = matcher.match(text)
            if score > 0:
                yield Hit(
                    score, matcher.highlight(text), partial(self._app.use_preset, preset.name),
                    help=preset.description,
                )  # fmt: skip


class RecentRunCommands(Provider):
    """``replay: lr=0.001 scratch``: a recorded run's settings go in the form, to run again."""

    records: list[RunRecord]

    @property
    def _app(self) -> LinregApp:
        return self.app  # type: ignore[return-value]

    async def startup(self) -> None:
        """Read the history once per opening of the palette, off the UI's thread."""
        loaded = await asyncio.to_thread(self._app.history.load)
        self.records = sorted(loaded.records, key=lambda r: -r.created)[:RECENT]

    def _commands(self) -> list[tuple[str, RunRecord, str]]:
        """(the command's text, its run, its help): each run named by what tells it apart."""
        names = [n for n in differing([r.config for r in self.records]) if n != "implementation"]
        shown = []
        for record in self.records:
            what = label_of(record.config, names[:3]) if names else ""
            text = f"replay: {what} {record.config.implementation}".replace("  ", " ")
            when = time.strftime("%H:%M:%S", time.localtime(record.created))
            shown.append((text, record, f"{when} · {record.outcome} · {record.message[:60]}"))
        return shown

    async def discover(self) -> Hits:
        for text, record, help_text in self._commands():
            yield DiscoveryHit(text, partial(self._app.use_recorded, record.config), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, record, help_text in self._commands():
            score = matcher.match(text)
            if score > 0:
                yield Hit(
                    score, matcher.highlight(text), partial(self._app.use_recorded, record.config),
                    help=help_text,
                )  # fmt: skip
