"""Where a learner is in each lesson, remembered between launches: lessons.json beside the
app's settings, written whole or not at all. A damaged file starts afresh with a warning. A
served tab keeps its progress in memory only (``path`` None): every student on one server has
their own. Imports neither Textual nor torch.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from tui_linreg.i18n import _


@dataclass
class LessonProgress:
    path: Path | None
    """The file it is kept in; None keeps it in memory (a served tab)."""
    page: dict[str, int] = field(default_factory=dict)
    """The page each lesson was left on, from 0."""
    seen: dict[str, set[int]] = field(default_factory=dict)
    """The pages of each lesson the learner has opened."""

    @classmethod
    def load(cls, path: Path | None) -> tuple[LessonProgress, str | None]:
        """The progress kept in ``path`` (none yet: a fresh start), and a warning if the file
        could not be read. Never raises."""
        progress = cls(path)
        if path is None:
            return progress, None
        try:
            values = json.loads(path.read_text(encoding="utf-8"))
            for name, kept in values["lessons"].items():
                page, seen = kept["page"], kept["seen"]
                if not isinstance(page, int) or not all(isinstance(n, int) for n in seen):
                    raise TypeError
                progress.page[str(name)] = page
                progress.seen[str(name)] = set(seen)
        except FileNotFoundError:
            return progress, None
        except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError):
            warning = _("the lessons' progress in {path} is damaged: starting afresh")
            return cls(path), warning.format(path=path)
        return progress, None

    def at(self, lesson: str, pages: int) -> int:
        """The page to open ``lesson`` on (of ``pages``): where it was left."""
        return min(max(self.page.get(lesson, 0), 0), pages - 1)

    def visit(self, lesson: str, page: int) -> str | None:
        """The learner is on ``page``: remembered; a warning if it cannot be written."""
        self.page[lesson] = page
        self.seen.setdefault(lesson, set()).add(page)
        return self.save()

    def reset(self) -> str | None:
        """Every lesson from its start again."""
        self.page.clear()
        self.seen.clear()
        return self.save()

    def save(self) -> str | None:
        if self.path is None:
            return None
        document = {
            "lessons": {
                name: {"page": self.page.get(name, 0), "seen": sorted(self.seen.get(name, ()))}
                for name in sorted(set(self.page) | set(self.seen))
            }
        }
        temporary = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.path.parent, suffix=".tmp")
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                json.dump(document, file)
            os.replace(temporary, self.path)
        except OSError as error:
            if temporary is not None:
                with contextlib.suppress(OSError):
                    Path(temporary).unlink()
            warning = _("the lessons' progress cannot be kept in {path}: {reason}")
            return warning.format(path=self.path, reason=error.strerror)
        return None
