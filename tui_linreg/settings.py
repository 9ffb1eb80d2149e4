"""What a setting is. Each setting is declared once, as a field of the config
(:class:`tui_linreg.config.TrainConfig`), and that one declaration is all the program needs:
the command-line flag and its help, the form's field and section, the sentence a bad value gets,
sweeps, curve legends, the reproduce command, history checks and export columns.

A :class:`Kind` reads and checks the values of one type of setting. Nothing here evaluates user
text, and nothing imports torch or Textual, so the UI can check a field as it is typed.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from tui_linreg.i18n import N_, _

T = TypeVar("T")


class Section(StrEnum):
    """The form's sections, in the order shown."""

    DATA = N_("data")
    MODEL = N_("model and loss")
    OPTIMISATION = N_("optimisation")
    PITFALLS = N_("pitfalls")
    RUN = N_("run")


# --- mistakes ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mistake:
    """One thing wrong with the input: which setting, and a sentence saying what and why."""

    field: str
    message: str

    def __str__(self) -> str:
        return self.message


class FieldError(ValueError):
    """One field's text could not be turned into a valid value."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.mistake = Mistake(field, message)


class ConfigError(ValueError):
    """A configuration has one or more mistakes; all of them are listed."""

    def __init__(self, mistakes: list[Mistake]) -> None:
        super().__init__("; ".join(m.message for m in mistakes))
        self.mistakes = mistakes


def quoted(text: str) -> str:
    """The user's text as quoted in a message: long pastes are cut, odd characters escaped."""
    if len(text) > 24:
        text = text[:20] + "…"
    return repr(text)


# --- kinds of value ------------------------------------------------------------------------


def _real_or_none(text: str) -> float | None:
    """A finite real number, or None. Accepts what float() accepts; nothing is evaluated."""
    try:
        value = float(text.strip().replace("_", ""))
    except (ValueError, OverflowError):
        return None
    return value if math.isfinite(value) else None


def _number_or_none(value: object) -> float | None:
    """A typed value (from code or a JSON file) as a finite float, or None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:  # an integer too big for a float
        return None
    return number if math.isfinite(number) else None


class Kind:
    """How the values of one type of setting are read from text, checked and written.

    ``read`` and ``check`` raise ValueError with the sentence a person sees, in the language in
    use; ``label`` is the setting's name in that sentence (already translated).
    """

    metavar = "VALUE"
    """What the command line's help calls a value."""

    def read(self, label: str, text: str) -> Any:
        """The typed value ``text`` means."""
        raise NotImplementedError

    def check(self, label: str, value: object) -> Any:
        """``value`` (from code, or read back from a JSON file) if it is valid, normalised."""
        raise NotImplementedError

    def show(self, value: Any) -> str:
        """For people: the form's text and curve legends."""
        return str(value)

    def exact(self, value: Any) -> str:
        """Text that reads back as exactly ``value``: the reproduce command, export cells."""
        return str(value)

    def plain(self, value: Any) -> Any:
        """The value as JSON holds it."""
        return value


@dataclass(frozen=True)
class Real(Kind):
    """A finite number, optionally > 0, ≥ 0, or within [low, high]."""

    positive: bool = False
    non_negative: bool = False
    low: float | None = None
    high: float | None = None

    def _bounded(self, label: str, value: float | None, shown: str) -> float:
        if self.positive and (value is None or value <= 0):
            raise ValueError(
                _("{label} must be a number > 0, got {value}").format(
                    label=label, value=quoted(shown)
                )
            )
        if self.non_negative and (value is None or value < 0):
            raise ValueError(
                _("{label} must be a number ≥ 0, got {value}").format(
                    label=label, value=quoted(shown)
                )
            )
        low, high = self.low, self.high
        if low is not None and high is not None and (value is None or not low <= value <= high):
            raise ValueError(
                _("{label} must be a number from {low:g} to {high:g}, got {value}").format(
                    label=label, low=low, high=high, value=quoted(shown)
                )
            )
        if value is None:
            raise ValueError(
                _("{label} must be a finite number, got {value}").format(
                    label=label, value=quoted(shown)
                )
            )
        return value + 0.0  # turns -0.0 into 0.0 so it prints as the user expects

    def read(self, label: str, text: str) -> float:
        return self._bounded(label, _real_or_none(text), text)

    def check(self, label: str, value: object) -> float:
        return self._bounded(label, _number_or_none(value), repr(value))

    def show(self, value: Any) -> str:
        return f"{value:g}"

    def exact(self, value: Any) -> str:
        return repr(value)


