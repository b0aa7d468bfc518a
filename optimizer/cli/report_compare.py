"""The terminal report of ``landquota compare``: A | B | Δ, readable without colour.

Every delta carries its sign (+ / −), so the direction reads on a plain
terminal or in a log; colour only repeats it.
"""

from __future__ import annotations

import math

import pandas as pd
from rich import box
from rich.cells import cell_len
from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from optimizer.analysis.compare import Comparison
from optimizer.cli.format import (
    count,
    gini,
    ha,
    objective,
    pct1,
    per_area,
    price,
    share_points,
    signed,
    signed_pct,
)
from optimizer.cli.layout import Column, fitted_table
from optimizer.cli.report_explain import family_words
from optimizer.cli.report_solve import met_text, short_binding, target_name
from optimizer.cli.words import ENGLISH, Words
from optimizer.data.names import county_labels
from optimizer.data.numbers import MU_PER_HA, WEIGHTED_HA
from optimizer.formulation.families import REGION_TARGETS

#: Counties listed by default (the largest |Δ|); --all lists every county.
TOP_COUNTIES = 15


def render_compare(
    c: Comparison, console: Console, *, all_counties: bool = False, words: Words = ENGLISH
) -> None:
    """Print the whole comparison, in the language of ``words``."""
    w = words
    # one line per side, never wrapped: the overrides stay on their side's line
    console.print(
        Text.assemble((w("compare_title"), "bold"), ("A ", "bold"), c.a_label), soft_wrap=True
    )
    indent = " " * cell_len(w("compare_title"))
    console.print(Text.assemble(indent, ("B ", "bold"), c.b_label), soft_wrap=True)
    if c.dataset_warning:
        console.print(Text(w("dataset_warning", text=c.dataset_warning), style="bold yellow"))
    if c.identical:
        console.print(Text(w("no_differences"), style="bold green"))
    console.print(Text(w("delta_note"), style="dim"))
    if c.money[0] != c.money[1]:
        a_unit, b_unit = (m or WEIGHTED_HA for m in c.money)
        console.print(Text(w("money_differs", a=a_unit, b=b_unit), style="bold yellow"))
    console.print(headline_table(c, w))
    if not c.targets.empty:
        console.print(targets_table(c, w, console.width))
    if not c.groups.empty:
        console.print(groups_table(c, w))
    console.print(counties_table(c, all_counties, w, console.width))
    if not c.marginals.empty:
        console.print(marginals_table(c, all_counties, w, console.width))
    if not c.equity.empty:
        console.print(equity_table(c, w))


def _money(c: Comparison) -> str | None:
    """The money both runs count Z in (None: weighted ha, or the runs disagree)."""
    return c.money[0] if c.money[0] == c.money[1] else None


def _fmt_for(unit: str):
    return pct1 if unit == "share" else (_z if unit == "" else ha)


def _z(value: float | None) -> str:
    """Z in a table whose row label carries its unit: 2 decimals, no unit."""
    return objective(value).removesuffix(f" {WEIGHTED_HA}")


def metric_words(metric: str, w: Words = ENGLISH) -> str:
    """A headline or equity metric in the report's language ("share of the pool: urban")."""
    if metric.startswith("share of the pool: "):
        zone = metric.removeprefix("share of the pool: ")
        return w("metric.share of the pool", zone=w.term(zone))
    key = f"metric.{metric}"
    return w(key) if w.has(key) else metric


def headline_table(c: Comparison, w: Words = ENGLISH) -> Table:
    t = _table(w("headline_title"))
    for col in ("", "A", "B", "Δ", "Δ%"):
        t.add_column(col, justify="left" if col == "" else "right")
    z_unit = _money(c) or WEIGHTED_HA
    for r in c.headline.itertuples(index=False):
        fmt = _fmt_for(r.unit)
        delta_fmt = share_points if r.unit == "share" else fmt
        unit = z_unit if r.unit == "" else r.unit
        shown_unit = w.term("ha") if unit == "ha" else w.units(unit)
        label = metric_words(r.metric, w)
        if unit in ("ha", z_unit):
            label = w("with_unit", label=label, unit=shown_unit)
        t.add_row(label, fmt(r.a), fmt(r.b), signed(r.delta, delta_fmt), signed_pct(r.delta_pct))
    return t


def targets_table(c: Comparison, w: Words = ENGLISH, width: int = 100) -> Group:
    columns = [
        Column(w("col.target"), justify="left"),
        Column("A"),
        Column("B"),
        Column("Δ"),
        Column(w("col.limit_a"), priority=2),
        Column(w("col.limit_b"), priority=1),
        Column(w("col.met_ab")),
    ]
    for r in c.targets.itertuples(index=False):
        fmt = _TARGET_FORMAT.get(r.target, ha)
        delta_fmt = share_points if r.target == "intensity_reduction" else fmt
        cells = (
            target_name(r.target, w),
            fmt(r.a),
            fmt(r.b),
            signed(r.delta, delta_fmt),
            fmt(r.limit_a),
            fmt(r.limit_b),
            f"{_met(r.met_a, w)}→{_met(r.met_b, w)}",
        )
        for column, cell in zip(columns, cells, strict=True):
            column.cells.append(cell)
    return fitted_table(w("targets_ab_title"), columns, width, left_out=w.left_out)


#: Targets not in ha: the intensity target is a share, two targets count counties.
_TARGET_FORMAT = {
    "intensity_reduction": pct1,
    "farmland_floor_counties": count,
    "per_capita_cap_counties": count,
}


def _met(value, w: Words = ENGLISH) -> str:
    if isinstance(value, str):
        value = {"true": True, "false": False}.get(value.lower())
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return met_text(bool(value), w).plain


