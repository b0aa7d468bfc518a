"""The sentences and headings of the terminal reports, in English and Chinese (``--lang``).

One catalogue, keyed by message id: each entry holds the English template beside the
Chinese one, with the same ``{fields}`` (a test checks it), so a report asks for
``w("targets_title")`` and never tests the language itself. Words that the workbook
and the HTML report share (units, target names, zones, constraint families) are not
here but in ``optimizer.data.lang.TERMS``; ``Words.term`` reads them. Machine files and
``--json`` keep their English.

What the engine builds as sentences (explain's price and county texts, a diagnosis)
stays English in summary.json and ``--json``; in Chinese the reports build their own
line from the data those sentences come from (``limited_by``, the family, the price),
with the words of TERMS (docs/runs.md, "Languages").
"""

from __future__ import annotations

import string
from typing import Any

from optimizer.data.lang import TERMS, Lang, resolve_lang, term

#: message id → (English template, Chinese template), str.format fields alike in both.
MESSAGES: dict[str, tuple[str, str]] = {
    # check
    "check_valid": (
        "Dataset {name}{source}: valid, {counties} counties in {cities} cities",
        "数据集 {name}{source}：有效，{counties} 个县（{cities} 个市）",
    ),
    "check_totals": ("Totals", "合计"),
    "col.quantity": ("quantity", "指标"),
    "check_quota": ("Quota pool quota.total (ha)", "指标总量 quota.total（公顷）"),
    "check_demand_ratio": ("Demand ÷ quota pool", "需求 ÷ 指标总量"),
    "check_by_city": ("Counties by city", "各市县数"),
    "col.city_zh": ("city 市", "市"),
    "col.pop_2020": ("pop 2020 (persons)", "2020 年常住人口（人）"),
    "col.urban_land_2020": ("urban land 2020 (ha)", "2020 年城镇用地（公顷）"),
    "col.demand_ha": ("demand (ha)", "需求（公顷）"),
    "check_by_zone": ("Counties by main-function zone", "各主体功能区县数"),
    "check_per_capita": ("Per-capita urban land 2020 (m²/person)", "2020 年人均城镇用地（m²/人）"),
    "col.measure": ("measure", "统计量"),
    "check_pc_region": (
        "region (Σ urban land ÷ Σ urban population)",
        "全区（城镇用地之和 ÷ 城镇人口之和）",
    ),
    "check_pc_min": ("min over counties", "各县最小值"),
    "check_pc_median": ("median over counties", "各县中位数"),
    "check_pc_max": ("max over counties", "各县最大值"),
    "check_pc_below": ("counties below the floor of {floor}", "低于下限 {floor} 的县数"),
    "check_pc_above": ("counties above the cap of {cap}", "高于上限 {cap} 的县数"),
    "check_pc_no_urban": ("counties without urban population", "无城镇人口的县数"),
    "groups_check_title": ("Priority groups", "优先组群"),
    "col.kind": ("kind", "类型"),
    "col.name": ("name", "名称"),
    "col.members": ("members", "成员县数"),
    "col.share_min": ("share ≥", "份额 ≥"),
    "col.share_max": ("share ≤", "份额 ≤"),
    "no_groups": ("No priority groups.", "无优先组群。"),
    "transfer_pairs": (
        "transfer_costs.csv: {n} allowed linkage pairs (they replace linkage.scope)",
        "transfer_costs.csv：允许 {n} 对挂钩调剂（取代 linkage.scope）",
    ),
    "conversions": ("{n} column(s) converted on reading:", "读取时换算了 {n} 列单位："),
    "no_warnings": ("No warnings.", "无警告。"),
    "n_warnings": ("{n} warning(s):", "{n} 条警告："),
    # init
    "init_done": (
        "wrote {folder}: fill in counties.csv ({n} rows) and quota.total in scenario.toml, "
        "then run `landquota check {folder}` (README.md says more)",
        "已写入 {folder}：请填写 counties.csv（{n} 行）和 scenario.toml 中的 quota.total，"
        "然后运行 `landquota check {folder}`（详见 README.md）",
    ),
    # layout
    "left_out": ("left out at this width: {names}", "终端较窄，未显示：{names}"),
    # solve / explain headline
    "z_line": (
        "Z = {z}   backend {backend}/{solver}   LP {rows} rows × {cols} cols, {nnz} nnz   "
        "{seconds} s",
        "Z = {z}   求解器 {backend}/{solver}   线性规划 {rows} 行 × {cols} 列，{nnz} 个非零元   "
        "{seconds} 秒",
    ),
    "z_meaning_money": (
        "Z: the worth of the demand met, in {money} (tier value per ha × priority weight), "
        "less the shortfall penalty and the linkage and reclamation costs.",
        "Z：满足需求的价值（{money}，每公顷档位价值 × 优先权重），减去人均下限缺口罚项"
        "及增减挂钩、复垦成本。",
    ),
    "z_meaning_money_stock": (
        "Z: the worth of the demand met, in {money} (tier value per ha × priority weight), "
        "less the shortfall penalty and the linkage, reclamation and stock costs.",
        "Z：满足需求的价值（{money}，每公顷档位价值 × 优先权重），减去人均下限缺口罚项"
        "及增减挂钩、复垦、存量盘活成本。",
    ),
    "z_meaning_stock": (
        "Z: hectares of demand met, each weighted by its tier value and its county's "
        "priority weight, less the shortfall penalty and the linkage, reclamation and "
        "stock costs.",
        "Z：满足的需求公顷数（按档位价值与所在县优先权重加权），减去人均下限缺口罚项"
        "及增减挂钩、复垦、存量盘活成本。",
    ),
    "z_meaning": (
        "Z: hectares of demand met, each weighted by its tier value and its county's "
        "priority weight, less the shortfall penalty and the linkage and reclamation costs.",
        "Z：满足的需求公顷数（按档位价值与所在县优先权重加权），减去人均下限缺口罚项"
        "及增减挂钩、复垦成本。",
    ),
    "pool_price": (
        "pool price: one more ha of pool raises Z by {price}",
        "指标影子价格：指标总量每增加 1 公顷，Z 提高 {price}",
    ),
    "solver_reason": ("solver {reason}", "求解器：{reason}"),
    "headline": (
        "quota used {used} of {pool} ha · linkage {linkage} ha used, {moved} ha moved · "
        "reclaimed {reclaimed} ha · new land {allocation} of {demand} ha asked ({share})",
        "已用指标 {used} / {pool} 公顷 · 增减挂钩使用 {linkage} 公顷，调剂 {moved} 公顷 · "
        "复垦 {reclaimed} 公顷 · 新增建设用地 {allocation} / 需求 {demand} 公顷（{share}）",
    ),
    "tie_break_ran": (
        "tie-break: of the equally good plans, the one with the same county figures for "
        "every solver ({seconds} s)",
        "同优方案取舍：在同样好的方案中，取各求解器县级结果一致的那个（{seconds} 秒）",
    ),
    "tie_break_not_run": ("tie-break: not run ({reason})", "同优方案取舍：未进行（{reason}）"),
    "solver_says": ("solver says: {message}", "求解器信息：{message}"),
    "run_folder": ("run folder: {path}", "运行结果目录：{path}"),
    "status.optimal": ("OPTIMAL", "最优"),
    "status.infeasible": ("INFEASIBLE", "无可行解"),
    "status.unbounded": ("UNBOUNDED", "无界"),
    "status.time_limit": ("TIME_LIMIT", "超时"),
    "status.error": ("ERROR", "求解出错"),
    # targets
    "targets_title": ("Plan targets", "规划目标"),
    "col.target": ("target", "目标"),
    "col.value": ("value", "数值"),
    "col.limit": ("limit", "限值"),
    "col.met": ("met", "达成"),
    "col.meaning": ("meaning", "含义"),
    "yes": ("yes", "是"),
    "no": ("NO", "否"),
    "meaning.quota_pool": ("ha of the quota pool used", "已用指标（公顷）≤ 指标总量"),
    "meaning.intensity_reduction": (
        "fall of construction land per unit GDP 2020→2035 ≥ the target",
        "2020→2035 年单位GDP建设用地使用面积下降幅度 ≥ 目标",
    ),
    "meaning.farmland_region": (
        "ha cultivated in 2035 ≥ region floor (耕地保有量)",
        "2035 年耕地（公顷）≥ 区域耕地保有量",
    ),
    "meaning.farmland_floor_counties": (
        "counties keeping their own farmland floor",
        "守住本县耕地保有量的县数 / 县总数",
    ),
    "meaning.farmland_balance": (
        "ha made up − ha occupied (占补平衡), tightest scope unit",
        "补充耕地 − 占用耕地（公顷），取最紧的平衡单元",
    ),
    "meaning.per_capita_cap_counties": (
        "counties whose new urban land passes {cap} m²/person",
        "新增城镇用地使人均超过 {cap} m²/人 的县数",
    ),
    "meaning.per_capita_floor_shortfall": (
        "ha of urban land short of {floor} m²/person (soft)",
        "低于人均 {floor} m²/人 所缺城镇用地（公顷，软约束）",
    ),
    "meaning.dev_boundary": (
        "ha urban land 2035 ≤ Σ development boundary (城镇开发边界)",
        "2035 年城镇用地（公顷）≤ 城镇开发边界之和",
    ),
    # groups
    # phased plans (MODEL.md §7)
    "periods_title": (
        "Periods (ha; carry-over {carry}; allocation_by_period.csv by county)",
        "分期（公顷；结转{carry}；各县见 allocation_by_period.csv）",
    ),
    "carry_on": ("on", "可用"),
    "period_pools_title": (
        "Period pools (the solver's duals; at a degenerate optimum another solver may differ)",
        "分期指标池（求解器对偶价格；最优解退化时不同求解器可能不同）",
    ),
    "period_pool_price": (
        "• {end} pool ({pool} ha): one more ha available by {end} raises Z by {price}",
        "• 至{end}年指标池（{pool} 公顷）：至{end}年多 1 公顷可用指标，Z 增加 {price}",
    ),
    "carry_worth_on": (
        "Carry-over is worth {worth}: without it Z would be that much lower.",
        "指标结转的价值为 {worth}：不允许结转时 Z 低这么多。",
    ),
    "carry_worth_off": (
        "Carry-over would be worth {worth}: with it Z would be that much higher.",
        "若允许指标结转，Z 可提高 {worth}。",
    ),
    "carry_worth_unknown": ("What carry-over is worth: {note}.", "指标结转的价值：{note}。"),
    "meaning_at": ("{meaning}, by {end}", "{meaning}（至{end}年）"),
    "carry_off": ("off", "不可用"),
    "col.period": ("period", "规划期"),
    "col.period_pool": ("pool", "指标池"),
    "col.pool_used": ("used", "已用指标"),
    "col.linkage": ("linkage", "挂钩指标"),
    "col.reclaimed": ("reclaimed", "拆旧复垦"),
    "col.farmland_end": ("farmland at end", "期末耕地"),
    "col.intensity_end": ("intensity fall", "强度下降"),
    "period_span": ("{start}–{end}", "{start}—{end}年"),
    "col.period_land": ("{start}–{end}", "{start}—{end}"),
    "groups_title": ("Priority groups (ha)", "优先组群（公顷）"),
    "col.group": ("group", "组群"),
    "col.weight": ("weight", "权重"),
    "col.counties": ("counties", "县数"),
    "col.new_land": ("new land", "新增用地"),
    "col.share": ("share", "占比"),
    "col.bound": ("bound", "约束"),
    # equity
    "equity": ("Equity", "公平性"),
    "equity_gini": (
        "Gini of new land per resident {alloc} (weighted by 2020 residents) · Gini of demand "
        "satisfaction {sat} (weighted by demand)",
        "人均新增用地基尼系数 {alloc}（按 2020 年常住人口加权）· 需求满足率基尼系数 {sat}"
        "（按需求加权）",
    ),
    "zone_share": (
        "{short} {zone} {pool} of the pool, {land} of new land",
        "{short} {zone}：指标 {pool}，新增用地 {land}",
    ),
    # counties table
    "counties_title": (
        "Counties by new construction land, ha",
        "各县新增建设用地（公顷）",
    ),
    "counties_title_legend": ("{title} ({legend})", "{title}（{legend}）"),
    "counties_legend": (
        "z: zone 城/农/生; in/out: linkage indicators; m²: urban land per person; "
        "farm: cultivated land, 千ha",
        "区：主体功能区 城/农/生；调入/调出：增减挂钩指标；人均：人均城镇用地 m²；耕地：千公顷",
    ),
    "counties_locked": (
        "{legend}; *: new land held by a lock (locks.csv, --fix)",
        "{legend}；*：新增用地已锁定（locks.csv、--fix）",
    ),
    "counties_more": (
        "{n} more counties in allocation.csv (--all lists them)",
        "另有 {n} 个县见 allocation.csv（--all 全部列出）",
    ),
    "col.county": ("county", "县"),
    "col.city": ("city", "市"),
    "col.zone": ("z", "区"),
    "col.w": ("w", "权重"),
    "col.demand": ("demand", "需求"),
    "col.quota": ("quota", "指标"),
    "col.in": ("in", "调入"),
    "col.out": ("out", "调出"),
    "col.total": ("total", "合计"),
    "col.stock": ("stock", "存量"),
    "col.sat": ("sat", "满足率"),
    "col.m2": ("m² 20→35", "人均 20→35"),
    "col.farm": ("farm 20→35", "耕地 20→35"),
    "col.binding": ("binding", "约束"),
    # flows
    "flows_title": (
        "Top linkage flows (ha; {n} in flows.csv)",
        "主要挂钩指标流向（公顷；共 {n} 条见 flows.csv）",
    ),
    "col.from": ("from", "调出"),
    "col.to": ("to", "调入"),
    "col.ha": ("ha", "公顷"),
    "col.cost": ("cost {unit}", "成本 {unit}"),
    # warnings
    "data_warnings": (
        "{n} data warnings (see `landquota check`):",
        "{n} 条数据警告（详见 `landquota check`）：",
    ),
    # explain
    "explain_title": ("landquota explain ", "landquota 解读 "),
    "no_prices": (
        "{backend}/{solver} gives no prices: solve with --backend highs.",
        "{backend}/{solver} 不给出影子价格：请用 --backend highs 求解。",
    ),
    "prices_title": (
        "Prices: how much Z rises when a limit gives one unit, {per_ha} and {per_mu} "
        "(1 亩 = 1/{mu} ha)",
        "影子价格：约束放宽一个单位时 Z 的增加量，{per_ha} 与 {per_mu}（1 亩 = 1/{mu} 公顷）",
    ),
    "region_price": (
        "{family}: {price} (limit {limit})",
        "{family}：{price}（限值 {limit}）",
    ),
    "sentences_in_json": (
        "Each row's sentence is in `landquota explain --json`.",
        "每行的完整说明（英文）见 `landquota explain --json`。",
    ),
    "no_ranges": (
        "Ranges of county prices: {backend}/{solver} gives none (HiGHS simplex does: "
        "--backend highs --solver simplex).",
        "县级影子价格的有效区间：{backend}/{solver} 不提供（HiGHS 单纯形法提供："
        "--backend highs --solver simplex）。",
    ),
    "local_prices_title": (
        "County and group constraints at their limit",
        "达到限值的县级与组群约束",
    ),
    "col.constraint": ("constraint", "约束"),
    "col.where": ("where", "位置"),
    "col.gain_loss": ("gain · loss per ha", "每公顷得 · 失"),
    "col.holds_for": ("price holds for", "价格适用区间"),
    "marginal_tier": ("Marginal tier: ", "边际档位："),
    "marginal_tier_item": (
        "{name} (tier {tier}, worth {worth}, {fill} filled)",
        "{name}（第 {tier} 档，价值 {worth}，已满足 {fill}）",
    ),
    "limits_title": ("What limits each county ({counts})", "各县受何约束（{counts}）"),
    "col.new_land_ha": ("new land ha", "新增用地 公顷"),
    "col.why": ("why it stops", "受限原因"),
    "more_counties": ("{n} more counties (--all lists them)", "另有 {n} 个县（--all 全部列出）"),
    # diagnosis
    "no_diagnosis": ("No diagnosis available for this status.", "此状态没有诊断。"),
    "why_no_solution": ("Why the scenario has no solution:", "情景无解的原因："),
    "any_one_fix": ("Any one of these makes it feasible:", "以下任一项即可使情景可行："),
    "not_enough_alone": ("Not enough on their own:", "单独调整不足以可行："),
    "joint_change": (
        "Or one joint change, all of these together (elastic re-solve, every slack counted "
        "in the hectares it frees):",
        "或者同时做以下全部调整（弹性重解，每项松弛按其释放的公顷计）：",
    ),
    "and_more_changes": (
        "   … and {what} of {n} more (Σ change {total} {unit}; each in diagnosis.csv)",
        "   … 以及另外 {n} 处{what}（合计调整 {total} {unit}；详见 diagnosis.csv）",
    ),
    "iis_head": (
        "These constraints cannot hold together (irreducible infeasible subset, HiGHS); "
        "relaxing any one of them removes this conflict:",
        "以下约束无法同时满足（不可约不可行子集，HiGHS）；放宽其中任一项即可消除此冲突：",
    ),
    "iis_partial_head": (
        "These constraints cannot hold together (an infeasible subset; HiGHS ran out of "
        "time before reducing it to the fewest):",
        "以下约束无法同时满足（不可行子集；HiGHS 在约简到最少之前超时）：",
    ),
    "conflict_many": (
        "  - {what} of {names} and {n} more (diagnosis.csv)",
        "  - {what}：{names} 及另外 {n} 处（详见 diagnosis.csv）",
    ),
    "engine_english": (
        "",
        "（部分说明由模型生成，保留英文。）",
    ),
    "single_fix": (
        "{setting}{where} alone: {verb} it to {proposed} (now {current})",
        "单独调整 {setting}{where}：{verb}至 {proposed}（当前 {current}）",
    ),
    "single_fix_none": (
        "no change of {setting}{where} alone suffices",
        "单独调整 {setting}{where} 不足以使情景可行",
    ),
    "raise": ("raise", "提高"),
    "lower": ("lower", "降低"),
    "joint_change_item": (
        "{family}{where}: change by {change}{values}",
        "{family}{where}：调整 {change}{values}",
    ),
    "change_values": (" ({current} → {proposed})", "（{current} → {proposed}）"),
    # compare
    "compare_title": ("landquota compare  ", "landquota 方案比较  "),
    "no_differences": (
        "No differences: the two runs agree on every number and every binding constraint.",
        "无差异：两次运行的每个数值和每个起作用的约束都相同。",
    ),
    "delta_note": ("Δ = B − A; Δ% relative to A.", "Δ = B − A；Δ% 相对于 A。"),
    "money_differs": (
        "A counts Z in {a}, B in {b} ([tiers] unit): their Z and prices are not in the same unit.",
        "A 的 Z 以 {a} 计，B 以 {b} 计（[tiers] unit）：两者的 Z 与影子价格单位不同。",
    ),
    "headline_title": ("Headline", "总体指标"),
    "targets_ab_title": ("Plan targets, A vs B", "规划目标：A 与 B"),
    "col.limit_a": ("limit A", "限值 A"),
    "col.limit_b": ("limit B", "限值 B"),
    "col.met_ab": ("met A→B", "达成 A→B"),
    "groups_ab_title": ("Priority groups: new land, ha", "优先组群：新增用地（公顷）"),
    "col.share_ab": ("share A→B", "占比 A→B"),
    "counties_ab_title": (
        "Counties, new construction land, ha",
        "各县新增建设用地（公顷）",
    ),
    "counties_ab_largest": (
        " — the {shown} largest |Δ| of {changed} counties that changed ({total} in all)",
        " — 变化的 {changed} 个县中 |Δ| 最大的 {shown} 个（共 {total} 个县）",
    ),
    "counties_ab_changed": (
        " — the {changed} counties that changed ({total} in all)",
        " — 变化的 {changed} 个县（共 {total} 个县）",
    ),
    "binding_changed_mark": (" (* binding constraint changed)", "（* 起作用的约束有变化）"),
    "col.binding_ab": ("binding A → B", "约束 A → B"),
    "counties_ab_more": (
        "{n} more counties that changed (--all lists every county)",
        "另有 {n} 个变化的县（--all 列出全部县）",
    ),
    "no_county_changed": (
        "No county's new land or binding constraint changed.",
        "各县新增用地与起作用的约束均无变化。",
    ),
    "prices_ab_title": (
        "Prices (Z {per_ha}, and {per_mu}): region targets, then the changed ones",
        "影子价格（Z {per_ha}，及 {per_mu}）：先区域目标，后有变化的约束",
    ),
    "prices_ab_more": (
        "{n} more changed prices (--all lists them)",
        "另有 {n} 个变化的影子价格（--all 全部列出）",
    ),
    "dataset_warning": ("warning: {text}", "警告：A 与 B 似乎来自不同的数据集（{text}）"),
    "metric.Z": ("Z", "Z"),
    "metric.quota used": ("quota used", "已用指标"),
    "metric.new construction land": ("new construction land", "新增建设用地"),
    "metric.linkage volume used": ("linkage volume used", "增减挂钩使用量"),
    "metric.linkage moved between counties": ("linkage moved between counties", "县间调剂挂钩指标"),
    "metric.reclaimed land": ("reclaimed land", "复垦"),
    "metric.intensity reduction achieved": (
        "intensity reduction achieved",
        "单位GDP建设用地下降幅度",
    ),
    "metric.farmland 2035": ("farmland 2035", "2035 年耕地"),
    "metric.per-capita floor shortfall": ("per-capita floor shortfall", "人均用地下限缺口"),
    "metric.Gini of new land per resident": (
        "Gini of new land per resident",
        "人均新增用地基尼系数",
    ),
    "metric.Gini of demand satisfaction": ("Gini of demand satisfaction", "需求满足率基尼系数"),
    "metric.share of the pool": ("share of the pool: {zone}", "指标占比：{zone}"),
}


