"""Prices that are unique: the one-sided rates of Z*(b) and where each holds (MODEL.md §6).

At a degenerate optimum a row's dual value is not unique: each solver may hand back a
different one. What is unique is Z*(b), the optimum as a function of the row's limit b,
which is concave and piecewise linear for a maximisation. For each priced region row
(quota_pool, intensity, farmland_region, farmland_balance, quota_linked), every group
row (group_min, group_max) and, in a phased plan (MODEL.md §7), every period row of
those families (``quota_pool@2025``, ``intensity@2025``, …, ``period_family``) this
module reports

- ``gain_per_unit``: how much Z rises per unit the limit is relaxed (the one-sided rate of
  Z* in the relaxing direction) and ``gain_holds_to``, the limit up to which it holds;
- ``loss_per_unit``: how much Z falls per unit the limit is tightened, and
  ``loss_holds_to``, the limit down to which it holds.

Concavity gives gain ≤ loss. They are computed by parametric re-solves of the LP with
HiGHS dual simplex, whatever backend solved the run: the values are the same for every
backend and linkage layout. The first solve starts from the run's optimal plan (any
backend's: HiGHS builds a basis from it, 0.02 s at the national size instead of 0.4 s
cold); each side of each row then starts from that optimal basis, so a row's probes do
not depend on the rows before it. Rates are kept to ``RATE_DIGITS`` significant digits,
so the start (another backend's vertex) changes only the path, never the figures.

How (per row and side; t ≥ 0 is the move of the limit in that direction, ψ(t) the
optimum there). Every solve at t gives ψ(t) and the row's dual, a supergradient s(t):
the line ℓ_t(u) = ψ(t) + s(t)·(u − t) lies on or above ψ everywhere, and touches it
at t. The rate at 0 and the end of the first linear piece follow exactly from a few
such lines (the tangent-intersection method of Eisner and Severance): a probe just
past the range over which the optimal basis at 0 stays optimal (HiGHS's ranging,
which only places the probe), then probes where the lines known so far intersect,
until a probe lands on the first piece's line (the piece ends there) or a line
through (0, ψ(0)) is found (that line is the first piece). Tightening past the
feasible range, its end is found by one LP (the row's extreme activity).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from optimizer.formulation.build import Formulation
from optimizer.formulation.families import FAMILIES, REGION_TARGETS
from optimizer.formulation.lp import LinearProgram
from optimizer.formulation.phased import base_family, family_end
from optimizer.solvers.base import AUTO_IPM_COLUMNS

if TYPE_CHECKING:  # highspy is imported when prices are computed, as backends are
    import highspy

#: Row families with unique prices: the region targets and the group shares.
UNIQUE_PRICE_ROWS = (*REGION_TARGETS, "group_min", "group_max")
#: Columns a unique-price table adds to marginals.csv, in this order.
PRICE_COLUMNS = ("gain_per_unit", "gain_holds_to", "loss_per_unit", "loss_holds_to")
#: HiGHS models the rows' probes are dealt over, each on its own thread (two cores: 0.64 →
#: 0.42 s at national scale, alone; docs/performance.md "Unique prices on two models").
PROBE_MODELS = 2
#: Unique prices are computed for LPs below this many columns (the size from which the
#: default solver is interior point). Above it, dual simplex needs minutes where interior
#: point needs 20 s (township scale: one re-solve with the pool dropped took 155 s), so
#: the columns are left NaN (docs/performance.md).
MAX_COLUMNS = AUTO_IPM_COLUMNS
#: Two values of Z agree within this, relative to max(1, |Z|) (simplex vertices are exact
#: to about 1e-12 relative; the dual feasibility tolerance of HiGHS is 1e-7 per unit).
Z_TOL = 1e-9
#: Decimals (ha) of the limits where a rate stops holding: those of marginals.csv, so a
#: run folder read back words them as the fresh solve did.
HOLDS_DECIMALS = 6
#: The first probe when tightening a limit moves it by this share of max(1, |limit|), ha.
TIGHTEN_STEP = 0.01
#: Probes per side at most: each finds a new linear piece or ends the search.
MAX_PROBES = 60
#: Once a probe lands on the first piece, the next goes this many times further out (8:
#: 15-30 % fewer re-solves than 2 on the reference, 1,000 counties and national, same rates).
GROWTH = 8.0
#: Infeasible tightening probes halved towards the last feasible one before the end of
#: the feasible range is computed (one LP, as dear as many warm re-solves).
INFEASIBLE_TRIES = 3
#: Significant digits kept of a rate: two solve paths (another backend's start, another
#: order of probes) give the same rate to about 1e-15 relative; 12 digits drop that
#: round-off and stay far below the solver's tolerances (1e-7).
RATE_DIGITS = 12
#: Two limits closer than this share of max(1, |limit|) are the same limit.
MIN_STEP = 1e-9


def priced_families(lp: LinearProgram) -> list[str]:
    """The row families of ``lp`` with unique prices, in report order: each family of
    ``UNIQUE_PRICE_ROWS`` and then its period rows (``quota_pool@2025``), by end year."""
    present = [name for name, rows in lp.rows.items() if len(rows) > 0]
    order = {family: i for i, family in enumerate(UNIQUE_PRICE_ROWS)}
    chosen = [name for name in present if base_family(name) in order]
    return sorted(chosen, key=lambda name: (order[base_family(name)], family_end(name)))


def has_unique_prices(family: str) -> bool:
    """A marginals row family with unique rates: ``quota_pool``, ``quota_pool@2025``, …"""
    return base_family(family) in UNIQUE_PRICE_ROWS


@dataclass(frozen=True)
class _Line:
    """A supporting line of ψ: ψ(t) at ``t`` and the slope ``s`` of the solver's dual."""

    t: float
    z: float
    s: float

    def at(self, u: float) -> float:
        return self.z + self.s * (u - self.t)


