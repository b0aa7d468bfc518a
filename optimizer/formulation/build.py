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

from dataclasses import dataclass

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
    Phased,
    define_period_county_constraints,
    define_period_hub_balance_constraints,
    define_period_quota_constraints,
    define_period_region_constraints,
    define_period_split_constraints,
    define_period_stock_link_constraints,
    define_period_tier_constraints,
    define_period_variables,
    define_periods_sum_constraints,
    define_surplus_bank_constraints,
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
    define_quota_pool_constraint(b, ds, v, network)
    define_surplus_constraints(b, ids, params, v, network)
    define_per_capita_floor_constraints(b, ids, params, v)
    define_farmland_floor_constraints(b, ds, params, v)
    define_farmland_region_constraint(b, ds, params, v)
    define_farmland_balance_constraints(b, ds, params, v)
    define_intensity_constraint(b, ds, params, v)
    define_group_constraints(b, ds, v)
    define_hub_balance_constraints(b, network, v)
    define_project_min_constraints(b, ds, v)
    define_lock_constraints(b, ds, v)
    define_linked_quota_constraints(b, ds, v, network)
    return Formulation(b.build(maximize=True), v, params, network, ds)


def build_phased(
    ds: Dataset, params: pd.DataFrame, network: LinkageNetwork, periods: Periods
) -> Formulation:
    """The LP of a phased plan (MODEL.md §7, formulation/phased.py): horizon totals under
    the §3 names with the last end's rows, every period's variables and earlier ends."""
    b = LPBuilder()
    ids = params["county_id"].to_numpy(dtype=object)
    horizon = define_horizon_variables(b, ds, params, network)
    phased = define_period_variables(b, ds, params, network, periods, horizon.stock_counties)
    last = phased[-1]
    v = Columns(
        allocation=horizon.allocation,
        tier=np.zeros(0, dtype=np.int64),
        reclaim=horizon.reclaim,
        supplement=horizon.supplement,
        shortfall=last.shortfall,
        shortfall_counties=last.shortfall_counties,
        linkage=horizon.linkage,
        quota=horizon.quota,
        total=horizon.total,
        stock=horizon.stock,
        stock_counties=horizon.stock_counties,
        quota_linked=horizon.quota_linked,
    )
    define_periods_sum_constraints(b, v, phased)
    for p in phased:
        define_period_tier_constraints(b, ids, p)
        define_period_split_constraints(b, ids, p, network)
        define_period_hub_balance_constraints(b, network, p)
    define_quota_pool_constraint(b, ds, v, network, [p.linkage for p in phased])
    define_period_quota_constraints(b, ds, v, phased, network, periods)
    define_surplus_bank_constraints(b, ids, params, v, phased, network)
    define_per_capita_floor_constraints(b, ids, params, v)
    define_farmland_floor_constraints(b, ds, params, v)
    define_farmland_region_constraint(b, ds, params, v)
    define_farmland_balance_constraints(b, ds, params, v)
    define_intensity_constraint(b, ds, params, v)
    define_group_constraints(b, ds, v)
    define_project_min_constraints(b, ds, v)
    define_lock_constraints(b, ds, v)
    define_period_lock_constraints(b, ds, phased)
    define_linked_quota_constraints(b, ds, v, network, horizon_use=False)
    define_period_county_constraints(b, ds, params, v, phased)
    define_period_region_constraints(b, ds, params, phased, periods)
    define_period_stock_link_constraints(b, ds, v, phased, network)
    return Formulation(b.build(maximize=True), v, params, network, ds, Phased(periods, phased))


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


def define_tier_constraints(b: LPBuilder, ids: np.ndarray, v: Columns) -> None:
    """tiers[i]: Σ_k a_ik − A_i − z_i = 0 (A_i new land, z_i stock reused where there is
    stock, MODEL.md §8): demand is met by both, so the tier bounds cap A_i + z_i."""
    n = len(ids)
    k = v.tiers_per_county
    rows = [np.repeat(np.arange(n), k), np.arange(n)]
    cols = [v.tier, v.allocation]
    coef = [np.ones(n * k), -np.ones(n)]
    if v.stock is not None:
        rows.append(v.stock_counties)
        cols.append(v.stock)
        coef.append(-np.ones(len(v.stock)))
    b.add_constraints(
        "tiers", ids, np.concatenate(rows), np.concatenate(cols), np.concatenate(coef), 0.0, 0.0
    )


