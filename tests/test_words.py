"""Numbers a planner can read (#9 §4): Z and prices in words, per ha and per 亩, money
units, one rounding in every view and file, duplicate county names with their city, and
explain's wording. Most tests read the text the commands print on the reference dataset.
"""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from factories import county, dataset
from rich.console import Console
from typer.testing import CliRunner

from optimizer import solve
from optimizer.analysis.compare import compare
from optimizer.analysis.explain import explain
from optimizer.cli.app import app
from optimizer.cli.report_compare import render_compare
from optimizer.cli.report_explain import render_diagnosis, render_explain
from optimizer.data.names import county_labels
from optimizer.data.numbers import (
    FILE_DECIMALS,
    MU_PER_HA,
    as_filed,
    hectares,
    percent,
    price,
    price_per_ha,
)
from optimizer.runs.read import read_run

REFERENCE = Path(__file__).resolve().parent.parent / "inputs" / "shanxi-central"
runner = CliRunner()
#: Wide enough that no sentence or heading wraps in the captured text.
WIDE = 400


def _run(*args: str) -> str:
    result = runner.invoke(app, [*args], env={"COLUMNS": str(WIDE)})
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def ref_run(tmp_path_factory) -> tuple[Path, str]:
    """The reference solved once: its run folder and the solve report's text."""
    out = tmp_path_factory.mktemp("words") / "ref"
    return out, _run("solve", str(REFERENCE), "--out", str(out))


@pytest.fixture(scope="module")
def money_run(tmp_path_factory) -> tuple[Path, str]:
    """The reference with ``[tiers] unit = "万元/ha"``, solved once."""
    out = tmp_path_factory.mktemp("words") / "money"
    return out, _run("solve", str(REFERENCE), "--set", "tiers.unit=万元/ha", "--out", str(out))


def _summary(run: Path) -> dict:
    return json.loads((run / "summary.json").read_text(encoding="utf-8"))


def _pool_price(run: Path) -> float:
    m = pd.read_csv(run / "marginals.csv", dtype={"id": str})
    return float(m.loc[m["family"] == "quota_pool", "value"].iloc[0])


# ------------------------------------------------------------------ Z and prices in words


def test_solve_report_says_what_z_counts_and_the_pool_price_per_ha_and_per_mu(ref_run):
    run, text = ref_run
    z = _summary(run)["objective"]
    assert f"Z = {z:,.2f} weighted ha" in text
    assert "Z: hectares of demand met, each weighted by its tier value" in text
    pool = _pool_price(run)
    assert pool > 0
    assert f"raises Z by {price(pool)}/ha ({price(pool / MU_PER_HA)}/亩)" in text


def test_explain_says_what_z_counts_and_every_price_per_ha_and_per_mu(ref_run):
    run, _ = ref_run
    text = _run("explain", str(run), "--all")
    assert "Z: hectares of demand met" in text
    pool = _pool_price(run)
    assert f"ha of pool raises Z by {price(pool)}/ha ({price(pool / MU_PER_HA)}/亩)" in text
    header = next(line for line in text.splitlines() if "Z per ha" in line)
    assert "Z per 亩" in header
    m = pd.read_csv(run / "marginals.csv", dtype={"id": str})
    cap = m[m["family"] == "per_capita_cap"].iloc[0]
    row = next(
        line for line in text.splitlines() if "per-capita cap" in line and cap["name"] in line
    )
    cells = row.split()  # … per ha, per 亩[, gain · loss of the group rows]
    at = cells.index(price(cap["value"]))
    assert cells[at + 1] == price(cap["value"] / MU_PER_HA)


def test_marginals_csv_has_every_price_per_mu(ref_run):
    m = pd.read_csv(ref_run[0] / "marginals.csv", dtype={"id": str})
    assert list(m.columns[:5]) == ["family", "id", "name", "value", "per_mu"]
    assert (m["per_mu"] - m["value"] / MU_PER_HA).abs().max() <= 10.0**-FILE_DECIMALS


def test_price_per_ha_and_per_mu_is_one_fifteenth():
    assert price_per_ha(0.45) == "0.45/ha (0.03/亩)"
    assert price_per_ha(0.4455, "万元") == "0.4455 万元/ha (0.0297 万元/亩)"


# ------------------------------------------------------------------ money units


