"""What ``landquota check`` reports about a valid dataset, as plain data (JSON-ready).

Every key carries its unit (``_ha``, ``_persons``, ``_100m_cny`` = 亿元,
``_m2_per_person``), so the JSON can be read without the docs. The terminal
rendering is in :mod:`optimizer.cli.report_check`.
"""

from __future__ import annotations

import math
from typing import Any

from models.inputs import ZONES
from optimizer.data.dataset import Dataset
from optimizer.data.derived import county_quantities
from optimizer.data.rules import ZONE_NAMES_ZH

#: counties.csv column → key in ``totals`` (the column name plus its unit).
TOTAL_KEYS: dict[str, str] = {
    "pop_2020": "pop_2020_persons",
    "urban_pop_2020": "urban_pop_2020_persons",
    "urban_pop_2035": "urban_pop_2035_persons",
    "gdp_2020": "gdp_2020_100m_cny",
    "gdp_2035": "gdp_2035_100m_cny",
    "construction_land_2020": "construction_land_2020_ha",
    "urban_land_2020": "urban_land_2020_ha",
    "rural_settlement_2020": "rural_settlement_2020_ha",
    "cultivated_2020": "cultivated_2020_ha",
    "farmland_floor": "farmland_floor_ha",
    "basic_farmland": "basic_farmland_ha",
    "dev_boundary": "dev_boundary_ha",
    "demand": "demand_ha",
    "min_allocation": "min_allocation_ha",
    "reclaim_potential": "reclaim_potential_ha",
    "supplement_potential": "supplement_potential_ha",
}

#: Top-level keys of the summary (documented in docs/inputs.md).
SUMMARY_KEYS: tuple[str, ...] = (
    "dataset",
    "counties",
    "totals",
    "quota",
    "per_capita_urban_land_2020",
    "groups",
    "transfer_costs",
    "conversions",
    "warnings",
    "projects",
    "stock",
)


def _num(x: Any) -> float | int | None:
    """A JSON-safe number: None for NaN, int when whole (persons, counts)."""
    if x is None:
        return None
    x = float(x)
    if not math.isfinite(x):
        return None
    return int(x) if x.is_integer() and abs(x) < 2**53 else round(x, 6)


def summarize_dataset(ds: Dataset) -> dict[str, Any]:
    """Counts, totals, per-capita spread, groups, unit conversions and warnings of a dataset."""
    c = ds.counties
    sc = ds.scenario
    floor, cap = sc.per_capita.floor_m2, sc.per_capita.cap_m2

    by_city = (
        c.groupby("city", sort=True)
        .agg(
            counties=("county_id", "size"),
            pop_2020_persons=("pop_2020", "sum"),
            urban_land_2020_ha=("urban_land_2020", "sum"),
            demand_ha=("demand", "sum"),
        )
        .reset_index()
    )
    zone_counts = c["zone"].value_counts()

    totals = {key: _num(c[col].sum()) for col, key in TOTAL_KEYS.items()}
    derived = county_quantities(c, sc)
    totals["dev_boundary_room_ha"] = _num(derived["dev_room"].sum())

    pc = derived["per_capita_urban_land_2020"]
    known = pc.dropna()
    urban_pop = c["urban_pop_2020"].sum()
    per_capita = {
        "region_m2_per_person": _num(c["urban_land_2020"].sum() * 1e4 / urban_pop)
        if urban_pop > 0
        else None,
        "min_m2_per_person": _num(known.min()) if len(known) else None,
        "median_m2_per_person": _num(known.median()) if len(known) else None,
        "max_m2_per_person": _num(known.max()) if len(known) else None,
        "floor_m2_per_person": _num(floor),
        "cap_m2_per_person": _num(cap),
        "counties_below_floor": int((known < floor).sum()),
        "counties_above_cap": int((known > cap).sum()),
        "counties_without_urban_pop": int(pc.isna().sum()),
    }

    sizes = ds.members.groupby("group_id").size()
    groups = [
        {
            "group_id": g.group_id,
            "name": g.name,
            "kind": g.kind,
            "members": int(sizes.get(g.group_id, 0)),
            "weight": _num(g.weight),
            "min_share": _num(g.min_share),
            "max_share": _num(g.max_share),
        }
        for g in ds.groups.itertuples(index=False)
    ]

    demand = float(c["demand"].sum())
    quota = float(sc.quota.total)
    return {
        "dataset": {
            "name": sc.name,
            "source": None if ds.source is None else str(ds.source),
            "valid": True,
        },
        "counties": {
            "count": len(c),
            "cities": len(by_city),
            "by_city": [
                {k: (_num(v) if k != "city" else v) for k, v in row.items()}
                for row in by_city.to_dict("records")
            ],
            "by_zone": [
                {"zone": z, "zone_zh": ZONE_NAMES_ZH[z], "counties": int(zone_counts.get(z, 0))}
                for z in ZONES
            ],
        },
        "totals": totals,
        "quota": {
            "total_ha": _num(quota),
            "demand_ha": _num(demand),
            "demand_over_quota": _num(demand / quota) if quota > 0 else None,
        },
        "per_capita_urban_land_2020": per_capita,
        "groups": groups,
        "transfer_costs": None if ds.transfer_costs is None else {"pairs": len(ds.transfer_costs)},
        "conversions": [c.to_dict() for c in ds.conversions],
        "warnings": [w.to_dict() for w in ds.warnings],
        "projects": projects_summary(ds),
        "stock": stock_summary(ds),
    }