PER_SECOND = N_("per second")
"""A rate's unit, unless it names its own."""


@dataclass(frozen=True)
class Rate(Kind):
    """A number > 0 per second, or ``max`` (None): as fast as it goes."""

    unit: str = PER_SECOND
    choices: tuple[str, ...] = ()
    """Values offered first (the form's up and down keys go through them); any is typed."""

    def _bounded(self, label: str, value: float | None, shown: str) -> float:
        if value is None or value <= 0:
            raise ValueError(
                _("{label} must be max or a number > 0 {unit}, got {value}").format(
                    label=label, unit=_(self.unit), value=quoted(shown)
                )
            )
        return value

    def read(self, label: str, text: str) -> float | None:
        if text.strip().lower() == "max":
            return None
        return self._bounded(label, _real_or_none(text), text)

    def check(self, label: str, value: object) -> float | None:
        if value is None:
            return None
        return self._bounded(label, _number_or_none(value), repr(value))

    def show(self, value: Any) -> str:
        return "max" if value is None else f"{value:g}"

    def exact(self, value: Any) -> str:
        return "max" if value is None else repr(value)


@dataclass(frozen=True)
class Whole(Kind):
    """A whole number in [low, high], written as digits (``1000``, ``1_000``) or exactly
    (``1e6``)."""

    low: int
    high: int

    def _bounded(self, label: str, value: int | None, shown: str) -> int:
        if value is None or value < self.low:
            raise ValueError(
                _("{label} must be a whole number ≥ {low:,}, got {value}").format(
                    label=label, low=self.low, value=quoted(shown)
                )
            )
        if value > self.high:
            raise ValueError(
                _("{label} must be at most {high:,}, got {value}").format(
                    label=label, high=self.high, value=quoted(shown)
                )
            )
        return value

    def read(self, label: str, text: str) -> int:
        stripped = text.strip()
        try:
            value: int | None = int(stripped)
        except ValueError:  # int() refuses "1e6" and over-long digit strings: try a float
            value = self._exactly_whole(_real_or_none(stripped))
        return self._bounded(label, value, text)

    def check(self, label: str, value: object) -> int:
        if isinstance(value, int) and not isinstance(value, bool):
            return self._bounded(label, value, repr(value))
        return self._bounded(label, self._exactly_whole(_number_or_none(value)), repr(value))

    @staticmethod
    def _exactly_whole(value: float | None) -> int | None:
        if value is None or value != int(value) or abs(value) > 2**53:
            return None
        return int(value)