def define_split_constraints(
    b: LPBuilder, ids: np.ndarray, v: Columns, network: LinkageNetwork
) -> None:
    """split[i]: A_i − q_i − b_i = 0, b_i = linkage indicators used by county i.

    The hub form has no split rows: its ``surplus`` rows hold the whole balance.
    """
    if network.pool >= 0:
        return
    n = len(ids)
    pos = np.arange(n)
    head = network.arcs["head"].to_numpy()
    into_use = np.flatnonzero((head >= n) & (head < 2 * n))
    rows = [pos, pos, head[into_use] - n]
    cols = [v.allocation, v.quota, v.linkage[into_use]]
    coef = [np.ones(n), -np.ones(n), -np.ones(len(into_use))]
    if v.quota_linked is not None:  # A_i = q_i + q_i^link + b_i
        rows.append(v.stock_counties)
        cols.append(v.quota_linked)
        coef.append(-np.ones(len(v.quota_linked)))
    b.add_constraints(
        "split", ids, np.concatenate(rows), np.concatenate(cols), np.concatenate(coef), 0.0, 0.0
    )


def define_quota_pool_constraint(
    b: LPBuilder,
    ds: Dataset,
    v: Columns,
    network: LinkageNetwork,
    arcs: list[np.ndarray] | None = None,
) -> None:
    """quota_pool: Σ_i q_i ≤ Q (hub form: Σ of the pool → city hub arcs ≤ Q; a phased
    plan's ``arcs``: every period's, MODEL.md §7)."""
    if network.pool >= 0:
        pool = np.flatnonzero(network.arcs["tail"].to_numpy() == network.pool)
        cols = np.concatenate([a[pool] for a in (arcs if arcs is not None else [v.linkage])])
    else:
        cols = v.quota
    b.add_constraints(
        "quota_pool", ["region"], np.zeros(len(cols)), cols, 1.0, ub=free_quota(ds.scenario)
    )


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
    n = len(ids)
    pos = np.arange(n)
    tail, head = network.arcs["tail"].to_numpy(), network.arcs["head"].to_numpy()
    from_source = np.flatnonzero(tail < n)
    rows = [tail[from_source], pos]
    cols = [v.linkage[from_source], v.reclaim]
    coef = [np.ones(len(from_source)), -(1.0 - p["rho"].to_numpy())]
    if network.pool >= 0:
        into_use = np.flatnonzero((head >= n) & (head < 2 * n))
        rows += [pos, head[into_use] - n]
        cols += [v.allocation, v.linkage[into_use]]
        coef += [np.ones(n), -np.ones(len(into_use))]
        if v.quota_linked is not None:  # linked quota comes in beside what comes down
            rows.append(v.stock_counties)
            cols.append(v.quota_linked)
            coef.append(-np.ones(len(v.quota_linked)))
    b.add_constraints(
        "surplus", ids, np.concatenate(rows), np.concatenate(cols), np.concatenate(coef), ub=0.0
    )


def define_per_capita_floor_constraints(
    b: LPBuilder, ids: np.ndarray, p: pd.DataFrame, v: Columns
) -> None:
    """per_capita_floor[i] (soft): σ_i A_i + u_i ≥ floor·UP35_i/10⁴ − U0_i, where that is > 0."""
    short = v.shortfall_counties
    m = len(short)
    rows = np.concatenate([np.arange(m), np.arange(m)])
    cols = np.concatenate([v.allocation[short], v.shortfall])
    coef = np.concatenate([p["sigma"].to_numpy()[short], np.ones(m)])
    b.add_constraints(
        "per_capita_floor", ids[short], rows, cols, coef, lb=p["floor_need"].to_numpy()[short]
    )


