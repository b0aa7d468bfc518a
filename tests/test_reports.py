"""report.xlsx and report.html of a run folder, and the output data dictionary (docs/outputs.md).

The workbook is read back with openpyxl and checked against allocation.csv (the
file a machine reads) — sheets, headers, units row, frozen panes, per-city
subtotals, totals, 亩 = 15 × ha — and the page is checked as text (no URL that a
browser would fetch, one map shape per county). tests/test_report_browser.py loads
the page in a real browser.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from optimizer.analysis.equity import gini, lorenz_curve
from optimizer.cli.app import app
from optimizer.data.lang import Lang
from optimizer.data.read import load_dataset
from optimizer.reports import labels
from optimizer.reports.html import render_html
from optimizer.reports.labels import FILE_COLUMNS, AreaUnit, find_column
from optimizer.reports.tables import display_width
from optimizer.runs import schema
from optimizer.runs.schema import COLUMN_ORDER, MARKER_FILE, RUN_FILES, TEXT_COLUMNS
from optimizer.runs.write import write_run
from optimizer.solve import solve

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "inputs" / "shanxi-central"
OUTPUTS_DOC = ROOT / "docs" / "outputs.md"
REFERENCE_COUNTIES = 53
runner = CliRunner()

SHEETS_EN = ["summary", "targets", "counties", "groups", "flows", "prices"]
SHEETS_ZH = ["概要", "规划指标", "分县分配", "分组", "增减挂钩流转", "影子价格"]


@pytest.fixture(scope="module")
def reference_result():
    return solve(load_dataset(REFERENCE))


@pytest.fixture(scope="module")
def runs(reference_result, tmp_path_factory) -> dict[str, Path]:
    """The reference solved once, written in English/ha (twice) and Chinese/亩."""
    base = tmp_path_factory.mktemp("reports")
    return {
        "en": write_run(reference_result, base / "en"),
        "en_again": write_run(reference_result, base / "en_again"),
        "zh_mu": write_run(reference_result, base / "zh_mu", lang=Lang.ZH, area_unit=AreaUnit.MU),
    }


def _sheet(folder: Path, name: str) -> pd.DataFrame:
    """A table sheet as a DataFrame: header row → columns, units row dropped."""
    ws = openpyxl.load_workbook(folder / "report.xlsx")[name]
    rows = list(ws.iter_rows(values_only=True))
    return pd.DataFrame(rows[2:], columns=rows[0])


def _allocation(folder: Path) -> pd.DataFrame:
    return pd.read_csv(
        folder / "allocation.csv", encoding="utf-8-sig", dtype={c: str for c in TEXT_COLUMNS}
    )


# ------------------------------------------------------------------ workbook


def test_the_workbook_has_its_sheets_in_english_and_chinese(runs):
    assert openpyxl.load_workbook(runs["en"] / "report.xlsx").sheetnames == SHEETS_EN
    assert openpyxl.load_workbook(runs["zh_mu"] / "report.xlsx").sheetnames == SHEETS_ZH


def test_headers_are_the_file_columns_in_english_and_the_dictionary_in_chinese(runs):
    csv_columns = list(_allocation(runs["en"]).columns)
    en = openpyxl.load_workbook(runs["en"] / "report.xlsx")["counties"]
    assert [c.value for c in en[1]] == csv_columns
    zh = openpyxl.load_workbook(runs["zh_mu"] / "report.xlsx")["分县分配"]
    zh_headers = [c.value for c in zh[1]]
    assert zh_headers[:3] == ["区划代码", "县（市、区）", "地市"]
    assert zh_headers[csv_columns.index("allocation")] == "新增建设用地"
    assert zh_headers[csv_columns.index("tier_2")] == "第2档用地"


def test_a_units_row_follows_the_header(runs):
    csv_columns = list(_allocation(runs["en"]).columns)
    en = [c.value for c in openpyxl.load_workbook(runs["en"] / "report.xlsx")["counties"][2]]
    zh = [c.value for c in openpyxl.load_workbook(runs["zh_mu"] / "report.xlsx")["分县分配"][2]]
    at = csv_columns.index
    assert en[at("allocation")] == "ha" and zh[at("allocation")] == "亩"
    assert en[at("satisfaction")] == "%" and en[at("per_capita_2035")] == "m²/person"
    assert zh[at("per_capita_2035")] == "m²/人"
    assert en[at("name")] is None  # text: no unit


def test_header_panes_are_frozen_and_numbers_formatted(runs):
    book = openpyxl.load_workbook(runs["en"] / "report.xlsx")
    assert book["counties"].freeze_panes == "C3"  # header + units rows, id and name
    assert book["flows"].freeze_panes == "A3"
    assert book["summary"].freeze_panes == "A2"
    ws = book["counties"]
    header = [c.value for c in ws[1]]
    assert ws.cell(3, header.index("allocation") + 1).number_format == "#,##0.00"
    assert ws.cell(3, header.index("satisfaction") + 1).number_format == "0.0%"


def test_column_widths_fit_and_count_chinese_characters_double(runs):
    ws = openpyxl.load_workbook(runs["zh_mu"] / "report.xlsx")["分组"]
    name_width = ws.column_dimensions["B"].width
    names = [str(c.value) for c in ws["B"][2:]]
    assert name_width >= max(display_width(n) for n in names)
    assert display_width("一核：太原都市区") == 16  # two columns a Chinese character
    assert name_width > 1.5 * max(len(n) for n in names)


def test_city_subtotals_are_the_sums_of_their_counties_and_the_total_that_of_the_csv(runs):
    sheet = _sheet(runs["en"], "counties")
    csv = _allocation(runs["en"])
    is_county = sheet["county_id"].notna()
    counties = sheet[is_county]
    assert list(counties["county_id"]) == sorted(csv["county_id"], key=list(csv["county_id"]).index)
    assert len(counties) == REFERENCE_COUNTIES
    subtotals = sheet[~is_county & (sheet["city"] != "")]
    subtotals = subtotals[subtotals["city"].notna()]
    assert set(subtotals["city"]) == set(csv["city"])
    for _, row in subtotals.iterrows():
        own = csv[csv["city"] == row["city"]]
        assert row["name"] == f"{row['city']} subtotal"
        for column in ("allocation", "quota", "demand", "linkage_in", "cultivated_2035"):
            assert row[column] == pytest.approx(own[column].sum(), rel=1e-9, abs=1e-5)
        assert row["satisfaction"] == pytest.approx(
            own["allocation"].sum() / own["demand"].sum(), rel=1e-6
        )
    total = sheet.iloc[-1]
    assert total["name"] == "total"
    assert total["allocation"] == pytest.approx(csv["allocation"].sum(), rel=1e-9)
    assert total["quota"] == pytest.approx(csv["quota"].sum(), rel=1e-9)


def test_each_city_subtotal_comes_right_after_its_counties(runs):
    sheet = _sheet(runs["en"], "counties")
    for position in np.flatnonzero(sheet["county_id"].isna().to_numpy())[:-1]:
        above = sheet.iloc[position - 1]
        assert above["city"] == sheet.iloc[position]["city"]


def test_areas_in_mu_are_fifteen_times_the_hectares(runs):
    ha = _sheet(runs["en"], "counties")
    mu = _sheet(runs["zh_mu"], "分县分配")
    assert mu["新增建设用地"].to_numpy(float) == pytest.approx(
        15 * ha["allocation"].to_numpy(float),
        abs=15e-6,  # both rounded to 6 decimals
    )
    # per-capita land and shares keep their units
    assert mu["需求满足率"].to_numpy(float) == pytest.approx(
        ha["satisfaction"].to_numpy(float), nan_ok=True
    )
    t_ha, t_mu = _sheet(runs["en"], "targets"), _sheet(runs["zh_mu"], "规划指标")
    assert t_mu["实现值"][0] == pytest.approx(15 * t_ha["value"][0])  # the quota pool, ha
    assert t_mu["单位"][0] == "亩" and t_ha["unit"][0] == "ha"
    assert t_mu["实现值"][1] == pytest.approx(t_ha["value"][1])  # intensity: a fraction


def test_the_targets_sheet_holds_targets_csv(runs):
    targets = pd.read_csv(runs["en"] / "targets.csv", encoding="utf-8-sig")
    sheet = _sheet(runs["en"], "targets")
    assert sheet["value"].to_numpy(float) == pytest.approx(targets["value"].to_numpy(float))
    zh = _sheet(runs["zh_mu"], "规划指标")
    assert zh["指标"][0] == "新增建设用地指标总量"
    ws = openpyxl.load_workbook(runs["en"] / "report.xlsx")["targets"]
    assert ws.cell(3, 2).number_format == "#,##0.00"  # the quota pool, ha
    assert ws.cell(4, 2).number_format == "0.0%"  # the intensity target, a fraction


def test_families_and_the_region_are_named_in_chinese(runs):
    prices = _sheet(runs["zh_mu"], "影子价格")
    assert prices["约束类别"][0] == "指标总量" and prices["对象"][0] == "全域"
    assert "放宽含义" not in prices.columns  # an English sentence: English reports only
    binding = _sheet(runs["zh_mu"], "分县分配")["起约束作用的限制"]
    assert binding[0] == "本县耕地保有量、增减挂钩潜力、耕地后备资源"
    assert _sheet(runs["zh_mu"], "分县分配")["限制因素"][0] == "本县耕地保有量"
    # English words in the English workbook; allocation.csv keeps the codes
    counties = _sheet(runs["en"], "counties")
    assert counties["binding"][0] == "county farmland floor; reclaim potential; reserve land"
    assert counties["limited_by"][0] == "its own farmland floor"
    allocation = pd.read_csv(runs["en"] / "allocation.csv", dtype=str)
    assert allocation["binding"][0] == "farmland_floor;reclaim_potential;supplement_potential"
    assert allocation["limited_by"][0] == "farmland_floor"


def test_every_constraint_family_has_a_chinese_name():
    from optimizer.formulation.families import FAMILIES

    assert set(FAMILIES) <= set(labels.FAMILY_NAMES_ZH)


def test_zones_have_their_official_chinese_names_in_chinese(runs):
    zones = set(_sheet(runs["zh_mu"], "分县分配")["主体功能区"].dropna())
    assert zones == {"城市化地区", "农产品主产区", "重点生态功能区"}
    assert set(_sheet(runs["en"], "counties")["zone"].dropna()) == {
        "urban",
        "agricultural",
        "ecological",
    }


def test_identical_runs_give_identical_report_bytes(runs):
    for name in ("report.xlsx", "report.html"):
        assert (runs["en"] / name).read_bytes() == (runs["en_again"] / name).read_bytes()


def _workbook_bytes(result, path: Path, bulk: bool, monkeypatch, **options) -> bytes:
    from optimizer.reports import xlsx

    monkeypatch.setattr(xlsx, "BULK_ROWS", bulk)
    path.parent.mkdir(parents=True, exist_ok=True)
    xlsx.write_workbook(result, path, **options)
    return path.read_bytes()


def _same_workbook_both_ways(result, tmp_path: Path, monkeypatch, **options) -> None:
    """The sheets built in bulk give exactly the bytes of XlsxWriter's cell-by-cell writer."""
    cells = _workbook_bytes(result, tmp_path / "cells" / "r.xlsx", False, monkeypatch, **options)
    bulk = _workbook_bytes(result, tmp_path / "bulk" / "r.xlsx", True, monkeypatch, **options)
    assert bulk == cells


