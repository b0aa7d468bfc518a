"""Sweeps (issue 13): each scenario equals a plain solve; serial = Dask; resumable; targets."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from checker import assert_feasible
from factories import county, dataset
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_cross_backend import small_datasets
from typer.testing import CliRunner

from optimizer import load_dataset, solve
from optimizer.cli.app import app
from optimizer.data.problems import UsageError
from optimizer.formulation.build import build
from optimizer.solve import assemble
from optimizer.sweep import sweep, target, write_sweep
from optimizer.sweep.importance import importance_scores
from optimizer.sweep.run import formulation_for
from optimizer.sweep.spec import Point, apply_point, draw_samples, load_spec
from optimizer.sweep.store import ChunkStore, partial_path
from optimizer.sweep.warm import WarmSolver, same_matrix

REFERENCE = Path(__file__).resolve().parent.parent / "inputs" / "shanxi-central"
runner = CliRunner()
#: Z of a warm re-solve against a plain solve (another solver, another start): relative.
Z_RTOL = 1e-7


@pytest.fixture(scope="module")
def reference():
    return load_dataset(REFERENCE)


def small():
    """Three counties in two cities with linkage and a guaranteed minimum: every family
    small, solved in milliseconds (for the Dask and resume tests)."""
    return dataset(
        [
            county("1", demand=300, reclaim_potential=80, rural_settlement_2020=2000),
            county("2", demand=250, min_allocation=20),
            county("3", city="B市", zone="agricultural", demand=200),
        ],
        quota=400,
    )


def test_each_grid_point_equals_a_plain_solve(reference):
    grid = {
        "quota.total": [30000.0, 60000.0, 90000.0],
        "per_capita.cap_m2": [130.0, 150.0],  # 130: infeasible (a minimum above the cap)
        "counties.demand": [0.9, 1.1],
    }
    result = sweep(reference, grid=grid, chunk_size=5)
    s = result.scenarios
    assert len(s) == 12 and list(s.columns[1:4]) == list(grid)
    assert (s["status"] == "optimal").sum() == 6
    for row, point in zip(s.itertuples(index=False), result.points, strict=True):
        ds = apply_point(reference, point)
        plain = solve(ds)
        assert row.status == plain.status.value
        if row.status != "optimal":
            assert np.isnan(row.objective)
            continue
        assert row.objective == pytest.approx(plain.objective, rel=Z_RTOL)
        assert row.satisfaction == pytest.approx(
            plain.counties["allocation"].sum() / plain.counties["demand"].sum(), abs=1e-6
        )
    c = result.counties
    assert len(c) == 6 * len(reference.counties)  # optimal scenarios only
    totals = c.groupby("scenario_id")["allocation"].sum()
    optimal = s[s["status"] == "optimal"].set_index("scenario_id")["allocation_ha"]
    np.testing.assert_allclose(totals.loc[optimal.index], optimal.to_numpy(), rtol=1e-12)
    # a grid factor scales every county's demand
    first = c[c["scenario_id"] == 3].set_index("county_id")["demand"]
    base = reference.counties.set_index("county_id")["demand"]
    np.testing.assert_allclose(first.loc[base.index].to_numpy(), 0.9 * base.to_numpy())


def test_warm_re_solves_are_feasible_and_optimal(reference):
    """A sequence of changed rhs, bounds and costs in one model: every answer passes the
    independent checker and has the plain solve's Z."""
    solver = WarmSolver()
    changes = [
        {},
        {"quota.total": 45000.0},
        {"weights.zone.agricultural": 1.2},
        {"linkage.cross_city_cost": 0.5, "quota.total": 80000.0},
        {"per_capita.cap_m2": 160.0},  # one more row: the model is loaded afresh
    ]
    for overrides in changes:
        ds = reference.with_overrides(overrides) if overrides else reference
        f = build(ds)
        solution = solver.solve(f.lp)
        result = assemble(f, solution, "highs", "simplex")
        assert_feasible(ds, result)
        assert result.objective == pytest.approx(solve(ds).objective, rel=Z_RTOL)
    assert solver.warm_solves == 3 and solver.cold_loads == 2


def test_a_matrix_change_reloads_the_model(reference):
    solver = WarmSolver()
    solver.solve(build(reference).lp)
    other = reference.with_overrides({"defaults.occupation_rate": 0.3})  # a coefficient
    solution = solver.solve(build(other).lp)
    assert solver.cold_loads == 2
    assert solution.objective == pytest.approx(solve(other).objective, rel=Z_RTOL)


