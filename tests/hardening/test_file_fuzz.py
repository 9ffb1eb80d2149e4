"""Files a user hands the app: data files damaged in every way people and programs damage them,
and the settings file. A data file is read exactly or refused in one sentence that names the
file, and its line and column where it has one; nothing else ever escapes, and nothing is
trained or recorded on a refused file. The settings file never stops the app from starting."""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.hardening.conftest import TALLY, scaled
from tui_linreg import preferences
from tui_linreg.cli import main
from tui_linreg.datafile import DataFileError, read_table
from tui_linreg.history import History

NASTY_CELLS = [
    "",
    " ",
    "nan",
    "NaN",
    "inf",
    "-inf",
    "1e308",  # finite in float64, beyond float32
    "1e39",
    "-3.5e38",
    "1e-400",
    "abc",
    "١٢",
    "0x10",
    "1_000",
    '"',
    '"1"',
    '" 2.5 "',
    "1,5",
    "\x00",
    "\ufeff1",
    "1e",
    "--1",
    "😀",
]

FINITE = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, width=32)


@st.composite
def damaged_files(draw: st.DrawFn) -> tuple[bytes, np.ndarray | None]:
    """A good file, as people save them (a delimiter, a BOM, CRLF, quoted cells), then none to
    three kinds of damage. The good file's float32 values, or None once it is damaged."""
    columns = draw(st.integers(2, 5))
    rows = draw(st.lists(st.lists(FINITE, min_size=columns, max_size=columns), max_size=8))
    delimiter = draw(st.sampled_from([",", "\t", ";"]))
    end = draw(st.sampled_from(["\n", "\r\n"]))
    quoted = draw(st.booleans())
    names = [f"x{j}" for j in range(columns - 1)] + ["y"]
    cells = [[repr(value) for value in row] for row in rows]
    if quoted:
        cells = [[f'"{cell}"' for cell in row] for row in cells]
    lines = [delimiter.join(names)] + [delimiter.join(row) for row in cells]
    damage = draw(
        st.lists(
            st.sampled_from(["cell", "ragged", "extra", "blank", "cut", "bytes", "header"]),
            max_size=3,
        )
    )
    for kind in damage:
        line = draw(st.integers(0, len(lines) - 1))
        fields = lines[line].split(delimiter)
        if kind == "cell":
            fields[draw(st.integers(0, len(fields) - 1))] = draw(st.sampled_from(NASTY_CELLS))
        elif kind == "ragged" and len(fields) > 1:
            fields.pop()
        elif kind == "extra":
            fields.append(draw(st.sampled_from(["1", "", "z"])))
        elif kind == "blank":
            lines.insert(line, draw(st.sampled_from(["", " ", "\t"])))
        elif kind == "header":
            fields[draw(st.integers(0, len(fields) - 1))] = draw(st.sampled_from(["", "y", "1"]))
        lines[line] = delimiter.join(fields) if kind not in ("blank",) else lines[line]
    text = ("\ufeff" if draw(st.booleans()) else "") + end.join(lines) + end
    data = text.encode()
    if "cut" in damage:
        data = data[: draw(st.integers(0, len(data)))]
    if "bytes" in damage:
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(min_size=1, max_size=20)) + data[at:]
    values = np.array(rows, dtype=np.float32).reshape(len(rows), columns)
    return data, values if not damage else None


def read_or_refuse(path: Path) -> np.ndarray | None:
    """The table's values; None for a refusal, which must be one sentence naming the file."""
    try:
        table = read_table(str(path))
    except DataFileError as error:
        message = str(error)
        assert "\n" not in message, message
        assert "Traceback" not in message, message
        assert path.name in message, message
        assert len(message) < 400, message
        if error.line is not None:
            assert f"line {error.line}" in message, message
        TALLY["data files refused"] += 1
        return None
    TALLY["data files read"] += 1
    got = np.hstack([table.features, table.labels])
    assert got.dtype == np.float32
    assert np.isfinite(got).all()
    return got


