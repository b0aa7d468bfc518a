"""Unique prices (MODEL.md §6): gain_per_unit / loss_per_unit and where each holds.

Checked against finite differences of Z with the limit moved, on a hand-computed
degenerate case, on the reference dataset and on random datasets; and the same for
every backend and linkage layout. The re-solves here load the LP into HiGHS on their
own (``z_moved``), not through analysis/prices.py.
"""

from __future__ import annotations

import math
from pathlib import Path

import highspy
import numpy as np
import pandas as pd
import pytest
from factories import county, dataset
from hypothesis import HealthCheck, given, settings
from test_cross_backend import PAIRS, small_datasets

from models.results import Status
from optimizer import load_dataset, solve
from optimizer.analysis.prices import PRICE_COLUMNS, UNIQUE_PRICE_ROWS
from optimizer.formulation.build import Formulation
from optimizer.solvers.highs import load_highs

REFERENCE = Path(__file__).resolve().parent.parent / "inputs" / "shanxi-central"
#: Z of two re-solves agree to this, relative to max(1, |Z|).
Z_RTOL = 1e-8


def z_moved(f: Formulation, family: str, id_: str, move: float) -> float | None:
    """Z with the row's limit relaxed by ``move`` (tightened when < 0); None: infeasible."""
    lp = f.lp
    rows = lp.constraints
    row = int(np.flatnonzero((rows["family"].astype(str) == family) & (rows["id"] == id_))[0])
    lb, ub = lp.row_lb.copy(), lp.row_ub.copy()
    if math.isfinite(ub[row]):
        ub[row] += move
    else:
        lb[row] -= move
    h = load_highs(lp, solver="simplex")
    h.changeRowBounds(row, lb[row], ub[row])
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    return float(h.getInfo().objective_function_value)


def rates(result) -> dict[tuple[str, str], dict]:
    m = result.marginals
    m = m[m["family"].isin(UNIQUE_PRICE_ROWS)]
    return {
        (r["family"], r["id"]): {**{c: r[c] for c in PRICE_COLUMNS}, "limit": r["limit"]}
        for r in m.to_dict("records")
    }


def check_finite_differences(result) -> int:
    """Every unique-price row: the rates are secants inside their intervals, and the rate
    changes right at each finite end (a step past it has a different secant)."""
    f = result.formulation
    z = result.objective
    tol = Z_RTOL * max(1.0, abs(z))
    checked = 0
    for (family, id_), r in rates(result).items():
        limit = r["limit"]
        for side, rate, end in (
            (+1.0, r["gain_per_unit"], r["gain_holds_to"]),
            (-1.0, r["loss_per_unit"], r["loss_holds_to"]),
        ):
            if math.isinf(rate):  # cannot be tightened at all
                assert z_moved(f, family, id_, side * 1e-3) is None
                continue
            reach = abs(end - limit) if math.isfinite(end) else math.inf
            h = min(1.0, reach / 2) if reach > 1e-6 else 0.0
            if h > 0:
                moved = z_moved(f, family, id_, side * h)
                assert moved is not None, (family, id_, side)
                assert side * (moved - z) / h == pytest.approx(rate, abs=tol / h + 1e-7), (
                    family,
                    id_,
                    side,
                )
            if math.isfinite(reach):
                # linear all the way to the end, and no further
                at_end = z_moved(f, family, id_, side * reach)
                assert at_end is not None
                if reach > 1e-6:
                    assert side * (at_end - z) == pytest.approx(rate * reach, abs=10 * tol)
                step = max(1e-3, 1e-4 * reach)
                past = z_moved(f, family, id_, side * (reach + step))
                if past is not None:
                    secant = side * (past - at_end) / step
                    if side > 0:
                        assert secant < rate - 1e-7, (family, id_, "gain goes on past its end")
                    else:
                        assert secant > rate + 1e-7, (family, id_, "loss goes on past its end")
            checked += 1
    return checked


