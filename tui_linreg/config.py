"""The one configuration object: every setting declared once, and the one place that checks it.

Everything a run needs is a field of :class:`TrainConfig`, declared with
:func:`~tui_linreg.settings.setting`: its type and default, how it is read and checked, its flag,
its form field and section, whether it can be swept and whether it changes the result. Text from
the command line or from the form goes through :func:`config_from_text`, which reports *every*
mistake as a :class:`Mistake` naming the field in a sentence a person understands.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from tui_linreg import memory
from tui_linreg.i18n import N_, _
from tui_linreg.losses import LESSON_LOSS, LOSSES, loss_of
from tui_linreg.optimizers import OPTIMIZERS, decay_per_example
from tui_linreg.pitfalls import PITFALLS, mistakes_for
from tui_linreg.settings import (
    Choice,
    Columns,
    ConfigError,
    FieldError,
    Labels,
    Mistake,
    Names,
    Numbers,
    Rate,
    Real,
    Section,
    Setting,
    Switch,
    Text,
    UsedWhen,
    Whole,
    declared,
    quoted,
    setting,
)
from tui_linreg.sources import SYNTHETIC, DataSource, file_of, held_out, load

__all__ = ["ConfigError", "FieldError", "Mistake", "TrainConfig", "quoted"]

IMPLEMENTATIONS = ("scratch", "concise", "analytic")
"""The implementations the engine offers, in the order the UI toggle cycles through them."""

INITS = ("normal", "zeros", "uniform", "xavier")
"""How the weights start (the bias always starts at 0): the lessons' N(0, init_std²), zeros,
a uniform draw with the same standard deviation, or Glorot's uniform (nn.init.xavier_uniform_)."""

ORDERS = ("shuffled", "fixed", "sorted")
"""Each epoch's order of the examples: a fresh random one, as drawn, or by label."""

MODELS = ("sequential", "named", "class")
"""Concise's model as nn.Sequential, as a Sequential with a named layer, or as a module class."""

DEVICES = ("auto", "cpu", "cuda", "mps")
"""Device names a user may ask for; ``cuda:N`` picks one GPU among several."""

MAX_FEATURES = 100
"""Longest true weight vector accepted: beyond this the parameter table stops being readable."""

MAX_EXAMPLES = 1_000_000_000
MAX_EPOCHS = 100_000
MAX_SEED = 2**63 - 1

WATCHABLE_PACE = 50.0
"""The app's starting pace, in steps per second: the lesson's 300 steps take 6 s to watch.
``train`` runs at max unless told otherwise."""

TOO_LONG_TO_WATCH = 20_000
"""A plan of more steps than this starts at max in the app, which says so."""

PITFALLS_HELP = N_(
    "break the lesson's code the way learners do: forget-zero-grad, no-no-grad, "
    "backward-vector, no-reshape, lesson-divisor (docs/watch-it-learn.md)"
)
"""--pitfall's help, naming every pitfall: written out whole, so that it has a translation."""
assert f": {', '.join(PITFALLS)} (" in PITFALLS_HELP, "a new pitfall is named in its help too"


def synthetic(data: str) -> bool:
    """Whether ``--data`` is the lessons' synthetic data."""
    return data == SYNTHETIC


def from_a_file(data: str) -> bool:
    """Whether ``--data`` is a file (or a built-in data set, which is one)."""
    return data != SYNTHETIC


