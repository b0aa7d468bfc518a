"""The terminal report of a solve, rendered with rich (plain text when piped).

Readable at 100 columns: the county table keeps short headers with units in
the table title, and long binding lists wrap inside their column.
"""

from __future__ import annotations

import math

from rich import box
from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from models.results import Equity, Status
from optimizer.analysis.tables import Result, join_flags
from optimizer.cli.format import (
    count,
    gini,
    ha,
    m2,
    objective,
    pct,
    pct1,
    per_area,
    price,
    price_per_ha,
    thousand_ha,
    weight,
)
from optimizer.data.lang import term
from optimizer.data.numbers import MU_PER_HA, z_meaning
from optimizer.formulation.families import ALLOCATION_LIMITS, FAMILIES

#: How many linkage flows the report lists (all are in flows.csv).
TOP_FLOWS = 10
#: Short forms of binding families for the narrow county table (what limits the county's
#: allocation; the reclaim/reserve potentials are in allocation.csv).
BINDING_SHORT = {f: FAMILIES[f].label for f in ALLOCATION_LIMITS}


ZONE_SHORT = {"urban": "城", "agricultural": "农", "ecological": "生"}


def render_solve(result: Result, console: Console, *, max_counties: int | None = None) -> None:
    """Print the whole solve report."""
    console.print(headline_panel(result))
    if result.status is not Status.OPTIMAL:
        return
    console.print(targets_table(result))
    if not result.groups.empty:
        console.print(groups_table(result))
    console.print(Group(*equity_lines(result.summary.equity), Text("")))
    console.print(counties_table(result, max_counties))
    if not result.projects.empty:
        console.print(projects_table(result))
    if not result.flows.empty:
        console.print(flows_table(result))
    if result.summary.warnings:
        console.print(
            Text(
                f"{len(result.summary.warnings)} data warnings (see `landquota check`):",
                style="yellow",
            )
        )
        for w in result.summary.warnings[:5]:
            console.print(Text(f"  ! {w}", style="yellow"))


def equity_lines(equity: Equity | None) -> list[Text]:
    """Equity: the two Gini coefficients and each zone's share of the pool and of new land."""
    if equity is None:
        return []
    shares = " · ".join(
        f"{ZONE_SHORT.get(z, z)} {z} {pct1(v.quota_share)} of the pool, "
        f"{pct1(v.allocation_share)} of new land"
        for z, v in equity.zones.items()
    )
    return [
        Text("Equity", style="bold"),
        Text(
            f"Gini of new land per resident {gini(equity.gini_allocation_per_resident)}"
            f" (weighted by 2020 residents) · Gini of demand satisfaction "
            f"{gini(equity.gini_satisfaction)} (weighted by demand)"
        ),
        Text(shares),
    ]


def z_line(money: str | None, stock: bool = False) -> Text:
    """What Z means, in words (MODEL.md §3; with the stock cost when stock is reused, §8)."""
    return Text(f"Z: {z_meaning(money, stock)}.", style="dim")


def uses_stock(result: Result) -> bool:
    """Whether the run reuses existing stock land (MODEL.md §8)."""
    h = result.summary.headline
    return h is not None and h.stock_used_ha is not None


def pool_price(result: Result) -> float | None:
    """The quota pool's price (Z per ha of pool), None when the solver gives no prices."""
    m = result.marginals
    pool = m.loc[m["family"] == "quota_pool", "value"] if not m.empty else []
    return float(pool.iloc[0]) if len(pool) else None


