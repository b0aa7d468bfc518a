"""The terminal reports of ``landquota explain`` and of an infeasible solve's diagnosis."""

from __future__ import annotations

import math

import pandas as pd
from rich.console import Console, Group
from rich.text import Text

from optimizer.analysis.explain import LIMIT_TEXT
from optimizer.analysis.tables import Result
from optimizer.cli.format import ha, objective, pct, pct1, per_area, price, price_per_ha
from optimizer.cli.layout import Column, fitted_table
from optimizer.cli.report_solve import equity_lines, uses_stock, z_line
from optimizer.cli.words import ENGLISH, Words
from optimizer.data.numbers import MU_PER_HA
from optimizer.formulation.build import free_quota
from optimizer.formulation.families import REGION_TARGETS
from optimizer.formulation.families import words as planner_words
from optimizer.formulation.phased import base_family, family_end

#: Conflict-set members named per family before "and N more".
CONFLICT_NAMES = 8
#: The two one-sided rates of a unique price (MODEL.md §6), gain then loss.
RATE_KEYS = ("gain_per_unit", "loss_per_unit")
#: Changes printed per family (the largest); diagnosis.csv has them all.
CHANGES_PER_FAMILY = 10


def render_explain(
    data: dict,
    result: Result,
    console: Console,
    *,
    max_counties: int | None = None,
    words: Words = ENGLISH,
) -> None:
    """Print prices in words, the marginal tier, equity and what limits each county."""
    w = words
    s = result.summary
    money = s.scenario.tiers.money
    console.print(
        Text.assemble(
            (w("explain_title"), "bold"),
            (s.scenario.name, "bold cyan"),
            f"   Z = {w.units(objective(s.objective, money))}   {s.backend}/{s.solver}",
        )
    )
    console.print(z_line(money, w, uses_stock(result)))
    console.print()
    prices = data["prices"]
    if not data["prices_available"]:
        console.print(Text(w("no_prices", backend=s.backend, solver=s.solver), style="yellow"))
        console.print()
    else:
        _price_section(console, prices, data["ranging_available"], s, w, result)
    if data.get("periods"):
        _periods_section(console, data["periods"], prices, s, w)
    if data["marginal_tier"]:
        names = w("list_sep").join(
            w(
                "marginal_tier_item",
                name=r["name"],
                tier=r["tier"],
                worth=w.units(price_per_ha(r["value"], money)),
                fill=pct(r["fill"]),
            )
            for r in data["marginal_tier"]
        )
        console.print(Text.assemble((w("marginal_tier"), "bold"), names))
        console.print()
    for line in equity_lines(s.equity, w):
        console.print(line)
    console.print()
    console.print(limits_table(data, max_counties, w, console.width))


def _periods_section(console: Console, periods: dict, prices: list[dict], s, w: Words) -> None:
    """A phased plan's pools (MODEL.md §7): each period's unique rates (with carry-over,
    what moving pool between periods does), the other period targets' rates, and what
    carry-over is worth (Z with carry-over − Z without, two LP optima)."""
    money = s.scenario.tiers.money
    console.print(Text(w("period_pools_title"), style="bold"))
    for p in periods["pools"]:
        r = p.get("rates")
        fields = {"end": p["period_end"], "pool": ha(p["limit"] or p["pool_ha"])}
        if r is None:
            console.print(Text(w("period_pool_none", **fields)))
            continue
        gain, loss = (
            w.units(price_per_ha(r[k], money)) for k in ("gain_per_unit", "loss_per_unit")
        )
        if p["row"] == "quota_pool":
            key = "period_pool_horizon"
        else:
            key = "period_pool_moved" if periods["carry_over"] else "period_pool_own"
        console.print(Text(w(key, **fields, gain=gain, loss=loss)))
    for p in prices:  # intensity@2025, farmland_region@2025, …: their rates
        end = family_end(p["family"])
        if not end or base_family(p["family"]) == "quota_pool" or not p.get("rates"):
            continue
        if not w.zh:  # English: the engine's sentence; Chinese: the line from its data
            console.print(Text(f"• {p['text']}"))
            continue
        gain, loss = (w.units(price_per_ha(p["rates"][k], money)) for k in RATE_KEYS)
        family = family_words(base_family(p["family"]), w)
        console.print(Text(w("period_target_price", family=family, end=end, gain=gain, loss=loss)))
    worth = periods["carry_over_worth"]
    if worth is None:
        console.print(Text(w("carry_worth_unknown", note=periods["note"]), style="dim"))
    else:
        key = "carry_worth_on" if periods["carry_over"] else "carry_worth_off"
        console.print(Text(w(key, worth=w.units(objective(worth, money)))))
    console.print()