@dataclass(frozen=True)
class TrainConfig:
    """Every setting of one run. The defaults are the lessons' classic experiment.

    The fields are declared in the order the reproduce command spells them: what people change
    most comes first. The form groups them by section.
    """

    implementation: str = setting(
        "scratch",
        Choice(IMPLEMENTATIONS),
        N_("implementation"),
        flag="--impl",
        help=N_("scratch, concise or analytic"),
        section=Section.MODEL,
        form_label=N_("impl"),
        sweepable=True,
    )
    """Which implementation trains: one of :data:`IMPLEMENTATIONS`."""
    learning_rate: float = setting(
        0.03,
        Real(positive=True),
        N_("learning rate"),
        flag="--lr",
        help=N_("learning rate"),
        section=Section.OPTIMISATION,
        form_label=N_("learn rate"),
        sweepable=True,
    )
    """Step size of stochastic gradient descent."""
    batch_size: int = setting(
        10,
        Whole(1, MAX_EXAMPLES),
        N_("batch size"),
        flag="--batch-size",
        help=N_("examples per mini-batch"),
        section=Section.OPTIMISATION,
        legend="bs",
        sweepable=True,
    )
    """Examples per mini-batch; the last batch of an epoch may be shorter."""
    epochs: int = setting(
        3,
        Whole(1, MAX_EPOCHS),
        N_("epochs"),
        flag="--epochs",
        help=N_("passes over the data"),
        section=Section.OPTIMISATION,
        sweepable=True,
    )
    """Passes over the whole data set."""
    optimizer: str = setting(
        "sgd",
        Choice(OPTIMIZERS),
        N_("optimizer"),
        flag="--optimizer",
        help=N_(
            "sgd (the lessons'), momentum (heavy ball), nesterov or adam: torch.optim's in "
            "concise, written out by hand in scratch and analytic (tui_linreg/optimizers.py)"
        ),
        section=Section.OPTIMISATION,
        form_label=N_("optimizer"),
        legend="opt",
        sweepable=True,
        quiet=True,
    )
    """How a step uses the gradient (optimizers.OPTIMIZERS)."""
    momentum: float = setting(
        0.9,
        Real(low=0.0, high=0.999),
        N_("momentum"),
        flag="--momentum",
        help=N_("β of --optimizer momentum and nesterov: v ← βv + g"),
        section=Section.OPTIMISATION,
        legend="beta",
        sweepable=True,
        used_when=UsedWhen("optimizer", lambda chosen: chosen in ("momentum", "nesterov")),
    )
    """The momentum variants' β (torch.optim.SGD's momentum)."""
    beta1: float = setting(
        0.9,
        Real(low=0.0, high=0.9999),
        N_("Adam beta1"),
        flag="--beta1",
        help=N_("Adam's β₁, the decay of its running mean of the gradient"),
        section=Section.OPTIMISATION,
        form_label=N_("adam β₁"),
        sweepable=True,
        used_when=UsedWhen("optimizer", lambda chosen: chosen == "adam"),
    )
    """Adam's β₁ (PyTorch's default)."""
    beta2: float = setting(
        0.999,
        Real(low=0.0, high=0.99999),
        N_("Adam beta2"),
        flag="--beta2",
        help=N_("Adam's β₂, the decay of its running mean of the squared gradient"),
        section=Section.OPTIMISATION,
        form_label=N_("adam β₂"),
        sweepable=True,
        used_when=UsedWhen("optimizer", lambda chosen: chosen == "adam"),
    )
    """Adam's β₂ (PyTorch's default)."""
    eps: float = setting(
        1e-8,
        Real(positive=True),
        N_("Adam epsilon"),
        flag="--eps",
        help=N_("Adam's ε, added to √ŝ so that a step never divides by zero"),
        section=Section.OPTIMISATION,
        form_label=N_("adam ε"),
        sweepable=True,
        used_when=UsedWhen("optimizer", lambda chosen: chosen == "adam"),
    )
    """Adam's ε (PyTorch's default)."""
    weight_decay: float = setting(
        0.0,
        Real(non_negative=True),
        N_("weight decay"),
        flag="--weight-decay",
        help=N_(
            "λ: train on the loss + (λ/2)‖w‖², the bias not penalised (d2l §3.7), as "
            "torch.optim's weight_decay=λ adds λw to the gradient; the reference becomes ridge"
        ),
        section=Section.OPTIMISATION,
        form_label=N_("w decay"),
        legend="wd",
        sweepable=True,
        quiet=True,
    )
    """λ of the L2 penalty on w (not b); 0 is none, as in the lessons."""
    lr_decay: float = setting(
        1.0,
        Real(low=0.001, high=1000.0),
        N_("learning-rate decay"),
        flag="--lr-decay",
        help=N_(
            "every --decay-every epochs, multiply the learning rate by this (source note 4's "
            "param_groups loop); 1 keeps it"
        ),
        section=Section.OPTIMISATION,
        form_label=N_("lr decay"),
        legend="decay",
        sweepable=True,
        quiet=True,
    )
    """The factor the learning rate is multiplied by every ``decay_every`` epochs."""
    decay_every: int = setting(
        1,
        Whole(1, MAX_EPOCHS),
        N_("decay every"),
        flag="--decay-every",
        help=N_("epochs between two decays of the learning rate"),
        section=Section.OPTIMISATION,
        form_label=N_("every"),
        legend="decay_every",
        used_when=UsedWhen("lr_decay", lambda decay: decay != 1),
    )
    """Epochs between two decays: epoch e runs at lr · lr_decay^⌊(e − 1) / decay_every⌋."""
    data: str = setting(
        SYNTHETIC,
        DataSource(),
        N_("data"),
        flag="--data",
        help=N_(
            "what to train on: synthetic (the lessons' y = Xw + b + noise), a built-in data "
            "set by name (tui-linreg datasets lists them), or a CSV or TSV file with a header row"
        ),
        section=Section.DATA,
        form_label=N_("source"),
        sweepable=True,
        decides_data=True,
        quiet=True,
    )
    """synthetic, a built-in data set's name, or a file's absolute path (sources.py)."""
    num_examples: int = setting(
        1000,
        Whole(1, MAX_EXAMPLES),
        N_("number of examples"),
        flag="--num-examples",
        help=N_("synthetic examples to draw"),
        section=Section.DATA,
        form_label=N_("examples"),
        legend="n",
        sweepable=True,
        decides_data=True,
    )
    """How many synthetic examples to draw."""
    target: str = setting(
        "",
        Text(empty=N_("the last column")),
        N_("target"),
        flag="--target",
        help=N_("the data file's column to predict, by its header name (a file: the last column)"),
        section=Section.DATA,
        form_label=N_("target"),
        decides_data=True,
        used_when=UsedWhen("data", from_a_file, refused=True, why=N_("names a data file's column")),
    )
    """The label's column; "" is the last. Filled in from the file when a run resolves."""
    features: tuple[str, ...] = setting(
        (),
        Columns(),
        N_("features"),
        flag="--features",
        help=N_(
            "the data file's columns to learn from, comma-separated (a file: all but the target)"
        ),
        section=Section.DATA,
        form_label=N_("features"),
        decides_data=True,
        used_when=UsedWhen("data", from_a_file, refused=True, why=N_("name a data file's columns")),
    )
    """The input columns; () is every column but the target."""
    drop_missing: bool = setting(
        False,
        Switch(),
        N_("drop missing"),
        flag="--drop-missing",
        help=N_(
            "drop the data file's rows with an empty or non-finite value, and say how many, "
            "instead of refusing the file"
        ),
        section=Section.DATA,
        form_label=N_("drop NaN"),
        decides_data=True,
        used_when=UsedWhen("data", from_a_file, refused=True, why=N_("is for a data file's rows")),
        quiet=True,
    )
    """Rows with a missing value are dropped, not refused."""
    standardize: bool = setting(
        False,
        Switch(),
        N_("standardize"),
        flag="--standardize",
        help=N_(
            "train on each feature less its mean, over its standard deviation (the training "
            "rows'); parameters are reported in those units and in the data's own"
        ),
        section=Section.DATA,
        form_label=N_("standardize"),
        decides_data=True,
        used_when=UsedWhen(
            "data", from_a_file, refused=True, why=N_("is for a data file's features")
        ),
        quiet=True,
    )
    """Features standardised for training; the scatter stays in the data's own units."""
    val_fraction: float = setting(
        0.0,
        Real(low=0.0, high=0.9),
        N_("validation fraction"),
        flag="--val-fraction",
        help=N_(
            "hold out this fraction of the data file's rows, drawn from their own seeded "
            "stream, as validation examples (synthetic data: --val-examples)"
        ),
        section=Section.DATA,
        form_label=N_("val frac"),
        legend="val_fraction",
        sweepable=True,
        decides_data=True,
        used_when=UsedWhen(
            "data",
            from_a_file,
            refused=True,
            why=N_("holds out a share of a data file's rows (synthetic: --val-examples)"),
        ),
        quiet=True,
    )
    """The share of a file's rows held out for validation."""
    data_sha256: str = setting(
        "",
        Text(empty=N_("not checked"), hex_digits=64),
        N_("data hash"),
        flag="--data-sha256",
        help=N_(
            "the data file's SHA-256 when the run was recorded: a reproduced run says so if "
            "the file has changed since (filled in when a file is read)"
        ),
        section=Section.DATA,
        form_label=N_("data hash"),
        affects_result=False,
        used_when=UsedWhen("data", from_a_file),
    )
    """The file's content hash, recorded with the run: a reproduced run compares it."""
    val_examples: int = setting(
        0,
        Whole(0, MAX_EXAMPLES),
        N_("validation examples"),
        flag="--val-examples",
        help=N_(
            "held-out examples from the same distribution, drawn from their own stream (the "
            "training data stays as it was): each epoch reports the loss on them too"
        ),
        section=Section.DATA,
        form_label=N_("validation"),
        legend="val",
        sweepable=True,
        decides_data=True,
        quiet=True,
    )
    """Validation examples drawn beside the training data (d2l-en 1.0 holds out 1000)."""
    noise_std: float = setting(
        0.01,
        Real(non_negative=True),
        N_("noise"),
        flag="--noise",
        help=N_("standard deviation of the label noise"),
        section=Section.DATA,
        form_label=N_("noise std"),
        sweepable=True,
        decides_data=True,
        used_when=UsedWhen("data", synthetic),
    )
    """Standard deviation of the Gaussian noise added to the labels."""
    true_w: tuple[float, ...] = setting(
        (2.0, -3.4),
        Numbers(most=MAX_FEATURES),
        N_("true w"),
        flag="--true-w",
        help=N_("true weights, comma-separated"),
        section=Section.DATA,
        legend="true_w",
        decides_data=True,
        used_when=UsedWhen("data", synthetic),
    )
    """Weights of the true linear relation; their number is the number of features."""
    true_b: float = setting(
        4.2,
        Real(),
        N_("true b"),
        flag="--true-b",
        help=N_("true bias"),
        section=Section.DATA,
        legend="true_b",
        decides_data=True,
        used_when=UsedWhen("data", synthetic),
    )
    """Bias of the true linear relation."""
    feature_correlation: float = setting(
        0.0,
        Real(low=-0.99, high=0.99),
        N_("feature correlation"),
        flag="--feature-correlation",
        help=N_("the correlation ρ between every two features: it stretches the loss's valley"),
        section=Section.DATA,
        form_label=N_("x corr"),
        legend="rho",
        sweepable=True,
        decides_data=True,
        used_when=UsedWhen("data", synthetic),
    )
    """ρ between every two features (equicorrelated standard normals); 0 is the lessons'."""
    feature_scales: tuple[float, ...] = setting(
        (1.0,),
        Numbers(most=MAX_FEATURES, positive=True),
        N_("feature scales"),
        flag="--feature-scales",
        help=N_(
            "each feature's standard deviation, comma-separated like true w; one value "
            "scales them all"
        ),
        section=Section.DATA,
        form_label=N_("x scales"),
        legend="scales",
        decides_data=True,
        used_when=UsedWhen("data", synthetic),
    )
    """Each feature's standard deviation; one value applies to every feature."""
    outliers: tuple[tuple[int, float], ...] = setting(
        (),
        Labels(most_index=MAX_EXAMPLES),
        N_("outliers"),
        flag="--outlier",
        help=N_(
            "set example INDEX's label to VALUE after the data is drawn (indices from 0), "
            "e.g. 5=10000: an outlier, for comparing the losses"
        ),
        section=Section.DATA,
        form_label=N_("outliers"),
        legend="outlier",
        sweepable=True,
        decides_data=True,
        quiet=True,
    )
    """Labels set by hand after the data is drawn: (index, value) pairs in index order."""
    init: str = setting(
        "normal",
        Choice(INITS),
        N_("init"),
        flag="--init",
        help=N_(
            "how the weights start: normal, N(0, init_std²) as in the lessons; uniform, "
            "U(−a, a) with the same std (a = √3·init_std); xavier, Glorot's uniform "
            "(init_std unused); or zeros. The bias starts at 0"
        ),
        section=Section.MODEL,
        legend="init",
        sweepable=True,
        decides_data=True,
    )
    """The initial weights' distribution (INITS); concise draws them with nn.init by name."""
    init_std: float = setting(
        0.01,
        Real(non_negative=True),
        N_("init std"),
        flag="--init-std",
        help=N_("the initial weights' standard deviation (normal and uniform); 0 starts at zero"),
        section=Section.MODEL,
        legend="init_std",
        sweepable=True,
        decides_data=True,
    )
    """The initial weights' standard deviation, for the normal and uniform inits."""
    model: str = setting(
        "sequential",
        Choice(MODELS),
        N_("model"),
        flag="--model",
        help=N_(
            "how concise writes its model (source note 4): sequential, "
            "nn.Sequential(nn.Linear(d, 1)); named, a Sequential whose layer is net.linear; or "
            "class, a LinearNet(nn.Module). The same numbers each way"
        ),
        section=Section.MODEL,
        sweepable=True,
        used_when=UsedWhen("implementation", lambda chosen: chosen == "concise"),
        quiet=True,
    )
    """Concise's model written three ways (MODELS); scratch and analytic have no nn model."""
    bias: bool = setting(
        True,
        Switch(),
        N_("bias"),
        flag="--bias",
        help=N_(
            "give the model a bias b; --no-bias fits a line through the origin, y = Xw "
            "(Ohm's law, V = I·R): scratch drops b, concise uses nn.Linear(d, 1, bias=False)"
        ),
        section=Section.MODEL,
        quiet=True,
    )
    """The model's bias: without it, y = Xw, and b stays 0."""
    loss_function: str = setting(  # not "loss": that is each epoch's loss in exports
        "lesson",
        Choice(LOSSES),
        N_("loss"),
        flag="--loss",
        help=N_(
            "what the model is trained to make small: lesson (the lesson's own: half-squared "
            "for scratch and analytic, mse for concise), half-squared, mse, sum (squared error "
            "summed over the batch), l1 (absolute error) or huber (docs/exercises.md)"
        ),
        section=Section.MODEL,
        legend="loss",
        sweepable=True,
        quiet=True,
    )
    """The loss (losses.LOSSES); the reference optimum follows it."""
    huber_delta: float = setting(
        1.0,
        Real(positive=True),
        N_("Huber delta"),
        flag="--huber-delta",
        help=N_("where the Huber loss turns from squared to absolute: |ŷ − y| = delta"),
        section=Section.MODEL,
        form_label=N_("huber δ"),
        legend="delta",
        sweepable=True,
        used_when=UsedWhen("loss_function", lambda chosen: chosen == "huber"),
    )
    """Huber's δ: r²/2 within it, δ(|r| − δ/2) beyond (nn.HuberLoss(delta=…))."""
    seed: int = setting(
        0,
        Whole(0, MAX_SEED),
        N_("seed"),
        flag="--seed",
        help=N_("seeds data, initial parameters and shuffling"),
        section=Section.DATA,
        sweepable=True,
        decides_data=True,
    )
    """Seeds the data, the initial parameters and the shuffling: same seed, same run."""
    device: str = setting(
        "auto",
        Choice(DEVICES, pattern="cuda:N"),
        N_("device"),
        flag="--device",
        help=N_("auto, cpu, cuda, cuda:N or mps"),
        section=Section.RUN,
        decides_data=True,  # the tensors live there
    )
    """Where tensors live: auto picks CUDA, then MPS, then the CPU."""
    order: str = setting(
        "shuffled",
        Choice(ORDERS),
        N_("order"),
        flag="--order",
        help=N_(
            "the order the examples are visited in each epoch: shuffled, a fresh random "
            "order (the lessons'); fixed, as drawn, the same every epoch; or sorted by label, "
            "low y to high y, the order that breaks SGD (--no-shuffle is --order fixed)"
        ),
        section=Section.OPTIMISATION,
        sweepable=True,
    )
    """How each epoch orders the examples (ORDERS)."""
    keep_going: bool = setting(
        False,
        Switch(),
        N_("keep going"),
        flag="--keep-going",
        help=N_(
            "don't stop on divergence: run every epoch anyway, down the road to inf and nan "
            "(the outcome is still diverged, exit code 3)"
        ),
        section=Section.OPTIMISATION,
        form_label=N_("keep going"),
        legend="keep_going",
        quiet=True,
    )
    """Run every epoch even after the loss diverged, as the seeds' lr 10 run does."""
    pace: float | None = setting(
        None,
        Rate(unit=N_("steps/s"), choices=("max", "1000", "100", "50", "10", "1")),
        N_("pace"),
        flag="--pace",
        help=N_("steps per second, to watch it learn; max runs as fast as it can"),
        section=Section.RUN,
        affects_result=False,  # it only waits between steps
    )
    """Steps per second; None is max. Waiting between steps changes no number."""
    pitfalls: tuple[str, ...] = setting(
        (),
        Names(tuple(PITFALLS)),
        N_("pitfalls"),
        flag="--pitfall",
        help=PITFALLS_HELP,
        section=Section.PITFALLS,
        form_label=N_("on"),
        legend="pitfall",
        sweepable=True,
        quiet=True,
    )
    """The lesson's pitfalls switched on (:mod:`tui_linreg.pitfalls`); none by default."""

    @property
    def num_features(self) -> int:
        """w's length: the true weights', or the data file's feature columns (once resolved)."""
        return len(self.true_w) if self.data == SYNTHETIC else len(self.features)

    @property
    def truth(self) -> tuple[float, ...] | None:
        """The true (w…, b) the data was drawn from; None for real data, which has none."""
        return (*self.true_w, self.true_b) if self.data == SYNTHETIC else None

    @property
    def penalty(self) -> float:
        """λ of the objective the run minimises: its own mean loss + (λ/2)‖w‖² (0 without
        weight decay; for a sum loss λ/|B|, optimizers.decay_per_example)."""
        summed = loss_of(self.implementation, self.loss_function).summed
        return decay_per_example(self.weight_decay, summed, self.batch_size)

    @property
    def data_key(self) -> tuple[Any, ...]:
        """What decides the data and the initial parameters: runs sharing it are comparable."""
        return tuple(getattr(self, s.name) for s in SETTINGS.values() if s.decides_data)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready values (the true weights as a list)."""
        return {name: s.kind.plain(getattr(self, name)) for name, s in SETTINGS.items()}

    @classmethod
    def from_dict(cls, values: Mapping[str, Any]) -> TrainConfig:
        """Rebuild a config from :meth:`to_dict` output (a history line, say), checking every
        value's type and range. A line from before --order says ``shuffle``: true or false
        reads as shuffled or fixed.

        Whether its data fits in this machine's memory is left to the moment it is run: a run
        recorded on a bigger machine is still a run to compare with.
        """
        if "shuffle" in values and "order" not in values:
            values = {k: v for k, v in values.items() if k != "shuffle"} | {
                "order": "shuffled" if values["shuffle"] is not False else "fixed"
            }
        return cls(**_collect(values, Setting.check))


SETTINGS: dict[str, Setting] = declared(TrainConfig)
"""Every setting, by config field name, in declaration order."""


def parse_field(name: str, text: str) -> Any:
    """Read one field's text into its typed value, or raise :class:`FieldError`."""
    return SETTINGS[name].read(text)


