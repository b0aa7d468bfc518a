"""Why a scenario has no solution, and the smallest changes that would give it one.

Two views of an infeasible LP, both computed with HiGHS (highspy, a dependency),
whatever backend the scenario uses:

1. **Elastic re-solve.** The same LP, with a penalised slack on every hard
   constraint a planner can change: the region targets (quota_pool, intensity,
   farmland_region, farmland_balance), the county farmland floors, the group
   shares, and the families that are *bounds* of ``allocation[i]`` in the
   formulation (min_allocation, per_capita_cap, dev_boundary, basic_farmland,
   demand), which become rows here so that they can give. Minimising the total
   penalised slack gives the smallest set of changes that makes the scenario
   feasible. Definitions (tiers, split, surplus, hub balance) and physical
   potentials (reclaimable settlement land, reserve land) never give.

   Penalty scaling: every slack is measured in the hectares it releases — ha of
   pool, of new construction land, of cultivated land, of construction land —
   and costs 1 per ha. Levers in other units are converted at their exchange
   rate: one m²/person of the per-capita cap is ``urban_pop_2035/10⁴`` ha of
   urban land (``/σ`` ha of new land), one point of a group share is 1 % of all
   new land, one point of the intensity target is 1 % of the construction land
   2035 GDP would need at 2020 intensity. So ha, m² and shares compete on the
   land they stand for. Ties are broken by a small preference (≤ 1 %): region
   settings first (pool, intensity, region floor, group shares), then county
   guarantees and floors, then planning red lines (cap, boundary, basic
   farmland), then 占补平衡 and demand.

2. **Conflict set.** HiGHS's irreducible infeasible subset (``getIis``): a set of
   constraints and bounds that cannot hold together, any one of which removed
   makes the rest feasible. Listed in the same words; definitional rows and
   non-negativity are left out.

3. **Single-setting fixes** (single_fixes.py): for every setting in the conflict, the
   closest value of it alone that makes the scenario feasible, or why none does.

``diagnose`` returns one table (``Result.diagnosis``, diagnosis.csv): rows with
``kind == "cause"`` name conflicts the data show on their own (minima above the
pool, a floor out of reach, …; see ``causes``), rows with ``kind == "single"`` are
the single-setting fixes, rows with ``kind == "change"`` the elastic re-solve's one
joint change (what to change and by how much, all together), rows with
``kind == "conflict"`` list the conflict set (``conflict_partial`` when HiGHS ran
out of its IIS_TIME_LIMIT_S before the subset was irreducible).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import highspy
import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from optimizer.analysis.single_fixes import Fix, single_fixes, step
from optimizer.analysis.tables import DIAGNOSIS_WORDS_COLUMNS
from optimizer.data.derived import M2_PER_HA, ROOM_FAMILIES, findings, target_reduction
from optimizer.data.names import county_labels
from optimizer.data.numbers import percent, wan_mu
from optimizer.formulation.build import (
    Formulation,
    free_share,
    intensity_limit,
    linked_quota,
    project_needs,
)
from optimizer.formulation.families import DEFINITIONS, FAMILIES, UPPER_BOUNDS, names, words
from optimizer.formulation.lp import INF, LinearProgram
from optimizer.formulation.phased import base_family, family_end
from optimizer.solvers.highs import load_highs, run_highs

#: The setting of a period row's family when it is not the family's own (MODEL.md §7).
PERIOD_SETTINGS = {"quota_pool": "periods.quota", "intensity": "periods.intensity"}
#: Slacks (ha) below this are solver round-off, not changes.
SLACK_TOL = 1e-6
#: Seconds HiGHS may spend reducing the conflict set (it solves several LPs); past it
#: the subset found so far is listed as ``conflict_partial``.
IIS_TIME_LIMIT_S = 10.0
#: Penalty per ha of slack of each family that gives (families.py: 1 plus a preference).
PENALTY = {f.name: f.penalty for f in FAMILIES.values() if f.penalty is not None}
#: Row families that give in the elastic LP: +1 slack on ≥ rows, −1 on ≤ rows.
ELASTIC_ROWS = names(lambda f: f.elastic == "slack")
#: Bound families of allocation[i] that become rows of the elastic LP, so that they can give.
ELASTIC_BOUNDS = names(lambda f: f.elastic == "row")
#: Those of them that cap A_i (their limits are params columns limit_<family>).
UPPER_ROWS = names(lambda f: f.elastic == "row" and f.side == "upper")
#: Families that give through a slack on the tiers rows ("above demand").
TIER_SLACKS = names(lambda f: f.elastic == "tiers")
#: The potential (family) that is the upper bound of each LP variable family.
POTENTIALS = {f.variable: f.name for f in FAMILIES.values() if f.kind == "potential"}
COLUMNS = [
    "kind",
    "family",
    "id",
    "name",
    "current",
    "change",
    "proposed",
    "unit",
    "setting",
    "message",
]
WORDS_COLUMNS = DIAGNOSIS_WORDS_COLUMNS


@dataclass(frozen=True)
class Cause:
    """A cause in words (English, for the files), with the finding it comes from (``code``)
    and the data of its sentence (``params``), for the reports' languages."""

    text: str
    code: str
    params: dict[str, str]


def _text(cause: Cause | None) -> str | None:
    """A cause's English sentence (None without one)."""
    return None if cause is None else cause.text


@dataclass(frozen=True)
class Elastic:
    """The elastic LP and where its slack columns sit."""

    lp: LinearProgram
    slacks: pd.DataFrame  # family, id, col (slack column), row (row it relaxes), sign


def diagnose(
    f: Formulation, *, iis: bool = True, time_limit_s: float | None = None
) -> pd.DataFrame:
    """Why an infeasible scenario has no solution: its causes, the single-setting fixes,
    the elastic re-solve's joint change and the conflict set, as one table."""
    return diagnose_with_fixes(f, iis=iis, time_limit_s=time_limit_s)[0]


