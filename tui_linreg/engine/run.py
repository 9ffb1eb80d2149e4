"""Drive one implementation through a run and report it as a stream of events.

The loop is the same for every implementation. It keeps the hot path free of host
synchronisation: each step's loss stays on the device in a small window, and the window is
read back only at the reporting rate (four times a second, or every ``_MAX_WINDOW``
steps), where divergence is checked and progress is reported. Cancel and pause are flags that
the loop looks at before every mini-batch.
"""

from __future__ import annotations

import bisect
import contextlib
import dataclasses
import gc
import math
import time
from collections.abc import Iterator

import torch

from tui_linreg.config import IMPLEMENTATIONS, ConfigError, Mistake, TrainConfig, resolved
from tui_linreg.engine.control import RunControl
from tui_linreg.engine.data import (
    Problem,
    data_note,
    full_data_half_mse,
    make_problem,
    shuffle_generator,
)
from tui_linreg.engine.device import describe, resolve_device
from tui_linreg.engine.events import (
    PATH_MAX_STEPS,
    SCATTER_SAMPLE,
    ClosedForm,
    EpochEnded,
    Event,
    Outcome,
    Progress,
    RunEnded,
    RunStarted,
    StepDetail,
    StepTaken,
    envelope,
)
from tui_linreg.engine.implementation import Implementation, create
from tui_linreg.engine.reference import Gram, analyse, ridge, robust_optimum, through_origin
from tui_linreg.engine.watch import StepWatch
from tui_linreg.optimizers import optimizer_of
from tui_linreg.sources import SYNTHETIC

PROGRESS_INTERVAL_S = 0.25
"""Seconds between progress reports: at most four a second, however fast training goes; the
app repaints four times a second, so more reports would be drawn by nobody. In the app, each
report is a message the UI thread handles while training waits for the GIL: reporting ten
times a second instead cost about a tenth of the training speed at batch 10 (side by side)."""

_MAX_WINDOW = 1024
"""Read the loss back at least this often (in steps). Early in a run the window starts at one
step and doubles after each read, so a blow-up in the first steps is caught where it happens
for the price of a handful of extra reads."""

EXPLOSION_FACTOR = 1e6
"""A finite loss this many times the starting loss counts as diverged."""

MAX_LAG_S = 0.1
"""A paced run this far behind its schedule starts a new one: it never rushes through the
steps it missed, which at the start of a run are the ones a learner most wants to see."""

WATCHED_PACE = 1000.0
"""At this pace or slower every step is watched (engine/watch.py), so the step inspector
always shows the latest; faster, only single steps and the run's last step are."""


class _Stopwatch:
    """Training time only: stopped while paused and while the consumer handles an event."""

    def __init__(self) -> None:
        self.total = 0.0
        self._since: float | None = None

    def start(self) -> None:
        self._since = time.perf_counter()

    def stop(self) -> None:
        if self._since is not None:
            self.total += time.perf_counter() - self._since
            self._since = None

    def read(self) -> float:
        running = time.perf_counter() - self._since if self._since is not None else 0.0
        return self.total + running


def prepare(config: TrainConfig) -> tuple[torch.device, Problem]:
    """Resolve the device and draw the data: the part several runs can share."""
    device = resolve_device(config.device)
    with out_of_memory_refused(config, device):
        return device, make_problem(config, device)


