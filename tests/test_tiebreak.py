"""The tie-break of MODEL.md §6: one plan, the same county figures with every backend,
solver and linkage form; flows from those figures by one rule; Z of the final plan
within 10⁻⁹ of the LP's; ``tie_break = "none"`` is the solver's own vertex as before."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from checker import assert_feasible
from factories import county, dataset
from hypothesis import HealthCheck, given, settings
from test_cross_backend import EXACT, PAIRS, small_datasets
from typer.testing import CliRunner

from models.results import Status
from models.scenario import TieBreakMethod
from optimizer import load_dataset, solve
from optimizer.cli.app import app
from optimizer.formulation.build import build
from optimizer.runs.read import read_run
from optimizer.solve import assemble
from optimizer.solvers import get_backend

REFERENCE = Path(__file__).resolve().parent.parent / "inputs" / "shanxi-central"
#: The county figures MODEL.md §6 makes unique (allocation.csv columns).
FIGURES = [
    "allocation",
    "quota",
    "linkage_in",
    "linkage_out",
    "reclaimed",
    "supplemented",
    "shortfall",
]
ATOL, RTOL = 1e-3, 1e-6  # ha, and relative (MODEL.md §6)


def figures(result) -> pd.DataFrame:
    return result.counties.set_index("county_id")[FIGURES].sort_index()


def flows(result) -> pd.DataFrame:
    return result.flows.set_index(["from_id", "to_id"])["amount"].sort_index()


def assert_same_figures(a, b, label: str = "") -> None:
    fa, fb = figures(a), figures(b)
    gap = (fa - fb).abs()
    limit = ATOL + RTOL * np.maximum(fa.abs(), fb.abs())
    assert (gap <= limit).all().all(), f"{label}: county figures differ by {gap.max().max()}"


def assert_same_flows(a, b, label: str = "") -> None:
    fa, fb = flows(a), flows(b)
    assert list(fa.index) == list(fb.index), f"{label}: other pairs"
    assert np.allclose(fa.to_numpy(), fb.to_numpy(), atol=ATOL, rtol=RTOL), label


def tie_T(ds, result) -> float:
    """T of MODEL.md §6 recomputed from allocation.csv (o_i = linkage_out, n_i from flows)."""
    c = result.counties.set_index("county_id").loc[ds.counties["county_id"]]
    received = result.flows.groupby("to_id")["amount"].sum().reindex(c.index, fill_value=0.0)
    m = np.maximum(1.0, ds.counties["demand"].to_numpy(float))
    squares = (
        c["allocation"] ** 2
        + c["quota"] ** 2
        + c["reclaimed"] ** 2
        + c["supplemented"] ** 2
        + c["linkage_out"] ** 2
        + received**2
    ).to_numpy()
    return float((squares / m).sum())


@pytest.fixture(scope="module")
def reference():
    return load_dataset(REFERENCE)


@pytest.fixture(scope="module")
def baseline(reference):
    return solve(reference, backend="highs", solver="simplex")


FORMS = ["auto", "pairwise"]


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize(("backend", "solver"), PAIRS)
def test_reference_same_county_figures_everywhere(reference, baseline, backend, solver, form):
    result = solve(reference, backend=backend, solver=solver, linkage_form=form)
    assert result.status is Status.OPTIMAL
    tie = result.summary.tie_break
    assert tie.ran and tie.method is TieBreakMethod.QUADRATIC
    assert_same_figures(result, baseline, f"{backend}/{solver}/{form}")
    assert_same_flows(result, baseline, f"{backend}/{solver}/{form}")
    # Z of the final plan: within 10⁻⁹·max(1, |Z*|) of the optimum (plus solver round-off)
    z_star = baseline.summary.tie_break.objective_lp
    assert result.objective >= z_star - 2e-9 * max(1.0, abs(z_star))
    assert result.objective == pytest.approx(tie.objective)
    assert_feasible(reference, result, rtol=1e-4 if solver == "pdlp" else 1e-6)


def test_reference_tie_break_lowers_T_against_every_vertex(reference, baseline):
    """The tie-break plan has the least T: no solver's own vertex has a smaller one."""
    best = tie_T(reference, baseline)
    for backend, solver in [("highs", "simplex"), ("ortools", "glop"), ("pulp", "cbc")]:
        vertex = solve(reference, backend=backend, solver=solver, tie_break_method="none")
        assert vertex.summary.tie_break.ran is False
        assert tie_T(reference, vertex) >= best - 1e-6 * best
        assert vertex.objective == pytest.approx(baseline.objective, rel=1e-9)