@dataclass(frozen=True)
class Numbers(Kind):
    """A list of finite numbers, comma-separated (a pasted Python or JSON list is fine);
    optionally each > 0."""

    most: int
    positive: bool = False

    def _entry(self, label: str, position: int, value: float | None, shown: str) -> float:
        if value is None:
            raise ValueError(
                _("{label} entry {position} must be a finite number, got {value}").format(
                    label=label, position=position, value=shown
                )
            )
        if self.positive and value <= 0:
            raise ValueError(
                _("{label} entry {position} must be a number > 0, got {value}").format(
                    label=label, position=position, value=shown
                )
            )
        return value + 0.0

    def read(self, label: str, text: str) -> tuple[float, ...]:
        body = text.strip()
        if body.startswith("[") and body.endswith("]"):
            body = body[1:-1]
        if not body.strip():
            raise ValueError(
                _("{label} needs at least one number, e.g. 2,-3.4").format(label=label)
            )
        parts = body.split(",")
        if len(parts) > self.most:
            raise ValueError(
                _("{label} may hold at most {most} numbers, got {count:,}").format(
                    label=label, most=self.most, count=len(parts)
                )
            )
        values = []
        for position, part in enumerate(parts, start=1):
            if not part.strip():
                raise ValueError(
                    _("{label} has an empty entry at position {position} in {text}").format(
                        label=label, position=position, text=quoted(text)
                    )
                )
            values.append(self._entry(label, position, _real_or_none(part), quoted(part.strip())))
        return tuple(values)

    def check(self, label: str, value: object) -> tuple[float, ...]:
        if not isinstance(value, list | tuple) or not value:
            raise ValueError(
                _("{label} needs at least one number, e.g. 2,-3.4").format(label=label)
            )
        if len(value) > self.most:
            raise ValueError(
                _("{label} may hold at most {most} numbers, got {count:,}").format(
                    label=label, most=self.most, count=len(value)
                )
            )
        values = []
        for position, item in enumerate(value, start=1):
            values.append(self._entry(label, position, _number_or_none(item), quoted(repr(item))))
        return tuple(values)

    def show(self, value: Any) -> str:
        return ",".join(f"{v:g}" for v in value)

    def exact(self, value: Any) -> str:
        return ",".join(repr(v) for v in value)

    def plain(self, value: Any) -> Any:
        return list(value)


@dataclass(frozen=True)
class Choice(Kind):
    """One word of a few, in any case."""

    metavar = "NAME"
    options: tuple[str, ...]
    pattern: str = ""
    """Also accepted, as written in messages: ``cuda:N`` means cuda: and digits."""

    def read(self, label: str, text: str) -> str:
        value = text.strip().lower()
        if value in self.options or self._numbered(value):
            return value
        if self.pattern:
            message = _("{label} must be one of {options} or {pattern}, got {value}")
        else:
            message = _("{label} must be one of {options}, got {value}")
        raise ValueError(
            message.format(
                label=label,
                options=", ".join(self.options),
                pattern=self.pattern,
                value=quoted(text),
            )
        )

    def _numbered(self, value: str) -> bool:
        if not self.pattern:
            return False
        prefix = self.pattern.removesuffix("N")
        number = value.removeprefix(prefix)
        return value.startswith(prefix) and number.isascii() and number.isdigit()

    def check(self, label: str, value: object) -> str:
        if not isinstance(value, str):
            raise ValueError(
                _("{label} must be one of {options}, got {value}").format(
                    label=label, options=", ".join(self.options), value=quoted(repr(value))
                )
            )
        return self.read(label, value)


@dataclass(frozen=True)
class Switch(Kind):
    """On or off."""

    def read(self, label: str, text: str) -> bool:
        value = text.strip().lower()
        if value in ("1", "true", "yes", "on"):
            return True
        if value in ("0", "false", "no", "off"):
            return False
        raise ValueError(
            _("{label} must be on or off, got {value}").format(label=label, value=quoted(text))
        )

    def check(self, label: str, value: object) -> bool:
        if not isinstance(value, bool):
            raise ValueError(
                _("{label} must be on or off, got {value}").format(
                    label=label, value=quoted(repr(value))
                )
            )
        return value

    def show(self, value: Any) -> str:
        return "on" if value else "off"

    exact = show


@dataclass(frozen=True)
class Names(Kind):
    """None, one or several words of a few, as a tuple in the options' order. Written with
    ``+`` between them (a comma separates a sweep's values); ``none`` is the empty tuple. Its
    flag may be repeated."""

    metavar = "NAME"
    options: tuple[str, ...]
    repeatable = True

    @property
    def choices(self) -> tuple[str, ...]:
        """What the form's up and down keys go through: none, then each alone."""
        return ("none", *self.options)

    def read(self, label: str, text: str) -> tuple[str, ...]:
        words = [word.strip().lower() for word in text.replace(",", "+").split("+")]
        words = [word for word in words if word and word != "none"]
        unknown = [word for word in words if word not in self.options]
        if unknown:
            raise ValueError(
                _("{label} must be none or any of {options} (joined with +), got {value}").format(
                    label=label, options=", ".join(self.options), value=quoted(unknown[0])
                )
            )
        return tuple(option for option in self.options if option in words)

    def check(self, label: str, value: object) -> tuple[str, ...]:
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            raise ValueError(
                _("{label} must be a list of names, got {value}").format(
                    label=label, value=quoted(repr(value))
                )
            )
        return self.read(label, "+".join(value))

    def show(self, value: Any) -> str:
        return "+".join(value) if value else "none"

    exact = show

    def plain(self, value: Any) -> Any:
        return list(value)


