"""The lessons: the source notes (autograd, the scratch lesson, the concise one, the
exercises) as pages, in their order. A page says a few sentences, may show the lesson's code
(run for real, its output shown as PyTorch prints it) and may drive the live app: put a preset
or some settings in the form, then run, step, or show a view. Imports neither Textual nor
torch: the app runs a page's code through engine/snippets.py, and its action through the main
screen.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tui_linreg.i18n import N_, _

THEN = ("", "run", "step", "both", "graph", "walk")
"""What a page's action does once its settings are in the form: nothing more, run them, take
one step, run scratch beside concise, draw one step's autograd graph, or walk one step line by
line."""

VIEWS = ("", "inspector", "landscape", "code", "notes")
"""Which view a page's action shows: the step inspector (f8), the map (f9), the code (f3),
the notes (ctrl+e)."""


@dataclass(frozen=True)
class Action:
    """What a page's "do it" key does to the live app."""

    label: str
    """What the key does, in a few words (marked ``N_``)."""
    preset: str = ""
    """A preset to fill the form with (one with a question asks it first)."""
    changes: Mapping[str, Any] = field(default_factory=dict)
    """Settings on top of the defaults (or of the preset), by TrainConfig's names."""
    then: str = "run"
    view: str = ""
    step: int = 1
    """For ``then="graph"``: which step's graph."""


@dataclass(frozen=True)
class Page:
    title: str
    text: str
    """A few plain sentences (marked ``N_``)."""
    code: str = ""
    """The lesson's code, shown as it is (never translated)."""
    runs: bool = False
    """Whether the code is run when the page is shown, and its output shown below it."""
    action: Action | None = None
    after: str = ""
    """What to look at once the action has run (marked ``N_``)."""
    numbers: str = ""
    """An exercise's numbers, for a title that names them (``Exercise {numbers}``)."""

    def shown_title(self) -> str:
        """The title in the user's language."""
        return _(self.title).format(numbers=self.numbers) if self.numbers else _(self.title)


@dataclass(frozen=True)
class Lesson:
    name: str
    title: str
    summary: str
    pages: tuple[Page, ...]


