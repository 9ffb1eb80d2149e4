"""What the app remembers between launches that is no run: the chosen theme and language, in a
small JSON file in the user's config directory, written atomically. A damaged file is ignored
with a warning."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path

from platformdirs import user_config_path

from tui_linreg.i18n import _

KEYS = ("theme", "language")
"""What the file may hold, each a non-empty string."""


def default_path() -> Path:
    """settings.json in the user's config directory (``$XDG_CONFIG_HOME/tui-linreg``)."""
    return user_config_path("tui-linreg") / "settings.json"


def load(path: Path) -> tuple[dict[str, str], str | None]:
    """(the values remembered, each of KEYS found well-formed; a warning to show, or None).
    Never raises."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}, None
    except (OSError, UnicodeDecodeError) as error:
        warning = _("the settings file {path} cannot be read ({error}): using the defaults")
        return {}, warning.format(path=path, error=error)
    try:
        values = json.loads(text)
        kept = {k: v for k in KEYS if isinstance(v := values.get(k), str) and v}
        if not kept:  # none of ours, well-formed: a file broken mid-write, say
            raise TypeError
    except (ValueError, TypeError, AttributeError, RecursionError):  # "[[[[…" nested deep
        warning = _("the settings file {path} is damaged: using the defaults (it is rewritten)")
        return {}, warning.format(path=path)
    return kept, None


def load_theme(path: Path) -> tuple[str | None, str | None]:
    """(the theme remembered, or None; a warning to show, or None). Never raises."""
    values, warning = load(path)
    return values.get("theme"), warning


def load_language(path: Path) -> str | None:
    """The language chosen in the palette, or None; a damaged file says so with the theme."""
    return load(path)[0].get("language")


def save(path: Path, **values: str) -> str | None:
    """Remember ``values`` beside what the file already holds, the file appearing whole or not
    at all; a warning if it cannot."""
    kept = {**load(path)[0], **values}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".settings.", suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            json.dump(kept, file, ensure_ascii=False)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except OSError as error:
        with contextlib.suppress(OSError, UnboundLocalError):
            Path(temporary).unlink(missing_ok=True)
        return _("the settings cannot be remembered in {path}: {error}").format(
            path=path, error=error.strerror
        )
    return None


def save_theme(path: Path, theme: str) -> str | None:
    return save(path, theme=theme)
