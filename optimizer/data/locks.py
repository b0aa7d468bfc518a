"""Locks of new land (MODEL.md §8) given on the command line or in Python: ``--fix ID=HA``.

locks.csv is read and checked with the other files (read.py, rules.check_locks). A fix
names a county by its county_id or by its unique name and holds its new land A_i at
exactly HA for the whole plan period: a lock with min = max that replaces the county's
whole-period lock of locks.csv. Fixes are checked by the same rules as locks.csv rows.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable, Mapping
from dataclasses import replace

import numpy as np
import pandas as pd

from optimizer.data import rules
from optimizer.data.dataset import Dataset
from optimizer.data.numbers import fmt
from optimizer.data.periods import plan_periods
from optimizer.data.problems import DataError, UsageError

#: Where a fix's problems say they come from.
FIX_SOURCE = "--fix"
#: Columns of ``Dataset.locks``.
LOCK_COLUMNS = ("county_id", "period_end", "min", "max")
#: Candidates an ambiguous or unknown name lists at most.
MAX_CANDIDATES = 8


def parse_fixes(items: Iterable[str] | None) -> dict[str, float]:
    """``["140181=300", "古交市=120"]`` → ``{"140181": 300.0, "古交市": 120.0}`` (ha).

    A malformed item raises UsageError naming it; a county named twice too (the second
    would silently win).
    """
    out: dict[str, float] = {}
    for item in items or ():
        key, sep, value = str(item).partition("=")
        key, value = key.strip(), value.strip()
        if not sep or not key or not value:
            raise UsageError(f"--fix expects ID_OR_NAME=HA, e.g. --fix 140181=300; got {item!r}")
        try:
            number = float(value.replace(",", ""))
        except ValueError:
            raise UsageError(f"--fix {item}: {value!r} is not a number of ha of new land") from None
        if not math.isfinite(number) or number < 0:
            raise UsageError(f"--fix {item}: the ha of new land must be a finite number ≥ 0")
        if key in out:
            raise UsageError(f"--fix names {key} twice: give each county once")
        out[key] = number
    return out


def resolve_county(counties: pd.DataFrame, text: str) -> str:
    """The county_id a fix means: an id as written, else the one county of that name.

    A name several counties share is a UsageError listing each with its city and id; a
    text that is neither an id nor a name names the closest ids and names.
    """
    ids = counties["county_id"].astype(str)
    key = str(text).strip()
    if key in set(ids):
        return key
    names = counties["name"].astype(str).str.normalize("NFKC").str.strip()
    hit = counties[names == key]
    if len(hit) == 1:
        return str(hit["county_id"].iloc[0])
    if len(hit) > 1:
        shown = ", ".join(
            f"{name} ({city}) {cid}"
            for name, city, cid in hit[["name", "city", "county_id"]]
            .astype(str)
            .sort_values("county_id")
            .itertuples(index=False)
        )
        raise UsageError(
            f"--fix {key}: {len(hit)} counties are named {key}: {shown}; "
            "give the county_id (e.g. --fix "
            f"{hit['county_id'].astype(str).min()}=HA)"
        )
    close = difflib.get_close_matches(key, [*names, *ids], n=MAX_CANDIDATES, cutoff=0.6)
    hint = f" (did you mean {', '.join(dict.fromkeys(close))}?)" if close else ""
    raise UsageError(f"--fix {key}: no county has the id or name {key} in counties.csv{hint}")


def with_fixes(ds: Dataset, fix: Mapping[str, float]) -> Dataset:
    """``ds`` with each county of ``fix`` held at exactly its ha of new land (see module)."""
    if not fix:
        return ds
    c = ds.counties
    resolved: dict[str, tuple[str, float]] = {}
    for text, value in fix.items():
        number = float(value)
        if not math.isfinite(number) or number < 0:
            raise UsageError(f"--fix {text}={value}: the ha of new land must be finite and ≥ 0")
        cid = resolve_county(c, text)
        if cid in resolved:
            raise UsageError(
                f"--fix names county {cid} twice ({resolved[cid][0]} and {text}): give it once"
            )
        resolved[cid] = (str(text), number)
    ids = list(resolved)
    fixes = pd.DataFrame(
        {
            "county_id": ids,
            "period_end": "",
            "min": [resolved[i][1] for i in ids],
            "max": [resolved[i][1] for i in ids],
        }
    )
    labels = {cid: f"{text}={fmt(number)}" for cid, (text, number) in resolved.items()}
    checked = fixes.set_axis(pd.RangeIndex(1, 1 + len(fixes)), axis=0)
    problems = rules.check_locks(checked, c, {}, ds.scenario, file=FIX_SOURCE)
    if problems:  # rows mean nothing on a command line: name the fix instead
        raise DataError(
            [
                replace(p, row=None, column=None, value=labels[fixes["county_id"].iloc[p.row - 1]])
                for p in problems
            ]
        )
    end = rules.period_ends(ds.scenario)[-1]
    kept = ds.locks
    if kept is not None:
        whole = kept["period_end"].isin(["", end]) & kept["county_id"].isin(ids)
        kept = kept.loc[~whole]
    merged = pd.concat([t for t in (kept, fixes) if t is not None], ignore_index=True)
    merged = merged.sort_values(["county_id", "period_end"], kind="stable").reset_index(drop=True)
    return replace(ds, locks=merged[list(LOCK_COLUMNS)])


def horizon_locks(ds: Dataset) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The locks on the whole plan's new land A_i: county positions, min and max (ha).

    In the one-period model every lock holds A_i (period_end empty or the target year);
    in a phased plan (MODEL.md §7) only the locks without a period_end do, the others hold
    their period's A_it (``period_locks``). A side without a bound is -inf / +inf. Empty
    arrays without locks.
    """
    locks = ds.locks
    if locks is None or locks.empty:
        empty = np.zeros(0)
        return np.zeros(0, dtype=np.int64), empty, empty
    if plan_periods(ds.scenario) is not None:
        return _positions(ds, locks[locks["period_end"] == ""])
    end = rules.period_ends(ds.scenario)[-1]
    return _positions(ds, locks[locks["period_end"].isin(["", end])])


def period_locks(ds: Dataset) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """A phased plan's locks on one period's new land A_it, by period end (MODEL.md §7):
    county positions, min and max (ha); {} without [periods] or without such locks."""
    locks = ds.locks
    if locks is None or locks.empty or plan_periods(ds.scenario) is None:
        return {}
    held = locks[locks["period_end"] != ""]
    return {str(end): _positions(ds, rows) for end, rows in held.groupby("period_end")}


def _positions(ds: Dataset, whole: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """County positions, min and max (−inf/+inf where empty) of lock rows, county order."""
    pos = pd.Index(ds.counties["county_id"]).get_indexer(whole["county_id"])
    lo = whole["min"].to_numpy(float)
    hi = whole["max"].to_numpy(float)
    order = np.argsort(pos, kind="stable")
    return (
        pos[order].astype(np.int64),
        np.where(np.isnan(lo), -np.inf, lo)[order],
        np.where(np.isnan(hi), np.inf, hi)[order],
    )
