"""The exact ``tui-linreg train`` command that reproduces a run."""

from __future__ import annotations

import shlex

from tui_linreg.config import TrainConfig


def train_command(config: TrainConfig) -> str:
    """Every setting spelled out, so the command gives the same numbers whatever defaults
    a later version has. Floats are written with repr, which round-trips exactly."""
    args = [
        "tui-linreg",
        "train",
        "--impl",
        config.implementation,
        f"--lr={config.learning_rate!r}",
        f"--batch-size={config.batch_size}",
        f"--epochs={config.epochs}",
        f"--num-examples={config.num_examples}",
        f"--noise={config.noise_std!r}",
        "--true-w=" + ",".join(repr(w) for w in config.true_w),
        f"--true-b={config.true_b!r}",
        f"--init-std={config.init_std!r}",
        f"--seed={config.seed}",
        f"--device={config.device}",
    ]
    if not config.shuffle:
        args.append("--no-shuffle")
    return shlex.join(args)
