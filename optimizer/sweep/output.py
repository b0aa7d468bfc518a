"""Write a sweep folder (scenarios.csv, counties.csv, robustness.csv, report.html,
summary.json) atomically, as a run folder is written (docs/runs.md), with a marker of
kind ``sweep``: a sweep replaces only an earlier sweep, and a run never replaces a sweep."""

from __future__ import annotations

from pathlib import Path

from optimizer.runs.json_text import to_json
from optimizer.runs.schema import SWEEP
from optimizer.runs.target import RunTarget, check_target
from optimizer.runs.write import write_folder
from optimizer.sweep.api import SweepResult
from optimizer.sweep.report import report_html

SCENARIOS_FILE, COUNTIES_FILE, ROBUSTNESS_FILE = "scenarios.csv", "counties.csv", "robustness.csv"
REPORT_FILE, SUMMARY_FILE = "report.html", "summary.json"
#: Suffix of the default sweep folder: outputs/<scenario name>-sweep/.
SWEEP_SUFFIX = "-sweep"


def default_folder(result_name: str) -> Path:
    """outputs/<scenario name>-sweep."""
    return Path("outputs") / f"{result_name}{SWEEP_SUFFIX}"


def sweep_files(result: SweepResult) -> dict[str, object]:
    """File name → table or text of the sweep folder."""
    return {
        SCENARIOS_FILE: result.scenarios,
        COUNTIES_FILE: result.counties,
        ROBUSTNESS_FILE: result.robustness,
        REPORT_FILE: report_html(result.scenarios, result.keys, result.summary),
        SUMMARY_FILE: to_json(result.summary) + "\n",
    }


def check_sweep_target(out_dir: str | Path | RunTarget, dataset_folder: Path | None) -> RunTarget:
    """Where a sweep may be written: as for a run (``check_target``), but what is there
    already must be an earlier sweep folder (its marker's kind is ``sweep``): a run
    folder, a dataset or a synthetic dataset is never replaced by a sweep."""
    return check_target(out_dir, dataset_folder, SWEEP)


def write_sweep(result: SweepResult, out_dir: str | Path | RunTarget) -> Path:
    """Write the sweep folder; a UsageError (nothing touched) where that is unsafe."""
    target = check_sweep_target(out_dir, result.dataset.source)
    return write_folder(sweep_files(result), target)
