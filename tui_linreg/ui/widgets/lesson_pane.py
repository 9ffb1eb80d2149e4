"""The lessons, a page at a time, in the sidebar beside the live panes: the page's words, the
lesson's code and what it prints (run for real, in a worker: it needs PyTorch), and the key
that does what the page says in the app (enter, or a click). n and p turn the pages, c lists
the lessons with the learner's progress, escape puts the form back.
"""

from __future__ import annotations

from typing import ClassVar

from rich.console import Group, RenderableType
from rich.text import Text
from textual import events, work
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Static

from tui_linreg.i18n import N_, _, cells, fill
from tui_linreg.teach.lessons import LESSONS, Action, Lesson, Page
from tui_linreg.teach.progress import LessonProgress

BUTTONS = {
    "lesson-previous": N_("◀ previous"),
    "lesson-do": N_("do it"),
    "lesson-next": N_("next ▶"),
    "lesson-contents": N_("contents"),
}
"""The page's buttons, for the mouse: the same as its keys."""


class LessonPane(VerticalScroll, can_focus=True):
    DEFAULT_CLASSES = "pane"
    BINDINGS: ClassVar[list[BindingType]] = [
        # Not in the footer: their words are looked up once, when the module is imported.
        Binding("n,right", "turn(1)", _("Next page"), show=False),
        Binding("p,left", "turn(-1)", _("Previous page"), show=False),
        Binding("enter", "act", _("Do it"), show=False),
        Binding("c", "contents", _("Contents"), show=False),
        Binding("r", "reset", _("Reset"), show=False),
        Binding("escape", "leave", _("Back to the form"), show=False),
    ]

    class Act(Message):
        """The learner asked for the page's action."""

        def __init__(self, action: Action) -> None:
            super().__init__()
            self.action = action

    class Leave(Message):
        """The learner went back to the form."""

    def __init__(self, progress: LessonProgress, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.progress = progress
        self.lesson: Lesson | None = None
        """The lesson open, or None on the contents page."""
        self.index = 0
        self.outputs: dict[tuple[str, int], str] = {}
        """What each page's code printed, once run."""

    def compose(self):  # type: ignore[no-untyped-def]
        yield Static("", id="lesson-page")
        # The same as the keys, for the mouse (and the browser's touch screens).
        with Horizontal(id="lesson-buttons", classes="lesson-buttons"):
            for button, label in BUTTONS.items():
                primary = button == "lesson-do"
                yield Button(
                    _(label), id=button, compact=True, variant="primary" if primary else "default"
                )
        with Horizontal(id="contents-buttons", classes="lesson-buttons"):
            for number, name in enumerate(LESSONS, 1):
                yield Button(f"{number} {name}", id=f"lesson-open-{name}", compact=True)

    def on_mount(self) -> None:
        for button in self.query(Button):
            button.can_focus = False  # the mouse's: tab stays on the page, enter does its action

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        pressed = event.button.id or ""
        if pressed.startswith("lesson-open-"):
            self.open(pressed.removeprefix("lesson-open-"))
        elif pressed == "lesson-previous":
            self.action_turn(-1)
        elif pressed == "lesson-next":
            self.action_turn(1)
        elif pressed == "lesson-do":
            self.action_act()
        elif pressed == "lesson-contents":
            self.show_contents()
        self.focus()  # the keys again

    # --- what is shown ------------------------------------------------------------------------

    def show_contents(self) -> None:
        self.lesson = None
        self.border_title = _("lessons")
        lines = Text()
        lines.append(_("Lessons") + "\n\n", style="bold")
        for number, each in enumerate(LESSONS.values(), 1):
            seen = len(self.progress.seen.get(each.name, ()))
            lines.append(f"{number}  ", style="bold")
            lines.append(_(each.title) + "\n", style="bold")
            lines.append(f"   {_(each.summary)}\n")
            lines.append(
                "   "
                + _("{seen} of {pages} pages read").format(seen=seen, pages=len(each.pages))
                + "\n\n",
                style="dim",
            )
        lines.append(_("1–4 opens a lesson where you left it · r starts them all afresh"))
        self._buttons(contents=True)
        lines.append("\n" + _("escape: back to the form"), style="dim")
        self.query_one("#lesson-page", Static).update(lines)
        self.scroll_home(animate=False)

    def redraw(self) -> None:
        """The page shown, again (in the language just chosen)."""
        for button, label in BUTTONS.items():
            self.query_one(f"#{button}", Button).label = _(label)
        if self.lesson is None:
            self.show_contents()
        else:
            self._show()

    def open(self, name: str, page: int | None = None) -> None:
        """Lesson ``name`` at ``page`` (where it was left, by default)."""
        self.lesson = LESSONS[name]
        pages = len(self.lesson.pages)
        self.index = self.progress.at(name, pages) if page is None else max(0, min(page, pages - 1))
        self._show()

    def _show(self) -> None:
        assert self.lesson is not None
        lesson, index = self.lesson, self.index
        page = lesson.pages[index]
        warning = self.progress.visit(lesson.name, index)
        if warning:
            self.notify(warning, severity="warning", timeout=6)
        self.border_title = f"{index + 1}/{len(lesson.pages)} · {_(lesson.title)}"
        self.query_one("#lesson-page", Static).update(self._page(page))
        self._buttons(contents=False)
        self.query_one("#lesson-do", Button).display = page.action is not None
        self.scroll_home(animate=False)
        if page.runs and (lesson.name, index) not in self.outputs:
            self._run_code(lesson.name, index, page.code)

    def _prose(self, text: str, style: str = "") -> Text:
        """A paragraph, wrapped to the pane by cells where it has Chinese: Rich breaks lines
        only at spaces, so a run of Chinese moved whole to the next line, leaving ragged ones."""
        width = self.scrollable_content_region.width
        if width > 10 and cells(text) != len(text):
            # two cells spare: a comma may hang past the edge rather than start a line
            text = "\n".join(fill(line, width - 2) for line in text.split("\n"))
        return Text(text, style=style)

    def on_resize(self) -> None:
        if self.lesson is not None and self.is_mounted:
            page = self.lesson.pages[self.index]
            self.query_one("#lesson-page", Static).update(self._page(page))

    def _page(self, page: Page) -> RenderableType:
        parts: list[RenderableType] = [
            Text(page.shown_title() + "\n", style="bold"),
            self._prose(_(page.text) + "\n"),
        ]
        if page.action is not None:
            line = Text()
            line.append(_("enter") + ": ", style="bold reverse")
            line.append(" " + _(page.action.label) + "\n")
            parts.append(line)
        if page.code:
            from rich.syntax import Syntax  # pygments loads when a page first shows code

            dark = self.app.current_theme.dark
            theme = "ansi_dark" if dark else "ansi_light"
            parts.append(Syntax(page.code, "python", theme=theme, word_wrap=True))
            if page.runs:
                assert self.lesson is not None
                printed = self.outputs.get((self.lesson.name, self.index))
                shown = printed if printed is not None else _("running it…")
                parts.append(Text(_("It prints:"), style="bold"))
                parts.append(Text(shown.rstrip() + "\n", style="italic"))
            else:
                parts.append(Text(""))
        if page.after:
            parts.append(self._prose(_(page.after) + "\n", style="dim"))
        keys = _("n next · p previous · c contents · escape: the form")
        parts.append(Text(keys, style="dim"))
        return Group(*parts)

    def _buttons(self, *, contents: bool) -> None:
        self.query_one("#lesson-buttons").display = not contents
        self.query_one("#contents-buttons").display = contents

    @work(thread=True, exclusive=False, group="lesson-code")
    def _run_code(self, lesson: str, index: int, code: str) -> None:
        from tui_linreg.engine.snippets import run_snippet  # PyTorch: off the UI thread

        printed = run_snippet(code)
        self.app.call_from_thread(self._ran, lesson, index, printed)

    def _ran(self, lesson: str, index: int, printed: str) -> None:
        self.outputs[(lesson, index)] = printed
        if self.lesson is not None and (self.lesson.name, self.index) == (lesson, index):
            self.query_one("#lesson-page", Static).update(self._page(self.lesson.pages[index]))

    # --- keys ---------------------------------------------------------------------------------

    def action_turn(self, by: int) -> None:
        if self.lesson is None:
            return
        index = self.index + by
        if 0 <= index < len(self.lesson.pages):
            self.index = index
            self._show()
        elif index >= len(self.lesson.pages):
            self.show_contents()  # the lesson's end: back to the list

    def action_act(self) -> None:
        if self.lesson is None:
            return
        action = self.lesson.pages[self.index].action
        if action is not None:
            self.post_message(self.Act(action))

    def action_contents(self) -> None:
        self.show_contents()

    def on_key(self, event: events.Key) -> None:
        """1–4 on the contents page opens that lesson."""
        if self.lesson is None and event.character in ("1", "2", "3", "4"):
            event.stop()
            self.open(list(LESSONS)[int(event.character) - 1])

    def action_reset(self) -> None:
        if self.lesson is None:
            warning = self.progress.reset()
            if warning:
                self.notify(warning, severity="warning", timeout=6)
            self.show_contents()

    def action_leave(self) -> None:
        self.post_message(self.Leave())
