"""The LP of a phased plan (MODEL.md §7): every §3 variable per period, stocks cumulative.

Layout. Each period t has its own copy of the county variables (families named
``<family>@<end year>``: ``allocation@2025``, ``tier@2025``, ``reclaim@2025`` …) and
of the linkage arcs. The horizon totals (A_i = Σ_t A_it, r_i, s_i, q_i, the arcs,
z_i) are columns of their own under the plain family names, tied to the periods by
``periods_sum`` rows, so that everything that reads a plan's horizon figures
(allocation.csv, groups, the checker) reads them where a one-period plan has them.

Constraints at the last period end are the §3 rows on those horizon totals, with
their plain names (``quota_pool``, ``farmland_floor[i]``, the bounds of A_i): the
cumulative stock at the target year is the horizon total. Earlier ends add rows
named ``<family>@<end year>`` on the cumulative sums Σ_{t'≤t}. Bounds that only cap
A_i and do not change with the year (dev_boundary, basic_farmland) hold at every
end once they hold at the last (A_i^≤t only grows), so they have no earlier rows;
the per-capita cap does change (that year's urban population) and gets them.

Linkage in the hub form: a county's balance in period t is
A_it + up_it − down_it − w_it ≤ 0 (``split@Y``), where w_it ≥ 0 is what it takes
from its own bank of indicators; the bank is cumulative (``surplus``:
Σ_{t'≤t} w_it' ≤ Σ_{t'≤t} (1 − ρ_i) r_it'). Indicators are banked where they are
made, quota and received indicators are used in the period they arrive; so quota
carries over only through the pool rows. The pairwise form has the per-period split
and the cumulative surplus of §7 as written.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from optimizer.data.derived import county_quantities
from optimizer.data.periods import PeriodData, Periods, period_data, plan_periods
from optimizer.formulation.linkage import LinkageNetwork
from optimizer.formulation.lp import INF, LPBuilder

#: The family of the rows tying a horizon total to its periods (X_i − Σ_t X_it = 0).
PERIODS_SUM = "periods_sum"
#: ha: a period pool within this of quota.total says no more than the horizon row.
QUOTA_TOLERANCE = 1e-9
#: Separator of a family name and its period end: ``quota_pool@2025``.
PERIOD_MARK = "@"


def period_family(family: str, end: int | str) -> str:
    """``quota_pool`` at 2025 → ``quota_pool@2025``."""
    return f"{family}{PERIOD_MARK}{end}"


def base_family(name: str) -> str:
    """``quota_pool@2025`` → ``quota_pool`` (a plain name is returned as it is)."""
    return name.split(PERIOD_MARK, 1)[0]


def family_end(name: str) -> str:
    """``quota_pool@2025`` → ``2025``; '' for a plain name (the last end, or no periods)."""
    return name.split(PERIOD_MARK, 1)[1] if PERIOD_MARK in name else ""


@dataclass(frozen=True)
class PeriodColumns:
    """The columns of one period, and the data at its end."""

    end: int
    allocation: np.ndarray  # A_it
    tier: np.ndarray  # a_ikt, county-major as Columns.tier
    reclaim: np.ndarray  # r_it
    supplement: np.ndarray  # s_it
    shortfall: np.ndarray  # u_it, one per county in shortfall_counties
    shortfall_counties: np.ndarray
    linkage: np.ndarray  # x_t, one per arc of the network
    quota: np.ndarray | None  # q_it, pairwise form
    withdrawal: np.ndarray | None  # w_it, hub form, one per county in bank_counties
    bank_counties: np.ndarray | None
    stock: np.ndarray | None  # z_it, one per stock county
    stock_counties: np.ndarray | None  # county positions of the stock columns
    quota_linked: np.ndarray | None  # q^link_it, one per stock county
    data: PeriodData
    params: pd.DataFrame  # county_quantities at this end (cap_room, floor_need, …)


@dataclass(frozen=True)
class Phased:
    """What a phased formulation adds to its Formulation: the periods and their columns."""

    periods: Periods
    columns: tuple[PeriodColumns, ...]

    @property
    def ends(self) -> tuple[int, ...]:
        return self.periods.ends


def end_parameters(ds, params: pd.DataFrame, data: PeriodData) -> pd.DataFrame:
    """The county quantities at one period end: that year's urban population in the
    per-capita cap and floor (rates and rooms that do not depend on the year are kept)."""
    counties = ds.counties.reset_index(drop=True).assign(urban_pop_2035=data.urban_pop)
    q = county_quantities(counties, ds.scenario)
    out = params.copy()
    for column in ("cap_room", "floor_need", "limit_per_capita_cap"):
        out[column] = q[column].to_numpy()
    return out


def define_period_variables(
    b: LPBuilder,
    ds,
    params: pd.DataFrame,
    network: LinkageNetwork,
    periods: Periods,
    stock_counties: np.ndarray | None,
) -> tuple[PeriodColumns, ...]:
    """Per period: A_it, a_ikt, r_it, s_it, u_it, x_t, q_it (pairwise), w_it (hubs), z_it,
    q^link_it, each with the period's weight discount^(t−1) on its value or cost."""
    c, sc = ds.counties, ds.scenario
    ids = params["county_id"].to_numpy(dtype=object)
    n = len(ids)
    shares, values = np.asarray(sc.tiers.shares), np.asarray(sc.tiers.values)
    k = len(shares)
    arcs = network.arcs
    reclaim_pot = c["reclaim_potential"].to_numpy(float)
    supplement_pot = c["supplement_potential"].to_numpy(float)
    bank = np.flatnonzero(reclaim_pot * (1.0 - params["rho"].to_numpy()) > 0)
    out = []
    for t, data in enumerate(period_data(ds, periods)):
        y, weight = data.end, periods.weight[t]
        p_t = end_parameters(ds, params, data)
        alloc = b.add_variables(period_family("allocation", y), ids, data.minimum, data.demand)
        tier = b.add_variables(
            period_family("tier", y),
            np.repeat(ids, k),
            0.0,
            np.outer(data.demand, shares).ravel(),
            weight * np.outer(params["weight"], values).ravel(),
            key=np.tile(np.arange(1, k + 1), n),
        )
        reclaim = b.add_variables(
            period_family("reclaim", y), ids, 0.0, reclaim_pot, -weight * sc.linkage.reclaim_cost
        )
        supplement = b.add_variables(
            period_family("supplement", y),
            ids,
            0.0,
            supplement_pot,
            -weight * sc.linkage.supplement_cost,
        )
        quota = b.add_variables(period_family("quota", y), ids) if network.pool < 0 else None
        short = np.flatnonzero(p_t["floor_need"].to_numpy() > 0)
        penalty = weight * sc.per_capita.shortfall_penalty * periods.share[t]
        shortfall = b.add_variables(period_family("shortfall", y), ids[short], 0.0, INF, -penalty)
        linkage = b.add_variables(
            period_family("linkage", y),
            network.labels[arcs["tail"].to_numpy()],
            0.0,
            INF,
            -weight * arcs["cost"].to_numpy(),
            key=network.labels[arcs["head"].to_numpy()],
        )
        withdrawal = bank_counties = None
        if network.pool >= 0:
            bank_counties = bank
            withdrawal = b.add_variables(period_family("withdrawal", y), ids[bank])
        stock = linked = None
        if stock_counties is not None:
            potential = c["stock_potential"].to_numpy(float)[stock_counties]
            stock = b.add_variables(
                period_family("stock", y),
                ids[stock_counties],
                0.0,
                potential,
                -weight * sc.stock.cost,
            )
            if sc.stock.linked_share > 0:
                linked = b.add_variables(period_family("quota_linked", y), ids[stock_counties])
        out.append(
            PeriodColumns(
                y,
                alloc,
                tier,
                reclaim,
                supplement,
                shortfall,
                short,
                linkage,
                quota,
                withdrawal,
                bank_counties,
                stock,
                stock_counties,
                linked,
                data,
                p_t,
            )
        )
    return tuple(out)


