"""Synthetic datasets in the MODEL.md §2 format, for benchmarks and tests at any size.

``synthesize(n_counties, n_cities, n_groups, seed)`` returns the tables;
``synthetic_files(...)`` the texts of counties.csv, groups.csv,
group_members.csv and scenario.toml as the reference dataset has them (UTF-8 with
BOM, English headers, empty rate cells where the scenario default applies), which
``optimizer.runs.synth.write_synthetic`` writes (a new folder, or one an earlier
synth wrote: never anyone else's files). Same arguments and seed, same bytes.

The values are plausible rather than real (magnitudes follow
inputs/shanxi-central):

- units are county-like up to a few thousand of them; for township-scale counts
  the typical population shrinks so that the whole stays near China's 1.4 billion;
- populations are heavy-tailed (log-normal), and so is the number of counties
  per city;
- three kinds of county: urban districts (城区), basin counties (盆地, farming,
  ``agricultural``) and mountain counties (山区, mostly ``ecological``);
- per-capita urban land spreads around 125 m²: some counties are over the
  150 m² cap (no room for urban land) and some under the 85 m² floor;
- reclaim potential sits in rural and mountain counties;
- groups overlap (a county may be in several), each spans one to three cities;
- the quota pool is about 55 % of what the counties could take, so the
  allocation is a real choice, and the scenario is feasible by construction
  (minimum allocations fit inside every county's limits).

Everything is vectorised with ``numpy.random.default_rng(seed)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from models.inputs import COUNTY_COLUMNS, GROUP_COLUMNS, MEMBER_COLUMNS
from models.scenario import Scenario
from optimizer.data.derived import county_quantities
from optimizer.data.numbers import fmt
from optimizer.data.problems import UsageError

#: County kinds: urban district, basin county, mountain county.
KINDS = ("urban", "basin", "mountain")
KIND_SHARES = (0.22, 0.40, 0.38)
#: Median population of a county-level unit, persons; shrinks for township-scale data.
MEDIAN_POPULATION = 250_000
NATIONAL_POPULATION = 1.0e9  # median × count stays below this (the mean is ~1.4× the median)
#: Share of the counties' room for new land that the quota pool covers (scarce pool).
POOL_SHARE = 0.55
#: Byte-order mark the CSV files start with (UTF-8 with BOM: Excel opens them as UTF-8).
CSV_BOM = "\ufeff"
#: Default scenario policy values written to scenario.toml (MODEL.md defaults).
DEFAULT_RATES = {
    "occupation_rate": 0.45,
    "urban_share": 0.7,
    "resettle_ratio": 0.3,
    "reclaim_to_farmland": 0.8,
}
#: The policy of every synthetic scenario.toml (the plan's bands, MODEL.md defaults);
#: ``quota.total`` and ``linkage.scope`` are set per dataset. The guaranteed minimums
#: are fitted under the limits of this same scenario, so they fit in the written one.
SCENARIO = Scenario.model_validate(
    {
        "quota": {"total": 0},
        "intensity": {"reduction": 0.40},
        "per_capita": {"floor_m2": 85, "cap_m2": 150, "shortfall_penalty": 2.0},
        "farmland": {"balance_scope": "region"},
        "linkage": {
            "same_city_cost": 0.005,
            "cross_city_cost": 0.02,
            "reclaim_cost": 0.02,
            "supplement_cost": 0.01,
        },
        "defaults": DEFAULT_RATES,
    }
)

_SYLLABLES = list(
    "安平阳城山河清源宁和泰兴昌德华丰永定新东西南北中临长文武高云丹"
    "江湖林桥石岭川原宝金银玉龙凤鹤松柏梅兰桂汾晋太黄沁涧古灵寿"
)
_COUNTY_SUFFIX = {"urban": "区", "basin": "县", "mountain": "县"}


@dataclass(frozen=True)
class SyntheticDataset:
    counties: pd.DataFrame
    groups: pd.DataFrame
    members: pd.DataFrame
    scenario_toml: str


def default_cities(n_counties: int) -> int:
    """About ten counties per city, as in Chinese prefectures."""
    return max(1, round(n_counties / 10))


def default_groups(n_cities: int) -> int:
    return min(20, max(3, n_cities))


def synthesize(
    n_counties: int,
    n_cities: int | None = None,
    n_groups: int | None = None,
    seed: int = 0,
    scope: str = "region",
    name: str | None = None,
) -> SyntheticDataset:
    """A valid, feasible dataset of ``n_counties`` units in ``n_cities`` cities."""
    n = int(n_counties)
    p = default_cities(n) if n_cities is None else int(n_cities)
    g = default_groups(p) if n_groups is None else int(n_groups)
    if n < 1 or not 1 <= p <= n or g < 0:
        raise UsageError(
            f"need counties ≥ 1, 1 ≤ cities ≤ counties and groups ≥ 0 (got {n}, {p}, {g})"
        )
    rng = np.random.default_rng(seed)
    city = _city_of_each_county(rng, n, p)
    counties = _counties(rng, city, p)
    groups, members = _groups(rng, counties, city, p, g)
    scenario = _scenario_toml(counties, scope, name or f"synthetic-{n}-seed{seed}")
    return SyntheticDataset(
        counties.reindex(columns=list(COUNTY_COLUMNS)),
        groups.reindex(columns=list(GROUP_COLUMNS)),
        members.reindex(columns=list(MEMBER_COLUMNS)),
        scenario,
    )


def synthetic_files(
    n_counties: int,
    n_cities: int | None = None,
    n_groups: int | None = None,
    seed: int = 0,
    scope: str = "region",
    periods: tuple[int, ...] | None = None,
) -> dict[str, str]:
    """File name → text of the dataset folder (CSV files UTF-8 with BOM, as the reference
    dataset); with ``periods`` (end years, the last 2035) a [periods] block of those ends
    (MODEL.md §7). ``optimizer.runs.synth.write_synthetic`` writes them safely."""
    data = synthesize(n_counties, n_cities, n_groups, seed, scope)
    files = {
        file: CSV_BOM + table.to_csv(index=False, lineterminator="\n")
        for file, table in (
            ("counties.csv", data.counties),
            ("groups.csv", data.groups),
            ("group_members.csv", data.members),
        )
    }
    toml = data.scenario_toml
    if periods:
        years = ", ".join(str(int(y)) for y in periods)
        toml += f"\n[periods]\nend_years = [{years}]\n"
    files["scenario.toml"] = toml
    return files


# --------------------------------------------------------------------------- pieces


def _city_of_each_county(rng: np.random.Generator, n: int, p: int) -> np.ndarray:
    """Heavy-tailed city sizes, every city at least one county; sorted by city."""
    size_weight = rng.lognormal(0.0, 0.6, p)
    extra = rng.multinomial(n - p, size_weight / size_weight.sum())
    return np.repeat(np.arange(p), extra + 1)


def _ids(city: np.ndarray, p: int) -> np.ndarray:
    """Adcode-like text ids: city number, then the county's number within the city."""
    within = np.arange(len(city)) - np.searchsorted(city, city)
    wc = max(2, len(str(p)))
    wk = max(4, len(str(int(within.max()) + 1)))
    return np.char.add(
        np.char.zfill((city + 1).astype(str), wc), np.char.zfill((within + 1).astype(str), wk)
    ).astype(object)


