"""Reading the user's own data (--data PATH): a CSV or TSV file with a header row, whose columns
become the features and the target. Imports numpy and the standard library only, never torch or
Textual, so the UI can check a path as it is typed (:func:`check_path`).

What a file must be, and what is refused with one sentence naming the line and the column
(:class:`DataFileError`), nothing returned:

- UTF-8 text, with or without a BOM, LF or CRLF line ends, a header row first (line 1).
- The delimiter is a tab for ``.tsv`` and ``.tab`` files; otherwise it is read off the header: a
  tab if it has tabs and no commas, a semicolon if it has semicolons and neither commas nor tabs,
  else a comma. Fields may be quoted with ``"`` (a quoted number is a number) and have spaces
  around them. Blank lines (spaces at most) are skipped, but counted in line numbers.
- Every column used, the target and the features, holds finite numbers that fit in float32
  (|x| < 3.4e38): an empty cell, nan, inf, 1e400 or 1e39 is refused, or its row dropped with
  ``drop_missing``. Columns not used may hold anything, text included; every row still has as many
  fields as the header.

How it parses, and why. A file is read once by numpy's C ``loadtxt`` (from the open file, in
chunks, straight to float32, columns not used read as zeros); on any failure, or a value that is
not finite, Python's ``csv`` module reads it again, line by line, to find the first bad line and
column for the sentence (and to read what loadtxt cannot, such as a line of spaces, into the
same arrays: float() then float32, as loadtxt rounds). The SHA-256 is a second streaming pass,
0.09 s per 121 MB; on a thread beside loadtxt it cost more, the two fighting for the GIL.

Measured (python -m bench.datafile; 1,000,000 rows × 10 columns, 121 MB, 9 significant digits;
2 cores; a fresh process each, medians of 5): this reader 0.75–0.85 s, peak 81 MB over its
baseline, 2.0 × the 40 MB of float32 data; pandas.read_csv(engine="c").to_numpy(float32)
0.39–0.54 s, peak 289 MB (7.2 ×). numpy's parsers all take about 70 ns a number (loadtxt,
fromstring, casts from bytes, float() alike): they round correctly, through Python's dtoa, and
pandas' default parser does not (rounding correctly, float_precision="round_trip", it takes
0.75 s too). pyarrow, 170 MB installed, took 0.74 s on two cores; a parser vectorised in numpy
(integers through fromstring, scaled exactly) took 1.4 s. So this reader is about 1.6–1.9 ×
slower than pandas on such a file, and 3.6 × lighter; a faster one needs a C parser that numpy
does not have.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import os
import stat
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO

import numpy as np
import numpy.typing as npt

from tui_linreg.i18n import _

Floats = npt.NDArray[np.float32]

HEADER_LIMIT = 4 * 1024 * 1024
"""The longest header line read (10,000 columns of 400-character names): a longer "line 1" is no
CSV header, and :func:`check_path` must not read a whole binary file looking for its end."""
SAMPLE_BYTES = 64 * 1024
"""How much of the file after the header the memory estimate looks at."""
FIXED_BYTES = 32 * 1024 * 1024
"""The part of a load's peak memory that does not grow with the file: buffers, the parser's
chunks, the module's own objects."""
FLOAT32_LIMIT = float.fromhex("0x1.ffffffp127")
"""The smallest magnitude that becomes inf in float32 (halfway from its largest, 3.4028235e38,
to 2¹²⁸, which rounds to even, upwards)."""
_BLOCK_ROWS = 65536
"""Rows gathered before the csv module's values are stored as float32."""


class DataFileError(ValueError):
    """A data file cannot be used: one plain sentence that names the file, and where it can, the
    line (1-based, the header being line 1) and the column (by its header name)."""

    def __init__(self, message: str, *, line: int | None = None, column: str | None = None) -> None:
        super().__init__(message)
        self.line = line
        self.column = column


@dataclass(frozen=True)
class Header:
    """What line 1 of a file says, and how big the file is (for the memory estimate)."""

    path: str
    names: tuple[str, ...]
    delimiter: str
    size: int
    """The file's size in bytes."""
    header_bytes: int
    """The length of line 1, its BOM and line end included."""
    rows_estimate: int
    """About how many rows follow the header: exact for a small file, else from a sample."""

    @property
    def name(self) -> str:
        return display_name(self.path)


