"""Solve a dataset: build the LP, hand it to a backend, read the answer back.

This is the Python API's main entry point; it never prints, exits or touches the
terminal. Stage times land in ``Result.summary.timings``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

import numpy as np

from models.results import Status, Summary, TieBreakInfo
from models.scenario import Scenario, TieBreakMethod
from optimizer.analysis.explain import annotate
from optimizer.analysis.periods import period_table
from optimizer.analysis.prices import PriceJob
from optimizer.analysis.tables import (
    Result,
    binding_flags,
    county_table,
    flow_table,
    group_table,
    headline,
    lp_size,
    marginal_table,
    project_table,
    target_table,
)
from optimizer.analysis.tiebreak import TieBreak, skipped, tie_break
from optimizer.data.dataset import Dataset
from optimizer.data.problems import UsageError
from optimizer.formulation.build import Formulation, build
from optimizer.formulation.lp import LinearProgram
from optimizer.solvers import Backend, Solution, Stopwatch, get_backend
from optimizer.solvers.base import AUTO_IPM_COLUMNS

#: From this many LP columns the default is HiGHS's interior point instead of its dual
#: simplex. Measured (docs/performance.md "Default solver, re-measured", 2 cores): at
#: national scale (23,586 columns) simplex 0.60 s, interior point 0.53–0.59 s (OR-Tools
#: GLOP 1.15–1.20 s); at 5,000 counties (41,323 columns) 1.73–1.77 s against 1.15 s, at
#: the township scale (329,397 columns) minutes against 25 s. HiGHS's own ``auto``
#: switches at the same size; simplex below it also gives right-hand-side ranging.
LARGE_LP_COLUMNS = AUTO_IPM_COLUMNS

#: What a run needs from its solver: prices (duals, every solve) or prices with
#: right-hand-side ranging (``explain`` of a dataset).
Needs = Literal["prices", "ranging"]

#: Backends tried in this order when the scenario names a solver but no backend.
BACKEND_ORDER = ("ortools", "highs", "pulp")


@dataclass(frozen=True)
class SolverChoice:
    """The backend, solver and time limit of a solve, and why (for summary.json and reports)."""

    backend: Backend
    solver: str
    time_limit_s: float
    reason: str
    notes: tuple[str, ...] = ()


def solve(
    dataset: Dataset | str | Path,
    *,
    backend: str | None = None,
    solver: str | None = None,
    time_limit_s: float | None = None,
    overrides: dict[str, Any] | None = None,
    linkage_form: str = "auto",
    needs: Needs = "prices",
    tie_break_method: TieBreakMethod | str | None = None,
    fix: Mapping[str, float] | None = None,
) -> Result:
    """Solve the allocation LP of MODEL.md §3 and return every table of §4.

    ``dataset`` is a loaded Dataset or a dataset folder. ``backend``, ``solver``
    and ``time_limit_s`` override the scenario's [solver] section; ``overrides``
    are dotted scenario keys (``{"quota.total": 50000}``), checked like ``--set``
    (a bad key or value raises DataError naming it). With no backend named
    anywhere, the backend is chosen from the LP's size and ``needs``
    (:func:`choose_solver`); the choice and its reason are in ``summary``.
    ``tie_break_method`` overrides ``[solver] tie_break`` (MODEL.md §6). ``fix`` holds
    counties at exactly so many ha of new land (``{"140181": 300, "古交市": 120}``, by
    county_id or unique name; MODEL.md §8 locks), as ``--fix`` does: see
    ``Dataset.with_fixes``.
    """
    watch = Stopwatch()
    if not isinstance(dataset, Dataset):
        from optimizer.data.read import load_dataset

        with watch("read"):
            dataset = load_dataset(dataset, overrides)
    elif overrides:
        dataset = dataset.with_overrides(overrides)
    if fix:
        dataset = dataset.with_fixes(fix)
    sc = dataset.scenario
    choose_solver(sc, backend, solver, time_limit_s, columns=0, needs=needs)  # names first
    with watch("build"):
        formulation = build(dataset, linkage_form=linkage_form)
    choice = choose_solver(
        sc, backend, solver, time_limit_s, columns=formulation.lp.shape[1], needs=needs
    )
    engine = choice.backend
    crossing = crossing_bounds(formulation.lp)
    if crossing is not None:  # every solver would refuse it, each in its own words
        solution = Solution(Status.INFEASIBLE)
        notes = (*choice.notes, crossing)
    else:
        solution = engine.solve(formulation.lp, choice.solver, choice.time_limit_s)
        notes = choice.notes
    for stage, seconds in solution.timings.items():
        watch.timings[f"solver_{stage}"] = seconds
    solver_name = solution.solver or choice.solver
    prices = start_prices(formulation, solution)  # beside the tie-break and the tables
    method = TieBreakMethod(tie_break_method or sc.solver.tie_break)
    with watch("tie_break"):
        tie = second_stage(formulation, solution, engine.name, solver_name, choice, method)
    if isinstance(tie, TieBreakInfo) and method is TieBreakMethod.NONE:
        del watch.timings["tie_break"]
    with watch("extract"):
        result = assemble(formulation, solution, engine.name, solver_name, tie, prices=prices)
    result.summary.timings = watch.timings
    result.summary.solver_reason = choice.reason
    result.summary.notes = list(notes)
    return result


#: Slack on a lower bound above its upper bound, relative to the bound (ha): rounding
#: in the data must not count as a crossing.
CROSSING_TOLERANCE = 1e-9


def crossing_bounds(lp: LinearProgram) -> str | None:
    """Why the LP is infeasible before any solver runs: lower bounds above upper bounds.

    A guaranteed minimum above a county's room under the cap, the boundary or basic
    farmland is such a bound. Solvers refuse it in their own words (OR-Tools:
    "Infeasible bounds … Variable proto", CBC: an error); landquota says it once, as
    an infeasible scenario, and the diagnosis names the county and the levers.
    """

    def crossed(lb: np.ndarray, ub: np.ndarray) -> int:
        slack = CROSSING_TOLERANCE * np.maximum(1.0, np.abs(ub))
        return int(np.count_nonzero(lb > ub + slack))

    n = crossed(lp.col_lb, lp.col_ub) + crossed(lp.row_lb, lp.row_ub)
    if n == 0:
        return None
    what = "limit lies" if n == 1 else "limits lie"
    return (
        f"{n:,} lower {what} above the upper one (a guaranteed minimum above the room "
        "left for it): the scenario is infeasible, found before solving; no solver ran"
    )


def choose_solver(
    sc: Scenario,
    backend: str | None = None,
    solver: str | None = None,
    time_limit_s: float | None = None,
    *,
    columns: int,
    needs: Needs = "prices",
) -> SolverChoice:
    """The backend, solver and time limit of a solve: arguments over the scenario over size.

    A backend or solver named (argument or scenario) is used as named; a solver
    named without a backend runs on the first backend of BACKEND_ORDER that has
    it. Otherwise the LP's size decides (LARGE_LP_COLUMNS): HiGHS dual simplex below
    (prices with ranges), HiGHS interior point with crossover above (prices, no ranges).
    """
    limit = time_limit_s if time_limit_s is not None else sc.solver.time_limit_s
    named_backend = backend or (None if sc.solver.backend == "auto" else sc.solver.backend)
    # The scenario's solver name belongs to the scenario's backend.
    same_backend = named_backend is None or named_backend == sc.solver.backend
    named_solver = solver or (sc.solver.name if same_backend else None)
    large = columns >= LARGE_LP_COLUMNS
    size = f"{columns:,} LP columns {'≥' if large else '<'} {LARGE_LP_COLUMNS:,}"
    if named_backend is not None:
        engine = get_backend(named_backend)
        name = engine.check_solver(named_solver or engine.default_solver)
        how = "named" if named_solver else "the backend's default solver"
        reason = f"{engine.name}/{name}: {how}"
        notes: tuple[str, ...] = ()
        if large and engine.name == "ortools" and name == "glop":
            notes = (
                f"GLOP takes minutes on {columns:,} LP columns; --backend highs (interior "
                "point) is several times faster (docs/performance.md).",
            )
        return SolverChoice(engine, name, limit, reason, notes)
    if named_solver is not None:
        for candidate in BACKEND_ORDER:
            engine = get_backend(candidate)
            if named_solver in engine.solvers:
                reason = f"{engine.name}/{named_solver}: solver named, first backend that has it"
                return SolverChoice(engine, named_solver, limit, reason)
        known = sorted({n for b in BACKEND_ORDER for n in get_backend(b).solvers})
        raise UsageError(f"no backend has a solver {named_solver!r} (choose: {', '.join(known)})")
    if large:
        engine, name = get_backend("highs"), "ipm"
        reason = f"highs/ipm: chosen by size ({size}; interior point is the fastest there)"
        if needs == "ranging":
            reason += "; prices come without ranges at this size (ranging needs simplex)"
    else:
        engine, name = get_backend("highs"), "simplex"
        reason = f"highs/simplex: chosen by size ({size}; dual simplex gives prices with ranges)"
    return SolverChoice(engine, name, limit, reason)


#: What ``assemble`` fills: every table of MODEL.md §4 (``full``, a run), or only the
#: allocation, its binding flags, the targets, the headline and the equity Ginis
#: (``allocation``, a sweep's scenario: no flows, prices, explanation or diagnosis).
Tables = Literal["full", "allocation"]


def second_stage(
    f: Formulation,
    solution: Solution,
    backend: str,
    solver: str,
    choice: SolverChoice,
    method: TieBreakMethod,
) -> TieBreak | TieBreakInfo:
    """The tie-break of MODEL.md §6 after an optimal LP, or why it did not run."""
    if method is TieBreakMethod.NONE:
        return skipped(method, "[solver] tie_break = none: the LP solver's own vertex")
    if solution.status is not Status.OPTIMAL or solution.x is None:
        return skipped(method, f"the LP ended {solution.status.value}: no optimal face")
    tie = tie_break(f, solution, backend, solver, choice.time_limit_s)
    if tie is None:
        return skipped(method, "the quadratic stage did not solve: the LP solver's own vertex")
    return tie


def start_prices(f: Formulation, solution: Solution) -> PriceJob | None:
    """The unique prices of an optimal LP solve, started on their own thread (``PriceJob``)
    so that the tie-break and the tables overlap them; None when there is no optimum."""
    if solution.status is not Status.OPTIMAL or solution.x is None:
        return None
    return PriceJob(f, solution.x)


def assemble(
    f: Formulation,
    solution: Solution,
    backend: str,
    solver: str,
    tie: TieBreak | TieBreakInfo | None = None,
    tables: Tables = "full",
    prices: PriceJob | None = None,
) -> Result:
    """Turn a solver's answer into the Result tables (empty tables when not optimal).

    With a ``TieBreak`` the tables describe its plan (unique county figures, flows by the
    rule of ``pairs_from_totals``) and Z is that plan's; prices stay the LP's.
    ``tables="allocation"`` (a sweep's scenario) fills only the allocation tables.
    ``prices``: the unique prices started by ``start_prices`` (None: computed here).
    """
    ds = f.dataset
    final = tie if isinstance(tie, TieBreak) else None
    summary = Summary(
        status=solution.status,
        objective=final.objective if final else solution.objective,
        backend=backend,
        solver=solver,
        scenario=ds.scenario,
        lp=lp_size(f),
        warnings=[str(w) for w in ds.warnings],
        message=solution.message,
        duals=solution.row_duals is not None,
        tie_break=final.info if final else tie,
    )
    lp_solution = solution
    if final is not None:
        solution = replace(solution, x=final.x, objective=final.objective)
    result = Result(summary=summary, formulation=f, solution=solution)
    if tables == "allocation":
        return _allocation_only(result, f, solution, final)
    if solution.status is Status.INFEASIBLE:
        from optimizer.analysis.diagnose import (
            attach_diagnosis,  # HiGHS, scipy.sparse.csgraph: on need
        )

        attach_diagnosis(result)
    if solution.status is not Status.OPTIMAL or solution.x is None:
        return result
    x = solution.x
    figures = final.figures if final else None
    result.periods = period_table(f, x, figures) if f.phased is not None else result.periods
    periods = result.periods if f.phased is not None else None
    result.counties = county_table(f, x, figures, periods)
    result.binding = binding_flags(f, x)
    result.groups = group_table(f, result.counties)
    result.flows = flow_table(f, x, result.counties if final else None, periods)
    result.targets = target_table(f, result.counties, periods)
    rates = prices.result() if prices is not None else None
    result.marginals = marginal_table(f, lp_solution, rates)
    result.projects = project_table(f, result.counties)
    summary.headline = headline(result.counties, result.targets, f, periods, result.marginals)
    annotate(result)
    return result


def _allocation_only(
    result: Result, f: Formulation, solution: Solution, final: TieBreak | None
) -> Result:
    """The tables a sweep keeps per scenario, computed exactly as a full solve does."""
    from optimizer.analysis.equity import equity_indicators

    if solution.status is not Status.OPTIMAL or solution.x is None:
        return result
    x = solution.x
    figures = final.figures if final else None
    periods = period_table(f, x, figures) if f.phased is not None else None
    result.counties = county_table(f, x, figures, periods)
    result.binding = binding_flags(f, x)
    result.targets = target_table(f, result.counties, periods)
    result.summary.headline = headline(result.counties, result.targets, f, periods)
    population = f.dataset.counties["pop_2020"].to_numpy(float)
    result.summary.equity = equity_indicators(result.counties, population)
    return result
