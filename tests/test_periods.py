"""Phased plans (MODEL.md §7): hand-computed optima, equivalences, validation, outputs.

Every solve goes through the independent checker, which re-checks each cumulative
constraint of §7 from allocation_by_period and the per-period flows.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from checker import assert_feasible
from factories import county, dataset
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from optimizer import solve
from optimizer.data.problems import DataError
from optimizer.data.read import load_dataset
from optimizer.formulation.build import build
from optimizer.runs.read import read_run
from optimizer.runs.write import write_run

REFERENCE = Path(__file__).resolve().parent.parent / "inputs" / "shanxi-central"
INSTRUMENTS = REFERENCE.parent / "shanxi-central-instruments"
PRICED = [("highs", "simplex"), ("ortools", "glop")]
ABS = 1e-6
TWO = {"periods.end_years": "[2025, 2035]"}

#: One tier, so that a hectare is worth its county's weight in every period.
ONE_TIER = {"shares": [1.0], "values": [1.0]}
#: Nothing but the pool and the demand can bind (factories.NEUTRAL counties).
QUIET = dict(
    tiers=ONE_TIER,
    intensity={"reduction": 0.0},
    farmland={"balance_scope": "none"},
    linkage={"scope": "none"},
)


def _two_counties(carry_over: bool):
    """X urban (w = 1) asks 30 ha, Y ecological (w = 0.4) asks 60 ha."""
    return dataset(
        [county("X", demand=30), county("Y", zone="ecological", demand=60)],
        quota=60,
        periods={
            "end_years": [2025, 2035],
            "quota": [40, 20],
            "carry_over": carry_over,
            "discount": 0.9,
        },
        **QUIET,
    )


def _by_period(result) -> dict[tuple[str, str], float]:
    t = result.periods
    return {
        (i, e): a for i, e, a in zip(t["county_id"], t["period_end"], t["allocation"], strict=True)
    }


@pytest.mark.parametrize(("backend", "solver"), PRICED)
def test_two_periods_with_carry_over(backend, solver):
    """Periods 2021-2025 (5 years) and 2026-2035 (10): demand splits 1/3 : 2/3, so X asks
    10 + 20 ha and Y 20 + 40 ha. Pools 40 then 20 ha, carried over (by 2035: 60 ha).
    Discount 0.9: a hectare of period 1 is worth w, of period 2 0.9·w.

    X (w = 1) takes all it asks: 10 + 20. Y (w = 0.4) takes what is left, early first:
    period 1 has 40 − 10 = 30 ha of pool for Y's 20 ha → Y₁ = 20; by 2035 60 − 30 − 20 =
    10 ha remain → Y₂ = 10. Z = (10 + 0.4·20) + 0.9·(20 + 0.4·10) = 18 + 21.6 = 39.6.
    """
    r = solve(_two_counties(True), backend=backend, solver=solver)
    assert_feasible(_two_counties(True), r)
    assert r.objective == pytest.approx(39.6, abs=ABS)
    got = _by_period(r)
    want = {("X", "2025"): 10, ("X", "2035"): 20, ("Y", "2025"): 20, ("Y", "2035"): 10}
    assert got == pytest.approx(want, abs=ABS)
    horizon = dict(zip(r.counties["county_id"], r.counties["allocation"], strict=True))
    assert horizon == pytest.approx({"X": 30.0, "Y": 30.0}, abs=ABS)


@pytest.mark.parametrize(("backend", "solver"), PRICED)
def test_two_periods_without_carry_over(backend, solver):
    """The same, pools not carried over: period 1 may use 40 ha, period 2 only 20 ha.

    Period 1: X₁ = 10, Y₁ = 20 (its whole demand; 10 ha of the pool are lost). Period 2:
    20 ha for X's 20 ha (w = 1 beats Y's 0.4) → X₂ = 20, Y₂ = 0.
    Z = (10 + 0.4·20) + 0.9·20 = 18 + 18 = 36, below the 39.6 with carry-over.
    """
    ds = _two_counties(False)
    r = solve(ds, backend=backend, solver=solver)
    assert_feasible(ds, r)
    assert r.objective == pytest.approx(36.0, abs=ABS)
    want = {("X", "2025"): 10, ("X", "2035"): 20, ("Y", "2025"): 20, ("Y", "2035"): 0}
    assert _by_period(r) == pytest.approx(want, abs=ABS)
    pools = r.targets.set_index("target")
    assert pools.loc["quota_pool@2025", "value"] == pytest.approx(30.0, abs=ABS)
    assert pools.loc["quota_pool@2025", "limit"] == pytest.approx(40.0, abs=ABS)


def test_one_period_is_the_plan_without_periods():
    """end_years = [2035]: one period 2021-2035, the §3 model; same Z, same counties.

    The reference has the tie-break, so every county figure is unique and must agree; with
    stock (instruments) the tie-break does not run yet, so only Z and A_i are compared."""
    for folder, columns in (
        (REFERENCE, ["allocation", "quota", "reclaimed", "supplemented", "shortfall"]),
        (INSTRUMENTS, ["allocation"]),
    ):
        plain = load_dataset(folder)
        one = load_dataset(folder, {"periods.end_years": "[2035]"})
        a, b = solve(plain, backend="highs"), solve(one, backend="highs")
        assert_feasible(one, b)
        assert b.objective == pytest.approx(a.objective, rel=1e-9)
        np.testing.assert_allclose(
            b.counties[columns].to_numpy(), a.counties[columns].to_numpy(), atol=1e-5
        )
        assert list(b.periods["period_end"].unique()) == ["2035"]


#: sha256 of the reference LPs without [periods] (matrix, bounds, objective, names) and of
#: allocation.csv's table as main built them before phased plans existed. If the §3 LP
#: changes on purpose, recompute them (tests/test_periods.py::_lp_digest).
MAIN_DIGESTS = {
    ("shanxi-central", "auto"): "69ada445855188660d2bf4949dc706556f88975d45108195908e7876879d69f0",
    ("shanxi-central", "pairwise"): (
        "8d469f55c6fcabbce9f47e88d9c572f1b98ec6e98c57bce27ed177102742de60"
    ),
}
MAIN_Z = 74430.11064285714


def _lp_digest(lp) -> str:
    h = hashlib.sha256()
    m = lp.matrix
    for a in (m.data, m.indices, m.indptr, lp.col_lb, lp.col_ub, lp.objective):
        h.update(np.ascontiguousarray(a).tobytes())
    for a in (lp.row_lb, lp.row_ub):
        h.update(np.ascontiguousarray(a).tobytes())
    h.update("|".join(lp.variable_names()).encode())
    h.update("|".join(lp.constraint_names()).encode())
    return h.hexdigest()


def test_without_periods_the_lp_is_unchanged():
    """No [periods]: the same LP, byte for byte, and the same optimum as before (§3)."""
    ds = load_dataset(REFERENCE)
    for (name, form), digest in MAIN_DIGESTS.items():
        f = build(load_dataset(REFERENCE.parent / name), linkage_form=form)
        assert f.phased is None
        assert _lp_digest(f.lp) == digest, (name, form)
    r = solve(ds, backend="highs")
    assert r.objective == pytest.approx(MAIN_Z, rel=1e-12)  # the tie-break plan: round-off
    assert r.periods.empty and "period_end" not in r.flows and "period_end" not in r.targets


@pytest.mark.parametrize("form", ["auto", "pairwise"])
def test_reference_in_three_periods_is_checked(form):
    """2025/2030/2035 with intensity milestones and a discount: both linkage layouts
    give the same Z, and every cumulative constraint holds (the checker)."""
    ds = load_dataset(
        REFERENCE,
        {
            "periods.end_years": "[2025, 2030, 2035]",
            "periods.intensity": "[0.1, 0.2, 0.4]",
            "periods.discount": "0.9",
        },
    )
    r = solve(ds, backend="highs", linkage_form=form)
    assert_feasible(ds, r)
    assert r.objective == pytest.approx(67077.708301, rel=1e-8)
    assert set(r.periods["period_end"]) == {"2025", "2030", "2035"}
    assert {"intensity_reduction@2025", "intensity_reduction@2030"} <= set(r.targets["target"])


def test_instruments_with_periods_are_checked():
    """Projects, the reserve, stock and 增存挂钩 per period, without carry-over."""
    ds = load_dataset(INSTRUMENTS, {**TWO, "periods.carry_over": "false"})
    for form in ("auto", "pairwise"):
        r = solve(ds, backend="highs", linkage_form=form)
        assert_feasible(ds, r)
        assert r.objective == pytest.approx(74243.730179, rel=1e-8)


@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    demands=st.lists(st.integers(0, 200), min_size=2, max_size=4),
    zones=st.lists(st.sampled_from(["urban", "agricultural", "ecological"]), min_size=4),
    first=st.floats(0.0, 1.0),
    total=st.integers(10, 400),
)
def test_carry_over_never_lowers_z(demands, zones, first, total):
    """Carrying the unused pool over only adds plans: Z with carry-over ≥ Z without."""
    counties = [
        county(f"C{i}", zone=zones[i], demand=d, reclaim_potential=d / 4, resettle_ratio=0.2)
        for i, d in enumerate(demands)
    ]
    pools = [first * total, (1 - first) * total]
    z = {}
    for carry in (True, False):
        ds = dataset(
            counties,
            quota=total,
            periods={"end_years": [2025, 2035], "quota": pools, "carry_over": carry},
        )
        r = solve(ds, backend="highs")
        assert_feasible(ds, r)
        z[carry] = r.objective
    assert z[True] >= z[False] - 1e-7 * max(1.0, abs(z[False]))


@pytest.mark.parametrize(
    ("periods", "words"),
    [
        ({"end_years": [2030, 2025]}, "years must increase, got 2025 after 2030"),
        ({"end_years": [2020, 2035]}, "after the base year 2020, got 2020"),
        ({"end_years": [2025, 2030]}, "the last year must be the target year 2035, got 2030"),
        ({"end_years": [2025, 2035], "quota": [100]}, "quota has 1 entries but end_years has 2"),
        ({"end_years": [2025, 2035], "quota": [-1, 5]}, "pool must be a finite number of ha ≥ 0"),
        ({"end_years": [2025, 2035], "intensity": [0.1, 1.5]}, "fraction in [0, 1]"),
        ({"end_years": [2025, 2035], "discount": 0}, "greater than 0"),
        ({"quota": [10, 20]}, "quota needs end_years"),
        ({"end_years": [2025, 2035], "quota": [90, 20]}, "sums to 110 ha, more than quota.total"),
    ],
)
def test_bad_periods_are_named(periods, words):
    with pytest.raises(DataError) as err:
        dataset([county("X")], quota=100, periods=periods)
    text = str(err.value)
    assert "periods" in text and words in text, text


def test_run_folder_holds_allocation_by_period(tmp_path):
    """allocation_by_period.csv: the §7 columns, its sums are allocation.csv's totals,
    and it reads back; two identical runs write identical bytes."""
    ds = load_dataset(REFERENCE, TWO)
    r = solve(ds, backend="highs")
    out = write_run(r, tmp_path / "a")
    table = pd.read_csv(out / "allocation_by_period.csv", dtype={"county_id": str})
    assert list(table.columns[:12]) == [
        "county_id",
        "period_end",
        "quota",
        "linkage_in",
        "allocation",
        "reclaimed",
        "supplemented",
        "shortfall",
        "urban_land",
        "per_capita",
        "cultivated",
        "construction_land",
    ]
    sums = table.groupby("county_id")[["allocation", "quota", "reclaimed"]].sum()
    alloc = r.counties.set_index("county_id")
    for column in sums.columns:
        np.testing.assert_allclose(sums[column], alloc.loc[sums.index, column], atol=1e-5)
    last = table[table["period_end"] == 2035].set_index("county_id")
    np.testing.assert_allclose(
        last["cultivated"], alloc.loc[last.index, "cultivated_2035"], atol=1e-5
    )
    flows = pd.read_csv(out / "flows.csv", dtype=str)
    assert list(flows.columns[:4]) == ["from_id", "to_id", "amount", "period_end"]
    assert set(flows["period_end"]) <= {"2025", "2035"}
    back = read_run(out)
    assert len(back.periods) == len(r.periods)
    headline = r.summary.headline.periods
    assert [h.period_end for h in headline] == ["2025", "2035"]
    assert sum(h.allocation_ha for h in headline) == pytest.approx(alloc["allocation"].sum())
    again = write_run(solve(ds, backend="highs"), tmp_path / "b")
    for name in ("allocation_by_period.csv", "allocation.csv", "flows.csv", "targets.csv"):
        assert (out / name).read_bytes() == (again / name).read_bytes(), name


#: The per-period county figures the tie-break makes unique (MODEL.md §6 with §7).
PERIOD_FIGURES = ["allocation", "quota", "linkage_in", "linkage_out", "reclaimed", "supplemented"]


@pytest.fixture(scope="module")
def two_period_baseline():
    ds = load_dataset(REFERENCE.parent / "shanxi-central-periods")
    return ds, solve(ds, backend="highs", solver="simplex")


@pytest.mark.parametrize("form", ["auto", "pairwise"])
@pytest.mark.parametrize(
    ("backend", "solver"),
    [("ortools", "glop"), ("highs", "ipm"), ("pulp", "cbc"), ("ortools", "pdlp")],
)
def test_two_periods_same_county_figures_everywhere(two_period_baseline, backend, solver, form):
    """The tie-break sums T over the periods: every backend, solver and linkage layout
    gives the same figures for every county in every period (10⁻³ ha + 10⁻⁶ relative)."""
    ds, baseline = two_period_baseline
    r = solve(ds, backend=backend, solver=solver, linkage_form=form)
    assert r.summary.tie_break.ran
    assert_feasible(ds, r, rtol=1e-4 if solver == "pdlp" else 1e-6)
    a = r.periods.set_index(["county_id", "period_end"])[PERIOD_FIGURES].sort_index()
    b = baseline.periods.set_index(["county_id", "period_end"])[PERIOD_FIGURES].sort_index()
    gap = (a - b).abs()
    limit = 1e-3 + 1e-6 * np.maximum(a.abs(), b.abs())
    assert (gap <= limit).all().all(), f"{backend}/{solver}/{form}: {gap.max().max()}"
    assert r.objective == pytest.approx(baseline.objective, rel=1e-6)


def _demand_file(folder: Path, rows: list[tuple], header: list[str]) -> None:
    pd.DataFrame(rows, columns=header).to_csv(folder / "period_demand.csv", index=False)


def test_period_demand_csv_sets_each_periods_demand(tmp_path):
    """period_demand.csv replaces the split by years for the counties it lists (Chinese
    headers, 2025年 as a year), and its min_allocation holds in that period."""
    import shutil

    folder = tmp_path / "ds"
    shutil.copytree(REFERENCE.parent / "shanxi-central-periods", folder)
    c = pd.read_csv(folder / "counties.csv", dtype={"county_id": str}).set_index("county_id")
    demand = float(c.loc["140105", "demand"])
    _demand_file(
        folder,
        [("140105", "2025年", 0.6 * demand, 100.0), ("140105", "2035", 0.4 * demand, None)],
        ["区划代码", "规划期末", "分期需求", "保障下限"],
    )
    ds = load_dataset(folder)
    r = solve(ds, backend="highs")
    assert_feasible(ds, r)
    got = r.periods.set_index(["county_id", "period_end"])
    assert got.loc[("140105", "2025"), "demand"] == pytest.approx(0.6 * demand)
    assert got.loc[("140105", "2035"), "demand"] == pytest.approx(0.4 * demand)
    other = got.loc[("140106", "2025"), "demand"]  # not listed: split by years (5/15)
    assert other == pytest.approx(float(c.loc["140106", "demand"]) / 3)


def test_bad_period_demand_csv_names_row_column_and_value(tmp_path):
    import shutil

    folder = tmp_path / "ds"
    shutil.copytree(REFERENCE.parent / "shanxi-central-periods", folder)
    _demand_file(
        folder,
        [
            ("140105", "2030", 5, None),
            ("140105", "2035", 5, 9),
            ("999", "2035", 1, None),
            ("140106", "2025", 1, None),
        ],
        ["county_id", "period_end", "demand", "min_allocation"],
    )
    with pytest.raises(DataError) as err:
        load_dataset(folder)
    got = {(p.row, p.column, p.value): p.message for p in err.value.problems}
    assert "is not a period end of the plan: use 2025, 2035" in got[(2, "period_end", "2030")]
    assert "sum to 10 ha, not its counties.csv demand" in got[(2, "demand", "5")]
    assert "more than the period's demand (5 ha)" in got[(3, "min_allocation", "9")]
    assert "unknown county_id" in got[(4, "county_id", "999")]
    assert "needs one row for every period end" in got[(5, "county_id", "140106")]
    # and without [periods] the file cannot be read at all
    shutil.copy(REFERENCE / "scenario.toml", folder / "scenario.toml")
    with pytest.raises(DataError) as err:
        load_dataset(folder)
    assert "has no [periods]" in str(err.value)


def test_explain_prices_each_pool_and_what_carry_over_is_worth():
    """Pools 30,000 + 30,000 ha without carry-over: the worth of carry-over is exactly
    Z with it − Z without (both solved here), and each period's pool has a price."""
    base = REFERENCE.parent / "shanxi-central-periods"
    pools = {"periods.quota": "[30000, 30000]"}
    off = solve(load_dataset(base, {**pools, "periods.carry_over": "false"}), backend="highs")
    on = solve(load_dataset(base, pools), backend="highs")
    periods = off.summary.explain.periods
    assert periods is not None and not periods.carry_over
    assert periods.carry_over_worth == pytest.approx(on.objective - off.objective, rel=1e-6)
    assert periods.carry_over_worth > 1.0
    assert [p.period_end for p in periods.pools] == ["2025", "2035"]
    # each pool's price is its row's unique rates (test_period_prices.py checks them)
    assert all(p.rates is not None and p.rates.gain_per_unit >= 0 for p in periods.pools)
    # without [periods] summary.json's explain has no periods key
    plain = solve(load_dataset(REFERENCE), backend="highs")
    assert "periods" not in plain.summary.model_dump(mode="json")["explain"]


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", ["Periods (ha; carry-over on", "2021–2025", "2026–2035", "21–25", "Period pools"]),
        # the 2025 milestone's intensity row means the fall up to 2025, not 2035
        (
            "zh",
            ["分期（公顷；结转可用", "2021—2025年", "21—25", "分期指标池", "2020→2025年单位GDP"],
        ),
    ],
)
def test_reports_show_the_periods(tmp_path, lang, words):
    from typer.testing import CliRunner

    from optimizer.cli.app import app

    runner = CliRunner()
    folder = str(REFERENCE.parent / "shanxi-central-periods")
    out = tmp_path / "run"
    solved = runner.invoke(app, ["solve", folder, "--out", str(out), "--lang", lang])
    assert solved.exit_code == 0, solved.output
    explained = runner.invoke(app, ["explain", str(out), "--lang", lang])
    assert explained.exit_code == 0, explained.output
    text = solved.output + explained.output
    for word in words:
        assert word in text, word


