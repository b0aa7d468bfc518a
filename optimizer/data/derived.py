"""Derived county quantities, and the conflicts the data show before any solve (MODEL.md §3).

One place for the numbers that the LP bounds (formulation/build.py), the
pre-solve warnings (data/warnings.py), the infeasibility causes
(analysis/diagnose.py) and the synthetic data (data/synth.py) all read:

- ``county_quantities(counties, scenario)``: one row per county, the columns of
  ``QUANTITIES`` (units in the table), vectorised over the whole table.
- ``findings(counties, scenario, groups, members, transfer_costs)``: one row per
  conflict or suspicious value the data show on their own. The warnings render
  every row; the diagnosis of an infeasible solve renders the rows with
  ``infeasible`` true as its causes, so the two always agree.

Nothing here raises, prints or formats text.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from models.inputs import RATE_COLUMNS
from models.scenario import Scenario
from optimizer.data.rules import AREA_TOLERANCE

#: m² in a hectare: per-capita land (m²/person) × persons / M2_PER_HA = ha.
M2_PER_HA = 10_000.0
#: Short symbols of the county rates (MODEL.md §3).
RATE_SYMBOLS = {
    "occupation_rate": "alpha",
    "urban_share": "sigma",
    "resettle_ratio": "rho",
    "reclaim_to_farmland": "kappa",
}
#: Upper limits of a county's new land A_i, one per constraint family (ha of new land).
LIMIT_FAMILIES = ("demand", "per_capita_cap", "dev_boundary", "basic_farmland")
#: Column of ``county_quantities`` → (unit, meaning).
QUANTITIES: dict[str, tuple[str, str]] = {
    "county_id": ("", "the county"),
    "alpha": ("fraction", "α, occupation rate: the county's value, else the scenario default"),
    "sigma": ("fraction", "σ, urban share: the county's value, else the scenario default"),
    "rho": ("fraction", "ρ, resettle ratio: the county's value, else the scenario default"),
    "kappa": ("fraction", "κ, reclaim to farmland: the county's value, else the default"),
    "per_capita_urban_land_2020": (
        "m²/person",
        "urban land 2020 ÷ urban population 2020; NaN without urban population",
    ),
    "cap_room": ("ha of urban land", "max(0, cap_m2 × urban_pop_2035 / 10⁴ − urban_land_2020)"),
    "floor_need": (
        "ha of urban land",
        "floor_m2 × urban_pop_2035 / 10⁴ − urban_land_2020 (≤ 0: the county is above the floor)",
    ),
    "dev_room": ("ha of urban land", "max(0, dev_boundary − urban_land_2020)"),
    "basic_room": ("ha of cultivated land", "max(0, cultivated_2020 − basic_farmland)"),
    "limit_demand": ("ha of new land", "the demand"),
    "limit_per_capita_cap": ("ha of new land", "cap_room / σ (no limit when σ = 0)"),
    "limit_dev_boundary": ("ha of new land", "dev_room / σ (no limit when σ = 0)"),
    "limit_basic_farmland": ("ha of new land", "basic_room / α (no limit when α = 0)"),
    "limit_farmland_floor": (
        "ha of new land",
        "(cultivated_2020 − farmland_floor + κ × reclaim_potential + supplement_potential) / α:"
        " the most new land the county's farmland floor allows with all reclamation",
    ),
    "upper": ("ha of new land", "the smallest of the limit_* of LIMIT_FAMILIES: A_i's bound"),
    "lower": ("ha of new land", "the guaranteed minimum (0 when empty)"),
    "linkage_supply": (
        "ha of indicators",
        "(1 − ρ) × reclaim_potential: the surplus indicators reclamation can create",
    ),
    "best_farmland": (
        "ha of cultivated land",
        "cultivated_2020 − α × lower + κ × reclaim_potential + supplement_potential: the most "
        "cultivated land the county can keep in 2035",
    ),
    "least_construction": (
        "ha of construction land",
        "construction_land_2020 + lower − (1 − ρ) × reclaim_potential: the least construction "
        "land the county can have in 2035",
    ),
}


def county_quantities(counties: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    """The derived quantities of ``QUANTITIES`` per county, on the counties' own index."""
    c, sc = counties, scenario
    q = pd.DataFrame({"county_id": c["county_id"]}, index=c.index)
    defaults = sc.defaults.model_dump()
    for column in RATE_COLUMNS:
        q[RATE_SYMBOLS[column]] = c[column].fillna(defaults[column]).to_numpy(float)
    q["per_capita_urban_land_2020"] = per_capita_urban_land_2020(c)
    urban_pop_35 = c["urban_pop_2035"].to_numpy(float)
    u0 = c["urban_land_2020"].to_numpy(float)
    cultivated = c["cultivated_2020"].to_numpy(float)
    q["cap_room"] = np.maximum(0.0, sc.per_capita.cap_m2 * urban_pop_35 / M2_PER_HA - u0)
    q["floor_need"] = sc.per_capita.floor_m2 * urban_pop_35 / M2_PER_HA - u0
    q["dev_room"] = np.maximum(0.0, c["dev_boundary"].to_numpy(float) - u0)
    q["basic_room"] = np.maximum(0.0, cultivated - c["basic_farmland"].to_numpy(float))
    reclaim = c["reclaim_potential"].to_numpy(float)
    supplement = c["supplement_potential"].to_numpy(float)
    alpha, kappa, rho = q["alpha"].to_numpy(), q["kappa"].to_numpy(), q["rho"].to_numpy()
    q["limit_demand"] = c["demand"].to_numpy(float)
    q["limit_per_capita_cap"] = divide(q["cap_room"], q["sigma"])
    q["limit_dev_boundary"] = divide(q["dev_room"], q["sigma"])
    q["limit_basic_farmland"] = divide(q["basic_room"], q["alpha"])
    farmland_room = cultivated - c["farmland_floor"].to_numpy(float) + kappa * reclaim + supplement
    q["limit_farmland_floor"] = divide(farmland_room, alpha)
    q["upper"] = np.minimum.reduce([q[f"limit_{f}"].to_numpy() for f in LIMIT_FAMILIES])
    lower = c["min_allocation"].fillna(0.0).to_numpy(float)
    q["lower"] = lower
    q["linkage_supply"] = (1 - rho) * reclaim
    q["best_farmland"] = cultivated - alpha * lower + kappa * reclaim + supplement
    q["least_construction"] = (
        c["construction_land_2020"].to_numpy(float) + lower - (1 - rho) * reclaim
    )
    return q


