"""The hyperparameter pane: one compact row per field, validated as you type by config.py."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.validation import ValidationResult, Validator
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from tui_linreg.config import (
    FIELDS,
    IMPLEMENTATIONS,
    ConfigError,
    FieldError,
    Problem,
    TrainConfig,
    config_from_text,
    parse_field,
)
from tui_linreg.sweep import Sweep, parse_sweep

FORM_FIELDS = (
    "learning_rate",
    "batch_size",
    "epochs",
    "num_examples",
    "noise_std",
    "true_w",
    "true_b",
    "init_std",
    "seed",
    "device",
)
"""The fields typed as text, in the order shown."""

SHORT_LABELS = {"learning_rate": "learn rate", "num_examples": "examples", "noise_std": "noise std"}
"""Labels that would not fit the pane; messages still use the full names."""


def field_text(config: TrainConfig, name: str) -> str:
    value = getattr(config, name)
    if name == "true_w":
        return ",".join(f"{w:g}" for w in value)
    return f"{value:g}" if isinstance(value, float) else str(value)


class FieldValidator(Validator):
    """Checks a field with the engine's own parser, so the message is the engine's."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.field_name = name

    def validate(self, value: str) -> ValidationResult:
        try:
            parse_field(self.field_name, value)
        except FieldError as error:
            return self.failure(error.problem.message)
        return self.success()


class SweepValidator(Validator):
    """An empty sweep field means a single run; otherwise it must read NAME=V1,V2,…"""

    def validate(self, value: str) -> ValidationResult:
        if not value.strip():
            return self.success()
        try:
            parse_sweep(value)
        except ConfigError as error:
            return self.failure(error.problems[0].message)
        return self.success()


class HyperparameterForm(VerticalScroll):
    """Every hyperparameter, the implementation selector and the Run button."""

    def __init__(self, config: TrainConfig, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.initial = config
        self.border_title = "hyperparameters"

    def compose(self) -> ComposeResult:
        for name in FORM_FIELDS:
            with Horizontal(classes="field"):
                yield Label(SHORT_LABELS.get(name, FIELDS[name].label), classes="field-label")
                yield Input(
                    field_text(self.initial, name),
                    id=f"field-{name}",
                    validators=[FieldValidator(name)],
                    compact=True,
                    select_on_focus=False,
                )
            yield Static("", id=f"error-{name}", classes="field-error")
        with Horizontal(classes="field"):
            yield Label("sweep", classes="field-label")
            yield Input(
                "",
                placeholder="lr=0.001,0.03,1",
                id="field-sweep",
                validators=[SweepValidator()],
                compact=True,
                select_on_focus=False,
            )
        yield Static("", id="error-sweep", classes="field-error")
        yield Checkbox("shuffle", self.initial.shuffle, id="field-shuffle", compact=True)
        with Horizontal(id="run-row"):
            yield Select(
                [(name, name) for name in IMPLEMENTATIONS],
                value=self.initial.implementation,
                allow_blank=False,
                compact=True,
                id="field-implementation",
            )
            yield Button("Run", id="run", compact=True, variant="primary")

    def on_input_changed(self, event: Input.Changed) -> None:
        assert event.input.id is not None
        name = event.input.id.removeprefix("field-")
        result = event.validation_result
        message = result.failure_descriptions[0] if result and not result.is_valid else ""
        self.show_problem(name, message)

    def show_problem(self, name: str, message: str) -> None:
        error = self.query_one(f"#error-{name}", Static)
        error.update(message)
        error.set_class(bool(message), "shown")

    def texts(self) -> dict[str, str]:
        texts = {name: self.query_one(f"#field-{name}", Input).value for name in FORM_FIELDS}
        texts["shuffle"] = "on" if self.query_one("#field-shuffle", Checkbox).value else "off"
        texts["implementation"] = str(self.query_one("#field-implementation", Select).value)
        return texts

    def read_config(self) -> TrainConfig:
        """The config the form describes; ConfigError (shown under the fields) if invalid."""
        try:
            return config_from_text(self.texts())
        except ConfigError as error:
            self.show_problems(error.problems)
            raise

    def show_problems(self, problems: list[Problem]) -> None:
        for problem in problems:
            if problem.field in FORM_FIELDS:
                self.show_problem(problem.field, problem.message)
        first = next((p.field for p in problems if p.field in FORM_FIELDS), None)
        if first is not None:
            self.query_one(f"#field-{first}", Input).focus()

    def sweep(self) -> Sweep | None:
        """The sweep the form asks for, or None for a single run (invalid: shown, then None)."""
        text = self.query_one("#field-sweep", Input).value
        if not text.strip():
            return None
        try:
            return parse_sweep(text)
        except ConfigError as error:
            self.show_problem("sweep", error.problems[0].message)
            raise

    def fill(self, config: TrainConfig) -> None:
        """Put ``config``'s values in the form (a preset, say)."""
        for name in FORM_FIELDS:
            self.set_field(name, field_text(config, name))
        self.query_one("#field-shuffle", Checkbox).value = config.shuffle
        self.implementation = config.implementation

    @property
    def implementation(self) -> str:
        return str(self.query_one("#field-implementation", Select).value)

    @implementation.setter
    def implementation(self, name: str) -> None:
        self.query_one("#field-implementation", Select).value = name

    def set_field(self, name: str, text: str) -> None:
        self.query_one(f"#field-{name}", Input).value = text
