"""The command palette's own commands (ctrl+p): every preset, every field of the form, and
the recent runs to replay."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

from tui_linreg.config import SETTINGS
from tui_linreg.history import RunRecord
from tui_linreg.i18n import _
from tui_linreg.plan import differing, label_of
from tui_linreg.presets import PRESETS

if TYPE_CHECKING:
    from tui_linreg.ui.app import LinregApp

RECENT = 20
"""Recent runs offered to replay, newest first."""


Command = tuple[str, Callable[[], None], str]
"""(what the palette shows, what choosing it does, its help line)."""


class _Commands(Provider):
    """A fixed list of commands, offered when the palette opens and matched as it is typed."""

    @property
    def _app(self) -> LinregApp:
        return self.app  # type: ignore[return-value]

    def commands(self) -> list[Command]:
        raise NotImplementedError

    async def discover(self) -> Hits:
        for text, run, help_text in self.commands():
            yield DiscoveryHit(text, run, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, run, help_text in self.commands():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), run, help=help_text)


class PresetCommands(_Commands):
    """``preset: lr-too-large``: the preset goes in the form, as f5 puts it there."""

    def commands(self) -> list[Command]:
        return [
            (
                _("preset: {name}").format(name=p.name),
                partial(self._app.main.use_preset, p.name),
                _(p.summary),
            )
            for p in PRESETS.values()
        ]


class FieldCommands(_Commands):
    """``field: learn rate``: the cursor in that field of the form, however far down it is."""

    def commands(self) -> list[Command]:
        return [
            (
                _("field: {label}").format(label=_(setting.form_label)),
                partial(self._go_to, name),
                _(setting.help),
            )
            for name, setting in SETTINGS.items()
            if setting.form_label
        ]

    def _go_to(self, name: str) -> None:
        if not self._app.main.form.go_to(name):
            setting = SETTINGS[name]
            self._app.notify(
                _("{label} does not apply to these settings: {why}").format(
                    label=_(setting.form_label), why=_(setting.help)
                ),
                timeout=6,
            )


class RecentRunCommands(_Commands):
    """``replay: lr=0.001 scratch``: a recorded run's settings go in the form, to run again."""

    records: list[RunRecord]

    async def startup(self) -> None:
        """Read the history once per opening of the palette, off the UI's thread."""
        loaded = await asyncio.to_thread(self._app.history.load)
        self.records = sorted(loaded.records, key=lambda r: -r.created)[:RECENT]

    def commands(self) -> list[Command]:
        """Each run named by what tells it apart from the others."""
        names = [n for n in differing([r.config for r in self.records]) if n != "implementation"]
        shown: list[Command] = []
        for record in self.records:
            what = label_of(record.config, names[:3]) if names else ""
            run = f"{what} {record.config.implementation}"
            text = _("replay: {run}").format(run=run).replace("  ", " ")
            when = time.strftime("%H:%M:%S", time.localtime(record.created))
            help_text = f"{when} · {record.outcome} · {record.message[:60]}"
            shown.append((text, partial(self._app.main.use_recorded, record.config), help_text))
        return shown
