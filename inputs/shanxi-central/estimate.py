"""Build the shanxi-central reference dataset from the plan facts and documented assumptions.

Maintainer tool, not part of the package: it writes ``counties.csv``, ``groups.csv`` and
``group_members.csv`` next to itself and makes sure every feature of ``counties.geojson``
carries a ``county_id`` property. ``scenario.toml`` is kept by hand; ``--check`` reads it and
solves the linear program of MODEL.md §3 with scipy (HiGHS) as an independent sanity check.

    python inputs/shanxi-central/estimate.py            # regenerate the CSV files
    python inputs/shanxi-central/estimate.py --check    # ... and solve the LP, print a summary

Everything is deterministic (no randomness). County figures are ESTIMATES: the plan
(山西中部城市群国土空间规划 2021-2035) gives only agglomeration and group totals; the county
split below uses approximate city statistics (APPROX), land areas measured from the boundary
file (GEO) and the per-kind assumptions in ``KINDS``. Calibrated totals are in ``TARGETS``.
See README.md in this folder for the column-by-column account.
"""

from __future__ import annotations

import argparse
import json
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent

# --------------------------------------------------------------------------------------------
# Totals the dataset is calibrated to
# --------------------------------------------------------------------------------------------

#: PLAN: agglomeration totals; the farmland targets are kept just above the plan minimum so that
#: rounding can never push the sums below it.
TARGETS = {
    "pop_2020": 16_094_900,  # persons, PLAN (1609.49万)
    "gdp_2020": 8937.0,  # 亿元, PLAN
    "urban_pop_2035": 14_320_000,  # persons, PLAN (城镇人口 1432万左右)
    "dev_boundary": 210_918.0,  # ha, PLAN (城镇开发边界 2109.18 km²)
    "farmland_floor": 1_565_000.0,  # ha, PLAN ≥ 1,564,920 (耕地保有量 2347.38万亩)
    "basic_farmland": 1_274_000.0,  # ha, PLAN ≥ 1,273,640 (永久基本农田 1910.46万亩)
    "construction_per_gdp": 50.0,  # ha per 亿元 in 2020, APPROX (FACTS.md hint)
    "supplement_potential": 30_000.0,  # ha of reserve land (耕地后备资源), assumption
}

#: APPROX: city population (persons) and GDP (亿元) 2020, public statistics, rounded.
CITY_POP = {"太原市": 530e4, "晋中市": 338e4, "忻州市": 269e4, "吕梁市": 340e4, "阳泉市": 132e4}
CITY_GDP = {"太原市": 4153.0, "晋中市": 1559.0, "忻州市": 1034.0, "吕梁市": 1464.0, "阳泉市": 726.0}

#: Tolerances used when fitting urban_pop_2035 to the plan's group figures.
GROUP_TOLERANCE = 0.02  # each group within ±2 % of the plan (the tests allow ±3 %)
TOTAL_TOLERANCE = 0.003  # agglomeration total within ±0.3 % (the tests allow ±1 %)
FIT_TARGET_PULL = 1.0  # how strongly the fit pulls each group towards the plan figure itself

# --------------------------------------------------------------------------------------------
# Priority groups (PLAN, FACTS.md): id, name, kind, weight, min_share, 2035 population and
# urban population, members. Weights follow the plan's emphasis: 一核 first, then the two
# engines, then the four town groups. The one min_share (一核 ≥ 35 % of all new land)
# restates "优先保障以太原都市区为核心的盆地城镇密集区发展"; with this data it holds at the
# optimum anyway (see --check).
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupSpec:
    group_id: str
    name: str
    kind: str
    weight: float
    min_share: float | None
    pop_2035: float  # resident population 2035, persons, PLAN
    urban_pop_2035: float  # persons, PLAN
    members: tuple[str, ...]  # county names as in counties.csv


GROUPS: tuple[GroupSpec, ...] = (
    GroupSpec(
        "G1_core",
        "一核：太原都市区",
        "core",
        1.5,
        0.35,
        931e4,
        839e4,
        (
            "小店区",
            "迎泽区",
            "杏花岭区",
            "尖草坪区",
            "万柏林区",
            "晋源区",
            "清徐县",
            "阳曲县",
            "榆次区",
            "太谷区",
            "忻府区",
        ),
    ),
    GroupSpec(
        "G2_north",
        "北引擎：太忻一体化经济区",
        "engine",
        1.3,
        None,
        602e4,
        523e4,
        (
            "尖草坪区",
            "杏花岭区",
            "迎泽区",
            "万柏林区",
            "古交市",
            "阳曲县",
            "忻府区",
            "定襄县",
            "原平市",
            "繁峙县",
            "代县",
            "五台县",
        ),
    ),
    GroupSpec(
        "G3_south",
        "南引擎：山西转型综改示范区（含重点辐射区）",
        "engine",
        1.3,
        None,
        683e4,
        544e4,
        (
            "晋源区",
            "小店区",
            "清徐县",
            "榆次区",
            "太谷区",
            "祁县",
            "平遥县",
            "介休市",
            "寿阳县",
            "文水县",
            "交城县",
            "孝义市",
            "汾阳市",
        ),
    ),
    GroupSpec(
        "G4_xindingyuan",
        "忻定原城镇组群",
        "town_group",
        1.15,
        None,
        135e4,
        102e4,
        ("忻府区", "定襄县", "原平市"),
    ),
    GroupSpec(
        "G5_jiexiaofen",
        "介孝汾城镇组群",
        "town_group",
        1.15,
        None,
        133e4,
        100e4,
        ("介休市", "孝义市", "汾阳市"),
    ),
    GroupSpec(
        "G6_yangmengping",
        "阳孟平城镇组群",
        "town_group",
        1.15,
        None,
        130e4,
        108e4,
        ("城区", "矿区", "郊区", "盂县", "平定县"),
    ),
    GroupSpec(
        "G7_liliuzhongfang",
        "离柳中方城镇组群",
        "town_group",
        1.15,
        None,
        95e4,
        70e4,
        ("离石区", "柳林县", "中阳县", "方山县"),
    ),
)