def _names(rng: np.random.Generator, count: int, suffix: np.ndarray) -> np.ndarray:
    """Two-syllable place names plus a suffix, made unique with a number where they repeat."""
    s = np.array(_SYLLABLES, dtype=object)
    base = s[rng.integers(0, len(s), count)] + s[rng.integers(0, len(s), count)] + suffix
    dup = pd.Series(base).groupby(base).cumcount().to_numpy()
    return np.where(dup > 0, base + (dup + 1).astype(str), base).astype(object)


def _counties(rng: np.random.Generator, city: np.ndarray, p: int) -> pd.DataFrame:
    n = len(city)
    u = lambda lo, hi: rng.uniform(lo, hi, n)  # noqa: E731
    kind = rng.choice(len(KINDS), n, p=KIND_SHARES)
    urban, basin, mountain = (kind == 0), (kind == 1), (kind == 2)
    pick = lambda a, b, c: np.select([urban, basin], [a, b], c)  # noqa: E731

    median = min(MEDIAN_POPULATION, NATIONAL_POPULATION / n)
    pop = np.round(rng.lognormal(np.log(median), 0.75, n) * pick(1.6, 1.0, 0.6))
    pop = np.maximum(pop, 2_000)
    urban_rate = pick(u(0.80, 0.98), u(0.35, 0.65), u(0.20, 0.45))
    urban_pop = np.round(pop * urban_rate)
    urban_pop_35 = np.round(urban_pop * pick(u(1.05, 1.35), u(1.10, 1.45), u(1.00, 1.30)))
    gdp = np.round(pop * pick(u(7, 15), u(4, 8), u(2.5, 5)) / 1e4, 1)  # 万元/person → 亿元
    gdp_35 = np.round(gdp * u(1.6, 2.6), 1)

    # Per-capita urban land 2020 around 125 m²: the cap is 150, the floor 85.
    per_capita = np.clip(rng.normal(125, 30, n), 55, 230)
    urban_land = np.round(per_capita * urban_pop / 1e4, 1)
    rural_pop = pop - urban_pop
    rural_land = np.round(rural_pop * pick(u(120, 220), u(180, 300), u(220, 380)) / 1e4, 1)
    other_land = (urban_land + rural_land) * u(0.15, 0.35)
    construction = np.round(urban_land + rural_land + other_land + 0.5, 1)

    cultivated = np.round(rural_pop * pick(u(0.03, 0.15), u(0.30, 0.60), u(0.10, 0.30)), 1)
    farmland_floor = np.round(cultivated * u(0.93, 0.995), 1)
    basic_farmland = np.round(cultivated * u(0.72, 0.88), 1)
    boundary_ratio = np.where(rng.random(n) < 0.05, u(0.9, 1.0), u(1.15, 1.9))
    dev_boundary = np.round(urban_land * boundary_ratio, 1)
    growth = np.maximum(urban_pop_35 - urban_pop, 0) * u(90, 160) / 1e4
    demand = np.round(growth + construction * u(0.03, 0.10) + 1.0, 1)
    reclaim = np.round(rural_land * pick(u(0.0, 0.02), u(0.03, 0.12), u(0.08, 0.25)), 1)
    supplement = np.round(
        np.where(rng.random(n) < 0.2, 0.0, cultivated * pick(u(0, 0.005), u(0, 0.02), u(0, 0.04))),
        1,
    )

    # Rates: most counties take the scenario default (empty cells).
    occupation = np.where(
        urban,
        np.round(u(0.05, 0.3), 2),
        np.where(rng.random(n) < 0.3, np.round(u(0.3, 0.65), 2), np.nan),
    )
    urban_share = np.where(rng.random(n) < 0.1, np.round(u(0.5, 0.9), 2), np.nan)
    resettle = np.where(mountain & (rng.random(n) < 0.3), np.round(u(0.3, 0.5), 2), np.nan)
    to_farmland = np.where(rng.random(n) < 0.1, np.round(u(0.6, 0.95), 2), np.nan)

    guaranteed = np.where(rng.random(n) < 0.6, demand * u(0.02, 0.08), 0.0)

    city_names = _names(rng, p, np.array(["市"], dtype=object))
    zone = np.select(
        [urban, basin],
        ["urban", np.where(rng.random(n) < 0.8, "agricultural", "urban")],
        np.where(rng.random(n) < 0.85, "ecological", "agricultural"),
    )
    counties = pd.DataFrame(
        {
            "county_id": _ids(city, p),
            "name": _names(
                rng, n, np.array([_COUNTY_SUFFIX[k] for k in KINDS], dtype=object)[kind]
            ),
            "city": city_names[city],
            "zone": zone,
            "pop_2020": pop.astype(np.int64),
            "urban_pop_2020": urban_pop.astype(np.int64),
            "urban_pop_2035": urban_pop_35.astype(np.int64),
            "gdp_2020": gdp,
            "gdp_2035": gdp_35,
            "construction_land_2020": construction,
            "urban_land_2020": urban_land,
            "rural_settlement_2020": rural_land,
            "cultivated_2020": cultivated,
            "farmland_floor": farmland_floor,
            "basic_farmland": basic_farmland,
            "dev_boundary": dev_boundary,
            "demand": demand,
            "min_allocation": 0.0,
            "reclaim_potential": reclaim,
            "supplement_potential": supplement,
            "occupation_rate": occupation,
            "urban_share": urban_share,
            "resettle_ratio": resettle,
            "reclaim_to_farmland": to_farmland,
        }
    )
    upper = allocation_upper(counties, SCENARIO)
    counties["min_allocation"] = np.floor(np.minimum(guaranteed, 0.5 * upper) * 10) / 10
    return counties


