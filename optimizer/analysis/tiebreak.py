"""The tie-break of MODEL.md §6: of the optimal plans, the one with the least T.

An LP optimum is often not unique, and two solvers return different vertices. The
second stage takes, among the plans with Z ≥ Z* − 10⁻⁹·max(1, |Z*|), the one that
minimises

    T = Σ_i (A_i² + q_i² + r_i² + s_i² + o_i² + n_i²) / m_i,   m_i = max(1, demand_i)

(o_i: indicators sent to other counties, n_i: received from them). T is strictly
convex in these county figures, so they are unique whatever solver found Z*.

How, without touching the LP (its size is what the speed targets are about):

- **The optimal face, made explicit.** For any optimal dual, complementary slackness
  says every optimal plan keeps a column with a non-zero reduced cost at its bound and
  a row with a non-zero price active. Those columns are fixed and those rows become
  equalities (``optimal_face``); what is left is the optimal face itself, and the
  Z row is kept for safety. The duals are the LP solver's when it gives exact
  (vertex) ones, else those of a HiGHS re-solve.
- **The terms.** ``county_terms`` writes T as Σ_k w_k·(L z)_k², one row of the sparse
  matrix L per squared term, over the LP's columns and the stage's own columns. The
  pairwise form has every figure as a sum of LP columns; the hub form has no q_i and
  no per-pair flows, so the stage adds q_i and n_i (what comes down from the city
  hub, split into quota and indicators) and the quota part of the city ↔ region
  arcs, with the rows that make that split a flow of each kind, and down_i ≤ A_i (a
  county neither wastes nor passes on what it receives). Its projection on the county
  figures is then the pairwise form's. Periods add every period's terms; stock adds
  z_i²/m_i; with 增存挂钩 q_i is the county's whole quota (free + linked).
- **The split of the quota** (增存挂钩 only): a second QP holds T's figures and takes the
  least Σ (q_i^link)²/m_i (``_linked_terms``, ``_held_at``, ``_split_face``).
- **The QP** over the free columns goes to Clarabel (``optimizer.solvers.qp``).

The final plan's tiers are filled in order (the optimal split of A_i, tiers being
worth less and less) and its shortfall is u_i = max(0, floor need − σ_i A_i).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import scipy.sparse as sp

from models.results import TieBreakInfo
from models.scenario import TieBreakMethod
from optimizer.formulation.build import Formulation
from optimizer.formulation.lp import LinearProgram
from optimizer.solvers import Solution, get_backend
from optimizer.solvers.base import AUTO_IPM_COLUMNS
from optimizer.solvers.qp import QP_TOLERANCE, QPResult, solve_qp

#: The plans of the tie-break have Z ≥ Z* − Z_SLACK·max(1, |Z*|) (MODEL.md §6).
Z_SLACK = 1e-9
#: The Z row of the QP is a guard only: on the face the duals fix, Z is constant. Its
#: slack is the larger of Z_SLACK and the solvers' own accuracy on Z* (CBC reports Z*
#: ~1e-8 relative above the optimum, from a point a little outside the feasible set),
#: so an optimum reported slightly too high cannot make the QP infeasible.
Z_GUARD = 1e-7
#: A reduced cost or price beyond this (objective units per ha) is non-zero: the column
#: stays at its bound, the row active on the whole optimal face. Vertex duals are exact
#: to ~1e-12; the smallest real ones here are cost differences of ~1e-3.
DUAL_TOL = 1e-7
#: Solvers whose duals are a vertex's (exact): their answer fixes the face directly.
#: PDLP's are first-order estimates and OR-Tools' HiGHS gives none: HiGHS re-solves.
EXACT_DUALS = {("ortools", "glop"), ("highs", "simplex"), ("highs", "ipm"), ("highs", "auto")}
EXACT_DUALS |= {("pulp", "cbc"), ("pulp", "highs")}
#: County figures of T, in the order of L's row blocks (allocation.csv names, except
#: ``quota``: here the county's whole quota q_i = q_i^free + q_i^link of MODEL.md §8, whose
#: free part is allocation.csv's ``quota``). ``stock_used`` is z_i (0 without stock).
#: The second stage holds the hub form's quota figures within this share of max(1, |q|)
#: of the first stage's values: room for the round-off of the first QP's answer (1e-10
#: relative), which exact equalities among the hub rows would turn into infeasibility;
#: far below the 1e-6 relative agreement the figures need (MODEL.md §6).
HELD_BAND = 1e-7
#: Clarabel's tolerances (gap and feasibility) for the first stage, tried in turn: the
#: second only when Clarabel stalls at the first (about 1 QP in 500 random cases).
QP_TOLERANCES = (QP_TOLERANCE, 1e-10)
#: The same for a phased plan (MODEL.md §7): T is nearly flat in how a county's figures
#: split between periods; at 1e-12 the national 2-period QP left a split 1.7e-3 ha from
#: its answer at 1e-13 (29 iterations against 30; 1e-14 is out of Clarabel's reach).
PHASED_TOLERANCES = (1e-13, *QP_TOLERANCES)
#: The same for the split of the quota (the second stage): its QPs are tiny and nearly
#: linear, and at 1e-12 Clarabel often stalls on them (MaxIterations on 5 of 6 random
#: cases that solve in 8–17 iterations at 1e-10). Both keep the figures far inside the
#: 1e-3 ha agreement (tests/test_tiebreak_stock.py).
SPLIT_TOLERANCES = (1e-10, 1e-8)
#: Rounds of the singleton presolve at most (each fixes the columns that the last round's
#: fixes left alone in an equality row; chains here are a few rounds long).
SINGLETON_ROUNDS = 50
#: A column an equality row fixes must lie within its bounds to this share of max(1, |v|).
SINGLETON_TOL = 1e-9
FIGURES = (
    "allocation",
    "quota",
    "reclaimed",
    "supplemented",
    "linkage_out",
    "received",
    "stock_used",
)


@dataclass(frozen=True)
class Terms:
    """T = Σ_k weights[k]·(matrix @ z)_k² over z = [LP columns, own columns].

    ``rows`` (over the same z, bounds ``rows_lb``/``rows_ub``) define the own columns
    (bounds ``own_lb``/``own_ub``); ``figures`` names the row block of each county figure.
    ``expand`` maps z to itself with some LP columns written as sums of own columns
    (the hub form's down_i = q_i + n_i): those LP columns leave the QP.
    """

    matrix: sp.csr_matrix
    weights: np.ndarray
    own_lb: np.ndarray
    own_ub: np.ndarray
    rows: sp.csr_matrix
    rows_lb: np.ndarray
    rows_ub: np.ndarray
    figures: dict[str, slice]
    expand: sp.csr_matrix
    replaced: np.ndarray  # LP columns written through ``expand``


@dataclass(frozen=True)
class TieBreak:
    """The final plan: LP columns, the unique county figures, its Z and what ran."""

    x: np.ndarray
    figures: pd.DataFrame  # one column per FIGURES name, county order
    objective: float
    info: TieBreakInfo


def tie_break(
    f: Formulation, solution: Solution, backend: str, solver: str, time_limit_s: float
) -> TieBreak | None:
    """The plan of least T on the optimal face of ``solution``; None if the QP failed.

    ``backend``/``solver`` say whose duals ``solution`` holds (exact or not). When the
    face of the run's own duals gives no solved QP (CBC's duals are those of its own
    presolved model, and can fix a column a little off the face), the face of one HiGHS
    re-solve is tried once.
    """
    exact = (backend, solver) in EXACT_DUALS
    if exact and solution.row_duals is not None and solution.col_duals is not None:
        tie = _on_face(f, solution, f"{backend}/{solver}")
        if tie is not None or (backend, solver) == ("highs", _resolver(f)):
            return tie
    engine = get_backend("highs")
    again = _resolver(f)
    reference = engine.solve(f.lp, again, time_limit_s)
    if reference.row_duals is None or reference.x is None:
        return None
    return _on_face(f, reference, f"highs/{again}")


def _solve(qp: _QP, tolerances: tuple[float, ...]) -> QPResult:
    """Clarabel on ``qp`` at each tolerance in turn until one solves it (a fixed ladder,
    so the same QP always takes the same path)."""
    answer = None
    for tolerance in tolerances:
        answer = solve_qp(qp.p, qp.g, qp.a_eq, qp.b_eq, qp.a_le, qp.b_le, tolerance)
        if answer.x is not None:
            return answer
    return answer


def _resolver(f: Formulation) -> str:
    """The HiGHS solver whose duals give the face when the run's own do not."""
    return "ipm" if f.lp.shape[1] >= AUTO_IPM_COLUMNS else "simplex"


