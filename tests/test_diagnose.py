"""Infeasible scenarios: the diagnosis names the cause and how far it must move.

Each case is built so that one change is cheapest; the test applies the proposed
change (the scenario becomes feasible) and a change a little short of it (still
infeasible), so "how far" is checked, not only "what".
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
from checker import assert_feasible
from factories import county, dataset
from typer.testing import CliRunner

from optimizer import solve
from optimizer.cli.app import app

runner = CliRunner()
SHORT = 1e-3  # a change this much short of the proposal must still fail


def _diagnose(ds) -> pd.DataFrame:
    r = solve(ds, backend="highs")
    assert r.status.value == "infeasible"
    assert r.counties.empty
    return r.diagnosis


def _change(d: pd.DataFrame) -> pd.Series:
    changes = d[d["kind"] == "change"]
    assert len(changes) == 1, changes[["family", "id", "message"]]
    return changes.iloc[0]


def _causes(d: pd.DataFrame) -> list[str]:
    return list(d.loc[d["kind"] == "cause", "message"])


def _conflict(d: pd.DataFrame) -> set[tuple[str, str]]:
    c = d[d["kind"] == "conflict"]
    return set(zip(c["family"], c["id"], strict=True))


def _feasible(ds) -> bool:
    r = solve(ds, backend="highs")
    if r.status.value == "optimal":
        assert_feasible(ds, r)
        return True
    return False


def _pool_case(quota: float):
    """Minima 80 + 60 ha, nothing to reclaim (no linkage indicators): the pool must cover 140."""
    return dataset(
        [county("X", min_allocation=80), county("Y", min_allocation=60), county("Z")], quota=quota
    )


def test_pool_below_the_sum_of_minima():
    d = _diagnose(_pool_case(100))
    change = _change(d)
    assert (change["family"], change["setting"]) == ("quota_pool", "quota.total")
    assert change["change"] == pytest.approx(40.0, abs=1e-6)
    assert change["proposed"] == pytest.approx(140.0, abs=1e-6)
    assert "cannot cover the guaranteed minima (Σ min_allocation 140 ha)" in change["message"]
    assert "raise quota.total by 40.0 ha" in change["message"]
    assert "in conflict with the guaranteed minimum of 县X, 县Y" in change["message"]
    assert _causes(d) == [
        "The quota pool (100 ha) plus every linkage indicator that could be "
        "produced (0 ha) cannot cover the guaranteed minima (Σ min_allocation "
        "140 ha)."
    ]
    assert {
        ("quota_pool", "region"),
        ("min_allocation", "X"),
        ("min_allocation", "Y"),
    } <= _conflict(d)
    assert ("min_allocation", "Z") not in _conflict(d)
    assert _feasible(_pool_case(140)) and not _feasible(_pool_case(140 - SHORT))


def _floor_case(floor: float):
    """X: 20,000 ha cultivated, 100 ha reclaimable (κ 0.8 → 80 ha), 200 ha reserve land:
    at most 20,280 ha in 2035 even with no new land at all."""
    return dataset(
        [
            county("X", farmland_floor=floor, reclaim_potential=100, supplement_potential=200),
            county("Y"),
        ],
        quota=100,
    )


def test_farmland_floor_out_of_reach():
    d = _diagnose(_floor_case(21_000))
    change = _change(d)
    assert (change["family"], change["id"], change["setting"]) == (
        "farmland_floor",
        "X",
        "counties.csv farmland_floor",
    )
    assert change["change"] == pytest.approx(-720.0, abs=1e-6)
    assert "farmland floor of 县X (21,000.0 ha) is out of reach" in change["message"]
    assert "keeps at most 20,280.0 ha" in change["message"]
    assert (
        len(_causes(d)) == 1
        and "farmland floor of 县X (21,000.0 ha) is out of reach" in _causes(d)[0]
    )
    assert {
        ("farmland_floor", "X"),
        ("reclaim_potential", "X"),
        ("supplement_potential", "X"),
    } <= _conflict(d)
    assert _feasible(_floor_case(20_280)) and not _feasible(_floor_case(20_280 + SHORT))


def _intensity_case(tau: float):
    """2020: 10,000 ha construction land for 200 亿元; 2035 GDP 600 → at 2020 intensity
    30,000 ha. X must build 50 ha and can reclaim 200 ha (ρ 0.3: −140 ha net): construction
    land 2035 ≥ 10,000 + 50 − 140 = 9,910 ha, so τ ≤ 1 − 9,910/30,000 = 0.669666…"""
    return dataset(
        [county("X", min_allocation=50, reclaim_potential=200), county("Y")],
        quota=100,
        intensity={"reduction": tau},
    )


def test_intensity_target_unreachable_even_with_every_hectare_reclaimed():
    d = _diagnose(_intensity_case(0.9))
    change = _change(d)
    best = 1 - 9_910 / 30_000
    assert (change["family"], change["setting"]) == ("intensity", "intensity.reduction")
    assert change["proposed"] == pytest.approx(best, abs=1e-9)
    assert (
        "cannot be reached even with every hectare of rural settlement land reclaimed"
        in change["message"]
    )
    assert "at least 9,910 ha against 3,000 ha allowed" in change["message"]
    assert len(_causes(d)) == 1 and "90.0% intensity target cannot be reached" in _causes(d)[0]
    assert {
        ("intensity", "region"),
        ("min_allocation", "X"),
        ("reclaim_potential", "X"),
    } <= _conflict(d)
    assert _feasible(_intensity_case(best - 1e-9))
    assert not _feasible(_intensity_case(best + SHORT))


def _groups_case(share: float):
    """Two disjoint groups each asking for ≥ 60 % of all new land, and X must build 10 ha:
    the smallest fix lowers one share to 40 % (X 10 ha = 60 %, Y 6.67 ha = 40 %)."""
    return dataset(
        [county("X", min_allocation=10), county("Y"), county("Z")],
        quota=300,
        groups=[
            dict(group_id="g1", name="北组", kind="k", weight=1, min_share=0.6),
            dict(group_id="g2", name="南组", kind="k", weight=1, min_share=share),
        ],
        members=[dict(group_id="g1", county_id="X"), dict(group_id="g2", county_id="Y")],
    )


def test_group_minimum_shares_summing_above_one():
    d = _diagnose(_groups_case(0.6))
    change = _change(d)
    assert change["family"] == "group_min" and change["setting"] == "groups.csv min_share"
    assert change["proposed"] == pytest.approx(0.4, abs=1e-9)
    assert "(the minimum shares of the groups sum to 1.20)" in change["message"]
    assert _causes(d) == [
        "The minimum shares of the groups sum to 1.20, more than all new "
        "land, while some new land is guaranteed (min_allocation)."
    ]
    assert {("group_min", "g1"), ("group_min", "g2"), ("min_allocation", "X")} <= _conflict(d)
    assert _feasible(_groups_case(0.4)) and not _feasible(_groups_case(0.4 + SHORT))


def test_minimum_that_does_not_fit_under_the_cap_names_both_levers():
    """X: 35,000 urban residents in 2035, 500 ha urban land, σ = 1: the 150 m² cap leaves
    25 ha; min_allocation 80 ha. Lower the minimum by 55 ha, or raise the cap to
    (500 + 80)·10⁴ / 35,000 = 165.7 m²/person."""
    d = _diagnose(
        dataset([county("X", min_allocation=80, urban_pop_2035=35_000), county("Y")], quota=500)
    )
    change = _change(d)
    assert change["family"] == "min_allocation" and change["change"] == pytest.approx(-55.0)
    assert (
        "min_allocation of 县X (80.0 ha) does not fit under the per-capita cap "
        "(room 25.0 ha of new land): lower min_allocation by 55.0 ha"
    ) in change["message"]
    assert "or raise cap_m2 to 165.7 m²/person" in change["message"]
    assert _causes(d) == [
        "Min_allocation of 县X (80.0 ha) does not fit under the per-capita "
        "cap (room 25.0 ha of new land)."
    ]
    assert _conflict(d) == {("min_allocation", "X"), ("per_capita_cap", "X")}


def test_infeasible_solve_exits_4_and_writes_the_diagnosis(tmp_path, dataset_dir):
    """The tiny dataset's minima (500 + 200 ha) against a 100-ha pool, no linkage."""
    out = tmp_path / "run"
    args = [
        "solve",
        str(dataset_dir),
        "--out",
        str(out),
        "--set",
        "quota.total=100",
        "--set",
        "linkage.scope=none",
    ]
    result = runner.invoke(app, args, env={"COLUMNS": "100"})
    assert result.exit_code == 4, result.output
    assert "INFEASIBLE" in result.output
    assert "raise quota.total by 600.0 ha" in result.output
    assert "cannot hold together" in result.output
    assert sorted(p.name for p in out.iterdir()) == [
        "diagnosis.csv",
        "landquota-run.json",
        "summary.json",
    ]
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["status"] == "infeasible" and summary["objective"] is None
    assert [r["family"] for r in summary["diagnosis"][:2]] == ["quota_pool", "quota_pool"]
    assert summary["scenario"]["quota"]["total"] == 100
    table = pd.read_csv(out / "diagnosis.csv", dtype={"id": str})
    assert list(table["kind"].unique()) == ["cause", "change", "conflict"]
    assert table.loc[table["kind"] == "change", "change"].iloc[0] == pytest.approx(600.0)
    assert "Why the scenario has no solution:" in result.output
    shown = runner.invoke(app, ["explain", str(out)])
    assert shown.exit_code == 4 and "raise quota.total by 600.0 ha" in shown.output
    as_json = runner.invoke(app, [*args, "--json"])
    assert as_json.exit_code == 4
    assert json.loads(as_json.stdout)["diagnosis"][1]["setting"] == "quota.total"


