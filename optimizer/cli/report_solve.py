"""The terminal report of a solve, rendered with rich (plain text when piped).

Readable at 80 columns and up: the county table keeps short headers with units in
the table title, leaves out its least important columns when the terminal is too
narrow for all (never cutting a number: optimizer.cli.layout), and long binding lists
wrap inside their column. Every heading and sentence comes from the catalogue of
optimizer.cli.words, in the language asked for (``--lang``).
"""

from __future__ import annotations

import math

from rich import box
from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from models.results import Equity, Status
from models.scenario import BASE_YEAR, TARGET_YEAR
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
from optimizer.cli.layout import Column, fitted_table
from optimizer.cli.words import ENGLISH, Words
from optimizer.data.numbers import MU_PER_HA
from optimizer.formulation.families import ALLOCATION_LIMITS, FAMILIES
from optimizer.formulation.phased import PERIOD_MARK

#: How many linkage flows the report lists (all are in flows.csv).
TOP_FLOWS = 10
#: A pool's gain and loss rates within this (relative, and Z per ha) are one price.
PRICE_SAME = 1e-9
#: Short forms of binding families for the narrow county table (what limits the county's
#: allocation; the reclaim/reserve potentials are in allocation.csv).
BINDING_SHORT = {f: FAMILIES[f].label for f in ALLOCATION_LIMITS}


ZONE_SHORT = {"urban": "城", "agricultural": "农", "ecological": "生"}


#: How many data warnings the solve report lists (`landquota check` lists them all).
SHOWN_WARNINGS = 5


def render_solve(
    result: Result,
    console: Console,
    *,
    max_counties: int | None = None,
    words: Words = ENGLISH,
) -> None:
    """Print the whole solve report, in the language of ``words``."""
    w = words
    console.print(headline_panel(result, w))
    if result.status is not Status.OPTIMAL:
        return
    console.print(targets_table(result, w))
    if period_headlines(result):
        console.print(periods_table(result, w, console.width))
    if not result.groups.empty:
        console.print(groups_table(result, w, console.width))
    console.print(Group(*equity_lines(result.summary.equity, w), Text("")))
    console.print(counties_table(result, max_counties, w, console.width))
    if not result.projects.empty:
        console.print(projects_table(result, w, console.width))
    if not result.flows.empty:
        console.print(flows_table(result, w, console.width))
    if result.summary.warnings:
        console.print(Text(w("data_warnings", n=len(result.summary.warnings)), style="yellow"))
        for warning in warning_texts(result, w)[:SHOWN_WARNINGS]:
            console.print(Text(f"  ! {warning}", style="yellow"))


def warning_texts(result: Result, w: Words = ENGLISH) -> list[str]:
    """The run's data warnings as lines: worded from their codes while the dataset is at
    hand (a solve), else summary.json's English sentences (a run folder read back)."""
    dataset = result.formulation.dataset if result.formulation is not None else None
    if dataset is not None and len(dataset.warnings) == len(result.summary.warnings):
        return [w.problem(p) for p in dataset.warnings]
    return list(result.summary.warnings)


def equity_lines(equity: Equity | None, w: Words = ENGLISH) -> list[Text]:
    """Equity: the two Gini coefficients and each zone's share of the pool and of new land."""
    if equity is None:
        return []
    shares = " · ".join(
        w(
            "zone_share",
            short=ZONE_SHORT.get(z, z),
            zone=w.term(z),
            pool=pct1(v.quota_share),
            land=pct1(v.allocation_share),
        )
        for z, v in equity.zones.items()
    )
    return [
        Text(w("equity"), style="bold"),
        Text(
            w(
                "equity_gini",
                alloc=gini(equity.gini_allocation_per_resident),
                sat=gini(equity.gini_satisfaction),
            )
        ),
        Text(shares),
    ]


def z_line(money: str | None, w: Words = ENGLISH, stock: bool = False) -> Text:
    """What Z means, in words (MODEL.md §3; with the stock cost when stock is reused, §8)."""
    key = ("z_meaning_money" if money else "z_meaning") + ("_stock" if stock else "")
    return Text(w(key, money=money) if money else w(key), style="dim")


def uses_stock(result: Result) -> bool:
    """Whether the run reuses existing stock land (MODEL.md §8)."""
    h = result.summary.headline
    return h is not None and h.stock_used_ha is not None


def pool_price(result: Result) -> float | None:
    """The quota pool's price (Z per ha of pool), None when the solver gives no prices."""
    m = result.marginals
    pool = m.loc[m["family"] == "quota_pool", "value"] if not m.empty else []
    return float(pool.iloc[0]) if len(pool) else None


