"""Small in-memory datasets for tests: neutral counties where only the tested rule can bind."""

from __future__ import annotations

from typing import Any

from optimizer import dataset_from_tables

#: A county where nothing binds unless a test changes it: per-capita urban land
#: 100 m² in 2020 (room to 150 m² is 325 ha with σ = 1), a wide development
#: boundary, farmland far above the floors, occupation rate 0 (no 占补 need),
#: construction land far below the intensity limit, nothing to reclaim.
NEUTRAL: dict[str, Any] = dict(
    pop_2020=100_000,
    urban_pop_2020=50_000,
    urban_pop_2035=55_000,
    gdp_2020=100,
    gdp_2035=300,
    construction_land_2020=5_000,
    urban_land_2020=500,
    rural_settlement_2020=2_000,
    cultivated_2020=20_000,
    farmland_floor=10_000,
    basic_farmland=5_000,
    dev_boundary=5_000,
    demand=100,
    min_allocation=0,
    reclaim_potential=0,
    supplement_potential=0,
    occupation_rate=0.0,
    urban_share=1.0,
    resettle_ratio=None,
    reclaim_to_farmland=None,
)


def county(county_id: str, city: str = "A市", zone: str = "urban", **overrides: Any) -> dict:
    row = dict(county_id=county_id, name=f"县{county_id}", city=city, zone=zone, **NEUTRAL)
    row.update(overrides)
    return row


def dataset(
    counties: list[dict],
    quota: float,
    groups: list[dict] | None = None,
    members: list[dict] | None = None,
    projects: list[dict] | None = None,
    locks: list[dict] | None = None,
    **scenario: Any,
):
    """A validated Dataset; ``scenario`` takes sections, e.g. linkage={"scope": "city"}."""
    sc: dict[str, Any] = {"scenario": {"name": "test"}, "quota": {"total": quota}}
    sc.update(scenario)
    return dataset_from_tables(
        counties, groups or [], members or [], sc, projects=projects, locks=locks
    )
