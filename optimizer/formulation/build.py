"""Build the LP of MODEL.md §3 from a dataset, one small function per family.

Model reduction: the constraints that only bound a county's total new land A_i
(demand, min_allocation, per_capita_cap, dev_boundary, basic_farmland) become
bounds of one variable ``allocation[i]``; ``county_parameters`` keeps each
family's limit in its own column, so reports still name the family that binds.
Farmland-floor rows that cannot bind even at the upper bound are dropped.
Everything is vectorised over counties. Each family's name, kind and report words
are its record in families.py; ``Columns`` says where each variable family sits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from optimizer.data.dataset import Dataset
from optimizer.data.derived import (
    LIMIT_FAMILIES,
    M2_PER_HA,  # noqa: F401  (analysis.tables reads it here)
    county_quantities,
)
from optimizer.data.derived import intensity_limit as derived_intensity_limit
from optimizer.data.locks import horizon_locks, period_locks
from optimizer.data.periods import Periods, plan_periods
from optimizer.formulation.linkage import LinkageNetwork, build_network
from optimizer.formulation.lp import INF, LinearProgram, LPBuilder
from optimizer.formulation.phased import (
    QUOTA_TOLERANCE,
    PeriodColumns,
    Phased,
    define_period_variables,
    define_periods_sum_constraints,
    period_family,
    period_intensity_limit,
    projects_due,
)


@dataclass(frozen=True)
class Columns:
    """Where each variable family sits among the LP's columns (positions into x).

    Per-county families are in county order; ``shortfall`` exists only for the
    counties at ``shortfall_counties`` (county positions), where the per-capita
    floor asks for more land than the county has.
    """

    allocation: np.ndarray  # A_i
    tier: np.ndarray  # a_ik: tier k of county i at tier[i * K + k]
    reclaim: np.ndarray  # r_i
    supplement: np.ndarray  # s_i
    shortfall: np.ndarray  # u_i, one per county in shortfall_counties
    shortfall_counties: np.ndarray  # county positions of the shortfall columns
    linkage: np.ndarray  # x, one per arc of the linkage network
    quota: np.ndarray | None = None  # q_i: pairwise form only (the hub form has a pool node)
    total: int | None = None  # T = Σ A_i, when some group has a share
    #: z_i, existing stock land supplied again (MODEL.md §8), one per county in
    #: ``stock_counties``; None when no county has stock_potential > 0.
    stock: np.ndarray | None = None
    stock_counties: np.ndarray | None = None  # county positions of the stock columns
    #: q_i^link, quota earned by reusing stock (增存挂钩), one per stock county; None
    #: unless stock.linked_share > 0 and some county has stock.
    quota_linked: np.ndarray | None = None

    @property
    def tiers_per_county(self) -> int:
        return len(self.tier) // max(len(self.allocation), 1)


@dataclass(frozen=True)
class Formulation:
    """The LP plus the tables needed to read its solution back into planner terms."""

    lp: LinearProgram
    columns: Columns
    params: pd.DataFrame  # per county, in county order (see county_parameters)
    network: LinkageNetwork
    dataset: Dataset
    #: a phased plan's periods and their columns (MODEL.md §7); None without [periods]
    phased: Phased | None = None


#: Columns of ``county_parameters``: the derived quantities the LP reads, and the weight.
PARAMETER_COLUMNS = (
    "county_id",
    "alpha",
    "sigma",
    "rho",
    "kappa",
    "weight",
    "cap_room",
    "floor_need",
    "dev_room",
    "basic_room",
    *(f"limit_{family}" for family in LIMIT_FAMILIES),
    "upper",
    "lower",
)


def county_parameters(ds: Dataset) -> pd.DataFrame:
    """Per-county coefficients of the LP: rates, weight, rooms and limits on A_i (ha).

    The quantities come from ``optimizer.data.derived.county_quantities``; only the
    priority weight (which needs the groups) is worked out here.
    """
    q = county_quantities(ds.counties.reset_index(drop=True), ds.scenario)
    q["weight"] = priority_weights(ds)
    return q[list(PARAMETER_COLUMNS)]


def priority_weights(ds: Dataset) -> np.ndarray:
    """w_i = zone weight × the largest weight of the county's groups (1 when in none)."""
    c = ds.counties
    zone_weight = c["zone"].map(ds.scenario.weights.zone.model_dump()).to_numpy(float)
    members = ds.members.merge(ds.groups[["group_id", "weight"]], on="group_id")
    best = members.groupby("county_id")["weight"].max()
    group_weight = c["county_id"].map(best).fillna(1.0).to_numpy(float)
    return zone_weight * group_weight


