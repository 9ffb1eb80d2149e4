"""Every declared setting, walked one by one: its flag, the config, the reproduce command, the
form, sweeps, the history and the export all agree on it. A new setting is covered here the
moment it is declared; a new kind of value needs an example below first."""

from __future__ import annotations

import csv
import dataclasses
import io
import re
import shlex
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Checkbox, Input, Select, Static

from tests.ui.snapshot_app import make_app, settle, title_above
from tui_linreg.cli import build_parser, config_from_args
from tui_linreg.config import SETTINGS, ConfigError, TrainConfig, mistakes_in
from tui_linreg.engine.events import Outcome
from tui_linreg.export import CSV_COLUMNS, export
from tui_linreg.history import RunRecord
from tui_linreg.plan import Plan, differing, label_of
from tui_linreg.report import describe_config
from tui_linreg.reproduce import reproduce_command
from tui_linreg.settings import (
    Choice,
    Columns,
    Labels,
    Names,
    Numbers,
    Rate,
    Real,
    Setting,
    Switch,
    Text,
    Whole,
)
from tui_linreg.sources import DataSource
from tui_linreg.sweep import parse_sweep
from tui_linreg.ui.widgets.code_pane import code_heading
from tui_linreg.ui.widgets.settings_form import RELEVANT_WHEN, SettingValidator

NAMES = list(SETTINGS)

ON_A_FILE = {"target", "features", "drop_missing", "standardize", "val_fraction"}
"""Settings of a data file's: their examples are given with --data stackloss."""
BASE = {name: {"data": "stackloss"} for name in ON_A_FILE}


def base_for(name: str) -> TrainConfig:
    """The defaults, on a data file for a setting that needs one."""
    return dataclasses.replace(TrainConfig(), **BASE.get(name, {}))  # type: ignore[arg-type]


def context_flags(name: str) -> list[str]:
    return [SETTINGS[other].argument(value) for other, value in BASE.get(name, {}).items()]


def example(setting: Setting, step: int = 1) -> Any:
    """A valid value other than the default (another one for ``step`` 2)."""
    kind, default = setting.kind, setting.default
    if isinstance(kind, Real) and kind.high is not None:
        return step * 0.3  # within its bounds
    if isinstance(kind, Real):
        return default + step * 0.25 if default else step * 0.5
    if isinstance(kind, Whole):
        return default + step
    if isinstance(kind, Numbers) and kind.positive:
        return (1.5 * step,)  # one value: it applies to every feature
    if isinstance(kind, Numbers):
        return (1.5, -2.5, 0.5 * step)
    if isinstance(kind, Choice):
        return [option for option in kind.options if option != default][step - 1]
    if isinstance(kind, Switch):
        return not default
    if isinstance(kind, Rate):
        return 100.0 / step if default is None else None
    if isinstance(kind, Names):
        return kind.options[:1] if step == 1 else (kind.options[0], kind.options[-1])
    if isinstance(kind, Labels):
        return ((5, 10000.0),) if step == 1 else ((2, -7.5), (9, 0.25))
    if isinstance(kind, DataSource):
        return "anscombe-2" if step == 1 else "galton"
    if isinstance(kind, Columns):  # stackloss's
        return ("air_flow",) if step == 1 else ("water_temp", "acid_conc")
    if isinstance(kind, Text) and setting.name == "target":
        return "air_flow" if step == 1 else "water_temp"
    if isinstance(kind, Text):
        return "ab"[step - 1] * 64  # a hash
    raise AssertionError(f"no example for {type(kind).__name__}: add one for {setting.name}")


def bad_text(setting: Setting) -> str | None:
    """Text the setting must refuse; None for a switch, which has no text."""
    kind = setting.kind
    if isinstance(kind, Real) and kind.high is not None:
        return str(kind.high + 1)
    if isinstance(kind, Real):
        return "-1" if kind.positive or kind.non_negative else "fast"
    if isinstance(kind, Whole):
        return "1.5"
    if isinstance(kind, Numbers):
        return "1,-2" if kind.positive else "1,,2"
    if isinstance(kind, Choice):
        return "nope"
    if isinstance(kind, Switch):
        return None
    if isinstance(kind, Rate):
        return "0"
    if isinstance(kind, Names):
        return "nope"
    if isinstance(kind, Labels):
        return "5"
    if isinstance(kind, DataSource):
        return "/no/such/folder/data.csv"
    if isinstance(kind, Columns):
        return "a,,b"
    if isinstance(kind, Text) and kind.hex_digits:
        return "xyz"
    if isinstance(kind, Text):
        return "tab\there"
    raise AssertionError(f"no bad text for {type(kind).__name__}")