# ------------------------------------------------------------------ hand-computed


@pytest.fixture(scope="module")
def degenerate_pool():
    """X and Y (weight 1) ask 100 ha each, tier 1 = 50 ha each; the pool is 100 ha, exactly
    both tier 1s. One more ha goes to a tier 2 (value 0.6) — up to 160 ha, where both
    tier 2s (30 ha each) are full; one ha less comes out of a tier 1 (value 1) — down to
    a pool of 0. The dual at 100 ha may be anything in [0.6, 1]."""
    ds = dataset([county("X"), county("Y")], quota=100)
    return ds, solve(ds, backend="highs", solver="simplex")


def test_degenerate_pool_gain_is_tier_2_and_loss_tier_1(degenerate_pool):
    _, r = degenerate_pool
    pool = rates(r)[("quota_pool", "region")]
    assert pool["gain_per_unit"] == pytest.approx(0.6, abs=1e-9)
    assert pool["gain_holds_to"] == pytest.approx(160.0, abs=1e-6)
    assert pool["loss_per_unit"] == pytest.approx(1.0, abs=1e-9)
    assert pool["loss_holds_to"] == pytest.approx(0.0, abs=1e-6)
    assert check_finite_differences(r) >= 2


def test_degenerate_pool_in_words(degenerate_pool):
    from optimizer.analysis.explain import explain

    text = next(p["text"] for p in explain(degenerate_pool[1])["prices"])
    assert text.startswith(
        "One more ha of pool raises Z by 0.6/ha (0.04/亩), up to a pool of 160 ha; "
        "one ha less lowers it by 1/ha (0.06667/亩), down to 0.0 ha."
    )


@pytest.mark.parametrize(("backend", "solver"), PAIRS)
def test_degenerate_pool_same_rates_for_every_backend(degenerate_pool, backend, solver):
    ds, r = degenerate_pool
    other = solve(ds, backend=backend, solver=solver)
    assert rates(other) == rates(r)


def test_a_pool_that_cannot_shrink_has_an_infinite_loss():
    """X must get its 100 ha minimum and nothing else can give it land: the pool (100 ha)
    cannot be tightened at all. Relaxing it fills X's tier 2 (100 → 160 ha, value 0.6)."""
    ds = dataset([county("X", min_allocation=100, demand=200)], quota=100)
    r = solve(ds, backend="highs")
    pool = rates(r)[("quota_pool", "region")]
    assert math.isinf(pool["loss_per_unit"]) and pool["loss_holds_to"] == pytest.approx(100.0)
    assert pool["gain_per_unit"] == pytest.approx(0.6)
    assert pool["gain_holds_to"] == pytest.approx(160.0)
    check_finite_differences(r)


def test_group_min_rates_match_a_hand_computed_share():
    """X (in group G, weight 1, ecological zone 0.4) and Y (urban, 1) ask 100 ha each; pool
    100. Without the group Y takes 100. G's minimum share 30 % makes X take 30:
    Z = 70·(50·1 + 20·0.6)/70… per ha of margin the group row trades Y's land for X's."""
    ds = dataset(
        [county("X", zone="ecological"), county("Y")],
        quota=100,
        groups=[dict(group_id="G", name="组", kind="core", weight=1.0, min_share=0.3)],
        members=[dict(group_id="G", county_id="X")],
    )
    r = solve(ds, backend="highs")
    g = rates(r)[("group_min", "G")]
    # one ha of margin less: X gives 1 ha of tier 1 (0.4) to Y's tier 2 (0.6): +0.2
    assert g["gain_per_unit"] == pytest.approx(0.2, abs=1e-9)
    assert g["loss_per_unit"] == pytest.approx(0.2, abs=1e-9)
    assert check_finite_differences(r) >= 2


# ------------------------------------------------------------------ reference