def build(ds: Dataset, linkage_form: str = "auto") -> Formulation:
    """The LP of MODEL.md §3 for this dataset and scenario."""
    params = county_parameters(ds)
    c = ds.counties
    # Every county keeps its down-arc, even one whose limits allow no new land: the
    # infeasibility diagnosis relaxes those limits on this same network.
    network = build_network(
        c,
        ds.scenario,
        ds.transfer_costs,
        form=linkage_form,
        can_export=(c["reclaim_potential"].to_numpy(float) * (1.0 - params["rho"]) > 0),
    )
    periods = plan_periods(ds.scenario)
    if periods is not None:
        return build_phased(ds, params, network, periods)
    b = LPBuilder()
    ids = params["county_id"].to_numpy(dtype=object)
    v = define_variables(b, ds, params, network)
    define_tier_constraints(b, ids, v)
    define_split_constraints(b, ids, v, network)
    define_quota_pool_constraint(b, ds, network, (v,))
    define_surplus_constraints(b, ids, params, v, network)
    define_per_capita_floor_constraints(b, ids, params, v)
    define_farmland_floor_constraints(b, ds, params, (v,))
    define_farmland_region_constraint(b, ds, params, (v,))
    define_farmland_balance_constraints(b, ds, params, (v,))
    define_intensity_constraint(b, ds, params, (v,), intensity_limit(ds))
    define_group_constraints(b, ds, v)
    define_hub_balance_constraints(b, network, v)
    define_project_min_constraints(b, ds, (v,), project_needs(ds))
    define_lock_constraints(b, ds, v, horizon_locks(ds))
    define_linked_quota_constraints(b, ds, v, network)
    return Formulation(b.build(maximize=True), v, params, network, ds)


def build_phased(
    ds: Dataset, params: pd.DataFrame, network: LinkageNetwork, periods: Periods
) -> Formulation:
    """The LP of a phased plan (MODEL.md §7, formulation/phased.py): horizon totals under
    the §3 names with the last end's rows, every period's variables and earlier ends.

    Every row family has one builder: a period's rows are the §3 builder applied to that
    period's columns, a cumulative row the same builder summing the periods up to its end
    (``chosen``), a horizon row the builder applied to the horizon columns.
    """
    b = LPBuilder()
    ids = params["county_id"].to_numpy(dtype=object)
    horizon = define_horizon_variables(b, ds, params, network)
    phased = define_period_variables(b, ds, params, network, periods, horizon.stock_counties)
    last = phased[-1]
    v = replace(horizon, shortfall=last.shortfall, shortfall_counties=last.shortfall_counties)
    define_periods_sum_constraints(b, v, phased)
    for p in phased:
        define_tier_constraints(b, ids, p, period_family("tiers", p.end))
        define_split_constraints(b, ids, p, network, period_family("split", p.end), own=p)
        define_hub_balance_constraints(b, network, p, period_family("hub_balance", p.end))
    # the hub form has no horizon arcs: the horizon pool row sums every period's
    define_quota_pool_constraint(b, ds, network, phased if network.pool >= 0 else (v,))
    define_period_quota_constraints(b, ds, phased, network, periods)
    define_surplus_bank_constraints(b, ids, params, v, phased, network)
    define_per_capita_floor_constraints(b, ids, params, v)
    define_farmland_floor_constraints(b, ds, params, (v,))
    define_farmland_region_constraint(b, ds, params, (v,))
    define_farmland_balance_constraints(b, ds, params, (v,))
    define_intensity_constraint(b, ds, params, (v,), intensity_limit(ds))
    define_group_constraints(b, ds, v)
    define_project_min_constraints(b, ds, (v,), project_needs(ds))
    define_lock_constraints(b, ds, v, horizon_locks(ds))
    held = period_locks(ds)
    for p in phased:
        if str(p.end) in held:
            define_lock_constraints(b, ds, p, held[str(p.end)], period_family("lock", p.end))
    define_linked_quota_constraints(b, ds, v, network, horizon_use=False)
    define_earlier_end_constraints(b, ds, params, phased, periods)
    define_period_stock_link_constraints(b, ds, v, phased, network)
    return Formulation(b.build(maximize=True), v, params, network, ds, Phased(periods, phased))


def define_earlier_end_constraints(
    b: LPBuilder, ds: Dataset, params: pd.DataFrame, phased: tuple[PeriodColumns, ...], periods
) -> None:
    """At every end before the last, the §3 county and region rows on the cumulative sums
    Σ_{t'≤t} (MODEL.md §7), named ``<family>@<end>``:

    - per_capita_cap@Y[i]: σ_i A_i^≤t ≤ cap room with that year's urban population
      (rows only where the cap is below what the county can reach by then);
    - per_capita_floor@Y[i] (soft): σ_i A_i^≤t + u_it ≥ floor need at that year;
    - farmland_floor@Y[i]: −α_i A_i^≤t + κ_i r_i^≤t + s_i^≤t ≥ floor_i − F0_i;
    - project_min@Y[i]: A_i^≤t ≥ Σ areas of the projects due by then;
    - farmland_region@Y, farmland_balance@Y[unit] (占补平衡 cumulative: supplement before
      occupation), intensity@Y (only at the ends [periods] intensity gives a τ_t for).

    The county rows of all earlier ends come first, then the region rows.
    """
    ids = params["county_id"].to_numpy(dtype=object)
    upper = params["upper"].to_numpy()
    reach = np.zeros(len(ids))
    for t, p in enumerate(phased[:-1]):
        chosen = phased[: t + 1]
        reach = reach + p.data.demand
        most = np.minimum(reach, upper)
        define_per_capita_cap_constraints(b, ids, p, chosen, most)
        define_per_capita_floor_constraints(
            b, ids, p.params, p, chosen, period_family("per_capita_floor", p.end)
        )
        family = period_family("farmland_floor", p.end)
        define_farmland_floor_constraints(b, ds, params, chosen, most, family)
        due = projects_due(ds, p.end)
        define_project_min_constraints(b, ds, chosen, due, period_family("project_min", p.end))
    for t, p in enumerate(phased[:-1]):
        chosen = phased[: t + 1]
        family = period_family("farmland_region", p.end)
        define_farmland_region_constraint(b, ds, params, chosen, family)
        family = period_family("farmland_balance", p.end)
        define_farmland_balance_constraints(b, ds, params, chosen, family)
        limit = period_intensity_limit(ds, periods, t, p.data)
        define_intensity_constraint(b, ds, params, chosen, limit, period_family("intensity", p.end))


