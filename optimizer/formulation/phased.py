"""The LP of a phased plan (MODEL.md §7): every §3 variable per period, stocks cumulative.

Layout. Each period t has its own copy of the county variables (families named
``<family>@<end year>``: ``allocation@2025``, ``tier@2025``, ``reclaim@2025`` …) and
of the linkage arcs. The horizon totals (A_i = Σ_t A_it, r_i, s_i, q_i, the arcs,
z_i) are columns of their own under the plain family names, tied to the periods by
``periods_sum`` rows, so that everything that reads a plan's horizon figures
(allocation.csv, groups, the checker) reads them where a one-period plan has them.
Measured at national scale (docs/performance.md), these columns make the LP cheaper for
interior point than horizon rows summing the period columns directly.

This module holds the periods' columns and data; the rows are build.py's, one builder
per family: a period's rows are the §3 builder applied to that period's columns, a
cumulative row the same builder summing the periods up to its end.

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


def projects_due(ds, end: int) -> np.ndarray:
    """Per county, Σ areas of the key projects with a period_end up to ``end`` (ha)."""
    c = ds.counties
    if ds.projects is None or ds.projects.empty:
        return np.zeros(len(c))
    pr = ds.projects
    year = pd.to_numeric(pr["period_end"].where(pr["period_end"] != ""), errors="coerce")
    due = pr[year <= end].groupby("county_id")["area"].sum()
    return c["county_id"].map(due).fillna(0.0).to_numpy(float)


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
