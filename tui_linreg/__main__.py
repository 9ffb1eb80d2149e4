"""``python -m tui_linreg``: the same as the ``tui-linreg`` command."""

from tui_linreg.cli import run

if __name__ == "__main__":
    run()
