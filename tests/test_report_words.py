"""Issue 12 (part B): reports in Chinese, names as given, tables at every width, compare."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from optimizer import load_dataset, solve
from optimizer.analysis.compare import compare, dataset_difference
from optimizer.cli.app import app
from optimizer.cli.console import TrimmedLines
from optimizer.cli.layout import Column, fit
from optimizer.cli.report_compare import render_compare
from optimizer.cli.report_solve import counties_table, render_solve
from optimizer.cli.words import MESSAGES, Words, fields
from optimizer.data.lang import Lang
from optimizer.data.numbers import z_meaning

REFERENCE = Path(__file__).resolve().parent.parent / "inputs" / "shanxi-central"
runner = CliRunner()
#: A number as the reports print it: digits with thousands separators and decimals.
NUMBER = re.compile(r"^[+−-]?\d{1,3}(,\d{3})*(\.\d+)?%?$")


@pytest.fixture(scope="module")
def reference():
    return solve(load_dataset(REFERENCE))


def rendered(render, width: int) -> str:
    out = io.StringIO()
    render(Console(file=out, width=width, color_system=None, highlight=False))
    return out.getvalue()


# --------------------------------------------------------------------------- catalogue


def test_every_message_has_both_languages_with_the_same_fields() -> None:
    for key, (en, zh) in MESSAGES.items():
        assert zh, key
        assert fields(en) == fields(zh), key


def test_the_english_z_meaning_is_the_engines() -> None:
    w = Words(Lang.EN)
    assert w("z_meaning") == f"Z: {z_meaning()}."
    assert w("z_meaning_money", money="万元") == f"Z: {z_meaning('万元')}."


def test_units_inside_numbers_are_translated_in_chinese_only() -> None:
    assert Words("zh").units("74.00 weighted ha, 0.4455/ha") == "74.00 加权公顷, 0.4455/公顷"
    assert Words("en").units("0.4455/ha") == "0.4455/ha"


# --------------------------------------------------------------------------- names


def test_official_group_names_keep_full_width_punctuation() -> None:
    ds = load_dataset(REFERENCE)
    names = set(ds.groups["name"])
    assert "一核：太原都市区" in names
    assert "南引擎：山西转型综改示范区（含重点辐射区）" in names
    assert not any(":" in n or "(" in n for n in names)


def test_ids_and_numbers_are_still_normalised(dataset_dir: Path) -> None:
    path = dataset_dir / "counties.csv"
    text = path.read_text(encoding="utf-8")
    # full-width digits in an id and a number, a full-width colon in a name
    text = text.replace("140105,小店区", "１４０１０５,小店区：核心").replace(
        ",900.5,", ",９００.５,"
    )
    path.write_text(text, encoding="utf-8")
    ds = load_dataset(dataset_dir)
    row = ds.counties.set_index("county_id").loc["140105"]
    assert row["name"] == "小店区：核心" and row["gdp_2020"] == 900.5


def test_groups_keep_their_names_in_the_run_files(tmp_path: Path) -> None:
    out = tmp_path / "run"
    assert runner.invoke(app, ["solve", str(REFERENCE), "--out", str(out)]).exit_code == 0
    text = (out / "groups.csv").read_text(encoding="utf-8")
    assert "一核：太原都市区" in text and "（含重点辐射区）" in text


# --------------------------------------------------------------------------- widths


def test_fit_drops_the_lowest_priority_first_and_keeps_essentials() -> None:
    cols = [
        Column("name", cells=["x" * 10]),
        Column("a", priority=2, cells=["1" * 20]),
        Column("b", priority=1, cells=["2" * 20]),
    ]
    kept, dropped = fit(cols, 35)
    assert [c.header for c in kept] == ["name", "b"] and [c.header for c in dropped] == ["a"]
    kept, dropped = fit(cols, 5)
    assert [c.header for c in kept] == ["name"]


@pytest.mark.parametrize("width", [80, 100, 140])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_number_is_cut_at_any_width(reference, width: int, lang: str) -> None:
    text = rendered(lambda c: render_solve(reference, c, words=Words(lang)), width)
    assert "…" not in text
    for line in text.splitlines():
        assert len(line) <= width or not line.isascii()
    # every allocation of the county table is printed whole
    table = rendered(lambda c: c.print(counties_table(reference, None, Words(lang), width)), width)
    assert "10,014" in table and "8,204" in table


def test_binding_column_stays_at_80_and_everything_shows_above_100(reference) -> None:
    narrow = rendered(lambda c: c.print(counties_table(reference, None, width=80)), 80)
    wide = rendered(lambda c: c.print(counties_table(reference, None, width=140)), 140)
    header = next(line for line in narrow.splitlines() if line.startswith("county"))
    assert "binding" in header and "farm 20→35" not in header
    assert "left out at this width: farm 20→35" in narrow
    assert "farm 20→35" in wide and "left out" not in wide


def test_piped_output_has_no_trailing_spaces(tmp_path: Path) -> None:
    out = tmp_path / "run"
    result = runner.invoke(app, ["solve", str(REFERENCE), "--out", str(out)])
    assert result.exit_code == 0
    assert result.stdout.count("\n") > 50
    assert all(line == line.rstrip() for line in result.stdout.splitlines())


def test_trimmed_lines_keeps_text_across_writes() -> None:
    sink = io.StringIO()
    t = TrimmedLines(sink)
    t.write("a  \nb")
    t.write("c   \n")
    t.write("end  ")
    t.flush()
    assert sink.getvalue() == "a\nbc\nend"


def test_warnings_name_the_county(tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", str(REFERENCE)])
    assert "counties.csv row 11 (古交市), column urban_land_2020" in result.stdout


# --------------------------------------------------------------------------- --lang


def test_lang_zh_reports_in_chinese(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["solve", str(REFERENCE), "--out", str(tmp_path / "r"), "--lang", "zh"]
    )
    assert result.exit_code == 0
    out = result.stdout
    for words in (
        "规划目标",
        "新增建设用地指标总量",
        "公顷",
        "优先组群",
        "各县新增建设用地",
        "加权公顷",
    ):
        assert words in out, words
    assert "Plan targets" not in out
    # machine files keep their English names
    targets = (tmp_path / "r" / "targets.csv").read_text(encoding="utf-8-sig")
    assert targets.startswith("target,") and "quota_pool" in targets
    summary = json.loads((tmp_path / "r" / "summary.json").read_text(encoding="utf-8"))
    assert summary["status"] == "optimal"


def test_lang_from_the_environment_and_option_wins(tmp_path: Path) -> None:
    zh = runner.invoke(app, ["check", str(REFERENCE)], env={"LANDQUOTA_LANG": "zh"})
    assert zh.exit_code == 0 and "有效" in zh.stdout
    en = runner.invoke(app, ["check", str(REFERENCE), "--lang", "en"], env={"LANDQUOTA_LANG": "zh"})
    assert "valid" in en.stdout and "有效" not in en.stdout


@pytest.mark.parametrize("command", ["check", "solve", "explain"])
def test_bad_lang_is_a_usage_error(tmp_path: Path, command: str) -> None:
    args = [command, str(REFERENCE), "--lang", "fr"]
    if command == "solve":
        args += ["--out", str(tmp_path / "r")]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert "--lang='fr'" in result.stderr and "Traceback" not in result.output
    assert not (tmp_path / "r").exists()
    env = runner.invoke(app, ["check", str(REFERENCE)], env={"LANDQUOTA_LANG": "xx"})
    assert env.exit_code == 2 and "LANDQUOTA_LANG='xx'" in env.stderr


def test_explain_in_chinese_names_what_limits_counties(tmp_path: Path) -> None:
    result = runner.invoke(app, ["explain", str(REFERENCE), "--lang", "zh"])
    assert result.exit_code == 0
    assert "各县受何约束" in result.stdout and "影子价格" in result.stdout
    assert "本县耕地保有量" in result.stdout  # limited_by farmland_floor, in its zh words


def test_infeasible_solve_in_chinese_has_chinese_headings(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "solve",
            str(REFERENCE),
            "--out",
            str(tmp_path / "no"),
            "--set",
            "quota.total=500",
            "--set",
            "linkage.scope=none",
            "--lang",
            "zh",
        ],
    )
    assert result.exit_code == 4
    out = result.stdout
    assert "无可行解" in out and "以下任一项即可使情景可行" in out
    # single fixes and the joint change are built from diagnosis.csv's numbers, in Chinese
    diagnosis = (tmp_path / "no" / "diagnosis.csv").read_text(encoding="utf-8-sig")
    single = next(line for line in diagnosis.splitlines() if line.startswith("single,quota_pool"))
    proposed = float(single.split(",")[6])
    assert f"单独调整 quota.total：提高至 {proposed:,.1f} 公顷" in out
    assert "保障下限（" in out and "公顷 → 0.0 公顷" in out
    # the files keep the engine's English sentences
    assert "quota.total alone: raise it to" in diagnosis


# --------------------------------------------------------------------------- compare


@pytest.fixture(scope="module")
def low(reference):
    return solve(load_dataset(REFERENCE, {"quota.total": 48000}))


def test_compare_header_shows_each_sides_overrides() -> None:
    result = runner.invoke(
        app, ["compare", str(REFERENCE), str(REFERENCE), "--set-b", "quota.total=54000"]
    )
    assert result.exit_code == 0
    head = result.stdout.splitlines()[:2]
    assert head[0].endswith("(shanxi-central-2035)")
    assert head[1].endswith("(shanxi-central-2035) --set-b quota.total=54000")


def test_compare_lists_only_counties_that_changed(reference, low) -> None:
    c = compare(reference, low)
    text = rendered(lambda con: render_compare(c, con, all_counties=False), 100)
    section = text.split("Counties, new construction land")[1].split("Prices")[0]
    same = c.counties[c.counties["same"] & ~c.counties["binding_changed"]]
    assert len(same) > 0
    rows = section.split("─\n", 1)[1].split("\n\n")[0].splitlines()  # below the header rule
    listed = [line.split()[0].lstrip("*") for line in rows if line.strip() and "--all" not in line]
    unchanged = set(same["name"])
    assert len(listed) == 15 and set(listed) <= set(c.counties["name"])
    assert not unchanged & set(listed)


def test_compare_of_a_run_with_itself_lists_no_county(reference) -> None:
    c = compare(reference, reference)
    text = rendered(lambda con: render_compare(c, con), 100)
    assert "No county's new land or binding constraint changed." in text


def test_compare_targets_come_in_solve_order(reference, low) -> None:
    c = compare(reference, low)
    assert list(c.targets["target"]) == list(reference.targets["target"])


def test_compare_warns_about_different_datasets(reference, dataset_dir: Path) -> None:
    other = solve(load_dataset(dataset_dir))
    c = compare(reference, other)
    assert c.dataset_warning.startswith("A and B look like different datasets")
    assert "only in A" in c.dataset_warning
    text = rendered(lambda con: render_compare(c, con), 100)
    assert "different datasets" in text
    assert dataset_difference(reference.counties, reference.counties) == ""
    assert compare(reference, reference).dataset_warning == ""


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and re.fullmatch(r"landquota \S+\n", result.stdout)


def test_the_language_changes_no_file(tmp_path: Path) -> None:
    for lang in ("en", "zh"):
        args = ["solve", str(REFERENCE), "--out", str(tmp_path / lang), "--lang", lang]
        assert runner.invoke(app, args).exit_code == 0
    for name in ("allocation.csv", "targets.csv", "groups.csv", "marginals.csv", "flows.csv"):
        assert (tmp_path / "en" / name).read_bytes() == (tmp_path / "zh" / name).read_bytes()


@pytest.mark.parametrize("width", [80, 100])
def test_check_tables_keep_every_value_at_80_columns(width: int) -> None:
    from optimizer.cli.report_check import render_check
    from optimizer.data.check import summarize_dataset

    summary = summarize_dataset(load_dataset(REFERENCE))
    text = rendered(lambda c: render_check(summary, c), width)
    groups = text.split("Priority groups")[1].split("\n\n")[0]
    header = groups.splitlines()[1]
    assert "share ≤" in header and "share ≥" in header
    assert "G1_core" in groups and "0.35" in groups and "…" not in text