def allocation_upper(counties: pd.DataFrame, scenario: Scenario) -> np.ndarray:
    """The most new land a county can take on its own (ha): the bounds of allocation[i]
    under ``scenario`` and what its farmland floor allows with all reclamation."""
    q = county_quantities(counties, scenario)
    return np.minimum(q["upper"].to_numpy(), q["limit_farmland_floor"].to_numpy())


def _groups(
    rng: np.random.Generator, counties: pd.DataFrame, city: np.ndarray, p: int, g: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Overlapping priority groups, each over one to three neighbouring cities."""
    if g == 0:
        return (
            pd.DataFrame(columns=list(GROUP_COLUMNS)),
            pd.DataFrame(columns=list(MEMBER_COLUMNS)),
        )
    kinds = np.where(
        np.arange(g) < max(1, g // 4),
        "core",
        np.where(np.arange(g) < max(2, g // 2), "engine", "town_group"),
    )
    first = rng.integers(0, p, g)
    span = np.minimum(rng.integers(1, 4, g), p)
    zone = counties["zone"].to_numpy()
    # Membership: a county of a group's cities joins with a probability by group kind
    # and zone; the overlap comes from neighbouring groups sharing cities.
    take = np.where(kinds == "core", 0.6, np.where(kinds == "engine", 0.45, 0.3))
    lo, hi = first, first + span
    city_in = (city[None, :] >= lo[:, None]) & (city[None, :] < hi[:, None])
    zone_bonus = np.where(zone == "urban", 1.4, np.where(zone == "agricultural", 1.0, 0.6))
    joins = city_in & (rng.random(city_in.shape) < take[:, None] * zone_bonus[None, :])
    joins[np.arange(g), np.searchsorted(city, first)] = True  # no group is empty
    gi, ci = np.nonzero(joins)
    ids = np.array([f"G{k + 1:03d}" for k in range(g)], dtype=object)
    members = pd.DataFrame({"group_id": ids[gi], "county_id": counties["county_id"].to_numpy()[ci]})
    demand = counties["demand"].to_numpy()
    demand_share = np.bincount(gi, demand[ci], minlength=g) / demand.sum()
    min_share = np.full(g, np.nan)
    max_share = np.full(g, np.nan)
    # The first core group is guaranteed part of its demand share; one town group is capped.
    min_share[0] = np.floor(demand_share[0] * 0.5 * 100) / 100 or np.nan
    if g > 2:
        max_share[-1] = min(1.0, max(0.05, np.ceil(demand_share[-1] * 1.5 * 100) / 100))
    groups = pd.DataFrame(
        {
            "group_id": ids,
            "name": _names(rng, g, np.array(["组群"], dtype=object)),
            "kind": kinds,
            "weight": np.round(
                np.where(
                    kinds == "core",
                    rng.uniform(1.3, 1.6, g),
                    np.where(
                        kinds == "engine", rng.uniform(1.15, 1.35, g), rng.uniform(1.05, 1.2, g)
                    ),
                ),
                2,
            ),
            "min_share": min_share,
            "max_share": max_share,
        }
    )
    return groups, members


def _scenario_toml(counties: pd.DataFrame, scope: str, name: str) -> str:
    """SCENARIO as scenario.toml: a scarce pool (POOL_SHARE of the counties' room), the
    plan's bands, the region floor."""
    c, sc = counties, SCENARIO
    upper = allocation_upper(c, sc)
    total = max(round(POOL_SHARE * float(upper.sum()), -1), float(c["min_allocation"].sum()))
    floor = np.floor(float(c["farmland_floor"].sum()))
    pc, link, rates = sc.per_capita, sc.linkage, sc.defaults
    return f"""\
# Synthetic scenario written by `landquota synth` (values are plausible, not real).

[scenario]
name = "{name}"

[quota]
total = {total:.0f}  # ha; about {POOL_SHARE:.0%} of what the counties could take

[intensity]
reduction = {sc.intensity.reduction:.2f}

[per_capita]
floor_m2 = {fmt(pc.floor_m2)}
cap_m2 = {fmt(pc.cap_m2)}
shortfall_penalty = {pc.shortfall_penalty:.1f}

[farmland]
region_floor = {floor:.0f}  # ha; the sum of the county floors
balance_scope = "{sc.farmland.balance_scope}"

[linkage]
scope = "{scope}"
same_city_cost = {link.same_city_cost}
cross_city_cost = {link.cross_city_cost}
reclaim_cost = {link.reclaim_cost}
supplement_cost = {link.supplement_cost}

[defaults]
occupation_rate = {rates.occupation_rate}
urban_share = {rates.urban_share}
resettle_ratio = {rates.resettle_ratio}
reclaim_to_farmland = {rates.reclaim_to_farmland}
"""
