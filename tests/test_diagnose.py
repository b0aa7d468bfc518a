"""Infeasible scenarios: the diagnosis names the cause and how far it must move.

Each case is built so that one change is cheapest; the test applies the proposed
change (the scenario becomes feasible) and a change a little short of it (still
infeasible), so "how far" is checked, not only "what".
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from checker import assert_feasible
from factories import county, dataset
from typer.testing import CliRunner

from optimizer import solve
from optimizer.cli.app import app

runner = CliRunner()
SHORT = 1e-3  # a change this much short of the proposal must still fail
REFERENCE = Path(__file__).resolve().parent.parent / "inputs" / "shanxi-central"


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
        "(room 25.0 ha of new land): lower counties.csv min_allocation of 县X by 55.0 ha"
    ) in change["message"]
    assert (
        "or raise per_capita.cap_m2 (the cap of every county) to 165.7 m²/person"
        in (change["message"])
    )
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
        "report.html",
        "report.xlsx",
        "summary.json",
    ]
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["status"] == "infeasible" and summary["objective"] is None
    rows = summary["diagnosis"]["rows"]
    assert [(r["kind"], r["family"]) for r in rows[:2]] == [
        ("cause", "quota_pool"),
        ("single", "quota_pool"),
    ]
    fixes = summary["diagnosis"]["single_fixes"]
    assert [fix for fix in fixes if fix["id"] == "region"] == [
        {
            "setting": "quota.total",
            "id": "region",
            "current": 100.0,
            "limit": 700.0,
            "unit": "ha",
            "reason": None,
        },
        {
            "setting": "linkage.scope",
            "id": "region",
            "current": "none",
            "limit": "county",
            "unit": "",
            "reason": None,
        },
    ]
    assert "Any one of these makes it feasible:" in result.output
    assert 'linkage.scope alone: set it to "county" (now "none")' in result.output
    assert "Or one joint change, all of these together" in result.output
    assert summary["scenario"]["quota"]["total"] == 100
    table = pd.read_csv(out / "diagnosis.csv", dtype={"id": str})
    assert list(table["kind"].unique()) == ["cause", "single", "change", "conflict"]
    assert table.loc[table["kind"] == "change", "change"].iloc[0] == pytest.approx(600.0)
    assert "Why the scenario has no solution:" in result.output
    shown = runner.invoke(app, ["explain", str(out)])
    assert shown.exit_code == 4 and "raise quota.total by 600.0 ha" in shown.output
    assert "quota.total alone: raise it to 700.0 ha (now 100.0 ha)" in shown.output
    as_json = runner.invoke(app, [*args, "--json"])
    assert as_json.exit_code == 4
    assert json.loads(as_json.stdout)["diagnosis"]["rows"][1]["setting"] == "quota.total"


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
    for words in ("Infeasible bounds", "proto", "Error while executing", "solver says"):
        assert words not in result.output
    assert "lower counties.csv min_allocation of 县X by 55.0 ha" in result.output
    assert sorted(p.name for p in out.iterdir()) == [
        "diagnosis.csv",
        "landquota-run.json",
        "report.html",
        "report.xlsx",
        "summary.json",
    ]


# --------------------------------------------------------------------------- single fixes


def _singles(ds) -> dict[str, pd.Series]:
    d = _diagnose(ds)
    rows = d[d["kind"] == "single"]
    return {
        (r["setting"] if r["id"] == "region" else f"{r['setting']}:{r['id']}"): r
        for _, r in rows.iterrows()
    }


def _solves(ds, overrides: dict) -> bool:
    return _feasible(ds.with_overrides(overrides))


@pytest.mark.parametrize(
    ("case", "setting", "expected", "up"),
    [
        (lambda: _pool_case(100), "quota.total", 140.0, True),
        (lambda: _intensity_case(0.9), "intensity.reduction", 1 - 9_910 / 30_000, False),
        (lambda: _region_floor_case(40_000), "farmland.region_floor", 39_970.0, False),
        (lambda: _cap_case(), "per_capita.cap_m2", (500 + 80) * 1e4 / 35_000, True),
    ],
    ids=["pool", "intensity", "region_floor", "cap"],
)
def test_a_single_fix_applied_alone_solves_and_a_little_short_of_it_fails(
    case, setting, expected, up
):
    """The closest value of one setting alone: applied with the API overrides (as --set) it
    solves, 10⁻³ (relative) short of it it still fails; it is the exact limit rounded to the
    feasible side (4 significant digits)."""
    fix = _singles(case())[setting]
    limit = float(fix["proposed"])
    assert limit == pytest.approx(expected, rel=1e-3)
    assert (limit >= expected - 1e-9) if up else (limit <= expected + 1e-9)
    assert fix["message"].startswith(f"{setting} alone: {'raise' if up else 'lower'} it to ")
    assert _solves(case(), {setting: limit})
    short = limit * (1 - SHORT) if up else limit * (1 + SHORT)
    assert not _solves(case(), {setting: short})


def _region_floor_case(floor: float):
    """X builds at least 100 ha, half of it on cultivated land (−50 ha), and cultivates its
    20 ha of reserve land: the two counties keep at most 40,000 − 50 + 20 = 39,970 ha."""
    return dataset(
        [
            county("X", min_allocation=100, occupation_rate=0.5, supplement_potential=20),
            county("Y"),
        ],
        quota=200,
        farmland={"region_floor": floor, "balance_scope": "none"},
    )


def _cap_case():
    """X's 80-ha minimum needs (500 + 80)·10⁴ / 35,000 = 165.71 m²/person under the cap."""
    return dataset([county("X", min_allocation=80, urban_pop_2035=35_000), county("Y")], quota=500)