class _RowProbe:
    """Moves one row's active limit on a warm Highs instance and reads ψ and its slope."""

    def __init__(
        self, h: highspy.Highs, lp: LinearProgram, row: int, basis: highspy.HighsBasis
    ) -> None:
        from highspy import HighsModelStatus

        self.h, self.lp, self.row, self.basis = h, lp, row, basis
        self.optimal = HighsModelStatus.kOptimal
        self.lb, self.ub = float(lp.row_lb[row]), float(lp.row_ub[row])
        self.upper = math.isfinite(self.ub)  # a ≤ row (its limit is ub), else a ≥ row

    def solve(self, move: float) -> _Line | None:
        """ψ at the limit moved by ``move`` (> 0 relaxes; ±inf drops the row); None: infeasible."""
        if self.upper:
            self.h.changeRowBounds(self.row, self.lb, self.ub + move)
        else:
            self.h.changeRowBounds(self.row, self.lb - move, self.ub)
        self.h.run()
        if self.h.getModelStatus() != self.optimal:
            return None
        z = float(self.h.getInfo().objective_function_value)
        dual = float(self.h.getSolution().row_dual[self.row]) if math.isfinite(move) else 0.0
        return _Line(move, z, dual if self.upper else -dual)  # dZ per unit of relaxation

    def at_optimum(self, z: float, dual: float) -> _Line:
        """The line at the unmoved limit, from the first solve's optimum and row dual."""
        return _Line(0.0, z, dual if self.upper else -dual)

    def restore(self) -> None:
        """The row's own limit back, and the optimal basis at it as the next start: each
        side of each row starts from the same vertex, whichever row came before."""
        self.h.changeRowBounds(self.row, self.lb, self.ub)
        self.h.setBasis(self.basis)


