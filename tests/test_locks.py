"""Locks (MODEL.md §8): locks.csv and ``--fix`` hold a county's new land A_i in [min, max].

Hand-computed cases on the default tiers (shares 0.5/0.3/0.2, values 1/0.6/0.3): demand
100 ha gives tiers of 50/30/20 ha. X is urban (weight 1), Y ecological (weight 0.4, tier
values 0.4/0.24/0.12). Every solve passes the independent checker (tests/checker.py),
which re-checks each lock from allocation.csv's numbers.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from checker import assert_feasible, violations
from factories import county, dataset
from typer.testing import CliRunner

from optimizer import solve
from optimizer.analysis.explain import explain
from optimizer.cli.app import app
from optimizer.data.locks import parse_fixes
from optimizer.data.problems import DataError, UsageError
from optimizer.data.read import load_dataset
from optimizer.formulation.build import build
from optimizer.runs.read import read_run
from optimizer.runs.write import write_run

PRICED = [("highs", "simplex"), ("ortools", "glop")]
ABS = 1e-6
REFERENCE = Path(__file__).resolve().parent.parent / "inputs" / "shanxi-central"
runner = CliRunner()


def _two(locks=None, quota=120, **y):
    return dataset([county("X"), county("Y", zone="ecological", **y)], quota=quota, locks=locks)


def _solve(ds, backend="highs", solver="simplex", **kw):
    result = solve(ds, backend=backend, solver=solver, **kw)
    assert_feasible(ds.with_fixes(kw.get("fix") or {}), result)  # the locks as solved
    return result


def _row(result, id_: str):
    return result.counties.set_index("county_id").loc[id_]


def _price(result, family: str, id_: str) -> float:
    m = result.marginals
    row = m[(m["family"] == family) & (m["id"] == id_)]
    assert len(row) == 1, f"no price for {family}[{id_}]:\n{m}"
    return float(row["value"].iloc[0])


def _binds(result, id_: str) -> bool:
    return bool(result.binding.set_axis(result.counties["county_id"]).loc[id_, "lock"])


# --------------------------------------------------------------------------- hand-computed


@pytest.mark.parametrize(("backend", "solver"), PRICED)
def test_a_max_lock_moves_land_to_others(backend, solver):
    """Q = 120. Free: X 80 (tiers 50 @ 1 + 30 @ 0.6), Y 40 (@ 0.4): Z = 84.

    Lock X at most 60: X 60 (50 + 10 of tier 2), Y 60 (50 @ 0.4 + 10 @ 0.24):
    Z = 50 + 6 + 20 + 2.4 = 78.4. One ha more room in the lock moves a ha from Y's tier 2
    (0.24) to X's (0.6): price 0.36; the pool's next ha goes to Y's tier 2: 0.24.
    """
    free = _solve(_two(), backend, solver)
    assert free.objective == pytest.approx(84.0, abs=ABS)
    r = _solve(_two([dict(county_id="X", max=60)]), backend, solver)
    assert r.objective == pytest.approx(78.4, abs=ABS)
    assert _row(r, "X")["allocation"] == pytest.approx(60.0, abs=ABS)
    assert _row(r, "Y")["allocation"] == pytest.approx(60.0, abs=ABS)
    assert _price(r, "lock", "X") == pytest.approx(0.36, abs=ABS)
    assert _price(r, "quota_pool", "region") == pytest.approx(0.24, abs=ABS)
    assert _binds(r, "X") and not _binds(r, "Y")
    x = _row(r, "X")
    assert (x["locked"], x["lock_max"]) == ("yes", 60.0) and np.isnan(x["lock_min"])
    assert _row(r, "Y")["locked"] == "no"
    assert r.binding_text().tolist()[0].split(";")[0] == "lock"
    limits = explain(r)["counties"]
    assert limits[0]["limited_by"] == "lock" and "held by its lock" in limits[0]["text"]


@pytest.mark.parametrize(("backend", "solver"), PRICED)
def test_a_fix_holds_a_county_exactly(backend, solver):
    """Fix Y = 10: X takes its whole demand 100 (tier 3 @ 0.3 too), 10 ha of pool stay
    unused: Z = 50 + 18 + 6 + 0.4 × 10 = 78; one ha more for Y is worth its tier 1, 0.4.

    Fix Y = 60: X gets the other 60: Z = 50 + 6 + 0.4 × 50 + 0.24 × 10 = 78.4; one ha
    less for Y moves it from Y's tier 2 (0.24) to X's (0.6): 0.36, and one ha more the
    other way (X's tier 2 is partly filled, so the price is the same both ways).
    """
    low = _solve(_two(), backend, solver, fix={"Y": 10})
    assert low.objective == pytest.approx(78.0, abs=ABS)
    assert _row(low, "Y")["allocation"] == pytest.approx(10.0, abs=ABS)
    assert _row(low, "X")["allocation"] == pytest.approx(100.0, abs=ABS)
    assert _price(low, "lock", "Y") == pytest.approx(0.4, abs=ABS)
    high = _solve(_two(), backend, solver, fix={"县Y": 60})  # by its unique name
    assert high.objective == pytest.approx(78.4, abs=ABS)
    assert _row(high, "Y")["allocation"] == pytest.approx(60.0, abs=ABS)
    assert _row(high, "X")["allocation"] == pytest.approx(60.0, abs=ABS)
    assert _price(high, "lock", "Y") == pytest.approx(0.36, abs=ABS)
    assert _binds(high, "Y") and not _binds(high, "X")


def test_a_min_lock_binds_at_its_min():
    """Lock Y at least 60 (no max): the same plan as the fix Y = 60, price 0.36."""
    r = _solve(_two([dict(county_id="Y", min=60, period_end="2035")]))
    assert r.objective == pytest.approx(78.4, abs=ABS)
    assert _price(r, "lock", "Y") == pytest.approx(0.36, abs=ABS)
    y = _row(r, "Y")
    assert y["lock_min"] == 60.0 and np.isnan(y["lock_max"])


def test_a_slack_lock_changes_nothing_and_does_not_bind():
    """X in [10, 90] holds the free plan (X 80): same Z, no lock flag, no lock price."""
    r = _solve(_two([dict(county_id="X", min=10, max=90)]))
    assert r.objective == pytest.approx(84.0, abs=ABS)
    assert not _binds(r, "X")
    assert "lock" not in set(r.marginals["family"])
    assert _row(r, "X")["locked"] == "yes"


def test_a_fix_overrides_the_locks_csv_row_of_its_county():
    r = _solve(_two([dict(county_id="Y", min=70)]), fix={"Y": 10})
    assert _row(r, "Y")["allocation"] == pytest.approx(10.0, abs=ABS)
    locks = _two([dict(county_id="Y", min=70)]).with_fixes({"Y": 10}).locks
    assert locks.to_dict("records") == [
        {"county_id": "Y", "period_end": "", "min": 10.0, "max": 10.0}
    ]


def test_the_tie_break_gives_the_same_county_figures_on_two_backends_with_a_lock():
    ds = load_dataset(REFERENCE).with_fixes({"140105": 6000.0, "古交市": 0.0})
    figures = []
    for backend, solver in PRICED:
        r = _solve(ds, backend, solver)
        assert _row(r, "140105")["allocation"] == pytest.approx(6000.0, abs=1e-6)
        figures.append(r.counties.set_index("county_id")["allocation"])
    assert np.allclose(figures[0], figures[1], rtol=0, atol=1e-5)


# --------------------------------------------------------------------------- no locks


def test_without_locks_the_lp_is_unchanged(tmp_path):
    """A locks.csv with a header only gives the LP without locks.csv, row for row, and
    allocation.csv gets no lock columns."""
    folder = tmp_path / "ds"
    shutil.copytree(REFERENCE, folder)
    plain = build(load_dataset(folder)).lp
    (folder / "locks.csv").write_text("county_id,period_end,min,max\n", encoding="utf-8")
    ds = load_dataset(folder)
    empty = build(ds).lp
    assert plain.shape == empty.shape and (plain.matrix != empty.matrix).nnz == 0
    assert np.array_equal(plain.row_lb, empty.row_lb)
    assert np.array_equal(plain.row_ub, empty.row_ub)
    assert np.array_equal(plain.objective, empty.objective)
    assert "lock" not in set(plain.constraints["family"].astype(str))
    r = solve(ds, backend="highs")
    assert not {"locked", "lock_min", "lock_max"} & set(r.counties.columns)
    assert solve(ds, backend="highs", fix={}).objective == r.objective


# --------------------------------------------------------------------------- --fix


def test_fix_parsing():
    assert parse_fixes(["140181=300", " 古交市 = 1,200.5 "]) == {"140181": 300.0, "古交市": 1200.5}
    for bad, says in (
        ("140181", "expects ID_OR_NAME=HA"),
        ("140181=", "expects ID_OR_NAME=HA"),
        ("140181=abc", "'abc' is not a number"),
        ("140181=-5", "finite number ≥ 0"),
        ("140181=inf", "finite number ≥ 0"),
    ):
        with pytest.raises(UsageError, match=says):
            parse_fixes([bad])
    with pytest.raises(UsageError, match="names 140181 twice"):
        parse_fixes(["140181=1", "140181=2"])


def _twins():
    """Two counties named 城区, in two cities, and one 古交市."""
    return dataset(
        [
            county("140302", city="阳泉市", name="城区"),
            county("140402", city="长治市", name="城区"),
            county("140181", city="太原市", name="古交市"),
        ],
        quota=200,
    )


def test_fix_by_id_and_by_name_and_an_ambiguous_or_unknown_name():
    ds = _twins()
    assert ds.with_fixes({"140302": 5}).locks["county_id"].tolist() == ["140302"]
    assert ds.with_fixes({"古交市": 5}).locks["county_id"].tolist() == ["140181"]
    with pytest.raises(UsageError) as err:
        ds.with_fixes({"城区": 5})
    text = str(err.value)
    assert "2 counties are named 城区" in text
    assert "城区 (阳泉市) 140302" in text and "城区 (长治市) 140402" in text
    with pytest.raises(
        UsageError, match=r"no county has the id or name 古交 .*did you mean 古交市"
    ):
        ds.with_fixes({"古交": 5})
    with pytest.raises(UsageError, match="twice"):
        ds.with_fixes({"古交市": 5, "140181": 6})


def test_a_fix_outside_the_county_range_names_both_numbers():
    ds = _two(min_allocation=20)
    with pytest.raises(DataError) as err:
        ds.with_fixes({"X": 150, "Y": 5})
    texts = sorted(str(p) for p in err.value.problems)
    assert texts == [
        "--fix = 'X=150': min 150 ha is above demand 100 ha of 县X (counties.csv): a lock "
        "holds new land within the county's demand",
        "--fix = 'Y=5': max 5 ha is below the guaranteed minimum 20 ha of 县Y (counties.csv "
        "min_allocation)",
    ]


def test_cli_fix_by_id_and_name(tmp_path):
    out = tmp_path / "run"
    args = ["solve", str(REFERENCE), "--out", str(out), "--fix", "140105=6000"]
    result = runner.invoke(app, [*args, "--fix", "古交市=0"], env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out / "allocation.csv", dtype={"county_id": str}).set_index("county_id")
    assert table.loc["140105", "allocation"] == pytest.approx(6000.0)
    assert table.loc["140181", "allocation"] == pytest.approx(0.0)
    assert (table["locked"] == "yes").sum() == 2
    assert table.loc["140105", "binding"].split(";")[0] == "lock"
    assert "小店区*" in result.output and "held by a lock" in result.output
    zh = runner.invoke(app, [*args, "--lang", "zh"], env={"COLUMNS": "120"})
    assert zh.exit_code == 0 and "新增用地已锁定" in zh.output and "锁定" in zh.output


def test_cli_ambiguous_and_unknown_names_are_usage_errors(tmp_path):
    folder = tmp_path / "ds"
    shutil.copytree(REFERENCE, folder)
    counties = pd.read_csv(folder / "counties.csv", dtype=str)
    counties.loc[counties["name"] == "矿区", "name"] = "城区"  # 城区 of 阳泉市 twice
    counties.to_csv(folder / "counties.csv", index=False)
    out = tmp_path / "run"
    result = runner.invoke(app, ["solve", str(folder), "--out", str(out), "--fix", "城区=10"])
    assert result.exit_code == 2
    assert "2 counties are named 城区" in result.output and "(阳泉市) 140302" in result.output
    assert not out.exists()
    result = runner.invoke(app, ["solve", str(folder), "--out", str(out), "--fix", "某县=10"])
    assert result.exit_code == 2 and "no county has the id or name 某县" in result.output
    assert not out.exists()


def test_explain_and_compare_of_a_dataset_take_fixes():
    result = runner.invoke(app, ["explain", str(REFERENCE), "--fix", "140105=6000"])
    assert result.exit_code == 0, result.output
    assert "held by its lock" in result.output
    result = runner.invoke(
        app, ["compare", str(REFERENCE), str(REFERENCE), "--fix-b", "140105=6000"]
    )
    assert result.exit_code == 0, result.output
    assert "--fix-b 140105=6000" in result.output


# --------------------------------------------------------------------------- locks.csv


def _with_locks(tmp_path, text: str, counties_edit=None):
    folder = tmp_path / "ds"
    shutil.copytree(REFERENCE, folder)
    (folder / "locks.csv").write_text(text, encoding="utf-8")
    return folder


def _problems(folder) -> list[str]:
    with pytest.raises(DataError) as err:
        load_dataset(folder)
    return [str(p) for p in err.value.problems]


def test_locks_csv_with_chinese_headers_and_a_county_name(tmp_path):
    folder = _with_locks(
        tmp_path, "县区代码,规划期末,锁定下限（亩）,锁定上限\n古交市,2035年,1500,\n"
    )
    ds = load_dataset(folder)
    assert ds.locks.to_dict("records") == [
        {
            "county_id": "140181",
            "period_end": "2035",
            "min": 100.0,
            "max": pytest.approx(np.nan, nan_ok=True),
        }
    ]
    assert any("read as its county_id 140181" in str(w) for w in ds.warnings)


def test_every_bad_lock_has_its_message(tmp_path):
    """古交市 (140181): demand 855.3 ha; 小店区 (140105) min_allocation set to 100."""
    rows = [
        "county_id,period_end,min,max",
        "999999,,10,20",  # 2 unknown county
        "140105,,300,200",  # 3 min > max
        "140106,,-5,",  # 4 negative
        "140181,,5000,",  # 5 above demand
        "140107,,,",  # 6 neither side
        "140108,2025,10,",  # 7 not a period end
        "140109,,10,",  # 8
        "140109,2035,20,",  # 9 duplicate of row 8 (empty = 2035)
        "140110,,,50",  # 10 below the guaranteed minimum
    ]
    folder = _with_locks(tmp_path, "\n".join(rows) + "\n")
    counties = pd.read_csv(folder / "counties.csv", dtype=str)
    counties.loc[counties["county_id"] == "140110", "min_allocation"] = "100"
    counties.to_csv(folder / "counties.csv", index=False)
    demand = float(counties.loc[counties["county_id"] == "140181", "demand"].iloc[0])
    demand_text = f"{demand:,.6f}".rstrip("0").rstrip(".")
    found = _problems(folder)
    expected = [
        "locks.csv row 2, column county_id = '999999': unknown county_id: not in counties.csv",
        "locks.csv row 3, column min = '300': the lock's min 300 ha is above its max 200 ha: "
        "min must not exceed max",
        "locks.csv row 4, column min = '-5': must be ≥ 0",
        f"locks.csv row 5, column min = '5000': min 5,000 ha is above demand {demand_text} ha "
        "of 古交市 (counties.csv): a lock holds new land within the county's demand",
        "locks.csv row 6, column min = '': is empty, and so is max: a lock needs a min, a max "
        "or both (ha of new land)",
        "locks.csv row 7, column period_end = '2025': is not a period end of the plan: use "
        "2035 or leave it empty (the whole plan period)",
        "locks.csv row 9, column county_id = '140109': a second lock of this county for the "
        "same period end 2035 (first in row 8; an empty period_end is the plan's end): keep one",
        "locks.csv row 10, column max = '50': max 50 ha is below the guaranteed minimum 100 ha "
        "of 晋源区 (counties.csv min_allocation)",
    ]
    assert sorted(found) == sorted(expected)


def test_an_unreadable_bound_is_reported_once(tmp_path):
    folder = _with_locks(tmp_path, "county_id,min,max\n140105,abc,\n")
    assert _problems(folder) == ["locks.csv row 2, column min = 'abc': is not a number"]


def test_a_lock_the_pool_cannot_hold_is_diagnosed():
    """Fix X = 100 and Y = 100 with Q = 150: infeasible. The conflict set names both locks
    and the pool; alone, each lock must come down to 50 ha (or the pool up to 200)."""
    r = solve(_two(quota=150), backend="highs", fix={"X": 100, "Y": 100})
    assert r.status.value == "infeasible"
    d = r.diagnosis
    conflict = d[d["kind"] == "conflict"]
    assert {("lock", "X"), ("lock", "Y"), ("quota_pool", "region")} <= set(
        zip(conflict["family"], conflict["id"], strict=True)
    )
    single = d[d["kind"] == "single"].set_index(["family", "id"])
    assert single.loc[("lock", "X"), "proposed"] == pytest.approx(50.0)
    assert single.loc[("lock", "Y"), "proposed"] == pytest.approx(50.0)
    assert single.loc[("lock", "X"), "setting"] == "locks.csv min/max"
    assert "locks.csv min/max of 县X alone: lower it to 50" in single.loc[("lock", "X"), "message"]
    assert single.loc[("quota_pool", "region"), "proposed"] == pytest.approx(200.0)


def test_a_lock_above_a_cap_is_diagnosed_with_the_cap():
    """Y's development boundary leaves 40 ha (σ = 1): a lock of 60 cannot hold; the
    diagnosis proposes lowering its min by 20 ha or enlarging the boundary."""
    r = solve(_two(dev_boundary=540), backend="highs", fix={"Y": 60})
    assert r.status.value == "infeasible"
    changes = r.diagnosis[r.diagnosis["kind"] == "change"]
    text = " ".join(changes["message"])
    assert "the lock of 县Y holds at least 60.0 ha" in text
    assert "development boundary allows (40.0 ha)" in text
    single = r.diagnosis[r.diagnosis["kind"] == "single"].set_index(["family", "id"])
    assert single.loc[("lock", "Y"), "proposed"] == pytest.approx(40.0)


def test_locks_survive_the_run_folder(tmp_path):
    ds = _two([dict(county_id="X", max=60)])
    r = _solve(ds)
    back = read_run(write_run(r, tmp_path / "run"))
    x = back.counties.set_index("county_id").loc["X"]
    assert x["locked"] == "yes" and x["lock_max"] == pytest.approx(60.0)
    assert bool(back.binding.set_axis(back.counties["county_id"]).loc["X", "lock"])
    assert explain(back)["counties"][0]["limited_by"] == "lock"
    header = (tmp_path / "run" / "allocation.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert "locked,lock_min,lock_max" in header
    html = (tmp_path / "run" / "report.html").read_text(encoding="utf-8")
    assert "县X*" in html and "*: held by a lock (locks.csv, --fix)" in html
    sheet = openpyxl.load_workbook(tmp_path / "run" / "report.xlsx")["counties"]
    headers = [cell.value for cell in next(sheet.iter_rows(max_row=1))]
    assert any(str(h).startswith("locked") for h in headers), headers


def test_the_checker_catches_a_broken_lock():
    ds = _two([dict(county_id="X", max=60)])
    r = _solve(ds)
    counties = r.counties.copy()
    counties.loc[counties["county_id"] == "X", "allocation"] += 5.0
    from dataclasses import replace

    found = violations(ds, replace(r, counties=counties))
    assert any(v.startswith("lock_max[X]") for v in found), found
    counties = r.counties.copy()
    counties["locked"] = "no"
    assert any(v.startswith("locked:") for v in violations(ds, replace(r, counties=counties)))
