"""Numbers that were once read wrongly without a word: now an error or a stated conversion."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pandas as pd
import pytest
from conftest import COUNTIES_CSV, MEMBERS_CSV
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from optimizer import DataError, load_dataset
from optimizer.cli.app import app
from optimizer.data.problems import Problem, Severity
from optimizer.data.read import scenario_keys
from optimizer.data.rules import AREA_TOLERANCE, CHINA_LAND_AREA_HA, clean_text, fmt

REFERENCE = Path(__file__).resolve().parents[1] / "inputs" / "shanxi-central"
runner = CliRunner()


def errors_of(folder: Path, overrides: dict | None = None) -> list[Problem]:
    with pytest.raises(DataError) as info:
        load_dataset(folder, overrides)
    assert all(p.severity is Severity.ERROR for p in info.value.problems)
    return info.value.problems


def write(folder: Path, name: str, text: str) -> None:
    (folder / name).write_text(text, encoding="utf-8")


# --------------------------------------------------------------------------- rows


def test_unquoted_thousands_separator_in_a_row_ending_in_empty_cells(dataset_dir: Path) -> None:
    """Row 2 ends in three empty rate cells: 3,000 unquoted pushed every later value right
    and the last empty cell out of the header, which used to pass silently."""
    row = COUNTIES_CSV.splitlines()[1]
    assert row.endswith(",0.4,,,")
    write(dataset_dir, "counties.csv", COUNTIES_CSV.replace(",15000,3000,", ",15000,3,000,", 1))
    (p,) = errors_of(dataset_dir)
    assert (p.file, p.row, p.column, p.value) == ("counties.csv", 2, "demand", "3,000")
    assert "more cells than the header (25 against 24)" in p.message
    assert 'thousands separator (write "1,000" in quotes, or 1000)' in p.message
    assert "perhaps '3,000' is one number split at its comma" in p.message


def test_quoted_thousands_separator_is_read(dataset_dir: Path) -> None:
    write(dataset_dir, "counties.csv", COUNTIES_CSV.replace(",15000,3000,", ',15000,"3,000",', 1))
    assert load_dataset(dataset_dir).counties["demand"].max() == 3000


def test_trailing_empty_cells_line_up_when_the_header_has_them(dataset_dir: Path) -> None:
    original = load_dataset(dataset_dir)
    lines = [line + ",," for line in COUNTIES_CSV.splitlines()]  # Excel's used range
    write(dataset_dir, "counties.csv", "\n".join(lines) + "\n")
    pd.testing.assert_frame_equal(load_dataset(dataset_dir).counties, original.counties)
    lines[2] += ","  # one more empty cell than the header
    write(dataset_dir, "counties.csv", "\n".join(lines) + "\n")
    (p,) = errors_of(dataset_dir)
    assert p.row == 3 and "more cells than the header (27 against 26)" in p.message


def test_rows_short_of_trailing_empty_cells_read_them_as_empty(dataset_dir: Path) -> None:
    """Excel leaves out trailing empty cells on some rows: not an error."""
    original = load_dataset(dataset_dir)
    lines = COUNTIES_CSV.splitlines()
    lines[1] = lines[1].rstrip(",")
    write(dataset_dir, "counties.csv", "\n".join(lines) + "\n")
    pd.testing.assert_frame_equal(load_dataset(dataset_dir).counties, original.counties)


def test_blank_rows_wider_than_the_header_are_skipped(dataset_dir: Path) -> None:
    write(dataset_dir, "counties.csv", COUNTIES_CSV + "," * 30 + "\n")
    assert len(load_dataset(dataset_dir).counties) == 3


# --------------------------------------------------------------------------- commas


def semicolons(text: str) -> str:
    return text.replace(",", ";")


def test_semicolon_file_without_commas_loads(dataset_dir: Path) -> None:
    original = load_dataset(dataset_dir)
    write(dataset_dir, "counties.csv", semicolons(COUNTIES_CSV))
    pd.testing.assert_frame_equal(load_dataset(dataset_dir).counties, original.counties)


@pytest.mark.parametrize("cell", ["2,500", "2,5", "1.234,5", "２，５００"])
def test_comma_in_a_semicolon_file_is_ambiguous(dataset_dir: Path, cell: str) -> None:
    text = semicolons(COUNTIES_CSV).replace(";15000;3000;", f";15000;{cell};", 1)
    write(dataset_dir, "counties.csv", text)
    problems = errors_of(dataset_dir)
    p = next(p for p in problems if p.column == "demand")
    assert (p.file, p.row) == ("counties.csv", 2)
    assert p.value == cell.replace("２，５００", "2,500")  # as read (NFKC)
    assert "is ambiguous" in p.message and "2,500 = 2500" in p.message


def test_thousands_separator_in_a_comma_file_stays_accepted(dataset_dir: Path) -> None:
    write(dataset_dir, "counties.csv", COUNTIES_CSV.replace(",15000,3000,", ',15000,"2,500",', 1))
    assert load_dataset(dataset_dir).counties["demand"].max() == 2500


# --------------------------------------------------------------------------- ids


@pytest.mark.parametrize(
    ("written", "shown", "how"),
    [
        ("{}.0", "140105.0", "is written as a decimal number"),
        ('"=""{}"""', '="140105"', "is written as an Excel text formula"),  # quoted in CSV
        ('="{}"', '="140105"', "is written as an Excel text formula"),
    ],
)
def test_ids_written_as_numbers_or_formulas(
    dataset_dir: Path, written: str, shown: str, how: str
) -> None:
    original = load_dataset(dataset_dir)
    counties = COUNTIES_CSV
    for cid in ("140105", "140121"):
        counties = counties.replace(f"\n{cid},", "\n" + written.format(cid) + ",")
    write(dataset_dir, "counties.csv", counties)
    write(dataset_dir, "group_members.csv", MEMBERS_CSV.replace("140121", written.format("140121")))
    ds = load_dataset(dataset_dir)
    pd.testing.assert_frame_equal(ds.counties, original.counties)
    pd.testing.assert_frame_equal(ds.members, original.members)  # members still match
    by_file = {(w.file, w.row, w.column): w for w in ds.warnings}
    assert set(by_file) == {("counties.csv", 2, "county_id"), ("group_members.csv", 3, "county_id")}
    w = by_file[("counties.csv", 2, "county_id")]
    assert w.value == shown
    assert how in w.message and "read as the id '140105'" in w.message
    assert "so are 1 more ids of this column" in w.message
    summary = json.loads(runner.invoke(app, ["check", str(dataset_dir), "--json"]).stdout)
    assert len(summary["warnings"]) == 2


