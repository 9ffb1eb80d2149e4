"""The real app in a real (pseudo-)terminal, as a person starts and quits it."""

from __future__ import annotations

import os
import pty
import re
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


def start_app(*args: str, **env: str) -> tuple[subprocess.Popen[bytes], int]:
    """The app in a fresh pseudo-terminal, as a person starts it: (process, terminal fd)."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "tui_linreg", "--history", os.devnull, *args],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env={**os.environ, "TERM": "xterm-256color", **env},
        close_fds=True,
    )
    os.close(follower)
    return process, leader


GREYS = {0, 7, 8, 15, 16, 59, 102, 145, 188, 231, *range(232, 256)}
"""256-colour indices that carry no hue: the grey ramp and the cube's r = g = b corners."""


def test_no_color_turns_every_colour_to_grey() -> None:
    process, leader = start_app(NO_COLOR="1")
    try:
        screen = read_until(leader, b"ready", timeout=60)
        os.write(leader, b"\x11")
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
        os.close(leader)
    colours = [int(n) for n in re.findall(rb"\x1b\[(?:[0-9;]*;)?[34]8;5;([0-9]+)", screen)]
    assert colours, "the screen was drawn with colour codes at all"
    assert set(colours) <= GREYS, sorted(set(colours) - GREYS)
    assert b"\x1b[38;2;" not in screen  # no true colour either


def test_quitting_during_training_ends_the_process_within_a_second() -> None:
    process, leader = start_app("--num-examples", "1000000", "--epochs", "50")
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