def family_words(family: str, w: Words = ENGLISH) -> str:
    """A constraint family as the reports name it: its planner words, or its zh term."""
    end = family_end(family)
    if end:  # a period row (MODEL.md §7): its family at that period end
        return w("meaning_at", meaning=family_words(base_family(family), w), end=end)
    if w.zh:
        return w.term(f"family.{family}", family)
    return planner_words(family).removeprefix("the ")


def region_price_text(p: dict, money: str | None, w: Words = ENGLISH) -> str:
    """A region target's price line: the engine's sentence in English; in Chinese the
    report's own line from the same data (family, price, limit)."""
    if not w.zh:
        return p["text"]
    return w(
        "region_price",
        family=family_words(p["family"], w),
        price=w.units(price_per_ha(p["value"], money)),
        limit=ha(p.get("limit")),
    )


def instrument_price_text(
    p: dict, sc, money: str | None, result: Result | None, w: Words = ENGLISH
) -> str:
    """What the Chinese price line of the pool or of the linked quota adds (MODEL.md §8):
    the reserve held back and what releasing it would be worth at the pool's rate; the
    linked quota earned. The English sentences say the same (analysis/explain.py)."""
    if p["family"] == "quota_pool" and sc.quota.reserve_share > 0:
        reserve = sc.quota.reserve
        free = (1 - sc.stock.linked_share) * reserve  # a released reserve splits as the pool
        text = w("reserve_held", reserve=ha(reserve), share=pct1(sc.quota.reserve_share))
        rates = p.get("rates") or {}
        gain = _number(rates.get("gain_per_unit"))
        if gain is None:
            return text + "。"
        holds_to = _number(rates.get("gain_holds_to"))
        partly = holds_to is not None and holds_to + 1e-9 < free_quota(sc) + free
        return text + w(
            "reserve_release",
            free=ha(free),
            how=w("at_most") if partly else "",
            worth=w.units(objective(gain * free, money)),
            price=w.units(price_per_ha(gain, money)),
        )
    if p["family"] == "quota_linked" and result is not None and not result.targets.empty:
        row = result.targets[result.targets["target"] == "quota_linked"]
        if not row.empty:
            return w("linked_earned", used=ha(float(row["value"].iloc[0])))
    return ""


def _price_section(
    console: Console, prices: list[dict], ranging: bool, s, w: Words, result: Result | None = None
) -> None:
    money = s.scenario.tiers.money
    console.print(
        Text(
            w(
                "prices_title",
                per_ha=w.units(per_area("ha", money)),
                per_mu=w.units(per_area("亩", money)),
                mu=MU_PER_HA,
            ),
            style="bold",
        )
    )
    for p in prices:  # a phased plan's period rows are in its periods section
        if p["family"] in REGION_TARGETS:
            line = region_price_text(p, money, w)
            if w.zh:
                line += instrument_price_text(p, s.scenario, money, result, w)
            console.print(Text(f"• {line}"))
    local = [p for p in prices if base_family(p["family"]) not in REGION_TARGETS]
    if local:
        console.print(local_prices_table(local, ranging, money, w, console.width))
        if w.zh and any(p["family"] == "stock_potential" for p in local):
            console.print(Text(w("stock_price_note")))
        console.print(Text(w("sentences_in_json"), style="dim"))
    if not ranging:
        console.print(Text(w("no_ranges", backend=s.backend, solver=s.solver), style="dim"))
    console.print()


def local_prices_table(
    prices: list[dict],
    ranging: bool,
    money: str | None = None,
    w: Words = ENGLISH,
    width: int = 100,
) -> Group:
    """County and group constraints at their limit: price per ha and per 亩, gain and loss
    (group rows), and the range of their limit (a price of 0: at its limit, but it does not
    bind)."""
    per_ha, per_mu = (
        w.units(f"Z {per_area(a)}" if money is None else per_area(a, money)) for a in ("ha", "亩")
    )
    rates = any(p.get("rates") for p in prices)
    columns = [
        Column(w("col.constraint"), justify="left", wrap=True, min_width=10),
        Column(w("col.where"), justify="left", wrap=True, min_width=8),
        Column(per_ha),
        Column(per_mu, priority=2),
        *([Column(w("col.gain_loss"), priority=3, justify="left")] if rates else []),
        *(
            [Column(w("col.limit"), priority=1), Column(w("col.holds_for"), priority=4)]
            if ranging
            else []
        ),
    ]
    for p in prices:
        row = [
            family_words(p["family"], w),
            str(p["name"]),
            price(p["value"]),
            price(p["value"] / MU_PER_HA),
        ]
        if rates:
            r = p.get("rates")
            row.append(f"{price(r['gain_per_unit'])} · {price(r['loss_per_unit'])}" if r else "–")
        if ranging:
            row += [ha(p["limit"]), _range(p)]
        for column, cell in zip(columns, row, strict=True):
            column.cells.append(cell)
    return fitted_table(w("local_prices_title"), columns, width, left_out=w.left_out)


