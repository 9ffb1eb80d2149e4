"""``python tools/catalogue.py``: the catalogues brought up to date with the code, with Babel
(a development tool, in the test extras and not in the package: the app itself reads the
compiled ``.mo`` files with the standard library's gettext).

1. extract every ``_("…")`` and ``N_("…")`` into ``tui_linreg.pot``;
2. update each language's ``.po`` from it (new sentences come in untranslated, changed ones
   marked fuzzy; tests/test_i18n.py fails until each has its translation);
3. compile each ``.po`` into the ``.mo`` the package ships.

``--compile`` does only the last step, after a ``.po`` is edited by hand.
"""

from __future__ import annotations

import sys

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from tui_linreg.i18n import CATALOGUES, DOMAIN, LOCALE_DIR

PACKAGE = LOCALE_DIR.parent.parent
TEMPLATE = LOCALE_DIR.parent / f"{DOMAIN}.pot"
KEYWORDS = {"_": None, "N_": None}


def po_path(locale: str) -> str:
    return str(LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po")


def extract() -> Catalog:
    template = Catalog(project="tui-linreg", domain=DOMAIN)
    for filename, lineno, message, comments, _context in extract_from_dir(
        str(PACKAGE), method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        template.add(message, None, [(f"tui_linreg/{filename}", lineno)], auto_comments=comments)
    with open(TEMPLATE, "wb") as file:
        write_po(file, template, sort_by_file=True, omit_header=False, width=100)
    return template


def update(template: Catalog, locale: str) -> None:
    with open(po_path(locale), "rb") as file:
        catalogue = read_po(file, locale=locale, domain=DOMAIN)
    catalogue.update(template, no_fuzzy_matching=True)
    with open(po_path(locale), "wb") as file:
        write_po(file, catalogue, sort_by_file=True, width=100, ignore_obsolete=True)


def compile_mo(locale: str) -> None:
    with open(po_path(locale), "rb") as file:
        catalogue = read_po(file, locale=locale, domain=DOMAIN)
    with open(po_path(locale).removesuffix(".po") + ".mo", "wb") as file:
        write_mo(file, catalogue, use_fuzzy=False)


def main(argv: list[str]) -> int:
    if "--compile" not in argv:
        template = extract()
        for locale in CATALOGUES.values():
            update(template, locale)
        print(f"{len(template)} messages in {TEMPLATE.relative_to(PACKAGE.parent)}")
    for locale in CATALOGUES.values():
        compile_mo(locale)
        print(f"compiled {po_path(locale).removesuffix('.po')}.mo")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
