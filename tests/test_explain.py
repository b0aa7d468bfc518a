"""explain: prices in words with their ranges, the marginal tier, what limits each county.

Hand-computed small cases (see test_small_cases.py for the tiers), a run folder read
back, and finite-difference checks of prices and ranges on the reference dataset.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from checker import assert_feasible
from factories import county, dataset
from typer.testing import CliRunner

from optimizer import load_dataset, solve, write_run
from optimizer.analysis.explain import explain
from optimizer.cli.app import app
from optimizer.runs.read import read_run
from optimizer.solvers.highs import HighsBackend

REFERENCE = Path(__file__).resolve().parent.parent / "inputs" / "shanxi-central"
runner = CliRunner()


def _price(data: dict, family: str, id_: str = "region") -> dict:
    rows = [p for p in data["prices"] if p["family"] == family and p["id"] == id_]
    assert len(rows) == 1, data["prices"]
    return rows[0]


@pytest.fixture(scope="module")
def weighted_pool():
    """X weight 2, Y weight 1, demand 100 each, Q = 120: X fills tiers 1-2 (80 ha), Y gets
    40 of its 50-ha tier 1. Pool price 1 (Y's tier 1). The price holds while Y's tier 1 is
    partly filled: Q from 80 (Y gets nothing) to 130 (Y's tier 1 full).
    """
    ds = dataset(
        [county("X"), county("Y")],
        quota=120,
        groups=[dict(group_id="g", name="核", kind="core", weight=2.0)],
        members=[dict(group_id="g", county_id="X")],
    )
    r = solve(ds, backend="highs")
    assert_feasible(ds, r)
    return r


def test_pool_price_names_the_county_that_gets_the_next_hectare(weighted_pool):
    data = explain(weighted_pool)
    pool = _price(data, "quota_pool")
    assert pool["value"] == pytest.approx(1.0, abs=1e-9)
    assert "The next hectares would go to 县Y (tier 1)" in pool["text"]
    assert [r["name"] for r in data["marginal_tier"]] == ["县Y"]
    assert data["marginal_tier"][0]["fill"] == pytest.approx(0.8, abs=1e-9)


def test_pool_rates_and_where_they_hold_are_hand_computed(weighted_pool):
    """Gain and loss are both Y's tier-1 value; they hold while Y's tier 1 is partly
    filled (pool 80 to 130 ha). The solver's own basis range is not reported for them."""
    pool = _price(explain(weighted_pool), "quota_pool")
    assert pool["limit"] == pytest.approx(120.0)
    assert pool["rates"] == pytest.approx(
        dict(gain_per_unit=1.0, gain_holds_to=130.0, loss_per_unit=1.0, loss_holds_to=80.0),
        abs=1e-6,
    )
    assert pool["range_lo"] is None and pool["range_hi"] is None
    assert (
        "One more ha of pool raises Z by 1/ha (0.06667/亩), up to a pool of 130 ha; "
        "one ha less lowers it by 1/ha (0.06667/亩), down to 80.0 ha." in pool["text"]
    )


def test_county_limits(weighted_pool):
    c = weighted_pool.counties.set_index("county_id")
    assert c.loc["X", "limited_by"] == "pool" and c.loc["Y", "limited_by"] == "pool"
    assert (c.loc["X", "next_tier"], c.loc["X", "next_value"]) == (3, pytest.approx(0.6))
    assert bool(c.loc["Y", "marginal"]) and not bool(c.loc["X", "marginal"])
    lines = {r["county_id"]: r["text"] for r in explain(weighted_pool)["counties"]}
    assert "tier 3, worth 0.6/ha (0.04/亩); pool price 1/ha (0.06667/亩)" in lines["X"]
    assert "in the marginal tier (80% of tier 1 filled)" in lines["Y"]


def test_bound_price_and_its_range_per_capita_cap():
    """X: the 150 m² cap leaves 100 ha (σ = 1); X asks 300 (tier 1 = 150 ha), Y 100, Q = 300.
    One more ha of room is one more tier-1 ha for X: price 1, for room from 0 up to 150
    (tier 1 full; the pool still has 100 ha spare there). X is limited by the cap.
    """
    ds = dataset([county("X", urban_pop_2035=40_000, demand=300), county("Y")], quota=300)
    r = solve(ds, backend="highs")
    assert_feasible(ds, r)
    cap = _price(explain(r), "per_capita_cap", "X")
    assert cap["value"] == pytest.approx(1.0, abs=1e-9)
    assert (cap["limit"], cap["range_lo"], cap["range_hi"]) == pytest.approx(
        (100.0, 0.0, 150.0), abs=1e-6
    )
    assert r.counties.set_index("county_id").loc["X", "limited_by"] == "per_capita_cap"
    assert "pool is not used up (200 of 300 ha)" in _price(explain(r), "quota_pool")["text"]


def test_without_ranging_the_price_is_there_and_the_range_is_not():
    ds = dataset(
        [county("X"), county("Y")],
        quota=120,
        groups=[dict(group_id="g", name="核", kind="core", weight=2.0)],
        members=[dict(group_id="g", county_id="X")],
    )
    data = explain(solve(ds, backend="ortools", solver="glop"))
    pool = _price(data, "quota_pool")
    assert pool["value"] == pytest.approx(1.0, abs=1e-9)
    assert pool["range_lo"] is None and "holds" not in pool["text"]
    assert not data["ranging_available"] and data["prices_available"]


# ------------------------------------------------------------------ reference dataset


@pytest.fixture(scope="module")
def reference():
    ds = load_dataset(REFERENCE)
    r = solve(ds, backend="highs")
    assert_feasible(ds, r)
    return ds, r


def test_pool_price_matches_a_finite_difference_re_solve(reference):
    """Raise the pool by 1 ha (inside the gain's interval): Z rises by the gain × 1 ha."""
    ds, r = reference
    pool = _price(explain(r), "quota_pool")
    q, step = ds.scenario.quota.total, 1.0
    assert pool["value"] > 0, "the reference pool should be scarce"
    assert q + step < pool["rates"]["gain_holds_to"]
    bumped = solve(ds, backend="highs", overrides={"quota.total": q + step})
    assert_feasible(bumped.formulation.dataset, bumped)
    assert bumped.objective - r.objective == pytest.approx(
        pool["value"] * step, rel=1e-6, abs=1e-6 * abs(r.objective)
    )
    # the hectare goes to a county of the marginal tier, as the sentence says
    before = r.counties.set_index("county_id")["allocation"]
    after = bumped.counties.set_index("county_id")["allocation"]
    grew = set(before.index[(after - before) > 1e-6])
    marginal = {row["county_id"] for row in explain(r)["marginal_tier"]}
    assert grew and grew <= marginal
    assert any(row["name"] in pool["text"] for row in explain(r)["marginal_tier"])


def test_bound_price_matches_a_finite_difference_inside_its_range(reference):
    """The dearest per-capita cap with a range: give it δ ha more room in the LP itself."""
    _, r = reference
    caps = [
        p
        for p in explain(r)["prices"]
        if p["family"] == "per_capita_cap"
        and p["range_hi"] is not None
        and p["range_hi"] > p["limit"] + 1e-3
    ]
    assert caps
    cap = max(caps, key=lambda p: p["value"])
    delta = min(1.0, (cap["range_hi"] - cap["limit"]) / 2)
    f = r.formulation
    sigma = f.params.set_index("county_id").loc[cap["id"], "sigma"]
    col = f.columns.allocation[list(f.params["county_id"]).index(cap["id"])]
    variables = f.lp.variables.copy()
    variables.loc[col, "ub"] = variables.loc[col, "ub"] + delta / sigma
    bumped = HighsBackend().solve(dataclasses.replace(f.lp, variables=variables), "simplex", None)
    assert bumped.objective - r.objective == pytest.approx(
        cap["value"] * delta, rel=1e-6, abs=1e-6 * abs(r.objective)
    )


def test_intensity_sentence_reads_in_points(reference):
    _, r = reference
    text = _price(explain(r), "intensity")["text"]
    tau = r.summary.scenario.intensity.reduction
    assert f"The {100 * tau:.1f}% intensity target" in text


def test_run_folder_explains_like_the_fresh_solve(reference, tmp_path):
    _, r = reference
    write_run(r, tmp_path / "run")
    back = read_run(tmp_path / "run")
    fresh, read = explain(r), explain(back)
    # CSVs keep 6 decimals: the sentences agree up to the rounding of their last digit
    assert [p["text"].split(" The price holds")[0] for p in read["prices"]] == [
        p["text"].split(" The price holds")[0] for p in fresh["prices"]
    ]
    for a, b in zip(read["prices"], fresh["prices"], strict=True):
        for key in ("value", "limit", "range_lo", "range_hi"):
            assert (a[key] is None) == (b[key] is None)
            if a[key] is not None:
                assert a[key] == pytest.approx(b[key], abs=1e-5)
        assert (a["rates"] is None) == (b["rates"] is None)
        if a["rates"] is not None:
            assert a["rates"] == pytest.approx(b["rates"], abs=1e-5)
    assert read["limits"] == fresh["limits"]
    assert [m["county_id"] for m in read["marginal_tier"]] == [
        m["county_id"] for m in fresh["marginal_tier"]
    ]
    summary = json.loads((tmp_path / "run" / "summary.json").read_text(encoding="utf-8"))
    assert summary["explain"]["prices"][0]["family"] == "quota_pool"
    assert summary["explain"]["limits"] == fresh["limits"]


def test_explain_cli_on_a_run_folder_and_on_a_dataset(tmp_path):
    out = tmp_path / "run"
    assert runner.invoke(app, ["solve", str(REFERENCE), "--out", str(out)]).exit_code == 0
    shown = runner.invoke(app, ["explain", str(out)], env={"COLUMNS": "100"})
    assert shown.exit_code == 0, shown.output
    assert "One more ha of pool raises Z by" in shown.output
    assert "Marginal tier:" in shown.output and "What limits each county" in shown.output
    # explain of the dataset solves it as solve did: the same solver, plan and prices
    fresh = runner.invoke(app, ["explain", str(REFERENCE), "--json"])
    assert fresh.exit_code == 0, fresh.output
    data = json.loads(fresh.stdout)
    stored = json.loads(runner.invoke(app, ["explain", str(out), "--json"]).stdout)
    assert [c["allocation"] for c in data["counties"]] == pytest.approx(
        [c["allocation"] for c in stored["counties"]], abs=1e-5
    )
    assert [p["text"] for p in data["prices"]] == [p["text"] for p in stored["prices"]]
    assert data["ranging_available"]  # highs/simplex, as solve chose: prices with ranges
    assert data["prices"][0]["text"].startswith("One more ha of pool raises Z by")
    assert len(data["counties"]) == 53
    assert runner.invoke(app, ["explain", str(out), "--set", "quota.total=1"]).exit_code == 2
    missing = runner.invoke(app, ["explain", str(tmp_path / "nowhere")])
    assert missing.exit_code == 2 and "not found" in missing.output


def test_binding_intensity_target_costs_per_point():
    """One county, 5,000 ha construction land for GDP 100 → 300: at 2020 intensity 2035
    would need L0 = 15,000 ha. τ = 0.664 allows 5,040 ha: 40 ha of new land, all in tier 1
    (value 1), the pool (100 ha) not used up. Price 1 per ha = 150 per point of τ. It holds
    while tier 1 is partly filled: 5,000 to 5,050 ha allowed, τ from 66.33 % to 66.67 %."""
    ds = dataset([county("X")], quota=100, intensity={"reduction": 0.664})
    r = solve(ds, backend="highs")
    assert_feasible(ds, r)
    data = explain(r)
    intensity = _price(data, "intensity")
    assert intensity["value"] == pytest.approx(1.0, abs=1e-9)
    assert (
        "The 66.4% intensity target binds: each point of reduction costs 150 weighted ha of "
        "Z; each ha of construction land it allows is worth 1/ha (0.06667/亩)." in intensity["text"]
    )
    assert intensity["limit"] == pytest.approx(5040.0)
    assert intensity["rates"] == pytest.approx(
        dict(gain_per_unit=1.0, gain_holds_to=5050.0, loss_per_unit=1.0, loss_holds_to=5000.0),
        abs=1e-6,
    )
    assert "the gain holds down to 66.3%, the loss up to 66.7%" in intensity["text"]
    assert _price(data, "quota_pool")["value"] == pytest.approx(0.0, abs=1e-9)
    assert r.counties.loc[0, "limited_by"] == "intensity"
