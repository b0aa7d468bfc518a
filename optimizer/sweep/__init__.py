"""Sweeps, targets and robustness (issue 13): many scenarios of one dataset, solved warm.

``sweep`` runs a grid and/or sampled draws (serially, or on Dask); ``target`` finds the
smallest value of a key that reaches a satisfaction; ``write_sweep`` writes the folder.
"""

from optimizer.sweep.api import SweepResult, sweep
from optimizer.sweep.output import write_sweep
from optimizer.sweep.target import TargetResult, target

__all__ = ["SweepResult", "TargetResult", "sweep", "target", "write_sweep"]
