"""Cancel, pause, single steps and the pace: the only things that flow back from the UI into a
run.

Torch-free, so the UI can create one without waiting for PyTorch to load.
"""

from __future__ import annotations

import threading
import time

NAP_SLICE_S = 0.05
"""A pacing wait looks for a signal's interrupt this often (a signal cannot wake an Event)."""


class RunControl:
    """Cancel, pause and pace, set from any thread and honoured before the next mini-batch."""

    def __init__(self, pace: float | None = None) -> None:
        self._pace = pace
        self._woken = threading.Event()
        """Set to cut a pacing wait short: a cancel, a pause or a new pace."""
        self._pace_changed = False
        self._single = False
        """A single step was asked for and not yet begun."""
        self._stepping = False
        """The step now being taken is a single step: pause after it."""
        self._cancelled = threading.Event()
        self._interrupted = False
        """Cancelled by a signal handler (interrupt): a plain flag, set without a lock."""
        self._running = threading.Event()
        self._running.set()
        self._lock = threading.Lock()
        self.requested = False
        """True while a cancel, a pause or a new pace is pending: the one flag the training
        loop reads at every step (a plain attribute, cheaper than asking two Events)."""

    def cancel(self) -> None:
        with self._lock:
            self._cancelled.set()
            self.requested = True
            self._running.set()  # a paused run must wake up to stop
            self._woken.set()

    def interrupt(self) -> None:
        """Cancel, from a signal handler. It runs on the main thread between two bytecodes,
        perhaps while that thread holds this object's lock or is inside an Event's wait:
        taking either lock again there would deadlock, so this takes none. The loop sees it
        before its next step, and a nap within NAP_SLICE_S."""
        self._interrupted = True
        self.requested = True

    def pause(self) -> None:
        with self._lock:
            if self.cancelled:  # a cancelled run never pauses again: it must get to its end
                return
            self._running.clear()
            self.requested = True
            self._woken.set()

    def resume(self) -> None:
        with self._lock:
            self.requested = self._cancelled.is_set() or self._pace_changed
            self._single = self._stepping = False
            self._running.set()

    def step(self) -> None:
        """Take exactly one step, then pause: from a pause, the next step; while running,
        the run pauses after its next step."""
        with self._lock:
            self._single = True
            self.requested = True
            self._running.set()
            self._woken.set()

    def take_single(self) -> bool:
        """For the training loop, before a step: whether it is a single step."""
        with self._lock:
            self._stepping, self._single = self._single, False
            return self._stepping

    def stepped(self) -> None:
        """For the training loop, after a single step: pause again (unless resumed or
        cancelled since)."""
        with self._lock:
            # Not once cancelled: a cancel that came during the step would be lost, and the
            # run would wait, paused, for ever (found by the key fuzz: f7, then ctrl+r).
            if self._stepping and not self.cancelled:
                self._running.clear()
                self.requested = True
            self._stepping = False

    @property
    def cancelled(self) -> bool:
        return self._interrupted or self._cancelled.is_set()

    @property
    def paused(self) -> bool:
        return not self._running.is_set()

    def wait_while_paused(self) -> None:
        self._running.wait()

    @property
    def pace(self) -> float | None:
        """Steps per second; None runs as fast as it can."""
        return self._pace

    def set_pace(self, pace: float | None) -> None:
        """Change the pace of the run in progress, from its next step on."""
        with self._lock:
            self._pace = pace
            self._pace_changed = True
            self.requested = True
            self._woken.set()

    def take_pace(self) -> float | None:
        """The pace, for the training loop, which has now seen the latest one (and any pause
        it was woken for is over)."""
        with self._lock:
            self._pace_changed = False
            self._woken.clear()
            self.requested = self.cancelled or not self._running.is_set() or self._single
            return self._pace

    def nap(self, seconds: float) -> None:
        """Wait ``seconds`` between two steps, without spinning; a cancel, a pause or a new
        pace ends the wait at once."""
        deadline = time.monotonic() + seconds
        while seconds > 0 and not self._interrupted:
            if self._woken.wait(min(seconds, NAP_SLICE_S)):
                return
            seconds = deadline - time.monotonic()