@contextlib.contextmanager
def out_of_memory_refused(config: TrainConfig, device: torch.device) -> Iterator[None]:
    """Turn an allocation failure (a GPU's memory is not checked beforehand, and other
    programs share it) into a refusal that says what to change, instead of a crash."""
    try:
        yield
    except RuntimeError as error:  # torch.OutOfMemoryError, or the CPU allocator's failure
        text = str(error)
        if not isinstance(error, torch.OutOfMemoryError) and "allocate" not in text:
            raise
        raise ConfigError(
            [
                Mistake(
                    "num_examples",
                    f"{describe(device)} ran out of memory for {config.num_examples:,} "
                    f"examples of {config.num_features} features: try fewer examples"
                    + (", or --device cpu" if device.type != "cpu" else ""),
                )
            ]
        ) from None


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
    config = resolved(config)  # a data file's columns and rows (cached: read once)
    device, problem = prepared or prepare(config)
    generator = shuffle_generator(config)
    model = create(config, problem, generator)
    with out_of_memory_refused(config, device):
        best, least, gram = _references(problem, config, model)
    watch = StepWatch(model, problem, config, generator)
    n = problem.num_examples
    steps_per_epoch = math.ceil(n / config.batch_size)
    last_step = config.epochs * steps_per_epoch
    start = _started(config, device, problem, model, best, least, gram)
    every = start.path_every if record_path else 0  # 0: no path recorded
    stable_lr, start_half_mse = start.stable_lr, start.initial_half_mse
    yield start

    factor = model.half_mse_per_loss  # None for l1 and Huber: not a multiple of half-MSE
    start_loss = float(model.epoch_loss()) if factor is None else start_half_mse / factor
    too_big = max(start_loss, 1e-12) * EXPLOSION_FACTOR
    clock = _Stopwatch()
    validation = problem.validation
    history: list[EpochEnded] = []
    total_steps = 0
    window_size = 1
    # An implementation that needs no autograd steps in inference mode (no version counters,
    # no autograd dispatch: about a fifth faster at batch 10). Events are yielded outside it.
    step_mode = contextlib.nullcontext if model.needs_autograd else torch.inference_mode

    def ended(outcome: Outcome, message: str, epoch: int) -> RunEnded:
        half_mse, w, b = _snapshot(problem, model)
        train_s = clock.read()
        return RunEnded(
            outcome=outcome,
            message=message,
            epoch=epoch,
            step=total_steps,
            history=tuple(history),
            w=w,
            b=b,
            half_mse=half_mse,
            mse=2 * half_mse,
            train_s=train_s,
            steps_per_s=total_steps / train_s if train_s > 0 else 0.0,
            closed_form=best,
            config=config,
            device=describe(device),
            loss_name=model.loss_name,
            standardization=problem.standardization,
        )

    def diverged(epoch: int, step: int, value: float, stopped: int | None = None) -> RunEnded:
        """The run diverged at ``step`` of ``epoch``; it ``stopped`` at a later step of that
        epoch, where the losses were read back (the parameters reported are from there)."""
        what = (
            f"the loss became {value}"
            if not math.isfinite(value)
            else f"the loss grew from {start_loss:.3g} to {value:.3g}"
        )
        lr = model.lr  # the rate now, decayed or not
        bound = f"the stable bound ≈ {stable_lr or 0:.3g} for {model.loss_name} on this data"
        if stable_lr is None:  # Adam
            why = (
                f"Adam has no simple stable bound (each step is about lr = {lr:g} long, whatever "
                "the gradient): try a smaller learning rate."
            )
        elif lr >= stable_lr:
            why = f"The learning rate {lr:g} is above {bound}."
        else:
            why = (
                f"The learning rate {lr:g} is below {bound}, but mini-batch noise lowers "
                "that bound: try a smaller one."
            )
        if config.data != SYNTHETIC and not config.standardize:
            why += " Standardising the features (--standardize) allows a far larger one."
        if stopped is not None and stopped != step:
            why += (
                f" The run stopped at step {stopped}, where the losses were read back: the "
                "parameters shown are from that step."
            )
        return ended(
            Outcome.DIVERGED, f"diverged in epoch {epoch} at step {step}: {what}. {why}", epoch
        )

    def kept_going(bad: dict[str, tuple[int, int, float]]) -> RunEnded:
        """A diverged run that went on to its last epoch (keep_going): where the loss first
        went bad, and the steps where it became inf and then nan, said once."""
        epoch, step, value = bad["first"]
        first = diverged(epoch, step, value)
        road = []
        if "inf" in bad:
            e, s, _ = bad["inf"]
            road.append(f"it became inf in epoch {e} at step {s} (past float32's 3.4e38)")
        if "nan" in bad:
            e, s, _ = bad["nan"]
            road.append(
                f"nan in epoch {e} at step {s}: once θ holds inf, ŷ = Xw + b adds +inf to "
                "−inf, and inf − inf is nan, which then spreads to every parameter"
            )
        went_on = f" It kept going to epoch {config.epochs}" + (
            ": " + "; then ".join(road) + "." if road else "."
        )
        return dataclasses.replace(first, message=first.message + went_on, epoch=config.epochs)

    # Pacing: step k of a paced stretch starts 1/pace after step k − 1's start, on an absolute
    # schedule (no drift). The waits are not training time. A pause, or a new pace, restarts
    # the schedule.
    pace = control.take_pace()
    paced_from, paced_steps = time.perf_counter(), 0
    window: list[torch.Tensor] = []
    pending: list[tuple[float, float]] = []
    """(step within the epoch, batch half-MSE) of each step since the last report."""
    pending_own: list[float] = []
    """Each of those steps' own loss (the implementation's, per example)."""
    pending_bad = math.nan
    thetas: list[torch.Tensor] = []
    """θ after each recorded step since the last read-back, still on the device."""
    theta_steps: list[int] = []
    path: list[float] = []
    """θ after each of ``path_steps``, flat (w…, b, w…, b, …): no tuple a step to allocate."""
    path_steps: list[int] = []

    went_bad: dict[str, tuple[int, int, float]] = {}
    """With keep_going: (epoch, step, loss) where the loss first went bad, became inf, nan."""

    def note_bad(start: int, losses: list[float]) -> None:
        for offset, loss in enumerate(losses):
            where = (epoch, start + offset, loss)
            if not loss <= too_big:  # nan too
                went_bad.setdefault("first", where)
            if math.isinf(loss):
                went_bad.setdefault("inf", where)
            if math.isnan(loss):
                went_bad.setdefault("nan", where)
                return

    def read_back(step: int) -> int | None:
        """Read the window's losses back into ``pending`` (and the θ recorded since into
        ``path``); the step of the first bad one."""
        nonlocal pending_bad
        first_bad, losses, half_mses = _inspect(model, window, too_big)
        start = step - len(window) + 1
        if first_bad is not None and config.keep_going:
            if "nan" not in went_bad:
                note_bad(start + first_bad, losses[first_bad:])
            first_bad = None  # noted: the run goes on
        kept = losses if first_bad is None else losses[: first_bad + 1]
        pending_own.extend(kept)
        if half_mses is None:
            assert factor is not None
            pending.extend((start + i, loss * factor) for i, loss in enumerate(kept))
        else:
            pending.extend((start + i, half_mses[i]) for i in range(len(kept)))
        if thetas:
            # The path stops where the loss plot does: at the step found bad.
            last = total_steps - len(window) + len(kept)
            shown = bisect.bisect_right(theta_steps, last)
            path_steps.extend(theta_steps[:shown])
            path.extend(torch.stack(thetas[:shown]).reshape(-1).tolist() if shown else ())
            thetas.clear()
            theta_steps.clear()
        window.clear()
        if first_bad is None:
            return None
        pending_bad = losses[first_bad]
        return start + first_bad

    def failed(epoch: int, step: int, error: RuntimeError) -> RunEnded:
        return ended(
            Outcome.FAILED,
            f"failed in epoch {epoch} at step {step}: the training code raised "
            f"{type(error).__name__}: {error}",
            epoch,
        )

    def report(epoch: int, step: int) -> Progress:
        """The steps since the last report, and the parameters now."""
        mean = math.fsum(value for _, value in pending) / max(len(pending), 1)
        w, b = _parameters(model)
        progress = Progress(
            epoch=epoch,
            step=step,
            steps_per_epoch=steps_per_epoch,
            batch_loss=math.fsum(pending_own) / max(len(pending_own), 1),
            batch_half_mse=mean,
            elapsed_s=clock.read(),
            batches=envelope(pending),
            w=w,
            b=b,
            last_step=watch.detail() if watch.fresh else None,
            path_steps=tuple(path_steps),
            path=tuple(path),
        )
        pending.clear()
        pending_own.clear()
        path_steps.clear()
        path.clear()
        return progress

    def watched_from_step(pace: float | None, single: bool) -> int:
        """Steps are watched from this many taken on: all of them when traced, paced slowly
        enough or single; else only the run's last."""
        if trace or single or (pace is not None and pace <= WATCHED_PACE):
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
        while True:
            # Steps run in a stretch, in step_mode, until a read-back is due.
            ended_by = None  # why the stretch ended: "cancel", "read" or None (epoch done)
            single = False
            watched_from = watched_from_step(pace, single)
            try:
                with step_mode():
                    for X, y in batches:  # noqa: N806
                        if control.requested:
                            if control.paused:
                                clock.stop()
                                control.wait_while_paused()
                                clock.start()
                            if control.cancelled:
                                ended_by = "cancel"
                                break
                            pace = control.take_pace()
                            single = control.take_single()
                            watched_from = watched_from_step(pace, single)
                            paced_from, paced_steps = time.perf_counter(), 0
                        if total_steps >= watched_from:  # one comparison a step
                            window.append(watch.step(epoch, step + 1, X, y))
                        else:
                            window.append(model.train_step(X, y))
                        step += 1
                        total_steps += 1
                        if every and total_steps % every == 0:
                            thetas.append(model.snapshot())
                            theta_steps.append(total_steps)
                        if single or total_steps == stop_at:
                            if single:
                                control.stepped()  # pause again, and show this step now
                            ended_by, report_due, now = "read", True, time.perf_counter()
                            break
                        if pace is not None:
                            paced_steps += 1
                            clock.stop()
                            wait = paced_from + paced_steps / pace - time.perf_counter()
                            if wait < -MAX_LAG_S:  # far behind (the UI drawing a new run,
                                # say): start afresh rather than rush the missed steps
                                paced_from, paced_steps = time.perf_counter(), 0
                            control.nap(wait)
                            clock.start()
                        now = time.perf_counter()
                        report_due = now - last_report >= PROGRESS_INTERVAL_S
                        if report_due or len(window) >= window_size or trace:
                            ended_by = "read"
                            break
            except RuntimeError as error:  # the training code raised: a pitfall, say
                clock.stop()
                watch.failed(epoch, step + 1, X, y, str(error))
                read_back(step)
                yield report(epoch, step)  # the steps before it, and the step that raised
                yield failed(epoch, step + 1, error)
                return
            if ended_by is None:
                break
            if ended_by == "cancel":
                clock.stop()
                yield ended(
                    Outcome.CANCELLED,
                    f"cancelled in epoch {epoch} after step {step} of {steps_per_epoch}",
                    epoch,
                )
                return
            window_size = min(2 * window_size, _MAX_WINDOW)
            first_bad = read_back(step)
            if trace:
                clock.stop()
                detail = watch.detail()
                assert detail is not None
                yield StepTaken(detail)
                clock.start()
            if first_bad is not None:
                clock.stop()
                yield report(epoch, step)  # the explosion, up to the step that stopped it
                yield diverged(epoch, first_bad, pending_bad, stopped=step)
                return
            if report_due:
                last_report = now
                clock.stop()
                yield report(epoch, step)
                if total_steps == stop_at:
                    return
                clock.start()
        first_bad = read_back(step)
        clock.stop()
        if pending:  # every step is in one report: the epoch's last ones in this one
            yield report(epoch, step)
        if first_bad is not None:
            yield diverged(epoch, first_bad, pending_bad, stopped=step)
            return
        epoch_s = clock.read() - epoch_started

        own_loss = float(model.epoch_loss())
        half_mse, w, b = _snapshot(problem, model)
        val_loss = val_half_mse = None
        if validation is not None:
            val_loss = float(model.epoch_loss(validation))
            val_half_mse = float(full_data_half_mse(validation, *model.parameters()))
        history.append(
            EpochEnded(
                epoch=epoch,
                loss=own_loss,
                half_mse=half_mse,
                mse=2 * half_mse,
                w=w,
                b=b,
                elapsed_s=clock.read(),
                epoch_s=epoch_s,
                steps_per_s=step / epoch_s if epoch_s > 0 else 0.0,
                lr=model.lr,
                val_loss=val_loss,
                val_half_mse=val_half_mse,
            )
        )
        if not own_loss <= too_big:
            if config.keep_going:
                went_bad.setdefault("first", (epoch, step, own_loss))
            else:  # the last update of the epoch blew up after its batch loss was measured
                yield diverged(epoch, step, own_loss)
                return
        yield history[-1]

    if went_bad:
        yield kept_going(went_bad)
        return

    epochs, train_s = config.epochs, max(clock.read(), 1e-9)
    yield ended(
        Outcome.FINISHED,
        f"finished {epochs} epoch{'s' if epochs > 1 else ''} in {train_s:.2f} s "
        + ("of training " if config.pace is not None else "")
        + f"({train_s / epochs:.3g} s/epoch, {total_steps / train_s:,.0f} steps/s"
        + (f"; paced at {config.pace:g} steps/s, the waits left out)" if config.pace else ")"),
        epochs,
    )


