"""What the app remembers between launches that is no run: the chosen theme, in a small JSON file
in the user's config directory, written atomically. A damaged file is ignored with a warning."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path

from platformdirs import user_config_path


def default_path() -> Path:
    """settings.json in the user's config directory (``$XDG_CONFIG_HOME/tui-linreg``)."""
    return user_config_path("tui-linreg") / "settings.json"


def load_theme(path: Path) -> tuple[str | None, str | None]:
    """(the theme remembered, or None; a warning to show, or None). Never raises."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, None
    except (OSError, UnicodeDecodeError) as error:
        return None, f"the settings file {path} cannot be read ({error}): using the defaults"
    try:
        values = json.loads(text)
        theme = values["theme"]
        if not isinstance(theme, str) or not theme:
            raise TypeError
    except (ValueError, KeyError, TypeError, RecursionError):  # "[[[[…" nested deep
        return None, f"the settings file {path} is damaged: using the defaults (it is rewritten)"
    return theme, None


def save_theme(path: Path, theme: str) -> str | None:
    """Remember ``theme``, the file appearing whole or not at all; a warning if it cannot."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".settings.", suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            json.dump({"theme": theme}, file)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except OSError as error:
        with contextlib.suppress(OSError, UnboundLocalError):
            Path(temporary).unlink(missing_ok=True)
        return f"the theme cannot be remembered in {path}: {error.strerror}"
    return None
