"""Where a run's data comes from (--data): synthetic, a built-in data set, or a file.

The ``data`` setting holds ``synthetic``, a built-in data set's name, or a file's absolute
path. A config that trains on a file is *resolved* before it runs (:func:`resolved`): its feature
and target columns, its number of examples and of validation examples, and the file's content
hash are filled in from the file, so the config says exactly what ran, the history records it,
and the reproduce command re-reads the same file (and says so if it changed).

Nothing here imports torch or Textual; numpy loads only when a file is first read.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tui_linreg.datasets import DATASETS, path_of
from tui_linreg.i18n import _
from tui_linreg.settings import Kind, quoted

if TYPE_CHECKING:
    from tui_linreg.datafile import Table

SYNTHETIC = "synthetic"


def source_of(data: str) -> str:
    """``synthetic``, ``dataset`` or ``file``."""
    if data == SYNTHETIC:
        return SYNTHETIC
    return "dataset" if data in DATASETS else "file"


def file_of(data: str) -> str:
    """The file a non-synthetic ``data`` reads: a built-in data set's, or the path itself."""
    return str(path_of(data)) if data in DATASETS else data


@dataclass(frozen=True)
class DataSource(Kind):
    """``synthetic``, a built-in data set's name, or a file's path (made absolute). Typed text
    is checked against the file system (a missing or unreadable file is refused as it is
    typed); a recorded value is not, so a run whose file has gone is still a run to compare."""

    metavar = "PATH|NAME"

    @property
    def choices(self) -> tuple[str, ...]:
        """What the form's source menu offers: synthetic, a file, then each data set."""
        return (SYNTHETIC, "file", *DATASETS)

    def read(self, label: str, text: str) -> str:
        value = text.strip()
        if value.lower() in ("", SYNTHETIC):
            return SYNTHETIC
        if value.lower() in DATASETS:
            return value.lower()
        if value.lower() == "file":
            raise ValueError(
                _("{label}: give the file's path, a CSV or TSV file with a header row").format(
                    label=label
                )
            )
        from tui_linreg.datafile import check_path  # numpy: only once a file is named

        path = os.path.abspath(os.path.expanduser(value))
        problem = check_path(path)
        if problem is not None and not os.path.exists(path) and not ({"/", "."} & set(value)):
            raise ValueError(  # a name, not a path: a data set mistyped?
                _(
                    "{label}: no built-in data set or file is called {name}; the data "
                    "sets are {names} (tui-linreg datasets)"
                ).format(label=label, name=quoted(value), names=", ".join(DATASETS))
            )
        if problem is not None:
            # names the setting, then the file
            raise ValueError(_("{label}: {problem}").format(label=label, problem=problem))
        return path

    def check(self, label: str, value: object) -> str:
        if not isinstance(value, str) or not value.strip():
            raise ValueError(
                _("{label} must be synthetic, a data set's name or a path").format(label=label)
            )
        if value in (SYNTHETIC, *DATASETS):
            return value
        if not os.path.isabs(value):
            raise ValueError(
                _("{label} must be an absolute path here, got {value}").format(
                    label=label, value=quoted(value)
                )
            )
        return value


@dataclass(frozen=True)
class Loaded:
    """A file read for a run, and what the config asked of it."""

    table: Table
    key: tuple[Any, ...]


_last: Loaded | None = None
"""The last file read (one is kept: the app previews, then runs, the same file)."""


def load(config: Any, available: Callable[[], int | None]) -> Table:
    """The table ``config`` trains on, read once per content: a file is read again only if
    its size or modification time changed, or the columns asked of it. Raises
    datafile.DataFileError with the sentence to show."""
    global _last
    from tui_linreg.datafile import read_table

    path = file_of(config.data)
    try:
        status = os.stat(path)
        stamp: tuple[Any, ...] = (status.st_size, status.st_mtime_ns)
    except OSError:
        stamp = ()
    key = (path, stamp, config.target, config.features, config.drop_missing)
    if _last is None or _last.key != key or not stamp:
        table = read_table(
            path,
            target=config.target or None,
            features=config.features or None,
            drop_missing=config.drop_missing,
            available=available(),
        )
        _last = Loaded(table, key)
    return _last.table


def held_out(rows: int, fraction: float) -> int:
    """How many of ``rows`` --val-fraction holds out: at least one if any is asked for, and
    never all of them."""
    if not fraction or rows < 2:
        return 0
    return min(rows - 1, max(1, round(rows * fraction)))
