"""Command line: ``tui-linreg`` starts the app, ``tui-linreg train`` trains headless.

Every hyperparameter flag is read as text and handed to :mod:`tui_linreg.config`, the same
validation the app's form uses, so a bad value gets the same sentence in both places.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import sys
from collections.abc import Iterator, Sequence
from types import FrameType

from tui_linreg import __version__
from tui_linreg.config import ConfigError, TrainConfig, config_from_text

EXIT_FINISHED = 0
EXIT_INVALID = 2
EXIT_DIVERGED = 3
EXIT_INTERRUPTED = 130

EXIT_CODES = f"""\
exit codes:
  {EXIT_FINISHED}    finished
  {EXIT_INVALID}    invalid arguments (the message names the field)
  {EXIT_DIVERGED}    diverged (the loss became non-finite or exploded)
  {EXIT_INTERRUPTED}  interrupted (Ctrl-C)
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
    impl_help = "scratch, concise" + (" or both (same data, side by side)" if both else "")
    group.add_argument("--impl", metavar="NAME", help=f"{impl_help} (default scratch)")
    for flag, (_, help_text) in HYPERPARAMETER_FLAGS.items():
        group.add_argument(flag, metavar="VALUE", help=help_text)
    group.add_argument(
        "--no-shuffle", action="store_true", help="visit the examples in order every epoch"
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
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
    train.add_argument("--json", action="store_true", help="print one JSON document instead")
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
    return config_from_text(texts)


def _joined_negative_values(argv: Sequence[str]) -> list[str]:
    """Turn ``--true-w -3.4,2`` into ``--true-w=-3.4,2``.

    argparse takes a value starting with '-' for a flag unless it looks like a plain negative
    number, which a weight list or ``-1e-3`` does not.
    """
    value_flags = {*HYPERPARAMETER_FLAGS, "--impl"}
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


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(_joined_negative_values(sys.argv[1:] if argv is None else argv))
    if args.command == "train":
        return train_command(args)
    try:
        config = config_from_args(args, args.impl)
    except ConfigError as error:
        return _invalid(error)
    from tui_linreg.ui.app import LinregApp  # the UI is only imported when it is wanted

    LinregApp(config).run()
    return EXIT_FINISHED


def _invalid(error: ConfigError) -> int:
    for problem in error.problems:
        print(f"tui-linreg: {problem.message}", file=sys.stderr)
    return EXIT_INVALID


def train_command(args: argparse.Namespace) -> int:
    names = (
        ["scratch", "concise"] if args.impl and args.impl.strip().lower() == "both" else [args.impl]
    )
    try:
        configs = [config_from_args(args, name) for name in names]
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

    signal.signal(signal.SIGINT, interrupt)
    try:
        try:
            prepared = prepare(configs[0])
        except ConfigError as error:
            return _invalid(error)
        streams: list[Iterator[object]] = [train(config, control, prepared) for config in configs]
        out = report.Report(configs, json_output=args.json, progress=sys.stderr.isatty())
        outcome = out.follow(streams)
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    finally:
        signal.signal(signal.SIGINT, previous)
    if outcome == "cancelled":
        return EXIT_INTERRUPTED
    return EXIT_DIVERGED if outcome == "diverged" else EXIT_FINISHED


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
