"""The concise lesson's pages (d2l-zh 2.0 §3.3): DataLoader, three ways to write the model,
init and print, nn.MSELoss, optim.SGD and lr decay, the loop, the walk, and why 2×. Every sentence is marked (``N_``) and looked up when shown;
the code stays as the lesson writes it."""

from __future__ import annotations

from tui_linreg.i18n import N_
from tui_linreg.teach.page import Action, Lesson, Page

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
