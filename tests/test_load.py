"""Loading dataset folders: values, dtypes, encodings, headers, bad files, scenario, memory."""

from __future__ import annotations

import codecs
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import COUNTIES_CSV, GROUPS_CSV

from models.inputs import COUNTY_COLUMNS, RATE_COLUMNS, County, Group, GroupMember
from models.scenario import Scenario
from optimizer import DataError, Dataset, UsageError, dataset_from_tables, load_dataset
from optimizer.data.problems import Problem, Severity
from optimizer.data.read import HEADER_ALIASES, ZONE_ALIASES, decode, header_key

DOCS = Path(__file__).resolve().parents[1] / "docs" / "inputs.md"


def problems_of(folder: Path, overrides: dict | None = None) -> list[Problem]:
    with pytest.raises(DataError) as info:
        load_dataset(folder, overrides)
    return info.value.problems


def chinese_headers(text: str, file: str = "counties.csv") -> str:
    """The CSV with its header row written with the first Chinese alias of each column."""
    first: dict[str, str] = {}
    for alias, column in HEADER_ALIASES[file].items():
        if not alias.isascii():
            first.setdefault(column, alias)
    header, rest = text.split("\n", 1)
    return ",".join(first[c] for c in header.split(",")) + "\n" + rest


# --------------------------------------------------------------------------- round trip


def test_loading_keeps_values_dtypes_and_ids(dataset_dir: Path) -> None:
    ds = load_dataset(dataset_dir)
    assert isinstance(ds, Dataset) and ds.source == dataset_dir
    c = ds.counties
    assert tuple(c.columns) == COUNTY_COLUMNS
    assert c["county_id"].tolist() == ["012345", "140105", "140121"]  # sorted, zeros kept
    assert c.index.equals(pd.RangeIndex(3))
    for col in ("county_id", "name", "city", "zone"):
        assert pd.api.types.is_string_dtype(c[col]), col
    for col in COUNTY_COLUMNS[4:]:
        assert c[col].dtype == np.float64, col
    row = c.set_index("county_id").loc["140105"]
    assert row["name"] == "小店区" and row["city"] == "太原市" and row["zone"] == "urban"
    assert row["gdp_2020"] == 900.5 and row["pop_2020"] == 1_000_000
    assert row["occupation_rate"] == 0.4 and math.isnan(row["urban_share"])
    assert c.set_index("county_id").loc["012345", "min_allocation"] == 0.0  # empty → default
    g = ds.groups
    assert g["group_id"].tolist() == ["G1", "G2"]
    assert g["weight"].tolist() == [2.0, 1.0]  # empty weight → 1
    assert g["min_share"].iloc[0] == 0.3 and np.isnan(g["min_share"].iloc[1])
    assert g["kind"].tolist() == ["core", "town_group"]
    assert ds.members.values.tolist() == [["G1", "140105"], ["G1", "140121"], ["G2", "012345"]]
    assert ds.transfer_costs is None
    assert ds.warnings == []
    assert ds.scenario.name == "tiny" and ds.scenario.quota.total == 3000


def test_transfer_costs_are_loaded_sorted(dataset_dir: Path) -> None:
    (dataset_dir / "transfer_costs.csv").write_text(
        "from_id,to_id,cost\n140121,012345,0.02\n140105,140121,1\n", encoding="utf-8"
    )
    tc = load_dataset(dataset_dir).transfer_costs
    assert tc is not None
    assert tc.values.tolist() == [["140105", "140121", 1.0], ["140121", "012345", 0.02]]


def test_header_only_groups_and_members_are_allowed(dataset_dir: Path) -> None:
    (dataset_dir / "groups.csv").write_text("group_id,name\n", encoding="utf-8")
    (dataset_dir / "group_members.csv").write_text("group_id,county_id\n", encoding="utf-8")
    ds = load_dataset(dataset_dir)
    assert ds.groups.empty and ds.members.empty
    assert list(ds.groups.columns) == [
        "group_id",
        "name",
        "kind",
        "weight",
        "min_share",
        "max_share",
    ]


