"""python -m bench.datafile [--rows 1000000] [--cols 10] [--rounds 5]: how fast, and in how much
memory, tui_linreg.datafile.read_table loads a CSV of random floats, against
pandas.read_csv(path, engine="c").to_numpy(dtype="float32") on the same file.

Each measurement runs in a fresh subprocess, the two readers taking turns round after round so
that they share the machine's drift; medians are quoted. A subprocess times the load alone (its
imports done) and reports its peak resident memory (VmHWM) less its resident memory before the
load: what the load itself cost, in MB of 10⁶ bytes. pandas is not a dependency of the package:
where it is not importable only our reader is measured, and the report says so.

Prints a Markdown table, then a JSON object on the last line.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

READERS = ("ours", "pandas")


def write_csv(path: Path, rows: int, cols: int, seed: int = 0) -> None:
    """Random normal float32 values, 9 significant digits (a float32 read back exactly), in
    blocks so that writing a million rows needs no more memory than a block."""
    rng = np.random.default_rng(seed)
    header = ",".join([*(f"x{j}" for j in range(cols - 1)), "y"])
    with path.open("w", encoding="utf-8", newline="\n") as out:
        out.write(header + "\n")
        for start in range(0, rows, 100_000):
            block = rng.standard_normal((min(100_000, rows - start), cols)).astype(np.float32)
            np.savetxt(out, block, fmt="%.9g", delimiter=",")


def _resident_mb(field: str) -> float:
    """VmRSS or VmHWM of this process, in MB; ru_maxrss where /proc is not there."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024 / 1e6
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1e6 if sys.platform == "darwin" else peak * 1024 / 1e6


def worker(reader: str, path: str) -> dict[str, float]:
    """One load, in this (fresh) process: its seconds, and its peak memory over the baseline."""
    if reader == "pandas":
        pandas = importlib.import_module("pandas")  # no stubs needed, nor pandas for mypy

        def load() -> Any:
            return pandas.read_csv(path, engine="c").to_numpy(dtype="float32")
    else:
        from tui_linreg.datafile import read_table

        def load() -> Any:
            return read_table(path)

    baseline = _resident_mb("VmRSS")
    started = time.perf_counter()
    result = load()
    seconds = time.perf_counter() - started
    peak = _resident_mb("VmHWM")
    del result
    return {"seconds": seconds, "peak_mb": peak - baseline}


def measure(reader: str, path: Path) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, "-m", "bench.datafile", "--worker", reader, str(path)],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).resolve().parent.parent,
    )
    if result.returncode != 0:
        raise SystemExit(f"bench.datafile: the {reader} reader failed:\n{result.stderr[-2000:]}")
    measured: dict[str, float] = json.loads(result.stdout.strip().splitlines()[-1])
    return measured


def agreement(path: Path) -> dict[str, int] | None:
    """How many values pandas reads differently from ours (its default float parser does not
    round correctly; ours is float() then float32), or None without pandas."""
    if importlib.util.find_spec("pandas") is None:
        return None
    pandas = importlib.import_module("pandas")
    from tui_linreg.datafile import read_table

    table = read_table(str(path))
    ours = np.hstack([table.features, table.labels])
    theirs = pandas.read_csv(path, engine="c").to_numpy(dtype="float32")
    return {"values": int(ours.size), "differ": int(np.count_nonzero(ours != theirs))}


def compare(rows: int, cols: int, rounds: int) -> dict[str, Any]:
    """Our reader and pandas's (where it is importable) on one file of random floats, taking
    turns in fresh processes round after round: seconds and peak memory, medians."""
    have_pandas = importlib.util.find_spec("pandas") is not None
    readers = READERS if have_pandas else READERS[:1]
    if not have_pandas:
        print("pandas is not importable: measuring only our reader (pip install pandas)")
    with tempfile.TemporaryDirectory(prefix="bench-datafile-") as folder:
        path = Path(folder) / "random.csv"
        write_csv(path, rows, cols)
        size_mb = os.path.getsize(path) / 1e6
        runs: dict[str, list[dict[str, float]]] = {reader: [] for reader in readers}
        for _ in range(rounds):
            for reader in readers:
                runs[reader].append(measure(reader, path))
        agree = agreement(path)

    data_mb = rows * cols * 4 / 1e6
    report: dict[str, Any] = {
        "rows": rows,
        "cols": cols,
        "rounds": rounds,
        "file_mb": round(size_mb, 1),
        "float32_data_mb": round(data_mb, 1),
        "cpus": os.cpu_count(),
    }
    for reader in readers:
        report[reader] = {
            "seconds": statistics.median(run["seconds"] for run in runs[reader]),
            "peak_mb": statistics.median(run["peak_mb"] for run in runs[reader]),
            "seconds_range": [
                min(r["seconds"] for r in runs[reader]),
                max(r["seconds"] for r in runs[reader]),
            ],
        }
    if have_pandas:
        report["ours_over_pandas_seconds"] = report["ours"]["seconds"] / report["pandas"]["seconds"]
        report["pandas_values_differing"] = agree
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.datafile", description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--cols", type=int, default=10, help="columns, the target included")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--worker", nargs=2, metavar=("READER", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(*args.worker)))
        return 0
    if args.rows < 1 or args.cols < 2 or args.rounds < 1:
        parser.error("--rows and --rounds must be at least 1, --cols at least 2")

    report = compare(args.rows, args.cols, args.rounds)
    readers = [reader for reader in READERS if reader in report]
    have_pandas = "pandas" in report
    size_mb, agree = report["file_mb"], report.get("pandas_values_differing")
    data_mb = args.rows * args.cols * 4 / 1e6
    print(
        f"\n{args.rows:,} rows × {args.cols} columns, {size_mb:.1f} MB of CSV, "
        f"{data_mb:.1f} MB as float32; median of {args.rounds} rounds\n"
    )
    print("| reader | seconds | peak MB over baseline | peak / float32 data |")
    print("|---|---:|---:|---:|")
    names = {"ours": "tui_linreg.datafile.read_table", "pandas": "pandas.read_csv(engine='c')"}
    for reader in readers:
        seconds, peak = report[reader]["seconds"], report[reader]["peak_mb"]
        print(f"| {names[reader]} | {seconds:.3f} | {peak:.1f} | {peak / data_mb:.2f}× |")
    if have_pandas:
        print(f"\nours / pandas, seconds: {report['ours_over_pandas_seconds']:.2f}×")
        if agree:
            print(f"values pandas reads differently: {agree['differ']:,} of {agree['values']:,}")
    print()
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
