"""The hardening suite: fast by default (CI), long with TUI_LINREG_LONG=1.

Every test adds what it tried to TALLY; the figures are printed at the end of the session
(tests/conftest.py gathers them from every worker), and the README quotes them.
"""

from __future__ import annotations

import os
from collections import Counter

LONG = os.environ.get("TUI_LINREG_LONG", "") not in ("", "0")
"""Opt-in long mode: many more inputs, keys and cycles (minutes instead of seconds)."""

TALLY: Counter[str] = Counter()
"""What the suite tried, by kind: 'form inputs', 'keys', 'start/cancel cycles', …"""


def scaled(fast: int, long: int) -> int:
    """How many of something to try in this mode."""
    return long if LONG else fast
