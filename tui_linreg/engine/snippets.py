"""A lesson page's code, run for real: its output is what PyTorch prints. The code is the
lessons' own (teach/lessons.py, fixed text in this package), never a user's or a browser's.
Each snippet runs in a namespace of its own with torch, nn and random, from seed 0, without
touching the global random state the app's runs might read.
"""

from __future__ import annotations

import contextlib
import io
import random
import warnings

import torch


def run_snippet(code: str) -> str:
    """What ``code`` prints; where it raises, its last line is the error, as Python names it
    (``RuntimeError: grad can be implicitly created only for scalar outputs``)."""
    printed = io.StringIO()
    state = random.getstate()
    try:
        with (
            torch.random.fork_rng(devices=[]),
            contextlib.redirect_stdout(printed),
            warnings.catch_warnings(),
        ):
            # PyTorch's own forward AD (torch.func.jvp) scripts its decompositions.
            warnings.filterwarnings(
                "ignore", "`torch.jit.script` is deprecated", DeprecationWarning
            )
            torch.manual_seed(0)
            random.seed(0)
            namespace = {"torch": torch, "nn": torch.nn, "random": random}
            try:
                exec(compile(code, "<lesson>", "exec"), namespace)  # the lessons' own code
            except Exception as error:  # the page shows it: that is the lesson
                first = str(error).strip().splitlines()[0] if str(error).strip() else ""
                print(f"{type(error).__name__}: {first}")
    finally:
        random.setstate(state)
    return printed.getvalue()
