"""The plots' shared maths: their colours, round ticks on linear and log axes, and legends
that fit a border. No widget here: it is tested without Textual (tests/ui/test_plot_readability.py)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from rich.markup import escape
from rich.text import Text
from textual.geometry import Size
from textual_plotext import Plot

RGB = tuple[int, int, int]
ORANGE: RGB = (255, 165, 0)
CYAN: RGB = (0, 200, 230)
GREEN: RGB = (90, 200, 90)
PALETTE: tuple[RGB, ...] = (
    ORANGE,
    CYAN,
    (240, 220, 60),  # yellow
    (255, 130, 190),  # pink
    (230, 230, 230),  # white
    (220, 90, 220),  # magenta
    (240, 80, 80),  # red
    (255, 205, 120),  # light orange
    (120, 230, 255),  # light cyan
    (180, 160, 30),  # olive
    (200, 60, 130),  # raspberry
    (160, 160, 160),  # grey
    (160, 60, 200),  # purple
    (255, 140, 100),  # salmon
    (200, 120, 40),  # brown
    (0, 140, 160),  # teal
    (255, 255, 150),  # pale yellow
    (190, 150, 255),  # lavender
    (150, 110, 80),  # taupe
    (100, 140, 255),  # blue: last, being the map's contours' colour
)
"""Curve colours as RGB: plotext and the legend then agree (named colours go through the
terminal theme and differ between the two), and none is the closed form's green. Twenty:
each run of a sweep (at most 20) its own."""
CURVE_COLOURS = {"scratch": ORANGE, "concise": CYAN}
TRUE_COLOUR = GREEN
"""The true relation in the data plot: like the closed form, what learning heads for."""
LEARNED_COLOUR: RGB = (240, 80, 80)
REPLAY_COLOUR: RGB = (230, 230, 230)
"""The replayed step's marker on the loss plot."""
OUTLIER_COLOUR: RGB = (220, 90, 220)
"""--outlier's examples on the scatter."""


def hex_colour(rgb: RGB) -> str:
    """The same colour for Rich markup (legends in border subtitles)."""
    return "#{:02x}{:02x}{:02x}".format(*rgb)


SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
EPS = 1e-9
"""Slack for floating-point noise when a tick sits on an end of the data."""

Ticks = tuple[list[float], list[str], tuple[float, float]]
"""An axis: its ticks, their labels, and the range it spans (the data's, or wider to hold two
ticks)."""


def power_label(exponent: int, mantissa: float = 1) -> str:
    """m·10ᵉ as a reader takes it in at a glance: 1, 10, 10², 10⁻³, 2·10⁻³, 50."""
    if exponent in (0, 1):
        return f"{mantissa * 10**exponent:g}"
    power = "10" + str(exponent).translate(SUPERSCRIPT)
    return power if mantissa == 1 else f"{mantissa:g}·{power}"


def log_ticks(low: float, high: float, most: int) -> Ticks:
    """Ticks for a log axis over [low, high] (both > 0): at powers of ten, every one or every
    n-th so that there are at most ``most``. Where fewer than two powers fall within the data,
    at 1-2-5 steps, then at 1…9 steps; where even those leave fewer than two, the axis widens to
    the nearest steps below and above."""
    most = max(most, 2)
    lo, hi = math.log10(low), math.log10(high)
    exponents = range(math.floor(lo) - 1, math.ceil(hi) + 2)

    def within(mantissas: Sequence[int]) -> list[tuple[int, int]]:
        return [
            (m, e)
            for e in exponents
            for m in mantissas
            if lo - EPS <= math.log10(m) + e <= hi + EPS
        ]

    chosen = within((1,))
    if len(chosen) >= 2:
        powers = chosen
        for every in range(1, len(powers) + 1):
            chosen = [(m, e) for m, e in powers if e % every == 0]
            if len(chosen) <= most:
                break
        if len(chosen) < 2:
            chosen = [powers[0], powers[-1]]
    else:
        chosen = within((1, 2, 5))
        if len(chosen) < 2:
            chosen = within(range(1, 10))
        if len(chosen) < 2:
            grid = [(m, e) for e in exponents for m in range(1, 10)]
            below = max(i for i, (m, e) in enumerate(grid) if m * 10.0**e <= low * (1 + EPS))
            above = min(
                i for i, (m, e) in enumerate(grid) if i > below and m * 10.0**e >= high * (1 - EPS)
            )
            chosen = grid[below : above + 1]
        chosen = chosen[:: math.ceil(len(chosen) / most)]
    values = [m * 10.0**e for m, e in chosen]
    labels = [power_label(e, m) for m, e in chosen]
    return values, labels, (min(low, values[0]), max(high, values[-1]))