def define_horizon_variables(
    b: LPBuilder, ds: Dataset, p: pd.DataFrame, network: LinkageNetwork
) -> Columns:
    """The horizon totals of a phased plan (A_i, r_i, s_i, q_i, arcs, z_i, q^link_i):
    no value or cost of their own (the periods carry those), the §3 bounds."""
    c, sc = ds.counties, ds.scenario
    ids = p["county_id"].to_numpy(dtype=object)
    stock_counties = stock_county_positions(ds)
    stock = quota_linked = None
    if stock_counties is not None:
        potential = c["stock_potential"].to_numpy(float)[stock_counties]
        stock = b.add_variables("stock", ids[stock_counties], 0.0, potential)
        if sc.stock.linked_share > 0:
            quota_linked = b.add_variables("quota_linked", ids[stock_counties])
    return Columns(
        allocation=b.add_variables("allocation", ids, p["lower"], p["upper"]),
        tier=np.zeros(0, dtype=np.int64),
        reclaim=b.add_variables("reclaim", ids, 0.0, c["reclaim_potential"]),
        supplement=b.add_variables("supplement", ids, 0.0, c["supplement_potential"]),
        shortfall=np.zeros(0, dtype=np.int64),
        shortfall_counties=np.zeros(0, dtype=np.int64),
        # no horizon arcs: the linkage of a phased plan is read period by period
        linkage=np.zeros(0, dtype=np.int64),
        quota=b.add_variables("quota", ids) if network.pool < 0 else None,
        total=int(b.add_variables("total", ["all"])[0]) if _groups_with_shares(ds).any() else None,
        stock=stock,
        stock_counties=stock_counties,
        quota_linked=quota_linked,
    )


def define_variables(
    b: LPBuilder, ds: Dataset, p: pd.DataFrame, network: LinkageNetwork
) -> Columns:
    """All decision variables; returns their column positions by family."""
    c, sc = ds.counties, ds.scenario
    ids = p["county_id"].to_numpy(dtype=object)
    n = len(ids)
    shares = np.asarray(sc.tiers.shares)
    values = np.asarray(sc.tiers.values)
    k = len(shares)
    demand = c["demand"].to_numpy(float)
    allocation = b.add_variables("allocation", ids, p["lower"], p["upper"])
    tier = b.add_variables(
        "tier",
        np.repeat(ids, k),
        0.0,
        np.outer(demand, shares).ravel(),
        np.outer(p["weight"], values).ravel(),
        key=np.tile(np.arange(1, k + 1), n),
    )
    reclaim = b.add_variables("reclaim", ids, 0.0, c["reclaim_potential"], -sc.linkage.reclaim_cost)
    supplement = b.add_variables(
        "supplement", ids, 0.0, c["supplement_potential"], -sc.linkage.supplement_cost
    )
    # the hub form has the pool as a node instead
    quota = b.add_variables("quota", ids) if network.pool < 0 else None
    short = np.flatnonzero(p["floor_need"].to_numpy() > 0)
    shortfall = b.add_variables("shortfall", ids[short], 0.0, INF, -sc.per_capita.shortfall_penalty)
    arcs = network.arcs
    linkage = b.add_variables(
        "linkage",
        network.labels[arcs["tail"].to_numpy()],
        0.0,
        INF,
        -arcs["cost"].to_numpy(),
        key=network.labels[arcs["head"].to_numpy()],
    )
    total = int(b.add_variables("total", ["all"])[0]) if _groups_with_shares(ds).any() else None
    stock_counties = stock_county_positions(ds)
    stock = quota_linked = None
    if stock_counties is not None:
        potential = c["stock_potential"].to_numpy(float)[stock_counties]
        stock = b.add_variables("stock", ids[stock_counties], 0.0, potential, -sc.stock.cost)
        if sc.stock.linked_share > 0:
            quota_linked = b.add_variables("quota_linked", ids[stock_counties])
    return Columns(
        allocation=allocation,
        tier=tier,
        reclaim=reclaim,
        supplement=supplement,
        shortfall=shortfall,
        shortfall_counties=short,
        linkage=linkage,
        quota=quota,
        total=total,
        stock=stock,
        stock_counties=stock_counties,
        quota_linked=quota_linked,
    )


def stock_county_positions(ds: Dataset) -> np.ndarray | None:
    """Positions of the counties with existing stock to supply again, or None when none has."""
    potential = ds.counties["stock_potential"].to_numpy(float)
    stock = np.flatnonzero(potential > 0)
    return stock if len(stock) else None


