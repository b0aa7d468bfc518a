"""Compare two solves side by side: pure tables, B − A everywhere (data, never printing).

Deltas are B minus A in the tables' own units; Δ% is relative to |A| (NaN when A
is 0). Counties and groups present in only one run keep a row with ``present``
set to ``A only`` / ``B only``; their values on the other side are NaN. A county
"changed binding constraint" when the set of binding families that bound its own
new land (families.ALLOCATION_LIMITS; not the reclaim/reserve potentials) differs; the
``binding_a``/``binding_b`` columns hold those families as tuples of names. A county or
group price absent on one side is 0 there (it is listed only while it binds).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from models.results import Status
from optimizer.analysis.tables import Result
from optimizer.data.problems import UsageError
from optimizer.formulation.families import ALLOCATION_LIMITS, REGION_TARGETS

#: Differences smaller than this (relative to max(1, |A|)) are no difference.
SAME_TOL = 1e-9
#: Headline rows: (label, unit, where the number lives in the summary).
HEADLINE = (
    ("Z", "", "objective"),
    ("quota used", "ha", "quota_used_ha"),
    ("new construction land", "ha", "allocation_ha"),
    ("linkage volume used", "ha", "linkage_used_ha"),
    ("linkage moved between counties", "ha", "linkage_transferred_ha"),
    ("reclaimed land", "ha", "reclaimed_ha"),
    ("intensity reduction achieved", "share", "intensity_reduction"),
    ("farmland 2035", "ha", "cultivated_2035_ha"),
    ("per-capita floor shortfall", "ha", "shortfall_ha"),
)
EQUITY = (
    ("Gini of new land per resident", "gini_allocation_per_resident"),
    ("Gini of demand satisfaction", "gini_satisfaction"),
)


@dataclass
class Comparison:
    """Two runs side by side; every table has ``a``, ``b`` and ``delta`` columns."""

    a_label: str
    b_label: str
    headline: pd.DataFrame
    targets: pd.DataFrame
    groups: pd.DataFrame
    counties: pd.DataFrame
    marginals: pd.DataFrame
    equity: pd.DataFrame
    #: The money Z and prices are in (``[tiers] unit``'s numerator) in A and in B; None:
    #: weighted hectares.
    money: tuple[str | None, str | None] = (None, None)
    #: Why the two runs look like different datasets (``dataset_difference``); '' when
    #: they share their counties.
    dataset_warning: str = ""

    @property
    def identical(self) -> bool:
        """No number differs, no county or group is on one side only, no binding changed,
        and both count Z in the same unit."""
        tables = (
            self.headline,
            self.targets,
            self.groups,
            self.counties,
            self.marginals,
            self.equity,
        )
        if any((~t["same"]).any() for t in tables if not t.empty) or self.money[0] != self.money[1]:
            return False
        return (
            not (self.counties["present"] != "both").any()
            and not (self.groups["present"] != "both").any()
            and not self.counties["binding_changed"].any()
        )

    def to_dict(self) -> dict:
        """JSON-ready: every table as a list of records (NaN and ±inf → null)."""
        tables = {
            "headline": self.headline,
            "targets": self.targets,
            "groups": self.groups,
            "counties": self.counties,
            "marginals": self.marginals,
            "equity": self.equity,
        }
        counties = self.counties.copy()
        for column in ("binding_a", "binding_b"):
            counties[column] = counties[column].map(";".join)
        tables["counties"] = counties
        return {
            "a": self.a_label,
            "b": self.b_label,
            "identical": self.identical,
            "money": {"a": self.money[0], "b": self.money[1]},
            "dataset_warning": self.dataset_warning,
            **{name: _records(t.drop(columns="same")) for name, t in tables.items()},
        }


def compare(a: Result, b: Result, a_label: str = "A", b_label: str = "B") -> Comparison:
    """B − A for every table two optimal runs share."""
    for label, result in ((a_label, a), (b_label, b)):
        if result.status is not Status.OPTIMAL:
            raise UsageError(
                f"{label} has no solution ({result.status.value}): nothing to "
                "compare; `landquota explain` shows its diagnosis"
            )
    return Comparison(
        a_label,
        b_label,
        headline=headline_delta(a, b),
        targets=_in_solve_order(
            _side_by_side(a.targets, b.targets, ["target"], "value", extra=("limit", "met")),
            a.targets,
            b.targets,
        ),
        groups=_side_by_side(
            a.groups, b.groups, ["group_id"], "allocation", extra=("name", "share"), presence=True
        ),
        counties=county_delta(a, b),
        marginals=_marginal_delta(a, b),
        equity=equity_delta(a, b),
        money=(a.summary.scenario.tiers.money, b.summary.scenario.tiers.money),
        dataset_warning=dataset_difference(a.counties, b.counties),
    )


#: Counties named in the dataset warning before "and N more".
NAMED_DIFFERENCES = 3


def dataset_difference(a: pd.DataFrame, b: pd.DataFrame) -> str:
    """Why A and B look like two datasets, '' when they hold the same counties.

    Two runs of one dataset (whatever their scenarios) have the same county ids with the
    same names; a county on one side only, or an id named differently, means the runs
    read different data, and their differences are not a scenario's effect alone.
    """
    if a.empty or b.empty or "county_id" not in a or "county_id" not in b:
        return ""
    ids_a, ids_b = set(a["county_id"].astype(str)), set(b["county_id"].astype(str))
    only_a, only_b = sorted(ids_a - ids_b), sorted(ids_b - ids_a)
    names = a[["county_id", "name"]].merge(b[["county_id", "name"]], on="county_id")
    renamed = names.loc[names["name_x"].astype(str) != names["name_y"].astype(str), "county_id"]
    parts = []
    for what, ids in (("only in A", only_a), ("only in B", only_b)):
        if ids:
            parts.append(f"{len(ids)} counties {what} ({_some(ids)})")
    if len(renamed):
        parts.append(f"{len(renamed)} ids named differently ({_some(renamed.astype(str))})")
    if not parts:
        return ""
    return (
        "A and B look like different datasets: "
        + "; ".join(parts)
        + ". Their differences are not the effect of the scenario alone."
    )


def _some(ids) -> str:
    ids = list(ids)
    more = len(ids) - NAMED_DIFFERENCES
    return ", ".join(ids[:NAMED_DIFFERENCES]) + (f" and {more} more" if more > 0 else "")


def _in_solve_order(table: pd.DataFrame, a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    """Targets in the order ``solve`` lists them (A's, then any of B's only), not sorted."""
    order = list(dict.fromkeys([*a.get("target", []), *b.get("target", [])]))
    rank = {t: i for i, t in enumerate(order)}
    return (
        table.assign(_rank=table["target"].map(rank))
        .sort_values("_rank", kind="stable")
        .drop(columns="_rank")
        .reset_index(drop=True)
    )


def headline_delta(a: Result, b: Result) -> pd.DataFrame:
    rows = []
    for label, unit, key in HEADLINE:
        va, vb = _headline_value(a, key), _headline_value(b, key)
        rows.append({"metric": label, "unit": unit, "a": va, "b": vb})
    return _with_delta(pd.DataFrame(rows))


def _headline_value(result: Result, key: str) -> float:
    if key == "objective":
        return _float(result.summary.objective)
    return _float(getattr(result.summary.headline, key, None))


def equity_delta(a: Result, b: Result) -> pd.DataFrame:
    """The two Gini coefficients and each zone's share of the pool, A vs B."""
    rows = [
        {
            "metric": label,
            "a": _float(getattr(a.summary.equity, key, None)),
            "b": _float(getattr(b.summary.equity, key, None)),
        }
        for label, key in EQUITY
    ]
    zones = sorted(set(_zones(a)) | set(_zones(b)))
    for zone in zones:
        rows.append(
            {
                "metric": f"share of the pool: {zone}",
                "a": _zone_share(a, zone),
                "b": _zone_share(b, zone),
            }
        )
    return _with_delta(pd.DataFrame(rows, columns=["metric", "a", "b"]))