@pytest.fixture(scope="module")
def cluster():
    """A local Dask cluster of two worker processes (started once for this module)."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as local:
        yield local


def test_serial_and_dask_give_identical_tables(cluster):
    from distributed import Client

    ds = small()
    grid = {"quota.total": [100.0, 250.0, 400.0, 600.0], "weights.zone.urban": [0.5, 1.0]}
    serial = sweep(ds, grid=grid, chunk_size=3)
    with Client(cluster) as client:
        parallel = sweep(ds, grid=grid, chunk_size=3, executor=client)
    pd.testing.assert_frame_equal(serial.scenarios, parallel.scenarios, check_exact=True)
    pd.testing.assert_frame_equal(serial.counties, parallel.counties, check_exact=True)
    pd.testing.assert_frame_equal(serial.robustness, parallel.robustness, check_exact=True)


def test_the_cli_on_a_running_scheduler_writes_what_a_serial_run_writes(cluster, dataset_dir):
    tmp = dataset_dir.parent
    args = ["sweep", str(dataset_dir), "--grid", "quota.total=1000:3000:500", "--chunk-size", "2"]
    serial = runner.invoke(app, [*args, "--out", str(tmp / "serial")])
    assert serial.exit_code == 0, serial.output
    remote = runner.invoke(
        app, [*args, "--out", str(tmp / "remote"), "--scheduler", cluster.scheduler_address]
    )
    assert remote.exit_code == 0, remote.output
    for file in ("scenarios.csv", "counties.csv", "robustness.csv", "summary.json"):
        assert (tmp / "serial" / file).read_bytes() == (tmp / "remote" / file).read_bytes()


@pytest.mark.parametrize(
    ("options", "words"),
    [
        (["--workers", "0"], "--workers must be at least 1"),
        (["--workers", "2", "--scheduler", "tcp://127.0.0.1:1"], "not both"),
        (["--chunk-size", "0"], "--chunk-size must be at least 1"),
    ],
)
def test_bad_sweep_options_exit_2(tmp_path, options, words):
    args = ["sweep", str(REFERENCE), "--grid", "quota.total=1,2", "--out", str(tmp_path / "s")]
    res = runner.invoke(app, [*args, *options])
    assert res.exit_code == 2 and words in res.stderr, res.output


def test_a_resumed_sweep_equals_an_uninterrupted_one(tmp_path):
    ds = small()
    grid = {"quota.total": "100:700:50"}
    whole = sweep(ds, grid=grid, chunk_size=4)
    store = tmp_path / "store"
    calls = []

    def stop_after_two_chunks(done: int, total: int) -> None:
        calls.append(done)
        if done >= 8:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        sweep(ds, grid=grid, chunk_size=4, store=store, progress=stop_after_two_chunks)
    assert len(list(store.glob("chunk-*.json"))) == 2
    resumed = sweep(ds, grid=grid, chunk_size=4, store=store)
    assert resumed.resumed == 8
    for name in ("scenarios", "counties", "robustness"):
        pd.testing.assert_frame_equal(
            getattr(whole, name), getattr(resumed, name), check_exact=True
        )
    a = write_sweep(whole, tmp_path / "a")
    b = write_sweep(resumed, tmp_path / "b")
    for file in ("scenarios.csv", "counties.csv", "robustness.csv", "report.html"):
        assert (a / file).read_bytes() == (b / file).read_bytes(), file


def test_target_on_a_hand_computed_case():
    """Two neutral counties: A wants 100 ha, B 400 ha but its per-capita cap leaves room
    for 325 ha. Every ha of pool becomes allocation, so satisfaction = Q / 500 up to
    Q = 425 (85 %, the most): 80 % needs Q = 400 ha exactly; 90 % is out of reach."""
    ds = dataset([county("A", demand=100), county("B", demand=400)], quota=10)
    found = target(ds, 0.8)
    assert found.reached and found.value == 400.0
    assert found.achieved == pytest.approx(0.8, abs=1e-9)
    assert found.to_dict() == {
        "key": "quota.total",
        "value": 400.0,
        "reached": True,
        "achieved": found.achieved,
    }
    out = target(ds, 0.9)
    assert not out.reached and out.value is None
    assert out.achieved == pytest.approx(425 / 500, abs=1e-9)
    assert target(ds, 0.0).value == 0.0


def test_target_of_the_reference_pool(reference):
    found = target(reference, 0.8)
    assert found.reached
    below = solve(reference, overrides={"quota.total": found.value - 1})
    at = solve(reference, overrides={"quota.total": found.value})
    sat = lambda r: r.counties["allocation"].sum() / r.counties["demand"].sum()  # noqa: E731
    assert sat(below) < 0.8 <= sat(at) + 1e-9
    assert not target(reference, 0.81).reached  # 80.4 % is the most any pool gives


def test_target_cli_json_prints_the_four_keys_only():
    res = runner.invoke(app, ["target", str(REFERENCE), "satisfaction=0.85", "--json"])
    assert res.exit_code == 4, res.output
    data = json.loads(res.stdout)
    assert list(data) == ["key", "value", "reached", "achieved"]
    assert data["reached"] is False and data["value"] is None
    assert data["achieved"] == pytest.approx(0.804, abs=5e-4)


SPEC = """\
samples = 20
seed = 7

