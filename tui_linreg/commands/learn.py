"""``tui-linreg learn --print``: a lesson's pages as plain text, its code run for real (a
reading copy, and CI's proof that every page renders); without a name, the contents."""

from __future__ import annotations

from tui_linreg.commands.common import EXIT_FINISHED
from tui_linreg.i18n import _
from tui_linreg.teach.lessons import LESSONS, printed


def print_lesson(name: str) -> int:
    if not name:
        for each in LESSONS.values():
            print(f"{each.name:<10} {_(each.title)}: {_(each.summary)}")
        print(_("Open one with `tui-linreg learn NAME`, or print it with --print NAME."))
        return EXIT_FINISHED
    from tui_linreg.engine.snippets import run_snippet  # PyTorch: only for pages with code

    lesson = LESSONS[name]
    outputs = {i: run_snippet(page.code) for i, page in enumerate(lesson.pages) if page.runs}
    print(printed(lesson, outputs), end="")
    return EXIT_FINISHED