#: The columns a row builder reads: a one-period plan's or a phased plan's horizon
#: (Columns), or one period's (PeriodColumns); the field names are the same.
Cols = Columns | PeriodColumns


def define_tier_constraints(b: LPBuilder, ids: np.ndarray, v: Cols, family: str = "tiers") -> None:
    """tiers[i]: Σ_k a_ik − A_i − z_i = 0 (A_i new land, z_i stock reused where there is
    stock, MODEL.md §8): demand is met by both, so the tier bounds cap A_i + z_i.
    A period's (``tiers@Y``): its tiers within that period's demand."""
    n = len(ids)
    k = len(v.tier) // max(n, 1)
    rows = [np.repeat(np.arange(n), k), np.arange(n)]
    cols = [v.tier, v.allocation]
    coef = [np.ones(n * k), -np.ones(n)]
    if v.stock is not None:
        rows.append(v.stock_counties)
        cols.append(v.stock)
        coef.append(-np.ones(len(v.stock)))
    b.add_constraints(
        family, ids, np.concatenate(rows), np.concatenate(cols), np.concatenate(coef), 0.0, 0.0
    )


def define_split_constraints(
    b: LPBuilder,
    ids: np.ndarray,
    v: Cols,
    network: LinkageNetwork,
    family: str = "split",
    own: PeriodColumns | None = None,
) -> None:
    """split[i]: A_i − q_i − b_i − q^link_i = 0, b_i = linkage indicators used by county i.

    The hub form has no split rows in a one-period plan: its ``surplus`` rows hold the
    whole balance. A period's (``split@Y``, ``own``: its columns) in the hub form is that
    balance with the county's own indicators taken from its bank (w_it):
    A_it + up_it − down_it − w_it − q^link_it ≤ 0.
    """
    if network.pool < 0:
        _balance_rows(b, family, ids, v, network)
    elif own is not None:
        bank = own.bank_counties
        _balance_rows(b, family, ids, v, network, (bank, own.withdrawal, np.ones(len(bank))))


def _balance_rows(
    b: LPBuilder,
    family: str,
    ids: np.ndarray,
    v: Cols,
    network: LinkageNetwork,
    own: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
) -> None:
    """A county's linkage balance: new land A_i against what it receives (b_i, down arcs),
    its quota q_i (pairwise form, = 0) or what it sends up (hub form, ≤ 0, less ``own``:
    county positions, columns and coefficients of its own indicators), and q^link_i."""
    n = len(ids)
    pos = np.arange(n)
    tail, head = network.arcs["tail"].to_numpy(), network.arcs["head"].to_numpy()
    into_use = np.flatnonzero((head >= n) & (head < 2 * n))
    rows = [pos, head[into_use] - n]
    cols = [v.allocation, v.linkage[into_use]]
    coef = [np.ones(n), -np.ones(len(into_use))]
    if network.pool < 0:
        rows.append(pos)
        cols.append(v.quota)
        coef.append(-np.ones(n))
        lb, ub = 0.0, 0.0
    else:
        up = np.flatnonzero(tail < n)
        counties, columns, rates = own
        rows += [tail[up], counties]
        cols += [v.linkage[up], columns]
        coef += [np.ones(len(up)), -rates]
        lb, ub = -INF, 0.0
    if v.quota_linked is not None:  # A_i = q_i + q_i^link + b_i
        rows.append(v.stock_counties)
        cols.append(v.quota_linked)
        coef.append(-np.ones(len(v.quota_linked)))
    b.add_constraints(
        family, ids, np.concatenate(rows), np.concatenate(cols), np.concatenate(coef), lb, ub
    )


def define_quota_pool_constraint(
    b: LPBuilder,
    ds: Dataset,
    network: LinkageNetwork,
    chosen: Sequence[Cols],
    family: str = "quota_pool",
    ub: float | None = None,
) -> None:
    """quota_pool: Σ_i q_i ≤ Q (hub form: Σ of the pool → city hub arcs ≤ Q), summed over
    ``chosen`` (a phased plan's periods, MODEL.md §7); ``ub`` defaults to the free quota."""
    if network.pool >= 0:
        pool = np.flatnonzero(network.arcs["tail"].to_numpy() == network.pool)
        cols = np.concatenate([c.linkage[pool] for c in chosen])
    else:
        cols = np.concatenate([c.quota for c in chosen])
    limit = free_quota(ds.scenario) if ub is None else ub
    b.add_constraints(family, ["region"], np.zeros(len(cols)), cols, 1.0, ub=limit)


def free_quota(scenario) -> float:
    """ha of the pool counties share without conditions: (1 − λ)(1 − ρ_Q)·Q.

    The provincial reserve ρ_Q·Q is held back first; of what is left, the share λ
    (stock.linked_share) can only be earned by reusing stock (MODEL.md §8, docs/MODEL.md).
    With neither, this is Q itself.
    """
    return free_share(scenario) * scenario.quota.total


def free_share(scenario) -> float:
    """(1 − λ)(1 − ρ_Q): the share of quota.total that is free quota (1.0 by default)."""
    return (1.0 - scenario.stock.linked_share) * (1.0 - scenario.quota.reserve_share)