# --------------------------------------------------------------------------- encodings


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig", "utf-16"])
@pytest.mark.parametrize("chinese", [False, True])
def test_encodings_and_chinese_headers_load_identically(
    dataset_dir: Path, tmp_path: Path, encoding: str, chinese: bool
) -> None:
    original = load_dataset(dataset_dir)
    text = chinese_headers(COUNTIES_CSV) if chinese else COUNTIES_CSV
    if encoding == "utf-16":
        text = text.replace(",", "\t")  # Excel "Unicode text" is tab-separated
    (dataset_dir / "counties.csv").write_bytes(text.encode(encoding))
    (dataset_dir / "groups.csv").write_bytes(
        (chinese_headers(GROUPS_CSV, "groups.csv") if chinese else GROUPS_CSV).encode(encoding)
        if encoding != "utf-16"
        else GROUPS_CSV.encode("utf-8")
    )
    again = load_dataset(dataset_dir)
    pd.testing.assert_frame_equal(again.counties, original.counties)
    pd.testing.assert_frame_equal(again.groups, original.groups)
    assert again.warnings == []


def test_windows_line_ends_and_trailing_empty_columns(dataset_dir: Path) -> None:
    original = load_dataset(dataset_dir)
    text = "\r\n".join(line + ",," for line in COUNTIES_CSV.splitlines()) + "\r\n"
    (dataset_dir / "counties.csv").write_bytes(text.encode("gbk"))
    again = load_dataset(dataset_dir)
    pd.testing.assert_frame_equal(again.counties, original.counties)
    assert again.warnings == []


def test_utf8_is_never_read_as_gbk() -> None:
    # These UTF-8 bytes are also valid GBK (as mojibake): strict UTF-8 must win.
    data = "规划\n".encode()
    assert data.decode("gbk") == "瑙勫垝\n"
    assert decode(data) == ("规划\n", "utf-8")
    assert decode(codecs.BOM_UTF8 + data) == ("规划\n", "utf-8-sig")
    assert decode("县名\n䶮\n".encode("gb18030")) == ("县名\n䶮\n", "gb18030")


def test_gb18030_only_characters(dataset_dir: Path) -> None:
    text = COUNTIES_CSV.replace("太谷区", "𠀀县")  # outside GBK, inside GB18030
    (dataset_dir / "counties.csv").write_bytes(text.encode("gb18030"))
    assert "𠀀县" in load_dataset(dataset_dir).counties["name"].tolist()


@pytest.mark.parametrize(
    "data",
    [
        b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00",  # an .xlsx saved as .csv
        bytes(range(256)),
        b"county_id,name\n\x81\xff\xfe\x80\n",  # neither UTF-8 nor GB18030
    ],
)
def test_binary_file_is_a_clear_error(dataset_dir: Path, data: bytes) -> None:
    (dataset_dir / "counties.csv").write_bytes(data)
    (p,) = [p for p in problems_of(dataset_dir) if p.file == "counties.csv"]
    assert p.row is None and "not a text file" in p.message and "CSV UTF-8" in p.message


# --------------------------------------------------------------------------- headers, cells


def test_header_spelling_units_and_full_width(dataset_dir: Path) -> None:
    original = load_dataset(dataset_dir)
    header, rest = COUNTIES_CSV.split("\n", 1)
    names = header.split(",")
    names[0] = " County_ID "
    names[4] = "常住人口（人）"
    names[7] = "GDP2020 (亿元)"
    names[16] = "Demand (ha)"
    names[15] = "城镇开发边界[公顷]"
    names[6] = "城镇人口（2035年）"
    names[5] = "城镇人口2020年(人)"
    (dataset_dir / "counties.csv").write_text(",".join(names) + "\n" + rest, encoding="utf-8")
    ds = load_dataset(dataset_dir)
    pd.testing.assert_frame_equal(ds.counties, original.counties)


