"""What a header or a zone cell may say besides the English names, and the units a header may carry.

docs/inputs.md reproduces these tables (a test keeps them in step).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from optimizer.data.numbers import MU_PER_HA, MU_PER_WAN_MU

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
        "存量用地潜力": "stock_potential",
        "存量建设用地潜力": "stock_potential",
        "存量潜力": "stock_potential",
        "可盘活存量": "stock_potential",
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
        "区划代码": "county_id",
        "adcode": "county_id",
    },
    "transfer_costs.csv": {
        "调出县": "from_id",
        "调出县区划代码": "from_id",
        "调出区划代码": "from_id",
        "from_adcode": "from_id",
        "调入县": "to_id",
        "调入县区划代码": "to_id",
        "调入区划代码": "to_id",
        "to_adcode": "to_id",
        "成本": "cost",
    },
    "projects.csv": {
        "项目代码": "project_id",
        "项目编号": "project_id",
        "项目名称": "name",
        "名称": "name",
        "县级单元代码": "county_id",
        "行政区划代码": "county_id",
        "县代码": "county_id",
        "用地面积": "area",
        "面积": "area",
        "新增建设用地": "area",
        "保障期限": "period_end",
        "期末年份": "period_end",
        "项目类型": "kind",
        "类型": "kind",
    },
    "locks.csv": {
        "县级单元代码": "county_id",
        "行政区划代码": "county_id",
        "县区代码": "county_id",
        "县代码": "county_id",
        "区划代码": "county_id",
        "adcode": "county_id",
        "规划期末": "period_end",
        "期末年份": "period_end",
        "锁定下限": "min",
        "最小": "min",
        "下限": "min",
        "锁定上限": "max",
        "最大": "max",
        "上限": "max",
    },
}

#: Years a phased plan may end a period in before the target year (MODEL.md §7): the
#: counties.csv columns ``urban_pop_<Y>`` and ``gdp_<Y>`` of these years are optional.
MILESTONE_YEARS: tuple[int, ...] = tuple(range(2021, 2035))
#: Milestone columns: English stem → the Chinese stems a header may use, the year after
#: it (城镇人口2025; ``2025年城镇人口`` is read the same way).
MILESTONE_ALIASES: dict[str, tuple[str, ...]] = {
    "urban_pop": ("城镇人口",),
    "gdp": ("GDP", "地区生产总值"),
}
#: Every milestone column of counties.csv, in order: urban_pop_2021 … gdp_2034.
MILESTONE_COLUMNS: tuple[str, ...] = tuple(
    f"{stem}_{year}" for stem in MILESTONE_ALIASES for year in MILESTONE_YEARS
)


def milestone_aliases() -> dict[str, str]:
    """Chinese headers of the milestone columns: 城镇人口2025 → urban_pop_2025, …"""
    return {
        f"{alias}{year}": f"{stem}_{year}"
        for stem, aliases in MILESTONE_ALIASES.items()
        for alias in aliases
        for year in MILESTONE_YEARS
    }


PERIOD_DEMAND_ALIASES: dict[str, str] = {
    "县级单元代码": "county_id",
    "行政区划代码": "county_id",
    "县代码": "county_id",
    "区划代码": "county_id",
    "规划期末": "period_end",
    "期末年份": "period_end",
    "分期需求": "demand",
    "新增建设用地需求": "demand",
    "需求": "demand",
    "保障下限": "min_allocation",
    "最低分配": "min_allocation",
}
HEADER_ALIASES["period_demand.csv"] = PERIOD_DEMAND_ALIASES

#: projects.csv ``kind`` values accepted besides the English names.
PROJECT_KIND_ALIASES: dict[str, str] = {
    "交通": "transport",
    "能源": "energy",
    "水利": "water",
    "产业": "industry",
    "民生": "livelihood",
}

#: Zone values accepted besides the English names.
ZONE_ALIASES: dict[str, str] = {
    "城市化地区": "urban",
    "城市化发展区": "urban",
    "农产品主产区": "agricultural",
    "重点生态功能区": "ecological",
}

# --------------------------------------------------------------------------- units

#: 1 亩 (mu) = 1/15 ha; 1 万亩 = 10,000 亩 (the one statement of it: numbers.MU_PER_HA).
HA_PER_MU = 1 / MU_PER_HA
HA_PER_WAN_MU = MU_PER_WAN_MU * HA_PER_MU
#: 1 km² = 100 ha; 1 m² = 10⁻⁴ ha; 1 万公顷 = 10,000 ha.
HA_PER_KM2 = 100.0
HA_PER_M2 = 1e-4
HA_PER_WAN_HA = 1e4
#: 1 万人 = 10,000 persons; 1 千人 = 1,000; 1 百万人 = 1,000,000.
PERSONS_PER_WAN = 1e4
PERSONS_PER_QIAN = 1e3
PERSONS_PER_MILLION = 1e6
#: GDP is in 亿元 (10⁸ 元): 1 万元 = 10⁻⁴ 亿元, 1 元 = 10⁻⁸ 亿元, 1 万亿元 = 10⁴ 亿元.
YI_PER_YUAN = 1e-8
YI_PER_WAN_YUAN = 1e-4
YI_PER_BAIWAN_YUAN = 1e-2
YI_PER_QIANWAN_YUAN = 1e-1
YI_PER_WANYI_YUAN = 1e4
#: A fraction column whose header says (%) holds percentages: 45 = 0.45.
FRACTION_PER_PERCENT = 1e-2


@dataclass(frozen=True)
class Unit:
    """A unit a header may name: the model unit it converts to, and by how much.

    ``factor`` multiplies a value written in this unit to give it in ``to`` (the
    unit of the column in the model); ``shown`` is the factor as messages and
    docs/inputs.md write it.
    """

    to: str
    factor: float
    shown: str

    @property
    def identity(self) -> bool:
        return self.factor == 1


#: Every unit a header may carry in brackets, by model unit: ha (areas), persons
#: (populations), 亿元 (GDP), fraction (rates, shares). Headers are compared after
#: NFKC (so km² = km2), without spaces, in any case, without a leading 单位: and
#: without 人民币/RMB. docs/inputs.md §6 reproduces this table (a test keeps them in step).
UNITS: dict[str, Unit] = {
    "ha": Unit("ha", 1.0, "1"),
    "公顷": Unit("ha", 1.0, "1"),
    "hm²": Unit("ha", 1.0, "1"),
    "亩": Unit("ha", HA_PER_MU, "1/15"),
    "mu": Unit("ha", HA_PER_MU, "1/15"),
    "万亩": Unit("ha", HA_PER_WAN_MU, "10⁴/15"),
    "km²": Unit("ha", HA_PER_KM2, "100"),
    "平方公里": Unit("ha", HA_PER_KM2, "100"),
    "平方千米": Unit("ha", HA_PER_KM2, "100"),
    "m²": Unit("ha", HA_PER_M2, "10⁻⁴"),
    "平方米": Unit("ha", HA_PER_M2, "10⁻⁴"),
    "万公顷": Unit("ha", HA_PER_WAN_HA, "10⁴"),
    "人": Unit("persons", 1.0, "1"),
    "persons": Unit("persons", 1.0, "1"),
    "万人": Unit("persons", PERSONS_PER_WAN, "10⁴"),
    "千人": Unit("persons", PERSONS_PER_QIAN, "10³"),
    "百万人": Unit("persons", PERSONS_PER_MILLION, "10⁶"),
    "亿元": Unit("亿元", 1.0, "1"),
    "元": Unit("亿元", YI_PER_YUAN, "10⁻⁸"),
    "万元": Unit("亿元", YI_PER_WAN_YUAN, "10⁻⁴"),
    "百万元": Unit("亿元", YI_PER_BAIWAN_YUAN, "10⁻²"),
    "千万元": Unit("亿元", YI_PER_QIANWAN_YUAN, "10⁻¹"),
    "万亿元": Unit("亿元", YI_PER_WANYI_YUAN, "10⁴"),
    "%": Unit("fraction", FRACTION_PER_PERCENT, "1/100"),
}

#: What a model unit measures, for messages ("亩 is a unit of area").
QUANTITY_OF_UNIT: dict[str, str] = {
    "ha": "area",
    "persons": "population",
    "亿元": "money",
    "fraction": "rates and shares",
}

_UNIT_NOISE = re.compile(r"^单位[:：]?|人民币|rmb")


def unit_key(text: str) -> str:
    """How units are compared: NFKC, no spaces, any case, no 单位: and no 人民币."""
    t = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).casefold()
    return _UNIT_NOISE.sub("", t)


_UNIT_LOOKUP: dict[str, Unit] = {unit_key(k): u for k, u in UNITS.items()}
_UNIT_NAMES: dict[str, str] = {unit_key(k): k for k in UNITS}


def find_unit(text: str) -> tuple[str, Unit] | None:
    """The unit written in a header bracket as the table spells it, or None when unknown."""
    key = unit_key(text)
    unit = _UNIT_LOOKUP.get(key)
    return None if unit is None else (_UNIT_NAMES[key], unit)


def units_for(model_unit: str) -> list[str]:
    """The units a header may name for a column in ``model_unit``, as the table spells them."""
    return [name for name, unit in UNITS.items() if unit.to == model_unit]


@dataclass(frozen=True)
class UnitConversion:
    """A column whose header names a unit other than the model's: its values were converted."""

    file: str
    column: str  # English name
    header: str  # as written
    unit: str  # as the unit table spells it
    to: str
    factor: float
    shown: str

    @property
    def label(self) -> str:
        return self.header if self.header == self.column else f"{self.header} ({self.column})"

    @property
    def message(self) -> str:
        return f"read in {self.unit}, converted to {self.to} (× {self.shown})"

    def __str__(self) -> str:
        return f"{self.file} column {self.label}: {self.message}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "column": self.column,
            "header": self.header,
            "unit": self.unit,
            "to_unit": self.to,
            "factor": self.factor,
            "message": self.message,
        }