def linked_quota(scenario) -> float:
    """ha of the pool earned only by reusing stock (增存挂钩): λ(1 − ρ_Q)·Q."""
    return scenario.stock.linked_share * scenario.quota.available


def linked_quota_share(scenario) -> float:
    """λ(1 − ρ_Q): the share of a pool earned only by reusing stock."""
    return scenario.stock.linked_share * (1.0 - scenario.quota.reserve_share)


def define_period_quota_constraints(
    b: LPBuilder, ds: Dataset, phased: tuple[PeriodColumns, ...], network: LinkageNetwork, periods
) -> None:
    """quota_pool@Y: with carry_over Σ_{t'≤t} Σ_i q_it' ≤ (free share)·Σ_{t'≤t} Q_t',
    without it Σ_i q_it ≤ (free share)·Q_t. The horizon row (``quota_pool``,
    Σ_t Σ_i q_it ≤ quota.total) is the §3 one; a period row that says no more than it
    (the last end with carry-over and pools summing to the total) is left out.
    The provincial reserve and 增存挂钩 (quota_linked@Y) take their shares of every
    period's pool."""
    sc = ds.scenario
    bounds = periods.cumulative_quota() if periods.carry_over else periods.quota
    for t, p in enumerate(phased):
        chosen = phased[: t + 1] if periods.carry_over else (p,)
        whole = (periods.carry_over and t == len(phased) - 1) or len(phased) == 1
        if whole and bounds[t] >= sc.quota.total - QUOTA_TOLERANCE:
            continue
        ub = free_share(sc) * bounds[t]
        define_quota_pool_constraint(b, ds, network, chosen, period_family("quota_pool", p.end), ub)
        if p.quota_linked is not None:
            ub = linked_quota_share(sc) * bounds[t]
            _linked_pool_row(b, period_family("quota_linked", p.end), chosen, ub)


def define_surplus_constraints(
    b: LPBuilder, ids: np.ndarray, p: pd.DataFrame, v: Columns, network: LinkageNetwork
) -> None:
    """surplus[i]: Σ_j x_ij − (1 − ρ_i) r_i ≤ 0: indicators come from net reclamation.

    Hub form: A_i + up_i − down_i − (1 − ρ_i) r_i ≤ 0, the county's whole balance:
    its new land is its own surplus (what it does not send up) plus what comes
    down from its hub (indicators or quota).
    """
    if network.form == "none":
        return
    keep = 1.0 - p["rho"].to_numpy()
    if network.pool >= 0:
        _balance_rows(b, "surplus", ids, v, network, (np.arange(len(ids)), v.reclaim, keep))
    else:
        _bank_rows(b, "surplus", ids, keep, network, (v,), (v,))


def define_surplus_bank_constraints(
    b: LPBuilder,
    ids: np.ndarray,
    params: pd.DataFrame,
    v: Columns,
    phased: tuple[PeriodColumns, ...],
    network: LinkageNetwork,
) -> None:
    """surplus (banked, MODEL.md §7): indicators used or sent by the end of t come from
    what was reclaimed by then. Pairwise: Σ_{t'≤t} Σ_j x_ijt' ≤ Σ_{t'≤t} (1 − ρ_i) r_it';
    hubs: Σ_{t'≤t} w_it' ≤ Σ_{t'≤t} (1 − ρ_i) r_it'. The last end reads the horizon r_i."""
    if network.form == "none":
        return
    keep = 1.0 - params["rho"].to_numpy()
    last = len(phased) - 1
    for t, p in enumerate(phased):
        chosen = phased[: t + 1]
        name = "surplus" if t == last else period_family("surplus", p.end)
        _bank_rows(b, name, ids, keep, network, chosen, (v,) if t == last else chosen)


def _bank_rows(
    b: LPBuilder,
    family: str,
    ids: np.ndarray,
    keep: np.ndarray,
    network: LinkageNetwork,
    used: Sequence[Cols],
    reclaimed: Sequence[Cols],
) -> None:
    """Σ_used (indicators sent, pairwise; taken from the bank w, hubs) − Σ_reclaimed
    (1 − ρ_i) r_i ≤ 0, per county (hubs: per county with a bank)."""
    n = len(ids)
    if network.pool < 0:
        tail = network.arcs["tail"].to_numpy()
        sent = np.flatnonzero(tail < n)
        counties = np.arange(n)
        rows = [tail[sent] for _ in used]
        cols = [u.linkage[sent] for u in used]
    else:
        counties = used[0].bank_counties
        rows = [np.arange(len(counties)) for _ in used]
        cols = [u.withdrawal for u in used]
    if len(counties) == 0:
        return
    coef = [np.ones(len(c)) for c in cols]
    for r in reclaimed:
        rows.append(np.arange(len(counties)))
        cols.append(r.reclaim[counties])
        coef.append(-keep[counties])
    b.add_constraints(
        family,
        ids[counties],
        np.concatenate(rows),
        np.concatenate(cols),
        np.concatenate(coef),
        ub=0.0,
    )