def config_from_argv(*argv: str) -> TrainConfig:
    return config_from_args(build_parser().parse_args(["train", *argv]))


def test_every_default_is_a_valid_value_of_its_setting() -> None:
    for setting in SETTINGS.values():
        assert setting.check(setting.default) == setting.default, setting.name
    assert TrainConfig() == TrainConfig(**{n: s.default for n, s in SETTINGS.items()})


@pytest.mark.parametrize("name", NAMES)
def test_flag_config_and_reproduce_command_agree(name: str) -> None:
    setting = SETTINGS[name]
    value = example(setting)
    config = config_from_argv(*context_flags(name), setting.argument(value))
    assert getattr(config, name) == value
    again = config_from_argv(*shlex.split(reproduce_command(config))[2:])
    assert again == config
    # argparse wraps the help, at spaces and after hyphens
    shown = re.sub(r"-\s+", "-", " ".join(build_parser().format_help().split()))
    assert f"{setting.help} (default {setting.kind.show(setting.default)})" in shown


def test_a_repeated_flag_adds_its_values() -> None:
    config = config_from_argv("--pitfall", "lesson-divisor", "--pitfall", "forget-zero-grad")
    assert config.pitfalls == ("forget-zero-grad", "lesson-divisor")  # in the catalogue's order
    assert config_from_argv("--pitfall", "none").pitfalls == ()


@pytest.mark.parametrize("name", NAMES)
def test_history_and_export_keep_the_value(name: str, tmp_path: Path) -> None:
    setting = SETTINGS[name]
    config = dataclasses.replace(base_for(name), **{name: example(setting)})
    assert TrainConfig.from_dict(config.to_dict()) == config
    record = RunRecord(
        id="run-1",
        created=0.0,
        config=config,
        outcome=Outcome.FINISHED,
        message="",
        history=(),
        w=(0.0,) * config.num_features,
        b=0.0,
        half_mse=0.0,
        closed_form_half_mse=0.0,
        train_s=0.0,
        steps_per_s=0.0,
        device="cpu",
    )
    assert RunRecord.from_dict(record.to_dict()).config == config
    assert name in CSV_COLUMNS
    written = export([record], tmp_path / "runs.csv")
    (row,) = csv.DictReader(io.StringIO(written.read_text()))
    assert setting.read(row[name]) == getattr(config, name)


@pytest.mark.parametrize("name", [n for n, s in SETTINGS.items() if s.sweepable])
def test_a_sweepable_setting_sweeps_under_each_of_its_names(name: str) -> None:
    setting = SETTINGS[name]
    values = [example(setting, 1), example(setting, 2)]
    texts = ",".join(setting.kind.exact(v) for v in values)
    stem = setting.flag.removeprefix("--")
    for sweep_name in {stem, stem.replace("-", "_"), name, setting.legend}:
        plan = Plan.of(base_for(name), sweep=parse_sweep(f"{sweep_name}={texts}"))
        assert [getattr(c, name) for c in plan.configs] == values
        assert differing(list(plan.configs)) == [name]
        assert plan.labels == tuple(f"{setting.legend}={setting.kind.show(v)}" for v in values)


@pytest.mark.parametrize("name", [n for n, s in SETTINGS.items() if not s.sweepable])
def test_a_setting_that_is_not_sweepable_is_refused_in_a_sweep(name: str) -> None:
    flag_name = SETTINGS[name].flag.removeprefix("--")
    with pytest.raises(ConfigError, match="a sweep reads NAME="):
        parse_sweep(f"{flag_name}=1,2")


@pytest.mark.parametrize("name", NAMES)
def test_what_decides_the_data_is_what_the_data_key_holds(name: str) -> None:
    setting = SETTINGS[name]
    changed = dataclasses.replace(TrainConfig(), **{name: example(setting)})
    assert (changed.data_key != TrainConfig().data_key) == setting.decides_data


def test_a_setting_that_cannot_change_a_result_does_not_tell_runs_apart() -> None:
    configs = [TrainConfig(), TrainConfig(learning_rate=0.1)]
    assert differing(configs) == ["learning_rate"]
    assert label_of(configs[1], ["learning_rate"]) == "lr=0.1"
    for name, setting in SETTINGS.items():
        changed = dataclasses.replace(TrainConfig(), **{name: example(setting)})
        assert (differing([TrainConfig(), changed]) == [name]) == setting.affects_result


