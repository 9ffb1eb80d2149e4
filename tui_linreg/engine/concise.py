"""The concise implementation (Dive into Deep Learning 3.3): nn, optim and a DataLoader."""

from __future__ import annotations

import functools
from collections import OrderedDict
from collections.abc import Callable, Iterator

import torch
from torch import nn
from torch.nn import init
from torch.utils import data

from tui_linreg.config import TrainConfig
from tui_linreg.engine.data import (
    Problem,
    epoch_order,
    full_data_mean,
    loader_generator,
    uniform_bound,
)
from tui_linreg.i18n import _
from tui_linreg.losses import loss_of, written_out


def half_mse_loss(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """--loss half-squared in concise: nn has no halved MSE, so scratch's loss is MSE / 2."""
    return nn.functional.mse_loss(y_hat, y) / 2


_LOSS_CALLS = {
    "mse": "nn.MSELoss()",
    "sum": "nn.MSELoss(reduction='sum')",
    "l1": "nn.L1Loss()",
    "huber": "nn.HuberLoss(delta=…)",
    "half-squared": "half_mse_loss, nn.functional.mse_loss / 2",
}


class LinearNet(nn.Module):
    """--model class: the model as a module of our own, as source note 4 writes it."""

    def __init__(self, num_inputs: int, bias: bool = True) -> None:
        super().__init__()
        # nn.init sets it; --no-bias: nn.Linear(d, 1, bias=False), y = Xw
        self.linear: nn.Linear = nn.utils.skip_init(nn.Linear, num_inputs, 1, bias=bias)

    def forward(self, X: torch.Tensor) -> torch.Tensor:  # noqa: N803
        return self.linear(X)  # type: ignore[no-any-return]


LAYER_NAMES = {"sequential": "net[0]", "named": "net.linear", "class": "net.linear"}
"""How each way of writing the model reaches its layer."""


class ShuffledBatches(data.Sampler[torch.Tensor]):
    """Whole batches of indices, from one torch.randperm per epoch.

    The lesson's DataLoader(dataset, batch_size, shuffle=True) fetches one example at a time
    through __getitem__ and then collates them (about 5 ms per batch of 1000), and its
    RandomSampler turns each epoch's permutation into a Python list of n ints (360 MB at ten
    million examples). This sampler hands the DataLoader whole batches as index tensors
    instead, and the TensorDataset indexes each batch in one go. Drawing the same permutation
    as scratch's data_iter, from an equal generator, concise visits the batches in scratch's
    order.
    """

    def __init__(
        self,
        labels: torch.Tensor,
        batch_size: int,
        generator: torch.Generator,
        order: str,
        device: torch.device,
    ) -> None:
        self.labels = labels
        self.num_examples = len(labels)
        self.batch_size = batch_size
        self.generator = generator
        self.order = order
        self.device = device

    def __iter__(self) -> Iterator[torch.Tensor]:
        order = epoch_order(self.labels, self.order, self.generator)
        if order is None:  # --order fixed
            order = torch.arange(self.num_examples)
        # Drawn on the CPU (the same order on every device), then moved to the data's device
        # in one copy per epoch: on a GPU, a CPU index tensor per batch would be a copy and
        # a host synchronisation per step.
        return iter(order.to(self.device).split(self.batch_size))

    def __len__(self) -> int:
        return -(-self.num_examples // self.batch_size)


def load_array(
    features: torch.Tensor,
    labels: torch.Tensor,
    batch_size: int,
    generator: torch.Generator,
    order: str = "shuffled",
    seed_generator: torch.Generator | None = None,
) -> data.DataLoader[tuple[torch.Tensor, ...]]:
    """A DataLoader over a TensorDataset, as in the lesson, fed whole batches (see
    ShuffledBatches); batch_size=None tells it not to batch again."""
    dataset = data.TensorDataset(features, labels)
    batches = ShuffledBatches(labels, batch_size, generator, order, features.device)
    # The DataLoader also draws a worker base seed every epoch; its own generator keeps that
    # draw off the global RNG and out of the shuffling stream.
    return data.DataLoader(dataset, batch_size=None, sampler=batches, generator=seed_generator)


class Concise:
    """The concise implementation behind the engine's common interface."""

    name = "concise"
    needs_autograd = True
    # What the step inspector says about a step (engine/watch.py).
    backward_on = "l"

    def __init__(self, problem: Problem, config: TrainConfig, generator: torch.Generator) -> None:
        self.problem = problem
        self.data_iter = load_array(
            problem.features,
            problem.labels,
            config.batch_size,
            generator,
            config.order,
            loader_generator(config),
        )
        # skip_init builds the layer without PyTorch's default random initialisation, which
        # would draw from the global RNG; nn.init sets the weights just below.
        d = problem.features.shape[1]
        self.net: nn.Module
        self.layer: nn.Linear
        match config.model:  # source note 4's three ways to write the same model
            case "sequential":  # the lesson's nn.Sequential(nn.Linear(d, 1))
                self.layer = nn.utils.skip_init(nn.Linear, d, 1, bias=config.bias)
                self.net = nn.Sequential(self.layer)
            case "named":  # a Sequential whose layer has a name: net.linear
                self.layer = nn.utils.skip_init(nn.Linear, d, 1, bias=config.bias)
                self.net = nn.Sequential(OrderedDict([("linear", self.layer)]))
            case "class":  # a module of our own, its layer reached as net.linear
                net = LinearNet(d, config.bias)
                self.net, self.layer = net, net.linear
        self.gradient_names = (
            f"{LAYER_NAMES[config.model]}.weight.grad",
            f"{LAYER_NAMES[config.model]}.bias.grad",
        )
        # The lesson's net[0].weight.data.normal_(0, 0.01) and net[0].bias.data.fill_(0), by
        # nn.init's names. The generator is at the state the problem drew initial_w from, so
        # scratch, concise and analytic start from the very same θ (a test checks it).
        drawn_from = torch.Generator()
        if problem.init_state is not None:
            drawn_from.set_state(problem.init_state)
        weight, bias = self.layer.weight, self.layer.bias  # net[0].weight or net.linear.weight
        match config.init:
            case "normal":
                init.normal_(weight, mean=0.0, std=config.init_std, generator=drawn_from)
            case "uniform":  # U(−a, a) with the same std: a = √3·init_std
                bound = uniform_bound(config)
                init.uniform_(weight, -bound, bound, generator=drawn_from)
            case "xavier":
                init.xavier_uniform_(weight, generator=drawn_from)
            case "zeros":
                init.zeros_(weight)
        if bias is not None:  # None with --no-bias: nn.Linear(d, 1, bias=False)
            init.constant_(bias, 0.0)
        self.net.to(problem.features.device)  # drawn on the CPU: the same θ on every device
        self.no_bias = torch.zeros(1, device=problem.features.device)  # b without a bias
        self.spec = loss_of("concise", config.loss_function)
        self.loss_name, self.half_mse_per_loss = self.spec.shown, self.spec.half_mse_per_loss
        self.summed, self.squared = self.spec.summed, self.spec.squared  # read every step
        self.loss: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]
        match self.spec.name:  # --loss; the lesson's is nn.MSELoss()
            case "mse":
                self.loss = nn.MSELoss()
            case "sum":
                self.loss = nn.MSELoss(reduction="sum")
            case "l1":
                self.loss = nn.L1Loss()
            case "huber":
                self.loss = nn.HuberLoss(delta=config.huber_delta)
            case "half-squared":
                self.loss = half_mse_loss
        self.loss_call = f"l = loss(net(X), y)  # {_LOSS_CALLS[self.spec.name]}"
        self.written_out = written_out(self.spec, "mean")
        # The lesson's torch.optim.SGD(net.parameters(), lr=0.03), with the choice between its
        # per-parameter loop and its multi-tensor (foreach) kernels made once, here, as SGD
        # would make it (foreach on CUDA, the loop elsewhere): left open, SGD checks every
        # parameter's type and device at every step to decide, about 6% of a step at batch 10.
        foreach = problem.features.device.type == "cuda"
        params: list[torch.Tensor] | list[dict[str, object]] = list(self.net.parameters())
        if config.weight_decay:  # d2l §3.7: the weight decays, the bias in a group of its own
            params = [{"params": [weight], "weight_decay": config.weight_decay}]
            if bias is not None:
                params.append({"params": [bias]})
        self.trainer: torch.optim.Optimizer
        match config.optimizer:
            case "sgd":
                self.trainer = torch.optim.SGD(params, lr=config.learning_rate, foreach=foreach)
            case "momentum" | "nesterov":
                self.trainer = torch.optim.SGD(
                    params,
                    lr=config.learning_rate,
                    momentum=config.momentum,
                    nesterov=config.optimizer == "nesterov",
                    foreach=foreach,
                )
            case "adam":
                self.trainer = torch.optim.Adam(
                    params,
                    lr=config.learning_rate,
                    betas=(config.beta1, config.beta2),
                    eps=config.eps,
                    foreach=foreach,
                )
        self.printed = f"print(net)\n{self.net}\nprint(optimizer)\n{self.trainer}"
        """What the lesson would print of its model and optimiser, exactly as PyTorch does."""

    def batches(self) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        """One epoch of mini-batches."""
        return iter(self.data_iter)

    def train_step(self, X: torch.Tensor, y: torch.Tensor) -> torch.Tensor:  # noqa: N803
        """One step of SGD; returns the batch's mean loss, still on the device."""
        y_hat = self.net(X)
        l: torch.Tensor = self.loss(y_hat, y)  # noqa: E741 (the lesson's name)
        self.trainer.zero_grad()
        l.backward()
        self.trainer.step()
        return self.reported(l, y_hat, y)

    def reported(self, l: torch.Tensor, y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:  # noqa: E741
        """What the log reads of a step: its loss per example (a sum's divided by |B|), and
        its half-MSE beside it for l1 and Huber, still on the device."""
        if self.squared:
            return l.detach() / y.shape[0] if self.summed else l.detach()
        return torch.stack([l.detach(), (y_hat.detach() - y).square().mean() / 2])

    def window_losses(self, window: list[torch.Tensor]) -> torch.Tensor:
        """The batch losses returned since the last read-back, as one tensor: (steps,), or
        (steps, 2) with each step's half-MSE for l1 and Huber."""
        return torch.stack(window)

    def epoch_loss(self, data: Problem | None = None) -> torch.Tensor:
        """Full-data loss as the lesson prints it: the loss over all the data (in chunks), per
        example (a sum's divided by n)."""

        def per_example(features: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
            l = self.loss(self.net(features), labels)  # noqa: E741
            return l / len(features) if self.spec.summed else l

        return full_data_mean(data or self.problem, per_example)

    @property
    def lr(self) -> float:
        """The learning rate now: the optimizer's own."""
        return float(self.trainer.param_groups[0]["lr"])

    def decay(self, factor: float) -> None:
        """Source note 4's learning-rate decay, for the next epoch on, as it writes it."""
        for group in self.trainer.param_groups:
            group["lr"] *= factor

    def parameters(self) -> tuple[torch.Tensor, torch.Tensor]:
        """Current w, shape (d, 1), and b, shape (1,) (0 without a bias)."""
        return self.layer.weight.detach().T, self._bias()

    def _bias(self) -> torch.Tensor:
        bias = self.layer.bias
        return self.no_bias if bias is None else bias.detach()

    def snapshot(self) -> torch.Tensor:
        """A copy of θ = [w; b], on the device (no host sync): one op a step."""
        return torch.cat(self._theta_parts)

    @functools.cached_property
    def _theta_parts(self) -> tuple[torch.Tensor, torch.Tensor]:
        """The weight flat and the bias, detached once (after the net has moved to its
        device): views that follow every in-place update of the optimiser."""
        return self.layer.weight.detach().view(-1), self._bias()

    # --- for the step inspector (engine/watch.py): never called by an unwatched step ---

    def explain(
        self,
        X: torch.Tensor,  # noqa: N803
        y: torch.Tensor,
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor | None]:
        """(X, ŷ, the loss, the scalar backward() is called on), just before the step."""
        with torch.no_grad():
            y_hat = self.net(X)
            l = self.loss(y_hat, y)  # noqa: E741
            return X, y_hat, l, l

    def gradient_tensors(self) -> tuple[torch.Tensor, ...] | None:
        """The tensors whose ``.grad`` optim.SGD reads (the weight is a (1, d) row)."""
        bias = self.layer.bias
        return (self.layer.weight,) if bias is None else (self.layer.weight, bias)

    def gradient_scale(self, batch_length: int) -> float:
        """MSE's gradient is 2/|B| times Aᵀ(Aθ − y); a sum's is |B| times a mean's."""
        constant = self.spec.slope if self.spec.squared else 1.0
        return constant if self.spec.summed else constant / batch_length

    def divisor(self, batch_length: int) -> tuple[float, str]:
        return 1.0, _("none: optim.SGD on a mean loss")

    def penalty_in_grad(self, batch_length: int) -> float:
        return 0.0  # the optimiser adds λw itself
