"""Drive one implementation through a run and report it as a stream of events.

The loop is the same for every implementation. It keeps the hot path free of host
synchronisation: each step's loss stays on the device in a small window, and the window is
read back only at the reporting rate (four times a second, or every ``MAX_WINDOW``
steps), where divergence is checked and progress is reported. Cancel and pause are flags that
the loop looks at before every mini-batch.

The loop's parts are small units of their own: the clock and the pace (pacing.py), the loss
window and the path (loss_window.py), divergence and keep-going (divergence.py), the watched
step (watch.py). :func:`train` is the loop over them.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import time
from collections.abc import Iterator

import torch

from tui_linreg.config import IMPLEMENTATIONS, ConfigError, TrainConfig, resolved
from tui_linreg.engine.control import RunControl
from tui_linreg.engine.data import (
    Problem,
    full_data_half_mse,
    shuffle_generator,
)
from tui_linreg.engine.device import describe
from tui_linreg.engine.divergence import (
    Divergence,
    Where,
    diverged_message,
    kept_going_words,
    why_it_diverged,
)
from tui_linreg.engine.events import (
    EpochEnded,
    Event,
    Outcome,
    Progress,
    RunEnded,
    RunStarted,
    StepDetail,
    StepTaken,
)
from tui_linreg.engine.implementation import Implementation, create
from tui_linreg.engine.loss_window import LossWindow, PathRecorder
from tui_linreg.engine.pacing import Pacer, Stopwatch
from tui_linreg.engine.start import out_of_memory_refused, prepare, references, started
from tui_linreg.engine.watch import StepWatch
from tui_linreg.i18n import _
from tui_linreg.sources import SYNTHETIC

PROGRESS_INTERVAL_S = 0.25
"""Seconds between progress reports: at most four a second, however fast training goes; the
app repaints four times a second, so more reports would be drawn by nobody. In the app, each
report is a message the UI thread handles while training waits for the GIL: reporting ten
times a second instead cost about a tenth of the training speed at batch 10 (side by side)."""

WATCHED_PACE = 1000.0
"""At this pace or slower every step is watched (engine/watch.py), so the step inspector
always shows the latest; faster, only single steps and the run's last step are."""