def define_periods_sum_constraints(b: LPBuilder, v, phased: tuple[PeriodColumns, ...]) -> None:
    """periods_sum: X_i − Σ_t X_it = 0 for A, r, s, q, the arcs, z and q^link."""
    pairs = [("allocation", v.allocation), ("reclaim", v.reclaim), ("supplement", v.supplement)]
    pairs += [("linkage", v.linkage)]
    if v.quota is not None:
        pairs.append(("quota", v.quota))
    if v.stock is not None:
        pairs.append(("stock", v.stock))
    if v.quota_linked is not None:
        pairs.append(("quota_linked", v.quota_linked))
    for name, horizon in pairs:
        m = len(horizon)
        if m == 0:
            continue
        parts = [getattr(p, name) for p in phased]
        rows = np.tile(np.arange(m), len(parts) + 1)
        cols = np.concatenate([horizon, *parts])
        coef = np.concatenate([np.ones(m), -np.ones(m * len(parts))])
        ids = np.char.add(f"{name}:", np.arange(m).astype(str))
        b.add_constraints(PERIODS_SUM, ids.astype(object), rows, cols, coef, 0.0, 0.0)


def cumulative(phased: tuple[PeriodColumns, ...], t: int, name: str) -> list[np.ndarray]:
    """The columns of ``name`` in periods 1..t+1 (for Σ_{t'≤t} rows)."""
    return [getattr(p, name) for p in phased[: t + 1]]