# --------------------------------------------------------------------------------------------
# Kinds of county: the assumptions that differ between dense districts, growth districts,
# basin counties and mountain counties. Every figure here is an assumption (APPROX at best).
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    pop_growth: float  # resident population 2035 / 2020
    urban_rate_2035: float  # urbanisation 2035 (before the fit to the plan's group figures)
    gdp_growth: float  # GDP 2035 / 2020 at 2020 prices
    rural_m2: float  # rural settlement land per rural resident, m²
    other_share: float  # other construction land (roads, mines, water, …) / (urban + rural)
    basic_ratio: float  # basic farmland / farmland floor (before scaling to the plan total)
    reclaim_share: float  # reclaimable share of rural settlement land
    supplement_weight: float  # relative density of reserve land per ha of area
    ask: float  # how much more than the "need" a county asks for
    boundary_factor: float  # development-boundary room relative to σ·demand (before scaling)
    floor_slack: float  # farmland the floor leaves for occupation, relative to α·demand
    occupation_rate: float | None  # α written to counties.csv; None = scenario default
    new_urban_m2: float  # urban land per new urban resident in the demand estimate, m²
    fit_flex: float  # how freely the 2035 fit may move the county (relative)


# One row per kind, columns in the order of the Kind fields above.
# kind        growth urb35  gdp  rural other basic reclaim supp  ask  bdy  slack   α    m²  flex
_KIND_TABLE: dict[str, tuple] = {
    # Old built-up districts: no room, little farmland, little rural land.
    "dense": (1.12, 1.00, 2.25, 200, 0.10, 0.50, 0.03, 0.0, 1.6, 0.70, 1.2, 0.08, 90, 0.3),
    # Growing urban districts with expansion areas (新区, 产业新城).
    "growth": (1.30, 0.97, 2.40, 220, 0.15, 0.55, 0.04, 0.2, 1.6, 1.30, 0.9, 0.30, 100, 1.0),
    # County-like members of the 一核 with a farmland belt.
    "fringe": (1.30, 0.78, 2.30, 240, 0.30, 0.75, 0.05, 0.3, 1.6, 1.30, 1.0, None, 115, 1.0),
    # Coal and industry towns: high per-capita land, lots of mining land.
    "resource": (1.00, 0.80, 1.85, 280, 0.80, 0.78, 0.07, 0.5, 1.5, 1.00, 1.0, None, 120, 1.0),
    # City seat in a river valley.
    "seat": (1.08, 0.80, 2.10, 250, 0.35, 0.80, 0.06, 0.5, 1.5, 1.10, 1.0, None, 115, 1.0),
    # Basin grain counties (农产品主产区): the floor is tight, occupation is high.
    "agri": (0.97, 0.62, 1.95, 260, 0.30, 0.88, 0.06, 0.5, 1.4, 1.10, 0.5, 0.60, 120, 1.0),
    # 太行山 / 吕梁山 mountain counties: sparse villages, reserve land, little demand.
    "mountain": (0.90, 0.55, 1.80, 340, 0.40, 0.80, 0.13, 1.5, 1.3, 0.90, 1.2, None, 130, 1.0),
}
KINDS: dict[str, Kind] = {name: Kind(*row) for name, row in _KIND_TABLE.items()}

#: Per-county exceptions to the kind's pop_growth (the plan concentrates growth in the 一核).
POP_GROWTH = {
    "小店区": 1.35,
    "晋源区": 1.80,
    "尖草坪区": 1.30,
    "阳曲县": 1.80,
    "榆次区": 1.35,
    "太谷区": 1.35,
    "忻府区": 1.25,
    "清徐县": 1.20,
    "离石区": 1.15,
    "古交市": 0.95,
    "城区": 1.0,
    "矿区": 1.0,
}

#: Districts with (almost) no cultivated land: their new land cannot occupy farmland (α = 0).
NO_FARMLAND = ("城区", "矿区")

#: Former poverty counties with large relocation (易地扶贫搬迁) programmes: more of the
#: reclaimed land is re-used for resettlement (ρ written to counties.csv).
RESETTLE_RATIO = {"兴县": 0.40, "临县": 0.40, "石楼县": 0.40}

MAX_BUILT_SHARE = 0.92  # construction land 2020 at most this share of the county's land
MAX_DEMAND_SHARE = 0.6  # demand at most this share of the land not yet built on
HA_PER_GDP_GROWTH = 2.0  # ha of non-urban construction land per 亿元 of GDP growth
BASE_SHARE = 0.03  # renewal/infrastructure base demand, share of construction land 2020
MIN_ALLOCATION_SHARE = 0.08  # guaranteed minimum (livelihood) for agricultural/ecological
URBAN_SHARE = 0.7  # σ used to size demand-related room (scenario default)
DEFAULT_ALPHA = 0.45  # α scenario default, used where counties.csv leaves it empty
DEFAULT_KAPPA = 0.8  # κ scenario default

# --------------------------------------------------------------------------------------------
# The 53 counties. adcode, name, city, area (km², GEO: from the boundary file), zone
# (illustrative), kind; then the county assumptions: population 2020 (万, APPROX, rescaled to the
# city total), GDP 2020 (亿元, APPROX, rescaled to the city total), urbanisation 2020, urban land
# per urban resident 2020 (m²), cultivated share of the land area (before scaling).
# --------------------------------------------------------------------------------------------

