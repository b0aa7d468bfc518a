"""Solve a sweep's scenarios in chunks: serially in this process, or on Dask workers.

A chunk is a fixed run of consecutive scenarios. Each worker (this process, or each Dask
worker thread) builds the dataset's model once and keeps one warm HiGHS model
(:class:`WarmSolver`); every chunk starts by loading its first scenario afresh from the
base scenario's basis and then re-solves the rest warm. A chunk's answers therefore do
not depend on where or after what it ran: serial, Dask and resumed sweeps agree exactly.
Each scenario's solution becomes tables through ``solve.assemble`` — the same step a
plain ``solve`` takes — with ``tables="allocation"``.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from models.results import Status
from models.scenario import TieBreakMethod
from optimizer.data.dataset import Dataset
from optimizer.formulation.build import Formulation, build
from optimizer.solve import SolverChoice, assemble, crossing_bounds, second_stage
from optimizer.solvers import get_backend
from optimizer.solvers.base import Solution
from optimizer.sweep.spec import Point, apply_point
from optimizer.sweep.warm import WARM_BACKEND, WARM_SOLVER, WarmSolver

#: Scenarios per chunk: the unit of work a worker takes and of what a resumed sweep skips.
DEFAULT_CHUNK_SIZE = 25
#: Bump when a record's content changes: chunks stored by another format are solved again.
RECORD_FORMAT = 2

#: A scenario's answer, as plain data (it travels from Dask workers and into the resume area).
Record = dict[str, Any]
#: Called with a chunk's index and its records as each chunk finishes.
ChunkDone = Callable[[int, list[Record]], None]

_LOCAL = threading.local()


def chunked(items: Sequence[Point], size: int) -> list[list[Point]]:
    """Consecutive runs of ``size`` points (the last may be shorter)."""
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


def dataset_token(dataset: Dataset) -> str:
    """SHA-256 of the dataset's tables and scenario: the same data, the same token."""
    h = hashlib.sha256()
    for table in (dataset.counties, dataset.groups, dataset.members, dataset.transfer_costs):
        h.update(b"\x00" if table is None else table.to_csv(index=False).encode())
    h.update(dataset.scenario.model_dump_json().encode())
    return h.hexdigest()


def chunk_key(token: str, chunk: Sequence[Point]) -> str:
    """Names a chunk's stored records: dataset, scenarios, format, solver."""
    h = hashlib.sha256(f"{RECORD_FORMAT}:{WARM_BACKEND}/{WARM_SOLVER}:{token}".encode())
    for point in chunk:
        h.update(point.digest().encode())
    return h.hexdigest()[:32]


def solve_chunk(dataset: Dataset, token: str, chunk: Sequence[Point]) -> list[Record]:
    """Every scenario of one chunk, warm on this worker's model (built once per worker)."""
    solver, base = _worker_solver(dataset, token)
    return [
        solve_point(dataset, point, solver, first=i == 0, base=base)
        for i, point in enumerate(chunk)
    ]


def _worker_solver(dataset: Dataset, token: str) -> tuple[WarmSolver, Formulation]:
    """This thread's WarmSolver for the dataset, holding the base scenario's basis, and the
    base formulation (built once per worker)."""
    held = getattr(_LOCAL, "solver", None)
    if held is not None and held[0] == token:
        return held[1], held[2]
    solver = WarmSolver(dataset.scenario.solver.time_limit_s)
    base = build(dataset)
    if crossing_bounds(base.lp) is None and solver.solve(base.lp).status is Status.OPTIMAL:
        solver.remember_basis()
    _LOCAL.solver = (token, solver, base)
    return solver, base


#: Scenario keys that enter the LP in one known place only, so a point that sets nothing
#: else takes the base LP with that place changed instead of a rebuild: key → (row
#: family, bound). Tested against ``build`` (tests/test_sweep.py).
RHS_KEYS = {"quota.total": ("quota_pool", "ub")}