def pool_price_lines(result: Result, w: Words = ENGLISH) -> list[Text]:
    """The pool's price: the quota_pool row's, or with periods (MODEL.md §7) each period's
    from its unique rates (the numbers explain gives: the horizon row can be slack, 0/ha,
    while a period's pool binds); [] without prices."""
    money = result.summary.scenario.tiers.money
    periods = period_headlines(result)
    if not periods:
        pool = pool_price(result)
        if pool is None:
            return []
        return [Text(w("pool_price", price=w.units(price_per_ha(pool, money))))]
    priced = [p for p in periods if p.pool_gain_per_ha is not None]
    if not priced:
        return []
    parts = []
    for p in priced:
        gain = w.units(price_per_ha(p.pool_gain_per_ha, money))
        if p.pool_loss_per_ha is not None and not math.isclose(
            p.pool_loss_per_ha, p.pool_gain_per_ha, rel_tol=PRICE_SAME, abs_tol=PRICE_SAME
        ):
            loss = w.units(price_per_ha(p.pool_loss_per_ha, money))
            parts.append(w("pool_price_period_two", end=p.period_end, gain=gain, loss=loss))
        else:
            parts.append(w("pool_price_period", end=p.period_end, price=gain))
    key = "pool_prices_carry" if result.summary.scenario.periods.carry_over else "pool_prices"
    return [Text(w(key, prices=" · ".join(parts)))]


def status_word(status: Status, w: Words = ENGLISH) -> str:
    """OPTIMAL / 最优 …: how a solve ended, in the report's language."""
    key = f"status.{status.value}"
    return w(key) if w.has(key) else status.value.upper()


def headline_panel(result: Result, w: Words = ENGLISH) -> Group:
    s = result.summary
    money = s.scenario.tiers.money
    style = "bold green" if s.status is Status.OPTIMAL else "bold red"
    title = Text.assemble(
        ("landquota ", "bold"),
        (s.scenario.name, "bold cyan"),
        "  ",
        (status_word(s.status, w), style),
    )
    lines = [title]
    if s.objective is not None:
        lines.append(
            Text(
                w(
                    "z_line",
                    z=w.units(objective(s.objective, money)),
                    backend=s.backend,
                    solver=s.solver,
                    rows=f"{s.lp.rows:,}",
                    cols=f"{s.lp.cols:,}",
                    nnz=f"{s.lp.nnz:,}",
                    seconds=f"{s.timings.total():.2f}",
                )
            )
        )
        lines.append(z_line(money, w, uses_stock(result)))
        lines += pool_price_lines(result, w)
    if s.solver_reason:
        lines.append(Text(w("solver_reason", reason=w.solver_reason(s.solver_reason)), style="dim"))
    tie = s.tie_break
    if tie is not None and s.headline is not None:
        line = (
            w("tie_break_ran", seconds=f"{s.timings.tie_break or 0.0:.2f}")
            if tie.ran
            else w("tie_break_not_run", reason=w.tie_break_reason(tie.reason))
        )
        lines.append(Text(line, style="dim"))
    h = s.headline
    if h is not None:
        lines.append(
            Text(
                w(
                    "headline",
                    used=ha(h.quota_used_ha),
                    pool=ha(h.quota_pool_ha),
                    linkage=ha(h.linkage_used_ha),
                    moved=ha(h.linkage_transferred_ha),
                    reclaimed=ha(h.reclaimed_ha),
                    allocation=ha(h.allocation_ha),
                    demand=ha(h.demand_ha),
                    share=pct(h.allocation_ha / h.demand_ha if h.demand_ha else math.nan),
                )
            )
        )
        instruments = instrument_line(h, w)
        if instruments is not None:
            lines.append(instruments)
    elif s.message and s.diagnosis is None:  # with a diagnosis it speaks, not the solver
        lines.append(Text(w("solver_says", message=s.message)))
    return Group(*lines, Text(""))


def target_name(target: str, w: Words = ENGLISH) -> str:
    """A target as the reports call it: its targets.csv name in English, its term in zh
    (a phased plan's earlier ends keep their ``@<year>``)."""
    base, mark, end = target.partition(PERIOD_MARK)
    return (w.term(base) + mark + end) if w.zh else target


