"""Single-setting fixes: for each setting in the conflict, its closest value that alone makes
an infeasible scenario feasible, or why no value of it alone does.

The elastic re-solve (diagnose.py) finds one *joint* change; applied one by one its parts
usually fail. Here each setting moves alone, everything else as the scenario has it:

- rows a setting is the right-hand side of (quota.total, intensity.reduction,
  farmland.region_floor) are parametric LPs, exact in one solve: drop the row and
  minimise (maximise) its left-hand side subject to everything else — the smallest pool
  is min Σ q over the other constraints;
- per_capita.cap_m2 (a bound on every A_i, with the room clipped at 0) and a group's
  min_share / max_share (a coefficient of its row) are found by bisection on the LP's
  feasibility, warm-started in one HiGHS instance;
- linkage.scope and farmland.balance_scope are choices: the wider scopes are tried,
  narrowest first;
- a county's own limits in the conflict (counties.csv min_allocation, dev_boundary,
  basic_farmland, farmland_floor), when it names at most MAX_COUNTY_FIXES of them, are
  parametric LPs on that county's new land (or its farmland row).

Each limit is put on a grid of SIGNIFICANT_DIGITS digits: the grid value just past the
boundary found (toward the current value) when it solves, else the one on the feasible
side, always confirmed by building the scenario with that one change and solving it. The
searches stop at SINGLE_FIX_TIME_LIMIT_S and say so for the settings they did not finish.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, replace

import highspy
import numpy as np
import pandas as pd
import scipy.sparse as sp

from optimizer.data.dataset import Dataset
from optimizer.data.derived import LIMIT_FAMILIES, M2_PER_HA, divide
from optimizer.data.problems import DataError
from optimizer.data.rules import period_ends
from optimizer.formulation.build import Formulation, build, free_share
from optimizer.formulation.lp import INF, LinearProgram
from optimizer.formulation.phased import base_family, family_end
from optimizer.solvers.highs import load_highs, run_highs

#: Seconds all single-setting searches of one diagnosis may take together.
SINGLE_FIX_TIME_LIMIT_S = 20.0
#: Significant digits a limit is given to (rounded to the feasible side): 0.5350, 140.0 ha.
SIGNIFICANT_DIGITS = 4
#: The coarsest rounding step per unit (ha and m²/person to 0.1, shares to 10⁻⁴).
UNIT_STEP = {"ha": 0.1, "m²/person": 0.1, "share": 1e-4}
#: Bisection stops when its interval is this fraction of the rounding step.
BISECTION_RESOLUTION = 0.1
#: Most bisection steps of one search (the interval halves each time).
BISECTION_MAX_STEPS = 80
#: Further rounding steps tried when the rounded limit does not confirm (solver tolerance).
CONFIRM_STEPS = 3
#: linkage.scope from none to the widest: indicators may travel further to the right.
LINKAGE_SCOPES = ("none", "county", "city", "region")
#: farmland.balance_scope from the narrowest to the widest (``none``, no 占补平衡 at all,
#: is a change of policy, not a wider scope: never proposed).
BALANCE_SCOPES = ("county", "city", "region")
#: Families whose presence in the conflict makes a wider linkage scope worth trying.
LINKAGE_FAMILIES = ("quota_pool", "reclaim_potential", "min_allocation")
#: County limits searched alone (counties.csv columns): each a parametric LP on A_i or on
#: the county's farmland row. Demand (it also splits into tiers) and the physical
#: potentials are left to the joint change.
COUNTY_FAMILIES = ("min_allocation", "dev_boundary", "basic_farmland", "farmland_floor")
#: County limits are searched alone only when the conflict names at most this many of
#: them: one county's change rarely suffices when many counties conflict together.
MAX_COUNTY_FIXES = 10


@dataclass(frozen=True)
class Fix:
    """One setting moved alone: its current value and the closest feasible one."""

    setting: str  # scenario key, or "groups.csv min_share" / "groups.csv max_share"
    family: str
    id: str  # "region", or the group's id
    current: float | str | None
    limit: float | str | None  # None: no value of this setting alone suffices
    unit: str
    reason: str = ""  # why there is no limit ("" when there is one)


class _OutOfTime(Exception):
    """The single-fix searches used up SINGLE_FIX_TIME_LIMIT_S."""


def single_fixes(
    f: Formulation, involved: set[tuple[str, str]], time_limit_s: float | None = None
) -> list[Fix]:
    """The single-setting fix of every setting whose constraints are ``involved``
    ((family, id) pairs of the conflict set, the elastic changes and the causes)."""
    budget = min(time_limit_s or SINGLE_FIX_TIME_LIMIT_S, SINGLE_FIX_TIME_LIMIT_S)
    search = _Search(f, time.monotonic() + budget)
    out = []
    for setting, family, id_, find in _settings(f, involved, search):
        try:
            out.append(find())
        except _OutOfTime:
            out.append(
                Fix(
                    setting,
                    family,
                    id_,
                    search.current(setting, id_),
                    None,
                    "",
                    f"the search stopped at its {budget:g}-s time limit before it finished",
                )
            )
    return out


def _settings(f: Formulation, involved: set[tuple[str, str]], search: _Search) -> list:
    """(setting, family, id, search) of every setting in the conflict, in report order."""
    families = {family for family, _ in involved}
    families |= {base_family(x) for x in families if base_family(x) in EVERY_END}
    sc, lp = f.dataset.scenario, f.lp
    out = []
    rows = (
        ("quota.total", "quota_pool", "min"),
        ("intensity.reduction", "intensity", "min"),
        ("farmland.region_floor", "farmland_region", "max"),
    )
    milestones = sc.periods is not None and sc.periods.intensity is not None
    for setting, family, sense in rows:
        if family == "intensity" and milestones and family in families:
            # the last [periods] milestone replaces intensity.reduction (MODEL.md §7)
            setting = PERIOD_ROW_SETTINGS["intensity"]
            out.append((setting, family, "region", _bind(search.period_row, setting, family)))
        elif family in families and len(lp.rows.get(family, ())) == 1:
            out.append((setting, family, "region", _bind(search.row, setting, family, sense)))
    for family in sorted(f for f in families if family_end(f)):  # period rows (MODEL.md §7)
        if base_family(family) in PERIOD_ROW_SETTINGS and len(lp.rows.get(family, ())) == 1:
            setting = PERIOD_ROW_SETTINGS[base_family(family)]
            out.append((setting, family, "region", _bind(search.period_row, setting, family)))
    if "per_capita_cap" in families:
        out.append(("per_capita.cap_m2", "per_capita_cap", "region", search.cap))
    counties = set(f.dataset.counties["county_id"].astype(str))
    local = sorted(
        {(fam, str(i)) for fam, i in involved if fam in COUNTY_FAMILIES and str(i) in counties},
        key=lambda m: (COUNTY_FAMILIES.index(m[0]), m[1]),
    )
    if len(local) <= MAX_COUNTY_FIXES:
        for family, id_ in local:
            out.append((f"counties.csv {family}", family, id_, _bind(search.county, family, id_)))
    locked = sorted(str(i) for fam, i in involved if fam == "lock" and str(i) in counties)
    if len(locked) <= MAX_COUNTY_FIXES:
        for id_ in locked:
            out.append(("locks.csv min/max", "lock", id_, _bind(search.lock, id_)))
    groups = set(f.dataset.groups["group_id"].astype(str))
    for family, column in (("group_min", "min_share"), ("group_max", "max_share")):
        for id_ in sorted(str(i) for fam, i in involved if fam == family and i in groups):
            out.append(
                (f"groups.csv {column}", family, id_, _bind(search.share, family, column, id_))
            )
    if families & set(LINKAGE_FAMILIES) and sc.linkage.scope != LINKAGE_SCOPES[-1]:
        out.append(("linkage.scope", "linkage", "region", _bind(search.scope, "linkage.scope")))
    if "farmland_balance" in families and sc.farmland.balance_scope in BALANCE_SCOPES[:-1]:
        out.append(
            (
                "farmland.balance_scope",
                "farmland_balance",
                "region",
                _bind(search.scope, "farmland.balance_scope"),
            )
        )
    return out


#: Region families whose one scenario limit holds at every period end of a phased plan
#: (farmland.region_floor: 耕地保有量 is kept all along, MODEL.md §7): its rows at earlier
#: ends (``farmland_region@2025``) belong to the same setting as the horizon row.
EVERY_END = ("farmland_region",)


def _rows_of_setting(lp: LinearProgram, family: str) -> np.ndarray:
    """The LP rows one setting of ``family`` limits: the family's own, and for EVERY_END
    families its period rows too."""
    names = [family]
    if family in EVERY_END:
        names += sorted(n for n in lp.rows if family_end(n) and base_family(n) == family)
    return np.concatenate([np.asarray(lp.rows[n], dtype=int) for n in names if n in lp.rows])


#: The setting of each period row family (``intensity@2025`` → periods.intensity): a
#: list with one entry per period end, of which the fix moves only that end's.
PERIOD_ROW_SETTINGS = {"quota_pool": "periods.quota", "intensity": "periods.intensity"}


def _bind(fn, *args):
    return lambda: fn(*args)


def step(value: float, unit: str) -> float:
    """The rounding step of a limit: SIGNIFICANT_DIGITS digits, at most UNIT_STEP[unit]."""
    coarsest = UNIT_STEP.get(unit, UNIT_STEP["ha"])
    if value == 0 or not math.isfinite(value):
        return coarsest
    digits = 10.0 ** (math.floor(math.log10(abs(value))) - (SIGNIFICANT_DIGITS - 1))
    return min(coarsest, digits)


def toward(value: float, unit: str, up: bool) -> float:
    """``value`` rounded to its step, up (raise the setting) or down (lower it)."""
    s = step(value, unit)
    slack = 1e-9 * s  # a bisection end a hair past a step is that step
    n = math.ceil((value - slack) / s) if up else math.floor((value + slack) / s)
    decimals = max(0, -math.floor(math.log10(s) + 1e-9))
    return round(n * s, decimals)


class _Search:
    """The searches, sharing one deadline."""

    def __init__(self, f: Formulation, deadline: float):
        self.f, self.ds, self.deadline = f, f.dataset, deadline
        self.sc = f.dataset.scenario

    # --- time and feasibility ----------------------------------------------------------
    def left(self) -> float:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise _OutOfTime
        return remaining

    def run(self, h: highspy.Highs) -> bool:
        """Run ``h`` within the deadline: True when it found a solution."""
        h.setOptionValue("time_limit", self.left())
        run_highs(h)
        status = h.getModelStatus()
        if status == highspy.HighsModelStatus.kOptimal:
            return True
        if status == highspy.HighsModelStatus.kTimeLimit:
            raise _OutOfTime
        return False

    def feasible_lp(self, lp: LinearProgram) -> bool:
        return self.run(load_highs(_without_objective(lp)))

    def applies(self, ds: Dataset) -> bool:
        """Whether the scenario with this one change solves (built afresh, as --set would)."""
        return self.feasible_lp(build(ds).lp)

    def with_setting(self, setting: str, id_: str, value) -> Dataset | None:
        """The dataset with one setting changed (None when the value is not allowed)."""
        if setting.startswith("groups.csv "):
            column = setting.removeprefix("groups.csv ")
            groups = self.ds.groups.copy()
            groups.loc[groups["group_id"] == id_, column] = float(value)
            return replace(self.ds, groups=groups)
        if setting.startswith("locks.csv"):  # "locks.csv min" / "locks.csv max" / a fix
            end = period_ends(self.sc)[-1]
            locks = _moved_lock(self.ds.locks, setting, id_, float(value), end)
            return replace(self.ds, locks=locks)
        if setting.startswith("counties.csv "):
            column = setting.removeprefix("counties.csv ")
            counties = self.ds.counties.copy()
            counties.loc[counties["county_id"].astype(str) == id_, column] = float(value)
            return replace(self.ds, counties=counties)
        try:
            return self.ds.with_overrides({setting: value})
        except DataError:
            return None

    def current(self, setting: str, id_: str):
        if setting.startswith("locks.csv"):
            lo, hi = _lock_of(self.ds.locks, id_, period_ends(self.sc)[-1])
            return hi if setting == "locks.csv max" else lo
        if setting.startswith("groups.csv "):
            column = setting.removeprefix("groups.csv ")
            return float(self.ds.groups.set_index("group_id").loc[id_, column])
        if setting.startswith("counties.csv "):
            column = setting.removeprefix("counties.csv ")
            c = self.ds.counties
            return float(c.loc[c["county_id"].astype(str) == id_, column].fillna(0.0).iloc[0])
        section, key = setting.split(".")
        return getattr(getattr(self.sc, section), key)

    def confirmed(self, setting, family, id_, unit, value: float, up: bool) -> Fix:
        """The rounded limit, confirmed by solving the scenario with it (a few steps further
        when solver tolerance leaves the rounded value just outside)."""
        current = self.current(setting, id_)
        closer = toward(value, unit, not up)  # the grid value on the other side of ``value``
        if closer != toward(value, unit, up) and (closer - current) * (value - current) > 0:
            ds = self.with_setting(setting, id_, closer)
            if ds is not None and self.applies(ds):
                return Fix(setting, family, id_, current, closer, unit)
        limit = toward(value, unit, up)
        for _ in range(CONFIRM_STEPS + 1):
            ds = self.with_setting(setting, id_, limit)
            if ds is None:
                return Fix(
                    setting,
                    family,
                    id_,
                    current,
                    None,
                    unit,
                    f"it would have to be {limit:g}, outside the values {setting} may take",
                )
            if self.applies(ds):
                return Fix(setting, family, id_, current, limit, unit)
            limit = toward(limit + (1 if up else -1) * step(limit, unit), unit, up)
        return Fix(
            setting,
            family,
            id_,
            current,
            None,
            unit,
            f"the closest value found ({value:g}) did not solve when applied",
        )

    # --- the searches -------------------------------------------------------------------
    def extreme_activity(self, family: str, sense: str) -> float | None:
        """The least (``min``) or greatest activity of the one row of ``family`` that every
        other constraint allows: one LP with that row dropped (None: they cannot hold).

        A family whose one limit holds at every period end (``EVERY_END``: the region's
        farmland floor of a phased plan, rows ``farmland_region@2025`` … and
        ``farmland_region``) has all those rows dropped, and the extreme is the greatest
        activity that all of them reach at once: max u with each row's activity ≥ u (one
        LP with the column u added)."""
        lp = self.f.lp
        rows = _rows_of_setting(lp, family)
        constraints = lp.constraints.copy()
        constraints.loc[rows, ["lb", "ub"]] = (-INF, INF)
        if len(rows) == 1:
            coef = lp.matrix[int(rows[0])].toarray().ravel()
            relaxed = LinearProgram(
                lp.variables.assign(obj=coef),
                constraints,
                lp.matrix,
                lp.cols,
                lp.rows,
                maximize=sense == "max",
            )
        else:  # max u: activity_t − u ≥ 0 at every end t (min: activity_t − u ≤ 0)
            assert sense in ("max", "min")
            constraints.loc[rows, ["lb", "ub"]] = (0.0, INF) if sense == "max" else (-INF, 0.0)
            n = len(rows)
            u = sp.csr_matrix((-np.ones(n), (rows, np.zeros(n, dtype=int))), (len(constraints), 1))
            level = {"family": "extreme", "id": "u", "key": "", "lb": -INF, "ub": INF, "obj": 1.0}
            variables = pd.concat(
                [lp.variables.assign(obj=0.0), pd.DataFrame([level])], ignore_index=True
            )
            relaxed = LinearProgram(
                variables,
                constraints,
                sp.hstack([lp.matrix, u], format="csr"),
                lp.cols,
                lp.rows,
                maximize=sense == "max",
            )
        h = load_highs(relaxed)
        if not self.run(h):
            return None
        return float(h.getInfo().objective_function_value)

    def period_row(self, setting: str, family: str) -> Fix:
        """A period row (``quota_pool@2025``, ``intensity@2025``, or the last end's plain
        ``intensity`` under [periods] intensity): that end's entry of the setting's list
        moved alone, to the value the extreme activity of the row needs.
        A pool raised past quota.total takes the excess from the later pools."""
        lp, plan = self.f.lp, self.f.phased.periods
        end = family_end(family) or str(plan.ends[-1])  # a plain row: the last end's
        t = [str(e) for e in plan.ends].index(end)
        row = int(lp.rows[family][0])
        is_pool = base_family(family) == "quota_pool"
        now = [float(v) for v in (plan.quota if is_pool else plan.tau)]
        unit = "ha" if is_pool else "share"
        current = _list_text(now)
        activity = self.extreme_activity(family, "min")
        if activity is None:
            why = f"the other constraints cannot hold together whatever {setting} is"
            return Fix(setting, family, "region", current, None, unit, why)
        if is_pool:
            share = free_share(self.sc)
            need = activity / share if share > 0 else activity  # ha of pool by that end
            bound = float(lp.row_ub[row]) / share if share > 0 else float(lp.row_ub[row])
            value, up = now[t] + (need - bound), True
        else:
            stock = float(self.ds.counties["construction_land_2020"].sum())
            base = (float(lp.row_ub[row]) + stock) / (1 - now[t])
            value, up = 1.0 - (activity + stock) / base, False
        limit = toward(value, unit, up)
        for _ in range(CONFIRM_STEPS + 1):
            moved = _moved_entry(now, t, limit, self.sc.quota.total if is_pool else None)
            ds = None if moved is None else self.with_setting(setting, "region", moved)
            if ds is not None and self.applies(ds):
                return Fix(setting, family, "region", current, _list_text(moved), unit)
            limit = toward(limit + (1 if up else -1) * step(limit, unit), unit, up)
        why = f"the closest value found ({value:g} at {end}) did not solve when applied"
        return Fix(setting, family, "region", current, None, unit, why)

    def row(self, setting: str, family: str, sense: str) -> Fix:
        """quota.total / intensity.reduction / farmland.region_floor: a parametric LP."""
        unit = "share" if family == "intensity" else "ha"
        activity = self.extreme_activity(family, sense)
        if activity is None:
            return Fix(
                setting,
                family,
                "region",
                self.current(setting, "region"),
                None,
                unit,
                f"the other constraints cannot hold together whatever {setting} is",
            )
        c = self.ds.counties
        if family == "quota_pool":  # the row holds the free part of quota.total (MODEL.md §8)
            share = free_share(self.ds.scenario)
            total = activity / share if share > 0 else activity
            return self.confirmed(setting, family, "region", unit, total, up=True)
        if family == "farmland_region":
            floor = activity + float(c["cultivated_2020"].sum())
            return self.confirmed(setting, family, "region", unit, floor, up=False)
        # intensity: Σ C ≤ (1 − τ)·base with base = (Σ C0 / Σ GDP20)·Σ GDP35
        base = float(c["construction_land_2020"].sum() / c["gdp_2020"].sum() * c["gdp_2035"].sum())
        tau = 1.0 - (activity + float(c["construction_land_2020"].sum())) / base
        if tau < 0:
            return Fix(
                setting,
                family,
                "region",
                self.current(setting, "region"),
                None,
                unit,
                "even no reduction at all (0) leaves construction land 2035 above the limit",
            )
        return self.confirmed(setting, family, "region", unit, tau, up=False)

    def county(self, family: str, id_: str) -> Fix:
        """A county's own limit (counties.csv column) alone: a parametric LP, exact."""
        f, lp, setting, unit = self.f, self.f.lp, f"counties.csv {family}", "ha"
        ids = f.params["county_id"].astype(str).to_numpy()
        pos = int(np.flatnonzero(ids == id_)[0])
        p, c = f.params.iloc[pos], self.ds.counties.iloc[pos]
        col = int(f.columns.allocation[pos])
        variables, constraints = lp.variables.copy(), lp.constraints
        if family == "farmland_floor":
            rows = lp.rows.get(family, np.array([], dtype=np.int64))
            hit = rows[lp.constraints["id"].to_numpy()[rows].astype(str) == id_]
            if len(hit) == 0:
                return Fix(setting, family, id_, self.current(setting, id_), None, unit, "no row")
            constraints = constraints.copy()
            constraints.loc[int(hit[0]), ["lb", "ub"]] = (-INF, INF)
            variables["obj"] = lp.matrix[int(hit[0])].toarray().ravel()
            maximize = True
        else:  # the largest minimum, or the least room, the rest allows
            variables["obj"] = 0.0
            variables.loc[col, "obj"] = 1.0
            maximize = family == "min_allocation"
            if family == "min_allocation":
                variables.loc[col, "lb"] = 0.0
            else:
                others = [p[f"limit_{g}"] for g in LIMIT_FAMILIES if g != family]
                variables.loc[col, "ub"] = float(min(others))
        relaxed = LinearProgram(variables, constraints, lp.matrix, lp.cols, lp.rows, maximize)
        h = load_highs(relaxed)
        if not self.run(h):
            return Fix(
                setting,
                family,
                id_,
                self.current(setting, id_),
                None,
                unit,
                f"the other constraints cannot hold together whatever {setting} of this county is",
            )
        best = float(h.getInfo().objective_function_value)
        if family == "farmland_floor":
            return self.confirmed(
                setting, family, id_, unit, float(c["cultivated_2020"]) + best, up=False
            )
        if family == "min_allocation":
            return self.confirmed(setting, family, id_, unit, best, up=False)
        if family == "dev_boundary":
            need = float(c["urban_land_2020"]) + float(p["sigma"]) * best
            return self.confirmed(setting, family, id_, unit, need, up=True)
        need = float(c["cultivated_2020"]) - float(p["alpha"]) * best  # basic_farmland
        return self.confirmed(setting, family, id_, unit, need, up=False)

    def lock(self, id_: str) -> Fix:
        """A lock (locks.csv, --fix) alone: the largest min or the least max the rest allows
        (a parametric LP on A_i without the lock's row, exact); a fixed lock moves as one."""
        f, lp = self.f, self.f.lp
        rows = lp.rows["lock"]
        row = int(rows[lp.constraints["id"].to_numpy()[rows].astype(str) == id_][0])
        lo, hi = float(lp.row_lb[row]), float(lp.row_ub[row])
        constraints = lp.constraints.copy()
        constraints.loc[row, ["lb", "ub"]] = (-INF, INF)
        col = int(f.columns.allocation[int(np.flatnonzero(f.params["county_id"] == id_)[0])])
        variables = lp.variables.copy()
        variables["obj"] = 0.0
        variables.loc[col, "obj"] = 1.0
        reach = []
        for maximize in (True, False):
            h = load_highs(
                LinearProgram(variables, constraints, lp.matrix, lp.cols, lp.rows, maximize)
            )
            if not self.run(h):
                return Fix(
                    "locks.csv min/max",
                    "lock",
                    id_,
                    lo if math.isfinite(lo) else hi,
                    None,
                    "ha",
                    "the other constraints cannot hold together whatever the lock is",
                )
            reach.append(float(h.getInfo().objective_function_value))
        most, least = reach
        fixed = lo == hi
        if lo > most:  # the min asks for more than the rest leaves
            setting = "locks.csv min/max" if fixed else "locks.csv min"
            return self.confirmed(setting, "lock", id_, "ha", most, up=False)
        if hi < least:  # the max holds it below what the rest needs
            setting = "locks.csv min/max" if fixed else "locks.csv max"
            return self.confirmed(setting, "lock", id_, "ha", least, up=True)
        return Fix(
            "locks.csv min/max",
            "lock",
            id_,
            lo if math.isfinite(lo) else hi,
            None,
            "ha",
            "the lock is within what the other constraints allow: they conflict without it",
        )

    def cap(self) -> Fix:
        """per_capita.cap_m2: bisection on the cap, the other limits of A_i kept."""
        f, setting, unit = self.f, "per_capita.cap_m2", "m²/person"
        c = self.ds.counties.reset_index(drop=True)
        p = f.params
        others = np.minimum.reduce(
            [p[f"limit_{fam}"].to_numpy(float) for fam in LIMIT_FAMILIES if fam != "per_capita_cap"]
        )
        people = c["urban_pop_2035"].to_numpy(float)
        u0 = c["urban_land_2020"].to_numpy(float)
        sigma, lower = p["sigma"].to_numpy(float), p["lower"].to_numpy(float)
        alloc = f.columns.allocation
        h = load_highs(_without_objective(f.lp))

        def feasible(cap: float) -> bool:
            room = np.maximum(0.0, cap * people / M2_PER_HA - u0)
            upper = np.minimum(others, divide(room, sigma))
            h.changeColsBounds(len(alloc), alloc.astype(np.int32), lower, upper)
            return self.run(h)

        cap = float(self.sc.per_capita.cap_m2)
        useful = (people > 0) & np.isfinite(others)
        need = (u0 + sigma * others)[useful] * M2_PER_HA / people[useful]
        top = max(cap, float(need.max()) if need.size else cap) * (1 + 1e-9) + 1e-9
        if not feasible(top):
            return Fix(
                setting,
                "per_capita_cap",
                "region",
                cap,
                None,
                unit,
                "even a cap high enough to stop no county leaves the other constraints in conflict",
            )
        good = self.bisect(feasible, cap, top, unit)
        return self.confirmed(setting, "per_capita_cap", "region", unit, good, up=True)

    def share(self, family: str, column: str, id_: str) -> Fix:
        """A group's min_share (lowered) or max_share (raised): bisection on its coefficient."""
        f, setting, unit = self.f, f"groups.csv {column}", "share"
        lp = f.lp
        rows = lp.rows.get(family, np.array([], dtype=np.int64))
        ids = lp.constraints["id"].to_numpy()[rows].astype(str)
        current = self.current(setting, id_)
        if id_ not in ids or f.columns.total is None:
            return Fix(setting, family, id_, current, None, unit, "the group has no such row")
        r = int(rows[np.flatnonzero(ids == id_)[0]])
        h = load_highs(_without_objective(lp))

        def feasible(share: float) -> bool:
            h.changeCoeff(r, int(f.columns.total), -share)
            return self.run(h)

        end = 0.0 if family == "group_min" else 1.0
        if not feasible(end):
            return Fix(
                setting,
                family,
                id_,
                current,
                None,
                unit,
                f"even a {column} of {end:g} leaves the other constraints in conflict",
            )
        good = self.bisect(feasible, current, end, unit)
        return self.confirmed(setting, family, id_, unit, good, up=family == "group_max")

    def scope(self, setting: str) -> Fix:
        """linkage.scope / farmland.balance_scope: the narrowest wider scope that solves."""
        order = LINKAGE_SCOPES if setting == "linkage.scope" else BALANCE_SCOPES
        family = "linkage" if setting == "linkage.scope" else "farmland_balance"
        current = self.current(setting, "region")
        for scope in order[order.index(current) + 1 :]:
            ds = self.with_setting(setting, "region", scope)
            if ds is not None and self.applies(ds):
                return Fix(setting, family, "region", current, scope, "")
        wider = " or ".join(f'"{s}"' for s in order[order.index(current) + 1 :])
        return Fix(
            setting, family, "region", current, None, "", f"a wider scope ({wider}) does not solve"
        )

    def bisect(self, feasible, bad: float, good: float, unit: str) -> float:
        """The feasible end of [bad, good] (bad fails, good solves) once it is short enough."""
        for _ in range(BISECTION_MAX_STEPS):
            if abs(good - bad) <= BISECTION_RESOLUTION * step(good, unit):
                break
            middle = 0.5 * (bad + good)
            if feasible(middle):
                good = middle
            else:
                bad = middle
        return good


