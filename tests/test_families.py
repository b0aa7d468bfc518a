"""The constraint-family registry is complete, and it names exactly what the builder emits.

Also: the LP columns the builder reports (``Formulation.columns``) are the LP's own
columns, and binding flags survive a run folder (written as text, read back as flags).
"""

from __future__ import annotations

import dataclasses
import string
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from optimizer.analysis.tables import flags_from_text, join_flags
from optimizer.data.read import load_dataset
from optimizer.formulation.build import Columns, build
from optimizer.formulation.families import (
    ALLOCATION_BOUNDS,
    BINDING,
    COUNTY_LIMITS,
    FAMILIES,
    KINDS,
    PRICED_BOUNDS,
    PRICED_ROWS,
    REGION_TARGETS,
    UPPER_BOUNDS,
    WHERE,
)
from optimizer.formulation.phased import PERIOD_MARK, base_family
from optimizer.runs.read import read_run
from optimizer.runs.write import write_run
from optimizer.solve import solve

REFERENCE = Path(__file__).resolve().parent.parent / "inputs" / "shanxi-central"
#: The reference with every instrument of MODEL.md §8 (projects, reserve, stock, 增存挂钩).
INSTRUMENTS = REFERENCE.parent / "shanxi-central-instruments"
#: Row kinds: families the builder emits as LP rows (bounds and potentials are bounds).
ROW_KINDS = ("row", "soft", "definition")


@pytest.fixture(scope="module")
def reference():
    return load_dataset(REFERENCE)


@pytest.fixture(scope="module")
def formulations(reference):
    """The reference LP in both linkage forms, and with a group maximum share (group_max)."""
    groups = reference.groups.copy()
    groups.loc[groups["min_share"].isna().idxmax(), "max_share"] = 0.5
    with_max = dataclasses.replace(reference, groups=groups)
    instruments = load_dataset(INSTRUMENTS)
    phased = {"periods.end_years": "[2025, 2035]", "periods.intensity": "[0.15, 0.4]"}
    return [
        build(reference),
        build(reference, linkage_form="pairwise"),
        build(with_max),
        build(instruments),
        build(instruments, linkage_form="pairwise"),
        build(with_max.with_overrides(phased)),
        build(instruments.with_overrides(phased), linkage_form="pairwise"),
        build(reference.with_fixes({"140105": 100.0})),  # a lock (MODEL.md §8)
    ]


def test_every_family_has_every_entry():
    assert list(FAMILIES) == [f.name for f in FAMILIES.values()]
    for name, f in FAMILIES.items():
        assert f.kind in KINDS, name
        assert f.applies_to in WHERE, name
        assert f.unit == "ha", name  # every row and bound of the LP is in ha
        assert f.words.strip(), name
        planner = f.kind != "definition"
        # a planner constraint says where it is changed and which way it limits new land
        assert (f.setting is not None) == planner, name
        assert (f.side is not None) == planner, name
        if f.priced:
            assert f.relaxation and f.limit_noun, name
        assert (f.limited_by is None) == (f.stops is None), name
        assert (f.penalty is None) == (f.elastic is None), name
        if f.penalty is not None:  # 1 per ha of slack, times a preference of at most 1 %
            assert 1.0 <= f.penalty <= 1.01, name
        if f.region_target:
            assert f.priced and f.target and f.applies_to in ("region", "scope unit"), name
        assert (f.variable is not None) == (f.kind == "potential"), name
        if f.price_sentence:
            fields = {p[1] for p in string.Formatter().parse(f.price_sentence) if p[1]}
            assert fields <= {"name", "value", "cap"}, name
    # the solve report labels every binding family that limits a county's own land
    labelled = [f.label for f in FAMILIES.values() if f.label]
    assert len(set(labelled)) == len(labelled)
    assert {f.name for f in FAMILIES.values() if f.label} == {
        f for f in BINDING if FAMILIES[f].kind != "potential"
    }
    # explain's limited_by values are distinct
    stops = [f.limited_by for f in FAMILIES.values() if f.limited_by]
    assert len(set(stops)) == len(stops)


def test_derived_orders_keep_the_reports_order():
    """The orders allocation.csv, marginals.csv and explain have always used."""
    # a lock (MODEL.md §8) comes first: a locked county is held by it before anything else
    assert BINDING == (
        "lock",
        "demand",
        "min_allocation",
        "project_min",
        "per_capita_cap",
        "dev_boundary",
        "basic_farmland",
        "farmland_floor",
        "per_capita_floor",
        "reclaim_potential",
        "supplement_potential",
        "stock_potential",
    )
    assert PRICED_ROWS[: len(REGION_TARGETS)] == REGION_TARGETS
    assert PRICED_BOUNDS == ("per_capita_cap", "dev_boundary", "basic_farmland", "min_allocation")
    assert COUNTY_LIMITS[-3:] == ("min_allocation", "project_min", "per_capita_floor")
    assert UPPER_BOUNDS[0] == "demand"


