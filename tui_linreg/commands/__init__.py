"""The commands ``tui-linreg`` runs besides the app, one module each; ``cli.py`` parses and
dispatches."""
