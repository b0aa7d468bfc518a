"""A phased plan's tables (MODEL.md §7): allocation_by_period.csv, flows and targets by period.

Each period's linkage is read from its own arcs (``county_flows`` per period: in the
hub form a county's own use in period t is what it takes from its bank, w_it, less
what it sends up), so the horizon figures of allocation.csv are the sums of the
periods' and flows.csv lists each period's pairs with its ``period_end``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from optimizer.analysis.prices import PRICE_COLUMNS
from optimizer.data.derived import M2_PER_HA
from optimizer.data.locks import period_locks
from optimizer.formulation.build import Formulation, free_share
from optimizer.formulation.linkage import county_flows, pairs_from_totals
from optimizer.formulation.phased import (
    PERIOD_MARK,
    PeriodColumns,
    period_family,
    period_intensity_limit,
)

#: Flows smaller than this (ha) are solver round-off, not transfers (as tables.FLOW_TOL).
FLOW_TOL = 1e-6
#: A period target is met within this, relative to max(1, |limit|) (as tables.BIND_TOL).
MET_TOL = 1e-6


def quota_and_linkage(
    whole: np.ndarray, alloc: np.ndarray, linked: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """allocation.csv's ``quota`` (the free part q_i^free) and ``linkage_in`` (A_i − q_i)
    from the tie-break's whole quota q_i = q_i^free + q_i^link (MODEL.md §8), ha."""
    whole = np.minimum(whole, alloc)
    return np.clip(whole - linked, 0.0, None), alloc - whole


def _per_county(n: int, positions: np.ndarray | None, values: np.ndarray) -> np.ndarray:
    out = np.zeros(n)
    if positions is not None:
        out[positions] = values
    return out


def period_linkage(f: Formulation, p: PeriodColumns, x: np.ndarray):
    """Quota per county and linkage pairs (from_pos, to_pos, amount) of one period."""
    n = len(f.params)
    linked = _per_county(
        n, p.stock_counties, x[p.quota_linked] if p.quota_linked is not None else 0
    )
    if p.withdrawal is not None:
        surplus = _per_county(n, p.bank_counties, x[p.withdrawal])
    else:
        surplus = (1.0 - f.params["rho"].to_numpy()) * x[p.reclaim]
    quota, pairs = county_flows(
        f.network,
        x[p.linkage],
        x[p.allocation] - linked,
        surplus,
        x[p.quota] if p.quota is not None else None,
    )
    return quota, pairs[pairs["amount"] > FLOW_TOL].reset_index(drop=True)


