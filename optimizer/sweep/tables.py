"""The tables of a sweep: one row per scenario, per scenario and county, per county."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

import numpy as np
import pandas as pd

from models.results import Status
from optimizer.data.dataset import Dataset
from optimizer.sweep.run import Record
from optimizer.sweep.spec import Point

#: A county "gets at least half its demand" in a scenario from this satisfaction up.
HALF_DEMAND = 0.5
#: Allocation (ha) below half the demand that still counts as half (solver round-off).
HALF_DEMAND_SLACK_HA = 1e-6

#: scenarios.csv's figures after the varied keys, in this order.
SCENARIO_FIGURES = (
    "status",
    "objective",
    "quota_used",
    "allocation_ha",
    "demand_ha",
    "satisfaction",
    "gini_allocation_per_resident",
    "gini_satisfaction",
)
COUNTY_COLUMNS = ("scenario_id", "county_id", "allocation", "satisfaction", "binding", "demand")


class Robustness(StrEnum):
    """How a county fares across the sweep: at least half its demand in every scenario,
    in some, or in none (robustness.csv ``class``)."""

    ALWAYS = "always"
    SWING = "swing"
    NEVER = "never"


def scenario_table(
    points: Sequence[Point], records: Sequence[Record], keys: Sequence[str]
) -> pd.DataFrame:
    """scenarios.csv: scenario_id, one column per varied key, draw (if sampled), figures."""
    rows = []
    sampled = any(p.draw is not None for p in points)
    for i, (point, record) in enumerate(zip(points, records, strict=True), start=1):
        row: dict = {"scenario_id": i, **point.column_values(keys)}
        if sampled:
            row["draw"] = point.draw
        row.update({k: record.get(k, np.nan) for k in SCENARIO_FIGURES})
        rows.append(row)
    columns = ["scenario_id", *keys, *(["draw"] if sampled else []), *SCENARIO_FIGURES]
    table = pd.DataFrame(rows, columns=columns)
    for k in SCENARIO_FIGURES[1:]:
        table[k] = pd.to_numeric(table[k], errors="coerce").astype(float)
    return table


def county_table(dataset: Dataset, records: Sequence[Record]) -> pd.DataFrame:
    """counties.csv: per optimal scenario and county, allocation (ha), satisfaction, binding."""
    ids = dataset.counties["county_id"].to_numpy(dtype=object)
    blocks = []
    for i, r in enumerate(records, start=1):
        if r["status"] != Status.OPTIMAL.value:
            continue
        alloc, demand = np.asarray(r["allocation"], float), np.asarray(r["demand"], float)
        with np.errstate(divide="ignore", invalid="ignore"):
            sat = np.where(demand > 0, alloc / demand, np.nan)
        blocks.append(
            pd.DataFrame(
                {
                    "scenario_id": i,
                    "county_id": ids,
                    "allocation": alloc,
                    "satisfaction": sat,
                    "binding": r["binding"],
                    "demand": demand,
                }
            )
        )
    if not blocks:
        return pd.DataFrame({c: [] for c in COUNTY_COLUMNS})
    return pd.concat(blocks, ignore_index=True)


def robustness_table(
    dataset: Dataset, records: Sequence[Record], importance: np.ndarray | None = None
) -> pd.DataFrame:
    """robustness.csv: per county, its allocation's range over the optimal scenarios.

    ``half_demand_share`` is the share of those scenarios in which the county gets at
    least half its demand (of that scenario); ``class`` is ``always`` (share 1),
    ``never`` (share 0) or ``swing``. ``importance`` (optional): how much Z falls when
    the county gets nothing beyond its minimum, in the base scenario.
    """
    c = dataset.counties
    out = pd.DataFrame(
        {
            "county_id": c["county_id"].to_numpy(dtype=object),
            "name": c["name"].to_numpy(dtype=object),
            "city": c["city"].to_numpy(dtype=object),
            "zone": c["zone"].astype(str).to_numpy(dtype=object),
            "demand": c["demand"].to_numpy(float),
        }
    )
    solved = [r for r in records if r["status"] == Status.OPTIMAL.value]
    if solved:
        alloc = np.vstack([np.asarray(r["allocation"], float) for r in solved])
        demand = np.vstack([np.asarray(r["demand"], float) for r in solved])
        half = alloc >= HALF_DEMAND * demand - HALF_DEMAND_SLACK_HA
        share = half.mean(axis=0)
        out["allocation_min"] = alloc.min(axis=0)
        out["allocation_median"] = np.median(alloc, axis=0)
        out["allocation_max"] = alloc.max(axis=0)
        out["half_demand_share"] = share
        out["class"] = np.select(
            [share >= 1.0, share <= 0.0],
            [Robustness.ALWAYS.value, Robustness.NEVER.value],
            Robustness.SWING.value,
        )
    else:
        for col in ("allocation_min", "allocation_median", "allocation_max", "half_demand_share"):
            out[col] = np.nan
        out["class"] = ""
    out["scenarios"] = len(solved)
    if importance is not None:
        out["importance"] = importance
    return out


def sweep_summary(
    dataset: Dataset,
    keys: Sequence[str],
    scenarios: pd.DataFrame,
    robustness: pd.DataFrame,
    *,
    seed: int | None,
    samples: int,
    chunk_size: int,
) -> dict:
    """summary.json of a sweep: what was varied, how the scenarios ended, the ranges."""
    status = scenarios["status"].value_counts().sort_index()
    optimal = scenarios[scenarios["status"] == Status.OPTIMAL.value]

    def span(column: str) -> dict:
        values = optimal[column]
        if values.empty:
            return {"min": None, "max": None}
        return {"min": float(values.min()), "max": float(values.max())}

    classes = robustness["class"].value_counts() if "class" in robustness else pd.Series()
    return {
        "dataset": str(dataset.source) if dataset.source is not None else None,
        "scenario": dataset.scenario.scenario.name,
        "varied": list(keys),
        "scenarios": len(scenarios),
        "status": {str(k): int(v) for k, v in status.items()},
        "samples": samples,
        "seed": seed if samples else None,
        "backend": "highs",
        "solver": "simplex (warm re-solves)",
        "tie_break": str(dataset.scenario.solver.tie_break),
        "chunk_size": chunk_size,
        "objective": span("objective"),
        "satisfaction": span("satisfaction"),
        "allocation_ha": span("allocation_ha"),
        "robustness": {r.value: int(classes.get(r.value, 0)) for r in Robustness},
        "files": ["scenarios.csv", "counties.csv", "robustness.csv", "report.html"],
    }