@pytest.mark.parametrize(
    "options", [{}, {"lang": Lang.ZH, "area": AreaUnit.MU}], ids=["en-ha", "zh-mu"]
)
def test_the_bulk_workbook_is_the_cell_by_cell_one(
    reference_result, tmp_path, monkeypatch, options
):
    _same_workbook_both_ways(reference_result, tmp_path, monkeypatch, **options)


def test_the_bulk_workbook_keeps_odd_cells_as_xlsxwriter_writes_them(
    reference_result, tmp_path, monkeypatch
):
    """Text that XlsxWriter escapes or marks (XML characters, control characters, its own
    _xHHHH_ escapes, leading/trailing spaces, a rich-text look-alike), missing values,
    ±∞, booleans and integers in one column: the same bytes either way."""
    import copy

    odd = copy.copy(reference_result)
    counties = reference_result.counties.copy()
    names = [" lead", "trail ", "a&b<c>", 'q"uote', "ctl\x01x", "_x0041_", "<r>rich</r>", "城区"]
    counties["name"] = [names[i % len(names)] for i in range(len(counties))]
    mixed = [True, np.nan, np.inf, -np.inf, 3, "text", None, 2.5]
    counties["zone"] = [mixed[i % len(mixed)] for i in range(len(counties))]
    odd.counties = counties
    book = tmp_path / "cells" / "r.xlsx"
    _same_workbook_both_ways(odd, tmp_path, monkeypatch)
    sheet = openpyxl.load_workbook(book)["counties"]
    shown = {sheet.cell(row=r, column=2).value for r in range(3, 3 + len(names))}
    assert {" lead", "trail ", "a&b<c>", "城区"} <= shown