def test_decimal_id_with_a_fraction_is_an_error(dataset_dir: Path) -> None:
    write(dataset_dir, "counties.csv", COUNTIES_CSV.replace("\n140121,", "\n140121.5,"))
    problems = errors_of(dataset_dir)
    p = next(p for p in problems if p.file == "counties.csv")
    assert (p.row, p.column, p.value) == (3, "county_id", "140121.5")
    assert "is a number with a fraction, not an id" in p.message


# --------------------------------------------------------------------------- scenario


def _numeric_keys() -> list[str]:
    return [k for k, ann in scenario_keys().items() if "float" in str(ann) or "Number" in str(ann)]


def test_every_numeric_key_is_found() -> None:
    keys = _numeric_keys()
    assert {"quota.total", "tiers.shares", "solver.time_limit_s", "farmland.region_floor"} <= set(
        keys
    )
    # 20 of MODEL.md §2, the 4 instrument keys of §8 and the 3 of [periods] (§7)
    assert len(keys) == 27


@pytest.mark.parametrize("key", _numeric_keys())
def test_true_is_not_a_number_in_scenario_toml(dataset_dir: Path, key: str) -> None:
    section, name = key.split(".", 1)
    value = "[true]" if key.startswith("tiers.") else "true"
    if section == "periods":  # lists of one entry per period end
        value = "true" if name == "discount" else "[true]"
        toml = f"[quota]\ntotal = 3000\n[periods]\nend_years = [2035]\n{name} = {value}\n"
        value = "true"
    elif section == "weights":
        toml = f"[quota]\ntotal = 3000\n[weights.zone]\n{name.split('.')[1]} = {value}\n"
    elif key == "quota.total":
        toml = f"[quota]\ntotal = {value}\n"
    elif section == "quota":
        toml = f"[quota]\ntotal = 3000\n{name} = {value}\n"
    else:
        toml = f"[quota]\ntotal = 3000\n[{section}]\n{name} = {value}\n"
    write(dataset_dir, "scenario.toml", toml)
    (p,) = errors_of(dataset_dir)
    assert (p.file, p.column, p.value) == ("scenario.toml", key, "true")
    assert "must be a number, not true or false" in p.message