def _collect(values: Mapping[str, Any], read: Callable[[Setting, Any], Any]) -> dict[str, Any]:
    """Each value read by its setting; :class:`ConfigError` lists every mistake at once."""
    mistakes: list[Mistake] = []
    typed: dict[str, Any] = {}
    for name, value in values.items():
        if name not in SETTINGS:
            mistakes.append(Mistake(name, _("unknown setting {name}").format(name=quoted(name))))
            continue
        try:
            typed[name] = read(SETTINGS[name], value)
        except FieldError as error:
            mistakes.append(error.mistake)
    if mistakes:
        raise ConfigError(mistakes)
    return typed


def config_from_text(values: Mapping[str, str], base: TrainConfig | None = None) -> TrainConfig:
    """Build a config from field texts (missing fields keep ``base``'s values).

    Raises :class:`ConfigError` listing every mistake at once.
    """
    config = dataclasses.replace(base or TrainConfig(), **_collect(values, Setting.read))
    return checked(resolved(config))


FROM_THE_FILE = ("features", "target", "num_examples", "val_examples", "data_sha256")
"""What :func:`resolved` fills in from a data file."""

FILE_DECIDES = ("num_examples", "val_examples")
"""Used with any data, but a data file decides them (its rows): the form asks for them only
with synthetic data."""