@dataclass(frozen=True)
class Labels(Kind):
    """Labels set by hand, ``INDEX=VALUE`` (an index from 0), several joined with ``+``;
    ``none`` is the empty tuple. Its flag may be repeated. Kept in index order."""

    metavar = "INDEX=VALUE"
    most_index: int
    repeatable = True

    def _pair(self, label: str, index: object, value: object, shown: str) -> tuple[int, float]:
        if (
            isinstance(index, bool)
            or not isinstance(index, int)
            or not 0 <= index < self.most_index
        ):
            raise ValueError(
                _("{label}: the index in {pair} must be a whole number from 0").format(
                    label=label, pair=shown
                )
            )
        number = _number_or_none(value)
        if number is None:
            raise ValueError(
                _("{label}: the value in {pair} must be a finite number").format(
                    label=label, pair=shown
                )
            )
        return index, number + 0.0

    def _sorted(self, label: str, pairs: list[tuple[int, float]]) -> tuple[tuple[int, float], ...]:
        indices = [index for index, _value in pairs]
        twice = sorted({index for index in indices if indices.count(index) > 1})
        if twice:
            raise ValueError(
                _("{label} sets example {index} twice: give each index once").format(
                    label=label, index=twice[0]
                )
            )
        return tuple(sorted(pairs))

    def read(self, label: str, text: str) -> tuple[tuple[int, float], ...]:
        parts = [part.strip() for part in text.split("+")]
        parts = [part for part in parts if part and part.lower() != "none"]
        pairs = []
        for part in parts:
            index, equals, value = part.partition("=")
            if not equals:
                raise ValueError(
                    _("{label} must be INDEX=VALUE, e.g. 5=10000, got {value}").format(
                        label=label, value=quoted(part)
                    )
                )
            whole = index.strip().replace("_", "")
            pairs.append(
                self._pair(
                    label,
                    int(whole) if whole.isdigit() else None,
                    _real_or_none(value),
                    quoted(part),
                )
            )
        return self._sorted(label, pairs)

    def check(self, label: str, value: object) -> tuple[tuple[int, float], ...]:
        if not isinstance(value, list | tuple) or not all(
            isinstance(pair, list | tuple) and len(pair) == 2 for pair in value
        ):
            raise ValueError(
                _("{label} must be a list of [index, value], got {value}").format(
                    label=label, value=quoted(repr(value))
                )
            )
        pairs = [self._pair(label, pair[0], pair[1], quoted(repr(pair))) for pair in value]
        return self._sorted(label, pairs)

    def show(self, value: Any) -> str:
        return "+".join(f"{index}={number:g}" for index, number in value) if value else "none"

    def exact(self, value: Any) -> str:
        return "+".join(f"{index}={number!r}" for index, number in value) if value else "none"

    def plain(self, value: Any) -> Any:
        return [list(pair) for pair in value]


