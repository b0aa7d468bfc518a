"""One HiGHS model kept loaded and re-solved warm, scenario after scenario.

Each scenario's LP is rebuilt by the vectorised builder (cheap) and compared with the
LP the solver holds: when only costs, column bounds or row bounds differ, just those
entries are changed and HiGHS re-solves from the basis it has (a few simplex
iterations, MEASURED.md: 0.006–0.08 s at the national size against 1.1 s cold). When
the matrix differs (another shape, another coefficient), the model is loaded afresh.
``highspy.Highs`` cannot be pickled, so every worker process keeps its own.
"""

from __future__ import annotations

import highspy
import numpy as np

from models.results import Status
from optimizer.formulation.lp import LinearProgram
from optimizer.solvers.base import Solution, Stopwatch
from optimizer.solvers.highs import _STATUS, load_highs, read_solution, run_highs

#: The solver of every sweep scenario: dual simplex is the HiGHS solver that re-starts
#: from a basis (interior point would start from nothing each time).
WARM_SOLVER = "simplex"
WARM_BACKEND = "highs"


class WarmSolver:
    """A persistent HiGHS simplex model; :meth:`solve` changes only what differs.

    ``restart`` loads a LP afresh and, when one was recorded, starts it from the
    reference basis (:meth:`remember_basis`): a chunk of scenarios started this way gives
    the same answers whichever scenarios the worker solved before.
    """

    def __init__(self, time_limit_s: float | None = None) -> None:
        self.time_limit_s = time_limit_s
        self._h: highspy.Highs | None = None
        self._lp: LinearProgram | None = None
        self._basis: highspy.HighsBasis | None = None
        self._basis_shape: tuple[int, int] | None = None
        #: How many solves re-used the loaded model, and how many loaded it afresh.
        self.warm_solves = 0
        self.cold_loads = 0

    def restart(self, lp: LinearProgram) -> None:
        """Load ``lp`` afresh (its own basis forgotten), from the reference basis if any."""
        self._h = load_highs(lp, self.time_limit_s, WARM_SOLVER)
        self._lp = lp
        self.cold_loads += 1
        if self._basis is not None and self._basis_shape == lp.shape:
            self._h.setBasis(self._basis)

    def remember_basis(self) -> None:
        """Keep the basis of the last optimal solve as the start of every later restart."""
        if self._h is not None:
            self._basis = self._h.getBasis()
            self._basis_shape = self._lp.shape if self._lp is not None else None

    def solve(self, lp: LinearProgram) -> Solution:
        """Solve ``lp`` warm when its matrix is the loaded one's, afresh otherwise."""
        watch = Stopwatch()
        with watch("load"):
            if self._h is None or self._lp is None or not same_matrix(self._lp, lp):
                self.restart(lp)
            else:
                _change_data(self._h, self._lp, lp)
                self._lp = lp
                self.warm_solves += 1
        h = self._h
        with watch("solve"):
            run_highs(h)
        return read_solution(h, watch, WARM_SOLVER)

    def objective_with_column_bounds(self, col: int, lb: float, ub: float) -> float | None:
        """Z of the loaded LP with one column's bounds changed (restored after); None if
        that LP has no optimum."""
        assert self._h is not None and self._lp is not None, "solve an LP first"
        h = self._h
        h.changeColBounds(col, lb, ub)
        try:
            run_highs(h)
            ok = _STATUS.get(h.getModelStatus(), Status.ERROR) is Status.OPTIMAL
            return float(h.getInfo().objective_function_value) if ok else None
        finally:
            h.changeColBounds(col, float(self._lp.col_lb[col]), float(self._lp.col_ub[col]))


def same_matrix(a: LinearProgram, b: LinearProgram) -> bool:
    """Whether two LPs share shape, sense and every coefficient (only data may differ)."""
    if a.shape != b.shape or a.maximize != b.maximize or a.nnz != b.nnz:
        return False
    ma, mb = a.matrix, b.matrix
    return (
        np.array_equal(ma.indptr, mb.indptr)
        and np.array_equal(ma.indices, mb.indices)
        and np.array_equal(ma.data, mb.data)
    )


def _changed(old: np.ndarray, new: np.ndarray) -> np.ndarray:
    """Positions where two arrays differ (inf equals inf)."""
    return np.flatnonzero(old != new).astype(np.int32)


def _change_data(h: highspy.Highs, old: LinearProgram, new: LinearProgram) -> None:
    """Hand HiGHS only the costs and bounds that differ between the two LPs."""
    cost = _changed(old.objective, new.objective)
    if cost.size:
        h.changeColsCost(cost.size, cost, new.objective[cost])
    lb, ub = new.col_lb, new.col_ub
    cols = np.union1d(_changed(old.col_lb, lb), _changed(old.col_ub, ub)).astype(np.int32)
    if cols.size:
        h.changeColsBounds(cols.size, cols, lb[cols], ub[cols])
    rlb, rub = new.row_lb, new.row_ub
    rows = np.union1d(_changed(old.row_lb, rlb), _changed(old.row_ub, rub)).astype(np.int32)
    if rows.size:
        h.changeRowsBounds(rows.size, rows, rlb[rows], rub[rows])