class RunParts:
    """One run's parts the loop shares: its model and data, its clock, the loss window, the
    path, divergence, the watched step, and what it has done so far."""

    def __init__(
        self,
        config: TrainConfig,
        device: torch.device,
        problem: Problem,
        model: Implementation,
        start: RunStarted,
        watch: StepWatch,
        *,
        record_path: bool,
    ) -> None:
        self.config, self.device, self.problem, self.model = config, device, problem, model
        self.start, self.watch = start, watch
        self.steps_per_epoch = start.steps_per_epoch
        factor = model.half_mse_per_loss  # None for l1 and Huber: not a multiple of half-MSE
        start_loss = (
            float(model.epoch_loss()) if factor is None else start.initial_half_mse / factor
        )
        self.divergence = Divergence(start_loss, config.keep_going)
        self.window = LossWindow(model, self.divergence)
        self.path = PathRecorder(start.path_every if record_path else 0)
        self.clock = Stopwatch()
        self.history: list[EpochEnded] = []
        self.total_steps = 0

    @classmethod
    def begin(
        cls,
        config: TrainConfig,
        prepared: tuple[torch.device, Problem] | None,
        *,
        record_path: bool,
    ) -> RunParts:
        """A run of ``config`` set up: its data (drawn, or ``prepared``), its model, its
        references and its RunStarted."""
        config = resolved(config)  # a data file's columns and rows (cached: read once)
        device, problem = prepared or prepare(config)
        generator = shuffle_generator(config)
        model = create(config, problem, generator)
        with out_of_memory_refused(config, device):
            best, least, gram = references(problem, config, model)
        start = started(config, device, problem, model, best, least, gram)
        watch = StepWatch(model, problem, config, generator)
        return cls(config, device, problem, model, start, watch, record_path=record_path)

    def ended(self, outcome: Outcome, message: str, epoch: int) -> RunEnded:
        half_mse, w, b = _snapshot(self.problem, self.model)
        train_s = self.clock.read()
        return RunEnded(
            outcome=outcome,
            message=message,
            epoch=epoch,
            step=self.total_steps,
            history=tuple(self.history),
            w=w,
            b=b,
            half_mse=half_mse,
            mse=2 * half_mse,
            train_s=train_s,
            steps_per_s=self.total_steps / train_s if train_s > 0 else 0.0,
            closed_form=self.start.closed_form,
            config=self.config,
            device=describe(self.device),
            loss_name=self.model.loss_name,
            standardization=self.problem.standardization,
        )

    def diverged(self, where: Where, stopped: int | None = None) -> RunEnded:
        """The run diverged at ``where``; it ``stopped`` at a later step of that epoch."""
        config = self.config
        why = why_it_diverged(
            lr=self.model.lr,  # the rate now, decayed or not
            stable_lr=self.start.stable_lr,
            loss_name=self.model.loss_name,
            unstandardised_file=config.data != SYNTHETIC and not config.standardize,
        )
        message = diverged_message(where, self.divergence.start_loss, why, stopped)
        return self.ended(Outcome.DIVERGED, message, where[0])

    def kept_going(self) -> RunEnded:
        """A diverged run that went on to its last epoch (keep_going)."""
        went_bad, epochs = self.divergence.went_bad, self.config.epochs
        first = self.diverged(went_bad["first"])
        words = kept_going_words(went_bad, epochs)
        return dataclasses.replace(first, message=first.message + words, epoch=epochs)

    def cancelled(self, epoch: int, step: int) -> RunEnded:
        return self.ended(
            Outcome.CANCELLED,
            _("cancelled in epoch {epoch} after step {step} of {steps}").format(
                epoch=epoch, step=step, steps=self.steps_per_epoch
            ),
            epoch,
        )

    def failed(self, epoch: int, step: int, error: RuntimeError) -> RunEnded:
        return self.ended(
            Outcome.FAILED,
            # {error} keeps "RuntimeError: …": the status line reads what follows "Error: "
            _("failed in epoch {epoch} at step {step}: the training code raised {error}").format(
                epoch=epoch, step=step, error=f"{type(error).__name__}: {error}"
            ),
            epoch,
        )

    def finished(self) -> RunEnded:
        config, steps = self.config, self.total_steps
        epochs, train_s = config.epochs, max(self.clock.read(), 1e-9)
        if config.pace is None:
            said = (
                _(
                    "finished 1 epoch in {seconds:.2f} s ({per_epoch:.3g} s/epoch, {rate:,.0f} steps/s)"
                )
                if epochs == 1
                else _(
                    "finished {epochs} epochs in {seconds:.2f} s "
                    "({per_epoch:.3g} s/epoch, {rate:,.0f} steps/s)"
                )
            )
        else:  # a paced run's time is its training's, the waits left out
            said = (
                _(
                    "finished 1 epoch in {seconds:.2f} s of training ({per_epoch:.3g} s/epoch, "
                    "{rate:,.0f} steps/s; paced at {pace:g} steps/s, the waits left out)"
                )
                if epochs == 1
                else _(
                    "finished {epochs} epochs in {seconds:.2f} s of training ({per_epoch:.3g} "
                    "s/epoch, {rate:,.0f} steps/s; paced at {pace:g} steps/s, the waits left out)"
                )
            )
        message = said.format(
            epochs=epochs,
            seconds=train_s,
            per_epoch=train_s / epochs,
            rate=steps / train_s,
            pace=config.pace,
        )
        return self.ended(Outcome.FINISHED, message, epochs)

    def read_back(self, epoch: int, step: int) -> int | None:
        """The window's losses and the path's θ read back; the step of the first bad loss."""
        first_bad, dropped = self.window.read_back(epoch, step)
        self.path.read_back(self.total_steps - dropped)
        return first_bad

    def report(self, epoch: int, step: int) -> Progress:
        """The steps since the last report, and the parameters now."""
        batch_loss, batch_half_mse, batches = self.window.take()
        path_steps, path = self.path.take()
        w, b = _parameters(self.model)
        return Progress(
            epoch=epoch,
            step=step,
            steps_per_epoch=self.steps_per_epoch,
            batch_loss=batch_loss,
            batch_half_mse=batch_half_mse,
            elapsed_s=self.clock.read(),
            batches=batches,
            w=w,
            b=b,
            last_step=self.watch.detail() if self.watch.fresh else None,
            path_steps=path_steps,
            path=path,
        )

    def epoch_ended(self, epoch: int, steps: int, epoch_s: float) -> EpochEnded:
        """The lesson's line: the full data's loss after ``epoch`` (and the held-out one's)."""
        model, validation = self.model, self.problem.validation
        own_loss = float(model.epoch_loss())
        half_mse, w, b = _snapshot(self.problem, model)
        val_loss = val_half_mse = None
        if validation is not None:
            val_loss = float(model.epoch_loss(validation))
            val_half_mse = float(full_data_half_mse(validation, *model.parameters()))
        ended = EpochEnded(
            epoch=epoch,
            loss=own_loss,
            half_mse=half_mse,
            mse=2 * half_mse,
            w=w,
            b=b,
            elapsed_s=self.clock.read(),
            epoch_s=epoch_s,
            steps_per_s=steps / epoch_s if epoch_s > 0 else 0.0,
            lr=model.lr,
            val_loss=val_loss,
            val_half_mse=val_half_mse,
        )
        self.history.append(ended)
        return ended


