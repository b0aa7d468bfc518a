"""Read a solution back into planner tables keyed like the inputs (MODEL.md §4).

Everything is vectorised over counties. Binding constraints are found from the
solution itself (activity at a bound, within ``BIND_TOL``), so they are named
even by backends that give no prices.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from models.results import LPSize, Status, Summary
from optimizer.analysis.periods import (
    horizon_linkage,
    period_headlines,
    period_pairs,
    period_targets,
    quota_and_linkage,
)
from optimizer.analysis.prices import (
    PRICE_COLUMNS,
    has_unique_prices,
    priced_families,
    unique_prices,
)
from optimizer.data.derived import target_reduction
from optimizer.data.locks import horizon_locks, period_locks
from optimizer.data.names import county_labels
from optimizer.data.rules import TARGET_YEAR
from optimizer.formulation.build import (
    M2_PER_HA,
    Formulation,
    free_quota,
    intensity_limit,
    linked_quota,
    project_needs,
)
from optimizer.formulation.families import (
    ALLOCATION_BOUNDS,
    BINDING,
    FAMILIES,
    PRICED_BOUNDS,
    PRICED_ROWS,
)
from optimizer.formulation.linkage import county_flows, pairs_from_totals
from optimizer.formulation.phased import base_family, family_end
from optimizer.solvers.base import Solution

#: A constraint binds when its slack is below this, relative to max(1, |bound|).
BIND_TOL = 1e-6
#: Flows smaller than this (ha) are solver round-off, not transfers.
FLOW_TOL = 1e-6


#: Columns of ``Result.diagnosis`` that diagnosis.csv and summary.json leave out: the
#: finding a cause comes from (``code``) and the data of its sentence (``params``), for
#: the reports to word it in their language (cli/words.py ``PROBLEMS["cause.<code>"]``).
DIAGNOSIS_WORDS_COLUMNS = ["code", "params"]


@dataclass
class Result:
    """Everything a solve reports: tables keyed like the inputs, and a summary."""

    summary: Summary
    counties: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: per county (index of ``counties``), one column per family of ``BINDING``: does it bind
    binding: pd.DataFrame = field(default_factory=pd.DataFrame)
    groups: pd.DataFrame = field(default_factory=pd.DataFrame)
    flows: pd.DataFrame = field(default_factory=pd.DataFrame)
    targets: pd.DataFrame = field(default_factory=pd.DataFrame)
    marginals: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: when infeasible: changes that restore feasibility and the conflict set (diagnose.py);
    #: its DIAGNOSIS_WORDS_COLUMNS are for the reports, not diagnosis.csv
    diagnosis: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: key projects (projects.csv, MODEL.md §8) and whether each is guaranteed; empty without
    projects: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: a phased plan's allocation_by_period.csv (MODEL.md §7); empty without [periods]
    periods: pd.DataFrame = field(default_factory=pd.DataFrame)
    formulation: Formulation | None = None
    solution: Solution | None = None

    @property
    def status(self) -> Status:
        return self.summary.status

    @property
    def objective(self) -> float | None:
        return self.summary.objective

    def binding_text(self) -> pd.Series:
        """allocation.csv's ``binding`` column: each county's binding families, ``;``-joined."""
        flags = self.binding.reindex(index=self.counties.index, fill_value=False)
        return pd.Series(join_flags(flags), index=self.counties.index, dtype=object)


def lp_size(f: Formulation) -> LPSize:
    rows, cols = f.lp.shape
    return LPSize(rows=rows, cols=cols, nnz=f.lp.nnz)


def county_table(
    f: Formulation,
    x: np.ndarray,
    figures: pd.DataFrame | None = None,
    periods: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """allocation.csv: every variable and derived quantity per county.

    ``figures`` (the tie-break's unique county figures, tiebreak.FIGURES) replace what the
    LP columns say for allocation, quota, linkage, reclaimed and supplemented. ``periods``
    (a phased plan's allocation_by_period) gives quota and linkage as the periods' sums.
    """
    cols, p, c = f.columns, f.params, f.dataset.counties.reset_index(drop=True)
    n = len(p)
    alloc = x[cols.allocation]
    stock = stock_used(f, x)
    linked = quota_linked_used(f, x)
    tiers = tier_totals(f, x)
    shortfall = _shortfall(f, x)
    reclaimed = x[cols.reclaim]
    supplemented = x[cols.supplement]
    if periods is not None:  # a phased plan: filled in from the periods below
        quota = linkage_in = linkage_out = linkage_self = np.zeros(n)
    elif figures is None:
        quota, pairs = linkage_use(f, x)
        self_use = pairs[pairs["from_pos"] == pairs["to_pos"]]
        others = pairs[pairs["from_pos"] != pairs["to_pos"]]
        linkage_in = np.bincount(pairs["to_pos"], pairs["amount"], minlength=n)
        linkage_self = np.bincount(self_use["from_pos"], self_use["amount"], minlength=n)
        linkage_out = np.bincount(others["from_pos"], others["amount"], minlength=n)
    else:
        alloc = figures["allocation"].to_numpy()
        quota, linkage_in = quota_and_linkage(figures["quota"].to_numpy(), alloc, linked)
        linkage_out = figures["linkage_out"].to_numpy()
        linkage_self = np.clip(linkage_in - figures["received"].to_numpy(), 0.0, None)
        reclaimed = figures["reclaimed"].to_numpy()
        supplemented = figures["supplemented"].to_numpy()
    if periods is not None:  # a phased plan: the horizon linkage is the periods' sum
        sums = horizon_linkage(periods, c["county_id"])
        quota, linkage_in = sums["quota"].to_numpy(), sums["linkage_in"].to_numpy()
        linkage_out, linkage_self = sums["linkage_out"].to_numpy(), sums["linkage_self"].to_numpy()
    u0 = c["urban_land_2020"].to_numpy(float)
    urban_2035 = u0 + p["sigma"].to_numpy() * alloc
    demand = c["demand"].to_numpy(float)
    t = pd.DataFrame(
        {
            "county_id": c["county_id"],
            "name": c["name"],
            "city": c["city"],
            "zone": c["zone"],
            "weight": p["weight"],
            "demand": demand,
            "quota": quota,
            "linkage_in": linkage_in,
            "linkage_out": linkage_out,
            "linkage_self": linkage_self,
            "allocation": alloc,
            "satisfaction": np.divide(
                alloc + stock, demand, out=np.full(n, np.nan), where=demand > 0
            ),
            "reclaimed": reclaimed,
            "supplemented": supplemented,
            "shortfall": shortfall,
            "urban_land_2020": u0,
            "urban_land_2035": urban_2035,
            "per_capita_2020": _per_capita(u0, c["urban_pop_2020"].to_numpy(float)),
            "per_capita_2035": _per_capita(urban_2035, c["urban_pop_2035"].to_numpy(float)),
            "cultivated_2020": c["cultivated_2020"].to_numpy(float),
            "cultivated_2035": c["cultivated_2020"].to_numpy(float)
            - p["alpha"].to_numpy() * alloc
            + p["kappa"].to_numpy() * reclaimed
            + supplemented,
            "construction_land_2020": c["construction_land_2020"].to_numpy(float),
            "construction_land_2035": c["construction_land_2020"].to_numpy(float)
            + alloc
            - (1 - p["rho"].to_numpy()) * reclaimed,
        }
    )
    for k in range(tiers.shape[1]):
        t[f"tier_{k + 1}"] = tiers[:, k]
    if cols.stock is not None:  # MODEL.md §8: stock reused, beside the new land A_i
        t["stock_used"] = stock
    if cols.quota_linked is not None:
        t["quota_linked"] = linked
    if f.dataset.locks is not None and not f.dataset.locks.empty:  # MODEL.md §8
        t = t.assign(**lock_columns(f))
    return t


def tier_totals(f: Formulation, x: np.ndarray) -> np.ndarray:
    """a_ik per county and tier (n × K); a phased plan's sum over its periods."""
    n = len(f.params)
    if f.phased is not None:
        k = len(f.dataset.scenario.tiers.shares)
        parts = [x[p.tier].reshape(n, k) for p in f.phased.columns]
        return np.sum(parts, axis=0) if n else np.zeros((0, k))
    return x[f.columns.tier].reshape(n, -1) if n else np.zeros((0, 1))


def lock_columns(f: Formulation) -> dict[str, np.ndarray]:
    """allocation.csv's lock columns: ``locked`` (yes/no), ``lock_min``, ``lock_max`` (ha,
    NaN = no bound on that side), from the locks on the plan's new land A_i. In a phased
    plan a county with a lock on one period's A_it is locked too (allocation_by_period
    says which period)."""
    n = len(f.params)
    pos, lo, hi = horizon_locks(f.dataset)
    locked = np.full(n, "no", dtype=object)
    locked[pos] = "yes"
    for held, _, _ in period_locks(f.dataset).values():  # a phased plan's period locks
        locked[held] = "yes"
    lock_min, lock_max = np.full(n, np.nan), np.full(n, np.nan)
    lock_min[pos] = np.where(np.isfinite(lo), lo, np.nan)
    lock_max[pos] = np.where(np.isfinite(hi), hi, np.nan)
    return {"locked": locked, "lock_min": lock_min, "lock_max": lock_max}


def stock_used(f: Formulation, x: np.ndarray) -> np.ndarray:
    """z_i per county: existing stock land supplied again, ha (0 where it has no stock)."""
    return _per_county(f, x, f.columns.stock)


def quota_linked_used(f: Formulation, x: np.ndarray) -> np.ndarray:
    """q_i^link per county: quota earned by reusing stock (增存挂钩), ha."""
    return _per_county(f, x, f.columns.quota_linked)


def _per_county(f: Formulation, x: np.ndarray, columns: np.ndarray | None) -> np.ndarray:
    out = np.zeros(len(f.params))
    if columns is not None:
        out[f.columns.stock_counties] = x[columns]
    return out


def _per_capita(land_ha: np.ndarray, people: np.ndarray) -> np.ndarray:
    return np.divide(
        land_ha * M2_PER_HA, people, out=np.full(len(people), np.nan), where=people > 0
    )


def _shortfall(f: Formulation, x: np.ndarray) -> np.ndarray:
    """u_i per county (ha of urban land short of the per-capita floor; 0 without a column)."""
    shortfall = np.zeros(len(f.params))
    shortfall[f.columns.shortfall_counties] = x[f.columns.shortfall]
    return shortfall


def linkage_use(f: Formulation, x: np.ndarray) -> tuple[np.ndarray, pd.DataFrame]:
    """Quota per county, and linkage indicators per (from, to) county position (self-use too)."""
    cols = f.columns
    surplus = (1.0 - f.params["rho"].to_numpy()) * x[cols.reclaim]
    quota, pairs = county_flows(
        f.network,
        x[cols.linkage],
        x[cols.allocation] - quota_linked_used(f, x),  # the new land the network supplies
        surplus,
        x[cols.quota] if cols.quota is not None else None,
    )
    return quota, pairs[pairs["amount"] > FLOW_TOL].reset_index(drop=True)


def pair_flows(f: Formulation, x: np.ndarray) -> pd.DataFrame:
    """Linkage indicators per (from, to) county position, self-use included."""
    return linkage_use(f, x)[1]


def _tolerance(bound: np.ndarray) -> np.ndarray:
    return BIND_TOL * np.maximum(1.0, np.abs(bound))


def row_sides(f: Formulation, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For every row: is it at its upper bound, at its lower bound (inequalities only)."""
    lp = f.lp
    activity = lp.matrix @ x
    lb, ub = lp.row_lb, lp.row_ub
    inequality = lb != ub
    with np.errstate(invalid="ignore"):
        at_ub = inequality & np.isfinite(ub) & (activity >= ub - _tolerance(ub))
        at_lb = inequality & np.isfinite(lb) & (activity <= lb + _tolerance(lb))
    return at_ub, at_lb


def allocation_bound_families(f: Formulation, x: np.ndarray) -> pd.DataFrame:
    """Per county and bound family of A_i: does that family hold A_i at its limit?"""
    p = f.params
    alloc = x[f.columns.allocation]
    at = {}
    for family in ALLOCATION_BOUNDS:
        if FAMILIES[family].side == "lower":
            lower = p["lower"].to_numpy()
            at[family] = (lower > 0) & (alloc <= lower + _tolerance(lower))
        else:
            limit = p[f"limit_{family}"].to_numpy()
            # demand caps new land and stock together (tiers[i], MODEL.md §8)
            held = alloc + stock_used(f, x) if family == "demand" else alloc
            with np.errstate(invalid="ignore"):
                at[family] = np.isfinite(limit) & (held >= limit - _tolerance(limit))
    return pd.DataFrame(at)


def binding_flags(f: Formulation, x: np.ndarray) -> pd.DataFrame:
    """Per county, one boolean column per family of ``BINDING``: does it bind there?

    Bounds of A_i: A_i at the family's limit; county rows: at a side; the soft
    per-capita floor: land actually short of it; potentials: all of it used.
    """
    n = len(f.params)
    flags = allocation_bound_families(f, x)
    at_ub, at_lb = row_sides(f, x)
    c = f.dataset.counties
    for family in BINDING:
        fam = FAMILIES[family]
        if fam.kind == "row":
            positions = f.lp.rows.get(family, np.zeros(0, dtype=np.int64))
            on = np.zeros(n, dtype=bool)
            county_pos = pd.Index(c["county_id"]).get_indexer(
                f.lp.constraints["id"].to_numpy()[positions]
            )
            # an equality (a lock with min = max) holds its county wherever it is met
            equal = f.lp.row_lb[positions] == f.lp.row_ub[positions]
            on[county_pos] = at_lb[positions] | at_ub[positions] | equal
            flags[family] = on
        elif fam.kind == "soft":
            flags[family] = _shortfall(f, x) > FLOW_TOL
        elif fam.kind == "potential":
            potential = c[family].to_numpy(float)
            columns = getattr(f.columns, fam.variable)
            if columns is None:  # an instrument the dataset does not use (stock)
                flags[family] = np.zeros(n, dtype=bool)
                continue
            used = stock_used(f, x) if fam.variable == "stock" else x[columns]
            flags[family] = (potential > 0) & (used >= potential - _tolerance(potential))
    return flags.reindex(columns=list(BINDING))


def join_flags(
    flags: pd.DataFrame, labels: dict[str, str] | None = None, sep: str = ";"
) -> list[str]:
    """Per row, the names (or ``labels``) of the true columns joined by ``sep``.

    One string operation per column, so it stays fast on 40,000 counties.
    """
    text = np.full(len(flags), "", dtype=object)
    for name in flags.columns:
        label = name if labels is None else labels[name]
        on = flags[name].to_numpy(dtype=bool)
        text[on] = np.where(text[on] == "", label, text[on] + sep + label)
    return text.tolist()


def flags_from_text(text: pd.Series) -> pd.DataFrame:
    """``join_flags`` undone: the boolean ``BINDING`` columns of ``;``-joined family names.

    Names that are not binding families (a run folder from another version) are ignored.
    """
    codes, texts = pd.factorize(text.fillna("").astype(str))
    # a run has a handful of distinct texts: parse each once, then spread them by code
    known = pd.Index(BINDING)
    patterns = np.zeros((len(texts), len(known)), dtype=bool)
    for row, joined in enumerate(texts):
        found = known.get_indexer(joined.split(";"))
        patterns[row, found[found >= 0]] = True
    return pd.DataFrame(patterns[codes], index=text.index, columns=list(BINDING))


def group_table(f: Formulation, county: pd.DataFrame) -> pd.DataFrame:
    """groups.csv: each group's total, its share of all new land, and its bound status."""
    ds = f.dataset
    g = ds.groups.reset_index(drop=True)
    alloc = county.set_index("county_id")["allocation"]
    members = ds.members.assign(allocation=ds.members["county_id"].map(alloc).to_numpy())
    totals = members.groupby("group_id")["allocation"].agg(["sum", "size"])
    grand = float(county["allocation"].sum())
    allocation = g["group_id"].map(totals["sum"]).fillna(0.0).to_numpy(float)
    share = allocation / grand if grand > 0 else np.zeros(len(g))
    tol = _tolerance(np.ones(len(g)))
    min_share, max_share = g["min_share"].to_numpy(float), g["max_share"].to_numpy(float)
    with np.errstate(invalid="ignore"):
        at_min = np.isfinite(min_share) & (share <= min_share + tol)
        at_max = np.isfinite(max_share) & (share >= max_share - tol)
    bound = np.where(at_min, "min_share", np.where(at_max, "max_share", ""))
    return pd.DataFrame(
        {
            "group_id": g["group_id"],
            "name": g["name"],
            "kind": g["kind"],
            "weight": g["weight"],
            "members": g["group_id"].map(totals["size"]).fillna(0).astype(int).to_numpy(),
            "allocation": allocation,
            "share": share,
            "min_share": min_share,
            "max_share": max_share,
            "bound": bound,
        }
    )


def flow_table(
    f: Formulation,
    x: np.ndarray,
    county: pd.DataFrame | None = None,
    periods: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """flows.csv: x_ij > 0 for i ≠ j, with names, cities and the cost paid.

    With ``county`` (allocation.csv after the tie-break) the pairs follow from its unique
    linkage_out and received figures by ``pairs_from_totals``'s rule, not from the LP.
    """
    if f.phased is not None:  # each period's pairs, with its period_end (MODEL.md §7)
        pairs = period_pairs(f, x, periods if county is not None else None)
    elif county is None:
        pairs = pair_flows(f, x)
    else:
        ds = f.dataset
        received = (county["linkage_in"] - county["linkage_self"]).clip(lower=0.0).to_numpy()
        pairs = pairs_from_totals(
            ds.counties.reset_index(drop=True),
            ds.scenario,
            ds.transfer_costs,
            county["linkage_out"].to_numpy(),
            received,
        )
        pairs = pairs[pairs["amount"] > FLOW_TOL]
    pairs = pairs[pairs["from_pos"] != pairs["to_pos"]]
    c = f.dataset.counties.reset_index(drop=True)
    src, dst = pairs["from_pos"].to_numpy(), pairs["to_pos"].to_numpy()
    link = f.dataset.scenario.linkage
    same_city = c["city"].to_numpy()[src] == c["city"].to_numpy()[dst]
    if f.dataset.transfer_costs is not None:
        costs = f.dataset.transfer_costs.set_index(["from_id", "to_id"])["cost"]
        keys = pd.MultiIndex.from_arrays(
            [c["county_id"].to_numpy()[src], c["county_id"].to_numpy()[dst]]
        )
        cost = costs.reindex(keys).to_numpy(float)
    else:
        cost = np.where(same_city, link.same_city_cost, link.cross_city_cost)
    table = pd.DataFrame(
        {
            "from_id": c["county_id"].to_numpy()[src],
            "to_id": c["county_id"].to_numpy()[dst],
            "amount": pairs["amount"].to_numpy(),
            "from_name": c["name"].to_numpy()[src],
            "to_name": c["name"].to_numpy()[dst],
            "from_city": c["city"].to_numpy()[src],
            "to_city": c["city"].to_numpy()[dst],
            "cost": cost,
        }
    )
    order, ascending = ["amount", "from_id", "to_id"], [False, True, True]
    if f.phased is not None:
        table.insert(3, "period_end", pairs["period_end"].to_numpy())
        order, ascending = ["period_end", *order], [True, *ascending]
    return table.sort_values(order, ascending=ascending, kind="stable").reset_index(drop=True)


def target_table(
    f: Formulation, county: pd.DataFrame, periods: pd.DataFrame | None = None
) -> pd.DataFrame:
    """targets.csv: each plan target with its value, limit and whether it is met."""
    ds, sc = f.dataset, f.dataset.scenario
    c = ds.counties
    p = f.params
    rows: list[tuple[str, float, float, bool, str]] = []
    used = float(county["quota"].sum())
    q = free_quota(sc)
    rows.append(("quota_pool", used, q, used <= q + _tol(q), "ha of quota used ≤ pool"))
    rows += _instrument_targets(f, county, used)
    limit = intensity_limit(ds)
    if limit is not None:
        base = c["construction_land_2020"].sum() / c["gdp_2020"].sum()
        gdp35 = c["gdp_2035"].sum()
        achieved = 1 - (county["construction_land_2035"].sum() / gdp35) / base if gdp35 else 0
        tau = target_reduction(sc)
        rows.append(
            (
                "intensity_reduction",
                achieved,
                tau,
                achieved >= tau - BIND_TOL,
                "fall of construction land per 亿元 GDP, 2020 → 2035 ≥ τ",
            )
        )
    cultivated = float(county["cultivated_2035"].sum())
    floor = sc.farmland.region_floor
    rows.append(
        (
            "farmland_region",
            cultivated,
            np.nan if floor is None else floor,
            True if floor is None else cultivated >= floor - _tol(floor),
            "ha cultivated in 2035 ≥ region floor (耕地保有量)",
        )
    )
    county_floor = c["farmland_floor"].to_numpy(float)
    county_floor_ok = county["cultivated_2035"] >= county_floor - _tolerance(county_floor)
    rows.append(
        (
            "farmland_floor_counties",
            float(county_floor_ok.sum()),
            float(len(c)),
            bool(county_floor_ok.all()),
            "counties keeping their own farmland floor",
        )
    )
    balance = _balance_margin(f, county)
    rows.append(
        (
            "farmland_balance",
            balance,
            0.0,
            balance >= -BIND_TOL * max(1.0, used),
            "ha made up − ha occupied (占补平衡), tightest scope unit",
        )
    )
    sigma_a = p["sigma"].to_numpy() * county["allocation"].to_numpy()
    over = sigma_a > p["cap_room"].to_numpy() + _tolerance(p["cap_room"].to_numpy())
    rows.append(
        (
            "per_capita_cap_counties",
            float(over.sum()),
            0.0,
            not over.any(),
            f"counties whose new urban land passes {sc.per_capita.cap_m2:g} m²/person",
        )
    )
    shortfall = float(county["shortfall"].sum())
    rows.append(
        (
            "per_capita_floor_shortfall",
            shortfall,
            0.0,
            shortfall <= FLOW_TOL,
            f"ha of urban land short of {sc.per_capita.floor_m2:g} m²/person (soft)",
        )
    )
    urban = float(county["urban_land_2035"].sum())
    boundary = float(c["dev_boundary"].sum())
    rows.append(
        (
            "dev_boundary",
            urban,
            boundary,
            urban <= boundary + _tol(boundary),
            "ha urban land 2035 ≤ Σ development boundary (城镇开发边界)",
        )
    )
    table = pd.DataFrame(rows, columns=["target", "value", "limit", "met", "meaning"])
    if f.phased is None:
        return table
    # a phased plan (MODEL.md §7): every target at every period end; the §3 rows are the
    # last end's (the target year)
    table["period_end"] = str(f.phased.ends[-1])
    earlier = period_targets(f, periods) if periods is not None else table.iloc[:0]
    return pd.concat([earlier, table], ignore_index=True)


def _instrument_targets(
    f: Formulation, county: pd.DataFrame, used: float
) -> list[tuple[str, float, float, bool, str]]:
    """targets.csv rows of the instruments in use (MODEL.md §8): reserve, linked quota."""
    sc = f.dataset.scenario
    rows = []
    linked = float(county["quota_linked"].sum()) if "quota_linked" in county else 0.0
    if sc.stock.linked_share > 0:
        limit = linked_quota(sc)
        rows.append(
            (
                "quota_linked",
                linked,
                limit,
                linked <= limit + _tol(limit),
                "ha of linked quota (增存挂钩) earned by reusing stock ≤ linked part of the pool",
            )
        )
    if sc.quota.reserve_share > 0:
        held = sc.quota.total - used - linked
        reserve = sc.quota.reserve
        rows.append(
            (
                "quota_reserve",
                held,
                reserve,
                held >= reserve - _tol(reserve),
                "ha of the pool not handed out ≥ the provincial reserve held back (预留指标)",
            )
        )
    return rows


def project_table(f: Formulation, county: pd.DataFrame) -> pd.DataFrame:
    """projects.csv of a run: each key project, and whether its county's new land covers it.

    A county's projects are guaranteed together (project_min[i]); ``guaranteed`` says
    the county's new land A_i reaches the sum of its projects' areas.
    """
    projects = f.dataset.projects
    if projects is None:
        return pd.DataFrame()
    need = pd.Series(project_needs(f.dataset), index=county["county_id"].to_numpy())
    alloc = county.set_index("county_id")["allocation"]
    ids = projects["county_id"]
    covered = alloc.reindex(ids).to_numpy(float) >= need.reindex(ids).to_numpy(float) - (
        _tolerance(need.reindex(ids).to_numpy(float))
    )
    end = projects["period_end"].where(projects["period_end"] != "", TARGET_YEAR)
    return pd.DataFrame(
        {
            "project_id": projects["project_id"],
            "name": projects["name"],
            "county_id": ids,
            "area": projects["area"].to_numpy(float),
            "guaranteed": np.where(covered, "yes", "no"),
            "period_end": end,
            "kind": projects["kind"],
        }
    )


def _tol(bound: float) -> float:
    return BIND_TOL * max(1.0, abs(bound))


def _balance_margin(f: Formulation, county: pd.DataFrame) -> float:
    """Smallest (made up − occupied) over the balance scope units, ha."""
    scope = f.dataset.scenario.farmland.balance_scope
    p = f.params
    made_up = p["kappa"].to_numpy() * county["reclaimed"].to_numpy() + county["supplemented"]
    occupied = p["alpha"].to_numpy() * county["allocation"].to_numpy()
    net = pd.Series((made_up - occupied).to_numpy())
    if scope in ("none", "region"):
        return float(net.sum())
    key = county["city"] if scope == "city" else county["county_id"]
    return float(net.groupby(key.to_numpy()).sum().min())


def marginal_table(
    f: Formulation, solution: Solution, rates: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Prices of the region targets, every group row and every binding county constraint.

    ``value`` is the solver's dual: the change of Z per unit relaxation of the constraint
    (≥ 0 for a maximisation), in objective units per ha of the constraint's own quantity;
    at a degenerate optimum it depends on the solver. The rows of ``priced_families``
    also carry the unique one-sided rates of MODEL.md §6 (``PRICE_COLUMNS``, prices.py),
    the same for every backend; NaN on the other rows. A backend without prices still
    gets those rows, with ``value`` NaN. ``rates``: that table, computed already
    (``PriceJob``); None: computed here.
    """
    columns = ["family", "id", "name", "value", "unit", "relaxation", *PRICE_COLUMNS]
    if solution.x is None:
        return pd.DataFrame(columns=columns)
    x = solution.x
    lp = f.lp
    at_ub, at_lb = row_sides(f, x)
    equal = lp.row_lb == lp.row_ub
    names = _display_names(f)
    duals = solution.row_duals
    frames = []
    for family in _priced_rows(lp):
        pos = lp.rows.get(family)
        if pos is None or len(pos) == 0:
            continue
        fam = FAMILIES[base_family(family)]
        if has_unique_prices(family):
            keep = np.ones(len(pos), bool)
        elif duals is None:
            continue
        else:
            keep = at_ub[pos] | at_lb[pos] | equal[pos]
        dual = duals[pos] if duals is not None else np.full(len(pos), np.nan)
        # per unit of relaxation: a ≥ side gives by falling, an equality (a fixed lock)
        # by whichever way its price says it holds
        value = np.where(equal[pos], np.abs(dual), np.where(at_lb[pos] & ~at_ub[pos], -dual, dual))
        ids = lp.constraints["id"].to_numpy()[pos]
        frames.append(
            pd.DataFrame(
                {
                    "family": family,
                    "id": ids[keep],
                    "name": pd.Series(ids[keep]).map(names).fillna(pd.Series(ids[keep])).to_numpy(),
                    "value": value[keep],
                    "unit": f"per {fam.unit}",
                    "relaxation": fam.relaxation,
                }
            )
        )
    if duals is not None:
        frames.append(_bound_marginals(f, solution, names))
        frames.append(_stock_marginals(f, solution, names))
    frames = [fr for fr in frames if not fr.empty]
    if not frames:
        return pd.DataFrame(columns=columns)
    table = pd.concat(frames, ignore_index=True)
    table["value"] = table["value"].mask(table["value"].abs() <= 1e-12, 0.0)  # NaN stays
    if rates is None:
        rates = unique_prices(f, start=x)  # the re-solves start from this optimal plan
    table = table.merge(rates, on=["family", "id"], how="left", validate="one_to_one")
    return table.reindex(columns=columns)


def _priced_rows(lp) -> list[str]:
    """The priced row families of ``lp`` in report order, each followed by its period
    rows with unique prices (``quota_pool@2025``, MODEL.md §7)."""
    periods = [name for name in priced_families(lp) if family_end(name)]
    out = []
    for family in PRICED_ROWS:
        out.append(family)
        out += [name for name in periods if base_family(name) == family]
    return out


def _bound_marginals(f: Formulation, solution: Solution, names: dict) -> pd.DataFrame:
    """Prices of the county families that are bounds of allocation[i], per ha of their rhs."""
    x, p = solution.x, f.params
    reduced = solution.col_duals[f.columns.allocation]
    flags = allocation_bound_families(f, x)
    ids = p["county_id"].to_numpy()
    frames = []
    for family in PRICED_BOUNDS:
        fam = FAMILIES[family]
        if not flags[family].any():
            continue
        # dZ per unit of the family's own right-hand side: the A-bound price × dA/d(rhs).
        if fam.side == "lower":
            value = -reduced
        elif fam.rate is not None:
            value = _safe_div(reduced, p[fam.rate].to_numpy())
        else:
            value = reduced
        on = flags[family].to_numpy()
        frames.append(
            pd.DataFrame(
                {
                    "family": family,
                    "id": ids[on],
                    "name": [names.get(i, i) for i in ids[on]],
                    "value": value[on],
                    "unit": f"per {fam.unit}",
                    "relaxation": fam.relaxation,
                }
            )
        )
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _stock_marginals(f: Formulation, solution: Solution, names: dict) -> pd.DataFrame:
    """stock_potential of every county with stock: what one more ha of stock reuse is worth.

    dZ per ha of stock_potential_i is the reduced cost of z_i: −stock.cost, plus the
    price of the county's tiers row (a ha of its demand met without new land), plus
    μ × the price of stock_link[i] (the linked quota it earns); 0 while z_i is below
    its potential (MODEL.md §8, docs/MODEL.md).
    """
    cols = f.columns
    if cols.stock is None or solution.col_duals is None:
        return pd.DataFrame()
    fam = FAMILIES["stock_potential"]
    ids = f.params["county_id"].to_numpy()[cols.stock_counties]
    return pd.DataFrame(
        {
            "family": fam.name,
            "id": ids,
            "name": [names.get(i, i) for i in ids],
            "value": solution.col_duals[cols.stock],
            "unit": f"per {fam.unit}",
            "relaxation": fam.relaxation,
        }
    )


def _safe_div(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.divide(a, b, out=np.zeros_like(a), where=b > 0)


def _display_names(f: Formulation) -> dict:
    ds = f.dataset
    names = dict(zip(ds.counties["county_id"], county_labels(ds.counties), strict=True))
    names.update(zip(ds.groups["group_id"], ds.groups["name"], strict=True))
    names["region"] = "region"
    return names


def headline(
    county: pd.DataFrame,
    targets: pd.DataFrame,
    f: Formulation,
    periods: pd.DataFrame | None = None,
    marginals: pd.DataFrame | None = None,
) -> dict:
    """The totals a planner reads first, with units in the keys (a phased plan's periods
    with their pool prices from ``marginals``)."""
    t = targets.set_index("target")["value"]
    return {
        "quota_pool_ha": f.dataset.scenario.quota.total,
        "quota_used_ha": float(county["quota"].sum()),
        "demand_ha": float(county["demand"].sum()),
        "allocation_ha": float(county["allocation"].sum()),
        "linkage_used_ha": float(county["linkage_in"].sum()),
        "linkage_transferred_ha": float(county["linkage_out"].sum()),
        "reclaimed_ha": float(county["reclaimed"].sum()),
        "supplemented_ha": float(county["supplemented"].sum()),
        "intensity_reduction": float(t.get("intensity_reduction", np.nan)),
        "cultivated_2035_ha": float(county["cultivated_2035"].sum()),
        "shortfall_ha": float(county["shortfall"].sum()),
        **instrument_headline(county, f),
        **({"periods": period_headlines(f, periods, marginals)} if periods is not None else {}),
    }


def instrument_headline(county: pd.DataFrame, f: Formulation) -> dict:
    """Headline totals of the instruments in use (MODEL.md §8); none without them."""
    sc = f.dataset.scenario
    out = {}
    if sc.quota.reserve_share > 0:
        out["quota_reserve_ha"] = sc.quota.reserve
    if "stock_used" in county:
        out["stock_used_ha"] = float(county["stock_used"].sum())
    if "quota_linked" in county:
        out["quota_linked_ha"] = float(county["quota_linked"].sum())
    if f.dataset.projects is not None:
        out["projects_ha"] = float(f.dataset.projects["area"].sum())
    return out
