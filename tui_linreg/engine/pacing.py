"""The training loop's clock and pace: training time without the waits, and the controls
(pause, cancel, a single step, a new pace) heeded between two steps.

Torch-free, so it is tested without it (tests/test_pacing.py).
"""

from __future__ import annotations

import time

from tui_linreg.engine.control import RunControl

MAX_LAG_S = 0.1
"""A paced run this far behind its schedule starts a new one: it never rushes through the
steps it missed, which at the start of a run are the ones a learner most wants to see."""


class Stopwatch:
    """Training time only: stopped while paused, while waiting for the pace, and while the
    consumer handles an event."""

    def __init__(self) -> None:
        self.total = 0.0
        self._since: float | None = None

    def start(self) -> None:
        self._since = time.perf_counter()

    def stop(self) -> None:
        if self._since is not None:
            self.total += time.perf_counter() - self._since
            self._since = None

    def read(self) -> float:
        running = time.perf_counter() - self._since if self._since is not None else 0.0
        return self.total + running


class Pacer:
    """Heeds the run's control between steps, and keeps its pace.

    Step k of a paced stretch starts k/pace after the stretch began, on an absolute schedule
    (no drift). A pause, or a new pace, begins a new stretch. The waits are not training time.
    """

    def __init__(self, control: RunControl, clock: Stopwatch) -> None:
        self.control = control
        self.clock = clock
        self.pace = control.take_pace()
        """Steps per second; None: as fast as it goes."""
        self.single = False
        """The step about to be taken is a single step (f7): the run pauses after it."""
        self._from = time.perf_counter()
        self._steps = 0

    def heed(self) -> bool:
        """Before a step, when the control asks for something (``control.requested``): wait
        out a pause, then take the pace and whether this is a single step. False: the run is
        cancelled."""
        control = self.control
        if control.paused:
            self.clock.stop()
            control.wait_while_paused()
            self.clock.start()
        if control.cancelled:
            return False
        self.pace = control.take_pace()
        self.single = control.take_single()
        self._from, self._steps = time.perf_counter(), 0
        return True

    def wait(self) -> None:
        """After a step of a paced run: wait until the next one is due (a cancel, a pause or a
        new pace cut the wait short)."""
        pace = self.pace
        if pace is None:
            return
        self._steps += 1
        self.clock.stop()
        wait = self._from + self._steps / pace - time.perf_counter()
        if wait < -MAX_LAG_S:  # far behind (the UI drawing a new run, say): start afresh
            self._from, self._steps = time.perf_counter(), 0
        self.control.nap(wait)
        self.clock.start()
