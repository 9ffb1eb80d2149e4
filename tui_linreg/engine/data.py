"""Synthetic data, y = X w + b + ε, drawn from seeded generators that touch no global RNG.

The lessons call ``torch.manual_seed``; we use our own ``torch.Generator`` instead so that two
runs going at once (or a UI drawing random numbers) never disturb each other: the same seed
always gives the same data, initial parameters and batch order.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import torch

from tui_linreg import memory
from tui_linreg.config import TrainConfig
from tui_linreg.i18n import _
from tui_linreg.sources import SYNTHETIC, held_out, load

_SHUFFLE_STREAM = 0x9E3779B97F4A7C15
"""Offset that gives the shuffling its own random stream, independent of the data's."""


@dataclass(frozen=True)
class Problem:
    """One data set and one starting point, shared by every implementation of a comparison."""

    features: torch.Tensor
    """X, shape (n, d), float32."""
    labels: torch.Tensor
    """y, shape (n, 1), float32."""
    initial_w: torch.Tensor
    """Starting weights, shape (d, 1), drawn as config.init says (initial_weights)."""
    initial_b: torch.Tensor
    """Starting bias, shape (1,), zero as in the lessons."""
    init_state: torch.Tensor | None = None
    """The data generator's state just before initial_w was drawn: concise draws its weights
    again from it with nn.init, and gets the very same numbers."""
    val_features: torch.Tensor | None = None
    """Held-out examples (--val-examples, --val-fraction), shape (m, d); None without them."""
    val_labels: torch.Tensor | None = None
    standardization: tuple[tuple[float, ...], tuple[float, ...]] | None = None
    """With --standardize: each feature's mean and standard deviation over the training rows,
    which the features were standardised by (x − mean) / std."""

    @property
    def num_examples(self) -> int:
        return int(self.features.shape[0])

    @property
    def validation(self) -> Problem | None:
        """The held-out examples as a problem of their own (for its losses), or None."""
        if self.val_features is None or self.val_labels is None:
            return None
        return Problem(self.val_features, self.val_labels, self.initial_w, self.initial_b)


def make_problem(config: TrainConfig, device: torch.device) -> Problem:
    """Draw the data and initial parameters for ``config`` and place them on ``device``.

    Numbers are always drawn on the CPU, so a seed gives the same data on every device.
    """
    if config.data != SYNTHETIC:
        return _from_file(config, device)
    generator = torch.Generator().manual_seed(config.seed)
    true_w = torch.tensor(config.true_w, dtype=torch.float32).reshape(-1, 1)
    features = torch.randn(config.num_examples, config.num_features, generator=generator)
    features = shaped(features, config.feature_correlation, config.feature_scales)
    labels = features @ true_w + config.true_b
    labels += config.noise_std * torch.randn(labels.shape, generator=generator)
    for index, value in config.outliers:  # set after every draw: the rest stays as it was
        labels[index, 0] = value
    init_state = generator.get_state()
    initial_w = initial_weights(config, torch.empty(config.num_features, 1), generator)
    initial_b = torch.zeros(1)
    val_features = val_labels = None
    if config.val_examples:
        # Their own stream, drawn after the rest: the training data is the same with or
        # without them, and the outliers are the training data's alone.
        held_out = torch.Generator().manual_seed((config.seed + _VALIDATION_STREAM) % 2**64)
        val_features = torch.randn(config.val_examples, config.num_features, generator=held_out)
        val_features = shaped(val_features, config.feature_correlation, config.feature_scales)
        val_labels = val_features @ true_w + config.true_b
        val_labels += config.noise_std * torch.randn(val_labels.shape, generator=held_out)
        val_features, val_labels = val_features.to(device), val_labels.to(device)
    return Problem(
        features.to(device),
        labels.to(device),
        initial_w.to(device),
        initial_b.to(device),
        init_state,
        val_features,
        val_labels,
    )


