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
    }