def test_many_changes_of_one_family_are_summed_up_in_the_terminal():
    """Twelve counties whose minimum (80 ha) passes their cap room (25 ha): twelve changes."""
    from rich.console import Console

    from optimizer.cli.report_explain import CHANGES_PER_FAMILY, render_diagnosis

    counties = [
        county(f"C{i:02d}", min_allocation=80, urban_pop_2035=35_000)
        for i in range(CHANGES_PER_FAMILY + 2)
    ]
    r = solve(dataset(counties, quota=2_000), backend="highs")
    changes = r.diagnosis[r.diagnosis["kind"] == "change"]
    assert len(changes) == CHANGES_PER_FAMILY + 2
    assert set(changes["family"]) == {"min_allocation"}
    assert changes["change"].to_numpy() == pytest.approx(-55.0)
    console = Console(width=100, record=True)
    render_diagnosis(r, console)
    text = console.export_text()
    assert f"{CHANGES_PER_FAMILY}. min_allocation of" in text
    assert "… and the guaranteed minimum of 2 more (Σ change -110.0 ha" in text


@pytest.mark.parametrize("backend", ["ortools", "highs", "pulp"])
def test_bounds_that_cross_are_diagnosed_alike_by_every_backend(backend, tmp_path):
    """A minimum above the cap room is found before solving: exit 4 and the diagnosis,
    never a solver's own text (OR-Tools: "Infeasible bounds … Variable proto")."""
    ds = dataset([county("X", min_allocation=80, urban_pop_2035=35_000), county("Y")], quota=500)
    r = solve(ds, backend=backend)
    assert r.status.value == "infeasible" and r.summary.message == ""
    assert "found before solving" in r.summary.notes[-1]
    assert _change(r.diagnosis)["change"] == pytest.approx(-55.0)
    folder = tmp_path / "ds"
    folder.mkdir()
    ds.counties.to_csv(folder / "counties.csv", index=False)
    ds.groups.to_csv(folder / "groups.csv", index=False)
    ds.members.to_csv(folder / "group_members.csv", index=False)
    (folder / "scenario.toml").write_text("[quota]\ntotal = 500\n", encoding="utf-8")
    out = tmp_path / "run"
    result = runner.invoke(app, ["solve", str(folder), "--out", str(out), "--backend", backend])
    assert result.exit_code == 4, result.output
    for words in ("Infeasible bounds", "proto", "Error while executing"):
        assert words not in result.output
    assert "lower min_allocation by 55.0 ha" in result.output
    assert sorted(p.name for p in out.iterdir()) == [
        "diagnosis.csv",
        "landquota-run.json",
        "summary.json",
    ]