@pytest.mark.parametrize("name", [n for n in NAMES if bad_text(SETTINGS[n]) is not None])
def test_a_fields_sentence_is_the_command_lines(name: str) -> None:
    """What the form says under a typed field (its validator: the setting's own reader) is
    what the command line says for the same text. Choices are drop-downs in the form, which
    hold no bad value; the data's path is typed under its menu, read by the same setting."""
    setting = SETTINGS[name]
    text = bad_text(setting)
    assert text is not None
    with pytest.raises(ConfigError) as refused:
        config_from_argv(f"{setting.flag}={text}")
    said = SettingValidator(setting).validate(text)
    assert not said.is_valid
    assert said.failure_descriptions == [refused.value.mistakes[0].message]


async def test_every_setting_has_a_form_field_in_its_section_and_a_typed_mistake_shows() -> None:
    """Each setting's field sits under its section's title: a checkbox for a switch, a
    drop-down of its options for a choice (each option reads back), a menu and a path for the
    data, else a text field; a mistake typed shows the command line's sentence under it."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        form = app.main.form
        for name, setting in SETTINGS.items():
            widget = form.query_one(f"#field-{name}")
            assert title_above(app, f"field-{name}").section == setting.section, name
            if setting.is_switch:
                assert isinstance(widget, Checkbox), name
            elif isinstance(setting.kind, DataSource):  # a menu, and a path field under it
                assert isinstance(widget, Select)
                assert [value for _, value in widget._options] == list(setting.kind.choices)
                assert isinstance(form.query_one("#field-data_path"), Input)
            elif isinstance(widget, Select):
                assert isinstance(setting.kind, Choice), name
                for option in setting.kind.options:
                    widget.value = option
                    assert setting.read(form.texts()[name]) == option
            else:
                assert isinstance(widget, Input), name
                assert isinstance(widget.validators[0], SettingValidator)
                assert widget.validators[0].setting.name == name
        form.query_one("#field-learning_rate", Input).value = "fast"
        await pilot.pause()
        shown = str(form.query_one("#error-learning_rate", Static).render())
        assert shown == "learning rate must be a number > 0, got 'fast'"


WHEN_USED = [name for name, setting in SETTINGS.items() if setting.used_when is not None]
"""Settings used only sometimes (settings.UsedWhen): each is walked through all it decides."""


def used_and_unused(name: str) -> tuple[Any, Any]:
    """A value of the setting ``name`` depends on that uses it, and one that does not."""
    when = SETTINGS[name].used_when
    assert when is not None
    other = SETTINGS[when.on]
    candidates = [other.default, example(other), example(other, 2)]
    if isinstance(other.kind, Choice):
        candidates += list(other.kind.options)
    if isinstance(other.kind, DataSource):
        candidates += ["synthetic", "stackloss"]
    used = next(value for value in candidates if when.test(value))
    unused = next(value for value in candidates if not when.test(value))
    return used, unused


def form_text(name: str, value: Any) -> str:
    """What the form's field for ``name`` holds for ``value`` (the data's menu: a choice)."""
    return str(value) if name == "data" else SETTINGS[name].kind.show(value)


@pytest.mark.parametrize("name", WHEN_USED)
def test_when_a_setting_applies_decides_the_form_the_header_and_the_checks(name: str) -> None:
    """One declaration (used_when) decides: the form shows the field only then; train's
    header and the log name it only then; given unused, it is refused with its sentence, or
    ignored (kept, and named nowhere)."""
    setting = SETTINGS[name]
    when = setting.used_when
    assert when is not None
    used, unused = used_and_unused(name)
    value = example(setting)
    on_used = dataclasses.replace(TrainConfig(), **{when.on: used, name: value})
    on_unused = dataclasses.replace(TrainConfig(), **{when.on: unused, name: value})
    assert setting.used(on_used)
    assert not setting.used(on_unused)
    # the form: the field shows for the other field's text that uses it
    other, shows = RELEVANT_WHEN[name]
    assert other == when.on
    if name != "data_sha256":  # filled in from the file, never typed: never shown
        assert shows(form_text(when.on, used))
    assert not shows(form_text(when.on, unused))
    # train's header (and the log's first line)
    named = f"{setting.legend}={setting.kind.show(value)}"
    assert (named in describe_config(on_used)) == (name != "data_sha256")
    assert named not in describe_config(on_unused)
    # the checks: refused with its sentence, or ignored
    refusals = [m.message for m in mistakes_in(on_unused) if m.field == name]
    if when.refused:
        assert refusals == [f"{setting.label} {when.why}: give one with {SETTINGS[when.on].flag}"]
    else:
        assert refusals == []


def test_the_code_panes_heading_names_a_setting_only_where_it_is_used() -> None:
    concise = TrainConfig(implementation="concise", model="class", optimizer="adam")
    assert code_heading(concise) == "concise · --model class · --optimizer adam"
    scratch = dataclasses.replace(concise, implementation="scratch")  # no nn model in scratch
    assert code_heading(scratch) == "scratch · --optimizer adam"