def test_single_fix_of_a_group_share():
    """Either minimum share alone lowered to 0.4 makes it feasible (X 10 ha is 60 %)."""
    singles = _singles(_groups_case(0.6))
    assert set(singles) == {
        "groups.csv min_share:g1",
        "groups.csv min_share:g2",
        "counties.csv min_allocation:X",
    }
    # X's guaranteed 10 ha alone: only building nothing at all meets both shares
    assert singles["counties.csv min_allocation:X"]["proposed"] == 0.0
    fix = singles["groups.csv min_share:g2"]
    assert fix["proposed"] == pytest.approx(0.4, abs=1e-4) and fix["proposed"] <= 0.4
    assert (
        fix["message"]
        == "groups.csv min_share of group 南组 alone: lower it to 0.4000 (now 0.6000)"
    )
    assert _feasible(_groups_case(fix["proposed"]))
    assert not _feasible(_groups_case(fix["proposed"] * (1 + SHORT)))


def _linkage_case(scope: str):
    """X must build 80 ha from a 10-ha pool; it can reclaim 200 ha (140 ha of indicators)."""
    return dataset(
        [county("X", min_allocation=80, reclaim_potential=200), county("Y")],
        quota=10,
        linkage={"scope": scope},
    )


def test_single_fix_of_the_linkage_scope_is_the_narrowest_wider_scope_that_solves():
    singles = _singles(_linkage_case("none"))
    fix = singles["linkage.scope"]
    assert fix["message"] == 'linkage.scope alone: set it to "county" (now "none")'
    assert _solves(_linkage_case("none"), {"linkage.scope": "county"})
    assert singles["quota.total"]["proposed"] == pytest.approx(80.0)


def _balance_case(scope: str):
    """X occupies 50 ha of cultivated land (100 ha, α 0.5) and has no reserve land; Y, in
    another city, has 60 ha: 占补平衡 holds only region-wide."""
    return dataset(
        [
            county("X", min_allocation=100, occupation_rate=0.5),
            county("Y", city="B市", supplement_potential=60),
        ],
        quota=200,
        farmland={"balance_scope": scope},
    )


def test_single_fix_of_the_balance_scope_skips_a_wider_scope_that_still_fails():
    fix = _singles(_balance_case("county"))["farmland.balance_scope"]
    assert fix["message"] == 'farmland.balance_scope alone: set it to "region" (now "county")'
    assert not _feasible(_balance_case("city")) and _feasible(_balance_case("region"))


def test_no_change_of_one_setting_alone_suffices_when_two_conflicts_meet():
    """X's minimum passes its cap room and the minima (140 ha) pass the 50-ha pool: neither
    the pool nor the cap alone is enough, and the diagnosis says so (limit null)."""
    ds = dataset(
        [county("X", min_allocation=80, urban_pop_2035=35_000), county("Y", min_allocation=60)],
        quota=50,
    )
    r = solve(ds, backend="highs")
    fixes = {(fix.setting, fix.id): fix for fix in r.summary.diagnosis.single_fixes}
    assert {("quota.total", "region"), ("per_capita.cap_m2", "region")} <= set(fixes)
    assert all(fix.limit is None and fix.reason for fix in fixes.values())
    singles = r.diagnosis[r.diagnosis["kind"] == "single"]
    assert singles["message"].str.startswith("no change of ").all()
    assert singles["proposed"].isna().all()
    from rich.console import Console

    from optimizer.cli.report_explain import render_diagnosis

    console = Console(width=200, record=True)
    render_diagnosis(r, console)
    text = console.export_text()
    assert "Any one of these makes it feasible:" not in text
    assert "Not enough on their own:\n• no change of quota.total alone suffices: " in text