def define_period_tier_constraints(b: LPBuilder, ids: np.ndarray, p: PeriodColumns) -> None:
    """tiers@Y[i]: Σ_k a_ikt − A_it − z_it = 0 (tiers within the period's demand)."""
    n = len(ids)
    k = len(p.tier) // max(n, 1)
    rows = [np.repeat(np.arange(n), k), np.arange(n)]
    cols = [p.tier, p.allocation]
    coef = [np.ones(n * k), -np.ones(n)]
    if p.stock is not None:
        stock_counties = p.stock_counties
        rows.append(stock_counties)
        cols.append(p.stock)
        coef.append(-np.ones(len(p.stock)))
    b.add_constraints(
        period_family("tiers", p.end),
        ids,
        np.concatenate(rows),
        np.concatenate(cols),
        np.concatenate(coef),
        0.0,
        0.0,
    )


def define_period_split_constraints(
    b: LPBuilder, ids: np.ndarray, p: PeriodColumns, network: LinkageNetwork
) -> None:
    """split@Y[i]: pairwise A_it − q_it − Σ_j x_jit − q^link_it = 0; hubs
    A_it + up_it − down_it − w_it − q^link_it ≤ 0 (own indicators from the bank)."""
    n = len(ids)
    pos = np.arange(n)
    tail, head = network.arcs["tail"].to_numpy(), network.arcs["head"].to_numpy()
    into_use = np.flatnonzero((head >= n) & (head < 2 * n))
    rows = [pos, head[into_use] - n]
    cols = [p.allocation, p.linkage[into_use]]
    coef = [np.ones(n), -np.ones(len(into_use))]
    if network.pool < 0:
        rows.append(pos)
        cols.append(p.quota)
        coef.append(-np.ones(n))
        lb, ub = 0.0, 0.0
    else:
        up = np.flatnonzero(tail < n)
        rows += [tail[up], p.bank_counties]
        cols += [p.linkage[up], p.withdrawal]
        coef += [np.ones(len(up)), -np.ones(len(p.withdrawal))]
        lb, ub = -INF, 0.0
    if p.quota_linked is not None:
        rows.append(p.stock_counties)
        cols.append(p.quota_linked)
        coef.append(-np.ones(len(p.quota_linked)))
    b.add_constraints(
        period_family("split", p.end),
        ids,
        np.concatenate(rows),
        np.concatenate(cols),
        np.concatenate(coef),
        lb,
        ub,
    )


def define_period_hub_balance_constraints(
    b: LPBuilder, network: LinkageNetwork, p: PeriodColumns
) -> None:
    """hub_balance@Y[h]: what enters a hub in period t leaves it in period t."""
    hubs = network.hub_nodes
    if len(hubs) == 0:
        return
    first, end = hubs[0], hubs[-1] + 1
    tail, head = network.arcs["tail"].to_numpy(), network.arcs["head"].to_numpy()
    into = np.flatnonzero((head >= first) & (head < end))
    out_of = np.flatnonzero((tail >= first) & (tail < end))
    rows = np.concatenate([head[into] - first, tail[out_of] - first])
    cols = np.concatenate([p.linkage[into], p.linkage[out_of]])
    coef = np.concatenate([np.ones(len(into)), -np.ones(len(out_of))])
    b.add_constraints(
        period_family("hub_balance", p.end), network.labels[hubs], rows, cols, coef, 0.0, 0.0
    )