def define_farmland_floor_constraints(
    b: LPBuilder, ds: Dataset, p: pd.DataFrame, v: Columns
) -> None:
    """farmland_floor[i]: −α_i A_i + κ_i r_i + s_i ≥ floor_i − F0_i (rows that can bind)."""
    c = ds.counties
    need = c["farmland_floor"].to_numpy(float) - c["cultivated_2020"].to_numpy(float)
    alpha = p["alpha"].to_numpy()
    worst = -alpha * np.minimum(p["upper"].to_numpy(), c["demand"].to_numpy(float))
    keep = np.flatnonzero(worst < need)
    _county_sum_rows(
        b,
        "farmland_floor",
        p["county_id"].to_numpy(dtype=object)[keep],
        keep,
        np.arange(len(keep)),
        v,
        alpha=-alpha,
        kappa=p["kappa"].to_numpy(),
        supplement=1.0,
        lb=need[keep],
    )


def define_farmland_region_constraint(
    b: LPBuilder, ds: Dataset, p: pd.DataFrame, v: Columns
) -> None:
    """farmland_region: Σ_i F_i ≥ region_floor, i.e. Σ(−αA + κr + s) ≥ floor − Σ F0."""
    floor = ds.scenario.farmland.region_floor
    if floor is None:
        return
    n = len(p)
    rhs = floor - ds.counties["cultivated_2020"].sum()
    _county_sum_rows(
        b,
        "farmland_region",
        ["region"],
        np.arange(n),
        np.zeros(n, dtype=np.int64),
        v,
        alpha=-p["alpha"].to_numpy(),
        kappa=p["kappa"].to_numpy(),
        supplement=1.0,
        lb=rhs,
    )


def define_farmland_balance_constraints(
    b: LPBuilder, ds: Dataset, p: pd.DataFrame, v: Columns
) -> None:
    """farmland_balance[unit] (占补平衡): Σ α_i A_i − Σ (κ_i r_i + s_i) ≤ 0 per scope unit."""
    scope = ds.scenario.farmland.balance_scope
    if scope == "none":
        return
    units, unit_ids = _scope_units(ds, scope)
    _county_sum_rows(
        b,
        "farmland_balance",
        unit_ids,
        np.arange(len(p)),
        units,
        v,
        alpha=p["alpha"].to_numpy(),
        kappa=-p["kappa"].to_numpy(),
        supplement=-1.0,
        ub=0.0,
    )


def define_intensity_constraint(b: LPBuilder, ds: Dataset, p: pd.DataFrame, v: Columns) -> None:
    """intensity: Σ C_i ≤ (1 − τ)·(Σ C0 / Σ GDP20)·Σ GDP35, C_i = C0_i + A_i − (1 − ρ_i) r_i."""
    c = ds.counties
    limit = intensity_limit(ds)
    if limit is None:
        return
    n = len(p)
    rows = np.zeros(2 * n, dtype=np.int64)
    cols = np.concatenate([v.allocation, v.reclaim])
    coef = np.concatenate([np.ones(n), -(1.0 - p["rho"].to_numpy())])
    b.add_constraints(
        "intensity", ["region"], rows, cols, coef, ub=limit - c["construction_land_2020"].sum()
    )


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


def define_hub_balance_constraints(b: LPBuilder, network: LinkageNetwork, v: Columns) -> None:
    """hub_balance[h]: what enters a linkage hub leaves it."""
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
    b.add_constraints("hub_balance", network.labels[hubs], rows, cols, coef, 0.0, 0.0)


def project_needs(ds: Dataset) -> np.ndarray:
    """Per county (county order), Σ of its key projects' areas, ha (0 without projects.csv)."""
    c = ds.counties
    if ds.projects is None or ds.projects.empty:
        return np.zeros(len(c))
    total = ds.projects.groupby("county_id")["area"].sum()
    return c["county_id"].map(total).fillna(0.0).to_numpy(float)


def define_project_min_constraints(b: LPBuilder, ds: Dataset, v: Columns) -> None:
    """project_min[i]: A_i ≥ Σ areas of county i's key projects (重点项目库, MODEL.md §8).

    Rows, not bounds of A_i, and only for counties with projects: reports and the
    diagnosis then name the family and price it like any county row, and the LP
    without projects.csv is unchanged. New land only: stock does not count.
    """
    need = project_needs(ds)
    pos = np.flatnonzero(need > 0)
    if len(pos) == 0:
        return
    ids = ds.counties["county_id"].to_numpy(dtype=object)[pos]
    b.add_constraints("project_min", ids, np.arange(len(pos)), v.allocation[pos], 1.0, lb=need[pos])