def test_cells_full_width_thousands_zone_names_and_percent(dataset_dir: Path) -> None:
    original = load_dataset(dataset_dir)
    text = (
        COUNTIES_CSV.replace("1000000,950000", '"1,000,000",９５００００')
        .replace("urban,", "城市化地区,")
        .replace(",ecological,", ",重点生态功能区,")
        .replace(",agricultural,", ", Agricultural ,")
        .replace(",0.6,", ",60%,")
        .replace("140121,清徐县", " 140121 ,清徐县")
        .replace("12000,9000", "12，000,9000")
    )
    (dataset_dir / "counties.csv").write_text(text, encoding="utf-8")
    pd.testing.assert_frame_equal(load_dataset(dataset_dir).counties, original.counties)


def test_blank_rows_are_skipped_and_row_numbers_stay_true(dataset_dir: Path) -> None:
    lines = COUNTIES_CSV.splitlines()
    lines.insert(2, ",,,,")
    lines.insert(3, "")
    lines[4] = lines[4].replace("350000,", "many,", 1)  # the 清徐县 row, now row 5
    (dataset_dir / "counties.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (p,) = problems_of(dataset_dir)
    assert (p.row, p.column, p.value) == (5, "pop_2020", "many")


def test_optional_columns_may_be_left_out(dataset_dir: Path) -> None:
    frame = pd.read_csv(dataset_dir / "counties.csv", dtype=str, keep_default_na=False)
    frame.drop(columns=["min_allocation", *RATE_COLUMNS]).to_csv(
        dataset_dir / "counties.csv", index=False
    )
    ds = load_dataset(dataset_dir)
    assert (ds.counties["min_allocation"] == 0).all()
    assert ds.counties[list(RATE_COLUMNS)].isna().all().all()


def test_unknown_column_is_a_warning(dataset_dir: Path) -> None:
    text = COUNTIES_CSV.replace("occupation_rate,", "备注,occupation_rate,", 1)
    lines = text.splitlines()
    lines[1:] = [
        line.replace(",0.4,", ",x,0.4,") if i == 0 else _insert_cell(line, 20, "note")
        for i, line in enumerate(lines[1:])
    ]
    (dataset_dir / "counties.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    ds = load_dataset(dataset_dir)
    (w,) = ds.warnings
    assert (w.file, w.row, w.column, w.severity) == ("counties.csv", 1, "备注", Severity.WARNING)
    assert "unknown column, ignored" in w.message


def _insert_cell(line: str, position: int, value: str) -> str:
    cells = line.split(",")
    return ",".join([*cells[:position], value, *cells[position:]])


def test_misspelt_required_column_suggests_the_name(dataset_dir: Path) -> None:
    text = COUNTIES_CSV.replace(",demand,", ",demnad,", 1)
    (dataset_dir / "counties.csv").write_text(text, encoding="utf-8")
    (p,) = problems_of(dataset_dir)
    assert (p.file, p.column) == ("counties.csv", "demand")
    assert "missing required column demand" in p.message and "'demnad'" in p.message
    assert "新增建设用地需求" in p.message  # the accepted aliases are listed


def test_two_headers_for_one_column(dataset_dir: Path) -> None:
    text = COUNTIES_CSV.replace("county_id,name", "county_id,县级单元代码", 1)
    (dataset_dir / "counties.csv").write_text(text, encoding="utf-8")
    problems = problems_of(dataset_dir)
    assert any(
        p.row == 1 and p.column == "县级单元代码" and "two columns mean county_id" in p.message
        for p in problems
    )


def test_header_with_a_wrong_unit_is_refused(dataset_dir: Path) -> None:
    text = chinese_headers(COUNTIES_CSV).replace("耕地2020", "耕地2020(万人)", 1)
    (dataset_dir / "counties.csv").write_text(text, encoding="utf-8")
    (p,) = problems_of(dataset_dir)
    assert (p.row, p.column, p.value) == (1, "耕地2020(万人)", "耕地2020(万人)")
    assert "the unit 万人 is a unit of population, but cultivated_2020 is in ha" in p.message


def test_header_row_not_in_row_one(dataset_dir: Path) -> None:
    (dataset_dir / "counties.csv").write_text(
        "山西中部城市群县级数据\n" + COUNTIES_CSV, encoding="utf-8"
    )
    (p,) = problems_of(dataset_dir)
    assert p.row == 1 and "first row must be the header row" in p.message


def test_row_with_more_cells_than_the_header(dataset_dir: Path) -> None:
    lines = COUNTIES_CSV.splitlines()
    lines[2] += ",extra"
    (dataset_dir / "counties.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (p,) = problems_of(dataset_dir)
    assert p.row == 3 and "more cells than the header" in p.message


def test_messages_show_the_header_as_written(dataset_dir: Path) -> None:
    text = chinese_headers(COUNTIES_CSV).replace("1000000,950000", "1000000,abc")
    (dataset_dir / "counties.csv").write_text(text, encoding="gbk")
    (p,) = problems_of(dataset_dir)
    assert (
        str(p) == "counties.csv row 2 (小店区), column 城镇人口2020 (urban_pop_2020) = 'abc': "
        "is not a number"
    )


def test_every_header_key_is_unambiguous() -> None:
    for file, aliases in HEADER_ALIASES.items():
        keys: dict[str, str] = {}
        for name, column in aliases.items():
            assert keys.setdefault(header_key(name), column) == column, (file, name)
    assert header_key("常住人口（万人）") == header_key("常住人口")


# --------------------------------------------------------------------------- files, folder


@pytest.mark.parametrize("name", ["counties.csv", "scenario.toml"])
def test_missing_required_file(dataset_dir: Path, name: str) -> None:
    (dataset_dir / name).unlink()
    problems = problems_of(dataset_dir)
    assert [(p.file, p.row) for p in problems if "missing" in p.message] == [(name, None)]


def test_workbook_instead_of_csv_gets_a_hint(dataset_dir: Path) -> None:
    (dataset_dir / "counties.csv").rename(dataset_dir / "counties.xlsx")
    (p,) = problems_of(dataset_dir)
    assert "found counties.xlsx: save it as counties.csv" in p.message


def test_file_names_are_matched_without_case(dataset_dir: Path) -> None:
    (dataset_dir / "counties.csv").rename(dataset_dir / "Counties.CSV")
    assert len(load_dataset(dataset_dir).counties) == 3


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "the file is empty"),
        ("  \n\n", "the file is empty"),
        (COUNTIES_CSV.split("\n")[0] + "\n", "has no data rows"),
    ],
)
def test_empty_counties(dataset_dir: Path, text: str, words: str) -> None:
    (dataset_dir / "counties.csv").write_text(text, encoding="utf-8")
    problems = [p for p in problems_of(dataset_dir) if p.file == "counties.csv"]
    assert len(problems) == 1 and words in problems[0].message