#: Unit words inside numbers the engine formats (data.numbers), and their Chinese.
UNIT_WORDS_ZH: tuple[tuple[str, str], ...] = (
    ("weighted ha", "加权公顷"),
    ("per ha", "每公顷"),
    ("per 亩", "每亩"),
    ("/ha", "/公顷"),
)


def fields(template: str) -> set[str]:
    """The ``{fields}`` a template fills."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


class Words:
    """The reports' words in one language: ``w("targets_title")``, ``w.term("ha")``."""

    def __init__(self, lang: Lang | str | None = Lang.EN) -> None:
        self.lang = Lang(lang) if lang is not None else resolve_lang(None)

    @property
    def zh(self) -> bool:
        """Chinese (for layout, e.g. how wide a heading is; never for choosing words)."""
        return self.lang is Lang.ZH

    def __call__(self, key: str, **values: Any) -> str:
        """The sentence ``key`` with ``values`` filled in (KeyError: add it to MESSAGES)."""
        en, zh = MESSAGES[key]
        return (zh if self.zh else en).format(**values)

    def term(self, key: str, default: str | None = None) -> str:
        """A shared word of TERMS; ``default`` (else ``key``) when TERMS has none."""
        if key not in TERMS:
            return key if default is None else default
        return term(key, self.lang)

    def has(self, key: str) -> bool:
        return key in MESSAGES

    def units(self, text: str) -> str:
        """A formatted number with its unit words in the report's language
        ("74,430.11 weighted ha" → "74,430.11 加权公顷"; "0.4455/ha" → "0.4455/公顷")."""
        if self.zh:
            for en, zh in UNIT_WORDS_ZH:
                text = text.replace(en, zh)
        return text

    def left_out(self, names: str) -> str:
        """The caption of a table that left out columns on a narrow terminal."""
        return self("left_out", names=names)


ENGLISH = Words(Lang.EN)
