"""Issue 11's report text in both languages: the instruments' lines, `check`'s summary of
projects.csv and of existing stock, the workbook's binding words (issue 12)."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from optimizer import load_dataset
from optimizer.cli.app import app
from optimizer.data.check import summarize_dataset

ROOT = Path(__file__).resolve().parent.parent / "inputs"
INSTRUMENTS = ROOT / "shanxi-central-instruments"
REFERENCE = ROOT / "shanxi-central"
runner = CliRunner()
CJK = re.compile(r"[\u4e00-\u9fff]")


def _flat(text: str) -> str:
    """The output with its line breaks (wrapping at the terminal's width) as spaces."""
    return re.sub(r"\s+", " ", text)


def _english_lines(text: str) -> list[str]:
    """Lines without a Chinese character holding an English word (file names, keys, ids,
    option names and solver names are data)."""
    out = []
    for line in text.splitlines():
        data = re.sub(
            r"[\w./-]+\.(csv|toml|json|md|xlsx|html)|\[[^\]]*\]|--?\w[\w.-]*|\w+[./]\w+|"
            r"landquota|simplex|highs|glop|ortools",
            "",
            line,
        )
        if line.strip() and not CJK.search(line) and re.search(r"[A-Za-z]{3,}", data):
            out.append(line)
    return out


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("instruments") / "run"
    out = runner.invoke(app, ["solve", str(INSTRUMENTS), "--out", str(folder)])
    assert out.exit_code == 0, out.output
    return folder


def test_check_summarises_projects_and_stock_from_the_files() -> None:
    projects = pd.read_csv(INSTRUMENTS / "projects.csv", dtype={"county_id": str})
    counties = pd.read_csv(INSTRUMENTS / "counties.csv", dtype={"county_id": str})
    scenario = tomllib.loads((INSTRUMENTS / "scenario.toml").read_text(encoding="utf-8"))
    s = summarize_dataset(load_dataset(INSTRUMENTS))
    p = s["projects"]
    assert p["count"] == len(projects)
    assert p["area_ha"] == pytest.approx(projects["area"].sum())
    assert sum(k["count"] for k in p["by_kind"]) == len(projects)
    transport = next(k for k in p["by_kind"] if k["kind"] == "transport")
    assert transport["area_ha"] == pytest.approx(
        projects.loc[projects["kind"] == "交通", "area"].sum()
    )
    first = p["counties"][0]  # the largest share of its demand
    mine = projects[projects["county_id"] == first["county_id"]]["area"].sum()
    demand = counties.set_index("county_id").at[first["county_id"], "demand"]
    assert first["area_ha"] == pytest.approx(mine)
    assert first["share_of_demand"] == pytest.approx(mine / demand, abs=1e-6)
    shares = [c["share_of_demand"] for c in p["counties"]]
    assert shares == sorted(shares, reverse=True) and p["counties_above_demand"] == 0
    stock = s["stock"]
    assert stock["counties"] == int((counties["stock_potential"] > 0).sum())
    assert stock["stock_potential_ha"] == pytest.approx(counties["stock_potential"].sum())
    assert stock["linked_share"] == scenario["stock"]["linked_share"]
    assert stock["quota_per_ha"] == scenario["stock"]["quota_per_ha"]
    assert stock["reserve_share"] == scenario["quota"]["reserve_share"]


def test_check_of_a_dataset_without_instruments_has_neither() -> None:
    s = summarize_dataset(load_dataset(REFERENCE))
    assert s["projects"] is None and s["stock"] is None


@pytest.mark.parametrize("width", ["80", "100"])
def test_check_in_chinese_names_projects_and_stock(width: str) -> None:
    out = runner.invoke(app, ["check", str(INSTRUMENTS), "--lang", "zh"], env={"COLUMNS": width})
    assert out.exit_code == 0, out.output
    flat = _flat(out.output)
    assert "重点项目（projects.csv）：9 个，共 1,355.0 公顷" in flat
    assert "交通" in flat and "阳曲县" in flat
    assert "存量建设用地（counties.csv stock_potential）：53 个县" in flat
    assert _english_lines(out.output) == []
    en = runner.invoke(app, ["check", str(INSTRUMENTS)], env={"COLUMNS": width})
    assert "Key projects (projects.csv): 9 projects, 1,355.0 ha" in _flat(en.output)
    data = json.loads(runner.invoke(app, ["check", str(INSTRUMENTS), "--json"]).stdout)
    assert data["projects"]["count"] == 9 and data["stock"]["counties"] == 53


@pytest.mark.parametrize("width", ["80", "100"])
def test_the_instruments_read_in_chinese(run: Path, width: str) -> None:
    out = runner.invoke(app, ["explain", str(run), "--lang", "zh"], env={"COLUMNS": width})
    assert out.exit_code == 0, out.output
    flat = _flat(out.output)
    assert "省级预留指标 3,000 公顷" in flat and "盘活存量已挣得" in flat
    assert "存量用地潜力" in flat
    solved = runner.invoke(
        app,
        ["solve", str(INSTRUMENTS), "--lang", "zh", "--out", str(run.parent / f"zh{width}")],
        env={"COLUMNS": width},
    )
    text = _flat(solved.output)
    assert "盘活存量用地" in text and "省级预留指标 3,000 公顷" in text and "重点项目（" in text
    assert "未分配的指标（公顷）≥ 省级预留指标" in text  # the reserve target's meaning
    assert "held back" not in text and "guaranteed" not in text and "stock" not in text
    assert _english_lines(solved.output) == []
    assert _english_lines(out.output) == []


def test_the_english_instrument_line_is_unchanged(run: Path) -> None:
    out = runner.invoke(app, ["solve", str(INSTRUMENTS), "--out", str(run.parent / "en")])
    line = next(x for x in out.output.splitlines() if x.startswith("new land "))
    assert re.match(r"new land [\d,]+ ha \+ stock reused [\d,]+ ha = [\d,]+ ha supplied", line)
    assert "provincial reserve 3,000 ha held back" in out.output.replace("\n", " ")


def test_the_csv_keeps_the_binding_codes_the_workbook_shows_words(run: Path) -> None:
    import openpyxl

    allocation = pd.read_csv(run / "allocation.csv", dtype=str).fillna("")
    codes = allocation["binding"].str.split(";").explode()
    assert set(codes) - {""} <= {
        "demand",
        "min_allocation",
        "per_capita_cap",
        "dev_boundary",
        "basic_farmland",
        "farmland_floor",
        "per_capita_floor",
        "reclaim_potential",
        "supplement_potential",
        "stock_potential",
        "project_min",
    }
    sheet = openpyxl.load_workbook(run / "report.xlsx")["counties"]
    header = [c.value for c in sheet[1]]
    cells = [r[header.index("binding")] for r in sheet.iter_rows(min_row=3, values_only=True)]
    assert not any("_" in str(c) for c in cells if c)  # words, not codes