def define_per_capita_floor_constraints(
    b: LPBuilder,
    ids: np.ndarray,
    p: pd.DataFrame,
    v: Cols,
    chosen: Sequence[Cols] | None = None,
    family: str = "per_capita_floor",
) -> None:
    """per_capita_floor[i] (soft): σ_i A_i + u_i ≥ floor·UP35_i/10⁴ − U0_i, where that is > 0.

    ``chosen``: the periods whose A_it sum to the new land by an earlier end (u and the
    floor need, ``p``, are that end's)."""
    short = v.shortfall_counties
    m = len(short)
    sigma = p["sigma"].to_numpy()[short]
    parts = chosen if chosen is not None else (v,)
    rows = [np.arange(m)] * (len(parts) + 1)
    cols = [c.allocation[short] for c in parts] + [v.shortfall]
    coef = [sigma] * len(parts) + [np.ones(m)]
    b.add_constraints(
        family,
        ids[short],
        np.concatenate(rows),
        np.concatenate(cols),
        np.concatenate(coef),
        lb=p["floor_need"].to_numpy()[short],
    )


def define_per_capita_cap_constraints(
    b: LPBuilder, ids: np.ndarray, p: PeriodColumns, chosen: Sequence[Cols], most: np.ndarray
) -> None:
    """per_capita_cap@Y[i]: σ_i A_i^≤t ≤ cap room with that year's urban population, where
    the cap is below ``most`` (what the county can reach by then). The horizon cap is a
    bound of A_i (county_parameters)."""
    pos = np.flatnonzero(p.params["limit_per_capita_cap"].to_numpy() < most)
    _sum_rows(
        b,
        period_family("per_capita_cap", p.end),
        ids[pos],
        pos,
        np.arange(len(pos)),
        chosen,
        alpha=p.params["sigma"].to_numpy(),
        ub=p.params["cap_room"].to_numpy()[pos],
    )


def define_farmland_floor_constraints(
    b: LPBuilder,
    ds: Dataset,
    p: pd.DataFrame,
    chosen: Sequence[Cols],
    most: np.ndarray | None = None,
    family: str = "farmland_floor",
) -> None:
    """farmland_floor[i]: −α_i A_i + κ_i r_i + s_i ≥ floor_i − F0_i, only the rows that can
    bind with A_i at ``most`` (default: the smaller of demand and the upper bound)."""
    c = ds.counties
    need = c["farmland_floor"].to_numpy(float) - c["cultivated_2020"].to_numpy(float)
    alpha = p["alpha"].to_numpy()
    if most is None:
        most = np.minimum(p["upper"].to_numpy(), c["demand"].to_numpy(float))
    keep = np.flatnonzero(-alpha * most < need)
    _sum_rows(
        b,
        family,
        p["county_id"].to_numpy(dtype=object)[keep],
        keep,
        np.arange(len(keep)),
        chosen,
        alpha=-alpha,
        kappa=p["kappa"].to_numpy(),
        supplement=1.0,
        lb=need[keep],
    )


def define_farmland_region_constraint(
    b: LPBuilder,
    ds: Dataset,
    p: pd.DataFrame,
    chosen: Sequence[Cols],
    family: str = "farmland_region",
) -> None:
    """farmland_region: Σ_i F_i ≥ region_floor, i.e. Σ(−αA + κr + s) ≥ floor − Σ F0."""
    floor = ds.scenario.farmland.region_floor
    if floor is None:
        return
    n = len(p)
    _sum_rows(
        b,
        family,
        ["region"],
        np.arange(n),
        np.zeros(n, dtype=np.int64),
        chosen,
        alpha=-p["alpha"].to_numpy(),
        kappa=p["kappa"].to_numpy(),
        supplement=1.0,
        lb=floor - ds.counties["cultivated_2020"].sum(),
    )


def define_farmland_balance_constraints(
    b: LPBuilder,
    ds: Dataset,
    p: pd.DataFrame,
    chosen: Sequence[Cols],
    family: str = "farmland_balance",
) -> None:
    """farmland_balance[unit] (占补平衡): Σ α_i A_i − Σ (κ_i r_i + s_i) ≤ 0 per scope unit."""
    scope = ds.scenario.farmland.balance_scope
    if scope == "none":
        return
    units, unit_ids = _scope_units(ds, scope)
    _sum_rows(
        b,
        family,
        unit_ids,
        np.arange(len(p)),
        units,
        chosen,
        alpha=p["alpha"].to_numpy(),
        kappa=-p["kappa"].to_numpy(),
        supplement=-1.0,
        ub=0.0,
    )


def define_intensity_constraint(
    b: LPBuilder,
    ds: Dataset,
    p: pd.DataFrame,
    chosen: Sequence[Cols],
    limit: float | None,
    family: str = "intensity",
) -> None:
    """intensity: Σ C_i ≤ limit (ha, ``intensity_limit``; None: no row), where
    C_i = C0_i + A_i − (1 − ρ_i) r_i."""
    if limit is None:
        return
    n = len(p)
    rows = np.zeros(2 * n * len(chosen), dtype=np.int64)
    cols = np.concatenate([np.concatenate([c.allocation, c.reclaim]) for c in chosen])
    coef = np.tile(np.concatenate([np.ones(n), -(1.0 - p["rho"].to_numpy())]), len(chosen))
    rhs = limit - ds.counties["construction_land_2020"].sum()
    b.add_constraints(family, ["region"], rows, cols, coef, ub=rhs)


