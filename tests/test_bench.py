"""``landquota bench``: every stage timed and measured, at a smoke size (about 300 counties).

Only what the figures contain is checked, never how long anything took.
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from optimizer.bench import STAGES, format_table, measure, run_benchmarks, size_spec
from optimizer.cli.app import app
from optimizer.runs.synth import write_synthetic


@pytest.fixture(scope="module")
def smoke(tmp_path_factory):
    return write_synthetic(tmp_path_factory.mktemp("bench") / "d", 300, 30, seed=5)


def _check(figures: dict, counties: int) -> None:
    assert figures["status"] == "optimal"
    assert figures["counties"] == counties
    assert set(figures["seconds"]) == set(STAGES)
    assert set(figures["peak_mb"]) == set(STAGES)
    assert all(v >= 0 for v in figures["seconds"].values())
    assert all(v > 10 for v in figures["peak_mb"].values())  # a Python process with pandas
    assert figures["peak_mb_max"] == max(figures["peak_mb"].values())
    assert figures["rows"] > counties and figures["cols"] > 3 * counties
    assert figures["nnz"] > figures["cols"]


def test_measure_in_process(smoke, tmp_path):
    figures = measure(
        smoke,
        tmp_path / "run",
        backend="highs",
        solver="simplex",
        overrides={"linkage.scope": "city"},
    )
    _check(figures, 300)
    assert figures["scope"] == "city"
    assert (tmp_path / "run" / "allocation.csv").exists()


def test_fresh_process_per_run(smoke, tmp_path):
    results = run_benchmarks(
        [(300, 30)], [("highs", "simplex")], scope="region", seed=5, workdir=tmp_path
    )
    assert len(results) == 1
    r = results[0]
    _check(r, 300)
    assert r["scope"] == "region" and r["dataset"] == "synth 300"
    assert r["process_seconds"] >= r["total_seconds"] - r["seconds"]["import"]
    assert r["seconds"]["import"] > 0
    table = format_table(results)
    assert "synth 300" in table and "highs/simplex" in table and "MB" in table


def test_sizes():
    assert size_spec("national") == (2850, 31)
    assert size_spec("township") == (40000, 300)
    assert size_spec("500:7") == (500, 7)
    assert size_spec("500") == (500, None)


def test_cli_json(smoke):
    out = CliRunner().invoke(
        app, ["bench", "--dataset", str(smoke), "--backend", "highs:simplex", "--json"]
    )
    assert out.exit_code == 0, out.output
    (figures,) = json.loads(out.stdout)
    _check(figures, 300)
    assert figures["backend"] == "highs" and figures["solver"] == "simplex"


def test_cli_rejects_bad_size():
    out = CliRunner().invoke(app, ["bench", "--counties", "many"])
    assert out.exit_code == 2