def _from_file(config: TrainConfig, device: torch.device) -> Problem:
    """A data file's rows (or a built-in data set's): a seeded share held out for
    validation, the features standardised if asked, and the initial weights drawn as for
    synthetic data."""
    table = load(config, memory.available_memory)
    features, labels = torch.from_numpy(table.features), torch.from_numpy(table.labels)
    held = held_out(len(labels), config.val_fraction)
    val_features = val_labels = None
    if held:  # their own stream, as the synthetic validation examples; file order kept
        stream = torch.Generator().manual_seed((config.seed + _VALIDATION_STREAM) % 2**64)
        picked = torch.randperm(len(labels), generator=stream)
        kept, out = picked[held:].sort().values, picked[:held].sort().values
        val_features, val_labels = features[out], labels[out]
        features, labels = features[kept], labels[kept]
    standardization = None
    if config.standardize:
        mean = features.double().mean(dim=0)
        std = features.double().std(dim=0, correction=0)
        std = torch.where(std > 0, std, torch.ones_like(std))  # a constant column stays
        features = ((features - mean) / std).float()
        if val_features is not None:
            val_features = ((val_features - mean) / std).float()
        standardization = (tuple(mean.tolist()), tuple(std.tolist()))
    if config.outliers:
        labels = labels.clone()  # the file's table is kept for the next run: left as read
        for index, value in config.outliers:
            labels[index, 0] = value
    generator = torch.Generator().manual_seed(config.seed)
    init_state = generator.get_state()
    initial_w = initial_weights(config, torch.empty(features.shape[1], 1), generator)
    return Problem(
        features.to(device),
        labels.to(device),
        initial_w.to(device),
        torch.zeros(1, device=device),
        init_state,
        None if val_features is None else val_features.to(device),
        None if val_labels is None else val_labels.to(device),
        standardization,
    )


def data_note(config: TrainConfig) -> str:
    """What a run on a data file should be told about it: rows dropped for missing values,
    and a file that changed since the run it reproduces was recorded. "" for none."""
    if config.data == SYNTHETIC:
        return ""
    from tui_linreg.datafile import display_name

    table = load(config, memory.available_memory)
    said = []
    if table.dropped:
        said.append(
            _("dropped 1 row with a missing or non-finite value")
            if table.dropped == 1
            else _("dropped {count:,} rows with a missing or non-finite value").format(
                count=table.dropped
            )
        )
    constant = [
        name
        for name, column in zip(table.feature_names, table.features.T, strict=True)
        if len(column) and float(column.max()) == float(column.min())
    ]
    if constant:  # its weight trades off against the bias: the closed form picks the smallest
        said.append(
            _(
                "column {column} is the same in every row: the data cannot tell its "
                "weight from the bias (the closed form is the smallest of many)"
            ).format(column=repr(constant[0]))
        )
    if config.val_fraction and not held_out(len(table.labels), config.val_fraction):
        said.append(_("too few rows to hold any out for validation"))
    if config.data_sha256 and config.data_sha256 != table.sha256:
        said.append(
            _(
                "{name} has changed since this run was recorded (its content "
                "hash differs): the numbers may not be the same"
            ).format(name=display_name(table.path))
        )
    return "; ".join(said)


def uniform_bound(config: TrainConfig) -> float:
    """a of U(−a, a) with the std init_std: the variance of U(−a, a) is a²/3."""
    return math.sqrt(3.0) * config.init_std


def initial_weights(
    config: TrainConfig, weights: torch.Tensor, generator: torch.Generator
) -> torch.Tensor:
    """``weights`` filled as config.init says, from ``generator``. The lessons' normal init is
    drawn as it always was (bit for bit); concise draws the same numbers with nn.init."""
    match config.init:
        case "normal":
            weights.copy_(config.init_std * torch.randn(weights.shape, generator=generator))
        case "uniform":
            bound = uniform_bound(config)
            weights.uniform_(-bound, bound, generator=generator)
        case "xavier":
            # nn.init.xavier_uniform_'s bound, computed as it computes it (fan_in d, fan_out 1).
            bound = math.sqrt(3.0) * math.sqrt(2.0 / float(weights.numel() + 1))
            weights.uniform_(-bound, bound, generator=generator)
        case _:
            weights.zero_()
    return weights


