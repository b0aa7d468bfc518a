"""summary.json: typed sections that read back to the same bytes, and no undeclared keys."""

from __future__ import annotations

import json

import pytest
from factories import county, dataset

from models.results import Explain, Headline, Summary
from optimizer import solve
from optimizer.data.problems import UsageError
from optimizer.runs.read import read_run
from optimizer.runs.write import summary_json, write_run


def _round_trip(result, folder):
    write_run(result, folder)
    text = (folder / "summary.json").read_text(encoding="utf-8")
    back = read_run(folder)
    return text, back


def test_an_optimal_run_reads_back_to_the_same_summary_json(tmp_path):
    ds = dataset([county("X", min_allocation=20, reclaim_potential=50), county("Y")], quota=100)
    text, back = _round_trip(solve(ds, backend="highs"), tmp_path / "run")
    assert isinstance(back.summary.headline, Headline)
    assert isinstance(back.summary.explain, Explain)
    assert back.summary.headline.quota_pool_ha == 100.0
    assert back.summary.explain.prices[0].family == "quota_pool"
    assert summary_json(back) + "\n" == text


def test_an_infeasible_run_reads_back_with_empty_sections(tmp_path):
    ds = dataset([county("X", min_allocation=80), county("Y", min_allocation=60)], quota=100)
    text, back = _round_trip(solve(ds, backend="highs"), tmp_path / "run")
    raw = json.loads(text)
    assert (raw["headline"], raw["equity"], raw["explain"]) == ({}, {}, {})
    assert back.summary.headline is None and back.summary.explain is None
    assert back.summary.diagnosis.rows[0].kind == "cause"
    assert back.summary.diagnosis.rows[0].setting == "quota.total"
    fixes = {(fix.setting, fix.id): fix for fix in back.summary.diagnosis.single_fixes}
    pool = fixes["quota.total", "region"]
    assert (pool.current, pool.limit) == (100.0, 140.0)
    # either minimum alone: X's may keep 100 − 60 = 40 ha of its 80
    assert fixes["counties.csv min_allocation", "X"].limit == pytest.approx(40.0)
    assert summary_json(back) + "\n" == text


def test_a_diagnosis_written_as_a_bare_list_still_reads(tmp_path):
    """Run folders written before single fixes hold summary.json ``diagnosis`` as the rows."""
    ds = dataset([county("X", min_allocation=80), county("Y", min_allocation=60)], quota=100)
    text, _ = _round_trip(solve(ds, backend="highs"), tmp_path / "run")
    raw = json.loads(text)
    old = {**raw, "diagnosis": raw["diagnosis"]["rows"]}
    back = Summary.model_validate(old)
    assert back.diagnosis.rows[0].setting == "quota.total"
    assert back.diagnosis.single_fixes == []
    assert Summary.model_validate({**raw, "diagnosis": []}).diagnosis is None


@pytest.mark.parametrize(
    ("section", "where"),
    [("headline", "headline.quota_pool_hectares"), ("", "surplus_key")],
)
def test_an_undeclared_key_is_refused_naming_it(tmp_path, section, where):
    ds = dataset([county("X"), county("Y")], quota=100)
    folder = tmp_path / "run"
    write_run(solve(ds, backend="highs"), folder)
    path = folder / "summary.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    (data[section] if section else data)[where.split(".")[-1]] = 1.0
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(UsageError, match=f"not a landquota summary \\({where}: Extra inputs"):
        read_run(folder)


def test_assigned_dicts_become_typed_sections():
    """The engine hands sections over as dicts; the Summary validates them on assignment."""
    ds = dataset([county("X"), county("Y")], quota=100)
    s: Summary = solve(ds, backend="highs").summary
    with pytest.raises(ValueError, match="quota_pool_hectares"):
        s.headline = {**s.headline.model_dump(), "quota_pool_hectares": 1.0}
