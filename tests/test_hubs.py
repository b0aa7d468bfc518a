"""The hub form of linkage (no self-use arcs, the quota pool as a node) has the optimum of
the pairwise form of MODEL.md §3, on synthetic datasets of a few hundred counties; and
the tables read back from it (quota, self-use, pairs) pass the independent checker."""

from __future__ import annotations

import tomllib

import numpy as np
import pytest
from checker import assert_feasible, objective

from optimizer import dataset_from_tables, solve
from optimizer.data.synth import synthesize
from optimizer.formulation.build import build


def _dataset(n: int, cities: int, seed: int, scope: str, **linkage):
    data = synthesize(n, cities, 4, seed=seed, scope=scope)
    sc = tomllib.loads(data.scenario_toml)
    sc["linkage"].update(linkage)
    return dataset_from_tables(data.counties, data.groups, data.members, sc)


CASES = [
    (150, 8, 1, "region", {}),
    (150, 8, 2, "city", {}),
    (120, 5, 3, "region", {"same_city_cost": 0.0}),
    (120, 1, 4, "city", {"reclaim_cost": 0.0, "cross_city_cost": 0.05}),
    (200, 12, 5, "region", {"same_city_cost": 0.02, "cross_city_cost": 0.02}),
]


@pytest.mark.parametrize(("n", "cities", "seed", "scope", "linkage"), CASES)
def test_hub_form_equals_pairwise(n, cities, seed, scope, linkage):
    ds = _dataset(n, cities, seed, scope, **linkage)
    hubs = solve(ds, backend="highs", solver="simplex")
    pairwise = solve(ds, backend="highs", solver="simplex", linkage_form="pairwise")
    assert hubs.formulation.network.form == "hubs"
    assert pairwise.formulation.network.form == "pairwise"
    assert hubs.objective == pytest.approx(pairwise.objective, rel=1e-9)
    assert_feasible(ds, hubs)
    # The tables read back from the hub form carry the whole objective.
    t = hubs.counties
    z = objective(
        ds, t, hubs.flows, t["allocation"], t["reclaimed"], t["supplemented"], t["shortfall"]
    )
    assert z == pytest.approx(hubs.objective, rel=1e-7)


def test_hub_form_is_smaller():
    ds = _dataset(300, 10, 7, "city")
    hubs, pairwise = build(ds).lp, build(ds, linkage_form="pairwise").lp
    assert "quota" not in hubs.cols and "split" not in hubs.rows
    assert hubs.shape[0] < 0.8 * pairwise.shape[0]
    assert hubs.shape[1] < 0.5 * pairwise.shape[1]


def test_decomposition_adds_up():
    """Quota + indicators used = allocation; what a county sends is what others get."""
    ds = _dataset(150, 6, 11, "region")
    r = solve(ds, backend="highs")
    t = r.counties
    assert np.allclose(t["quota"] + t["linkage_in"], t["allocation"], atol=1e-6)
    assert t["quota"].sum() <= ds.scenario.quota.total * (1 + 1e-9)
    flows = r.flows
    assert (flows["from_id"] != flows["to_id"]).all()
    sent = flows.groupby("from_id")["amount"].sum()
    assert np.allclose(t.set_index("county_id")["linkage_out"].reindex(sent.index), sent)
