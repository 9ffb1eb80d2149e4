"""Arbitrary text in every form field and every command-line flag: a result or a plain message
that names the field, never a traceback, and the app stays usable afterwards."""

from __future__ import annotations

import os
import random
import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual.widgets import Input, Select, Static

from tests.hardening.conftest import LONG, TALLY, scaled
from tests.ui.snapshot_app import (
    make_app,
    notifications,
    press_now,
    run_and_wait,
    settle,
    wait_until,
)
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


numbers = st.sampled_from(["1e-4", "10", "0", "-1", "1e400", "nan", "3", "0.5", "", "x", "1..2"])
sweeps = st.builds(
    lambda name, low, high, scale, count: f"{name}={low}..{high}{scale}{count}",
    st.sampled_from(
        [s.flag.removeprefix("--").replace("-", "_") for s in SETTINGS.values() if s.sweepable]
        + ["lr", "bogus", ""]
    ),
    numbers,
    numbers,
    st.sampled_from([":log:", ":lin:", ":", "::", ":cubic:", ""]),
    st.sampled_from(["12", "2", "1", "0", "1000000", "-3", "x", ""]),
)
"""Range sweeps (lr=1e-4..10:log:12), with every part of one broken in turn."""
paths = st.sampled_from(
    [
        "/",
        ".",
        "/dev/null",
        "/proc/self/status",
        "/nonexistent/dir/out.csv",
        "~no-such-user-here/out.jsonl",
        "out.txt",
        "out.csv",
        "trace.jsonl",
        "x" * 5000,
        "a\x00b",
        "dir/",
        "",
    ]
)
"""Paths for --trace, --export, --history and --data: folders, devices, no folder, odd names."""
PATH_FLAGS = ["--trace", "--export", "--history", "--data"]

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
@given(
    flag_and_value=st.one_of(
        st.tuples(st.sampled_from(FLAGS), texts),
        st.tuples(st.just("--sweep"), sweeps),
        st.tuples(st.sampled_from(PATH_FLAGS), paths),
    ),
    command=st.sampled_from(["train", None]),
)
def test_every_flag_takes_any_value_with_a_result_or_a_message(
    capsys: pytest.CaptureFixture[str],
    flag_and_value: tuple[str, str],
    command: str | None,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Valid values pass ``--check``; anything else exits 2 with a message, never a traceback.

    Without a command the app would start; here standard input is not a terminal, so a valid
    value ends in the "needs a terminal" message instead, which is exit 2 as well.
    """
    TALLY["command lines tried"] += 1
    flag, value = flag_and_value
    monkeypatch.chdir(tmp_path)  # a relative path lands in a folder of its own, never the tree
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


async def said_under_the_field(error: Static, valid: bool, typed: str) -> None:
    """Wait until the line under a field says something exactly when its text is refused, as
    soon as it does: pilot.pause waits for the whole process to idle (20 ms at least, a second
    at most), minutes over the whole corpus."""
    await wait_until(
        lambda: bool(str(error.render())) != valid,
        timeout=10,
        what=lambda: f"{typed}: {'valid' if valid else 'refused'}, shown {error.render()!s}",
    )


async def test_the_form_takes_any_text_in_every_field_and_stays_usable() -> None:
    """Every field gets every nasty input and a run of seeded junk: the message under it
    agrees with the engine's reading, ctrl+r refuses while anything is wrong, and after all
    that the default experiment still trains to the engine's exact answer."""
    app = make_app()
    fields = [*FORM_FIELDS, "sweep"]
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        defaults = app.main.form.texts()
        for index, name in enumerate(fields):
            field = app.main.form.query_one(f"#field-{name}", Input)
            error = app.main.form.query_one(f"#error-{name}", Static)
            # The fast mode gives each field a sixth of the nasty list (each sixth goes to
            # every sixth field, so every input reaches some fields) and a little junk; the
            # long mode gives every field all of it, and far more junk.
            nasty = NASTY if LONG else NASTY[index % 6 :: 6]
            corpus = nasty + _random_texts(7 + index, scaled(2, 150))
            for number, text in enumerate(corpus):
                field.value = text
                TALLY["form inputs typed"] += 1
                valid = _reads(name, text)
                await said_under_the_field(error, valid, f"{name}={text!r}")
                if not valid and (number + index) % 5 == 0:
                    plans_before = app.session.plan_id
                    await press_now(pilot, "ctrl+r")  # a refusal is at once: no idle to wait for
                    assert app.session.running is None, f"a run started with {name}={text!r}"
                    assert app.session.plan_id == plans_before
            field.value = defaults.get(name, "")
            await pilot.pause()
        await run_and_wait(pilot)
        ended = app.session.ends[-1]
    expected = run_to_end(TrainConfig(device="cpu"))
    assert (ended.w, ended.b) == (expected.w, expected.b)


async def test_the_data_path_field_takes_any_path_and_trains_only_on_a_good_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Paths people type, and files damaged in each way: the field says what is wrong as it is
    typed or ctrl+r says it, nothing trains on a bad one, and then a good file trains."""
    monkeypatch.chdir(tmp_path)
    good = tmp_path / "good.csv"
    good.write_text("".join(["x,y\n", *(f"{i},{2 * i + 1}\n" for i in range(20))]))
    files: dict[str, str | bytes] = {
        "text.csv": "x,y\n1,2\n3,oops\n",
        "ragged.csv": "x,y\n1,2\n3\n",
        "header-only.csv": "x,y\n",
        "empty.csv": "",
        "nan.csv": "x,y\n1,nan\n2,3\n",
        "huge.csv": "x,y\n1,1e308\n2,3\n",
        "bytes.csv": bytes(random.Random(5).randrange(256) for _ in range(400)),
    }
    for name, content in files.items():
        (tmp_path / name).write_bytes(content if isinstance(content, bytes) else content.encode())
    (tmp_path / "folder.csv").mkdir()
    os.mkfifo(tmp_path / "pipe.csv")
    typed = [
        *files,
        "folder.csv",
        "pipe.csv",
        "missing.csv",
        "",
        " ",
        "/",
        "/dev/null",
        "~no-such-user-here/data.csv",
        "x" * 5000,
        "a\x00b.csv",
        "good.csv/inside.csv",
        *NASTY[:: scaled(4, 1)],
    ]
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        form = app.main.form
        form.query_one("#field-data", Select).value = "file"
        await pilot.pause()
        field = form.query_one("#field-data_path", Input)
        for text in typed:
            field.value = text
            await pilot.pause()
            plans_before = app.session.plan_id
            await pilot.press("ctrl+r")
            await pilot.pause()
            TALLY["data paths typed"] += 1
            assert app.session.plan_id == plans_before, f"a run started on {text[:40]!r}"
            said = str(form.query_one("#error-data", Static).render()) + " ".join(
                notifications(app)
            )
            assert said.strip(), f"nothing said about {text[:40]!r}"
        field.value = str(good)
        await pilot.pause()
        await run_and_wait(pilot)
        assert app.session.ends[-1].outcome == "finished"
        assert app.session.ends[-1].config.num_examples == 20
