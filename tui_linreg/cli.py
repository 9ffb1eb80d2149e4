"""Command line: ``tui-linreg`` starts the app, ``tui-linreg train`` trains headless.

Every hyperparameter flag is read as text and handed to :mod:`tui_linreg.config`, the same
validation the app's form uses, so a bad value gets the same sentence in both places.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import re
import sys
from collections.abc import Mapping, Sequence
from typing import NoReturn

from tui_linreg import __version__, preferences
from tui_linreg.commands.common import (
    EXIT_BROKEN_PIPE,
    EXIT_DIVERGED,
    EXIT_FAILED,
    EXIT_FINISHED,
    EXIT_INTERRUPTED,
    EXIT_INVALID,
    app_config,
    config_from_args,
    dumb_terminal,
    history_path,
    invalid,
)
from tui_linreg.commands.graph import graph_command
from tui_linreg.commands.learn import print_lesson
from tui_linreg.commands.listing import datasets_command, history_command, presets_command
from tui_linreg.commands.serve import LOOPBACK, SERVED_ON, THIS_MACHINE, serve_command, served
from tui_linreg.commands.train import train_command
from tui_linreg.config import SETTINGS, ConfigError, quoted
from tui_linreg.i18n import LANGUAGES, N_, _, choose, flag_value, read_language, use
from tui_linreg.presets import preset
from tui_linreg.teach.lessons import LESSONS

__all__ = ["SERVED_ON", "app_config", "build_parser", "config_from_args", "main", "run"]

EXIT_CODES = (
    (EXIT_FINISHED, N_("finished")),
    (EXIT_INVALID, N_("invalid arguments (the message names the field)")),
    (EXIT_DIVERGED, N_("diverged (the loss became non-finite or exploded)")),
    (
        EXIT_FAILED,
        N_("failed (the training code raised: a pitfall, say; PyTorch's message is shown)"),
    ),
    (EXIT_INTERRUPTED, N_("interrupted (Ctrl-C)")),
    (EXIT_BROKEN_PIPE, N_("the output pipe closed (| head)")),
)
"""What each exit status means, for --help's epilog (shown through _())."""


def exit_codes() -> str:
    """--help's list of exit statuses, in the language in use."""
    lines = [_("exit codes:")]
    lines += [f"  {code:<5}{_(meaning)}" for code, meaning in EXIT_CODES]
    return "\n".join(lines) + "\n"


