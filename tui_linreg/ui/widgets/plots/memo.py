"""The plots' one cache helper: a value kept with the key it was made for."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")

_NOTHING = object()


class Memo(Generic[T]):
    """One value and what it was made for: made again only when that changes. A drawing kept
    until its numbers, size or theme change; a map's frame until its paths grow."""

    def __init__(self) -> None:
        self._key: object = _NOTHING
        self._value: T | None = None

    def get(self, key: object, make: Callable[[], T]) -> T:
        """The value for ``key``: the kept one, or ``make()`` kept from now on."""
        if self._key is _NOTHING or self._key != key:
            self._value, self._key = make(), key
        return self._value  # type: ignore[return-value]  # made for this key above

    def clear(self) -> None:
        self._key, self._value = _NOTHING, None
