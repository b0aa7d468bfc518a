"""``landquota init``: a template dataset to fill in, with Chinese or English headers.

The template is a dataset folder that ``landquota check`` reads as it is: counties.csv
with every column's header (its unit in brackets) and N rows to fill in, groups.csv and
group_members.csv with their headers only (a dataset may have no groups), a
scenario.toml listing every key with its default and meaning (docs/scenario-keys.md),
the required quota.total left to fill in, and a README saying what to do. Unfilled,
``check`` names every empty cell; filled in, it passes. Headers are ones the loader
accepts (aliases.HEADER_ALIASES, units.UNITS); a test reads a filled template back.

The folder is written atomically: into a hidden folder beside it, then renamed into
place. A path that exists and is not an empty folder is refused; nothing is ever
overwritten.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import tempfile
from pathlib import Path

from models.inputs import COUNTY_COLUMNS, GROUP_COLUMNS, MEMBER_COLUMNS
from optimizer.data import rules as v
from optimizer.data.aliases import MILESTONE_COLUMNS
from optimizer.data.keys_doc import scenario_key_docs
from optimizer.data.lang import Lang
from optimizer.data.problems import UsageError

#: Rows of counties.csv the template holds unless asked for another number.
DEFAULT_TEMPLATE_COUNTIES = 3
#: Largest number of template rows (a template is filled by hand).
MAX_TEMPLATE_COUNTIES = 100_000
#: Prefix of the hidden folder the template is written into before it is renamed.
STAGING_PREFIX = ".landquota-init-"

#: Chinese headers of counties.csv, the year and unit in brackets (every one an accepted
#: alias: a test reads them back).
COUNTY_HEADERS_ZH: dict[str, str] = {
    "county_id": "区划代码",
    "name": "县级单元名称",
    "city": "地级市",
    "zone": "主体功能区",
    "pop_2020": "常住人口（2020年）（人）",
    "urban_pop_2020": "城镇人口（2020年）（人）",
    "urban_pop_2035": "城镇人口（2035年）（人）",
    "gdp_2020": "地区生产总值（2020年）（亿元）",
    "gdp_2035": "地区生产总值（2035年）（亿元）",
    "construction_land_2020": "建设用地（2020年）（公顷）",
    "urban_land_2020": "城镇建设用地（2020年）（公顷）",
    "rural_settlement_2020": "村庄建设用地（2020年）（公顷）",
    "cultivated_2020": "耕地（2020年）（公顷）",
    "farmland_floor": "耕地保有量（公顷）",
    "basic_farmland": "永久基本农田（公顷）",
    "dev_boundary": "城镇开发边界（公顷）",
    "demand": "新增建设用地需求（公顷）",
    "min_allocation": "保障下限（公顷）",
    "reclaim_potential": "增减挂钩潜力（公顷）",
    "supplement_potential": "耕地后备资源（公顷）",
    "occupation_rate": "占用耕地比例",
    "urban_share": "城镇用地比例",
    "resettle_ratio": "安置比例",
    "reclaim_to_farmland": "复垦为耕地比例",
    "stock_potential": "存量用地潜力（公顷）",
}
GROUP_HEADERS_ZH: dict[str, str] = {
    "group_id": "组群代码",
    "name": "组群名称",
    "kind": "类型",
    "weight": "权重",
    "min_share": "最低份额",
    "max_share": "最高份额",
}
MEMBER_HEADERS_ZH: dict[str, str] = {"group_id": "组群代码", "county_id": "区划代码"}
assert tuple(COUNTY_HEADERS_ZH) == COUNTY_COLUMNS and tuple(GROUP_HEADERS_ZH) == GROUP_COLUMNS
assert tuple(MEMBER_HEADERS_ZH) == MEMBER_COLUMNS

#: Units shown in the English headers, by the model unit of a column.
ENGLISH_UNITS = {"ha": "ha", "persons": "persons", "亿元": "亿元"}
#: The one cell of a template row that is filled: the optional minimum, 0 ha.
PREFILLED = {"min_allocation": "0"}

README_EN = """\
# {name}: a landquota dataset to fill in

1. **counties.csv**: one row per county-level unit ({n} rows to start with; add or
   delete rows as needed). Every column is explained in docs/inputs.md §3; units are in
   the headers (ha, persons, 亿元), a header may name another unit (亩, 万人, 万元 …) and
   the values are converted. `zone` is urban, agricultural or ecological (or
   城市化地区, 农产品主产区, 重点生态功能区). The last four columns (rates) may stay empty:
   scenario.toml `[defaults]` applies.
2. **scenario.toml**: fill in `total` under `[quota]` (the quota pool, ha); every other
   key has its default, written as a comment (docs/scenario-keys.md).
3. **groups.csv / group_members.csv** (optional): priority groups and their member
   counties; leave them with their header rows, or delete both, for no groups.
4. Run `landquota check {name}`: it names every cell still empty or wrong, by file,
   row and column. When it passes, `landquota solve {name}`.
"""

README_ZH = """\
# {name}：待填写的 landquota 数据集