def _references(
    problem: Problem, config: TrainConfig, model: Implementation
) -> tuple[ClosedForm, ClosedForm | None, Gram]:
    """The run's reference optimum (without a bias, b = 0; for l1 and Huber, theirs; with
    weight decay, the penalised one: ridge for the squared losses), the least-squares closed
    form with a bias when that is not it (None when it is), and AᵀA/n for A = [X, 1]: the map
    is that least squares' quadratic."""
    least, gram = analyse(problem)
    best = least if config.bias else through_origin(problem)
    spec, penalty = model.spec, config.penalty
    if penalty and spec.squared:
        assert spec.half_mse_per_loss is not None
        # On the half-MSE scale the penalty is λ/slope: MSE + (λ/2)‖w‖² is twice
        # half-MSE + (λ/4)‖w‖².
        best = ridge(problem, penalty / spec.slope, bias=config.bias)
        own = best.half_mse / spec.half_mse_per_loss
        best = dataclasses.replace(best, loss=own + penalty / 2 * math.fsum(w * w for w in best.w))
    elif not spec.squared:
        start = ridge(problem, penalty, bias=config.bias) if penalty else best
        best = robust_optimum(
            problem, spec, config.huber_delta, start, bias=config.bias, penalty=penalty
        )
        if penalty:
            best = dataclasses.replace(best, name=f"penalised {spec.shown} optimum")
    return best, None if best is least else least, gram


