"""The runs screen: the recorded history, sortable, with selected runs' loss curves overlaid."""

from __future__ import annotations

import io
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.coordinate import Coordinate
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Static

from tui_linreg.engine.events import Outcome
from tui_linreg.export import ExportError, csv_text, export
from tui_linreg.history import History, RunRecord, predictions
from tui_linreg.i18n import N_, _
from tui_linreg.reproduce import reproduce_command
from tui_linreg.teach.questions import tally
from tui_linreg.ui import formatting
from tui_linreg.ui.widgets.key_hints import KeyHints
from tui_linreg.ui.widgets.plots.overlay import OverlayPlot

SHOWN_AT_MOST = 500
"""Rows the table holds. A row costs the table about a quarter of a millisecond, so a history of
ten thousand runs would take seconds at each sort: the first 500 in the chosen order are shown
(the title says so), and an export takes every run."""


def _number(value: float | None) -> tuple[bool, float]:
    """A sort key that puts a missing or undefined number (no validation set, real data's
    distance to a truth it has not got) after every real one."""
    return (value is None or math.isnan(value), 0.0 if value is None else value)


def _figure(value: float | None, digits: int = 4) -> Text:
    shown = "—" if value is None or math.isnan(value) else f"{value:.{digits}g}"
    return Text(shown, justify="right")


@dataclass(frozen=True)
class Column:
    """A column of the runs table: its header, its cell, and what sorting by it means."""

    name: str
    """What ``sort('…')`` calls it."""
    label: str
    """Its header, marked (``N_``) where it is words: shown through ``_()``."""
    cell: Callable[[RunRecord], str | Text]
    order: str
    """What the title calls sorting by it (marked, shown through ``_()``)."""
    key: Callable[[RunRecord], Any]
    """Ascending: the best, or the newest, first."""


COLUMNS = (
    Column("time", N_("time"), lambda r: time.strftime("%H:%M:%S", time.localtime(r.created)),
           N_("newest first"), lambda r: -r.created),
    Column("impl", N_("impl"), lambda r: r.config.implementation, N_("implementation"),
           lambda r: r.config.implementation),
    Column("lr", "lr", lambda r: f"{r.config.learning_rate:g}", N_("learning rate"),
           lambda r: r.config.learning_rate),
    Column("batch", N_("batch"), lambda r: str(r.config.batch_size), N_("batch size"),
           lambda r: r.config.batch_size),
    Column("outcome", N_("outcome"), lambda r: str(r.outcome), N_("outcome"),
           lambda r: str(r.outcome)),
    Column("loss", N_("half-MSE"), lambda r: _figure(r.half_mse), N_("final loss"),
           lambda r: r.final_loss),
    Column("distance", "|ŵ−w|", lambda r: _figure(r.distance_to_true, 3),
           N_("distance to the truth"), lambda r: _number(r.distance_to_true)),
    Column("speed", N_("steps/s"),
           lambda r: Text(formatting.rate(r.steps_per_s).split()[0], justify="right"),
           N_("speed"), lambda r: -r.steps_per_s),
    Column("val", N_("val half-MSE"), lambda r: _figure(r.val_half_mse),
           N_("validation half-MSE"), lambda r: _number(r.val_half_mse)),
    Column("optimizer", N_("optimizer"), lambda r: r.config.optimizer, N_("optimizer"),
           lambda r: r.config.optimizer),
    Column("decay", N_("w decay"), lambda r: f"{r.config.weight_decay:g}", N_("weight decay"),
           lambda r: r.config.weight_decay),
    Column("data", N_("data"), lambda r: Path(r.config.data).name, N_("data"),
           lambda r: r.config.data),
    Column("epochs", N_("epochs"), lambda r: str(r.config.epochs), N_("epochs"),
           lambda r: r.config.epochs),
    Column("n", "n", lambda r: f"{r.config.num_examples:,}", N_("examples"),
           lambda r: r.config.num_examples),
    Column("seed", N_("seed"), lambda r: str(r.config.seed), N_("seed"), lambda r: r.config.seed),
    Column("pitfalls", N_("pitfalls"), lambda r: "+".join(r.config.pitfalls), N_("pitfalls"),
           lambda r: r.config.pitfalls),
)  # fmt: skip
"""After the ✓ of a selected run: what tells runs apart comes first, so that it shows at 80
columns. Clicking a header sorts by it, and clicking it again reverses."""

ORDERS = {column.name: column for column in COLUMNS}


