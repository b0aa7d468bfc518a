"""Phased plans (MODEL.md §7) that fail, and sweeps over phased plans, end to end.

An infeasible phased scenario is diagnosed by its ``family@year`` rows, and each
single-setting fix, applied alone with ``--set``, solves. A sweep over a phased
dataset gives, per scenario, the figures of a single solve of that scenario.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from optimizer import solve
from optimizer.cli.app import app
from optimizer.data.read import load_dataset

PHASED = Path(__file__).resolve().parent.parent / "inputs" / "shanxi-central-periods"
#: A 2025 milestone the plan cannot reach (the reference reaches 23.8 % at most).
TOO_HIGH = "periods.intensity=[0.30, 0.40]"


def _solve(runner: CliRunner, out: Path, *sets: str):
    args = ["solve", str(PHASED), "--out", str(out)]
    for s in sets:
        args += ["--set", s]
    return runner.invoke(app, args)


def test_a_milestone_too_high_is_named_and_its_single_fix_solves(tmp_path):
    """periods.intensity 30 % by 2025: the diagnosis names intensity@2025 (conflict set,
    joint change, single fix) in planner words, and the single fix, applied alone, solves."""
    runner = CliRunner()
    failed = _solve(runner, tmp_path / "bad", TOO_HIGH)
    assert failed.exit_code != 0
    assert "Traceback" not in failed.output
    assert "the intensity target by 2025" in failed.output
    summary = json.loads((tmp_path / "bad" / "summary.json").read_text(encoding="utf-8-sig"))
    assert summary["status"] == "infeasible"
    rows = summary["diagnosis"]["rows"]
    assert {r["kind"] for r in rows if r["family"] == "intensity@2025"} >= {
        "single",
        "change",
        "conflict",
    }
    fixes = summary["diagnosis"]["single_fixes"]
    assert [f["setting"] for f in fixes] == ["periods.intensity"]
    fix = fixes[0]
    assert fix["current"] == "[0.3, 0.4]"
    milestone = json.loads(fix["limit"])
    assert milestone[1] == 0.4 and 0.2 < milestone[0] < 0.3  # only the 2025 entry moves
    applied = _solve(runner, tmp_path / "fixed", f"periods.intensity={fix['limit']}")
    assert applied.exit_code == 0, applied.output
    # the fix is the closest value on its 4-digit grid: one step further up fails
    closer = [round(milestone[0] + 1e-4, 4), 0.4]
    r = solve(load_dataset(PHASED, {"periods.intensity": json.dumps(closer)}), backend="highs")
    assert r.status == "infeasible"


def test_a_period_pool_too_small_for_a_period_lock_is_fixed_by_its_pool(tmp_path):
    """Without carry-over, a 2025 pool of 500 ha under a 2025 lock of 2,000 ha on 太原's
    小店区 (no linkage): the diagnosis names quota_pool@2025; the single fix raises the
    2025 entry of periods.quota alone, taking the excess from 2035, and solves."""
    folder = tmp_path / "data"
    shutil.copytree(PHASED, folder)
    (folder / "locks.csv").write_text(
        "county_id,period_end,min,max\n140105,2025,2000,2000\n", encoding="utf-8"
    )
    sets = {
        "periods.quota": "[500, 59500]",
        "periods.carry_over": "false",
        "linkage.scope": "none",
    }
    ds = load_dataset(folder, sets)
    r = solve(ds, backend="highs")
    assert r.status == "infeasible"
    fixes = {f.setting: f for f in r.summary.diagnosis.single_fixes}
    assert "periods.quota" in fixes, list(fixes)
    limit = json.loads(fixes["periods.quota"].limit)
    assert limit[0] >= 2000 - 1e-6 and sum(limit) == pytest.approx(60000)
    assert "quota_pool@2025" in set(r.diagnosis["family"])
    runner = CliRunner()
    args = ["solve", str(folder), "--out", str(tmp_path / "fixed")]
    for key, value in {**sets, "periods.quota": fixes["periods.quota"].limit}.items():
        args += ["--set", f"{key}={value}"]
    applied = runner.invoke(app, args)
    assert applied.exit_code == 0, applied.output


def test_a_sweep_over_a_phased_plan_equals_single_solves(tmp_path):
    """landquota sweep over quota.total on the phased reference (pools split by years):
    each scenario's Z, pool used and county allocations are those of a single solve."""
    folder = tmp_path / "data"
    shutil.copytree(PHASED, folder)
    toml = folder / "scenario.toml"
    lines = toml.read_text(encoding="utf-8").splitlines()
    toml.write_text(
        "\n".join(x for x in lines if not x.startswith("quota = [")) + "\n", encoding="utf-8"
    )
    out = tmp_path / "sweep"
    runner = CliRunner()
    swept = runner.invoke(
        app, ["sweep", str(folder), "--grid", "quota.total=40000:70000:15000", "--out", str(out)]
    )
    assert swept.exit_code == 0, swept.output
    scenarios = pd.read_csv(out / "scenarios.csv", encoding="utf-8-sig")
    counties = pd.read_csv(out / "counties.csv", encoding="utf-8-sig", dtype={"county_id": str})
    assert list(scenarios["quota.total"]) == [40000.0, 55000.0, 70000.0]
    for row in scenarios.itertuples(index=False):
        single = solve(load_dataset(folder, {"quota.total": str(row[1])}), backend="highs")
        assert row.status == "optimal"
        assert row.objective == pytest.approx(single.objective, rel=1e-7)
        assert row.quota_used == pytest.approx(single.summary.headline.quota_used_ha, abs=1e-3)
        mine = counties[counties["scenario_id"] == row.scenario_id].set_index("county_id")
        theirs = single.counties.set_index("county_id")["allocation"]
        assert (mine["allocation"] - theirs.reindex(mine.index)).abs().max() < 1e-3


