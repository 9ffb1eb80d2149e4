"""The scratch lesson's pages (d2l-zh 2.0 §3.2): the data, data_iter, the model, the loss, sgd,
one step line by line, the loop, and the learning rate's experiments. Every sentence is marked (``N_``) and looked up when shown;
the code stays as the lesson writes it."""

from __future__ import annotations

from tui_linreg.i18n import N_
from tui_linreg.teach.page import Action, Lesson, Page

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
