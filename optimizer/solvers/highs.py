"""HiGHS through its own Python API (highspy): prices, ranging and IIS."""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import highspy
import numpy as np

from models.results import Status
from optimizer.formulation.lp import LinearProgram
from optimizer.solvers.base import AUTO_IPM_COLUMNS, Backend, Capabilities, Solution, Stopwatch

_STATUS = {
    highspy.HighsModelStatus.kOptimal: Status.OPTIMAL,
    highspy.HighsModelStatus.kInfeasible: Status.INFEASIBLE,
    highspy.HighsModelStatus.kUnbounded: Status.UNBOUNDED,
    highspy.HighsModelStatus.kUnboundedOrInfeasible: Status.INFEASIBLE,
    highspy.HighsModelStatus.kTimeLimit: Status.TIME_LIMIT,
}
_FULL = dict(duals=True, ranging=True, iis=True)
PDLP_FEASIBILITY_TOLERANCE = 1e-8


def load_highs(
    lp: LinearProgram, time_limit_s: float | None = None, solver: str = "simplex"
) -> highspy.Highs:
    """A quiet, deterministic Highs instance holding ``lp``."""
    csc = lp.matrix.tocsc()
    model = highspy.HighsLp()
    model.num_col_, model.num_row_ = lp.shape[1], lp.shape[0]
    model.col_cost_ = lp.objective
    model.col_lower_, model.col_upper_ = lp.col_lb, lp.col_ub
    model.row_lower_, model.row_upper_ = lp.row_lb, lp.row_ub
    model.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    model.a_matrix_.start_ = csc.indptr
    model.a_matrix_.index_ = csc.indices
    model.a_matrix_.value_ = csc.data
    model.sense_ = highspy.ObjSense.kMaximize if lp.maximize else highspy.ObjSense.kMinimize
    with _silenced_stdout():  # highspy prints its banner in the constructor
        h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("random_seed", 0)
    h.setOptionValue("solver", solver)
    if solver == "pdlp":  # first-order: ask for tighter feasibility than its default
        h.setOptionValue("primal_feasibility_tolerance", PDLP_FEASIBILITY_TOLERANCE)
        h.setOptionValue("dual_feasibility_tolerance", PDLP_FEASIBILITY_TOLERANCE)
    if time_limit_s is not None:
        h.setOptionValue("time_limit", float(time_limit_s))
    h.passModel(model)
    return h


def start_from(h: highspy.Highs, lp: LinearProgram, x: np.ndarray) -> None:
    """Start ``h``'s next simplex solve from ``x``, an optimal plan of ``lp`` (any solver's).

    HiGHS builds a basis from the primal values (crossover-like) instead of starting from
    the slack basis: at the national size the first solve takes about 660 iterations
    (0.02 s) instead of 6,400 (0.4 s). The optimum is the same LP's; only the path differs.
    """
    values = np.asarray(x, dtype=float)
    solution = highspy.HighsSolution()
    solution.col_value = values
    solution.row_value = lp.matrix @ values
    solution.value_valid = True
    h.setSolution(solution)


