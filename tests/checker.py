"""An independent re-check of a solve against MODEL.md §3.

Written from the spec, not from the builder: it reads only the input tables,
the scenario and the reported numbers (the allocation/flows tables a user
sees), never the LP matrices, and recomputes every hard constraint and the
objective. Every solve in the test suite goes through ``assert_feasible``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

RTOL = 1e-6


def _le(name: str, lhs, rhs, ids, rtol: float) -> list[str]:
    lhs, rhs = np.broadcast_arrays(np.asarray(lhs, float), np.asarray(rhs, float))
    slack = rtol * np.maximum(1.0, np.abs(rhs))
    bad = lhs > rhs + slack
    ids = np.broadcast_to(np.asarray(ids, dtype=object), lhs.shape)
    return [
        f"{name}[{i}]: {a:.9g} > {b:.9g}"
        for i, a, b in zip(ids[bad], lhs[bad], rhs[bad], strict=True)
    ]


def _eq(name: str, lhs, rhs, ids, rtol: float) -> list[str]:
    return _le(name, lhs, rhs, ids, rtol) + _le(name, rhs, lhs, ids, rtol)


def violations(ds, result, rtol: float = RTOL) -> list[str]:
    """Every hard constraint of MODEL.md §3 that the reported solution breaks."""
    sc = ds.scenario
    c = ds.counties.reset_index(drop=True)
    a = result.counties.set_index("county_id").loc[c["county_id"]].reset_index()
    ids = c["county_id"].to_numpy()
    d = sc.defaults
    alpha = c["occupation_rate"].fillna(d.occupation_rate).to_numpy(float)
    sigma = c["urban_share"].fillna(d.urban_share).to_numpy(float)
    rho = c["resettle_ratio"].fillna(d.resettle_ratio).to_numpy(float)
    kappa = c["reclaim_to_farmland"].fillna(d.reclaim_to_farmland).to_numpy(float)
    A, q, r, s, u = (
        a[k].to_numpy(float)
        for k in ("allocation", "quota", "reclaimed", "supplemented", "shortfall")
    )
    b = a["linkage_in"].to_numpy(float)
    demand = c["demand"].to_numpy(float)
    # MODEL.md §8 instruments: stock reused z_i and linked quota q_i^link (0 when unused)
    z = _column(a, "stock_used")
    q_link = _column(a, "quota_linked")
    out: list[str] = []
    # variable bounds
    for name, v in (
        ("quota", q),
        ("reclaimed", r),
        ("supplemented", s),
        ("shortfall", u),
        ("allocation", A),
        ("linkage_in", b),
    ):
        out += _le(f"{name}>=0", -v, 0.0, ids, rtol)
    out += _le("reclaim_potential", r, c["reclaim_potential"], ids, rtol)
    out += _le("supplement_potential", s, c["supplement_potential"], ids, rtol)
    tiers = [col for col in a.columns if col.startswith("tier_")]
    for k, col in enumerate(tiers):
        out += _le(f"tier_{k + 1}", a[col], sc.tiers.shares[k] * demand, ids, rtol)
        out += _le(f"tier_{k + 1}>=0", -a[col], 0.0, ids, rtol)
    out += _eq("tiers_sum", a[tiers].sum(axis=1), A + z, ids, rtol)
    out += instrument_violations(ds, a, A, q, z, q_link, rtol)
    # linkage: flows, self-use and scope
    flows = result.flows
    pos = pd.Index(ids)
    fin = np.bincount(pos.get_indexer(flows["to_id"]), flows["amount"], minlength=len(c))
    fout = np.bincount(pos.get_indexer(flows["from_id"]), flows["amount"], minlength=len(c))
    self_use = a["linkage_self"].to_numpy(float)
    out += _eq("linkage_in", b, self_use + fin, ids, rtol)
    out += _eq("linkage_out", a["linkage_out"], fout, ids, rtol)
    out += _le("surplus", self_use + fout, (1 - rho) * r, ids, rtol)
    out += _le("self_use>=0", -self_use, 0.0, ids, rtol)
    out += _le("flow>0", -flows["amount"], 0.0, "flow", rtol)
    scope = sc.linkage.scope
    city = dict(zip(c["county_id"], c["city"], strict=True))
    if ds.transfer_costs is not None:
        allowed = set(zip(ds.transfer_costs["from_id"], ds.transfer_costs["to_id"], strict=True))
        out += [
            f"pair not in transfer_costs: {p}"
            for p in zip(flows["from_id"], flows["to_id"], strict=True)
            if p not in allowed
        ]
    elif scope in ("county", "none"):
        out += [
            f"flow under scope {scope}: {i}->{j}"
            for i, j in zip(flows["from_id"], flows["to_id"], strict=True)
        ]
    elif scope == "city":
        out += [
            f"cross-city flow under scope city: {i}->{j}"
            for i, j in zip(flows["from_id"], flows["to_id"], strict=True)
            if city[i] != city[j]
        ]
    if scope == "none" and ds.transfer_costs is None:
        out += _le("no_linkage_self", self_use, 0.0, ids, rtol)
    # the constraints table of MODEL.md §3
    out += _eq("split", A, q + q_link + b, ids, rtol)
    pool = (1 - sc.stock.linked_share) * (1 - sc.quota.reserve_share) * sc.quota.total
    out += _le("quota_pool", q.sum(), pool, "region", rtol)
    out += _le("min_allocation", c["min_allocation"].fillna(0), A, ids, rtol)
    out += _le("demand", A + z, demand, ids, rtol)
    u0 = c["urban_land_2020"].to_numpy(float)
    up35 = c["urban_pop_2035"].to_numpy(float)
    pc = sc.per_capita
    out += _le("per_capita_cap", sigma * A, np.maximum(0, pc.cap_m2 * up35 / 1e4 - u0), ids, rtol)
    out += _le("per_capita_floor", pc.floor_m2 * up35 / 1e4 - u0, sigma * A + u, ids, rtol)
    out += _le("dev_boundary", sigma * A, np.maximum(0, c["dev_boundary"] - u0), ids, rtol)
    f0 = c["cultivated_2020"].to_numpy(float)
    F = f0 - alpha * A + kappa * r + s
    out += _le("farmland_floor", c["farmland_floor"], F, ids, rtol)
    out += _le("basic_farmland", alpha * A, f0 - c["basic_farmland"], ids, rtol)
    if sc.farmland.region_floor is not None:
        out += _le("farmland_region", sc.farmland.region_floor, F.sum(), "region", rtol)
    occupied, made_up = alpha * A, kappa * r + s
    bscope = sc.farmland.balance_scope
    if bscope != "none":
        key = {"region": np.zeros(len(c)), "city": c["city"], "county": c["county_id"]}[bscope]
        net = pd.DataFrame({"k": key, "occ": occupied, "made": made_up}).groupby("k").sum()
        out += _le("farmland_balance", net["occ"], net["made"], net.index, rtol)
    C0 = c["construction_land_2020"].to_numpy(float)
    C = C0 + A - (1 - rho) * r
    g20, g35 = c["gdp_2020"].sum(), c["gdp_2035"].sum()
    milestones = sc.periods.intensity
    tau = milestones[-1] if milestones is not None else sc.intensity.reduction
    if g20 > 0:
        limit = (1 - tau) * (C0.sum() / g20) * g35
        out += _le("intensity", C.sum(), limit, "region", rtol)
    total = A.sum()
    share_of = pd.Series(A, index=ids)
    for g in ds.groups.itertuples(index=False):
        members = ds.members.loc[ds.members["group_id"] == g.group_id, "county_id"]
        got = share_of.loc[list(members)].sum()
        if pd.notna(g.min_share):
            out += _le("group_min", g.min_share * total, got, g.group_id, rtol)
        if pd.notna(g.max_share):
            out += _le("group_max", got, g.max_share * total, g.group_id, rtol)
    # reported derived quantities
    out += _eq("urban_land_2035", a["urban_land_2035"], u0 + sigma * A, ids, rtol)
    out += _eq("cultivated_2035", a["cultivated_2035"], F, ids, rtol)
    out += _eq("construction_land_2035", a["construction_land_2035"], C, ids, rtol)
    # objective: relative to its gross terms Σ|term| (value and costs can nearly cancel,
    # and a solver that writes 8 digits, such as CBC, cannot give Z to 1e-6 of itself)
    if sc.periods.end_years is not None:
        found, z_value, gross = period_violations(ds, result, rtol)
        out += found
        out += _eq(
            "objective", result.objective / max(1.0, gross), z_value / max(1.0, gross), "Z", rtol
        )
        return out
    z_value, gross = objective_terms(ds, a, flows, A, r, s, u)
    out += _eq(
        "objective", result.objective / max(1.0, gross), z_value / max(1.0, gross), "Z", rtol
    )
    return out


def _column(a: pd.DataFrame, name: str) -> np.ndarray:
    return a[name].to_numpy(float) if name in a.columns else np.zeros(len(a))


def instrument_violations(ds, a: pd.DataFrame, A, q, z, q_link, rtol: float) -> list[str]:
    """The instruments of MODEL.md §8, from the inputs and the reported numbers.

    Stock: 0 ≤ z_i ≤ stock_potential_i. 增存挂钩: q_i^link ≥ 0, q_i^link ≤ μ z_i,
    Σ q^link ≤ λ(1 − ρ_Q)Q. Reserve: Σ q + Σ q^link ≤ (1 − ρ_Q)Q. Key projects:
    A_i (new land, not stock) ≥ Σ areas of the county's projects.
    """
    sc = ds.scenario
    c = ds.counties.reset_index(drop=True)
    ids = c["county_id"].to_numpy()
    potential = c["stock_potential"].fillna(0).to_numpy(float)
    out = _le("stock>=0", -z, 0.0, ids, rtol)
    out += _le("stock_potential", z, potential, ids, rtol)
    out += _le("quota_linked>=0", -q_link, 0.0, ids, rtol)
    out += _le("stock_link", q_link, sc.stock.quota_per_ha * z, ids, rtol)
    available = (1 - sc.quota.reserve_share) * sc.quota.total
    out += _le("quota_linked", q_link.sum(), sc.stock.linked_share * available, "region", rtol)
    out += _le("quota_reserve", q.sum() + q_link.sum(), available, "region", rtol)
    if ds.projects is not None:
        need = ds.projects.groupby("county_id")["area"].sum()
        on = need.reindex(ids).fillna(0.0).to_numpy(float)
        out += _le("project_min", on, A, ids, rtol)
    out += lock_violations(ds, a, A, rtol)
    return out


def lock_violations(ds, a: pd.DataFrame, A, rtol: float) -> list[str]:
    """Locks (MODEL.md §8): min ≤ A_i ≤ max for each lock on the whole plan (period_end
    empty or the target year 2035), and allocation.csv's ``locked`` says yes exactly there."""
    locks = getattr(ds, "locks", None)
    if locks is None or locks.empty:
        return [] if "locked" not in a.columns else ["locked column without locks"]
    phased = ds.scenario.periods.end_years is not None
    # a phased plan (MODEL.md §7): a lock with a period_end holds that period's new land
    # (period_violations); without one, the horizon's
    whole = locks[locks["period_end"].isin([""] if phased else ["", "2035"])]
    at = pd.Series(A, index=a["county_id"].to_numpy()).loc[whole["county_id"]].to_numpy(float)
    lo = whole["min"].fillna(-np.inf).to_numpy(float)
    hi = whole["max"].fillna(np.inf).to_numpy(float)
    held = whole["county_id"].to_numpy()
    out = _le("lock_min", lo, at, held, rtol) + _le("lock_max", at, hi, held, rtol)
    if "locked" not in a.columns:
        return [*out, "allocation.csv has no locked column"]
    said = set(a.loc[a["locked"] == "yes", "county_id"])
    if phased:
        held = locks["county_id"].to_numpy()
    if said != set(held):
        out.append(f"locked: says yes for {sorted(said)}, locks hold {sorted(set(held))}")
    return out