def table_row(record: RunRecord, selected: bool) -> tuple[str | Text, ...]:
    """One run as a row of the runs table."""
    return ("✓" if selected else "", *(column.cell(record) for column in COLUMNS))


def summary(record: RunRecord) -> Text:
    """What the line under the table says about the highlighted run."""
    said = _("run {id} · {message}").format(id=record.id, message=record.message)
    if record.outcome == Outcome.FINISHED:
        said = _("run {id} · finished {epochs} epochs in {time} · {speed} on {device}").format(
            id=record.id,
            epochs=len(record.history),
            time=formatting.seconds(record.train_s),
            speed=formatting.rate(record.steps_per_s),
            device=record.device,
        )
    return Text.assemble((said + "\n", "italic"), reproduce_command(record.config))


def tally_line(records: list[RunRecord]) -> str:
    """The predictions' tally, one name after another: "" where none was made."""
    tallies = tally(predictions(records))
    if not tallies:
        return ""
    return _("Predictions: {tally}").format(tally=" · ".join(t.said() for t in tallies))


class ConfirmClear(ModalScreen[bool]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", N_("Yes, clear")),
        Binding("n,escape", "answer(False)", N_("No")),
    ]

    def __init__(self, count: int) -> None:
        super().__init__()
        self.count = count

    def compose(self) -> ComposeResult:
        yield Static(
            _(
                "Forget all {count} recorded runs? This cannot be undone.\n\n"
                "[b]y[/b] clears · [b]n[/b] or escape keeps them"
            ).format(count=self.count),
            id="confirm",
        )

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class RunsScreen(Screen[None]):
    """Every recorded run. Space selects runs for the overlay; keys sort, export, copy, clear."""

    AUTO_FOCUS = "#runs-table"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f2", "close", N_("Back"), tooltip=N_("Back to training"), id="runs-back"),
        Binding(
            "space",
            "select",
            N_("Select"),
            tooltip=N_("Overlay this run's curve (or not)"),
            id="runs-select",
        ),
        Binding(
            "l",
            "sort('loss')",
            N_("Sort loss"),
            tooltip=N_("Sort by final loss"),
            id="runs-sort-loss",
        ),
        Binding(
            "d",
            "sort('distance')",
            N_("Sort |ŵ−w|"),
            tooltip=N_("Sort by distance to the true parameters"),
            id="runs-sort-distance",
        ),
        Binding(
            "s",
            "sort('speed')",
            N_("Sort speed"),
            tooltip=N_("Sort by steps per second"),
            id="runs-sort-speed",
        ),
        Binding(
            "c",
            "copy_command",
            N_("Copy cmd"),
            tooltip=N_("Copy the command that reproduces this run"),
            id="runs-copy",
        ),
        Binding(
            "e",
            "export",
            N_("Export"),
            tooltip=N_("Export the selected runs (or all) to CSV"),
            id="runs-export",
        ),
        Binding(
            "x", "clear", N_("Clear"), tooltip=N_("Forget every recorded run"), id="runs-clear"
        ),
    ]

    def __init__(self, history: History, *, browser_clipboard: bool = True) -> None:
        super().__init__()
        self.history = history
        self.browser_clipboard = browser_clipboard
        self.records: list[RunRecord] = []
        self.selected: set[str] = set()
        self.sort_key = "time"
        self.reversed = False
        self.shown: list[RunRecord] = []
        """The runs in the table, in its order (at most SHOWN_AT_MOST)."""

    def compose(self) -> ComposeResult:
        with Vertical(id="runs-body"):
            yield DataTable(id="runs-table", classes="pane", cursor_type="row", zebra_stripes=True)
            yield OverlayPlot()
            yield Static("", id="runs-tally")
            yield Static("", id="runs-command")
        yield KeyHints(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        loaded = self.history.load()
        if loaded.warning:
            self.notify(loaded.warning, severity="warning", timeout=8)
        self.records = loaded.records
        table = self.query_one("#runs-table", DataTable)
        table.border_subtitle = _(
            "space or a 2nd click selects · l d s or a header sorts · c copies · e exports"
        )
        self.refill()

    def sorted_records(self) -> list[RunRecord]:
        return sorted(self.records, key=ORDERS[self.sort_key].key, reverse=self.reversed)

    def refill(self) -> None:
        table = self.query_one("#runs-table", DataTable)
        table.clear(columns=True)
        arrow = " ▴" if self.reversed else " ▾"
        table.add_column("✓", key="✓")
        for column in COLUMNS:
            sorted_by = column.name == self.sort_key
            table.add_column(_(column.label) + (arrow if sorted_by else ""), key=column.name)
        self.shown = self.sorted_records()[:SHOWN_AT_MOST]
        for record in self.shown:
            table.add_row(*table_row(record, record.id in self.selected), key=record.id)
        order = _(ORDERS[self.sort_key].order)
        if self.reversed:
            order = _("{order}, reversed").format(order=order)
        path = formatting.path(self.history.path)
        if len(self.shown) < len(self.records):
            table.border_title = _(
                "runs · first {shown:,} of {total:,} by {order} · {path}"
            ).format(shown=len(self.shown), total=len(self.records), order=order, path=path)
        else:
            table.border_title = _("runs · by {order} · {path}").format(order=order, path=path)
        self.query_one("#runs-tally", Static).update(tally_line(self.records))
        self.update_overlay()
        if not self.records:
            self.query_one("#runs-command", Static).update(
                _("No runs recorded yet: train one (ctrl+r).")
            )

    def update_overlay(self) -> None:
        overlay = self.query_one(OverlayPlot)
        overlay.show([r for r in self.sorted_records() if r.id in self.selected])

    def highlighted(self) -> RunRecord | None:
        table = self.query_one("#runs-table", DataTable)
        if not self.shown or table.cursor_row < 0:
            return None
        return self.shown[min(table.cursor_row, len(self.shown) - 1)]

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        record = self.highlighted()
        if record is not None:
            self.query_one("#runs-command", Static).update(summary(record))

    def action_select(self) -> None:
        record = self.highlighted()
        if record is None:
            return
        self.selected ^= {record.id}
        table = self.query_one("#runs-table", DataTable)
        table.update_cell_at(
            Coordinate(table.cursor_row, 0), "✓" if record.id in self.selected else ""
        )
        self.update_overlay()

    def action_sort(self, key: str) -> None:
        """Sort by the column named ``key``; asked again, the other way round."""
        self.reversed = key == self.sort_key and not self.reversed
        self.sort_key = key
        self.refill()

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        if event.column_key.value in ORDERS:  # not the ✓ column
            self.action_sort(event.column_key.value)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter, or a click on the highlighted row, selects it as space does."""
        self.action_select()

    def action_copy_command(self) -> None:
        record = self.highlighted()
        if record is None:
            return
        command = reproduce_command(record.config)
        if self.app.is_web and not self.browser_clipboard:
            self.app.deliver_text(
                io.StringIO(command + "\n"), save_filename=f"tui-linreg-{record.id}.sh"
            )
            self.notify(
                _(
                    "{command}\n\nA browser gives its clipboard only to a page from its own "
                    "machine or over https, so the command arrives as a download."
                ).format(command=command),
                title=_("Cannot copy: a download instead"),
                timeout=10,
            )
            return
        self.app.copy_to_clipboard(command)  # OSC 52: the browser's terminal passes it on
        title = (
            _("Copied (your browser's clipboard)")
            if self.app.is_web
            else _("Copied (OSC 52: if your terminal allows it)")
        )
        self.notify(command, title=title, timeout=8)

    def action_export(self) -> None:
        chosen = [
            r for r in self.sorted_records() if r.id in self.selected
        ] or self.sorted_records()
        if not chosen:
            self.notify(_("No runs to export."), timeout=3)
            return
        name = f"tui-linreg-runs-{time.strftime('%Y%m%d-%H%M%S')}.csv"
        if self.app.is_web:  # the server's directory is out of a browser's reach: download it
            self.app.deliver_text(io.StringIO(csv_text(chosen)), save_filename=name)
            self.notify(
                _("{count} runs → {name}, as a download").format(count=len(chosen), name=name),
                title=_("Exported"),
            )
            return
        path = Path.cwd() / name
        try:
            written = export(chosen, path)
        except ExportError as error:
            self.notify(str(error), title=_("Export failed"), severity="error", timeout=8)
            return
        self.notify(
            _("{count} runs → {path}").format(count=len(chosen), path=written),
            title=_("Exported"),
            timeout=8,
        )

    def action_clear(self) -> None:
        def cleared(answer: bool | None) -> None:
            if not answer:
                return
            try:
                self.history.clear()
            except OSError as error:
                self.notify(_("cannot clear: {why}").format(why=error.strerror), severity="error")
                return
            self.records, self.selected = [], set()
            self.refill()
            self.notify(_("History cleared."), timeout=4)

        self.app.push_screen(ConfirmClear(len(self.records)), cleared)

    def action_close(self) -> None:
        self.dismiss()
