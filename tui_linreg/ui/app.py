"""The Textual app: the stylesheet, the themes, the signals, PyTorch's load in the background,
the screens over the main one, the command palette and screenshots.

Training is the main screen's (screens/main.py), through the session (session.py): the app
only creates the session and hands it to the screen. PyTorch is imported in a background
thread after the first frame, so the app appears at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import threading
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import Any, ClassVar

from platformdirs import user_downloads_path
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.command import CommandPalette
from textual.events import DeliveryComplete, DeliveryFailed
from textual.screen import Screen

from tui_linreg import preferences
from tui_linreg.config import TrainConfig
from tui_linreg.history import History, default_path
from tui_linreg.i18n import LANGUAGES, _, language, use
from tui_linreg.session import Session
from tui_linreg.teach.progress import LessonProgress
from tui_linreg.trainer import Trainer
from tui_linreg.ui import keys, maximise, replay_keys, textual_guards
from tui_linreg.ui.commands import FieldCommands, PresetCommands, RecentRunCommands
from tui_linreg.ui.messages import Notice, TorchLoaded
from tui_linreg.ui.screens.help import HelpScreen
from tui_linreg.ui.screens.main import MainScreen

textual_guards.apply()

SCREEN_ACTIONS = ("help", "runs", "presets", "glossary")
"""The actions that show a screen of their own over the main one."""
HANGUPS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))
"""Signals that end the app like ctrl+q: a kill or shutdown, and a dropped SSH connection
(Windows has no SIGHUP)."""


def screenshot_directory() -> Path:
    """The Downloads folder where there is one, as Textual has it; else the working directory,
    where the runs screen's exports go too."""
    downloads = user_downloads_path()
    return downloads if downloads.is_dir() else Path.cwd()