@dataclass(frozen=True, eq=False)
class Table:
    """A file's data, ready to train on: the features in float32 (n, d), C-contiguous, and the
    labels in float32 (n, 1), in the file's row order. Compared by identity (``==`` on arrays
    has no single answer); compare ``sha256`` and the selection instead."""

    path: str
    """As given."""
    sha256: str
    """Hex digest of the file's bytes, so that a run says which data it saw."""
    feature_names: tuple[str, ...]
    target_name: str
    features: Floats = field(repr=False)
    labels: Floats = field(repr=False)
    dropped: int
    """Rows dropped for an empty or non-finite value (``drop_missing``)."""
    delimiter: str

    @property
    def rows(self) -> int:
        return int(self.features.shape[0])

    @property
    def name(self) -> str:
        return display_name(self.path)

    def describe(self) -> str:
        """One line for the log: which file, how many rows, which columns."""
        shown = ", ".join(self.feature_names[:6])
        if len(self.feature_names) > 6:
            shown = _("{shown}, … ({count:,} in all)").format(
                shown=shown, count=len(self.feature_names)
            )
        if self.dropped:
            return _(
                "{name}: {rows:,} rows, features {features}; target {target} "
                "({dropped:,} rows with missing values dropped)"
            ).format(
                name=self.name,
                rows=self.rows,
                features=shown,
                target=self.target_name,
                dropped=self.dropped,
            )
        return _("{name}: {rows:,} rows, features {features}; target {target}").format(
            name=self.name, rows=self.rows, features=shown, target=self.target_name
        )


# --- the public functions --------------------------------------------------------------------


def check_path(
    path: str, *, target: str | None = None, features: tuple[str, ...] | None = None
) -> str | None:
    """None if ``path`` is a readable regular file whose header parses into the columns asked
    for, with at least one line after it; else the sentence :func:`read_table` would refuse it
    with. Reads line 1 and a sample, never the whole file, so the UI can call it per keystroke."""
    try:
        header = read_header(path)
        _select(header, target, features)
    except DataFileError as error:
        return str(error)
    if header.rows_estimate == 0:
        return _("{name} has a header but no rows of data").format(name=header.name)
    return None


def read_header(path: str) -> Header:
    """Line 1 of ``path``: its column names and delimiter, and the estimate of its rows."""
    with _open(path) as raw:
        return _header(path, raw)


def read_table(
    path: str,
    *,
    target: str | None = None,
    features: tuple[str, ...] | None = None,
    drop_missing: bool = False,
    available: int | None = None,
) -> Table:
    """Read ``path`` whole. ``target`` names the label column (default: the last); ``features``
    the inputs (default: every other column, in the file's order). ``drop_missing`` drops rows
    with an empty or non-finite value in a column used instead of refusing the file.
    ``available`` is the memory free, in bytes (None: unknown, nothing checked): a file whose
    load would need more is refused before it is parsed."""
    with _open(path) as raw:
        header = _header(path, raw)
        feature_names, target_name = _select(header, target, features)
        columns = header.names
        used = [columns.index(name) for name in (*feature_names, target_name)]
        need = _memory_needed(header, len(used))
        if available is not None and need > available:
            raise DataFileError(
                _(
                    "{name} needs about {need} of memory to load (about {rows:,} rows × "
                    "{columns:,} columns), but only {available} is available"
                ).format(
                    name=header.name,
                    need=_size(need),
                    rows=header.rows_estimate,
                    columns=len(columns),
                    available=_size(available),
                )
            )
        raw.seek(header.header_bytes)
        parsed = _parse_fast(raw, header, used, drop_missing)
        if parsed is None:
            raw.seek(0)
            parsed = _parse_with_csv(raw, header, used, drop_missing)
        sha256 = _sha256(raw, header.name)
    values, labels, dropped = parsed
    return Table(
        path=path,
        sha256=sha256,
        feature_names=feature_names,
        target_name=target_name,
        features=values,
        labels=labels,
        dropped=dropped,
        delimiter=header.delimiter,
    )


def _sha256(raw: io.FileIO, name: str) -> str:
    """The hex SHA-256 of the whole file, in a second streaming pass after the parse (0.09 s for
    121 MB; hashing on a second thread as loadtxt parsed cost more, fighting it for the GIL)."""
    raw.seek(0)
    try:
        return hashlib.file_digest(raw, "sha256").hexdigest()
    except OSError as error:
        raise DataFileError(_cannot_read(name, error)) from None


