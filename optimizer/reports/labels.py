"""The output data dictionary: every column of every run-folder table, its meaning and unit.

One declarative table (``FILE_COLUMNS``) says, for each file and column, the Chinese
header, the unit and what the column means. It gives the workbook's and the HTML
report's headers (English: the column name; Chinese: ``zh``), their units row and
number formats, and docs/outputs.md (``dictionary_markdown``, checked by a test).
Workbook/HTML-only words (sheet names, row labels) live here too; words every report
shares (units, target names) are ``TERMS`` of ``optimizer.data.lang``.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from enum import StrEnum

from optimizer.data.lang import TERMS, Lang, term
from optimizer.data.numbers import MU_PER_HA


class AreaUnit(StrEnum):
    """The area unit the workbook and the HTML report show (``--area-unit``; files stay ha)."""

    HA = "ha"
    MU = "mu"


class Unit(StrEnum):
    """What a column measures; decides its units-row label, number format and 亩 conversion."""

    ID = "id"
    TEXT = "text"
    FLAG = "flag"
    AREA = "ha"  # shown in 亩 with --area-unit mu
    SHARE = "share"
    M2_PER_PERSON = "m2_per_person"
    WEIGHT = "weight"
    COUNT = "count"
    INDEX = "index"
    VALUE = "value"  # objective units (Z)
    PRICE = "price"  # objective units per unit of the limit (see the `unit` column)
    PRICE_PER_MU = "price_per_mu"
    COST = "cost"  # objective units per ha moved
    MIXED = "mixed"  # the unit depends on the row (the `unit` column, or the target)


#: Unit → (English, Chinese) label of the units row, and its meaning in docs/outputs.md.
UNIT_LABELS: dict[Unit, tuple[str, str, str]] = {
    Unit.ID: ("", "", "identifier (text; leading zeros kept)"),
    Unit.TEXT: ("", "", "text"),
    Unit.FLAG: ("yes/no", "是/否", "True / False"),
    Unit.AREA: ("ha", "公顷", "hectares (ha; 1 ha = 15 亩)"),
    Unit.SHARE: ("%", "%", "fraction 0–1 (the workbook shows %)"),
    Unit.M2_PER_PERSON: ("m²/person", "m²/人", "m² of urban land per urban resident"),
    Unit.WEIGHT: ("", "", "dimensionless weight"),
    Unit.COUNT: ("count", "个", "a count"),
    Unit.INDEX: ("", "", "an index (1, 2, …)"),
    Unit.VALUE: ("Z", "Z", "objective units (Z, weighted ha)"),
    Unit.PRICE: ("Z/unit", "Z/单位", "Z per unit of the limit (per ha unless `unit` says)"),
    Unit.PRICE_PER_MU: ("Z/mu", "Z/亩", "Z per 亩 (the price ÷ 15)"),
    Unit.COST: ("Z/ha", "Z/公顷", "Z per ha of indicators moved"),
    Unit.MIXED: ("", "", "the row's own unit (see `unit` / the target)"),
}

#: Excel number format per unit (text and ids: none).
NUMBER_FORMATS: dict[Unit, str] = {
    Unit.AREA: "#,##0.00",
    Unit.SHARE: "0.0%",
    Unit.M2_PER_PERSON: "#,##0.0",
    Unit.WEIGHT: "0.00",
    Unit.COUNT: "#,##0",
    Unit.INDEX: "0",
    Unit.VALUE: "#,##0.00",
    Unit.PRICE: "0.0000",
    Unit.PRICE_PER_MU: "0.00000",
    Unit.COST: "0.000",
    Unit.MIXED: "General",
}


@dataclass(frozen=True)
class Column:
    """One column of an output table. ``name`` may hold ``{k}`` (tier_{k}: tier_1, tier_2, …)."""

    name: str
    zh: str
    unit: Unit
    meaning: str

    def matches(self, column: str) -> re.Match | None:
        return _pattern(self.name).fullmatch(column)


@functools.cache
def _pattern(name: str) -> re.Pattern:
    return re.compile(re.escape(name).replace(r"\{k\}", r"(?P<k>\d+)"))


C = Column
_COUNTY_KEYS = (
    C("county_id", "区划代码", Unit.ID, "county id (区划代码), as in counties.csv"),
    C("name", "县（市、区）", Unit.TEXT, "county name, exactly as given"),
    C("city", "地市", Unit.TEXT, "city (地级市) the county belongs to"),
)
#: File → its columns, in the order the file writes them (extras after the contract).
FILE_COLUMNS: dict[str, tuple[Column, ...]] = {
    "allocation.csv": (
        *_COUNTY_KEYS,
        C("zone", "主体功能区", Unit.TEXT, "urban / agricultural / ecological (主体功能区)"),
        C(
            "weight",
            "权重",
            Unit.WEIGHT,
            "priority weight w_i: zone weight × the largest weight of its groups",
        ),
        C("demand", "用地需求", Unit.AREA, "new construction land the county asks for"),
        C("quota", "分配指标", Unit.AREA, "quota from the pool handed to the county (q_i)"),
        C("linkage_in", "增减挂钩使用", Unit.AREA, "linkage indicators used here (self-use too)"),
        C("linkage_out", "增减挂钩调出", Unit.AREA, "linkage indicators sent to other counties"),
        C("allocation", "新增建设用地", Unit.AREA, "new construction land A_i = quota + linkage"),
        C("satisfaction", "需求满足率", Unit.SHARE, "allocation ÷ demand"),
        C("reclaimed", "复垦", Unit.AREA, "rural construction land reclaimed (r_i)"),
        C("supplemented", "补充耕地", Unit.AREA, "farmland supplemented (s_i)"),
        C("shortfall", "人均用地缺口", Unit.AREA, "urban land short of the per-capita floor"),
        C("urban_land_2035", "2035年城镇用地", Unit.AREA, "urban land 2035"),
        C(
            "per_capita_2020",
            "2020年人均城镇用地",
            Unit.M2_PER_PERSON,
            "per-capita urban land 2020",
        ),
        C(
            "per_capita_2035",
            "2035年人均城镇用地",
            Unit.M2_PER_PERSON,
            "per-capita urban land 2035",
        ),
        C("cultivated_2035", "2035年耕地", Unit.AREA, "cultivated land 2035"),
        C("construction_land_2035", "2035年建设用地", Unit.AREA, "construction land 2035"),
        C("binding", "起约束作用的限制", Unit.TEXT, "binding constraint families, ;-joined"),
        C("linkage_self", "增减挂钩自用", Unit.AREA, "linkage indicators the county uses itself"),
        C("stock_used", "盘活存量用地", Unit.AREA, "existing stock land supplied again (§8)"),
        C("quota_linked", "增存挂钩指标", Unit.AREA, "quota earned by reusing stock (增存挂钩)"),
        C("locked", "是否锁定", Unit.TEXT, "yes when a lock holds its new land (locks.csv, --fix)"),
        C("lock_min", "锁定下限", Unit.AREA, "least new land the lock holds (empty: none)"),
        C("lock_max", "锁定上限", Unit.AREA, "most new land the lock holds (empty: none)"),
        C("urban_land_2020", "2020年城镇用地", Unit.AREA, "urban land 2020 (input)"),
        C("cultivated_2020", "2020年耕地", Unit.AREA, "cultivated land 2020 (input)"),
        C("construction_land_2020", "2020年建设用地", Unit.AREA, "construction land 2020 (input)"),
        C("tier_{k}", "第{k}档用地", Unit.AREA, "new land in value tier k (MODEL.md §3)"),
        C("limited_by", "限制因素", Unit.TEXT, "what stops the county's next hectare (explain)"),
        C("next_tier", "下一档", Unit.INDEX, "the next tier not yet full (0: all full)"),
        C("next_tier_fill", "下一档填充率", Unit.SHARE, "how full that tier is"),
        C("next_value", "下一公顷价值", Unit.VALUE, "value of the county's next hectare (w·φ)"),
        C("marginal", "边际县", Unit.FLAG, "in the marginal tier (its next ha competes)"),
    ),
    "groups.csv": (
        C("group_id", "分组代码", Unit.ID, "group id, as in groups.csv"),
        C("name", "分组名称", Unit.TEXT, "group name, exactly as given"),
        C("allocation", "新增建设用地", Unit.AREA, "new construction land of its members"),
        C("share", "占比", Unit.SHARE, "share of all new land"),
        C("kind", "类型", Unit.TEXT, "kind of group (core, engine, …), as given"),
        C("weight", "权重", Unit.WEIGHT, "group weight"),
        C("members", "成员数", Unit.COUNT, "counties in the group"),
        C("min_share", "最低占比", Unit.SHARE, "guaranteed minimum share (empty: none)"),
        C("max_share", "最高占比", Unit.SHARE, "maximum share (empty: none)"),
        C("bound", "达到的界限", Unit.TEXT, "min_share / max_share when the share sits at it"),
    ),
    "projects.csv": (
        C("project_id", "项目代码", Unit.ID, "key project (重点项目库), as in projects.csv"),
        C("name", "项目名称", Unit.TEXT, "project name, as given"),
        C("county_id", "区划代码", Unit.ID, "county the project lies in"),
        C("area", "用地面积", Unit.AREA, "land the project needs"),
        C("guaranteed", "是否保障", Unit.TEXT, "yes when the county's new land covers it"),
        C("period_end", "规划期末", Unit.TEXT, "year by which the land is guaranteed"),
    ),
    "allocation_by_period.csv": (
        C("county_id", "区划代码", Unit.ID, "county, as in counties.csv"),
        C("period_end", "规划期末", Unit.TEXT, "year the period ends in ([periods] end_years)"),
        C("quota", "计划指标", Unit.AREA, "quota from the period's pool (q_it)"),
        C("linkage_in", "使用挂钩指标", Unit.AREA, "linkage indicators used in the period"),
        C("allocation", "新增建设用地", Unit.AREA, "new construction land of the period (A_it)"),
        C("reclaimed", "拆旧复垦", Unit.AREA, "rural settlement land reclaimed in the period"),
        C("supplemented", "补充耕地", Unit.AREA, "reserve land cultivated in the period"),
        C("shortfall", "人均下限缺口", Unit.AREA, "urban land short of the floor at the end"),
        C("urban_land", "期末城镇建设用地", Unit.AREA, "urban land at the period end"),
        C("per_capita", "期末人均城镇用地", Unit.M2_PER_PERSON, "per-capita urban land at the end"),
        C("cultivated", "期末耕地", Unit.AREA, "cultivated land at the period end"),
        C("construction_land", "期末建设用地", Unit.AREA, "construction land at the period end"),
        C("demand", "分期需求", Unit.AREA, "the period's demand (period_demand.csv or split)"),
        C("linkage_out", "调出挂钩指标", Unit.AREA, "indicators sent to other counties"),
        C("linkage_self", "自用挂钩指标", Unit.AREA, "own indicators used (from the bank)"),
        C("tier_{k}", "第{k}档用地", Unit.AREA, "new land in value tier k in the period"),
        C("stock_used", "盘活存量用地", Unit.AREA, "existing stock supplied again in the period"),
        C("quota_linked", "增存挂钩指标", Unit.AREA, "quota earned by reusing stock"),
        C("locked", "是否锁定", Unit.TEXT, "yes when locks.csv holds the period's new land"),
    ),
    "flows.csv": (
        C("from_id", "调出县代码", Unit.ID, "county the indicators leave"),
        C("to_id", "调入县代码", Unit.ID, "county the indicators go to"),
        C("amount", "流转量", Unit.AREA, "linkage indicators moved"),
        C("period_end", "规划期末", Unit.TEXT, "period of the flow (phased plans only)"),
        C("from_name", "调出县", Unit.TEXT, "name of the sending county"),
        C("to_name", "调入县", Unit.TEXT, "name of the receiving county"),
        C("from_city", "调出地市", Unit.TEXT, "city of the sending county"),
        C("to_city", "调入地市", Unit.TEXT, "city of the receiving county"),
        C("cost", "流转成本", Unit.COST, "cost paid per ha moved"),
    ),
    "targets.csv": (
        C("target", "指标", Unit.TEXT, "plan target (names: TERMS of data/lang.py)"),
        C("value", "实现值", Unit.MIXED, "value reached (unit: the target's, see below)"),
        C("limit", "目标值", Unit.MIXED, "the target's limit"),
        C("met", "是否达标", Unit.FLAG, "the target is met"),
        C("meaning", "说明", Unit.TEXT, "what the target measures, with its unit"),
        C("period_end", "规划期末", Unit.TEXT, "period end of the target (phased plans only)"),
    ),
    "marginals.csv": (
        C("family", "约束类别", Unit.TEXT, "constraint family (MODEL.md §3)"),
        C("id", "对象代码", Unit.ID, "region, a group id or a county id"),
        C("name", "对象", Unit.TEXT, "its name"),
        C("value", "影子价格", Unit.PRICE, "dZ per unit the limit is relaxed (solver dual)"),
        C("per_mu", "每亩影子价格", Unit.PRICE_PER_MU, "the same price per 亩 (value ÷ 15)"),
        C("unit", "单位", Unit.TEXT, "unit of the price (per ha, …)"),
        C("relaxation", "放宽含义", Unit.TEXT, "what one unit of relaxation is"),
        C("gain_per_unit", "放宽收益率", Unit.PRICE, "Z gained per unit relaxed (unique)"),
        C("gain_holds_to", "收益率适用至", Unit.MIXED, "limit up to which the gain holds"),
        C("loss_per_unit", "收紧损失率", Unit.PRICE, "Z lost per unit tightened (unique)"),
        C("loss_holds_to", "损失率适用至", Unit.MIXED, "limit down to which the loss holds"),
        C("limit", "限值", Unit.MIXED, "the constraint's limit now"),
        C("range_lo", "价格适用下限", Unit.MIXED, "lowest limit keeping this price (HiGHS)"),
        C("range_hi", "价格适用上限", Unit.MIXED, "highest limit keeping this price (HiGHS)"),
    ),
    "diagnosis.csv": (
        C("kind", "类型", Unit.TEXT, "cause | single | change | conflict | conflict_partial"),
        C("family", "约束类别", Unit.TEXT, "constraint family involved"),
        C("id", "对象代码", Unit.ID, "region, group or county id"),
        C("name", "对象", Unit.TEXT, "its name"),
        C("current", "现值", Unit.MIXED, "the setting's value now"),
        C("change", "调整量", Unit.MIXED, "the change that restores feasibility"),
        C("proposed", "建议值", Unit.MIXED, "the value after the change"),
        C("unit", "单位", Unit.TEXT, "unit of current / change / proposed"),
        C("setting", "设置项", Unit.TEXT, "scenario key or input column to change"),
        C("message", "说明", Unit.TEXT, "the cause or change in words"),
    ),
}

#: targets.csv row → the unit of its value and limit (a target not listed: not converted).
TARGET_UNITS: dict[str, Unit] = {
    "quota_pool": Unit.AREA,
    "intensity_reduction": Unit.SHARE,
    "farmland_region": Unit.AREA,
    "farmland_floor_counties": Unit.COUNT,
    "farmland_balance": Unit.AREA,
    "per_capita_cap_counties": Unit.COUNT,
    "per_capita_floor_shortfall": Unit.AREA,
    "dev_boundary": Unit.AREA,
}

#: Constraint family (formulation/families.py) → its Chinese name in the reports (prices,
#: diagnosis, the counties' binding column): a view of the ``family.*`` entries of TERMS,
#: where a family's words live once; tests/test_reports.py checks every family has one.
FAMILY_NAMES_ZH: dict[str, str] = {
    key.removeprefix("family."): zh for key, (_, zh) in TERMS.items() if key.startswith("family.")
}


def family_name(family: str, lang: Lang) -> str:
    """A constraint family's words in ``lang`` (TERMS ``family.<name>``), else its name."""
    key = f"family.{family}"
    return term(key, lang) if key in TERMS else family