def test_a_money_unit_shows_z_in_money_and_prices_per_ha_and_per_mu(money_run):
    run, text = money_run
    summary = _summary(run)
    assert summary["scenario"]["tiers"]["unit"] == "万元/ha"
    assert f"Z = {summary['objective']:,.2f} 万元" in text and "weighted ha" not in text
    pool = _pool_price(run)
    assert f"{price(pool)} 万元/ha ({price(pool / MU_PER_HA)} 万元/亩)" in text
    explained = _run("explain", str(run))
    assert f"Z = {summary['objective']:,.2f} 万元" in explained
    assert "万元/ha" in explained and "万元/亩" in explained and "weighted ha" not in explained


def test_without_a_unit_summary_json_says_none(ref_run):
    run, _ = ref_run
    assert _summary(run)["scenario"]["tiers"]["unit"] is None


def test_a_wrong_money_unit_is_a_data_error_naming_the_key(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(REFERENCE, data)
    toml = data / "scenario.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace(
            "values = [1.0, 0.6, 0.3]", 'values = [1.0, 0.6, 0.3]\nunit = "万元/亩"'
        ),
        encoding="utf-8",
    )
    result = runner.invoke(app, ["solve", str(data), "--out", str(tmp_path / "run")])
    assert result.exit_code == 1
    assert "scenario.toml, key tiers.unit = '万元/亩'" in result.output
    assert '"万元/ha"' in result.output
    assert not (tmp_path / "run").exists()


def test_compare_names_the_money_unit_and_warns_when_the_units_differ(ref_run, money_run):
    text = _run("compare", str(money_run[0]), str(money_run[0]))
    assert "Z (万元)" in text and "万元/亩" in text and "No differences" in text
    mixed = _run("compare", str(ref_run[0]), str(money_run[0]))
    assert "A counts Z in weighted ha, B in 万元" in mixed and "No differences" not in mixed


# ------------------------------------------------------------------ one rounding


def _floats(value):
    if isinstance(value, dict):
        for v in value.values():
            yield from _floats(v)
    elif isinstance(value, list):
        for v in value:
            yield from _floats(v)
    elif isinstance(value, float):
        yield value


def test_summary_json_keeps_the_files_decimals(ref_run):
    run, _ = ref_run
    summary = _summary(run)
    assert summary["headline"]["quota_used_ha"] == summary["headline"]["quota_pool_ha"] == 60000
    assert all(round(x, FILE_DECIMALS) == x for x in _floats(summary))
    assert "59999.99" not in (run / "summary.json").read_text(encoding="utf-8")


def test_summary_json_is_the_same_for_the_same_solve_and_reads_back(ref_run, tmp_path):
    run, _ = ref_run
    again = tmp_path / "again"
    _run("solve", str(REFERENCE), "--out", str(again))
    first, second = _summary(run), _summary(again)
    first.pop("timings"), second.pop("timings")
    assert first == second
    back = read_run(again)
    assert back.summary.headline.model_dump() == _summary(again)["headline"]
    assert back.summary.objective == _summary(again)["objective"]


def test_intensity_and_farmland_read_the_same_in_solve_explain_compare(ref_run):
    run, solved = ref_run
    h = _summary(run)["headline"]
    achieved = percent(h["intensity_reduction"], 1)
    farmland = hectares(h["cultivated_2035_ha"])
    explained = _run("explain", str(run))
    compared = _run("compare", str(run), str(run))
    targets_row = next(line for line in solved.splitlines() if "intensity_reduction" in line)
    assert achieved in targets_row and "40.0%" in targets_row
    assert f"({achieved} achieved)" in explained
    headline_row = next(line for line in compared.splitlines() if "intensity reduction" in line)
    assert headline_row.split()[3:5] == [achieved, achieved]
    farm_row = next(line for line in solved.splitlines() if "farmland_region" in line)
    assert farm_row.split()[1] == farmland
    assert f"{farmland} ha stay cultivated" in explained


def test_a_figure_reads_the_same_in_memory_and_read_back_from_a_file():
    # 1601827.4999999998 in memory is 1601827.5 in the run folder: both read '1,601,828'
    assert as_filed(1601827.4999999998) == 1601827.5
    assert hectares(1601827.4999999998) == hectares(1601827.5) == "1,601,828"
    assert percent(0.46591994165247297, 1) == percent(0.46592, 1) == "46.6%"
    assert as_filed(-1e-9) == 0.0 and str(as_filed(-1e-9)) == "0.0"


# ------------------------------------------------------------------ duplicate county names


