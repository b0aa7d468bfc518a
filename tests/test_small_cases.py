"""Tiny cases (2-4 counties) whose optima are computed by hand in each docstring.

Default tiers: shares (0.5, 0.3, 0.2), values (1, 0.6, 0.3); demand 100 ha gives
tiers of 50 / 30 / 20 ha. Every solve also passes the independent checker.
"""

from __future__ import annotations

import pytest
from checker import assert_feasible
from factories import county, dataset

from optimizer import solve

#: Backends with real prices; each case is solved and priced by both.
PRICED = [("highs", "simplex"), ("ortools", "glop")]
ABS = 1e-6


def _solve(ds, backend, solver):
    result = solve(ds, backend=backend, solver=solver)
    assert_feasible(ds, result)
    return result


def _alloc(result) -> dict[str, float]:
    return dict(zip(result.counties["county_id"], result.counties["allocation"], strict=True))


def _price(result, family: str, id_: str) -> float:
    m = result.marginals
    row = m[(m["family"] == family) & (m["id"] == id_)]
    assert len(row) == 1, f"no price for {family}[{id_}]:\n{m}"
    return float(row["value"].iloc[0])


@pytest.mark.parametrize(("backend", "solver"), PRICED)
def test_tiers_spread_the_pool_by_weight(backend, solver):
    """X has weight 2 (group weight 2), Y weight 1; Q = 120 ha; demand 100 each.

    Value per ha by tier: X 2 / 1.2 / 0.6, Y 1 / 0.6 / 0.3. Greedy: X tier 1
    (50 ha @ 2), X tier 2 (30 @ 1.2), then Y tier 1 gets the last 40 ha @ 1.
    A_X = 80, A_Y = 40, Z = 100 + 36 + 40 = 176. One more ha of pool goes to
    Y's tier 1: quota_pool price = 1.0.
    """
    ds = dataset(
        [county("X"), county("Y")],
        quota=120,
        groups=[dict(group_id="g", name="核", kind="core", weight=2.0)],
        members=[dict(group_id="g", county_id="X")],
    )
    r = _solve(ds, backend, solver)
    assert r.objective == pytest.approx(176.0, abs=ABS)
    assert _alloc(r) == pytest.approx({"X": 80.0, "Y": 40.0}, abs=ABS)
    assert _price(r, "quota_pool", "region") == pytest.approx(1.0, abs=ABS)


@pytest.mark.parametrize(("backend", "solver"), PRICED)
def test_per_capita_cap_binds(backend, solver):
    """X: 40,000 urban residents in 2035, 500 ha urban land, σ = 1: the 150 m² cap
    leaves 150·40,000/10⁴ − 500 = 100 ha. X asks 300 ha, Y 100 ha, Q = 300.

    X takes 100 ha of its tier 1 (value 1), Y its whole demand (50 + 30 + 20 at
    1, 0.6, 0.3). Pool not exhausted (200 < 300). Z = 100 + 50 + 18 + 6 = 174.
    One more ha of room under the cap is one more tier-1 ha for X: price 1.0;
    the pool's price is 0. X reaches exactly 150 m²/person in 2035.
    """
    ds = dataset([county("X", urban_pop_2035=40_000, demand=300), county("Y")], quota=300)
    r = _solve(ds, backend, solver)
    assert r.objective == pytest.approx(174.0, abs=ABS)
    assert _alloc(r) == pytest.approx({"X": 100.0, "Y": 100.0}, abs=ABS)
    assert _price(r, "per_capita_cap", "X") == pytest.approx(1.0, abs=ABS)
    assert _price(r, "quota_pool", "region") == pytest.approx(0.0, abs=ABS)
    x = r.counties.set_index("county_id").loc["X"]
    assert x["per_capita_2035"] == pytest.approx(150.0, abs=1e-6)
    # X is held by the cap, Y by its demand (it gets all it asks for)
    assert r.binding_text().tolist() == ["per_capita_cap", "demand"]
    binding = r.binding.set_axis(r.counties["county_id"])
    assert binding.loc["X"].sum() == 1 and binding.loc["Y"].sum() == 1


