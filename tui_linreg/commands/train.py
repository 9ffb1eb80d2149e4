"""``tui-linreg train``: the plan trained headless, its report printed, and its optional files
(``--trace``'s steps, ``--export``'s runs)."""

from __future__ import annotations

import argparse
import dataclasses
import json
import signal
import sys
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import TextIO

from tui_linreg.commands.common import (
    EXIT_DIVERGED,
    EXIT_FAILED,
    EXIT_FINISHED,
    EXIT_INTERRUPTED,
    config_from_args,
    dumb_terminal,
    history_path,
    invalid,
    user_path,
)
from tui_linreg.config import ConfigError, Mistake
from tui_linreg.engine.control import RunControl
from tui_linreg.engine.events import Event, Outcome, RunStarted, StepTaken, json_ready
from tui_linreg.history import History, RunRecord
from tui_linreg.i18n import _
from tui_linreg.plan import Plan, PlanKind, Runner
from tui_linreg.presets import preset
from tui_linreg.report import Report
from tui_linreg.sweep import parse_sweep
from tui_linreg.teach.exercises import QUESTIONS
from tui_linreg.teach.questions import asked


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
        return invalid(error)

    # torch loads only now that the arguments are known to be good: a typo costs nothing.
    from tui_linreg.engine.device import resolve_device

    try:
        resolve_device(config.device)
    except ConfigError as error:
        return invalid(error)
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
        return invalid(_refused("--trace", args.trace, error))
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
        return invalid(error)
    except KeyboardInterrupt:
        print("\n" + _("interrupted"), file=sys.stderr)
        return EXIT_INTERRUPTED
    finally:
        signal.signal(signal.SIGINT, previous)
        if trace is not None:
            trace.file.close()
            said = _("traced {count:,} steps to {path}")
            print(said.format(count=trace.lines, path=_shown(args.trace)), file=sys.stderr)
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
            problem = _(
                "{flag} {path}: that is a directory; give a file name such as {example}"
            ).format(flag=flag, path=shown, example=example)
        elif not (path.parent if str(path.parent) else Path(".")).is_dir():
            problem = _("{flag} {path}: its directory does not exist").format(flag=flag, path=shown)
        elif path.exists():
            problem = _("{flag} {path}: the file already exists; choose another name").format(
                flag=flag, path=shown
            )
    except OSError as error:  # a name longer than the file system allows, …
        raise _refused(flag, text, error) from None
    if problem:
        raise ConfigError([Mistake(flag.removeprefix("--"), problem)])
    return path


def _shown(text: str) -> str:
    return text if len(text) <= 200 else text[:60] + "…"


def _refused(flag: str, text: str, error: OSError) -> ConfigError:
    reason = error.strerror.lower() if error.strerror else _("cannot be used")
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
        said = (
            _("exported {count} runs to {path}")
            if count > 1
            else _("exported {count} run to {path}")
        )
        print(said.format(count=count, path=written), file=sys.stderr)
