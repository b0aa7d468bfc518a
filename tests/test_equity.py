"""Equity indicators: Gini coefficients (hand-computed) and zone shares, in summary and report."""

from __future__ import annotations

import math

import numpy as np
import pytest
from checker import assert_feasible
from factories import county, dataset
from typer.testing import CliRunner

from optimizer import solve
from optimizer.analysis.equity import gini
from optimizer.cli.app import app

runner = CliRunner()


def test_gini_of_equal_values_is_zero_and_of_one_holder_is_one_minus_share():
    assert gini(np.array([3.0, 3.0, 3.0])) == pytest.approx(0.0, abs=1e-12)
    # four units, one holds everything: Σ|xi − xj| / (2 n² μ) = 6 / 8
    assert gini(np.array([0.0, 0.0, 0.0, 1.0])) == pytest.approx(0.75, abs=1e-12)


def test_weights_act_as_replication():
    """Weight 2 on a value is the same as listing it twice."""
    weighted = gini(np.array([1.0, 2.0, 5.0]), np.array([2.0, 1.0, 3.0]))
    listed = gini(np.array([1.0, 1.0, 2.0, 5.0, 5.0, 5.0]))
    assert weighted == pytest.approx(listed, abs=1e-12)
    assert 0 < weighted < 1


def test_zero_weights_drop_out_and_nothing_to_compare_is_nan():
    assert gini(np.array([1.0, 9.0, 1.0]), np.array([1.0, 0.0, 1.0])) == pytest.approx(0.0)
    assert math.isnan(gini(np.array([0.0, 0.0])))
    assert math.isnan(gini(np.array([1.0, 2.0]), np.array([0.0, 0.0])))


def _two_counties():
    """X urban (w 1), 100,000 residents; Y agricultural (w 0.7), 300,000; demand 100 each.

    Q = 150: X tier 1 (50 @ 1), Y tier 1 (50 @ 0.7), X tier 2 (30 @ 0.6), then Y tier 2
    gets the last 20 ha @ 0.42: A_X = 80, A_Y = 70.
    """
    return dataset(
        [county("X", pop_2020=100_000), county("Y", zone="agricultural", pop_2020=300_000)],
        quota=150,
    )


def test_equity_in_the_summary_is_hand_computed():
    """Per resident (weighted by residents): sorted Y (70/300k) then X (80/100k); residents
    0.75 / 0.25, land 70/150 then all: G = 1 − [0.75·7/15 + 0.25·(7/15 + 1)] = 17/60.
    Satisfaction 0.7 and 0.8 weighted by equal demand: G = 1 − [0.5·7/15 + 0.5·22/15] = 1/30.
    """
    ds = _two_counties()
    r = solve(ds, backend="highs")
    assert_feasible(ds, r)
    alloc = dict(zip(r.counties["county_id"], r.counties["allocation"], strict=True))
    assert alloc == pytest.approx({"X": 80.0, "Y": 70.0}, abs=1e-6)
    eq = r.summary.equity
    assert eq.gini_allocation_per_resident == pytest.approx(17 / 60, abs=1e-9)
    assert eq.gini_satisfaction == pytest.approx(1 / 30, abs=1e-9)
    assert eq.allocation_per_resident_m2 == pytest.approx(150 * 1e4 / 400_000, abs=1e-9)
    zones = eq.zones
    assert zones["urban"].quota_share == pytest.approx(80 / 150, abs=1e-9)
    assert zones["agricultural"].allocation_ha == pytest.approx(70.0, abs=1e-6)
    assert zones["ecological"].model_dump() == {
        "quota_ha": 0.0,
        "quota_share": 0.0,
        "allocation_ha": 0.0,
        "allocation_share": 0.0,
    }


def test_equity_in_summary_json_and_the_terminal_report(tmp_path, dataset_dir):
    out = tmp_path / "run"
    result = runner.invoke(
        app, ["solve", str(dataset_dir), "--out", str(out)], env={"COLUMNS": "100"}
    )
    assert result.exit_code == 0, result.output
    import json

    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    equity = summary["equity"]
    assert 0 <= equity["gini_allocation_per_resident"] <= 1
    assert set(equity["zones"]) == {"urban", "agricultural", "ecological"}
    assert sum(z["quota_share"] for z in equity["zones"].values()) == pytest.approx(1.0)
    assert "Gini of new land per resident" in result.output
    assert f"{equity['gini_allocation_per_resident']:.3f}" in result.output
    assert "of the pool" in result.output