COUNTIES: tuple[tuple, ...] = (
    ("140105", "小店区", "太原市", 289.9, "urban", "growth", 117.0, 975, 0.95, 92, 0.25),
    ("140106", "迎泽区", "太原市", 105.1, "urban", "dense", 75.0, 540, 0.99, 82, 0.03),
    ("140107", "杏花岭区", "太原市", 145.9, "urban", "dense", 80.0, 457, 0.98, 85, 0.05),
    ("140108", "尖草坪区", "太原市", 295.3, "urban", "growth", 60.0, 374, 0.96, 105, 0.12),
    ("140109", "万柏林区", "太原市", 287.2, "urban", "dense", 94.0, 602, 0.98, 90, 0.05),
    ("140110", "晋源区", "太原市", 291.3, "urban", "growth", 26.5, 166, 0.80, 120, 0.25),
    ("140121", "清徐县", "太原市", 605.6, "urban", "fringe", 34.5, 249, 0.55, 125, 0.50),
    ("140122", "阳曲县", "太原市", 2083.4, "urban", "fringe", 13.5, 104, 0.45, 140, 0.22),
    ("140123", "娄烦县", "太原市", 1288.9, "ecological", "mountain", 9.0, 42, 0.40, 135, 0.15),
    ("140181", "古交市", "太原市", 1510.7, "urban", "resource", 20.5, 166, 0.85, 165, 0.12),
    ("140302", "城区", "阳泉市", 15.2, "urban", "dense", 19.0, 170, 1.00, 72, 0.0),
    ("140303", "矿区", "阳泉市", 12.2, "urban", "dense", 15.5, 80, 1.00, 70, 0.0),
    ("140311", "郊区", "阳泉市", 622.6, "urban", "resource", 32.0, 150, 0.55, 160, 0.15),
    ("140321", "平定县", "阳泉市", 1401.7, "ecological", "mountain", 33.0, 150, 0.45, 145, 0.16),
    ("140322", "盂县", "阳泉市", 2506.9, "ecological", "mountain", 32.5, 176, 0.45, 155, 0.15),
    ("140702", "榆次区", "晋中市", 1319.3, "urban", "growth", 92.0, 480, 0.80, 110, 0.40),
    ("140703", "太谷区", "晋中市", 1038.0, "urban", "fringe", 30.0, 95, 0.55, 125, 0.45),
    ("140721", "榆社县", "晋中市", 1692.4, "ecological", "mountain", 11.0, 35, 0.40, 140, 0.16),
    ("140722", "左权县", "晋中市", 2023.7, "ecological", "mountain", 14.0, 50, 0.40, 145, 0.12),
    ("140723", "和顺县", "晋中市", 2199.7, "ecological", "mountain", 12.0, 55, 0.42, 148, 0.14),
    ("140724", "昔阳县", "晋中市", 1939.2, "ecological", "mountain", 19.5, 75, 0.42, 155, 0.17),
    ("140725", "寿阳县", "晋中市", 2128.7, "agricultural", "agri", 19.5, 95, 0.45, 135, 0.28),
    ("140727", "祁县", "晋中市", 857.1, "agricultural", "agri", 25.0, 85, 0.48, 125, 0.50),
    ("140728", "平遥县", "晋中市", 1253.6, "agricultural", "agri", 45.5, 150, 0.48, 120, 0.48),
    ("140729", "灵石县", "晋中市", 1215.9, "urban", "resource", 26.0, 200, 0.58, 170, 0.15),
    ("140781", "介休市", "晋中市", 726.0, "urban", "resource", 43.5, 240, 0.62, 158, 0.40),
    ("140902", "忻府区", "忻州市", 1983.7, "urban", "fringe", 57.0, 220, 0.70, 115, 0.38),
    ("140921", "定襄县", "忻州市", 848.1, "agricultural", "agri", 20.5, 65, 0.45, 130, 0.45),
    ("140922", "五台县", "忻州市", 2869.6, "ecological", "mountain", 24.5, 50, 0.40, 130, 0.15),
    ("140923", "代县", "忻州市", 1748.7, "agricultural", "agri", 17.0, 60, 0.42, 125, 0.30),
    ("140924", "繁峙县", "忻州市", 2388.0, "ecological", "mountain", 22.5, 60, 0.42, 140, 0.18),
    ("140925", "宁武县", "忻州市", 1950.2, "ecological", "mountain", 14.5, 60, 0.42, 155, 0.15),
    ("140926", "静乐县", "忻州市", 2043.2, "ecological", "mountain", 13.0, 25, 0.38, 130, 0.17),
    ("140927", "神池县", "忻州市", 1478.7, "ecological", "mountain", 9.0, 22, 0.40, 140, 0.28),
    ("140928", "五寨县", "忻州市", 1383.3, "ecological", "mountain", 9.5, 22, 0.40, 135, 0.28),
    ("140929", "岢岚县", "忻州市", 1997.0, "ecological", "mountain", 7.0, 20, 0.42, 145, 0.19),
    ("140930", "河曲县", "忻州市", 1312.7, "ecological", "resource", 13.0, 95, 0.55, 168, 0.19),
    ("140931", "保德县", "忻州市", 992.6, "ecological", "resource", 14.5, 130, 0.55, 172, 0.17),
    ("140932", "偏关县", "忻州市", 1669.7, "ecological", "mountain", 8.0, 25, 0.40, 140, 0.19),
    ("140981", "原平市", "忻州市", 2529.6, "agricultural", "agri", 39.0, 180, 0.50, 125, 0.42),
    ("141102", "离石区", "吕梁市", 1315.9, "urban", "seat", 38.5, 180, 0.75, 105, 0.15),
    ("141121", "文水县", "吕梁市", 1070.0, "agricultural", "agri", 36.0, 95, 0.45, 125, 0.50),
    ("141122", "交城县", "吕梁市", 1830.4, "agricultural", "agri", 21.0, 110, 0.55, 135, 0.20),
    ("141123", "兴县", "吕梁市", 3169.8, "ecological", "mountain", 24.5, 150, 0.40, 148, 0.18),
    ("141124", "临县", "吕梁市", 2979.5, "ecological", "mountain", 45.0, 80, 0.35, 115, 0.22),
    ("141125", "柳林县", "吕梁市", 1291.4, "urban", "resource", 28.0, 230, 0.52, 165, 0.20),
    ("141126", "石楼县", "吕梁市", 1737.3, "ecological", "mountain", 10.0, 25, 0.35, 120, 0.20),
    ("141127", "岚县", "吕梁市", 1510.3, "ecological", "mountain", 13.5, 30, 0.40, 135, 0.22),
    ("141128", "方山县", "吕梁市", 1440.3, "ecological", "mountain", 11.0, 40, 0.40, 130, 0.20),
    ("141129", "中阳县", "吕梁市", 1437.0, "ecological", "resource", 14.0, 100, 0.52, 160, 0.14),
    ("141130", "交口县", "吕梁市", 1260.5, "ecological", "mountain", 9.5, 45, 0.40, 155, 0.13),
    ("141181", "孝义市", "吕梁市", 934.2, "urban", "resource", 50.0, 480, 0.68, 155, 0.35),
    ("141182", "汾阳市", "吕梁市", 1173.1, "urban", "seat", 39.0, 180, 0.55, 128, 0.45),
)
COUNTY_FIELDS = (
    "county_id",
    "name",
    "city",
    "area_km2",
    "zone",
    "kind",
    "pop_w",
    "gdp_w",
    "urban_rate_2020",
    "urban_m2_2020",
    "cultivated_share",
)

OUTPUT_COLUMNS = (
    "county_id",
    "name",
    "city",
    "zone",
    "pop_2020",
    "urban_pop_2020",
    "urban_pop_2035",
    "gdp_2020",
    "gdp_2035",
    "construction_land_2020",
    "urban_land_2020",
    "rural_settlement_2020",
    "cultivated_2020",
    "farmland_floor",
    "basic_farmland",
    "dev_boundary",
    "demand",
    "min_allocation",
    "reclaim_potential",
    "supplement_potential",
    "occupation_rate",
    "urban_share",
    "resettle_ratio",
    "reclaim_to_farmland",
)