def diagnose_with_fixes(
    f: Formulation, *, iis: bool = True, time_limit_s: float | None = None
) -> tuple[pd.DataFrame, list[Fix]]:
    """The diagnosis table and the single-setting fixes it lists (for summary.json)."""
    conflict = conflict_set(f, time_limit_s) if iis else pd.DataFrame(columns=COLUMNS)
    changes = elastic_changes(f, time_limit_s, conflict)
    found = causes(f)
    involved = {
        (str(a), str(b))
        for t in (found, changes, conflict)
        for a, b in zip(t["family"], t["id"], strict=True)
        if isinstance(a, str) and a
    }
    fixes = single_fixes(f, involved, time_limit_s)
    found, changes = _exact_floor(found, changes, fixes)
    singles = single_rows(f, fixes)
    frames = [t for t in (found, singles, changes, conflict) if not t.empty]
    if not frames:
        return pd.DataFrame(columns=COLUMNS), fixes
    return pd.concat(frames, ignore_index=True).reindex(columns=[*COLUMNS, *WORDS_COLUMNS]), fixes


def _exact_floor(
    found: pd.DataFrame, changes: pd.DataFrame, fixes: list[Fix]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The region floor's cause, and the joint change that repeats it, with the most land
    that can stay cultivated as the single fix found it exactly (an LP over every other
    constraint) instead of the data's upper bound (minima built, everything reclaimed):
    the diagnosis states one number for it."""
    exact = [x.limit for x in fixes if x.setting == "farmland.region_floor"]
    cause = found.index[found["code"] == "cause.region_floor_out_of_reach"] if len(found) else []
    if not exact or not isinstance(exact[0], float | int) or len(cause) == 0:
        return found, changes
    value = f"{float(exact[0]):,.1f}"
    params = found.at[cause[0], "params"]
    old, new = f"at most {params['value']} ha", f"at most {value} ha"
    found, changes = found.copy(), changes.copy()
    found.at[cause[0], "params"] = {**params, "value": value}
    for table in (found, changes):
        rows = table.index[table["family"] == "farmland_region"]
        table.loc[rows, "message"] = table.loc[rows, "message"].str.replace(old, new, regex=False)
    return found, changes


def single_rows(f: Formulation, fixes: list[Fix]) -> pd.DataFrame:
    """diagnosis.csv rows (``kind == "single"``) of the single-setting fixes."""
    words = _Words(f)
    out = []
    for fix in fixes:
        numeric = isinstance(fix.current, float | int) and not isinstance(fix.current, bool)
        limit = fix.limit if numeric and isinstance(fix.limit, float | int) else np.nan
        current = float(fix.current) if numeric else np.nan
        where = (
            ""
            if fix.id == "region"
            else f" of group {words.name(fix.id)}"
            if fix.setting.startswith("groups.csv")
            else f" of {words.name(fix.id)}"
        )
        out.append(
            {
                "kind": "single",
                "family": fix.family,
                "id": fix.id,
                "name": words.name(fix.id),
                "current": current,
                "change": limit - current,
                "proposed": limit,
                "unit": fix.unit,
                "setting": fix.setting,
                "message": _single_text(fix, where),
                # a choice or a [periods] list: the values as --set takes them, for the
                # reports' languages (a number's are current and proposed)
                "code": "single.text" if isinstance(fix.limit, str) else None,
                "params": {"current": str(fix.current), "limit": fix.limit}
                if isinstance(fix.limit, str)
                else None,
            }
        )
    return pd.DataFrame(out, columns=[*COLUMNS, *WORDS_COLUMNS])


def _single_text(fix: Fix, where: str) -> str:
    """'quota.total alone: raise it to 140.0 ha (now 100.0 ha)', or why no value does."""
    if fix.limit is None:
        return f"no change of {fix.setting}{where} alone suffices: {fix.reason}"
    if isinstance(fix.limit, str):
        return f'{fix.setting}{where} alone: set it to "{fix.limit}" (now "{fix.current}")'
    verb = "raise" if fix.limit > fix.current else "lower"
    decimals = max(0, -math.floor(math.log10(step(fix.limit, fix.unit)) + 1e-9))
    return (
        f"{fix.setting}{where} alone: {verb} it to {_fix_number(fix.limit, fix.unit, decimals)} "
        f"(now {_fix_number(float(fix.current), fix.unit, decimals)})"
    )


def _fix_number(value: float, unit: str, decimals: int) -> str:
    """A limit with the digits its rounding step keeps (the current value alike), and unit."""
    text = f"{value:,.{decimals}f}"
    return text if unit in ("share", "") else f"{text} {unit}"


def causes(f: Formulation) -> pd.DataFrame:
    """Conflicts the data show on their own, whatever the optimiser would trade off:
    guaranteed minima above the pool and every linkage indicator, a minimum above a
    county's cap, boundary or basic-farmland room, farmland floors out of reach, an
    intensity target out of reach with every hectare reclaimed, minimum shares above 1.

    These are the ``infeasible`` rows of ``optimizer.data.derived.findings``, the same
    table the pre-solve warnings are written from; a minimum above several rooms is
    named once, under the tightest."""
    words = _Words(f)
    rows: list[tuple[str, object, Cause | None]] = [
        ("quota_pool", "region", words.pool_cause()),
        ("intensity", "region", words.intensity_cause()),
        ("farmland_region", "region", words.region_floor_cause()),
    ]
    rows += [("min_allocation", i, words.bound_cause(i)) for i in words.tightest_room.index]
    floors = words.found_of("farmland_floor_out_of_reach")
    rows += [("farmland_floor", i, words.county_floor_cause(i)) for i in floors.index]
    rows.append(("group_min", "all", words.group_cause()))
    lonely = words.found_of("group_without_members")
    rows += [("group_min", i, words.lonely_group_cause(i)) for i in lonely.index]
    out = [
        {
            "kind": "cause",
            "family": family,
            "id": id_,
            "name": words.name(id_),
            "setting": _setting(family, ""),
            "message": cause.text[:1].upper() + cause.text[1:] + ".",
            "code": f"cause.{cause.code}",
            "params": cause.params,
        }
        for family, id_, cause in rows
        if cause
    ]
    return pd.DataFrame(out, columns=[*COLUMNS, *WORDS_COLUMNS])


# --------------------------------------------------------------------------- elastic LP


def elastic_program(f: Formulation) -> Elastic:
    """The LP of ``f`` with zero objective and a penalised slack on every planner constraint."""
    lp, p = f.lp, f.params
    n_rows, n_cols = lp.shape
    ids = p["county_id"].to_numpy(dtype=object)
    alloc = f.columns.allocation
    variables = lp.variables.copy()
    variables["obj"] = 0.0
    variables.loc[alloc, "lb"] = 0.0
    variables.loc[alloc, "ub"] = INF
    if f.phased is not None:  # a period's demand gives through its tiers@Y rows too
        for period in f.phased.columns:
            variables.loc[period.allocation, "ub"] = INF
    # Bound families become rows on A_i: A_i ≥ min, A_i ≤ limit_<family>.
    extra_rows, entries = [], []
    lower = p["lower"].to_numpy(float)
    blocks = []
    for family in ELASTIC_BOUNDS:
        if FAMILIES[family].side == "lower":
            blocks.append((family, np.flatnonzero(lower > 0), lower, "lb"))
        else:
            limit = p[f"limit_{family}"].to_numpy(float)
            blocks.append((family, np.flatnonzero(np.isfinite(limit)), limit, "ub"))
    next_row = n_rows
    for family, pos, rhs, side in blocks:
        rows = np.arange(next_row, next_row + len(pos))
        extra_rows.append(
            pd.DataFrame(
                {
                    "family": family,
                    "id": ids[pos],
                    "lb": rhs[pos] if side == "lb" else -INF,
                    "ub": rhs[pos] if side == "ub" else INF,
                }
            )
        )
        entries.append((rows, alloc[pos], np.ones(len(pos))))
        next_row += len(pos)
    floors = _missing_farmland_floors(f, next_row)
    if floors is not None:
        table, floor_entries = floors
        extra_rows.append(table)
        entries.extend(floor_entries)
        next_row += len(table)
    constraints = pd.concat(
        [lp.constraints.astype({"family": str}), *extra_rows], ignore_index=True
    )
    # One slack column per elastic row, plus "above demand" in each tiers row.
    fam = constraints["family"].to_numpy()
    # a period row (intensity@2025, quota_pool@2025, MODEL.md §7) gives as its family does
    base = np.array([base_family(str(x)) for x in fam], dtype=object)
    elastic = np.isin(base, [*ELASTIC_ROWS, *ELASTIC_BOUNDS])
    slack_rows = np.flatnonzero(elastic)
    upper_side = np.isfinite(constraints["ub"].to_numpy(float))[slack_rows]
    sign = np.where(upper_side, -1.0, 1.0)
    # a row with both sides (a lock's min and max) may give either way: a second slack
    both = upper_side & np.isfinite(constraints["lb"].to_numpy(float))[slack_rows]
    slack_rows = np.concatenate([slack_rows, slack_rows[both]])
    sign = np.concatenate([sign, np.ones(int(both.sum()))])
    slack_family = fam[slack_rows]
    tiers = np.concatenate(
        [rows for name, rows in lp.rows.items() if base_family(name) == "tiers"] or [[]]
    ).astype(np.int64)
    for family in TIER_SLACKS:  # demand gives through its tier bounds: Σ_k a_ik − A_i + e = 0
        slack_rows = np.concatenate([slack_rows, tiers])
        sign = np.concatenate([sign, np.ones(len(tiers))])
        slack_family = np.concatenate([slack_family, np.full(len(tiers), family, dtype=object)])
    slack_ids = constraints["id"].to_numpy()[slack_rows]
    slack_cols = np.arange(n_cols, n_cols + len(slack_rows))
    penalty = pd.Series(slack_family).map(base_family).map(PENALTY).to_numpy(float)
    variables = pd.concat(
        [
            variables.astype({"family": str}),
            pd.DataFrame(
                {
                    "family": "slack:" + pd.Series(slack_family, dtype=object),
                    "id": slack_ids,
                    "key": "",
                    "lb": 0.0,
                    "ub": INF,
                    "obj": -penalty,
                }
            ),
        ],
        ignore_index=True,
    )
    entries.append((slack_rows, slack_cols, sign))
    coo = lp.matrix.tocoo()
    r = np.concatenate([coo.row, *(e[0] for e in entries)])
    c = np.concatenate([coo.col, *(e[1] for e in entries)])
    v = np.concatenate([coo.data, *(e[2] for e in entries)])
    matrix = sp.csr_matrix((v, (r, c)), shape=(len(constraints), len(variables)))
    rows = {str(k): np.flatnonzero(fam == k) for k in pd.unique(fam)}
    cols = {**lp.cols, "slack": slack_cols}
    program = LinearProgram(variables, constraints, matrix, cols, rows, maximize=True)
    slacks = pd.DataFrame(
        {
            "family": slack_family,
            "id": slack_ids,
            "col": slack_cols,
            "row": slack_rows,
            "sign": sign,
        }
    )
    return Elastic(program, slacks)


def _missing_farmland_floors(f: Formulation, first_row: int):
    """farmland_floor rows the builder dropped (they cannot bind within A's bounds).

    In the elastic LP the bounds on A_i may give, so every county keeps its floor row.
    """
    c = f.dataset.counties.reset_index(drop=True)
    have = set(f.lp.constraints["id"].to_numpy()[f.lp.rows.get("farmland_floor", [])])
    pos = np.flatnonzero(~c["county_id"].isin(have).to_numpy())
    if len(pos) == 0:
        return None
    p = f.params
    rows = np.arange(first_row, first_row + len(pos))
    need = (c["farmland_floor"] - c["cultivated_2020"]).to_numpy(float)[pos]
    table = pd.DataFrame(
        {"family": "farmland_floor", "id": c["county_id"].to_numpy()[pos], "lb": need, "ub": INF}
    )
    entries = [
        (rows, f.columns.allocation[pos], -p["alpha"].to_numpy()[pos]),
        (rows, f.columns.reclaim[pos], p["kappa"].to_numpy()[pos]),
        (rows, f.columns.supplement[pos], np.ones(len(pos))),
    ]
    return table, entries


def elastic_changes(
    f: Formulation, time_limit_s: float | None = None, conflict: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Solve the elastic LP; one ``change`` row per constraint that must give.

    With a ``conflict`` set, a change that is in it names the other members as what it
    conflicts with (and a change outside it names nothing); without one, the priced
    elastic rows connected to it."""
    el = elastic_program(f)
    h = load_highs(el.lp, time_limit_s)
    run_highs(h)
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return pd.DataFrame(
            [
                {
                    "kind": "change",
                    "family": "",
                    "id": "",
                    "name": "",
                    "message": "the elastic re-solve found no answer either "
                    f"({_ended(h.getModelStatus())}); no joint change to propose",
                    "code": "cause.elastic_failed",
                    "params": {"ended": _ended(h.getModelStatus())},
                }
            ],
            columns=[*COLUMNS, *WORDS_COLUMNS],
        )
    sol = h.getSolution()
    x = np.asarray(sol.col_value, dtype=float)
    duals = np.asarray(sol.row_dual, dtype=float)
    s = el.slacks.assign(amount=x[el.slacks["col"].to_numpy()])
    found = s[s["amount"] > SLACK_TOL * np.maximum(1.0, _rhs_scale(el, s))]
    words = _Words(f, x, el)
    if conflict is not None and not conflict.empty:
        members = conflict[["family", "id"]].astype({"id": str})
        out = []
        for row in found.itertuples(index=False):
            others = members[(members["family"] != row.family) | (members["id"] != str(row.id))]
            inside = len(others) < len(members)
            out.append(words.change(row, words.partner_text(others) if inside else ""))
        return pd.DataFrame(out, columns=COLUMNS)
    partners, component = _partners(el, duals, found)
    texts = {c: words.partner_text(group) for c, group in partners.groupby("component")}
    out = [
        words.change(row, texts.get(component[row.row], ""))
        for row in found.itertuples(index=False)
    ]
    return pd.DataFrame(out, columns=COLUMNS)


def _rhs_scale(el: Elastic, s: pd.DataFrame) -> np.ndarray:
    lb = el.lp.row_lb[s["row"].to_numpy()]
    ub = el.lp.row_ub[s["row"].to_numpy()]
    return np.abs(np.where(np.isfinite(ub), ub, np.where(np.isfinite(lb), lb, 0.0)))


def _partners(
    el: Elastic, duals: np.ndarray, found: pd.DataFrame
) -> tuple[pd.DataFrame, pd.Series]:
    """Elastic rows that are not violated but priced (relaxing them would also help), and
    the conflict each violated row belongs to.

    Rows (violated or priced) that share a variable, directly or through other priced
    rows, form one conflict (``component``); a violation lists the partners of its own.
    """
    s = el.slacks
    priced = np.abs(duals) > 1e-9
    priced[found["row"].to_numpy()] = True
    rows = np.flatnonzero(priced)
    sub = el.lp.matrix[rows].tocoo()
    r, n = len(rows), sub.shape[1]
    graph = sp.coo_matrix((np.ones(sub.nnz), (sub.row, r + sub.col)), shape=(r + n, r + n))
    _, labels = connected_components(graph, directed=False)
    component = pd.Series(labels[:r], index=rows)
    price = np.abs(duals[s["row"].to_numpy()])
    keep = (
        (price > 1e-9)
        & ~s["row"].isin(found["row"]).to_numpy()
        & (s["family"] != "demand").to_numpy()
    )
    partners = s[keep].assign(
        price=price[keep], component=component.reindex(s.loc[keep, "row"]).to_numpy()
    )
    return partners, component


class _Words:
    """Planner sentences for slacks and conflict-set members."""

    def __init__(self, f: Formulation, x: np.ndarray | None = None, el: Elastic | None = None):
        ds = f.dataset
        self.f, self.sc = f, ds.scenario
        c = ds.counties.reset_index(drop=True)
        self.c = c.set_index("county_id", drop=False)
        self.p = f.params.set_index("county_id", drop=False)
        self.names = {
            **dict(zip(c["county_id"], county_labels(c), strict=True)),
            **dict(zip(ds.groups["group_id"], ds.groups["name"], strict=True)),
            "region": "the region",
        }
        self.groups = ds.groups.set_index("group_id")
        alloc = x[f.columns.allocation] if x is not None else None
        self.total = float(alloc.sum()) if alloc is not None else float("nan")
        found = findings(c, ds.scenario, ds.groups, ds.members, ds.transfer_costs)
        self.found = found[found["infeasible"].astype(bool).to_numpy()]  # (a boolean mask
        # even when there are no findings: an empty object column would select columns)
        rooms = self.found[self.found["kind"] == "minimum_above_room"]
        order = rooms["family"].map({fam: k for k, fam in enumerate(ROOM_FAMILIES)})
        # per county, the room with the least limit (the first family on a tie), county order
        tightest = (
            rooms.assign(order=order, position=rooms["row"].astype(int))
            .sort_values(["limit", "order"], kind="stable")
            .drop_duplicates("id")
            .sort_values("position", kind="stable")
        )
        self.tightest_room = tightest.set_index("id", drop=False)

    def name(self, id_) -> str:
        return str(self.names.get(id_, id_))

    # --- what the data show on their own (optimizer.data.derived.findings) -------------
    def found_of(self, kind: str) -> pd.DataFrame:
        """The infeasible findings of one kind, by id."""
        found = self.found[self.found["kind"] == kind]
        return found.set_index("id", drop=False)

    def pool_cause(self) -> Cause | None:
        found = self.found_of("minima_above_pool")
        if found.empty:
            return None
        r = found.iloc[0]
        p = {k: f"{r[k]:,.0f}" for k in ("quota", "linkage", "value")}
        return Cause(
            f"the quota pool ({p['quota']} ha) plus every linkage indicator that could be "
            f"produced ({p['linkage']} ha) cannot cover the guaranteed minima "
            f"(Σ min_allocation {p['value']} ha)",
            "minima_above_pool",
            p,
        )

    def intensity_cause(self) -> Cause | None:
        found = self.found_of("intensity_out_of_reach")
        if found.empty:
            return None
        r = found.iloc[0]
        p = {
            "target": percent(target_reduction(self.sc), 1),  # [periods]' last milestone
            "value": f"{r['value']:,.0f}",
            "limit": f"{r['limit']:,.0f}",
        }
        return Cause(
            f"the {p['target']} intensity target cannot be reached "
            f"even with every hectare of rural settlement land reclaimed: construction land 2035 "
            f"stays at least {p['value']} ha against {p['limit']} ha allowed",
            "intensity_out_of_reach",
            p,
        )

    def region_floor_cause(self) -> Cause | None:
        found = self.found_of("region_floor_out_of_reach")
        if found.empty:
            return None
        r = found.iloc[0]
        p = {"limit": f"{r['limit']:,.0f}", "value": f"{r['value']:,.0f}"}
        return Cause(
            f"the region's farmland floor ({p['limit']} ha) is out of reach: at most "
            f"{p['value']} ha can stay cultivated",
            "region_floor_out_of_reach",
            p,
        )

    def county_floor_cause(self, id_) -> Cause | None:
        found = self.found_of("farmland_floor_out_of_reach")
        if id_ not in found.index:
            return None
        r = found.loc[id_]
        p = {"name": self.name(id_), "limit": f"{r['limit']:,.1f}", "value": f"{r['value']:,.1f}"}
        return Cause(
            f"the farmland floor of {p['name']} ({p['limit']} ha) is out of reach: "
            f"even building only its minimum, reclaiming every reclaimable hectare and "
            f"cultivating all reserve land it keeps at most {p['value']} ha",
            "farmland_floor_out_of_reach",
            p,
        )

    def bound_cause(self, id_) -> Cause | None:
        if id_ not in self.tightest_room.index:
            return None
        r = self.tightest_room.loc[id_]
        p = {
            "name": self.name(id_),
            "value": f"{r['value']:,.1f}",
            "family": str(r["family"]),
            "room": words(r["family"]),
            "limit": f"{r['limit']:,.1f}",
        }
        return Cause(
            f"min_allocation of {p['name']} ({p['value']} ha) does not fit under "
            f"{p['room']} (room {p['limit']} ha of new land)",
            "minimum_above_room",
            p,
        )

    def group_cause(self) -> Cause | None:
        """Minimum shares of disjoint groups above 1 while some new land is guaranteed."""
        found = self.found_of("min_shares_above_one")
        if found.empty:
            return None
        p = {"sum": f"{found['value'].iloc[0]:.2f}"}
        return Cause(
            f"the minimum shares of the groups sum to {p['sum']}, more than "
            "all new land, while some new land is guaranteed (min_allocation)",
            "min_shares_above_one",
            p,
        )

    def lonely_group_cause(self, id_) -> Cause | None:
        """A minimum share of a group without members while some new land is guaranteed."""
        found = self.found_of("group_without_members")
        if id_ not in found.index:
            return None
        p = {"name": self.name(id_), "share": f"{found.loc[id_, 'value']:.2f}"}
        return Cause(
            f"group {p['name']} has no members, so its minimum share "
            f"({p['share']}) can only be met by allocating nothing, while "
            "some new land is guaranteed (min_allocation)",
            "group_without_members",
            p,
        )

    # --- one change --------------------------------------------------------------------
    def change(self, row, partners: str) -> dict:
        """One violated constraint: what to change, by how much, and what it conflicts with."""
        family, id_, e = row.family, row.id, float(row.amount)
        handler = getattr(self, f"_{family}", None) or self._period_row(family)
        base = base_family(family)
        if family_end(family):  # a period row: that end's entry of a [periods] list
            setting = PERIOD_SETTINGS.get(base, FAMILIES[base].setting)
        elif family == "intensity" and self._milestones() is not None:
            setting = "periods.intensity"  # its last entry replaces intensity.reduction
        else:
            setting = FAMILIES[family].setting
        if family == "lock":  # two-sided: + the max must rise, − the min must fall
            current, proposed, unit, text = handler(id_, e if row.sign < 0 else -e)
        else:
            current, proposed, unit, text = handler(id_, e)
        if partners:
            text += "; " + partners
        return {
            "kind": "change",
            "family": family,
            "id": id_,
            "name": self.name(id_),
            "current": current,
            "change": proposed - current,
            "proposed": proposed,
            "unit": unit,
            "setting": setting,
            "message": text,
        }

    def _period_row(self, family: str):
        """The change of a period row (``intensity@2025``, ``quota_pool@2025``, …, MODEL.md
        §7): the setting of that period end, by the amount its elastic slack gives."""
        base, end = base_family(family), family_end(family)
        plan = self.f.phased.periods if self.f.phased is not None else None
        t = [str(e) for e in plan.ends].index(end) if plan is not None else 0
        lp = self.f.lp
        row = int(lp.rows[family][0])
        c = self.c

        def change(id_, e: float):
            if base == "intensity":
                tau = float(plan.tau[t])
                built = float(lp.row_ub[row]) + float(c["construction_land_2020"].sum())
                base_land = built / (1 - tau) if tau < 1 else math.nan
                d = e / base_land if base_land > 0 else math.nan
                return (
                    tau,
                    tau - d,
                    "share",
                    f"the {percent(tau, 1)} intensity milestone for {end} cannot be met together "
                    f"with the other constraints: lower its entry in periods.intensity by "
                    f"{d:.4f} (to {tau - d:.4f})",
                )
            if base == "quota_pool":
                share = free_share(self.sc)
                pools = float(lp.row_ub[row]) / share if share > 0 else math.inf
                d = e / share if share > 0 else math.inf
                what = "the pools up to" if plan.carry_over else "the pool of the period to"
                return (
                    pools,
                    pools + d,
                    "ha",
                    f"{what} {end} ({pools:,.1f} ha) are too small for the other constraints: "
                    f"raise them in periods.quota by {d:,.1f} ha (to {pools + d:,.1f})",
                )
            if base == "farmland_region":
                floor = float(self.sc.farmland.region_floor)
                return (
                    floor,
                    floor - e,
                    "ha",
                    f"the region's farmland floor cannot be kept in {end}: lower "
                    f"farmland.region_floor by {e:,.1f} ha (to {floor - e:,.1f})",
                )
            current, proposed, unit, text = getattr(self, f"_{base}")(id_, e)
            return current, proposed, unit, f"by {end}: {text}"

        return change

    def partner_text(self, others: pd.DataFrame, limit: int = 4) -> str:
        """'in conflict with the guaranteed minimum of 县X, 县Y and 2 more'."""
        if others.empty:
            return ""
        parts = []
        for fam, group in others.groupby("family", sort=False):
            names = [self.name(i) for i in group["id"]]
            shown = ", ".join(names[:limit]) + (
                f" and {len(names) - limit} more" if len(names) > limit else ""
            )
            where = "" if list(group["id"]) == ["region"] else f" of {shown}"
            parts.append(f"{period_words(fam)}{where}")
        return "in conflict with " + "; ".join(parts)

    def _quota_pool(self, id_, e: float):
        q = self.sc.quota.total
        reason = (
            _text(self.pool_cause())
            or f"the quota pool ({q:,.0f} ha) is too small for the other constraints"
        )
        share = free_share(self.sc)  # the row is the free part of the pool (MODEL.md §8)
        if share < 1.0:
            d = e / share if share > 0 else math.inf
            return (
                q,
                q + d,
                "ha",
                f"{reason}: counties need {e:,.1f} ha more free quota: raise quota.total by "
                f"{d:,.1f} ha (to {q + d:,.1f}), or lower quota.reserve_share or "
                "stock.linked_share",
            )
        return q, q + e, "ha", f"{reason}: raise quota.total by {e:,.1f} ha (to {q + e:,.1f})"

    def _min_allocation(self, id_, e: float):
        p = self.p.loc[id_]
        lower = float(p["lower"])
        family, limit = self._tightest_upper(id_)
        reason = _text(self.bound_cause(id_))
        if reason is not None:
            extra = f", or {self._raise_upper(id_, family, lower - limit)}"
        else:
            reason = f"min_allocation of {self.name(id_)} ({lower:,.1f} ha) cannot be met"
            extra = ""
        return (
            lower,
            lower - e,
            "ha",
            (
                f"{reason}: lower counties.csv min_allocation of {self.name(id_)} by "
                f"{e:,.1f} ha (to {lower - e:,.1f}){extra}"
            ),
        )

    def _project_min(self, id_, e: float):
        """Key projects (MODEL.md §8) whose land the county's other limits cannot hold."""
        need = float(project_needs(self.f.dataset)[self.c.index.get_loc(id_)])
        family, limit = self._tightest_upper(id_)
        reason = f"the key projects of {self.name(id_)} need {need:,.1f} ha of new land" + (
            f", more than {words(family)} allows ({limit:,.1f} ha)" if limit < need else ""
        )
        extra = (
            f", or {self._raise_upper(id_, family, need - limit)}"
            if family is not None and limit < need
            else ""
        )
        return (
            need,
            need - e,
            "ha",
            (
                f"{reason}: take {e:,.1f} ha of projects of {self.name(id_)} out of projects.csv "
                f"(or shrink them, to {need - e:,.1f} ha){extra}"
            ),
        )

    def _lock(self, id_, e: float):
        """A lock (locks.csv, --fix) that the other constraints cannot meet: e > 0 ha more
        than its max is needed, e < 0 its min asks for −e ha too much."""
        lo, hi = self._lock_bounds(id_)
        name = self.name(id_)
        if e > 0:
            return (
                hi,
                hi + e,
                "ha",
                f"the lock of {name} holds its new land at most {hi:,.1f} ha, but the other "
                f"constraints need {hi + e:,.1f} ha there: raise its max in locks.csv (or its "
                f"--fix) by {e:,.1f} ha (to {hi + e:,.1f})",
            )
        d = -e
        family, limit = self._tightest_upper(id_)
        reason = f"the lock of {name} holds at least {lo:,.1f} ha of new land" + (
            f", more than {words(family)} allows ({limit:,.1f} ha)"
            if family is not None and limit < lo
            else ", more than the other constraints leave it"
        )
        extra = (
            f", or {self._raise_upper(id_, family, lo - limit)}"
            if family is not None and limit < lo
            else ""
        )
        return (
            lo,
            lo - d,
            "ha",
            f"{reason}: lower its min in locks.csv (or its --fix) by {d:,.1f} ha "
            f"(to {lo - d:,.1f}){extra}",
        )

    def _lock_bounds(self, id_) -> tuple[float, float]:
        """The lock's (min, max) on A_i, ha (-inf / inf on a side without a bound)."""
        lp = self.f.lp
        pos = lp.rows["lock"]
        at = pos[lp.constraints["id"].to_numpy()[pos] == id_][0]
        return float(lp.row_lb[at]), float(lp.row_ub[at])

    def _quota_linked(self, id_, e: float):
        sc = self.sc
        limit = linked_quota(sc)
        return (
            sc.stock.linked_share,
            sc.stock.linked_share + e / max(sc.quota.available, 1e-9),
            "share",
            (
                f"the linked part of the pool ({limit:,.1f} ha) is too small for the other "
                f"constraints: raise stock.linked_share so that it grows by {e:,.1f} ha"
            ),
        )

    def _upper(self, family: str, id_, e: float):
        """per_capita_cap / dev_boundary / basic_farmland must let A_i grow by e ha."""
        p = self.p.loc[id_]
        limit = float(p[f"limit_{family}"])
        lower = float(p["lower"])
        current, proposed, unit, how = self._upper_setting(id_, family, limit + e)
        if lower > limit + SLACK_TOL:
            reason = (
                f"{words(family)} of {self.name(id_)} leaves room for {limit:,.1f} ha of "
                f"new land, below its guaranteed minimum ({lower:,.1f} ha)"
            )
            extra = (
                f", or lower counties.csv min_allocation of {self.name(id_)} by "
                f"{lower - limit:,.1f} ha"
            )
        else:
            reason = (
                f"{words(family)} of {self.name(id_)} (room {limit:,.1f} ha of new land) "
                "is too tight for the other constraints"
            )
            extra = ""
        return current, proposed, unit, f"{reason}: {how}{extra}"

    def _per_capita_cap(self, id_, e: float):
        return self._upper("per_capita_cap", id_, e)

    def _dev_boundary(self, id_, e: float):
        return self._upper("dev_boundary", id_, e)

    def _basic_farmland(self, id_, e: float):
        return self._upper("basic_farmland", id_, e)

    def _upper_setting(self, id_, family: str, new_limit: float):
        """(current, proposed, unit, words) of the setting that lets A_i reach new_limit."""
        c, p = self.c.loc[id_], self.p.loc[id_]
        u0 = float(c["urban_land_2020"])
        if family == "per_capita_cap":
            people = float(c["urban_pop_2035"])
            cap = self.sc.per_capita.cap_m2
            need = (u0 + p["sigma"] * new_limit) * M2_PER_HA / people if people > 0 else INF
            return (
                cap,
                need,
                "m²/person",
                (
                    f"raise per_capita.cap_m2 (the cap of every county) to {need:,.1f} "
                    f"m²/person (now {cap:g})"
                ),
            )
        if family == "dev_boundary":
            now = float(c["dev_boundary"])
            need = u0 + p["sigma"] * new_limit
            return (
                now,
                need,
                "ha",
                (
                    f"enlarge counties.csv dev_boundary of {self.name(id_)} by "
                    f"{need - now:,.1f} ha (to {need:,.1f})"
                ),
            )
        now = float(c["basic_farmland"])
        need = float(c["cultivated_2020"]) - p["alpha"] * new_limit
        return (
            now,
            need,
            "ha",
            (
                f"lower counties.csv basic_farmland of {self.name(id_)} by "
                f"{now - need:,.1f} ha (to {need:,.1f})"
            ),
        )

    def _raise_upper(self, id_, family: str, e: float) -> str:
        return self._upper_setting(id_, family, float(self.p.loc[id_, f"limit_{family}"]) + e)[3]

    def _tightest_upper(self, id_) -> tuple[str | None, float]:
        p = self.p.loc[id_]
        limits = {f: float(p[f"limit_{f}"]) for f in UPPER_BOUNDS}
        family = min(limits, key=limits.get)
        return (family, limits[family]) if np.isfinite(limits[family]) else (None, INF)

    def _demand(self, id_, e: float):
        d = float(self.c.loc[id_, "demand"])
        return (
            d,
            d + e,
            "ha",
            (
                f"the other constraints need {self.name(id_)} to build more than "
                f"its demand ({d:,.1f} ha): raise counties.csv demand of {self.name(id_)} "
                f"by {e:,.1f} ha (to {d + e:,.1f})"
            ),
        )

    def _farmland_floor(self, id_, e: float):
        floor = float(self.c.loc[id_, "farmland_floor"])
        reason = _text(self.county_floor_cause(id_)) or (
            f"the farmland floor of {self.name(id_)} ({floor:,.1f} ha) cannot be kept together "
            "with the other constraints"
        )
        return (
            floor,
            floor - e,
            "ha",
            f"{reason}: lower counties.csv farmland_floor of {self.name(id_)} by {e:,.1f} ha "
            f"(to {floor - e:,.1f})",
        )

    def _farmland_region(self, id_, e: float):
        floor = float(self.sc.farmland.region_floor or 0.0)
        reason = _text(self.region_floor_cause()) or (
            f"the region's farmland floor ({floor:,.0f} ha) cannot be kept together with the "
            "other constraints"
        )
        return (
            floor,
            floor - e,
            "ha",
            (f"{reason}: lower farmland.region_floor by {e:,.1f} ha ({wan_mu(e, 2)})"),
        )

    def _farmland_balance(self, id_, e: float):
        where = "the region" if id_ == "region" else self.name(id_)
        return (
            0.0,
            e,
            "ha",
            (
                f"占补平衡 in {where}: {e:,.1f} ha of cultivated land taken by "
                "the guaranteed new land cannot be made up by reclamation and "
                "reserve land: widen farmland.balance_scope or lower the minima"
            ),
        )

    def _milestones(self) -> list[float] | None:
        """[periods] intensity: τ_t at each period end (the last replaces τ), or None."""
        periods = self.sc.periods
        return None if periods is None or periods.intensity is None else list(periods.intensity)

    def _intensity(self, id_, e: float):
        milestones = self._milestones()
        tau = target_reduction(self.sc)
        setting = "intensity.reduction" if milestones is None else "the last periods.intensity"
        limit = intensity_limit(self.f.dataset) or 0.0  # at τ of the target year
        base = (
            limit / (1 - tau)
            if tau < 1
            else float(
                (self.c["construction_land_2020"].sum() / self.c["gdp_2020"].sum())
                * self.c["gdp_2035"].sum()
            )
        )
        d = e / base if base > 0 else float("nan")
        reason = _text(self.intensity_cause()) or (
            f"the {percent(tau, 1)} intensity target cannot be met together with the other "
            "constraints"
        )
        return (
            tau,
            tau - d,
            "share",
            (f"{reason}: lower {setting} by {d:.4f} (to {tau - d:.4f})"),
        )

    def _group_share(self, family: str, id_, e: float):
        column = "min_share" if family == "group_min" else "max_share"
        share = float(self.groups.loc[id_, column])
        d = e / self.total if self.total > 0 else float("nan")
        proposed = share - d if family == "group_min" else share + d
        verb = "lower" if family == "group_min" else "raise"
        mins = self.groups["min_share"].dropna()
        extra = (
            f" (the minimum shares of the groups sum to {mins.sum():.2f})"
            if family == "group_min" and _text(self.group_cause())
            else ""
        )
        return (
            share,
            proposed,
            "share",
            (
                f"{column} of group {self.name(id_)} ({share:.2f}) cannot hold{extra}: {verb} "
                f"groups.csv {column} of {self.name(id_)} by {d:.4f} (to {proposed:.4f})"
            ),
        )

    def _group_min(self, id_, e: float):
        return self._group_share("group_min", id_, e)

    def _group_max(self, id_, e: float):
        return self._group_share("group_max", id_, e)

    # --- one conflict-set member ---------------------------------------------------------
    def member(self, family: str, id_) -> dict:
        if family_end(family):  # a period row: its limit is that period end's
            current, unit = None, ""
        else:
            current, unit = self._current(family, id_)
        where = "" if id_ == "region" else f" of {self.name(id_)}"
        shown = "" if current is None else f" ({_shown(current, unit)})"
        return {
            "kind": "conflict",
            "family": family,
            "id": id_,
            "name": self.name(id_),
            "current": current,
            "change": np.nan,
            "proposed": np.nan,
            "unit": unit,
            "setting": PERIOD_SETTINGS.get(base_family(family), _setting(base_family(family), ""))
            if family_end(family)
            else _setting(family, family),
            "message": f"{period_words(family)}{where}{shown}",
        }

    def _current(self, family: str, id_) -> tuple[float | None, str]:
        sc = self.sc
        region = {
            "quota_pool": (sc.quota.total, "ha"),
            "intensity": (sc.intensity.reduction, "reduction"),
            "farmland_region": (sc.farmland.region_floor, "ha"),
            "farmland_balance": (None, ""),
        }
        if family in region:
            return region[family]
        if family in ("group_min", "group_max"):
            column = "min_share" if family == "group_min" else "max_share"
            return float(self.groups.loc[id_, column]), "share"
        if family == "min_allocation":
            return float(self.p.loc[id_, "lower"]), "ha"
        if family == "lock":  # the side a planner set: the min, else the max
            lo, hi = self._lock_bounds(id_)
            return (lo if np.isfinite(lo) else hi), "ha"
        if family in UPPER_ROWS:
            return float(self.p.loc[id_, f"limit_{family}"]), "ha of new land"
        if _setting(family, "") == f"counties.csv {family}":  # the limit is the input column
            return float(self.c.loc[id_, family]), "ha"
        return None, ""


# --------------------------------------------------------------------------- conflict set


def conflict_set(f: Formulation, time_limit_s: float | None = None) -> pd.DataFrame:
    """HiGHS's irreducible infeasible subset, in planner words (empty if HiGHS finds none)."""
    lp = f.lp
    h = load_highs(lp, time_limit_s)
    # start from the elastic LP's infeasible subset, then reduce it to an irreducible one
    h.setOptionValue(
        "iis_strategy",
        int(highspy.IisStrategy.kIisStrategyFromLp)
        | int(highspy.IisStrategy.kIisStrategyIrreducible),
    )
    h.setOptionValue(
        "iis_time_limit", float(min(time_limit_s or IIS_TIME_LIMIT_S, IIS_TIME_LIMIT_S))
    )
    run_highs(h)
    status, iis = h.getIis()
    if status == highspy.HighsStatus.kError or not iis.valid_:
        return pd.DataFrame(columns=COLUMNS)
    # out of time, HiGHS hands back an infeasible subset it has not finished reducing
    kind = "conflict" if status == highspy.HighsStatus.kOk else "conflict_partial"
    members: list[tuple[str, object]] = []
    rows = np.asarray(iis.row_index_, dtype=np.int64)
    fam = lp.constraints["family"].astype(str).to_numpy()[rows]
    ids = lp.constraints["id"].to_numpy()[rows]
    members += [(a, b) for a, b in zip(fam, ids, strict=True) if a not in DEFINITIONS]
    members += _bound_members(
        f, np.asarray(iis.col_index_, dtype=np.int64), np.asarray(iis.col_bound_, dtype=np.int64)
    )
    words = _Words(f)
    seen, out = set(), []
    for family, id_ in members:
        if (family, id_) not in seen:
            seen.add((family, id_))
            out.append({**words.member(family, id_), "kind": kind})
    return pd.DataFrame(out, columns=COLUMNS)


def _bound_members(f: Formulation, cols: np.ndarray, bounds: np.ndarray) -> list[tuple]:
    """Column bounds of the IIS that are planner limits (not x ≥ 0)."""
    lp = f.lp
    lower = bounds == int(highspy.IisBoundStatus.kIisBoundStatusLower)
    upper = bounds == int(highspy.IisBoundStatus.kIisBoundStatusUpper)
    boxed = bounds == int(highspy.IisBoundStatus.kIisBoundStatusBoxed)
    family = lp.variables["family"].astype(str).to_numpy()[cols]
    ids = lp.variables["id"].to_numpy()[cols]
    p = f.params.set_index("county_id")
    out = []
    for fam, id_, lo, up in zip(family, ids, lower | boxed, upper | boxed, strict=True):
        if fam == "allocation":
            if lo and p.loc[id_, "lower"] > 0:
                out.append(("min_allocation", id_))
            if up:
                limits = {g: p.loc[id_, f"limit_{g}"] for g in UPPER_BOUNDS}
                out.append((min(limits, key=limits.get), id_))
        elif fam == "tier" and up:
            out.append(("demand", id_))
        elif fam in POTENTIALS and up:
            out.append((POTENTIALS[fam], id_))
    return out


def attach_diagnosis(result, time_limit_s: float | None = None) -> None:
    """Diagnose an infeasible Result in place: ``result.diagnosis`` and summary ``diagnosis``
    (its ``rows``, the table, and its ``single_fixes``)."""
    if result.formulation is None:
        return
    table, fixes = diagnose_with_fixes(result.formulation, time_limit_s=time_limit_s)
    result.diagnosis = table
    result.summary.diagnosis = {
        "rows": [
            {k: (None if isinstance(v, float) and not np.isfinite(v) else v) for k, v in r.items()}
            for r in table[[*COLUMNS, *WORDS_COLUMNS]].to_dict("records")
        ],
        "single_fixes": [
            {
                "setting": fix.setting,
                "id": fix.id,
                "current": fix.current,
                "limit": fix.limit,
                "unit": fix.unit,
                "reason": fix.reason or None,
            }
            for fix in fixes
        ],
    }


#: HiGHS model statuses in words (never the solver's own text in a diagnosis).
_ENDED = {
    highspy.HighsModelStatus.kInfeasible: "it is infeasible too",
    highspy.HighsModelStatus.kTimeLimit: "it stopped at its time limit",
    highspy.HighsModelStatus.kIterationLimit: "it stopped at its iteration limit",
    highspy.HighsModelStatus.kInterrupt: "it was interrupted",
}


def _ended(status) -> str:
    return _ENDED.get(status, "it stopped without a solution")


def period_words(family: str) -> str:
    """Planner words of a family, with the period end of a period row: 'the intensity
    target by 2025' for ``intensity@2025``."""
    end = family_end(family)
    return words(base_family(family)) + (f" by {end}" if end else "")


def _setting(family: str, default: str) -> str:
    """Where a planner changes ``family`` (``default`` when it has no setting)."""
    fam = FAMILIES.get(family)
    return fam.setting if fam is not None and fam.setting is not None else default


def _shown(value: float, unit: str) -> str:
    if unit == "share":
        return f"{value:.2f}"
    if unit == "reduction":
        return f"{percent(value, 1)} reduction"
    return f"{value:,.1f} {unit}"