def test_missing_folder_and_file_are_usage_errors(tmp_path: Path, dataset_dir: Path) -> None:
    with pytest.raises(UsageError, match="dataset folder not found"):
        load_dataset(tmp_path / "nope")
    with pytest.raises(UsageError, match="not a folder"):
        load_dataset(dataset_dir / "counties.csv")


# --------------------------------------------------------------------------- scenario


@pytest.mark.parametrize(
    ("toml", "column", "words"),
    [
        ("[quota]\ntotal = -5\n", "quota.total", "greater than or equal to 0"),
        (
            "[quota]\ntotal = 1\n[per_capita]\nfoor_m2 = 80\n",
            "per_capita.foor_m2",
            "unknown key (did you mean per_capita.floor_m2?)",
        ),
        ("[quota]\ntotal = 1\n[solver]\nbackend = 'gurobi'\n", "solver.backend", "input should be"),
        (
            "[quota]\ntotal = 1\n[per_capita]\nfloor_m2 = 160\n",
            "per_capita",
            "floor_m2 (160.0) must not exceed cap_m2",
        ),
        ("[intensity]\nreduction = 0.4\n", "quota.total", "is required"),
        (
            "[quota]\ntotal = 1\n[tiers]\nshares = [0.5, 0.4]\nvalues = [1, 0.5]\n",
            "tiers",
            "shares must sum to 1",
        ),
    ],
)
def test_scenario_errors_name_the_key(
    dataset_dir: Path, toml: str, column: str, words: str
) -> None:
    (dataset_dir / "scenario.toml").write_text(toml, encoding="utf-8")
    (p,) = problems_of(dataset_dir)
    assert (p.file, p.column) == ("scenario.toml", column)
    assert words in p.message


