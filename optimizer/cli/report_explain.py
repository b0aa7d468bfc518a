"""The terminal reports of ``landquota explain`` and of an infeasible solve's diagnosis."""

from __future__ import annotations

import math

import pandas as pd
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from optimizer.analysis.explain import LIMIT_TEXT
from optimizer.analysis.tables import Result
from optimizer.cli.format import ha, objective, pct, per_area, price, price_per_ha
from optimizer.cli.report_solve import equity_lines, uses_stock, z_line
from optimizer.data.numbers import MU_PER_HA
from optimizer.formulation.families import REGION_TARGETS, words

#: Conflict-set members named per family before "and N more".
CONFLICT_NAMES = 8
#: Changes printed per family (the largest); diagnosis.csv has them all.
CHANGES_PER_FAMILY = 10


def render_explain(
    data: dict, result: Result, console: Console, *, max_counties: int | None = None
) -> None:
    """Print prices in words, the marginal tier, equity and what limits each county."""
    s = result.summary
    money = s.scenario.tiers.money
    console.print(
        Text.assemble(
            ("landquota explain ", "bold"),
            (s.scenario.name, "bold cyan"),
            f"   Z = {objective(s.objective, money)}   {s.backend}/{s.solver}",
        )
    )
    console.print(z_line(money, uses_stock(result)))
    console.print()
    prices = data["prices"]
    if not data["prices_available"]:
        console.print(
            Text(
                f"{s.backend}/{s.solver} gives no prices: solve with --backend highs.",
                style="yellow",
            )
        )
        console.print()
    else:
        _price_section(console, prices, data["ranging_available"], s)
    if data["marginal_tier"]:
        names = ", ".join(
            f"{r['name']} (tier {r['tier']}, worth {price_per_ha(r['value'], money)}, "
            f"{pct(r['fill'])} filled)"
            for r in data["marginal_tier"]
        )
        console.print(Text.assemble(("Marginal tier: ", "bold"), names))
        console.print()
    for line in equity_lines(s.equity):
        console.print(line)
    console.print()
    console.print(limits_table(data, max_counties))


def _price_section(console: Console, prices: list[dict], ranging: bool, s) -> None:
    money = s.scenario.tiers.money
    console.print(
        Text(
            f"Prices: how much Z rises when a limit gives one unit, {per_area('ha', money)} "
            f"and {per_area('亩', money)} (1 亩 = 1/{MU_PER_HA} ha)",
            style="bold",
        )
    )
    for p in prices:
        if p["family"] in REGION_TARGETS:
            console.print(Text(f"• {p['text']}"))
    local = [p for p in prices if p["family"] not in REGION_TARGETS]
    if local:
        console.print(local_prices_table(local, ranging, money))
        console.print(Text("Each row's sentence is in `landquota explain --json`.", style="dim"))
    if not ranging:
        console.print(
            Text(
                f"Ranges of county prices: {s.backend}/{s.solver} gives none (HiGHS "
                "simplex does: --backend highs --solver simplex).",
                style="dim",
            )
        )
    console.print()


def local_prices_table(prices: list[dict], ranging: bool, money: str | None = None) -> Table:
    """County and group constraints at their limit: price per ha and per 亩, gain and loss
    (group rows), and the range of their limit (a price of 0: at its limit, but it does not
    bind)."""
    t = Table(
        title="County and group constraints at their limit",
        box=box.SIMPLE_HEAD,
        title_justify="left",
    )
    per_ha, per_mu = (
        f"Z {per_area(a)}" if money is None else per_area(a, money) for a in ("ha", "亩")
    )
    rates = any(p.get("rates") for p in prices)
    columns = (
        ["constraint", "where", per_ha, per_mu]
        + (["gain · loss per ha"] if rates else [])
        + (["limit", "price holds for"] if ranging else [])
    )
    for col in columns:
        t.add_column(col, justify="right" if col in (per_ha, per_mu, "limit") else "left")
    for p in prices:
        row = [
            words(p["family"]).removeprefix("the "),
            str(p["name"]),
            price(p["value"]),
            price(p["value"] / MU_PER_HA),
        ]
        if rates:
            r = p.get("rates")
            row.append(f"{price(r['gain_per_unit'])} · {price(r['loss_per_unit'])}" if r else "–")
        if ranging:
            row += [ha(p["limit"]), _range(p)]
        t.add_row(*row)
    return t


def _range(p: dict) -> str:
    lo, hi = p.get("range_lo"), p.get("range_hi")
    if lo is None and hi is None:
        return "–"
    lo_text = "−∞" if lo is None or math.isinf(lo) else ha(lo)
    hi_text = "∞" if hi is None or math.isinf(hi) else ha(hi)
    return f"{lo_text} … {hi_text} ha"