#: The region as a priced unit (marginals.csv id/name "region") in Chinese.
REGION_ZH = "全域"
#: Separator of the binding families in the Chinese counties sheet (allocation.csv: ";").
ZH_LIST_SEPARATOR = "、"
#: The same in the English reports (the families' words, not allocation.csv's codes).
EN_LIST_SEPARATOR = "; "

#: Workbook sheets and HTML sections: key → (English, Chinese). Sheet names ≤ 31 characters.
SECTION_NAMES: dict[str, tuple[str, str]] = {
    "summary": ("summary", "概要"),
    "targets": ("targets", "规划指标"),
    "counties": ("counties", "分县分配"),
    "groups": ("groups", "分组"),
    "flows": ("flows", "增减挂钩流转"),
    "prices": ("prices", "影子价格"),
    "periods": ("periods", "分期"),
    "projects": ("projects", "重点项目"),
    "diagnosis": ("diagnosis", "无解诊断"),
}

#: Report words that are not column headers: key → (English, Chinese).
WORDS: dict[str, tuple[str, str]] = {
    "item": ("item", "项目"),
    "value": ("value", "数值"),
    "unit": ("unit", "单位"),
    "subtotal": ("{city} subtotal", "{city} 小计"),
    "total": ("total", "合计"),
    "title": ("Land quota allocation", "新增建设用地指标分配"),
    "status": ("status", "求解状态"),
    "objective": ("objective Z", "目标函数值 Z"),
    "scenario": ("scenario", "情景"),
    "solver": ("solver", "求解器"),
    "gini_allocation_per_resident": ("Gini of new land per resident", "人均新增用地基尼系数"),
    "gini_satisfaction": ("Gini of demand satisfaction", "需求满足率基尼系数"),
    "allocation_per_resident_m2": ("new land per resident", "人均新增建设用地"),
    "quota_pool_ha": ("quota pool", "指标总量"),
    "quota_used_ha": ("quota used", "已分配指标"),
    "demand_ha": ("demand", "用地需求"),
    "allocation_ha": ("new construction land", "新增建设用地"),
    "linkage_used_ha": ("linkage indicators used", "增减挂钩使用"),
    "linkage_transferred_ha": ("linkage indicators moved", "增减挂钩流转"),
    "reclaimed_ha": ("reclaimed", "复垦"),
    "supplemented_ha": ("farmland supplemented", "补充耕地"),
    "intensity_reduction": ("fall of land per GDP", "单位GDP建设用地下降"),
    "cultivated_2035_ha": ("cultivated land 2035", "2035年耕地"),
    "shortfall_ha": ("per-capita shortfall", "人均用地缺口"),
    "quota_reserve_ha": ("provincial reserve held back", "预留指标"),
    "stock_used_ha": ("existing stock reused", "盘活存量用地"),
    "quota_linked_ha": ("linked quota (增存挂钩)", "增存挂钩指标"),
    "projects_ha": ("key projects guaranteed", "重点项目保障用地"),
    "optimal": ("optimal", "最优"),
    "infeasible_status": ("infeasible", "无可行解"),
    "unbounded": ("unbounded", "无界"),
    "time_limit": ("time limit", "超时"),
    "error": ("solver error", "求解出错"),
    "maps": ("Maps by county", "分县地图"),
    "map_allocation": ("New construction land", "新增建设用地"),
    "map_satisfaction": ("Demand satisfaction", "需求满足率"),
    "map_per_capita": (
        "Change of per-capita urban land 2020→2035",
        "人均城镇用地变化（2020→2035）",
    ),
    "flows_on_map": ("lines: linkage flows", "连线：增减挂钩流转"),
    "top_allocations": ("Largest allocations", "新增建设用地最多的县"),
    "locked_note": (
        "*: held by a lock (locks.csv, --fix)",
        "*：新增用地已锁定（locks.csv、--fix）",
    ),
    "lorenz": ("Lorenz curves of equity", "公平性洛伦兹曲线"),
    "lorenz_x": ("cumulative share of the base", "基数累计占比"),
    "lorenz_y": ("cumulative share of new land", "新增用地累计占比"),
    "equality": ("equality", "绝对平均线"),
    "no_map": ("No map: {reason}", "无地图：{reason}"),
    "no_geojson": ("the dataset has no counties.geojson", "数据集无 counties.geojson"),
    "too_many": (
        "{n:,} counties, more than the {limit:,} a map draws",
        "县数 {n:,} 超过地图绘制上限 {limit:,}",
    ),
    "bad_geojson": (
        "counties.geojson could not be read ({error})",
        "counties.geojson 无法读取（{error}）",
    ),
    "infeasible": ("The scenario has no solution: see diagnosis", "该情景无可行解：见无解诊断"),
}