def test_reference_dataset_intensity_fix_alone_solves():
    """Issue #9: with intensity.reduction = 0.6 the joint change proposes 0.5394, which fails
    alone; the single fix is the true limit ≈ 0.535 (0.5356, rounded down) and solves."""
    from optimizer.data.read import load_dataset

    ds = load_dataset(REFERENCE, {"intensity.reduction": 0.6})
    r = solve(ds, backend="highs")
    [fix] = r.summary.diagnosis.single_fixes
    assert fix.setting == "intensity.reduction" and 0.535 <= fix.limit < 0.536
    assert _solves(ds, {"intensity.reduction": fix.limit})
    assert not _solves(ds, {"intensity.reduction": fix.limit * (1 + SHORT)})
    joint = r.diagnosis[(r.diagnosis["kind"] == "change") & (r.diagnosis["family"] == "intensity")]
    assert not _solves(ds, {"intensity.reduction": float(joint["proposed"].iloc[0])})
    # county suggestions name the county's own counties.csv column, never a made-up key
    counties = r.diagnosis[(r.diagnosis["kind"] == "change") & (r.diagnosis["id"] != "region")]
    assert not counties.empty
    for row in counties.itertuples(index=False):
        assert f"{row.setting} of {row.name}" in row.message, row.message
    assert not r.diagnosis["message"].str.contains(r"(?<!per_capita\.)cap_m2", regex=True).any()


def _with_county(ds, id_: str, column: str, value: float):
    from dataclasses import replace

    counties = ds.counties.copy()
    counties.loc[counties["county_id"] == id_, column] = value
    return replace(ds, counties=counties)


@pytest.mark.parametrize(
    ("case", "column", "expected", "up"),
    [
        (_cap_case, "min_allocation", 25.0, False),
        (lambda: _floor_case(21_000), "farmland_floor", 20_280.0, False),
        (lambda: _boundary_case(), "dev_boundary", 580.0, True),
    ],
    ids=["min_allocation", "farmland_floor", "dev_boundary"],
)
def test_a_county_limit_alone_names_its_counties_csv_column(case, column, expected, up):
    """A county's own limit in the conflict is searched alone too, and named as the
    county's counties.csv column; applied it solves, 10⁻³ short it fails."""
    fix = _singles(case())[f"counties.csv {column}:X"]
    assert fix["setting"] == f"counties.csv {column}"
    assert fix["message"].startswith(f"counties.csv {column} of 县X alone: ")
    assert fix["proposed"] == pytest.approx(expected, rel=1e-4)
    assert _feasible(_with_county(case(), "X", column, fix["proposed"]))
    short = fix["proposed"] * ((1 - SHORT) if up else (1 + SHORT))
    assert not _feasible(_with_county(case(), "X", column, short))


def _boundary_case():
    """X's 80-ha minimum needs its development boundary at 500 + 80 = 580 ha (σ = 1)."""
    return dataset([county("X", min_allocation=80, dev_boundary=540), county("Y")], quota=500)


def test_single_fix_searches_say_when_they_ran_out_of_time():
    from optimizer.analysis.single_fixes import single_fixes
    from optimizer.formulation.build import build

    fixes = single_fixes(build(_pool_case(100)), {("quota_pool", "region")}, time_limit_s=1e-9)
    assert [(fix.setting, fix.limit) for fix in fixes] == [("quota.total", None)]
    assert "stopped at its 1e-09-s time limit" in fixes[0].reason


@pytest.mark.parametrize("backend", ["highs", "pulp"])
def test_an_infeasible_report_carries_no_solver_text(backend, tmp_path, dataset_dir):
    """HiGHS and CBC end with their own word ("Infeasible"); the report shows the diagnosis."""
    out = tmp_path / "run"
    args = ["solve", str(dataset_dir), "--out", str(out), "--backend", backend]
    result = runner.invoke(app, [*args, "--set", "quota.total=100", "--set", "linkage.scope=none"])
    assert result.exit_code == 4, result.output
    assert "solver says" not in result.output and "Any one of these" in result.output


def test_the_region_floor_cause_states_the_most_land_that_can_stay_cultivated_exactly():
    """The reference at a 1,700,000 ha floor: the cause, the joint change and the single fix
    give one number for the most that can stay cultivated (the fix's exact LP value, not
    the data's bound of 1,642,100 ha from reclaiming everything), and that floor solves."""
    from optimizer.data.read import load_dataset

    r = solve(load_dataset(REFERENCE, {"farmland.region_floor": 1_700_000}), backend="highs")
    (fix,) = [x for x in r.summary.diagnosis.single_fixes if x.setting == "farmland.region_floor"]
    exact = f"at most {fix.limit:,.1f} ha"
    d = r.diagnosis
    cause = d[(d["kind"] == "cause") & (d["family"] == "farmland_region")]["message"].iloc[0]
    change = d[(d["kind"] == "change") & (d["family"] == "farmland_region")]["message"].iloc[0]
    assert exact in cause and exact in change and "1,642,100" not in cause + change
    ok = solve(load_dataset(REFERENCE, {"farmland.region_floor": fix.limit}), backend="highs")
    assert ok.summary.status.value == "optimal"
