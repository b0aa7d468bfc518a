"""How reports name a county: its name, and its city too when the name is not unique.

Two counties may share a name (城区 and 郊区 are in several cities). Every report,
sentence and diagnosis names a county through ``county_labels``, so such a county
always reads "城区 (阳泉市)"; the files keep the plain ``name`` and ``city`` columns.
"""

from __future__ import annotations

import pandas as pd

from optimizer.data.problems import Problem

#: The file whose rows are counties (problems at its rows name the county).
COUNTIES_FILE = "counties.csv"


def county_labels(counties: pd.DataFrame) -> pd.Series:
    """Per county (index of ``counties``): its name, or "name (city)" when the name repeats.

    ``counties`` has ``name`` and ``city`` (and ``county_id``); a name that repeats within
    one city as well reads "name (city, county_id)".
    """
    name = counties["name"].astype(str)
    if "city" not in counties.columns:
        return name
    city = counties["city"].fillna("").astype(str)
    label = name.where(~name.duplicated(keep=False), name + " (" + city + ")")
    if "county_id" in counties.columns:
        twin = label.duplicated(keep=False)
        with_id = name + " (" + city + ", " + counties["county_id"].astype(str) + ")"
        label = label.where(~twin, with_id)
    return label


def with_county_names(problems: list[Problem], counties: pd.DataFrame | None) -> list[Problem]:
    """Problems at a counties.csv row with that row's county named (古交市, row 11).

    ``counties`` is indexed by spreadsheet row, as the loader reads it; a row without a
    name (a template not yet filled in) names none.
    """
    rows = {p.row for p in problems if p.file == COUNTIES_FILE and p.row is not None}
    if not rows or counties is None or "name" not in counties.columns:
        return problems
    named = counties[counties["name"].astype(str) != ""]  # cells are trimmed on reading
    labels = county_labels(named)  # with its city when the name repeats (郊区 (阳泉市))
    labels = labels[labels.index.isin(rows)]
    names = dict(zip(labels.index.tolist(), labels.tolist(), strict=True))  # one lookup each
    out = []
    for p in problems:
        name = names.get(p.row) if p.file == COUNTIES_FILE else None
        if name and p.county is None:  # a new Problem, not dataclasses.replace: 10⁴ of them
            p = Problem(
                p.file, p.message, p.row, p.column, p.value, p.severity, name, p.code, p.params
            )
        out.append(p)
    return out