def word(key: str, lang: Lang, **fields: object) -> str:
    """A report word in ``lang``, with ``fields`` filled in."""
    en, zh = WORDS[key]
    return (zh if lang is Lang.ZH else en).format(**fields)


def section_name(key: str, lang: Lang) -> str:
    en, zh = SECTION_NAMES[key]
    return zh if lang is Lang.ZH else en


def find_column(file: str, column: str) -> Column | None:
    """The dictionary entry of ``column`` in ``file`` (None: a column the table does not know)."""
    for entry in FILE_COLUMNS.get(file, ()):
        if entry.matches(column):
            return entry
    return None


def header(file: str, column: str, lang: Lang) -> str:
    """A column's header: its file name in English, its Chinese header in Chinese."""
    entry = find_column(file, column)
    if entry is None:  # a column only the reports add (the targets' unit): a report word
        return word(column, lang) if column in WORDS else column
    if lang is Lang.EN:
        return column
    match = entry.matches(column)
    return entry.zh.format(**match.groupdict()) if "{k}" in entry.zh else entry.zh


def column_unit(file: str, column: str) -> Unit:
    entry = find_column(file, column)
    return Unit.TEXT if entry is None else entry.unit


def unit_label(unit: Unit, lang: Lang, area: AreaUnit = AreaUnit.HA) -> str:
    """The units-row label of ``unit``: 公顷 or 亩 for areas (TERMS), else UNIT_LABELS."""
    if unit is Unit.AREA:
        return term(area.value, lang)
    en, zh, _ = UNIT_LABELS[unit]
    return zh if lang is Lang.ZH else en


