"""Command line: ``tui-linreg`` starts the app, ``tui-linreg train`` trains headless.

Every hyperparameter flag is read as text and handed to :mod:`tui_linreg.config`, the same
validation the app's form uses, so a bad value gets the same sentence in both places.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import re
import signal
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import FrameType
from typing import Any, NoReturn

from tui_linreg import __version__
from tui_linreg.config import ConfigError, Problem, TrainConfig, config_from_text

EXIT_FINISHED = 0
EXIT_INVALID = 2
EXIT_DIVERGED = 3
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141
"""What a shell reports for a process ended by SIGPIPE: ``tui-linreg train | head`` stops early."""

DUMB_TERMS = ("dumb", "unknown")
"""TERM values that promise no cursor movement: Emacs' shell, some serial consoles, cron."""

EXIT_CODES = f"""\
exit codes:
  {EXIT_FINISHED}    finished
  {EXIT_INVALID}    invalid arguments (the message names the field)
  {EXIT_DIVERGED}    diverged (the loss became non-finite or exploded)
  {EXIT_INTERRUPTED}  interrupted (Ctrl-C)
  {EXIT_BROKEN_PIPE}  the output pipe closed (| head)
"""

# flag → (config field, help). Values are parsed by config.py, never by argparse.
HYPERPARAMETER_FLAGS: dict[str, tuple[str, str]] = {
    "--lr": ("learning_rate", "learning rate (default 0.03)"),
    "--batch-size": ("batch_size", "examples per mini-batch (default 10)"),
    "--epochs": ("epochs", "passes over the data (default 3)"),
    "--num-examples": ("num_examples", "synthetic examples to draw (default 1000)"),
    "--noise": ("noise_std", "standard deviation of the label noise (default 0.01)"),
    "--true-w": ("true_w", "true weights, comma-separated (default 2,-3.4)"),
    "--true-b": ("true_b", "true bias (default 4.2)"),
    "--init-std": (
        "init_std",
        "initial weights ~ N(0, init_std²); 0 starts at zero (default 0.01)",
    ),
    "--seed": ("seed", "seeds data, initial parameters and shuffling (default 0)"),
    "--device": ("device", "auto, cpu, cuda, cuda:N or mps (default auto)"),
}


def _add_hyperparameters(parser: argparse.ArgumentParser, *, both: bool) -> None:
    group = parser.add_argument_group("hyperparameters")
    impl_help = "scratch, concise, analytic" + (
        " or both (scratch and concise on the same data, side by side)" if both else ""
    )
    group.add_argument("--impl", metavar="NAME", help=f"{impl_help} (default scratch)")
    for flag, (_, help_text) in HYPERPARAMETER_FLAGS.items():
        group.add_argument(flag, metavar="VALUE", help=help_text)
    group.add_argument(
        "--no-shuffle", action="store_true", help="visit the examples in order every epoch"
    )
    group.add_argument(
        "--preset", metavar="NAME", help="start from a preset ('tui-linreg presets' lists them)"
    )
    group.add_argument(
        "--history",
        metavar="PATH",
        help="run history file (default: history.jsonl in your data directory)",
    )


class Parser(argparse.ArgumentParser):
    """argparse, with the user's text cut short in its refusals: an unknown command that was
    a 10 kB paste is quoted by its first 40 characters, not echoed whole."""

    def error(self, message: str) -> NoReturn:
        message = re.sub(r"'([^']{40})[^']+'", r"'\1…'", message)  # a quoted paste
        super().error(re.sub(r"(\S{40})\S{20,}", r"\1…", message))  # an unquoted one


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="tui-linreg",
        description="Linear regression trained with PyTorch, from scratch and concise, "
        "explored in the terminal. Without a command, starts the app.",
        epilog="Run 'tui-linreg train --help' for headless training.\n\n" + EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False,
    )
    parser.add_argument("--version", action="version", version=f"tui-linreg {__version__}")
    _add_hyperparameters(parser, both=False)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    train = commands.add_parser(
        "train",
        help="train without the UI and print the lesson's output",
        description="Train without the UI. Prints the lesson's per-epoch lines, then the "
        "learned parameters against the true ones and the closed-form least-squares answer.",
        epilog="Values that start with '-' work either way: --true-w -3.4,2 or --true-w=-3.4,2\n\n"
        + EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False,
    )
    _add_hyperparameters(train, both=True)
    commands.add_parser(
        "presets",
        help="list the presets: the lessons' experiments and exercises",
        description="List the presets, one line each. Use one with --preset NAME.",
    )
    history = commands.add_parser(
        "history",
        help="list the recorded runs, or clear them",
        description="List the recorded runs, oldest first, or clear them.",
    )
    history.add_argument(
        "--history", metavar="PATH", help="history file (default: your data directory)"
    )
    history.add_argument("--clear", action="store_true", help="forget every recorded run")
    history.add_argument("--yes", action="store_true", help="clear without asking")
    train.add_argument("--json", action="store_true", help="print one JSON document instead")
    train.add_argument(
        "--sweep",
        metavar="NAME=V1,V2,…",
        help="one run per value, e.g. lr=0.001,0.01,0.03,0.1,1 (same data for all)",
    )
    train.add_argument("--export", metavar="PATH", help="write the runs to PATH (.csv or .json)")
    train.add_argument("--no-history", action="store_true", help="do not record these runs")
    train.add_argument(
        "--check",
        action="store_true",
        help="only validate the arguments (the device included), print the config, and exit",
    )
    return parser