def base_table() -> pd.DataFrame:
    df = pd.DataFrame(COUNTIES, columns=COUNTY_FIELDS)
    df["area_ha"] = df["area_km2"] * 100.0
    for field in Kind.__dataclass_fields__:
        df[field] = [getattr(KINDS[k], field) for k in df["kind"]]
    return df


def scale_within_city(
    df: pd.DataFrame, weights: str, city_totals: dict[str, float], total: float
) -> pd.Series:
    """Split city totals by county weights, then rescale so the agglomeration sums to total."""
    share = df[weights] / df.groupby("city")[weights].transform("sum")
    values = share * df["city"].map(city_totals)
    return values * total / values.sum()


def round_to_total(values: pd.Series, decimals: int, total: float) -> pd.Series:
    """Round to `decimals` so that the rounded values still sum to `total` (largest remainder)."""
    scale = 10.0**decimals
    raw = values.to_numpy() * scale
    out = np.floor(raw)
    short = round(float(total * scale - out.sum()))
    order = np.argsort(-(raw - out), kind="stable")
    out[order[:short]] += 1
    return pd.Series(out / scale, index=values.index)


def members_mask(df: pd.DataFrame, group: GroupSpec) -> np.ndarray:
    unknown = set(group.members) - set(df["name"])
    if unknown:
        raise ValueError(f"{group.group_id}: unknown members {sorted(unknown)}")
    return df["name"].isin(group.members).to_numpy()


def fit_urban_pop_2035(df: pd.DataFrame, natural: np.ndarray) -> np.ndarray:
    """Small change to the natural projection that meets the plan's group figures.

    Minimises Σ_i v_i (y_i − 1)² + FIT_TARGET_PULL · Σ_g (G_g / t_g − 1)², with y = x / n the
    change from the natural projection n, v_i ∝ n_i / fit_flex_i (big counties absorb more,
    dense districts resist), G_g the group's fitted sum and t_g the plan figure (the total
    counts as one more group). Hard limits: every group within ±GROUP_TOLERANCE, the total
    within ±TOTAL_TOLERANCE, x_i ≥ urban_pop_2020, y_i in [0.8, 1.3]. SLSQP from y = 1:
    deterministic.
    """
    from scipy.optimize import minimize

    n = natural
    rows = [(members_mask(df, g).astype(float), g.urban_pop_2035, GROUP_TOLERANCE) for g in GROUPS]
    rows.append((np.ones(len(df)), TARGETS["urban_pop_2035"], TOTAL_TOLERANCE))
    coefs = np.array([mask * n / target for mask, target, _ in rows])
    cons = []
    for coef, (_, _, tol) in zip(coefs, rows, strict=True):
        cons.append(
            {
                "type": "ineq",
                "fun": lambda y, c=coef, t=tol: c @ y - (1 - t),
                "jac": lambda y, c=coef: c,
            }
        )
        cons.append(
            {
                "type": "ineq",
                "fun": lambda y, c=coef, t=tol: (1 + t) - c @ y,
                "jac": lambda y, c=coef: -c,
            }
        )
    lower = np.maximum(0.8, df["urban_pop_2020"].to_numpy() / n)
    bounds = list(zip(lower, np.full(len(n), 1.3), strict=True))
    weight = n / n.sum() / df["fit_flex"].to_numpy()

    def objective(y: np.ndarray) -> float:
        return float(weight @ (y - 1) ** 2 + FIT_TARGET_PULL * np.sum((coefs @ y - 1) ** 2))

    def gradient(y: np.ndarray) -> np.ndarray:
        return 2 * weight * (y - 1) + 2 * FIT_TARGET_PULL * coefs.T @ (coefs @ y - 1)

    res = minimize(
        objective,
        np.ones(len(n)),
        jac=gradient,
        bounds=bounds,
        constraints=cons,
        method="SLSQP",
        options={"maxiter": 1000, "ftol": 1e-14},
    )
    if not res.success:
        raise RuntimeError(f"urban_pop_2035 fit failed: {res.message}")
    return n * res.x


def spread_to_total(weights: np.ndarray, total: float, cap: np.ndarray) -> np.ndarray:
    """total split in proportion to weights, no entry above cap (excess goes to the others)."""
    out = np.zeros_like(weights, dtype=float)
    free = np.ones(len(weights), dtype=bool)
    remaining = total
    for _ in range(len(weights)):
        share = remaining * weights * free / (weights * free).sum()
        over = free & (share > cap)
        if not over.any():
            out[free] = share[free]
            return out
        out[over] = cap[over]
        remaining -= cap[over].sum()
        free &= ~over
    raise RuntimeError("cannot spread total under the caps")


