"""The plots, one file each, on one base (base.py) and one module of axis, tick and legend
maths (axes.py)."""