def target_meaning(target: str, meaning: str, result: Result, w: Words = ENGLISH) -> str:
    """What a target means: the engine's sentence in English, the catalogue's in Chinese
    (a target the catalogue does not know keeps the engine's sentence)."""
    base, _, end = target.partition(PERIOD_MARK)
    key = f"meaning.{base}"
    if not w.zh or not w.has(key):
        return meaning
    pc = result.summary.scenario.per_capita
    sentence = w(key, cap=f"{pc.cap_m2:g}", floor=f"{pc.floor_m2:g}", to=end or TARGET_YEAR)
    return w("meaning_at", meaning=sentence, end=end) if end else sentence


def met_text(met: bool, w: Words = ENGLISH) -> Text:
    return Text(w("yes"), style="green") if met else Text(w("no"), style="bold red")


def instrument_line(h, w: Words = ENGLISH) -> Text | None:
    """The instruments in use (MODEL.md §8): new land apart from stock reused, the reserve
    held back, linked quota and key projects; None when the run uses none of them."""
    parts = []
    if h.stock_used_ha is not None:
        parts.append(
            w(
                "instr_stock",
                new=ha(h.allocation_ha),
                stock=ha(h.stock_used_ha),
                supplied=ha(h.allocation_ha + h.stock_used_ha),
            )
        )
    if h.quota_linked_ha is not None:
        parts.append(w("instr_linked", ha=ha(h.quota_linked_ha)))
    if h.quota_reserve_ha is not None:
        parts.append(w("instr_reserve", ha=ha(h.quota_reserve_ha)))
    if h.projects_ha is not None:
        parts.append(w("instr_projects", ha=ha(h.projects_ha)))
    return Text(" · ".join(parts)) if parts else None


def projects_table(result: Result, w: Words = ENGLISH, width: int = 100) -> Group:
    """Key projects (重点项目库): each project, its county and whether its land is guaranteed,
    fitted to the terminal (names wrap, numbers never cut)."""
    columns = [
        Column(w("col.project"), justify="left", min_width=4),
        Column(w("col.name"), justify="left", wrap=True, min_width=12),
        Column(w("col.county"), justify="left", wrap=True, min_width=6),
        Column(w("col.kind"), priority=3, justify="left", min_width=4),
        Column(w("col.area")),
        Column(w("col.by"), priority=2),
        Column(w("col.guaranteed"), justify="center"),
    ]
    names = dict(zip(result.counties["county_id"], result.counties["name"], strict=True))
    for r in result.projects.itertuples(index=False):
        kind = str(r.kind) if isinstance(r.kind, str) else ""
        cells = (
            str(r.project_id),
            str(r.name),
            str(names.get(r.county_id, r.county_id)),
            w(f"kind.{kind}") if w.has(f"kind.{kind}") else kind,
            ha(r.area),
            str(r.period_end),
            w("yes") if r.guaranteed == "yes" else w("no"),
        )
        for column, cell in zip(columns, cells, strict=True):
            column.cells.append(cell)
    title = w("projects_title", n=len(result.projects))
    return fitted_table(title, columns, width, left_out=w.left_out)


def targets_table(result: Result, w: Words = ENGLISH) -> Table:
    t = Table(title=w("targets_title"), box=box.SIMPLE_HEAD, title_justify="left")
    for key, justify in (
        ("target", "left"),
        ("value", "right"),
        ("limit", "right"),
        ("met", "center"),
        ("meaning", "left"),
    ):
        wraps = key == "meaning"
        t.add_column(w(f"col.{key}"), justify=justify, no_wrap=not wraps, overflow="fold")
    for row in result.targets.itertuples(index=False):
        fmt = _TARGET_FORMAT.get(row.target.split(PERIOD_MARK)[0], ha)
        t.add_row(
            target_name(row.target, w),
            fmt(row.value),
            fmt(row.limit),
            met_text(row.met, w),
            target_meaning(row.target, row.meaning, result, w),
        )
    return t


_TARGET_FORMAT = {
    "intensity_reduction": pct1,
    "farmland_floor_counties": count,
    "per_capita_cap_counties": count,
}


def groups_table(result: Result, w: Words = ENGLISH, width: int = 100) -> Group:
    g = result.groups
    columns = [
        Column(w("col.group"), justify="left", wrap=True, min_width=12),
        Column(w("col.weight"), priority=3),
        Column(w("col.counties"), priority=2),
        Column(w("col.new_land")),
        Column(w("col.share"), priority=1),
        Column(w("col.bound"), priority=4, justify="left", wrap=True),
    ]
    for row in g.itertuples(index=False):
        cells = (
            str(row.name),
            f"{row.weight:g}",
            str(row.members),
            ha(row.allocation),
            pct1(row.share),
            row.bound or "",
        )
        for column, cell in zip(columns, cells, strict=True):
            column.cells.append(cell)
    return fitted_table(w("groups_title"), columns, width, left_out=w.left_out)