[sample."counties.demand"]
relative = 0.10

[sample."counties.urban_pop_2035"]
distribution = "normal"
relative = 0.05

[sample."weights.zone.urban"]
low = 0.8
high = 1.2
"""


def test_sampling_is_reproducible_and_within_its_ranges(tmp_path, reference):
    path = tmp_path / "sweep.toml"
    path.write_text(SPEC)
    spec, axes = load_spec(path, reference)
    assert spec.n_samples == 20 and spec.seed == 7 and axes == []
    a, b = draw_samples(spec, reference), draw_samples(spec, reference)
    for key in a:
        np.testing.assert_array_equal(a[key], b[key])
    demand = a["counties.demand"]
    assert demand.shape == (20, len(reference.counties))
    assert demand.min() >= 0.9 and demand.max() <= 1.1 and demand.std() > 0.02
    assert a["weights.zone.urban"].min() >= 0.8 and a["weights.zone.urban"].max() <= 1.2
    other = draw_samples(type(spec)(samples=spec.samples, n_samples=20, seed=8), reference)
    assert not np.array_equal(other["counties.demand"], demand)


def test_a_sampled_sweep_reports_county_ranges(tmp_path, reference):
    path = tmp_path / "sweep.toml"
    path.write_text(SPEC)
    one = sweep(reference, spec=path, samples=6, chunk_size=4)
    two = sweep(reference, spec=path, samples=6, chunk_size=4)
    pd.testing.assert_frame_equal(one.scenarios, two.scenarios, check_exact=True)
    s = one.scenarios
    assert list(s["draw"]) == [1, 2, 3, 4, 5, 6]
    r = one.robustness
    assert (r["allocation_min"] <= r["allocation_median"] + 1e-9).all()
    assert (r["allocation_median"] <= r["allocation_max"] + 1e-9).all()
    assert set(r["class"]) <= {"always", "swing", "never"}
    share = r.set_index("county_id")["half_demand_share"]
    c = one.counties
    expected = (c["allocation"] >= 0.5 * c["demand"] - 1e-6).groupby(c["county_id"]).mean()
    np.testing.assert_allclose(share.loc[expected.index], expected.to_numpy())
    r_class = r.set_index("county_id")["class"]
    assert (r_class[share == 1.0] == "always").all() and (r_class[share == 0.0] == "never").all()


def test_importance_on_a_hand_computed_case():
    """Two equal counties share a 100 ha pool, 50 ha each, all in the first tier (value 1):
    Z = 100. With A held at 0, B takes 100 ha: 50·1 + 30·0.6 + 20·0.3 = 74; A's score 26."""
    ds = dataset([county("A"), county("B")], quota=100)
    result = sweep(ds, grid={"quota.total": [100.0]}, importance=True)
    np.testing.assert_allclose(result.robustness["importance"], [26.0, 26.0], atol=1e-7)


@pytest.mark.parametrize(
    ("grid", "words"),
    [
        ("quota.totl=1:2:1", "did you mean quota.total"),
        ("quota.total", "expects KEY=START:STOP:STEP"),
        ("quota.total=1:a:1", "three numbers"),
        ("quota.total=10:5:1", "below START"),
        ("quota.total=0:10:0", "STEP must be positive"),
        ("quota.total=-5,10", "quota.total=-5"),
        ("counties.nothing=1,2", "no numeric column"),
        ("counties.demand=a", "not a number"),
    ],
)
def test_bad_grid_specifications_exit_2_and_write_nothing(tmp_path, grid, words):
    out = tmp_path / "sweep"
    res = runner.invoke(app, ["sweep", str(REFERENCE), "--grid", grid, "--out", str(out)])
    assert res.exit_code == 2, res.output
    assert words in res.stderr and "Traceback" not in res.output
    assert list(tmp_path.iterdir()) == []