def train(
    config: TrainConfig,
    control: RunControl | None = None,
    prepared: tuple[torch.device, Problem] | None = None,
    *,
    trace: bool = False,
    record_path: bool = False,
    stop_at: int = 0,
) -> Iterator[Event]:
    """Run ``config`` and yield its events: RunStarted, Progress/EpochEnded…, RunEnded.

    ``prepared`` lets several implementations train on the very same tensors; ``trace``
    watches every step and yields a StepTaken after each (slower: for ``train --trace``);
    ``record_path`` puts θ after every step (an even sample past PATH_MAX_STEPS) in the
    Progress reports, for the landscape and replay; ``stop_at`` watches that step (counted from
    1 across epochs), reports it and stops (for replay_step). Raises
    :class:`~tui_linreg.config.ConfigError` before the first event if the device is missing.
    """
    control = control or RunControl()
    run = RunParts.begin(config, prepared, record_path=record_path)
    config, model, start = run.config, run.model, run.start
    yield start

    clock, window, path, watch = run.clock, run.window, run.path, run.watch
    losses, every = window.losses, path.every
    keep_theta, keep_step = path.thetas.append, path.theta_steps.append
    pacer = Pacer(control, clock)
    last_step = config.epochs * start.steps_per_epoch
    # An implementation that needs no autograd steps in inference mode (no version counters,
    # no autograd dispatch: about a fifth faster at batch 10). Events are yielded outside it.
    step_mode = contextlib.nullcontext if model.needs_autograd else torch.inference_mode

    def watched_from() -> int:
        """Steps are watched from this many taken on: all of them when traced, paced slowly
        enough or single; else only the run's last."""
        pace = pacer.pace
        if trace or pacer.single or (pace is not None and pace <= WATCHED_PACE):
            return 0
        return (stop_at or last_step) - 1

    for epoch in range(1, config.epochs + 1):
        if epoch > 1 and (epoch - 1) % config.decay_every == 0 and config.lr_decay != 1:
            model.decay(config.lr_decay)  # source note 4: every decay_every epochs
        step = 0
        epoch_started = clock.read()
        clock.start()
        last_report = time.perf_counter()
        watch.new_epoch()
        batches = iter(model.batches())
        append = losses.append
        while True:
            # Steps run in a stretch, in step_mode, until a read-back is due. The hot path
            # reads locals only (an attribute a step cost analytic a tenth of its speed): the
            # run's count and the pace are copied in here, and the count back out below.
            ended_by = None  # why the stretch ended: "cancel", "read" or None (epoch done)
            pacer.single = single = False
            pace, size, total = pacer.pace, window.size, run.total_steps
            watched = watched_from()
            try:
                with step_mode():
                    for X, y in batches:  # noqa: N806
                        if control.requested:
                            if not pacer.heed():
                                ended_by = "cancel"
                                break
                            pace, single = pacer.pace, pacer.single
                            watched = watched_from()
                        if total >= watched:  # one comparison a step
                            append(watch.step(epoch, step + 1, X, y))
                        else:
                            append(model.train_step(X, y))
                        step += 1
                        total += 1
                        if every and total % every == 0:
                            keep_theta(model.snapshot())
                            keep_step(total)
                        if single or total == stop_at:
                            if single:
                                control.stepped()  # pause again, and show this step now
                            ended_by, report_due, now = "read", True, time.perf_counter()
                            break
                        if pace is not None:
                            pacer.wait()
                        now = time.perf_counter()
                        report_due = now - last_report >= PROGRESS_INTERVAL_S
                        if report_due or len(losses) >= size or trace:
                            ended_by = "read"
                            break
            except RuntimeError as error:  # the training code raised: a pitfall, say
                run.total_steps = total
                clock.stop()
                watch.failed(epoch, step + 1, X, y, str(error))
                run.read_back(epoch, step)
                yield run.report(epoch, step)  # the steps before it, and the step that raised
                yield run.failed(epoch, step + 1, error)
                return
            run.total_steps = total
            if ended_by is None:
                break
            if ended_by == "cancel":
                clock.stop()
                yield run.cancelled(epoch, step)
                return
            window.grow()
            first_bad = run.read_back(epoch, step)
            if trace:
                clock.stop()
                detail = watch.detail()
                assert detail is not None
                yield StepTaken(detail)
                clock.start()
            if first_bad is not None:
                clock.stop()
                yield run.report(epoch, step)  # the explosion, up to the step that stopped it
                yield run.diverged((epoch, first_bad, window.bad_loss), stopped=step)
                return
            if report_due:
                last_report = now
                clock.stop()
                yield run.report(epoch, step)
                if run.total_steps == stop_at:
                    return
                clock.start()
        first_bad = run.read_back(epoch, step)
        clock.stop()
        if window.pending:  # every step is in one report: the epoch's last ones in this one
            yield run.report(epoch, step)
        if first_bad is not None:
            yield run.diverged((epoch, first_bad, window.bad_loss), stopped=step)
            return
        ended = run.epoch_ended(epoch, step, clock.read() - epoch_started)
        if run.divergence.bad(ended.loss):
            if config.keep_going:
                run.divergence.went_bad.setdefault("first", (epoch, step, ended.loss))
            else:  # the last update of the epoch blew up after its batch loss was measured
                yield run.diverged((epoch, step, ended.loss))
                return
        yield ended

    yield run.kept_going() if run.divergence.went_bad else run.finished()


