"""Write a run folder (MODEL.md §5) atomically: all files appear together or none do."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from optimizer.analysis.tables import Result

#: Decimals kept in CSV files: 1e-6 ha is 0.01 m², far below survey precision,
#: and a fixed precision keeps two runs' files diffable.
CSV_DECIMALS = 6

#: Column order of allocation.csv: the MODEL.md §5 contract first, then extras.
ALLOCATION_COLUMNS = (
    "county_id",
    "name",
    "city",
    "zone",
    "weight",
    "demand",
    "quota",
    "linkage_in",
    "linkage_out",
    "allocation",
    "satisfaction",
    "reclaimed",
    "supplemented",
    "shortfall",
    "urban_land_2035",
    "per_capita_2020",
    "per_capita_2035",
    "cultivated_2035",
    "construction_land_2035",
    "binding",
)
GROUP_COLUMNS = ("group_id", "name", "allocation", "share")
FLOW_COLUMNS = ("from_id", "to_id", "amount")
TARGET_COLUMNS = ("target", "value", "limit", "met")


def run_tables(result: Result) -> dict[str, pd.DataFrame]:
    """The CSV files of a run folder, contract columns first (an infeasible run: diagnosis)."""
    if result.counties.empty:
        return {} if result.diagnosis.empty else {"diagnosis.csv": result.diagnosis}
    return {
        "allocation.csv": _ordered(
            result.counties.assign(binding=result.binding_text()), ALLOCATION_COLUMNS
        ),
        "groups.csv": _ordered(result.groups, GROUP_COLUMNS),
        "flows.csv": _ordered(result.flows, FLOW_COLUMNS),
        "targets.csv": _ordered(result.targets, TARGET_COLUMNS),
        "marginals.csv": result.marginals,
    }


def summary_dict(result: Result) -> dict:
    """summary.json content: the Summary model, JSON-safe (NaN → null)."""
    return _json_safe(result.summary.model_dump(mode="json"))


def summary_json(result: Result) -> str:
    """summary.json as text (see ``to_json``)."""
    return to_json(result.summary.model_dump(mode="json"))


#: Lists longer than this are written one compact item per line (see ``to_json``).
LONG_LIST = 20


def to_json(value, level: int = 0) -> str:
    """JSON text laid out like ``json.dumps(indent=2)``, fast for large lists; NaN → null.

    Long lists (county prices, warnings: tens of thousands of items at national
    scale) are written one item per line with the C encoder, which
    ``json.dumps(indent=…)`` cannot use; everything else is indented by 2 as usual.
    """
    pad, inner = "  " * level, "  " * (level + 1)
    if isinstance(value, dict) and value:
        body = ",\n".join(
            f"{inner}{json.dumps(str(k), ensure_ascii=False)}: {to_json(v, level + 1)}"
            for k, v in value.items()
        )
        return "{\n" + body + "\n" + pad + "}"
    if isinstance(value, list) and value:
        if len(value) > LONG_LIST:
            items = (_compact(v) for v in value)
        else:
            items = (to_json(v, level + 1) for v in value)
        return "[\n" + ",\n".join(inner + item for item in items) + "\n" + pad + "]"
    return _compact(value)


def _compact(value) -> str:
    """One value on one line; the walk that replaces NaN only where the encoder refuses."""
    try:
        return json.dumps(
            value,
            ensure_ascii=False,
            allow_nan=False,
            separators=(", ", ": "),
            default=_json_default,
        )
    except ValueError:
        return json.dumps(_json_safe(value), ensure_ascii=False, separators=(", ", ": "))


def _json_default(value):
    if isinstance(value, np.integer | np.bool_ | np.floating):
        return value.item()
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


def write_run(result: Result, out_dir: str | Path) -> Path:
    """Write every file into a temporary sibling folder, then swap it into place."""
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    try:
        for name, table in run_tables(result).items():
            _write_csv(table, staging / name)
        (staging / "summary.json").write_text(summary_json(result) + "\n", encoding="utf-8")
        _swap_into_place(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return out_dir


def _swap_into_place(staging: Path, out_dir: Path) -> None:
    if not out_dir.exists():
        os.replace(staging, out_dir)
        return
    retired = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old.", dir=out_dir.parent))
    os.replace(out_dir, retired / "run")
    os.replace(staging, out_dir)
    shutil.rmtree(retired, ignore_errors=True)


def _ordered(table: pd.DataFrame, first: tuple[str, ...]) -> pd.DataFrame:
    rest = [c for c in table.columns if c not in first]
    return table.reindex(columns=[*first, *rest])


def _write_csv(table: pd.DataFrame, path: Path) -> None:
    rounded = table.copy()
    numeric = rounded.select_dtypes("number").columns
    rounded[numeric] = rounded[numeric].round(CSV_DECIMALS)
    rounded.to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\n")


def _json_safe(value):
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_safe(v) for v in value]
    if isinstance(value, float | np.floating):
        return None if not np.isfinite(value) else float(value)
    if isinstance(value, np.integer | np.bool_):
        return value.item()
    return value