def build() -> tuple[pd.DataFrame, dict[str, float]]:
    """The counties table and a dictionary of calibration diagnostics."""
    df = base_table()
    diag: dict[str, float] = {}

    # Population and GDP 2020: city totals (APPROX) split by county weights, then the
    # agglomeration total calibrated to the plan.
    df["pop_2020"] = round_to_total(
        scale_within_city(df, "pop_w", CITY_POP, TARGETS["pop_2020"]), 0, TARGETS["pop_2020"]
    )
    df["gdp_2020"] = round_to_total(
        scale_within_city(df, "gdp_w", CITY_GDP, TARGETS["gdp_2020"]), 1, TARGETS["gdp_2020"]
    )
    df["urban_pop_2020"] = (df["pop_2020"] * df["urban_rate_2020"]).round()

    # Urban population 2035: natural projection, then fitted to the plan's group figures.
    # Members of a town group (other than dense districts) start from the group's plan
    # population growth and urbanisation; POP_GROWTH overrides the growth where given.
    pop_growth = df["pop_growth"].copy()
    urban_rate = df["urban_rate_2035"].copy()
    for g in GROUPS:
        if g.kind != "town_group":
            continue
        members = members_mask(df, g)
        ratio = g.pop_2035 / df.loc[members, "pop_2020"].sum()
        mask = members & (df["kind"] != "dense").to_numpy()
        pop_growth[mask] = ratio
        urban_rate[mask] = g.urban_pop_2035 / g.pop_2035
    pop_growth = df["name"].map(POP_GROWTH).fillna(pop_growth)
    natural = (df["pop_2020"] * pop_growth * urban_rate).to_numpy()
    natural = np.maximum(natural, df["urban_pop_2020"].to_numpy())
    df["urban_pop_2035"] = np.round(fit_urban_pop_2035(df, natural))
    diag["urban_pop_2035_fit_max_change"] = float(
        np.max(np.abs(df["urban_pop_2035"] / natural - 1))
    )

    df["gdp_2035"] = df["gdp_2020"] * df["gdp_growth"]

    # Land 2020: urban land from per-capita assumptions, rural settlement from the rural
    # population, other construction land scaled so that the total meets ~50 ha per 亿元.
    df["urban_land_2020"] = df["urban_pop_2020"] * df["urban_m2_2020"] / 1e4
    df["rural_settlement_2020"] = (df["pop_2020"] - df["urban_pop_2020"]) * df["rural_m2"] / 1e4
    # No county is built up beyond MAX_BUILT_SHARE of its land (the small 阳泉 districts).
    settled = df["urban_land_2020"] + df["rural_settlement_2020"]
    other_w = (settled * df["other_share"]).to_numpy()
    other_cap = (MAX_BUILT_SHARE * df["area_ha"] - settled).clip(lower=0).to_numpy()
    target_c = TARGETS["construction_per_gdp"] * df["gdp_2020"].sum()
    other = spread_to_total(other_w, target_c - settled.sum(), other_cap)
    df["construction_land_2020"] = settled + other
    diag["other_construction_scale"] = float(other.sum() / other_w.sum())

    # Rates written to counties.csv (only where a county clearly differs from the default).
    df["occupation_rate"] = df["occupation_rate"].astype(float)
    df.loc[df["name"].isin(NO_FARMLAND), "occupation_rate"] = 0.0
    df["resettle_ratio"] = df["name"].map(RESETTLE_RATIO)
    df["urban_share"] = np.nan
    df["reclaim_to_farmland"] = np.nan
    alpha = df["occupation_rate"].fillna(DEFAULT_ALPHA)

    # Demand: new urban residents at the kind's m² per person, GDP growth, a renewal base;
    # times the ask; never more than MAX_DEMAND_SHARE of the land not yet built on.
    growth_urban = (df["urban_pop_2035"] - df["urban_pop_2020"]).clip(lower=0)
    need = (
        growth_urban * df["new_urban_m2"] / 1e4
        + (df["gdp_2035"] - df["gdp_2020"]) * HA_PER_GDP_GROWTH
        + BASE_SHARE * df["construction_land_2020"]
    )
    unbuilt = df["area_ha"] - df["construction_land_2020"]
    df["demand"] = np.minimum(need * df["ask"], MAX_DEMAND_SHARE * unbuilt)
    diag["counties_with_demand_cut_by_land"] = float((need * df["ask"] > df["demand"]).sum())

    # Reclaim and supplement potential.
    df["reclaim_potential"] = df["rural_settlement_2020"] * df["reclaim_share"]
    df["supplement_potential"] = spread_to_total(
        (df["area_ha"] * df["supplement_weight"]).to_numpy(),
        TARGETS["supplement_potential"],
        np.full(len(df), np.inf),
    )

    # Cultivated land, farmland floor, basic farmland. The floor leaves each county
    # floor_slack·α·demand of farmland to occupy (at most 60 % of its cultivated land); the
    # cultivated land is spread by area × cultivated share so that the floors sum to the plan.
    slack_want = df["floor_slack"] * alpha * df["demand"]
    weights = (df["area_ha"] * df["cultivated_share"]).to_numpy()
    cultivated = np.zeros(len(df))
    slack = slack_want.to_numpy()
    for _ in range(50):
        cultivated = weights / weights.sum() * (TARGETS["farmland_floor"] + slack.sum())
        slack = np.minimum(slack_want.to_numpy(), 0.6 * cultivated)
    floor = cultivated - slack
    floor *= TARGETS["farmland_floor"] / floor.sum()
    df["cultivated_2020"] = floor + slack
    df["farmland_floor"] = floor
    basic = df["basic_ratio"] * floor
    df["basic_farmland"] = basic * TARGETS["basic_farmland"] / basic.sum()
    diag["max_basic_over_floor"] = float((df["basic_farmland"] / floor).max())

    # Development boundary: urban land 2020 plus room ∝ boundary_factor·σ·demand, scaled to the
    # plan total, never more than 95 % of the county's land.
    room_cap = (0.95 * df["area_ha"] - df["urban_land_2020"]).to_numpy()
    room_w = (df["boundary_factor"] * URBAN_SHARE * df["demand"]).to_numpy()
    room = spread_to_total(room_w, TARGETS["dev_boundary"] - df["urban_land_2020"].sum(), room_cap)
    df["dev_boundary"] = df["urban_land_2020"] + room
    diag["boundary_room_over_sigma_demand"] = float(
        room.sum() / (room_w / df["boundary_factor"]).sum()
    )

    # Guaranteed minimum for agricultural and ecological counties, inside what the county can
    # take anyway (cap, boundary, farmland) so it never makes the scenario infeasible.
    capacity = county_capacity(df, alpha)
    eligible = df["zone"].isin(["agricultural", "ecological"])
    df["min_allocation"] = np.where(
        eligible, np.minimum(MIN_ALLOCATION_SHARE * df["demand"], 0.8 * capacity), 0.0
    )
    return finish(df), diag


def county_capacity(df: pd.DataFrame, alpha: pd.Series) -> pd.Series:
    """Largest allocation each county could take on its own (per-capita cap, boundary,
    farmland floor with its own reclamation and reserve land, basic farmland), ha."""
    sigma = URBAN_SHARE
    cap_room = (150 * df["urban_pop_2035"] / 1e4 - df["urban_land_2020"]).clip(lower=0)
    bdy_room = (df["dev_boundary"] - df["urban_land_2020"]).clip(lower=0)
    own = (
        df["cultivated_2020"]
        - df["farmland_floor"]
        + DEFAULT_KAPPA * df["reclaim_potential"]
        + df["supplement_potential"]
    )
    basic_room = df["cultivated_2020"] - df["basic_farmland"]
    limits = [df["demand"], cap_room / sigma, bdy_room / sigma]
    safe_alpha = alpha.where(alpha > 0)
    limits += [(own / safe_alpha).fillna(np.inf), (basic_room / safe_alpha).fillna(np.inf)]
    return pd.concat(limits, axis=1).min(axis=1)


