"""OR-Tools ``model_builder``, filled in bulk from the sparse form."""

from __future__ import annotations

import numpy as np
from ortools.linear_solver.python import model_builder as mb
from ortools.linear_solver.python import model_builder_helper as mbh

from models.results import Status
from optimizer.formulation.lp import LinearProgram
from optimizer.solvers.base import Backend, Capabilities, Solution, Stopwatch

_STATUS = {
    mbh.SolveStatus.OPTIMAL: Status.OPTIMAL,
    mbh.SolveStatus.INFEASIBLE: Status.INFEASIBLE,
    mbh.SolveStatus.UNBOUNDED: Status.UNBOUNDED,
}


#: Solver-specific settings: HiGHS prints a banner on stdout unless told not to (it
#: would break ``--json``); PDLP's default tolerances leave rows off by ~1e-2 ha,
#: tightened so its answers pass the same 1e-6 checks as simplex.
_QUIET = {
    "highs": "output_flag=false",
    "pdlp": "termination_criteria { simple_optimality_criteria { "
    "eps_optimal_relative: 1e-9 eps_optimal_absolute: 1e-9 } }",
}


class OrtoolsBackend(Backend):
    """GLOP (simplex), PDLP (first-order) and HiGHS through OR-Tools.

    HiGHS through ``model_builder`` hands back the row activities where the dual
    values should be and no reduced costs (checked against a hand-computed LP in
    tests/test_backends.py), so that pair reports no prices.
    """

    name = "ortools"
    default_solver = "glop"
    solvers = {
        "glop": Capabilities(duals=True),
        "pdlp": Capabilities(duals=True),
        "highs": Capabilities(duals=False),
    }

    def solve(self, lp: LinearProgram, solver: str, time_limit_s: float | None) -> Solution:
        caps = self.capabilities(solver)
        watch = Stopwatch()
        with watch("load"):
            model = mb.Model()
            model.helper.fill_model_from_sparse_data(
                lp.col_lb, lp.col_ub, lp.objective, lp.row_lb, lp.row_ub, lp.matrix
            )
            model.helper.set_maximize(lp.maximize)
            helper = mbh.ModelSolverHelper(solver)
            helper.enable_output(False)
            if solver in _QUIET:
                helper.set_solver_specific_parameters(_QUIET[solver])
            if time_limit_s is not None:
                helper.set_time_limit_in_seconds(float(time_limit_s))
        with watch("solve"):
            helper.solve(model.helper)
        raw = helper.status()
        status = _STATUS.get(raw)
        if status is None:  # stopped early: by our time limit, or by a solver failure
            stopped = raw in (mbh.SolveStatus.NOT_SOLVED, mbh.SolveStatus.FEASIBLE)
            out_of_time = time_limit_s is not None and watch.timings["solve"] >= time_limit_s
            status = Status.TIME_LIMIT if stopped and out_of_time else Status.ERROR
        solution = Solution(status, timings=watch.timings, message=helper.status_string())
        if status is Status.OPTIMAL and helper.has_solution():
            with watch("read"):
                solution.objective = float(helper.objective_value())
                solution.x = np.asarray(helper.variable_values(), dtype=float)
                if caps.duals:
                    solution.row_duals = np.asarray(helper.dual_values(), dtype=float)
                    solution.col_duals = np.asarray(helper.reduced_costs(), dtype=float)
        return solution
