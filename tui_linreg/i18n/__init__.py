"""The one message function. Every sentence a user reads is written ``_("…")``, with named
placeholders filled in afterwards (``_("stable below lr {bound}").format(bound=…)``), never
glued from pieces: a translation must be able to reorder them. English is the source text;
the catalogues are gettext's, in ``locale/`` (``python tools/catalogue.py`` extracts, updates
and compiles them; docs/translating.md says how). Imports only the standard library, so every
layer may use it.

One language a process: the app, ``train`` and each served tab (a process of its own) choose it
once at start (:func:`choose`), and the palette may switch it (:func:`use`).
"""

from __future__ import annotations

import argparse
import gettext
import os
import re
import textwrap
import unicodedata
from collections.abc import Mapping, Sequence
from pathlib import Path

DOMAIN = "tui_linreg"
LOCALE_DIR = Path(__file__).with_name("locale")
LANGUAGES = {"en": "English", "zh": "中文"}
"""The languages there are, by the name --lang takes, with their own name for themselves."""
CATALOGUES = {"zh": "zh_CN"}
"""Each language's catalogue, where it has one (English is the source)."""
ENVIRONMENT = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
"""Where gettext looks for the user's language, in its order: the first one set decides."""

_catalogue: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"


def _(message: str) -> str:
    """``message`` in the user's language (English where no catalogue is in use). An empty
    message stays empty: gettext would answer it with the catalogue's header."""
    return _catalogue.gettext(message) if message else message


def ngettext(singular: str, plural: str, count: int) -> str:
    return _catalogue.ngettext(singular, plural, count)


def N_(message: str) -> str:  # noqa: N802 (gettext's own name for it)
    """Marks ``message`` for the catalogue where it is fixed at import (a question, a preset's
    text): it is looked up with ``_()`` when shown, so a language switched later reaches it."""
    return message


ARGPARSE = (
    N_("usage: "),
    N_("%(prog)s: error: %(message)s\n"),
    N_("unrecognized arguments: %s"),
    N_("the following arguments are required: %s"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("expected one argument"),
    N_("show this help message and exit"),
    N_("show program's version number and exit"),
    N_("positional arguments"),
    N_("options"),
)
"""argparse's own words that a user of ours meets, in our catalogue (use() routes argparse's
lookups to it)."""


def language() -> str:
    """The language in use: a key of LANGUAGES."""
    return _language


def use(name: str) -> None:
    """Speak ``name`` (a key of LANGUAGES) from now on, argparse's own words included."""
    global _catalogue, _language
    if name in CATALOGUES:
        _catalogue = gettext.translation(
            DOMAIN, LOCALE_DIR, languages=[CATALOGUES[name]], fallback=True
        )
    else:
        _catalogue = gettext.NullTranslations()
    _language = name
    # argparse looks up "usage: ", "error: " and its refusals through gettext's module-level
    # functions, bound as its globals _ and ngettext: ours answer them from our catalogue.
    argparse._ = _  # type: ignore[attr-defined]
    argparse.ngettext = ngettext  # type: ignore[attr-defined]


def read_language(text: str) -> str | None:
    """The language ``text`` names (``zh``, ``zh_CN.UTF-8``, ``en-GB``, ``中文``), or None."""
    tag = text.strip().split(".")[0].split("@")[0].replace("-", "_").lower()
    if tag in ("zh", "中文", "cn") or tag.startswith("zh_"):
        return "zh"
    if tag in ("en", "english", "c", "posix") or tag.startswith("en_"):
        return "en"
    return None


def from_environment(environ: Mapping[str, str] = os.environ) -> str:
    """The language the environment asks for, as gettext reads it: LANGUAGE (a list, the
    first we have wins), LC_ALL, LC_MESSAGES, then LANG; English where none names ours."""
    for variable in ENVIRONMENT:
        value = environ.get(variable, "")
        if not value:
            continue
        for part in value.split(":") if variable == "LANGUAGE" else [value]:
            found = read_language(part)
            if found is not None:
                return found
        if variable != "LANGUAGE":
            return "en"  # LC_ALL=fr_FR: a language we lack, so the source's
    return "en"


def flag_value(argv: Sequence[str]) -> str | None:
    """The text of --lang anywhere in ``argv`` (before or after the command's name), or None.
    Read before argparse, so that its own words come in that language too."""
    for index, item in enumerate(argv):
        if item == "--":
            break
        if item.startswith("--lang="):
            return item.removeprefix("--lang=")
        if item == "--lang" and index + 1 < len(argv):
            return argv[index + 1]
    return None


def choose(
    flag: str | None, remembered: str | None, environ: Mapping[str, str] = os.environ
) -> str:
    """Which language to speak: --lang, then the choice remembered from the palette, then the
    environment. A --lang we cannot read is refused by the parser, in the others' language."""
    for text in (flag, remembered):
        if text:
            found = read_language(text)
            if found is not None:
                return found
    return from_environment(environ)


def cells(text: str) -> int:
    """How many terminal cells ``text`` takes: a CJK character takes two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


_TOKENS = re.compile(r"[\x21-\x7e]+|\s+|.")
"""A run of ASCII (a word, a number, code: never split), a space, or one other character."""


_NO_LINE_START = frozenset("，。、；：？！）」』”’》")
"""Punctuation a Chinese line never starts with: it stays at the end of the line before."""


def fill(text: str, width: int) -> str:
    """``textwrap.fill``, by cells: Chinese has no spaces to break at, and each character
    takes two cells, so it breaks between any two characters but inside no ASCII word."""
    if cells(text) == len(text):
        return textwrap.fill(text, width)
    lines, line = [], ""
    for token in _TOKENS.findall(text):
        token = " " if token.isspace() else token
        if line.strip() and cells(line + token) > width and token not in _NO_LINE_START:
            lines.append(line.rstrip())
            line = token.lstrip()
        else:
            line += token
    lines.append(line.rstrip())
    return "\n".join(lines)
