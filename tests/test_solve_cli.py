"""`landquota solve` as a planner runs it: run folder contract, report, JSON, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from checker import assert_feasible
from typer.testing import CliRunner

from optimizer import load_dataset, solve
from optimizer.cli.app import app
from optimizer.runs.write import write_run

REFERENCE = Path(__file__).resolve().parent.parent / "inputs" / "shanxi-central"
runner = CliRunner()

#: The MODEL.md §5 contract: these columns and keys must exist, under these names.
CONTRACT = {
    "allocation.csv": [
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
    ],
    "groups.csv": ["group_id", "name", "allocation", "share"],
    "flows.csv": ["from_id", "to_id", "amount"],
    "targets.csv": ["target", "value", "limit", "met"],
}
SUMMARY_KEYS = {"status", "objective", "backend", "solver", "scenario", "timings", "lp", "warnings"}


@pytest.fixture(scope="module")
def reference_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("run") / "ref"
    result = runner.invoke(
        app, ["solve", str(REFERENCE), "--out", str(out)], env={"COLUMNS": "100"}
    )
    return result, out


def test_reference_solves_and_writes_the_contract(reference_run):
    result, out = reference_run
    assert result.exit_code == 0, result.output
    for name, columns in CONTRACT.items():
        raw = (out / name).read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf"), f"{name} is not UTF-8 with BOM"
        table = pd.read_csv(out / name, encoding="utf-8-sig", dtype={"county_id": str})
        assert list(table.columns[: len(columns)]) == columns
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert set(summary) >= SUMMARY_KEYS
    assert summary["status"] == "optimal"
    assert summary["lp"]["rows"] > 0 and summary["lp"]["nnz"] > 0
    assert summary["scenario"]["quota"]["total"] == 60000


def test_run_folder_reloads_to_the_solution(reference_run):
    """The files hold the same numbers as the API's Result (to CSV precision)."""
    _, out = reference_run
    ds = load_dataset(REFERENCE)
    result = solve(ds)
    assert_feasible(ds, result)
    table = pd.read_csv(out / "allocation.csv", encoding="utf-8-sig", dtype={"county_id": str})
    merged = table.merge(result.counties, on="county_id", suffixes=("_file", ""))
    assert len(merged) == len(ds.counties) == 53
    for column in ("allocation", "quota", "linkage_in", "per_capita_2035", "cultivated_2035"):
        assert (merged[f"{column}_file"] - merged[column]).abs().max() < 1e-5
    assert set(table["name"]) == set(ds.counties["name"])  # Chinese names survive
    flows = pd.read_csv(out / "flows.csv", encoding="utf-8-sig", dtype=str)
    assert (flows["from_id"] != flows["to_id"]).all()
    assert (flows["amount"].astype(float) > 0).all()
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["objective"] == pytest.approx(result.objective, rel=1e-9)


def test_report_shows_headline_targets_groups_counties(reference_run):
    result, _ = reference_run
    text = result.output
    assert "OPTIMAL" in text
    assert "quota used 60,000 of 60,000 ha" in text
    for target in ("quota_pool", "intensity_reduction", "farmland_region", "dev_boundary"):
        assert target in text
    assert "一核:太原都市区" in text or "太原都市区" in text
    assert "小店区" in text and "Top linkage flows" in text
    assert "\x1b[" not in text  # plain text when not a terminal
    assert max(len(line) for line in text.splitlines()) <= 100


def test_json_prints_only_the_summary(tmp_path):
    result = runner.invoke(app, ["solve", str(REFERENCE), "--out", str(tmp_path / "r"), "--json"])
    assert result.exit_code == 0
    summary = json.loads(result.stdout)
    assert summary["status"] == "optimal" and set(summary) >= SUMMARY_KEYS


def test_console_script_json_is_clean_stdout(tmp_path):
    """Through the real console script: no solver banner or log lines on stdout."""
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "optimizer.cli.app",
            "solve",
            str(REFERENCE),
            "--backend",
            "highs",
            "--out",
            str(tmp_path / "r"),
            "--json",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["backend"] == "highs"


