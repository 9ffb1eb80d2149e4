"""The main screen's lessons: f12 opens them in the form's place, n, p and c turn their pages
from any pane while one is open, a page's key drives the screen (ui/lesson_driver.py), and w in
the step inspector walks its step line by line. A base of MainScreen's, which it needs for the
form, the session and the panes."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.binding import Binding, BindingType

from tui_linreg.config import TrainConfig
from tui_linreg.i18n import N_, _
from tui_linreg.session import Session
from tui_linreg.settings import Section
from tui_linreg.teach.progress import LessonProgress
from tui_linreg.ui.lesson_driver import drive
from tui_linreg.ui.screens.panes import PanesScreen
from tui_linreg.ui.widgets.lesson_pane import LessonPane

if TYPE_CHECKING:
    from tui_linreg.ui.screens.main import MainScreen


class LessonKeys(PanesScreen):
    def __init__(
        self, session: Session, initial: TrainConfig, *, cursor_blink: bool, sweep: str = ""
    ) -> None:
        super().__init__(session, initial, cursor_blink=cursor_blink, sweep=sweep)
        self.lessons = LessonPane(LessonProgress(None), id="lessons")
        """The lessons' pane, mounted in the sidebar when first opened (f12); the app gives it
        the learner's progress."""

    # While a lesson is open, n, p and c turn its pages from any pane that does not take
    # them itself (the walk, the graph, the inspector); a text field types them.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "lesson_turn(1)", N_("Next page"), show=False),
        Binding("p", "lesson_turn(-1)", N_("Previous page"), show=False),
        Binding("c", "lesson_contents", N_("Lessons"), show=False),
    ]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("lesson_turn", "lesson_contents"):
            return self.has_class("learning")
        return True

    def action_lesson_turn(self, by: int) -> None:
        self.lessons.action_turn(by)
        self.lessons.focus()

    def action_lesson_contents(self) -> None:
        self.lessons.show_contents()
        self.lessons.focus()

    # --- the lessons ----------------------------------------------------------------------------

    def action_learn(self) -> None:
        """The lessons in the sidebar (the form's place), or the form again."""
        if self.has_class("learning"):
            self.leave_lessons()
        else:
            self.open_lessons("")

    def open_lessons(self, name: str) -> None:
        """Lesson ``name`` where the learner left it, or the contents for ""."""
        pane = self.lessons
        if not pane.is_attached:  # mounted when first wanted: the first frame does not wait
            self.query_one("#sidebar").mount(pane, before=self.form)
            self.call_after_refresh(self.open_lessons, name)
            return
        self.add_class("learning")
        self.call_after_refresh(self.table.refit)  # less room beside the page
        if name:
            pane.open(name)
        else:
            pane.show_contents()
        pane.focus()

    def leave_lessons(self) -> None:
        self.remove_class("learning")
        self.call_after_refresh(self.table.refit)  # the room back: the errors may fit again
        # On the form's first title, not in a field: a digit pressed for the lessons' list
        # must not land in the learning rate. Tab goes on into the fields.
        self.form.title_of(Section.DATA).focus()

    def action_walk_step(self) -> None:
        """The inspector's step, walked line by line in the plots' place (w)."""
        detail = self.inspector.detail
        config = self.session.running or (
            self.session.ends[-1].config if self.session.ends else None
        )
        if detail is None or config is None:
            self.notify(_("Take a step first (f7): then w walks it line by line."), timeout=4)
            return
        steps_per_epoch = -(-config.num_examples // config.batch_size)
        self.walk.walk(config, (detail.epoch - 1) * steps_per_epoch + detail.step)
        self.in_place = "walk"

    def on_lesson_pane_act(self, message: LessonPane.Act) -> None:
        drive(self._main, message.action)

    def on_lesson_pane_leave(self) -> None:
        self.leave_lessons()

    @property
    def _main(self) -> MainScreen:
        from tui_linreg.ui.screens.main import MainScreen

        assert isinstance(self, MainScreen)
        return self