def _without_objective(lp: LinearProgram) -> LinearProgram:
    """The same constraints with c = 0: a feasibility problem."""
    return replace(lp, variables=lp.variables.assign(obj=0.0))


def _whole_period(locks, id_: str, end: str):
    """Where ``locks`` holds the county's lock on the whole plan (period_end "" or the end)."""
    return (locks["county_id"].astype(str) == id_) & locks["period_end"].isin(["", end])


def _lock_of(locks, id_: str, end: str) -> tuple[float, float]:
    """(min, max) of a county's whole-period lock, ha (-inf / inf for no bound)."""
    row = locks[_whole_period(locks, id_, end)]
    lo, hi = float(row["min"].iloc[0]), float(row["max"].iloc[0])
    return (-INF if math.isnan(lo) else lo), (INF if math.isnan(hi) else hi)


def _moved_lock(locks, setting: str, id_: str, value: float, end: str):
    """The locks table with one county's lock moved: its min, its max, or both (a fix)."""
    out = locks.copy()
    at = _whole_period(out, id_, end)
    columns = {"locks.csv min": ["min"], "locks.csv max": ["max"]}.get(setting, ["min", "max"])
    out.loc[at, columns] = value
    return out


def _list_text(values: list[float]) -> str:
    """A list setting as ``--set`` takes it: ``[20000, 40000]``, ``[0.238, 0.4]``."""
    return "[" + ", ".join(f"{v:g}" for v in values) + "]"


def _moved_entry(values: list[float], t: int, value: float, total: float | None):
    """``values`` with entry t set to ``value``; with a ``total`` (period pools), the
    excess over it taken from the later entries, the next first (None: they have too
    little)."""
    out = list(values)
    out[t] = value
    if total is None:
        return out
    excess = sum(out) - total
    for later in range(t + 1, len(out)):
        if excess <= 0:
            break
        take = min(excess, out[later])
        out[later] -= take
        excess -= take
    return out if excess <= 1e-9 * max(1.0, total) else None