@pytest.mark.parametrize("key", ["quota.total", "per_capita.cap_m2", "tiers.values"])
def test_true_is_not_a_number_in_set(dataset_dir: Path, key: str) -> None:
    value = "[true]" if key.startswith("tiers.") else "true"
    (p,) = errors_of(dataset_dir, {key: value})
    assert (p.file, p.column, p.value) == ("--set", key, "true")
    assert "must be a number, not true or false" in p.message
    result = runner.invoke(app, ["check", str(dataset_dir), "--set", f"{key}={value}"])
    assert result.exit_code == 1
    assert f"--set, key {key} = 'true': " in result.stderr


def test_quoted_number_in_scenario_toml_is_an_error(dataset_dir: Path) -> None:
    write(dataset_dir, "scenario.toml", '[quota]\ntotal = "3000"\n')
    (p,) = errors_of(dataset_dir)
    assert (p.file, p.column, p.value) == ("scenario.toml", "quota.total", "3000")
    assert "valid number" in p.message


# --------------------------------------------------------------------------- magnitudes


@pytest.mark.parametrize(
    ("column", "value", "words"),
    [
        ("cultivated_2020", "1e300", "China's land area"),
        ("dev_boundary", "9.7e8", "China's land area"),
        ("pop_2020", "2e9", "China's population"),
        ("gdp_2035", "4e6", "China's GDP 2020"),
    ],
)
def test_magnitudes_no_county_can_have(
    dataset_dir: Path, edit_cell, column: str, value: str, words: str
) -> None:
    edit_cell(dataset_dir, "counties.csv", 3, column, value)
    problems = errors_of(dataset_dir)
    p = next(p for p in problems if "no county can have it" in p.message)
    assert (p.file, p.row, p.column, p.value) == ("counties.csv", 3, column, fmt(float(value)))
    assert words in p.message


def test_largest_plausible_area_is_accepted(dataset_dir: Path, edit_cell) -> None:
    edit_cell(dataset_dir, "counties.csv", 3, "dev_boundary", str(CHINA_LAND_AREA_HA))
    assert load_dataset(dataset_dir).counties["dev_boundary"].max() == CHINA_LAND_AREA_HA


def test_scenario_areas_beyond_china(dataset_dir: Path) -> None:
    write(dataset_dir, "scenario.toml", "[quota]\ntotal = 1e300\n")
    (p,) = errors_of(dataset_dir)
    assert (p.file, p.column, p.value) == ("scenario.toml", "quota.total", "1e+300")
    assert "China's land area" in p.message
    (q,) = errors_of(dataset_dir, {"quota.total": "3000", "farmland.region_floor": "1e10"})
    assert (q.file, q.column) == ("--set", "farmland.region_floor")


# --------------------------------------------------------------------------- tiny values


@pytest.mark.parametrize("cell", ["1.13687E-13", "-1.13687E-13", "0.0000004"])
def test_values_below_the_tolerance_are_zero_with_a_warning(
    dataset_dir: Path, edit_cell, cell: str
) -> None:
    edit_cell(dataset_dir, "counties.csv", 4, "min_allocation", cell)
    ds = load_dataset(dataset_dir)
    assert ds.counties.set_index("county_id").loc["012345", "min_allocation"] == 0.0
    (w,) = ds.warnings
    assert (w.file, w.row, w.column, w.value) == ("counties.csv", 4, "min_allocation", cell)
    assert "below the model's tolerance of 1e-06 ha" in w.message and "read as 0" in w.message
    text = runner.invoke(app, ["check", str(dataset_dir)]).stdout
    assert f"counties.csv row 4 (太谷区), column min_allocation = '{cell}': is below" in text


def test_values_at_the_tolerance_are_kept(dataset_dir: Path, edit_cell) -> None:
    edit_cell(dataset_dir, "counties.csv", 4, "min_allocation", repr(AREA_TOLERANCE))
    ds = load_dataset(dataset_dir)
    assert ds.counties.set_index("county_id").loc["012345", "min_allocation"] == AREA_TOLERANCE
    assert ds.warnings == []