def test_tie_break_none_is_the_solvers_vertex(reference):
    """``tie_break = none``: the tables of the LP vertex, exactly as before the tie-break."""
    f = build(reference)
    solution = get_backend("highs").solve(f.lp, "simplex", 60)
    before = assemble(f, solution, "highs", "simplex")
    none = solve(
        reference, backend="highs", solver="simplex", overrides={"solver.tie_break": "none"}
    )
    pd.testing.assert_frame_equal(none.counties, before.counties)
    pd.testing.assert_frame_equal(none.flows, before.flows)
    assert none.objective == solution.objective
    assert none.summary.tie_break.ran is False
    assert "none" in none.summary.tie_break.reason
    assert "tie_break" not in none.summary.timings.model_dump(exclude_none=True)


def test_unique_prices_do_not_depend_on_the_tie_break(reference, baseline):
    none = solve(reference, backend="highs", solver="simplex", tie_break_method="none")
    columns = ["family", "id", "gain_per_unit", "gain_holds_to", "loss_per_unit", "loss_holds_to"]
    pd.testing.assert_frame_equal(baseline.marginals[columns], none.marginals[columns])


def test_two_equal_counties_share_evenly():
    """Two counties alike in all but id, one pool for both: every split of the pool has
    the same Z; the tie-break halves it (A = q = 50 each, the least Σ A²/m + q²/m)."""
    rows = [county(i, demand=100.0, reclaim_potential=0.0) for i in ("01", "02")]
    ds = dataset(rows, quota=100.0, linkage={"scope": "none"})
    for backend, solver in [("highs", "simplex"), ("ortools", "glop"), ("pulp", "cbc")]:
        result = solve(ds, backend=backend, solver=solver)
        c = result.counties.set_index("county_id")
        assert c["allocation"].to_numpy() == pytest.approx([50.0, 50.0], abs=1e-6)
        assert c["quota"].to_numpy() == pytest.approx([50.0, 50.0], abs=1e-6)
        assert_feasible(ds, result)


def cross_city_dataset():
    """Region scope, three cities: 甲市's counties reclaim much and need little, 乙市's and
    丙市's need much with a small pool, so indicators must cross cities."""
    rows = [
        county("01", city="甲市", demand=50.0, reclaim_potential=900.0),
        county("02", city="甲市", demand=80.0, reclaim_potential=700.0),
        county("03", city="乙市", demand=600.0, reclaim_potential=0.0),
        county("04", city="乙市", demand=500.0, reclaim_potential=20.0),
        county("05", city="丙市", demand=400.0, reclaim_potential=0.0, zone="agricultural"),
    ]
    return dataset(
        rows,
        quota=300.0,
        linkage={"scope": "region", "same_city_cost": 0.005, "cross_city_cost": 0.02},
    )


def test_cross_city_flows_agree_across_backends_and_forms():
    ds = cross_city_dataset()
    base = solve(ds, backend="highs", solver="simplex")
    cross = base.flows[base.flows["from_city"] != base.flows["to_city"]]
    assert not cross.empty and (cross["amount"] > 1.0).any()
    for backend, solver in [*EXACT, ("highs", "ipm")]:
        for form in FORMS:
            result = solve(ds, backend=backend, solver=solver, linkage_form=form)
            label = f"{backend}/{solver}/{form}"
            assert_same_figures(result, base, label)
            assert_same_flows(result, base, label)
            assert_feasible(ds, result)


