"""The branches a run does not take, folded: the code pane shows a function's real source, but
where a branch is decided by a setting (``if self.optimizer == "adam":``, ``match
config.optimizer:``), the bodies this run skips shrink to one line, so the step a learner reads is the step that runs. Pure Python
(``ast``): neither torch nor Textual.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from types import SimpleNamespace

from tui_linreg.i18n import _

_DECIDABLE = (
    ast.Compare,
    ast.BoolOp,
    ast.UnaryOp,
    ast.Constant,
    ast.Attribute,
    ast.Name,
    ast.Load,
    ast.Eq,
    ast.NotEq,
    ast.In,
    ast.NotIn,
    ast.And,
    ast.Or,
    ast.Not,
    ast.Tuple,
)


OWNERS = ("self", "config")
"""The names a setting is read through in the engine's code: ``self.optimizer``,
``config.weight_decay``."""


def _decidable(test: ast.expr, attributes: Mapping[str, object]) -> bool:
    """Whether ``test`` reads nothing but a setting (``self.<name>``, ``config.<name>``) and
    constants."""
    for node in ast.walk(test):
        if not isinstance(node, _DECIDABLE):
            return False
        if isinstance(node, ast.Attribute) and not (
            isinstance(node.value, ast.Name) and node.value.id in OWNERS and node.attr in attributes
        ):
            return False
        if isinstance(node, ast.Name) and node.id not in OWNERS:
            return False
    return True


def _holds(test: ast.expr, attributes: Mapping[str, object]) -> bool:
    code = compile(ast.Expression(test), "<branch>", "eval")
    settings = SimpleNamespace(**attributes)
    return bool(eval(code, {"__builtins__": {}}, dict.fromkeys(OWNERS, settings)))


def _matches(pattern: ast.pattern, value: object) -> bool | None:
    """Whether a ``case`` of literals matches ``value``; None for any other pattern."""
    if isinstance(pattern, ast.MatchValue) and isinstance(pattern.value, ast.Constant):
        return bool(pattern.value.value == value)
    if isinstance(pattern, ast.MatchOr):
        each = [_matches(option, value) for option in pattern.patterns]
        return None if None in each else any(each)
    return None


def _match_folds(node: ast.Match, attributes: Mapping[str, object]) -> list[range]:
    """The bodies of a ``match`` on a setting whose cases do not match this run's value."""
    if not _decidable(node.subject, attributes):
        return []
    code = compile(ast.Expression(node.subject), "<subject>", "eval")
    settings = SimpleNamespace(**attributes)
    value = eval(code, {"__builtins__": {}}, dict.fromkeys(OWNERS, settings))
    folds = []
    for case in node.cases:
        matched = _matches(case.pattern, value)
        if matched is None:
            return []  # a pattern we cannot judge: show the match whole
        header_end, body_end = case.pattern.end_lineno, case.body[-1].end_lineno
        assert header_end is not None
        assert body_end is not None
        if not matched and header_end < case.body[0].lineno:
            folds.append(range(header_end, body_end))
    return folds


def _folds(tree: ast.AST, lines: list[str], attributes: Mapping[str, object]) -> list[range]:
    """The line ranges (0-based) of the bodies not taken, outermost first."""
    folds: list[range] = []
    seen: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Match):
            folds += _match_folds(node, attributes)
        if not isinstance(node, ast.If) or id(node) in seen:
            continue
        chain: ast.If | None = node
        taken = False
        while chain is not None and _decidable(chain.test, attributes):
            seen.add(id(chain))
            holds = not taken and _holds(chain.test, attributes)
            assert chain.test.end_lineno is not None
            body_end = chain.body[-1].end_lineno
            assert body_end is not None
            if not holds and chain.test.end_lineno < chain.body[0].lineno:
                folds.append(range(chain.test.end_lineno, body_end))
            taken = taken or holds
            following = chain.orelse
            is_elif = (
                len(following) == 1
                and isinstance(following[0], ast.If)
                and lines[following[0].lineno - 1].lstrip().startswith("elif")
            )
            if is_elif:
                assert isinstance(following[0], ast.If)
                chain = following[0]
                continue
            if following and taken:
                header = following[0].lineno - 2  # the "else:" line, above any comments
                while header > 0 and not lines[header].lstrip().startswith("else"):
                    header -= 1
                end = following[-1].end_lineno
                assert end is not None
                folds.append(range(header + 1, end))
            chain = None
    return folds


def fold_untaken(source: str, attributes: Mapping[str, object]) -> str:
    """``source`` with the body of each branch that ``attributes`` (the run's settings:
    ``optimizer``, ``weight_decay``) decide against shrunk to one ``...`` line."""
    lines = source.splitlines()
    folds = _folds(ast.parse(source), lines, attributes)
    kept: list[range] = []
    for fold in folds:
        if not any(fold.start in outer for outer in kept):
            kept.append(fold)
    for fold in sorted(kept, key=lambda each: each.start, reverse=True):
        first = lines[fold.start]
        indent = first[: len(first) - len(first.lstrip())]
        lines[fold.start : fold.stop] = [indent + "...  # " + _("not this run's: folded")]
    return "\n".join(lines) + ("\n" if source.endswith("\n") else "")