def test_a_last_milestone_too_high_is_fixed_by_that_entry(tmp_path):
    """periods.intensity [0.15, 0.60]: the last milestone replaces intensity.reduction, so
    the cause, the joint change and the single fix all speak of it (60 %, not the 40 % of
    intensity.reduction); the fix moves only that entry, solves, and is the closest."""
    ds = load_dataset(PHASED, {"periods.intensity": "[0.15, 0.60]"})
    r = solve(ds, backend="highs")
    assert r.status == "infeasible"
    d = r.diagnosis
    cause = d[(d["kind"] == "cause") & (d["family"] == "intensity")]["message"].iloc[0]
    assert cause.startswith("The 60.0% intensity target")
    change = d[(d["kind"] == "change") & (d["family"] == "intensity")].iloc[0]
    assert change["setting"] == "periods.intensity" and change["current"] == 0.6
    (fix,) = [f for f in r.summary.diagnosis.single_fixes if f.setting == "periods.intensity"]
    limit = json.loads(fix.limit)
    assert limit[0] == 0.15 and 0.5 < limit[1] < 0.6
    assert solve(ds.with_overrides({"periods.intensity": fix.limit})).status == "optimal"
    closer = json.dumps([0.15, round(limit[1] + 1e-4, 4)])
    assert solve(ds.with_overrides({"periods.intensity": closer})).status == "infeasible"


def test_the_chinese_report_words_a_list_fix(tmp_path):
    """A fix that is a [periods] list is worded in Chinese from its values, not left in
    the engine's English."""
    failed = _solve(CliRunner(), tmp_path / "bad", TOO_HIGH, "solver.tie_break=none")
    assert failed.exit_code != 0
    zh = CliRunner().invoke(
        app,
        ["solve", str(PHASED), "--out", str(tmp_path / "zh"), "--set", TOO_HIGH, "--lang", "zh"],
    )
    assert "单独调整 periods.intensity：设为 [0.2379, 0.4]（当前 [0.3, 0.4]）" in zh.output
    assert "alone: set it to" not in zh.output


def test_a_farmland_floor_kept_at_every_end_has_a_single_fix_that_solves(tmp_path):
    """farmland.region_floor holds in 2025 and in 2035 (rows farmland_region@2025 and
    farmland_region): the fix is the greatest floor both ends reach at once (one LP,
    max u with each end's cultivated land ≥ u), not "no change suffices"."""
    runner = CliRunner()
    failed = _solve(runner, tmp_path / "bad", "farmland.region_floor=1680000")
    assert failed.exit_code != 0 and "Traceback" not in failed.output
    summary = json.loads((tmp_path / "bad" / "summary.json").read_text(encoding="utf-8-sig"))
    (fix,) = [f for f in summary["diagnosis"]["single_fixes"] if f["setting"].startswith("farm")]
    assert fix["setting"] == "farmland.region_floor" and fix["current"] == 1680000
    limit = float(fix["limit"])
    assert 1_600_000 < limit < 1_680_000
    applied = _solve(runner, tmp_path / "fixed", f"farmland.region_floor={limit}")
    assert applied.exit_code == 0, applied.output
    # the closest value on its grid (0.1 ha here): one step higher fails
    higher = solve(load_dataset(PHASED, {"farmland.region_floor": limit + 0.2}), backend="highs")
    assert higher.summary.status.value == "infeasible"