def priority_weights(ds) -> np.ndarray:
    """w_i = zone weight × max weight of the county's groups (1 when in none)."""
    c = ds.counties
    zw = ds.scenario.weights.zone
    zone = (
        c["zone"]
        .map({"urban": zw.urban, "agricultural": zw.agricultural, "ecological": zw.ecological})
        .to_numpy(float)
    )
    best = {}
    weights = dict(zip(ds.groups["group_id"], ds.groups["weight"], strict=True))
    for g, cid in zip(ds.members["group_id"], ds.members["county_id"], strict=True):
        best[cid] = max(best.get(cid, 0.0), weights[g])
    return zone * np.array([best.get(i, 1.0) for i in c["county_id"]])


def objective(ds, a: pd.DataFrame, flows: pd.DataFrame, A, r, s, u) -> float:
    """Z of MODEL.md §3 from reported numbers; tier values by greedy fill of A."""
    return objective_terms(ds, a, flows, A, r, s, u)[0]


def objective_terms(ds, a: pd.DataFrame, flows: pd.DataFrame, A, r, s, u) -> tuple[float, float]:
    """Z and its gross terms Σ|term| (the scale a solver's rounding is relative to)."""
    sc = ds.scenario
    w = priority_weights(ds)
    demand = ds.counties["demand"].to_numpy(float)
    remaining = A + _column(a, "stock_used")  # tiers hold new land and stock (MODEL.md §8)
    value = np.zeros(len(A))
    for share, phi in zip(sc.tiers.shares, sc.tiers.values, strict=True):
        take = np.minimum(remaining, share * demand)
        value += phi * take
        remaining = remaining - take
    link = sc.linkage
    if ds.transfer_costs is not None:
        cost_of = {
            (i, j): v
            for i, j, v in ds.transfer_costs[["from_id", "to_id", "cost"]].itertuples(index=False)
        }
        costs = np.array(
            [cost_of[(i, j)] for i, j in zip(flows["from_id"], flows["to_id"], strict=True)]
        )
    else:
        city = dict(zip(ds.counties["county_id"], ds.counties["city"], strict=True))
        costs = np.array(
            [
                link.same_city_cost if city[i] == city[j] else link.cross_city_cost
                for i, j in zip(flows["from_id"], flows["to_id"], strict=True)
            ]
        )
    transfer = float((costs * flows["amount"].to_numpy(float)).sum()) if len(flows) else 0.0
    terms = np.array(
        [
            (w * value).sum(),
            -sc.per_capita.shortfall_penalty * u.sum(),
            -link.reclaim_cost * r.sum(),
            -link.supplement_cost * s.sum(),
            -transfer,
            -sc.stock.cost * _column(a, "stock_used").sum(),
        ]
    )
    return float(terms.sum()), float(np.abs(terms).sum())