def test_flows_follow_the_county_figures():
    """flows.csv sums to each county's linkage_out and received, city pairs first."""
    ds = cross_city_dataset()
    result = solve(ds, backend="highs", solver="simplex")
    c = result.counties.set_index("county_id")
    sent = result.flows.groupby("from_id")["amount"].sum().reindex(c.index, fill_value=0.0)
    got = result.flows.groupby("to_id")["amount"].sum().reindex(c.index, fill_value=0.0)
    received = c["linkage_in"] - c["linkage_self"]
    assert np.allclose(sent, c["linkage_out"], atol=1e-6)
    assert np.allclose(got, received, atol=1e-6)
    # a city's own senders serve its own receivers before any indicator crosses cities
    city = c["city"]
    out_city = c["linkage_out"].groupby(city).sum()
    in_city = received.groupby(city).sum()
    inside = result.flows[result.flows["from_city"] == result.flows["to_city"]]
    kept = inside.groupby("from_city")["amount"].sum().reindex(out_city.index, fill_value=0.0)
    assert np.allclose(kept, np.minimum(out_city, in_city), atol=1e-6)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ds=small_datasets())
def test_random_datasets_same_county_figures(ds):
    base = solve(ds, backend="highs", solver="simplex")
    if base.status is not Status.OPTIMAL:
        return
    assert base.summary.tie_break.ran
    z_star = base.summary.tie_break.objective_lp
    for backend, solver in [("ortools", "glop"), ("pulp", "cbc"), ("highs", "ipm")]:
        for form in FORMS:
            result = solve(ds, backend=backend, solver=solver, linkage_form=form)
            label = f"{backend}/{solver}/{form}"
            assert result.status is Status.OPTIMAL, label
            assert_same_figures(result, base, label)
            assert_same_flows(result, base, label)
            assert result.objective >= z_star - 2e-9 * max(1.0, abs(z_star)) - 1e-7, label
            assert_feasible(ds, result)


def test_cli_tie_break_option_and_summary(tmp_path):
    runner = CliRunner()
    out = tmp_path / "none"
    done = runner.invoke(app, ["solve", str(REFERENCE), "--out", str(out), "--tie-break", "none"])
    assert done.exit_code == 0, done.output
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["tie_break"]["ran"] is False
    assert summary["scenario"]["solver"]["tie_break"] == "none"
    out = tmp_path / "on"
    done = runner.invoke(app, ["solve", str(REFERENCE), "--out", str(out), "--json"])
    assert done.exit_code == 0, done.output
    summary = json.loads(done.stdout)
    tie = summary["tie_break"]
    assert tie["ran"] is True and tie["method"] == "quadratic"
    assert tie["objective"] == summary["objective"]
    assert summary["timings"]["tie_break"] >= 0 and tie["qp_columns"] > 0
    assert read_run(out).summary.tie_break.ran is True
    bad = runner.invoke(
        app, ["solve", str(REFERENCE), "--out", str(tmp_path / "x"), "--tie-break", "cubic"]
    )
    assert bad.exit_code != 0
    assert "solver.tie_break" in bad.output and "cubic" in bad.output
    assert not (tmp_path / "x").exists()


def test_transfer_costs_flows_are_the_cheapest_and_agree():
    """transfer_costs.csv lists the allowed pairs: flows.csv moves the unique figures over
    them at least cost, the same with every backend; Z re-checked from flows.csv."""
    from optimizer import dataset_from_tables

    rows = [
        county("01", demand=20.0, reclaim_potential=400.0),
        county("02", demand=20.0, reclaim_potential=400.0),
        county("03", demand=500.0, reclaim_potential=0.0),
        county("04", demand=500.0, reclaim_potential=0.0),
    ]
    costs = [
        {"from_id": "01", "to_id": "03", "cost": 0.01},
        {"from_id": "01", "to_id": "04", "cost": 0.03},
        {"from_id": "02", "to_id": "04", "cost": 0.01},
        {"from_id": "02", "to_id": "03", "cost": 0.03},
    ]
    scenario = {"scenario": {"name": "pairs"}, "quota": {"total": 100.0}}
    ds = dataset_from_tables(rows, [], [], scenario, costs)
    base = solve(ds, backend="highs", solver="simplex")
    assert base.summary.tie_break.ran
    assert set(base.flows["cost"]) == {0.01}  # only the cheap pairs carry indicators
    for backend, solver in [("ortools", "glop"), ("pulp", "cbc"), ("highs", "ipm")]:
        result = solve(ds, backend=backend, solver=solver)
        assert_same_figures(result, base, f"{backend}/{solver}")
        assert_same_flows(result, base, f"{backend}/{solver}")
        assert_feasible(ds, result)