def config_from_args(args: argparse.Namespace, implementation: str | None = None) -> TrainConfig:
    """The validated config the parsed flags describe; raises ConfigError listing every problem."""
    texts = {
        field: value
        for flag, (field, _) in HYPERPARAMETER_FLAGS.items()
        if (value := getattr(args, flag[2:].replace("-", "_"))) is not None
    }
    if implementation is not None:
        texts["implementation"] = implementation
    if args.no_shuffle:
        texts["shuffle"] = "off"
    base = None
    if args.preset is not None:
        from tui_linreg.presets import preset

        base = preset(args.preset.strip()).apply()
    return config_from_text(texts, base)


def _joined_negative_values(argv: Sequence[str]) -> list[str]:
    """Turn ``--true-w -3.4,2`` into ``--true-w=-3.4,2``.

    argparse takes a value starting with '-' for a flag unless it looks like a plain negative
    number, which a weight list or ``-1e-3`` does not.
    """
    value_flags = {*HYPERPARAMETER_FLAGS, "--impl", "--sweep", "--preset"}
    joined: list[str] = []
    items = list(argv)
    index = 0
    while index < len(items):
        item = items[index]
        following = items[index + 1] if index + 1 < len(items) else None
        if (
            item in value_flags
            and following is not None
            and following.startswith("-")
            and (following[1:2].isdigit() or following[1:2] == ".")
        ):
            joined.append(f"{item}={following}")
            index += 2
            continue
        joined.append(item)
        index += 1
    return joined


def dumb_terminal() -> bool:
    return os.environ.get("TERM", "").lower() in DUMB_TERMS