def resolved(config: TrainConfig) -> TrainConfig:
    """``config`` with what its data file decides filled in: the feature and target columns,
    the examples (training and held out) and the file's hash (unless one is recorded, which the
    run then compares). Synthetic data is returned as it is. Raises :class:`ConfigError` with
    the file's one sentence if it cannot be read."""
    if config.data == SYNTHETIC:
        return config
    from tui_linreg.datafile import DataFileError

    try:
        table = load(config, memory.available_memory)
    except DataFileError as error:
        field = "data"  # the file, unless the sentence is about a column the user named
        if error.column is not None and error.column == config.target:
            field = "target"
        elif error.column is not None and error.column in config.features:
            field = "features"
        raise ConfigError([Mistake(field, str(error))]) from None
    rows = len(table.labels)
    held = held_out(rows, config.val_fraction)
    return dataclasses.replace(
        config,
        target=table.target_name,
        features=table.feature_names,
        num_examples=rows - held,
        val_examples=held,
        data_sha256=config.data_sha256 or table.sha256,
    )


def checked(config: TrainConfig) -> TrainConfig:
    """Return ``config`` if it can run here, else raise :class:`ConfigError`."""
    mistakes = mistakes_in(config)
    if mistakes:
        raise ConfigError(mistakes)
    return config


