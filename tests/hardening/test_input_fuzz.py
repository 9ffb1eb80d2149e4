"""Arbitrary text in every form field and every command-line flag: a result or a plain message
that names the field, never a traceback, and the app stays usable afterwards."""

from __future__ import annotations

import random
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual.widgets import Input, Static

from tests.hardening.conftest import TALLY, scaled
from tests.ui.snapshot_app import make_app, run_and_wait, settle
from tui_linreg.cli import main
from tui_linreg.config import SETTINGS, ConfigError, FieldError, TrainConfig, parse_field
from tui_linreg.engine.run import run_to_end
from tui_linreg.sweep import parse_sweep
from tui_linreg.ui.widgets.settings_form import FORM_FIELDS

NASTY = [
    "",
    " ",
    "\t \n",
    "١٢٣",  # Arabic-Indic digits
    "１２",  # full-width digits
    "²",
    "𝟚,𝟛",
    "1e400",
    "-1e400",
    "1e-400",
    "nan",
    "NaN",
    "inf",
    "-inf",
    "-0",
    "-0.0",
    "0",
    "9" * 400,
    "-" + "9" * 40,
    "2,,3",
    ",",
    "2,",
    "[2, -3.4]",
    "(2, -3.4)",
    "2;-3.4",
    "2 -3.4",
    "0x10",
    "1_000",
    "1/0",
    "__import__('os').system('true')",
    "\x00",
    "\x1b[31mred",
    "'; DROP TABLE runs; --",
    "😀",
    "1,2,3," * 1700,  # a 10 kB paste
]
"""The inputs the issue names, and their cousins."""

texts = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=80),
    st.from_regex(r"-?[0-9]{0,30}(\.[0-9]{0,10})?(e-?[0-9]{1,4})?(,-?[0-9.e]{0,8}){0,4}"),
)


@settings(max_examples=scaled(400, 5000), deadline=None)
@given(field=st.sampled_from(sorted(SETTINGS)), text=texts)
def test_every_field_reads_any_text_or_names_itself_in_a_short_message(
    field: str, text: str
) -> None:
    TALLY["field values parsed"] += 1
    try:
        parse_field(field, text)
    except FieldError as error:
        assert error.mistake.field == field
        assert SETTINGS[field].label in error.mistake.message
        assert len(error.mistake.message) < 300, "a long paste is cut in the message"


FLAGS = sorted(
    [
        *(s.flag for s in SETTINGS.values() if not s.is_switch),
        "--preset",
        "--sweep",
        "--export",
        "--trace",
        "--history",
    ]
)


@settings(
    max_examples=scaled(300, 3000),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(flag=st.sampled_from(FLAGS), value=texts, command=st.sampled_from(["train", None]))
def test_every_flag_takes_any_value_with_a_result_or_a_message(
    capsys: pytest.CaptureFixture[str], flag: str, value: str, command: str | None
) -> None:
    """Valid values pass ``--check``; anything else exits 2 with a message, never a traceback.

    Without a command the app would start; here standard input is not a terminal, so a valid
    value ends in the "needs a terminal" message instead, which is exit 2 as well.
    """
    TALLY["command lines tried"] += 1
    argv = [*([command, "--check"] if command else []), f"{flag}={value}"]
    try:
        code = main(argv)
    except SystemExit as exit_:  # argparse's own refusals
        code = exit_.code if isinstance(exit_.code, int) else 2
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert code in (0, 2), (argv, code, err)
    if code == 2:
        assert err.startswith(("tui-linreg: ", "usage: ")), err
        assert len(err) < 2000


def _random_texts(seed: int, count: int) -> list[str]:
    """Seeded junk the way people type it: digits, signs, separators, letters, spaces."""
    rng = random.Random(seed)
    alphabet = string.digits * 3 + "-+.,eE " + string.ascii_letters + "[]();_١２"
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12))) for _ in range(count)]


def _reads(name: str, text: str) -> bool:
    """Whether the engine reads ``text`` for the form field ``name``."""
    try:
        if name != "sweep":
            parse_field(name, text)
        elif text.strip():  # an empty sweep field means a single run
            parse_sweep(text)
    except (FieldError, ConfigError):
        return False
    return True


async def test_the_form_takes_any_text_in_every_field_and_stays_usable() -> None:
    """Every field gets every nasty input and a run of seeded junk: the message under it
    agrees with the engine's reading, ctrl+r refuses while anything is wrong, and after all
    that the default experiment still trains to the engine's exact answer."""
    app = make_app()
    corpus = NASTY + _random_texts(7, scaled(10, 400))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        defaults = app.main.form.texts()
        for index, name in enumerate([*FORM_FIELDS, "sweep"]):
            field = app.main.form.query_one(f"#field-{name}", Input)
            error = app.main.form.query_one(f"#error-{name}", Static)
            for number, text in enumerate(corpus):
                field.value = text
                await pilot.pause()
                TALLY["form inputs typed"] += 1
                valid = _reads(name, text)
                shown = str(error.render())
                assert bool(shown) != valid, (name, text, shown)
                if not valid and (number + index) % 5 == 0:
                    plans_before = app.plan_id
                    await pilot.press("ctrl+r")
                    assert app.running is None, f"a run started with {name}={text!r}"
                    assert app.plan_id == plans_before
            field.value = defaults.get(name, "")
            await pilot.pause()
        await run_and_wait(pilot)
        ended = app.ends[-1]
    expected = run_to_end(TrainConfig(device="cpu"))
    assert (ended.w, ended.b) == (expected.w, expected.b)
