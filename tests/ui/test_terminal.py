"""The real app in a real (pseudo-)terminal, as a person starts and quits it."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time


def read_until(fd: int, needle: bytes, timeout: float) -> bytes:
    seen = b""
    deadline = time.monotonic() + timeout
    while needle not in seen:
        remaining = deadline - time.monotonic()
        assert remaining > 0, f"never saw {needle!r}"
        ready, _, _ = select.select([fd], [], [], remaining)
        if ready:
            try:
                seen += os.read(fd, 65536)
            except OSError:  # the child closed the terminal
                break
    return seen


def test_quitting_during_training_ends_the_process_within_a_second() -> None:
    leader, follower = pty.openpty()
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "120", "LINES": "40"}
    process = subprocess.Popen(
        [sys.executable, "-m", "tui_linreg", "--num-examples", "1000000", "--epochs", "50"],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env=env,
        close_fds=True,
    )
    os.close(follower)
    try:
        read_until(leader, b"ready", timeout=60)  # PyTorch has loaded
        os.write(leader, b"\x12")  # ctrl+r
        read_until(leader, b"epoch", timeout=60)  # training is under way
        os.write(leader, b"\x11")  # ctrl+q
        quit_pressed = time.monotonic()
        process.wait(timeout=10)
        took = time.monotonic() - quit_pressed
    finally:
        if process.poll() is None:
            process.kill()
        os.close(leader)
    assert process.returncode == 0
    assert took < 1.0, f"quitting took {took:.2f} s"