def mistakes_in(config: TrainConfig) -> list[Mistake]:
    """Mistakes of a whole config: every value's type and range, and whether its data fits in
    memory."""
    try:
        _collect(dataclasses.asdict(config), Setting.check)
    except ConfigError as error:
        return error.mistakes
    broken = mistakes_for(config.implementation, config.pitfalls, config.batch_size)
    if broken:
        return [Mistake("pitfalls", sentence) for sentence in broken]
    if config.pitfalls and not config.bias:
        return [
            Mistake("pitfalls", _("the pitfalls break the lesson's own code, which has a bias"))
        ]
    if config.pitfalls and (config.optimizer != "sgd" or config.weight_decay):
        return [
            Mistake(
                "pitfalls",
                _(
                    "the pitfalls break the lesson's own sgd: use them with --optimizer sgd and "
                    "no weight decay"
                ),
            )
        ]
    if config.optimizer == "nesterov" and config.momentum == 0:
        return [
            Mistake(
                "momentum",
                _(
                    "Nesterov momentum needs a momentum above 0 (with 0 it is plain SGD: "
                    "--optimizer sgd)"
                ),
            )
        ]
    if config.pitfalls and config.loss_function not in (
        "lesson",
        LESSON_LOSS[config.implementation],
    ):
        return [
            Mistake(
                "pitfalls",
                _(
                    "the pitfalls break the lesson's own code, which trains on {loss}: use them "
                    "with --loss lesson"
                ).format(loss=LESSON_LOSS[config.implementation]),
            )
        ]
    data = _data_mistakes(config)
    if data:
        return data
    needed = memory.needed(config.num_examples + config.val_examples, config.num_features)
    available = memory.available_memory()
    if available is not None and needed > available:
        return [
            Mistake(
                "num_examples",
                _(
                    "{examples:,} examples × {columns} columns would need about {needed} of "
                    "memory, but only {available} is available; use fewer examples"
                ).format(
                    examples=config.num_examples + config.val_examples,
                    columns=config.num_features + 1,
                    needed=memory.shown(needed),
                    available=memory.shown(available),
                ),
            )
        ]
    return []