def define_surplus_bank_constraints(
    b: LPBuilder,
    ids: np.ndarray,
    params: pd.DataFrame,
    v,
    phased: tuple[PeriodColumns, ...],
    network: LinkageNetwork,
) -> None:
    """surplus (banked, MODEL.md §7): indicators used or sent by the end of t come from
    what was reclaimed by then. Pairwise: Σ_{t'≤t} Σ_j x_ijt' ≤ Σ_{t'≤t} (1 − ρ_i) r_it';
    hubs: Σ_{t'≤t} w_it' ≤ Σ_{t'≤t} (1 − ρ_i) r_it'. The last end reads the horizon r_i."""
    if network.form == "none":
        return
    n = len(ids)
    keep = 1.0 - params["rho"].to_numpy()
    tail = network.arcs["tail"].to_numpy()
    last = len(phased) - 1
    for t in range(len(phased)):
        if network.pool < 0:
            from_source = np.flatnonzero(tail < n)
            counties = np.arange(n)
            used = [(tail[from_source], p.linkage[from_source]) for p in phased[: t + 1]]
        else:
            counties = phased[0].bank_counties
            used = [(np.arange(len(counties)), p.withdrawal) for p in phased[: t + 1]]
        if len(counties) == 0:
            continue
        local = pd.Series(np.arange(len(counties)), index=counties)
        rows = [r if network.pool >= 0 else local[r].to_numpy() for r, _ in used]
        cols = [c for _, c in used]
        coef = [np.ones(len(c)) for c in cols]
        reclaim = (
            [v.reclaim[counties]] if t == last else [p.reclaim[counties] for p in phased[: t + 1]]
        )
        for r in reclaim:
            rows.append(np.arange(len(counties)))
            cols.append(r)
            coef.append(-keep[counties])
        name = "surplus" if t == last else period_family("surplus", phased[t].end)
        b.add_constraints(
            name,
            ids[counties],
            np.concatenate(rows),
            np.concatenate(cols),
            np.concatenate(coef),
            ub=0.0,
        )


def define_period_quota_constraints(
    b: LPBuilder, ds, v, phased: tuple[PeriodColumns, ...], network: LinkageNetwork, periods
) -> None:
    """quota_pool@Y: with carry_over Σ_{t'≤t} Σ_i q_it' ≤ (free share)·Σ_{t'≤t} Q_t',
    without it Σ_i q_it ≤ (free share)·Q_t. The horizon row (``quota_pool``,
    Σ_t Σ_i q_it ≤ quota.total) is the §3 one; a period row that says no more than it
    (the last end with carry-over and pools summing to the total) is left out.
    The provincial reserve and 增存挂钩 take their shares of every period's pool."""
    from optimizer.formulation.build import free_share, linked_quota_share

    total = ds.scenario.quota.total
    bounds = periods.cumulative_quota() if periods.carry_over else periods.quota
    tail = network.arcs["tail"].to_numpy()
    pool_arcs = np.flatnonzero(tail == network.pool) if network.pool >= 0 else None
    for t, p in enumerate(phased):
        chosen = phased[: t + 1] if periods.carry_over else (p,)
        whole = (periods.carry_over and t == len(phased) - 1) or len(phased) == 1
        if whole and bounds[t] >= total - QUOTA_TOLERANCE:
            continue
        cols = np.concatenate(
            [q.quota if pool_arcs is None else q.linkage[pool_arcs] for q in chosen]
        )
        b.add_constraints(
            period_family("quota_pool", p.end),
            ["region"],
            np.zeros(len(cols)),
            cols,
            1.0,
            ub=free_share(ds.scenario) * bounds[t],
        )
        if p.quota_linked is not None:
            linked = np.concatenate([q.quota_linked for q in chosen])
            b.add_constraints(
                period_family("quota_linked", p.end),
                ["region"],
                np.zeros(len(linked)),
                linked,
                1.0,
                ub=linked_quota_share(ds.scenario) * bounds[t],
            )