def _range(p: dict) -> str:
    lo, hi = p.get("range_lo"), p.get("range_hi")
    if lo is None and hi is None:
        return "–"
    lo_text = "−∞" if lo is None or math.isinf(lo) else ha(lo)
    hi_text = "∞" if hi is None or math.isinf(hi) else ha(hi)
    return f"{lo_text} … {hi_text} ha"


def limit_words(limited_by: str, w: Words = ENGLISH) -> str:
    """What stops a county, as a short phrase (the count in the title, the zh reason)."""
    return w.term(f"limit.{limited_by}", limited_by) if w.zh else limited_by


def limits_table(
    data: dict, max_counties: int | None = None, w: Words = ENGLISH, width: int = 100
) -> Group:
    rows = pd.DataFrame(data["counties"])
    order = {k: i for i, k in enumerate(LIMIT_TEXT)}
    rows = rows.assign(order=rows["limited_by"].map(order).fillna(len(order))).sort_values(
        ["order", "allocation", "county_id"], ascending=[True, False, True], kind="stable"
    )
    shown = rows if max_counties is None else rows.head(max_counties)
    counts = ", ".join(f"{limit_words(k, w)} {v}" for k, v in data["limits"].items())
    columns = [
        Column(w("col.county"), justify="left", wrap=True, min_width=6),
        Column(w("col.new_land_ha")),
        Column(w("col.demand"), priority=2),
        Column(w("col.sat"), priority=1),
        Column(w("col.why"), justify="left", wrap=True, min_width=16),
    ]
    for r in shown.itertuples(index=False):
        sat = r.allocation / r.demand if r.demand else math.nan
        # English: the engine's sentence; Chinese: the phrase of its limited_by (TERMS)
        why = limit_words(r.limited_by, w) if w.zh else r.text
        cells = (str(r.name), ha(r.allocation), ha(r.demand), pct(sat), why)
        for column, cell in zip(columns, cells, strict=True):
            column.cells.append(cell)
    more = (
        w("more_counties", n=len(rows) - max_counties)
        if max_counties is not None and len(rows) > max_counties
        else None
    )
    return fitted_table(
        w("limits_title", counts=counts), columns, width, caption=more, left_out=w.left_out
    )


def render_diagnosis(result: Result, console: Console, words: Words = ENGLISH) -> None:
    """What to change to make an infeasible scenario feasible, and the conflict set.

    In the language of ``words``: a cause from its finding's code and data, a change or a
    conflict from its family, place and numbers; a line the catalogue cannot word (a
    diagnosis read back from diagnosis.csv has no codes) keeps the engine's English, and
    the Chinese report then says so once.
    """
    w = words
    d = result.diagnosis
    if d.empty:
        console.print(Text(w("no_diagnosis"), style="yellow"))
        return
    if w.zh and "code" not in d.columns and (d["kind"] == "cause").any():
        console.print(Text(w("engine_english"), style="dim"))
    changes = d[d["kind"] == "change"]
    conflict = d[d["kind"].isin(["conflict", "conflict_partial"])]
    found = d[d["kind"] == "cause"]
    if not found.empty:
        console.print(Text(w("why_no_solution"), style="bold"))
        for r in found.itertuples(index=False):
            console.print(Text(f"• {cause_line(r, w)}"))
        console.print()
    _single_fixes(d[d["kind"] == "single"], console, w)
    if changes.empty:
        _conflicts(conflict, console, w)
        return
    console.print(Text(w("joint_change"), style="bold"))
    shown = 0
    for family, group in changes.groupby("family", sort=False):
        largest = group.reindex(group["change"].abs().sort_values(ascending=False).index)
        for r in largest.head(CHANGES_PER_FAMILY).itertuples(index=False):
            shown += 1
            setting = f"  [{r.setting}]" if r.setting else ""
            console.print(Text(f"{shown}. {change_line(r, w)}{setting}"))
        if len(group) > CHANGES_PER_FAMILY:
            rest = largest.iloc[CHANGES_PER_FAMILY:]
            console.print(
                Text(
                    w(
                        "and_more_changes",
                        what=planner_words(family) if not w.zh else family_words(family, w),
                        n=len(rest),
                        total=f"{rest['change'].sum():+,.1f}",
                        unit=w.units(str(rest["unit"].iloc[0]))
                        if not w.zh
                        else w.term(str(rest["unit"].iloc[0]), str(rest["unit"].iloc[0])),
                    )
                )
            )
    _conflicts(conflict, console, w)


def cause_line(r, w: Words = ENGLISH) -> str:
    """A cause (or the elastic re-solve's failure): the engine's sentence in English, in
    Chinese worded from its finding's code and data (cli/words.py PROBLEMS)."""
    code, params = getattr(r, "code", None), getattr(r, "params", None)
    if not w.zh or not isinstance(code, str) or not isinstance(params, dict):
        return str(r.message)
    return w.rule(code, params, str(r.message))