def test_invalid_toml(dataset_dir: Path) -> None:
    (dataset_dir / "scenario.toml").write_text("[quota\ntotal = 5\n", encoding="utf-8")
    (p,) = problems_of(dataset_dir)
    assert p.file == "scenario.toml" and "is not valid TOML" in p.message
    assert "line 1" in p.message


def test_scenario_name_from_file_wins_over_folder(dataset_dir: Path) -> None:
    (dataset_dir / "scenario.toml").write_text(
        '[scenario]\nname = "plan-2035"\n[quota]\ntotal = 10\n', encoding="utf-8"
    )
    assert load_dataset(dataset_dir).scenario.name == "plan-2035"


def test_overrides_are_applied_before_validation(dataset_dir: Path) -> None:
    ds = load_dataset(
        dataset_dir,
        {
            "quota.total": "4500",
            "tiers.shares": "[0.6, 0.4]",
            "tiers.values": [1.0, 0.5],
            "solver.backend": "pulp",
            "scenario.name": "2035",
            "farmland.region_floor": 1e5,
        },
    )
    s = ds.scenario
    assert s.quota.total == 4500 and s.tiers.shares == [0.6, 0.4]
    assert s.solver.backend == "pulp" and s.name == "2035"
    assert s.farmland.region_floor == 1e5


@pytest.mark.parametrize(
    ("overrides", "column", "words"),
    [
        ({"quota.totl": 5}, "quota.totl", "unknown scenario key (did you mean quota.total?)"),
        ({"quota": 5}, "quota", "is a section, not a key"),
        ({"quota.total": "lots"}, "quota.total", "valid number"),
        ({"per_capita.cap_m2": "50"}, "per_capita", "must not exceed cap_m2"),
    ],
)
def test_override_errors_name_set(
    dataset_dir: Path, overrides: dict, column: str, words: str
) -> None:
    (p,) = problems_of(dataset_dir, overrides)
    assert (p.file, p.column) == ("--set", column)
    assert words in p.message


def test_unknown_override_and_bad_file_are_both_reported(dataset_dir: Path) -> None:
    (dataset_dir / "scenario.toml").write_text("[quota]\ntotal = -1\n", encoding="utf-8")
    problems = problems_of(dataset_dir, {"quota.totl": 5})
    assert {(p.file, p.column) for p in problems} == {
        ("--set", "quota.totl"),
        ("scenario.toml", "quota.total"),
    }


# --------------------------------------------------------------------------- in memory


def test_tables_from_memory_match_the_files(dataset_dir: Path) -> None:
    ds = load_dataset(dataset_dir)
    again = dataset_from_tables(ds.counties, ds.groups, ds.members, ds.scenario.model_dump())
    pd.testing.assert_frame_equal(again.counties, ds.counties)
    pd.testing.assert_frame_equal(again.groups, ds.groups)
    pd.testing.assert_frame_equal(again.members, ds.members)
    assert again.source is None and again.warnings == []