def _source_mistakes(config: TrainConfig) -> list[Mistake]:
    """A setting given where it is refused unused (a data file's settings with synthetic
    data), and a data file that cannot be read (now: it may have gone since the run was
    recorded)."""
    if config.data != SYNTHETIC:
        from tui_linreg.datafile import check_path

        problem = check_path(file_of(config.data))
        if problem:
            return [Mistake("data", problem)]
    return [
        Mistake(
            name,
            _("{label} {why}: give one with {flag}").format(
                label=_(setting.label), why=_(when.why), flag=SETTINGS[when.on].flag
            ),
        )
        for name, setting in SETTINGS.items()
        if (when := setting.used_when) is not None
        and when.refused
        and not setting.used(config)
        and getattr(config, name) != setting.default
    ]


def _data_mistakes(config: TrainConfig) -> list[Mistake]:
    """What the data settings cannot mean together."""
    d, scales = config.num_features, config.feature_scales
    mistakes = _source_mistakes(config)
    if config.data != SYNTHETIC:  # the synthetic settings are not used
        d, scales = 1, (1.0,)
    if len(scales) not in (1, d):
        mistakes.append(
            Mistake(
                "feature_scales",
                _(
                    "feature scales has {count} numbers, but there are {features} features "
                    "(true w): give one for each, or one for all"
                ).format(count=len(scales), features=d),
            )
        )
    beyond = [index for index, _value in config.outliers if index >= config.num_examples]
    if beyond:
        mistakes.append(
            Mistake(
                "outliers",
                _(
                    "outlier index {index:,} is beyond the {examples:,} examples (indices count "
                    "from 0, so the last is {last:,})"
                ).format(
                    index=beyond[0],
                    examples=config.num_examples,
                    last=config.num_examples - 1,
                ),
            )
        )
    rho = config.feature_correlation
    if config.data == SYNTHETIC and d > 2 and rho <= -1 / (d - 1):
        mistakes.append(
            Mistake(
                "feature_correlation",
                _(
                    "feature correlation {rho:g} is impossible among {features} features: it "
                    "must be above −1/(d − 1) = {bound:.3g}"
                ).format(rho=rho, features=d, bound=-1 / (d - 1)),
            )
        )
    return mistakes