def finish(df: pd.DataFrame) -> pd.DataFrame:
    """Round as documented (persons 0 dp, ha and 亿元 1 dp) and order the columns and rows."""
    out = df.copy()
    for col in ("pop_2020", "urban_pop_2020", "urban_pop_2035"):
        out[col] = out[col].round().astype("int64")
    ha = [
        "construction_land_2020",
        "urban_land_2020",
        "rural_settlement_2020",
        "cultivated_2020",
        "farmland_floor",
        "basic_farmland",
        "dev_boundary",
        "demand",
        "min_allocation",
        "reclaim_potential",
        "supplement_potential",
    ]
    for col in [*ha, "gdp_2020", "gdp_2035"]:
        out[col] = out[col].round(1)
    # Rounding must not break the calibrated sums or the row rules: the floors are rounded up.
    out["farmland_floor"] = np.ceil(df["farmland_floor"] * 10) / 10
    out["basic_farmland"] = np.ceil(df["basic_farmland"] * 10) / 10
    out["cultivated_2020"] = np.maximum(out["cultivated_2020"], out["farmland_floor"])
    out["construction_land_2020"] = np.maximum(
        out["construction_land_2020"], out["urban_land_2020"] + out["rural_settlement_2020"]
    )
    out["min_allocation"] = np.floor(df["min_allocation"] * 10) / 10
    out["reclaim_potential"] = np.floor(df["reclaim_potential"] * 10) / 10
    # The boundary total is exact to 0.1 ha: put the rounding residue on the largest room.
    residue = round(TARGETS["dev_boundary"] - out["dev_boundary"].sum(), 1)
    big = (out["dev_boundary"] - out["urban_land_2020"]).idxmax()
    out.loc[big, "dev_boundary"] = round(out.loc[big, "dev_boundary"] + residue, 1)
    return out.sort_values("county_id").reset_index(drop=True)


