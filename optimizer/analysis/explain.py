"""Why each county got what it got, and what each constraint costs: data, never printing.

Three pieces, all computed from the Result tables (so a run folder read back
from disk explains the same way as a fresh solve):

- ``county_limits``: per county, what stops its allocation (demand reached, a cap,
  the pool running out, …), the tier its next hectare would fall in, what that
  hectare is worth, and whether the county sits in the *marginal tier* (a partly
  filled tier, held by nothing but the price of land: where one more hectare of
  pool would go);
- ``add_ranging`` (at solve time, needs the formulation): each price's
  constraint limit and the range of that limit over which the price holds, in
  the planner's own units (ha of pool, ha of construction land, ha of floor, …);
- ``explain``: the prices as sentences, the marginal tier and a count of limits.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pandas as pd

from models.results import PeriodExplain
from models.scenario import Scenario
from optimizer.analysis.periods import period_explain
from optimizer.analysis.prices import PRICE_COLUMNS, has_unique_prices
from optimizer.analysis.tables import BIND_TOL, Result, row_sides
from optimizer.data.names import county_labels
from optimizer.data.numbers import (
    WEIGHTED_HA,
    hectares,
    percent,
    price,
    price_per_ha,
    wan_mu,
)
from optimizer.formulation.build import Formulation, free_quota
from optimizer.formulation.families import (
    COUNTY_LIMITS,
    FAMILIES,
    PRICED_BOUNDS,
    REGION_TARGETS,
    UPPER_BOUNDS,
)
from optimizer.formulation.phased import base_family, family_end
from optimizer.solvers.base import Solution

#: County families whose binding flag says they stop the county (a soft floor's flag says
#: the county is short of it; stopping exactly at the floor is read from per_capita_2035).
HARD_LIMITS = tuple(f for f in COUNTY_LIMITS if FAMILIES[f].kind != "soft")
#: Region targets that stop counties not held by their own limit: (family, limited_by).
REGION_LIMITS = tuple((f, FAMILIES[f].limited_by) for f in REGION_TARGETS)
#: limited_by when a county asks for nothing, and when nothing but the price of land holds it.
NO_DEMAND, COST = "no_demand", "cost"
#: A tier counts as full / empty within this share of its size.
FILL_TOL = 1e-6
#: Targets read back from a run folder carry 6 decimals: compare them this loosely.
READ_TOL = 10 * BIND_TOL


# --------------------------------------------------------------------------- counties


def county_limits(
    counties: pd.DataFrame, binding: pd.DataFrame, scenario: Scenario, targets: pd.DataFrame
) -> pd.DataFrame:
    """Per county: limited_by, next_tier (0: all full), next_tier_fill, next_value, marginal.

    ``binding`` holds the binding flags per county (``Result.binding``, index of ``counties``).
    """
    n = len(counties)
    shares = np.asarray(scenario.tiers.shares, dtype=float)
    values = np.asarray(scenario.tiers.values, dtype=float)
    k = len(shares)
    demand = counties["demand"].to_numpy(float)
    tiers = counties[[f"tier_{j + 1}" for j in range(k)]].to_numpy(float) if n else np.zeros((0, k))
    size = np.outer(demand, shares)
    with np.errstate(divide="ignore", invalid="ignore"):
        fill = np.where(size > 0, tiers / np.where(size > 0, size, 1.0), 1.0)
    full = fill >= 1.0 - FILL_TOL
    open_tier = np.where(full.all(axis=1), k, np.argmax(~full, axis=1))
    has_next = open_tier < k
    col = np.minimum(open_tier, k - 1)
    rows = np.arange(n)
    tier_fill = np.where(has_next, fill[rows, col], 1.0)
    next_value = np.where(has_next, counties["weight"].to_numpy(float) * values[col], np.nan)
    flags = binding.reindex(index=counties.index, columns=list(HARD_LIMITS), fill_value=False)
    # Land up to the per-capita floor is worth the shortfall penalty, land beyond it only
    # w·φ: a county can stop exactly at the floor, in the middle of a tier.
    floor = scenario.per_capita.floor_m2
    at_floor = (
        (np.abs(counties["per_capita_2035"].to_numpy(float) - floor) <= READ_TOL * max(1.0, floor))
        & (counties["shortfall"].to_numpy(float) <= READ_TOL)
        & (counties["allocation"].to_numpy(float) > 0)
    )
    region = binding_region_targets(targets)
    fallback = next((label for family, label in REGION_LIMITS if family in region), COST)
    conditions = [demand <= 0, *(flags[f].to_numpy(bool) for f in HARD_LIMITS), at_floor]
    choices = [NO_DEMAND, *(FAMILIES[f].limited_by for f in COUNTY_LIMITS)]
    limited_by = np.select(conditions, choices, default=fallback)
    free = (limited_by == fallback) & has_next
    partial = free & (tier_fill > FILL_TOL) & (tier_fill < 1.0 - FILL_TOL)
    # Counties whose next tier is worth what a partly filled one is worth share the margin.
    margin_values = next_value[partial]
    tied = free & np.isin(np.round(next_value, 9), np.round(margin_values, 9))
    marginal = partial | tied
    return pd.DataFrame(
        {
            "limited_by": limited_by,
            "next_tier": np.where(has_next, open_tier + 1, 0),
            "next_tier_fill": tier_fill,
            "next_value": next_value,
            "marginal": marginal,
        },
        index=counties.index,
    )


def binding_region_targets(targets: pd.DataFrame) -> set[str]:
    """Region targets met with equality, read from the targets table (no prices needed)."""
    if targets.empty:
        return set()
    t = targets.set_index("target")
    out = set()
    for family in REGION_TARGETS:
        name = FAMILIES[family].target
        if name not in t.index:
            continue
        value, limit = float(t.loc[name, "value"]), float(t.loc[name, "limit"])
        if np.isfinite(limit) and abs(value - limit) <= READ_TOL * max(1.0, abs(limit)):
            out.add(family)
    return out


# --------------------------------------------------------------------------- ranging


def add_ranging(marginals: pd.DataFrame, f: Formulation, solution: Solution) -> pd.DataFrame:
    """``marginals`` with limit, range_lo, range_hi: the price holds for limits in the range.

    Units are each family's ``unit`` (families.py). Rows not at their bound hold their price
    (0) from their activity onwards; rows and bounds at their limit take HiGHS's
    right-hand-side ranging when the solver gives it (NaN otherwise).
    """
    out = marginals.copy()
    for column in ("limit", "range_lo", "range_hi"):
        out[column] = np.nan
    if out.empty or solution.x is None:
        return out
    lp, x = f.lp, solution.x
    ranging = solution.ranging or {}
    row_pos = pd.Series(
        np.arange(lp.shape[0]),
        index=pd.MultiIndex.from_arrays(
            [lp.constraints["family"].astype(str).to_numpy(), lp.constraints["id"].to_numpy()]
        ),
    )
    is_row = out["family"].isin(lp.rows.keys()).to_numpy()
    if is_row.any():
        keys = pd.MultiIndex.from_arrays(
            [out.loc[is_row, "family"].to_numpy(), out.loc[is_row, "id"].to_numpy()]
        )
        pos = row_pos.reindex(keys).to_numpy()
        limit, lo, hi = _row_ranges(f, x, pos.astype(np.int64), ranging)
        offset = _row_offsets(
            f, out.loc[is_row, "family"].to_numpy(), out.loc[is_row, "id"].to_numpy()
        )
        out.loc[is_row, "limit"] = limit + offset
        out.loc[is_row, "range_lo"] = lo + offset
        out.loc[is_row, "range_hi"] = hi + offset
    # a basis's range is the solver's; the unique rows have gain/loss_holds_to instead
    # (stock_link[i] is written q^link − μz ≤ 0: its right-hand side is no planner's limit)
    unique = (out["family"].map(has_unique_prices) | (out["family"] == "stock_link")).to_numpy()
    out.loc[unique, ["range_lo", "range_hi"]] = np.nan
    is_bound = out["family"].isin(PRICED_BOUNDS).to_numpy()
    if is_bound.any():
        limit, lo, hi = _bound_ranges(f, out.loc[is_bound], ranging)
        out.loc[is_bound, "limit"] = limit
        out.loc[is_bound, "range_lo"] = lo
        out.loc[is_bound, "range_hi"] = hi
    return out


def _row_ranges(
    f: Formulation, x: np.ndarray, pos: np.ndarray, ranging: dict
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Active limit of each row (row units) and its range."""
    lp = f.lp
    at_ub, at_lb = row_sides(f, x)
    activity = (lp.matrix @ x)[pos]
    lb, ub = lp.row_lb[pos], lp.row_ub[pos]
    # a row with both sides (a lock's min and max) is read at the side that holds
    upper_row = np.isfinite(ub[:]) & ~(at_lb[pos] & ~at_ub[pos])
    limit = np.where(upper_row, ub, lb)
    tight = at_ub[pos] | at_lb[pos] | (lb == ub)
    # slack rows: the price 0 holds until the limit reaches the activity
    lo = np.where(upper_row, activity, -np.inf)
    hi = np.where(upper_row, np.inf, activity)
    if "row_lo" in ranging:
        r_lo, r_hi = ranging["row_lo"][pos], ranging["row_hi"][pos]
        sane = tight & (r_lo <= limit + _tol(limit)) & (r_hi >= limit - _tol(limit))
        lo = np.where(tight, np.where(sane, r_lo, np.nan), lo)
        hi = np.where(tight, np.where(sane, r_hi, np.nan), hi)
    else:
        lo, hi = np.where(tight, np.nan, lo), np.where(tight, np.nan, hi)
    return limit, lo, hi


