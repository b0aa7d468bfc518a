"""What a header or a zone cell may say besides the English names, and the units a header may carry.

docs/inputs.md reproduces these tables (a test keeps them in step).
"""

from __future__ import annotations

from optimizer.data import rules as v

#: Accepted headers besides the English column names, per file: alias → column.
#: docs/inputs.md reproduces this table (a test keeps them in step).
HEADER_ALIASES: dict[str, dict[str, str]] = {
    "counties.csv": {
        "县级单元代码": "county_id",
        "行政区划代码": "county_id",
        "县代码": "county_id",
        "区划代码": "county_id",
        "adcode": "county_id",
        "名称": "name",
        "县名": "name",
        "县区名称": "name",
        "县级单元名称": "name",
        "市": "city",
        "地级市": "city",
        "所属市": "city",
        "主体功能区": "zone",
        "常住人口": "pop_2020",
        "常住人口2020": "pop_2020",
        "城镇人口2020": "urban_pop_2020",
        "城镇人口2035": "urban_pop_2035",
        "GDP2020": "gdp_2020",
        "地区生产总值2020": "gdp_2020",
        "GDP2035": "gdp_2035",
        "地区生产总值2035": "gdp_2035",
        "建设用地2020": "construction_land_2020",
        "城镇建设用地2020": "urban_land_2020",
        "村庄建设用地2020": "rural_settlement_2020",
        "耕地2020": "cultivated_2020",
        "耕地面积": "cultivated_2020",
        "耕地保有量": "farmland_floor",
        "永久基本农田": "basic_farmland",
        "城镇开发边界": "dev_boundary",
        "新增建设用地需求": "demand",
        "需求": "demand",
        "保障下限": "min_allocation",
        "最低分配": "min_allocation",
        "拆旧潜力": "reclaim_potential",
        "增减挂钩潜力": "reclaim_potential",
        "耕地后备资源": "supplement_potential",
        "占用耕地比例": "occupation_rate",
        "城镇用地比例": "urban_share",
        "安置比例": "resettle_ratio",
        "复垦为耕地比例": "reclaim_to_farmland",
    },
    "groups.csv": {
        "组群代码": "group_id",
        "组群名称": "name",
        "名称": "name",
        "类型": "kind",
        "权重": "weight",
        "最低份额": "min_share",
        "最高份额": "max_share",
    },
    "group_members.csv": {
        "组群代码": "group_id",
        "县级单元代码": "county_id",
        "行政区划代码": "county_id",
        "县代码": "county_id",
    },
    "transfer_costs.csv": {
        "调出县": "from_id",
        "调入县": "to_id",
        "成本": "cost",
    },
}

#: Zone values accepted besides the English names.
ZONE_ALIASES: dict[str, str] = {
    "城市化地区": "urban",
    "农产品主产区": "agricultural",
    "重点生态功能区": "ecological",
}

#: Units that contradict a column's unit when written in its header, e.g. "耕地2020(万亩)".
#: The loader refuses them rather than read 万亩 as hectares.
WRONG_UNITS: dict[str, frozenset[str]] = {
    "ha": frozenset({"亩", "万亩", "mu", "km2", "平方公里", "平方千米", "m2", "平方米", "万公顷"}),
    "persons": frozenset({"万人", "千人", "百万人", "万", "10k"}),
    "亿元": frozenset({"元", "万元", "千万元", "百万元", "万亿元", "cny", "yuan"}),
}
_COLUMN_UNITS: dict[str, str] = {
    **{c: "persons" for c in ("pop_2020", "urban_pop_2020", "urban_pop_2035")},
    **{c: "亿元" for c in ("gdp_2020", "gdp_2035")},
    **{
        c.name: "ha"
        for c in v.COUNTIES.columns
        if c.kind == "number"
        and c.name not in ("pop_2020", "urban_pop_2020", "urban_pop_2035", "gdp_2020", "gdp_2035")
    },
}
