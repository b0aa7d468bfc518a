"""Importance of each county: how much Z falls when it gets nothing beyond its minimum.

Measured in the base scenario, one warm re-solve per county: the county's allocation
A_i is held at its lower bound (its guaranteed minimum, 0 without one) and the LP solved
again; the score is Z(base) − Z(held), in Z's units. A county whose new land others
could take at the same value scores 0; a large score means the optimum leans on it.
"""

from __future__ import annotations

import numpy as np

from models.results import Status
from optimizer.data.dataset import Dataset
from optimizer.formulation.build import build
from optimizer.solve import crossing_bounds
from optimizer.sweep.warm import WarmSolver


def importance_scores(dataset: Dataset) -> np.ndarray:
    """Z(base) − Z(A_i held at its minimum), per county in county order (NaN: no optimum)."""
    f = build(dataset)
    n = len(dataset.counties)
    out = np.full(n, np.nan)
    if crossing_bounds(f.lp) is not None:
        return out
    solver = WarmSolver(dataset.scenario.solver.time_limit_s)
    base = solver.solve(f.lp)
    if base.status is not Status.OPTIMAL or base.objective is None:
        return out
    lb = f.lp.col_lb
    for i, col in enumerate(f.columns.allocation):
        held = solver.objective_with_column_bounds(int(col), float(lb[col]), float(lb[col]))
        if held is not None:
            out[i] = max(base.objective - held, 0.0)
    return out
