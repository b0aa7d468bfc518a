"""Issue 12: more header forms, county names as ids, total rows, datasets without groups."""

from __future__ import annotations

from pathlib import Path

import pytest
from checker import assert_feasible
from conftest import COUNTIES_CSV

from optimizer import load_dataset, solve
from optimizer.data.problems import DataError, Severity
from optimizer.data.read import parse_header


def write(folder: Path, name: str, text: str) -> None:
    (folder / name).write_text(text, encoding="utf-8")


def header_of(name: str) -> str:
    return COUNTIES_CSV.splitlines()[0].replace("urban_pop_2035", name, 1)


@pytest.mark.parametrize(
    ("header", "factor"),
    [
        ("城镇人口（2035年）（人）", 1),
        ("城镇人口（人）（2035年）", 1),
        ("2035年城镇人口", 1),
        ("2035年城镇人口（万人）", 1e4),
        ("城镇人口(万人)(2035年)", 1e4),
    ],
)
def test_year_and_unit_in_any_order(dataset_dir: Path, header: str, factor: float) -> None:
    expected = load_dataset(dataset_dir).counties["urban_pop_2035"]
    lines = COUNTIES_CSV.splitlines()
    lines[0] = lines[0].replace("urban_pop_2035", header)
    if factor != 1:  # the same people written in 万人
        rows = [line.split(",") for line in lines[1:]]
        column = lines[0].split(",").index(header)
        for row in rows:
            row[column] = f"{float(row[column]) / factor:g}"
        lines[1:] = [",".join(r) for r in rows]
    write(dataset_dir, "counties.csv", "\n".join(lines) + "\n")
    got = load_dataset(dataset_dir).counties["urban_pop_2035"]
    assert got.tolist() == pytest.approx(expected.tolist())


def test_a_leading_period_is_dropped_and_a_year_of_another_column_refused() -> None:
    assert parse_header("2021-2035年新增建设用地需求").name == "新增建设用地需求"
    assert parse_header("2035年常住人口") == ("常住人口", "2035", None)


def test_urbanisation_development_zone_is_urban(dataset_dir: Path) -> None:
    write(dataset_dir, "counties.csv", COUNTIES_CSV.replace(",urban,", ",城市化发展区,"))
    ds = load_dataset(dataset_dir)
    assert ds.counties.set_index("county_id").loc["140105", "zone"] == "urban"


def test_adcode_is_the_id_in_group_members(dataset_dir: Path) -> None:
    text = (dataset_dir / "group_members.csv").read_text(encoding="utf-8")
    write(dataset_dir, "group_members.csv", text.replace("county_id", "区划代码"))
    assert len(load_dataset(dataset_dir).members) == 3
    write(dataset_dir, "group_members.csv", text.replace("county_id", "adcode"))
    assert len(load_dataset(dataset_dir).members) == 3


def test_county_names_where_ids_belong_are_read_with_a_hint(dataset_dir: Path) -> None:
    text = (dataset_dir / "group_members.csv").read_text(encoding="utf-8")
    write(dataset_dir, "group_members.csv", text.replace("G1,140121", "G1,清徐县"))
    ds = load_dataset(dataset_dir)
    assert ("G1", "140121") in set(map(tuple, ds.members[["group_id", "county_id"]].to_numpy()))
    (hint,) = [w for w in ds.warnings if w.file == "group_members.csv"]
    assert hint.row == 3 and hint.value == "清徐县" and "county_id 140121" in hint.message


def test_a_name_of_several_counties_is_an_error_listing_them(dataset_dir: Path) -> None:
    counties = COUNTIES_CSV.replace("清徐县", "小店区")  # two counties named 小店区
    write(dataset_dir, "counties.csv", counties)
    text = (dataset_dir / "group_members.csv").read_text(encoding="utf-8")
    write(dataset_dir, "group_members.csv", text.replace("G1,140121", "G1,小店区"))
    with pytest.raises(DataError) as info:
        load_dataset(dataset_dir)
    (p,) = [p for p in info.value.problems if p.file == "group_members.csv"]
    assert "140105, 140121" in p.message and p.row == 3


@pytest.mark.parametrize("word", ["合计", "总计", "小计", "Total", "合 计"])
def test_a_total_row_is_skipped_with_a_warning(dataset_dir: Path, word: str) -> None:
    before = load_dataset(dataset_dir)
    total = f",{word},,urban," + ",".join(["1"] * 20) + "\n"
    write(dataset_dir, "counties.csv", COUNTIES_CSV + total)
    ds = load_dataset(dataset_dir)
    assert len(ds.counties) == len(before.counties)
    (w,) = [w for w in ds.warnings if "total row" in w.message]
    assert w.row == 5 and w.severity is Severity.WARNING and w.value == word


def test_a_dataset_without_groups_solves(dataset_dir: Path) -> None:
    (dataset_dir / "groups.csv").unlink()
    (dataset_dir / "group_members.csv").unlink()
    ds = load_dataset(dataset_dir)
    assert ds.groups.empty and ds.members.empty
    result = solve(ds)
    assert result.status.value == "optimal"
    assert_feasible(ds, result)


def test_members_without_groups_csv_say_so(dataset_dir: Path) -> None:
    (dataset_dir / "groups.csv").unlink()
    with pytest.raises(DataError) as info:
        load_dataset(dataset_dir)
    assert any(
        p.file == "groups.csv" and "group_members.csv names groups" in p.message
        for p in info.value.problems
    )


def test_without_group_files_the_optimum_is_that_of_empty_group_files(dataset_dir: Path) -> None:
    write(dataset_dir, "groups.csv", "group_id,name,kind,weight,min_share,max_share\n")
    write(dataset_dir, "group_members.csv", "group_id,county_id\n")
    empty = solve(load_dataset(dataset_dir), backend="highs")
    (dataset_dir / "groups.csv").unlink()
    (dataset_dir / "group_members.csv").unlink()
    missing = solve(load_dataset(dataset_dir), backend="highs")
    assert missing.objective == empty.objective
    assert missing.counties["allocation"].tolist() == empty.counties["allocation"].tolist()