def intensity_limit(ds: Dataset) -> float | None:
    """The most construction land (ha) allowed in 2035 by the intensity target, or None."""
    return derived_intensity_limit(ds.counties, ds.scenario)


def define_group_constraints(b: LPBuilder, ds: Dataset, v: Columns) -> None:
    """group_min[g] / group_max[g]: members' Σ A_i against a share of the total T = Σ A_i."""
    if v.total is None:
        return
    n = len(v.allocation)
    total = v.total
    b.add_constraints(
        "total_allocation",
        ["all"],
        np.zeros(n + 1),
        np.append(v.allocation, total),
        np.append(np.ones(n), -1.0),
        0.0,
        0.0,
    )
    county_pos = pd.Series(np.arange(n), index=ds.counties["county_id"].to_numpy())
    for family, column, bound in (
        ("group_min", "min_share", "lb"),
        ("group_max", "max_share", "ub"),
    ):
        groups = ds.groups[ds.groups[column].notna()].reset_index(drop=True)
        if groups.empty:
            continue
        members = ds.members.merge(groups[["group_id"]].reset_index(), on="group_id")
        g = len(groups)
        rows = np.concatenate([members["index"].to_numpy(), np.arange(g)])
        cols = np.concatenate(
            [v.allocation[county_pos[members["county_id"]].to_numpy()], np.full(g, total)]
        )
        coef = np.concatenate([np.ones(len(members)), -groups[column].to_numpy(float)])
        b.add_constraints(family, groups["group_id"], rows, cols, coef, **{bound: 0.0})


def define_hub_balance_constraints(
    b: LPBuilder, network: LinkageNetwork, v: Cols, family: str = "hub_balance"
) -> None:
    """hub_balance[h]: what enters a linkage hub leaves it (a period's: in that period)."""
    hubs = network.hub_nodes
    if len(hubs) == 0:
        return
    first, end = hubs[0], hubs[-1] + 1
    tail, head = network.arcs["tail"].to_numpy(), network.arcs["head"].to_numpy()
    into = np.flatnonzero((head >= first) & (head < end))
    out_of = np.flatnonzero((tail >= first) & (tail < end))
    rows = np.concatenate([head[into] - first, tail[out_of] - first])
    cols = np.concatenate([v.linkage[into], v.linkage[out_of]])
    coef = np.concatenate([np.ones(len(into)), -np.ones(len(out_of))])
    b.add_constraints(family, network.labels[hubs], rows, cols, coef, 0.0, 0.0)


def project_needs(ds: Dataset) -> np.ndarray:
    """Per county (county order), Σ of its key projects' areas, ha (0 without projects.csv)."""
    c = ds.counties
    if ds.projects is None or ds.projects.empty:
        return np.zeros(len(c))
    total = ds.projects.groupby("county_id")["area"].sum()
    return c["county_id"].map(total).fillna(0.0).to_numpy(float)


def define_project_min_constraints(
    b: LPBuilder,
    ds: Dataset,
    chosen: Sequence[Cols],
    need: np.ndarray,
    family: str = "project_min",
) -> None:
    """project_min[i]: A_i ≥ Σ areas of county i's key projects (重点项目库, MODEL.md §8),
    ``need`` per county (``project_needs``; an earlier end's: ``projects_due``).

    Rows, not bounds of A_i, and only for counties with projects: reports and the
    diagnosis then name the family and price it like any county row, and the LP
    without projects.csv is unchanged. New land only: stock does not count.
    """
    pos = np.flatnonzero(need > 0)
    if len(pos) == 0:
        return
    ids = ds.counties["county_id"].to_numpy(dtype=object)[pos]
    ones = np.ones(len(need))
    _sum_rows(b, family, ids, pos, np.arange(len(pos)), chosen, alpha=ones, lb=need[pos])


def define_lock_constraints(
    b: LPBuilder,
    ds: Dataset,
    v: Cols,
    held: tuple[np.ndarray, np.ndarray, np.ndarray],
    family: str = "lock",
) -> None:
    """lock[i]: min_i ≤ A_i ≤ max_i for each locked county (locks.csv, ``--fix``; MODEL.md §8),
    ``held`` = (county positions, min, max) from ``horizon_locks``; a phased plan's lock
    with a period_end (``lock@Y``, ``period_locks``) holds that period's A_it (§7).

    One row per lock (an equality when min = max, one-sided when a side is empty), not
    bounds of A_i: reports, prices and the diagnosis then name the lock as its own
    family, apart from the county's other limits, and the LP without locks is unchanged.
    New land only: stock does not count.
    """
    pos, lo, hi = held
    if len(pos) == 0:
        return
    ids = ds.counties["county_id"].to_numpy(dtype=object)[pos]
    b.add_constraints(family, ids, np.arange(len(pos)), v.allocation[pos], 1.0, lb=lo, ub=hi)


