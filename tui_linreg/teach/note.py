"""A note: what to notice, and the numbers it quotes. Its own module so that the engine's
events can carry notes without importing how they are worked out (notes.py)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Note:
    """Two or three sentences in the user's language, and the numbers they quote."""

    id: str
    """The same in every language: what the note is about (``lr-factor``, ``both-scales``)."""
    text: str
    numbers: Mapping[str, float | int | str] = field(default_factory=dict, hash=False)
    """The message's placeholders, by name, as computed (not as printed)."""

    def to_dict(self) -> dict[str, Any]:
        """As ``train --json`` writes it."""
        return {"id": self.id, "text": self.text, "numbers": dict(self.numbers)}


def filled(id: str, message: str, **numbers: float | int | str) -> Note:
    """A note whose ``message`` (already through ``_()``, so that extraction finds it) is
    filled in with ``numbers``, which it keeps."""
    return Note(id, message.format(**numbers), numbers)
