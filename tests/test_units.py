"""Units in headers: read always, converted by the documented table, refused when unknown."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pandas as pd
import pytest
from conftest import COUNTIES_CSV, GROUPS_CSV
from typer.testing import CliRunner

from optimizer import DataError, load_dataset
from optimizer.cli.app import app
from optimizer.data import aliases
from optimizer.data.aliases import HA_PER_MU, UNITS
from optimizer.data.problems import Problem
from optimizer.data.read import parse_header

DOCS = Path(__file__).resolve().parents[1] / "docs" / "inputs.md"
runner = CliRunner()

#: A column of counties.csv for each model unit, to write a converted header on.
COLUMN_OF_UNIT = {
    "ha": "demand",
    "persons": "urban_pop_2035",
    "亿元": "gdp_2035",
    "fraction": "occupation_rate",
}


def rewrite(folder: Path, column: str, header: str, scale: float) -> None:
    """counties.csv with ``column`` renamed to ``header`` and its values divided by ``scale``."""
    frame = pd.read_csv(folder / "counties.csv", dtype=str, keep_default_na=False)
    values = pd.to_numeric(frame[column].replace("", float("nan")))
    frame[column] = values.map(lambda x: "" if pd.isna(x) else repr(x / scale))
    frame = frame.rename(columns={column: header})
    frame.to_csv(folder / "counties.csv", index=False)


def problems_of(folder: Path) -> list[Problem]:
    with pytest.raises(DataError) as info:
        load_dataset(folder)
    return info.value.problems


# --------------------------------------------------------------------------- the three headers


def test_the_three_misread_headers_are_converted_and_stated(dataset_dir: Path) -> None:
    """耕地2020（单位：亩）, 常住人口（单位：万人）, GDP2020(万元人民币): once read as ha,
    persons and 亿元 without a word; now converted, and check says so."""
    original = load_dataset(dataset_dir).counties
    rewrite(dataset_dir, "cultivated_2020", "耕地2020（单位：亩）", HA_PER_MU)
    rewrite(dataset_dir, "pop_2020", "常住人口（单位：万人）", 1e4)
    rewrite(dataset_dir, "gdp_2020", "GDP2020(万元人民币)", 1e-4)
    text = (dataset_dir / "counties.csv").read_text(encoding="utf-8")
    assert ",120000.0," in text and ",100.0," in text and ",9005000.0," in text  # 亩, 万人, 万元
    ds = load_dataset(dataset_dir)
    pd.testing.assert_frame_equal(ds.counties, original)  # the model sees ha, persons, 亿元
    assert ds.warnings == []
    assert [str(c) for c in ds.conversions] == [
        "counties.csv column 常住人口（单位：万人） (pop_2020): read in 万人, "
        "converted to persons (× 10⁴)",
        "counties.csv column GDP2020(万元人民币) (gdp_2020): read in 万元, "
        "converted to 亿元 (× 10⁻⁴)",
        "counties.csv column 耕地2020（单位：亩） (cultivated_2020): read in 亩, "
        "converted to ha (× 1/15)",
    ]

    terminal = runner.invoke(app, ["check", str(dataset_dir)])
    assert terminal.exit_code == 0, terminal.output
    assert "3 column(s) converted on reading:" in terminal.stdout
    assert (
        "counties.csv column 耕地2020（单位：亩） (cultivated_2020): read in 亩, converted to "
        "ha (× 1/15)" in terminal.stdout
    )
    summary = json.loads(runner.invoke(app, ["check", str(dataset_dir), "--json"]).stdout)
    by_column = {c["column"]: c for c in summary["conversions"]}
    assert by_column["cultivated_2020"] == {
        "file": "counties.csv",
        "column": "cultivated_2020",
        "header": "耕地2020（单位：亩）",
        "unit": "亩",
        "to_unit": "ha",
        "factor": pytest.approx(1 / 15),
        "message": "read in 亩, converted to ha (× 1/15)",
    }
    assert (by_column["pop_2020"]["factor"], by_column["gdp_2020"]["factor"]) == (1e4, 1e-4)
    assert summary["totals"]["cultivated_2020_ha"] == 63_000  # in ha, not 亩
    assert summary["totals"]["pop_2020_persons"] == 1_450_000


def test_without_conversion_the_relations_would_fail(dataset_dir: Path) -> None:
    """The values in 万人 only pass urban_pop ≤ pop because they are converted."""
    rewrite(dataset_dir, "pop_2020", "常住人口(万人)", 1e4)
    assert load_dataset(dataset_dir).counties["pop_2020"].max() == 1_000_000
    text = (dataset_dir / "counties.csv").read_text(encoding="utf-8")
    (dataset_dir / "counties.csv").write_text(
        text.replace("常住人口(万人)", "常住人口"), encoding="utf-8"
    )
    problems = problems_of(dataset_dir)
    assert {p.column for p in problems} == {"urban_pop_2020"}  # 100 persons < 950000 urban


# --------------------------------------------------------------------------- every unit


@pytest.mark.parametrize("unit", list(UNITS))
def test_every_unit_of_the_table_converts_to_the_model_unit(dataset_dir: Path, unit: str) -> None:
    spec = UNITS[unit]
    column = COLUMN_OF_UNIT[spec.to]
    original = load_dataset(dataset_dir).counties
    rewrite(dataset_dir, column, f"{column} ({unit})", spec.factor)
    ds = load_dataset(dataset_dir)
    pd.testing.assert_frame_equal(ds.counties, original, rtol=1e-12)
    conversions = [(c.column, c.unit, c.to, c.factor) for c in ds.conversions]
    assert conversions == ([] if spec.factor == 1 else [(column, unit, spec.to, spec.factor)])


@pytest.mark.parametrize(
    "header",
    [
        "耕地2020(亩)",
        "耕地2020（亩）",
        "耕地2020[亩]",
        "耕地2020【亩】",
        "耕地2020［亩］",
        "耕地2020 (单位:亩)",
        "耕地2020（单位：亩）",
        "cultivated_2020 (mu)",
        "cultivated_2020（ 亩 ）",
    ],
)
def test_bracket_forms(dataset_dir: Path, header: str) -> None:
    rewrite(dataset_dir, "cultivated_2020", header, HA_PER_MU)
    ds = load_dataset(dataset_dir)
    assert ds.counties["cultivated_2020"].sum() == pytest.approx(63_000)
    ((column, factor),) = [(c.column, c.factor) for c in ds.conversions]
    assert (column, factor) == ("cultivated_2020", HA_PER_MU)


@pytest.mark.parametrize(
    ("column", "header"),
    [
        ("demand", "需求(ha)"),
        ("dev_boundary", "城镇开发边界（公顷）"),
        ("basic_farmland", "永久基本农田[hm²]"),
        ("pop_2020", "常住人口(人)"),
        ("urban_pop_2020", "urban_pop_2020 (persons)"),
        ("gdp_2020", "GDP2020（亿元人民币）"),
        ("demand", "新增建设用地需求（2021-2035年）"),
    ],
)
def test_model_units_and_periods_are_accepted_silently(
    dataset_dir: Path, column: str, header: str
) -> None:
    original = load_dataset(dataset_dir).counties
    rewrite(dataset_dir, column, header, 1.0)
    ds = load_dataset(dataset_dir)
    pd.testing.assert_frame_equal(ds.counties, original)
    assert ds.conversions == [] and ds.warnings == []


# --------------------------------------------------------------------------- refused


@pytest.mark.parametrize(
    ("column", "header", "words"),
    [
        ("cultivated_2020", "耕地2020(公亩)", "unknown unit '公亩': cultivated_2020 is in ha"),
        ("pop_2020", "常住人口(万)", "unknown unit '万': pop_2020 is in persons"),
        ("gdp_2020", "GDP2020(CNY)", "unknown unit 'CNY': gdp_2020 is in 亿元"),
        ("pop_2020", "常住人口(亩)", "the unit 亩 is a unit of area, but pop_2020 is in persons"),
        ("gdp_2020", "GDP2020(万人)", "the unit 万人 is a unit of population, but gdp_2020"),
        ("demand", "需求(万元)", "the unit 万元 is a unit of money, but demand is in ha"),
        ("urban_share", "城镇用地比例(亩)", "the unit 亩 is a unit of area, but urban_share"),
    ],
)
def test_unknown_and_senseless_units_are_refused(
    dataset_dir: Path, column: str, header: str, words: str
) -> None:
    rewrite(dataset_dir, column, header, 1.0)
    (p,) = problems_of(dataset_dir)
    assert (p.file, p.row, p.column, p.value) == ("counties.csv", 1, header, header)
    assert words in p.message
    assert "a header may name" in p.message  # the accepted units are listed


def test_a_unit_on_a_column_without_one_is_refused(dataset_dir: Path) -> None:
    (dataset_dir / "groups.csv").write_text(
        GROUPS_CSV.replace(",weight,", ",权重(%),", 1), encoding="utf-8"
    )
    (p,) = problems_of(dataset_dir)
    assert (p.file, p.row, p.column) == ("groups.csv", 1, "权重(%)")
    assert "names a unit (%) but weight has none" in p.message


def test_a_year_of_another_column_is_not_taken_for_it(dataset_dir: Path) -> None:
    """常住人口（2035年） is not pop_2020 (a 2020 column): unknown, and pop_2020 is missing."""
    text = COUNTIES_CSV.replace("pop_2020,urban_pop_2020", "常住人口（2035年）,urban_pop_2020", 1)
    (dataset_dir / "counties.csv").write_text(text, encoding="utf-8")
    (p,) = problems_of(dataset_dir)
    assert p.column == "pop_2020" and "missing required column pop_2020" in p.message
    assert parse_header("城镇人口（2035年）（万人）") == ("城镇人口", "2035", "万人")


# --------------------------------------------------------------------------- percent


def test_percent_header_holds_percentages(dataset_dir: Path) -> None:
    original = load_dataset(dataset_dir).counties
    rewrite(dataset_dir, "occupation_rate", "占用耕地比例(%)", 0.01)  # 0.4 → 40
    text = (dataset_dir / "counties.csv").read_text(encoding="utf-8")
    assert ",40.0," in text
    text = text.replace(",40.0,", ",40%,")  # a cell with its own sign is not divided twice
    (dataset_dir / "counties.csv").write_text(text.replace(",,0.6,", ",50,0.6,"), encoding="utf-8")
    ds = load_dataset(dataset_dir)
    rates = ds.counties.set_index("county_id")["occupation_rate"]
    assert rates["140105"] == pytest.approx(0.4) and rates["140121"] == pytest.approx(0.5)
    assert original.set_index("county_id")["occupation_rate"]["140105"] == 0.4
    assert [str(c) for c in ds.conversions] == [
        "counties.csv column 占用耕地比例(%) (occupation_rate): read in %, "
        "converted to fraction (× 1/100)"
    ]


def test_percent_header_over_fractions_is_ambiguous(dataset_dir: Path) -> None:
    rewrite(dataset_dir, "occupation_rate", "占用耕地比例(%)", 1.0)  # still 0.4: 0.4 %?
    (p,) = problems_of(dataset_dir)
    assert (p.row, p.column, p.value) == (2, "占用耕地比例(%) (occupation_rate)", "0.4")
    assert "is ambiguous: the header says %" in p.message


# --------------------------------------------------------------------------- docs


def test_docs_unit_table_is_the_code_table() -> None:
    doc = DOCS.read_text(encoding="utf-8")
    section = doc.split("## 6. Units in headers", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `([^`]+)` \| (\S+) \| × (\S+) \|$", section, re.M)
    assert rows == [(name, unit.to, unit.shown) for name, unit in UNITS.items()]


def _shown_value(shown: str) -> float:
    """ "1/15" → 1/15, "10⁻⁴" → 1e-4, "10⁴/15" → 666.67: the factor as the docs write it."""
    superscript = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")

    def number(text: str) -> float:
        if text.startswith("10") and not text[2:].isascii():
            return 10.0 ** int(text[2:].translate(superscript))
        return float(text)

    top, _, bottom = shown.partition("/")
    return number(top) / (number(bottom) if bottom else 1)


def test_named_constants_match_the_definitions() -> None:
    assert math.isclose(aliases.HA_PER_MU * 15, 1)  # 1 ha = 15 亩
    assert math.isclose(aliases.HA_PER_WAN_MU, 10_000 / 15)
    assert math.isclose(aliases.HA_PER_KM2, 1e6 * aliases.HA_PER_M2)  # 1 km² = 10⁶ m²
    assert aliases.PERSONS_PER_WAN == 1e4 and aliases.YI_PER_WAN_YUAN == 1e-4
    for name, unit in UNITS.items():  # the factor as shown is the factor used
        assert _shown_value(unit.shown) == pytest.approx(unit.factor, rel=1e-12), name
