"""Derived county quantities (optimizer.data.derived), and warnings and causes that agree.

The quantities are hand-computed on a 2-county case; the agreement is checked on
infeasible cases of every kind: each conflict the warnings call infeasible is a
cause of the infeasible solve, and the other way round.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from factories import county, dataset

from optimizer import load_dataset, solve
from optimizer.data import synth
from optimizer.data.derived import QUANTITIES, county_quantities, findings
from optimizer.formulation.build import county_parameters
from optimizer.runs.synth import write_synthetic

#: B: α 0.5, σ 0.5, ρ and κ the defaults (0.3, 0.8); 40,000 urban residents on 600 ha
#: (150 m²/person) in 2020, 60,000 in 2035; boundary 800 ha; 100 ha of cultivated land
#: outside basic farmland; floor 19,950 ha; 100 ha reclaimable, 50 ha reserve; minimum 20.
B = dict(
    occupation_rate=0.5,
    urban_share=0.5,
    urban_pop_2020=40_000,
    urban_pop_2035=60_000,
    urban_land_2020=600,
    dev_boundary=800,
    basic_farmland=19_900,
    farmland_floor=19_950,
    reclaim_potential=100,
    supplement_potential=50,
    min_allocation=20,
    demand=300,
)


def test_quantities_hand_computed_on_two_counties():
    ds = dataset([county("A"), county("B", **B)], quota=100)
    q = county_quantities(ds.counties, ds.scenario).set_index("county_id")
    assert list(q.reset_index().columns) == list(QUANTITIES)
    a, b = q.loc["A"], q.loc["B"]
    # A (factories.NEUTRAL): 50,000 residents on 500 ha, 55,000 in 2035; α 0, σ 1
    assert (a["alpha"], a["sigma"], a["rho"], a["kappa"]) == (0.0, 1.0, 0.3, 0.8)
    assert a["per_capita_urban_land_2020"] == pytest.approx(100.0)
    assert a["cap_room"] == pytest.approx(150 * 55_000 / 1e4 - 500)  # 325 ha
    assert a["floor_need"] == pytest.approx(85 * 55_000 / 1e4 - 500)  # −32.5 ha
    assert a["limit_basic_farmland"] == math.inf  # α = 0 takes no cultivated land
    assert a["upper"] == pytest.approx(100.0)  # the demand
    # B
    assert (b["alpha"], b["sigma"], b["rho"], b["kappa"]) == (0.5, 0.5, 0.3, 0.8)
    assert b["per_capita_urban_land_2020"] == pytest.approx(150.0)
    assert b["cap_room"] == pytest.approx(300.0)  # 150·6 − 600
    assert b["floor_need"] == pytest.approx(-90.0)  # 85·6 − 600
    assert b["dev_room"] == pytest.approx(200.0)
    assert b["basic_room"] == pytest.approx(100.0)
    assert b["limit_per_capita_cap"] == pytest.approx(600.0)  # 300 / σ
    assert b["limit_dev_boundary"] == pytest.approx(400.0)
    assert b["limit_basic_farmland"] == pytest.approx(200.0)  # 100 / α
    assert b["limit_farmland_floor"] == pytest.approx((50 + 0.8 * 100 + 50) / 0.5)  # 360
    assert b["upper"] == pytest.approx(200.0)
    assert b["lower"] == pytest.approx(20.0)
    assert b["linkage_supply"] == pytest.approx(70.0)  # (1 − 0.3)·100
    assert b["best_farmland"] == pytest.approx(20_000 - 0.5 * 20 + 80 + 50)  # 20,120
    assert b["least_construction"] == pytest.approx(5_000 + 20 - 70)
    # the scenario's cap, not a fixed 150: at 120 m² B has 720 − 600 = 120 ha of room
    tight = county_quantities(ds.counties, ds.scenario.with_overrides({"per_capita.cap_m2": 120}))
    assert tight.set_index("county_id").loc["B", "limit_per_capita_cap"] == pytest.approx(240.0)


def test_lp_bounds_are_the_derived_quantities():
    ds = dataset([county("A"), county("B", **B)], quota=100)
    p = county_parameters(ds).set_index("county_id")
    q = county_quantities(ds.counties, ds.scenario).set_index("county_id")
    for column in ("alpha", "sigma", "cap_room", "floor_need", "upper", "lower"):
        assert p[column].to_numpy() == pytest.approx(q[column].to_numpy())


G = dict(kind="k", weight=1.0, max_share=None)


def _groups(*shares):
    return [dict(group_id=f"g{i}", name=f"组{i}", min_share=s, **G) for i, s in enumerate(shares)]


#: Infeasible cases of every kind of finding (the warnings say so, the solve fails).
INFEASIBLE = {
    "pool": lambda: dataset(
        [county("X", min_allocation=80), county("Y", min_allocation=60)], quota=100
    ),
    "pool without linkage": lambda: dataset(
        [county("X", min_allocation=80, reclaim_potential=200), county("Y")],
        quota=50,
        linkage={"scope": "none"},
    ),
    "cap": lambda: dataset([county("X", min_allocation=80, urban_pop_2035=35_000)], quota=500),
    "boundary": lambda: dataset([county("X", min_allocation=80, dev_boundary=520)], quota=500),
    "basic farmland": lambda: dataset(
        [county("X", min_allocation=80, occupation_rate=0.5, basic_farmland=19_980)], quota=500
    ),
    "two rooms": lambda: dataset(
        [county("X", min_allocation=80, dev_boundary=520, urban_pop_2035=35_000)], quota=500
    ),
    "county floor": lambda: dataset(
        [county("X", farmland_floor=21_000, supplement_potential=200), county("Y")], quota=100
    ),
    "intensity": lambda: dataset(
        [county("X", min_allocation=50, reclaim_potential=200), county("Y")],
        quota=100,
        intensity={"reduction": 0.9},
    ),
    "region floor": lambda: dataset(
        [county("X", min_allocation=50, occupation_rate=0.5), county("Y")],
        quota=500,
        farmland={"region_floor": 39_990},
    ),
    "shares": lambda: dataset(
        [county("X", min_allocation=10), county("Y"), county("Z")],
        quota=300,
        groups=_groups(0.6, 0.6),
        members=[dict(group_id="g0", county_id="X"), dict(group_id="g1", county_id="Y")],
    ),
    "group without members": lambda: dataset(
        [county("X", min_allocation=10), county("Y")], quota=300, groups=_groups(0.3)
    ),
}


def _warned(ds) -> set[tuple]:
    """(file, row, column) of the warnings that call the scenario infeasible."""
    return {(w.file, w.row, w.column) for w in ds.warnings if "will be infeasible" in w.message}


def _caused(ds, diagnosis: pd.DataFrame) -> set[tuple]:
    """(file, row, column) each cause of the diagnosis is about, as the warnings locate it."""
    row = {i: k + 2 for k, i in enumerate(ds.counties["county_id"])}  # header is row 1
    group_row = {i: k + 2 for k, i in enumerate(ds.groups["group_id"])}
    where = {
        "quota_pool": lambda i: ("counties.csv", None, "min_allocation"),
        "intensity": lambda i: ("scenario.toml", None, "intensity.reduction"),
        "farmland_region": lambda i: ("scenario.toml", None, "farmland.region_floor"),
        "min_allocation": lambda i: ("counties.csv", row[i], "min_allocation"),
        "farmland_floor": lambda i: ("counties.csv", row[i], "min_allocation"),
        "group_min": lambda i: (
            ("groups.csv", None, "min_share")
            if i == "all"
            else ("groups.csv", group_row[i], "group_id")
        ),
    }
    causes = diagnosis[diagnosis["kind"] == "cause"]
    return {where[f](i) for f, i in zip(causes["family"], causes["id"], strict=True)}


@pytest.mark.parametrize("case", list(INFEASIBLE))
def test_warnings_and_causes_name_the_same_conflicts(case):
    ds = INFEASIBLE[case]()
    r = solve(ds, backend="highs")
    assert r.status.value == "infeasible"
    warned = _warned(ds)
    assert warned, "an infeasible case the warnings do not see"
    assert warned == _caused(ds, r.diagnosis)


def test_a_minimum_above_two_rooms_is_two_warnings_and_one_cause_under_the_tightest():
    ds = INFEASIBLE["two rooms"]()
    texts = [w.message for w in ds.warnings]
    assert any("per-capita cap" in t and "at most 25 ha" in t for t in texts)
    assert any("development boundary" in t and "at most 20 ha" in t for t in texts)
    causes = solve(ds, backend="highs").diagnosis.query("kind == 'cause'")["message"]
    assert list(causes) == [
        "Min_allocation of 县X (80.0 ha) does not fit under the development boundary "
        "(room 20.0 ha of new land)."
    ]


def test_pool_without_linkage_counts_no_indicators_in_the_warning_either():
    """Was a drift: the warning counted (1 − ρ)·reclaim_potential as linkage indicators even
    with linkage.scope = "none", so it stayed silent where the diagnosis saw the conflict."""
    ds = INFEASIBLE["pool without linkage"]()
    (w,) = [w for w in ds.warnings if w.column == "min_allocation"]
    assert "plus all linkage surplus indicators (0.0 ha)" in w.message
    causes = solve(ds, backend="highs").diagnosis.query("kind == 'cause'")["message"]
    assert list(causes) == [
        "The quota pool (50 ha) plus every linkage indicator that could be produced (0 ha) "
        "cannot cover the guaranteed minima (Σ min_allocation 80 ha)."
    ]
    with_linkage = ds.with_scenario(ds.scenario.with_overrides({"linkage.scope": "region"}))
    assert not [w for w in with_linkage.warnings if w.column == "min_allocation"]  # 50 + 140


def test_group_shares_that_only_allocating_nothing_meets_are_not_called_infeasible():
    """Without any guaranteed minimum, T = 0 meets every share: the solve is optimal."""
    ds = dataset([county("X"), county("Y")], quota=300, groups=_groups(0.3))
    (w,) = ds.warnings
    assert "allocating nothing" in w.message and "infeasible" not in w.message
    assert solve(ds, backend="highs").status.value == "optimal"
    found = findings(ds.counties, ds.scenario, ds.groups, ds.members)
    assert list(found["kind"]) == ["group_without_members"] and not found["infeasible"].any()


def test_synthetic_minimums_fit_under_the_cap_the_scenario_toml_states(tmp_path, monkeypatch):
    """Was a drift: synth fitted the minimums under a hard-coded 150 m²/person whatever
    cap_m2 it wrote. Now both come from synth.SCENARIO, so with a 120 m² cap they still fit
    (and fitted under 150, they would not)."""
    loose = load_dataset(write_synthetic(tmp_path / "loose", 400, seed=3))
    tight_scenario = synth.SCENARIO.with_overrides({"per_capita.cap_m2": 120})
    under_120 = loose.with_scenario(loose.scenario.with_overrides({"per_capita.cap_m2": 120}))
    assert [w for w in under_120.warnings if "does not fit under the per-capita cap" in w.message]
    monkeypatch.setattr(synth, "SCENARIO", tight_scenario)
    ds = load_dataset(write_synthetic(tmp_path / "tight", 400, seed=3))
    assert ds.scenario.per_capita.cap_m2 == 120
    assert not [w for w in ds.warnings if "will be infeasible" in w.message]
    q = county_quantities(ds.counties, ds.scenario)
    assert (ds.counties["min_allocation"].to_numpy() <= q["upper"].to_numpy() + 1e-9).all()
    assert np.isfinite(q["upper"]).all()


def test_a_transfer_costs_file_opens_linkage_whatever_the_scope():
    """The LP builds linkage arcs from transfer_costs.csv even with linkage.scope = "none"."""
    ds = INFEASIBLE["pool without linkage"]()
    pairs = pd.DataFrame({"from_id": ["X"], "to_id": ["Y"], "cost": [0.01]})
    alone = findings(ds.counties, ds.scenario, ds.groups, ds.members)
    paired = findings(ds.counties, ds.scenario, ds.groups, ds.members, pairs)
    assert list(alone["kind"]) == ["minima_above_pool"]
    assert alone["linkage"].tolist() == [0.0]
    assert paired.empty  # 80 ha of minima within 50 ha of pool + 140 ha of indicators