def assert_feasible(ds, result, rtol: float = RTOL) -> None:
    """Fail with every violated constraint listed."""
    assert result.status.value == "optimal", result.status
    found = violations(ds, result, rtol)
    assert not found, "\n".join(found[:20])


BASE_YEAR, TARGET_YEAR = 2020, 2035


def period_inputs(ds):
    """Per period (MODEL.md §7, from the scenario and inputs alone): end year, years,
    pool, urban population and GDP at the end (linear / geometric between 2020 and 2035
    unless counties.csv gives the year), demand and minimum of the period."""
    sc, c = ds.scenario, ds.counties.reset_index(drop=True)
    ends = list(sc.periods.end_years)
    years = np.diff([BASE_YEAR, *ends]).astype(float)
    pools = (
        np.array(sc.periods.quota, float)
        if sc.periods.quota is not None
        else sc.quota.total * years / years.sum()
    )
    table = getattr(ds, "period_demand", None)
    out = []
    for t, end in enumerate(ends):
        f = (end - BASE_YEAR) / (TARGET_YEAR - BASE_YEAR)
        up0, up1 = c["urban_pop_2020"].to_numpy(float), c["urban_pop_2035"].to_numpy(float)
        g0, g1 = c["gdp_2020"].to_numpy(float), c["gdp_2035"].to_numpy(float)
        up = up0 + f * (up1 - up0)
        with np.errstate(divide="ignore", invalid="ignore"):
            gdp = np.where((g0 > 0) & (g1 > 0), g0 * (g1 / g0) ** f, g0 + f * (g1 - g0))
        if f"urban_pop_{end}" in c.columns and end != TARGET_YEAR:
            up = c[f"urban_pop_{end}"].fillna(pd.Series(up)).to_numpy(float)
        if f"gdp_{end}" in c.columns and end != TARGET_YEAR:
            gdp = c[f"gdp_{end}"].fillna(pd.Series(gdp)).to_numpy(float)
        if end == TARGET_YEAR:
            up, gdp = up1, g1
        demand = c["demand"].to_numpy(float) * years[t] / years.sum()
        minimum = np.zeros(len(c))
        if table is not None:
            for row in table[table["period_end"] == str(end)].itertuples(index=False):
                i = int(np.flatnonzero(c["county_id"].to_numpy() == row.county_id)[0])
                demand[i] = row.demand
                minimum[i] = 0.0 if pd.isna(row.min_allocation) else row.min_allocation
        out.append(
            {
                "end": str(end),
                "years": years[t],
                "pool": pools[t],
                "urban_pop": up,
                "gdp": gdp,
                "demand": demand,
                "minimum": minimum,
            }
        )
    return out


