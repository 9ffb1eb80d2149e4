"""The built-in data sets: each file is what its catalogue entry says, and the numbers are
the published ones (checked by an independent computation, not read back from the catalogue)."""

from __future__ import annotations

import csv
import io
import re

import numpy as np
import numpy.typing as npt
import pytest

from tui_linreg.datasets import (
    DATASETS,
    Dataset,
    UnknownDatasetError,
    get,
    path_of,
    read_text,
)

ANSCOMBE = [f"anscombe-{number}" for number in range(1, 5)]

Array = npt.NDArray[np.float64]


def table(name: str) -> tuple[list[str], Array]:
    """The header and the numbers of a built-in data set, read with the csv module."""
    with path_of(name).open(encoding="utf-8", newline="") as file:
        rows = list(csv.reader(file))
    return rows[0], np.array([[float(value) for value in row] for row in rows[1:]])


def xy(name: str) -> tuple[Array, Array]:
    _, numbers = table(name)
    return numbers[:, 0], numbers[:, 1]


@pytest.mark.parametrize("name", list(DATASETS))
def test_each_file_has_the_declared_columns_and_rows(name: str) -> None:
    dataset = DATASETS[name]
    assert dataset.name == name
    raw = path_of(name).read_bytes()
    raw.decode("utf-8")  # UTF-8
    assert b"\r" not in raw  # LF line ends
    assert raw.endswith(b"\n")
    header, numbers = table(name)
    assert tuple(header) == dataset.columns == (*dataset.features, dataset.target)
    assert header[-1] == dataset.target  # the label is the last column
    assert numbers.shape == (dataset.rows, len(dataset.features) + 1)
    assert np.isfinite(numbers).all()
    assert read_text(name) == raw.decode("utf-8")


def test_the_catalogue_is_in_order_and_well_formed() -> None:
    assert list(DATASETS)[:4] == ANSCOMBE
    assert {"galton", "stackloss"} <= set(DATASETS)
    for dataset in DATASETS.values():
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", dataset.name), dataset.name
        assert len(dataset.summary) <= 72, dataset.summary
        assert "\n" not in dataset.summary
        assert all((dataset.title, dataset.question, dataset.source, dataset.licence))
        assert dataset.file == f"{dataset.name}.csv"
        assert dataset.target not in dataset.features
        assert len(set(dataset.columns)) == len(dataset.columns)


def test_names_are_looked_up_and_unknown_ones_are_refused() -> None:
    assert get("galton") is DATASETS["galton"]
    assert isinstance(get("anscombe-1"), Dataset)
    with pytest.raises(UnknownDatasetError, match="anscombe-1, anscombe-2"):
        get("anscombe")
    with pytest.raises(LookupError):
        path_of("no-such-data")


@pytest.mark.parametrize("name", ANSCOMBE)
def test_anscombes_sets_share_the_published_statistics(name: str) -> None:
    x, y = xy(name)
    n = len(x)
    assert n == 11
    assert x.mean() == pytest.approx(9.0, abs=1e-12)
    assert x.var(ddof=1) == pytest.approx(11.0, abs=1e-12)
    assert y.mean() == pytest.approx(7.50, abs=0.005)
    assert y.var(ddof=1) == pytest.approx(4.125, abs=0.005)
    # The least-squares line by the closed form, and again by numpy's polyfit.
    slope = float(np.sum((x - x.mean()) * (y - y.mean())) / np.sum((x - x.mean()) ** 2))
    intercept = float(y.mean() - slope * x.mean())
    assert slope == pytest.approx(0.500, abs=0.0005)
    assert intercept == pytest.approx(3.00, abs=0.005)
    assert np.polyfit(x, y, 1) == pytest.approx([slope, intercept], abs=1e-9)
    correlation = float(np.corrcoef(x, y)[0, 1])
    assert correlation == pytest.approx(0.816, abs=0.001)
    assert correlation**2 == pytest.approx(0.67, abs=0.005)


def test_anscombes_four_sets_are_not_the_same_data() -> None:
    pairs = [frozenset(zip(*(v.tolist() for v in xy(name)), strict=True)) for name in ANSCOMBE]
    assert len(set(pairs)) == 4
    x1, _ = xy("anscombe-1")
    for name in ("anscombe-2", "anscombe-3"):
        assert xy(name)[0].tolist() == x1.tolist()  # sets 1 to 3 share their x values
    x4, _ = xy("anscombe-4")
    assert sorted(set(x4.tolist())) == [8.0, 19.0]  # set 4: ten eights and one nineteen
    # What tells them apart: set 2 is a curve (a parabola fits it all but exactly), set 3
    # is a line but for one point.
    x2, y2 = xy("anscombe-2")
    residuals = y2 - np.polyval(np.polyfit(x2, y2, 2), x2)
    assert np.abs(residuals).max() < 0.01
    x3, y3 = xy("anscombe-3")
    outlier = int(np.argmax(y3))
    keep = np.arange(len(x3)) != outlier
    line = np.polyfit(x3[keep], y3[keep], 1)
    assert np.abs(y3[keep] - np.polyval(line, x3[keep])).max() < 0.01
    assert (x3[outlier], y3[outlier]) == (13.0, 12.74)


def test_galtons_table_has_the_published_means_and_slope() -> None:
    parent, child = xy("galton")
    assert len(parent) == 928
    assert parent.mean() == pytest.approx(68.31, abs=0.005)
    assert child.mean() == pytest.approx(68.09, abs=0.005)
    slope, intercept = np.polyfit(parent, child, 1)
    assert slope == pytest.approx(0.646, abs=0.0005)
    assert intercept == pytest.approx(23.94, abs=0.005)
    # Recorded in class intervals one inch wide: Galton's table has 11 rows of mid-parent
    # height (64.5 to 72.5, and one each side) and 14 columns of child height.
    assert len(set(parent.tolist())) == 11
    assert len(set(child.tolist())) == 14
    assert set((parent[(parent > 64) & (parent < 73)] % 1).tolist()) == {0.5}


def test_stackloss_has_the_published_least_squares_fit_and_outliers() -> None:
    header, numbers = table("stackloss")
    assert header == ["air_flow", "water_temp", "acid_conc", "stack_loss"]
    assert numbers.shape == (21, 4)
    design = np.column_stack([np.ones(21), numbers[:, :3]])
    fit, *_ = np.linalg.lstsq(design, numbers[:, 3], rcond=None)
    # As statsmodels documents for OLS on this data (regression/linear_model.py).
    assert fit == pytest.approx([-39.91967442, 0.7156402, 1.29528612, -0.15212252], abs=1e-6)
    residuals = numbers[:, 3] - design @ fit
    largest = {int(day) + 1 for day in np.argsort(-np.abs(residuals))[:4]}
    assert largest == {1, 3, 4, 21}  # the days the robust-regression literature flags


def test_the_files_are_plain_csv_that_any_reader_takes() -> None:
    for name in DATASETS:
        reader = csv.DictReader(io.StringIO(read_text(name)))
        assert tuple(reader.fieldnames or ()) == DATASETS[name].columns
        assert sum(1 for _ in reader) == DATASETS[name].rows
