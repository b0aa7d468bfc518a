"""`landquota check`: summary content, terminal and JSON output, exit codes for bad input."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import typer
from conftest import COUNTIES_CSV
from rich.cells import cell_len
from rich.console import Console
from typer.testing import CliRunner

from optimizer import DataError, Problem, UsageError, load_dataset
from optimizer.cli.app import app, reports_errors
from optimizer.cli.report_check import render_check
from optimizer.data.check import SUMMARY_KEYS, summarize_dataset

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "inputs" / "shanxi-central"
ANSI = re.compile(r"\x1b\[")
runner = CliRunner()


def check(*args: str | Path):
    return runner.invoke(app, ["check", *map(str, args)])


def assert_clean_failure(result, code: int) -> None:
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


# --------------------------------------------------------------------------- valid data


def test_valid_dataset_exits_0_with_tables(dataset_dir: Path) -> None:
    result = check(dataset_dir)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Dataset tiny" in out and "valid, 3 counties in 2 cities" in out
    for words in (
        "Totals",
        "Counties by city",
        "太原市",
        "晋中市",
        "城市化地区",
        "Per-capita urban land 2020 (m²/person)",
        "太原都市区",
        "No warnings.",
    ):
        assert words in out, words
    assert not ANSI.search(out)  # piped: plain text
    assert result.stderr == ""


def test_json_is_the_summary_and_nothing_else(dataset_dir: Path) -> None:
    result = check(dataset_dir, "--json")
    assert result.exit_code == 0 and result.stderr == ""
    summary = json.loads(result.stdout)
    assert tuple(summary) == SUMMARY_KEYS
    assert summary["dataset"] == {"name": "tiny", "source": str(dataset_dir), "valid": True}
    assert summary["counties"]["count"] == 3
    assert summary["counties"]["by_city"][0] == {
        "city": "太原市",
        "counties": 2,
        "pop_2020_persons": 1_350_000,
        "urban_land_2020_ha": 11_500,
        "demand_ha": 4_500,
    }
    assert [z["counties"] for z in summary["counties"]["by_zone"]] == [1, 1, 1]
    totals = summary["totals"]
    assert totals["pop_2020_persons"] == 1_450_000
    assert totals["gdp_2020_100m_cny"] == 1200.5
    assert totals["dev_boundary_ha"] == 19_800 and totals["urban_land_2020_ha"] == 12_000
    assert totals["dev_boundary_room_ha"] == 6000 + 1500 + 300
    assert all(re.search(r"_(ha|persons|100m_cny)$", key) for key in totals)
    assert summary["quota"] == {
        "total_ha": 3000,
        "demand_ha": 4900,
        "demand_over_quota": pytest.approx(4900 / 3000),
    }
    pc = summary["per_capita_urban_land_2020"]
    assert pc["min_m2_per_person"] == pytest.approx(9000e4 / 950_000)
    assert pc["median_m2_per_person"] == pc["max_m2_per_person"] == 125
    assert pc["region_m2_per_person"] == pytest.approx(12_000e4 / 1_190_000)
    assert (pc["floor_m2_per_person"], pc["cap_m2_per_person"]) == (85, 150)
    assert (pc["counties_below_floor"], pc["counties_above_cap"]) == (0, 0)
    assert summary["groups"][0] == {
        "group_id": "G1",
        "name": "太原都市区",
        "kind": "core",
        "members": 2,
        "weight": 2,
        "min_share": 0.3,
        "max_share": None,
    }
    assert summary["transfer_costs"] is None and summary["warnings"] == []


def test_warnings_are_shown_and_in_json(dataset_dir: Path, edit_cell) -> None:
    # 小店区: 16000 ha for 950,000 people = 168 m²/person, above the cap of 150
    edit_cell(dataset_dir, "counties.csv", 2, "urban_land_2020", "16000")
    edit_cell(dataset_dir, "counties.csv", 2, "construction_land_2020", "19000")
    edit_cell(dataset_dir, "counties.csv", 2, "dev_boundary", "20000")
    result = check(dataset_dir)
    assert result.exit_code == 0
    assert "1 warning(s):" in result.stdout
    assert (
        "counties.csv row 2 (小店区), column urban_land_2020 = '16000': per-capita urban land "
        "2020 is 168.4 m²/person" in result.stdout
    )
    summary = json.loads(check(dataset_dir, "--json").stdout)
    (w,) = summary["warnings"]
    assert w["severity"] == "warning" and w["row"] == 2 and w["county"] == "小店区"
    assert summary["per_capita_urban_land_2020"]["counties_above_cap"] == 1


def test_set_overrides_reach_the_summary(dataset_dir: Path) -> None:
    result = runner.invoke(
        app,
        [
            "check",
            str(dataset_dir),
            "--json",
            "--set",
            "quota.total=4900",
            "--set",
            "per_capita.cap_m2=120",
        ],
    )
    summary = json.loads(result.stdout)
    assert summary["quota"]["total_ha"] == 4900
    assert summary["per_capita_urban_land_2020"]["counties_above_cap"] == 2


def test_report_fits_in_100_columns_and_honours_no_color(
    dataset_dir: Path, edit_cell, monkeypatch: pytest.MonkeyPatch
) -> None:
    edit_cell(dataset_dir, "counties.csv", 3, "cultivated_2020", "37000")  # a warning
    summary = summarize_dataset(load_dataset(dataset_dir))
    buffer = io.StringIO()
    render_check(summary, Console(file=buffer, width=100))
    tables = buffer.getvalue().split("warning(s):")[0]  # warnings are one line each
    assert max(cell_len(line) for line in tables.splitlines()[1:]) <= 100
    monkeypatch.setenv("NO_COLOR", "1")
    colour = io.StringIO()
    render_check(summary, Console(file=colour, width=100, force_terminal=True))
    assert not re.search(r"\x1b\[[0-9;]*3[0-7]m", colour.getvalue())  # no foreground colour
    assert "already below the farmland floor" in colour.getvalue()


# --------------------------------------------------------------------------- bad input


def _write(folder: Path, name: str, data: str | bytes) -> None:
    path = folder / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))


BAD_INPUTS = [
    # (what, file to write or delete, content (None = delete), words in stderr)
    ("empty file", "counties.csv", "", "counties.csv: the file is empty"),
    (
        "header only",
        "counties.csv",
        COUNTIES_CSV.split("\n")[0] + "\n",
        "counties.csv: has no data rows",
    ),
    (
        "missing column",
        "counties.csv",
        COUNTIES_CSV.replace(",demand,", ",", 1),
        "missing required column demand",
    ),
    (
        "text in a number column",
        "counties.csv",
        COUNTIES_CSV.replace("900.5", "九百"),
        "counties.csv row 2 (小店区), column gdp_2020 = '九百': is not a number",
    ),
    (
        "duplicate id",
        "counties.csv",
        COUNTIES_CSV.replace("140121,清徐县", "140105,清徐县"),
        "counties.csv row 3 (清徐县), column county_id = '140105': duplicate county_id "
        "(first in row 2)",
    ),
    (
        "unknown group member",
        "group_members.csv",
        "group_id,county_id\nG1,999999\n",
        "group_members.csv row 2, column county_id = '999999': unknown county_id",
    ),
    (
        "negative area",
        "counties.csv",
        COUNTIES_CSV.replace(",15000,3000,", ",15000,-3000,"),
        "counties.csv row 2 (小店区), column demand = '-3000': must be ≥ 0",
    ),
    (
        "NaN",
        "counties.csv",
        COUNTIES_CSV.replace("900.5", "NaN"),
        "column gdp_2020 = 'NaN': must be a finite number",
    ),
    (
        "inf",
        "counties.csv",
        COUNTIES_CSV.replace("900.5", "inf"),
        "column gdp_2020 = 'inf': must be a finite number",
    ),
    (
        "binary file",
        "counties.csv",
        b"PK\x03\x04\x00\x00binary",
        "counties.csv: is not a text file",
    ),
    ("missing required file", "groups.csv", None, "groups.csv: the file is missing"),
    ("no scenario.toml", "scenario.toml", None, "scenario.toml: the file is missing"),
    ("invalid TOML", "scenario.toml", "[quota\n", "scenario.toml: is not valid TOML"),
    (
        "unknown scenario key",
        "scenario.toml",
        "[quota]\ntotal = 1\nmax = 2\n",
        "scenario.toml, key quota.max = 2: unknown key",
    ),
    ("missing quota", "scenario.toml", "", "scenario.toml, key quota.total: is required"),
]


@pytest.mark.parametrize(
    ("what", "name", "content", "words"), BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS]
)
def test_bad_input_exits_1_with_a_clean_message(
    dataset_dir: Path, what: str, name: str, content: str | bytes | None, words: str
) -> None:
    if content is None:
        (dataset_dir / name).unlink()
    else:
        _write(dataset_dir, name, content)
    result = check(dataset_dir)
    assert_clean_failure(result, 1)
    assert words in result.stderr, result.stderr
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith("landquota: ") and "nothing was done" in lines[-1]
    as_json = check(dataset_dir, "--json")
    assert_clean_failure(as_json, 1)
    records = json.loads(as_json.stdout)  # JSON on stdout and nothing else
    assert isinstance(records, list) and len(records) == len(lines) - 1
    for record, line in zip(records, lines, strict=False):  # the same problems, in order
        assert set(record) == {"file", "row", "column", "value", "rule", "severity", "county"}
        assert record["severity"] == "error"
        assert line.startswith(record["file"]) and line.endswith(": " + record["rule"])
    assert as_json.stderr.strip().splitlines() == lines[-1:]  # only the count on stderr


def test_every_problem_is_one_line_on_stderr(dataset_dir: Path, edit_cell) -> None:
    edit_cell(dataset_dir, "counties.csv", 2, "gdp_2020", "x")
    edit_cell(dataset_dir, "counties.csv", 3, "gdp_2035", "-1")
    edit_cell(dataset_dir, "counties.csv", 4, "zone", "mountain")
    result = check(dataset_dir)
    assert_clean_failure(result, 1)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 4 and lines[-1] == "landquota: 3 problems in the input; nothing was done."
    assert lines[0].startswith("counties.csv row 2 (小店区), column gdp_2020 = 'x': ")
    assert lines[1].startswith("counties.csv row 3 (清徐县), column gdp_2035 = '-1': ")
    assert lines[2].startswith("counties.csv row 4 (太谷区), column zone = 'mountain': ")


def test_unknown_column_is_only_a_warning(dataset_dir: Path) -> None:
    lines = COUNTIES_CSV.splitlines()
    lines = [lines[0] + ",remarks", *(line + ",note" for line in lines[1:])]
    _write(dataset_dir, "counties.csv", "\n".join(lines) + "\n")
    result = check(dataset_dir)
    assert result.exit_code == 0
    assert "counties.csv row 1, column remarks: unknown column, ignored" in result.stdout


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["check", "{missing}"], "dataset folder not found"),
        (["check", "{file}"], "not a folder"),
        (["check", "{folder}", "--set", "quota.total"], "--set expects KEY=VALUE"),
        (["check", "{folder}", "--frobnicate"], "No such option"),
        (["check"], "Missing argument"),
        (["chek", "{folder}"], "No such command"),
    ],
)
def test_usage_errors_exit_2(dataset_dir: Path, args: list[str], words: str) -> None:
    paths = {
        "missing": dataset_dir / "nope",
        "file": dataset_dir / "counties.csv",
        "folder": dataset_dir,
    }
    result = runner.invoke(app, [a.format(**paths) for a in args])
    assert_clean_failure(result, 2)
    assert words in result.output


def test_unknown_set_key_is_a_data_error(dataset_dir: Path) -> None:
    result = runner.invoke(app, ["check", str(dataset_dir), "--set", "quota.totl=5"])
    assert_clean_failure(result, 1)
    assert (
        "--set, key quota.totl = '5': unknown scenario key (did you mean quota.total?)"
        in result.stderr
    )


def test_internal_errors_exit_3_without_traceback(
    dataset_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(ds):
        raise ZeroDivisionError("boom")

    monkeypatch.setattr("optimizer.cli.app.summarize_dataset", broken)
    result = check(dataset_dir)
    assert_clean_failure(result, 3)
    assert "internal error: ZeroDivisionError: boom" in result.stderr


def test_a_new_command_reuses_the_error_handling() -> None:
    extra = typer.Typer()

    @extra.command()
    @reports_errors
    def fail(kind: str) -> None:
        if kind == "data":
            raise DataError([Problem("counties.csv", "is bad", row=3, column="demand", value="-1")])
        raise UsageError("no such backend: gurobi")

    @extra.command()
    def other() -> None:  # two commands, so that `fail` is a subcommand
        """Nothing."""

    data = runner.invoke(extra, ["fail", "data"])
    assert data.exit_code == 1
    assert "counties.csv row 3, column demand = '-1': is bad" in data.stderr
    usage = runner.invoke(extra, ["fail", "usage"])
    assert usage.exit_code == 2 and "no such backend: gurobi" in usage.stderr


# --------------------------------------------------------------------------- installed


def test_console_script_exits_2_on_a_missing_folder(tmp_path: Path) -> None:
    script = shutil.which("landquota")
    assert script, "the landquota console script is not installed (pip install -e .)"
    run = subprocess.run(
        [script, "check", str(tmp_path / "nope")], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 2
    assert "dataset folder not found" in run.stderr and "Traceback" not in run.stderr


def test_reference_dataset_is_valid() -> None:
    if not (REFERENCE / "counties.csv").exists():
        pytest.skip("inputs/shanxi-central/counties.csv is not there yet")
    result = check(REFERENCE)
    assert result.exit_code == 0, result.output
    summary = json.loads(check(REFERENCE, "--json").stdout)
    assert summary["counties"]["count"] == 53
