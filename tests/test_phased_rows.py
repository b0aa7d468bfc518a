"""A phased plan's rows are the §3 rows (MODEL.md §7): one builder per family.

A period's own rows (``tiers@Y``, ``split@Y``, ``hub_balance@Y``) must have, on that
period's columns, exactly the coefficients the one-period plan's rows have on its
columns; a cumulative row at an earlier end (``farmland_region@Y``, ``intensity@Y``,
``farmland_floor@Y`` …) exactly the one-period coefficients on every period up to that
end, and none on later periods. Demand and the year only move bounds, never these
coefficients, so a builder that drifted from the §3 one fails here.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from optimizer.data.read import load_dataset
from optimizer.formulation.build import build
from optimizer.formulation.phased import base_family, family_end
from optimizer.runs.synth import write_synthetic

INPUTS = Path(__file__).resolve().parent.parent / "inputs"
THREE_ENDS = {
    "periods.end_years": [2025, 2030, 2035],
    "periods.quota": [20000, 20000, 20000],
    "periods.intensity": [0.1, 0.2, 0.4],
}

#: counties of the synthetic dataset (enough for county farmland floors that bind)
SYNTH_COUNTIES = 300
#: family of a period's own rows → the §3 family they repeat
PERIOD_ROWS = {"tiers": "tiers", "split": "split", "hub_balance": "hub_balance"}
#: cumulative families at earlier ends → the §3 family they repeat
CUMULATIVE_ROWS = (
    "farmland_region",
    "farmland_balance",
    "farmland_floor",
    "intensity",
    "per_capita_floor",
)
#: per_capita_floor@Y has the period's own shortfall u_it beside Σ σ_i A_it'
OWN_COLUMN = {"per_capita_floor": "shortfall"}


def _terms(lp, family: str) -> dict[str, dict[tuple[str, str, str, str], float]]:
    """Row id → {(base family, end, id, key) of the column: coefficient} of ``family``."""
    rows = lp.rows.get(family, np.zeros(0, dtype=np.int64))
    sub = lp.matrix[rows].tocsr()
    v = lp.variables
    fam = v["family"].astype(str).to_numpy()
    ids, keys = v["id"].astype(str).to_numpy(), v["key"].astype(str).to_numpy()
    row_ids = lp.constraints["id"].astype(str).to_numpy()[rows]
    out = {}
    for r, rid in enumerate(row_ids):
        cols = sub.indices[sub.indptr[r] : sub.indptr[r + 1]]
        vals = sub.data[sub.indptr[r] : sub.indptr[r + 1]]
        out[rid] = {
            (base_family(fam[c]), family_end(fam[c]), ids[c], keys[c]): float(x)
            for c, x in zip(cols, vals, strict=True)
        }
    return out


def _one_period(form: str):
    """The reference plan: the same data as shanxi-central-periods without [periods]."""
    return build(load_dataset(INPUTS / "shanxi-central"), linkage_form=form).lp


@pytest.mark.parametrize("form", ["auto", "pairwise"])
@pytest.mark.parametrize("over", [None, THREE_ENDS])
def test_each_periods_rows_are_the_one_period_rows(form, over):
    folder = INPUTS / "shanxi-central-periods"
    phased = build(load_dataset(folder, over), linkage_form=form)
    plain = _one_period(form)
    ends = [str(e) for e in phased.phased.ends]
    checked = 0
    for family, plain_family in PERIOD_ROWS.items():
        reference = _terms(plain, plain_family)
        for end in ends:
            rows = _terms(phased.lp, f"{family}@{end}")
            if family == "split" and phased.network.pool >= 0:
                # hubs: the one-period balance is `surplus` with (1 − ρ) r_i where a period
                # takes w_it from its bank; the rest of the row is the same
                reference = {
                    i: {k: c for k, c in t.items() if k[0] != "reclaim"}
                    for i, t in _terms(plain, "surplus").items()
                }
                rows = {
                    i: {k: c for k, c in t.items() if k[0] != "withdrawal"} for i, t in rows.items()
                }
            assert set(rows) == set(reference), (family, end)
            for rid, terms in rows.items():
                assert {k[1] for k in terms} == {end}, (family, end, rid)
                same = {(k[0], "", k[2], k[3]): c for k, c in terms.items()}
                assert same == reference[rid], (family, end, rid)
                checked += 1
    assert checked > 0


def test_cumulative_rows_sum_the_one_period_rows_up_to_their_end(tmp_path):
    ends3 = (2025, 2030, 2035)
    pairs = [
        (build(load_dataset(INPUTS / "shanxi-central-periods")), _one_period("auto")),
        (build(load_dataset(INPUTS / "shanxi-central-periods", THREE_ENDS)), _one_period("auto")),
        (  # the synthetic national data, smaller: county farmland floors bind by 2025
            build(load_dataset(write_synthetic(tmp_path / "p", SYNTH_COUNTIES, periods=ends3))),
            build(load_dataset(write_synthetic(tmp_path / "one", SYNTH_COUNTIES))).lp,
        ),
    ]
    checked = set()
    for phased, plain in pairs:
        checked |= _check_cumulative(phased, plain)
    assert checked == set(CUMULATIVE_ROWS)


def _check_cumulative(phased, plain) -> set[str]:
    """The families whose cumulative rows were checked against ``plain``'s."""
    ends = [str(e) for e in phased.phased.ends]
    checked = set()
    for family in CUMULATIVE_ROWS:
        reference = _terms(plain, family)
        own = OWN_COLUMN.get(family)
        for t, end in enumerate(ends[:-1]):
            for rid, terms in _terms(phased.lp, f"{family}@{end}").items():
                for k, c in terms.items():
                    if k[0] == own:
                        assert k[1] == end and c == 1.0, (family, end, rid, k)
                        continue
                    assert k[1] in ends[: t + 1], (family, end, rid, k)  # no later period
                    assert c == reference[rid][(k[0], "", k[2], k[3])], (family, end, rid, k)
                summed = {(k[0], k[2], k[3]) for k in terms if k[0] != own}
                for prior in ends[: t + 1]:  # every period up to the end, every term
                    on = {(k[0], k[2], k[3]) for k in terms if k[1] == prior and k[0] != own}
                    assert on == summed, (family, end, prior, rid)
                plain_terms = {(k[0], k[2], k[3]) for k in reference[rid] if k[0] != own}
                assert summed == plain_terms, (family, end, rid)
                checked.add(family)
    return checked
