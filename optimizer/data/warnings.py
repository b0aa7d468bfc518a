"""Warnings: suspicious data, and conflicts that make a scenario infeasible (MODEL.md §2–3).

The findings themselves come from ``optimizer.data.derived.findings`` (the same
table the diagnosis of an infeasible solve renders as its causes); this module
only puts them in words, located by file, row and column. Worked out per
scenario (``Dataset.with_scenario`` recomputes them); nothing here raises or prints.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from models.scenario import Scenario
from optimizer.data.derived import findings
from optimizer.data.numbers import fmt
from optimizer.data.problems import Problem, Severity
from optimizer.data.rules import COUNTIES, GROUPS, _label, fmts, problems_at

#: Per-county kinds of finding → the counties.csv cell a warning points at.
COUNTY_CELL = {
    "cultivated_below_floor_2020": "cultivated_2020",
    "urban_land_above_boundary_2020": "urban_land_2020",
    "per_capita_above_cap_2020": "urban_land_2020",
    "minimum_above_room": "min_allocation",
    "farmland_floor_out_of_reach": "min_allocation",
}
#: What each room of ``minimum_above_room`` is, in the warning.
ROOM_WORDS = {
    "per_capita_cap": "the per-capita cap (cap_m2 × urban_pop_2035 − urban_land_2020)",
    "dev_boundary": "the urban development boundary (dev_boundary − urban_land_2020)",
    "basic_farmland": "the cultivated land outside permanent basic farmland "
    "(cultivated_2020 − basic_farmland)",
}
INFEASIBLE = "; the scenario will be infeasible"
#: Decimals of a sum shown as a warning's value (1.3, not 1.2999999999999998).
SUM_DIGITS = 6


def county_warnings(
    counties: pd.DataFrame, scenario: Scenario, headers: Mapping[str, str] | None = None
) -> list[Problem]:
    """Legal but suspicious county data, and guaranteed minimums that cannot fit (MODEL.md §2-3).

    A minimum that does not fit under a county's hard limits makes the scenario
    infeasible; saying so here, by county, is much clearer than an infeasible solve.
    """
    found = findings(counties, scenario)
    return county_problems(found[found["kind"].isin(COUNTY_CELL)], counties, headers or {})


def county_problems(
    found: pd.DataFrame, counties: pd.DataFrame, headers: Mapping[str, str]
) -> list[Problem]:
    """Per-county findings as warnings at their counties.csv cell, kind by kind."""
    out: list[Problem] = []
    for (kind, family), f in found.groupby(["kind", "family"], sort=False):
        column = COUNTY_CELL[kind]
        rows = pd.Index(f["row"].astype(int))
        cells = counties.loc[rows, column].tolist()
        value, limit = f["value"].set_axis(rows), f["limit"].set_axis(rows)
        texts = _county_texts(kind, family, value, limit)
        code = f"{kind}.{family}" if kind == "minimum_above_room" else kind
        codes = (
            pd.Series(code, index=rows).where(value.notna(), "urban_land_without_urban_pop_2020")
            if kind == "per_capita_above_cap_2020"
            else code
        )
        out += problems_at(
            COUNTIES.file,
            rows,
            _label(column, headers),
            cells,
            texts,
            Severity.WARNING,
            codes,
            {
                "value": fmts(value.round(1)).where(value.notna(), ""),
                "limit": fmts(limit.round(1) if kind == "minimum_above_room" else limit),
            },
        )
    return out


def _county_texts(kind: str, family: str, value: pd.Series, limit: pd.Series) -> list[str]:
    if kind == "cultivated_below_floor_2020":
        texts = (
            "cultivated land 2020 is already below the farmland floor (farmland_floor = "
            + fmts(limit)
            + "): the county must gain cultivated land by 2035"
        )
    elif kind == "urban_land_above_boundary_2020":
        texts = (
            "urban land 2020 is already above the urban development boundary (dev_boundary = "
            + fmts(limit)
            + "): the county can get no new urban land"
        )
    elif kind == "per_capita_above_cap_2020":
        texts = (
            "per-capita urban land 2020 is "
            + fmts(value.round(1))
            + " m²/person, above the cap of "
            + fmts(limit)
            + " m²/person"
        ).where(
            value.notna(),
            "urban land but no urban population 2020: per-capita "
            "urban land is unbounded, above the cap",
        )
    elif kind == "minimum_above_room":
        texts = (
            "the guaranteed minimum does not fit under "
            + ROOM_WORDS[family]
            + ": at most "
            + fmts(limit.round(1))
            + " ha of new land fits"
            + INFEASIBLE
        )
    else:  # farmland_floor_out_of_reach
        texts = (
            "with the guaranteed minimum, cultivated land 2035 is at most "
            + fmts(value.round(1))
            + " ha even after all reclamation and reserve land, below the farmland floor ("
            + fmts(limit)
            + ")"
            + INFEASIBLE
        )
    return list(texts)


def dataset_warnings(
    counties: pd.DataFrame,
    groups: pd.DataFrame,
    members: pd.DataFrame,
    scenario: Scenario,
    transfer_costs: pd.DataFrame | None = None,
) -> list[Problem]:
    """Whole-dataset conflicts visible before solving: groups, the quota pool, region targets."""
    found = findings(counties, scenario, groups, members, transfer_costs)
    return [
        _dataset_problem(f, scenario)
        for f in found[~found["kind"].isin(COUNTY_CELL)].itertuples(index=False)
    ] + _superseded_settings(scenario)


def _superseded_settings(scenario: Scenario) -> list[Problem]:
    """A setting that another one replaces, so that a changed value would do nothing:
    with [periods] intensity, its last milestone is the target-year reduction (MODEL.md
    §7) and intensity.reduction is not used."""
    milestones = scenario.periods.intensity
    tau = float(scenario.intensity.reduction)
    if milestones is None or float(milestones[-1]) == tau:
        return []
    last = fmt(float(milestones[-1]))
    return [
        Problem(
            "scenario.toml",
            f"is not used: [periods] intensity's last milestone ({last}) is the "
            "target-year reduction; change that entry instead",
            column="intensity.reduction",
            value=fmt(tau),
            severity=Severity.WARNING,
            code="intensity_superseded",
            params={"last": last},
        )
    ]


def _dataset_problem(f, scenario: Scenario) -> Problem:
    W = Severity.WARNING
    if f.kind == "group_without_members":
        text = "group has no members in group_members.csv"
        code = "group_without_members"
        if f.value > 0:
            text += "; its min_share can only be met by allocating nothing"
            text += ": the scenario will be infeasible" if f.infeasible else ""
            code += ".infeasible" if f.infeasible else ".min_share"
        return Problem(
            GROUPS.file,
            text,
            row=int(f.row),
            column="group_id",
            value=f.id,
            severity=W,
            code=code,
        )
    if f.kind in ("min_shares_above_one", "min_shares_above_one_shared"):
        why = (
            "the groups share members, so this can only be met through them; check it is intended"
            if f.kind == "min_shares_above_one_shared"
            else "the groups have no member in common, so "
            + (
                "the scenario will be infeasible"
                if f.infeasible
                else "it can only be met by allocating nothing"
            )
        )
        return Problem(
            GROUPS.file,
            f"the min_share values add up to {f.value:.4g} > 1: {why}",
            column="min_share",
            value=fmt(round(f.value, SUM_DIGITS)),
            severity=W,
            code=f.kind
            if f.kind == "min_shares_above_one_shared"
            else f.kind + (".infeasible" if f.infeasible else ".nothing"),
            params={"sum": f"{f.value:.4g}"},
        )
    if f.kind == "minima_above_pool":
        return Problem(
            COUNTIES.file,
            f"the guaranteed minimums add up to {f.value:,.1f} ha, more than the quota pool "
            f"(quota.total = {f.quota:,.1f} ha) plus all linkage surplus indicators "
            f"({f.linkage:,.1f} ha): the scenario will be infeasible",
            column="min_allocation",
            value=fmt(round(f.value, SUM_DIGITS)),
            severity=W,
            code=f.kind,
            params={
                "sum": f"{f.value:,.1f}",
                "quota": f"{f.quota:,.1f}",
                "linkage": f"{f.linkage:,.1f}",
            },
        )
    if f.kind == "intensity_out_of_reach":
        return Problem(
            "scenario.toml",
            f"even with every hectare of rural settlement land reclaimed, construction land "
            f"2035 stays at least {f.value:,.0f} ha against {f.limit:,.0f} ha the intensity "
            "target allows: the scenario will be infeasible",
            column="intensity.reduction",
            value=fmt(float(scenario.intensity.reduction)),
            severity=W,
            code=f.kind,
            params={"value": f"{f.value:,.0f}", "limit": f"{f.limit:,.0f}"},
        )
    # region_floor_out_of_reach
    return Problem(
        "scenario.toml",
        f"at most {f.value:,.0f} ha can stay cultivated in 2035 (the guaranteed minima built, "
        "every reclaimable hectare reclaimed and all reserve land cultivated), below the "
        "region's farmland floor: the scenario will be infeasible",
        column="farmland.region_floor",
        value=fmt(float(f.limit)),
        severity=W,
        code=f.kind,
        params={"value": f"{f.value:,.0f}"},
    )
