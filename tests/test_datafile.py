"""The reader of the user's own data files: values read back exactly, the file shapes people
save (BOM, CRLF, quotes, TSV, semicolons), and every refusal one sentence that names the file,
the line and the column. Values are checked against an independent parse: csv + float()."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui_linreg.datafile import DataFileError, Table, check_path, read_header, read_table


def write(path: Path, text: str | bytes) -> str:
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return str(path)


def independent(text: str, delimiter: str = ",") -> tuple[list[str], np.ndarray]:
    """The header and every row as float32, through csv and float() alone."""
    rows = [row for row in csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter)]
    header, body = rows[0], [row for row in rows[1:] if row]
    return [name.strip() for name in header], np.array(
        [[np.float32(float(cell)) for cell in row] for row in body], dtype=np.float32
    )


def refusal(path: str, **options: object) -> DataFileError:
    with pytest.raises(DataFileError) as caught:
        read_table(path, **options)  # type: ignore[arg-type]
    error = caught.value
    message = str(error)
    assert "\n" not in message
    assert "Traceback" not in message
    assert "could not convert" not in message
    assert "float32 at row" not in message
    assert os.sep not in message  # the file's name, not its path
    return error


def assert_same(table: Table, expected: np.ndarray) -> None:
    got = np.hstack([table.features, table.labels])
    assert got.dtype == np.float32
    assert np.array_equal(got.view(np.uint32), expected.view(np.uint32))  # bit for bit


# --- values ----------------------------------------------------------------------------------


def test_values_are_read_back_exactly_as_float32(tmp_path: Path) -> None:
    text = (
        "a,b,c,y\n"
        "1,-2.5,3e-3,0.1\n"
        "1e-45,-0.0,123456789.123456789,3.4028234e38\n"
        "+7,.5,5.,-1.17549435e-38\n"
        "0.30000000000000004,2.5E+2,-9.999999999,16777217\n"
    )
    table = read_table(write(tmp_path / "data.csv", text))
    _, expected = independent(text)
    assert_same(table, expected)
    assert table.features.shape == (4, 3)
    assert table.labels.shape == (4, 1)
    assert table.features.flags.c_contiguous
    assert table.labels.flags.c_contiguous
    assert table.feature_names == ("a", "b", "c")
    assert table.target_name == "y"
    assert table.rows == 4
    assert table.dropped == 0
    assert table.delimiter == ","


def test_sha256_is_of_the_files_bytes(tmp_path: Path) -> None:
    path = write(tmp_path / "data.csv", "x,y\n1,2\n3,4\n")
    assert read_table(path).sha256 == hashlib.sha256(Path(path).read_bytes()).hexdigest()


def test_a_bom_and_crlf_line_ends_are_read(tmp_path: Path) -> None:
    text = "\ufeffx1,x2,y\r\n1,2,3\r\n4,5,6\r\n\r\n"
    table = read_table(write(tmp_path / "data.csv", text))
    assert table.feature_names == ("x1", "x2")  # no BOM in the first name
    assert_same(table, np.array([[1, 2, 3], [4, 5, 6]], dtype=np.float32))


def test_quoted_numbers_and_spaces_around_fields_are_numbers(tmp_path: Path) -> None:
    text = 'x1, "x2" ,y\n"1", 2.5 ,"  3"\n 4 ,"5",6\n'
    table = read_table(write(tmp_path / "data.csv", text))
    assert table.feature_names == ("x1", "x2")
    assert_same(table, np.array([[1, 2.5, 3], [4, 5, 6]], dtype=np.float32))


@pytest.mark.parametrize(
    ("name", "text", "delimiter"),
    [
        ("data.tsv", "x1\tx2\ty\n1\t2\t3\n", "\t"),
        ("data.tab", "x1\tx2\ty\n1\t2\t3\n", "\t"),
        ("data.txt", "x1\tx2\ty\n1\t2\t3\n", "\t"),  # tabs and no commas in the header
        ("data.csv", "x1;x2;y\n1;2;3\n", ";"),  # semicolons and neither commas nor tabs
        ("data.csv", "x1,x2,y\n1,2,3\n", ","),
    ],
)
def test_the_delimiter(tmp_path: Path, name: str, text: str, delimiter: str) -> None:
    table = read_table(write(tmp_path / name, text))
    assert table.delimiter == delimiter
    assert_same(table, np.array([[1, 2, 3]], dtype=np.float32))


def test_a_tsv_file_splits_on_tabs_even_when_names_hold_commas(tmp_path: Path) -> None:
    table = read_table(write(tmp_path / "data.tsv", "a,1\tb\ty\n1\t2\t3\n"))
    assert table.feature_names == ("a,1", "b")


def test_target_and_features_are_chosen_by_name_in_the_order_given(tmp_path: Path) -> None:
    path = write(tmp_path / "data.csv", "a,b,c,d\n1,2,3,4\n5,6,7,8\n")
    table = read_table(path, target="b", features=("d", "a"))
    assert table.feature_names == ("d", "a")
    assert table.target_name == "b"
    assert table.features.tolist() == [[4, 1], [8, 5]]
    assert table.labels.tolist() == [[2], [6]]
    by_default = read_table(path, target="a")
    assert by_default.feature_names == ("b", "c", "d")


def test_columns_not_used_may_hold_text(tmp_path: Path) -> None:
    text = 'name,x,note,y\nbob,1,"says ""hi"", twice",2\n"a,b",3,"two\nlines",4\nc,5,,6\n'
    table = read_table(write(tmp_path / "data.csv", text), features=("x",))
    assert table.features.tolist() == [[1], [3], [5]]
    assert table.labels.tolist() == [[2], [4], [6]]


def test_blank_lines_are_skipped_but_counted(tmp_path: Path) -> None:
    path = write(tmp_path / "data.csv", "x,y\n1,2\n\n   \n3,4\n\n5,oops\n")
    error = refusal(path)
    assert error.line == 7
    assert "line 7" in str(error)


def test_ten_thousand_columns(tmp_path: Path) -> None:
    columns = 10_000
    rng = np.random.default_rng(1)
    values = rng.standard_normal((3, columns)).astype(np.float32)
    header = ",".join(f"c{j}" for j in range(columns))
    body = "\n".join(",".join(str(v) for v in row) for row in values)
    table = read_table(write(tmp_path / "wide.csv", header + "\n" + body + "\n"))
    assert table.features.shape == (3, columns - 1)
    assert_same(table, values)
    assert check_path(str(tmp_path / "wide.csv")) is None


# --- refusals: one sentence, the line and the column ------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "column", "words"),
    [
        ("x1,x2,y\n1,2,3\n4,abc,6\n", 3, "x2", '"abc" is not a number'),
        ("x1,x2,y\n1,2,3\n4,,6\n", 3, "x2", "is empty"),
        ("x1,x2,y\n1,2,3\n4, ,6\n", 3, "x2", "is empty"),
        ("x1,x2,y\n1,2,3\n4,5,nan\n", 3, "y", "not a finite number"),
        ("x1,x2,y\n1,2,3\n-inf,5,6\n", 3, "x1", "not a finite number"),
        ("x1,x2,y\n1,2,3\n4,1e400,6\n", 3, "x2", "not a finite number"),
        ("x1,x2,y\n1,2,3\n4,1e308,6\n", 3, "x2", "too large for float32"),
        ("x1,x2,y\n1,2,3\n4,-3.5e38,6\n", 3, "x2", "too large for float32"),
        ("x1,x2,y\n1,2,3\n4,1_000,6\n", 3, "x2", "not a number"),
        ("x1,x2,y\n1,2,3\n#4,5,6\n", 3, "x1", "not a number"),  # no comments
        ("x;y\n1;2\n1,5;2\n", 3, "x", "with a point, not a comma"),
        ('\ufeffx1,x2,y\r\n1,2,3\r\n"4",5,"six"\r\n', 3, "y", '"six" is not a number'),
        ('note,x,y\n"a\nb",1,2\nc,2,z\n', 4, "y", '"z" is not a number'),  # 2 lines, 1 row
        ("note,x,y\nc,2,3\n", 2, "note", '"c" is not a number'),  # used by default
    ],
)
def test_a_bad_cell_is_refused_naming_its_line_and_column(
    tmp_path: Path, text: str, line: int, column: str, words: str
) -> None:
    features = ("x",) if text.startswith("note") and column != "note" else None
    error = refusal(write(tmp_path / "data.csv", text), features=features)
    message = str(error)
    assert message.startswith(f'data.csv line {line}, column "{column}"'), message
    assert words in message
    assert (error.line, error.column) == (line, column)


def test_1e308_is_a_finite_float64_but_overflows_float32(tmp_path: Path) -> None:
    assert np.isfinite(np.float64(1e308))
    assert float("3.4e38") < np.finfo(np.float32).max
    assert read_table(write(tmp_path / "ok.csv", "x,y\n3.4e38,-3.4e38\n")).labels.tolist() == [
        [np.float32(-3.4e38)]
    ]
    assert "too large for float32" in str(refusal(write(tmp_path / "big.csv", "x,y\n1e308,1\n")))


@pytest.mark.parametrize(
    ("text", "features", "line", "fields"),
    [
        ("x1,x2,y\n1,2,3\n4,5\n", None, 3, "2 fields"),
        ("x1,x2,y\n1,2,3,4\n5,6,7,8\n", None, 2, "4 fields"),  # loadtxt takes 4 columns
        ("x1,x2,y\n1,2,3\n4,5,6,7\n", None, 3, "4 fields"),
        ("name,x,y\nbob,1,2\nann,3\n", ("x",), 3, "2 fields"),  # with a column not used
        ("name,x,y\nbob,1,2\nann,3,4,5\n", ("x",), 3, "4 fields"),
    ],
)
def test_a_ragged_row_is_refused(
    tmp_path: Path, text: str, features: tuple[str, ...] | None, line: int, fields: str
) -> None:
    error = refusal(write(tmp_path / "data.csv", text), features=features)
    assert str(error) == f"data.csv line {line} has {fields}, but the header has 3"
    assert error.line == line


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "data.csv is empty"),
        ("x,y\n", "data.csv has a header but no rows of data"),
        ("x,y", "data.csv has a header but no rows of data"),
        ("x,y\n\n\n", "data.csv has a header but no rows of data"),
        ("\n1,2\n", "data.csv line 1 is blank"),
        ("x,y,x\n1,2,3\n", 'data.csv line 1 names the column "x" twice'),
        ("x,,y\n1,2,3\n", "data.csv line 1: column 2 has no name"),
        ("y\n1\n", 'data.csv has one column, "y"'),
        ('x,y\n1,"2\n3,4\n', 'line 2, column "y": "2\\n3,4" is not a number (a quote that'),
        ('x,y,z\n1,"2\n3,4,5\n', "data.csv line 2 has 2 fields, but the header has 3 (a quote"),
        ('"x,y\n1,2\n', "data.csv line 1 has a quote that is never closed"),
    ],
)
def test_a_file_of_the_wrong_shape_is_refused(tmp_path: Path, text: str, words: str) -> None:
    assert words in str(refusal(write(tmp_path / "data.csv", text)))


def test_column_names_are_checked(tmp_path: Path) -> None:
    path = write(tmp_path / "data.csv", "a,b,c\n1,2,3\n")
    unknown = refusal(path, target="z")
    assert str(unknown) == 'data.csv has no column "z": its columns are "a", "b", "c"'
    assert unknown.column == "z"
    assert '"q"' in str(refusal(path, features=("a", "q")))
    assert "cannot be a feature too" in str(refusal(path, target="a", features=("a", "b")))
    assert "at least one is needed" in str(refusal(path, features=()))
    assert 'feature "a"' in str(refusal(path, features=("a", "a")))


def test_random_bytes_are_refused_as_not_text(tmp_path: Path) -> None:
    noise = np.random.default_rng(0).integers(0, 256, 100_000, dtype=np.uint8).tobytes()
    assert "is not UTF-8 text" in str(refusal(write(tmp_path / "noise.csv", noise)))
    nul = refusal(write(tmp_path / "nul.csv", b"x,y\n1,2\n3\x00,4\n"))
    assert "line 3" in str(nul)
    assert "NUL" in str(nul)
    late = refusal(write(tmp_path / "late.csv", b"x,y\n1,2\n3,4\n\xff\xfe,5\n"))
    assert str(late) == "late.csv line 4 is not UTF-8 text: is it a binary file?"
    zipped = refusal(write(tmp_path / "book.csv", b"PK\x03\x04\x14\x00\xff\xfe" + noise[:200]))
    assert "zip file" in str(zipped)
    utf16 = refusal(write(tmp_path / "wide.csv", "x,y\n1,2\n".encode("utf-16")))
    assert str(utf16) == "wide.csv is UTF-16 text: save it as UTF-8"


def test_paths_that_are_no_regular_file(tmp_path: Path) -> None:
    assert str(refusal(str(tmp_path / "none.csv"))) == "none.csv does not exist"
    folder = tmp_path / "folder.csv"
    folder.mkdir()
    assert str(refusal(str(folder))) == "folder.csv is a folder, not a data file"
    assert "does not exist" in str(refusal(str(tmp_path / "x.csv" / "y.csv")))
    assert "is a device" in str(refusal(os.devnull))


def as_nobody(path: str) -> list[str | None]:
    """check_path's answer and read_table's refusal, in a child process that is user 65534."""
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover (the child)
        try:
            os.close(read_end)
            os.setgid(65534)
            os.setuid(65534)
            answers: list[str | None] = [check_path(path)]
            try:
                read_table(path)
                answers.append(None)
            except DataFileError as error:
                answers.append(str(error))
            os.write(write_end, json.dumps(answers).encode())
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as answer:
        data = answer.read()
    os.waitpid(child, 0)
    result: list[str | None] = json.loads(data)
    return result


def test_a_file_without_permission_to_read() -> None:
    folder = Path(tempfile.mkdtemp(prefix="datafile-"))  # open to all, unlike tmp_path
    path = write(folder / "secret.csv", "x,y\n1,2\n")
    expected = "secret.csv cannot be read: permission denied"
    try:
        os.chmod(folder, 0o755)
        os.chmod(path, 0)
        if os.access(path, os.R_OK):  # root reads it anyway: ask as another user
            if not hasattr(os, "fork") or os.geteuid() != 0:
                pytest.skip("chmod does not stop this user reading, and there is no other")
            assert as_nobody(path) == [expected, expected]
        else:
            assert str(refusal(path)) == expected
            assert check_path(path) == expected
    finally:
        os.chmod(path, 0o600)
        shutil.rmtree(folder)


def test_a_fifo_is_refused_at_once_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    answers: list[str | None] = []

    def check() -> None:
        answers.append(check_path(str(fifo)))
        try:
            read_table(str(fifo))
        except DataFileError as error:
            answers.append(str(error))

    worker = threading.Thread(target=check, daemon=True)
    worker.start()
    worker.join(timeout=10)
    if worker.is_alive():  # it blocked: a writer lets it go before the test fails
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        pytest.fail("reading a FIFO blocked")
    assert answers == ["pipe.csv is a pipe, not a regular file, so it cannot be read as data"] * 2


# --- drop_missing and memory -------------------------------------------------------------------


def test_drop_missing_drops_rows_with_empty_or_non_finite_values_and_counts_them(
    tmp_path: Path,
) -> None:
    text = "x1,x2,note,y\n1,2,,3\n4,,a,6\nnan,1,b,2\n1,1e400,c,1\n1,2,d,1e39\n7,8,e,9\n"
    table = read_table(write(tmp_path / "data.csv", text), features=("x1", "x2"), drop_missing=True)
    assert table.dropped == 4  # the empty note is in no column used
    assert table.features.tolist() == [[1, 2], [7, 8]]
    assert table.labels.tolist() == [[3], [9]]
    # loadtxt reads nan and inf: those rows go without the csv module's pass
    fast = read_table(
        write(tmp_path / "fast.csv", "x,y\n1,2\nnan,3\n4,inf\n5,6\n"), drop_missing=True
    )
    assert fast.dropped == 2
    assert fast.features.tolist() == [[1], [5]]
    # text is not missing: it is still refused
    assert '"abc" is not a number' in str(
        refusal(write(tmp_path / "text.csv", "x,y\n1,2\nabc,3\n"), drop_missing=True)
    )


def test_drop_missing_refuses_a_file_it_would_empty(tmp_path: Path) -> None:
    for name, text in [("a.csv", "x,y\n1,\n,2\n"), ("b.csv", "x,y\nnan,1\n2,inf\n")]:
        message = str(refusal(write(tmp_path / name, text), drop_missing=True))
        assert message.startswith(f"every row of {name} has an empty or non-finite value")


def test_a_file_too_big_for_the_memory_available_is_refused_before_it_is_parsed(
    tmp_path: Path,
) -> None:
    rows = "\n".join(f"{i},{i * 2},not parsed" for i in range(5000))
    path = write(tmp_path / "data.csv", "x,y,z\n" + rows + "\n")
    message = str(refusal(path, available=1_000_000))
    assert message.startswith("data.csv needs about ")
    assert "of memory to load" in message
    assert "about 5,0" in message
    assert "only 1.0 MB is available" in message
    assert read_table(path, features=("x",), target="y", available=10**9).rows == 5000


def test_the_memory_estimate_is_near_the_rows_of_a_large_file(tmp_path: Path) -> None:
    path = write(tmp_path / "data.csv", "x,y\n" + "".join(f"{i},{i}.5\n" for i in range(100_000)))
    assert abs(read_header(path).rows_estimate - 100_000) < 25_000  # lines grow longer


# --- check_path --------------------------------------------------------------------------------


def test_check_path_says_none_or_the_sentence(tmp_path: Path) -> None:
    good = write(tmp_path / "good.csv", "x,y\n1,2\n")
    assert check_path(good) is None
    assert check_path(good, target="x", features=("y",)) is None
    assert check_path(good, target="q") == 'good.csv has no column "q": its columns are "x", "y"'
    assert check_path(str(tmp_path)) == f"{tmp_path.name} is a folder, not a data file"
    assert check_path(write(tmp_path / "e.csv", "")) == "e.csv is empty"
    assert (
        check_path(write(tmp_path / "h.csv", "x,y\n")) == "h.csv has a header but no rows of data"
    )


def test_check_path_reads_the_header_not_the_whole_file(tmp_path: Path) -> None:
    # A bad cell far down is read_table's to find; check_path stops at the header and a sample.
    body = "1,2\n" * 200_000
    path = write(tmp_path / "late.csv", "x,y\n" + body + "bad,2\n")
    assert check_path(path) is None
    assert "line 200002" in str(refusal(path))
    # No line end for megabytes: not a header, and it is not read to the end.
    long = write(tmp_path / "long.csv", "x" * (16 * 1024 * 1024))
    assert "line 1 is longer than 4 MB" in (check_path(long) or "")


# --- the two parsers agree -----------------------------------------------------------------------

floats32 = st.floats(width=32, allow_nan=False, allow_infinity=False)


@settings(max_examples=50, deadline=None)
@given(
    st.integers(1, 5).flatmap(
        lambda columns: st.lists(
            st.lists(floats32, min_size=columns + 1, max_size=columns + 1), min_size=1, max_size=20
        )
    ),
    st.sampled_from([",", "\t", ";"]),
    st.booleans(),
)
def test_random_float32_tables_round_trip(
    tmp_path_factory: pytest.TempPathFactory, rows: list[list[float]], delimiter: str, crlf: bool
) -> None:
    folder = tmp_path_factory.mktemp("round")
    values = np.array(rows, dtype=np.float32)
    header = delimiter.join(f"c{j}" for j in range(values.shape[1]))
    end = "\r\n" if crlf else "\n"
    lines = [header] + [
        delimiter.join(repr(float(v)) if j % 2 else str(v) for j, v in enumerate(row))
        for row in values
    ]
    text = end.join(lines) + end
    fast = read_table(write(folder / "data.csv", text))
    assert_same(fast, values)
    # A line of spaces at the end sends the file through the csv module instead: the same values.
    slow = read_table(write(folder / "slow.csv", text + "   " + end))
    assert_same(slow, values)


def test_the_reader_imports_neither_torch_nor_textual() -> None:
    code = "import sys, tui_linreg.datafile; print(json.dumps(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", "import json; " + code], capture_output=True, text=True, check=True
    )
    loaded = {name.split(".")[0] for name in json.loads(result.stdout)}
    assert "numpy" in loaded
    assert not loaded & {"torch", "textual", "pandas"}


def test_the_benchmark_runs_on_a_small_file(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bench.datafile", "--rows", "1000", "--rounds", "1"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=Path(__file__).parent.parent,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["rows"] == 1000
    assert report["ours"]["seconds"] > 0
    assert "| reader |" in result.stdout


def test_a_file_without_a_header_row_is_refused_not_read_with_numbers_for_names(
    tmp_path: Path,
) -> None:
    path = tmp_path / "nohdr.csv"
    path.write_text("1,2\n3,4\n5,6\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="line 1 holds numbers, not column names"):
        read_table(str(path))
    assert check_path(str(path)) is not None
