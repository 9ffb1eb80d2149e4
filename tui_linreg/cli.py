"""Command line: ``tui-linreg`` starts the app, ``tui-linreg train`` trains headless.

Every hyperparameter flag is read as text and handed to :mod:`tui_linreg.config`, the same
validation the app's form uses, so a bad value gets the same sentence in both places.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import io
import json
import os
import re
import shlex
import signal
import sys
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from types import FrameType
from typing import NoReturn, TextIO

from tui_linreg import __version__
from tui_linreg.config import (
    SETTINGS,
    WATCHABLE_PACE,
    ConfigError,
    Mistake,
    TrainConfig,
    config_from_text,
    quoted,
)
from tui_linreg.datasets import DATASETS
from tui_linreg.engine.control import RunControl
from tui_linreg.engine.events import Event, Outcome, RunStarted, StepTaken, json_ready
from tui_linreg.history import History, RunRecord, default_path, predictions
from tui_linreg.plan import Plan, PlanKind, Runner
from tui_linreg.presets import EDITIONS, GROUPS, PRESETS, preset
from tui_linreg.report import Report
from tui_linreg.reproduce import reproduce_command
from tui_linreg.sweep import parse_sweep
from tui_linreg.teach.questions import QUESTIONS, asked, tally

EXIT_FINISHED = 0
EXIT_INVALID = 2
EXIT_DIVERGED = 3
EXIT_FAILED = 4
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
  {EXIT_FAILED}    failed (the training code raised: a pitfall, say; PyTorch's message is shown)
  {EXIT_INTERRUPTED}  interrupted (Ctrl-C)
  {EXIT_BROKEN_PIPE}  the output pipe closed (| head)
"""