def linear_labels(ticks: list[float], step: float) -> list[str]:
    """Short labels for ticks ``step`` apart: as many decimals as the step needs, and a power of
    ten for the very large or very small (2·10⁷, not 20000000.000)."""
    decimals = max(0, -math.floor(math.log10(step) + EPS))
    biggest = max(abs(tick) for tick in ticks)
    if biggest < 1e5 and decimals <= 3:
        return [f"{tick:.{decimals}f}" for tick in ticks]
    exponent = math.floor(math.log10(biggest) + EPS)
    decimals = max(0, exponent - math.floor(math.log10(step) + EPS))
    return [
        "0" if tick == 0 else f"{tick / 10.0**exponent:.{decimals}f}·{power_label(exponent)}"
        for tick in ticks
    ]


def linear_ticks(low: float, high: float, most: int) -> Ticks:
    """Ticks for a linear axis over [low, high]: at the finest 1-2-5 step that gives at most
    ``most``, or the next finer where that leaves only one within the data; where even that
    leaves fewer than two, the axis widens to the steps around."""
    most = max(most, 2)
    if high - low <= EPS * max(abs(low), abs(high)):  # one value: a range around it
        pad = abs(low) / 2 or 1.0
        low, high = low - pad, high + pad
    exponent = math.floor(math.log10((high - low) / most))
    steps = [m * 10.0**e for e in range(exponent, exponent + 3) for m in (1, 2, 5)]

    def within(step: float) -> tuple[int, int]:
        return math.ceil(low / step - EPS), math.floor(high / step + EPS)

    index = next(i for i, step in enumerate(steps) if within(step)[1] - within(step)[0] < most)
    if index and within(steps[index])[1] <= within(steps[index])[0]:
        index -= 1  # one tick within: a finer step, a little over ``most``, beats wider axes
    step = steps[index]
    first, last = within(step)
    if last <= first:
        first, last = math.floor(low / step + EPS), math.ceil(high / step - EPS)
        last = max(last, first + 1)
    values = [i * step for i in range(first, last + 1)]
    return values, linear_labels(values, step), (min(low, values[0]), max(high, values[-1]))


def fits(markup: str, room: int) -> bool:
    return Text.from_markup(markup).cell_len <= room


def legend(entries: Sequence[tuple[RGB, str]], room: int, lead: str = "") -> str:
    """Rich markup for a legend, a coloured ━ before each name, after ``lead``: the roomiest
    form that fits in ``room`` cells (a border title's width), else the tightest."""
    forms = (("  ", " "), (" ", " "), (" ", ""))  # between entries, between ━ and its name
    for between, after in forms:
        markup = lead + between.join(
            f"[{hex_colour(colour)}]━[/]{after}{escape(name)}" for colour, name in entries
        )
        if fits(markup, room):
            break
    return markup


TICK_ROWS = 3
"""Rows of canvas per y tick at most: a label on every third row reads as a scale, not a wall."""
TICK_GAP = 7
"""Columns of canvas per x tick at most."""


def set_axes(
    plt: Plot,
    size: Size,
    xs: Iterable[float],
    ys: Iterable[float],
    *,
    log_y: bool = False,
    log_x: bool = False,
) -> None:
    """Set both axes' ranges and short, round ticks on a plot of ``size`` for data over ``xs``
    and ``ys`` (each holding at least one finite value)."""
    xs = [x for x in xs if math.isfinite(x) and (x > 0 or not log_x)]
    ys = [y for y in ys if math.isfinite(y) and (y > 0 or not log_y)]
    rows = size.height - 5  # less the title, the two x axes, their ticks and label
    if log_y:
        yticks, ylabels, (low, high) = log_ticks(min(ys), max(ys), rows // TICK_ROWS)
        plt.ylim(math.log10(low), math.log10(high))  # plotext takes a log axis' range in logs
    else:
        yticks, ylabels, (low, high) = linear_ticks(min(ys), max(ys), rows // TICK_ROWS)
        plt.ylim(low, high)
    plt.yticks(yticks, ylabels)
    width = max(size.width - 2 - max(map(len, ylabels)), 10)  # less the y axes, labels
    most = width // TICK_GAP
    if log_x:
        xticks, xlabels, (left, right) = log_ticks(min(xs), max(xs), max(most, 2))
        plt.xlim(math.log10(left), math.log10(right))  # as the y axis: a range in logs
        plt.xticks(xticks, xlabels)
        return
    while True:
        xticks, xlabels, (left, right) = linear_ticks(min(xs), max(xs), most)
        if most <= 2 or len(xticks) * (max(map(len, xlabels)) + 2) <= width:
            break
        most -= 1
    plt.xlim(left, right)
    plt.xticks(xticks, xlabels)