def headline_panel(result: Result) -> Group:
    s = result.summary
    money = s.scenario.tiers.money
    style = "bold green" if s.status is Status.OPTIMAL else "bold red"
    title = Text.assemble(
        ("landquota ", "bold"),
        (s.scenario.name, "bold cyan"),
        "  ",
        (s.status.value.upper(), style),
    )
    lines = [title]
    if s.objective is not None:
        lines.append(
            Text(
                f"Z = {objective(s.objective, money)}   backend {s.backend}/{s.solver}   "
                f"LP {s.lp.rows:,} rows × {s.lp.cols:,} cols, {s.lp.nnz:,} nnz   "
                f"{s.timings.total():.2f} s"
            )
        )
        lines.append(z_line(money, uses_stock(result)))
        pool = pool_price(result)
        if pool is not None:
            lines.append(
                Text(f"pool price: one more ha of pool raises Z by {price_per_ha(pool, money)}")
            )
    if s.solver_reason:
        lines.append(Text(f"solver {s.solver_reason}", style="dim"))
    h = s.headline
    if h is not None:
        lines.append(
            Text(
                f"quota used {ha(h.quota_used_ha)} of {ha(h.quota_pool_ha)} ha · "
                f"linkage {ha(h.linkage_used_ha)} ha used, {ha(h.linkage_transferred_ha)} ha "
                f"moved · reclaimed {ha(h.reclaimed_ha)} ha · new land "
                f"{ha(h.allocation_ha)} of {ha(h.demand_ha)} ha asked "
                f"({pct(h.allocation_ha / h.demand_ha if h.demand_ha else math.nan)})"
            )
        )
        instruments = instrument_line(h)
        if instruments is not None:
            lines.append(instruments)
    elif s.message and s.diagnosis is None:  # with a diagnosis it speaks, not the solver
        lines.append(Text(f"solver says: {s.message}"))
    return Group(*lines, Text(""))


def instrument_line(h) -> Text | None:
    """The instruments in use (MODEL.md §8): new land apart from stock reused, the reserve
    held back, linked quota and key projects; None when the run uses none of them."""
    parts = []
    if h.stock_used_ha is not None:
        parts.append(
            f"{term('new_land')} {ha(h.allocation_ha)} ha + {term('stock_used')} "
            f"{ha(h.stock_used_ha)} ha = {ha(h.allocation_ha + h.stock_used_ha)} ha supplied"
        )
    if h.quota_linked_ha is not None:
        parts.append(f"{term('quota_linked')} {ha(h.quota_linked_ha)} ha")
    if h.quota_reserve_ha is not None:
        parts.append(f"{term('quota_reserve')} {ha(h.quota_reserve_ha)} ha held back")
    if h.projects_ha is not None:
        parts.append(f"{term('key_projects')} {ha(h.projects_ha)} ha guaranteed")
    return Text(" · ".join(parts)) if parts else None


def projects_table(result: Result) -> Table:
    """Key projects (重点项目库): each project, its county and whether its land is guaranteed."""
    t = Table(
        title=f"Key projects (ha; {len(result.projects)} in projects.csv)",
        box=box.SIMPLE_HEAD,
        title_justify="left",
    )
    for col, justify in (
        ("project", "left"),
        ("name", "left"),
        ("county", "left"),
        ("kind", "left"),
        ("area", "right"),
        ("by", "right"),
        ("guaranteed", "center"),
    ):
        t.add_column(col, justify=justify, overflow="fold")
    names = dict(zip(result.counties["county_id"], result.counties["name"], strict=True))
    for r in result.projects.itertuples(index=False):
        ok = r.guaranteed == "yes"
        t.add_row(
            str(r.project_id),
            str(r.name),
            str(names.get(r.county_id, r.county_id)),
            str(r.kind) if isinstance(r.kind, str) else "",
            ha(r.area),
            str(r.period_end),
            Text("yes", style="green") if ok else Text("NO", style="bold red"),
        )
    return t


def targets_table(result: Result) -> Table:
    t = Table(title="Plan targets", box=box.SIMPLE_HEAD, title_justify="left")
    for col, justify in (
        ("target", "left"),
        ("value", "right"),
        ("limit", "right"),
        ("met", "center"),
        ("meaning", "left"),
    ):
        t.add_column(col, justify=justify, no_wrap=col != "meaning", overflow="fold")
    for row in result.targets.itertuples(index=False):
        fmt = _TARGET_FORMAT.get(row.target, ha)
        met = Text("yes", style="green") if row.met else Text("NO", style="bold red")
        t.add_row(row.target, fmt(row.value), fmt(row.limit), met, row.meaning)
    return t


_TARGET_FORMAT = {
    "intensity_reduction": pct1,
    "farmland_floor_counties": count,
    "per_capita_cap_counties": count,
}


