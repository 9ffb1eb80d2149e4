"""``tui-linreg graph``: one training step's real autograd graph, as a tree or as JSON."""

from __future__ import annotations

import argparse
import json

from tui_linreg.commands.common import EXIT_FINISHED, config_from_args, invalid
from tui_linreg.config import ConfigError, Mistake
from tui_linreg.i18n import _


def graph_command(args: argparse.Namespace) -> int:
    try:
        config = config_from_args(args)
        text = args.step.strip()
        if not text.isdigit():
            said = _("--step must be a whole number of steps, from 1; got {value}")
            raise ConfigError([Mistake("step", said.format(value=repr(text)))])
    except ConfigError as error:
        return invalid(error)
    # torch loads only now that the arguments are known to be good.
    from tui_linreg.engine.graph import step_graph
    from tui_linreg.teach.graph_view import tree

    try:
        graph = step_graph(config, int(text)).to_dict()
    except ConfigError as error:
        return invalid(error)
    print(json.dumps(graph, allow_nan=False) if args.json else tree(graph))
    return EXIT_FINISHED