def _on_face(f: Formulation, solution: Solution, face_from: str) -> TieBreak | None:
    """Both stages on the optimal face of ``solution`` (exact duals), or None."""
    lp = f.lp
    face = optimal_face(lp, solution)
    terms = county_terms(f, face.fixed & (face.value == 0.0))
    qp = _reduced_problem(f, terms, float(solution.objective), face)
    answer = _solve(qp, QP_TOLERANCES if f.phased is None else PHASED_TOLERANCES)
    if answer.x is None:
        return None
    z = _plan(f, terms, qp, answer.x)
    figures = _figures(terms, z, f)
    linked = _linked_terms(f, terms)
    if linked is not None:  # 增存挂钩: the split of each county's quota, second (§8)
        held = _held_at(f, terms, linked, terms.matrix @ z)
        split = _reduced_problem(f, held, float(solution.objective), _split_face(f, face, z))
        second = _solve(split, SPLIT_TOLERANCES)
        if second.x is None:
            return None
        z = _plan(f, terms, split, second.x)
    x = z[: lp.shape[1]]
    objective = float(lp.objective @ x)
    info = TieBreakInfo(
        ran=True,
        method=TieBreakMethod.QUADRATIC,
        objective_lp=float(solution.objective),
        objective=objective,
        face_from=face_from,
        fixed_columns=int(face.fixed.sum()),
        active_rows=int(face.equal.sum()),
        qp_columns=len(qp.free),
        qp_rows=int(qp.a_eq.shape[0] + qp.a_le.shape[0]),
        qp_status=answer.status,
        qp_iterations=answer.iterations,
    )
    return TieBreak(x=x, figures=figures, objective=objective, info=info)