def define_period_stock_link_constraints(
    b: LPBuilder, ds, v, phased: tuple[PeriodColumns, ...], network: LinkageNetwork
) -> None:
    """增存挂钩 by period: stock_link@Y Σ_{t'≤t} (q^link − μ z) ≤ 0 (earned before it is
    used; the last end is the horizon row), linked_use@Y (hubs) q^link_it − A_it ≤ 0."""
    if v.quota_linked is None:
        return
    mu = ds.scenario.stock.quota_per_ha
    m = len(v.quota_linked)
    ids = ds.counties["county_id"].to_numpy(dtype=object)[v.stock_counties]
    for t, p in enumerate(phased[:-1]):
        chosen = phased[: t + 1]
        cols = np.concatenate([q.quota_linked for q in chosen] + [q.stock for q in chosen])
        coef = np.concatenate([np.ones(m * (t + 1)), np.full(m * (t + 1), -mu)])
        rows = np.tile(np.arange(m), 2 * (t + 1))
        b.add_constraints(period_family("stock_link", p.end), ids, rows, cols, coef, ub=0.0)
    if network.pool >= 0:
        for p in phased:
            b.add_constraints(
                period_family("linked_use", p.end),
                ids,
                np.tile(np.arange(m), 2),
                np.concatenate([p.quota_linked, p.allocation[v.stock_counties]]),
                np.concatenate([np.ones(m), -np.ones(m)]),
                ub=0.0,
            )


def _cumulative_rows(
    b: LPBuilder,
    family: str,
    row_ids,
    pos: np.ndarray,
    rows: np.ndarray,
    chosen: tuple[PeriodColumns, ...],
    *,
    alpha: np.ndarray,
    kappa: np.ndarray | None = None,
    supplement: float = 0.0,
    lb: np.ndarray | float = -INF,
    ub: np.ndarray | float = INF,
) -> None:
    """Rows of Σ_{t' in chosen} (alpha·A_it' + kappa·r_it' + supplement·s_it') over ``pos``."""
    if len(pos) == 0:
        return
    alpha = np.asarray(alpha)[pos]
    r, c, k = [], [], []
    for p in chosen:
        r.append(rows)
        c.append(p.allocation[pos])
        k.append(alpha)
        if kappa is not None:
            r += [rows, rows]
            c += [p.reclaim[pos], p.supplement[pos]]
            k += [np.asarray(kappa)[pos], np.full(len(pos), supplement)]
    b.add_constraints(
        family, row_ids, np.concatenate(r), np.concatenate(c), np.concatenate(k), lb, ub
    )


def define_period_county_constraints(
    b: LPBuilder, ds, params: pd.DataFrame, v, phased: tuple[PeriodColumns, ...]
) -> None:
    """At every end before the last, on the cumulative sums (MODEL.md §7):

    - per_capita_cap@Y[i]: σ_i A_i^≤t ≤ cap room with that year's urban population
      (rows only where the cap is below what the county can reach by then);
    - per_capita_floor@Y[i] (soft): σ_i A_i^≤t + u_it ≥ floor need at that year;
    - farmland_floor@Y[i]: −α_i A_i^≤t + κ_i r_i^≤t + s_i^≤t ≥ floor_i − F0_i;
    - project_min@Y[i]: A_i^≤t ≥ Σ areas of the projects due by then.
    """
    c = ds.counties
    ids = params["county_id"].to_numpy(dtype=object)
    sigma, alpha = params["sigma"].to_numpy(), params["alpha"].to_numpy()
    kappa = params["kappa"].to_numpy()
    upper = params["upper"].to_numpy()
    need = c["farmland_floor"].to_numpy(float) - c["cultivated_2020"].to_numpy(float)
    reach = np.zeros(len(ids))
    for t, p in enumerate(phased[:-1]):
        chosen = phased[: t + 1]
        reach = reach + p.data.demand
        most = np.minimum(reach, upper)
        cap = p.params["limit_per_capita_cap"].to_numpy()
        pos = np.flatnonzero(cap < most)
        _cumulative_rows(
            b,
            period_family("per_capita_cap", p.end),
            ids[pos],
            pos,
            np.arange(len(pos)),
            chosen,
            alpha=sigma,
            ub=p.params["cap_room"].to_numpy()[pos],
        )
        _floor_rows(b, ids, sigma, chosen, p)
        keep = np.flatnonzero(-alpha * most < need)
        _cumulative_rows(
            b,
            period_family("farmland_floor", p.end),
            ids[keep],
            keep,
            np.arange(len(keep)),
            chosen,
            alpha=-alpha,
            kappa=kappa,
            supplement=1.0,
            lb=need[keep],
        )
        due = projects_due(ds, p.end)
        pos = np.flatnonzero(due > 0)
        if len(pos):
            _cumulative_rows(
                b,
                period_family("project_min", p.end),
                ids[pos],
                pos,
                np.arange(len(pos)),
                chosen,
                alpha=np.ones(len(ids)),
                lb=due[pos],
            )