def _forgiving_output() -> None:
    """Where the output cannot encode '×' or '█' (PYTHONIOENCODING=ascii, a latin-1 locale),
    print '?' for them rather than stop with a traceback."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="replace")


def main(argv: Sequence[str] | None = None) -> int:
    _forgiving_output()
    parser = build_parser()
    args = parser.parse_args(_joined_negative_values(sys.argv[1:] if argv is None else argv))
    if args.command == "train":
        try:
            return train_command(args)
        except BrokenPipeError:  # the reader went away (`| head`): stop training, quietly
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return EXIT_BROKEN_PIPE
    if args.command == "presets":
        return presets_command()
    if args.command == "history":
        return history_command(args)
    try:
        config = config_from_args(args, args.impl)
    except ConfigError as error:
        return _invalid(error)
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        print(
            "tui-linreg: the app needs a terminal (standard input and output are not one); "
            "for scripts and pipes, use `tui-linreg train` (see `tui-linreg train --help`)",
            file=sys.stderr,
        )
        return EXIT_INVALID
    if dumb_terminal():
        print(
            f"tui-linreg: this terminal (TERM={os.environ['TERM']}) cannot draw a full-screen app; "
            "run it in a terminal emulator or tmux, or use `tui-linreg train` for plain output",
            file=sys.stderr,
        )
        return EXIT_INVALID
    from tui_linreg.ui.app import LinregApp  # the UI is only imported when it is wanted

    LinregApp(config, history_path=history_path(args)).run()
    return EXIT_FINISHED


def history_path(args: argparse.Namespace) -> Path:
    from tui_linreg.history import default_path

    return user_path(args.history) if args.history else default_path()


def user_path(text: str) -> Path:
    """A path as typed, with ``~`` and ``~user`` expanded as a shell does: a ``~name`` that
    names no user stays as typed (pathlib would raise)."""
    try:
        return Path(text).expanduser()
    except RuntimeError:
        return Path(text)


def presets_command() -> int:
    from tui_linreg.presets import PRESETS

    width = max(len(name) for name in PRESETS)
    for preset in PRESETS.values():
        print(f"{preset.name:<{width}}  {preset.description}")
    return EXIT_FINISHED


def history_command(args: argparse.Namespace) -> int:
    from tui_linreg.commandline import train_command as command_for
    from tui_linreg.history import History

    history = History(history_path(args))
    if args.clear:
        if not args.yes:
            if not sys.stdin.isatty():
                print(
                    "tui-linreg: not clearing without --yes (no terminal to ask)", file=sys.stderr
                )
                return EXIT_INVALID
            answer = input(f"Forget every run in {history.path}? Type yes to confirm: ")
            if answer.strip().lower() != "yes":
                print("kept the history")
                return EXIT_FINISHED
        try:
            history.clear()
        except OSError as error:
            print(f"tui-linreg: cannot clear {history.path}: {error.strerror}", file=sys.stderr)
            return EXIT_INVALID
        print(f"cleared {history.path}")
        return EXIT_FINISHED
    loaded = history.load()
    if loaded.warning:
        print(f"tui-linreg: {loaded.warning}", file=sys.stderr)
    for record in loaded.records:
        loss = "—" if record.half_mse is None else f"{record.half_mse:.4g}"
        print(f"{record.id}  {record.outcome:<9} half-MSE {loss:<10} {command_for(record.config)}")
    if not loaded.records:
        print(f"no runs recorded in {history.path}")
    return EXIT_FINISHED


def _invalid(error: ConfigError) -> int:
    for problem in error.problems:
        print(f"tui-linreg: {problem.message}", file=sys.stderr)
    return EXIT_INVALID


def train_command(args: argparse.Namespace) -> int:
    impl = (args.impl or "").strip().lower()
    names = ["scratch", "concise"] if impl == "both" else [args.impl]
    try:
        configs = [config_from_args(args, name) for name in names]
        if args.sweep is not None:
            from tui_linreg.sweep import parse_sweep

            sweep = parse_sweep(args.sweep)
            configs = [swept for config in configs for swept in sweep.configs(config)]
        export_path = _export_path(args.export)
    except ConfigError as error:
        return _invalid(error)

    from tui_linreg import report
    from tui_linreg.engine.control import RunControl
    from tui_linreg.engine.device import resolve_device  # imports torch: arguments are good
    from tui_linreg.engine.run import prepare, train

    if args.check:
        try:
            resolve_device(configs[0].device)
        except ConfigError as error:
            return _invalid(error)
        for config in configs:
            print(json.dumps(config.to_dict()))
        return EXIT_FINISHED

    control = RunControl()
    previous = signal.getsignal(signal.SIGINT)

    def interrupt(signum: int, frame: FrameType | None) -> None:
        control.cancel()  # the run stops cleanly before its next mini-batch
        signal.signal(signal.SIGINT, previous)  # a second Ctrl-C interrupts at once

    prepared: dict[tuple[object, ...], object] = {}

    def stream(config: TrainConfig) -> Iterator[object]:
        if config.data_key not in prepared:  # runs on the same data share the tensors
            prepared.clear()
            prepared[config.data_key] = prepare(config)
        yield from train(config, control, prepared[config.data_key])  # type: ignore[arg-type]

    signal.signal(signal.SIGINT, interrupt)
    try:
        try:
            resolve_device(configs[0].device)
        except ConfigError as error:
            return _invalid(error)
        mode = "sweep" if args.sweep is not None else ("both" if len(configs) == 2 else "single")
        out = report.Report(
            configs,
            json_output=args.json,
            progress=sys.stderr.isatty() and not dumb_terminal(),
            mode=mode,
        )
        outcome = out.follow(stream(config) for config in configs)
    except ConfigError as error:  # out of memory on the device, found only when allocating
        return _invalid(error)
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    finally:
        signal.signal(signal.SIGINT, previous)
    _keep(out.ends, args, export_path)
    if outcome == "cancelled":
        return EXIT_INTERRUPTED
    return EXIT_DIVERGED if outcome == "diverged" else EXIT_FINISHED


def _export_path(text: str | None) -> Path | None:
    """Check an --export path before any training, so a typo costs nothing."""
    if text is None:
        return None
    path, shown = user_path(text), text if len(text) <= 200 else text[:60] + "…"
    problem = None
    try:
        if path.is_dir():
            problem = f"--export {shown}: that is a directory; give a file name such as runs.csv"
        elif not (path.parent if str(path.parent) else Path(".")).is_dir():
            problem = f"--export {shown}: its directory does not exist"
        elif path.exists():
            problem = f"--export {shown}: the file already exists; choose another name"
    except OSError as error:  # a name longer than the file system allows, …
        problem = f"--export {shown}: {(error.strerror or 'cannot be used').lower()}"
    if problem:
        raise ConfigError([Problem("export", problem)])
    return path


def _keep(ends: list[Any], args: argparse.Namespace, export_path: Path | None) -> None:
    """Record the runs in the history and export them; a failure here is a warning."""
    from tui_linreg.export import ExportError, export
    from tui_linreg.history import History, RunRecord

    records = [RunRecord.from_run(end) for end in ends]
    if not args.no_history:
        history = History(history_path(args))
        try:
            for record in records:
                history.append(record)
        except OSError as error:
            print(
                f"tui-linreg: runs not recorded in {history.path}: {error.strerror}",
                file=sys.stderr,
            )
    if export_path is not None:
        try:
            written = export(records, export_path)
        except ExportError as error:
            print(f"tui-linreg: {error}", file=sys.stderr)
        else:
            print(
                f"exported {len(records)} run{'s' if len(records) > 1 else ''} to {written}",
                file=sys.stderr,
            )


def run() -> None:
    """Console-script entry point."""
    try:
        code = main()
    except KeyboardInterrupt:
        code = EXIT_INTERRUPTED
    except BrokenPipeError:  # e.g. piped into `head`
        code = EXIT_FINISHED
    # PyTorch's interpreter teardown takes up to a second after our last statement, and
    # quitting must take less. Everything we write is flushed here, so skip the teardown.
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)


if __name__ == "__main__":
    run()