def test_tiny_values_from_memory_are_zeroed_too(dataset_dir: Path) -> None:
    from optimizer import dataset_from_tables

    ds = load_dataset(dataset_dir)
    counties = ds.counties.copy()
    counties.loc[0, "supplement_potential"] = 3e-14
    again = dataset_from_tables(counties, ds.groups, ds.members, {"quota": {"total": 1}})
    assert again.counties.loc[0, "supplement_potential"] == 0.0
    assert [w.column for w in again.warnings] == ["supplement_potential"]


# --------------------------------------------------------------------------- --json


@pytest.mark.parametrize("command", ["solve", "explain"])
def test_json_commands_on_bad_data_print_the_problems_as_json(
    dataset_dir: Path, edit_cell, tmp_path: Path, command: str
) -> None:
    edit_cell(dataset_dir, "counties.csv", 2, "gdp_2020", "九百")
    out = tmp_path / "run"
    args = [command, str(dataset_dir), "--json"] + (
        ["--out", str(out)] if command == "solve" else []
    )
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    assert json.loads(result.stdout) == [
        {
            "file": "counties.csv",
            "row": 2,
            "column": "gdp_2020",
            "value": "九百",
            "rule": "is not a number",
            "severity": "error",
            "county": "小店区",
        }
    ]
    assert "1 problem in the input" in result.stderr
    assert not out.exists()
    text = runner.invoke(app, [a for a in args if a != "--json"])
    assert text.exit_code == 1 and text.stdout == ""
    assert "counties.csv row 2 (小店区), column gdp_2020 = '九百': is not a number" in text.stderr


# --------------------------------------------------------------------------- every new error


NEW_ERRORS = [
    # (what, edit of counties.csv, row, column, value)
    ("long row", (",15000,3000,", ",15000,3,000,"), 2, "demand", "3,000"),
    ("unknown unit", (",cultivated_2020,", ",cultivated_2020(公亩),"), 1, None, None),
    ("decimal id", ("\n140121,", "\n140121.5,"), 3, "county_id", "140121.5"),
    ("implausible", (",40000,", ",4e9,"), 3, "cultivated_2020", "4000000000"),
]


@pytest.mark.parametrize(("what", "edit", "row", "column", "value"), NEW_ERRORS)
def test_new_errors_name_file_row_column_and_value(
    dataset_dir: Path, what: str, edit: tuple[str, str], row: int, column: str, value: str
) -> None:
    write(dataset_dir, "counties.csv", COUNTIES_CSV.replace(*edit, 1))
    p = errors_of(dataset_dir)[0]
    column = column or "cultivated_2020(公亩)"
    value = value or column
    assert (p.file, p.row, p.column, p.value) == ("counties.csv", row, column, value)
    county = {2: " (小店区)", 3: " (清徐县)"}.get(row, "")  # a county's row names it
    assert str(p).startswith(f"counties.csv row {row}{county}, column {column} = {value!r}: ")


# --------------------------------------------------------------------------- reference


def test_reference_dataset_reads_without_conversions_or_new_warnings() -> None:
    ds = load_dataset(REFERENCE)
    assert ds.conversions == []
    assert len(ds.counties) == 53
    assert len(ds.warnings) == 13  # resource towns above the per-capita cap, as before
    assert all("per-capita urban land 2020" in w.message for w in ds.warnings)


#: Digits, signs, letters, ASCII and other whitespace, full-width digits and marks.
CELL_CHARACTERS = "0123456789.,-+eE%abc \t\u3000１２，．\xa0\x1f"


@settings(max_examples=300)
@given(
    st.lists(
        st.text(
            alphabet=st.sampled_from("0123456789.,-+eE%abc \t\u3000１２，．\xa0\x1f"), max_size=6
        ),
        max_size=8,
    ),
    st.booleans(),
)
def test_clean_text_equals_nfkc_and_trim_of_every_cell(cells, nfkc):
    """The shortcut for plain ASCII columns (no NFKC, no trimming) never changes a cell."""
    want = [(unicodedata.normalize("NFKC", c) if nfkc else c).strip() for c in cells]
    assert list(clean_text(pd.Series(cells, dtype=object), nfkc)) == want