def limits_table(data: dict, max_counties: int | None = None) -> Table:
    rows = pd.DataFrame(data["counties"])
    order = {k: i for i, k in enumerate(LIMIT_TEXT)}
    rows = rows.assign(order=rows["limited_by"].map(order).fillna(len(order))).sort_values(
        ["order", "allocation", "county_id"], ascending=[True, False, True], kind="stable"
    )
    shown = rows if max_counties is None else rows.head(max_counties)
    counts = ", ".join(f"{k} {v}" for k, v in data["limits"].items())
    t = Table(
        title=f"What limits each county ({counts})", box=box.SIMPLE_HEAD, title_justify="left"
    )
    for col, justify in (
        ("county", "left"),
        ("new land ha", "right"),
        ("demand", "right"),
        ("sat", "right"),
        ("why it stops", "left"),
    ):
        t.add_column(col, justify=justify, overflow="fold", no_wrap=col != "why it stops")
    for r in shown.itertuples(index=False):
        sat = r.allocation / r.demand if r.demand else math.nan
        t.add_row(str(r.name), ha(r.allocation), ha(r.demand), pct(sat), r.text)
    if max_counties is not None and len(rows) > max_counties:
        t.caption = f"{len(rows) - max_counties} more counties (--all lists them)"
    return t


def render_diagnosis(result: Result, console: Console) -> None:
    """What to change to make an infeasible scenario feasible, and the conflict set."""
    d = result.diagnosis
    if d.empty:
        console.print(Text("No diagnosis available for this status.", style="yellow"))
        return
    changes = d[d["kind"] == "change"]
    conflict = d[d["kind"].isin(["conflict", "conflict_partial"])]
    found = d[d["kind"] == "cause"]
    if not found.empty:
        console.print(Text("Why the scenario has no solution:", style="bold"))
        for r in found.itertuples(index=False):
            console.print(Text(f"• {r.message}"))
        console.print()
    _single_fixes(d[d["kind"] == "single"], console)
    if changes.empty:
        _conflicts(conflict, console)
        return
    console.print(
        Text(
            "Or one joint change, all of these together (elastic re-solve, every "
            "slack counted in the hectares it frees):",
            style="bold",
        )
    )
    shown = 0
    for family, group in changes.groupby("family", sort=False):
        largest = group.reindex(group["change"].abs().sort_values(ascending=False).index)
        for r in largest.head(CHANGES_PER_FAMILY).itertuples(index=False):
            shown += 1
            setting = f"  [{r.setting}]" if r.setting else ""
            console.print(Text(f"{shown}. {r.message}{setting}"))
        if len(group) > CHANGES_PER_FAMILY:
            rest = largest.iloc[CHANGES_PER_FAMILY:]
            console.print(
                Text(
                    f"   … and {words(family)} of {len(rest)} more "
                    f"(Σ change {rest['change'].sum():+,.1f} {rest['unit'].iloc[0]}; "
                    "each in diagnosis.csv)"
                )
            )
    _conflicts(conflict, console)


def _single_fixes(singles: pd.DataFrame, console: Console) -> None:
    """The settings that alone make it feasible, then those no value of which alone does."""
    found = singles[~singles["message"].astype(str).str.startswith("no change of ")]
    if not found.empty:
        console.print(Text("Any one of these makes it feasible:", style="bold"))
        for r in found.itertuples(index=False):
            console.print(Text(f"• {r.message}"))
    alone = singles.drop(found.index)
    if not alone.empty:
        console.print(Text("Not enough on their own:", style="bold"))
    for r in alone.itertuples(index=False):
        console.print(Text(f"• {r.message}"))
    if not singles.empty:
        console.print()


def _conflicts(conflict: pd.DataFrame, console: Console) -> None:
    """The conflict set (IIS), a family with many members on one line."""
    if not conflict.empty:
        console.print()
        if (conflict["kind"] == "conflict").all():
            head = (
                "These constraints cannot hold together (irreducible infeasible subset, "
                "HiGHS); relaxing any one of them removes this conflict:"
            )
        else:
            head = (
                "These constraints cannot hold together (an infeasible subset; HiGHS ran "
                "out of time before reducing it to the fewest):"
            )
        console.print(Text(head, style="bold"))
        for family, group in conflict.groupby("family", sort=False):
            if len(group) <= CONFLICT_NAMES:
                for r in group.itertuples(index=False):
                    console.print(Text(f"  - {r.message}"))
                continue
            names = ", ".join(group["name"].astype(str).head(CONFLICT_NAMES))
            console.print(
                Text(
                    f"  - {words(family)} of {names} "
                    f"and {len(group) - CONFLICT_NAMES} more (diagnosis.csv)"
                )
            )