def stable_lr(config: TrainConfig, model: Implementation, best: ClosedForm) -> float | None:
    """The learning rate below which full-batch training on this loss, with this optimiser,
    is stable on this data; None where there is no simple bound (Adam, optimizers.py)."""
    factor = optimizer_of(config.optimizer).stable_factor(config.momentum)
    if factor is None:
        return None
    bound = model.spec.stable_lr(best.stable_lr, config.batch_size)
    if math.isinf(bound) and config.penalty:  # l1: the penalty's curvature λ is what is left
        bound = 2 / config.penalty
    return bound * factor


def _started(
    config: TrainConfig,
    device: torch.device,
    problem: Problem,
    model: Implementation,
    best: ClosedForm,
    least: ClosedForm | None,
    gram: Gram,
) -> RunStarted:
    sample = slice(0, SCATTER_SAMPLE)
    steps_per_epoch = math.ceil(problem.num_examples / config.batch_size)
    return RunStarted(
        config=config,
        device=describe(device),
        steps_per_epoch=steps_per_epoch,
        closed_form=best,
        least_squares=least,
        printed=model.printed,
        stable_lr=stable_lr(config, model, best),
        loss_name=model.loss_name,
        half_mse_per_loss=model.half_mse_per_loss,
        initial_w=tuple(problem.initial_w.flatten().tolist()),
        initial_b=float(problem.initial_b),
        initial_half_mse=float(full_data_half_mse(problem, problem.initial_w, problem.initial_b)),
        sample_features=tuple(map(tuple, problem.features[sample].tolist())),
        sample_labels=tuple(problem.labels[sample, 0].tolist()),
        feature_means=tuple(problem.features.mean(dim=0).tolist()),
        gram=gram,
        path_every=max(1, math.ceil(config.epochs * steps_per_epoch / PATH_MAX_STEPS)),
        feature_names=config.features or tuple(f"x[{j}]" for j in range(config.num_features)),
        target_name=config.target or "y",
        standardization=problem.standardization,
        data_note=data_note(config),
        map_penalty=config.penalty / model.spec.slope if model.spec.squared else 0.0,
    )