def formulation_for(
    dataset: Dataset, point: Point, base: Formulation | None
) -> tuple[Dataset, Formulation]:
    """The scenario's dataset and LP: the base LP with a right-hand side changed when the
    point sets only RHS_KEYS, else rebuilt by the vectorised builder. A phased plan is
    always rebuilt: quota.total also moves its period pools (split by years, MODEL.md §7)
    and their quota_pool@<end> rows."""
    ds = apply_point(dataset, point)
    overrides = point.overrides
    phased = base is not None and base.phased is not None
    if base is None or phased or point.factors or not overrides or set(overrides) - RHS_KEYS.keys():
        return ds, build(ds)
    constraints = base.lp.constraints.copy()
    for key, value in overrides.items():
        family, side = RHS_KEYS[key]
        constraints.loc[base.lp.rows[family], side] = float(value)
    lp = replace(base.lp, constraints=constraints)
    return ds, replace(base, lp=lp, dataset=ds)


def solve_point(
    dataset: Dataset,
    point: Point,
    solver: WarmSolver,
    first: bool,
    base: Formulation | None = None,
) -> Record:
    """One scenario: apply it, build its LP, solve warm, then the steps a plain ``solve``
    takes after its LP solve: the tie-break (``second_stage``, MODEL.md §6, as the
    scenario's ``[solver] tie_break`` says) and ``assemble`` (allocation tables only)."""
    ds, f = formulation_for(dataset, point, base)
    if crossing_bounds(f.lp) is not None:
        solution = Solution(Status.INFEASIBLE)
    else:
        if first:
            solver.restart(f.lp)
        solution = solver.solve(f.lp)
    limit = ds.scenario.solver.time_limit_s
    choice = SolverChoice(get_backend(WARM_BACKEND), WARM_SOLVER, limit, "sweep: warm re-solve")
    method = TieBreakMethod(ds.scenario.solver.tie_break)
    tie = second_stage(f, solution, WARM_BACKEND, WARM_SOLVER, choice, method)
    result = assemble(f, solution, WARM_BACKEND, WARM_SOLVER, tie, tables="allocation")
    record: Record = {"digest": point.digest(), "status": result.status.value}
    if result.status is not Status.OPTIMAL:
        return record | {"objective": None}
    head, equity, counties = result.summary.headline, result.summary.equity, result.counties
    demand, allocation = float(head.demand_ha), float(head.allocation_ha)
    return record | {
        "objective": float(result.summary.objective),
        "quota_used": float(head.quota_used_ha),
        "allocation_ha": allocation,
        "demand_ha": demand,
        "satisfaction": allocation / demand if demand > 0 else float("nan"),
        "gini_allocation_per_resident": _number(equity.gini_allocation_per_resident),
        "gini_satisfaction": _number(equity.gini_satisfaction),
        "allocation": counties["allocation"].to_numpy(float).tolist(),
        "demand": counties["demand"].to_numpy(float).tolist(),
        "binding": result.binding_text().astype(str).tolist(),
    }


def _number(value: float | None) -> float:
    return float("nan") if value is None else float(value)


# --------------------------------------------------------------------------- executors


def run_serial(
    dataset: Dataset, token: str, chunks: dict[int, list[Point]], done: ChunkDone
) -> None:
    """Solve the chunks one after the other in this process."""
    for index, chunk in chunks.items():
        done(index, solve_chunk(dataset, token, chunk))


def run_dask(
    client: Any, dataset: Dataset, token: str, chunks: dict[int, list[Point]], done: ChunkDone
) -> None:
    """Solve the chunks on a Dask cluster: the dataset goes once to every worker."""
    from distributed import as_completed

    if not chunks:
        return
    shared = client.scatter(dataset, broadcast=True, hash=False)
    futures = {
        client.submit(solve_chunk, shared, token, chunk, pure=False): i
        for i, chunk in chunks.items()
    }
    try:
        for future in as_completed(futures):
            done(futures[future], future.result())
    finally:
        for future in futures:
            future.cancel()


def county_arrays(records: Sequence[Record], key: str) -> Iterator[np.ndarray]:
    """The per-county arrays of ``key`` of the optimal records."""
    for r in records:
        if r.get(key) is not None:
            yield np.asarray(r[key])