def per_capita_urban_land_2020(counties: pd.DataFrame) -> pd.Series:
    """m²/person = urban land (ha) × 10⁴ / urban population; NaN without urban population."""
    pop = counties["urban_pop_2020"].where(counties["urban_pop_2020"] > 0)
    return counties["urban_land_2020"] * M2_PER_HA / pop


def divide(room, rate) -> np.ndarray:
    """room / rate, and no limit (inf) where the rate is 0: nothing then uses the room."""
    room, rate = np.asarray(room, dtype=float), np.asarray(rate, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(rate > 0, room / np.where(rate > 0, rate, 1.0), np.inf)


def intensity_limit(counties: pd.DataFrame, scenario: Scenario) -> float | None:
    """The most construction land (ha) allowed in 2035 by the intensity target, or None."""
    c = counties
    gdp_2020 = c["gdp_2020"].sum()
    if gdp_2020 <= 0:
        return None
    per_gdp_2020 = c["construction_land_2020"].sum() / gdp_2020
    return (1.0 - target_reduction(scenario)) * per_gdp_2020 * c["gdp_2035"].sum()


def target_reduction(scenario: Scenario) -> float:
    """τ at the target year: [periods] intensity's last milestone when given, else
    intensity.reduction (MODEL.md §7)."""
    milestones = scenario.periods.intensity
    return milestones[-1] if milestones is not None else scenario.intensity.reduction


def linkage_possible(scenario: Scenario, transfer_costs: pd.DataFrame | None) -> bool:
    """Whether surplus indicators can be used at all (linkage.scope none and no pair file: no)."""
    return transfer_costs is not None or scenario.linkage.scope != "none"


# --------------------------------------------------------------------------- findings

#: Kinds of finding, in the order they are listed, with the constraint family they concern.
#: County rows first (counties.csv), then groups, then the region.
FINDING_KINDS: dict[str, str] = {
    "cultivated_below_floor_2020": "farmland_floor",
    "urban_land_above_boundary_2020": "dev_boundary",
    "per_capita_above_cap_2020": "per_capita_cap",
    "minimum_above_room": "min_allocation",
    "farmland_floor_out_of_reach": "farmland_floor",
    "group_without_members": "group_min",
    "min_shares_above_one": "group_min",
    "min_shares_above_one_shared": "group_min",
    "minima_above_pool": "quota_pool",
    "intensity_out_of_reach": "intensity",
    "region_floor_out_of_reach": "farmland_region",
}
#: Tolerance on a sum of shares (shares are typed by hand).
SHARE_TOLERANCE = 1e-9
#: Families whose limit a guaranteed minimum can pass (``minimum_above_room``).
ROOM_FAMILIES = ("per_capita_cap", "dev_boundary", "basic_farmland")
#: Columns of ``findings``.
FINDING_COLUMNS = [
    "kind",  # a key of FINDING_KINDS
    "family",  # the constraint family in the way (minimum_above_room: the room's family)
    "id",  # county_id, group_id or "region"
    "row",  # index of the county or group row (None for the region)
    "value",  # what the data ask or have (ha, m²/person or a share sum; NaN: unbounded)
    "limit",  # what it cannot pass (ha, m²/person or a share)
    "quota",  # minima_above_pool: quota.total, ha
    "linkage",  # minima_above_pool: every surplus indicator that could be used, ha
    "infeasible",  # true: no allocation can satisfy the scenario
]


def findings(
    counties: pd.DataFrame,
    scenario: Scenario,
    groups: pd.DataFrame | None = None,
    members: pd.DataFrame | None = None,
    transfer_costs: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Conflicts and suspicious values the data show on their own (``FINDING_COLUMNS``).

    Without ``groups`` and ``members`` the group findings are left out. A minimum
    above several rooms gives one row per room.
    """
    c, sc = counties, scenario
    q = county_quantities(c, sc)
    tol = AREA_TOLERANCE
    parts: list[pd.DataFrame] = []

    def county_rows(kind, mask, value, limit, infeasible, family=None) -> None:
        mask = pd.Series(mask, index=c.index).fillna(False).astype(bool).to_numpy()
        if mask.any():
            parts.append(
                pd.DataFrame(
                    {
                        "kind": kind,
                        "family": family or FINDING_KINDS[kind],
                        "id": c["county_id"].to_numpy()[mask],
                        "row": c.index[mask],
                        "value": np.asarray(value, dtype=float)[mask],
                        "limit": np.broadcast_to(np.asarray(limit, dtype=float), mask.shape)[mask],
                        "infeasible": infeasible,
                    }
                )
            )

    u0 = c["urban_land_2020"]
    county_rows(
        "cultivated_below_floor_2020",
        c["cultivated_2020"] < c["farmland_floor"] - tol,
        c["cultivated_2020"],
        c["farmland_floor"],
        False,
    )
    county_rows(
        "urban_land_above_boundary_2020", u0 > c["dev_boundary"] + tol, u0, c["dev_boundary"], False
    )
    pc = q["per_capita_urban_land_2020"]
    no_pop = (c["urban_pop_2020"] == 0) & (u0 > 0)
    county_rows(
        "per_capita_above_cap_2020",
        (pc > sc.per_capita.cap_m2) | no_pop,
        pc,
        sc.per_capita.cap_m2,
        False,
    )
    for family in ROOM_FAMILIES:
        limit = q[f"limit_{family}"]
        county_rows("minimum_above_room", q["lower"] > limit + tol, q["lower"], limit, True, family)
    county_rows(
        "farmland_floor_out_of_reach",
        q["best_farmland"] < c["farmland_floor"] - tol,
        q["best_farmland"],
        c["farmland_floor"],
        True,
    )

    guaranteed = float(q["lower"].sum())
    if groups is not None and members is not None:
        parts += _group_findings(groups, members, guaranteed > 0)

    def region_row(kind, value, limit, **extra) -> None:
        parts.append(
            pd.DataFrame(
                [
                    {
                        "kind": kind,
                        "family": FINDING_KINDS[kind],
                        "id": "region",
                        "row": None,
                        "value": value,
                        "limit": limit,
                        "infeasible": True,
                        **extra,
                    }
                ]
            )
        )

    quota = float(sc.quota.total)
    linkage = float(q["linkage_supply"].sum()) if linkage_possible(sc, transfer_costs) else 0.0
    if guaranteed > quota + linkage + tol:
        region_row("minima_above_pool", guaranteed, quota + linkage, quota=quota, linkage=linkage)
    allowed = intensity_limit(c, sc)
    least = float(q["least_construction"].sum())
    if allowed is not None and least > allowed + tol:
        region_row("intensity_out_of_reach", least, allowed)
    floor = sc.farmland.region_floor
    best = float(q["best_farmland"].sum())
    if floor is not None and floor > best + tol:
        region_row("region_floor_out_of_reach", best, floor)

    if not parts:
        return pd.DataFrame(columns=FINDING_COLUMNS)
    out = pd.concat(parts, ignore_index=True).reindex(columns=FINDING_COLUMNS)
    out["row"] = out["row"].astype(object).where(out["row"].notna(), None)
    out["infeasible"] = out["infeasible"].astype(bool)
    return out


def _group_findings(
    groups: pd.DataFrame, members: pd.DataFrame, guaranteed: bool
) -> list[pd.DataFrame]:
    """Groups without members, and minimum shares that add up to more than all new land.

    A minimum share forces the members to take part of all new land T; when it cannot
    be met (no members, or disjoint groups asking for more than everything) only T = 0
    is left, which no guaranteed minimum allows.
    """
    out: list[pd.DataFrame] = []
    lonely = groups.loc[~groups["group_id"].isin(members["group_id"])]
    if len(lonely):
        share = lonely["min_share"].to_numpy(float)
        out.append(
            pd.DataFrame(
                {
                    "kind": "group_without_members",
                    "family": "group_min",
                    "id": lonely["group_id"].to_numpy(),
                    "row": lonely.index,
                    "value": share,
                    "limit": 0.0,
                    "infeasible": (share > 0) & guaranteed,
                }
            )
        )
    total = float(groups["min_share"].sum())
    if total > 1 + SHARE_TOLERANCE:
        with_min = groups.loc[groups["min_share"] > 0, "group_id"]
        in_min = members.loc[members["group_id"].isin(with_min)]
        shared = bool(in_min.duplicated("county_id").any())
        kind = "min_shares_above_one_shared" if shared else "min_shares_above_one"
        out.append(
            pd.DataFrame(
                [
                    {
                        "kind": kind,
                        "family": "group_min",
                        "id": "all",
                        "row": None,
                        "value": total,
                        "limit": 1.0,
                        "infeasible": not shared and guaranteed,
                    }
                ]
            )
        )
    return out
