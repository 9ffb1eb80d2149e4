"""The glossary: every term the issue names is defined in a sentence or two, and found in
the texts that show it (and only there)."""

from __future__ import annotations

import re

import pytest

from tui_linreg.teach.glossary import TERMS, terms_in, tooltip

NAMED = (
    "half-MSE", "MSE", "closed form", "optimum", "stable bound", "λmax", "× the optimum",
    "|ŵ − w*|", "others at mean", "b at its optimum", "contour levels", "steps/s", "epoch",
    "batch size", "shuffled", "init std", "weight decay", "momentum",
)  # fmt: skip


@pytest.mark.parametrize("term", NAMED)
def test_every_term_the_issue_names_has_a_short_definition(term: str) -> None:
    (found,) = [t for t in TERMS if term in (t.name, *t.name.split(", "), *t.shown_as)]
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", found.definition) if s]
    assert 1 <= len(sentences) <= 3, found.definition
    assert len(found.definition) < 260


def test_terms_are_found_where_the_screen_shows_them() -> None:
    names = [t.name for t in terms_in(["loss (half-MSE) · ━ closed form", "others at mean"])]
    assert names == ["half-MSE", "loss", "closed form", "others at mean"]  # no MSE in half-MSE
    assert [t.name for t in terms_in(["stable below lr 1.82 = 2/λmax"])][:2] == [
        "stable bound",
        "λmax, λmin",
    ]
    assert terms_in(["ordered"]) == []  # a word inside another is not the term
    assert tooltip(["nothing here"]) is None


def test_a_tooltip_defines_each_term_once() -> None:
    said = tooltip(["half-MSE", "half-MSE again", "steps/s"])
    assert said is not None
    assert said.count("half-MSE: ") == 1
    assert "steps/s: Mini-batch steps trained per second" in said
