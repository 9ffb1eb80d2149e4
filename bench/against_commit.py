"""python -m bench.against_commit REV [--rounds N]: this tree's training loops against REV's.

A change to the engine's hot path must not slow it down. This runs both versions side by side:
each round starts a fresh process per version (alternating who goes first), and each process
times its engine against the lesson's reference loop (bench/reference_loops.py), so each figure
is a ratio to the reference measured at the same moment, robust to the machine's drift. REV is
checked out into a temporary git worktree.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]

CASES = [("scratch", 1000, 10, 20), ("concise", 1000, 10, 20), ("analytic", 100_000, 10, 1)]
"""(implementation, examples, batch size, epochs)."""

_ONE = r"""
import statistics, sys
sys.path.insert(0, sys.argv[1])
from tui_linreg.config import TrainConfig
from tui_linreg.engine.run import run_to_end
from tui_linreg.engine.start import prepare
sys.path.insert(0, sys.argv[2])
from bench import reference_loops
impl, n, bs, epochs = sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
config = TrainConfig(implementation=impl, num_examples=n, batch_size=bs, epochs=epochs, device="cpu")
prepared = prepare(config)
run_to_end(TrainConfig(num_examples=1000, epochs=1, device="cpu"))  # warmed up
reference = getattr(reference_loops, ("concise" if impl == "concise" else "scratch") + "_epoch")
ratios = []
for _ in range(3):
    ours = run_to_end(config, prepared).steps_per_s
    X, y = prepared[1].features, prepared[1].labels
    ratios.append(ours / statistics.fmean(reference(X, y, bs) for _ in range(epochs)))
print(statistics.median(ratios))
"""


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.against_commit", description=__doc__)
    parser.add_argument("rev", help="the git revision to compare with, e.g. HEAD~3")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tui-linreg-rev-") as directory:
        subprocess.run(
            ["git", "-C", str(HERE), "worktree", "add", "--detach", directory, args.rev],
            check=True,
            capture_output=True,
        )
        try:
            trees = {args.rev: directory, "this tree": str(HERE)}
            for implementation, n, batch, epochs in CASES:
                ratios: dict[str, list[float]] = {name: [] for name in trees}
                for round_ in range(args.rounds):
                    names = list(trees) if round_ % 2 == 0 else list(reversed(trees))
                    for name in names:
                        arguments = [implementation, str(n), str(batch), str(epochs)]
                        done = subprocess.run(
                            [sys.executable, "-c", _ONE, trees[name], str(HERE), *arguments],
                            capture_output=True,
                            text=True,
                            check=True,
                        )
                        ratios[name].append(float(done.stdout.split()[-1]))
                row = {
                    "implementation": implementation,
                    "n": n,
                    "batch": batch,
                    **{f"{name} × reference": statistics.median(r) for name, r in ratios.items()},
                    "ranges": {name: [min(r), max(r)] for name, r in ratios.items()},
                }
                print(json.dumps(row, ensure_ascii=False))
        finally:
            subprocess.run(
                ["git", "-C", str(HERE), "worktree", "remove", "--force", directory],
                capture_output=True,
            )


if __name__ == "__main__":
    main()