def period_violations(ds, result, rtol: float) -> tuple[list[str], float, float]:
    """Every cumulative constraint of MODEL.md §7 from allocation_by_period and the
    per-period flows; returns the violations, Z and its gross terms."""
    sc, c = ds.scenario, ds.counties.reset_index(drop=True)
    ids = c["county_id"].to_numpy()
    n = len(c)
    d = sc.defaults
    alpha = c["occupation_rate"].fillna(d.occupation_rate).to_numpy(float)
    sigma = c["urban_share"].fillna(d.urban_share).to_numpy(float)
    rho = c["resettle_ratio"].fillna(d.resettle_ratio).to_numpy(float)
    kappa = c["reclaim_to_farmland"].fillna(d.reclaim_to_farmland).to_numpy(float)
    w = priority_weights(ds)
    horizon = result.counties.set_index("county_id").loc[ids]
    table = result.periods
    inputs = period_inputs(ds)
    out: list[str] = []
    cum = {k: np.zeros(n) for k in ("A", "q", "r", "s", "sent", "made", "qlink", "z")}
    total_years = sum(p["years"] for p in inputs)
    free = (1 - sc.stock.linked_share) * (1 - sc.quota.reserve_share)
    pools = np.cumsum([p["pool"] for p in inputs]) if sc.periods.carry_over else None
    z_value, gross = 0.0, 0.0
    u0 = c["urban_land_2020"].to_numpy(float)
    f0 = c["cultivated_2020"].to_numpy(float)
    c0 = c["construction_land_2020"].to_numpy(float)
    pc = sc.per_capita
    link = sc.linkage
    city = dict(zip(c["county_id"], c["city"], strict=True))
    due = None
    for t, p in enumerate(inputs):
        end = p["end"]
        at = table[table["period_end"] == end].set_index("county_id").loc[ids]
        A, q, r, s, u = (
            at[k].to_numpy(float)
            for k in ("allocation", "quota", "reclaimed", "supplemented", "shortfall")
        )
        b = at["linkage_in"].to_numpy(float)
        z = _column(at, "stock_used")
        q_link = _column(at, "quota_linked")
        tag = f"@{end}"
        for name, v in (
            ("quota", q),
            ("reclaimed", r),
            ("supplemented", s),
            ("shortfall", u),
            ("allocation", A),
            ("linkage_in", b),
        ):
            out += _le(f"{name}>=0{tag}", -v, 0.0, ids, rtol)
        tiers = [col for col in at.columns if col.startswith("tier_")]
        for k, col in enumerate(tiers):
            out += _le(f"tier_{k + 1}{tag}", at[col], sc.tiers.shares[k] * p["demand"], ids, rtol)
        out += _eq(f"tiers_sum{tag}", at[tiers].sum(axis=1), A + z, ids, rtol)
        out += _le(f"period_min{tag}", p["minimum"], A, ids, rtol)
        flows = result.flows[result.flows["period_end"] == end]
        pos = pd.Index(ids)
        fin = np.bincount(pos.get_indexer(flows["to_id"]), flows["amount"], minlength=n)
        fout = np.bincount(pos.get_indexer(flows["from_id"]), flows["amount"], minlength=n)
        self_use = at["linkage_self"].to_numpy(float)
        out += _eq(f"linkage_in{tag}", b, self_use + fin, ids, rtol)
        out += _eq(f"split{tag}", A, q + q_link + b, ids, rtol)
        for key, v in (("A", A), ("q", q), ("r", r), ("s", s), ("qlink", q_link), ("z", z)):
            cum[key] = cum[key] + v
        cum["sent"] = cum["sent"] + self_use + fout
        out += _le(f"surplus{tag}", cum["sent"], (1 - rho) * cum["r"], ids, rtol)
        used = cum["q"].sum() if pools is not None else q.sum()
        limit = free * (pools[t] if pools is not None else p["pool"])
        out += _le(f"quota_pool{tag}", used, limit, "region", rtol)
        out += _le(f"stock_link{tag}", cum["qlink"], sc.stock.quota_per_ha * cum["z"], ids, rtol)
        cap_room = np.maximum(0, pc.cap_m2 * p["urban_pop"] / 1e4 - u0)
        out += _le(f"per_capita_cap{tag}", sigma * cum["A"], cap_room, ids, rtol)
        need = pc.floor_m2 * p["urban_pop"] / 1e4 - u0
        out += _le(f"per_capita_floor{tag}", need, sigma * cum["A"] + u, ids, rtol)
        out += _le(
            f"dev_boundary{tag}", sigma * cum["A"], np.maximum(0, c["dev_boundary"] - u0), ids, rtol
        )
        F = f0 - alpha * cum["A"] + kappa * cum["r"] + cum["s"]
        out += _le(f"farmland_floor{tag}", c["farmland_floor"], F, ids, rtol)
        out += _le(f"basic_farmland{tag}", alpha * cum["A"], f0 - c["basic_farmland"], ids, rtol)
        if sc.farmland.region_floor is not None:
            out += _le(f"farmland_region{tag}", sc.farmland.region_floor, F.sum(), "region", rtol)
        bscope = sc.farmland.balance_scope
        if bscope != "none":
            key = {"region": np.zeros(n), "city": c["city"], "county": c["county_id"]}[bscope]
            net = (
                pd.DataFrame(
                    {"k": key, "occ": alpha * cum["A"], "made": kappa * cum["r"] + cum["s"]}
                )
                .groupby("k")
                .sum()
            )
            out += _le(f"farmland_balance{tag}", net["occ"], net["made"], net.index, rtol)
        C = c0 + cum["A"] - (1 - rho) * cum["r"]
        g20 = c["gdp_2020"].sum()
        milestones = sc.periods.intensity
        if g20 > 0 and milestones is not None:
            lim = (1 - milestones[t]) * (c0.sum() / g20) * p["gdp"].sum()
            out += _le(f"intensity{tag}", C.sum(), lim, "region", rtol)
        if ds.projects is not None:
            pr = ds.projects
            year = pd.to_numeric(pr["period_end"].where(pr["period_end"] != ""), errors="coerce")
            due = pr[year <= int(end)].groupby("county_id")["area"].sum()
            out += _le(
                f"project_min{tag}", due.reindex(ids).fillna(0).to_numpy(float), cum["A"], ids, rtol
            )
        locks = getattr(ds, "locks", None)
        if locks is not None and len(locks):
            mine = locks[locks["period_end"] == end]
            got = pd.Series(A, index=ids).loc[mine["county_id"]].to_numpy(float)
            held = mine["county_id"].to_numpy()
            out += _le(f"lock_min{tag}", mine["min"].fillna(-np.inf), got, held, rtol)
            out += _le(f"lock_max{tag}", got, mine["max"].fillna(np.inf), held, rtol)
        out += _eq(f"urban_land{tag}", at["urban_land"], u0 + sigma * cum["A"], ids, rtol)
        out += _eq(f"cultivated{tag}", at["cultivated"], F, ids, rtol)
        out += _eq(f"construction_land{tag}", at["construction_land"], C, ids, rtol)
        # the objective of §7: this period's value and costs, times discount^(t−1)
        remaining = A + z
        value = np.zeros(n)
        for share, phi in zip(sc.tiers.shares, sc.tiers.values, strict=True):
            take = np.minimum(remaining, share * p["demand"])
            value += phi * take
            remaining = remaining - take
        costs = (
            np.array(
                [
                    link.same_city_cost if city[i] == city[j] else link.cross_city_cost
                    for i, j in zip(flows["from_id"], flows["to_id"], strict=True)
                ]
            )
            if ds.transfer_costs is None
            else np.array(
                [
                    dict(
                        zip(
                            zip(
                                ds.transfer_costs["from_id"],
                                ds.transfer_costs["to_id"],
                                strict=True,
                            ),
                            ds.transfer_costs["cost"],
                            strict=True,
                        )
                    )[(i, j)]
                    for i, j in zip(flows["from_id"], flows["to_id"], strict=True)
                ]
            )
        )
        transfer = float((costs * flows["amount"].to_numpy(float)).sum()) if len(flows) else 0.0
        weight = sc.periods.discount**t
        terms = weight * np.array(
            [
                (w * value).sum(),
                -pc.shortfall_penalty * p["years"] / total_years * u.sum(),
                -link.reclaim_cost * r.sum(),
                -link.supplement_cost * s.sum(),
                -transfer,
                -sc.stock.cost * z.sum(),
            ]
        )
        z_value += float(terms.sum())
        gross += float(np.abs(terms).sum())
    # the horizon figures of allocation.csv are the periods' sums
    for key, column in (
        ("A", "allocation"),
        ("q", "quota"),
        ("r", "reclaimed"),
        ("s", "supplemented"),
    ):
        out += _eq(f"horizon_{column}", horizon[column].to_numpy(float), cum[key], ids, rtol)
    out += _le("quota_pool_total", cum["q"].sum(), free * sc.quota.total, "region", rtol)
    return out, z_value, gross