def area_factor(area: AreaUnit) -> float:
    """Multiply hectares by this to show them in ``area`` (亩: 15 per ha)."""
    return MU_PER_HA if area is AreaUnit.MU else 1.0


def target_name(target: str, lang: Lang) -> str:
    """A target's name in ``lang``: TERMS when it has an entry, else its file name."""
    try:
        return term(target, lang)
    except KeyError:
        return target


def dictionary_markdown() -> str:
    """docs/outputs.md: every output file's columns with header, unit and meaning."""
    lines = [
        "# Output data dictionary",
        "",
        "Generated from `optimizer/reports/labels.py` (`FILE_COLUMNS`); "
        "`tests/test_reports.py` checks that this page is up to date and that every column "
        "a run folder writes is here. Regenerate with "
        "`python -m optimizer.reports > docs/outputs.md`.",
        "",
        "The CSV files keep these English names in every language; the workbook "
        "(report.xlsx) and the HTML report (report.html) show the Chinese header with "
        "`--lang zh`, and areas in 亩 with `--area-unit mu` (× 15). `{k}` stands for 1, 2, … "
        "(one column per value tier).",
        "",
    ]
    for file, columns in FILE_COLUMNS.items():
        lines += [f"## {file}", "", "| column | 中文表头 | unit | meaning |", "|---|---|---|---|"]
        for c in columns:
            lines.append(f"| `{c.name}` | {c.zh} | {UNIT_LABELS[c.unit][2]} | {c.meaning} |")
        lines.append("")
    lines += ["## Units of targets.csv rows", "", "| target | 中文 | unit |", "|---|---|---|"]
    for target, unit in TARGET_UNITS.items():
        lines.append(f"| `{target}` | {target_name(target, Lang.ZH)} | {UNIT_LABELS[unit][2]} |")
    lines += [
        "",
        "## Constraint families in Chinese",
        "",
        "marginals.csv / diagnosis.csv `family` and allocation.csv `binding` (joined by "
        f"{ZH_LIST_SEPARATOR}) as the Chinese reports show them; `region` is {REGION_ZH}.",
        "",
        "| family | 中文 |",
        "|---|---|",
    ]
    lines += [f"| `{family}` | {zh} |" for family, zh in FAMILY_NAMES_ZH.items()]
    lines.append("")
    return "\n".join(lines)
