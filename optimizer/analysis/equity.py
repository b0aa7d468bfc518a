"""Equity indicators of an allocation: Gini coefficients and zone shares of the pool.

Both Gini coefficients are read off a Lorenz curve, the way the Chinese quota
literature does it (基尼系数法): counties sorted by the indicator, cumulative share
of the *base* on x, cumulative share of new land on y, G = 1 − 2·(area under
the curve). The base weights each county:

- allocation per resident: A_i / pop_2020_i, weighted by pop_2020 (the resident
  population of the base year, the only total population in the data), so G is
  the Gini of new land across the region's residents (residents vs. hectares);
- demand satisfaction: A_i / demand_i, weighted by demand_i (hectares asked vs.
  hectares granted).

With equal weights the formula is the plain Gini across counties. Counties with
zero weight (no residents, no demand) are left out. 0 = perfectly even, 1 = all
land to one unit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from models.inputs import ZONES


def gini(values: np.ndarray, weights: np.ndarray | None = None) -> float:
    """Weighted Gini coefficient of non-negative ``values``; NaN when nothing to compare."""
    v = np.asarray(values, dtype=float)
    w = np.ones_like(v) if weights is None else np.asarray(weights, dtype=float)
    keep = (w > 0) & np.isfinite(v) & np.isfinite(w)
    v, w = v[keep], w[keep]
    mass = w * v
    if len(v) == 0 or mass.sum() <= 0:
        return float("nan")
    order = np.argsort(v, kind="stable")
    w, mass = w[order], mass[order]
    dx = w / w.sum()
    y = np.cumsum(mass) / mass.sum()
    y_prev = np.concatenate([[0.0], y[:-1]])
    return float(max(0.0, 1.0 - np.sum(dx * (y + y_prev))))


def zone_shares(counties: pd.DataFrame) -> dict[str, dict[str, float]]:
    """Per zone: ha and share of the quota pool used (q) and of all new land (A)."""
    by_zone = (
        counties.groupby("zone")[["quota", "allocation"]].sum().reindex(list(ZONES)).fillna(0.0)
    )
    totals = by_zone.sum()
    out = {}
    for zone, row in by_zone.iterrows():
        out[str(zone)] = {
            "quota_ha": float(row["quota"]),
            "quota_share": _share(row["quota"], totals["quota"]),
            "allocation_ha": float(row["allocation"]),
            "allocation_share": _share(row["allocation"], totals["allocation"]),
        }
    return out


def equity_indicators(counties: pd.DataFrame, population: np.ndarray) -> dict:
    """summary.json ``equity``: the two Gini coefficients and the zone shares.

    ``counties`` is the allocation table; ``population`` is pop_2020 in its row order.
    """
    alloc = counties["allocation"].to_numpy(float)
    demand = counties["demand"].to_numpy(float)
    pop = np.asarray(population, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        per_resident = np.where(pop > 0, alloc / pop, np.nan)
        satisfaction = np.where(demand > 0, alloc / demand, np.nan)
    return {
        "gini_allocation_per_resident": gini(per_resident, pop),
        "gini_satisfaction": gini(satisfaction, demand),
        "allocation_per_resident_m2": float(alloc.sum() * 1e4 / pop.sum())
        if pop.sum()
        else float("nan"),
        "zones": zone_shares(counties),
        "method": "Lorenz-curve Gini: per resident weighted by pop_2020, "
        "satisfaction weighted by demand",
    }


def _share(part: float, whole: float) -> float:
    return float(part / whole) if whole > 0 else 0.0


def lorenz_curve(
    values: np.ndarray, weights: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """The Lorenz curve ``gini`` reads: cumulative share of the base (x) and of new land (y).

    Both start at 0 and end at 1; empty arrays when there is nothing to compare (as
    ``gini`` gives NaN). G = 1 − 2·(area under the curve, trapezoids).
    """
    v = np.asarray(values, dtype=float)
    w = np.ones_like(v) if weights is None else np.asarray(weights, dtype=float)
    keep = (w > 0) & np.isfinite(v) & np.isfinite(w)
    v, w = v[keep], w[keep]
    mass = w * v
    if len(v) == 0 or mass.sum() <= 0:
        return np.zeros(0), np.zeros(0)
    order = np.argsort(v, kind="stable")
    x = np.concatenate([[0.0], np.cumsum(w[order]) / w.sum()])
    y = np.concatenate([[0.0], np.cumsum(mass[order]) / mass.sum()])
    return x, y
