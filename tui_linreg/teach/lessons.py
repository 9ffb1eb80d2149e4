"""The lessons: the source notes (autograd, the scratch lesson, the concise one, the
exercises) as pages, in their order. A page says a few sentences, may show the lesson's code
(run for real, its output shown as PyTorch prints it) and may drive the live app: put a preset
or some settings in the form, then run, step, or show a view. Imports neither Textual nor
torch: the app runs a page's code through engine/snippets.py, and its action through the main
screen.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tui_linreg.i18n import N_, _, cells, fill
from tui_linreg.teach.lesson_autograd import AUTOGRAD
from tui_linreg.teach.lesson_concise import CONCISE
from tui_linreg.teach.lesson_scratch import SCRATCH
from tui_linreg.teach.page import THEN, VIEWS, Action, Lesson, Page

__all__ = ["LESSONS", "THEN", "VIEWS", "Action", "Lesson", "Page", "lesson", "printed"]


def _exercise_pages() -> tuple[Page, ...]:
    from tui_linreg.presets import PRESETS
    from tui_linreg.teach.exercises import QUESTIONS

    def number(name: str) -> tuple[int, ...]:  # 3.4.10 after 3.4.9
        return tuple(int(part) for part in PRESETS[name].exercises[0].split("."))

    pages = []
    for name in sorted((n for n in QUESTIONS if PRESETS[n].exercises), key=number):
        question, preset = QUESTIONS[name], PRESETS[name]
        numbers = ", ".join(preset.exercises)
        pages.append(
            Page(
                N_("Exercise {numbers}"),
                question.text,
                action=Action(N_("Ask, then run"), preset=name),
                after=N_("The notes pane gives the answer this run measured, and why."),
                numbers=numbers,
            )
        )
    return tuple(pages)


EXERCISES = Lesson(
    "exercises",
    N_("The exercises"),
    N_("d2l's exercises (d2l-en's numbers: 3.4 is §3.2, 3.5 is §3.3): predict first"),
    _exercise_pages(),
)

LESSONS: dict[str, Lesson] = {
    lesson.name: lesson for lesson in (AUTOGRAD, SCRATCH, CONCISE, EXERCISES)
}
"""The lessons in the notes' order."""


def questions() -> Mapping[str, Any]:
    """The presets' questions (imported when wanted: exercises.py imports the presets)."""
    from tui_linreg.teach.exercises import QUESTIONS

    return QUESTIONS


def lesson(name: str) -> Lesson:
    """The lesson of that name; KeyError with the names where there is none."""
    return LESSONS[name.strip().lower()]


def printed(one: Lesson, outputs: Mapping[int, str] | None = None) -> str:
    """A lesson's pages as plain text (``learn --print``): each page's words, its code and,
    where given, the code's output (by page index)."""
    lines = [_(one.title), "=" * cells(_(one.title)), ""]
    for index, page in enumerate(one.pages):
        title = f"{index + 1}. {page.shown_title()}"
        lines += [title, "-" * cells(title), fill(_(page.text), 78), ""]
        if page.code:
            lines += ["    " + line if line else "" for line in page.code.splitlines()]
            lines.append("")
        if outputs is not None and index in outputs:
            lines += ["    >>> " + line for line in outputs[index].splitlines()]
            lines.append("")
        if page.action is not None and page.action.preset in questions():
            question = questions()[page.action.preset]
            lines += [f"    {n}. {_(choice)}" for n, choice in enumerate(question.choices, 1)]
            lines.append("")
        if page.action is not None:
            said = _("Try it in the app: {label}.").format(label=_(page.action.label))
            lines += [fill(said, 78), ""]
        if page.after:
            lines += [fill(_(page.after), 78), ""]
    return "\n".join(lines).rstrip() + "\n"
