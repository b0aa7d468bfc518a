"""The language of what a person reads: reports, workbooks, HTML (``--lang zh|en``).

Machine files (CSV headers, summary.json keys) keep their stable English names in
every language; only what a person reads is translated. The language is chosen by
the command's ``--lang`` option, else the ``LANDQUOTA_LANG`` environment variable,
else English. ``TERMS`` is the one shared vocabulary (units, target names) that
the terminal reports, the workbook and the HTML report all use, so a target is
called the same in each of them.
"""

from __future__ import annotations

import os
from enum import StrEnum


class Lang(StrEnum):
    """A language of the reports."""

    EN = "en"
    ZH = "zh"


#: The environment variable that sets the default language of reports.
LANG_ENV = "LANDQUOTA_LANG"


def resolve_lang(value: str | Lang | None = None) -> Lang:
    """The language asked for: the option's value, else LANDQUOTA_LANG, else English.

    Raises ValueError naming the value and the choices when it is neither en nor zh.
    """
    raw = value if value is not None else os.environ.get(LANG_ENV) or Lang.EN
    try:
        return Lang(str(raw).strip().lower())
    except ValueError:
        choices = ", ".join(lang.value for lang in Lang)
        source = "--lang" if value is not None else LANG_ENV
        raise ValueError(f"{source}={raw!r} is not a language (choose: {choices})") from None


#: Shared vocabulary: key → (English, Chinese). Add entries here, never a second table.
TERMS: dict[str, tuple[str, str]] = {
    # units
    "ha": ("ha", "公顷"),
    "mu": ("mu", "亩"),
    "wan_mu": ("10,000 mu", "万亩"),
    "wan_people": ("10,000 people", "万人"),
    "m2_per_person": ("m²/person", "m²/人"),
    "yi_yuan": ("100 million yuan", "亿元"),
    # region targets (targets.csv `target`)
    "quota_pool": ("quota pool", "新增建设用地指标总量"),
    "intensity_reduction": ("construction land per unit GDP", "单位GDP建设用地下降"),
    "farmland_region": ("region farmland floor", "耕地保有量"),
    "farmland_balance": ("farmland balance (占补平衡)", "耕地占补平衡"),
    # county-count and other targets (targets.csv `target`)
    "farmland_floor_counties": ("counties keeping their farmland floor", "守住耕地保有量的县"),
    "per_capita_cap_counties": ("counties over the per-capita cap", "超过人均用地上限的县"),
    "per_capita_floor_shortfall": ("per-capita floor shortfall", "人均用地下限缺口"),
    "dev_boundary": ("development boundary", "城镇开发边界"),
    # zones (counties.csv `zone`)
    "urban": ("urban", "城市化地区"),
    "agricultural": ("agricultural", "农产品主产区"),
    "ecological": ("ecological", "重点生态功能区"),
    # what stops a county (allocation.csv `limited_by`)
    "limit.no_demand": ("asks for no new land", "无新增用地需求"),
    "limit.pool": ("the quota pool ran out", "指标总量用尽"),
    "limit.intensity": ("the intensity target ran out", "单位GDP建设用地下降目标用尽"),
    "limit.farmland_region": ("the region's farmland floor ran out", "区域耕地保有量用尽"),
    "limit.farmland_balance": ("占补平衡 costs more than it is worth", "占补平衡代价高于收益"),
    "limit.demand": ("all its demand is met", "需求全部满足"),
    "limit.min_allocation": ("held at its guaranteed minimum", "保持在保障下限"),
    "limit.per_capita_cap": ("the per-capita cap", "人均城镇用地上限"),
    "limit.dev_boundary": ("the development boundary", "城镇开发边界"),
    "limit.basic_farmland": ("permanent basic farmland", "永久基本农田"),
    "limit.farmland_floor": ("its own farmland floor", "本县耕地保有量"),
    "limit.per_capita_floor": ("the per-capita floor", "人均城镇用地下限"),
    "limit.lock": ("held by its lock", "由锁定指标固定"),
    # constraint families (marginals.csv `family`)
    "family.quota_pool": ("quota pool", "指标总量"),
    "family.intensity": ("intensity target", "单位GDP建设用地下降目标"),
    "family.farmland_region": ("region farmland floor", "区域耕地保有量"),
    "family.farmland_balance": ("占补平衡", "耕地占补平衡"),
    "family.demand": ("demand", "需求"),
    "family.min_allocation": ("guaranteed minimum", "保障下限"),
    "family.per_capita_cap": ("per-capita cap", "人均城镇用地上限"),
    "family.dev_boundary": ("development boundary", "城镇开发边界"),
    "family.basic_farmland": ("basic farmland", "永久基本农田"),
    "family.farmland_floor": ("county farmland floor", "本县耕地保有量"),
    "family.per_capita_floor": ("per-capita floor", "人均城镇用地下限"),
    "family.reclaim_potential": ("reclaim potential", "增减挂钩潜力"),
    "family.supplement_potential": ("reserve land", "耕地后备资源"),
    "family.group_min": ("group minimum share", "组群最低份额"),
    "family.group_max": ("group maximum share", "组群最高份额"),
    "family.quota_linked": ("linked part of the pool (增存挂钩)", "增存挂钩指标总量"),
    "family.project_min": ("key projects' land", "重点项目保障"),
    "family.stock_potential": ("existing stock land", "存量用地潜力"),
    "family.stock_link": ("linked quota earned by reusing stock", "增存挂钩挂钩比例"),
    "family.linked_use": ("linked quota used where earned", "增存挂钩指标本县使用"),
    "family.tiers": ("demand tiers", "需求分档"),
    "family.split": ("quota and indicator split", "指标与挂钩拆分"),
    "family.surplus": ("linkage surplus indicators", "挂钩节余指标"),
    "family.total_allocation": ("total new land", "新增建设用地总量"),
    "family.hub_balance": ("linkage hub balance", "挂钩枢纽平衡"),
    "family.lock": ("lock", "锁定指标"),
    "family.periods_sum": ("period sums", "分期合计"),
    # short labels of binding families (the county table's `binding` column)
    "label.demand": ("demand", "需求"),
    "label.min": ("min", "保障"),
    "label.cap": ("cap", "上限"),
    "label.boundary": ("boundary", "边界"),
    "label.basic": ("basic", "基农"),
    "label.farm": ("farm", "耕地"),
    "label.floor": ("floor", "下限"),
    "label.lock": ("lock", "锁定"),
    "limit.cost": ("its next hectare costs more than it is worth", "下一公顷的成本高于其价值"),
    # instruments (MODEL.md §8)
    "quota_reserve": ("provincial reserve", "预留指标"),
    "quota_linked": ("linked quota (增存挂钩)", "增存挂钩指标"),
    "stock_used": ("stock reused", "盘活存量用地"),
    "new_land": ("new land", "新增建设用地"),
    "key_projects": ("key projects", "重点项目"),
}


def term(key: str, lang: Lang | str = Lang.EN) -> str:
    """The word for ``key`` in ``lang`` (KeyError for an unknown key: add it to TERMS)."""
    en, zh = TERMS[key]
    return zh if Lang(lang) is Lang.ZH else en