def groups_table(c: Comparison, w: Words = ENGLISH) -> Table:
    t = _table(w("groups_ab_title"))
    t.add_column(w("col.group"), justify="left", overflow="fold")
    for col in ("A", "B", "Δ", "Δ%", w("col.share_ab")):
        t.add_column(col, justify="right", no_wrap=True)
    for r in c.groups.itertuples(index=False):
        name = str(r.name) + ("" if r.present == "both" else f" ({r.present})")
        t.add_row(
            name,
            ha(r.a),
            ha(r.b),
            signed(r.delta),
            signed_pct(r.delta_pct),
            f"{pct1(r.share_a)}→{pct1(r.share_b)}",
        )
    return t


def changed_counties(rows: pd.DataFrame) -> pd.Series:
    """Counties on both sides whose new land or binding constraints changed."""
    return (rows["present"] == "both") & (~rows["same"] | rows["binding_changed"])


def counties_table(
    c: Comparison, all_counties: bool = False, w: Words = ENGLISH, width: int = 100
) -> Group:
    """The counties that changed, largest |Δ| first (all counties with --all), then those
    on one side only."""
    rows = c.counties
    one_side = rows[rows["present"] != "both"]
    both = rows[rows["present"] == "both"]
    changed = both[changed_counties(both)]
    shown = both if all_counties else changed.head(TOP_COUNTIES)
    shown = pd.concat([shown, one_side])
    if all_counties:
        scope = ""
    elif len(changed) > TOP_COUNTIES:
        scope = w("counties_ab_largest", shown=TOP_COUNTIES, changed=len(changed), total=len(both))
    else:
        scope = w("counties_ab_changed", changed=len(changed), total=len(both))
    title = w("counties_ab_title") + scope + w("binding_changed_mark")
    columns = [
        Column(w("col.county"), justify="left", wrap=True, min_width=8),
        Column("A", priority=2),
        Column("B", priority=1),
        Column("Δ"),
        Column("Δ%", priority=3),
        Column(w("col.binding_ab"), priority=4, justify="left", wrap=True),
    ]
    labels = _labelled(rows).loc[shown.index]
    for r, label in zip(shown.itertuples(index=False), labels, strict=True):
        mark = "*" if r.binding_changed else ""
        name = f"{mark}{label}" + ("" if r.present == "both" else f" ({r.present})")
        a_short, b_short = short_binding(r.binding_a, w), short_binding(r.binding_b, w)
        binding = a_short if a_short == b_short else f"{a_short or '–'} → {b_short or '–'}"
        cells = (name, ha(r.a), ha(r.b), signed(r.delta), signed_pct(r.delta_pct), binding)
        for column, cell in zip(columns, cells, strict=True):
            column.cells.append(cell)
    caption = None
    if shown.empty:
        caption = w("no_county_changed")
    elif not all_counties and len(changed) > TOP_COUNTIES:
        caption = w("counties_ab_more", n=len(changed) - TOP_COUNTIES)
    return fitted_table(title, columns, width, caption=caption, left_out=w.left_out)


def marginals_table(
    c: Comparison, all_rows: bool = False, w: Words = ENGLISH, width: int = 100
) -> Group:
    m = c.marginals
    region = m[m["family"].isin(REGION_TARGETS)]
    rest = m.drop(region.index)
    changed = rest[~rest["same"] | (rest["present"] != "both")]
    shown = pd.concat([region, rest if all_rows else changed.head(TOP_COUNTIES)])
    money = _money(c)
    per_ha, per_mu = w.units(per_area("ha", money)), w.units(per_area("亩", money))
    columns = [
        Column(w("col.constraint"), justify="left", wrap=True, min_width=10),
        Column(w("col.where"), justify="left", wrap=True, min_width=6),
        Column("A"),
        Column("B"),
        Column("Δ"),
        Column(f"A {per_mu}", priority=2),
        Column(f"B {per_mu}", priority=1),
    ]
    for r in shown.itertuples(index=False):
        where = "" if r.id == "region" else str(r.name)
        cells = (
            family_words(r.family, w) if w.zh else r.family,
            where,
            price(r.a),
            price(r.b),
            signed(r.delta, price),
            price(r.a / MU_PER_HA),
            price(r.b / MU_PER_HA),
        )
        for column, cell in zip(columns, cells, strict=True):
            column.cells.append(cell)
    hidden = len(changed) - (len(shown) - len(region)) if not all_rows else 0
    caption = w("prices_ab_more", n=hidden) if hidden > 0 else None
    return fitted_table(
        w("prices_ab_title", per_ha=per_ha, per_mu=per_mu),
        columns,
        width,
        caption=caption,
        left_out=w.left_out,
    )


def equity_table(c: Comparison, w: Words = ENGLISH) -> Table:
    t = _table(w("equity"))
    for col in ("", "A", "B", "Δ"):
        t.add_column(col, justify="left" if col == "" else "right")
    for r in c.equity.itertuples(index=False):
        share = r.metric.startswith("share")
        fmt = pct1 if share else gini
        t.add_row(
            metric_words(r.metric, w),
            fmt(r.a),
            fmt(r.b),
            signed(r.delta, share_points if share else gini),
        )
    return t


def _table(title: str) -> Table:
    return Table(title=title, box=box.SIMPLE_HEAD, title_justify="left")


def _labelled(rows: pd.DataFrame) -> pd.Series:
    """Every county of the comparison named as reports name it (with its city if repeated)."""
    city = rows["city_a"].fillna(rows["city_b"])
    return county_labels(rows[["county_id", "name"]].assign(city=city))