def _zones(result: Result) -> dict:
    """Zone → ZoneShare of a run's equity section (none when the run has no equity)."""
    equity = result.summary.equity
    return {} if equity is None else equity.zones


def _zone_share(result: Result, zone: str) -> float:
    share = _zones(result).get(zone)
    return _float(None if share is None else share.quota_share)


def county_delta(a: Result, b: Result) -> pd.DataFrame:
    """Per county: allocation A, B, Δ, Δ%, binding A and B, and whether binding changed."""
    keep = ["county_id", "name", "city", "allocation", "binding", "limited_by"]
    left, right = (
        r.counties.assign(binding=_allocation_limits(r)).reindex(columns=keep) for r in (a, b)
    )
    table = _side_by_side(
        left,
        right,
        ["county_id"],
        "allocation",
        extra=("name", "city", "binding", "limited_by"),
        presence=True,
    )
    for side in ("a", "b"):  # a county on one side only binds nothing on the other
        column = table[f"binding_{side}"]
        table[f"binding_{side}"] = column.where(column.notna(), pd.Series([()] * len(table)))
    table["binding_changed"] = (table["present"] == "both") & (
        table["binding_a"] != table["binding_b"]
    )
    for side in ("a", "b"):  # what stops the county (explain.county_limits), when recorded
        table[f"limited_by_{side}"] = table[f"limited_by_{side}"].fillna("").astype(str)
    table["order"] = table["delta"].abs().fillna(np.inf)
    table = table.sort_values(["order", "county_id"], ascending=[False, True], kind="stable")
    return table.drop(columns="order").reset_index(drop=True)


