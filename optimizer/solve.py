"""Solve a dataset: build the LP, hand it to a backend, read the answer back.

This is the Python API's main entry point; it never prints, exits or touches the
terminal. Stage times land in ``Result.summary.timings``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from models.results import Status, Summary
from models.scenario import Scenario
from optimizer.analysis.explain import annotate
from optimizer.analysis.tables import (
    Result,
    binding_flags,
    county_table,
    flow_table,
    group_table,
    headline,
    lp_size,
    marginal_table,
    target_table,
)
from optimizer.data.dataset import Dataset
from optimizer.formulation.build import Formulation, build
from optimizer.solvers import Backend, Solution, Stopwatch, get_backend


def solve(
    dataset: Dataset | str | Path,
    *,
    backend: str | None = None,
    solver: str | None = None,
    time_limit_s: float | None = None,
    overrides: dict[str, Any] | None = None,
    linkage_form: str = "auto",
) -> Result:
    """Solve the allocation LP of MODEL.md §3 and return every table of §4.

    ``dataset`` is a loaded Dataset or a dataset folder. ``backend``, ``solver``
    and ``time_limit_s`` override the scenario's [solver] section; ``overrides``
    are dotted scenario keys (``{"quota.total": 50000}``).
    """
    watch = Stopwatch()
    if not isinstance(dataset, Dataset):
        from optimizer.data.read import load_dataset

        with watch("read"):
            dataset = load_dataset(dataset)
    if overrides:
        dataset = dataset.with_scenario(dataset.scenario.with_overrides(overrides))
    engine, solver_name, limit = choose_solver(dataset.scenario, backend, solver, time_limit_s)
    with watch("build"):
        formulation = build(dataset, linkage_form=linkage_form)
    solution = engine.solve(formulation.lp, solver_name, limit)
    for stage, seconds in solution.timings.items():
        watch.timings[f"solver_{stage}"] = seconds
    with watch("extract"):
        result = assemble(formulation, solution, engine.name, solution.solver or solver_name)
    result.summary.timings = watch.timings
    return result


def choose_solver(
    sc: Scenario,
    backend: str | None = None,
    solver: str | None = None,
    time_limit_s: float | None = None,
) -> tuple[Backend, str, float]:
    """The backend, solver name and time limit of a solve: arguments over the scenario."""
    engine = get_backend(backend or sc.solver.backend)
    # The scenario's solver name belongs to the scenario's backend.
    same_backend = engine.name == sc.solver.backend
    solver_name = engine.check_solver(
        solver or (sc.solver.name if same_backend else None) or engine.default_solver
    )
    limit = time_limit_s if time_limit_s is not None else sc.solver.time_limit_s
    return engine, solver_name, limit


def assemble(f: Formulation, solution: Solution, backend: str, solver: str) -> Result:
    """Turn a solver's answer into the Result tables (empty tables when not optimal)."""
    ds = f.dataset
    summary = Summary(
        status=solution.status,
        objective=solution.objective,
        backend=backend,
        solver=solver,
        scenario=ds.scenario,
        lp=lp_size(f),
        warnings=[str(w) for w in ds.warnings],
        message=solution.message,
        duals=solution.row_duals is not None,
    )
    result = Result(summary=summary, formulation=f, solution=solution)
    if solution.status is Status.INFEASIBLE:
        from optimizer.analysis.diagnose import (
            attach_diagnosis,  # HiGHS, scipy.sparse.csgraph: on need
        )

        attach_diagnosis(result)
    if solution.status is not Status.OPTIMAL or solution.x is None:
        return result
    x = solution.x
    result.counties = county_table(f, x)
    result.binding = binding_flags(f, x)
    result.groups = group_table(f, result.counties)
    result.flows = flow_table(f, x)
    result.targets = target_table(f, result.counties)
    result.marginals = marginal_table(f, solution)
    summary.headline = headline(result.counties, result.targets, f)
    annotate(result)
    return result
