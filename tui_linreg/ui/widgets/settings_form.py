"""The settings form: every declared setting, in its section, checked as you type by the
setting's own reader, so a bad value gets the command line's sentence."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from functools import partial
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.events import Click, DescendantBlur, DescendantFocus
from textual.reactive import reactive
from textual.suggester import SuggestFromList
from textual.validation import ValidationResult, Validator
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from tui_linreg.config import (
    FILE_DECIDES,
    SETTINGS,
    ConfigError,
    FieldError,
    Mistake,
    TrainConfig,
    config_from_text,
    synthetic,
)
from tui_linreg.i18n import N_, _
from tui_linreg.settings import Choice, Section, Setting, Text, UsedWhen
from tui_linreg.sources import DataSource, source_of
from tui_linreg.sweep import Sweep, parse_sweep
from tui_linreg.teach.glossary import tooltip
from tui_linreg.ui.ordered_input import OrderedInput


def _as_select(setting: Setting) -> bool:
    """A choice among fixed words is a drop-down; everything else but a switch is typed."""
    return isinstance(setting.kind, Choice) and not setting.kind.pattern


FORM_FIELDS = tuple(
    name
    for name, s in SETTINGS.items()
    if not s.is_switch and not _as_select(s) and not isinstance(s.kind, DataSource)
)
"""The settings typed as text, each in its own field (the data's path is typed in
#field-data_path, under its source menu)."""


class SettingValidator(Validator):
    """Checks a field with its setting's reader, so the message is the command line's."""

    def __init__(self, setting: Setting) -> None:
        super().__init__()
        self.setting = setting

    def validate(self, value: str) -> ValidationResult:
        try:
            self.setting.read(value)
        except FieldError as error:
            return self.failure(error.mistake.message)
        return self.success()


class SweepValidator(Validator):
    """An empty sweep field means a single run; otherwise it must read NAME=V1,V2,…"""

    def validate(self, value: str) -> ValidationResult:
        if not value.strip():
            return self.success()
        try:
            parse_sweep(value)
        except ConfigError as error:
            return self.failure(error.mistakes[0].message)
        return self.success()


class SectionTitle(Static, can_focus=True):
    """A section's title, which folds the section: enter or a click hides or shows the fields
    under it. The fields are the form's own children, beside the titles, not in a container
    per section: the nesting (as in Textual's Collapsible) made the first paint about 0.06 s
    slower in layout alone."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "fold", _("Fold or unfold"), show=False)
    ]

    folded: reactive[bool] = reactive(False, init=False)

    def __init__(self, section: Section) -> None:
        super().__init__(self._label(section, folded=False), id=f"section-{section.name.lower()}")
        self.section = section

    @staticmethod
    def _label(section: Section, *, folded: bool) -> str:
        return f"{'▶' if folded else '▼'} {_(section)}"

    def action_fold(self) -> None:
        self.folded = not self.folded

    def retranslate(self) -> None:
        self.update(self._label(self.section, folded=self.folded))

    def on_click(self, event: Click) -> None:
        event.stop()
        self.action_fold()

    def watch_folded(self, folded: bool) -> None:
        self.update(self._label(self.section, folded=folded))
        assert self.parent is not None
        for widget in self.parent.query(f".{in_section(self.section)}"):
            if folded:
                widget.display = False
            else:  # back to what the stylesheet says (a field's mistake shows only if any)
                widget.styles.clear_rule("display")


def in_section(section: Section) -> str:
    """The class of the widgets of ``section``'s fields."""
    return f"in-{section.name.lower()}"


class SettingInput(OrderedInput):
    """A setting's text field. Where the setting offers choices (the pace: max, 1000, …), up
    and down go through them and typing completes one; any valid value can be typed."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "choose(-1)", _("Previous choice"), show=False),
        Binding("down", "choose(1)", _("Next choice"), show=False),
    ]

    def __init__(self, setting: Setting, value: str, *, id: str | None = None) -> None:
        self.choices: tuple[str, ...] = (
            () if isinstance(setting.kind, DataSource) else getattr(setting.kind, "choices", ())
        )
        super().__init__(
            value,
            id=id or f"field-{setting.name}",
            validators=[SettingValidator(setting)],
            suggester=SuggestFromList(self.choices) if self.choices else None,
            compact=True,
            select_on_focus=False,
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return bool(self.choices) or action != "choose"  # without choices, up scrolls the form

    def action_choose(self, offset: int) -> None:
        here = self.value.strip().lower()
        index = self.choices.index(here) if here in self.choices else -offset
        self.value = self.choices[(index + offset) % len(self.choices)]
        self.cursor_position = len(self.value)


def _row(label: str, field: Input | Select[str], section: Section) -> Horizontal:
    """A field and its ``label``: the English, marked with N_() (shown through _())."""
    return Horizontal(
        Label(_(label), classes="field-label"),
        field,
        classes=f"field {in_section(section)}",
        id=f"row-{(field.id or '').removeprefix('field-')}",
    )


def _reads(name: str, text: str) -> bool:
    try:
        SETTINGS[name].read(text)
    except FieldError:
        return False
    return True


def _shows(when: UsedWhen, text: str) -> bool:
    """Whether a field used ``when`` shows for the text of the field it depends on (while
    that text cannot be read, it shows)."""
    if when.on == "data":
        return bool(when.test(text))  # the menu's choice: synthetic, a data set, or file
    try:
        return bool(when.test(SETTINGS[when.on].read(text)))
    except FieldError:
        return True


def _form_rules() -> dict[str, tuple[str, Callable[[str], bool]]]:
    """Each field shown only sometimes: the field whose text decides it, and the test of that
    text. A setting's used_when (config.py), and the form's own: what a data file decides is
    asked for only with synthetic data; the file's path only for a file."""
    rules: dict[str, tuple[str, Callable[[str], bool]]] = {
        name: ("data", synthetic) for name in FILE_DECIDES
    }
    for name, setting in SETTINGS.items():
        if setting.used_when is not None:
            rules[name] = (setting.used_when.on, partial(_shows, setting.used_when))
    rules["data_path"] = ("data", lambda chosen: chosen == "file")
    rules["data_sha256"] = ("data", lambda chosen: False)  # filled in from the file, never typed
    return rules


RELEVANT_WHEN = _form_rules()
"""Fields that only some values of another use: shown only then, so the form stays whole."""

PATH_LABEL = N_("path")
PATH_PLACEHOLDER = N_("a CSV or TSV file's path")
SWEEP_LABEL = N_("sweep")


class SettingsForm(VerticalScroll):
    """Every setting, section by section (each can be folded), the sweep and Run."""

    DEFAULT_CLASSES = "pane"  # the bordered look of every pane (app.tcss)
    can_focus = False  # tab goes from field to field; a focused field scrolls into view

    def __init__(self, config: TrainConfig, *, id: str | None = None, sweep: str = "") -> None:
        super().__init__(id=id)
        self.initial = config
        self.initial_sweep = sweep
        self.border_title = _("settings")
        self._mistakes: dict[str, str] = {}
        """What each field's error line says now ("" where none)."""
        self._relevance: list[tuple[Widget, Callable[[str], bool], list[Widget]]] = []
        """Each field of RELEVANT_WHEN: the field it depends on, the test, what hides."""

    def compose(self) -> ComposeResult:
        for section in Section:
            yield SectionTitle(section)
            for setting in SETTINGS.values():
                if setting.section == section:
                    yield from self._field(setting)
        sweep = Input(
            self.initial_sweep,
            placeholder="lr=0.001,0.03,1",
            id="field-sweep",
            validators=[SweepValidator()],
            compact=True,
            select_on_focus=False,
        )
        yield _row(SWEEP_LABEL, sweep, Section.RUN)  # the run section is the last
        yield Static("", id="error-sweep", classes=f"field-error {in_section(Section.RUN)}")
        yield Button(_("Run"), id="run", compact=True, variant="primary")

    def _field(self, setting: Setting) -> ComposeResult:
        name, value = setting.name, getattr(self.initial, setting.name)
        if setting.is_switch:
            yield Checkbox(
                _(setting.form_label),
                value,
                id=f"field-{name}",
                classes=in_section(setting.section),
                compact=True,
            )
            return
        if isinstance(setting.kind, DataSource):  # a menu, and the path when it says file
            source = source_of(value)
            menu = Select(
                [(option, option) for option in setting.kind.choices],
                value="file" if source == "file" else value,
                allow_blank=False,
                compact=True,
                id=f"field-{name}",
            )
            yield _row(setting.form_label, menu, setting.section)
            path = SettingInput(setting, value if source == "file" else "", id="field-data_path")
            path.placeholder = _(PATH_PLACEHOLDER)
            yield _row(PATH_LABEL, path, setting.section)
            yield Static(
                "", id=f"error-{name}", classes=f"field-error {in_section(setting.section)}"
            )
            return
        if _as_select(setting):
            assert isinstance(setting.kind, Choice)
            options = [(option, option) for option in setting.kind.options]
            select = Select(
                options, value=value, allow_blank=False, compact=True, id=f"field-{name}"
            )
            yield _row(setting.form_label, select, setting.section)
            return
        field = SettingInput(setting, setting.kind.show(value))
        if isinstance(setting.kind, Text) and setting.kind.empty:  # what leaving it empty means
            field.placeholder = _(setting.kind.empty)
        yield _row(setting.form_label, field, setting.section)
        yield Static("", id=f"error-{name}", classes=f"field-error {in_section(setting.section)}")

    def _tooltips(self) -> None:
        """Each field's tooltip: its setting's help, the --help sentence, and its flag."""
        for name, setting in SETTINGS.items():
            said = f"{_(setting.help)} ({setting.flag})"
            defined = tooltip([setting.form_label])  # the glossary's word for it (English), if any
            self.query_one(f"#field-{name}").tooltip = f"{said}\n\n{defined}" if defined else said
        self.query_one("#field-data_path").tooltip = self.query_one("#field-data").tooltip

    def retranslate(self) -> None:
        """The form's words in the language now in use: its title, labels, placeholders and
        tooltips (the section titles retranslate themselves; a mistake shown stays as said)."""
        self.border_title = _("settings")
        for name, setting in SETTINGS.items():
            field = self.query_one(f"#field-{name}")
            if isinstance(field, Checkbox):
                field.label = _(setting.form_label)
                continue
            self.query_one(f"#row-{name} .field-label", Label).update(_(setting.form_label))
            if isinstance(setting.kind, Text) and setting.kind.empty:
                assert isinstance(field, Input)
                field.placeholder = _(setting.kind.empty)
        self.query_one("#row-data_path .field-label", Label).update(_(PATH_LABEL))
        self.query_one("#field-data_path", Input).placeholder = _(PATH_PLACEHOLDER)
        self.query_one("#row-sweep .field-label", Label).update(_(SWEEP_LABEL))
        self.query_one("#run", Button).label = _("Run")
        self._tooltips()

    def on_mount(self) -> None:
        self._tooltips()
        # What hides with each field of RELEVANT_WHEN, looked up once: a query by a list of
        # selectors walks and matches the whole form, 0.12 s for all of them, and each Select
        # reports a change as it mounts (a second of the first paint, before this).
        by_id = {widget.id: widget for widget in self.query("*") if widget.id}
        self._relevance = [
            (
                by_id[f"field-{other}"],
                used,
                [
                    widget
                    for widget in (
                        by_id.get(f"row-{name}"),
                        by_id.get(f"error-{name}"),
                        by_id.get(f"field-{name}"),
                    )
                    if widget is not None and not isinstance(widget, Input | Select)
                ],
            )
            for name, (other, used) in RELEVANT_WHEN.items()
        ]
        self.show_relevant()

    # The focused field's label lights up, so that where typing goes is seen at a glance
    # (a compact Input's cursor alone was missed). Only that row restyles, not the form.
    def on_descendant_focus(self, event: DescendantFocus) -> None:
        row = event.widget.parent
        if row is not None and row.has_class("field"):
            row.add_class("focused")

    def on_descendant_blur(self, event: DescendantBlur) -> None:
        row = event.widget.parent
        if row is not None and row.has_class("field"):
            row.remove_class("focused")

    def on_select_changed(self, event: Select.Changed) -> None:
        self.show_relevant()

    def show_relevant(self) -> None:
        """Hide the fields the chosen implementation, loss and decay do not use (RELEVANT_WHEN):
        a row, its error line, or a checkbox (which has no row)."""
        for field, used, widgets in self._relevance:
            shown = used(str(field.value) if isinstance(field, Select | Input) else "")
            for widget in widgets:
                widget.set_class(not shown, "irrelevant")

    def on_input_changed(self, event: Input.Changed) -> None:
        assert event.input.id is not None
        name = event.input.id.removeprefix("field-")
        name = "data" if name == "data_path" else name  # the data file's path is data's
        if any(other == name for other, _used in RELEVANT_WHEN.values()):
            self.show_relevant()
        result = event.validation_result
        message = result.failure_descriptions[0] if result and not result.is_valid else ""
        self.show_mistake(name, message)

    def show_mistake(self, name: str, message: str) -> None:
        if self._mistakes.get(name, "") == message:
            return  # each field reports a change as it mounts: nothing to redraw
        self._mistakes[name] = message
        error = self.query_one(f"#error-{name}", Static)
        error.update(message)
        error.set_class(bool(message), "shown")

    def texts(self) -> dict[str, str]:
        """Every setting's text as the form holds it."""
        texts = {}
        for name, setting in SETTINGS.items():
            widget = self.query_one(f"#field-{name}")
            if isinstance(widget, Checkbox):
                texts[name] = setting.kind.show(widget.value)
            elif isinstance(widget, Select) and name == "data" and widget.value == "file":
                # A blank path is no path (the setting itself would read blank as synthetic).
                path = self.query_one("#field-data_path", Input).value
                texts[name] = path if path.strip() else "file"
            elif isinstance(widget, Select):
                texts[name] = str(widget.value)
            else:
                assert isinstance(widget, Input)
                texts[name] = widget.value
        return texts

    def how_it_runs(self) -> TrainConfig:
        """The defaults, with the form's device and the settings that change no result (the
        pace) where they are valid: what a preset keeps."""
        texts, kept = self.texts(), {}
        for name, setting in SETTINGS.items():
            if name == "device" or not setting.affects_result:
                with contextlib.suppress(FieldError):
                    kept[name] = setting.read(texts[name])
        return TrainConfig(**kept)

    def relevant_texts(self) -> dict[str, str]:
        """The texts of the settings the chosen data uses: a data file's fields are hidden
        and left out with synthetic data, and synthetic data's with a file (what is left over
        in a hidden field cannot make the form refuse to run)."""
        texts = self.texts()
        chosen = str(self.query_one("#field-data", Select).value)
        unused = {
            name
            for name, setting in SETTINGS.items()
            if (name in FILE_DECIDES and not synthetic(chosen))
            or (
                setting.used_when is not None
                and setting.used_when.on == "data"
                and not setting.used_when.test(chosen)
            )
        }
        return {
            name: text
            for name, text in texts.items()
            if name not in unused or not _reads(name, text)  # a typo still stops the run
        }

    def read_config(self, *, focus: bool = True) -> TrainConfig:
        """The config the form describes; ConfigError (shown under the fields, the cursor put
        in the first unless not ``focus``: a preview must not move it) if invalid."""
        try:
            return config_from_text(self.relevant_texts())
        except ConfigError as error:
            self.show_mistakes(error.mistakes, focus=focus)
            raise

    def show_mistakes(self, mistakes: list[Mistake], *, focus: bool = True) -> None:
        typed = [m for m in mistakes if m.field in (*FORM_FIELDS, "data")]
        for mistake in typed:
            self.show_mistake(mistake.field, mistake.message)
        if typed and focus:
            name = typed[0].field
            section = SETTINGS[name].section if name in SETTINGS else Section.RUN
            self.title_of(section).folded = False  # the cursor must land where it is seen
            self.query_one(f"#field-{'data_path' if name == 'data' else name}", Input).focus()

    def go_to(self, name: str) -> bool:
        """The cursor in setting ``name``'s field, its section unfolded (the palette's
        ``field: …``); False where the field does not apply now (the form hides it)."""
        self.title_of(SETTINGS[name].section).folded = False
        field = self.query_one(f"#field-{'data_path' if name == 'data' else name}")
        row = field.parent
        if not field.display or (row is not None and not row.display):
            return False
        field.focus()
        self.scroll_to_widget(field, animate=False)
        return True

    def title_of(self, section: Section) -> SectionTitle:
        return self.query_one(f"#section-{section.name.lower()}", SectionTitle)

    def sweep(self) -> Sweep | None:
        """The sweep the form asks for, or None for a single run (invalid: shown, raised)."""
        text = self.query_one("#field-sweep", Input).value
        if not text.strip():
            return None
        try:
            return parse_sweep(text)
        except ConfigError as error:
            self.show_mistake("sweep", error.mistakes[0].message)
            raise

    def fill(self, config: TrainConfig) -> None:
        """Put ``config``'s values in the form (a preset, say)."""
        for name, setting in SETTINGS.items():
            widget = self.query_one(f"#field-{name}")
            value = getattr(config, name)
            if name == "data":
                assert isinstance(widget, Select)
                widget.value = "file" if source_of(value) == "file" else value
                self.query_one("#field-data_path", Input).value = (
                    value if source_of(value) == "file" else ""
                )
            elif isinstance(widget, Checkbox | Select):
                widget.value = value
            else:
                self.set_field(name, setting.kind.show(value))

    @property
    def implementation(self) -> str:
        return str(self.query_one("#field-implementation", Select).value)

    @implementation.setter
    def implementation(self, name: str) -> None:
        self.query_one("#field-implementation", Select).value = name

    def set_field(self, name: str, text: str) -> None:
        self.query_one(f"#field-{name}", Input).value = text
