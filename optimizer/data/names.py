"""How reports name a county: its name, and its city too when the name is not unique.

Two counties may share a name (城区 and 郊区 are in several cities). Every report,
sentence and diagnosis names a county through ``county_labels``, so such a county
always reads "城区 (阳泉市)"; the files keep the plain ``name`` and ``city`` columns.
"""

from __future__ import annotations

import pandas as pd


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
