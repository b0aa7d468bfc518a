"""The tie-break with existing stock and 增存挂钩 (MODEL.md §6, §8): T adds z_i²/m_i and
counts a county's whole quota q_i = q_i^free + q_i^link; a second stage makes the split
of that quota unique (the least Σ (q_i^link)²/m_i of the plans with T's figures). The
county figures, stock_used and quota_linked included, are the same with every backend,
solver and linkage form."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from checker import assert_feasible
from factories import county, dataset
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_cross_backend import PAIRS, small_datasets
from test_tiebreak import ATOL, FIGURES, FORMS, RTOL, assert_same_flows

from models.results import Status
from optimizer import load_dataset, solve

INSTRUMENTS = Path(__file__).resolve().parent.parent / "inputs" / "shanxi-central-instruments"
#: allocation.csv columns the tie-break makes unique when stock is reused.
STOCK_FIGURES = [*FIGURES, "stock_used", "quota_linked"]
ABS = 1e-6  # ha, hand-computed cases


def stock_figures(result):
    table = result.counties.set_index("county_id").sort_index()
    return table[[c for c in STOCK_FIGURES if c in table]]


def assert_same_stock_figures(a, b, label: str) -> None:
    fa, fb = stock_figures(a), stock_figures(b)
    assert list(fa.columns) == list(fb.columns), label
    gap = (fa - fb).abs()
    limit = ATOL + RTOL * np.maximum(fa.abs(), fb.abs())
    assert (gap <= limit).all().all(), f"{label}: county figures differ by {gap.max().max()}"


def _row(result, county_id: str):
    return result.counties.set_index("county_id").loc[county_id]


@pytest.fixture(scope="module")
def instruments():
    return load_dataset(INSTRUMENTS)


@pytest.fixture(scope="module")
def instruments_baseline(instruments):
    return solve(instruments, backend="highs", solver="simplex")


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize(("backend", "solver"), PAIRS)
def test_instruments_same_county_figures_everywhere(
    instruments, instruments_baseline, backend, solver, form
):
    """The reference with projects, reserve, stock and 增存挂钩: one plan for all."""
    result = solve(instruments, backend=backend, solver=solver, linkage_form=form)
    assert result.status is Status.OPTIMAL
    assert result.summary.tie_break.ran, result.summary.tie_break.reason
    assert "stock_used" in result.counties and "quota_linked" in result.counties
    label = f"{backend}/{solver}/{form}"
    assert_same_stock_figures(result, instruments_baseline, label)
    assert_same_flows(result, instruments_baseline, label)
    z_star = instruments_baseline.summary.tie_break.objective_lp
    assert result.objective >= z_star - 2e-9 * max(1.0, abs(z_star))
    assert_feasible(instruments, result, rtol=1e-4 if solver == "pdlp" else 1e-6)


def test_stock_and_new_land_share_a_county_by_T():
    """X: demand 90, stock 90 at cost 0, Q = 200: every split A + z = 90 is optimal.
    T = A² + q² + z² with q = A (no linkage): 2A² + z², least at z = 2A: A = 30, z = 60."""
    ds = dataset([county("X", demand=90, stock_potential=90)], quota=200, stock={"cost": 0.0})
    for backend, solver in [("highs", "simplex"), ("ortools", "glop"), ("pulp", "cbc")]:
        r = solve(ds, backend=backend, solver=solver)
        assert r.summary.tie_break.ran
        x = _row(r, "X")
        assert (x["allocation"], x["stock_used"]) == pytest.approx((30.0, 60.0), abs=ABS)


@pytest.mark.parametrize("form", FORMS)
def test_linked_quota_split_by_demand(form):
    """X (demand 100, stock 50), Y (demand 300, stock 150), Q = 200, λ = 0.1, μ = 1, no
    linkage. Stock is used in full (50 + 150), new land fills the rest: A = 50 and 150 =
    Q, so both pools bind: Σ q^free = 180, Σ q^link = 20. T fixes each county's whole
    quota; the split is the least q_X²/100 + q_Y²/300 with q_X + q_Y = 20: 5 and 15."""
    ds = dataset(
        [
            county("X", demand=100, stock_potential=50),
            county("Y", demand=300, stock_potential=150),
        ],
        quota=200,
        stock={"linked_share": 0.1, "quota_per_ha": 1.0},
        linkage={"scope": "none"},
    )
    for backend, solver in [("highs", "simplex"), ("ortools", "glop"), ("pulp", "cbc")]:
        r = solve(ds, backend=backend, solver=solver, linkage_form=form)
        assert r.summary.tie_break.ran, r.summary.tie_break.reason
        x, y = _row(r, "X"), _row(r, "Y")
        assert (x["allocation"], y["allocation"]) == pytest.approx((50.0, 150.0), abs=ABS)
        assert (x["stock_used"], y["stock_used"]) == pytest.approx((50.0, 150.0), abs=ABS)
        assert (x["quota_linked"], y["quota_linked"]) == pytest.approx((5.0, 15.0), abs=ABS)
        assert (x["quota"], y["quota"]) == pytest.approx((45.0, 135.0), abs=ABS)
        assert (x["linkage_in"], y["linkage_in"]) == pytest.approx((0.0, 0.0), abs=ABS)


@st.composite
def stock_datasets(draw):
    """small_datasets with stock in some counties and, sometimes, 增存挂钩."""
    ds = draw(small_datasets())
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    counties = ds.counties.copy()
    demand = counties["demand"].to_numpy(float)
    counties["stock_potential"] = np.where(
        rng.random(len(counties)) < 0.6, np.round(demand * rng.uniform(0, 0.8, len(demand))), 0.0
    )
    stock = {
        "cost": float(draw(st.sampled_from([0.0, 0.01, 0.2]))),
        "linked_share": float(draw(st.sampled_from([0.0, 0.1, 0.3]))),
        "quota_per_ha": float(draw(st.sampled_from([0.5, 1.0]))),
    }
    scenario = ds.scenario.model_copy(update={"stock": ds.scenario.stock.model_copy(update=stock)})
    return replace(ds, counties=counties, scenario=scenario)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ds=stock_datasets())
def test_random_stock_datasets_same_county_figures(ds):
    base = solve(ds, backend="highs", solver="simplex")
    if base.status is not Status.OPTIMAL:
        return
    assert base.summary.tie_break.ran, base.summary.tie_break.reason
    for backend, solver in [("ortools", "glop"), ("pulp", "cbc"), ("highs", "ipm")]:
        for form in FORMS:
            result = solve(ds, backend=backend, solver=solver, linkage_form=form)
            label = f"{backend}/{solver}/{form}"
            assert result.status is Status.OPTIMAL, label
            assert result.summary.tie_break.ran, (label, result.summary.tie_break.reason)
            assert_same_stock_figures(result, base, label)
            assert_same_flows(result, base, label)
            assert_feasible(ds, result)


def test_phased_stock_same_period_figures():
    """Two periods with stock and 增存挂钩: allocation_by_period.csv agrees everywhere."""
    ds = load_dataset(INSTRUMENTS)
    over = {"periods.end_years": [2025, 2035]}
    base = solve(ds, backend="highs", solver="simplex", overrides=over)
    assert base.status is Status.OPTIMAL and base.summary.tie_break.ran
    keys = ["county_id", "period_end"]
    want = base.periods.set_index(keys).sort_index()
    cols = [
        c
        for c in ("allocation", "quota", "linkage_in", "reclaimed", "supplemented", "stock_used")
        if c in want
    ]
    assert "stock_used" in cols
    for backend, solver in [("ortools", "glop"), ("pulp", "cbc"), ("highs", "ipm")]:
        for form in FORMS:
            r = solve(ds, backend=backend, solver=solver, linkage_form=form, overrides=over)
            label = f"{backend}/{solver}/{form}"
            assert r.summary.tie_break.ran, (label, r.summary.tie_break.reason)
            got = r.periods.set_index(keys).sort_index()
            gap = (got[cols] - want[cols]).abs()
            limit = ATOL + RTOL * np.maximum(got[cols].abs(), want[cols].abs())
            assert (gap <= limit).all().all(), f"{label}: {gap.max().max()}"
            assert_same_stock_figures(r, base, label)