@pytest.mark.parametrize(
    ("backend", "solver"), [("ortools", "pdlp"), ("pulp", "cbc"), ("highs", "ipm")]
)
def test_backend_and_solver_options(tmp_path, backend, solver):
    result = runner.invoke(
        app,
        [
            "solve",
            str(REFERENCE),
            "--out",
            str(tmp_path / "r"),
            "--backend",
            backend,
            "--solver",
            solver,
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert (summary["backend"], summary["solver"]) == (backend, solver)


def test_unknown_backend_or_solver_is_a_usage_error(tmp_path):
    result = runner.invoke(app, ["solve", str(REFERENCE), "--backend", "gurobix"])
    assert result.exit_code == 2
    assert "unknown backend 'gurobix'" in result.output
    result = runner.invoke(app, ["solve", str(REFERENCE), "--solver", "simplexx"])
    assert result.exit_code == 2
    assert "no backend has a solver 'simplexx'" in result.output
    assert not (tmp_path / "r").exists()


def test_default_run_folder_is_outputs_scenario_name(tmp_path):
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        result = runner.invoke(app, ["solve", str(REFERENCE), "--json"])
    finally:
        os.chdir(cwd)
    assert result.exit_code == 0
    assert (tmp_path / "outputs" / "shanxi-central-2035" / "allocation.csv").exists()


def test_time_limit_is_honoured():
    ds = load_dataset(REFERENCE)
    for backend in ("ortools", "highs"):
        result = solve(ds, backend=backend, time_limit_s=1e-9)
        assert result.status.value == "time_limit"
        assert result.counties.empty


def test_time_limit_run_exits_5_and_writes_nothing(tmp_path):
    out = tmp_path / "r"
    result = runner.invoke(
        app,
        ["solve", str(REFERENCE), "--out", str(out), "--backend", "highs", "--time-limit", "1e-9"],
    )
    assert result.exit_code == 5
    assert "TIME_LIMIT" in result.output
    assert not out.exists()


def test_bad_data_exits_1_without_output(tmp_path, dataset_dir):
    (dataset_dir / "counties.csv").write_text(
        (dataset_dir / "counties.csv")
        .read_text(encoding="utf-8")
        .replace("1000000,950000", "abc,950000"),
        encoding="utf-8",
    )
    out = tmp_path / "r"
    result = runner.invoke(app, ["solve", str(dataset_dir), "--out", str(out)])
    assert result.exit_code == 1
    assert "counties.csv row 2" in result.output and "pop_2020" in result.output
    assert not out.exists()


def test_write_is_atomic(tmp_path, monkeypatch):
    """A failure while writing leaves the previous run folder untouched and no debris."""
    ds = load_dataset(REFERENCE)
    result = solve(ds)
    out = tmp_path / "run"
    write_run(result, out)
    before = (out / "allocation.csv").read_bytes()

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(pd.DataFrame, "to_csv", broken)
    with pytest.raises(OSError):
        write_run(result, out)
    assert (out / "allocation.csv").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]


def test_same_inputs_same_files(tmp_path):
    ds = load_dataset(REFERENCE)
    for name in ("a", "b"):
        write_run(solve(ds), tmp_path / name)
    for name in CONTRACT:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_reader_stopping_early_keeps_the_exit_code(tmp_path):
    """`landquota solve … | head -1`: a closed pipe neither fails a good run (rich's
    default would exit 1, "invalid data") nor hides an infeasible one (exit 4)."""

    def piped(*args: str) -> tuple[str, str]:
        command = (
            f"{sys.executable} -m optimizer.cli.app solve {REFERENCE} {' '.join(args)} "
            "| head -1; echo status=${PIPESTATUS[0]}"
        )
        proc = subprocess.run(
            command,
            shell=True,
            executable="/bin/bash",
            text=True,
            capture_output=True,
            check=False,
            env={**os.environ, "COLUMNS": "100"},
        )
        first, *_, last = proc.stdout.splitlines()
        return first, last

    first, status = piped("--out", str(tmp_path / "ok"))
    assert first.startswith("landquota shanxi-central-2035") and status == "status=0"
    assert (tmp_path / "ok" / "allocation.csv").exists()
    first, status = piped(
        "--out", str(tmp_path / "no"), "--set", "quota.total=500", "--set", "linkage.scope=none"
    )
    assert "INFEASIBLE" in first and status == "status=4"