class PriceJob:
    """``unique_prices(f, start)`` computed on a thread of its own while the caller goes on.

    The re-solves are HiGHS's (it releases the GIL), so the tie-break and the tables of a
    solve run beside them on a second core: ``result()`` waits for the table. The HiGHS
    models are made here, on the caller's thread (their constructor silences stdout for
    a moment); the threads are daemons, so Ctrl-C never waits for them (the command line
    then ends at once: ``solve_left_running``).
    """

    def __init__(self, f: Formulation, start: np.ndarray | None = None) -> None:
        import threading

        self._table: pd.DataFrame | None = None
        self._error: BaseException | None = None
        models = _loaded(f)
        self._thread = threading.Thread(
            target=self._run, args=(f, start, models), name="unique-prices", daemon=True
        )
        from optimizer.solvers.highs import run_beside

        run_beside(self._thread)  # Ctrl-C meanwhile ends the command without C++ clean-up

    def _run(
        self, f: Formulation, start: np.ndarray | None, models: list[highspy.Highs] | None
    ) -> None:
        try:
            self._table = unique_prices(f, start, loaded=models)
        except BaseException as error:  # handed to the caller by result()
            self._error = error

    def result(self) -> pd.DataFrame:
        """The table of ``unique_prices``; its error, if it failed, is raised here."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._table is not None
        return self._table


def _loaded(f: Formulation) -> list[highspy.Highs] | None:
    """HiGHS dual simplex models holding ``f``'s LP, one per thread the probes are dealt
    over (``PROBE_MODELS``, fewer with fewer rows), or None where no rates are computed.
    Made on the caller's thread: HiGHS's constructor silences stdout for a moment."""
    lp = f.lp
    families = priced_families(lp)
    if lp.shape[1] >= MAX_COLUMNS or not families:
        return None
    from optimizer.solvers.highs import load_highs

    rows = sum(len(lp.rows[family]) for family in families)
    return [load_highs(lp, solver="simplex") for _ in range(min(PROBE_MODELS, rows))]


def unique_prices(
    f: Formulation, start: np.ndarray | None = None, loaded: list[highspy.Highs] | None = None
) -> pd.DataFrame:
    """Per row of ``priced_families``: family, id and the four ``PRICE_COLUMNS``.

    Rates are per unit of the row (ha); the limits are planner limits in the family's
    unit (a row written net of a 2020 stock has the stock added back, at every period
    end alike: the cumulative stock of §7 starts from the same 2020 stock). A limit that
    cannot be tightened at all without making the plan infeasible has loss ∞. Empty
    (NaN in marginals.csv) from ``MAX_COLUMNS`` LP columns up. ``start``: an optimal
    plan to start from; ``loaded``: ``_loaded(f)``, made already (``PriceJob``). The
    rows are dealt over those models, each on its own thread (``_split_over``).
    """
    lp = f.lp
    families = priced_families(lp)
    columns = ["family", "id", *PRICE_COLUMNS]
    models = loaded if loaded is not None else _loaded(f)
    if models is None:
        return pd.DataFrame(columns=columns)
    h = models[0]
    from highspy import HighsModelStatus

    from optimizer.solvers.highs import start_from

    if start is not None:
        start_from(h, lp, start)
    h.run()
    if h.getModelStatus() != HighsModelStatus.kOptimal:
        return pd.DataFrame(columns=columns)
    z0 = float(h.getInfo().objective_function_value)
    duals0 = np.asarray(h.getSolution().row_dual, dtype=float)
    basis0 = h.getBasis()
    lb, ub = lp.row_lb, lp.row_ub
    ids = lp.constraints["id"].to_numpy()
    relax_room, tighten_room = _rooms(h, lb, ub)
    rows = [(family, int(row)) for family in families for row in lp.rows[family]]

    def rates(model: highspy.Highs, family: str, row: int) -> tuple:
        probe = _RowProbe(model, lp, row, basis0)
        limit = (ub[row] if probe.upper else lb[row]) + _offset(f, family)
        scale = max(1.0, abs(limit))
        base = probe.at_optimum(z0, float(duals0[row]))
        gain, gain_end = _relax_side(probe, base, scale, relax_room[row])
        probe.restore()
        loss, loss_end = _tighten_side(probe, base, scale, tighten_room[row])
        probe.restore()
        sign = 1.0 if probe.upper else -1.0  # which way relaxing moves the limit
        return (family, ids[row], gain, limit + sign * gain_end, -loss, limit - sign * loss_end)

    records = _split_over(models, basis0, rows, rates)
    table = pd.DataFrame.from_records(records, columns=columns)
    for column in PRICE_COLUMNS:
        table[column] = table[column].astype(float) + 0.0  # no −0
    for column in ("gain_per_unit", "loss_per_unit"):  # the round-off of the path dropped
        table[column] = [float(f"{v:.{RATE_DIGITS}g}") + 0.0 for v in table[column]]
    for column in ("gain_holds_to", "loss_holds_to"):  # as marginals.csv keeps them
        table[column] = table[column].round(HOLDS_DECIMALS) + 0.0
    return table


def _split_over(
    models: list[highspy.Highs],
    basis: highspy.HighsBasis,
    rows: list[tuple[str, int]],
    rates: Callable[[highspy.Highs, str, int], tuple],
) -> list[tuple]:
    """``rates(model, family, row)`` of every row, the rows dealt to the models in turn
    (row k to model k mod n: fixed, so a row always takes the same model's arithmetic),
    each model on a thread of its own; the records in the order of ``rows``.

    Every row's probes start from ``basis`` and end there (``_RowProbe.restore``), so a
    row's rates do not depend on the rows probed before it on its model. The models are
    separate HiGHS instances running serial dual simplex: they share nothing."""
    import threading

    from optimizer.solvers.highs import run_beside

    records: list[tuple | None] = [None] * len(rows)
    errors: list[BaseException] = []

    def deal(k: int) -> None:
        try:
            models[k].setBasis(basis)
            for i in range(k, len(rows), len(models)):
                records[i] = rates(models[k], *rows[i])
        except BaseException as error:  # raised in the caller below
            errors.append(error)

    others = [
        threading.Thread(target=deal, args=(k,), name=f"unique-prices-{k}", daemon=True)
        for k in range(1, len(models))
    ]
    for thread in others:
        run_beside(thread)  # Ctrl-C meanwhile ends the command without C++ clean-up
    deal(0)
    for thread in others:
        thread.join()
    if errors:
        raise errors[0]
    return [r for r in records if r is not None]


def _rooms(h: highspy.Highs, lb: np.ndarray, ub: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row, how far the limit can be relaxed and tightened with the optimal basis
    unchanged (HiGHS's ranging; 0 where it gives none). Used only to place probes."""
    from highspy import HighsStatus

    status, ranging = h.getRanging()
    if status != HighsStatus.kOk:
        return np.zeros(len(lb)), np.zeros(len(lb))
    down = np.asarray(ranging.row_bound_dn.value_, dtype=float)
    up = np.asarray(ranging.row_bound_up.value_, dtype=float)
    upper = np.isfinite(ub)
    with np.errstate(invalid="ignore"):
        relax = np.where(upper, up - ub, lb - down)
        tighten = np.where(upper, ub - down, up - lb)
    return tuple(np.where(np.isfinite(r) & (r > 0), r, 0.0) for r in (relax, tighten))


def _offset(f: Formulation, family: str) -> float:
    """Planner limit − row limit of a region row written net of a 2020 stock (a period
    row ``intensity@2025`` as its family: Σ_i C_i^≤t = Σ C0 + Σ_{t'≤t} (A − (1 − ρ) r))."""
    stock = FAMILIES[base_family(family)].net_of
    return float(f.dataset.counties[stock].sum()) if stock else 0.0


def _relax_side(probe: _RowProbe, base: _Line, scale: float, room: float) -> tuple[float, float]:
    """(rate, end): Z rises by ``rate`` per unit relaxed while the move stays ≤ ``end``.

    ``scale`` and ``room`` (how far the basis at 0 stays optimal) place the probes as
    for a tightening; relaxing never makes the plan infeasible.
    """
    if base.s <= 0:  # Z never falls as a limit is relaxed: a zero rate holds for ever
        return 0.0, math.inf
    step = room * (1.0 + TIGHTEN_STEP) if room > 0 else TIGHTEN_STEP * scale

    def far(known: float) -> _Line | None:
        return probe.solve(max(GROWTH * known, step) if known > 0 else step)

    return _first_piece(probe, base, far(0.0), far, monotone=True)


def _tighten_side(probe: _RowProbe, base: _Line, scale: float, room: float) -> tuple[float, float]:
    """(rate, end) of ψ(t) = Z with the limit tightened by t: rate ≤ 0 (Z falls).

    ``scale`` is max(1, |limit|); ``room`` how far the basis at 0 stays optimal (0:
    unknown). They only place the first probe: any t > 0 gives the same answer, one just
    past the end of the first piece saves re-solves.
    """
    flip = _Flipped(probe)
    step = room * (1.0 + TIGHTEN_STEP) if room > 0 else TIGHTEN_STEP * scale
    base = _Line(0.0, base.z, -base.s)

    def far(known: float) -> _Line | None:
        t = max(GROWTH * known, step) if known > 0 else step
        for _ in range(INFEASIBLE_TRIES):
            line = flip.solve(t)
            if line is not None:
                return line
            t = known + (t - known) / 2
        end = flip.domain_end()  # past the feasible range: probe its very end instead
        if end <= known + MIN_STEP * scale:
            return None
        return flip.solve(end)

    first = far(0.0)
    if first is None:  # no tightening at all keeps the plan feasible
        return -math.inf, 0.0
    return _first_piece(flip, base, first, far)


class _Flipped:
    """The same row probed in the tightening direction: t ≥ 0 tightens by t."""

    def __init__(self, probe: _RowProbe) -> None:
        self.probe = probe
        self._end: float | None = None

    def solve(self, t: float) -> _Line | None:
        line = self.probe.solve(-t)
        return None if line is None else _Line(t, line.z, -line.s)

    def domain_end(self) -> float:
        """The most the limit can be tightened with the plan still feasible (one LP: the
        row's least activity for a ≤ row, its greatest for a ≥ row)."""
        if self._end is None:
            p = self.probe
            h, lp = p.h, p.lp
            n = lp.shape[1]
            row_cost = lp.matrix.getrow(p.row).toarray().ravel()
            every = np.arange(n, dtype=np.int32)
            h.changeRowBounds(p.row, -math.inf, math.inf)
            h.changeColsCost(n, every, -row_cost if p.upper else row_cost)
            h.run()
            activity = float(row_cost @ np.asarray(h.getSolution().col_value, dtype=float))
            h.changeColsCost(n, every, lp.objective)
            p.restore()
            self._end = max(0.0, p.ub - activity if p.upper else activity - p.lb)
        return self._end


def _first_piece(
    prober: _RowProbe | _Flipped,
    base: _Line,
    far: _Line | None,
    beyond: Callable[[float], _Line | None],
    monotone: bool = False,
) -> tuple[float, float]:
    """The rate of ψ at 0 in the probed direction and where its linear piece ends.

    ``base`` is the solve at 0, ``far`` a solve further out, ``beyond(known)`` a solve
    past ``known`` once ψ is known to be linear up to ``known`` (None: there is none,
    the feasible range ends there). ``monotone``: ψ never falls (a relaxation), so a
    zero rate holds for ever.
    """
    z0 = base.z
    tol = Z_TOL * max(1.0, abs(z0))
    rate: float | None = None  # the first piece's slope, once known
    known = 0.0  # ψ is known to follow that piece up to here
    for _ in range(MAX_PROBES):
        # the first piece's line, or the base line (its slope is ≥ the rate) until known
        slope = base.s if rate is None else rate
        line = _Line(0.0, z0, slope)
        if far is None:
            return slope, known
        if math.isinf(far.t):  # the row dropped: a horizontal line at the free optimum
            if abs(far.z - z0) <= tol:
                return 0.0, math.inf
            if slope <= 0:
                return slope, known
            cross = (far.z - z0) / slope
        else:
            if abs(line.at(far.t) - far.z) <= tol or slope <= far.s:  # far is on the piece
                rate, known = slope, far.t
            elif rate is None and abs(far.at(0.0) - z0) <= tol:  # far's line is the piece
                rate, known = far.s, far.t
            if rate is not None and known == far.t:
                if monotone and rate <= 0:
                    return 0.0, math.inf
                far = beyond(known)
                continue
            cross = (far.at(0.0) - z0) / (slope - far.s)
        cross = max(cross, known)
        mid = prober.solve(cross)
        if mid is None:  # cannot happen between two feasible points (a convex domain)
            return slope, known
        if abs(line.at(cross) - mid.z) <= tol:  # the piece reaches the crossing and ends there
            return slope, cross
        if rate is None and abs(mid.at(0.0) - z0) <= tol:  # mid's line is the first piece
            rate, known = mid.s, cross
            continue
        far = mid
    return (base.s if rate is None else rate), known