def _plan(f: Formulation, terms: Terms, qp: _QP, answer: np.ndarray) -> np.ndarray:
    """z of the QP's answer: fixed entries, replaced LP columns as their sums, and the LP
    columns made a final plan (``final_plan``)."""
    n_lp = f.lp.shape[1]
    z = qp.z0.copy()
    z[qp.free] = answer[: len(qp.free)]  # then the lifted term columns
    z = terms.expand @ z
    z[:n_lp] = final_plan(f, z[:n_lp])
    return z


def _linked_terms(f: Formulation, terms: Terms) -> sp.csr_matrix | None:
    """Rows q_i^link (per period with periods) over z, or None without 增存挂钩.

    T counts a county's whole quota q_i = q_i^free + q_i^link (MODEL.md §8), so its split
    between the free pool and the stock-linked one can stay open on the optimal face
    (county i takes more linked quota, county j more free quota). A second stage holds
    T's figures and takes, of those plans, the least Σ (q_i^link)²/m_i: unique too.
    """
    views = [f.columns] if f.phased is None else list(f.phased.columns)
    views = [v for v in views if v.quota_linked is not None]
    if not views:
        return None
    n, width = len(f.params), terms.matrix.shape[1]
    blocks = [
        sp.csr_matrix(
            (np.ones(len(v.quota_linked)), (v.stock_counties, v.quota_linked)), shape=(n, width)
        )
        for v in views
    ]
    return sp.vstack(blocks, format="csr")


