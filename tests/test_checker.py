"""The independent checker can fail: each broken number is caught by the right rule."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from checker import violations

from optimizer import load_dataset, solve

REFERENCE = Path(__file__).resolve().parent.parent / "inputs" / "shanxi-central"


@pytest.fixture(scope="module")
def solved():
    ds = load_dataset(REFERENCE)
    return ds, solve(ds)


def _broken(result, column: str, county: str, delta: float):
    counties = result.counties.copy()
    counties.loc[counties["county_id"] == county, column] += delta
    return replace(result, counties=counties)


def test_a_clean_solution_passes(solved):
    ds, result = solved
    assert violations(ds, result) == []


@pytest.mark.parametrize(
    ("column", "delta", "rule"),
    [
        ("quota", 10.0, "split"),
        ("allocation", 10.0, "split"),
        ("reclaimed", -50.0, "surplus"),
        ("linkage_in", 5.0, "linkage_in"),
        ("cultivated_2035", 1.0, "cultivated_2035"),
    ],
)
def test_each_broken_number_is_named(solved, column, delta, rule):
    ds, result = solved
    county = result.counties.sort_values("linkage_out", ascending=False)["county_id"].iloc[0]
    found = violations(ds, _broken(result, column, county, delta))
    assert any(v.startswith(rule) for v in found), found


def test_pool_and_objective_are_rechecked(solved):
    ds, result = solved
    tighter = ds.with_scenario(ds.scenario.with_overrides({"quota.total": 50_000}))
    assert any(v.startswith("quota_pool") for v in violations(tighter, result))
    off = replace(
        result, summary=result.summary.model_copy(update={"objective": result.objective + 1.0})
    )
    assert any(v.startswith("objective") for v in violations(ds, off))


def test_objective_tolerance_is_relative_to_gross_terms(solved):
    """CBC writes 8 digits: Z off by 1e-7 of its gross terms passes, 1e-4 is caught."""
    from dataclasses import replace as with_field

    from checker import objective_terms

    ds, result = solved
    a = result.counties.set_index("county_id").loc[ds.counties["county_id"]].reset_index()
    cols = ("allocation", "reclaimed", "supplemented", "shortfall")
    z, gross = objective_terms(ds, a, result.flows, *(a[k].to_numpy(float) for k in cols))
    assert gross > abs(z)  # costs pull against the value terms

    def off_by(delta: float):
        summary = result.summary.model_copy(update={"objective": result.objective + delta})
        return with_field(result, summary=summary)

    assert not [v for v in violations(ds, off_by(1e-7 * gross)) if v.startswith("objective")]
    assert any(v.startswith("objective") for v in violations(ds, off_by(1e-4 * gross)))


@pytest.fixture(scope="module")
def instruments():
    ds = load_dataset(REFERENCE.parent / "shanxi-central-instruments")
    return ds, solve(ds)


def test_instruments_solution_passes_and_broken_numbers_are_named(instruments):
    """MODEL.md §8 re-checked: stock above its potential, linked quota above μ z, a key
    project's county below its projects, the reserve handed out."""
    ds, result = instruments
    assert violations(ds, result) == []
    c = result.counties
    stocked = c.loc[c["stock_used"].idxmax(), "county_id"]
    over = float(ds.counties.set_index("county_id").loc[stocked, "stock_potential"])
    broken = _broken(result, "stock_used", stocked, over)
    assert any(v.startswith("stock_potential") for v in violations(ds, broken))
    linked = c.loc[c["quota_linked"].idxmax(), "county_id"]
    found = violations(ds, _broken(result, "quota_linked", linked, 1e4))
    assert any(v.startswith("stock_link") for v in found)
    assert any(v.startswith("quota_linked[region]") for v in found)
    project = ds.projects["county_id"].iloc[0]
    found = violations(ds, _broken(result, "allocation", project, -1e4))
    assert any(v.startswith("project_min") for v in found)
    no_reserve = ds.with_overrides({"quota.reserve_share": 0.5})
    found = violations(no_reserve, result)
    assert any(v.startswith("quota_reserve") or v.startswith("quota_pool") for v in found)
