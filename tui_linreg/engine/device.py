"""Choosing where the tensors live."""

from __future__ import annotations

import torch

from tui_linreg.config import ConfigError, Mistake
from tui_linreg.i18n import _


def resolve_device(name: str) -> torch.device:
    """The torch device for a config's device name; a clear ConfigError if it is not here.

    ``auto`` picks CUDA when it is available, then Apple's MPS, else the CPU.
    """
    mps = getattr(torch.backends, "mps", None)
    mps_available = bool(mps is not None and mps.is_available())
    if name == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        return torch.device("mps" if mps_available else "cpu")
    if name.startswith("cuda"):
        if not torch.cuda.is_available():
            raise _unavailable(
                _(
                    "device {name} was asked for, but this PyTorch ({version}) sees no "
                    "CUDA GPU; use cpu or auto"
                ).format(name=name, version=torch.__version__)
            )
        index = int(name.partition(":")[2] or 0)
        if index >= torch.cuda.device_count():
            raise _unavailable(
                _(
                    "device {name} was asked for, but only {count} CUDA "
                    "GPU(s) are visible (cuda:0 to cuda:{last})"
                ).format(
                    name=name,
                    count=torch.cuda.device_count(),
                    last=torch.cuda.device_count() - 1,
                )
            )
        return torch.device("cuda", index)
    if name == "mps" and not mps_available:
        raise _unavailable(
            _("device mps was asked for, but Apple's MPS is not available here; use cpu or auto")
        )
    return torch.device(name)


def describe(device: torch.device) -> str:
    """A short name for logs: ``cpu``, ``cuda:0 (NVIDIA H100)``, ``mps``."""
    if device.type == "cuda":
        index = device.index if device.index is not None else torch.cuda.current_device()
        return f"cuda:{index} ({torch.cuda.get_device_name(index)})"
    return device.type


def _unavailable(message: str) -> ConfigError:
    return ConfigError([Mistake("device", message)])