def preview(config: TrainConfig) -> RunStarted:
    """What a run of ``config`` starts from, without taking a step: the data, the initial
    parameters and the closed form, as its RunStarted will say (for the app before a run)."""
    config = resolved(config)
    device, problem = prepare(config)
    model = create(config, problem, shuffle_generator(config))
    with out_of_memory_refused(config, device):
        best, least, gram = _references(problem, config, model)
    return _started(config, device, problem, model, best, least, gram)


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
    all (about 80 ms, measured in the second epoch of a fresh process's run: REFERENCE.md §5).
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


def _inspect(
    model: Implementation, window: list[torch.Tensor], too_big: float
) -> tuple[int | None, list[float], list[float] | None]:
    """Read the window's batch losses back in one transfer: (the index of the first that is
    not finite or has grown too big, or None; every loss; every half-MSE, for the losses that
    report it beside their own, else None)."""
    if not window:
        return None, [], []
    losses = model.window_losses(window)
    own = losses if losses.dim() == 1 else losses[:, 0]
    bad = ~torch.isfinite(own) | (own > too_big)
    columns = losses if losses.dim() == 1 else losses.T.reshape(-1)  # own, then half-MSE
    values = torch.cat([bad.any().to(losses.dtype).reshape(1), columns]).tolist()
    steps = len(own)
    kept, half_mses = values[1 : 1 + steps], (values[1 + steps :] if losses.dim() == 2 else None)
    if not values[0]:
        return None, kept, half_mses
    return next(i for i, loss in enumerate(kept) if not loss <= too_big), kept, half_mses


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