def define_linked_quota_constraints(
    b: LPBuilder, ds: Dataset, v: Columns, network: LinkageNetwork, horizon_use: bool = True
) -> None:
    """增存挂钩 (MODEL.md §8), when stock.linked_share λ > 0 and some county has stock:

    - quota_linked: Σ_i q_i^link ≤ λ(1 − ρ_Q)·Q, the linked part of the pool;
    - stock_link[i]: q_i^link − μ z_i ≤ 0, earned at μ ha of quota per ha of stock reused;
    - linked_use[i] (hub form only): q_i^link − A_i ≤ 0. In the pairwise form the split
      row A_i = q_i + q_i^link + b_i already keeps linked quota in the county that earned
      it; in the hub form the county balance row alone would let it pass the quota on to
      its hub as if it were indicators. A phased plan has them per period (linked_use@Y).
    """
    if v.quota_linked is None:
        return
    _linked_pool_row(b, "quota_linked", (v,), linked_quota(ds.scenario))
    _stock_link_rows(b, ds, "stock_link", (v,))
    if network.pool >= 0 and horizon_use:
        _linked_use_rows(b, ds, "linked_use", v)


def define_period_stock_link_constraints(
    b: LPBuilder, ds: Dataset, v: Columns, phased: tuple[PeriodColumns, ...], network
) -> None:
    """增存挂钩 by period: stock_link@Y Σ_{t'≤t} (q^link − μ z) ≤ 0 (earned before it is
    used; the last end is the horizon row), linked_use@Y (hubs) q^link_it − A_it ≤ 0."""
    if v.quota_linked is None:
        return
    for t, p in enumerate(phased[:-1]):
        _stock_link_rows(b, ds, period_family("stock_link", p.end), phased[: t + 1])
    if network.pool >= 0:
        for p in phased:
            _linked_use_rows(b, ds, period_family("linked_use", p.end), p)


def _linked_pool_row(b: LPBuilder, family: str, chosen: Sequence[Cols], ub: float) -> None:
    """Σ over ``chosen`` of Σ_i q_i^link ≤ ub (ha): the linked part of a pool."""
    linked = np.concatenate([c.quota_linked for c in chosen])
    b.add_constraints(family, ["region"], np.zeros(len(linked)), linked, 1.0, ub=ub)


def _stock_link_rows(b: LPBuilder, ds: Dataset, family: str, chosen: Sequence[Cols]) -> None:
    """Σ over ``chosen`` of (q_i^link − μ z_i) ≤ 0 per stock county."""
    stock_counties = chosen[0].stock_counties
    m = len(stock_counties)
    ids = ds.counties["county_id"].to_numpy(dtype=object)[stock_counties]
    cols = np.concatenate([c.quota_linked for c in chosen] + [c.stock for c in chosen])
    mu = ds.scenario.stock.quota_per_ha
    coef = np.concatenate([np.ones(m * len(chosen)), np.full(m * len(chosen), -mu)])
    rows = np.tile(np.arange(m), 2 * len(chosen))
    b.add_constraints(family, ids, rows, cols, coef, ub=0.0)


def _linked_use_rows(b: LPBuilder, ds: Dataset, family: str, v: Cols) -> None:
    """q_i^link − A_i ≤ 0 per stock county (hub form): linked quota is used where earned."""
    m = len(v.quota_linked)
    ids = ds.counties["county_id"].to_numpy(dtype=object)[v.stock_counties]
    b.add_constraints(
        family,
        ids,
        np.tile(np.arange(m), 2),
        np.concatenate([v.quota_linked, v.allocation[v.stock_counties]]),
        np.concatenate([np.ones(m), -np.ones(m)]),
        ub=0.0,
    )


def _groups_with_shares(ds: Dataset) -> pd.Series:
    return ds.groups["min_share"].notna() | ds.groups["max_share"].notna()


def _scope_units(ds: Dataset, scope: str) -> tuple[np.ndarray, np.ndarray]:
    """Which scope unit (region, city or county) each county balances in."""
    c = ds.counties
    if scope == "region":
        return np.zeros(len(c), dtype=np.int64), np.array(["region"], dtype=object)
    key = c["city"] if scope == "city" else c["county_id"]
    codes, uniques = pd.factorize(key, sort=True)
    return codes.astype(np.int64), np.asarray(uniques, dtype=object)


def _sum_rows(
    b: LPBuilder,
    family: str,
    row_ids,
    pos: np.ndarray,
    rows: np.ndarray,
    chosen: Sequence[Cols],
    *,
    alpha: np.ndarray,
    kappa: np.ndarray | None = None,
    supplement: float = 0.0,
    lb: np.ndarray | float = -INF,
    ub: np.ndarray | float = INF,
) -> None:
    """Rows summing alpha·A_i (+ kappa·r_i + supplement·s_i) over counties ``pos`` and over
    the column sets ``chosen`` (one for a §3 row, the periods up to an end for a
    cumulative one).

    County ``pos[m]`` enters row ``rows[m]``; ``alpha`` and ``kappa`` are per county
    (all counties, in county order). No counties, no block.
    """
    if len(pos) == 0:
        return
    alpha = np.asarray(alpha)[pos]
    r, c, k = [], [], []
    for part in chosen:
        r.append(rows)
        c.append(part.allocation[pos])
        k.append(alpha)
        if kappa is not None:
            r += [rows, rows]
            c += [part.reclaim[pos], part.supplement[pos]]
            k += [np.asarray(kappa)[pos], np.full(len(pos), supplement)]
    b.add_constraints(
        family, row_ids, np.concatenate(r), np.concatenate(c), np.concatenate(k), lb, ub
    )