class LinregApp(App[None]):
    """Linear regression, from scratch and concise, trained live."""

    CSS_PATH = Path(__file__).with_name("app.tcss")  # absolute: subclasses elsewhere find it
    TITLE = "tui-linreg"
    COMMANDS = App.COMMANDS | {PresetCommands, FieldCommands, RecentRunCommands}  # ctrl+p
    BINDINGS: ClassVar[list[BindingType]] = list(keys.KEYS)

    MAIN_SCREEN: ClassVar[type[MainScreen]] = MainScreen
    """The main screen's class (the bench times a subclass's actions)."""
    main: MainScreen

    def __init__(
        self,
        config: TrainConfig | None = None,
        *,
        cursor_blink: bool = True,
        history_path: Path | None = None,
        sweep: str = "",
        browser_clipboard: bool = True,
        trainer: Trainer | None = None,
        ask_name: bool = False,
        lesson: str | None = None,
    ) -> None:
        super().__init__()
        # The training keys' actions are the main screen's (keys.py): "main.run" finds it.
        # Textual knows "app", "screen" and "focused"; a screen over the main one (the runs
        # screen) is the "screen" then, and the keys must still reach the main one.
        self._action_targets.add(keys.MAIN)
        self.initial = config or TrainConfig()
        self.initial_sweep = sweep
        """The sweep field's starting text: a --preset's sweep (``anscombe``'s four sets)."""
        self.browser_clipboard = browser_clipboard
        """Whether, served to a browser, a copy reaches its clipboard: only a page from this
        machine (or over https) may write it."""
        self.history = History(history_path or default_path())
        """Where every run is recorded, from the worker thread, never the UI's."""
        self.session = Session(self.history, self._warn, trainer)
        """The session's runs, which the main screen drives (and a lesson may)."""
        if ask_name:  # served to a class: whose answers these are, asked once
            self.session.learner = None
        self.cursor_blink = cursor_blink
        self.lesson = lesson
        """A lesson to open at start (``tui-linreg learn``): its name, "" for the contents."""
        self.ask_name = ask_name
        self.loading: threading.Thread | None = None
        """The background import of PyTorch."""

    def get_default_screen(self) -> MainScreen:
        self.main = self.MAIN_SCREEN(
            self.session, self.initial, cursor_blink=self.cursor_blink, sweep=self.initial_sweep
        )
        # Where the learner is in the lessons: remembered beside the settings, except in a
        # served tab, whose progress is its own student's (in memory).
        path = None if self.ask_name else preferences.default_path().parent / "lessons.json"
        progress, warning = LessonProgress.load(path)
        self.main.lessons.progress = progress
        if warning:
            self.call_later(self.notify, warning, severity="warning", timeout=8)
        return self.main

    def on_mount(self) -> None:
        self._catch_hangups()
        self._remembered_theme()
        # The keys' words in the language now in use, whenever this module was imported.
        keys.translated(self._bindings)
        # PyTorch loads once the first frame is on screen: its import holds the GIL for
        # seconds, and started any earlier it would hold back the first paint.
        self.call_after_refresh(self.start_loading)
        if self.lesson is not None:
            self.call_after_refresh(self.main.open_lessons, self.lesson)

    def _remembered_theme(self) -> None:
        """The theme chosen last time (ctrl+p, "theme"), and from now on remember each one."""
        path = preferences.default_path()
        theme, warning = preferences.load_theme(path)
        if theme is not None and theme in self.available_themes:
            self.theme = theme
        elif theme is not None:
            warning = _(
                "the remembered theme {theme} is not one this Textual has: the default"
            ).format(theme=repr(theme))
        if warning:
            self.notify(warning, severity="warning", timeout=8)

        def remember(theme: str) -> None:
            said = preferences.save_theme(path, theme)
            if said:
                self.notify(said, severity="warning", timeout=8)

        self.watch(self, "theme", remember, init=False)

    def _catch_hangups(self) -> None:
        """SIGTERM (kill, a shutdown) and SIGHUP (a dropped SSH connection) quit like ctrl+q:
        the run is cancelled and recorded, and the terminal is restored if it is still there.
        Their default action would end the process on the spot."""
        try:
            loop = asyncio.get_running_loop()
            for number in HANGUPS:
                loop.add_signal_handler(number, self.exit)
        except (RuntimeError, ValueError, NotImplementedError):  # a test's thread; Windows
            return

    def start_loading(self) -> None:
        # A daemon thread, not a Textual worker: quitting must not wait for an import to end
        # (asyncio joins its executor's threads when the app's loop closes).
        self.loading = threading.Thread(target=self.load_torch, name="load torch", daemon=True)
        self.loading.start()

    def on_unmount(self) -> None:
        with contextlib.suppress(RuntimeError, ValueError, NotImplementedError):
            loop = asyncio.get_running_loop()
            for number in HANGUPS:
                loop.remove_signal_handler(number)
        self.session.cancel_all()  # the training thread must not outlive the app

    def load_torch(self) -> None:
        """Import torch and pay its one-off start costs (the optimiser machinery; on a GPU the
        CUDA context and kernels), off the UI thread, so the first run starts at once."""
        try:
            self.session.trainer.load(self.initial.device)
        except Exception as error:
            said = _("PyTorch could not be loaded: {error}").format(error=error)
            self.main.post_message(TorchLoaded(said))
            return
        self.main.post_message(TorchLoaded())

    def _warn(self, text: str) -> None:
        self.main.post_message(Notice(text))  # from the worker thread: post_message is safe

    # --- screens --------------------------------------------------------------------------

    def overlay(self, screen: Screen[Any], callback: Callable[[Any], None] | None = None) -> None:
        """Show ``screen`` over the main one, closing whatever was over it first: f2 over help
        replaces it rather than stacking screens."""
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.push_screen(screen, callback)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """While the command palette is open, the keys that open screens wait for it to close:
        a screen pushed over it, then ctrl+p, would open a second palette (Textual crashes on
        that), and closing a palette from outside crashes its search worker."""
        return not (action in SCREEN_ACTIONS and isinstance(self.screen, CommandPalette))

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss()
            return
        shown = [(b.key, b.tooltip) for b in self.BINDINGS if isinstance(b, Binding)]
        shown.append(("ctrl+p", _("Command palette: every action by name")))
        shown += [(_(key), _(what)) for key, what in (*replay_keys.HELP, maximise.HELP)]
        self.overlay(HelpScreen(shown))

    def action_runs(self) -> None:
        from tui_linreg.ui.screens.runs import RunsScreen  # loads when first opened, not at start

        if isinstance(self.screen, RunsScreen):
            self.screen.dismiss()
        else:
            self.overlay(RunsScreen(self.history, browser_clipboard=self.browser_clipboard))

    def action_glossary(self) -> None:
        from tui_linreg.ui.screens.glossary import GlossaryScreen  # as RunsScreen

        if isinstance(self.screen, GlossaryScreen):
            self.screen.dismiss()
        else:
            self.push_screen(GlossaryScreen.of(self.screen))

    def action_presets(self) -> None:
        def chosen(name: str | None) -> None:
            if name is not None:
                self.main.use_preset(name)

        from tui_linreg.ui.screens.presets import PresetScreen  # as RunsScreen

        if isinstance(self.screen, PresetScreen):
            self.screen.dismiss(None)
        else:
            self.overlay(PresetScreen(), chosen)

    # --- the palette's screenshot -------------------------------------------------------

    def deliver_screenshot(
        self, filename: str | None = None, path: str | None = None, time_format: str | None = None
    ) -> str | None:
        """Textual's, into a folder that exists: its default (the Downloads folder) is missing
        on most machines reached over SSH, and the save then fails without saying why."""
        return super().deliver_screenshot(
            filename, path or str(screenshot_directory()), time_format
        )

    def on_delivery_complete(self, event: DeliveryComplete) -> None:
        if event.name == "screenshot":
            event.prevent_default()  # instead of Textual's own note
            saved = (
                _("Saved as a download (SVG: open it in a browser)")
                if event.path is None
                else _("Saved to {path} (SVG: open it in a browser)").format(path=event.path)
            )
            self.notify(saved, title=_("Screenshot"))

    def on_delivery_failed(self, event: DeliveryFailed) -> None:
        if event.name == "screenshot":
            event.prevent_default()
            why = getattr(event.exception, "strerror", None) or event.exception
            said = _("Not saved: {why}").format(why=why)
            self.notify(said, title=_("Screenshot"), severity="error", timeout=8)

    async def action_quit(self) -> None:
        self.session.cancel_all()  # the worker ends within one mini-batch
        self.exit()

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for binding in self.BINDINGS:
            if isinstance(binding, Binding) and binding.action not in ("quit",):
                where, _dot, action = binding.action.rpartition(".")
                node = self.main if where == keys.MAIN else self
                yield SystemCommand(
                    f"{binding.description} ({binding.key})",
                    binding.tooltip,
                    getattr(node, f"action_{action}"),
                )
        for name, own_name in LANGUAGES.items():
            if name != language():
                yield SystemCommand(
                    f"{_('Language')}: {own_name}",
                    _("Speak {language} from now on, and remember it").format(language=own_name),
                    partial(self.switch_language, name),
                )

    def switch_language(self, name: str) -> None:
        """The palette's language: what is drawn from now on speaks it (the footer's keys at
        once), and it is remembered, except in a served tab, whose choice is its own."""
        use(name)
        if not self.ask_name:
            said = preferences.save(preferences.default_path(), language=name)
            if said:
                self.notify(said, severity="warning", timeout=8)
        keys.translated(self._bindings)
        self.refresh_bindings()
        if self.main.lessons.is_mounted:  # it is mounted when first opened
            self.main.lessons.redraw()
        for widget in self.screen.walk_children(with_self=True):
            retranslate = getattr(widget, "retranslate", None)
            if callable(retranslate):  # a widget's fixed words: its title, labels, legend
                retranslate()
        self.notify(_("Language: {language}").format(language=LANGUAGES[name]))