@pytest.fixture(scope="module")
def reference():
    ds = load_dataset(REFERENCE)
    return ds, solve(ds, backend="highs", solver="simplex")


def test_reference_rates_match_finite_differences(reference):
    _, r = reference
    assert check_finite_differences(r) == 2 * len(rates(r))
    assert {f for f, _ in rates(r)} == {
        "quota_pool",
        "intensity",
        "farmland_region",
        "farmland_balance",
        "group_min",
    }


def test_reference_pool_rates_through_the_quota_setting(reference):
    """The same as moving quota.total: Z(Q ± 1 ha) through the public solve."""
    ds, r = reference
    pool = rates(r)[("quota_pool", "region")]
    q = ds.scenario.quota.total
    up = solve(ds, backend="highs", overrides={"quota.total": q + 1}).objective
    down = solve(ds, backend="highs", overrides={"quota.total": q - 1}).objective
    assert up - r.objective == pytest.approx(pool["gain_per_unit"], rel=1e-6)
    assert r.objective - down == pytest.approx(pool["loss_per_unit"], rel=1e-6)
    assert pool["gain_per_unit"] <= pool["loss_per_unit"]


@pytest.mark.parametrize(("backend", "solver"), PAIRS)
def test_reference_same_rates_for_every_backend(reference, backend, solver):
    ds, r = reference
    other = solve(ds, backend=backend, solver=solver)
    assert other.status is Status.OPTIMAL
    assert rates(other) == rates(r)


def test_reference_same_rates_in_both_linkage_layouts(reference):
    ds, r = reference
    pairwise = rates(solve(ds, backend="highs", linkage_form="pairwise"))
    hubs = rates(r)
    assert pairwise.keys() == hubs.keys()
    for key, values in hubs.items():
        assert pairwise[key] == pytest.approx(values, rel=1e-7, abs=1e-6), key


def test_reference_rates_in_marginals_csv_and_summary_json(reference, tmp_path):
    import json

    import pandas as pd

    from optimizer import write_run

    _, r = reference
    write_run(r, tmp_path / "run")
    csv = pd.read_csv(tmp_path / "run" / "marginals.csv", encoding="utf-8-sig")
    pool = csv[csv["family"] == "quota_pool"].iloc[0]
    expected = rates(r)[("quota_pool", "region")]
    for column in PRICE_COLUMNS:
        assert pool[column] == pytest.approx(expected[column], abs=1e-6)
    county_rows = csv[~csv["family"].isin(UNIQUE_PRICE_ROWS)]
    assert county_rows[list(PRICE_COLUMNS)].isna().all().all()
    summary = json.loads((tmp_path / "run" / "summary.json").read_text(encoding="utf-8"))
    price = next(p for p in summary["explain"]["prices"] if p["family"] == "quota_pool")
    assert price["rates"] == pytest.approx(expected_json(expected), abs=1e-6)


def expected_json(r: dict) -> dict:
    return {c: (None if math.isinf(r[c]) else r[c]) for c in PRICE_COLUMNS}


# ------------------------------------------------------------------ random datasets


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ds=small_datasets())
def test_random_datasets_rates_are_secants_and_backend_free(ds):
    r = solve(ds, backend="highs", solver="simplex")
    if r.status is not Status.OPTIMAL:
        return
    found = rates(r)
    for values in found.values():
        assert values["gain_per_unit"] <= values["loss_per_unit"] + 1e-9
    check_finite_differences(r)
    assert rates(solve(ds, backend="ortools", solver="glop")) == found


def test_large_lps_leave_the_rates_empty(monkeypatch, degenerate_pool):
    """From MAX_COLUMNS LP columns up (the interior-point sizes) the rates are not
    computed: the columns are NaN and the sentences fall back to the dual value."""
    import optimizer.analysis.prices as prices

    ds, r = degenerate_pool
    monkeypatch.setattr(prices, "MAX_COLUMNS", r.formulation.lp.shape[1])
    big = solve(ds, backend="highs", solver="simplex")
    pool = big.marginals[big.marginals["family"] == "quota_pool"].iloc[0]
    assert pool[list(PRICE_COLUMNS)].isna().all()
    assert pool["value"] == pytest.approx(r.marginals["value"].iloc[0])