#: The county table's columns: message id of the header, priority (0 = always shown;
#: the highest number is the first left out on a narrow terminal), alignment.
COUNTY_COLUMNS: tuple[tuple[str, int, str], ...] = (
    ("county", 0, "left"),
    ("city", 6, "left"),
    ("zone", 7, "left"),
    ("w", 8, "right"),
    ("demand", 0, "right"),
    ("quota", 3, "right"),
    ("in", 4, "right"),
    ("out", 5, "right"),
    ("total", 0, "right"),
    ("stock", 3, "right"),  # existing stock reused (MODEL.md §8), only when the run uses it
    ("sat", 1, "right"),
    ("m2", 9, "right"),
    ("farm", 10, "right"),
    ("binding", 2, "left"),
)


def period_headlines(result: Result) -> list:
    """A phased plan's headline per period (MODEL.md §7); [] without [periods]."""
    h = result.summary.headline
    return list(h.periods or []) if h is not None else []


def periods_table(result: Result, w: Words = ENGLISH, width: int = 100) -> Group:
    """The periods of a phased plan: pool, what it used and its price (the gain rate of
    ``pool_price_lines``), new land, linkage, reclamation, and farmland and intensity at
    each end."""
    periods = period_headlines(result)
    carry = result.summary.scenario.periods.carry_over
    money = result.summary.scenario.tiers.money
    columns = [
        Column(w("col.period"), justify="left"),
        Column(w("col.period_pool")),
        Column(w("col.pool_used")),
        Column(w("col.pool_price", unit=w.units(per_area("ha", money))), priority=2),
        Column(w("col.new_land")),
        Column(w("col.linkage"), priority=1),
        Column(w("col.reclaimed"), priority=2),
        Column(w("col.farmland_end"), priority=3),
        Column(w("col.intensity_end"), priority=1),
    ]
    spans = period_spans(result, w)
    for p in periods:
        cells = (
            spans[p.period_end],
            ha(p.quota_pool_ha),
            ha(p.quota_used_ha),
            price(p.pool_gain_per_ha),
            ha(p.allocation_ha),
            ha(p.linkage_used_ha),
            ha(p.reclaimed_ha),
            ha(p.cultivated_ha),
            pct1(p.intensity_reduction) if p.intensity_reduction is not None else "",
        )
        for column, cell in zip(columns, cells, strict=True):
            column.cells.append(cell)
    title = w("periods_title", carry=w("carry_on") if carry else w("carry_off"))
    return fitted_table(title, columns, width, left_out=w.left_out)


def binding_labels(w: Words = ENGLISH) -> dict[str, str]:
    """Short labels of the families that bound a county's new land, in the report's language."""
    return {f: w.term(f"label.{label}", label) for f, label in BINDING_SHORT.items()}