def _floor_rows(b: LPBuilder, ids, sigma, chosen, p: PeriodColumns) -> None:
    """per_capita_floor@Y[i] (soft): σ_i A_i^≤t + u_it ≥ floor need at that year."""
    short = p.shortfall_counties
    if len(short) == 0:
        return
    rows = np.arange(len(short))
    t = len(chosen) - 1
    r = [rows] * (t + 1) + [rows]
    cols = [q.allocation[short] for q in chosen] + [p.shortfall]
    coef = [sigma[short]] * (t + 1) + [np.ones(len(short))]
    b.add_constraints(
        period_family("per_capita_floor", p.end),
        ids[short],
        np.concatenate(r),
        np.concatenate(cols),
        np.concatenate(coef),
        lb=p.params["floor_need"].to_numpy()[short],
    )


def projects_due(ds, end: int) -> np.ndarray:
    """Per county, Σ areas of the key projects with a period_end up to ``end`` (ha)."""
    c = ds.counties
    if ds.projects is None or ds.projects.empty:
        return np.zeros(len(c))
    pr = ds.projects
    year = pd.to_numeric(pr["period_end"].where(pr["period_end"] != ""), errors="coerce")
    due = pr[year <= end].groupby("county_id")["area"].sum()
    return c["county_id"].map(due).fillna(0.0).to_numpy(float)


def define_period_region_constraints(
    b: LPBuilder, ds, params: pd.DataFrame, phased: tuple[PeriodColumns, ...], periods
) -> None:
    """At every end before the last: farmland_region@Y, farmland_balance@Y[unit]
    (占补平衡 cumulative: supplement before occupation), intensity@Y (only at the ends
    [periods] intensity gives a τ_t for)."""
    from optimizer.formulation.build import _scope_units

    c, sc = ds.counties, ds.scenario
    n = len(params)
    alpha, kappa = params["alpha"].to_numpy(), params["kappa"].to_numpy()
    rho = params["rho"].to_numpy()
    pos = np.arange(n)
    for t, p in enumerate(phased[:-1]):
        chosen = phased[: t + 1]
        if sc.farmland.region_floor is not None:
            _cumulative_rows(
                b,
                period_family("farmland_region", p.end),
                ["region"],
                pos,
                np.zeros(n, dtype=np.int64),
                chosen,
                alpha=-alpha,
                kappa=kappa,
                supplement=1.0,
                lb=sc.farmland.region_floor - c["cultivated_2020"].sum(),
            )
        if sc.farmland.balance_scope != "none":
            units, unit_ids = _scope_units(ds, sc.farmland.balance_scope)
            _cumulative_rows(
                b,
                period_family("farmland_balance", p.end),
                unit_ids,
                pos,
                units,
                chosen,
                alpha=alpha,
                kappa=-kappa,
                supplement=-1.0,
                ub=0.0,
            )
        limit = period_intensity_limit(ds, periods, t, p.data)
        if limit is not None:
            rows = np.zeros(2 * n * (t + 1), dtype=np.int64)
            cols = np.concatenate([np.concatenate([q.allocation, q.reclaim]) for q in chosen])
            coef = np.tile(np.concatenate([np.ones(n), -(1.0 - rho)]), t + 1)
            b.add_constraints(
                period_family("intensity", p.end),
                ["region"],
                rows,
                cols,
                coef,
                ub=limit - c["construction_land_2020"].sum(),
            )


def period_intensity_limit(ds, periods: Periods, t: int, data: PeriodData) -> float | None:
    """Most construction land (ha) at end t: (1 − τ_t)·(Σ C0/Σ GDP20)·Σ GDP_t, or None
    when [periods] intensity gives no τ_t (then only the last end has the target)."""
    if periods.tau is None:
        return None
    c = ds.counties
    gdp_2020 = c["gdp_2020"].sum()
    if gdp_2020 <= 0:
        return None
    per_gdp = c["construction_land_2020"].sum() / gdp_2020
    return float((1.0 - periods.tau[t]) * per_gdp * data.gdp.sum())


def phased_plan(ds) -> Periods | None:
    """The scenario's periods, or None (a plan of one period, MODEL.md §3)."""
    return plan_periods(ds.scenario)


__all__ = [
    "PERIODS_SUM",
    "PeriodColumns",
    "Phased",
    "base_family",
    "family_end",
    "period_family",
    "replace",
]