def shaped(features: torch.Tensor, correlation: float, scales: tuple[float, ...]) -> torch.Tensor:
    """Standard normal features given correlation ρ between every two and a standard deviation
    each: Z Lᵀ for the Cholesky factor L of the correlation matrix (1 on the diagonal, ρ off
    it), then each column times its scale. The lessons' data (ρ = 0, scales 1) is left as
    drawn, bit for bit."""
    d = features.shape[1]
    if correlation != 0 and d > 1:
        matrix = torch.full((d, d), correlation, dtype=torch.float64)
        matrix.fill_diagonal_(1.0)
        factor = torch.linalg.cholesky(matrix).to(features.dtype)
        features = features @ factor.T
    if any(scale != 1 for scale in scales):
        features = features * torch.tensor(scales, dtype=features.dtype)  # one, or one each
    return features


_VALIDATION_STREAM = 0x2545F4914F6CDD1D
"""Offset of the validation examples' stream, independent of the data's and the shuffling's."""

_LOADER_STREAM = 0x5851F42D4C957F2D
"""Offset of the stream the concise DataLoader draws its (unused) worker base seed from."""


def loader_generator(config: TrainConfig) -> torch.Generator:
    """For the DataLoader's own draw each epoch, kept apart from the shuffling stream so that
    concise visits the batches in exactly scratch's order."""
    return torch.Generator().manual_seed((config.seed + _LOADER_STREAM) % 2**64)


def shuffle_generator(config: TrainConfig) -> torch.Generator:
    """The generator that orders the mini-batches; every implementation gets an equal one."""
    return torch.Generator().manual_seed((config.seed + _SHUFFLE_STREAM) % 2**64)


BLOCK_BYTES = 1 << 22
"""Shuffled data is gathered this many bytes at a time (4 MiB): a fixed amount of memory
whatever n is, and few enough gathers that a step never pays for one."""


def epoch_order(
    labels: torch.Tensor, order: str, generator: torch.Generator
) -> torch.Tensor | None:
    """One epoch's order of the examples, on the CPU (the same on every device): a fresh
    permutation for ``shuffled``, by label from low to high for ``sorted`` (ties as drawn), or
    None for ``fixed``, the order they were drawn in."""
    if order == "shuffled":
        return torch.randperm(len(labels), generator=generator)
    if order == "sorted":
        return torch.argsort(labels[:, 0].cpu(), stable=True)
    return None


def shuffled_blocks(
    features: torch.Tensor,
    labels: torch.Tensor,
    batch_size: int,
    generator: torch.Generator,
    order: str,
) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
    """One epoch of (X, y) in a random order, a block of whole mini-batches at a time.

    One ``torch.randperm`` per epoch orders the examples (the same draw for every
    implementation, so all of them see the same batches). Gathering a block of batches in one
    indexing operation, instead of two per mini-batch, lets each step take its batch as a
    plain slice; blocks stay a few MiB, so memory does not grow with n. Without shuffling the
    blocks are views of the data and nothing is copied.
    """
    row_bytes = features.element_size() * (features.shape[1] + 1)
    rows = max(1, BLOCK_BYTES // row_bytes // batch_size) * batch_size
    permutation = epoch_order(labels, order, generator)
    if permutation is None:
        yield from zip(features.split(rows), labels.split(rows), strict=True)
        return
    for block in permutation.to(features.device).split(rows):
        yield features[block], labels[block]


EVALUATION_CHUNK = 1 << 20
"""Rows per piece when a loss is taken over all the data: memory stays bounded at any n."""


def full_data_mean(
    problem: Problem, batch_mean: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]
) -> torch.Tensor:
    """The mean of a per-example quantity over all the data, computed chunk by chunk.

    ``batch_mean(X, y)`` gives the mean over one chunk; chunks are weighted by their length,
    so the result is the plain full-data mean without n-sized temporaries.
    """
    n = problem.num_examples
    with torch.no_grad():
        total = torch.zeros((), device=problem.features.device)
        for start in range(0, n, EVALUATION_CHUNK):
            X = problem.features[start : start + EVALUATION_CHUNK]  # noqa: N806
            total += batch_mean(X, problem.labels[start : start + EVALUATION_CHUNK]) * (len(X) / n)
        return total


def full_data_half_mse(problem: Problem, w: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Mean over all examples of (Xw + b − y)² / 2, the common metric of every implementation."""
    return full_data_mean(
        problem, lambda features, labels: (torch.addmm(b, features, w) - labels).square().mean() / 2
    )
