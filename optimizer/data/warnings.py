"""Warnings: legal but suspicious data, and guaranteed minimums that cannot fit (MODEL.md §2–3).

Worked out per scenario (``Dataset.with_scenario`` recomputes them), vectorised
over the whole table like the rules; nothing here raises or prints.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from models.inputs import RATE_COLUMNS
from models.scenario import Scenario
from optimizer.data.problems import Problem, Severity
from optimizer.data.rules import AREA_TOLERANCE, COUNTIES, GROUPS, _where, fmt, fmts

# --------------------------------------------------------------------------- warnings


def effective_rates(counties: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    """The four rates per county: the county's own value, else the scenario default."""
    defaults = scenario.defaults
    return pd.DataFrame(
        {c: counties[c].fillna(getattr(defaults, c)) for c in RATE_COLUMNS},
        index=counties.index,
    )


def per_capita_urban_land_2020(counties: pd.DataFrame) -> pd.Series:
    """m²/person = urban land (ha) × 10⁴ / urban population; NaN without urban population."""
    pop = counties["urban_pop_2020"].where(counties["urban_pop_2020"] > 0)
    return counties["urban_land_2020"] * 1e4 / pop


def county_warnings(
    counties: pd.DataFrame, scenario: Scenario, headers: Mapping[str, str] | None = None
) -> list[Problem]:
    """Legal but suspicious county data, and guaranteed minimums that cannot fit (MODEL.md §2-3).

    A minimum that does not fit under a county's hard limits makes the scenario
    infeasible; saying so here, by county, is much clearer than an infeasible solve.
    """
    headers = headers or {}
    f, df = COUNTIES.file, counties
    rates = effective_rates(df, scenario)
    cap = scenario.per_capita.cap_m2
    sigma, alpha = rates["urban_share"], rates["occupation_rate"]
    kappa = rates["reclaim_to_farmland"]
    u0, minimum = df["urban_land_2020"], df["min_allocation"]
    out: list[Problem] = []
    W = Severity.WARNING

    out += _where(
        f,
        df,
        df["cultivated_2020"] < df["farmland_floor"] - AREA_TOLERANCE,
        "cultivated_2020",
        headers,
        lambda m: (
            "cultivated land 2020 is already below the farmland floor "
            "(farmland_floor = "
            + fmts(df.loc[m, "farmland_floor"])
            + "): the county must gain cultivated land by 2035"
        ),
        W,
    )
    out += _where(
        f,
        df,
        u0 > df["dev_boundary"] + AREA_TOLERANCE,
        "urban_land_2020",
        headers,
        lambda m: (
            "urban land 2020 is already above the urban development boundary "
            "(dev_boundary = "
            + fmts(df.loc[m, "dev_boundary"])
            + "): the county can get no new urban land"
        ),
        W,
    )
    pc = per_capita_urban_land_2020(df)
    above = pc > cap
    no_pop = (df["urban_pop_2020"] == 0) & (u0 > 0)
    out += _where(
        f,
        df,
        above | no_pop,
        "urban_land_2020",
        headers,
        lambda m: (
            "per-capita urban land 2020 is "
            + fmts(pc[m].round(1))
            + f" m²/person, above the cap of {fmt(float(cap))} m²/person"
        ).where(
            ~no_pop[m],
            "urban land but no urban population 2020: per-capita "
            "urban land is unbounded, above the cap",
        ),
        W,
    )

    infeasible = "; the scenario will be infeasible"
    cap_room = (cap * df["urban_pop_2035"] / 1e4 - u0).clip(lower=0)
    dev_room = (df["dev_boundary"] - u0).clip(lower=0)
    bf_room = df["cultivated_2020"] - df["basic_farmland"]
    tests = [
        (
            sigma * minimum > cap_room + AREA_TOLERANCE,
            cap_room,
            sigma,
            "the per-capita cap (cap_m2 × urban_pop_2035 − urban_land_2020)",
        ),
        (
            sigma * minimum > dev_room + AREA_TOLERANCE,
            dev_room,
            sigma,
            "the urban development boundary (dev_boundary − urban_land_2020)",
        ),
        (
            alpha * minimum > bf_room + AREA_TOLERANCE,
            bf_room,
            alpha,
            "the cultivated land outside permanent basic farmland "
            "(cultivated_2020 − basic_farmland)",
        ),
    ]
    for mask, room, rate, what in tests:
        out += _where(
            f,
            df,
            mask,
            "min_allocation",
            headers,
            lambda m, room=room, rate=rate, what=what: (
                "the guaranteed minimum does not fit under "
                + what
                + ": at most "
                + fmts((room[m] / rate[m]).round(1))
                + " ha of new land fits"
                + infeasible
            ),
            W,
        )
    best_farmland = (
        df["cultivated_2020"]
        - alpha * minimum
        + kappa * df["reclaim_potential"]
        + df["supplement_potential"]
    )
    short = best_farmland < df["farmland_floor"] - AREA_TOLERANCE
    out += _where(
        f,
        df,
        short,
        "min_allocation",
        headers,
        lambda m: (
            "with the guaranteed minimum, cultivated land 2035 is at most "
            + fmts(best_farmland[m].round(1))
            + " ha even after all reclamation and "
            "reserve land, below the farmland floor ("
            + fmts(df.loc[m, "farmland_floor"])
            + ")"
            + infeasible
        ),
        W,
    )
    return out


def dataset_warnings(
    counties: pd.DataFrame, groups: pd.DataFrame, members: pd.DataFrame, scenario: Scenario
) -> list[Problem]:
    """Whole-dataset conflicts visible before solving: group shares and the quota pool."""
    out: list[Problem] = []
    W = Severity.WARNING
    member_count = members.groupby("group_id").size()
    lonely = groups.loc[~groups["group_id"].isin(member_count.index)]
    for row, g in lonely.iterrows():
        binding = g["min_share"] > 0
        out.append(
            Problem(
                GROUPS.file,
                "group has no members in group_members.csv"
                + (
                    "; its min_share can only be met by allocating nothing: the scenario will "
                    "be infeasible"
                    if binding
                    else ""
                ),
                row=int(row),
                column="group_id",
                value=g["group_id"],
                severity=W,
            )
        )
    with_min = groups.loc[groups["min_share"] > 0, "group_id"]
    total_min = float(groups["min_share"].sum())
    if total_min > 1 + 1e-9:
        in_min = members.loc[members["group_id"].isin(with_min)]
        overlap = bool(in_min.duplicated("county_id").any())
        out.append(
            Problem(
                GROUPS.file,
                f"the min_share values add up to {total_min:.4g} > 1: "
                + (
                    "the groups share members, so this can only be met through them; "
                    "check it is intended"
                    if overlap
                    else "the groups have no member in common, so the scenario will be infeasible"
                ),
                column="min_share",
                value=fmt(total_min),
                severity=W,
            )
        )
    rho = effective_rates(counties, scenario)["resettle_ratio"]
    minimum = float(counties["min_allocation"].sum())
    linkage = float((counties["reclaim_potential"] * (1 - rho)).sum())
    quota = float(scenario.quota.total)
    if minimum > quota + linkage + AREA_TOLERANCE:
        out.append(
            Problem(
                COUNTIES.file,
                f"the guaranteed minimums add up to {minimum:,.1f} ha, more than the quota pool "
                f"(quota.total = {quota:,.1f} ha) plus all linkage surplus indicators "
                f"({linkage:,.1f} ha): the scenario will be infeasible",
                column="min_allocation",
                value=fmt(minimum),
                severity=W,
            )
        )
    return out