def _held_at(f: Formulation, terms: Terms, objective: sp.csr_matrix, values: np.ndarray) -> Terms:
    """Terms whose squares are ``objective``'s rows, with the quota figures of T held at
    ``values`` by rows of their own where ``_split_face`` leaves them open (hub form:
    q_i + q_i^link and n_i come down the hub arcs, which stay free). In the pairwise form
    the split rows A_i = q_i + q_i^link + b_i hold them, A_i and the arcs being fixed."""
    n = len(f.params)
    band = HELD_BAND * np.maximum(1.0, np.abs(values))
    held = np.zeros(len(values), dtype=bool)
    if f.network.pool >= 0:
        for name, block in terms.figures.items():
            if name.split("@")[0] in ("quota", "received"):
                held[block] = True
    return replace(
        terms,
        matrix=objective,
        weights=np.tile(terms.weights[:n], objective.shape[0] // max(n, 1)),
        rows=sp.vstack([terms.rows, terms.matrix[held]], format="csr"),
        rows_lb=np.concatenate([terms.rows_lb, values[held] - band[held]]),
        rows_ub=np.concatenate([terms.rows_ub, values[held] + band[held]]),
    )


def _split_face(f: Formulation, face: Face, z: np.ndarray) -> Face:
    """The first stage's face with every LP column held at ``z`` except those the split of
    a county's quota moves: q_i and q_i^link (per period and on the horizon) and, in the
    hub form, the arcs that do not leave a county (pool, hubs, down arcs)."""
    lp_width = f.lp.shape[1]
    views = [f.columns] + ([] if f.phased is None else list(f.phased.columns))
    n = len(f.params)
    tail = f.network.arcs["tail"].to_numpy()
    moving = []
    for v in views:
        moving += [c for c in (v.quota, v.quota_linked) if c is not None]
        if f.network.pool >= 0 and len(v.linkage):
            moving.append(v.linkage[tail >= n])
    free = np.zeros(lp_width, dtype=bool)
    free[np.concatenate(moving)] = True
    free &= ~face.fixed
    fixed = ~free
    value = np.where(face.fixed, face.value, z[:lp_width])
    return replace(face, fixed=fixed, value=value)


@dataclass(frozen=True)
class Face:
    """The optimal face by complementary slackness: columns held at a bound (``fixed``, at
    ``value``) and rows held at a bound (``equal``, at ``level``)."""

    fixed: np.ndarray
    value: np.ndarray
    equal: np.ndarray
    level: np.ndarray


def optimal_face(lp: LinearProgram, solution: Solution) -> Face:
    """Columns with a non-zero reduced cost and rows with a non-zero price, at the bound
    the sign of the dual points to (dZ/d(bound) > 0: the upper one)."""
    d = solution.col_duals
    lb, ub = lp.col_lb, lp.col_ub
    up = (d > DUAL_TOL) & np.isfinite(ub)  # dZ/d(upper bound) > 0: held at its upper bound
    down = (d < -DUAL_TOL) & np.isfinite(lb)
    fixed = up | down | (lb == ub)
    value = np.where(up, ub, np.where(down | (lb == ub), lb, 0.0))
    y = solution.row_duals
    row_lb, row_ub = lp.row_lb, lp.row_ub
    at_ub = (y > DUAL_TOL) & np.isfinite(row_ub)
    at_lb = (y < -DUAL_TOL) & np.isfinite(row_lb)
    equal = at_ub | at_lb | (row_lb == row_ub)
    level = np.where(at_ub, row_ub, np.where(equal, row_lb, 0.0))
    return Face(fixed, value, equal, level)


def county_terms(f: Formulation, zero: np.ndarray | None = None) -> Terms:
    """The squared terms of T for this formulation (pairwise or hub form).

    ``zero`` (optional, per LP column) marks columns that are 0 on the whole optimal face;
    the hub form then needs fewer columns of its own.
    """
    lp, v, _net = f.lp, f.columns, f.network
    n, n_lp = len(v.allocation), lp.shape[1]
    demand = f.dataset.counties["demand"].to_numpy(float)
    weight = 1.0 / np.maximum(1.0, demand)
    if zero is None:
        zero = np.zeros(n_lp, dtype=bool)
    own = _OwnColumns(n_lp)
    replaced: list[np.ndarray] = []
    blocks: list[list[tuple[np.ndarray, np.ndarray]]] = []
    names: list[str] = []
    # a phased plan (MODEL.md §7): T sums the county terms of every period
    views = (
        [(f, "")]
        if f.phased is None
        else [(period_view(f, p), f"@{p.end}") for p in f.phased.columns]
    )
    for view, suffix in views:
        blocks += _figure_blocks(view, own, zero, replaced)
        names += [name + suffix for name in FIGURES]
    rows, cols = [], []
    for b, block in enumerate(blocks):
        for county, col in block:
            rows.append(b * n + np.asarray(county))
            cols.append(np.asarray(col))
    r = np.concatenate(rows) if rows else np.zeros(0, np.int64)
    c = np.concatenate(cols) if cols else np.zeros(0, np.int64)
    width = n_lp + own.count
    matrix = sp.csr_matrix((np.ones(len(r)), (r, c)), shape=(len(blocks) * n, width))
    figures = {name: slice(b * n, (b + 1) * n) for b, name in enumerate(names)}
    replaced_cols = np.concatenate(replaced) if replaced else np.zeros(0, np.int64)
    return Terms(
        matrix=matrix,
        weights=np.tile(weight, len(blocks)),
        own_lb=np.zeros(own.count),
        own_ub=own.ub(),
        rows=own.matrix(width),
        rows_lb=np.asarray(own.lb, float),
        rows_ub=np.asarray(own.ub_rows, float),
        figures=figures,
        expand=own.expand(width),
        replaced=replaced_cols,
    )


def period_view(f: Formulation, p) -> Formulation:
    """The formulation as one period sees it: its columns under the §3 field names."""
    v = replace(
        f.columns,
        allocation=p.allocation,
        tier=p.tier,
        reclaim=p.reclaim,
        supplement=p.supplement,
        shortfall=p.shortfall,
        shortfall_counties=p.shortfall_counties,
        linkage=p.linkage,
        quota=p.quota,
        stock=p.stock,
        quota_linked=p.quota_linked,
    )
    return replace(f, columns=v, phased=None)


def _figure_blocks(f: Formulation, own, zero: np.ndarray, replaced: list) -> list:
    """The six blocks of county figures (FIGURES) of one formulation or period view."""
    v, net = f.columns, f.network
    n = len(v.allocation)
    tail, head = net.arcs["tail"].to_numpy(), net.arcs["head"].to_numpy()
    pos = np.arange(n)
    if net.pool < 0:  # pairwise (or no linkage): every figure is a sum of LP columns
        between = (tail < n) & (head - n != tail)
        quota = [(pos, v.quota)] if v.quota is not None else []
        quota += _linked_part(v)
        sent = [(tail[between], v.linkage[between])]
        received = [(head[between] - n, v.linkage[between])]
    else:
        quota, sent, received, gone = _hub_definitions(f, own, zero)
        quota += _linked_part(v)
        replaced.append(gone)
    stock = [(v.stock_counties, v.stock)] if v.stock is not None else []
    return [
        [(pos, v.allocation)],
        quota,
        [(pos, v.reclaim)],
        [(pos, v.supplement)],
        sent,
        received,
        stock,
    ]


def _linked_part(v) -> list[tuple[np.ndarray, np.ndarray]]:
    """q_i^link as a part of county i's quota (增存挂钩, MODEL.md §8), if there is any."""
    return [(v.stock_counties, v.quota_linked)] if v.quota_linked is not None else []


@dataclass
class _OwnColumns:
    """The stage's own columns (after the LP's ``first``) and the rows defining them."""

    first: int
    count: int = 0

    def __post_init__(self) -> None:
        self.entries: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self.lb: list[float] = []
        self.ub_rows: list[float] = []
        self.n_rows = 0
        self.replacements: list[tuple[np.ndarray, tuple[np.ndarray, ...]]] = []

    def add(self, k: int) -> np.ndarray:
        cols = self.first + self.count + np.arange(k)
        self.count += k
        return cols

    def rows(self, k, row, col, coef, lb, ub) -> None:
        self.entries.append((np.asarray(row) + self.n_rows, np.asarray(col), np.asarray(coef)))
        self.lb.extend(np.broadcast_to(lb, k).tolist())
        self.ub_rows.extend(np.broadcast_to(ub, k).tolist())
        self.n_rows += k

    def expand(self, width: int) -> sp.csr_matrix:
        """Identity, except that each replaced column is the sum of its parts."""
        keep = np.ones(width)
        rows, cols, vals = [np.arange(width)], [np.arange(width)], [keep]
        for column, parts in self.replacements:
            keep[column] = 0.0
            for part in parts:
                rows.append(column)
                cols.append(part)
                vals.append(np.ones(len(part)))
        r, c, v = (np.concatenate(x) for x in (rows, cols, vals))
        return sp.csr_matrix((v, (r, c)), shape=(width, width))

    def ub(self) -> np.ndarray:
        return np.full(self.count, np.inf)

    def matrix(self, width: int) -> sp.csr_matrix:
        if not self.entries:
            return sp.csr_matrix((0, width))
        r, c, v = (np.concatenate([e[k] for e in self.entries]) for k in range(3))
        return sp.csr_matrix((v.astype(float), (r, c)), shape=(self.n_rows, width))


def _hub_definitions(f: Formulation, own: _OwnColumns, zero: np.ndarray):
    """Own columns and rows of the hub form: q_i, n_i, and the quota part of region arcs.

    down_i = q_i + n_i; down_i ≤ A_i; per city c: Σ_{i∈c} q_i = pool→c + quota in from the
    region hub − quota out to it; at the region hub the quota parts balance, each at most
    its arc's flow. The indicator parts then balance too (the LP's hub rows). ``zero``
    marks LP columns that are 0 on the whole optimal face: in a city no indicator can
    reach, q_i is down_i itself (n_i = 0); in one no quota can reach, n_i is down_i.
    """
    v, net = f.columns, f.network
    n = len(v.allocation)
    tail, head = net.arcs["tail"].to_numpy(), net.arcs["head"].to_numpy()
    city, _ = pd.factorize(f.dataset.counties["city"], sort=True)
    n_city = int(city.max()) + 1 if n else 0
    first_hub = 2 * n
    region = first_hub + n_city if len(net.hub_nodes) > n_city else -1
    live = ~zero[v.linkage]  # arcs that may carry flow on the face
    up = np.flatnonzero(tail < n)
    pool_arc = np.flatnonzero(tail == net.pool)
    from_region = np.flatnonzero(tail == region) if region >= 0 else np.zeros(0, np.int64)
    to_region = np.flatnonzero(head == region) if region >= 0 else np.zeros(0, np.int64)
    gets_indicators = np.zeros(n_city, bool)
    gets_quota = np.zeros(n_city, bool)
    gets_indicators[head[up[live[up]]] - first_hub] = True
    gets_quota[head[pool_arc[live[pool_arc]]] - first_hub] = True
    arriving = from_region[live[from_region]]
    gets_indicators[head[arriving] - first_hub] = True
    gets_quota[head[arriving] - first_hub] = True
    pos = np.arange(n)
    down_arc = np.full(n, -1)
    is_down = (head >= n) & (head < 2 * n)
    down_arc[head[is_down] - n] = np.flatnonzero(is_down)
    users = pos[down_arc >= 0]
    users = users[live[down_arc[users]]]  # a down arc at 0 on the face: nothing comes down
    down_col = v.linkage[down_arc[users]]
    split = gets_indicators[city[users]] & gets_quota[city[users]]
    quota_only = ~gets_indicators[city[users]] & ~split
    q = np.full(n, -1)
    received = np.full(n, -1)
    q[users[quota_only]] = down_col[quota_only]
    received[users[~quota_only & ~split]] = down_col[~quota_only & ~split]
    both = users[split]
    q[both], received[both] = own.add(len(both)), own.add(len(both))
    # down_i = q_i + n_i where both may come down: the down arc leaves the QP
    own.replacements.append((v.linkage[down_arc[both]], (q[both], received[both])))
    # down_i + q_i^link − A_i ≤ 0: what comes down and linked quota are used, not passed on
    m = len(users)
    rows, cols = [np.arange(m), np.arange(m)], [down_col, v.allocation[users]]
    coef = [np.ones(m), -np.ones(m)]
    if v.quota_linked is not None:
        row_of = np.full(n, -1)
        row_of[users] = np.arange(m)
        linked = row_of[v.stock_counties] >= 0
        rows.append(row_of[v.stock_counties][linked])
        cols.append(v.quota_linked[linked])
        coef.append(np.ones(int(linked.sum())))
    own.rows(m, np.concatenate(rows), np.concatenate(cols), np.concatenate(coef), -np.inf, 0.0)
    has_q = q >= 0
    rows = [city[has_q], head[pool_arc] - first_hub]
    cols = [q[has_q], v.linkage[pool_arc]]
    coef = [np.ones(int(has_q.sum())), -np.ones(len(pool_arc))]
    if region >= 0:
        quota_out, quota_in = own.add(len(to_region)), own.add(len(from_region))
        rows += [tail[to_region] - first_hub, head[from_region] - first_hub]
        cols += [quota_out, quota_in]
        coef += [np.ones(len(to_region)), -np.ones(len(from_region))]
    own.rows(n_city, np.concatenate(rows), np.concatenate(cols), np.concatenate(coef), 0.0, 0.0)
    if region >= 0:
        m_out, m_in = len(to_region), len(from_region)
        own.rows(
            1,
            np.zeros(m_out + m_in, np.int64),
            np.concatenate([quota_out, quota_in]),
            np.concatenate([np.ones(m_out), -np.ones(m_in)]),
            0.0,
            0.0,
        )
        for part, arcs in ((quota_out, to_region), (quota_in, from_region)):
            m = len(arcs)
            own.rows(
                m,
                np.tile(np.arange(m), 2),
                np.concatenate([part, v.linkage[arcs]]),
                np.concatenate([np.ones(m), -np.ones(m)]),
                -np.inf,
                0.0,
            )
    return (
        [(pos[has_q], q[has_q])],
        [(tail[up], v.linkage[up])],
        [(pos[received >= 0], received[received >= 0])],
        v.linkage[down_arc[both]],
    )


@dataclass(frozen=True)
class _QP:
    """½zᵀPz + gᵀz over the free entries of z (then lifted term columns); z0 holds the
    fixed ones."""

    p: sp.csc_matrix
    g: np.ndarray
    a_eq: sp.csr_matrix
    b_eq: np.ndarray
    a_le: sp.csr_matrix
    b_le: np.ndarray
    free: np.ndarray
    z0: np.ndarray


def _reduced_problem(f: Formulation, terms: Terms, z_star: float, face: Face) -> _QP:
    """The QP over the free columns: LP rows (active ones as equalities), the stage's own
    rows, the Z row, and the free columns' bounds; fixed columns moved to the right.
    The tiers are folded into bounds of A_i, each period's into A_it (``_fold_tiers``)."""
    lp = f.lp
    n_own = len(terms.own_lb)
    objective, col_lb, col_ub, tier_rows, tier_cols = _fold_tiers(f, face)
    zero_pad = sp.csr_matrix((lp.shape[0], n_own))
    z_row = sp.csr_matrix(np.append(objective, np.zeros(n_own)))
    matrix = sp.vstack([sp.hstack([lp.matrix, zero_pad]), terms.rows, z_row], format="csr")
    matrix = (matrix @ terms.expand).tocsr()
    slack = Z_GUARD * max(1.0, abs(z_star))  # ≥ Z_SLACK: a guard, see Z_GUARD
    row_lb = np.concatenate([lp.row_lb, terms.rows_lb, [z_star - slack]])
    row_ub = np.concatenate([lp.row_ub, terms.rows_ub, [np.inf]])
    own_equal = terms.rows_lb == terms.rows_ub
    y_equal = np.concatenate([face.equal, own_equal, [False]])
    level = np.concatenate([face.level, np.where(own_equal, terms.rows_lb, 0.0), [0.0]])
    fixed = face.fixed | (col_lb == col_ub)  # the folded tiers can pin A_i
    fixed[tier_cols] = True
    fixed[terms.replaced] = True  # through expand: held at 0 here
    is_fixed = np.concatenate([fixed, terms.own_lb == terms.own_ub])
    z0 = np.concatenate([np.where(face.fixed, face.value, col_lb), terms.own_lb])
    z0[~is_fixed] = 0.0
    z0[terms.replaced] = 0.0
    usable = y_equal.copy()
    usable[tier_rows] = False  # replaced by the folded bounds of A_i
    bounds = (np.concatenate([col_lb, terms.own_lb]), np.concatenate([col_ub, terms.own_ub]))
    _fix_singletons(matrix, usable, level, is_fixed, z0, bounds)
    free = np.flatnonzero(~is_fixed)
    shift = matrix @ z0
    a = matrix[:, free].tocsr()
    keep = np.diff(a.indptr) > 0  # a row of fixed columns only holds by the LP's solution
    keep[tier_rows] = False
    lb, ub = row_lb - shift, row_ub - shift
    eq = keep & y_equal
    rhs_eq = level - shift
    le_up = keep & ~eq & np.isfinite(ub)
    le_dn = keep & ~eq & np.isfinite(lb)
    col_lb = np.concatenate([col_lb, terms.own_lb])[free]
    col_ub = np.concatenate([col_ub, terms.own_ub])[free]
    k = len(free)
    eye = sp.identity(k, format="csr")
    has_ub, has_lb = np.isfinite(col_ub), np.isfinite(col_lb)
    a_le = sp.vstack([a[le_up], -a[le_dn], eye[has_ub], -eye[has_lb]], format="csr")
    b_le = np.concatenate([ub[le_up], -lb[le_dn], col_ub[has_ub], -col_lb[has_lb]])
    l_all = (terms.matrix @ terms.expand).tocsr()
    p, g, a_eq, b_eq = _objective(l_all[:, free], l_all @ z0, terms.weights)
    a_eq = sp.vstack([_widen(a[eq], a_eq.shape[1]), a_eq], format="csr")
    b_eq = np.concatenate([rhs_eq[eq], b_eq])
    return _QP(p, g, a_eq, b_eq, _widen(a_le, a_eq.shape[1]), b_le, free, z0)


def _fix_singletons(
    matrix: sp.csr_matrix,
    equal: np.ndarray,
    level: np.ndarray,
    is_fixed: np.ndarray,
    z0: np.ndarray,
    bounds: tuple[np.ndarray, np.ndarray],
) -> None:
    """Fix, in place, every column that an equality row leaves as its only free one, in
    rounds until none is left (a presolve). The QP's set is the same, but an equality
    that pins a column at one of its bounds (q^link = μz = 0 beside q^link ≥ 0) leaves
    no interior, and Clarabel can stall on that; taken out, it cannot."""
    rows = matrix[np.flatnonzero(equal)].tocsr()
    target = level[equal]
    lb, ub = bounds
    for _ in range(SINGLETON_ROUNDS):
        free = (~is_fixed).astype(float)
        sub = (rows @ sp.diags(free)).tocsr()
        sub.eliminate_zeros()
        single = np.flatnonzero(np.diff(sub.indptr) == 1)
        if len(single) == 0:
            return
        col = sub.indices[sub.indptr[single]]
        coef = sub.data[sub.indptr[single]]
        rest = rows[single] @ np.where(is_fixed, z0, 0.0)
        value = (target[single] - rest) / coef
        col, first = np.unique(col, return_index=True)  # two rows, one column: the first
        value = value[first]
        room = SINGLETON_TOL * np.maximum(1.0, np.abs(value))
        inside = (value >= lb[col] - room) & (value <= ub[col] + room)
        if not inside.any():
            return
        col, value = col[inside], value[inside]
        z0[col] = np.clip(value, lb[col], ub[col])
        is_fixed[col] = True


def _objective(
    l_free: sp.csr_matrix, offset: np.ndarray, weights: np.ndarray
) -> tuple[sp.csc_matrix, np.ndarray, sp.csr_matrix, np.ndarray]:
    """P and g of Σ_k w_k (L z + offset)_k², and the rows of the lifted terms.

    A term of one column (A_i, q_i, r_i, s_i, and o_i, n_i in the hub form) is a diagonal
    entry of P. A term summing many columns (o_i, n_i of the pairwise form: one per arc)
    gets a column t_k of its own with the row L_k z − t_k = −offset_k, so that P stays
    diagonal: LᵀWL of the pairwise sums would couple every pair of arcs of a county
    (millions of entries at a few hundred counties).
    """
    k = l_free.shape[1]
    per_row = np.diff(l_free.indptr)
    single = np.flatnonzero(per_row == 1)
    many = np.flatnonzero(per_row > 1)
    one = l_free[single]
    coef = one.data
    col = one.indices
    w = weights[single]
    diag = np.bincount(col, 2.0 * w * coef * coef, minlength=k)
    g = np.bincount(col, 2.0 * w * coef * offset[single], minlength=k)
    m = len(many)
    p = sp.diags(np.concatenate([diag, 2.0 * weights[many]]), format="csc")
    p.eliminate_zeros()  # columns outside T (tiers, arcs) have no entry
    rows = sp.hstack([l_free[many], -sp.identity(m, format="csr")], format="csr")
    return p, np.concatenate([g, np.zeros(m)]), rows, -offset[many]


def _widen(matrix: sp.csr_matrix, width: int) -> sp.csr_matrix:
    """The same rows with zero columns added on the right (for lifted term columns)."""
    extra = width - matrix.shape[1]
    if extra == 0:
        return matrix.tocsr()
    return sp.hstack([matrix, sp.csr_matrix((matrix.shape[0], extra))], format="csr")


def _fold_tiers(
    f: Formulation, face: Face
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Objective and column bounds with the tiers folded into A_i (each period's into A_it
    in a phased plan); the tiers rows and tier columns that leave the QP.

    On the face every free tier of county i has a zero reduced cost, so its value per ha
    is the same y_i (the tiers row's price): Z = Σ_fixed c·a + y_i·(A_i − Σ_fixed a) there,
    and the free tiers only say lo_i ≤ A_i ≤ lo_i + Σ_free caps. The QP keeps no tier
    column of such a county (the final plan fills them in order). A county with existing
    stock meets its tiers with A_i + z_i (MODEL.md §8): its tiers and their row stay.
    """
    lp = f.lp
    objective, col_lb, col_ub = lp.objective.copy(), lp.col_lb.copy(), lp.col_ub.copy()
    views = [(f.columns, "tiers")]
    if f.phased is not None:
        views += [(period_view(f, p).columns, f"tiers@{p.end}") for p in f.phased.columns]
    rows, cols = [], []
    for v, family in views:
        n, k = len(v.allocation), v.tiers_per_county
        if n == 0 or k == 0:
            continue
        fold = np.ones(n, dtype=bool)
        if v.stock is not None:
            fold[v.stock_counties] = False
        tiers = v.tier.reshape(n, k)[fold]
        alloc = v.allocation[fold]
        fixed = face.fixed[tiers]
        value = np.where(fixed, face.value[tiers], 0.0)
        c = objective[tiers]
        n_free = (~fixed).sum(axis=1)
        y = np.where(~fixed, c, 0.0).sum(axis=1) / np.maximum(n_free, 1)
        objective[tiers] = np.where(fixed, c - y[:, None], 0.0)
        objective[alloc] += y
        lo = value.sum(axis=1)
        hi = lo + np.where(fixed, 0.0, lp.col_ub[tiers]).sum(axis=1)
        alloc_lb = np.maximum(col_lb[alloc], lo)
        col_lb[alloc] = alloc_lb
        col_ub[alloc] = np.maximum(np.minimum(col_ub[alloc], hi), alloc_lb)
        rows.append(lp.rows[family][fold])
        cols.append(tiers.ravel())
    none = np.zeros(0, dtype=np.int64)
    return (
        objective,
        col_lb,
        col_ub,
        np.concatenate(rows) if rows else none,
        np.concatenate(cols) if cols else none,
    )


def final_plan(f: Formulation, x: np.ndarray) -> np.ndarray:
    """The QP's plan with tiers filled in order and the shortfall the floor asks for."""
    x = x.copy()
    v, p = f.columns, f.params
    alloc = np.clip(x[v.allocation], f.lp.col_lb[v.allocation], f.lp.col_ub[v.allocation])
    x[v.allocation] = alloc
    n = len(alloc)
    _fill_tiers(f, x, v.tier, alloc + _stock(n, v, x), n)
    short = v.shortfall_counties
    need = p["floor_need"].to_numpy()[short] - p["sigma"].to_numpy()[short] * alloc[short]
    x[v.shortfall] = np.maximum(0.0, need)
    lb, ub = f.lp.col_lb, f.lp.col_ub
    done = [v.allocation, v.tier, v.shortfall]
    if f.phased is not None:
        done += _final_periods(f, x)
    others = np.ones(len(x), dtype=bool)  # a mask, not setdiff1d: no sort of 330,000 ids
    others[np.concatenate(done)] = False
    x[others] = np.clip(x[others], lb[others], ub[others])
    return x


def _final_periods(f: Formulation, x: np.ndarray) -> list[np.ndarray]:
    """A phased plan's tiers filled in order within each period, and each end's shortfall
    u_it = max(0, floor need_t − σ_i A_i^≤t); returns the columns set."""
    assert f.phased is not None
    sigma = f.params["sigma"].to_numpy()
    lb, ub = f.lp.col_lb, f.lp.col_ub
    n = len(f.params)
    cumulative = np.zeros(n)
    done = []
    for p in f.phased.columns:
        alloc = np.clip(x[p.allocation], lb[p.allocation], ub[p.allocation])
        x[p.allocation] = alloc
        cumulative = cumulative + alloc
        _fill_tiers(f, x, p.tier, alloc + _stock(n, p, x), n)
        short = p.shortfall_counties
        need = p.params["floor_need"].to_numpy()[short] - sigma[short] * cumulative[short]
        x[p.shortfall] = np.maximum(0.0, need)
        done += [p.allocation, p.tier, p.shortfall]
    return done


def _stock(n: int, v, x: np.ndarray) -> np.ndarray:
    """z_i per county (0 where a county has no stock) of a plan or period's columns."""
    z = np.zeros(n)
    if v.stock is not None:
        z[v.stock_counties] = x[v.stock]
    return z


def _fill_tiers(f: Formulation, x: np.ndarray, tier: np.ndarray, met: np.ndarray, n: int) -> None:
    """Tiers filled in order (worth less and less) up to what is met, A_i + z_i (ha)."""
    k = len(tier) // max(n, 1)
    if n and k:
        caps = f.lp.col_ub[tier].reshape(n, k)
        before = np.cumsum(caps, axis=1) - caps
        x[tier] = np.clip(met[:, None] - before, 0.0, caps).ravel()


def _figures(terms: Terms, z: np.ndarray, f: Formulation) -> pd.DataFrame:
    """The county figures of T at the final plan (≥ 0; round-off below 0 cut)."""
    values = terms.matrix @ z
    table = pd.DataFrame(
        {name: np.maximum(0.0, values[block]) for name, block in terms.figures.items()}
    )
    if f.phased is not None:  # the horizon figures are the periods' sums
        for name in FIGURES:
            table[name] = sum(table[f"{name}@{p.end}"] for p in f.phased.columns)
    table["allocation"] = z[f.columns.allocation]
    return table


def skipped(method: TieBreakMethod, reason: str) -> TieBreakInfo:
    """What summary.json says when the tie-break did not run."""
    return TieBreakInfo(ran=False, method=method, reason=reason)


__all__ = ["TieBreak", "county_terms", "optimal_face", "skipped", "tie_break"]