def _row_offsets(f: Formulation, families: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Planner limit − row limit: some rows are written net of a 2020 stock (``net_of``)."""
    c = f.dataset.counties
    offset = np.zeros(len(families))
    for family in pd.unique(families):
        fam = FAMILIES.get(base_family(family))  # intensity@2025 is net of the same stock
        if fam is None or fam.net_of is None:
            continue
        stock = pd.Series(c[fam.net_of].to_numpy(float), index=c["county_id"].to_numpy())
        sel = families == family
        if fam.applies_to == "region":
            offset[sel] = float(stock.sum())
        else:
            offset[sel] = stock.reindex(ids[sel]).to_numpy(float)
    return offset


def _bound_ranges(
    f: Formulation, rows: pd.DataFrame, ranging: dict
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Limits of the bound families (family units) and their ranges from column ranging."""
    p = f.params.set_index("county_id")
    ids = rows["id"].to_numpy()
    fam = rows["family"].to_numpy()
    pos = pd.Index(f.params["county_id"]).get_indexer(ids)
    cols = f.columns.allocation[pos]
    rate = np.ones(len(rows))
    for family in PRICED_BOUNDS:
        column = FAMILIES[family].rate
        if column is not None:
            sel = fam == family
            rate[sel] = p[column].reindex(ids[sel]).to_numpy(float)
    upper_limits = p[[f"limit_{g}" for g in UPPER_BOUNDS]].reindex(ids)
    is_min = np.isin(fam, [g for g in PRICED_BOUNDS if FAMILIES[g].side == "lower"])
    own = np.where(is_min, p["lower"].reindex(ids).to_numpy(float), np.nan)
    for family in PRICED_BOUNDS:
        if FAMILIES[family].side == "upper":
            sel = fam == family
            own[sel] = upper_limits[f"limit_{family}"].to_numpy(float)[sel]
    limit = rate * own
    if "col_lo" not in ranging:
        return limit, np.full(len(rows), np.nan), np.full(len(rows), np.nan)
    lo, hi = ranging["col_lo"][cols].copy(), ranging["col_hi"][cols].copy()
    fixed = f.lp.col_lb[cols] >= f.lp.col_ub[cols]  # HiGHS ranges a fixed column at a point
    lo[fixed], hi[fixed] = np.nan, np.nan
    # Past the next family's limit (or below the floor), another family takes over.
    others = upper_limits.to_numpy(float)
    with np.errstate(invalid="ignore"):
        next_upper = np.where(others > own[:, None] + _tol(own)[:, None], others, np.inf).min(
            axis=1
        )
    hi = np.where(is_min, np.minimum(hi, np.nanmin(others, axis=1)), np.minimum(hi, next_upper))
    lo = np.where(is_min, lo, np.maximum(lo, p["lower"].reindex(ids).to_numpy(float)))
    return limit, rate * lo, rate * hi


def _tol(value: np.ndarray) -> np.ndarray:
    return BIND_TOL * np.maximum(1.0, np.abs(value))


# --------------------------------------------------------------------------- sentences


def explain(result: Result, with_counties: bool = True) -> dict:
    """Prices in words (with ranges), the marginal tier, and what limits the counties.

    ``with_counties=False`` leaves out the per-county lines (summary.json keeps them in
    allocation.csv instead), which is most of the work at national scale.
    """
    counties = with_limits(result)
    sc = result.summary.scenario
    marginal = counties[counties["marginal"]].assign(
        partial=lambda t: (t["next_tier_fill"] > FILL_TOL) & (t["next_tier_fill"] < 1 - FILL_TOL)
    )
    marginal = marginal.sort_values(
        ["partial", "quota", "county_id"], ascending=[False, False, True], kind="stable"
    )
    tier_rows = [
        {
            "county_id": r.county_id,
            "name": r.label,
            "tier": int(r.next_tier),
            "value": float(r.next_value),
            "fill": float(r.next_tier_fill),
            "quota": float(r.quota),
        }
        for r in marginal.itertuples(index=False)
    ]
    context = _Context(result, counties, tier_rows)
    prices = [context.price(row) for row in _price_rows(result.marginals)]
    limits = counties["limited_by"].value_counts()
    data = {
        "prices_available": not result.marginals.empty,
        "ranging_available": bool(_has_ranges(result.marginals)),
        "prices": prices,
        "marginal_tier": tier_rows,
        "limits": {str(k): int(v) for k, v in limits.items()},
        "limit_meaning": {k: LIMIT_TEXT[k] for k in limits.index if k in LIMIT_TEXT},
        "tiers": {"shares": list(sc.tiers.shares), "values": list(sc.tiers.values)},
    }
    kept = result.summary.explain
    if kept is not None and kept.periods is not None:  # a phased plan's pools (§7)
        data["periods"] = kept.periods.model_dump(mode="json")
    if with_counties:
        data["counties"] = [
            {
                "county_id": r.county_id,
                "name": r.label,
                "allocation": float(r.allocation),
                "demand": float(r.demand),
                "limited_by": r.limited_by,
                "tier": int(r.next_tier),
                "text": context.county_text(r),
            }
            for r in counties.itertuples(index=False)
        ]
    return data


def summary_explain(result: Result) -> dict:
    """The explain content kept in summary.json (per-county lines live in allocation.csv)."""
    return explain(result, with_counties=False)


def with_limits(result: Result) -> pd.DataFrame:
    """The county table with the county_limits columns (computed if missing) and ``label``,
    the name reports give the county (with its city when the name repeats)."""
    counties = result.counties
    if "limited_by" in counties.columns:
        out = counties.copy()
        out["marginal"] = out["marginal"].astype(str).str.lower().isin(["true", "1"])
    else:
        limits = county_limits(counties, result.binding, result.summary.scenario, result.targets)
        out = pd.concat([counties, limits], axis=1)
    return out.assign(label=county_labels(out))


#: What each ``limited_by`` value means, in the order the explain report lists counties.
LIMIT_TEXT = {
    NO_DEMAND: "asks for no new land",
    **{FAMILIES[f].limited_by: FAMILIES[f].stops for f in (*COUNTY_LIMITS, *REGION_TARGETS)},
    COST: "its next hectare costs more (linkage, reclamation) than it is worth",
}
#: limited_by values where the county would take more land at a better price: its text
#: says what its next hectare is worth.
PRICE_HELD = {
    *(label for _, label in REGION_LIMITS),
    COST,
    *(FAMILIES[f].limited_by for f in HARD_LIMITS if FAMILIES[f].side == "lower"),
}
#: limited_by values whose text names a per-capita setting → its key in ``[per_capita]``.
PER_CAPITA = {
    FAMILIES[f].limited_by: FAMILIES[f].setting.removeprefix("per_capita.")
    for f in COUNTY_LIMITS
    if FAMILIES[f].setting_unit == "m²/person"
}
#: County families whose limit text says so when the limit costs nothing (price 0).
PRICED_LIMITS = {FAMILIES[f].limited_by: f for f in HARD_LIMITS if FAMILIES[f].priced}


def _price_rows(marginals: pd.DataFrame) -> list[dict]:
    if marginals.empty:
        return []
    m = marginals.copy()
    m["region"] = m["family"].map(base_family).isin(REGION_TARGETS)
    m = m.sort_values(["region", "value"], ascending=[False, False], kind="stable")
    # to_dict("records") as column lists zipped: the same Python values, 10x faster at the
    # national scale's 2,000 prices
    columns = list(m.columns)
    values = zip(*(m[c].tolist() for c in columns), strict=True)
    return [dict(zip(columns, row, strict=True)) for row in values]


def _has_ranges(marginals: pd.DataFrame) -> bool:
    if marginals.empty or "range_lo" not in marginals.columns:
        return False
    tight = marginals["value"].abs() > 0
    return bool(marginals.loc[tight, ["range_lo", "range_hi"]].notna().all(axis=1).any())


class _Context:
    """What the sentences need: scenario, targets, marginal tier, county names."""

    def __init__(self, result: Result, counties: pd.DataFrame, tier_rows: list[dict]):
        self.result = result
        self.sc = result.summary.scenario
        self.money = self.sc.tiers.money
        self.counties = counties.set_index("county_id")
        #: county_id → label, shortfall, next tier value: a dict look-up per price sentence
        #: (.loc per row took 0.13 s for the 2,000 prices of the national scale)
        self.labels = self._by_county("label")
        self.shortfall = self._by_county("shortfall")
        self.next_value = self._by_county("next_value")
        self.tier_rows = tier_rows
        t = result.targets
        self.targets = t.set_index("target") if not t.empty else pd.DataFrame()
        m = result.marginals
        pool = m[m["family"] == "quota_pool"]["value"] if not m.empty else pd.Series([])
        self.pool_price = float(pool.iloc[0]) if len(pool) else math.nan
        #: (family, county_id) → price, for the limit text of a county at a free limit
        self.prices = (
            {}
            if m.empty
            else dict(zip(zip(m["family"], m["id"], strict=True), m["value"], strict=True))
        )

    def _by_county(self, column: str) -> dict:
        values = self.counties.get(column)
        return {} if values is None else dict(zip(self.counties.index, values, strict=True))

    def p(self, value: float) -> str:
        """A price per ha and per 亩, in the scenario's money when it has one."""
        return price_per_ha(value, self.money)

    def z(self, value: float) -> str:
        """An amount of Z with its unit: '57.3 weighted ha', '57.3 万元'."""
        return f"{price(value)} {self.money or WEIGHTED_HA}"

    def rate(self, value: float) -> str:
        """A rate per ha of a limit, per ha and per 亩 (in the scenario's money if any)."""
        return self.p(value)

    def price(self, row: dict) -> dict:
        family, value = row["family"], float(row["value"])
        fam = FAMILIES.get(family)
        if fam is not None and fam.applies_to == "county":  # a county named as reports name it
            row = {**row, "name": self.labels.get(row["id"], row["name"])}
        rates = _rates(row)
        if rates is not None and family_end(family):  # a period row (MODEL.md §7)
            text = period_rates_text(family, row, rates, self.sc)
            range_text = ""
        elif rates is not None:
            text = getattr(self, f"_{family}_rates")(row, rates)
            range_text = ""
        else:
            text = getattr(self, f"_{family}", self._generic)(row, value)
            lo, hi = row.get("range_lo", np.nan), row.get("range_hi", np.nan)
            range_text = self._range(family, row, lo, hi)
        lo, hi = row.get("range_lo", np.nan), row.get("range_hi", np.nan)
        return {
            "family": family,
            "id": row["id"],
            "name": row["name"],
            "value": value,
            "unit": row.get("unit", "per ha"),
            "limit": _float(row.get("limit")),
            "range_lo": _float(lo),
            "range_hi": _float(hi),
            "range_of": _limit_meaning(family),
            "rates": rates,
            "text": text + (f" {range_text}" if range_text else ""),
        }

    # unique rates (MODEL.md §6) ----------------------------------------------------------
    def _quota_pool_rates(self, row: dict, r: dict) -> str:
        lead = ""
        if r["gain_per_unit"] <= 0 and r["loss_per_unit"] <= 0:
            used, q = self._target("quota_pool", "value"), free_quota(self.sc)
            lead = f"The quota pool is not used up ({hectares(used)} of {hectares(q)} ha). "
        where = self.receivers() if r["gain_per_unit"] > 0 else ""
        sentence = _rate_sentence(
            r,
            "One more ha of pool",
            "one ha less",
            _end(r["gain_holds_to"], "up to a pool of {} ha"),
            _end(r["loss_holds_to"], "down to {} ha"),
            self.rate,
        )
        tail = f" The next hectares would go to {where}." if where else ""
        return lead + sentence + tail + self._reserve_text(r["gain_per_unit"], r["gain_holds_to"])

    def _reserve_text(self, gain: float, holds_to: float) -> str:
        """What releasing the provincial reserve would be worth (MODEL.md §8), at the pool's
        rate: exact while the rate holds for the whole reserve, at most that beyond."""
        quota = self.sc.quota
        if quota.reserve_share <= 0:
            return ""
        reserve = quota.reserve
        lam = self.sc.stock.linked_share
        free = (1 - lam) * reserve  # a released reserve splits as the pool does
        text = (
            f" The province holds back {hectares(reserve)} ha ({percent(quota.reserve_share, 1)}"
            " of the pool, 预留指标)"
        )
        if not np.isfinite(gain):
            return text + "."
        worth = gain * free
        share = f" ({hectares(free)} ha of it as free quota)" if lam > 0 else ""
        partly = np.isfinite(holds_to) and holds_to + 1e-9 < free_quota(self.sc) + free
        how = "at most" if partly else ""
        return (
            text + f": releasing it to the counties{share} would raise Z by "
            f"{(how + ' ') if how else ''}{self.z(worth)} (the pool's rate "
            f"{self.p(gain)} × {hectares(free)} ha)."
        )

    def _quota_linked_rates(self, row: dict, r: dict) -> str:
        used = self._target("quota_linked", "value")
        limit = self._target("quota_linked", "limit")
        sentence = _rate_sentence(
            r,
            "One more ha of linked quota (增存挂钩)",
            "one ha less",
            _end(r["gain_holds_to"], "up to {} ha"),
            _end(r["loss_holds_to"], "down to {} ha"),
            self.rate,
        )
        return (
            f"Linked quota (增存挂钩): {hectares(used)} of {hectares(limit)} ha earned by "
            f"reusing stock. {sentence}"
        )

    def _quota_linked(self, row: dict, value: float) -> str:
        return f"One more ha of linked quota (增存挂钩) raises Z by {self.p(value)}."

    def _stock_potential(self, row: dict, value: float) -> str:
        """What one more ha of stock reuse is worth to the county, and where it comes from."""
        cost = self.sc.stock.cost
        mu = self.sc.stock.quota_per_ha
        link = self.prices.get(("stock_link", row["id"]), 0.0)
        link = 0.0 if pd.isna(link) else float(link)
        if value <= 0:
            used = self.counties["stock_used"].get(row["id"], math.nan)
            left = "" if pd.isna(used) else f" (it reuses {hectares(float(used))} ha)"
            return (
                f"One more ha of stock land in {row['name']} would not raise Z (price 0){left}: "
                "its stock is not all used, or its next hectare of demand is not worth the "
                "stock cost."
            )
        demand = value + cost - mu * link
        parts = f"{self.p(demand)} for a ha of demand met without new land, − {self.p(cost)} cost"
        if link > 0:
            parts += f", + {mu:g} × {self.p(link)} for the linked quota it earns"
        return (
            f"{row['name']} reuses all its stock land: one more ha of it raises Z by "
            f"{self.p(value)} ({parts})."
        )

    def _intensity_rates(self, row: dict, r: dict) -> str:
        tau = self.sc.intensity.reduction
        base = self._intensity_base()
        loss = r["loss_per_unit"]
        if loss > 0 and np.isfinite(loss) and np.isfinite(base):
            lead = (
                f"The {percent(tau, 1)} intensity target binds: each point of reduction costs "
                f"{self.z(loss * base / 100)} of Z; each ha of construction land it allows is "
                f"worth {self.p(loss)}."
            )
        else:
            achieved = self._target("intensity_reduction", "value")
            lead = (
                f"The {percent(tau, 1)} intensity target does not bind "
                f"({percent(achieved, 1)} achieved)."
            )
        sentence = _rate_sentence(
            r,
            "One more ha of construction land allowed in 2035",
            "one ha less",
            _end(r["gain_holds_to"], "up to {} ha allowed"),
            _end(r["loss_holds_to"], "down to {} ha"),
            self.rate,
        )
        targets = ""
        if np.isfinite(base) and base > 0:
            low = 1 - r["gain_holds_to"] / base if np.isfinite(r["gain_holds_to"]) else -math.inf
            high = 1 - r["loss_holds_to"] / base if np.isfinite(r["loss_holds_to"]) else math.inf
            targets = (
                f" In reduction targets: the gain holds down to {percent(max(low, 0.0), 1)}, "
                f"the loss up to {percent(min(high, 1.0), 1)}."
            )
        return f"{lead} {sentence}{targets}"

    def _farmland_region_rates(self, row: dict, r: dict) -> str:
        floor = self.sc.farmland.region_floor
        sentence = _rate_sentence(
            r,
            "One ha less in the floor",
            "one ha more",
            _end(r["gain_holds_to"], "down to a floor of {} ha"),
            _end(r["loss_holds_to"], "up to {} ha"),
            self.rate,
        )
        kept = self._target("farmland_region", "value")
        return (
            f"The region's farmland floor is {hectares(floor)} ha ({wan_mu(floor)}); "
            f"{hectares(kept)} ha stay cultivated in 2035. {sentence}"
        )

    def _farmland_balance_rates(self, row: dict, r: dict) -> str:
        return balance_rates_text(row, r, "", self.rate)

    def _group_min_rates(self, row: dict, r: dict) -> str:
        sentence = _rate_sentence(
            r,
            "each ha it may fall short of it",
            "each ha it must stay above it",
            _end(-r["gain_holds_to"], "up to {} ha short"),
            _end(r["loss_holds_to"], "up to {} ha above"),
            self.rate,
        )
        return f"Group {row['name']}, minimum share: {sentence}"

    def _group_max_rates(self, row: dict, r: dict) -> str:
        sentence = _rate_sentence(
            r,
            "each ha more it may take",
            "each ha it must stay below it",
            _end(r["gain_holds_to"], "up to {} ha beyond"),
            _end(-r["loss_holds_to"], "up to {} ha below"),
            self.rate,
        )
        return f"Group {row['name']}, maximum share: {sentence}"

    # region targets -------------------------------------------------------------------
    def _quota_pool(self, row: dict, value: float) -> str:
        q = free_quota(self.sc)
        if value <= 0:
            used = self._target("quota_pool", "value")
            return (
                f"The quota pool is not used up ({hectares(used)} of {hectares(q)} ha): "
                "one more hectare in it adds nothing."
            )
        where = self.receivers()
        return (
            f"One more hectare in the quota pool raises Z by {self.p(value)}"
            + (f": it would go to {where}." if where else ".")
            + self._reserve_text(value, math.nan)
        )

    def receivers(self, limit: int = 4) -> str:
        """'小店区 (tier 2), …': the partly filled tiers of the margin, pool-funded first."""
        partial = [r for r in self.tier_rows if FILL_TOL < r["fill"] < 1 - FILL_TOL]
        rows = (partial or self.tier_rows)[:limit]
        text = ", ".join(f"{r['name']} (tier {r['tier']})" for r in rows)
        more = len(partial or self.tier_rows) - len(rows)
        return text + (f" and {more} more" if more > 0 else "")

    def _intensity(self, row: dict, value: float) -> str:
        tau = self.sc.intensity.reduction
        achieved = self._target("intensity_reduction", "value")
        if value <= 0:
            return (
                f"The {percent(tau, 1)} intensity target does not bind ({percent(achieved, 1)} "
                f"achieved): it could be tightened to {percent(achieved, 1)} at no cost."
            )
        per_point = value * self._intensity_base() / 100
        return (
            f"The {percent(tau, 1)} intensity target binds: each point of reduction costs "
            f"{self.z(per_point)} of Z; each ha of construction land it allows is worth "
            f"{self.p(value)}."
        )

    def _intensity_base(self) -> float:
        """L0: construction land (ha) that 2035 GDP would use at the 2020 intensity."""
        m = self.result.marginals
        limit = m.loc[m["family"] == "intensity", "limit"] if "limit" in m.columns else []
        tau = self.sc.intensity.reduction
        if len(limit) and pd.notna(limit.iloc[0]) and tau < 1:
            return float(limit.iloc[0]) / (1 - tau)
        return math.nan

    def _farmland_region(self, row: dict, value: float) -> str:
        floor = self.sc.farmland.region_floor
        kept = self._target("farmland_region", "value")
        if value <= 0:
            return (
                f"The region's farmland floor ({hectares(floor)} ha) does not bind: "
                f"{hectares(kept)} ha stay cultivated in 2035."
            )
        return (
            f"The region's farmland floor ({hectares(floor)} ha, {wan_mu(floor)}) "
            f"binds: each ha less of it raises Z by {self.p(value)}; each 1,000 ha more costs "
            f"{self.z(1000 * value)}."
        )

    def _farmland_balance(self, row: dict, value: float) -> str:
        where = "" if row["id"] == "region" else f" in {row['name']}"
        if value <= 0:
            return f"占补平衡{where} does not bind: more cultivated land is made up than occupied."
        return (
            f"占补平衡{where} binds: every ha of cultivated land taken by new construction "
            f"must be made up (reclamation or reserve land), which costs Z {self.p(value)}."
        )

    # county and group constraints ------------------------------------------------------
    def _per_capita_floor(self, row: dict, value: float) -> str:
        floor = self.sc.per_capita.floor_m2
        short = float(self.shortfall.get(row["id"], 0.0)) > READ_TOL
        where = (
            f"stays below {floor:g} m²/person" if short else f"stops exactly at {floor:g} m²/person"
        )
        return (
            f"{row['name']} {where}: each ha of urban land less needed raises Z by "
            f"{self.p(value)}" + (" (the shortfall penalty)." if short else ".")
        )

    def _min_allocation(self, row: dict, value: float) -> str:
        next_value = self.next_value.get(row["id"])
        worth = (
            ""
            if next_value is None or pd.isna(next_value)
            else (f": its next hectare is worth {self.p(float(next_value))}")
        )
        pool = (
            ""
            if math.isnan(self.pool_price) or self.pool_price <= 0
            else (f" against a pool price of {self.p(self.pool_price)}")
        )
        return (
            f"{row['name']} gets only its guaranteed minimum{worth}{pool}; each ha less "
            f"of the minimum raises Z by {self.p(value)}."
        )

    def _farmland_floor(self, row: dict, value: float) -> str:
        if value <= 0:
            return (
                f"{row['name']} keeps exactly its farmland floor, but the floor does not bind: "
                "one ha less in it would not raise Z (price 0)."
            )
        return self._generic(row, value)

    def _generic(self, row: dict, value: float) -> str:
        fam = FAMILIES.get(row["family"])
        template = (fam and fam.price_sentence) or "{relaxation} raises Z by {value}."
        return template.format(
            name=row["name"],
            value=self.p(value),
            cap=f"{self.sc.per_capita.cap_m2:g}",
            relaxation=row.get("relaxation", row["family"]),
        )

    # ranges ----------------------------------------------------------------------------
    def _range(self, family: str, row: dict, lo: float, hi: float) -> str:
        if lo is None or hi is None or pd.isna(lo) or pd.isna(hi):
            return ""
        if family == "intensity":
            base = self._intensity_base()
            if not np.isfinite(base):
                return ""
            tau_hi = 1 - lo / base if np.isfinite(lo) else math.inf
            tau_lo = 1 - hi / base if np.isfinite(hi) else -math.inf
            return (
                f"The price holds for a reduction target between "
                f"{percent(max(tau_lo, 0.0), 1)} and {percent(min(tau_hi, 1.0), 1)}."
            )
        fam = FAMILIES.get(family)
        noun, unit = (fam.limit_noun, fam.unit) if fam and fam.limit_noun else ("limit", "")
        if np.isinf(lo) and np.isinf(hi):
            return ""
        if np.isinf(hi):
            return f"The price holds while the {noun} stays at or above {hectares(lo)} {unit}."
        if np.isinf(lo):
            return f"The price holds while the {noun} stays at or below {hectares(hi)} {unit}."
        return (
            f"The price holds while the {noun} stays between {hectares(lo)} and "
            f"{hectares(hi)} {unit}."
        )

    def _target(self, name: str, column: str) -> float:
        if self.targets.empty or name not in self.targets.index:
            return math.nan
        return float(self.targets.loc[name, column])

    # counties --------------------------------------------------------------------------
    def county_text(self, r) -> str:
        base = LIMIT_TEXT.get(r.limited_by, r.limited_by)
        if r.limited_by in PER_CAPITA:
            base += self._per_capita_setting(r, PER_CAPITA[r.limited_by])
        family = PRICED_LIMITS.get(r.limited_by)
        if family is not None and self.prices.get((family, r.county_id), math.nan) == 0:
            base = (
                f"reaches {FAMILIES[family].words}, which does not bind: relaxing it would "
                "not raise Z (price 0)"
            )
        if r.limited_by in PRICE_HELD and pd.notna(r.next_value):
            base += f"; next hectare: tier {int(r.next_tier)}, worth {self.p(float(r.next_value))}"
            if r.limited_by == "pool" and not math.isnan(self.pool_price):
                base += f"; pool price {self.p(self.pool_price)}"
        if r.marginal:
            base += (
                f"; in the marginal tier ({r.next_tier_fill:.0%} of tier {int(r.next_tier)} filled)"
            )
        return base

    def _per_capita_setting(self, r, which: str) -> str:
        """' (150 m²/person)': the cap or floor itself; a county already past the cap says so."""
        setting = float(getattr(self.sc.per_capita, which))
        text = f" of {setting:g} m²/person"
        now = getattr(r, "per_capita_2035", np.nan)
        if which == "cap_m2" and pd.notna(now) and float(now) > setting * (1 + READ_TOL):
            text += f" (already above it: {float(now):.0f} m²/person in 2035)"
        return text


def _rates(row: dict) -> dict | None:
    """The unique rates of a marginals row (``PRICE_COLUMNS``), None where not computed."""
    values = {c: row.get(c) for c in PRICE_COLUMNS}
    if any(v is None or (isinstance(v, float) and math.isnan(v)) for v in values.values()):
        return None
    return {c: float(v) for c, v in values.items()}


def _end(value: float, template: str) -> str:
    """Where a rate stops holding, in words ('' when it holds however far the limit moves)."""
    return "" if math.isinf(value) else template.format(hectares(value))


def _rate_sentence(
    r: dict, more: str, less: str, gain_end: str, loss_end: str, amount: Callable[[float], str]
) -> str:
    """'One more ha of pool adds X to Z, up to a pool of Y ha; one ha less costs W, down to V ha.'

    ``amount`` writes a rate per ha as an amount of Z (with its per-亩 form). A rate with
    no end says "however far it goes"; a limit that cannot be tightened at all without
    making the plan infeasible says that.
    """
    first = f"{more} raises Z by {amount(r['gain_per_unit'])}"
    first += f", {gain_end}" if gain_end else ", however far it goes"
    loss = r["loss_per_unit"]
    if math.isinf(loss):
        return f"{first}; the limit cannot be tightened at all: the plan would be infeasible."
    second = f"{less} lowers it by {amount(loss)}" + (
        f", {loss_end}" if loss_end else ", however far"
    )
    return f"{first}; {second}."


def _limit_meaning(family: str) -> str:
    """'quota pool ha': what a price's limit and range are, in which unit ('' if unknown)."""
    fam = FAMILIES.get(family)
    return f"{fam.limit_noun} {fam.unit}" if fam and fam.limit_noun else ""


def _float(value) -> float | None:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else (None if math.isnan(v) else v)


def annotate(result: Result) -> None:
    """Add what explain, compare and the equity report need to an optimal Result, in place.

    The price table gains its limits and ranges, the county table the county_limits
    columns, and the summary its ``equity`` and ``explain`` keys.
    """
    from optimizer.analysis.equity import equity_indicators

    f, solution = result.formulation, result.solution
    if f is not None and solution is not None:
        result.marginals = add_ranging(result.marginals, f, solution)
    if "limited_by" not in result.counties.columns:
        limits = county_limits(
            result.counties, result.binding, result.summary.scenario, result.targets
        )
        result.counties = pd.concat([result.counties, limits], axis=1)
    if f is not None:
        population = f.dataset.counties["pop_2020"].to_numpy(float)
        result.summary.equity = equity_indicators(result.counties, population)
    result.summary.explain = summary_explain(result)
    if f is not None and solution is not None and f.phased is not None:
        periods = with_period_texts(period_explain(f, solution, result.marginals), result)
        periods = PeriodExplain.model_validate(periods)
        result.summary.explain = result.summary.explain.model_copy(update={"periods": periods})


# --------------------------------------------------------------------------- periods

#: Per family of a period row: (what relaxing one unit is, what tightening one is, where
#: the gain stops, where the loss stops), ``{end}`` the period's end year. The limits
#: are those of marginals.csv (planner units: construction land allowed, the floor).
PERIOD_RATE_WORDS = {
    "quota_linked": (
        "One more ha of linked quota (增存挂钩) by {end}",
        "one ha less",
        "up to {} ha",
        "down to {} ha",
    ),
    "intensity": (
        "One more ha of construction land allowed in {end}",
        "one ha less",
        "up to {} ha allowed",
        "down to {} ha",
    ),
    "farmland_region": (
        "One ha less in the region's farmland floor in {end}",
        "one ha more",
        "down to a floor of {} ha",
        "up to {} ha",
    ),
}


def period_rates_text(family: str, row: dict, r: dict, sc: Scenario) -> str:
    """The sentence of a period row's unique rates (``quota_pool@2025``, ``intensity@2025``,
    …): what one unit more or less of that period end's limit does to Z, per ha and 亩."""
    base, end = base_family(family), family_end(family)
    amount = lambda v: price_per_ha(v, sc.tiers.money)  # noqa: E731
    if base == "quota_pool":
        return pool_rates_text(end, r, sc, amount)
    if base == "farmland_balance":
        return balance_rates_text(row, r, f" by {end}", amount)
    more, less, gain_end, loss_end = PERIOD_RATE_WORDS[base]
    sentence = _rate_sentence(
        r,
        more.format(end=end),
        less,
        _end(r["gain_holds_to"], gain_end),
        _end(r["loss_holds_to"], loss_end),
        amount,
    )
    if base == "intensity":
        limit = _float(row.get("limit"))
        allowed = "" if limit is None else f" ({hectares(limit)} ha of construction land)"
        return f"The intensity target for {end}{allowed}: {sentence[0].lower()}{sentence[1:]}"
    return sentence


def balance_rates_text(row: dict, r: dict, when: str, amount: Callable[[float], str]) -> str:
    """占补平衡's rates (``when``: '' or ' by 2025'), in a scope unit when not the region."""
    where = "" if row["id"] == "region" else f" in {row['name']}"
    sentence = _rate_sentence(
        r,
        "each ha of occupied cultivated land left unbalanced",
        "each ha more made up than occupied",
        _end(r["gain_holds_to"], "up to {} ha"),
        _end(-r["loss_holds_to"], "up to {} ha"),
        amount,
    )
    return f"占补平衡{when}{where}: {sentence}"


def pool_rates_text(end: str, r: dict, sc: Scenario, amount: Callable[[float], str]) -> str:
    """A period pool's rates in words. With carry-over its row is the pool available by
    ``end`` (the pools so far): one ha more there, the horizon unchanged, is one ha of
    pool moved from the next period into this one. Without, it is the period's own pool,
    the other pools and quota.total unchanged."""
    if sc.periods is not None and sc.periods.carry_over:
        more, less = (
            f"Moving 1 ha of pool from after {end} into the pools by {end}",
            "moving 1 ha the other way",
        )
    else:
        more, less = f"One more ha in the {end} pool", "one ha less"
    return _rate_sentence(
        r,
        more,
        less,
        _end(r["gain_holds_to"], f"up to {{}} ha available by {end}"),
        _end(r["loss_holds_to"], "down to {} ha"),
        amount,
    )


def with_period_texts(periods: dict, result: Result) -> dict:
    """``period_explain``'s data with its sentences: each pool's rates, the horizon pool's
    (the last period when it has no row of its own), and what carry-over is worth."""
    sc = result.summary.scenario
    amount = lambda v: price_per_ha(v, sc.tiers.money)  # noqa: E731
    money = sc.tiers.money or WEIGHTED_HA
    pools = []
    for pool in periods["pools"]:
        r, end = pool["rates"], pool["period_end"]
        if r is None:
            text = f"{end} pool: no prices (the LP is too large for unique rates)."
        elif pool["row"] == "quota_pool":  # the horizon pool: quota.total
            text = _rate_sentence(
                r,
                f"One more ha of pool in the last period (its pool to {end} and quota.total +1 ha)",
                "one ha less",
                _end(r["gain_holds_to"], "up to a pool of {} ha"),
                _end(r["loss_holds_to"], "down to {} ha"),
                amount,
            )
        else:
            text = pool_rates_text(end, r, sc, amount)
        pools.append({**pool, "text": text})
    worth = periods["carry_over_worth"]
    if worth is None:
        text = f"What carry-over is worth: {periods['note']}."
    elif periods["carry_over"]:
        text = (
            f"Carry-over is worth {price(worth)} {money}: without it (each period's pool used "
            "in that period or lost) Z would be that much lower."
        )
    else:
        text = (
            f"Carry-over would be worth {price(worth)} {money}: with it (unused pool kept for "
            "later periods) Z would be that much higher."
        )
    return {**periods, "pools": pools, "text": text}