AUTOGRAD = Lesson(
    "autograd",
    N_("Autograd: the chain rule, the graph, and backward()"),
    N_("what backward() computes, and how: before the lessons"),
    (
        Page(
            N_("The chain rule"),
            N_(
                "If y = f(u) and u = g(x), then dy/dx = dy/du · du/dx. With vectors the same "
                "rule multiplies matrices, and the shapes must fit: for a scalar y and x of n "
                "elements, (1, n) = (1,)(1, n) through a scalar u, or (1, k)(k, n) through a "
                "u of k elements; for y of m elements, (m, n) = (m, k)(k, n). A network is a "
                "long chain: dy/dx = dy/du_n · du_n/du_(n−1) · … · du_1/dx."
            ),
        ),
        Page(
            N_("The computation graph"),
            N_(
                "PyTorch splits code into operations and records them as an acyclic graph "
                "while it runs: each result's grad_fn is the node that made it, and "
                "next_functions leads to the nodes before. Below, y = 2 * x @ x: its graph "
                "has a MulBackward0 and a DotBackward0, and backward() fills x.grad with "
                "dy/dx = 4x."
            ),
            code=(
                "x = torch.arange(4.0, requires_grad=True)\n"
                "y = 2 * x @ x\n"
                "print(y)\n"
                "print(type(y.grad_fn).__name__,\n"
                "      [type(f).__name__ for f, _ in y.grad_fn.next_functions])\n"
                "y.backward()\n"
                "print(x.grad)\n"
                "print(x.grad == 4 * x)"
            ),
            runs=True,
        ),
        Page(
            N_("One training step's graph"),
            N_(
                "The lesson's step builds a graph too: l = squared_loss(linreg(X, w, b), y), "
                "then l.sum().backward(). Enter draws the real graph of the lesson's first "
                "step, from the loss's grad_fn down to w and b, each node with its value and "
                "the gradient that reached it."
            ),
            action=Action(N_("Draw the first step's graph"), then="graph"),
            after=N_(
                "Read it from the top: the gradient starts as 1 at l.sum(), is 1 for each "
                "example past the sum, ½ past the division by 2, and ŷ − y past the square. "
                "At the bottom it is w.grad and b.grad, what sgd will use."
            ),
        ),
        Page(
            N_("Forward and reverse accumulation"),
            N_(
                "The chain rule can be multiplied from either end. Forward accumulation starts "
                "at x: du_1/dx, then du_2/du_1 times it, and so on; it gives one direction's "
                "derivative per pass. Reverse accumulation (backpropagation) starts at y and "
                "gives the derivative for every input in one pass, which is why training uses "
                "it. Both give the same numbers: below, forward mode's derivative along v "
                "equals the reverse gradient's dot product with v."
            ),
            code=(
                "x = torch.arange(4.0, requires_grad=True)\n"
                "v = torch.ones(4)\n"
                "_, forward = torch.func.jvp(lambda x: 2 * x @ x, (x.detach(),), (v,))\n"
                "y = 2 * x @ x\n"
                "y.backward()\n"
                "print(forward, x.grad @ v)"
            ),
            runs=True,
        ),
        Page(
            N_("requires_grad, detach() and no_grad()"),
            N_(
                "A tensor with requires_grad=True records what is done with it. "
                "requires_grad_(False) turns that off in place; detach() returns the same "
                "numbers without it, leaving the original as it was; inside torch.no_grad() "
                "nothing is recorded at all. The lesson's sgd updates w under no_grad, so the "
                "update is not part of the next step's graph."
            ),
            code=(
                "x = torch.randn(3, requires_grad=True)\n"
                "print(x.requires_grad)\n"
                "x.requires_grad_(False)\n"
                "print(x.requires_grad)\n"
                "x = torch.randn(3, requires_grad=True)\n"
                "y = x.detach()\n"
                "print(y.requires_grad, x.requires_grad)\n"
                "with torch.no_grad():\n"
                "    y = x + 2\n"
                "print(y.requires_grad, x.requires_grad)"
            ),
            runs=True,
        ),
        Page(
            N_("backward() needs a scalar"),
            N_(
                "Code 1 below runs and code 2 does not. Code 1's loss is one number; code "
                "2's is a vector of two, and backward() on a vector would need to be told how "
                "to weigh each element. PyTorch refuses, in the words below. The lesson sums "
                "its losses first: l.sum().backward()."
            ),
            code=(
                "# code 1\n"
                "x = torch.tensor(1.0)\n"
                "y = torch.tensor(2.0)\n"
                "w = torch.tensor(1.0, requires_grad=True)\n"
                "loss = (w * x - y) ** 2\n"
                "loss.backward()\n"
                "print(w.grad)\n"
                "# code 2\n"
                "x = torch.tensor([1.0, 2.0])\n"
                "y = torch.tensor([1.0, 2.0])\n"
                "w = torch.tensor([1.0, 2.0], requires_grad=True)\n"
                "loss = (w * x - y) ** 2\n"
                "print(loss)\n"
                "loss.backward()"
            ),
            runs=True,
            action=Action(N_("Train with backward() on the vector"), preset="backward-vector"),
            after=N_("The log says why the run stopped, in PyTorch's words: the same error."),
        ),
        Page(
            N_("Gradients pile up"),
            N_(
                "backward() adds to .grad; it does not replace it. Call it twice without "
                "zeroing and .grad holds the sum of both gradients. That is why the lesson's "
                "sgd ends with param.grad.zero_(). Forget it, and every step moves by the sum "
                "of all the gradients so far."
            ),
            code=(
                "x = torch.arange(4.0, requires_grad=True)\n"
                "(2 * x @ x).backward()\n"
                "print(x.grad)\n"
                "(2 * x @ x).backward()\n"
                "print(x.grad)"
            ),
            runs=True,
            action=Action(
                N_("Train without zero_(), and draw step 3's graph"),
                preset="forget-zero-grad",
                then="graph",
                step=3,
            ),
            after=N_(
                "At AccumulateGrad, w.grad now holds three steps' gradients, not the one that "
                "arrived: the pile-up."
            ),
        ),
    ),
)


