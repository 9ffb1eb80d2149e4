"""The parameter table: true, closed form, and each implementation's learned value and error."""

from __future__ import annotations

import math

from rich.text import Text
from textual.widget import Widget
from textual.widgets import DataTable

from tui_linreg.engine.events import ClosedForm, RunEnded
from tui_linreg.i18n import N_, _, cells
from tui_linreg.report import reference_label
from tui_linreg.ui.glossed import Glossed

WIDTH = 8
"""Cells per number column: seven for "-3.3997" and one to keep the columns apart. The table
has no cell padding, so both implementations' columns fit beside the plots at 80×24."""

SHORT_REFERENCES = (N_("closed"), N_("ridge"), N_("optimum"))
"""The reference's column heading, the first word of train's (report.reference_label)."""


def _number(value: float) -> Text:
    if math.isnan(value):  # real data has no true value
        return Text("—", style="dim")
    if not math.isfinite(value):
        return Text(str(value))
    if abs(value) < 100:
        return Text(f"{value:.4f}")
    # A data file's parameters can be large (a house's price per m²): five figures, then
    # three; never one, which would hide the difference from the closed form.
    return Text(f"{value:.5g}" if abs(value) < 1e5 else f"{value:.2e}")


class ParameterTable(DataTable[Text], Glossed):
    """One row per w_i and b. Columns grow as implementations report on the same data."""

    DEFAULT_CLASSES = "pane"  # the bordered look of every pane (app.tcss)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(
            id=id, cursor_type="none", zebra_stripes=True, show_cursor=False, cell_padding=0
        )
        self.border_title = _("parameters")
        self.true: tuple[float, ...] = ()
        self.closed_form: ClosedForm | None = None
        self.learned: dict[str, tuple[float, ...]] = {}
        """Learned parameters (w…, b) of each run on the current data, by its label (its
        implementation; a sweep's value, ``lr=0.01``), in the order they started."""
        self.previewed = False
        """The table shows the form's data before a run (main.preview), not a run's."""
        self.summarised: RunEnded | None = None
        """The run the words under the table are about (:meth:`summarise`)."""

    def retranslate(self) -> None:
        self.border_title = _("parameters")
        if self.summarised is not None:
            self.summarise(self.summarised)
        self._redraw()

    def glossed_texts(self) -> list[str]:
        headings = [str(column.label) for column in self.columns.values()]
        return [str(self.border_subtitle or ""), *headings]

    def preview(self, true: tuple[float, ...]) -> None:
        """Before the first run: the true values, with the rows the run will fill.

        Showing them at once also keeps the table's height from changing when training
        starts, which would re-lay-out (and redraw) the whole screen mid-run.
        """
        if (self.closed_form is None or self.previewed) and true != self.true:
            self.true, self.closed_form, self.learned = true, None, {}
            self._redraw()

    def new_data(
        self,
        true: tuple[float, ...],
        closed_form: ClosedForm,
        *,
        previewed: bool = False,
        features: tuple[str, ...] = (),
    ) -> None:
        """A run on different data (or, ``previewed``, the form's data before a run): forget
        the other implementation's numbers. ``features``: a data file's column names, which
        name the rows (w[area]) as `train` does."""
        self.true, self.closed_form, self.learned = true, closed_form, {}
        self.previewed = previewed
        self.features = features
        self._redraw()

    features: tuple[str, ...] = ()

    def new_optimum(self, closed_form: ClosedForm) -> None:
        """The same data, another loss's optimum (a sweep of --loss)."""
        self.closed_form = closed_form
        self._redraw()

    def summarise(self, end: RunEnded) -> None:
        """Under the table: that its numbers are standardised (--standardize), and with
        validation examples the generalisation gap, the validation half-MSE less the training
        data's, at the last epoch."""
        self.summarised = end
        said = []
        if end.standardization is not None:
            said.append(_("standardised units (the log: the data's)"))
        last = end.history[-1] if end.history else None
        if last is not None and last.val_half_mse is not None:
            gap = last.val_half_mse - last.half_mse
            said.append(
                _("{implementation} val {val:.3g} · gap {gap:+.2g}").format(
                    implementation=end.config.implementation, val=last.val_half_mse, gap=gap
                )
            )
        self.border_subtitle = " · ".join(said)

    def show(self, implementation: str, learned: tuple[float, ...]) -> None:
        """New learned values; drawn at the next :meth:`flush` (a few times a second)."""
        self.learned[implementation] = learned
        self.stale = True

    stale = False

    def flush(self) -> None:
        if self.stale:
            self.stale = False
            self._redraw()

    def on_resize(self) -> None:
        self.refit()

    def refit(self) -> None:
        """Redrawn if the room it has now changes whether the errors fit (the lessons' page
        opened or closed beside it, the terminal resized)."""
        if self.true and self._errors_shown != self._errors_fit():
            self._redraw()

    _errors_shown = True

    def _errors_fit(self) -> bool:
        """Whether each run's error column fits beside its value. Where the pane is too narrow
        (a lesson's page beside it, two runs; a sweep's many), the errors go first: every run's
        value stays, and the error is the true value less it, a subtraction away.

        The room is the most the layout lets the table take (its max-width of the row it sits
        in), not its width now: it is as wide as its columns, so that would only ever shrink."""
        row = self.parent
        if not isinstance(row, Widget) or not row.size.width:
            return True  # not laid out yet
        most = self.styles.max_width
        room = row.size.width if most is None else int(most.resolve(row.size, self.app.size))
        columns = 2 + 2 * len(self.learned)  # true and closed, each run's value and error
        names = 1 + max(4, len(self.features and max(self.features, key=len)) + 3)
        return room >= 2 + names + WIDTH * columns  # 2: the border

    def _redraw(self) -> None:
        self.clear(columns=True)
        if not self.true:
            return
        known = not all(math.isnan(value) for value in self.true)  # real data: no truth
        self._errors_shown = self._errors_fit()
        errors = known and self._errors_shown
        # train's heading, "closed form" shortened to fit the column (in SHORT_REFERENCES)
        reference = (
            "closed" if self.closed_form is None else reference_label(self.closed_form).split()[0]
        )
        labels = [
            *([_("true")] if known else []),
            _(reference),
            *(x for name in self.learned for x in (name, _("error"))[: 2 if errors else 1]),
        ]
        waiting = Text("…", style="dim")  # the closed form comes with the first run's data
        best: tuple[Text, ...] = (
            tuple(map(_number, (*self.closed_form.w, self.closed_form.b)))
            if self.closed_form is not None
            else (waiting,) * len(self.true)
        )
        # The form's preview (preview()) may have changed the number of weights since.
        features = self.features if len(self.features) == len(self.true) - 1 else ()
        names = [f"w[{name}]" for name in features or range(len(self.true) - 1)] + ["b"]
        rows = []
        for index, name in enumerate(names):
            row = [Text(name), *([_number(self.true[index])] if known else []), best[index]]
            for label in self.learned:  # in the order the runs started
                value = self.learned[label][index]
                row += [_number(value)]
                row += [_number(self.true[index] - value)] if errors else []
            rows.append(row)
        self.add_column("", width=max(len(name) for name in names) + 1)
        for column, label in enumerate(labels, start=1):
            # A diverged run's "-1.40e+08" is wider than the usual column: the column grows,
            # a cell is never cut short.
            longest = max(len(row[column]) for row in rows)
            self.add_column(Text(label), width=max(WIDTH, cells(label) + 1, longest + 1))
        for row in rows:
            self.add_row(*row)