def _add_settings(parser: argparse.ArgumentParser, *, both: bool) -> None:
    group = parser.add_argument_group("settings")
    for name, setting in SETTINGS.items():
        both_help = "; or both: scratch and concise on the same data, side by side"
        setting.add_flag(group, both_help if both and name == "implementation" else "")
    # Before --order there was a --shuffle switch: its spellings still work, for old scripts.
    for flag, order in (("--shuffle", "shuffled"), ("--no-shuffle", "fixed")):
        group.add_argument(
            flag, dest="order", action="store_const", const=order, help=f"--order {order}"
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

    commands: Mapping[str, argparse.ArgumentParser] = {}  # set by build_parser
    """Each command's own parser, to refuse an unknown flag with that command's usage."""

    def error(self, message: str) -> NoReturn:
        message = re.sub(r"'([^']{40})[^']+'", r"'\1…'", message)  # a quoted paste
        super().error(re.sub(r"(\S{40})\S{20,}", r"\1…", message))  # an unquoted one

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        parsed, extra = super().parse_known_args(args, namespace)
        for name, value in vars(parsed).items():
            if value == []:  # argparse drops a value of exactly "--" (--lr=--), leaving []
                setattr(parsed, name, "--")
        return parsed, extra


def build_parser() -> Parser:
    parser = Parser(
        prog="tui-linreg",
        description="Linear regression trained with PyTorch, from scratch and concise, "
        "explored in the terminal. Without a command, starts the app.",
        epilog="Run 'tui-linreg train --help' for headless training.\n\n" + EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False,
    )
    parser.add_argument("--version", action="version", version=f"tui-linreg {__version__}")
    _add_settings(parser, both=False)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    parser.commands = commands.choices
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
    _add_settings(train, both=True)
    commands.add_parser(
        "presets",
        help="list the presets: the lessons' experiments and exercises",
        description="List the presets, one line each. Use one with --preset NAME.",
    )
    serve = commands.add_parser(
        "serve",
        help="serve the app to web browsers (each tab its own app)",
        description="Serve the app to web browsers with textual-serve: each tab runs its own "
        "app, starting from the settings given here, and records its runs in the one history.",
    )
    _add_settings(serve, both=False)
    serve.add_argument(
        "--host",
        default=LOOPBACK,
        help=f"the address to listen on (default {LOOPBACK}: this machine only); another lets "
        "anyone who reaches it train here and read the history",
    )
    serve.add_argument("--port", default="8000", metavar="N", help="the port (default 8000)")
    commands.add_parser(
        "datasets",
        help="list the built-in data sets, for --data NAME",
        description="List the built-in data sets, one line each. Train on one with --data NAME "
        "(or on your own CSV file with --data PATH).",
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
    train.add_argument(
        "--trace",
        metavar="FILE",
        help="write every step to FILE, one JSON object a line: its batch's indices, the "
        "loss, .grad and the parameters after the update (slower)",
    )
    train.add_argument("--no-history", action="store_true", help="do not record these runs")
    train.add_argument(
        "--check",
        action="store_true",
        help="only validate the arguments (the device included), print the config, and exit",
    )
    return parser


def config_from_args(args: argparse.Namespace, implementation: str | None = None) -> TrainConfig:
    """The checked config the parsed flags describe; raises ConfigError listing every mistake."""
    texts = {name: value for name in SETTINGS if (value := getattr(args, name)) is not None}
    if implementation is not None:
        texts["implementation"] = implementation
    base = None
    if args.preset is not None:
        base = preset(args.preset.strip()).apply()
    return config_from_text(texts, base)


def _joined_negative_values(argv: Sequence[str]) -> list[str]:
    """Turn ``--true-w -3.4,2`` into ``--true-w=-3.4,2``.

    argparse takes a value starting with '-' for a flag unless it looks like a plain negative
    number, which a weight list or ``-1e-3`` does not.
    """
    value_flags = {s.flag for s in SETTINGS.values() if not s.is_switch} | {"--sweep", "--preset"}
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
    args, unknown = parser.parse_known_args(
        _joined_negative_values(sys.argv[1:] if argv is None else argv)
    )
    if unknown:  # refused by the command's own parser, with its usage (argparse: the top one's)
        command = parser.commands.get(args.command or "", parser)
        command.error(f"unrecognized arguments: {' '.join(unknown)}")
    if args.command == "train":
        try:
            return train_command(args)
        except BrokenPipeError:  # the reader went away (`| head`): stop training, quietly
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return EXIT_BROKEN_PIPE
    if args.command == "presets":
        return presets_command()
    if args.command == "datasets":
        return datasets_command()
    if args.command == "serve":
        return serve_command(args)
    if args.command == "history":
        return history_command(args)
    try:
        config = app_config(args)
    except ConfigError as error:
        return _invalid(error)
    if not (sys.stdin.isatty() and sys.stdout.isatty()) and not served():
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

    sweep = preset(args.preset.strip()).sweep if args.preset is not None else ""
    LinregApp(
        config,
        history_path=history_path(args),
        sweep=sweep,
        browser_clipboard=os.environ.get(SERVED_ON, LOOPBACK) in THIS_MACHINE,
        ask_name=served(),
    ).run()
    return EXIT_FINISHED


def app_config(args: argparse.Namespace) -> TrainConfig:
    """The app's starting settings: the flags', at a pace a person can watch unless --pace
    says otherwise (``train`` runs at max)."""
    config = config_from_args(args)
    return config if args.pace is not None else dataclasses.replace(config, pace=WATCHABLE_PACE)


def history_path(args: argparse.Namespace) -> Path:
    return user_path(args.history) if args.history else default_path()


def user_path(text: str) -> Path:
    """A path as typed, with ``~`` and ``~user`` expanded as a shell does: a ``~name`` that
    names no user stays as typed (pathlib would raise)."""
    try:
        return Path(text).expanduser()
    except RuntimeError:
        return Path(text)


def presets_command() -> int:
    width = max(len(name) for name in PRESETS)
    for group in GROUPS:
        print(f"{group}:")
        for each in (p for p in PRESETS.values() if p.group == group):
            print(f"  {each.name:<{width}}  {each.summary}")
    print(EDITIONS)
    print("An exercise's number names its preset too: --preset 3.4.8.")
    return EXIT_FINISHED


LOOPBACK = "127.0.0.1"
THIS_MACHINE = (LOOPBACK, "localhost", "::1")
SERVED_ON = "TUI_LINREG_SERVED_ON"
"""The environment variable by which ``serve`` tells its tabs' apps the host they are served
on: a browser gives the clipboard to a page from this machine (a secure context), not to one
from another over plain http."""


def served() -> bool:
    """Whether textual-serve started us for a browser tab: its web driver talks over pipes."""
    return "web_driver" in os.environ.get("TEXTUAL_DRIVER", "")


def serve_command(args: argparse.Namespace) -> int:
    """``tui-linreg serve``: each browser tab starts ``tui-linreg`` with these settings."""
    try:
        config = app_config(args)
    except ConfigError as error:
        return _invalid(error)
    port = args.port.strip()
    if not port.isdigit() or not 1 <= int(port) <= 65535:
        print(
            f"tui-linreg: --port must be a whole number from 1 to 65535, got {quoted(port)}",
            file=sys.stderr,
        )
        return EXIT_INVALID
    try:
        from tui_linreg.serving import LinregServer
    except ImportError:  # pragma: no cover - a dependency, unless removed by hand
        print("tui-linreg: serving needs textual-serve: pip install textual-serve", file=sys.stderr)
        return EXIT_INVALID
    if args.host not in THIS_MACHINE:
        print(
            f"tui-linreg: warning: serving on {args.host}: anyone who can reach it can run "
            "training on this machine and read its run history",
            file=sys.stderr,
        )
    arguments = [setting.argument(getattr(config, name)) for name, setting in SETTINGS.items()]
    command = [sys.executable, "-m", "tui_linreg", *arguments, "--history", str(history_path(args))]
    if args.preset is not None:  # its sweep goes in each tab's sweep field
        command += ["--preset", args.preset.strip()]
    os.environ[SERVED_ON] = args.host  # the tabs' apps inherit it
    server = LinregServer(
        # a POSIX shell becomes the app (exec): one process to end per tab
        ("exec " if os.name == "posix" else "") + shlex.join(command),
        host=args.host,
        port=int(port),
        history=str(history_path(args)),
    )
    server.serve()
    return EXIT_FINISHED


def datasets_command() -> int:
    width = max(len(name) for name in DATASETS)
    for each in DATASETS.values():
        print(f"  {each.name:<{width}}  {each.summary} ({each.rows} rows)")
    print("Train on one with --data NAME, or on your own CSV or TSV file with --data PATH.")
    print("Sources and licences: tui_linreg/datasets/SOURCES.md, and the README.")
    return EXIT_FINISHED


def history_command(args: argparse.Namespace) -> int:
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
        print(
            f"{record.id}  {record.outcome:<9} half-MSE {loss:<10} {reproduce_command(record.config)}"
        )
    if not loaded.records:
        print(f"no runs recorded in {history.path}")
    for each in tally(predictions(loaded.records)):
        print(each.said())
    return EXIT_FINISHED


def _invalid(error: ConfigError) -> int:
    for mistake in error.mistakes:
        print(f"tui-linreg: {mistake.message}", file=sys.stderr)
    return EXIT_INVALID


def train_command(args: argparse.Namespace) -> int:
    both = (args.implementation or "").strip().lower() == PlanKind.BOTH
    try:
        config = config_from_args(args, "scratch" if both else None)
        swept = args.sweep
        if swept is None and args.preset is not None:
            swept = preset(args.preset.strip()).sweep or None  # a preset may compare
        sweep = parse_sweep(swept) if swept is not None else None
        plan = Plan.of(config, both=both, sweep=sweep)
        if args.preset is not None and args.preset.strip() in QUESTIONS:
            plan = dataclasses.replace(plan, question=args.preset.strip())  # said after the run
        export_path = _output_path("--export", args.export, "runs.csv")
        trace_path = _output_path("--trace", args.trace, "trace.jsonl")
    except ConfigError as error:
        return _invalid(error)

    # torch loads only now that the arguments are known to be good: a typo costs nothing.
    from tui_linreg.engine.device import resolve_device

    try:
        resolve_device(config.device)
    except ConfigError as error:
        return _invalid(error)
    from tui_linreg.engine.run import freeze_start_up_heap

    freeze_start_up_heap()
    if args.check:
        for each in plan.configs:
            print(json.dumps(each.to_dict()))
        return EXIT_FINISHED

    control = RunControl(pace=config.pace)
    previous = signal.getsignal(signal.SIGINT)

    def interrupt(signum: int, frame: FrameType | None) -> None:
        control.interrupt()  # the run stops cleanly before its next mini-batch
        signal.signal(signal.SIGINT, previous)  # a second Ctrl-C interrupts at once

    def warn(text: str) -> None:
        print(f"tui-linreg: {text}", file=sys.stderr)

    runner = Runner(None if args.no_history else History(history_path(args)), warn)
    try:
        trace = None if trace_path is None else _Trace(trace_path.open("x", encoding="utf-8"))
    except OSError as error:
        return _invalid(_refused("--trace", args.trace, error))
    signal.signal(signal.SIGINT, interrupt)
    try:
        out = Report(
            plan, json_output=args.json, progress=sys.stderr.isatty() and not dumb_terminal()
        )
        if plan.question and not args.json:  # no terminal to answer in: the question, then
            print(asked(QUESTIONS[plan.question]) + "\n")  # the answer in the notes
        events = runner.run(plan, control, trace=trace is not None)
        outcome = out.follow(events if trace is None else trace.written(events))
    except ConfigError as error:  # out of memory on the device, found only when allocating
        return _invalid(error)
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    finally:
        signal.signal(signal.SIGINT, previous)
        if trace is not None:
            trace.file.close()
            print(f"traced {trace.lines:,} steps to {_shown(args.trace)}", file=sys.stderr)
    if export_path is not None:
        _export(runner.records, export_path)
    return {
        Outcome.FINISHED: EXIT_FINISHED,
        Outcome.CANCELLED: EXIT_INTERRUPTED,
        Outcome.DIVERGED: EXIT_DIVERGED,
        Outcome.FAILED: EXIT_FAILED,
    }[outcome]


class _Trace:
    """``train --trace``'s file: a JSON line per step."""

    def __init__(self, file: TextIO) -> None:
        self.file = file
        self.lines = 0

    def written(self, events: Iterator[Event]) -> Iterator[Event]:
        """The events, with each step written as one whole line as it comes."""
        run = 0
        for event in events:
            if isinstance(event, RunStarted):
                run += 1
            elif isinstance(event, StepTaken):
                line = {"run": run, "implementation": event.detail.implementation}
                line |= event.detail.to_trace()
                self.file.write(json.dumps(json_ready(line), allow_nan=False) + "\n")
                self.file.flush()  # a Ctrl-C leaves every whole step in the file
                self.lines += 1
            yield event


def _output_path(flag: str, text: str | None, example: str) -> Path | None:
    """Check a path the run will write before any training, so a typo costs nothing."""
    if text is None:
        return None
    path, shown = user_path(text), _shown(text)
    problem = None
    try:
        if path.is_dir():
            problem = f"{flag} {shown}: that is a directory; give a file name such as {example}"
        elif not (path.parent if str(path.parent) else Path(".")).is_dir():
            problem = f"{flag} {shown}: its directory does not exist"
        elif path.exists():
            problem = f"{flag} {shown}: the file already exists; choose another name"
    except OSError as error:  # a name longer than the file system allows, …
        raise _refused(flag, text, error) from None
    if problem:
        raise ConfigError([Mistake(flag.removeprefix("--"), problem)])
    return path


def _shown(text: str) -> str:
    return text if len(text) <= 200 else text[:60] + "…"


def _refused(flag: str, text: str, error: OSError) -> ConfigError:
    reason = (error.strerror or "cannot be used").lower()
    return ConfigError([Mistake(flag.removeprefix("--"), f"{flag} {_shown(text)}: {reason}")])


def _export(records: list[RunRecord], path: Path) -> None:
    """Write the runs to ``path``; a failure here is a warning (the runs are recorded)."""
    from tui_linreg.export import ExportError, export  # train only: the app starts without it

    try:
        written = export(records, path)
    except ExportError as error:
        print(f"tui-linreg: {error}", file=sys.stderr)
    else:
        count = len(records)
        print(f"exported {count} run{'s' if count > 1 else ''} to {written}", file=sys.stderr)


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