1. **counties.csv**：每个县级单元一行（先给出 {n} 行，可增删）。各列含义见
   docs/inputs.md 第 3 节；单位写在表头括号中（公顷、人、亿元），表头也可写其他单位
   （亩、万人、万元等），读取时自动换算。主体功能区填 城市化地区、农产品主产区 或
   重点生态功能区（或 urban、agricultural、ecological）。最后四列（比例）可留空，
   使用 scenario.toml 中 `[defaults]` 的默认值。
2. **scenario.toml**：在 `[quota]` 下填写 `total`（新增建设用地指标总量，公顷）；
   其余参数均有默认值，以注释形式列出（见 docs/scenario-keys.md）。
3. **groups.csv / group_members.csv**（可选）：优先组群及其成员县；没有组群时保留表头
   或删除这两个文件。
4. 运行 `landquota check {name}`：会逐一指出仍为空或有误的单元格（文件、行、列）。
   通过后运行 `landquota solve {name}`。
"""

REQUIRED_NOTE = {Lang.EN: "required: fill in", Lang.ZH: "必填"}


def county_headers(lang: Lang) -> list[str]:
    """counties.csv's header row in ``lang``: Chinese aliases, or English names with units."""
    if lang is Lang.ZH:
        return list(COUNTY_HEADERS_ZH.values())
    out = []
    for column in v.COUNTIES.columns:
        if column.name in MILESTONE_COLUMNS:  # optional, for phased plans only
            continue
        unit = ENGLISH_UNITS.get(column.unit or "")
        out.append(f"{column.name} ({unit})" if unit else column.name)
    return out


def _csv(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


def scenario_template(lang: Lang) -> str:
    """scenario.toml: every key under its section, defaults as comments, the required ones
    left to fill in."""
    title = (
        "# landquota 情景参数：填写 [quota] total，其余为默认值（取消注释即可修改）。"
        if lang is Lang.ZH
        else "# landquota scenario: fill in [quota] total; the rest are defaults "
        "(uncomment a line to change it)."
    )
    guide = (
        "# 各参数的含义见 docs/scenario-keys.md。"
        if lang is Lang.ZH
        else "# docs/scenario-keys.md explains every key."
    )
    lines = [title, guide]
    section = None
    for doc in scenario_key_docs():
        head, _, name = doc.key.rpartition(".")
        if head != section:
            section = head
            lines += ["", f"[{head}]"]
        if doc.default == "required":
            lines.append(f"# {name} =    # {REQUIRED_NOTE[lang]} ({doc.unit})")
        else:
            value = "" if doc.default == "none" else doc.default
            lines.append(f"# {name} = {value}    # {doc.unit}")
    return "\n".join(lines) + "\n"


def template_files(name: str, lang: Lang = Lang.EN, n_counties: int = 3) -> dict[str, str]:
    """The files of a template dataset named ``name``: file name → text."""
    headers = county_headers(lang)
    blank = [PREFILLED.get(c, "") for c in COUNTY_COLUMNS]
    group_header = list(GROUP_HEADERS_ZH.values()) if lang is Lang.ZH else list(GROUP_COLUMNS)
    member_header = list(MEMBER_HEADERS_ZH.values()) if lang is Lang.ZH else list(MEMBER_COLUMNS)
    readme = README_ZH if lang is Lang.ZH else README_EN
    return {
        "counties.csv": _csv([headers, *([blank] * n_counties)]),
        "groups.csv": _csv([group_header]),
        "group_members.csv": _csv([member_header]),
        "scenario.toml": scenario_template(lang),
        "README.md": readme.format(name=name, n=n_counties),
    }


def write_template(folder: str | Path, lang: Lang = Lang.EN, n_counties: int = 3) -> Path:
    """Write a template dataset into ``folder``, a new (or empty) folder; UsageError else.

    Written into a hidden folder beside it and renamed into place, so that ``folder`` is
    either the whole template or untouched.
    """
    folder = Path(folder)
    if not 1 <= n_counties <= MAX_TEMPLATE_COUNTIES:
        raise UsageError(
            f"--counties must be between 1 and {MAX_TEMPLATE_COUNTIES:,}; got {n_counties}"
        )
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise UsageError(f"refusing to write into {folder}: it exists and is not a folder")
    if folder.is_dir() and any(folder.iterdir()):
        raise UsageError(
            f"refusing to write into {folder}: it exists and is not empty "
            "(init writes a new folder and never overwrites anything)"
        )
    parent = folder.absolute().parent
    if not parent.is_dir():
        raise UsageError(f"cannot write {folder}: its parent folder {parent} does not exist")
    try:
        staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=parent))
    except OSError as err:
        raise UsageError(f"cannot write {folder}: {err.strerror or err}") from None
    try:
        for file, text in template_files(folder.absolute().name, lang, n_counties).items():
            (staging / file).write_text(text, encoding="utf-8")
        os.chmod(staging, 0o777 & ~_umask())
        os.rename(staging, folder)  # replaces only an empty folder
    except OSError as err:
        shutil.rmtree(staging, ignore_errors=True)  # only the staging folder made here
        raise UsageError(f"cannot write {folder}: {err.strerror or err}") from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return folder


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