def test_county_labels_add_the_city_only_to_names_that_repeat():
    counties = pd.DataFrame(
        {
            "county_id": ["1", "2", "3", "4", "5"],
            "name": ["城区", "城区", "小店区", "郊区", "郊区"],
            "city": ["阳泉市", "长治市", "太原市", "阳泉市", "阳泉市"],
        }
    )
    assert county_labels(counties).tolist() == [
        "城区 (阳泉市)",
        "城区 (长治市)",
        "小店区",
        "郊区 (阳泉市, 4)",
        "郊区 (阳泉市, 5)",
    ]


@pytest.fixture(scope="module")
def twins():
    """Two 城区 in two cities: A (阳泉市) capped by its development boundary, B (长治市)
    held by the pool; a third county with a name of its own."""
    ds = dataset(
        [
            county("A", city="阳泉市", name="城区", dev_boundary=540),
            county("B", city="长治市", name="城区"),
            county("C", city="长治市", name="潞州区"),
        ],
        quota=150,
    )
    return solve(ds, backend="highs")


def _text(render, *args) -> str:
    console = Console(record=True, width=WIDE, color_system=None)
    render(*args, console)
    return console.export_text()


def test_twin_names_carry_their_city_in_explain(twins):
    data = explain(twins)
    names = {r["county_id"]: r["name"] for r in data["counties"]}
    assert names == {"A": "城区 (阳泉市)", "B": "城区 (长治市)", "C": "潞州区"}
    boundary = [p for p in data["prices"] if p["family"] == "dev_boundary"]
    assert boundary and boundary[0]["text"].startswith("城区 (阳泉市) fills its development")
    text = _text(render_explain, data, twins)
    assert "城区 (阳泉市)" in text and "城区 (长治市)" in text
    assert not re.search(r"城区(?! \()", text)


def test_twin_names_carry_their_city_in_compare(twins):
    text = _text(
        lambda c, console: render_compare(c, console, all_counties=True), compare(twins, twins)
    )
    assert "城区 (阳泉市)" in text and "城区 (长治市)" in text
    assert not re.search(r"城区(?! \()", text)


def test_twin_names_carry_their_city_in_the_diagnosis():
    ds = dataset(
        [
            county("A", city="阳泉市", name="城区", min_allocation=80),
            county("B", city="长治市", name="城区", min_allocation=80),
        ],
        quota=100,
    )
    result = solve(ds, backend="highs")
    assert result.status.value == "infeasible"
    text = _text(render_diagnosis, result)
    assert "城区 (阳泉市)" in text or "城区 (长治市)" in text
    assert not re.search(r"城区(?! \()", text)


# ------------------------------------------------------------------ explain's wording


def test_the_per_capita_cap_sentence_names_the_cap_not_the_county():
    """X is above the cap already in 2020 (160 m²/person), so it gets no urban land."""
    ds = dataset([county("X", urban_land_2020=880), county("Y")], quota=100)
    r = solve(ds, backend="highs")
    lines = {row["county_id"]: row["text"] for row in explain(r)["counties"]}
    assert lines["X"].startswith("stopped by the per-capita cap on urban land of 150 m²/person")
    assert "already above it: 160 m²/person in 2035" in lines["X"]


def test_a_farmland_floor_at_price_zero_is_not_called_binding(twins):
    """B is made to stop at its farmland floor with a price of 0 (a degenerate optimum)."""
    r = dataclasses.replace(twins)  # the fixture's tables stay as they are
    floor = dict(family="farmland_floor", name="城区 (长治市)", unit="per ha")
    r.marginals = pd.concat(
        [r.marginals, pd.DataFrame([{**floor, "id": "B", "value": 0.0}])], ignore_index=True
    )
    r.counties = r.counties.assign(
        limited_by=r.counties["limited_by"].where(r.counties["county_id"] != "B", "farmland_floor")
    )
    data = explain(r)
    sentence = next(p["text"] for p in data["prices"] if p["family"] == "farmland_floor")
    assert "does not bind" in sentence and "raises Z by 0" not in sentence
    line = next(c["text"] for c in data["counties"] if c["county_id"] == "B")
    assert "does not bind" in line and "stopped by" not in line


def test_explain_headings_are_whole(ref_run):
    text = _run("explain", str(ref_run[0]))
    assert "County and group constraints at their limit" in text
    assert "(the" not in text and "sentences are in --json)" not in text
    assert "Each row's sentence is in `landquota explain --json`." in text