SCRATCH = Lesson(
    "scratch",
    N_("Linear regression from scratch"),
    N_("d2l-zh 2.0 §3.2: every piece written by hand"),
    (
        Page(
            N_("The data"),
            N_(
                "synthetic_data draws 1000 examples with two features from N(0, 1), and labels "
                "y = Xw + b with w = (2, −3.4), b = 4.2, plus noise of std 0.01. The data plot "
                "shows features[:, 1] against the labels, as the note's scatter does: a line "
                "with slope −3.4."
            ),
            code=(
                "def synthetic_data(w, b, num_examples):\n"
                "    X = torch.normal(0, 1, (num_examples, len(w)))\n"
                "    y = torch.matmul(X, w) + b\n"
                "    y += torch.normal(0, 0.01, y.shape)\n"
                "    return X, y.reshape((-1, 1))"
            ),
            action=Action(N_("Put the lesson's settings in the form"), preset="default", then=""),
            after=N_("The data plot (top) shows the examples before any training."),
        ),
        Page(
            N_("Reading the data in mini-batches"),
            N_(
                "data_iter shuffles the indices and yields one mini-batch at a time: yield "
                "makes it a generator, so each batch is cut only when the loop asks for it. "
                "The last batch is shorter when the batch size does not divide the examples."
            ),
            code=(
                "def data_iter(batch_size, features, labels):\n"
                "    num_examples = len(features)\n"
                "    indices = list(range(num_examples))\n"
                "    random.shuffle(indices)\n"
                "    for i in range(0, num_examples, batch_size):\n"
                "        batch_indices = torch.tensor(\n"
                "            indices[i: min(i + batch_size, num_examples)])\n"
                "        yield features[batch_indices], labels[batch_indices]\n"
                "\n"
                "features = torch.normal(0, 1, (6, 2))\n"
                "labels = features @ torch.tensor([2, -3.4]) + 4.2\n"
                "for X, y in data_iter(4, features, labels):\n"
                "    print(X.shape, y.shape)"
            ),
            runs=True,
        ),
        Page(
            N_("The parameters, and the model"),
            N_(
                "w starts from N(0, 0.01²) and b at 0, both with requires_grad=True so that "
                "backward() can fill their .grad. linreg is the model: ŷ = Xw + b, a matrix "
                "product and a broadcast addition."
            ),
            code=(
                "w = torch.normal(0, 0.01, size=(2, 1), requires_grad=True)\n"
                "b = torch.zeros(1, requires_grad=True)\n"
                "\n"
                "def linreg(X, w, b):\n"
                "    return torch.matmul(X, w) + b\n"
                "\n"
                "print(w.shape, b.shape, linreg(torch.ones(3, 2), w, b).shape)"
            ),
            runs=True,
        ),
        Page(
            N_("The loss, and its reshape"),
            N_(
                "squared_loss is (ŷ − y)² / 2 for each example. ŷ has shape (batch, 1). "
                "synthetic_data already gives y that shape, but squared_loss reshapes y to "
                "ŷ's shape anyway, so that labels of shape (batch,) cannot break it. What "
                "if it did not, and y came as (batch,)? Predict, then run."
            ),
            code=(
                "def squared_loss(y_hat, y):\n    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2"
            ),
            action=Action(N_("Ask, then run without the reshape"), preset="no-reshape"),
        ),
        Page(
            N_("The update: sgd"),
            N_(
                "sgd moves each parameter against its gradient: param -= lr * param.grad / "
                "batch_size, inside torch.no_grad() (the update is not to be recorded), then "
                "zeroes the gradient for the next step. Enter takes one step and opens the "
                "step inspector: the batch, the loss, .grad and the update, in numbers."
            ),
            code=(
                "def sgd(params, lr, batch_size):\n"
                "    with torch.no_grad():\n"
                "        for param in params:\n"
                "            param -= lr * param.grad / batch_size\n"
                "            param.grad.zero_()"
            ),
            action=Action(
                N_("Take one step and inspect it"), preset="default", then="step", view="inspector"
            ),
            after=N_(
                "The inspector shows the batch, the loss, .grad beside the gradient written "
                "out, and w before and after: the change is −lr · grad / 10."
            ),
        ),
        Page(
            N_("One step, line by line"),
            N_(
                "The same step, a line at a time: the loss, then l.sum().backward(), then "
                "sgd's lines for w and for b. After each line the pane shows w, b, their .grad, "
                "the loss and the graph. ↓ runs the next line, ↑ goes back. Watch .grad appear "
                "at backward(), w move at -=, and .grad return to 0 at zero_()."
            ),
            action=Action(N_("Walk the first step"), preset="default", then="walk"),
            after=N_(
                "The step inspector (f8, then w) walks any step the same way; the values after "
                "the last line are the inspector's."
            ),
        ),
        Page(
            N_("The training loop"),
            N_(
                "Three epochs; in each, every mini-batch: the loss, l.sum().backward(), then "
                "sgd. After each epoch the lesson prints the loss on all the data. Enter "
                "runs it: the log prints the lesson's lines, the loss plot falls, and the "
                "parameter table shows true_w − w and true_b − b."
            ),
            code=(
                "for epoch in range(num_epochs):\n"
                "    for X, y in data_iter(batch_size, features, labels):\n"
                "        l = loss(net(X, w, b), y)\n"
                "        l.sum().backward()\n"
                "        sgd([w, b], lr, batch_size)\n"
                "    with torch.no_grad():\n"
                "        train_l = loss(net(features, w, b), labels)\n"
                "        print(f'epoch {epoch + 1}, loss {float(train_l.mean()):f}')"
            ),
            action=Action(N_("Run the lesson"), preset="default"),
            after=N_(
                "The notes pane says why 3 epochs are enough at lr 0.03, in this run's numbers."
            ),
        ),
        Page(
            N_("A learning rate 30 times smaller"),
            N_(
                "The lesson's notes try lr 0.001. Predict how slowly it goes; the notes pane then "
                "give each direction's factor a step, |1 − lr·λ|."
            ),
            action=Action(N_("Ask, then run lr 0.001"), preset="lr-too-small"),
        ),
        Page(
            N_("Ten epochs of it"),
            N_("And for 10 epochs instead of 3: how much of the way is left?"),
            action=Action(N_("Ask, then run 10 epochs"), preset="lr-too-small-10"),
        ),
        Page(
            N_("lr 10: to inf, then nan"),
            N_(
                "The last experiment: lr 10. Predict, then run. The app stops the run "
                "before its numbers overflow; tick keep going in the form to watch the "
                "lesson's loop print inf and then nan."
            ),
            action=Action(N_("Ask, then run lr 10"), preset="lr-too-large"),
        ),
    ),
)


