"""tui-linreg: linear regression trained with PyTorch, explored in the terminal."""

__version__ = "0.1.0"