def display_name(path: str) -> str:
    """The file's name as messages give it: its last part, not the whole path."""
    return os.path.basename(os.path.normpath(path)) or path


# --- opening ---------------------------------------------------------------------------------


def _open(path: str) -> io.FileIO:
    """The file, open for reading, or the sentence saying why it cannot be. Never blocks: a FIFO
    is opened non-blocking and refused, as are folders, devices and sockets."""
    name = display_name(path)
    try:
        kind = os.stat(path).st_mode
    except FileNotFoundError:
        raise DataFileError(_("{name} does not exist").format(name=name)) from None
    except NotADirectoryError:
        raise DataFileError(
            _("{name} does not exist: a folder in its path is a file").format(name=name)
        ) from None
    except PermissionError:
        raise DataFileError(_denied(name)) from None
    except (OSError, ValueError) as error:
        raise DataFileError(_cannot_open(name, error)) from None
    _refuse_unless_regular(name, kind)
    try:
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
        fd = os.open(path, flags)
    except PermissionError:
        raise DataFileError(_denied(name)) from None
    except OSError as error:
        raise DataFileError(_cannot_open(name, error)) from None
    try:
        _refuse_unless_regular(name, os.fstat(fd).st_mode)  # it may have changed since stat
    except BaseException:
        os.close(fd)
        raise
    return io.FileIO(fd, "rb", closefd=True)


def _refuse_unless_regular(name: str, mode: int) -> None:
    if stat.S_ISDIR(mode):
        raise DataFileError(_("{name} is a folder, not a data file").format(name=name))
    if not stat.S_ISREG(mode):
        sentence = (
            _("{name} is a pipe, not a regular file, so it cannot be read as data")
            if stat.S_ISFIFO(mode)
            else _("{name} is a socket, not a regular file, so it cannot be read as data")
            if stat.S_ISSOCK(mode)
            else _("{name} is a device, not a regular file, so it cannot be read as data")
        )
        raise DataFileError(sentence.format(name=name))


def _reason(error: BaseException) -> str:
    text = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
    return text[:1].lower() + text[1:]


def _cannot_read(name: str, error: BaseException) -> str:
    return _("{name} cannot be read: {reason}").format(name=name, reason=_reason(error))


def _cannot_open(name: str, error: BaseException) -> str:
    return _("{name} cannot be opened: {reason}").format(name=name, reason=_reason(error))


def _denied(name: str) -> str:
    return _("{name} cannot be read: permission denied").format(name=name)


# --- the header ------------------------------------------------------------------------------


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _header(path: str, raw: io.FileIO) -> Header:
    name = display_name(path)
    size = os.fstat(raw.fileno()).st_size
    if size == 0:
        raise DataFileError(_("{name} is empty").format(name=name))
    first = _read_line(raw, name)
    header_bytes = len(first)
    if first.startswith(b"\xef\xbb\xbf"):
        first = first[3:]
    text = _decode(first, name, 1)
    if not text.strip():
        raise DataFileError(
            _("{name} line 1 is blank: the first line must name the columns").format(name=name)
        )
    if text.count('"') % 2:
        raise DataFileError(
            _("{name} line 1 has a quote that is never closed").format(name=name), line=1
        )
    delimiter = _delimiter(path, text)
    try:
        row = next(_csv_reader([text.rstrip("\r\n")], delimiter))
    except (csv.Error, StopIteration):
        raise DataFileError(
            _("{name} line 1 cannot be read as a CSV header").format(name=name), line=1
        ) from None
    names = tuple(cell.strip() for cell in row)
    seen: set[str] = set()
    for number, column in enumerate(names, 1):
        if not column:
            raise DataFileError(
                _("{name} line 1: column {number} has no name").format(name=name, number=number),
                line=1,
            )
        if column in seen:
            raise DataFileError(
                _('{name} line 1 names the column "{column}" twice').format(
                    name=name, column=column
                ),
                line=1,
                column=column,
            )
        seen.add(column)
    if all(_is_number(column) for column in names):  # a file without its header row
        raise DataFileError(
            _(
                "{name} line 1 holds numbers, not column names: the file needs a header row "
                "naming its columns"
            ).format(name=name),
            line=1,
        )
    try:
        rows = _rows_estimate(raw, size, header_bytes)
    except OSError as error:
        raise DataFileError(_cannot_read(name, error)) from None
    return Header(path, names, delimiter, size, header_bytes, rows)


