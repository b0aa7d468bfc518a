"""PuLP: readable model objects, and any solver PuLP knows (CBC, HiGHS, Gurobi, …).

The PuLP model is built from the same sparse form as every backend, so the
variables and constraints carry the LP's readable names (``quota[140105]``).
"""

from __future__ import annotations

import numpy as np
import pulp

from models.results import Status
from optimizer.data.problems import UsageError
from optimizer.formulation.lp import LinearProgram
from optimizer.solvers.base import Backend, Capabilities, Solution, Stopwatch

_STATUS = {
    pulp.LpStatusOptimal: Status.OPTIMAL,
    pulp.LpStatusInfeasible: Status.INFEASIBLE,
    pulp.LpStatusUnbounded: Status.UNBOUNDED,
}
#: Our solver names → PuLP solver classes.
_SOLVERS = {"cbc": "PULP_CBC_CMD", "highs": "HiGHS"}


class PulpBackend(Backend):
    """CBC (bundled with PuLP) or HiGHS (highspy) through PuLP; other PuLP solvers by name."""

    name = "pulp"
    default_solver = "cbc"
    solvers = {"cbc": Capabilities(duals=True), "highs": Capabilities(duals=True)}
    #: PuLP's HiGHS hands back prices of the minimisation it solves (−Z); the
    #: hand-computed LP in tests/test_backends.py pins each solver's sign.
    dual_sign_when_maximizing = {"cbc": 1.0, "highs": -1.0}

    def check_solver(self, solver: str) -> str:
        if solver in self.solvers:
            return solver
        if solver in pulp.listSolvers(onlyAvailable=True):
            return solver
        known = ", ".join([*self.solvers, *pulp.listSolvers(onlyAvailable=True)])
        raise UsageError(f"backend pulp has no solver {solver!r} (available: {known})")

    def capabilities(self, solver: str) -> Capabilities:
        return self.solvers.get(self.check_solver(solver), Capabilities(duals=False))

    def solve(self, lp: LinearProgram, solver: str, time_limit_s: float | None) -> Solution:
        caps = self.capabilities(solver)
        watch = Stopwatch()
        with watch("load"):
            problem, variables, constraints = to_pulp(lp)
            engine = pulp.getSolver(_SOLVERS.get(solver, solver), msg=False, timeLimit=time_limit_s)
        with watch("solve"):
            try:
                code = problem.solve(engine)
            except pulp.PulpSolverError as exc:
                return Solution(Status.ERROR, timings=watch.timings, message=str(exc))
        status = _STATUS.get(code, Status.ERROR)
        if status is Status.ERROR and time_limit_s is not None:
            status = Status.TIME_LIMIT if code == pulp.LpStatusNotSolved else status
        solution = Solution(status, timings=watch.timings, message=pulp.LpStatus[code])
        if status is Status.OPTIMAL:
            with watch("read"):
                solution.x = np.array([v.varValue or 0.0 for v in variables])
                solution.objective = float(lp.objective @ solution.x)
                if caps.duals:
                    sign = self.dual_sign_when_maximizing[solver] if lp.maximize else 1.0
                    solution.row_duals = sign * np.array([c.pi or 0.0 for c in constraints])
                    solution.col_duals = sign * np.array([v.dj or 0.0 for v in variables])
        return solution


def to_pulp(lp: LinearProgram) -> tuple[pulp.LpProblem, list, list]:
    """A PuLP problem equal to ``lp``: one LpVariable per column, one constraint per row."""
    names = lp.variable_names()
    lb, ub = lp.col_lb, lp.col_ub
    sense = pulp.LpMaximize if lp.maximize else pulp.LpMinimize
    problem = pulp.LpProblem("landquota", sense)
    variables = [
        problem.add_variable(
            f"x{j}_{_safe(names[j])}",
            None if np.isinf(lb[j]) else lb[j],
            None if np.isinf(ub[j]) else ub[j],
        )
        for j in range(len(names))
    ]
    obj = lp.objective
    problem += pulp.LpAffineExpression([(variables[j], obj[j]) for j in np.flatnonzero(obj)])
    csr = lp.matrix
    row_names = lp.constraint_names()
    constraints = []
    for i in range(lp.shape[0]):
        start, end = csr.indptr[i], csr.indptr[i + 1]
        expr = pulp.LpAffineExpression(
            [
                (variables[j], a)
                for j, a in zip(csr.indices[start:end], csr.data[start:end], strict=True)
            ]
        )
        lo, hi = lp.row_lb[i], lp.row_ub[i]
        if lo == hi:
            con = pulp.LpConstraint(expr, pulp.LpConstraintEQ, rhs=hi)
        elif np.isinf(lo):
            con = pulp.LpConstraint(expr, pulp.LpConstraintLE, rhs=hi)
        elif np.isinf(hi):
            con = pulp.LpConstraint(expr, pulp.LpConstraintGE, rhs=lo)
        else:
            raise UsageError(f"row {row_names[i]} has two finite bounds; PuLP needs one sense")
        problem.addConstraint(con, f"r{i}_{_safe(row_names[i])}")
        constraints.append(con)
    return problem, variables, constraints


def _safe(name: str) -> str:
    """PuLP/LP-file names: ASCII letters, digits and underscores only."""
    return "".join(ch if ch.isascii() and (ch.isalnum() or ch == "_") else "_" for ch in name)
