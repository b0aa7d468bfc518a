"""Shared fixtures: a small valid dataset folder written to tmp_path."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# Hypothesis: the same examples on every machine and every run, and no example
# database (a saved failure must not make one checkout fail where another passes).
# No deadline: an example's time is not what a test asserts, and on a loaded machine
# (2 cores, several suites) even a parse once ran past Hypothesis's default 200 ms.
# This is the default, and what CI runs; HYPOTHESIS_PROFILE=explore draws new
# examples on every run and remembers failures, for hunting bugs locally.
settings.register_profile("ci", derandomize=True, database=None, print_blob=True, deadline=None)
settings.register_profile("explore", derandomize=False, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

#: Three counties in two cities, one id with a leading zero; no warnings.
COUNTIES_CSV = """\
county_id,name,city,zone,pop_2020,urban_pop_2020,urban_pop_2035,gdp_2020,gdp_2035,\
construction_land_2020,urban_land_2020,rural_settlement_2020,cultivated_2020,farmland_floor,\
basic_farmland,dev_boundary,demand,min_allocation,reclaim_potential,supplement_potential,\
occupation_rate,urban_share,resettle_ratio,reclaim_to_farmland
140105,小店区,太原市,urban,1000000,950000,1100000,900.5,1800,12000,9000,2000,8000,7000,5000,\
15000,3000,500,800,300,0.4,,,
140121,清徐县,太原市,agricultural,350000,200000,260000,250,450,9000,2500,5000,40000,38000,\
33000,4000,1500,200,1500,800,,0.6,,
012345,太谷区,晋中市,ecological,100000,40000,60000,50,90,3000,500,2000,15000,14000,12000,\
800,400,,1200,500,,,0.25,0.9
"""
GROUPS_CSV = """\
group_id,name,kind,weight,min_share,max_share
G1,太原都市区,core,2,0.3,
G2,山区组群,town_group,,,0.5
"""
MEMBERS_CSV = """\
group_id,county_id
G1,140105
G1,140121
G2,012345
"""
SCENARIO_TOML = """\
[quota]
total = 3000
"""


@pytest.fixture
def dataset_dir(tmp_path: Path) -> Path:
    """A valid dataset folder ``tmp_path/tiny`` (counties, groups, members, scenario)."""
    folder = tmp_path / "tiny"
    folder.mkdir()
    for name, text in [
        ("counties.csv", COUNTIES_CSV),
        ("groups.csv", GROUPS_CSV),
        ("group_members.csv", MEMBERS_CSV),
        ("scenario.toml", SCENARIO_TOML),
    ]:
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def set_cell(folder: Path, file: str, row: int, column: str, value: str) -> None:
    """Write ``value`` into a CSV cell, by spreadsheet row number (header = 1) and header name."""
    import csv

    path = folder / file
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    rows[row - 1][rows[0].index(column)] = value
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


@pytest.fixture
def edit_cell():
    """The :func:`set_cell` helper, as a fixture for test modules."""
    return set_cell