def counties_table(
    result: Result, max_counties: int | None = None, w: Words = ENGLISH, width: int = 100
) -> Group:
    c = result.counties.sort_values(
        ["allocation", "county_id"], ascending=[False, True], kind="stable"
    )
    shown = c if max_counties is None else c.head(max_counties)
    stock = "stock_used" in c.columns  # MODEL.md §8: stock reused, apart from new land
    split = period_split(result, shown)  # MODEL.md §7: new land by period end
    legend = w("counties_legend")
    locked = [False] * len(shown)
    if "locked" in c.columns:  # MODEL.md §8 locks: the county's name gets a star
        locked = (shown["locked"] == "yes").tolist()
        legend = w("counties_locked", legend=legend)
    title = w("counties_title_legend", title=w("counties_title"), legend=legend)
    labels = binding_labels(w)
    flags = result.binding.reindex(index=shown.index, columns=list(labels), fill_value=False)
    binding = join_flags(flags, labels, sep=" ")
    cells = {
        "county": [
            f"{n}*" if lock else str(n) for n, lock in zip(shown["name"], locked, strict=True)
        ],
        "city": [str(x).removesuffix("市") for x in shown["city"]],
        "zone": [ZONE_SHORT.get(z, str(z)) for z in shown["zone"]],
        "w": [weight(x) for x in shown["weight"]],
        "demand": [ha(x) for x in shown["demand"]],
        "quota": [ha(x) for x in shown["quota"]],
        "in": [ha(x) for x in shown["linkage_in"]],
        "out": [ha(x) for x in shown["linkage_out"]],
        "total": [ha(x) for x in shown["allocation"]],
        "stock": [ha(x) for x in shown["stock_used"]] if stock else [],
        "sat": [pct(x) for x in shown["satisfaction"]],
        "m2": [
            f"{m2(a)}→{m2(b)}"
            for a, b in zip(shown["per_capita_2020"], shown["per_capita_2035"], strict=True)
        ],
        "farm": [
            f"{thousand_ha(a)}→{thousand_ha(b)}"
            for a, b in zip(shown["cultivated_2020"], shown["cultivated_2035"], strict=True)
        ],
        "binding": list(binding),
    }
    columns = [
        Column(
            w(f"col.{key}"),
            priority=priority,
            justify=justify,  # type: ignore[arg-type]
            wrap=key in ("binding", "county"),
            min_width=8 if key == "binding" else 10,
            cells=cells[key],
        )
        for key, priority, justify in COUNTY_COLUMNS
        if key != "stock" or stock
    ]
    at = next(i for i, col in enumerate(columns) if col.header == w("col.total"))
    starts = [BASE_YEAR + 1, *(int(end) + 1 for end, _ in split[:-1])][: len(split)]
    for start, (end, values) in reversed(list(zip(starts, split, strict=True))):
        # 近期 / 远期: each period's new land before the horizon total
        header = w("col.period_land", start=f"{start % 100:02d}", end=f"{int(end) % 100:02d}")
        columns.insert(at, Column(header, priority=3, cells=[ha(x) for x in values]))
    more = (
        w("counties_more", n=len(c) - max_counties)
        if max_counties is not None and len(c) > max_counties
        else None
    )
    return fitted_table(title, columns, width, caption=more, left_out=w.left_out)


def period_split(result: Result, shown) -> list[tuple[str, list[float]]]:
    """New land of the shown counties in each period (近期/远期), by period end."""
    p = result.periods
    if p is None or p.empty:
        return []
    table = p.pivot_table(
        index="county_id", columns="period_end", values="allocation", aggfunc="sum"
    )
    ids = shown["county_id"].to_numpy()
    return [(str(end), table[end].reindex(ids).fillna(0.0).tolist()) for end in table.columns]


def flows_table(result: Result, w: Words = ENGLISH, width: int = 100) -> Group:
    """The largest linkage flows. A phased plan's are flows.csv's rows, one per pair and
    period (indicators are used in the period they move in, MODEL.md §7): the largest of
    each period, TOP_FLOWS in all, each saying its period as allocation_by_period.csv's
    figures do, rather than a sum over periods that no period's plan contains."""
    flows = result.flows
    phased = "period_end" in flows.columns
    if phased:
        per_period = max(1, TOP_FLOWS // max(1, flows["period_end"].nunique()))
        f = flows.groupby("period_end", sort=False).head(per_period)
    else:
        f = flows.head(TOP_FLOWS)
    money = result.summary.scenario.tiers.money
    columns = [Column(w("col.period"), justify="left")] if phased else []
    columns += [
        Column(w("col.from"), justify="left", wrap=True, min_width=10),
        Column(w("col.to"), justify="left", wrap=True, min_width=10),
        Column(w("col.ha")),
        Column(w("col.cost", unit=w.units(per_area("ha", money))), priority=1),
        Column(w("col.cost", unit=w.units(per_area("亩", money))), priority=2),
    ]
    spans = period_spans(result, w)
    for r in f.itertuples(index=False):
        cells = (spans[str(r.period_end)],) if phased else ()
        cells += (
            w("county_in_city", name=r.from_name, city=r.from_city),
            w("county_in_city", name=r.to_name, city=r.to_city),
            ha(r.amount),
            price(r.cost),
            price(r.cost / MU_PER_HA),
        )
        for column, cell in zip(columns, cells, strict=True):
            column.cells.append(cell)
    title = w("flows_title_periods" if phased else "flows_title", n=len(result.flows))
    return fitted_table(title, columns, width, left_out=w.left_out)


def period_spans(result: Result, w: Words = ENGLISH) -> dict[str, str]:
    """'2021–2025' … per period end of a phased plan ({} without periods)."""
    spans, start = {}, BASE_YEAR + 1
    for p in period_headlines(result):
        spans[p.period_end] = w("period_span", start=start, end=p.period_end)
        start = int(p.period_end) + 1
    return spans


def short_binding(families: tuple[str, ...], w: Words = ENGLISH) -> str:
    """Short labels of binding families that limit a county's allocation, space-separated."""
    labels = binding_labels(w)
    return " ".join(labels[f] for f in families if f in labels)