def define_lock_constraints(b: LPBuilder, ds: Dataset, v: Columns) -> None:
    """lock[i]: min_i ≤ A_i ≤ max_i for each locked county (locks.csv, ``--fix``; MODEL.md §8).

    One row per lock (an equality when min = max, one-sided when a side is empty), not
    bounds of A_i: reports, prices and the diagnosis then name the lock as its own
    family, apart from the county's other limits, and the LP without locks is unchanged.
    New land only: stock does not count.
    """
    pos, lo, hi = horizon_locks(ds)
    if len(pos) == 0:
        return
    ids = ds.counties["county_id"].to_numpy(dtype=object)[pos]
    b.add_constraints("lock", ids, np.arange(len(pos)), v.allocation[pos], 1.0, lb=lo, ub=hi)


def define_period_lock_constraints(b: LPBuilder, ds: Dataset, phased) -> None:
    """lock@Y[i]: min ≤ A_it ≤ max, a phased plan's locks with a period_end on that
    period's new land (MODEL.md §7, §8); a lock without period_end holds the horizon A_i."""
    held = period_locks(ds)
    ids = ds.counties["county_id"].to_numpy(dtype=object)
    for p in phased:
        if str(p.end) not in held:
            continue
        pos, lo, hi = held[str(p.end)]
        b.add_constraints(
            f"lock@{p.end}", ids[pos], np.arange(len(pos)), p.allocation[pos], 1.0, lb=lo, ub=hi
        )


def define_linked_quota_constraints(
    b: LPBuilder, ds: Dataset, v: Columns, network: LinkageNetwork, horizon_use: bool = True
) -> None:
    """增存挂钩 (MODEL.md §8), when stock.linked_share λ > 0 and some county has stock:

    - quota_linked: Σ_i q_i^link ≤ λ(1 − ρ_Q)·Q, the linked part of the pool;
    - stock_link[i]: q_i^link − μ z_i ≤ 0, earned at μ ha of quota per ha of stock reused;
    - linked_use[i] (hub form only): q_i^link − A_i ≤ 0. In the pairwise form the split
      row A_i = q_i + q_i^link + b_i already keeps linked quota in the county that earned
      it; in the hub form the county balance row alone would let it pass the quota on to
      its hub as if it were indicators.
    """
    if v.quota_linked is None:
        return
    sc = ds.scenario
    m = len(v.quota_linked)
    ids = ds.counties["county_id"].to_numpy(dtype=object)[v.stock_counties]
    b.add_constraints(
        "quota_linked", ["region"], np.zeros(m), v.quota_linked, 1.0, ub=linked_quota(sc)
    )
    rows = np.concatenate([np.arange(m), np.arange(m)])
    b.add_constraints(
        "stock_link",
        ids,
        rows,
        np.concatenate([v.quota_linked, v.stock]),
        np.concatenate([np.ones(m), np.full(m, -sc.stock.quota_per_ha)]),
        ub=0.0,
    )
    if network.pool >= 0 and horizon_use:  # phased plans: linked_use@Y per period
        b.add_constraints(
            "linked_use",
            ids,
            rows,
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


def _county_sum_rows(
    b: LPBuilder,
    family: str,
    row_ids,
    pos: np.ndarray,
    rows: np.ndarray,
    v: Columns,
    *,
    alpha: np.ndarray,
    kappa: np.ndarray,
    supplement: float,
    lb: np.ndarray | float = -INF,
    ub: np.ndarray | float = INF,
) -> None:
    """Rows summing alpha·A_i + kappa·r_i + supplement·s_i over counties ``pos``.

    County ``pos[m]`` enters row ``rows[m]``; ``alpha`` and ``kappa`` are per county
    (all counties, in county order).
    """
    alpha, kappa = np.asarray(alpha)[pos], np.asarray(kappa)[pos]
    b.add_constraints(
        family,
        row_ids,
        np.concatenate([rows, rows, rows]),
        np.concatenate([v.allocation[pos], v.reclaim[pos], v.supplement[pos]]),
        np.concatenate([alpha, kappa, np.full(len(pos), supplement)]),
        lb,
        ub,
    )