def test_nothing_to_sweep_is_a_usage_error(reference):
    with pytest.raises(UsageError, match="nothing to sweep"):
        sweep(reference)


def test_the_sweep_folder_is_atomic_and_safe(tmp_path):
    out = tmp_path / "s"
    args = ["sweep", str(REFERENCE), "--grid", "quota.total=50000,60000", "--out", str(out)]
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    files = sorted(p.name for p in out.iterdir())
    assert files == [
        "counties.csv",
        "landquota-run.json",
        "report.html",
        "robustness.csv",
        "scenarios.csv",
        "summary.json",
    ]
    assert not partial_path(out).exists()  # the resume area goes once the folder is in
    summary = json.loads((out / "summary.json").read_text())
    assert summary["scenarios"] == 2 and summary["varied"] == ["quota.total"]
    html = (out / "report.html").read_text()
    assert html.count("<svg") == 2 and "http" not in html.replace("http://www.w3.org", "")
    before = (out / "scenarios.csv").read_bytes()
    assert runner.invoke(app, args).exit_code == 0  # its own folder: replaced
    assert (out / "scenarios.csv").read_bytes() == before
    (out / "notes.txt").write_text("mine")
    res = runner.invoke(app, args)
    assert res.exit_code == 2 and "notes.txt" in res.stderr
    assert (out / "notes.txt").read_text() == "mine"


def test_a_sweep_does_not_replace_a_run_folder(tmp_path):
    run = tmp_path / "run"
    assert runner.invoke(app, ["solve", str(REFERENCE), "--out", str(run), "--json"]).exit_code == 0
    before = sorted(p.name for p in run.iterdir())
    res = runner.invoke(
        app, ["sweep", str(REFERENCE), "--grid", "quota.total=1,2", "--out", str(run)]
    )
    assert res.exit_code == 2 and "not a sweep folder" in res.stderr, res.output
    assert sorted(p.name for p in run.iterdir()) == before
    assert not partial_path(run).exists()


def test_a_foreign_folder_at_the_resume_path_is_left_alone(tmp_path):
    out = tmp_path / "s"
    foreign = partial_path(out)
    foreign.mkdir()
    (foreign / "data.txt").write_text("x")
    with pytest.raises(UsageError, match="not a landquota sweep's resume area"):
        ChunkStore(foreign)
    assert (foreign / "data.txt").read_text() == "x"


def test_point_digest_names_what_it_sets():
    a = Point((("quota.total", 1.0),))
    assert a.digest() == Point((("quota.total", 1.0),)).digest()
    assert a.digest() != Point((("quota.total", 2.0),)).digest()
    f1 = Point(factors=(("counties.demand", np.array([1.0, 1.1])),))
    f2 = Point(factors=(("counties.demand", np.array([1.0, 1.2])),))
    assert f1.digest() != f2.digest()


def test_county_figures_equal_a_plain_solve_where_the_optimum_is_unique():
    """Three zones, distinct values per tier (w_zone × v_k all differ): one optimum, so a
    warm re-solve must give every county exactly what a cold GLOP solve gives."""
    ds = dataset(
        [
            county("A", zone="urban", demand=100),
            county("B", zone="agricultural", demand=100),
            county("C", city="B市", zone="ecological", demand=100),
        ],
        quota=10,
    )
    pools = [0.0, 30.0, 75.0, 120.0, 180.0, 260.0, 300.0]
    result = sweep(ds, grid={"quota.total": pools}, chunk_size=3)
    for sid, q in enumerate(pools, start=1):
        plain = solve(ds, overrides={"quota.total": q})
        mine = result.counties[result.counties["scenario_id"] == sid]
        np.testing.assert_allclose(
            mine["allocation"].to_numpy(), plain.counties["allocation"].to_numpy(), atol=1e-7
        )
        assert list(mine["binding"]) == list(plain.binding_text())


def test_a_draw_the_scenario_refuses_is_named_before_solving(tmp_path, reference):
    path = tmp_path / "sweep.toml"
    path.write_text('[sample."quota.total"]\ndistribution = "normal"\nmean = 100\nsd = 1000\n')
    with pytest.raises(UsageError, match=r"sample quota.total: draw \d+ is -"):
        sweep(reference, spec=path, samples=20)