def groups_table(result: Result) -> Table:
    t = Table(title="Priority groups (ha)", box=box.SIMPLE_HEAD, title_justify="left")
    for col, justify in (
        ("group", "left"),
        ("weight", "right"),
        ("counties", "right"),
        ("new land", "right"),
        ("share", "right"),
        ("bound", "left"),
    ):
        t.add_column(col, justify=justify)
    for row in result.groups.itertuples(index=False):
        t.add_row(
            str(row.name),
            f"{row.weight:g}",
            str(row.members),
            ha(row.allocation),
            pct1(row.share),
            row.bound or "",
        )
    return t


def counties_table(result: Result, max_counties: int | None = None) -> Table:
    c = result.counties.sort_values(
        ["allocation", "county_id"], ascending=[False, True], kind="stable"
    )
    shown = c if max_counties is None else c.head(max_counties)
    stock = "stock_used" in c.columns  # MODEL.md §8: stock reused, apart from new land
    title = (
        "Counties by new construction land, ha (z: zone 城/农/生; in/out: linkage "
        "indicators; m²: urban land per person; farm: cultivated land, 千ha"
        + ("; total: new land, stock: existing stock reused, sat: both ÷ demand" if stock else "")
        + ")"
    )
    t = Table(
        title=title, box=box.SIMPLE_HEAD, title_justify="left", pad_edge=False, padding=(0, 1, 0, 0)
    )
    columns = (
        ("county", "left"),
        ("city", "left"),
        ("z", "left"),
        ("w", "right"),
        ("demand", "right"),
        ("quota", "right"),
        ("in", "right"),
        ("out", "right"),
        ("total", "right"),
        *((("stock", "right"),) if stock else ()),
        ("sat", "right"),
        ("m² 20→35", "right"),
        ("farm 20→35", "right"),
    )
    for col, justify in columns:
        t.add_column(col, justify=justify, no_wrap=True)
    t.add_column("binding", overflow="fold", min_width=8)
    flags = result.binding.reindex(index=shown.index, columns=list(BINDING_SHORT), fill_value=False)
    binding = join_flags(flags, BINDING_SHORT, sep=" ")
    for r, short in zip(shown.itertuples(index=False), binding, strict=True):
        t.add_row(
            str(r.name),
            str(r.city).removesuffix("市"),
            ZONE_SHORT.get(r.zone, str(r.zone)),
            weight(r.weight),
            ha(r.demand),
            ha(r.quota),
            ha(r.linkage_in),
            ha(r.linkage_out),
            ha(r.allocation),
            *((ha(r.stock_used),) if stock else ()),
            pct(r.satisfaction),
            f"{m2(r.per_capita_2020)}→{m2(r.per_capita_2035)}",
            f"{thousand_ha(r.cultivated_2020)}→{thousand_ha(r.cultivated_2035)}",
            short,
        )
    if max_counties is not None and len(c) > max_counties:
        t.caption = f"{len(c) - max_counties} more counties in allocation.csv (--all lists them)"
    return t


def flows_table(result: Result) -> Table:
    f = result.flows.head(TOP_FLOWS)
    t = Table(
        title=f"Top linkage flows (ha; {len(result.flows)} in flows.csv)",
        box=box.SIMPLE_HEAD,
        title_justify="left",
    )
    money = result.summary.scenario.tiers.money
    cost_ha, cost_mu = (f"cost {per_area(a, money)}" for a in ("ha", "亩"))
    for col, justify in (("from", "left"), ("to", "left"), ("ha", "right"), (cost_ha, "right")):
        t.add_column(col, justify=justify)
    t.add_column(cost_mu, justify="right")
    for r in f.itertuples(index=False):
        t.add_row(
            f"{r.from_name} ({r.from_city})",
            f"{r.to_name} ({r.to_city})",
            ha(r.amount),
            price(r.cost),
            price(r.cost / MU_PER_HA),
        )
    return t


def short_binding(families: tuple[str, ...]) -> str:
    """Short labels of binding families that limit a county's allocation, space-separated."""
    return " ".join(BINDING_SHORT[f] for f in families if f in BINDING_SHORT)