def test_the_bulk_workbook_keeps_gaps_infinities_and_flags_beside_total_rows(
    reference_result, tmp_path, monkeypatch
):
    """The columns ``_bulk_rows`` tells apart with numpy, on a sheet with bold subtotal
    rows (each row layout its own template): floats with NaN and ±∞, integers,
    booleans, object columns of flags with gaps or of NaN only, and texts where one
    holds a newline (not plain as a whole): the same bytes either way."""
    import copy

    odd = copy.copy(reference_result)
    counties = reference_result.counties.copy()
    i = np.arange(len(counties))
    weight = counties["weight"].to_numpy()
    counties["weight"] = np.where(i % 3 == 0, np.nan, np.where(i % 7 == 0, -np.inf, weight))
    counties["next_value"] = np.where(i % 5 == 0, np.inf, counties["next_value"])
    counties["next_tier"] = i  # integers
    counties["marginal"] = i % 2 == 0  # booleans
    flags = [True, None, False, np.nan]
    counties["flag_with_gaps"] = pd.Series([flags[k % 4] for k in i], dtype=object)
    counties["not_computed"] = pd.Series([np.nan] * len(i), dtype=object)
    counties["zone"] = ["two\nlines" if k % 5 == 0 else "urban" for k in i]
    odd.counties = counties
    _same_workbook_both_ways(odd, tmp_path, monkeypatch)
    sheet = openpyxl.load_workbook(tmp_path / "bulk" / "r.xlsx")["counties"]
    heads = [cell.value for cell in sheet[1]]
    assert "flag_with_gaps" in heads and "not_computed" in heads