# ------------------------------------------------------------------ warm start


def warm_and_cold(f: Formulation, backend: str, solver: str):
    """The rates started from a backend's optimal plan, and from HiGHS's own cold start."""
    from optimizer.analysis.prices import unique_prices
    from optimizer.solvers import get_backend

    solution = get_backend(backend).solve(f.lp, solver, None)
    assert solution.status is Status.OPTIMAL
    return unique_prices(f, start=solution.x), unique_prices(f)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ds=small_datasets())
def test_random_datasets_warm_start_gives_the_cold_rates(ds):
    """Started from any backend's vertex (or PDLP's near-vertex), the re-solves find exactly
    the rates of the cold path: the start changes the path, never the answer."""
    from optimizer.formulation.build import build

    f = build(ds)
    if solve(ds, backend="highs", solver="simplex").status is not Status.OPTIMAL:
        return
    for backend, solver in (("ortools", "glop"), ("highs", "ipm"), ("pulp", "cbc")):
        warm, cold = warm_and_cold(f, backend, solver)
        pd.testing.assert_frame_equal(warm, cold, check_exact=True)


def test_synthetic_warm_start_gives_the_cold_rates(tmp_path):
    """A 300-county synthetic dataset (group rows, a degenerate pool): warm = cold, exactly."""
    from optimizer.formulation.build import build
    from optimizer.runs.synth import write_synthetic

    f = build(load_dataset(write_synthetic(tmp_path / "d", 300, 30, seed=5)))
    warm, cold = warm_and_cold(f, "ortools", "glop")
    assert len(cold) >= 4
    pd.testing.assert_frame_equal(warm, cold, check_exact=True)


def test_the_price_job_gives_the_table_of_unique_prices(reference):
    """On its own thread (beside the tie-break and the tables) the same table, exactly."""
    from optimizer.analysis.prices import PriceJob, unique_prices

    _, r = reference
    f = r.formulation
    lp = solve(load_dataset(REFERENCE), backend="highs", solver="simplex", tie_break_method="none")
    x = lp.solution.x  # the LP's vertex (with the tie-break, r.solution holds the QP's plan)
    pd.testing.assert_frame_equal(PriceJob(f, x).result(), unique_prices(f, x), check_exact=True)


def test_a_failing_price_job_raises_its_error_in_the_caller(reference, monkeypatch):
    import optimizer.analysis.prices as prices

    def broken(*args, **kwargs):
        raise RuntimeError("re-solve failed")

    monkeypatch.setattr(prices, "unique_prices", broken)
    job = prices.PriceJob(reference[1].formulation)
    with pytest.raises(RuntimeError, match="re-solve failed"):
        job.result()


def test_rows_dealt_over_two_models_give_the_table_of_one(monkeypatch):
    """The rows' probes dealt over two HiGHS models on two threads give exactly the rates
    and limits of one model probing every row in turn (each row starts from the optimum's
    basis, whichever model takes it), on a phased plan with nine priced rows."""
    import optimizer.analysis.prices as prices
    from optimizer.formulation.build import build

    f = build(load_dataset(REFERENCE.parent / "shanxi-central-periods"))
    x = solve(f.dataset, backend="highs", solver="simplex", tie_break_method="none").solution.x
    monkeypatch.setattr(prices, "PROBE_MODELS", 1)
    one = prices.unique_prices(f, x)
    monkeypatch.setattr(prices, "PROBE_MODELS", 2)
    assert len(prices._loaded(f)) == 2
    two = prices.PriceJob(f, x).result()
    assert len(one) == 9
    pd.testing.assert_frame_equal(two, one, check_exact=True)
