"""Issue 33: one message catalogue. Every message has its zh_CN translation with the same
placeholders, the shipped .mo is the .po compiled, the language is chosen as gettext users
expect (--lang, then the remembered choice, then the environment), and a translation changes
words, never a number."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from tui_linreg import i18n
from tui_linreg.i18n import CATALOGUES, DOMAIN, LOCALE_DIR, cells, choose, fill, from_environment

PACKAGE = LOCALE_DIR.parent.parent
PLACEHOLDERS = re.compile(r"\{[^{}]*\}|%\([a-z_]+\)[rsd]|%s")


def _catalogue(locale: str):  # type: ignore[no-untyped-def]
    with open(LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po", "rb") as file:
        return read_po(file, locale=locale)


@pytest.mark.parametrize("locale", sorted(CATALOGUES.values()))
def test_every_message_in_the_code_has_a_translation_with_the_same_placeholders(
    locale: str,
) -> None:
    catalogue = _catalogue(locale)
    in_code = {
        message
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(PACKAGE), method_map=[("**.py", "python")], keywords={"_": None, "N_": None}
        )
    }
    missing = sorted(m for m in in_code if m not in catalogue or not catalogue[m].string)
    assert not missing, f"{len(missing)} untranslated (python tools/catalogue.py): {missing[:5]}"
    for message in catalogue:
        if message.id:
            said, meant = PLACEHOLDERS.findall(message.string), PLACEHOLDERS.findall(message.id)
            assert sorted(said) == sorted(meant), message.id


@pytest.mark.parametrize("locale", sorted(CATALOGUES.values()))
def test_the_shipped_mo_is_the_po_compiled(locale: str, tmp_path: Path) -> None:
    compiled = tmp_path / "compiled.mo"
    with compiled.open("wb") as file:
        write_mo(file, _catalogue(locale), use_fuzzy=False)
    shipped = LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.mo"
    assert shipped.read_bytes() == compiled.read_bytes(), "python tools/catalogue.py --compile"


def test_the_language_is_the_flag_then_the_remembered_choice_then_the_environment() -> None:
    chinese = {"LANG": "zh_CN.UTF-8"}
    assert choose("en", "zh", chinese) == "en"
    assert choose(None, "en", chinese) == "en"
    assert choose(None, None, chinese) == "zh"
    assert choose(None, None, {}) == "en"
    assert from_environment({"LANGUAGE": "fr:zh_TW:en", "LANG": "en_US.UTF-8"}) == "zh"
    assert from_environment({"LC_ALL": "C", "LANG": "zh_CN.UTF-8"}) == "en"  # LC_ALL first
    assert from_environment({"LC_MESSAGES": "zh_CN.GB2312"}) == "zh"
    assert from_environment({"LANG": "fr_FR.UTF-8"}) == "en"  # we have no French


def test_chinese_is_wrapped_by_cells_and_no_line_starts_with_a_comma() -> None:
    text = "对向量，同一法则变成矩阵相乘，形状必须对得上：对标量 y 和含 n 个元素的 x，" * 4
    lines = fill(text, 40).splitlines()
    assert len(lines) > 1
    assert all(cells(line) <= 42 for line in lines)  # a comma may hang past the edge
    assert not any(line.startswith(("，", "：")) for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert fill("plain English words here", 10) == "plain\nEnglish\nwords here"


def _train(*flags: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui_linreg", *flags],
        capture_output=True, text=True, timeout=120, env=env,
    )  # fmt: skip


def test_lang_before_or_after_the_command_and_argparses_own_words_in_chinese() -> None:
    before = _train("--lang", "zh", "train", "--no-such-flag")
    after = _train("train", "--no-such-flag", "--lang=zh")
    for refused in (before, after):
        assert refused.returncode == 2
        assert "用法：" in refused.stderr
        assert "错误：无法识别的参数：--no-such-flag" in refused.stderr
    wrong = _train("train", "--lang", "fr")
    assert "argument --lang: must be en or zh, got 'fr'" in wrong.stderr


def test_a_translation_changes_the_words_and_no_number(tmp_path: Path) -> None:
    import os

    env = {**os.environ, "LANG": "zh_CN.UTF-8", "XDG_CONFIG_HOME": str(tmp_path)}
    flags = ("train", "--epochs", "2", "--no-history")
    english = _train(*flags, "--lang", "en", env=env)
    chinese = _train(*flags, env=env)  # the environment's language
    assert english.returncode == chinese.returncode == 0
    assert "每一步" in chinese.stdout
    assert "Each step" in english.stdout
    number = re.compile(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?")
    # the lesson's lines stay as PyTorch prints them; every number of the notes is the same
    assert [line for line in english.stdout.splitlines() if line.startswith("epoch")] == [
        line for line in chinese.stdout.splitlines() if line.startswith("epoch")
    ]
    english_note = english.stdout.split("Each step", 1)[1]
    chinese_note = chinese.stdout.split("每一步", 1)[1]
    assert sorted(number.findall(english_note)) == sorted(number.findall(chinese_note))


def test_use_switches_the_catalogue_and_back() -> None:
    try:
        i18n.use("zh")
        assert i18n._("Run") == "运行"
        assert i18n.language() == "zh"
    finally:
        i18n.use("en")
    assert i18n._("Run") == "Run"


SENTENCE = re.compile(r"(?:\b[A-Za-z]{2,}\b[ ,.:;']+){2,}[A-Za-z]{2,}")
"""Three English words or more: a sentence or a label someone reads."""
NOT_READ = {
    "code": "a lesson's code cell: code, run as written",
    "sweep": "a preset's sweep: a flag's value, typed as written",
}
"""Keyword arguments whose strings are not prose (by the keyword's name)."""
KEPT_ENGLISH = {
    "lr-too-small trains plain SGD": "an assertion's message (a bug of ours, never a user's)",
    "`torch.jit.script` is deprecated": "PyTorch's own warning, matched to be silenced",
    "field larger than field limit": "the csv module's error, matched to say it in our words",
    "new-line character seen": "the csv module's error, matched to say it in our words",
    "half_mse_loss, nn.functional": "a code comment in the code pane (code is never translated)",
    "\n# What autograd computes": "a code comment in the code pane (code is never translated)",
    "Anscombe, F. J.": "a citation",
    "Galton, F.": "a citation",
    "Brownlee, K. A.": "a citation",
    "tui_linreg.datasets is not on disk": "a packaging error for a developer",
    "others at mean": "a glossary term's name, matched against the screen's English words",
    "b at its optimum": "a glossary term's name, matched against the screen's English words",
    "at their optimum": "a glossary term's name, matched against the screen's English words",
    "others at their optimum": "a glossary term's name, matched against the screen's English",
    "stable learning rate": "a glossary term's name, matched against the screen's English words",
    "regression to": "a glossary term's name, matched against the screen's English words",
    "regression toward": "a glossary term's name, matched against the screen's English words",
    "data_units is not an object": "the history's reason to skip a damaged line (not shown)",
    "prediction is not an object": "the history's reason to skip a damaged line (not shown)",
    "an epoch is not an object": "the history's reason to skip a damaged line (not shown)",
    "versions is not an object": "the history's reason to skip a damaged line (not shown)",
    "prediction's right is not": "the history's reason to skip a damaged line (counted, not shown)",
    "start time out of range": "the history's reason to skip a damaged line (counted, not shown)",
    "bad epoch number": "the history's reason to skip a damaged line (counted, not shown)",
    "out of range": "the history's reason to skip a damaged line (counted, not shown)",
    "a run starts before it ends": "an internal error (a bug of ours)",
    "run not recorded in ": "an internal error (a bug of ours)",
    "not an event: ": "an internal error (a bug of ours)",
    "no such move: ": "an internal error (a bug of ours)",
    "the step is within the run": "an internal error (a bug of ours)",
    "a run always ends with RunEnded": "an internal error (a bug of ours)",
    "a plan always ends with PlanEnded": "an internal error (a bug of ours)",
}


def _english_outside_the_catalogue(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped: set[int] = set()
    for node in ast.walk(tree):
        marked = isinstance(node, ast.Call) and getattr(node.func, "id", "") in ("_", "N_")
        if marked or isinstance(node, ast.Assert | ast.Expr):  # the catalogue's; docstrings
            skipped.update(id(sub) for sub in ast.walk(node))
        if isinstance(node, ast.keyword) and node.arg in NOT_READ:
            skipped.update(id(sub) for sub in ast.walk(node.value))
    return [
        f"{path.relative_to(PACKAGE.parent)}:{node.lineno}: {node.value[:60]!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in skipped
        and SENTENCE.search(node.value)
        and not node.value.startswith(tuple(KEPT_ENGLISH))
    ]


def test_no_sentence_a_user_reads_bypasses_the_catalogue() -> None:
    """Every English sentence in the package is in _() or N_(), or kept English for a reason
    (KEPT_ENGLISH). Three words or more: a flag's value or a key's name is not caught."""
    found = [
        line
        for path in sorted(PACKAGE.rglob("*.py"))
        if "i18n" not in path.parts
        for line in _english_outside_the_catalogue(path)
    ]
    assert not found, "\n".join(found)


def test_an_empty_message_stays_empty_in_chinese() -> None:
    """gettext answers "" with the catalogue's header: a question without a unit showed
    "Project-Id-Version: …" after the learner's answer."""
    try:
        i18n.use("zh")
        assert i18n._("") == ""
    finally:
        i18n.use("en")
