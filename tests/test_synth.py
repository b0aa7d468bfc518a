"""Synthetic datasets: valid, deterministic, varied, feasible, and scarce."""

from __future__ import annotations

import tomllib

import numpy as np
import pytest
from typer.testing import CliRunner

from optimizer import dataset_from_tables, load_dataset, solve
from optimizer.cli.app import app
from optimizer.data.synth import synthesize
from optimizer.runs.synth import write_synthetic


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return write_synthetic(tmp_path_factory.mktemp("synth") / "d", 300, 12, 6, seed=7)


def test_same_seed_same_files(tmp_path):
    a = write_synthetic(tmp_path / "a", 120, seed=3)
    b = write_synthetic(tmp_path / "b", 120, seed=3)
    c = write_synthetic(tmp_path / "c", 120, seed=4)
    for name in ("counties.csv", "groups.csv", "group_members.csv", "scenario.toml"):
        assert (a / name).read_bytes() == (b / name).read_bytes()
    assert (a / "counties.csv").read_bytes() != (c / "counties.csv").read_bytes()


def test_loads_without_errors(folder):
    ds = load_dataset(folder)
    c = ds.counties
    assert len(c) == 300
    assert c["city"].nunique() == 12
    assert len(ds.groups) == 6
    assert c["county_id"].str.len().eq(6).all()  # adcode-like text ids, leading zeros kept
    assert set(c["zone"]) == {"urban", "agricultural", "ecological"}


def test_values_are_varied_and_plausible(folder):
    c = load_dataset(folder).counties
    pop = c["pop_2020"].to_numpy()
    assert pop.max() / np.median(pop) > 4  # heavy tail
    per_capita = c["urban_land_2020"] * 1e4 / c["urban_pop_2020"]
    assert (per_capita > 150).mean() > 0.05  # some over the cap
    assert (per_capita < 85).mean() > 0.02  # some under the floor
    rural = c["zone"] != "urban"
    share = c["reclaim_potential"] / c["rural_settlement_2020"].where(lambda s: s > 0)
    assert share[rural].mean() > 2 * share[~rural].mean()  # reclaim sits in rural counties
    assert (c["reclaim_potential"] <= c["rural_settlement_2020"]).all()
    assert (c["min_allocation"] <= c["demand"]).all()
    assert 20 < (c["construction_land_2020"].sum() / c["gdp_2020"].sum()) < 200  # ha per 亿元


def test_groups_overlap(folder):
    members = load_dataset(folder).members
    per_county = members.groupby("county_id").size()
    assert (per_county > 1).any()
    assert members.groupby("group_id").size().min() >= 1


def test_scarce_pool_is_a_real_choice(folder):
    result = solve(folder, backend="highs")
    assert result.status.value == "optimal"
    t = result.counties
    assert t["allocation"].sum() < 0.9 * t["demand"].sum()
    satisfaction = t["satisfaction"].dropna()
    assert satisfaction.min() < 0.2 and satisfaction.max() > 0.99
    assert result.targets.set_index("target").loc["quota_pool", "value"] == pytest.approx(
        load_dataset(folder).scenario.quota.total, rel=1e-6
    )


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("scope", ["region", "city"])
def test_feasible_for_any_seed(seed, scope):
    data = synthesize(80, 6, 4, seed=seed, scope=scope)
    assert f'scope = "{scope}"' in data.scenario_toml
    ds = dataset_from_tables(
        data.counties, data.groups, data.members, tomllib.loads(data.scenario_toml)
    )
    assert solve(ds, backend="highs").status.value == "optimal"


def test_cli_synth(tmp_path):
    result = CliRunner().invoke(
        app,
        [
            "synth",
            str(tmp_path / "d"),
            "--counties",
            "40",
            "--cities",
            "4",
            "--groups",
            "3",
            "--seed",
            "1",
        ],
    )
    assert result.exit_code == 0, result.output
    assert len(load_dataset(tmp_path / "d").counties) == 40
    bad = CliRunner().invoke(
        app, ["synth", str(tmp_path / "e"), "--counties", "3", "--cities", "5"]
    )
    assert bad.exit_code == 2


def test_scenarios_leave_the_solver_to_the_default():
    """No [solver] section at any size: the default picks the solver by the LP's size."""
    for n in (300, 6_000):
        assert "solver" not in tomllib.loads(synthesize(n, 40, seed=1).scenario_toml)