def test_the_bulk_workbook_of_a_synthetic_dataset_and_an_infeasible_one(
    tmp_path, monkeypatch, dataset_dir
):
    from optimizer.runs.synth import write_synthetic

    big = solve(load_dataset(write_synthetic(tmp_path / "d", 300, 30, seed=5)))
    _same_workbook_both_ways(big, tmp_path / "synth", monkeypatch)
    failed = solve(load_dataset(dataset_dir, {"quota.total": 100, "linkage.scope": "none"}))
    assert failed.diagnosis is not None and not failed.diagnosis.empty
    _same_workbook_both_ways(failed, tmp_path / "infeasible", monkeypatch, lang=Lang.ZH)


def test_the_reports_are_listed_in_the_marker_and_in_run_files(runs):
    marker = (runs["en"] / MARKER_FILE).read_text(encoding="utf-8")
    assert "report.xlsx" in marker and "report.html" in marker
    assert {"report.xlsx", "report.html"} <= RUN_FILES


# ------------------------------------------------------------------ html

FETCHING = re.compile(r"""<(?:script|link|img|iframe|source|embed|object)\b[^>]*""", re.I)
URL = re.compile(r"""(?:src|href|xlink:href)\s*=\s*["']?\s*(?:https?:)?//""", re.I)


def test_the_page_fetches_nothing(runs):
    page = (runs["zh_mu"] / "report.html").read_text(encoding="utf-8")
    assert FETCHING.findall(page) == []  # no script, stylesheet, image or frame at all
    assert URL.findall(page) == []
    assert "url(" not in page and "@import" not in page


def test_the_map_has_one_shape_per_county(runs):
    page = (runs["en"] / "report.html").read_text(encoding="utf-8")
    for key in ("allocation", "satisfaction", "per_capita"):
        svg = re.search(rf'<svg class="map" id="map-{key}".*?</svg>', page, re.S).group(0)
        ids = re.findall(r'<path class="county" data-county="(\d+)"', svg)
        assert sorted(ids) == sorted(_allocation(runs["en"])["county_id"])
    flows = pd.read_csv(runs["en"] / "flows.csv", encoding="utf-8-sig")
    assert page.count('<g class="flow">') == len(flows)


