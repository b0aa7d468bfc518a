"""Every validation rule of MODEL.md §2: a bad cell gives one message at the right place."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.scenario import Scenario
from optimizer import DataError, load_dataset
from optimizer.data import rules as v
from optimizer.data import warnings as dw
from optimizer.data.problems import Problem, Severity


def errors_of(folder: Path) -> list[Problem]:
    with pytest.raises(DataError) as info:
        load_dataset(folder)
    assert all(p.severity is Severity.ERROR for p in info.value.problems)
    return info.value.problems


def find(problems: list[Problem], file: str, row: int | None, column: str) -> Problem:
    hits = [p for p in problems if (p.file, p.row, p.column) == (file, row, column)]
    assert len(hits) == 1, f"expected one problem at {file} row {row} {column}: {problems}"
    return hits[0]


# (file, row, column, bad value, words of the rule in the message)
CELL_RULES = [
    ("counties.csv", 3, "county_id", "", "is empty"),
    ("counties.csv", 4, "county_id", "140105", "duplicate county_id (first in row 2)"),
    ("counties.csv", 3, "county_id", "1.40121E+05", "scientific notation"),
    ("counties.csv", 3, "name", "", "is empty"),
    ("counties.csv", 2, "gdp_2020", "abc", "is not a number"),
    ("counties.csv", 2, "gdp_2020", "NaN", "must be a finite number"),
    ("counties.csv", 2, "gdp_2035", "inf", "must be a finite number"),
    ("counties.csv", 3, "gdp_2035", "1,5", "comma is accepted only as a thousands separator"),
    ("counties.csv", 4, "demand", "", "is empty: a number is required"),
    ("counties.csv", 3, "supplement_potential", "-5", "must be ≥ 0"),
    ("counties.csv", 2, "occupation_rate", "1.4", "between 0 and 1"),
    ("counties.csv", 3, "urban_share", "-0.1", "between 0 and 1"),
    ("counties.csv", 4, "zone", "forest", "is not a main-function zone"),
    (
        "counties.csv",
        3,
        "urban_pop_2020",
        "400000",
        "urban population 2020 must not exceed population 2020 (pop_2020 = 350000)",
    ),
    (
        "counties.csv",
        2,
        "urban_land_2020",
        "10500",
        "urban land + rural settlement land 2020 = 12500 ha must not exceed construction land",
    ),
    (
        "counties.csv",
        4,
        "basic_farmland",
        "15001",
        "permanent basic farmland must not exceed cultivated land 2020 (cultivated_2020 = 15000)",
    ),
    (
        "counties.csv",
        3,
        "min_allocation",
        "1500.5",
        "the guaranteed minimum must not exceed the demand (demand = 1500)",
    ),
    (
        "counties.csv",
        4,
        "reclaim_potential",
        "2000.1",
        "reclaimable land must not exceed rural settlement land 2020",
    ),
    ("groups.csv", 2, "weight", "0", "must be > 0"),
    ("groups.csv", 3, "weight", "-1", "must be > 0"),
    ("groups.csv", 2, "min_share", "1.5", "between 0 and 1"),
    ("groups.csv", 3, "min_share", "0.6", "must not exceed the maximum share (max_share = 0.5)"),
    ("groups.csv", 3, "group_id", "G1", "duplicate group_id (first in row 2)"),
    ("groups.csv", 3, "name", "", "is empty"),
    ("group_members.csv", 3, "group_id", "G9", "unknown group_id: not in groups.csv"),
    ("group_members.csv", 4, "county_id", "12345", "unknown county_id: not in counties.csv"),
    ("group_members.csv", 2, "county_id", "", "is empty"),
]


@pytest.mark.parametrize(("file", "row", "column", "value", "rule"), CELL_RULES)
def test_each_rule_names_row_column_and_value(
    dataset_dir: Path, edit_cell, file: str, row: int, column: str, value: str, rule: str
) -> None:
    edit_cell(dataset_dir, file, row, column, value)
    problem = find(errors_of(dataset_dir), file, row, column)
    assert problem.value == value
    assert rule in problem.message
    county = f" ({problem.county})" if problem.county else ""  # a county row names it
    assert problem.county or file != "counties.csv" or column == "name"
    assert str(problem).startswith(f"{file} row {row}{county}, column {column} = {value!r}: ")


TRANSFERS = "from_id,to_id,cost\n140105,140121,0.01\n140121,012345,0.02\n"


@pytest.mark.parametrize(
    ("row", "column", "value", "rule"),
    [
        (2, "to_id", "999999", "unknown to_id: not in counties.csv"),
        (3, "from_id", "140000", "unknown from_id: not in counties.csv"),
        (2, "cost", "-0.5", "must be ≥ 0"),
        (3, "to_id", "140121", "cannot send linkage indicators to itself"),
        (3, "cost", "cheap", "is not a number"),
    ],
)
def test_transfer_cost_rules(
    dataset_dir: Path, edit_cell, row: int, column: str, value: str, rule: str
) -> None:
    (dataset_dir / "transfer_costs.csv").write_text(TRANSFERS, encoding="utf-8")
    edit_cell(dataset_dir, "transfer_costs.csv", row, column, value)
    problem = find(errors_of(dataset_dir), "transfer_costs.csv", row, column)
    assert problem.value == value and rule in problem.message


def test_duplicate_transfer_pair_is_an_error(dataset_dir: Path) -> None:
    (dataset_dir / "transfer_costs.csv").write_text(
        TRANSFERS + "140105,140121,0.03\n", encoding="utf-8"
    )
    problem = find(errors_of(dataset_dir), "transfer_costs.csv", 4, "to_id")
    assert "duplicate pair from_id, to_id (first in row 2)" in problem.message


def test_all_failures_of_a_file_are_listed_at_once(dataset_dir: Path, edit_cell) -> None:
    edit_cell(dataset_dir, "counties.csv", 2, "gdp_2020", "abc")
    edit_cell(dataset_dir, "counties.csv", 3, "demand", "-1")
    edit_cell(dataset_dir, "counties.csv", 4, "zone", "mountain")
    edit_cell(dataset_dir, "groups.csv", 2, "weight", "0")
    edit_cell(dataset_dir, "group_members.csv", 4, "county_id", "999")
    found = {(p.file, p.row, p.column) for p in errors_of(dataset_dir)}
    assert {
        ("counties.csv", 2, "gdp_2020"),
        ("counties.csv", 3, "demand"),
        ("counties.csv", 4, "zone"),
        ("groups.csv", 2, "weight"),
        ("group_members.csv", 4, "county_id"),
    } <= found


def test_problems_are_sorted_by_file_then_row(dataset_dir: Path, edit_cell) -> None:
    edit_cell(dataset_dir, "group_members.csv", 2, "group_id", "X")
    edit_cell(dataset_dir, "counties.csv", 4, "gdp_2020", "x")
    edit_cell(dataset_dir, "counties.csv", 2, "gdp_2035", "x")
    assert [(p.file, p.row) for p in errors_of(dataset_dir)] == [
        ("counties.csv", 2),
        ("counties.csv", 4),
        ("group_members.csv", 2),
    ]


def test_a_bad_cell_is_reported_once_not_again_by_relation_rules(
    dataset_dir: Path, edit_cell
) -> None:
    edit_cell(dataset_dir, "counties.csv", 3, "pop_2020", "many")
    problems = errors_of(dataset_dir)
    assert [(p.row, p.column) for p in problems] == [(3, "pop_2020")]


def test_duplicate_membership_is_a_warning_and_counted_once(dataset_dir: Path) -> None:
    with (dataset_dir / "group_members.csv").open("a", encoding="utf-8") as fh:
        fh.write("G1,140105\n")
    ds = load_dataset(dataset_dir)
    assert len(ds.members) == 3
    (w,) = ds.warnings
    assert (w.file, w.row, w.column, w.severity) == (
        "group_members.csv",
        5,
        "county_id",
        Severity.WARNING,
    )
    assert "counted once" in w.message


# --------------------------------------------------------------------------- cells


def test_parse_numbers_accepts_planner_formats() -> None:
    text = pd.Series(
        ["1,234.5", "1,234", "12", "", "1e3", "1,5", "abc", "nan", "-inf", "45%"], dtype="str"
    )
    values, reason, empty = v.parse_numbers(v.clean_text(text))
    assert values.iloc[:3].tolist() == [1234.5, 1234.0, 12.0]
    assert values.iloc[4] == 1000.0
    assert empty.tolist() == [False, False, False, True, *[False] * 6]
    assert reason.iloc[:5].tolist() == [""] * 5
    assert "thousands separator" in reason.iloc[5]
    assert reason.iloc[6] == "is not a number"
    assert reason.iloc[7] == reason.iloc[8] == "must be a finite number"
    assert reason.iloc[9] == "is not a number"  # a percentage only in fraction columns


def test_parse_numbers_fractions_take_percentages() -> None:
    values, reason, _ = v.parse_numbers(
        pd.Series(["45%", "4.5 %", "0.3"], dtype="str"), fraction=True
    )
    assert values.tolist() == pytest.approx([0.45, 0.045, 0.3])
    assert (reason == "").all()


def test_clean_text_normalises_full_width_and_keeps_ids() -> None:
    cleaned = v.clean_text(pd.Series(["１，２３４．５", "\u3000 014001 ", None], dtype="str"))
    assert cleaned.tolist() == ["1,234.5", "014001", ""]
    assert v.clean_text(pd.Series([140105.0, 1.5, np.nan])).tolist() == ["140105", "1.5", ""]


def test_numbers_from_memory_are_used_as_they_are() -> None:
    values, reason, empty = v.parse_numbers(pd.Series([1.5, np.nan, np.inf]))
    assert values.iloc[0] == 1.5 and empty.tolist() == [False, True, False]
    assert reason.tolist() == ["", "", "must be a finite number"]


@given(st.floats(min_value=0, max_value=1e12, allow_nan=False))
def test_thousands_separators_round_trip(x: float) -> None:
    text = pd.Series([f"{x:,}", f"{x:,.2f}"], dtype="str")
    values, reason, _ = v.parse_numbers(text)
    assert (reason == "").all()
    assert values.iloc[0] == x
    assert values.iloc[1] == pytest.approx(round(x, 2), rel=1e-12, abs=0.006)


# --------------------------------------------------------------------------- warnings


def _counties(**changes: list[float]) -> pd.DataFrame:
    """Two typed counties (as the loader returns them) with some columns replaced."""
    base = {
        "county_id": ["A", "B"],
        "name": ["a", "b"],
        "city": ["c", "c"],
        "zone": ["urban", "ecological"],
        "pop_2020": [100000.0, 50000.0],
        "urban_pop_2020": [80000.0, 20000.0],
        "urban_pop_2035": [90000.0, 25000.0],
        "gdp_2020": [100.0, 20.0],
        "gdp_2035": [200.0, 30.0],
        "construction_land_2020": [1500.0, 800.0],
        "urban_land_2020": [900.0, 200.0],
        "rural_settlement_2020": [500.0, 500.0],
        "cultivated_2020": [5000.0, 8000.0],
        "farmland_floor": [4000.0, 7000.0],
        "basic_farmland": [3000.0, 6000.0],
        "dev_boundary": [1200.0, 300.0],
        "demand": [400.0, 100.0],
        "min_allocation": [50.0, 0.0],
        "reclaim_potential": [100.0, 300.0],
        "supplement_potential": [50.0, 50.0],
        "occupation_rate": [np.nan, np.nan],
        "urban_share": [np.nan, np.nan],
        "resettle_ratio": [np.nan, np.nan],
        "reclaim_to_farmland": [np.nan, np.nan],
    }
    base.update(changes)
    return pd.DataFrame(base, index=pd.Index([2, 3]))


SCENARIO = Scenario.model_validate({"quota": {"total": 500}})


def test_plain_counties_have_no_warnings() -> None:
    assert dw.county_warnings(_counties(), SCENARIO) == []


@pytest.mark.parametrize(
    ("changes", "row", "column", "words"),
    [
        (
            {"cultivated_2020": [3900.0, 8000.0], "basic_farmland": [3000.0, 6000.0]},
            2,
            "cultivated_2020",
            "already below the farmland floor (farmland_floor = 4000)",
        ),
        (
            {"urban_land_2020": [900.0, 310.0]},
            3,
            "urban_land_2020",
            "already above the urban development boundary (dev_boundary = 300)",
        ),
        (
            {
                "urban_land_2020": [1300.0, 200.0],
                "dev_boundary": [2000.0, 300.0],
                "construction_land_2020": [2000.0, 800.0],
            },
            2,
            "urban_land_2020",
            "per-capita urban land 2020 is 162.5 m²/person, above the cap of 150",
        ),
        ({"urban_pop_2020": [80000.0, 0.0]}, 3, "urban_land_2020", "no urban population"),
        # cap room 150·90000/10⁴ − 900 = 450 ha of urban land: 450/0.7 = 642.9 ha of new land
        (
            {
                "min_allocation": [700.0, 0.0],
                "demand": [800.0, 100.0],
                "dev_boundary": [5000.0, 300.0],
            },
            2,
            "min_allocation",
            "does not fit under the per-capita cap",
        ),
        # boundary room 1200 − 900 = 300 ha of urban land: 428.6 ha of new land
        (
            {"min_allocation": [430.0, 0.0], "demand": [800.0, 100.0]},
            2,
            "min_allocation",
            "does not fit under the urban development boundary (dev_boundary − urban_land_2020): "
            "at most 428.6 ha",
        ),
        (
            {"basic_farmland": [4950.0, 6000.0], "min_allocation": [120.0, 0.0]},
            2,
            "min_allocation",
            "cultivated land outside permanent basic farmland",
        ),
        # at best 5000 − 0.45·50 + 0.8·100 + 50 = 5107.5 ha of cultivated land in 2035
        (
            {"farmland_floor": [5120.0, 7000.0]},
            2,
            "min_allocation",
            "at most 5107.5 ha even after all reclamation and reserve land, below the farmland "
            "floor (5120); the scenario will be infeasible",
        ),
    ],
)
def test_county_warnings(changes: dict, row: int, column: str, words: str) -> None:
    warnings = dw.county_warnings(_counties(**changes), SCENARIO)
    hits = [w for w in warnings if (w.row, w.column) == (row, column) and words in w.message]
    assert len(hits) == 1, warnings
    assert hits[0].severity is Severity.WARNING and hits[0].file == "counties.csv"


def test_county_rate_overrides_the_scenario_default_in_warnings() -> None:
    # min 430 ha fits under the boundary room of 300 ha only with σ ≤ 0.697
    assert (
        dw.county_warnings(
            _counties(
                min_allocation=[430.0, 0.0], demand=[800.0, 100.0], urban_share=[0.5, np.nan]
            ),
            SCENARIO,
        )
        == []
    )


def _groups(min_shares: list[float]) -> pd.DataFrame:
    n = len(min_shares)
    return pd.DataFrame(
        {
            "group_id": [f"G{i}" for i in range(n)],
            "name": ["g"] * n,
            "kind": [""] * n,
            "weight": [1.0] * n,
            "min_share": min_shares,
            "max_share": [np.nan] * n,
        },
        index=pd.RangeIndex(2, 2 + n),
    )


def test_group_min_shares_above_one() -> None:
    groups = _groups([0.6, 0.5])
    disjoint = pd.DataFrame({"group_id": ["G0", "G1"], "county_id": ["A", "B"]})
    (w,) = dw.dataset_warnings(_counties(), groups, disjoint, SCENARIO)
    assert "add up to 1.1 > 1" in w.message and "will be infeasible" in w.message
    overlapping = pd.DataFrame({"group_id": ["G0", "G1", "G1"], "county_id": ["A", "A", "B"]})
    (w,) = dw.dataset_warnings(_counties(), groups, overlapping, SCENARIO)
    assert "share members" in w.message


def test_group_without_members() -> None:
    members = pd.DataFrame({"group_id": ["G0"], "county_id": ["A"]})
    (w,) = dw.dataset_warnings(_counties(), _groups([0.2, 0.1]), members, SCENARIO)
    assert (w.file, w.row, w.value) == ("groups.csv", 3, "G1")
    assert "no members" in w.message and "infeasible" in w.message


def test_minimums_beyond_quota_and_linkage() -> None:
    members = pd.DataFrame({"group_id": [], "county_id": []}, dtype="str")
    # linkage: (100 + 300)·(1 − 0.3) = 280 ha; quota 500 ha; minimums 50 + 740 = 790 ha
    # a 20 % intensity target (3,526 ha allowed) so that only the pool is in the way
    scenario = SCENARIO.with_overrides({"intensity.reduction": 0.2})
    counties = _counties(min_allocation=[50.0, 740.0], demand=[400.0, 800.0])
    (w,) = dw.dataset_warnings(counties, _groups([]), members, scenario)
    assert "790.0 ha" in w.message and "280.0 ha" in w.message
    fits = _counties(min_allocation=[50.0, 730.0], demand=[400.0, 800.0])
    assert dw.dataset_warnings(fits, _groups([]), members, scenario) == []


def test_rules_are_vectorised_over_many_rows() -> None:
    """A 40,000-row table is checked without per-row work when it is valid."""
    big = pd.concat([_counties()] * 20000, ignore_index=True)
    big.index = pd.RangeIndex(2, 2 + len(big))
    big["county_id"] = pd.Series(
        [f"{i:09d}" for i in range(len(big))], index=big.index, dtype="str"
    )
    assert v.check_ranges(big, v.COUNTIES, {}) == []
    assert v.check_counties(big, {}) == []
    assert v.check_ids(big, "counties.csv", ("county_id",), {}) == []
    bad = big.copy()
    bad.loc[[5, 40001], "demand"] = -1.0
    assert [p.row for p in v.check_ranges(bad, v.COUNTIES, {})] == [5, 40001]