CONCISE = Lesson(
    "concise",
    N_("The concise version"),
    N_("d2l-zh 2.0 §3.3: PyTorch's own pieces"),
    (
        Page(
            N_("TensorDataset and DataLoader"),
            N_(
                "data.TensorDataset pairs the features with the labels; data.DataLoader cuts "
                "them into shuffled mini-batches, the job data_iter did by hand."
            ),
            code=(
                "from torch.utils import data\n"
                "features = torch.normal(0, 1, (1000, 2))\n"
                "labels = features @ torch.tensor([[2.0], [-3.4]]) + 4.2\n"
                "dataset = data.TensorDataset(features, labels)\n"
                "data_iter = data.DataLoader(dataset, 10, shuffle=True)\n"
                "X, y = next(iter(data_iter))\n"
                "print(X.shape, y.shape)"
            ),
            runs=True,
        ),
        Page(
            N_("Three ways to write the same model"),
            N_(
                "nn.Sequential(nn.Linear(2, 1)) is the lesson's. The same model can be written "
                "model as a class of its own (LinearNet(nn.Module), with a forward), or as a "
                "Sequential whose layer has a name (add_module, or an OrderedDict). "
                "print(net) shows each, as PyTorch prints it."
            ),
            code=(
                "from collections import OrderedDict\n"
                "class LinearNet(nn.Module):\n"
                "    def __init__(self, n_feature):\n"
                "        super().__init__()\n"
                "        self.linear = nn.Linear(n_feature, 1)\n"
                "    def forward(self, x):\n"
                "        return self.linear(x)\n"
                "print(nn.Sequential(nn.Linear(2, 1)))\n"
                "print(LinearNet(2))\n"
                "net = nn.Sequential()\n"
                "net.add_module('linear', nn.Linear(2, 1))\n"
                "print(net)\n"
                "print(nn.Sequential(OrderedDict([('linear', nn.Linear(2, 1))])))"
            ),
            runs=True,
            action=Action(
                N_("Run concise with the class"),
                changes={"implementation": "concise", "model": "class"},
            ),
            after=N_("The code pane (f3) shows LinearNet as it runs."),
        ),
        Page(
            N_("Initialising, and what PyTorch prints"),
            N_(
                "init.normal_ draws the weight from N(0, 0.01²) and init.constant_ sets the "
                "bias to 0, as the scratch lesson did by hand. print(optimizer) lists SGD's "
                "settings: lr 0.03, no momentum, no weight decay."
            ),
            code=(
                "from torch.nn import init\n"
                "net = nn.Sequential(nn.Linear(2, 1))\n"
                "init.normal_(net[0].weight, mean=0, std=0.01)\n"
                "init.constant_(net[0].bias, val=0)\n"
                "print(net[0].bias)\n"
                "print(torch.optim.SGD(net.parameters(), lr=0.03))"
            ),
            runs=True,
        ),
        Page(
            N_("nn.MSELoss: twice the lesson's loss"),
            N_(
                "nn.MSELoss is the mean of (ŷ − y)², without the ½ of squared_loss: for the "
                "same parameters it is twice the scratch lesson's mean loss, and so is its "
                "gradient."
            ),
            code=(
                "y_hat = torch.tensor([1.0, 2.0, 4.0])\n"
                "y = torch.tensor([1.5, 2.0, 3.0])\n"
                "print(nn.MSELoss()(y_hat, y))\n"
                "print(((y_hat - y) ** 2 / 2).mean())"
            ),
            runs=True,
        ),
        Page(
            N_("optim.SGD, and lr decay through param_groups"),
            N_(
                "The optimiser does sgd's work: trainer.zero_grad(), l.backward(), "
                "trainer.step(). The learning rate can be lowered during training by "
                "changing it in optimizer.param_groups. Enter runs 10 epochs with lr × 0.7 "
                "after each: the log prints the lr each epoch used."
            ),
            code=(
                "optimizer = torch.optim.SGD(nn.Linear(2, 1).parameters(), lr=0.03)\n"
                "for param_group in optimizer.param_groups:\n"
                "    param_group['lr'] *= 0.1\n"
                "print(optimizer.param_groups[0]['lr'])"
            ),
            runs=True,
            action=Action(
                N_("Run concise with lr × 0.7 an epoch"),
                changes={"implementation": "concise", "lr_decay": 0.7, "epochs": 10},
            ),
        ),
        Page(
            N_("The loop, and its graph"),
            N_(
                "The concise loop is four lines: l = loss(net(X), y), trainer.zero_grad(), "
                "l.backward(), trainer.step(). Its graph is shorter than scratch's: "
                "MseLossBackward0, then AddmmBackward0 (X @ W.T + b in one operation), and "
                "TBackward0, the weight's transpose."
            ),
            code=(
                "for epoch in range(num_epochs):\n"
                "    for X, y in data_iter:\n"
                "        l = loss(net(X), y)\n"
                "        trainer.zero_grad()\n"
                "        l.backward()\n"
                "        trainer.step()"
            ),
            action=Action(
                N_("Draw concise's first step's graph"),
                changes={"implementation": "concise"},
                then="graph",
            ),
        ),
        Page(
            N_("Concise's step, line by line"),
            N_(
                "The same walk as in the scratch lesson, through concise's four lines. Watch "
                "trainer.zero_grad() set .grad to None, l.backward() fill it (2/|B| times "
                "scratch's sum, from the mean's 2), and trainer.step() move the weight."
            ),
            action=Action(
                N_("Walk concise's second step"),
                changes={"implementation": "concise"},
                then="walk",
                step=2,
            ),
        ),
        Page(
            N_("Scratch beside concise: why 2×"),
            N_(
                "The same data, the same start, the same lr 0.03, yet after one epoch "
                "concise's loss is far smaller. Enter runs both side by side; the notes say "
                "why, with their numbers: nn.MSELoss's gradient is twice squared_loss's, so "
                "the same lr is a step twice as long."
            ),
            action=Action(N_("Run scratch and concise"), preset="default", then="both"),
        ),
    ),
)