@dataclass(frozen=True)
class Text(Kind):
    """A short line of text, kept as written (trimmed): a column's name, or (``hex_digits``)
    a hash. Empty is allowed: ``empty`` says what it means (the form's placeholder)."""

    metavar = "TEXT"
    most: int = 200
    empty: str = ""
    hex_digits: int = 0
    """If set, the text is empty or exactly this many hexadecimal digits."""

    def read(self, label: str, text: str) -> str:
        value = text.strip()
        if self.hex_digits and value:
            if len(value) != self.hex_digits or any(c not in "0123456789abcdef" for c in value):
                raise ValueError(
                    _("{label} must be {digits} hexadecimal digits, got {value}").format(
                        label=label, digits=self.hex_digits, value=quoted(value)
                    )
                )
            return value
        if len(value) > self.most:
            raise ValueError(
                _("{label} may be at most {most} characters, got {count:,}").format(
                    label=label, most=self.most, count=len(value)
                )
            )
        if any(not character.isprintable() for character in value):
            raise ValueError(
                _("{label} must be printable text, got {value}").format(
                    label=label, value=quoted(value)
                )
            )
        return value

    def check(self, label: str, value: object) -> str:
        if not isinstance(value, str):
            raise ValueError(
                _("{label} must be text, got {value}").format(
                    label=label, value=quoted(repr(value))
                )
            )
        return self.read(label, value)

    def show(self, value: Any) -> str:
        return str(value)


@dataclass(frozen=True)
class Columns(Kind):
    """Column names of a data file, comma-separated; the empty tuple is every other column."""

    metavar = "A,B,C"
    most: int = 10_000

    def read(self, label: str, text: str) -> tuple[str, ...]:
        if text.strip().lower() in ("", "all"):
            return ()
        names = [name.strip() for name in text.split(",")]
        if any(not name for name in names):
            raise ValueError(
                _("{label} has an empty name in {text}: write a,b,c").format(
                    label=label, text=quoted(text)
                )
            )
        if len(names) > self.most:
            raise ValueError(
                _("{label} may name at most {most:,} columns").format(label=label, most=self.most)
            )
        twice = sorted({name for name in names if names.count(name) > 1})
        if twice:
            raise ValueError(
                _("{label} names the column {name} twice").format(
                    label=label, name=quoted(twice[0])
                )
            )
        return tuple(names)

    def check(self, label: str, value: object) -> tuple[str, ...]:
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            raise ValueError(
                _("{label} must be a list of column names, got {value}").format(
                    label=label, value=quoted(repr(value))
                )
            )
        return self.read(label, ",".join(value)) if value else ()

    def show(self, value: Any) -> str:
        return ",".join(value) if value else "all"

    exact = show

    def plain(self, value: Any) -> Any:
        return list(value)