@settings(
    max_examples=scaled(150, 3000),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(file=damaged_files())
def test_a_data_file_is_read_exactly_or_refused_in_one_sentence(
    tmp_path: Path, file: tuple[bytes, np.ndarray | None]
) -> None:
    data, good = file
    path = tmp_path / "mine.csv"
    path.write_bytes(data)
    got = read_or_refuse(path)
    if good is not None and len(good):
        assert got is not None, "a good file was refused"
        assert np.array_equal(got.view(np.uint32), good.view(np.uint32))  # bit for bit


@settings(
    max_examples=scaled(100, 2000),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.binary(max_size=3000))
def test_random_bytes_as_a_data_file_are_refused_or_read_never_raised(
    tmp_path: Path, data: bytes
) -> None:
    path = tmp_path / "noise.csv"
    path.write_bytes(data)
    read_or_refuse(path)


def test_a_refused_file_trains_and_records_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Through ``train``: each kind of damage exits 2 with one line, and the history is as it
    was."""
    history = tmp_path / "history.jsonl"
    assert main(["train", "--history", str(history), "--epochs", "1"]) == 0
    before = history.read_bytes()
    capsys.readouterr()
    rng = random.Random(3)
    damaged = [
        b"x,y\n1,2\n3,oops\n",
        b"x,y\n1,2\n3\n",
        b"x,y\n",
        b"",
        b"x,y\n1,nan\n",
        b"x,y\n1,1e308\n",
        bytes(rng.randrange(256) for _ in range(500)),
        b'\xef\xbb\xbfx,y\r\n1,2\r\n"3","x"\r\n',
    ]
    for number, data in enumerate(damaged):
        path = tmp_path / f"damaged-{number}.csv"
        path.write_bytes(data)
        code = main(["train", "--history", str(history), "--data", str(path), "--epochs", "1"])
        out, err = capsys.readouterr()
        assert code == 2, (data, out, err)
        assert err.startswith("tui-linreg: "), err
        assert err.count("\n") == 1, err
        assert "Traceback" not in out + err
        assert path.name in err
        TALLY["damaged files through train"] += 1
    assert history.read_bytes() == before


# --- the settings file -----------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=10,
)
settings_texts = st.one_of(
    st.binary(max_size=200),
    json_values.map(lambda value: json.dumps(value).encode()),
    json_values.map(lambda value: json.dumps({"theme": value}).encode()),
    st.integers(1, 200_000).map(lambda depth: b"[" * depth + b"]" * depth),
    st.integers(1, 200_000).map(lambda depth: b'{"theme":' * depth),
)


@settings(
    max_examples=scaled(200, 3000),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=settings_texts)
def test_any_settings_file_gives_a_theme_or_a_warning_never_an_error(
    tmp_path: Path, data: bytes
) -> None:
    path = tmp_path / "settings.json"
    path.write_bytes(data)
    theme, warning = preferences.load_theme(path)
    TALLY["settings files read"] += 1
    if theme is None:  # a warning, unless the file holds only a language
        assert warning is not None or preferences.load_language(path)
        assert "\n" not in (warning or "")
    else:
        assert theme
        assert warning is None


def test_a_missing_or_unreadable_settings_file_is_the_defaults(tmp_path: Path) -> None:
    assert preferences.load_theme(tmp_path / "none.json") == (None, None)
    folder = tmp_path / "settings.json"
    folder.mkdir()  # a folder where the file should be
    theme, warning = preferences.load_theme(folder)
    assert theme is None
    assert warning is not None
    assert "cannot be read" in warning
    if os.geteuid() != 0:  # root reads any file
        locked = tmp_path / "locked.json"
        locked.write_text('{"theme": "nord"}')
        locked.chmod(0)
        assert preferences.load_theme(locked)[0] is None


def test_history_loading_is_not_disturbed_by_a_damaged_settings_file(tmp_path: Path) -> None:
    """The two files are apart: the history's runs load whatever the settings file holds."""
    (tmp_path / "settings.json").write_bytes(b"[" * 100_000)
    assert History(tmp_path / "history.jsonl").load().records == []