@contextmanager
def _silenced_stdout() -> Iterator[None]:
    """Send C-level stdout to /dev/null for a moment (it would break ``--json``)."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 1)
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


#: Seconds the main thread sleeps between looks at the solver thread: how soon Ctrl-C is
#: noticed (Python runs signal handlers only in the main thread, between its own steps).
POLL_S = 0.1
#: Seconds to wait, after Ctrl-C, for HiGHS to stop at its next interrupt check. Simplex
#: and interior point stop within 0.05 s on a quiet machine (measured at 40,000 counties)
#: and within a few seconds on a loaded one; PDLP never checks, so after this the solver
#: thread is left running and the process must end without C++ clean-up
#: (``solve_left_running``).
CANCEL_WAIT_S = 2.0

#: Solves that did not stop in CANCEL_WAIT_S after Ctrl-C (their C++ threads still run).
_LEFT_RUNNING: list[highspy.Highs] = []


#: Threads of our own that run HiGHS beside the main thread (the unique prices, PriceJob).
_BESIDE: list[threading.Thread] = []


def run_beside(thread: threading.Thread) -> None:
    """Start ``thread``, a daemon that runs HiGHS, and count it in ``solve_left_running``."""
    _BESIDE[:] = [t for t in _BESIDE if t.is_alive()]
    _BESIDE.append(thread)
    thread.start()


def solve_left_running() -> bool:
    """Whether a HiGHS solve still runs after Ctrl-C: a process ending normally then would
    abort in HiGHS's thread clean-up ("terminate called without an active exception"),
    so the command line ends with ``os._exit`` instead."""
    return any(h.is_solver_running() for h in _LEFT_RUNNING) or any(t.is_alive() for t in _BESIDE)


def run_highs(h: highspy.Highs) -> None:
    """``h.run()`` that Ctrl-C stops within a fraction of a second (KeyboardInterrupt).

    ``Highs.run()`` blocks in C++ where Python cannot deliver the interrupt, so the
    solve runs in highspy's solver thread (``startSolve``) while this thread waits in
    short steps; on KeyboardInterrupt it asks HiGHS to stop (``cancelSolve``, seen by
    HiGHS's simplex and interior-point interrupt callbacks) and re-raises. Off the main
    thread, where Ctrl-C never arrives, it is plain ``run()`` (highspy's solver-thread
    bookkeeping is shared by all Highs objects, so two threads could not both use it).
    """
    if threading.current_thread() is not threading.main_thread():
        h.run()
        return
    h.HandleUserInterrupt = True
    h.startSolve()
    try:
        while not h.wait(POLL_S)[0]:
            pass
    except KeyboardInterrupt:
        h.cancelSolve()
        if not h.wait(CANCEL_WAIT_S)[0]:
            _LEFT_RUNNING.append(h)
        raise


class HighsBackend(Backend):
    """HiGHS dual simplex, interior point (``ipm``) or ``pdlp``, via highspy.

    ``auto`` (the default) is simplex for small and mid-size LPs and interior
    point for large ones (``AUTO_IPM_COLUMNS``). Row prices are dZ/d(rhs) for a
    maximisation, as HiGHS reports them; simplex also gives right-hand-side ranging.
    """

    name = "highs"
    default_solver = "auto"
    solvers = {
        "auto": Capabilities(**_FULL),
        "simplex": Capabilities(**_FULL),
        "ipm": Capabilities(duals=True, iis=True),
        "pdlp": Capabilities(duals=True, iis=True),
    }

    def solve(self, lp: LinearProgram, solver: str, time_limit_s: float | None) -> Solution:
        chosen = None
        if solver == "auto":
            solver = chosen = "ipm" if lp.shape[1] >= AUTO_IPM_COLUMNS else "simplex"
        caps = self.capabilities(solver)
        watch = Stopwatch()
        with watch("load"):
            h = load_highs(lp, time_limit_s, solver)
        with watch("solve"):
            run_highs(h)
        return read_solution(h, watch, chosen, ranging=caps.ranging)


def read_solution(
    h: highspy.Highs, watch: Stopwatch, solver: str | None, ranging: bool = False
) -> Solution:
    """The Solution of a HiGHS run that has ended: its status and HiGHS's words for it,
    and at an optimum Z, x, the duals (and the ranging), read back timed as ``read``.

    One reading for the backend and the sweep's warm solver (optimizer/sweep/warm.py).
    """
    status = _STATUS.get(h.getModelStatus(), Status.ERROR)
    solution = Solution(
        status,
        timings=watch.timings,
        solver=solver,
        message=h.modelStatusToString(h.getModelStatus()),
    )
    if status is Status.OPTIMAL:
        with watch("read"):
            sol = h.getSolution()
            solution.objective = float(h.getInfo().objective_function_value)
            solution.x = np.asarray(sol.col_value, dtype=float)
            solution.row_duals = np.asarray(sol.row_dual, dtype=float)
            solution.col_duals = np.asarray(sol.col_dual, dtype=float)
            if ranging:
                solution.ranging = _ranging(h)
    return solution


def _ranging(h: highspy.Highs) -> dict[str, np.ndarray] | None:
    status, ranging = h.getRanging()
    if status != highspy.HighsStatus.kOk:
        return None
    return {
        "row_lo": np.asarray(ranging.row_bound_dn.value_, dtype=float),
        "row_hi": np.asarray(ranging.row_bound_up.value_, dtype=float),
        # for a column at a bound: the range of that bound over which its price holds
        "col_lo": np.asarray(ranging.col_bound_dn.value_, dtype=float),
        "col_hi": np.asarray(ranging.col_bound_up.value_, dtype=float),
    }
