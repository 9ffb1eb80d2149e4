"""The listing commands: ``presets``, ``datasets`` and ``history``."""

from __future__ import annotations

import argparse
import sys

from tui_linreg.commands.common import EXIT_FINISHED, EXIT_INVALID, history_path
from tui_linreg.datasets import DATASETS
from tui_linreg.history import History, predictions
from tui_linreg.i18n import _
from tui_linreg.presets import EDITIONS, GROUPS, PRESETS
from tui_linreg.reproduce import reproduce_command
from tui_linreg.teach.questions import tally


def presets_command() -> int:
    width = max(len(name) for name in PRESETS)
    for group in GROUPS:
        print(_("{group}:").format(group=_(group)))
        for each in (p for p in PRESETS.values() if p.group == group):
            print(f"  {each.name:<{width}}  {each.summary}")
    print(_(EDITIONS))
    print(_("An exercise's number names its preset too: --preset 3.4.8."))
    return EXIT_FINISHED


def datasets_command() -> int:
    width = max(len(name) for name in DATASETS)
    for each in DATASETS.values():
        said = _("{summary} ({rows} rows)").format(summary=_(each.summary), rows=each.rows)
        print(f"  {each.name:<{width}}  {said}")
    print(_("Train on one with --data NAME, or on your own CSV or TSV file with --data PATH."))
    print(_("Sources and licences: tui_linreg/datasets/SOURCES.md, and the README."))
    return EXIT_FINISHED


def history_command(args: argparse.Namespace) -> int:
    history = History(history_path(args))
    if args.clear:
        if not args.yes:
            if not sys.stdin.isatty():
                said = _("not clearing without --yes (no terminal to ask)")
                print(f"tui-linreg: {said}", file=sys.stderr)
                return EXIT_INVALID
            asking = _("Forget every run in {path}? Type yes to confirm: ")
            answer = input(asking.format(path=history.path))
            if answer.strip().lower() != "yes":  # typed as asked, in any language
                print(_("kept the history"))
                return EXIT_FINISHED
        try:
            history.clear()
        except OSError as error:
            said = _("cannot clear {path}: {reason}").format(
                path=history.path, reason=error.strerror
            )
            print(f"tui-linreg: {said}", file=sys.stderr)
            return EXIT_INVALID
        print(_("cleared {path}").format(path=history.path))
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
        print(_("no runs recorded in {path}").format(path=history.path))
    for each in tally(predictions(loaded.records)):
        print(each.said())
    return EXIT_FINISHED