def test_the_cli_resumes_what_was_left_and_writes_what_a_whole_run_writes(dataset_dir):
    """A sweep stopped after two chunks (its resume area kept), then the same command: it
    reads them back, solves the rest, and writes the files of an uninterrupted sweep."""
    tmp = dataset_dir.parent
    grid = "quota.total=500:3500:250"
    whole = runner.invoke(
        app, ["sweep", str(dataset_dir), "--grid", grid, "--chunk-size", "3", "--out",
              str(tmp / "whole"), "--json"],
    )  # fmt: skip
    assert whole.exit_code == 0, whole.output
    assert json.loads(whole.stdout)["scenarios"] == 13  # --json: summary.json only

    def stop(done: int, total: int) -> None:
        if done >= 6:
            raise KeyboardInterrupt

    out = tmp / "resumed"
    with pytest.raises(KeyboardInterrupt):
        sweep(load_dataset(dataset_dir), grid=[grid], chunk_size=3,
              store=partial_path(out), progress=stop)  # fmt: skip
    assert not out.exists() and partial_path(out).is_dir()
    res = runner.invoke(
        app, ["sweep", str(dataset_dir), "--grid", grid, "--chunk-size", "3", "--out", str(out)]
    )
    assert res.exit_code == 0, res.output
    assert "6 scenarios were finished before and read back" in res.stdout
    assert not partial_path(out).exists()
    files = ("scenarios.csv", "counties.csv", "robustness.csv", "report.html", "summary.json")
    for file in files:
        assert (out / file).read_bytes() == (tmp / "whole" / file).read_bytes(), file


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    ds=small_datasets(),
    pools=st.lists(st.floats(0, 1_500), min_size=2, max_size=4),
    urban=st.sampled_from([[1.0], [0.5, 1.5]]),
)
def test_random_sweeps_equal_plain_solves(ds, pools, urban):
    """Random datasets, pools and weights, warm in chunks of 3: every scenario's status
    and Z equal a cold solve's (the checker re-checks warm answers in
    test_warm_re_solves_are_feasible_and_optimal)."""
    result = sweep(ds, grid={"quota.total": pools, "weights.zone.urban": urban}, chunk_size=3)
    for row, point in zip(result.scenarios.itertuples(index=False), result.points, strict=True):
        scenario = apply_point(ds, point)
        plain = solve(scenario, backend="highs", solver="simplex")
        assert row.status == plain.status.value
        if plain.status.value != "optimal":
            continue
        scale = float(np.abs(plain.formulation.lp.objective * plain.solution.x).sum())
        # abs: Z_RTOL of the gross terms, at least of 1 (a pool of 0: Z = 0 to ±1e-15)
        tolerance = Z_RTOL * max(scale, 1.0)
        assert row.objective == pytest.approx(plain.objective, rel=Z_RTOL, abs=tolerance)


def test_importance_through_the_cli(dataset_dir):
    out = dataset_dir.parent / "s"
    args = ["sweep", str(dataset_dir), "--grid", "quota.total=2000,3000", "--importance"]
    res = runner.invoke(app, [*args, "--out", str(out)])
    assert res.exit_code == 0, res.output
    table = pd.read_csv(out / "robustness.csv", encoding="utf-8-sig", dtype={"county_id": str})
    expected = importance_scores(load_dataset(dataset_dir))
    np.testing.assert_allclose(table["importance"].to_numpy(), expected, atol=1e-6)
    assert (table["importance"] >= 0).all()


@pytest.mark.parametrize("pool", [0.0, 35000.0, 60000.0, 1e6])
def test_the_pool_shortcut_gives_the_lp_build_gives(reference, pool):
    """A point that sets only the pool takes the base LP with the quota_pool row's bound
    changed (RHS_KEYS); it must be the LP the builder makes for that scenario."""
    point = Point((("quota.total", pool),))
    ds, fast = formulation_for(reference, point, build(reference))
    built = build(apply_point(reference, point))
    assert ds.scenario.quota.total == pool == fast.dataset.scenario.quota.total
    assert same_matrix(fast.lp, built.lp)
    for name in ("objective", "col_lb", "col_ub", "row_lb", "row_ub"):
        np.testing.assert_array_equal(getattr(fast.lp, name), getattr(built.lp, name), name)
    pd.testing.assert_frame_equal(fast.lp.constraints, built.lp.constraints)