def test_builder_emits_only_registered_families(formulations):
    emitted = set()
    for f in formulations:
        rows = set(f.lp.constraints["family"].astype(str))
        assert rows == set(f.lp.rows)
        # a phased plan's earlier ends (MODEL.md §7) are rows named <family>@<year>; a
        # bound family there is a row on the cumulative A_i^≤t, the last end a bound
        earlier = {base_family(r) for r in rows if PERIOD_MARK in r}
        assert earlier <= set(FAMILIES)
        rows = {r for r in rows if PERIOD_MARK not in r}
        emitted |= rows | (earlier - set(ALLOCATION_BOUNDS))
        # bound families live in the parameters table, not in the LP's rows
        assert not rows & set(ALLOCATION_BOUNDS)
        assert {f"limit_{g}" for g in UPPER_BOUNDS} <= set(f.params.columns)
        for name in BINDING:
            fam = FAMILIES[name]
            if fam.kind == "potential":
                assert name in f.dataset.counties.columns
                # an optional instrument's variable exists when its potential is used
                used = (f.dataset.counties[name] > 0).any()
                assert (fam.variable in f.lp.cols) == used, name
            if fam.rate is not None:
                assert fam.rate in f.params.columns
            if fam.net_of is not None:
                assert fam.net_of in f.dataset.counties.columns
    assert emitted <= set(FAMILIES)
    assert all(FAMILIES[name].kind in ROW_KINDS for name in emitted)
    # and no row family of the registry is stale: each is emitted by one of the builds
    assert emitted == {n for n, f in FAMILIES.items() if f.kind in ROW_KINDS}


def test_columns_are_the_lps_columns(formulations):
    for f in formulations:
        cols, lp = f.columns, f.lp
        n = len(f.params)
        horizon = ("allocation", "tier", "reclaim", "supplement", "shortfall", "linkage")
        if f.phased is not None:  # tiers per period only; the shortfall is the last end's
            last = f.phased.columns[-1].end
            assert len(cols.tier) == 0
            assert np.array_equal(cols.shortfall, lp.cols[f"shortfall@{last}"])
            horizon = ("allocation", "reclaim", "supplement")
            assert len(cols.linkage) == 0  # no horizon arcs: linkage is per period
            for p in f.phased.columns:
                for field in (*horizon, "tier", "shortfall"):
                    assert np.array_equal(getattr(p, field), lp.cols[f"{field}@{p.end}"])
        for field in horizon:
            assert np.array_equal(getattr(cols, field), lp.cols[field]), field
        for field in ("stock", "quota_linked"):  # instruments: present only when used
            assert (getattr(cols, field) is None) == (field not in lp.cols), field
            if getattr(cols, field) is not None:
                assert np.array_equal(getattr(cols, field), lp.cols[field]), field
                ids = lp.variables["id"].to_numpy()[getattr(cols, field)]
                assert list(ids) == list(f.params["county_id"].to_numpy()[cols.stock_counties])
        assert (cols.quota is None) == ("quota" not in lp.cols)
        if cols.quota is not None:
            assert np.array_equal(cols.quota, lp.cols["quota"])
        assert cols.total == lp.cols["total"][0]
        assert len(cols.allocation) == n
        assert len(cols.tier) == n * cols.tiers_per_county
        # shortfall columns sit on the counties the per-capita floor asks land for
        ids = lp.variables["id"].to_numpy()
        assert list(ids[cols.shortfall]) == list(f.params["county_id"][cols.shortfall_counties])
        assert (f.params["floor_need"].to_numpy()[cols.shortfall_counties] > 0).all()
        assert list(ids[cols.allocation]) == list(f.params["county_id"])
    assert {f.name for f in dataclasses.fields(Columns)} >= {
        FAMILIES[n].variable for n in BINDING if FAMILIES[n].variable
    }


def test_binding_flags_survive_a_run_folder(reference, tmp_path):
    result = solve(reference, backend="highs")
    flags = result.binding
    assert list(flags.columns) == list(BINDING) and flags.index.equals(result.counties.index)
    assert flags.dtypes.eq(bool).all() and flags.to_numpy().any()
    out = write_run(result, tmp_path / "run")
    written = pd.read_csv(out / "allocation.csv", dtype={"county_id": str}, keep_default_na=False)
    assert written["binding"].tolist() == result.binding_text().tolist()
    back = read_run(out)
    assert "binding" not in back.counties.columns
    pd.testing.assert_frame_equal(back.binding, flags)
    # a county at its demand binds `demand` in the text and in the flags
    at_demand = result.counties["allocation"] >= result.counties["demand"] - 1e-6
    assert (flags.loc[at_demand & (result.counties["demand"] > 0), "demand"]).all()


def test_flags_and_text_round_trip():
    flags = pd.DataFrame(
        {name: [i % 2 == 0, name == "per_capita_cap", False] for i, name in enumerate(BINDING)}
    )
    text = pd.Series(join_flags(flags))
    assert text[1] == "per_capita_cap" and text[2] == ""
    assert text[0].split(";") == [n for i, n in enumerate(BINDING) if i % 2 == 0]
    pd.testing.assert_frame_equal(flags_from_text(text), flags)
    # a name that is no binding family (another version's run folder) is left out
    other = flags_from_text(pd.Series(["demand;retired_family", ""]))
    assert other.loc[0, "demand"] and other.to_numpy().sum() == 1
    assert join_flags(flags, {n: n.upper() for n in BINDING}, sep=" ")[1] == "PER_CAPITA_CAP"
