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