class _Joined(argparse.Action):
    """A repeated flag's values, joined with + into the one text its kind reads."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        before = getattr(namespace, self.dest, None)
        setattr(namespace, self.dest, f"{before}+{values}" if before else values)


# --- the declaration -----------------------------------------------------------------------


@dataclass(frozen=True)
class UsedWhen:
    """When a setting is used: while another setting's value passes a test. Given but unused,
    it is either ``refused`` (a mistake, said as "{label} {why}: give one with {flag}") or
    ignored (kept and recorded, and named nowhere: as --momentum with plain SGD)."""

    on: str
    """The setting it depends on (its field's name)."""
    test: Callable[[Any], bool]
    """Of that setting's value: whether this one is used."""
    refused: bool = False
    why: str = ""
    """For a refused one: what it is for (``names a data file's column``), marked with ``N_()``."""


@dataclass(frozen=True)
class Setting:
    """Everything about one setting. Declared with :func:`setting` on a config field, which
    gives it its ``name`` and ``default``.

    Its ``label``, ``help``, ``form_label``, its section's name, ``used_when.why`` and a Text's
    ``empty`` are declared in English with ``N_()``, and that English is what the program
    compares: where they are shown, they go through ``_()``."""

    kind: Kind
    label: str
    """Its name in sentences: ``learning rate``."""
    flag: str
    """The command-line flag: ``--lr``."""
    help: str
    """The flag's help, without the default (which is added)."""
    section: Section
    form_label: str
    """The form's label, at most 11 columns: ``learn rate``."""
    legend: str
    """Short label in curve legends and sweep labels: ``lr`` (``lr=0.001``)."""
    sweepable: bool
    affects_result: bool
    """False for a setting that is recorded but cannot change a number (how fast it runs):
    two runs that differ only there are the same experiment."""
    decides_data: bool
    """True if it decides the data or the initial parameters: runs that agree on every such
    setting train on the very same tensors."""
    used_when: UsedWhen | None = None
    """When it is used (None: always): the form shows it then, train's header names it then,
    the code pane's heading too; given when unused, it is refused or ignored."""
    quiet: bool = False
    """Train's header and the log name it only when it differs from its default (the pitfalls,
    a loss that is not the lesson's): the lesson's own run reads as the lesson."""
    name: str = ""
    default: Any = None

    def used(self, config: object) -> bool:
        """Whether ``config`` (a TrainConfig) uses this setting."""
        when = self.used_when
        return when is None or when.test(getattr(config, when.on))

    def read(self, text: str) -> Any:
        """The value ``text`` means, or :class:`FieldError` with the sentence to show."""
        try:
            return self.kind.read(_(self.label), text)
        except ValueError as error:
            raise FieldError(self.name, str(error)) from None

    def check(self, value: object) -> Any:
        """``value`` if valid (normalised), or :class:`FieldError`."""
        try:
            return self.kind.check(_(self.label), value)
        except ValueError as error:
            raise FieldError(self.name, str(error)) from None

    @property
    def is_switch(self) -> bool:
        return isinstance(self.kind, Switch)

    @property
    def sweep_names(self) -> tuple[str, ...]:
        """What a sweep may call it: the flag's name, the field's name, or the legend."""
        stem = self.flag.removeprefix("--")
        return tuple(dict.fromkeys((stem, stem.replace("-", "_"), self.name, self.legend)))

    def add_flag(self, group: argparse._ArgumentGroup, help_suffix: str = "") -> None:
        """Its command-line flag; the value stays text, read by :meth:`read` like the form's,
        so a bad one gets the same sentence. A switch is ``--flag`` (on), ``--flag=off`` or
        ``--no-flag``."""
        shown = {"help": _(self.help), "more": help_suffix, "default": self.kind.show(self.default)}
        if getattr(self.kind, "repeatable", False):
            help_text = _("{help}{more} (default {default}); repeat it for several").format(**shown)
            group.add_argument(
                self.flag, dest=self.name, metavar=self.kind.metavar, action=_Joined, help=help_text
            )
            return
        help_text = _("{help}{more} (default {default})").format(**shown)
        if not self.is_switch:
            group.add_argument(self.flag, dest=self.name, metavar=self.kind.metavar, help=help_text)
            return
        group.add_argument(
            self.flag, dest=self.name, nargs="?", const="on", metavar="on|off", help=help_text
        )
        group.add_argument(
            self.negative_flag,
            dest=self.name,
            action="store_const",
            const="off",
            help=_("the same as {flag}=off").format(flag=self.flag),
        )

    @property
    def negative_flag(self) -> str:
        return "--no-" + self.flag.removeprefix("--")

    def argument(self, value: Any) -> str:
        """The flag that sets exactly ``value``."""
        if self.is_switch:
            return self.flag if value else self.negative_flag
        return f"{self.flag}={self.kind.exact(value)}"


def setting(
    default: T,
    kind: Kind,
    label: str,
    *,
    flag: str,
    help: str,
    section: Section,
    form_label: str | None = None,
    legend: str | None = None,
    sweepable: bool = False,
    affects_result: bool = True,
    decides_data: bool = False,
    used_when: UsedWhen | None = None,
    quiet: bool = False,
) -> T:
    """Declare a config field as a setting (a dataclass field whose metadata holds it)."""
    declared = Setting(
        kind=kind,
        label=label,
        flag=flag,
        help=help,
        section=section,
        form_label=form_label or label,
        legend=legend or flag.removeprefix("--"),
        sweepable=sweepable,
        affects_result=affects_result,
        decides_data=decides_data,
        used_when=used_when,
        quiet=quiet,
    )
    field: T = dataclasses.field(default=default, metadata={"setting": declared})
    return field


def declared(config_class: type) -> dict[str, Setting]:
    """Every setting of a config dataclass, by field name, in declaration order."""
    return {
        field.name: dataclasses.replace(
            field.metadata["setting"], name=field.name, default=field.default
        )
        for field in dataclasses.fields(config_class)
        if "setting" in field.metadata
    }
