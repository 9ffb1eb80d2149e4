"""The autograd lesson's pages: the chain rule, the graph, forward and reverse mode, detach and
no_grad, backward() on a scalar, gradients that pile up. Every sentence is marked (``N_``) and looked up when shown;
the code stays as the lesson writes it."""

from __future__ import annotations

from tui_linreg.i18n import N_
from tui_linreg.teach.page import Action, Lesson, Page

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
                N_("Draw step 3's graph, zero_() forgotten"),
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
