"""landquota compare: B − A tables that add up, a run against itself, one-sided counties."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pandas as pd
import pytest
from checker import assert_feasible
from factories import county, dataset
from typer.testing import CliRunner

from optimizer import solve
from optimizer.analysis.compare import compare
from optimizer.cli.app import app
from optimizer.runs.read import read_run

REFERENCE = Path(__file__).resolve().parent.parent / "inputs" / "shanxi-central"
runner = CliRunner()
DTYPES = {"group_id": str, "county_id": str}


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    """The reference scenario and the same with 80 % of its quota pool, as run folders."""
    root = tmp_path_factory.mktemp("cmp")
    a, b = root / "ref", root / "low"
    read_total = tomllib.loads((REFERENCE / "scenario.toml").read_text(encoding="utf-8"))["quota"][
        "total"
    ]
    total = 0.8 * read_total
    assert runner.invoke(app, ["solve", str(REFERENCE), "--out", str(a)]).exit_code == 0
    low = runner.invoke(
        app,
        [
            "solve",
            str(REFERENCE),
            "--out",
            str(b),
            "--set",
            f"quota.total={total}",
            "--name",
            "low-quota",
        ],
    )
    assert low.exit_code == 0, low.output
    return a, b, read_total, total


def test_group_deltas_are_the_difference_of_the_groups_csv_files(two_runs):
    a, b, _, _ = two_runs
    result = runner.invoke(app, ["compare", str(a), str(b), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    ga = pd.read_csv(a / "groups.csv", dtype=DTYPES).set_index("group_id")["allocation"]
    gb = pd.read_csv(b / "groups.csv", dtype=DTYPES).set_index("group_id")["allocation"]
    assert len(data["groups"]) == len(ga) > 0
    for row in data["groups"]:
        # --json keeps the files' 6 decimals, the delta too
        assert row["delta"] == round(gb[row["group_id"]] - ga[row["group_id"]], 6)
        assert row["a"] == ga[row["group_id"]] and row["b"] == gb[row["group_id"]]


def test_headline_and_county_deltas_add_up(two_runs):
    a, b, q_a, q_b = two_runs
    c = compare(read_run(a), read_run(b))
    h = c.headline.set_index("metric")
    assert h.loc["quota used", "delta"] == pytest.approx(q_b - q_a, abs=1e-6)
    assert h.loc["quota used", "delta_pct"] == pytest.approx(-0.2, abs=1e-9)
    # county deltas sum to the change of total new land, up to the CSV's 6 decimals
    assert c.counties["delta"].sum() == pytest.approx(
        h.loc["new construction land", "delta"], abs=1e-4
    )
    assert (c.counties["present"] == "both").all()
    assert c.counties["delta"].abs().is_monotonic_decreasing
    t = c.targets.set_index("target")
    assert (t.loc["quota_pool", "limit_a"], t.loc["quota_pool", "limit_b"]) == (q_a, q_b)
    pool = c.marginals[c.marginals["family"] == "quota_pool"].iloc[0]
    assert pool["b"] > pool["a"] > 0  # a scarcer pool is dearer
    assert not c.identical


def test_terminal_report_reads_without_colour(two_runs):
    a, b, q_a, q_b = two_runs
    result = runner.invoke(app, ["compare", str(a), str(b)], env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    out = result.output
    assert f"−{q_a - q_b:,.0f}" in out  # quota used, with its sign
    for title in (
        "Headline",
        "Plan targets, A vs B",
        "Priority groups",
        "Counties",
        "Prices",
        "Equity",
    ):
        assert title in out
    changed = compare(read_run(a), read_run(b)).counties
    moved = int(((~changed["same"]) | changed["binding_changed"]).sum())
    assert moved > 15
    assert f"15 largest |Δ| of {moved} counties that changed (53 in all)" in out
    assert f"{moved - 15} more counties that changed (--all lists every county)" in out
    first = changed[changed["binding_changed"]].iloc[0]
    assert f"*{first['name']}" in out
    every = runner.invoke(app, ["compare", str(a), str(b), "--all"], env={"COLUMNS": "100"})
    assert "more counties" not in every.output


def test_a_run_compared_with_itself_shows_no_difference(two_runs):
    a, _, _, _ = two_runs
    c = compare(read_run(a), read_run(a))
    assert c.identical
    for table in (c.headline, c.groups, c.counties, c.targets, c.marginals, c.equity):
        assert (table["delta"].fillna(0) == 0).all()
    assert not c.counties["binding_changed"].any()
    result = runner.invoke(app, ["compare", str(a), str(a)])
    assert "No differences" in result.output
    assert "−" not in result.output.split("Δ = B − A")[1]


def test_counties_in_only_one_run_are_listed_not_dropped():
    ds_a = dataset([county("X"), county("Y")], quota=100)  # tier 1 of each: 50 + 50 ha
    ds_b = dataset([county("X"), county("Z")], quota=100)
    ra, rb = solve(ds_a, backend="highs"), solve(ds_b, backend="highs")
    assert_feasible(ds_a, ra)
    assert_feasible(ds_b, rb)
    c = compare(ra, rb)
    present = dict(zip(c.counties["county_id"], c.counties["present"], strict=True))
    assert present == {"X": "both", "Y": "A only", "Z": "B only"}
    y = c.counties.set_index("county_id").loc["Y"]
    assert y["a"] == pytest.approx(50.0, abs=1e-6) and pd.isna(y["b"])
    assert not c.identical
    from rich.console import Console

    from optimizer.cli.report_compare import render_compare

    console = Console(width=100, record=True)
    render_compare(c, console)
    text = console.export_text()
    assert "县Y (A only)" in text and "县Z (B only)" in text


def test_compare_solves_dataset_folders_and_refuses_runs_without_solution(tmp_path, dataset_dir):
    result = runner.invoke(
        app,
        ["compare", str(dataset_dir), str(dataset_dir), "--set-b", "quota.total=2000", "--json"],
    )
    assert result.exit_code == 0, result.output
    head = {r["metric"]: r for r in json.loads(result.stdout)["headline"]}
    assert head["quota used"]["b"] <= 2000 + 1e-6 < head["quota used"]["a"]
    out = tmp_path / "inf"
    runner.invoke(
        app,
        [
            "solve",
            str(dataset_dir),
            "--out",
            str(out),
            "--set",
            "quota.total=100",
            "--set",
            "linkage.scope=none",
        ],
    )
    refused = runner.invoke(app, ["compare", str(out), str(dataset_dir)])
    assert refused.exit_code == 4
    assert "has no solution (infeasible)" in refused.output
    neither = runner.invoke(app, ["compare", str(tmp_path), str(dataset_dir)])
    assert neither.exit_code == 2 and "neither a run folder" in neither.output


def test_binding_changes_are_read_from_the_flags(tmp_path):
    """X is held by the per-capita cap in A (150 m²: 100 ha of room), by its demand in B
    (cap 1,000 m²: room enough); Y gets its whole demand in both. The flags of a run
    folder read back compare like the flags of the solve."""
    from optimizer.runs.write import write_run

    counties = [county("X", urban_pop_2035=40_000, demand=300), county("Y")]
    a = solve(dataset(counties, quota=500), backend="highs")
    b = solve(dataset(counties, quota=500, per_capita={"cap_m2": 1000}), backend="highs")
    assert_feasible(a.formulation.dataset, a)
    c = compare(a, b).counties.set_index("county_id")
    assert c.loc["X", "binding_a"] == ("per_capita_cap",)
    assert c.loc["X", "binding_b"] == ("demand",)
    assert c.loc["Y", "binding_a"] == c.loc["Y", "binding_b"] == ("demand",)
    assert c["binding_changed"].to_dict() == {"X": True, "Y": False}
    text = {r["county_id"]: r["binding_a"] for r in compare(a, b).to_dict()["counties"]}
    assert text == {"X": "per_capita_cap", "Y": "demand"}
    back = compare(read_run(write_run(a, tmp_path / "a")), a)
    assert back.identical and not back.counties["binding_changed"].any()
