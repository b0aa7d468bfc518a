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
