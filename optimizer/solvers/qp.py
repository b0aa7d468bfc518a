"""A convex quadratic program solved by Clarabel (interior point), for the tie-break.

minimise ½·xᵀPx + gᵀx subject to A_eq·x = b_eq and A_le·x ≤ b_le. Chosen by
measurement (docs/performance.md): HiGHS's active-set QP needs minutes at the
national scale, Clarabel about a second; its settings are fixed, so it is
deterministic.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

#: Clarabel's gap and feasibility tolerances: tight enough that the county figures of
#: the tie-break agree to 1e-3 ha across backends (measured well below 1e-5 ha).
QP_TOLERANCE = 1e-12
#: Clarabel's reduced ("almost solved") tolerances; an almost-solved QP is not accepted.
QP_REDUCED_TOLERANCE = 1e-7
#: Interior-point iterations at most (Clarabel needs 20–40 here).
QP_MAX_ITER = 200


@dataclass(frozen=True)
class QPResult:
    """The minimiser (None when Clarabel did not solve it), its status words and time."""

    x: np.ndarray | None
    status: str
    seconds: float
    iterations: int = 0


def solve_qp(
    p: sp.csc_matrix,
    g: np.ndarray,
    a_eq: sp.csr_matrix,
    b_eq: np.ndarray,
    a_le: sp.csr_matrix,
    b_le: np.ndarray,
    tolerance: float = QP_TOLERANCE,
) -> QPResult:
    """Minimise ½xᵀPx + gᵀx over {A_eq x = b_eq, A_le x ≤ b_le} with Clarabel, to
    ``tolerance`` (gap and feasibility)."""
    import clarabel  # imported on need, like the LP backends

    start = time.perf_counter()
    if p.shape[0] == 0:  # the presolve fixed every column: nothing is left to choose
        return QPResult(np.zeros(0), "Solved", time.perf_counter() - start)
    a = sp.vstack([a_eq, a_le], format="csc")
    b = np.concatenate([b_eq, b_le])
    cones = []
    if a_eq.shape[0]:
        cones.append(clarabel.ZeroConeT(a_eq.shape[0]))
    if a_le.shape[0]:
        cones.append(clarabel.NonnegativeConeT(a_le.shape[0]))
    settings = clarabel.DefaultSettings()
    settings.verbose = False
    settings.max_threads = 1
    settings.max_iter = QP_MAX_ITER
    settings.tol_gap_abs = settings.tol_gap_rel = tolerance
    settings.tol_feas = settings.tol_ktratio = tolerance
    settings.reduced_tol_gap_abs = settings.reduced_tol_gap_rel = QP_REDUCED_TOLERANCE
    settings.reduced_tol_feas = settings.reduced_tol_ktratio = QP_REDUCED_TOLERANCE
    solver = clarabel.DefaultSolver(sp.triu(p, format="csc"), g, a, b, cones, settings)
    solution = solver.solve()
    status = str(solution.status)
    ok = status == "Solved"
    x = np.asarray(solution.x, dtype=float) if ok else None
    return QPResult(x, status, time.perf_counter() - start, int(solution.iterations))
