"""Data problems, warnings and diagnosis causes in the report's language (issue 12).

Every problem carries a stable code and the data of its sentence; the catalogue
(cli/words.py PROBLEMS) words it in English (exactly the problem's own message, which
the machine files keep) and in Chinese (the same file, row, column and value).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from optimizer import load_dataset
from optimizer.cli.app import EXIT_DATA, EXIT_NO_SOLUTION, app
from optimizer.cli.words import PROBLEMS, Words
from optimizer.data.problems import DataError, Problem
from tests.conftest import set_cell

REFERENCE = Path(__file__).resolve().parent.parent / "inputs" / "shanxi-central"
runner = CliRunner()
CJK = re.compile(r"[\u4e00-\u9fff]")
EN, ZH = Words("en"), Words("zh")


def _problems(folder: Path, overrides: dict[str, str] | None = None) -> list[Problem]:
    with pytest.raises(DataError) as err:
        load_dataset(folder, overrides)
    return err.value.problems


def _checked(p: Problem) -> None:
    """The English catalogue gives the problem's message; the Chinese keeps its place."""
    assert p.code in PROBLEMS, (p.code, p.message)
    assert EN.rule(p.code, p.params, "<none>") == p.message
    zh = ZH.problem(p)
    assert CJK.search(ZH.rule(p.code, p.params, "")), (p.code, zh)
    assert zh.startswith(p.file)
    if p.row is not None:
        assert f"第 {p.row} 行" in zh
    if p.column is not None:
        assert p.column in zh
    if p.value is not None:
        assert repr(p.value) in zh


@pytest.fixture
def bad(tmp_path: Path) -> Path:
    """The reference dataset with one broken cell of many kinds."""
    folder = tmp_path / "bad"
    shutil.copytree(REFERENCE, folder)
    for row, column, value in [
        (2, "demand", "abc"),  # not a number
        (3, "zone", "mountain"),  # not a zone
        (4, "pop_2020", "-5"),  # negative; urban population above population
        (5, "county_id", ""),  # empty id
        (6, "gdp_2020", "inf"),  # not finite
        (7, "cultivated_2020", "1,5"),  # a comma that is no thousands separator
        (8, "occupation_rate", "1.7"),  # not a fraction
        (9, "min_allocation", "99999"),  # above demand
        (10, "county_id", "1.4011e5"),  # scientific id
        (11, "urban_land_2020", "9e9"),  # more than China's land area
        (12, "reclaim_potential", "99999"),  # above rural settlement land
    ]:
        set_cell(folder, "counties.csv", row, column, value)
    set_cell(folder, "group_members.csv", 2, "county_id", "999999")  # unknown county
    return folder


def test_every_broken_rule_of_a_bad_dataset_has_a_code_and_both_sentences(bad: Path) -> None:
    problems = _problems(bad, {"quota.totl": "5", "tiers.shares": "[-1]"})
    codes = {p.code for p in problems}
    assert {
        "not_a_number",
        "not_zone",
        "negative",
        "urban_pop_above_pop",
        "empty_id",
        "not_finite",
        "bad_comma",
        "not_fraction",
        "min_above_demand",
        "id_scientific",
        "implausible_area",
        "reclaim_above_rural",
        "unknown_id",
        "unknown_set_key_close",
    } <= codes
    for p in problems:
        if not p.code.startswith("pydantic."):
            _checked(p)


def test_the_chinese_line_names_the_same_cell_as_the_english_one(bad: Path) -> None:
    p = next(p for p in _problems(bad) if p.code == "not_a_number")
    assert str(p) == "counties.csv row 2 (小店区), column demand = 'abc': is not a number"
    assert ZH.problem(p) == "counties.csv 第 2 行（小店区），列 demand = 'abc'：不是数字"


def test_header_and_file_problems_have_codes(dataset_dir: Path) -> None:
    text = (dataset_dir / "counties.csv").read_text(encoding="utf-8")
    header, rest = text.split("\n", 1)
    header = header.replace("demand", "demnd").replace("zone", "zone,zone")
    rest = "\n".join(line.replace(",urban,", ",urban,urban,", 1) for line in rest.split("\n"))
    rest = rest.replace(",agricultural,", ",agricultural,agricultural,", 1)
    rest = rest.replace(",ecological,", ",ecological,ecological,", 1)
    (dataset_dir / "counties.csv").write_text(header + "\n" + rest, encoding="utf-8")
    (dataset_dir / "groups.csv").unlink()
    problems = _problems(dataset_dir)
    codes = {p.code for p in problems}
    assert {"missing_column_guess", "two_columns"} <= codes
    assert "groups_missing_for_members" in codes
    for p in problems:
        _checked(p)


def test_scenario_problems_have_codes(dataset_dir: Path) -> None:
    (dataset_dir / "scenario.toml").write_text("[quota]\ntotal = 3000\nreserve = 1\n")
    problems = _problems(dataset_dir, {"quota": "1", "tiers.shares": "true"})
    assert {"unknown_key_close", "set_section"} <= {p.code for p in problems}
    for p in problems:
        _checked(p)
    (dataset_dir / "scenario.toml").write_text("[quota\n")
    (p,) = _problems(dataset_dir)
    assert p.code == "not_toml" and EN.rule(p.code, p.params, "") == p.message