def conflict_line(r, w: Words = ENGLISH) -> str:
    """A member of the conflict set: the engine's sentence in English; in Chinese its
    family, where, and its limit now."""
    if not w.zh:
        return str(r.message)
    where = "" if r.id == "region" else f"（{r.name}）"
    current, unit = _number(r.current), str(r.unit) if isinstance(r.unit, str) else ""
    shown = ""
    if current is not None:
        shown = w(
            "conflict_limit",
            limit=_amount(current, unit, w)
            if unit != "reduction"
            else w("reduction_of", share=pct1(current)),
        )
    return f"{family_words(str(r.family), w)}{where}{shown}"


def _number(value: object) -> float | None:
    """A diagnosis.csv number, None when the cell is empty or not a number."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _amount(value: float, unit: str, w: Words) -> str:
    """A diagnosis amount with its unit in the report's language: 1,234.5 公顷, a share
    as a percentage (35.0%), anything else with its unit as diagnosis.csv names it."""
    if unit == "share":
        return pct1(value)
    shown = w.term(unit) if unit == "ha" else w("ha_new_land") if unit == "ha of new land" else unit
    return f"{value:,.1f} {shown}".rstrip()


def single_fix_line(r, w: Words = ENGLISH) -> str:
    """One setting that alone makes the scenario feasible (or cannot): the engine's
    sentence in English; in Chinese built from the row's setting, current and proposed
    values (a change that is not a number keeps the engine's sentence)."""
    if not w.zh:
        return str(r.message)
    where = "" if r.id == "region" else f"（{r.name}）"
    current, proposed = _number(r.current), _number(r.proposed)
    if str(r.message).startswith("no change of "):
        return w("single_fix_none", setting=r.setting, where=where)
    params = getattr(r, "params", None)
    if getattr(r, "code", None) == "single.text" and isinstance(params, dict):
        return w("single_fix_text", setting=r.setting, where=where, **params)
    if current is None or proposed is None:
        return str(r.message)
    return w(
        "single_fix",
        setting=r.setting,
        where=where,
        verb=w("raise") if proposed > current else w("lower"),
        proposed=_amount(proposed, str(r.unit), w),
        current=_amount(current, str(r.unit), w),
    )


def change_line(r, w: Words = ENGLISH) -> str:
    """One part of the joint change: the engine's sentence in English, in Chinese the
    family, where, and the change with its values."""
    if not w.zh:
        return str(r.message)
    change, current, proposed = _number(r.change), _number(r.current), _number(r.proposed)
    if change is None:
        return cause_line(r, w)
    where = "" if r.id == "region" else f"（{r.name}）"
    values = (
        ""
        if current is None or proposed is None
        else w(
            "change_values",
            current=_amount(current, str(r.unit), w),
            proposed=_amount(proposed, str(r.unit), w),
        )
    )
    return w(
        "joint_change_item",
        family=family_words(str(r.family), w),
        where=where,
        change=("+" if change > 0 else "") + _amount(change, str(r.unit), w),
        values=values,
    )


def _single_fixes(singles: pd.DataFrame, console: Console, w: Words = ENGLISH) -> None:
    """The settings that alone make it feasible, then those no value of which alone does."""
    found = singles[~singles["message"].astype(str).str.startswith("no change of ")]
    if not found.empty:
        console.print(Text(w("any_one_fix"), style="bold"))
        for r in found.itertuples(index=False):
            console.print(Text(f"• {single_fix_line(r, w)}"))
    alone = singles.drop(found.index)
    if not alone.empty:
        console.print(Text(w("not_enough_alone"), style="bold"))
    for r in alone.itertuples(index=False):
        console.print(Text(f"• {single_fix_line(r, w)}"))
    if not singles.empty:
        console.print()


def _conflicts(conflict: pd.DataFrame, console: Console, w: Words = ENGLISH) -> None:
    """The conflict set (IIS), a family with many members on one line."""
    if not conflict.empty:
        console.print()
        head = w("iis_head") if (conflict["kind"] == "conflict").all() else w("iis_partial_head")
        console.print(Text(head, style="bold"))
        for family, group in conflict.groupby("family", sort=False):
            if len(group) <= CONFLICT_NAMES:
                for r in group.itertuples(index=False):
                    console.print(Text(f"  - {conflict_line(r, w)}"))
                continue
            names = ("、" if w.zh else ", ").join(group["name"].astype(str).head(CONFLICT_NAMES))
            what = family_words(family, w) if w.zh else planner_words(family)
            console.print(
                Text(w("conflict_many", what=what, names=names, n=len(group) - CONFLICT_NAMES))
            )