def _exercise_pages() -> tuple[Page, ...]:
    from tui_linreg.presets import PRESETS
    from tui_linreg.teach.exercises import QUESTIONS

    def number(name: str) -> tuple[int, ...]:  # 3.4.10 after 3.4.9
        return tuple(int(part) for part in PRESETS[name].exercises[0].split("."))

    pages = []
    for name in sorted((n for n in QUESTIONS if PRESETS[n].exercises), key=number):
        question, preset = QUESTIONS[name], PRESETS[name]
        numbers = ", ".join(preset.exercises)
        pages.append(
            Page(
                N_("Exercise {numbers}"),
                question.text,
                action=Action(N_("Ask, then run"), preset=name),
                after=N_("The notes pane gives the answer this run measured, and why."),
                numbers=numbers,
            )
        )
    return tuple(pages)


EXERCISES = Lesson(
    "exercises",
    N_("The exercises"),
    N_("d2l's exercises (d2l-en's numbers: 3.4 is §3.2, 3.5 is §3.3): predict first"),
    _exercise_pages(),
)

LESSONS: dict[str, Lesson] = {
    lesson.name: lesson for lesson in (AUTOGRAD, SCRATCH, CONCISE, EXERCISES)
}
"""The lessons in the notes' order."""


def questions() -> Mapping[str, Any]:
    """The presets' questions (imported when wanted: exercises.py imports the presets)."""
    from tui_linreg.teach.exercises import QUESTIONS

    return QUESTIONS