def _add_settings(parser: argparse.ArgumentParser, *, both: bool) -> None:
    group = parser.add_argument_group(_("settings"))
    for name, setting in SETTINGS.items():
        both_help = _("; or both: scratch and concise on the same data, side by side")
        setting.add_flag(group, both_help if both and name == "implementation" else "")
    # Before --order there was a --shuffle switch: its spellings still work, for old scripts.
    for flag, order in (("--shuffle", "shuffled"), ("--no-shuffle", "fixed")):
        group.add_argument(
            flag, dest="order", action="store_const", const=order, help=f"--order {order}"
        )
    group.add_argument(
        "--preset",
        metavar="NAME",
        help=_("start from a preset ('tui-linreg presets' lists them)"),
    )
    group.add_argument(
        "--history",
        metavar="PATH",
        help=_("run history file (default: history.jsonl in your data directory)"),
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
        description=_(
            "Linear regression trained with PyTorch, from scratch and concise, "
            "explored in the terminal. Without a command, starts the app."
        ),
        epilog=_("Run 'tui-linreg train --help' for headless training.") + "\n\n" + exit_codes(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False,
    )
    parser.add_argument("--version", action="version", version=f"tui-linreg {__version__}")
    _add_settings(parser, both=False)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    parser.commands = commands.choices
    train = commands.add_parser(
        "train",
        help=_("train without the UI and print the lesson's output"),
        description=_(
            "Train without the UI. Prints the lesson's per-epoch lines, then the "
            "learned parameters against the true ones and the closed-form least-squares answer."
        ),
        epilog=_("Values that start with '-' work either way: --true-w -3.4,2 or --true-w=-3.4,2")
        + "\n\n"
        + exit_codes(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False,
    )
    _add_settings(train, both=True)
    commands.add_parser(
        "presets",
        help=_("list the presets: the lessons' experiments and exercises"),
        description=_("List the presets, one line each. Use one with --preset NAME."),
    )
    serve = commands.add_parser(
        "serve",
        help=_("serve the app to web browsers (each tab its own app)"),
        description=_(
            "Serve the app to web browsers with textual-serve: each tab runs its own "
            "app, starting from the settings given here, and records its runs in the one history."
        ),
    )
    _add_settings(serve, both=False)
    serve.add_argument(
        "--host",
        default=LOOPBACK,
        help=_(
            "the address to listen on (default {address}: this machine only); another lets "
            "anyone who reaches it train here and read the history"
        ).format(address=LOOPBACK),
    )
    serve.add_argument("--port", default="8000", metavar="N", help=_("the port (default 8000)"))
    commands.add_parser(
        "datasets",
        help=_("list the built-in data sets, for --data NAME"),
        description=_(
            "List the built-in data sets, one line each. Train on one with --data NAME "
            "(or on your own CSV file with --data PATH)."
        ),
    )
    history = commands.add_parser(
        "history",
        help=_("list the recorded runs, or clear them"),
        description=_("List the recorded runs, oldest first, or clear them."),
    )
    history.add_argument(
        "--history", metavar="PATH", help=_("history file (default: your data directory)")
    )
    history.add_argument("--clear", action="store_true", help=_("forget every recorded run"))
    history.add_argument("--yes", action="store_true", help=_("clear without asking"))
    learn = commands.add_parser(
        "learn",
        help=_("the lessons: the source notes as pages that drive the app"),
        description=_(
            "Open the lessons beside the live app: autograd, scratch, concise and the "
            "exercises. Without a name, a contents page lists them with your progress. With "
            "--print, write a lesson's pages as plain text instead (its code run for real)."
        ),
        allow_abbrev=False,
    )
    learn.add_argument(
        "lesson", nargs="?", default="", help=_("autograd, scratch, concise or exercises")
    )
    learn.add_argument(
        "--print",
        action="store_true",
        help=_("print the lesson's pages and exit (no terminal UI)"),
    )
    _add_settings(learn, both=False)
    graph = commands.add_parser(
        "graph",
        help=_("print one training step's autograd graph, with values and gradients"),
        description=_(
            "Run the settings' training up to one step and print the graph PyTorch "
            "built for it (grad_fn and its next_functions): each node's output and the gradient "
            "that reached it from the loss, then the same derivative by forward mode. Scratch and "
            "concise only: analytic computes its gradient itself."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False,
    )
    _add_settings(graph, both=False)
    graph.add_argument(
        "--step", default="1", metavar="K", help=_("which step, counted from 1 (default 1)")
    )
    graph.add_argument("--json", action="store_true", help=_("print the graph as JSON"))
    train.add_argument("--json", action="store_true", help=_("print one JSON document instead"))
    train.add_argument(
        "--sweep",
        metavar="NAME=V1,V2,…",
        help=_("one run per value, e.g. lr=0.001,0.01,0.03,0.1,1 (same data for all)"),
    )
    train.add_argument("--export", metavar="PATH", help=_("write the runs to PATH (.csv or .json)"))
    train.add_argument(
        "--trace",
        metavar="FILE",
        help=_(
            "write every step to FILE, one JSON object a line: its batch's indices, the "
            "loss, .grad and the parameters after the update (slower)"
        ),
    )
    train.add_argument("--no-history", action="store_true", help=_("do not record these runs"))
    train.add_argument(
        "--check",
        action="store_true",
        help=_("only validate the arguments (the device included), print the config, and exit"),
    )
    for each in (parser, *parser.commands.values()):
        _add_language(each)
    return parser


def _language(text: str) -> str:
    found = read_language(text)
    if found is None:
        names = " or ".join(LANGUAGES)
        raise argparse.ArgumentTypeError(
            _("must be {names}, got {text}").format(names=names, text=quoted(text))
        )
    return found


def _add_language(parser: argparse.ArgumentParser) -> None:
    """--lang, taken before or after the command's name (it was read before parsing: here it is
    only checked, and listed in --help)."""
    parser.add_argument(
        "--lang",
        type=_language,
        default=argparse.SUPPRESS,
        metavar="|".join(LANGUAGES),
        help=_(
            "the language: zh (中文) or en (English); otherwise the one chosen in the app, "
            "then LANGUAGE, LC_ALL, LC_MESSAGES or LANG"
        ),
    )


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


def _forgiving_output() -> None:
    """Where the output cannot encode '×' or '█' (PYTHONIOENCODING=ascii, a latin-1 locale),
    print '?' for them rather than stop with a traceback."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="replace")


def main(argv: Sequence[str] | None = None) -> int:
    _forgiving_output()
    argv = list(sys.argv[1:] if argv is None else argv)
    # The language first: the parser's help and refusals are in it. A served tab is told its
    # language by serve; the machine's remembered choice is its own user's.
    remembered = None if served() else preferences.load_language(preferences.default_path())
    use(choose(flag_value(argv), remembered))
    parser = build_parser()
    args, unknown = parser.parse_known_args(_joined_negative_values(argv))
    if unknown:  # refused by the command's own parser, with its usage (argparse: the top one's)
        command = parser.commands.get(args.command or "", parser)
        command.error(_("unrecognized arguments: %s") % " ".join(unknown))
    if args.command == "train":
        try:
            return train_command(args)
        except BrokenPipeError:  # the reader went away (`| head`): stop training, quietly
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return EXIT_BROKEN_PIPE
    if args.command == "graph":
        return graph_command(args)
    lesson = None
    if args.command == "learn":
        lesson = args.lesson.strip().lower()
        if lesson and lesson not in LESSONS:
            said = _("there is no lesson {name}; the lessons are {names}").format(
                name=quoted(lesson), names=", ".join(LESSONS)
            )
            print(f"tui-linreg: {said}", file=sys.stderr)
            return EXIT_INVALID
        if args.print:
            return print_lesson(lesson)
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
        return invalid(error)
    if not (sys.stdin.isatty() and sys.stdout.isatty()) and not served():
        said = (
            _(
                "the app needs a terminal (standard input and output are not one); "
                "to read a lesson as text, use `tui-linreg learn --print NAME`"
            )
            if lesson is not None
            else _(
                "the app needs a terminal (standard input and output are not one); "
                "for scripts and pipes, use `tui-linreg train` (see `tui-linreg train --help`)"
            )
        )
        print(f"tui-linreg: {said}", file=sys.stderr)
        return EXIT_INVALID
    if dumb_terminal():
        said = _(
            "this terminal (TERM={term}) cannot draw a full-screen app; run it in a terminal "
            "emulator or tmux, or use `tui-linreg train` for plain output"
        ).format(term=os.environ["TERM"])
        print(f"tui-linreg: {said}", file=sys.stderr)
        return EXIT_INVALID
    from tui_linreg.ui.app import LinregApp  # the UI is only imported when it is wanted

    sweep = preset(args.preset.strip()).sweep if args.preset is not None else ""
    LinregApp(
        config,
        history_path=history_path(args),
        sweep=sweep,
        browser_clipboard=os.environ.get(SERVED_ON, LOOPBACK) in THIS_MACHINE,
        ask_name=served(),
        lesson=lesson,
    ).run()
    return EXIT_FINISHED


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