def projects_summary(ds: Dataset) -> dict[str, Any] | None:
    """Key projects (MODEL.md §8), None without projects.csv: how many, Σ area, by kind, and
    per county the projects' share of its demand (above 1 the dataset would not load)."""
    p = ds.projects
    if p is None:
        return None
    c = ds.counties.set_index("county_id")
    kinds = p.assign(kind=p["kind"].where(p["kind"] != "", "")).groupby("kind", sort=True)
    per = p.groupby("county_id", sort=False).agg(
        projects=("project_id", "size"), area=("area", "sum")
    )
    per = per.assign(demand=c["demand"].reindex(per.index).to_numpy(float))
    per = per.assign(share=per["area"] / per["demand"].where(per["demand"] > 0))
    per = per.sort_values(["share", "area"], ascending=False, kind="stable")
    return {
        "count": len(p),
        "area_ha": _num(p["area"].sum()),
        "by_kind": [
            {"kind": kind, "count": len(g), "area_ha": _num(g["area"].sum())} for kind, g in kinds
        ],
        "counties": [
            {
                "county_id": str(i),
                "name": str(c.at[i, "name"]) if i in c.index else "",
                "projects": int(r.projects),
                "area_ha": _num(r.area),
                "demand_ha": _num(r.demand),
                "share_of_demand": _num(r.share),
            }
            for i, r in per.iterrows()
        ],
        "counties_above_demand": int((per["area"] > per["demand"]).sum()),
    }


def stock_summary(ds: Dataset) -> dict[str, Any] | None:
    """Existing stock land (MODEL.md §8), None when no county has stock_potential: the
    counties with some, Σ ha, and the stock.* settings (with quota.reserve_share)."""
    c = ds.counties
    if "stock_potential" not in c.columns or not (c["stock_potential"] > 0).any():
        return None
    sc = ds.scenario
    return {
        "counties": int((c["stock_potential"] > 0).sum()),
        "stock_potential_ha": _num(c["stock_potential"].sum()),
        "cost_per_ha": _num(sc.stock.cost),
        "linked_share": _num(sc.stock.linked_share),
        "quota_per_ha": _num(sc.stock.quota_per_ha),
        "reserve_share": _num(sc.quota.reserve_share),
    }
