"""A history file kept for months: lines cut short, random bytes, JSON nested ten thousand deep,
and real records with any value swapped for any other JSON. Loading never raises, keeps every
intact run, and whatever it does load, the runs screen can show, sort, overlay and export."""

from __future__ import annotations

import copy
import json
import math
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual.widgets import DataTable

from tests.hardening.conftest import TALLY, scaled
from tests.ui.snapshot_app import CONFIG, settle
from tui_linreg.config import TrainConfig
from tui_linreg.engine.run import run_to_end
from tui_linreg.export import export
from tui_linreg.history import History, RunRecord
from tui_linreg.plan import differing, label_of
from tui_linreg.reproduce import reproduce_command
from tui_linreg.ui.app import LinregApp
from tui_linreg.ui.screens.runs import RunsScreen, summary, table_row
from tui_linreg.ui.widgets.plots.overlay import OverlayPlot

REAL = [
    RunRecord.from_run(run_to_end(TrainConfig(device="cpu", epochs=2))).to_dict(),
    RunRecord.from_run(run_to_end(TrainConfig(device="cpu", learning_rate=10.0))).to_dict(),
]
"""A finished run and a diverged one (its losses written as null), as the app writes them."""

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=10**300, max_value=10**400)
    | st.floats()
    | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3)
    ),
    max_leaves=6,
)


def places(record: dict[str, Any]) -> list[tuple[Any, Any]]:
    """Every (container, key) in a record where a value can be swapped or deleted."""
    found: list[tuple[Any, Any]] = []

    def walk(value: Any) -> None:
        keys = value.keys() if isinstance(value, dict) else range(len(value))
        for key in keys:
            found.append((value, key))
            if isinstance(value[key], dict | list):
                walk(value[key])

    walk(record)
    return found


@st.composite
def damaged_line(draw: st.DrawFn) -> bytes:
    kind = draw(st.sampled_from(["bytes", "nested", "swapped", "deleted", "cut", "not a run"]))
    if kind == "bytes":
        return draw(st.binary(max_size=300))
    if kind == "nested":
        return draw(st.sampled_from([b"[", b'{"a":'])) * draw(st.integers(100, 100_000))
    if kind == "not a run":
        return json.dumps(draw(JSON)).encode()
    record = copy.deepcopy(draw(st.sampled_from(REAL)))
    line = json.dumps(record)
    if kind == "cut":
        return line.encode()[: draw(st.integers(0, len(line) - 1))]
    container, key = draw(st.sampled_from(places(record)))
    if kind == "deleted":
        del container[key]
    else:
        container[key] = draw(JSON)
    return json.dumps(record).encode()  # NaN and Infinity included: json.loads reads them


def usable(records: list[RunRecord]) -> None:
    """Everything the runs screen and the exports do with loaded records."""
    fields = differing([r.config for r in records])
    for record in records:
        for key in (record.final_loss, record.distance_to_true, record.created):
            assert not math.isnan(key)  # sorting by it means something
        assert all(isinstance(y, float) for _, y in record.curve)
        table_row(record, selected=True)
        summary(record)
        label_of(record.config, fields)
        reproduce_command(record.config)
        json.dumps(record.to_dict(), allow_nan=False)
    with tempfile.TemporaryDirectory() as directory:
        export(records, Path(directory) / "runs.csv")
        export(records, Path(directory) / "runs.json")


@settings(
    max_examples=scaled(300, 5000),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    lines=st.lists(
        st.one_of(st.sampled_from([0, 1]), damaged_line()),
        min_size=1,
        max_size=12,
    )
)
def test_any_damage_loses_only_the_damaged_lines(lines: list[int | bytes]) -> None:
    written, intact = [], []
    for index, line in enumerate(lines):
        if isinstance(line, int):  # an intact run, with an id of its own
            record = dict(REAL[line], id=f"intact-{index}")
            intact.append(record)
            line = json.dumps(record).encode()
        # One line each: the file's own separators are the only ones.
        written.append(line.replace(b"\n", b" ").replace(b"\r", b" "))
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "history.jsonl"
        path.write_bytes(b"\n".join(written))
        loaded = History(path).load()
    TALLY["history lines damaged"] += len(lines) - len(intact)
    ids = [r.id for r in loaded.records]
    assert [i for i in ids if i.startswith("intact-")] == [r["id"] for r in intact]
    assert [r.to_dict() for r in loaded.records if r.id.startswith("intact-")] == intact
    lines_with_text = sum(1 for line in written if line.decode("utf-8", "replace").strip())
    assert len(loaded.records) + loaded.skipped == lines_with_text
    assert (loaded.warning is not None) == (loaded.skipped > 0)
    usable(loaded.records)


async def test_the_runs_screen_shows_odd_but_valid_records(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Records that are valid but extreme: the runs screen lists, sorts, overlays and exports
    them, and a repeated run is listed once."""
    extremes: list[dict[str, Any]] = [
        {"created": 0, "steps_per_s": 0, "train_s": 1e9},
        {"created": 253402300799, "steps_per_s": 1e300, "half_mse": 1e-300},
        {"half_mse": 1e300, "history": []},
        {"message": "\x1b[31m[bold]not markup[/bold]" * 50},
    ]
    odd = [
        {**REAL[index % 2], "id": f"odd-{index}", **changes}
        for index, changes in enumerate(extremes)
    ]
    path = tmp_path / "history.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in [*odd, odd[0]]))
    monkeypatch.chdir(tmp_path)  # where the runs screen exports
    app = LinregApp(CONFIG, cursor_blink=False, history_path=path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f2")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, RunsScreen)
        table = screen.query_one("#runs-table", DataTable)
        assert table.row_count == 4
        for key in ["l", "d", "s"]:
            await pilot.press(key)
        for _ in range(4):
            await pilot.press("space", "down")
        assert len(screen.query_one(OverlayPlot).records) == 4
        await pilot.press("e")
        await pilot.pause()
        app.export_screenshot()
    assert len(list(tmp_path.glob("tui-linreg-runs-*.csv"))) == 1
    assert any("1 damaged or repeated line" in n.message for n in app._notifications)
