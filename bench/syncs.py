"""Counting how often a GPU run makes the host wait for the device (bench and tests/test_cuda)."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import TypeVar

import torch

T = TypeVar("T")


def sync_warnings(work: Callable[[], T]) -> tuple[int, T]:
    """Run ``work``; (the warnings PyTorch's sync debug mode raised meanwhile, its result).

    The mode warns at every synchronising call: a read-back, a blocking copy.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        torch.cuda.set_sync_debug_mode("warn")
        try:
            result = work()
        finally:
            torch.cuda.set_sync_debug_mode("default")
    return sum("synchroniz" in str(w.message) for w in caught), result


def read_backs(work: Callable[[], T]) -> tuple[float, T]:
    """Run ``work``; (how many read-backs it made, its result).

    A read-back raises more than one warning (the copy and the wait: two on an H100), so the
    count is in units of one ``.item()``'s warnings.
    """
    one_read, _ = sync_warnings(torch.ones(1, device="cuda").sum().item)
    count, result = sync_warnings(work)
    return count / one_read, result