def test_the_page_is_in_chinese_with_lang_zh(runs):
    page = (runs["zh_mu"] / "report.html").read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in page
    for text in (
        "新增建设用地指标分配",
        "需求满足率",
        "公平性洛伦兹曲线",
        "规划指标",
        "小店区",
        "亩",
    ):
        assert text in page


def test_a_dataset_without_geojson_gets_a_page_without_a_map(tmp_path):
    folder = tmp_path / "no-map"
    shutil.copytree(REFERENCE, folder)
    (folder / "counties.geojson").unlink()
    out = write_run(solve(load_dataset(folder)), tmp_path / "run")
    page = (out / "report.html").read_text(encoding="utf-8")
    assert 'class="county"' not in page
    assert "No map: the dataset has no counties.geojson" in page
    assert 'id="top-allocations"' in page  # the rest of the page is there


def test_a_broken_geojson_gives_a_page_that_says_so(tmp_path):
    folder = tmp_path / "bad-map"
    shutil.copytree(REFERENCE, folder)
    (folder / "counties.geojson").write_text("{not json", encoding="utf-8")
    out = write_run(solve(load_dataset(folder)), tmp_path / "run")
    page = (out / "report.html").read_text(encoding="utf-8")
    assert 'class="county"' not in page
    assert "counties.geojson could not be read (JSONDecodeError" in page


def test_above_the_map_limit_the_page_has_no_map(monkeypatch, reference_result):
    monkeypatch.setattr("optimizer.reports.html.MAP_MAX_COUNTIES", 50)
    page = render_html(reference_result, Lang.EN, AreaUnit.HA, REFERENCE / "counties.geojson")
    assert 'class="county"' not in page
    assert "No map: 53 counties, more than the 50 a map draws" in page


def test_the_lorenz_curve_is_the_one_the_gini_reads():
    rng = np.random.default_rng(7)
    values, weights = rng.uniform(0, 5, 40), rng.uniform(1, 3, 40)
    x, y = lorenz_curve(values, weights)
    assert x[0] == y[0] == 0 and x[-1] == pytest.approx(1) and y[-1] == pytest.approx(1)
    assert np.all(np.diff(x) > 0) and np.all(np.diff(y) >= 0)
    area = float(np.sum((x[1:] - x[:-1]) * (y[1:] + y[:-1])) / 2)
    assert 1 - 2 * area == pytest.approx(gini(values, weights))


# ------------------------------------------------------------------ atomicity, CLI


def test_a_failing_renderer_leaves_no_run_folder(tmp_path, monkeypatch, reference_result):
    def broken(result, workbook, page, lang, area):
        workbook.write_bytes(b"half a workbook")
        raise RuntimeError("renderer failed")

    monkeypatch.setattr("optimizer.runs.write.write_reports", broken)
    with pytest.raises(RuntimeError, match="renderer failed"):
        write_run(reference_result, tmp_path / "run")
    assert list(tmp_path.iterdir()) == []  # neither the run folder nor its staging folder


def test_a_failing_renderer_keeps_the_previous_run(tmp_path, monkeypatch, reference_result):
    out = write_run(reference_result, tmp_path / "run")
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    monkeypatch.setattr(
        "optimizer.runs.write.write_reports", lambda *a: (_ for _ in ()).throw(OSError("disk"))
    )
    with pytest.raises(OSError):
        write_run(reference_result, out)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir()] == ["run"]


