"""plotext's matrix of cells turned straight into Textual's strips.

textual-plotext renders a plot as plotext's ANSI text, which rich parses back into styled
text and Textual lays out again as lines: two thirds of a small plot's drawing went to that
round trip (a replay key redraws two plots). plotext keeps each cell's character and colours
in a matrix; a run of cells with the same colours becomes one segment, its style parsed once
from the very ANSI code plotext would have written, so the result is the same cell for cell
(tests/ui/test_plot_cells.py holds it to the round trip).

plotext gives every character of a title or an axis label one cell; a Chinese one takes two
on a terminal, which would push the rest of its line out of the pane. :func:`plot_text` gives
such a character a second, empty cell in plotext's matrix, which the strips leave out.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from plotext._utility import colors_to_ansi
from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip

WIDE_FILLER = "\ue000"
"""The second cell of a wide character in plotext's matrix (a private-use character, left out
of the strips)."""


def plot_text(text: str) -> str:
    """``text`` for plotext's title and axis labels: each wide character followed by
    WIDE_FILLER, so that plotext, which counts characters, counts the cells a terminal takes."""
    if cell_len(text) == len(text):
        return text
    return "".join(c + WIDE_FILLER if cell_len(c) == 2 else c for c in text)


@lru_cache(maxsize=512)
def cell_style(foreground: object, style: object, background: object, base: Style) -> Style:
    """The style of a cell plotext colours so, over the widget's own ``base`` style."""
    text = Text.from_ansi(colors_to_ansi(foreground, style, background) + "x")
    return base + Style.combine(span.style for span in text.spans if isinstance(span.style, Style))


def matrix_strips(matrix: Any, base: Style) -> list[Strip]:
    """One strip per row of plotext's built matrix (``figure.monitor.matrix``), top first."""
    strips = []
    columns = matrix.cols
    for row in reversed(matrix.Rows):  # plotext's row 0 is the bottom one
        markers = matrix.marker[row]
        colours = list(
            zip(matrix.fullground[row], matrix.style[row], matrix.background[row], strict=True)
        )
        segments, start = [], 0
        for column in range(1, columns + 1):
            if column == columns or colours[column] != colours[start]:
                text = "".join(markers[start:column]).replace(WIDE_FILLER, "")
                segments.append(Segment(text, cell_style(*colours[start], base)))
                start = column
        strips.append(Strip(segments))
    return strips


def figure_strips(figure: Any, base: Style) -> list[Strip]:
    """Build a plotext figure as its ``build()`` does, but for the last step (the matrix
    written out as ANSI text), and turn its cells into strips."""
    figure._set_sizes()
    figure._build_matrix()
    return matrix_strips(figure.monitor.matrix, base)