def groups_tables(counties: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    groups = pd.DataFrame(
        [(g.group_id, g.name, g.kind, g.weight, g.min_share, None) for g in GROUPS],
        columns=["group_id", "name", "kind", "weight", "min_share", "max_share"],
    )
    ids = dict(zip(counties["name"], counties["county_id"], strict=True))
    members = pd.DataFrame(
        [(g.group_id, ids[m]) for g in GROUPS for m in g.members], columns=["group_id", "county_id"]
    )
    return groups, members.sort_values(["group_id", "county_id"]).reset_index(drop=True)


def tag_geojson(path: Path, counties: pd.DataFrame) -> None:
    """Make sure every feature has county_id (the adcode as text) and matches counties.csv."""
    data = json.loads(path.read_text(encoding="utf-8"))
    changed = False
    for feature in data["features"]:
        props = feature["properties"]
        if "county_id" not in props:
            feature["properties"] = {"county_id": str(props["adcode"]), **props}
            changed = True
    ids = {f["properties"]["county_id"] for f in data["features"]}
    if ids != set(counties["county_id"]):
        raise ValueError("counties.geojson and counties.csv have different county ids")
    if changed:
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        path.write_text(text + "\n", encoding="utf-8")


def calibration_report(counties: pd.DataFrame, diag: dict[str, float]) -> str:
    c = counties
    ids = dict(zip(c["name"], c.index, strict=True))
    lines = ["calibration (target → achieved):"]

    def line(label: str, target: float, achieved: float, unit: str) -> None:
        rel = achieved / target - 1 if target else float("nan")
        lines.append(f"  {label:<34} {target:>14,.1f} → {achieved:>14,.1f} {unit:<8} ({rel:+.3%})")

    line("pop_2020", TARGETS["pop_2020"], c["pop_2020"].sum(), "persons")
    line("gdp_2020", TARGETS["gdp_2020"], c["gdp_2020"].sum(), "亿元")
    line("urban_pop_2035", TARGETS["urban_pop_2035"], c["urban_pop_2035"].sum(), "persons")
    for g in GROUPS:
        idx = [ids[m] for m in g.members]
        line(
            f"urban_pop_2035 {g.group_id}",
            g.urban_pop_2035,
            c.loc[idx, "urban_pop_2035"].sum(),
            "persons",
        )
    line("dev_boundary", TARGETS["dev_boundary"], c["dev_boundary"].sum(), "ha")
    line("farmland_floor (plan ≥ 1,564,920)", 1_564_920, c["farmland_floor"].sum(), "ha")
    line("basic_farmland (plan ≥ 1,273,640)", 1_273_640, c["basic_farmland"].sum(), "ha")
    line(
        "construction_land_2020 (50 ha/亿)",
        TARGETS["construction_per_gdp"] * TARGETS["gdp_2020"],
        c["construction_land_2020"].sum(),
        "ha",
    )
    for city, pop in CITY_POP.items():
        m = c["city"] == city
        line(f"pop_2020 {city}", pop, c.loc[m, "pop_2020"].sum(), "persons")
        line(f"gdp_2020 {city}", CITY_GDP[city], c.loc[m, "gdp_2020"].sum(), "亿元")
    lines.append("other figures:")
    up20 = c["urban_pop_2020"].sum()
    lines.append(
        f"  urbanisation 2020 {up20 / c['pop_2020'].sum():.1%}; "
        f"GDP 2035/2020 {c['gdp_2035'].sum() / c['gdp_2020'].sum():.2f}"
    )
    lines.append(
        f"  Σ urban_land_2020 {c['urban_land_2020'].sum():,.0f} ha "
        f"({c['urban_land_2020'].sum() * 1e4 / up20:.0f} m²/urban resident)"
    )
    for col in (
        "rural_settlement_2020",
        "cultivated_2020",
        "demand",
        "min_allocation",
        "reclaim_potential",
        "supplement_potential",
    ):
        lines.append(f"  Σ {col} {c[col].sum():,.1f} ha")
    for key, value in diag.items():
        lines.append(f"  {key} {value:.4f}")
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# --check: the LP of MODEL.md §3, written independently with scipy.optimize.linprog (HiGHS)
# --------------------------------------------------------------------------------------------


def solve_check(
    counties: pd.DataFrame, groups: pd.DataFrame, members: pd.DataFrame, scenario: dict
) -> str:
    from scipy import sparse
    from scipy.optimize import linprog

    c = counties.reset_index(drop=True)
    n = len(c)
    sc = scenario
    defaults = sc.get("defaults", {})
    alpha = c["occupation_rate"].fillna(defaults.get("occupation_rate", 0.45)).to_numpy()
    sigma = c["urban_share"].fillna(defaults.get("urban_share", 0.7)).to_numpy()
    rho = c["resettle_ratio"].fillna(defaults.get("resettle_ratio", 0.3)).to_numpy()
    kappa = c["reclaim_to_farmland"].fillna(defaults.get("reclaim_to_farmland", 0.8)).to_numpy()
    tiers = sc.get("tiers", {})
    theta = np.array(tiers.get("shares", [0.5, 0.3, 0.2]))
    phi = np.array(tiers.get("values", [1.0, 0.6, 0.3]))
    kk = len(theta)
    pc = sc.get("per_capita", {})
    cap_m2, floor_m2 = pc.get("cap_m2", 150), pc.get("floor_m2", 85)
    pen = pc.get("shortfall_penalty", 2.0)
    link = sc.get("linkage", {})
    scope = link.get("scope", "region")
    zone_w = {"urban": 1.0, "agricultural": 0.7, "ecological": 0.4}
    zone_w.update(sc.get("weights", {}).get("zone", {}))

    gw = members.merge(groups, on="group_id").groupby("county_id")["weight"].max()
    w = c["zone"].map(zone_w).to_numpy() * c["county_id"].map(gw).fillna(1.0).to_numpy()

    city = c["city"].to_numpy()
    if scope == "region":
        pairs = [(i, j) for i in range(n) for j in range(n)]
    elif scope == "city":
        pairs = [(i, j) for i in range(n) for j in range(n) if city[i] == city[j]]
    elif scope == "county":
        pairs = [(i, i) for i in range(n)]
    else:
        pairs = []
    pair_cost = np.array(
        [
            0.0
            if i == j
            else (
                link.get("same_city_cost", 0.005)
                if city[i] == city[j]
                else link.get("cross_city_cost", 0.02)
            )
            for i, j in pairs
        ]
    )
    # Variable layout: a (n·K) | q | r | s | u | x (pairs)
    oa, oq, orr, os_, ou, ox = 0, n * kk, n * kk + n, n * kk + 2 * n, n * kk + 3 * n, n * kk + 4 * n
    nv = ox + len(pairs)

    def a_cols(i: int) -> list[int]:
        return [oa + i * kk + k for k in range(kk)]

    cost = np.zeros(nv)
    for i in range(n):
        cost[a_cols(i)] = -w[i] * phi
    cost[orr : orr + n] = link.get("reclaim_cost", 0.02)
    cost[os_ : os_ + n] = link.get("supplement_cost", 0.01)
    cost[ou : ou + n] = pen
    cost[ox:] = pair_cost

    demand = c["demand"].to_numpy()
    bounds = [(0.0, t * demand[i]) for i in range(n) for t in theta]
    bounds += [(0.0, None)] * n
    bounds += [(0.0, r) for r in c["reclaim_potential"]]
    bounds += [(0.0, s) for s in c["supplement_potential"]]
    bounds += [(0.0, None)] * n + [(0.0, None)] * len(pairs)

    ub_rows: list[dict[int, float]] = []
    ub_rhs: list[float] = []
    names: list[str] = []

    def ub(coefs: dict[int, float], rhs: float, name: str) -> None:
        ub_rows.append(coefs)
        ub_rhs.append(rhs)
        names.append(name)

    def alloc(i: int, factor: float = 1.0) -> dict[int, float]:
        return {col: factor for col in a_cols(i)}

    u0 = c["urban_land_2020"].to_numpy()
    up35 = c["urban_pop_2035"].to_numpy()
    f0 = c["cultivated_2020"].to_numpy()
    out_pairs: dict[int, list[int]] = {i: [] for i in range(n)}
    in_pairs: dict[int, list[int]] = {i: [] for i in range(n)}
    for p, (i, j) in enumerate(pairs):
        out_pairs[i].append(ox + p)
        in_pairs[j].append(ox + p)

    ub({oq + i: 1.0 for i in range(n)}, sc["quota"]["total"], "quota_pool")
    for i in range(n):
        nm = c.at[i, "name"]
        ub(alloc(i, -1.0), -c.at[i, "min_allocation"], f"min_allocation[{nm}]")
        ub({**{col: 1.0 for col in out_pairs[i]}, orr + i: -(1 - rho[i])}, 0.0, f"surplus[{nm}]")
        ub(alloc(i, sigma[i]), max(0.0, cap_m2 * up35[i] / 1e4 - u0[i]), f"per_capita_cap[{nm}]")
        ub(
            {**alloc(i, -sigma[i]), ou + i: -1.0},
            -(floor_m2 * up35[i] / 1e4 - u0[i]),
            f"per_capita_floor[{nm}]",
        )
        ub(alloc(i, sigma[i]), max(0.0, c.at[i, "dev_boundary"] - u0[i]), f"dev_boundary[{nm}]")
        ub(
            {**alloc(i, alpha[i]), orr + i: -kappa[i], os_ + i: -1.0},
            f0[i] - c.at[i, "farmland_floor"],
            f"farmland_floor[{nm}]",
        )
        ub(alloc(i, alpha[i]), f0[i] - c.at[i, "basic_farmland"], f"basic_farmland[{nm}]")

    def farm(idx: np.ndarray) -> dict[int, float]:
        """α A − κ r − s summed over the counties idx (cultivated land lost, net)."""
        row: dict[int, float] = {}
        for i in idx:
            row.update(alloc(i, alpha[i]))
            row[orr + i] = -kappa[i]
            row[os_ + i] = -1.0
        return row

    region_floor = sc.get("farmland", {}).get("region_floor")
    if region_floor is not None:
        ub(farm(np.arange(n)), f0.sum() - region_floor, "farmland_region")
    balance = sc.get("farmland", {}).get("balance_scope", "region")
    if balance != "none":
        key = {"region": np.full(n, "region"), "city": city, "county": c["county_id"].to_numpy()}[
            balance
        ]
        for unit in pd.unique(key):
            ub(farm(np.flatnonzero(key == unit)), 0.0, f"farmland_balance[{unit}]")
    tau = sc.get("intensity", {}).get("reduction", 0.4)
    c0 = c["construction_land_2020"].sum()
    limit = (1 - tau) * c0 / c["gdp_2020"].sum() * c["gdp_2035"].sum() - c0
    inten = {col: 1.0 for i in range(n) for col in a_cols(i)}
    inten.update({orr + i: -(1 - rho[i]) for i in range(n)})
    ub(inten, limit, "intensity")
    index = {cid: i for i, cid in enumerate(c["county_id"])}
    for g in groups.itertuples():
        mem = [index[m] for m in members.loc[members["group_id"] == g.group_id, "county_id"]]
        for share, sign, label in (
            (g.min_share, -1.0, "group_min"),
            (g.max_share, 1.0, "group_max"),
        ):
            if share is None or pd.isna(share):
                continue
            row = {col: -sign * share for i in range(n) for col in a_cols(i)}
            for i in mem:
                for col in a_cols(i):
                    row[col] += sign
            ub(row, 0.0, f"{label}[{g.group_id}]")

    eq = sparse.lil_matrix((n, nv))
    for i in range(n):
        for col in a_cols(i):
            eq[i, col] = 1.0
        eq[i, oq + i] = -1.0
        for col in in_pairs[i]:
            eq[i, col] -= 1.0
    a_ub = sparse.lil_matrix((len(ub_rows), nv))
    for r_, row in enumerate(ub_rows):
        for col, v in row.items():
            a_ub[r_, col] = v
    res = linprog(
        cost,
        A_ub=a_ub.tocsr(),
        b_ub=np.array(ub_rhs),
        A_eq=eq.tocsr(),
        b_eq=np.zeros(n),
        bounds=bounds,
        method="highs",
    )
    if res.status != 0:
        return f"LP status {res.status}: {res.message}"
    x = res.x
    alloc_i = np.array([x[a_cols(i)].sum() for i in range(n)])
    q = x[oq : oq + n]
    r = x[orr : orr + n]
    s = x[os_ : os_ + n]
    u = x[ou : ou + n]
    slack = np.array(ub_rhs) - a_ub.tocsr() @ x
    duals = res.ineqlin.marginals
    binding = [
        (nm, -d)
        for nm, sl, d, rhs in zip(names, slack, duals, ub_rhs, strict=True)
        if abs(sl) <= 1e-6 * max(1.0, abs(rhs)) and not nm.startswith("per_capita_floor")
    ]
    flows = [
        (c.at[i, "name"], c.at[j, "name"], x[ox + p])
        for p, (i, j) in enumerate(pairs)
        if i != j and x[ox + p] > 1e-6
    ]
    eco = (c["zone"] == "ecological").to_numpy()
    flow_from_eco = sum(
        x[ox + p] for p, (i, j) in enumerate(pairs) if i != j and eco[i] and not eco[j]
    )
    c35 = c0 + alloc_i.sum() - ((1 - rho) * r).sum()
    achieved = 1 - (c35 / c["gdp_2035"].sum()) / (c0 / c["gdp_2020"].sum())
    lines = [
        f"LP optimal: Z = {-res.fun:,.2f}",
        f"  pool used {q.sum():,.1f} of {sc['quota']['total']:,.0f} ha; Σ allocation "
        f"{alloc_i.sum():,.1f} ha of Σ demand {demand.sum():,.1f} "
        f"({alloc_i.sum() / demand.sum():.1%})",
        f"  reclaimed {r.sum():,.1f} of {c['reclaim_potential'].sum():,.1f} ha; reserve land "
        f"cultivated {s.sum():,.1f} of {c['supplement_potential'].sum():,.1f} ha; "
        f"per-capita floor shortfall {u.sum():,.1f} ha",
        f"  linkage between counties {sum(f for *_, f in flows):,.1f} ha in {len(flows)} flows, "
        f"{flow_from_eco:,.1f} ha from ecological to other counties",
        f"  intensity: reduction achieved {achieved:.1%} (target ≥ {tau:.0%})",
        f"  counties fully served {int((alloc_i >= demand - 1e-6).sum())}, "
        f"at zero {int((alloc_i <= 1e-6).sum())}",
    ]
    for g in groups.itertuples():
        mem = [index[m] for m in members.loc[members["group_id"] == g.group_id, "county_id"]]
        lines.append(
            f"  group {g.group_id:<18} {alloc_i[mem].sum():>10,.1f} ha "
            f"share {alloc_i[mem].sum() / alloc_i.sum():.1%}"
        )
    lines.append("  binding constraints, by family (dual in objective units per ha of the limit):")
    families: dict[str, list[str]] = {}
    for nm, d in binding:
        family, _, who = nm.partition("[")
        families.setdefault(family, []).append(f"{who.rstrip(']')} {d:.4f}".strip())
    for family, entries in families.items():
        shown = entries if family != "surplus" else ["(every county that reclaims)"]
        lines.append(f"    {family} ×{len(entries)}: {', '.join(shown)}")
    lines.append("  allocation by county (A / demand, binding):")
    for i in range(n):
        tag = ";".join(nm.split("[")[0] for nm, _ in binding if nm.endswith(f"[{c.at[i, 'name']}]"))
        lines.append(
            f"    {c.at[i, 'name']:<6} {c.at[i, 'zone']:<12} w={w[i]:.2f} "
            f"A={alloc_i[i]:9.1f} / {demand[i]:9.1f} ({alloc_i[i] / demand[i]:6.1%}) "
            f"q={q[i]:8.1f} r={r[i]:7.1f} u={u[i]:6.1f} {tag}"
        )
    lines.append("  largest linkage flows:")
    for a, b, f in sorted(flows, key=lambda t: -t[2])[:10]:
        lines.append(f"    {a} → {b}: {f:,.1f} ha")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check",
        action="store_true",
        help="solve the LP of MODEL.md §3 on the result and print a summary",
    )
    parser.add_argument("--dry-run", action="store_true", help="do not write any file")
    args = parser.parse_args(argv)

    counties, diag = build()
    groups, members = groups_tables(counties)
    table = counties[list(OUTPUT_COLUMNS)]
    if not args.dry_run:
        table.to_csv(HERE / "counties.csv", index=False, encoding="utf-8", lineterminator="\n")
        groups.to_csv(HERE / "groups.csv", index=False, encoding="utf-8", lineterminator="\n")
        members.to_csv(
            HERE / "group_members.csv", index=False, encoding="utf-8", lineterminator="\n"
        )
        tag_geojson(HERE / "counties.geojson", counties)
    print(calibration_report(counties, diag))
    if args.check:
        scenario = tomllib.loads((HERE / "scenario.toml").read_text(encoding="utf-8"))
        print(solve_check(table, groups, members, scenario))
    return 0


if __name__ == "__main__":
    sys.exit(main())
