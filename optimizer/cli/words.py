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
with the words of TERMS. Data problems, pre-solve warnings and the causes of an
infeasible solve carry a ``code`` and ``params`` instead: ``PROBLEMS`` words each code
in both languages, the English template giving exactly the engine's message
(docs/runs.md, "Languages").
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from typing import Any

from models.inputs import ZONES
from optimizer.data.lang import TERMS, Lang, resolve_lang, term
from optimizer.data.problems import SETTINGS_FILES, Problem
from optimizer.data.rules import (
    AMBIGUOUS_COMMA,
    BAD_COMMA,
    NO_SIDE,
    PLAUSIBLE_CODES,
    PLAUSIBLE_MAX,
    ZONE_NAMES_ZH,
)
from optimizer.data.warnings import ROOM_WORDS

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
    "col.pop_2020": ("pop 2020 (persons)", "2020年常住人口（人）"),
    "col.urban_land_2020": ("urban land 2020 (ha)", "2020年城镇用地（公顷）"),
    "col.demand_ha": ("demand (ha)", "需求（公顷）"),
    "check_by_zone": ("Counties by main-function zone", "各主体功能区县数"),
    "check_per_capita": ("Per-capita urban land 2020 (m²/person)", "2020年人均城镇用地（m²/人）"),
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
    "check_projects": (
        "Key projects (projects.csv): {n} projects, {area} ha",
        "重点项目（projects.csv）：{n} 个，共 {area} 公顷",
    ),
    "check_projects_counties": (
        "Key projects by county, against its demand ({above} above it)",
        "各县重点项目与需求（超过需求的县：{above} 个）",
    ),
    "col.projects": ("projects", "项目数"),
    "col.area_ha": ("area (ha)", "面积（公顷）"),
    "col.share_of_demand": ("of demand", "占需求"),
    "check_stock": (
        "Existing stock land (counties.csv stock_potential): {counties} counties, {ha} ha; "
        "stock.cost = {cost}, stock.linked_share = {linked}, stock.quota_per_ha = {mu}, "
        "quota.reserve_share = {reserve}",
        "存量建设用地（counties.csv stock_potential）：{counties} 个县，共 {ha} 公顷；"
        "stock.cost = {cost}，stock.linked_share = {linked}，stock.quota_per_ha = {mu}，"
        "quota.reserve_share = {reserve}",
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
    "pool_prices": (
        "pool prices (Z gained per ha more in each period's pool; unique rates, the same for "
        "every solver): {prices}",
        "各期指标影子价格（该期指标池每增加 1 公顷 Z 的提高；唯一值，各求解器相同）：{prices}",
    ),
    "pool_prices_carry": (
        "pool prices (Z gained per ha of pool moved into the pools up to each year; unique "
        "rates, the same for every solver): {prices}",
        "各期指标影子价格（每 1 公顷指标移入该年及以前的指标池 Z 的提高；唯一值，各求解器相同）："
        "{prices}",
    ),
    "pool_price_period": ("{end}: {price}", "{end}年：{price}"),
    "pool_price_period_two": (
        "{end}: {gain} (one ha less lowers Z by {loss})",
        "{end}年：{gain}（减少 1 公顷 Z 降低 {loss}）",
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
        "fall of construction land per unit GDP 2020→{to} ≥ the target",
        "2020→{to}年单位GDP建设用地使用面积下降幅度 ≥ 目标",
    ),
    "meaning.farmland_region": (
        "ha cultivated in 2035 ≥ region floor (耕地保有量)",
        "2035年耕地（公顷）≥ 区域耕地保有量",
    ),
    "meaning.farmland_floor_counties": (
        "counties keeping their own farmland floor",
        "守住本县耕地保有量的县数 / 县总数",
    ),
    "meaning.farmland_balance": (
        "ha made up − ha occupied (占补平衡), tightest scope unit",
        "补充耕地−占用耕地（公顷），取最紧的平衡单元",
    ),
    "meaning.per_capita_cap_counties": (
        "counties whose new urban land passes {cap} m²/person",
        "新增城镇用地使人均超过 {cap} m²/人 的县数",
    ),
    "meaning.per_capita_floor_shortfall": (
        "ha of urban land short of {floor} m²/person (soft)",
        "低于人均 {floor} m²/人 所缺城镇用地（公顷，软约束）",
    ),
    "meaning.quota_linked": (
        "ha of linked quota (增存挂钩) earned by reusing stock ≤ linked part of the pool",
        "盘活存量挣得的增存挂钩指标（公顷）≤ 指标总量中的挂钩部分",
    ),
    "meaning.quota_reserve": (
        "ha of the pool not handed out ≥ the provincial reserve held back (预留指标)",
        "未分配的指标（公顷）≥ 省级预留指标",
    ),
    "meaning.dev_boundary": (
        "ha urban land 2035 ≤ Σ development boundary (城镇开发边界)",
        "2035年城镇用地（公顷）≤ 城镇开发边界之和",
    ),
    # instruments (MODEL.md §8)
    "instr_stock": (
        "new land {new} ha + stock reused {stock} ha = {supplied} ha supplied",
        "新增建设用地 {new} 公顷 + 盘活存量用地 {stock} 公顷 = 供地 {supplied} 公顷",
    ),
    "instr_linked": ("linked quota (增存挂钩) {ha} ha", "增存挂钩指标 {ha} 公顷"),
    "instr_reserve": ("provincial reserve {ha} ha held back", "省级预留指标 {ha} 公顷"),
    "instr_projects": ("key projects {ha} ha guaranteed", "重点项目保障 {ha} 公顷"),
    "projects_title": (
        "Key projects (ha; {n} in projects.csv)",
        "重点项目（公顷；共 {n} 个见 projects.csv）",
    ),
    "col.project": ("project", "项目"),
    "col.area": ("area", "面积"),
    "col.by": ("by", "期末"),
    "col.guaranteed": ("guaranteed", "已保障"),
    "kind.transport": ("transport", "交通"),
    "kind.energy": ("energy", "能源"),
    "kind.water": ("water", "水利"),
    "kind.industry": ("industry", "产业"),
    "kind.livelihood": ("livelihood", "民生"),
    # groups
    # phased plans (MODEL.md §7)
    "periods_title": (
        "Periods (ha; carry-over {carry}; allocation_by_period.csv by county)",
        "分期（公顷；结转{carry}；各县见 allocation_by_period.csv）",
    ),
    "carry_on": ("on", "可用"),
    "period_pools_title": (
        "Period pools (unique rates, the same for every solver)",
        "分期指标池（唯一的单侧价格，与求解器无关）",
    ),
    "period_pool_moved": (
        "• pools by {end} ({pool} ha): moving 1 ha of pool from after {end} into them raises Z "
        "by {gain}; moving 1 ha the other way lowers it by {loss}",
        "• 至{end}年累计指标池（{pool} 公顷）：从{end}年以后调 1 公顷指标提前使用，Z 增加 {gain}；"
        "反向调 1 公顷，Z 减少 {loss}",
    ),
    "period_pool_own": (
        "• {end} pool ({pool} ha): one more ha raises Z by {gain}; one ha less lowers it by {loss}",
        "• {end}年指标池（{pool} 公顷）：多 1 公顷，Z 增加 {gain}；少 1 公顷，Z 减少 {loss}",
    ),
    "period_pool_horizon": (
        "• {end} pool with quota.total ({pool} ha in all): one more ha raises Z by {gain}; one "
        "ha less lowers it by {loss}",
        "• {end}年指标池与指标总量（共 {pool} 公顷）同增 1 公顷，Z 增加 {gain}；同减 1 公顷，"
        "Z 减少 {loss}",
    ),
    "period_pool_none": (
        "• {end} pool ({pool} ha): no unique rates at this size",
        "• {end}年指标池（{pool} 公顷）：此规模下不计算唯一价格",
    ),
    "period_target_price": (
        "• {family} by {end}: relaxing it 1 ha raises Z by {gain}; tightening it 1 ha lowers "
        "it by {loss}",
        "• {family}（至{end}年）：放宽 1 公顷，Z 增加 {gain}；收紧 1 公顷，Z 减少 {loss}",
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
    "col.pool_price": ("price {unit}", "指标价格 {unit}"),
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
        "人均新增用地基尼系数 {alloc}（按 2020年常住人口加权）· 需求满足率基尼系数 {sat}"
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
    "flows_title_periods": (
        "Top linkage flows of each period (ha, in the period they are used in; {n} in flows.csv)",
        "各规划期主要挂钩指标流向（公顷，按使用的规划期；共 {n} 条见 flows.csv）",
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
    "reserve_held": (
        " The province holds back {reserve} ha ({share} of the pool, 预留指标)",
        "；省级预留指标 {reserve} 公顷（占指标总量 {share}）",
    ),
    "reserve_release": (
        ": releasing it ({free} ha of it as free quota) would raise Z by {how}{worth} "
        "(the pool's rate {price} × {free} ha).",
        "，释放给各县（其中自由指标 {free} 公顷）可使 Z 提高{how} {worth}"
        "（指标影子价格 {price} × {free} 公顷）。",
    ),
    "at_most": ("at most ", "至多"),
    "linked_earned": (
        "; {used} ha earned by reusing stock",
        "；盘活存量已挣得 {used} 公顷",
    ),
    "stock_price_note": (
        "Stock land (存量): the price is what one more ha of stock reuse is worth to the county.",
        "存量用地潜力：该县再盘活 1 公顷存量用地使 Z 提高的量（一公顷需求不占新增用地的价值，"
        "减去存量成本，加上挣得的增存挂钩指标的价值）。",
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
    "single_fix_text": (
        '{setting}{where} alone: set it to "{limit}" (now "{current}")',
        "单独调整 {setting}{where}：设为 {limit}（当前 {current}）",
    ),
    "single_fix_none": (
        "no change of {setting}{where} alone suffices",
        "单独调整 {setting}{where} 不足以使情景可行",
    ),
    "conflict_limit": (" ({limit})", "（{limit}）"),
    "reduction_of": ("{share} reduction", "下降 {share}"),
    "ha_new_land": ("ha of new land", "公顷新增用地"),
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
    "metric.farmland 2035": ("farmland 2035", "2035年耕地"),
    "metric.per-capita floor shortfall": ("per-capita floor shortfall", "人均用地下限缺口"),
    "metric.Gini of new land per resident": (
        "Gini of new land per resident",
        "人均新增用地基尼系数",
    ),
    "metric.Gini of demand satisfaction": ("Gini of demand satisfaction", "需求满足率基尼系数"),
    "metric.share of the pool": ("share of the pool: {zone}", "指标占比：{zone}"),
}


# --------------------------------------------------------------------------- data problems

_INFEASIBLE_EN, _INFEASIBLE_ZH = "; the scenario will be infeasible", "；情景将无可行解"
_ROOM_ZH = {
    "per_capita_cap": "人均城镇用地上限所容（cap_m2 × urban_pop_2035 − urban_land_2020）",
    "dev_boundary": "城镇开发边界所容（dev_boundary − urban_land_2020）",
    "basic_farmland": "永久基本农田以外的耕地（cultivated_2020 − basic_farmland）",
}
_PLAUSIBLE_ZH = {
    "ha": "全国陆地面积（9.6e8 公顷 = 960 万平方公里）",
    "persons": "全国人口（2020年 14.1 亿；上限 15 亿）",
    "亿元": "2020年全国 GDP 的三倍（1.016e6 亿元）",
}
_ZONES_EN = ", ".join(f"{z} ({ZONE_NAMES_ZH[z]})" for z in ZONES)
_ZONES_ZH = "、".join(f"{ZONE_NAMES_ZH[z]}（{z}）" for z in ZONES)
_READ_AS_ZH = {"formula": "写成了 Excel 文本公式", "decimal": "写成了小数"}
_READ_AS_EN = {
    "formula": "is written as an Excel text formula",
    "decimal": "is written as a decimal number",
}
_AT_MOST = {
    "urban_pop_above_pop": (
        "urban population 2020 must not exceed population 2020",
        "2020年城镇人口不能超过 2020年常住人口",
    ),
    "basic_above_cultivated": (
        "permanent basic farmland must not exceed cultivated land 2020",
        "永久基本农田不能超过 2020年耕地",
    ),
    "min_above_demand": (
        "the guaranteed minimum must not exceed the demand",
        "保障下限不能超过新增用地需求",
    ),
    "reclaim_above_rural": (
        "reclaimable land must not exceed rural settlement land 2020",
        "可复垦面积不能超过 2020年村庄建设用地",
    ),
    "stock_above_construction": (
        "existing stock land to supply again must not exceed construction land 2020",
        "可再供应的存量建设用地不能超过 2020年建设用地",
    ),
    "min_share_above_max": (
        "the minimum share must not exceed the maximum share",
        "最低份额不能超过最高份额",
    ),
}

#: Data problems (optimizer.data.problems.Problem ``code``) → (English, Chinese): the
#: English template gives the problem's own ``message`` from its ``params`` (a test
#: checks it), the Chinese one the sentence of a ``--lang zh`` report.
PROBLEMS: dict[str, tuple[str, str]] = {
    # cells (data/rules.py)
    "not_a_number": ("is not a number", "不是数字"),
    "not_finite": ("must be a finite number", "必须是有限的数"),
    "ambiguous_comma": (
        AMBIGUOUS_COMMA,
        "有歧义：在分号分隔的文件中，逗号可能是小数点（2,5 = 2.5），也可能是千位分隔符"
        "（2,500 = 2500）；请不带逗号书写（2.5 或 2500）",
    ),
    "bad_comma": (BAD_COMMA, "不是数字：逗号只能用作千位分隔符，如 1,234.5（小数点用英文句点）"),
    "empty_number": ("is empty: a number is required", "为空：此处须填数字"),
    "empty_id": ("is empty: every row needs an id", "为空：每行都须有编号"),
    "empty_value": ("is empty: every row needs a value", "为空：每行都须有值"),
    "ambiguous_percent": (
        "is ambiguous: the header says %, but every value of the column is at most 1; "
        "write percentages (45 for 45 %) or drop (%) from the header for fractions (0.45)",
        "有歧义：表头标明 %，但该列所有值都不超过 1；请写百分数（45 表示 45%），"
        "或去掉表头中的 (%) 改写小数（0.45）",
    ),
    "tiny_area": (
        "is below the model's tolerance of {tolerance} ha (a rounding leftover of a "
        "spreadsheet formula?): read as 0",
        "小于模型容差 {tolerance} 公顷（可能是电子表格公式的舍入残留）：按 0 读取",
    ),
    "id_with_fraction": (
        "is a number with a fraction, not an id: an id is text or a whole number "
        "(Excel stored the id as a number? format the column as text)",
        "是带小数的数字，不是编号：编号应为文本或整数"
        "（Excel 把编号存成了数字？请把该列设为文本格式）",
    ),
    **{
        f"id_{how}{more}": (
            _READ_AS_EN[how]
            + ": read as the id {id}"
            + ("; so are {more} more ids of this column, read the same way" if more else ""),
            _READ_AS_ZH[how]
            + "：按编号 {id} 读取"
            + ("；该列另有 {more} 个编号同样处理" if more else ""),
        )
        for how in ("formula", "decimal")
        for more in ("", "_more")
    },
    "id_scientific": (
        "looks like a number in scientific notation, as Excel writes a long id stored as a "
        "number; the digits are lost: format the column as text and export again",
        "看起来是科学计数法数字（Excel 把长编号存成数字时会这样写），位数已丢失："
        "请把该列设为文本格式后重新导出",
    ),
    "duplicate": (
        "duplicate {what} (first in row {first})",
        "{columns} 重复（首次出现在第 {first} 行）",
    ),
    "duplicate_counted_once": (
        "duplicate {what} (first in row {first}); counted once",
        "{columns} 重复（首次出现在第 {first} 行）；只计一次",
    ),
    **{
        f"implausible_{PLAUSIBLE_CODES[unit]}": (
            f"is more than {what}: no county can have it; check the unit and the value",
            f"超过{_PLAUSIBLE_ZH[unit]}：任何县都不可能有这么多；请检查单位和数值",
        )
        for unit, (_, what) in PLAUSIBLE_MAX.items()
    },
    "not_positive": ("must be > 0", "必须大于 0"),
    "negative": ("must be ≥ 0", "不能为负（须 ≥ 0）"),
    "not_fraction": (
        "must be a fraction between 0 and 1 (0.45 or 45%)",
        "必须是 0 到 1 之间的比例（0.45 或 45%）",
    ),
    "not_zone": (
        f"is not a main-function zone: use one of {_ZONES_EN}",
        f"不是主体功能区：请用 {_ZONES_ZH} 之一",
    ),
    **{
        code: (en + " ({right} = {limit})", zh + "（{right} = {limit}）")
        for code, (en, zh) in _AT_MOST.items()
    },
    "parts_above_construction": (
        "urban land + rural settlement land 2020 = {parts} ha must not exceed construction "
        "land 2020 (construction_land_2020 = {limit})",
        "2020年城镇用地 + 村庄建设用地 = {parts} 公顷，不能超过 2020年建设用地"
        "（construction_land_2020 = {limit}）",
    ),
    "unknown_id": ("unknown {column}: not in {where}", "未知的 {column}：{where} 中没有"),
    "self_transfer": (
        "a county cannot send linkage indicators to itself (from_id = to_id): a county "
        "always uses its own indicators at no cost",
        "县不能向自身调剂挂钩指标（from_id = to_id）：本县指标总是无成本自用",
    ),
    "total_row_county": (
        "a total row, not a county: skipped (the model sums the rows itself)",
        "合计行，不是县：已跳过（模型自行求和）",
    ),
    "total_row": ("a total row: skipped", "合计行：已跳过"),
    "county_name_as_id": (
        "is a county name, read as its county_id {id} (write the id: ids are stable, "
        "names may repeat)",
        "是县名，已按其 county_id {id} 读取（请写编号：编号稳定，县名可能重复）",
    ),
    "ambiguous_county_name": (
        "is the name of {n} counties ({choices}): write the county_id",
        "是 {n} 个县共用的名称（{choices}）：请写 county_id",
    ),
    "projects_above_demand": (
        "the key projects of county {county} need {total} ha together, more than its demand "
        "(counties.csv demand = {limit}): a project is part of its county's demand",
        "县 {county} 的重点项目合计需要 {total} 公顷，超过其需求（counties.csv demand = "
        "{limit}）：项目用地是本县需求的一部分",
    ),
    "not_period_end": (
        "is not a period end of the plan: use {ends} or leave it empty",
        "不是规划的期末年份：请用 {ends}，或留空",
    ),
    "not_project_kind": (
        "is not a project kind: use transport (交通), energy (能源), water (水利), "
        "industry (产业) or livelihood (民生), or leave it empty",
        "不是项目类型：请用 交通、能源、水利、产业 或 民生，或留空",
    ),
    # locks (locks.csv, --fix; MODEL.md §8)
    "lock_no_side": (
        NO_SIDE,
        "为空，max 也为空：锁定须给出 min、max 或两者（新增用地公顷数）",
    ),
    "lock_crossed": (
        "the lock's min {min} ha is above its max {max} ha: min must not exceed max",
        "锁定的 min {min} 公顷高于 max {max} 公顷：min 不能超过 max",
    ),
    "lock_not_period_end": (
        "is not a period end of the plan: use {ends} or leave it empty (the whole plan period)",
        "不是规划的期末年份：请用 {ends}，或留空（整个规划期）",
    ),
    "lock_twice": (
        "a second lock of this county for the same period end {end} (first in row {first}; "
        "an empty period_end is the plan's end): keep one",
        "该县同一期末 {end} 的第二个锁定（首次出现在第 {first} 行；period_end 留空即规划期末）："
        "请只保留一个",
    ),
    "lock_above_demand": (
        "min {min} ha is above demand {demand} ha of {county} (counties.csv): a lock holds "
        "new land within the county's demand",
        "min {min} 公顷高于{county}的需求 {demand} 公顷（counties.csv）："
        "锁定的新增用地须在本县需求之内",
    ),
    "lock_below_minimum": (
        "max {max} ha is below the guaranteed minimum {floor} ha of {county} (counties.csv "
        "min_allocation)",
        "max {max} 公顷低于{county}的保障下限 {floor} 公顷（counties.csv min_allocation）",
    ),
    # files and headers (data/read.py)
    "groups_missing_for_members": (
        "the file is missing from the dataset folder, but group_members.csv names groups: "
        "add groups.csv, or leave out both files for a dataset without groups",
        "数据集目录中缺少此文件，但 group_members.csv 列出了组群：请添加 groups.csv；"
        "不设组群的数据集两个文件都不要",
    ),
    "file_empty": (
        "the file is empty: it needs a header row ({columns})",
        "文件为空：至少需要表头行（{columns}）",
    ),
    "not_csv": ("cannot be read as CSV: {detail}", "无法按 CSV 读取：{detail}"),
    "long_row": (
        "the row has more cells than the header ({cells} against {header}), so its values do "
        "not line up with the columns: a value may hold an unquoted comma, e.g. a thousands "
        'separator (write "1,000" in quotes, or 1000)',
        "该行单元格比表头多（{cells} 对 {header}），数值与列对不上：可能某个值含有未加引号的"
        '逗号，如千位分隔符（请写成带引号的 "1,000"，或 1000）',
    ),
    "long_row_split": (
        "the row has more cells than the header ({cells} against {header}), so its values do "
        "not line up with the columns: a value may hold an unquoted comma, e.g. a thousands "
        'separator (write "1,000" in quotes, or 1000); perhaps {split} is one number split '
        "at its comma",
        "该行单元格比表头多（{cells} 对 {header}），数值与列对不上：可能某个值含有未加引号的"
        '逗号，如千位分隔符（请写成带引号的 "1,000"，或 1000）；{split} 也许是被逗号拆开的一个数',
    ),
    "two_columns": (
        "two columns mean {column}: {first} and {second}; keep one",
        "两列都表示 {column}：{first} 和 {second}；请只保留一列",
    ),
    "no_header": (
        "no known column name in row 1: the first row must be the header row ({columns}; "
        "or the Chinese names in docs/inputs.md)",
        "第 1 行没有可识别的列名：第一行必须是表头行（{columns}；或 docs/inputs.md 中的中文列名）",
    ),
    "unknown_column": ("unknown column, ignored", "未知列，已忽略"),
    "unknown_column_close": (
        "unknown column, ignored (did you mean {close}?)",
        "未知列，已忽略（是否指 {close}？）",
    ),
    "missing_column": (
        "missing required column {column} (accepted headers: {names})",
        "缺少必填列 {column}（可用表头：{names}）",
    ),
    "missing_column_guess": (
        "missing required column {column} (accepted headers: {names}); is {guess} meant to be it?",
        "缺少必填列 {column}（可用表头：{names}）；{guess} 是否就是该列？",
    ),
    "no_rows": ("has no data rows: at least one row is needed", "没有数据行：至少需要一行"),
    "unit_on_unitless": (
        "the header names a unit ({unit}) but {column} has none: write the header without it",
        "表头标明了单位（{unit}），但 {column} 没有单位：请去掉表头中的单位",
    ),
    "unknown_unit": (
        "unknown unit {unit}: {column} is in {model_unit} ({quantity}); a header may name "
        "{accepted} (docs/inputs.md §6)",
        "未知单位 {unit}：{column} 的单位是 {model_unit}；表头可写 {accepted}（docs/inputs.md §6）",
    ),
    "unit_of_other_quantity": (
        "the unit {unit} is a unit of {other_quantity}, but {column} is in {model_unit} "
        "({quantity}); a header may name {accepted}",
        "单位 {unit} 用于另一种量，而 {column} 的单位是 {model_unit}；表头可写 {accepted}",
    ),
    "not_toml": ("is not valid TOML: {detail}", "不是有效的 TOML：{detail}"),
    "implausible_region_area": (
        f"is more than {PLAUSIBLE_MAX['ha'][1]}: no region can have it; check the unit (ha) "
        "and the value",
        f"超过{_PLAUSIBLE_ZH['ha']}：任何地区都不可能有这么多；请检查单位（公顷）和数值",
    ),
    "unreadable": ("cannot be read: {detail}", "无法读取：{detail}"),
    "binary_file": (
        "is not a text file (it holds binary data); if it is an Excel workbook, save it as "
        "CSV UTF-8 (逗号分隔) first",
        "不是文本文件（含二进制数据）；如果是 Excel 工作簿，请先另存为 CSV UTF-8（逗号分隔）",
    ),
    "file_missing": ("the file is missing from the dataset folder", "数据集目录中缺少此文件"),
    "file_missing_near": (
        "the file is missing from the dataset folder; found {near}: save it as {name}",
        "数据集目录中缺少此文件；找到了 {near}：请另存为 {name}",
    ),
    # scenario keys (scenario.toml, --set)
    "set_section": (
        "{key} is a section, not a key: name a key such as {example}",
        "{key} 是一节，不是键：请写出具体的键，如 {example}",
    ),
    "unknown_set_key": ("unknown scenario key", "未知的情景键"),
    "unknown_set_key_close": (
        "unknown scenario key (did you mean {close}?)",
        "未知的情景键（是否指 {close}？）",
    ),
    "unknown_key": (
        "unknown key: not a scenario setting (see docs/inputs.md)",
        "未知的键：不是情景设置（见 docs/inputs.md）",
    ),
    "unknown_key_close": ("unknown key (did you mean {close}?)", "未知的键（是否指 {close}？）"),
    "required": ("is required", "必须填写"),
    "required_quota": ("is required (the quota pool in ha)", "必须填写（指标总量，公顷）"),
    "bool_not_number": ("must be a number, not true or false", "必须是数字，不能是 true 或 false"),
    "pydantic.greater_than_equal": ("{detail}", "必须 ≥ {ge}"),
    "pydantic.greater_than": ("{detail}", "必须 > {gt}"),
    "pydantic.less_than_equal": ("{detail}", "必须 ≤ {le}"),
    "pydantic.less_than": ("{detail}", "必须 < {lt}"),
    "pydantic.float_parsing": ("{detail}", "必须是数字"),
    "pydantic.float_type": ("{detail}", "必须是数字"),
    "pydantic.int_parsing": ("{detail}", "必须是整数"),
    "pydantic.int_type": ("{detail}", "必须是整数"),
    "pydantic.int_from_float": ("{detail}", "必须是整数"),
    "pydantic.string_type": ("{detail}", "必须是文本"),
    "pydantic.bool_type": ("{detail}", "必须是 true 或 false"),
    "pydantic.list_type": ("{detail}", "必须是列表，如 [0.5, 0.5]"),
    "pydantic.literal_error": ("{detail}", "必须是以下之一：{expected}"),
    "pydantic.enum": ("{detail}", "必须是以下之一：{expected}"),
    # warnings (data/warnings.py, the findings of data/derived.py)
    "cultivated_below_floor_2020": (
        "cultivated land 2020 is already below the farmland floor (farmland_floor = {limit}): "
        "the county must gain cultivated land by 2035",
        "2020年耕地已低于耕地保有量（farmland_floor = {limit}）：该县到 2035年必须增加耕地",
    ),
    "urban_land_above_boundary_2020": (
        "urban land 2020 is already above the urban development boundary (dev_boundary = "
        "{limit}): the county can get no new urban land",
        "2020年城镇用地已超出城镇开发边界（dev_boundary = {limit}）：该县不能再增加城镇用地",
    ),
    "per_capita_above_cap_2020": (
        "per-capita urban land 2020 is {value} m²/person, above the cap of {limit} m²/person",
        "2020年人均城镇用地为 {value} m²/人，已超过上限 {limit} m²/人",
    ),
    "urban_land_without_urban_pop_2020": (
        "urban land but no urban population 2020: per-capita urban land is unbounded, above "
        "the cap",
        "有城镇用地但 2020年无城镇人口：人均城镇用地无穷大，超过上限",
    ),
    **{
        f"minimum_above_room.{family}": (
            "the guaranteed minimum does not fit under "
            + ROOM_WORDS[family]
            + ": at most {limit} ha of new land fits"
            + _INFEASIBLE_EN,
            "保障下限超出" + _ROOM_ZH[family] + "：最多只能新增 {limit} 公顷" + _INFEASIBLE_ZH,
        )
        for family in ROOM_WORDS
    },
    "farmland_floor_out_of_reach": (
        "with the guaranteed minimum, cultivated land 2035 is at most {value} ha even after "
        "all reclamation and reserve land, below the farmland floor ({limit})" + _INFEASIBLE_EN,
        "按保障下限建设，即使全部复垦并开垦全部后备资源，2035年耕地也最多 {value} 公顷，"
        "低于耕地保有量（{limit}）" + _INFEASIBLE_ZH,
    ),
    "group_without_members": (
        "group has no members in group_members.csv",
        "该组群在 group_members.csv 中没有成员",
    ),
    "group_without_members.min_share": (
        "group has no members in group_members.csv; its min_share can only be met by "
        "allocating nothing",
        "该组群在 group_members.csv 中没有成员；其最低份额只有在什么都不分配时才能满足",
    ),
    "group_without_members.infeasible": (
        "group has no members in group_members.csv; its min_share can only be met by "
        "allocating nothing: the scenario will be infeasible",
        "该组群在 group_members.csv 中没有成员；其最低份额只有在什么都不分配时才能满足："
        "情景将无可行解",
    ),
    "min_shares_above_one_shared": (
        "the min_share values add up to {sum} > 1: the groups share members, so this can only "
        "be met through them; check it is intended",
        "各组群最低份额之和为 {sum} > 1：组群有共同成员，只能通过共同成员满足；请确认是否有意如此",
    ),
    "min_shares_above_one.infeasible": (
        "the min_share values add up to {sum} > 1: the groups have no member in common, so "
        "the scenario will be infeasible",
        "各组群最低份额之和为 {sum} > 1：组群没有共同成员，情景将无可行解",
    ),
    "min_shares_above_one.nothing": (
        "the min_share values add up to {sum} > 1: the groups have no member in common, so "
        "it can only be met by allocating nothing",
        "各组群最低份额之和为 {sum} > 1：组群没有共同成员，只有在什么都不分配时才能满足",
    ),
    "minima_above_pool": (
        "the guaranteed minimums add up to {sum} ha, more than the quota pool (quota.total = "
        "{quota} ha) plus all linkage surplus indicators ({linkage} ha): the scenario will be "
        "infeasible",
        "保障下限合计 {sum} 公顷，超过指标总量（quota.total = {quota} 公顷）与全部增减挂钩"
        "节余指标（{linkage} 公顷）之和：情景将无可行解",
    ),
    "intensity_out_of_reach": (
        "even with every hectare of rural settlement land reclaimed, construction land 2035 "
        "stays at least {value} ha against {limit} ha the intensity target allows: the "
        "scenario will be infeasible",
        "即使村庄建设用地全部复垦，2035年建设用地也至少为 {value} 公顷，而单位GDP建设用地"
        "下降目标只允许 {limit} 公顷：情景将无可行解",
    ),
    "intensity_superseded": (
        "is not used: [periods] intensity's last milestone ({last}) is the target-year "
        "reduction; change that entry instead",
        "不起作用：[periods] intensity 的最后一个阶段目标（{last}）就是目标年的下降幅度；请改该项",
    ),
    "region_floor_out_of_reach": (
        "at most {value} ha can stay cultivated in 2035 (the guaranteed minima built, every "
        "reclaimable hectare reclaimed and all reserve land cultivated), below the region's "
        "farmland floor: the scenario will be infeasible",
        "2035年最多只能保有 {value} 公顷耕地（按保障下限建设、全部复垦、开垦全部后备资源），"
        "低于区域耕地保有量：情景将无可行解",
    ),
    # causes of an infeasible solve (analysis/diagnose.py, the same findings)
    "cause.minima_above_pool": (
        "The quota pool ({quota} ha) plus every linkage indicator that could be produced "
        "({linkage} ha) cannot cover the guaranteed minima (Σ min_allocation {value} ha).",
        "指标总量（{quota} 公顷）加上可能产生的全部挂钩指标（{linkage} 公顷）也不够保障下限"
        "（Σ min_allocation {value} 公顷）。",
    ),
    "cause.intensity_out_of_reach": (
        "The {target} intensity target cannot be reached even with every hectare of rural "
        "settlement land reclaimed: construction land 2035 stays at least {value} ha against "
        "{limit} ha allowed.",
        "即使村庄建设用地全部复垦，也达不到单位GDP建设用地下降 {target} 的目标：2035年建设"
        "用地至少为 {value} 公顷，而目标只允许 {limit} 公顷。",
    ),
    "cause.region_floor_out_of_reach": (
        "The region's farmland floor ({limit} ha) is out of reach: at most {value} ha can "
        "stay cultivated.",
        "区域耕地保有量（{limit} 公顷）无法守住：最多只能保有 {value} 公顷耕地。",
    ),
    "cause.farmland_floor_out_of_reach": (
        "The farmland floor of {name} ({limit} ha) is out of reach: even building only its "
        "minimum, reclaiming every reclaimable hectare and cultivating all reserve land it "
        "keeps at most {value} ha.",
        "{name}的耕地保有量（{limit} 公顷）无法守住：即使只建设保障下限、全部复垦并开垦全部"
        "后备资源，也最多保有 {value} 公顷。",
    ),
    "cause.minimum_above_room": (
        "Min_allocation of {name} ({value} ha) does not fit under {room} (room {limit} ha of "
        "new land).",
        "{name}的保障下限（{value} 公顷）超出{family_words}所容（只能新增 {limit} 公顷）。",
    ),
    "cause.min_shares_above_one": (
        "The minimum shares of the groups sum to {sum}, more than all new land, while some "
        "new land is guaranteed (min_allocation).",
        "各组群最低份额之和为 {sum}，超过全部新增用地，而又有新增用地受保障下限约束"
        "（min_allocation）。",
    ),
    "cause.group_without_members": (
        "Group {name} has no members, so its minimum share ({share}) can only be met by "
        "allocating nothing, while some new land is guaranteed (min_allocation).",
        "组群 {name} 没有成员，其最低份额（{share}）只有在什么都不分配时才能满足，而又有"
        "新增用地受保障下限约束（min_allocation）。",
    ),
    "cause.elastic_failed": (
        "the elastic re-solve found no answer either ({ended}); no joint change to propose",
        "弹性重解也没有找到解；无法给出联合调整方案",
    ),
}
MESSAGES.update(
    {
        # where a problem is: file, row, county, column or key, value
        "where_row": ("{where} row {row}", "{where} 第 {row} 行"),
        "where_county": ("{where} ({county})", "{where}（{county}）"),
        "where_column": ("{where}, column {column}", "{where}，列 {column}"),
        "where_key": ("{where}, key {column}", "{where}，键 {column}"),
        "where_value": ("{where} = {value}", "{where} = {value}"),
        "problem_line": ("{where}: {rule}", "{where}：{rule}"),
        "problem_entry": ("entry {entry}: ", "第 {entry} 项："),
        "with_unit": ("{label} ({unit})", "{label}（{unit}）"),
        "list_sep": (", ", "、"),
        "county_in_city": ("{name} ({city})", "{name}（{city}）"),
        "conversion_line": ("{file} column {label}: {message}", "{file} 列 {label}：{message}"),
        "conversion": (
            "read in {unit}, converted to {to} (× {factor})",
            "按 {unit} 读取，换算为 {to}（× {factor}）",
        ),
        "problems_count": (
            "landquota: {n} problem(s) in the input; nothing was done.",
            "landquota：输入数据有 {n} 处问题；未做任何处理。",
        ),
    }
)


#: The phrases of the solver choice's reason (solve.choose_solver, summary.json
#: ``solver_reason``), and their Chinese: the reason is data of a few fixed forms.
SOLVER_PHRASES_ZH: tuple[tuple[str, str], ...] = (
    (": the backend's default solver", "：该后端的默认求解器"),
    (": solver named, first backend that has it", "：指定的求解器，取第一个有它的后端"),
    (": named", "：指定"),
    (": chosen by size (", "：按规模选择（"),
    (" LP columns ", " 个线性规划列 "),
    ("; dual simplex gives prices with ranges)", "；对偶单纯形法给出带有效区间的影子价格）"),
    ("; interior point is the fastest there)", "；此规模下内点法最快）"),
    (
        "; prices come without ranges at this size (ranging needs simplex)",
        "；此规模下影子价格不带有效区间（区间需单纯形法）",
    ),
    (")", "）"),
)


#: Why the tie-break did not run (solve.second_stage, summary.json ``tie_break.reason``)
#: → Chinese; a reason not listed keeps its English.
TIE_BREAK_REASONS_ZH: dict[str, str] = {
    "[solver] tie_break = none: the LP solver's own vertex": (
        "[solver] tie_break = none：取线性规划求解器自己的顶点解"
    ),
    "existing stock is reused: the stage does not cover stock yet": (
        "盘活了存量用地：同优方案取舍尚不涵盖存量"
    ),
    "the quadratic stage did not solve: the LP solver's own vertex": (
        "二次规划阶段未求解成功：取线性规划求解器自己的顶点解"
    ),
}


#: Unit words inside numbers the engine formats (data.numbers), and their Chinese.
UNIT_WORDS_ZH: tuple[tuple[str, str], ...] = (
    ("weighted ha", "加权公顷"),
    ("per ha", "每公顷"),
    ("per 亩", "每亩"),
    ("/ha", "/公顷"),
    # Chinese text brackets full-width, without a space: "0.4455/公顷（0.0297/亩）"
    (" (", "（"),
    ("(", "（"),
    (")", "）"),
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
        ("74,430.11 weighted ha" → "74,430.11 加权公顷"; "0.4455/ha (0.0297/亩)" →
        "0.4455/公顷（0.0297/亩）": Chinese brackets are full-width)."""
        if self.zh:
            for en, zh in UNIT_WORDS_ZH:
                text = text.replace(en, zh)
        return text

    def rule(self, code: str, params: Mapping[str, Any], message: str) -> str:
        """The sentence of rule ``code`` with ``params`` (catalogue ``problem.<code>``);
        ``message``, the engine's English, when the catalogue has no such rule."""
        if code not in PROBLEMS:
            return message
        values = {k: v for k, v in params.items() if k != "entry"}
        if "family" in values:  # a constraint family's words in the report's language
            values["family_words"] = self.term(f"family.{values['family']}", values["family"])
        try:
            en, zh = PROBLEMS[code]
            text = (zh if self.zh else en).format(**values)
        except (KeyError, IndexError, ValueError):  # a parameter the template lacks
            return message
        if "entry" in params:
            text = self("problem_entry", entry=params["entry"]) + text
        return text

    def problem(self, p: Problem) -> str:
        """A data problem as one line: where it is (file, row, county, column, value) and
        the rule broken; English is the problem's own text (``str(p)``)."""
        if not self.zh:
            return str(p)
        where = p.file
        if p.row is not None:
            where = self("where_row", where=where, row=p.row)
            if p.county:
                where = self("where_county", where=where, county=p.county)
        if p.column is not None:
            key = "where_key" if p.file in SETTINGS_FILES else "where_column"
            where = self(key, where=where, column=p.column)
        if p.value is not None:
            where = self("where_value", where=where, value=repr(p.value))
        return self("problem_line", where=where, rule=self.rule(p.code, p.params, p.message))

    def conversion(self, c: Any) -> str:
        """A unit conversion on reading (data.aliases.UnitConversion) as one line."""
        if not self.zh:
            return str(c)
        message = self("conversion", unit=c.unit, to=self.term(c.to, c.to), factor=c.shown)
        return self("conversion_line", file=c.file, label=c.label, message=message)

    def tie_break_reason(self, reason: str) -> str:
        """Why the tie-break did not run, in the report's language."""
        if self.zh and reason in TIE_BREAK_REASONS_ZH:
            return TIE_BREAK_REASONS_ZH[reason]
        if self.zh and reason.startswith("the LP ended "):
            status = reason.removeprefix("the LP ended ").split(":")[0]
            key = f"status.{status.lower()}"
            return f"线性规划结果为{self(key) if self.has(key) else status}：没有最优面"
        return reason

    def solver_reason(self, reason: str) -> str:
        """Why this solver ran (summary.json's English ``solver_reason``), in the report's
        language."""
        if self.zh:
            for en, zh in SOLVER_PHRASES_ZH:
                reason = reason.replace(en, zh)
        return reason

    def left_out(self, names: str) -> str:
        """The caption of a table that left out columns on a narrow terminal."""
        return self("left_out", names=names)


ENGLISH = Words(Lang.EN)