def test_solve_writes_chinese_reports_in_mu(tmp_path):
    out = tmp_path / "run"
    args = ["solve", str(REFERENCE), "--out", str(out), "--lang", "zh", "--area-unit", "mu"]
    result = runner.invoke(app, args, env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    assert openpyxl.load_workbook(out / "report.xlsx").sheetnames == SHEETS_ZH
    units = [c.value for c in openpyxl.load_workbook(out / "report.xlsx")["分县分配"][2]]
    assert "亩" in units


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (["--area-unit", "acre"], "--area-unit='acre' is not an area unit (choose: ha, mu)"),
        (["--lang", "fr"], "--lang='fr' is not a language (choose: en, zh)"),
    ],
)
def test_a_bad_report_option_is_a_usage_error_and_writes_nothing(tmp_path, option, message):
    out = tmp_path / "run"
    result = runner.invoke(app, ["solve", str(REFERENCE), "--out", str(out), *option])
    assert result.exit_code == 2
    assert message in result.output
    assert not out.exists()


def test_an_infeasible_run_gets_reports_with_the_diagnosis(tmp_path, dataset_dir):
    args = ["solve", str(dataset_dir), "--out", str(tmp_path / "run")]
    args += ["--set", "quota.total=100", "--set", "linkage.scope=none", "--lang", "zh"]
    result = runner.invoke(app, args)
    assert result.exit_code == 4, result.output
    book = openpyxl.load_workbook(tmp_path / "run" / "report.xlsx")
    assert book.sheetnames == ["概要", "无解诊断"]
    page = (tmp_path / "run" / "report.html").read_text(encoding="utf-8")
    assert "该情景无可行解" in page and 'class="county"' not in page


# ------------------------------------------------------------------ data dictionary


def test_every_column_a_run_folder_writes_is_in_the_dictionary(runs, tmp_path, dataset_dir):
    infeasible = tmp_path / "infeasible"
    args = ["solve", str(dataset_dir), "--out", str(infeasible), "--set", "quota.total=100"]
    assert runner.invoke(app, [*args, "--set", "linkage.scope=none"]).exit_code == 4
    written = sorted([*runs["en"].glob("*.csv"), *infeasible.glob("*.csv")])
    assert {p.name for p in written} == set(FILE_COLUMNS) - schema.OPTIONAL_TABLE_FILES
    for path in written:
        columns = pd.read_csv(path, encoding="utf-8-sig", nrows=0).columns
        missing = [c for c in columns if find_column(path.name, c) is None]
        assert missing == [], f"{path.name}: columns without a dictionary entry: {missing}"


def test_the_dictionary_starts_each_file_with_its_column_order():
    for file, order in COLUMN_ORDER.items():
        names = [c.name for c in FILE_COLUMNS[file]]
        assert names[: len(order)] == list(order), file


def test_the_dictionary_entries_are_complete():
    for file, columns in FILE_COLUMNS.items():
        names = [c.name for c in columns]
        assert len(names) == len(set(names)), file
        for c in columns:
            assert c.zh and c.meaning and c.unit in labels.UNIT_LABELS, (file, c.name)


def test_docs_outputs_md_is_the_generated_dictionary():
    assert OUTPUTS_DOC.read_text(encoding="utf-8") == labels.dictionary_markdown(), (
        "docs/outputs.md is out of date: python -m optimizer.reports > docs/outputs.md"
    )


def test_the_map_paths_are_every_point_projected_and_written_ring_by_ring():
    """_project writes all points at once and cuts them back into rings: the same paths as
    projecting each ring and writing it a point at a time (one decimal, M … Z per ring)."""
    import json
    import math

    from optimizer.reports.html import MAP_WIDTH, _project, _rings

    features = json.loads((REFERENCE / "counties.geojson").read_text(encoding="utf-8"))["features"]
    ids = {str((f.get("properties") or {}).get("county_id", "")) for f in features}
    rings, centres = _rings(features, ids)
    shapes = _project(rings, centres)
    points = np.vstack([r for county in rings.values() for r in county])
    (lon0, lat0), (lon1, lat1) = points.min(axis=0), points.max(axis=0)
    shrink = math.cos(math.radians((lat0 + lat1) / 2))
    scale = MAP_WIDTH / ((lon1 - lon0) * shrink)
    assert len(shapes.paths) == REFERENCE_COUNTIES
    for county, county_rings in rings.items():
        expected = []
        for ring in county_rings:
            xy = [((lon - lon0) * shrink * scale, (lat1 - lat) * scale) for lon, lat in ring]
            expected.append("M" + " ".join(f"{x:.1f},{y:.1f}" for x, y in xy) + "Z")
        assert shapes.paths[county] == " ".join(expected), county