def replay_step(
    config: TrainConfig,
    step: int,
    prepared: tuple[torch.device, Problem] | None = None,
    control: RunControl | None = None,
) -> StepDetail | None:
    """Step ``step`` (counted from 1 across epochs) of a run of ``config``, in full, as the step
    inspector shows it. Runs are deterministic, so the run is taken again from its start on the
    same data and watched at that step: the batch comes from its indices, and ``.grad`` is what
    it was then, even where it piles up (forget-zero-grad). Recorded nowhere. None if the run
    ended before that step, or ``control`` cancelled it."""
    for event in train(config, control, prepared, stop_at=step):
        if isinstance(event, Progress) and event.last_step is not None:
            return event.last_step
        if isinstance(event, RunEnded):
            return None
    return None


def run_to_end(
    config: TrainConfig, prepared: tuple[torch.device, Problem] | None = None
) -> RunEnded:
    """Run ``config`` to completion and return its final event (for scripts and tests)."""
    for event in train(config, prepared=prepared):
        if isinstance(event, RunEnded):
            return event
    raise AssertionError("a run always ends with RunEnded")  # pragma: no cover


def freeze_start_up_heap() -> None:
    """Move every object alive now out of the garbage collector's sight: call once start-up
    is over (the imports; in the app, the warm-up too). After ``import torch`` (and Textual)
    the heap holds hundreds of thousands of objects, and every full collection walks them
    all (about 80 ms, measured in the second epoch of a fresh process's run: docs/performance.md).
    Frozen objects are never collected as cycles, so this is done once, never per run."""
    gc.freeze()


def warm_up(device: str) -> None:
    """Pay PyTorch's one-off start costs now, not in the first run the user makes.

    The first ``optim.SGD`` in a process loads dynamo (about a second on a CPU); on a GPU the
    first run also creates the CUDA context and loads each kernel it uses (about 7.6 s on an
    H100). A tiny run of every implementation on ``device`` pays all of it. If that device
    cannot be used, the run that asks for it will say why; the CPU is warmed instead, since
    the optimiser machinery is the same.
    """
    try:
        _tiny_runs(device)
    except (ConfigError, RuntimeError):  # no such device, or a CUDA error (a RuntimeError)
        _tiny_runs("cpu")


def _tiny_runs(device: str) -> None:
    for implementation in IMPLEMENTATIONS:
        run_to_end(
            TrainConfig(
                implementation=implementation,
                num_examples=16,
                batch_size=8,
                epochs=1,
                device=device,
            )
        )


def _parameters(model: Implementation) -> tuple[tuple[float, ...], float]:
    """The current w and b, read back to the host in one transfer."""
    w, b = model.parameters()
    values = torch.cat([w.flatten(), b.flatten()]).tolist()
    return tuple(values[:-1]), values[-1]


def _snapshot(problem: Problem, model: Implementation) -> tuple[float, tuple[float, ...], float]:
    """Full-data half-MSE and the current parameters, read back to the host in one transfer."""
    w, b = model.parameters()
    half_mse = full_data_half_mse(problem, w, b)
    values = torch.cat([half_mse.reshape(1), w.flatten(), b.flatten()]).tolist()
    return values[0], tuple(values[1:-1]), values[-1]