def test_a_pydantic_rule_with_a_context_is_worded_in_chinese(dataset_dir: Path) -> None:
    (p,) = _problems(dataset_dir, {"quota.total": "-3"})
    assert p.code == "pydantic.greater_than_equal"
    assert EN.rule(p.code, p.params, "") == p.message  # pydantic's own English
    assert ZH.problem(p) == "--set，键 quota.total = -3：必须 ≥ 0.0"


def test_warnings_of_the_reference_dataset_are_worded_in_both_languages() -> None:
    ds = load_dataset(REFERENCE, {"intensity.reduction": "0.6"})
    codes = {p.code for p in ds.warnings}
    assert {"per_capita_above_cap_2020", "intensity_out_of_reach"} <= codes
    for p in ds.warnings:
        _checked(p)
    first = next(p for p in ds.warnings if p.code == "per_capita_above_cap_2020")
    assert "m²/人" in ZH.problem(first) and first.county in ZH.problem(first)


def test_room_and_pool_warnings_have_codes(dataset_dir: Path) -> None:
    set_cell(dataset_dir, "counties.csv", 2, "dev_boundary", "9100")  # room 100 < min 500
    ds = load_dataset(dataset_dir, {"quota.total": "100"})
    codes = {p.code for p in ds.warnings}
    assert any(c.startswith("minimum_above_room.") for c in codes)
    for p in ds.warnings:
        _checked(p)


def _english_lines(text: str) -> list[str]:
    """Lines with no Chinese character that hold an English word (file names, setting
    keys and ids are data, not sentences)."""
    out = []
    for line in text.splitlines():
        data = re.sub(r"[\w./-]+\.(csv|toml|json|md)|\[[^\]]*\]|--?\w[\w.-]*|\w+\.\w+", "", line)
        if line.strip() and not CJK.search(line) and re.search(r"[A-Za-z]{3,}", data):
            out.append(line)
    return out


def test_a_zh_report_of_the_infeasible_reference_scenario_has_no_english_sentence(
    tmp_path: Path,
) -> None:
    out = runner.invoke(
        app,
        [
            *("solve", str(REFERENCE), "--set", "intensity.reduction=0.6", "--lang", "zh"),
            *("--out", str(tmp_path / "run")),
        ],
        env={"COLUMNS": "100"},
    )
    assert out.exit_code == EXIT_NO_SOLUTION, out.output
    assert "情景无解的原因" in out.output and "单位GDP建设用地下降" in out.output
    assert _english_lines(out.output) == []
    assert "cannot be reached" not in out.output and "reduction)" not in out.output
    # the machine file keeps the English sentence and its own columns
    csv = (tmp_path / "run" / "diagnosis.csv").read_text(encoding="utf-8-sig")
    assert csv.splitlines()[0] == (
        "kind,family,id,name,current,change,proposed,unit,setting,message"
    )
    assert "intensity target cannot be reached" in csv


def test_a_zh_report_of_a_bad_dataset_has_no_english_sentence(bad: Path) -> None:
    out = runner.invoke(app, ["check", str(bad), "--lang", "zh"])
    assert out.exit_code == EXIT_DATA, out.output
    assert "输入数据有" in out.output and "不是数字" in out.output
    assert _english_lines(out.output) == []
    en = runner.invoke(app, ["check", str(bad)])
    assert "counties.csv row 2 (小店区), column demand = 'abc': is not a number" in en.output


def test_the_json_of_bad_data_keeps_its_english_records(bad: Path) -> None:
    import json

    out = runner.invoke(app, ["check", str(bad), "--json", "--lang", "zh"])
    records = json.loads(out.stdout)
    assert {"file", "row", "column", "value", "rule", "severity"} <= set(records[0])
    assert "code" not in records[0] and "params" not in records[0]
    assert any(r["rule"] == "is not a number" for r in records)


def test_a_unit_conversion_is_worded_in_chinese(tmp_path: Path) -> None:
    folder = tmp_path / "mu"
    shutil.copytree(REFERENCE, folder)
    path = folder / "counties.csv"
    text = path.read_text(encoding="utf-8-sig")
    path.write_text(text.replace(",supplement_potential,", ",supplement_potential（亩）,", 1))
    (c,) = load_dataset(folder).conversions
    assert ZH.conversion(c) == (
        "counties.csv 列 supplement_potential（亩） (supplement_potential)："
        "按 亩 读取，换算为 公顷（× 1/15）"
    )
    assert EN.conversion(c) == str(c)
    out = runner.invoke(app, ["check", str(folder), "--lang", "zh"])
    assert "按 亩 读取，换算为 公顷（× 1/15）" in out.output


def test_every_bad_lock_is_worded_in_both_languages(tmp_path: Path) -> None:
    folder = tmp_path / "locks"
    shutil.copytree(REFERENCE, folder)
    rows = [
        "county_id,period_end,min,max",
        "999999,,10,20",  # unknown county
        "140105,,300,200",  # min > max
        "140181,,5000,",  # above demand
        "140107,,,",  # neither side
        "140108,2025,10,",  # not a period end
        "140109,,10,",
        "140109,2035,20,",  # a second lock for the same period end
        "140106,,,0",  # below the guaranteed minimum (if it has one)
    ]
    (folder / "locks.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    set_cell(folder, "counties.csv", 3, "min_allocation", "100")  # 140106 迎泽区
    problems = _problems(folder)
    assert {
        "lock_crossed",
        "lock_above_demand",
        "lock_no_side",
        "lock_not_period_end",
        "lock_twice",
        "lock_below_minimum",
        "unknown_id",
    } <= {p.code for p in problems}
    for p in problems:
        _checked(p)
