"""Writing runs to CSV or JSON, atomically, with plain errors."""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from pathlib import Path

from tui_linreg.config import SETTINGS
from tui_linreg.history import RunRecord
from tui_linreg.i18n import _


class ExportError(Exception):
    """A sentence saying why the file could not be written."""


EPOCH_COLUMNS = (
    "epoch",
    "loss",
    "half_mse",
    "w",
    "b",
    "lr",
    "steps_per_s",
    "val_loss",
    "val_half_mse",
)

PREDICTION_COLUMNS = ("question", "answer", "right_answer", "right", "name")
"""A prediction made before the run (its plan's last run carries it); empty cells if none."""

UNITS_COLUMNS = ("w_in_data_units", "b_in_data_units")
"""With --standardize, the learned (w, b) in the data's own units; empty cells without."""

CSV_COLUMNS = (
    "run",
    *SETTINGS,
    "outcome",
    *PREDICTION_COLUMNS,
    *UNITS_COLUMNS,
    *EPOCH_COLUMNS,
)
"""The run's id, every setting, its outcome, the learner's prediction, then one epoch's
figures."""


def _cell(epoch: dict[str, object], name: str) -> object:
    """One epoch's figure as a CSV cell: w joined with ;, and no value (no validation
    examples, or not finite) an empty cell."""
    value = epoch.get(name)
    if name == "w" and isinstance(value, list):
        return ";".join(map(str, value))
    return "" if value is None else value


def csv_text(records: list[RunRecord]) -> str:
    """One row per epoch (a run that ended before its first epoch gets one row without one)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for record in records:
        settings = [s.kind.exact(getattr(record.config, name)) for name, s in SETTINGS.items()]
        said = record.prediction or {}
        prediction = [
            said.get(key, "") for key in ("question", "answer", "outcome", "right", "name")
        ]
        units = (record.data_units or {}).get("in_data_units", {})
        in_units = (
            [";".join(map(str, units.get("w", []))), units.get("b", "")] if units else ["", ""]
        )
        run = [record.id, *settings, str(record.outcome), *prediction, *in_units]
        epochs = [[_cell(e, name) for name in EPOCH_COLUMNS] for e in record.history]
        for epoch in epochs or [[""] * len(EPOCH_COLUMNS)]:
            writer.writerow(run + epoch)
    return out.getvalue()


def export(records: list[RunRecord], path: Path, *, overwrite: bool = False) -> Path:
    """Write ``records`` to ``path`` (.csv: one row per epoch; anything else: JSON).

    The file appears whole or not at all. Raises ExportError with a plain reason. ``~`` is not
    expanded here: the command line has done it (cli.user_path).
    """
    directory = path.parent if str(path.parent) else Path(".")
    try:
        if path.is_dir():
            raise ExportError(
                _("{path} is a directory; give a file name such as runs.csv").format(path=path)
            )
        if not directory.is_dir():
            raise ExportError(
                _("the directory {directory} does not exist").format(directory=directory)
            )
        if path.exists() and not overwrite:
            raise ExportError(
                _("{path} already exists; choose another name or allow overwriting").format(
                    path=path
                )
            )
    except OSError as error:  # a name longer than the file system allows, …
        raise ExportError(_cannot_write(path.name[:40], error)) from None
    if path.suffix.lower() == ".csv":
        text = csv_text(records)
    else:
        text = json.dumps([r.to_dict() for r in records], indent=2, allow_nan=False) + "\n"
    try:
        handle, temporary = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    except PermissionError:
        raise ExportError(
            _("no permission to write in {directory}").format(directory=directory)
        ) from None
    except OSError as error:
        raise ExportError(
            _("cannot write in {directory}: {reason}").format(
                directory=directory, reason=error.strerror
            )
        ) from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException as error:  # a full disk, or Ctrl-C mid-write: leave nothing behind
        Path(temporary).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise ExportError(_cannot_write(path, error)) from None
        raise
    return path


def _cannot_write(path: object, error: OSError) -> str:
    return _("cannot write {path}: {reason}").format(path=path, reason=error.strerror)