def test_a_period_lock_holds_that_periods_land():
    """Two counties of test_two_periods_with_carry_over; X locked at 4 ha in 2021-2025.

    X₁ = 4 exactly; X₂ takes its period's whole demand, 20 ha (X: 24 in all). Y takes the
    rest early first: Y₁ = 20 (its period-1 demand; the pool has 40 − 4 = 36 ha), and by
    2035 60 − 24 − 20 = 16 ha remain for Y₂ (≤ 40).
    Z = (4 + 0.4·20) + 0.9·(20 + 0.4·16) = 12 + 23.76 = 35.76.
    """
    base = _two_counties(True)
    locks = pd.DataFrame({"county_id": ["X"], "period_end": ["2025"], "min": [4.0], "max": [4.0]})
    ds = dataset(
        [county("X", demand=30), county("Y", zone="ecological", demand=60)],
        quota=60,
        periods=base.scenario.periods.model_dump(),
        locks=locks,
        **QUIET,
    )
    r = solve(ds, backend="highs")
    assert_feasible(ds, r)
    want = {("X", "2025"): 4, ("X", "2035"): 20, ("Y", "2025"): 20, ("Y", "2035"): 16}
    assert _by_period(r) == pytest.approx(want, abs=ABS)
    assert r.objective == pytest.approx(35.76, abs=ABS)
    locked = r.periods.set_index(["county_id", "period_end"])["locked"]
    assert locked[("X", "2025")] == "yes" and locked[("X", "2035")] == "no"
    assert r.counties.set_index("county_id").loc["X", "locked"] == "yes"


