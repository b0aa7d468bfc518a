"""Read a run folder back into a Result, or solve a dataset folder: what explain and compare read.

A run folder (MODEL.md §5) holds summary.json and the CSV tables; ids are read
as text so that leading zeros survive. A Result read back has no formulation
or solution: everything downstream works from the tables and the summary.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import ValidationError

from models.results import Summary
from optimizer.analysis.tables import Result, flags_from_text
from optimizer.data.problems import UsageError
from optimizer.runs.schema import RUN, SUMMARY_FILE, TABLE_FILES, TEXT_COLUMNS
from optimizer.runs.target import marked_kind


def is_run_folder(path: Path) -> bool:
    """A folder to read back as a run: it has summary.json (with or without the marker)."""
    return (Path(path) / SUMMARY_FILE).is_file()


def read_run(folder: str | Path) -> Result:
    """The Result a run folder records (tables empty where a file is absent)."""
    folder = Path(folder)
    path = folder / SUMMARY_FILE
    if not folder.is_dir():
        raise UsageError(f"run folder not found: {folder}")
    if not path.is_file():
        raise UsageError(f"{folder} is not a run folder: it has no summary.json")
    kind = marked_kind(folder)
    if kind is not None and kind != RUN:
        raise UsageError(
            f"{folder} is a landquota {kind.noun}, not a run folder: explain and compare "
            "read run folders (written by `landquota solve`)"
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        summary = Summary.model_validate(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise UsageError(f"{path}: not valid JSON ({err})") from None
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise UsageError(f"{path}: not a landquota summary ({where}: {first['msg']})") from None
    tables = {attr: _read_table(folder / name) for attr, name in TABLE_FILES.items()}
    # allocation.csv's binding column back into flags (Result.binding)
    binding = tables["counties"].pop("binding") if "binding" in tables["counties"] else None
    flags = pd.DataFrame() if binding is None else flags_from_text(binding)
    tables["diagnosis"] = _with_cause_codes(tables["diagnosis"], summary)
    return Result(summary=summary, binding=flags, **tables)


def _with_cause_codes(diagnosis: pd.DataFrame, summary: Summary) -> pd.DataFrame:
    """diagnosis.csv with each cause's code and params from summary.json (the rows are the
    same, in the same order), so that the reports word the causes in their language as
    after a solve. A summary without codes, or whose rows do not match, adds nothing."""
    rows = summary.diagnosis.rows if summary.diagnosis is not None else []
    kinds = diagnosis["kind"].tolist() if "kind" in diagnosis else []
    if not any(r.code for r in rows) or kinds != [r.kind for r in rows]:
        return diagnosis
    return diagnosis.assign(code=[r.code for r in rows], params=[r.params for r in rows])


def _read_table(path: Path) -> pd.DataFrame:
    if not path.is_file():
        return pd.DataFrame()
    try:
        table = pd.read_csv(
            path,
            encoding="utf-8-sig",
            dtype={c: str for c in TEXT_COLUMNS},
            keep_default_na=False,
            na_values=[""],
        )
    except (pd.errors.ParserError, UnicodeDecodeError) as err:
        raise UsageError(f"{path}: not a readable CSV table ({err})") from None
    for column in TEXT_COLUMNS:
        if column in table.columns:
            table[column] = table[column].fillna("")
    return table


def load_result(
    path: str | Path,
    *,
    overrides: dict[str, Any] | None = None,
    backend: str | None = None,
    solver: str | None = None,
    fix: Mapping[str, float] | None = None,
) -> Result:
    """A run folder read back, or a dataset folder solved now as ``solve`` would (nothing is
    written): the same backend, solver and plan as ``landquota solve`` of that folder
    (``fix``: counties held at so many ha, as ``--fix``)."""
    from optimizer.data.read import load_dataset
    from optimizer.solve import solve

    path = Path(path)
    if not path.exists():
        raise UsageError(f"not found: {path} (give a run folder or a dataset folder)")
    if is_run_folder(path):
        if overrides or backend or solver or fix:
            raise UsageError(
                f"{path} is a run folder: --set, --fix, --backend, --solver and --tie-break "
                "apply to dataset folders only"
            )
        return read_run(path)
    if not (path / "scenario.toml").is_file() and not (path / "counties.csv").is_file():
        raise UsageError(
            f"{path} is neither a run folder (summary.json) nor a dataset folder "
            "(counties.csv, scenario.toml)"
        )
    return solve(load_dataset(path, overrides), backend=backend, solver=solver, fix=fix)