def period_table(
    f: Formulation, x: np.ndarray, figures: pd.DataFrame | None = None
) -> pd.DataFrame:
    """allocation_by_period.csv: per county and period end, the period's figures and the
    cumulative stocks at its end (urban land, per capita, cultivated, construction land).

    ``figures`` (the tie-break's, ``<figure>@<end>`` per period) give each period's unique
    quota and linkage, as the horizon's do without periods."""
    assert f.phased is not None
    c = f.dataset.counties.reset_index(drop=True)
    p0 = f.params
    n = len(c)
    alpha, sigma = p0["alpha"].to_numpy(), p0["sigma"].to_numpy()
    kappa, rho = p0["kappa"].to_numpy(), p0["rho"].to_numpy()
    k = len(f.dataset.scenario.tiers.shares)
    cum_a = np.zeros(n)
    cum_r = np.zeros(n)
    cum_s = np.zeros(n)
    parts = []
    for p in f.phased.columns:
        quota, pairs = period_linkage(f, p, x)
        self_use = pairs[pairs["from_pos"] == pairs["to_pos"]]
        others = pairs[pairs["from_pos"] != pairs["to_pos"]]
        alloc = x[p.allocation]
        r, s = x[p.reclaim], x[p.supplement]
        cum_a, cum_r, cum_s = cum_a + alloc, cum_r + r, cum_s + s
        urban = c["urban_land_2020"].to_numpy(float) + sigma * cum_a
        shortfall = _per_county(n, p.shortfall_counties, x[p.shortfall])
        stock = _per_county(n, p.stock_counties, x[p.stock] if p.stock is not None else 0)
        linked = _per_county(
            n, p.stock_counties, x[p.quota_linked] if p.quota_linked is not None else 0
        )
        linkage_in = np.bincount(pairs["to_pos"], pairs["amount"], minlength=n)
        linkage_out = np.bincount(others["from_pos"], others["amount"], minlength=n)
        linkage_self = np.bincount(self_use["from_pos"], self_use["amount"], minlength=n)
        if figures is not None:  # the tie-break's unique figures of this period
            got = figures[f"allocation@{p.end}"].to_numpy()
            quota, linkage_in = quota_and_linkage(figures[f"quota@{p.end}"].to_numpy(), got, linked)
            linkage_out = figures[f"linkage_out@{p.end}"].to_numpy()
            received = figures[f"received@{p.end}"].to_numpy()
            linkage_self = np.clip(linkage_in - received, 0.0, None)
        table = pd.DataFrame(
            {
                "county_id": c["county_id"],
                "period_end": str(p.end),
                "quota": quota,
                "linkage_in": linkage_in,
                "allocation": alloc,
                "reclaimed": r,
                "supplemented": s,
                "shortfall": shortfall,
                "urban_land": urban,
                "per_capita": np.divide(
                    urban * M2_PER_HA,
                    p.data.urban_pop,
                    out=np.full(n, np.nan),
                    where=p.data.urban_pop > 0,
                ),
                "cultivated": c["cultivated_2020"].to_numpy(float)
                - alpha * cum_a
                + kappa * cum_r
                + cum_s,
                "construction_land": c["construction_land_2020"].to_numpy(float)
                + cum_a
                - (1 - rho) * cum_r,
                "demand": p.data.demand,
                "linkage_out": linkage_out,
                "linkage_self": linkage_self,
            }
        )
        tiers = x[p.tier].reshape(n, k) if n else np.zeros((0, k))
        for j in range(k):
            table[f"tier_{j + 1}"] = tiers[:, j]
        held = period_locks(f.dataset).get(str(p.end))
        if f.dataset.locks is not None and not f.dataset.locks.empty:
            locked = np.full(n, "no", dtype=object)
            if held is not None:
                locked[held[0]] = "yes"
            table["locked"] = locked
        if p.stock is not None:
            table["stock_used"] = stock
        if p.quota_linked is not None:
            table["quota_linked"] = linked
        parts.append(table)
    return (
        pd.concat(parts, ignore_index=True)
        .sort_values(["county_id", "period_end"], kind="stable")
        .reset_index(drop=True)
    )


def horizon_linkage(periods: pd.DataFrame, county_ids: pd.Series) -> pd.DataFrame:
    """Per county (in ``county_ids`` order), the sums over periods of quota and linkage."""
    columns = ["quota", "linkage_in", "linkage_out", "linkage_self"]
    sums = periods.groupby("county_id")[columns].sum()
    return sums.reindex(county_ids.to_numpy()).reset_index(drop=True)


def period_pairs(
    f: Formulation, x: np.ndarray, periods: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Every period's pairs between counties (i ≠ j), with the period end. With
    ``periods`` (after the tie-break) each period's pairs follow from its unique
    linkage_out and received figures by ``pairs_from_totals``'s rule, not from the LP."""
    assert f.phased is not None
    ds = f.dataset
    counties = ds.counties.reset_index(drop=True)
    parts = []
    for p in f.phased.columns:
        if periods is None:
            _, pairs = period_linkage(f, p, x)
        else:
            at = periods[periods["period_end"] == str(p.end)].set_index("county_id")
            at = at.loc[counties["county_id"]]
            received = (at["linkage_in"] - at["linkage_self"]).clip(lower=0.0).to_numpy()
            pairs = pairs_from_totals(
                counties, ds.scenario, ds.transfer_costs, at["linkage_out"].to_numpy(), received
            )
            pairs = pairs[pairs["amount"] > FLOW_TOL]
        parts.append(pairs.assign(period_end=str(p.end)))
    pairs = pd.concat(parts, ignore_index=True)
    return pairs[pairs["from_pos"] != pairs["to_pos"]].reset_index(drop=True)


def period_targets(f: Formulation, periods: pd.DataFrame) -> pd.DataFrame:
    """targets.csv rows of the ends before the last: pool, intensity, farmland, balance,
    per-capita band (MODEL.md §7); the last end's rows are the §3 targets."""
    assert f.phased is not None
    ds, sc = f.dataset, f.dataset.scenario
    c = ds.counties.reset_index(drop=True)
    plan = f.phased.periods
    pools = plan.cumulative_quota() if plan.carry_over else plan.quota
    p0 = f.params
    rows = []
    for t, p in enumerate(f.phased.columns[:-1]):
        end = str(p.end)
        at = periods[periods["period_end"] == end].set_index("county_id").loc[c["county_id"]]
        upto = periods[periods["period_end"] <= end]
        used = float(upto["quota"].sum()) if plan.carry_over else float(at["quota"].sum())
        limit = free_share(sc) * pools[t]
        what = (
            "ha of quota used by then ≤ the pools so far"
            if plan.carry_over
            else ("ha of quota used in the period ≤ its pool")
        )
        rows.append(("quota_pool", used, limit, used <= limit + _tol(limit), what, end))
        bound = period_intensity_limit(ds, plan, t, p.data)
        if bound is not None:
            base = c["construction_land_2020"].sum() / c["gdp_2020"].sum()
            achieved = 1 - (at["construction_land"].sum() / p.data.gdp.sum()) / base
            tau = float(plan.tau[t])
            rows.append(
                (
                    "intensity_reduction",
                    achieved,
                    tau,
                    achieved >= tau - MET_TOL,
                    f"fall of construction land per 亿元 GDP, 2020 → {end} ≥ τ_t",
                    end,
                )
            )
        cultivated = float(at["cultivated"].sum())
        floor = sc.farmland.region_floor
        rows.append(
            (
                "farmland_region",
                cultivated,
                np.nan if floor is None else floor,
                True if floor is None else cultivated >= floor - _tol(floor),
                f"ha cultivated in {end} ≥ region floor (耕地保有量)",
                end,
            )
        )
        keep = at["cultivated"].to_numpy() >= c["farmland_floor"].to_numpy(float) - MET_TOL
        rows.append(
            (
                "farmland_floor_counties",
                float(keep.sum()),
                float(len(c)),
                bool(keep.all()),
                f"counties keeping their own farmland floor in {end}",
                end,
            )
        )
        cum = upto.groupby("county_id")[["allocation", "reclaimed", "supplemented"]].sum()
        cum = cum.loc[c["county_id"]]
        occupied = p0["alpha"].to_numpy() * cum["allocation"].to_numpy()
        made = p0["kappa"].to_numpy() * cum["reclaimed"].to_numpy() + cum["supplemented"]
        scope = sc.farmland.balance_scope
        margin = 0.0
        if scope != "none":
            key = {"region": np.zeros(len(c)), "city": c["city"], "county": c["county_id"]}
            net = pd.Series(np.asarray(made) - occupied).groupby(np.asarray(key[scope])).sum()
            margin = float(net.min()) if len(net) else 0.0
        rows.append(
            (
                "farmland_balance",
                margin,
                0.0,
                margin >= -MET_TOL * max(1.0, used),
                f"ha made up − ha occupied by {end} (占补平衡, cumulative), tightest unit",
                end,
            )
        )
        cap = sc.per_capita.cap_m2
        over = at["per_capita"].to_numpy() > np.maximum(
            cap, c["urban_land_2020"].to_numpy(float) * M2_PER_HA / p.data.urban_pop
        ) * (1 + MET_TOL)
        rows.append(
            (
                "per_capita_cap_counties",
                float(np.nansum(over)),
                0.0,
                not np.nansum(over),
                f"counties whose new urban land passes {cap:g} m²/person in {end}",
                end,
            )
        )
        short = float(at["shortfall"].sum())
        rows.append(
            (
                "per_capita_floor_shortfall",
                short,
                0.0,
                short <= FLOW_TOL,
                f"ha of urban land short of {sc.per_capita.floor_m2:g} m²/person in {end} (soft)",
                end,
            )
        )
    table = pd.DataFrame(rows, columns=["target", "value", "limit", "met", "meaning", "period_end"])
    # named as their constraint families are (quota_pool@2025): a target name stays unique
    table["target"] = table["target"] + PERIOD_MARK + table["period_end"]
    return table


def _tol(bound: float) -> float:
    return MET_TOL * max(1.0, abs(bound))


def period_headlines(
    f: Formulation, periods: pd.DataFrame, marginals: pd.DataFrame | None = None
) -> list[dict]:
    """summary.json's headline per period: pool, use, the pool's price (the unique rates of
    ``period_pools``, None without prices) and the stocks at each end."""
    assert f.phased is not None
    prices = period_pools(f, marginals if marginals is not None else pd.DataFrame())
    c = f.dataset.counties
    base = c["construction_land_2020"].sum() / c["gdp_2020"].sum() if c["gdp_2020"].sum() else 0
    out = []
    for t, p in enumerate(f.phased.columns):
        at = periods[periods["period_end"] == str(p.end)]
        gdp = p.data.gdp.sum()
        built = float(at["construction_land"].sum())
        out.append(
            {
                "period_end": str(p.end),
                "quota_pool_ha": float(f.phased.periods.quota[t]),
                "quota_used_ha": float(at["quota"].sum()),
                "allocation_ha": float(at["allocation"].sum()),
                "linkage_used_ha": float(at["linkage_in"].sum()),
                "reclaimed_ha": float(at["reclaimed"].sum()),
                "supplemented_ha": float(at["supplemented"].sum()),
                "cultivated_ha": float(at["cultivated"].sum()),
                "construction_land_ha": built,
                "intensity_reduction": float(1 - (built / gdp) / base) if base and gdp else None,
                "shortfall_ha": float(at["shortfall"].sum()),
                "pool_row": prices[t]["row"],
                "pool_gain_per_ha": (prices[t]["rates"] or {}).get("gain_per_unit"),
                "pool_loss_per_ha": (prices[t]["rates"] or {}).get("loss_per_unit"),
            }
        )
    return out


def period_pools(f: Formulation, marginals: pd.DataFrame) -> list[dict]:
    """Each period's pool and the marginals row that prices it, with its unique rates
    (MODEL.md §6, prices.py): ``quota_pool@<end>``, or for the last period the horizon
    ``quota_pool`` when no period row says more (carry-over with pools summing to
    quota.total). Never a solver's dual: those differ between solvers at a degenerate
    optimum. ``rates`` is None when the marginals have none (no prices, or too large)."""
    assert f.phased is not None
    plan = f.phased.periods
    rows = {}
    if not marginals.empty:  # the pool rows only: a national plan has ~10⁴ county rows
        pool_rows = marginals[marginals["family"].str.partition(PERIOD_MARK)[0] == "quota_pool"]
        for r in pool_rows.to_dict("records"):
            rows.setdefault(r["family"], r)
    pools = []
    last = len(f.phased.columns) - 1
    for t, p in enumerate(f.phased.columns):
        family = period_family("quota_pool", p.end)
        if family not in rows and t == last:
            family = "quota_pool"
        row = rows.get(family)
        rates = None
        if row is not None and all(pd.notna(row.get(c)) for c in PRICE_COLUMNS):
            rates = {c: float(row[c]) for c in PRICE_COLUMNS}
        pools.append(
            {
                "period_end": str(p.end),
                "pool_ha": float(plan.quota[t]),
                "row": family if row is not None else None,
                "limit": None if row is None or pd.isna(row.get("limit")) else float(row["limit"]),
                "rates": rates,
            }
        )
    return pools


#: A carry-over worth within this of Z (relative) is LP round-off: 0.
WORTH_TOL = 1e-9
#: s: time limit of that re-solve (a small LP: well under a second).
RESOLVE_TIME_LIMIT_S = 60.0
#: LP columns up to which explaining a phased plan re-solves it with carry-over flipped
#: (one more LP solve) to say what carry-over is worth; larger plans say how instead.
CARRY_OVER_RESOLVE_COLUMNS = 40_000


def period_explain(f: Formulation, solution, marginals: pd.DataFrame) -> dict | None:
    """Each period's pool price (``period_pools``) and what carry-over is worth (Z with −
    Z without). Sentences are added by explain.py."""
    if f.phased is None:
        return None
    plan = f.phased.periods
    pools = period_pools(f, marginals)
    worth, note = None, ""
    if len(f.phased.columns) < 2:
        note = "one period: nothing to carry over"
    elif f.lp.shape[1] <= CARRY_OVER_RESOLVE_COLUMNS:
        worth = _carry_over_worth(f, solution)
        note = "two LP optima, with and without carry-over"
    else:
        note = (
            "not computed at this size (a second solve): solve again with "
            "--set periods.carry_over=" + ("false" if plan.carry_over else "true") + " and compare"
        )
    return {"carry_over": plan.carry_over, "pools": pools, "carry_over_worth": worth, "note": note}


def _carry_over_worth(f: Formulation, solution) -> float | None:
    """Z of the LP with carry-over − Z without: one re-solve with the setting flipped."""
    from optimizer.formulation.build import build
    from optimizer.solvers import get_backend

    plan = f.phased.periods
    flipped = f.dataset.with_overrides({"periods.carry_over": not plan.carry_over})
    form = "pairwise" if f.network.form == "pairwise" else "auto"
    other = get_backend("highs").solve(build(flipped, form).lp, "simplex", RESOLVE_TIME_LIMIT_S)
    if other.objective is None or solution.objective is None:
        return None
    z, z_other = float(solution.objective), float(other.objective)
    worth = z - z_other if plan.carry_over else z_other - z
    # LP round-off (≈ 1e-11 of Z) is no worth
    return 0.0 if abs(worth) <= WORTH_TOL * max(1.0, abs(z)) else worth