def test_monitoring_replan_holds_what_was_used(tmp_path):
    """docs/replan.md: the plan for 2021-2035, then a re-plan in 2025 from what each county
    used in 2021-2025 (80 % of its 近期 figure, min = max = used in locks.csv). The used
    figures are held exactly; the 近期 pool left unused is carried over into 远期; every
    constraint still holds."""
    import shutil

    source = REFERENCE.parent / "shanxi-central-periods"
    plan = solve(load_dataset(source), backend="highs")
    near = plan.periods[plan.periods["period_end"] == "2025"]
    used = (0.8 * near["allocation"]).round(1).to_numpy()
    folder = tmp_path / "replan"
    shutil.copytree(source, folder)
    pd.DataFrame(
        {"county_id": near["county_id"], "period_end": "2025", "min": used, "max": used}
    ).to_csv(folder / "locks.csv", index=False)
    ds = load_dataset(folder)
    again = solve(ds, backend="highs")
    assert_feasible(ds, again)
    got = again.periods[again.periods["period_end"] == "2025"]["allocation"].to_numpy()
    np.testing.assert_allclose(got, used, atol=1e-6)
    pools = {h.period_end: h for h in again.summary.headline.periods}
    unused = pools["2025"].quota_pool_ha - pools["2025"].quota_used_ha
    assert unused > 1000  # the counties used less than planned
    assert pools["2035"].quota_used_ha == pytest.approx(
        pools["2035"].quota_pool_ha + unused, rel=1e-9
    )
    assert again.objective < plan.objective  # holding the past costs the optimum


def test_an_intensity_reduction_that_the_milestones_replace_is_warned_about():
    """With [periods] intensity the last milestone is the target-year τ (MODEL.md §7): a
    different intensity.reduction would do nothing, and the warning says so by key."""
    phased = REFERENCE.parent / "shanxi-central-periods"
    changed = load_dataset(phased, {"intensity.reduction": 0.6})
    (warning,) = [w for w in changed.warnings if w.code == "intensity_superseded"]
    assert (warning.file, warning.column, warning.value) == (
        "scenario.toml",
        "intensity.reduction",
        "0.6",
    )
    assert "last milestone (0.4)" in warning.message
    assert not [w for w in load_dataset(phased).warnings if w.code == "intensity_superseded"]