def test_tables_from_models_and_dicts(dataset_dir: Path) -> None:
    ds = load_dataset(dataset_dir)
    counties = [
        County(
            **{k: (None if isinstance(x, float) and math.isnan(x) else x) for k, x in row.items()}
        )
        for row in ds.counties.to_dict("records")
    ]
    groups = [Group(group_id="G1", name="太原都市区", kind="core", weight=2, min_share=0.3)]
    members = [
        GroupMember(group_id="G1", county_id="140105"),
        {"group_id": "G1", "county_id": "140121"},
    ]
    again = dataset_from_tables(
        counties, groups, members, Scenario.model_validate({"quota": {"total": 3000}})
    )
    pd.testing.assert_frame_equal(again.counties, ds.counties)
    assert again.groups["weight"].tolist() == [2.0]
    assert again.members["county_id"].tolist() == ["140105", "140121"]
    empty = dataset_from_tables(counties, None, None, {"quota": {"total": 1}})
    assert empty.groups.empty and empty.members.empty


def test_memory_errors_use_file_labels_and_positions(dataset_dir: Path) -> None:
    ds = load_dataset(dataset_dir)
    counties = ds.counties.copy()
    counties.loc[2, "demand"] = -3.0
    counties.loc[0, "zone"] = "城市化地区"  # aliases work in memory too
    with pytest.raises(DataError) as info:
        dataset_from_tables(counties, ds.groups, ds.members, {"quota": {"total": -1}})
    problems = info.value.problems
    assert [(p.file, p.row, p.column) for p in problems] == [
        ("counties.csv", 4, "demand"),
        ("counties.csv", 4, "min_allocation"),
        ("scenario.toml", None, "quota.total"),
    ]
    assert str(problems[0]) == "counties.csv row 4 (清徐县), column demand = '-3': must be ≥ 0"


def test_numeric_ids_in_memory_become_text(dataset_dir: Path) -> None:
    ds = load_dataset(dataset_dir)
    counties = ds.counties.loc[ds.counties["county_id"] != "012345"].copy()
    counties["county_id"] = counties["county_id"].astype("int64")
    members = pd.DataFrame({"group_id": ["G1"], "county_id": [140105]})
    again = dataset_from_tables(counties, ds.groups, members, {"quota": {"total": 1}})
    assert again.counties["county_id"].tolist() == ["140105", "140121"]
    assert again.members["county_id"].tolist() == ["140105"]


# --------------------------------------------------------------------------- docs


def test_docs_list_every_alias() -> None:
    doc = DOCS.read_text(encoding="utf-8")
    for file, aliases in HEADER_ALIASES.items():
        for alias, column in aliases.items():
            assert re.search(rf"\|\s*`{re.escape(alias)}`\s*\|\s*`{column}`\s*\|", doc), (
                f"docs/inputs.md is missing the {file} alias {alias} → {column}"
            )
    for alias, zone in ZONE_ALIASES.items():
        assert f"`{alias}`" in doc and f"`{zone}`" in doc
    for column in COUNTY_COLUMNS:
        assert f"`{column}`" in doc


def test_with_scenario_recomputes_scenario_warnings():
    """Warnings that depend on the scenario follow an override; table warnings stay."""
    ds = load_dataset(Path(__file__).resolve().parent.parent / "inputs" / "shanxi-central")
    over_cap = [w for w in ds.warnings if "above the cap" in w.message]
    assert over_cap  # resource towns over 150 m²/person
    relaxed = ds.with_scenario(ds.scenario.with_overrides({"per_capita.cap_m2": 200}))
    assert not [w for w in relaxed.warnings if "above the cap" in w.message]
    tight = ds.with_scenario(ds.scenario.with_overrides({"per_capita.cap_m2": 120}))
    assert len([w for w in tight.warnings if "above the cap" in w.message]) > len(over_cap)
