"""The terminal report of ``landquota compare``: A | B | Δ, readable without colour.

Every delta carries its sign (+ / −), so the direction reads on a plain
terminal or in a log; colour only repeats it.
"""

from __future__ import annotations

import math

import pandas as pd
from rich import box
from rich.console import Console
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
from optimizer.cli.report_solve import short_binding
from optimizer.data.names import county_labels
from optimizer.data.numbers import MU_PER_HA, WEIGHTED_HA
from optimizer.formulation.families import REGION_TARGETS

#: Counties listed by default (the largest |Δ|); --all lists every county.
TOP_COUNTIES = 15


def render_compare(c: Comparison, console: Console, *, all_counties: bool = False) -> None:
    """Print the whole comparison."""
    console.print(
        Text.assemble(
            ("landquota compare  ", "bold"),
            ("A ", "bold"),
            c.a_label,
            ("  ↔  B ", "bold"),
            c.b_label,
        )
    )
    if c.identical:
        console.print(
            Text(
                "No differences: the two runs agree on every number and every binding constraint.",
                style="bold green",
            )
        )
    console.print(Text("Δ = B − A; Δ% relative to A.", style="dim"))
    if c.money[0] != c.money[1]:
        a_unit, b_unit = (m or WEIGHTED_HA for m in c.money)
        console.print(
            Text(
                f"A counts Z in {a_unit}, B in {b_unit} ([tiers] unit): their Z and prices "
                "are not in the same unit.",
                style="bold yellow",
            )
        )
    console.print(headline_table(c))
    if not c.targets.empty:
        console.print(targets_table(c))
    if not c.groups.empty:
        console.print(groups_table(c))
    console.print(counties_table(c, all_counties))
    if not c.marginals.empty:
        console.print(marginals_table(c, all_counties))
    if not c.equity.empty:
        console.print(equity_table(c))


def _money(c: Comparison) -> str | None:
    """The money both runs count Z in (None: weighted ha, or the runs disagree)."""
    return c.money[0] if c.money[0] == c.money[1] else None


def _fmt_for(unit: str):
    return pct1 if unit == "share" else (_z if unit == "" else ha)


def _z(value: float | None) -> str:
    """Z in a table whose row label carries its unit: 2 decimals, no unit."""
    return objective(value).removesuffix(f" {WEIGHTED_HA}")


def headline_table(c: Comparison) -> Table:
    t = _table("Headline")
    for col in ("", "A", "B", "Δ", "Δ%"):
        t.add_column(col, justify="left" if col == "" else "right")
    z_unit = _money(c) or WEIGHTED_HA
    for r in c.headline.itertuples(index=False):
        fmt = _fmt_for(r.unit)
        delta_fmt = share_points if r.unit == "share" else fmt
        unit = z_unit if r.unit == "" else r.unit
        label = f"{r.metric}" + (f" ({unit})" if unit in ("ha", z_unit) else "")
        t.add_row(label, fmt(r.a), fmt(r.b), signed(r.delta, delta_fmt), signed_pct(r.delta_pct))
    return t


def targets_table(c: Comparison) -> Table:
    t = _table("Plan targets, A vs B")
    for col in ("target", "A", "B", "Δ", "limit A", "limit B", "met A→B"):
        t.add_column(col, justify="left" if col == "target" else "right")
    for r in c.targets.itertuples(index=False):
        fmt = _TARGET_FORMAT.get(r.target, ha)
        delta_fmt = share_points if r.target == "intensity_reduction" else fmt
        t.add_row(
            r.target,
            fmt(r.a),
            fmt(r.b),
            signed(r.delta, delta_fmt),
            fmt(r.limit_a),
            fmt(r.limit_b),
            f"{_met(r.met_a)}→{_met(r.met_b)}",
        )
    return t


#: Targets not in ha: the intensity target is a share, two targets count counties.
_TARGET_FORMAT = {
    "intensity_reduction": pct1,
    "farmland_floor_counties": count,
    "per_capita_cap_counties": count,
}


def _met(value) -> str:
    if isinstance(value, str):
        return "yes" if value.lower() == "true" else "NO" if value.lower() == "false" else "–"
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return "yes" if bool(value) else "NO"


def groups_table(c: Comparison) -> Table:
    t = _table("Priority groups: new land, ha")
    for col in ("group", "A", "B", "Δ", "Δ%", "share A→B"):
        t.add_column(col, justify="left" if col == "group" else "right")
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


def counties_table(c: Comparison, all_counties: bool = False) -> Table:
    rows = c.counties
    one_side = rows[rows["present"] != "both"]
    both = rows[rows["present"] == "both"]
    shown = both if all_counties else both.head(TOP_COUNTIES)
    shown = pd.concat([shown, one_side])
    title = (
        "Counties, new construction land, ha"
        + (
            ""
            if all_counties
            else f" — the {min(TOP_COUNTIES, len(both))} largest |Δ| of {len(both)}"
        )
        + " (* binding constraint changed)"
    )
    t = _table(title)
    for col in ("county", "A", "B", "Δ", "Δ%", "binding A → B"):
        t.add_column(
            col, justify="left" if col in ("county", "binding A → B") else "right", overflow="fold"
        )
    labels = _labelled(rows).loc[shown.index]
    for r, label in zip(shown.itertuples(index=False), labels, strict=True):
        mark = "*" if r.binding_changed else ""
        name = f"{mark}{label}" + ("" if r.present == "both" else f" ({r.present})")
        a_short, b_short = short_binding(r.binding_a), short_binding(r.binding_b)
        binding = a_short if a_short == b_short else f"{a_short or '–'} → {b_short or '–'}"
        t.add_row(name, ha(r.a), ha(r.b), signed(r.delta), signed_pct(r.delta_pct), binding)
    if not all_counties and len(both) > TOP_COUNTIES:
        t.caption = f"{len(both) - TOP_COUNTIES} more counties (--all lists them)"
    return t


def marginals_table(c: Comparison, all_rows: bool = False) -> Table:
    m = c.marginals
    region = m[m["family"].isin(REGION_TARGETS)]
    rest = m.drop(region.index)
    changed = rest[~rest["same"] | (rest["present"] != "both")]
    shown = pd.concat([region, rest if all_rows else changed.head(TOP_COUNTIES)])
    money = _money(c)
    per_ha, per_mu = per_area("ha", money), per_area("亩", money)
    t = _table(f"Prices (Z {per_ha}, and {per_mu}): region targets, then the changed ones")
    columns = ("constraint", "where", "A", "B", "Δ", f"A {per_mu}", f"B {per_mu}")
    for col in columns:
        t.add_column(col, justify="left" if col in ("constraint", "where") else "right")
    for r in shown.itertuples(index=False):
        where = "" if r.id == "region" else str(r.name)
        t.add_row(
            r.family,
            where,
            price(r.a),
            price(r.b),
            signed(r.delta, price),
            price(r.a / MU_PER_HA),
            price(r.b / MU_PER_HA),
        )
    hidden = len(changed) - (len(shown) - len(region)) if not all_rows else 0
    if hidden > 0:
        t.caption = f"{hidden} more changed prices (--all lists them)"
    return t


def equity_table(c: Comparison) -> Table:
    t = _table("Equity")
    for col in ("", "A", "B", "Δ"):
        t.add_column(col, justify="left" if col == "" else "right")
    for r in c.equity.itertuples(index=False):
        share = r.metric.startswith("share")
        fmt = pct1 if share else gini
        t.add_row(
            r.metric,
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
