"""The settings form's sections: they fold and unfold from the keyboard, the form scrolls at
80×24 so every field can be reached and seen, and a changed value in any section runs."""

from __future__ import annotations

import pytest
from textual.widget import Widget
from textual.widgets import Button, Input, Select

from tests.ui.snapshot_app import make_app, settle, title_above, type_into, wait_for_sequence
from tui_linreg.config import SETTINGS
from tui_linreg.settings import Section
from tui_linreg.ui.app import LinregApp
from tui_linreg.ui.widgets.settings_form import RELEVANT_WHEN, SectionTitle


def section(app: LinregApp, which: Section) -> SectionTitle:
    return app.main.form.title_of(which)


def folded(title: SectionTitle) -> bool:  # a call: the type checker must not pin the answer
    return title.folded


def shown(widget: Widget) -> bool:  # a call, as folded()
    return widget.display


async def test_each_section_folds_and_unfolds_from_the_keyboard() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for which in Section:
            title = section(app, which)
            for _ in range(40):  # tab until the section's title has the focus
                if app.focused is title:
                    break
                await pilot.press("tab")
            assert app.focused is title, f"tab never reached the {which} section"
            form = app.main.form
            fields = [
                form.query_one(f"#field-{n}")
                for n, s in SETTINGS.items()
                if s.section == which and n not in RELEVANT_WHEN  # those show only when used
            ]
            await pilot.press("enter")
            await pilot.pause()
            assert folded(title)
            assert not any(field.is_on_screen for field in fields)
            await pilot.press("enter")
            await pilot.pause()
            assert not folded(title)
            assert all(field.is_on_screen for field in fields) or which == Section.DATA
            assert app.session.running is None, "enter on a section title must not start a run"


def _visible_in_form(app: LinregApp, widget: Widget) -> bool:
    return app.main.form.region.contains_region(widget.region)


async def test_at_80_by_24_tab_reaches_every_field_and_scrolls_it_into_view() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        form = app.main.form
        assert form.max_scroll_y > 0, "at 80×24 the form is taller than its pane"
        await pilot.press("shift+tab")  # back to the form's start…
        while app.focused is not None and form in app.focused.ancestors:
            first = app.focused
            await pilot.press("shift+tab")
            if app.focused is first:
                break
        reached = set()
        for _ in range(60):
            await pilot.press("tab")
            focused = app.focused
            assert focused is not None
            if form not in focused.ancestors:
                continue
            await pilot.pause()
            assert _visible_in_form(app, focused), f"{focused} has the focus but is scrolled away"
            reached.add(focused.id)
            if isinstance(focused, Button):
                break
    defaults = {name: SETTINGS[name].kind.show(SETTINGS[name].default) for name in SETTINGS}
    hidden = {name for name, (other, used) in RELEVANT_WHEN.items() if not used(defaults[other])}
    shown_now = {f"field-{name}" for name in SETTINGS if name not in hidden}
    assert shown_now | {"field-sweep", "run"} <= reached
    assert not {f"field-{name}" for name in hidden} & reached  # hidden: not tabbed to


async def test_a_mistake_in_a_folded_section_unfolds_it_and_takes_the_cursor() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        optimisation = section(app, Section.OPTIMISATION)
        optimisation.folded = True
        await pilot.pause()
        await type_into(pilot, "batch_size", "0")
        error = app.main.form.query_one("#error-batch_size")
        assert not shown(error), "a folded section shows its fields' mistakes too"
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert not folded(optimisation)
        assert shown(error)
        focused = app.focused
        assert isinstance(focused, Input)
        assert focused.id == "field-batch_size"
        assert app.main.training is None


@pytest.mark.parametrize(
    ("which", "field", "text", "expected"),
    [
        (Section.DATA, "num_examples", "500", 500),
        (Section.MODEL, "init_std", "0.5", 0.5),
        (Section.OPTIMISATION, "learning_rate", "0.1", 0.1),
        (Section.RUN, "sweep", "bs=5,20", None),
    ],
)
async def test_a_changed_value_in_each_section_runs(
    which: Section, field: str, text: str, expected: object
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert title_above(app, f"field-{field}").section == which
        await type_into(pilot, field, text)
        await pilot.press("ctrl+r")
        runs = 2 if field == "sweep" else 1
        await wait_for_sequence(pilot, runs)
    if expected is None:
        assert [end.config.batch_size for end in app.session.ends] == [5, 20]
    else:
        assert getattr(app.session.ends[-1].config, field) == expected
    assert all(end.outcome == "finished" for end in app.session.ends)


def on_screen(widget: Widget) -> bool:  # a call, as folded()
    return widget.is_on_screen


async def test_fields_show_only_when_they_are_used() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        form = app.main.form
        model, delta = form.query_one("#row-model"), form.query_one("#row-huber_delta")
        assert not on_screen(model)
        assert not on_screen(delta)
        form.query_one("#field-implementation", Select).value = "concise"
        form.query_one("#field-loss_function", Select).value = "huber"
        await pilot.pause()
        assert on_screen(model)
        assert on_screen(delta)
        await pilot.press("ctrl+r")
        await wait_for_sequence(pilot, 1)
        assert app.history.load().records[-1].config.loss_function == "huber"
        form.query_one("#field-loss_function", Select).value = "l1"
        await pilot.pause()
        assert not on_screen(delta)
        every = form.query_one("#row-decay_every")
        assert not on_screen(every)  # without a decay, nothing to space out
        await type_into(pilot, "lr_decay", "0.5")
        assert on_screen(every)


async def test_every_field_has_its_settings_help_as_its_tooltip() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for name, setting in SETTINGS.items():
            tooltip = app.main.form.query_one(f"#field-{name}").tooltip
            assert isinstance(tooltip, str)
            assert tooltip.startswith(f"{setting.help} ({setting.flag})"), name
        assert app.main.form.query_one("#field-data_path").tooltip == (
            app.main.form.query_one("#field-data").tooltip
        )
        # Then the glossary's definition of the field's term, where it has one.
        batch = app.main.form.query_one("#field-batch_size").tooltip
        assert isinstance(batch, str)
        assert "\n\nbatch size: How many examples one step averages its gradient" in batch