def lesson(name: str) -> Lesson:
    """The lesson of that name; KeyError with the names where there is none."""
    return LESSONS[name.strip().lower()]


def printed(one: Lesson, outputs: Mapping[int, str] | None = None) -> str:
    """A lesson's pages as plain text (``learn --print``): each page's words, its code and,
    where given, the code's output (by page index)."""
    lines = [_(one.title), "=" * len(_(one.title)), ""]
    for index, page in enumerate(one.pages):
        title = f"{index + 1}. {page.shown_title()}"
        lines += [title, "-" * len(title), textwrap.fill(_(page.text), 78), ""]
        if page.code:
            lines += ["    " + line if line else "" for line in page.code.splitlines()]
            lines.append("")
        if outputs is not None and index in outputs:
            lines += ["    >>> " + line for line in outputs[index].splitlines()]
            lines.append("")
        if page.action is not None and page.action.preset in questions():
            question = questions()[page.action.preset]
            lines += [f"    {n}. {_(choice)}" for n, choice in enumerate(question.choices, 1)]
            lines.append("")
        if page.action is not None:
            said = _("Try it in the app: {label}.").format(label=_(page.action.label))
            lines += [textwrap.fill(said, 78), ""]
        if page.after:
            lines += [textwrap.fill(_(page.after), 78), ""]
    return "\n".join(lines).rstrip() + "\n"
