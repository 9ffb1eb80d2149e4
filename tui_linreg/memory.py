"""How much memory a run needs, and how much the machine can give: the one place that asks the
operating system (Linux's /proc/meminfo, sysconf, Windows' GlobalMemoryStatusEx). Standard
library only."""

from __future__ import annotations

import os


def needed(rows: int, features: int) -> int:
    """Peak bytes a run on ``rows`` examples (training and held out) of ``features`` features
    needs, estimated before allocating anything.

    float32 features and labels, plus per-example working space: the shuffled index (int64),
    the noise and predictions while the data is made, and the residuals of a full-data loss.
    """
    return 4 * rows * (features + 1) + 24 * rows + 64 * 2**20


def available_memory() -> int | None:
    """Bytes of memory the system could give us now, or None where it cannot tell: Linux's
    MemAvailable; the free pages where the system counts them; Windows' available physical
    memory; else (macOS, which counts neither) all of the physical memory, a bound that still
    refuses what could never fit."""
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    for pages in ("SC_AVPHYS_PAGES", "SC_PHYS_PAGES"):
        try:
            return os.sysconf(pages) * os.sysconf("SC_PAGE_SIZE")
        except (ValueError, OSError, AttributeError):  # not counted here (macOS: avail)
            continue
    return _windows_available()


def _windows_available() -> int | None:
    """GlobalMemoryStatusEx's available physical memory, or None off Windows."""
    import ctypes

    windll = getattr(ctypes, "windll", None)  # Windows' only
    if windll is None:
        return None

    class Status(ctypes.Structure):
        _fields_ = [
            ("length", ctypes.c_ulong),
            ("load", ctypes.c_ulong),
            ("total", ctypes.c_ulonglong),
            ("available", ctypes.c_ulonglong),
            ("total_page_file", ctypes.c_ulonglong),
            ("available_page_file", ctypes.c_ulonglong),
            ("total_virtual", ctypes.c_ulonglong),
            ("available_virtual", ctypes.c_ulonglong),
            ("available_extended", ctypes.c_ulonglong),
        ]

    status = Status()
    status.length = ctypes.sizeof(Status)
    if not windll.kernel32.GlobalMemoryStatusEx(ctypes.byref(status)):
        return None
    return int(status.available)


def shown(count: float) -> str:
    """A number of bytes as a person reads it: ``1.2 GB``."""
    for unit in ("B", "KB", "MB", "GB"):
        if count < 1000:
            return f"{count:.1f} {unit}"
        count /= 1000
    return f"{count:.1f} TB"