def _read_line(raw: io.FileIO, name: str) -> bytes:
    """Line 1, its line end included, read in blocks up to :data:`HEADER_LIMIT`."""
    raw.seek(0)
    line = b""
    while b"\n" not in line:
        try:
            block = raw.read(64 * 1024)
        except OSError as error:
            raise DataFileError(_cannot_read(name, error)) from None
        if not block:
            break
        line += block
        if len(line) > HEADER_LIMIT and b"\n" not in line[:HEADER_LIMIT]:
            if _looks_binary(line):
                raise DataFileError(
                    _("{name} is not text: is it a binary file?").format(name=name), line=1
                )
            raise DataFileError(
                _(
                    "{name} line 1 is longer than {size} MB: that is not a header naming the "
                    "columns"
                ).format(name=name, size=HEADER_LIMIT // (1024 * 1024)),
                line=1,
            )
    end = line.find(b"\n")
    return line if end < 0 else line[: end + 1]


def _looks_binary(data: bytes) -> bool:
    return b"\0" in data[:8192]


def _decode(line: bytes, name: str, number: int) -> str:
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        if number == 1 and line.startswith(b"PK\x03\x04"):
            raise DataFileError(
                _("{name} is a zip file (a spreadsheet?), not text: save it as CSV").format(
                    name=name
                )
            ) from None
        if number == 1 and line[:2] in (b"\xff\xfe", b"\xfe\xff"):
            raise DataFileError(
                _("{name} is UTF-16 text: save it as UTF-8").format(name=name)
            ) from None
        raise DataFileError(
            _("{name} line {line} is not UTF-8 text: is it a binary file?").format(
                name=name, line=number
            ),
            line=number,
        ) from None
    if "\0" in text:
        raise DataFileError(
            _("{name} line {line} holds a NUL byte: is it a binary file?").format(
                name=name, line=number
            ),
            line=number,
        )
    return text


def _delimiter(path: str, header: str) -> str:
    """A tab for .tsv and .tab; else what the header shows (see the module's docstring)."""
    if os.path.splitext(path)[1].lower() in (".tsv", ".tab"):
        return "\t"
    if "\t" in header and "," not in header:
        return "\t"
    if ";" in header and "," not in header and "\t" not in header:
        return ";"
    return ","


def _rows_estimate(raw: io.FileIO, size: int, header_bytes: int) -> int:
    """The rows after the header: counted when the rest is one sample, else the rest's size
    over the sample's bytes per line, blank lines and all (an estimate a little high is harmless)."""
    raw.seek(header_bytes)
    sample = raw.read(SAMPLE_BYTES) or b""
    if header_bytes + len(sample) >= size:
        return sum(1 for line in sample.splitlines() if line.strip())
    lines = max(sample.count(b"\n"), 1)
    return math.ceil((size - header_bytes) * lines / len(sample))


def _select(
    header: Header, target: str | None, features: tuple[str, ...] | None
) -> tuple[tuple[str, ...], str]:
    """(the feature columns, the target column) asked for, or the sentence saying why not."""
    name, columns = header.name, header.names
    for column in (target, *(features or ())):
        if column is not None and column not in columns:
            raise DataFileError(
                _('{name} has no column "{column}": its columns are {columns}').format(
                    name=name, column=column, columns=_listed(columns)
                ),
                column=column,
            )
    if len(columns) < 2 and features is None:
        raise DataFileError(
            _('{name} has one column, "{column}": it needs a feature besides the target').format(
                name=name, column=columns[0]
            )
        )
    target_name = columns[-1] if target is None else target
    if features is None:
        chosen = tuple(column for column in columns if column != target_name)
    else:
        chosen = tuple(features)
    if target_name in chosen:
        raise DataFileError(
            _('"{target}" is the target in {name}, so it cannot be a feature too').format(
                target=target_name, name=name
            ),
            column=target_name,
        )
    if len(set(chosen)) < len(chosen):
        twice = next(column for column in chosen if chosen.count(column) > 1)
        raise DataFileError(
            _('the feature "{column}" of {name} is chosen twice').format(column=twice, name=name),
            column=twice,
        )
    if not chosen:
        raise DataFileError(
            _("no feature columns are chosen from {name}: at least one is needed").format(name=name)
        )
    return chosen, target_name


def _listed(columns: tuple[str, ...]) -> str:
    shown = ", ".join(f'"{column}"' for column in columns[:8])
    if len(columns) > 8:
        return _("{shown}, … ({count:,} in all)").format(shown=shown, count=len(columns))
    return shown


def _memory_needed(header: Header, used: int) -> int:
    """Peak bytes of a load: the parsed table (every column, as float32), then the features and
    labels copied out of it, plus the fixed part."""
    return header.rows_estimate * 4 * (len(header.names) + used) + FIXED_BYTES


def _size(count: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if count < 1000:
            return f"{count:.0f} {unit}" if unit == "B" else f"{count:.1f} {unit}"
        count /= 1000
    return f"{count:.1f} TB"


# --- parsing ---------------------------------------------------------------------------------

_Parsed = tuple[Floats, Floats, int]


def _zero(_text: str) -> float:
    return 0.0


def _parse_fast(
    raw: io.FileIO, header: Header, used: list[int], drop_missing: bool
) -> _Parsed | None:
    """The rows after the header through numpy's C loadtxt; None wherever it fails or reads a
    value that is not finite (and not to be dropped), for :func:`_parse_with_csv` to explain.
    Columns not used are read as zeros, so they may hold text and rows keep their length check."""
    columns = len(header.names)
    skipped: dict[int | str, Callable[[str], float]] = {
        index: _zero for index in range(columns) if index not in used
    }
    buffered = io.BufferedReader(raw, 1024 * 1024)
    text = io.TextIOWrapper(buffered, encoding="utf-8", newline=None)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "input contained no data", overflow to inf
            table = np.loadtxt(
                text,
                delimiter=header.delimiter,
                dtype=np.float32,
                comments=None,
                quotechar='"',
                ndmin=2,
                converters=skipped or None,
            )
    except (ValueError, OverflowError, TypeError):  # UnicodeDecodeError is a ValueError
        return None
    except OSError as error:
        raise DataFileError(_cannot_read(header.name, error)) from None
    finally:
        text.detach()
        buffered.detach()  # a reader that is collected closes its file: the caller owns it
    if table.shape[0] == 0 or table.shape[1] != columns:
        return None
    dropped = 0
    # Columns not used are zeros, so the whole table is checked, in blocks to keep the masks small.
    if not all(
        np.isfinite(table[start : start + _BLOCK_ROWS]).all()
        for start in range(0, table.shape[0], _BLOCK_ROWS)
    ):
        if not drop_missing:
            return None
        finite = np.isfinite(table).all(axis=1)
        dropped = int(finite.size - np.count_nonzero(finite))
        if dropped == finite.size:
            return None
        table = table[finite]
    # take, not table[:, used], which makes a second copy on the way to a C-contiguous one.
    return np.take(table, used[:-1], axis=1), np.take(table, used[-1:], axis=1), dropped


def _parse_with_csv(raw: io.FileIO, header: Header, used: list[int], drop_missing: bool) -> _Parsed:
    """The whole file through Python's csv module, line by line: the sentence for its first bad
    cell, or, if there is none, its values (the same as loadtxt's: float() then float32)."""
    buffered = io.BufferedReader(raw, 1024 * 1024)
    try:
        return _read_rows(buffered, header, used, drop_missing)
    finally:
        buffered.detach()  # a reader that is collected closes its file: the caller owns it


def _read_rows(binary: BinaryIO, header: Header, used: list[int], drop_missing: bool) -> _Parsed:
    name, columns = header.name, header.names
    reader = _csv_reader(_text_lines(binary, name), header.delimiter)
    blocks: list[Floats] = []
    block: list[list[float]] = []
    dropped = 0
    line = 0
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            raise DataFileError(_csv_trouble(name, start, str(error)), line=start) from None
        line = start
        if line == 1:
            continue  # the header, read already
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        if len(row) != len(columns):
            sentence = (
                _(
                    "{name} line {line} has {fields}, but the header has {columns:,} "
                    "(a quote that is never closed?)"
                )
                if any("\n" in cell for cell in row)
                else _("{name} line {line} has {fields}, but the header has {columns:,}")
            )
            raise DataFileError(
                sentence.format(
                    name=name, line=line, fields=_fields(len(row)), columns=len(columns)
                ),
                line=line,
            )
        values: list[float] = []
        for index in used:
            cell = row[index]
            value = _number(cell)
            trouble = _trouble(cell, value)
            if trouble is not None:
                if drop_missing and trouble != "not a number":
                    dropped += 1
                    break
                raise DataFileError(
                    _cell_sentence(name, line, columns[index], cell, trouble, header.delimiter),
                    line=line,
                    column=columns[index],
                )
            values.append(value)  # type: ignore[arg-type]  # _trouble saw it is a float
        else:
            block.append(values)
            if len(block) == _BLOCK_ROWS:
                blocks.append(np.array(block, dtype=np.float32))
                block = []
    if block:
        blocks.append(np.array(block, dtype=np.float32))
    if not blocks:
        if dropped:
            raise DataFileError(
                _(
                    "every row of {name} has an empty or non-finite value in a column used, so "
                    "no row is left"
                ).format(name=name)
            )
        raise DataFileError(_("{name} has a header but no rows of data").format(name=name))
    features = np.concatenate([block[:, :-1] for block in blocks])
    labels = np.concatenate([block[:, -1:] for block in blocks])
    return features, labels, dropped


def _csv_reader(lines: Iterable[str], delimiter: str) -> Any:
    """Rows as this module reads them: a quote may follow spaces (loadtxt wants it first), and
    one left open runs on to the end of the file (strict mode, which would stop there, also
    refuses a space after a closing quote, which loadtxt allows)."""
    return csv.reader(lines, delimiter=delimiter, quotechar='"', skipinitialspace=True)


def _text_lines(binary: BinaryIO, name: str) -> Iterator[str]:
    """The file's lines decoded one by one, so that a byte that is not UTF-8 is blamed on its
    own line (a decoder reading blocks would fail on an earlier one)."""
    for number, line in enumerate(binary, 1):
        if number == 1 and line.startswith(b"\xef\xbb\xbf"):
            line = line[3:]
        yield _decode(line, name, number)


def _number(cell: str) -> float | None:
    """The cell's number as float() reads it, spaces around allowed; None for text. Digits
    written with underscores (1_000) or outside ASCII are text, as numpy's C parser has them."""
    text = cell.strip()
    if not text or "_" in text or not text.isascii():
        return None
    try:
        return float(text)
    except ValueError:
        return None


def _trouble(cell: str, value: float | None) -> str | None:
    """What is wrong with a cell for training, or None."""
    if value is None:
        return "empty" if not cell.strip() else "not a number"
    if not math.isfinite(value):
        return "not finite"
    if abs(value) >= FLOAT32_LIMIT:
        return "too large"
    return None


def _cell_sentence(
    name: str, line: int, column: str, cell: str, trouble: str, delimiter: str
) -> str:
    where = _('{name} line {line}, column "{column}"').format(name=name, line=line, column=column)
    shown = _shown(cell.strip())
    if trouble == "empty":
        return _("{where} is empty").format(where=where)
    if trouble == "not finite":
        sentence = _("{where}: {value} is not a finite number")
    elif trouble == "too large":
        sentence = _("{where}: {value} is too large for float32 (its largest is about 3.4e38)")
    elif "\n" in cell:
        sentence = _("{where}: {value} is not a number (a quote that is never closed?)")
    elif delimiter != "," and "," in cell:
        sentence = _("{where}: {value} is not a number (write decimals with a point, not a comma)")
    else:
        sentence = _("{where}: {value} is not a number")
    return sentence.format(where=where, value=shown)


def _csv_trouble(name: str, line: int, reason: str) -> str:
    if "field larger than field limit" in reason:
        sentence = _("{name} line {line} has a field longer than {limit:,} characters")
    elif "new-line character seen" in reason:
        sentence = _(
            "{name} line {line} ends with a carriage return alone: save it with LF or CRLF "
            "line ends"
        )
    else:
        sentence = _("{name} line {line} is not valid CSV: a quote in the middle of a field?")
    return sentence.format(name=name, line=line, limit=csv.field_size_limit())


def _fields(count: int) -> str:
    return _("1 field") if count == 1 else _("{count:,} fields").format(count=count)


def _shown(text: str) -> str:
    """A cell as a message quotes it: long text cut, odd characters escaped."""
    if len(text) > 24:
        text = text[:20] + "…"
    return json.dumps(text, ensure_ascii=False)