def _allocation_limits(result: Result) -> pd.Series:
    """Per county, the binding families that bound its own new land, as a tuple of names
    in report order (reclaim/reserve potentials are not limits on a county's land)."""
    flags = result.binding.reindex(
        index=result.counties.index, columns=list(ALLOCATION_LIMITS), fill_value=False
    )
    on = flags.to_numpy(bool)
    names = np.asarray(ALLOCATION_LIMITS, dtype=object)
    # one tuple per distinct pattern of flags (a handful), not one per county
    patterns, which = np.unique(on.reshape(len(on), -1), axis=0, return_inverse=True)
    tuples = np.empty(len(patterns), dtype=object)
    tuples[:] = [tuple(names[p]) for p in patterns]
    return pd.Series(tuples[which.ravel()], index=flags.index, dtype=object)


def _marginal_delta(a: Result, b: Result) -> pd.DataFrame:
    columns = ["family", "id", "name", "value"]
    if a.marginals.empty and b.marginals.empty:
        return pd.DataFrame(
            columns=["family", "id", "name", "a", "b", "delta", "delta_pct", "same"]
        )
    table = _side_by_side(
        a.marginals.reindex(columns=columns),
        b.marginals.reindex(columns=columns),
        ["family", "id"],
        "value",
        extra=("name",),
        presence=True,
    )
    # a county or group constraint is priced only while it binds: absent means a price of 0
    table[["a", "b"]] = table[["a", "b"]].fillna(0.0)
    table = _with_delta(table)
    table["region"] = table["family"].isin(REGION_TARGETS)
    table["order"] = table["delta"].abs().fillna(np.inf)
    table = table.sort_values(
        ["region", "order", "family", "id"], ascending=[False, False, True, True], kind="stable"
    )
    return table.drop(columns=["region", "order"]).reset_index(drop=True)


def _side_by_side(
    a: pd.DataFrame,
    b: pd.DataFrame,
    keys: list[str],
    value: str,
    extra: tuple[str, ...] = (),
    presence: bool = False,
) -> pd.DataFrame:
    """Outer join on ``keys``: ``a``, ``b`` (the value), extras as ``<col>_a``/``<col>_b``."""
    cols = [*keys, value, *extra]
    left = a.reindex(columns=cols).rename(columns={value: "a"})
    right = b.reindex(columns=cols).rename(columns={value: "b"})
    table = left.merge(right, on=keys, how="outer", suffixes=("_a", "_b"), indicator=presence)
    if presence:
        table["present"] = (
            table.pop("_merge")
            .map({"both": "both", "left_only": "A only", "right_only": "B only"})
            .astype(str)
        )
    if "name_a" in table.columns:  # one name column, from whichever side has it
        table.insert(
            len(keys),
            "name",
            table["name_a"].where(
                table["name_a"].notna() & (table["name_a"] != ""), table["name_b"]
            ),
        )
        table = table.drop(columns=["name_a", "name_b"])
    return _with_delta(table)


def _with_delta(table: pd.DataFrame) -> pd.DataFrame:
    a, b = table["a"].astype(float), table["b"].astype(float)
    table["a"], table["b"] = a, b
    table["delta"] = b - a
    with np.errstate(divide="ignore", invalid="ignore"):
        table["delta_pct"] = np.where(a.abs() > 0, table["delta"] / a.abs(), np.nan)
    both_nan = a.isna() & b.isna()
    table["same"] = both_nan | (table["delta"].abs() <= SAME_TOL * np.maximum(1.0, a.abs()))
    return table


def _records(table: pd.DataFrame) -> list[dict]:
    out = table.astype(object).where(table.notna(), None).to_dict("records")
    return [{k: _clean(v) for k, v in row.items()} for row in out]


def _clean(value):
    if isinstance(value, float | np.floating):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, np.integer | np.bool_):
        return value.item()
    return value


def _float(value) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan
