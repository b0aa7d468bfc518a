"""Terminal rendering of ``landquota check`` (the summary of :mod:`optimizer.data.check`).

Tables fit in 100 columns; when the output is piped rich writes plain text,
and it honours NO_COLOR. Warnings are never wrapped, one per line, so that
they can be searched with grep like the error lines.
"""

from __future__ import annotations

from typing import Any

from rich import box
from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from optimizer.cli.console import terminal_console
from optimizer.cli.format import total
from optimizer.cli.layout import Column, fitted_table
from optimizer.cli.words import ENGLISH, Words
from optimizer.data.check import TOTAL_KEYS
from optimizer.data.dataset import Dataset

#: Labels of the totals, with their units, in the order shown.
TOTAL_LABELS: dict[str, str] = {
    "pop_2020_persons": "Population 2020 常住人口 (persons)",
    "urban_pop_2020_persons": "Urban population 2020 城镇人口 (persons)",
    "urban_pop_2035_persons": "Urban population 2035 城镇人口 (persons)",
    "gdp_2020_100m_cny": "GDP 2020 (亿元)",
    "gdp_2035_100m_cny": "GDP 2035, 2020 prices (亿元)",
    "construction_land_2020_ha": "Construction land 2020 建设用地 (ha)",
    "urban_land_2020_ha": "Urban land 2020 城镇建设用地 (ha)",
    "dev_boundary_ha": "Development boundary 城镇开发边界 (ha)",
    "dev_boundary_room_ha": "Room inside the boundary (ha)",
    "rural_settlement_2020_ha": "Rural settlements 2020 村庄建设用地 (ha)",
    "cultivated_2020_ha": "Cultivated land 2020 耕地 (ha)",
    "farmland_floor_ha": "Farmland floor 耕地保有量 (ha)",
    "basic_farmland_ha": "Basic farmland 永久基本农田 (ha)",
    "demand_ha": "Demand 新增建设用地需求 (ha)",
    "min_allocation_ha": "Guaranteed minimums 保障下限 (ha)",
    "reclaim_potential_ha": "Reclaim potential 增减挂钩潜力 (ha)",
    "supplement_potential_ha": "Reserve land 耕地后备资源 (ha)",
}
assert set(TOTAL_LABELS) == {*TOTAL_KEYS.values(), "dev_boundary_room_ha"}
#: The same labels in Chinese (``--lang zh``).
TOTAL_LABELS_ZH: dict[str, str] = {
    "pop_2020_persons": "2020年常住人口（人）",
    "urban_pop_2020_persons": "2020年城镇人口（人）",
    "urban_pop_2035_persons": "2035年城镇人口（人）",
    "gdp_2020_100m_cny": "2020年地区生产总值（亿元）",
    "gdp_2035_100m_cny": "2035年地区生产总值，2020年价（亿元）",
    "construction_land_2020_ha": "2020年建设用地（公顷）",
    "urban_land_2020_ha": "2020年城镇建设用地（公顷）",
    "dev_boundary_ha": "城镇开发边界（公顷）",
    "dev_boundary_room_ha": "开发边界内剩余空间（公顷）",
    "rural_settlement_2020_ha": "2020年村庄建设用地（公顷）",
    "cultivated_2020_ha": "2020年耕地（公顷）",
    "farmland_floor_ha": "耕地保有量（公顷）",
    "basic_farmland_ha": "永久基本农田（公顷）",
    "demand_ha": "新增建设用地需求（公顷）",
    "min_allocation_ha": "保障下限（公顷）",
    "reclaim_potential_ha": "增减挂钩潜力（公顷）",
    "supplement_potential_ha": "耕地后备资源（公顷）",
}
assert set(TOTAL_LABELS_ZH) == set(TOTAL_LABELS)


def _table(title: str, *columns: tuple[str, str]) -> Table:
    """A plain table. Numbers keep their width; text wraps instead of being cut short,
    and a "name" column takes the room that is left."""
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    for header, justify in columns:
        name = header == "name"
        text = justify == "left"
        table.add_column(
            header,
            justify=justify,  # type: ignore[arg-type]
            no_wrap=not text,
            overflow="fold" if text else "ellipsis",
            ratio=1 if name else None,
            min_width=14 if name else None,
            max_width=20 if header in ("group", "kind") else None,
        )
    return table


def render_check(
    summary: dict[str, Any],
    console: Console | None = None,
    words: Words = ENGLISH,
    dataset: Dataset | None = None,
) -> None:
    """Print the check summary: totals, counties by city and zone, per-capita, groups,
    unit conversions, warnings (in the language of ``words``).

    With the ``dataset`` the summary is of, its warnings and conversions are worded from
    their codes (Chinese with ``--lang zh``); without it, in the summary's English.
    """
    if console is None:
        console = terminal_console()
    w = words
    ds, counties = summary["dataset"], summary["counties"]
    source = (f"（{ds['source']}）" if w.zh else f" ({ds['source']})") if ds.get("source") else ""
    console.print(
        Text(
            w(
                "check_valid",
                name=ds["name"],
                source=source,
                counties=counties["count"],
                cities=counties["cities"],
            ),
            style="bold",
        ),
        soft_wrap=True,
    )

    totals = _table(w("check_totals"), (w("col.quantity"), "left"), (w("col.value"), "right"))
    labels = TOTAL_LABELS_ZH if w.zh else TOTAL_LABELS
    for key, label in labels.items():
        totals.add_row(label, total(summary["totals"][key], 1 if key.startswith("gdp") else 0))
    quota = summary["quota"]
    totals.add_row(w("check_quota"), total(quota["total_ha"]))
    ratio = quota["demand_over_quota"]
    totals.add_row(w("check_demand_ratio"), total(ratio, 2))
    console.print(totals)

    cities = _table(
        w("check_by_city"),
        (w("col.city_zh"), "left"),
        (w("col.counties"), "right"),
        (w("col.pop_2020"), "right"),
        (w("col.urban_land_2020"), "right"),
        (w("col.demand_ha"), "right"),
    )
    for row in counties["by_city"]:
        cities.add_row(
            row["city"],
            total(row["counties"]),
            total(row["pop_2020_persons"]),
            total(row["urban_land_2020_ha"]),
            total(row["demand_ha"]),
        )
    console.print(cities)

    zones = _table(
        w("check_by_zone"),
        *(() if w.zh else (("zone", "left"),)),
        ("主体功能区", "left"),
        (w("col.counties"), "right"),
    )
    for row in counties["by_zone"]:
        zone = () if w.zh else (row["zone"],)
        zones.add_row(*zone, row["zone_zh"], total(row["counties"]))
    console.print(zones)

    pc = summary["per_capita_urban_land_2020"]
    per_capita = _table(
        w("check_per_capita"), (w("col.measure"), "left"), (w("col.value"), "right")
    )
    per_capita.add_row(w("check_pc_region"), total(pc["region_m2_per_person"], 1))
    for what in ("min", "median", "max"):
        per_capita.add_row(w(f"check_pc_{what}"), total(pc[f"{what}_m2_per_person"], 1))
    per_capita.add_row(
        w("check_pc_below", floor=total(pc["floor_m2_per_person"])),
        total(pc["counties_below_floor"]),
    )
    per_capita.add_row(
        w("check_pc_above", cap=total(pc["cap_m2_per_person"])),
        total(pc["counties_above_cap"]),
    )
    if pc["counties_without_urban_pop"]:
        per_capita.add_row(w("check_pc_no_urban"), total(pc["counties_without_urban_pop"]))
    console.print(per_capita)

    if summary["groups"]:
        console.print(groups_table(summary["groups"], w, console.width))
    else:
        console.print(w("no_groups"))
    if summary["transfer_costs"] is not None:
        console.print(w("transfer_pairs", n=summary["transfer_costs"]["pairs"]))
    if summary.get("projects") is not None:
        console.print(projects_tables(summary["projects"], w, console.width))
    if summary.get("stock") is not None:
        console.print(Text(stock_text(summary["stock"], w)))

    conversions = summary["conversions"]
    if conversions:
        console.print(Text(w("conversions", n=len(conversions)), style="bold"))
        if dataset is not None and len(dataset.conversions) == len(conversions):
            lines = [w.conversion(c) for c in dataset.conversions]
        else:
            lines = [_conversion_text(c) for c in conversions]
        for line in lines:
            console.print(Text("  " + line), soft_wrap=True)

    warnings = summary["warnings"]
    if not warnings:
        console.print(Text(w("no_warnings"), style="green"))
        return
    console.print(Text(w("n_warnings", n=len(warnings)), style="bold yellow"))
    if dataset is not None and len(dataset.warnings) == len(warnings):
        texts = [w.problem(p) for p in dataset.warnings]
    else:
        texts = [_problem_text(p) for p in warnings]
    for text in texts:
        console.print(Text("  " + text, style="yellow"), soft_wrap=True)


def groups_table(groups: list[dict[str, Any]], w: Words, width: int) -> Group:
    """The priority groups, fitted to the terminal: names wrap, the kind goes first."""
    columns = [
        Column(w("col.group"), justify="left", wrap=True, min_width=8),
        Column(w("col.name"), justify="left", wrap=True, min_width=14),
        Column(w("col.kind"), priority=4, justify="left", wrap=True, min_width=6),
        Column(w("col.members"), priority=3),
        Column(w("col.weight"), priority=2),
        Column(w("col.share_min"), priority=1),
        Column(w("col.share_max"), priority=1),
    ]
    for g in groups:
        cells = (
            g["group_id"],
            g["name"],
            g["kind"],
            total(g["members"]),
            total(g["weight"], 2),
            total(g["min_share"], 2),
            total(g["max_share"], 2),
        )
        for column, cell in zip(columns, cells, strict=True):
            column.cells.append(cell)
    return fitted_table(w("groups_check_title"), columns, width, left_out=w.left_out)


def projects_tables(p: dict[str, Any], w: Words, width: int) -> Group:
    """Key projects (projects.csv, MODEL.md §8): count and Σ area, by kind, and per county
    the projects' share of its demand (largest first)."""
    kinds = [
        Column(w("col.kind"), justify="left"),
        Column(w("col.projects")),
        Column(w("col.area_ha")),
    ]
    for k in p["by_kind"]:
        kind = k["kind"]
        cells = (
            w(f"kind.{kind}") if w.has(f"kind.{kind}") else (kind or "–"),
            total(k["count"]),
            total(k["area_ha"], 1),
        )
        for column, cell in zip(kinds, cells, strict=True):
            column.cells.append(cell)
    title = w("check_projects", n=p["count"], area=total(p["area_ha"], 1))
    counties = [
        Column(w("col.county"), justify="left", wrap=True, min_width=6),
        Column(w("col.projects")),
        Column(w("col.area_ha")),
        Column(w("col.demand_ha")),
        Column(w("col.share_of_demand")),
    ]
    for c in p["counties"]:
        share = c["share_of_demand"]
        cells = (
            c["name"] or c["county_id"],
            total(c["projects"]),
            total(c["area_ha"], 1),
            total(c["demand_ha"], 1),
            "–" if share is None else f"{share:.1%}",
        )
        for column, cell in zip(counties, cells, strict=True):
            column.cells.append(cell)
    return Group(
        fitted_table(title, kinds, width, left_out=w.left_out),
        fitted_table(
            w("check_projects_counties", above=p["counties_above_demand"]),
            counties,
            width,
            left_out=w.left_out,
        ),
    )


def stock_text(s: dict[str, Any], w: Words) -> str:
    """Existing stock land and its settings, one line."""
    return w(
        "check_stock",
        counties=s["counties"],
        ha=total(s["stock_potential_ha"], 1),
        cost=f"{s['cost_per_ha']:g}",
        linked=f"{s['linked_share']:g}",
        mu=f"{s['quota_per_ha']:g}",
        reserve=f"{s['reserve_share']:g}",
    )


def _conversion_text(c: dict[str, Any]) -> str:
    """A unit conversion as one line: file, column as written (English name), what was done."""
    label = c["header"] if c["header"] == c["column"] else f"{c['header']} ({c['column']})"
    return f"{c['file']} column {label}: {c['message']}"


def _problem_text(p: dict[str, Any]) -> str:
    """A warning as one line, in the same form as the error messages."""
    where = p["file"]
    if p["row"] is not None:
        where += f" row {p['row']}"
        if p.get("county"):
            where += f" ({p['county']})"
    if p["column"] is not None:
        where += f", column {p['column']}"
    if p["value"] is not None:
        where += f" = {p['value']!r}"
    return f"{where}: {p['message']}"
