"""Cancel and pause: the only things that flow back from the UI into a run.

Torch-free, so the UI can create one without waiting for PyTorch to load.
"""

from __future__ import annotations

import threading


class RunControl:
    """Cancel and pause, requested from any thread and honoured before the next mini-batch."""

    def __init__(self) -> None:
        self._cancelled = threading.Event()
        self._running = threading.Event()
        self._running.set()
        self._lock = threading.Lock()
        self.requested = False
        """True while a cancel or a pause is pending: the one flag the training loop reads
        at every step (a plain attribute, cheaper than asking two Events)."""

    def cancel(self) -> None:
        with self._lock:
            self._cancelled.set()
            self.requested = True
            self._running.set()  # a paused run must wake up to stop

    def pause(self) -> None:
        with self._lock:
            self._running.clear()
            self.requested = True

    def resume(self) -> None:
        with self._lock:
            self.requested = self._cancelled.is_set()
            self._running.set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    @property
    def paused(self) -> bool:
        return not self._running.is_set()

    def wait_while_paused(self) -> None:
        self._running.wait()
