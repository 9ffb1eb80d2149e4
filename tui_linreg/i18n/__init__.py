"""The one message function. Every sentence a user reads is written ``_("…")``, with named
placeholders filled in afterwards (``_("stable below lr {bound}").format(bound=…)``), never
glued from pieces: a translation must be able to reorder them. Today there is only the English
source text; the catalogues (gettext ``.mo`` files) plug in here. Imports only the standard
library, so every layer may use it.
"""

from __future__ import annotations

import gettext

_catalogue: gettext.NullTranslations = gettext.NullTranslations()


def _(message: str) -> str:
    """``message`` in the user's language (English until a catalogue is installed)."""
    return _catalogue.gettext(message)


def N_(message: str) -> str:  # noqa: N802 (gettext's own name for it)
    """Marks ``message`` for the catalogue where it is fixed at import (a question, a preset's
    text): it is looked up with ``_()`` when shown, so a language switched later reaches it."""
    return message