@pytest.mark.parametrize(("backend", "solver"), PRICED)
@pytest.mark.parametrize(("city_y", "transfer_cost"), [("A市", 0.005), ("B市", 0.02)])
def test_linkage_moves_surplus_to_demand(backend, solver, city_y, transfer_cost):
    """X asks 100 ha, Q = 50; Y asks nothing but can reclaim 100 ha, ρ = 0.3.

    Each ha of indicator needs 1/0.7 ha reclaimed at 0.02: 0.028571 + the
    transfer cost (0.005 in the same city, 0.02 across cities), below the
    value of X's tiers 2 and 3 (0.6, 0.3), so X gets all 100 ha: 50 quota +
    50 linkage, r_Y = 50/0.7 = 71.428571 ha.
    Z = 50 + 18 + 6 − 0.02·71.428571 − c·50. One more ha of pool replaces one
    ha of linkage: quota_pool price = 0.02/0.7 + c.
    """
    ds = dataset(
        [county("X"), county("Y", city=city_y, zone="ecological", demand=0, reclaim_potential=100)],
        quota=50,
    )
    r = _solve(ds, backend, solver)
    reclaimed = 50 / 0.7
    assert r.objective == pytest.approx(74 - 0.02 * reclaimed - transfer_cost * 50, abs=ABS)
    assert _alloc(r) == pytest.approx({"X": 100.0, "Y": 0.0}, abs=ABS)
    y = r.counties.set_index("county_id").loc["Y"]
    assert y["reclaimed"] == pytest.approx(reclaimed, abs=ABS)
    assert r.flows[["from_id", "to_id"]].values.tolist() == [["Y", "X"]]
    assert r.flows["amount"].iloc[0] == pytest.approx(50.0, abs=ABS)
    assert r.flows["cost"].iloc[0] == pytest.approx(transfer_cost)
    assert _price(r, "quota_pool", "region") == pytest.approx(0.02 / 0.7 + transfer_cost, abs=ABS)


@pytest.mark.parametrize(("backend", "solver"), PRICED)
def test_intensity_target_forces_reclamation(backend, solver):
    """One county: C0 = 5000 ha, GDP 100 → 168 亿元, τ = 0.4: the limit is
    0.6 · 50 ha/亿元 · 168 = 5040 ha, so A − (1 − ρ) r ≤ 40 with ρ = 0.

    Q = 100 covers all demand, but every ha beyond 40 must be matched by a
    reclaimed ha (cost 0.02, below every tier value): A = 100, r = 60,
    Z = 50 + 18 + 6 − 0.02·60 = 72.8. The intensity price is the 0.02 saved per
    ha of allowance. Without the target (τ = 0) nothing is reclaimed: Z = 74.
    """
    x = county("X", gdp_2035=168, reclaim_potential=100, resettle_ratio=0.0)
    r = _solve(dataset([x], quota=100), backend, solver)
    assert r.objective == pytest.approx(72.8, abs=ABS)
    assert r.counties["reclaimed"].iloc[0] == pytest.approx(60.0, abs=ABS)
    assert _price(r, "intensity", "region") == pytest.approx(0.02, abs=ABS)
    loose = _solve(dataset([x], quota=100, intensity={"reduction": 0.0}), backend, solver)
    assert loose.objective == pytest.approx(74.0, abs=ABS)
    assert loose.counties["reclaimed"].iloc[0] == pytest.approx(0.0, abs=ABS)


@pytest.mark.parametrize(("backend", "solver"), PRICED)
def test_group_min_share_binds(backend, solver):
    """X urban (w = 1), Y ecological (w = 0.4) in group G with min_share 0.5; Q = 120.

    Unconstrained: X 50 @ 1 + 30 @ 0.6, then Y's tier 1 (0.4) beats X's tier 3
    (0.3): Y 40, Z = 50 + 18 + 16 = 84. With Y ≥ 0.5·(X + Y): X = Y = 60 (Z
    grows with the total, so the pool is used up), Z = (50 + 6) + 0.4·(50 + 6)
    = 78.4. Pool price: half a ha to each tier 2: 0.5·0.6 + 0.5·0.24 = 0.42.
    Group price: one ha less required of G moves a ha from Y's tier 2 (0.24)
    to X's tier 2 (0.6): 0.36.
    """
    counties = [county("X"), county("Y", zone="ecological")]
    group = dict(group_id="G", name="组群", kind="town", weight=1.0, min_share=0.5)
    ds = dataset(counties, quota=120, groups=[group], members=[dict(group_id="G", county_id="Y")])
    r = _solve(ds, backend, solver)
    assert r.objective == pytest.approx(78.4, abs=ABS)
    assert _alloc(r) == pytest.approx({"X": 60.0, "Y": 60.0}, abs=ABS)
    assert _price(r, "quota_pool", "region") == pytest.approx(0.42, abs=ABS)
    assert _price(r, "group_min", "G") == pytest.approx(0.36, abs=ABS)
    assert r.groups.set_index("group_id").loc["G", "bound"] == "min_share"
    free = _solve(dataset(counties, quota=120), backend, solver)
    assert free.objective == pytest.approx(84.0, abs=ABS)
    assert _alloc(free) == pytest.approx({"X": 80.0, "Y": 40.0}, abs=ABS)
