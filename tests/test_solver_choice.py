"""The default solver is chosen from the LP's size and what the run needs, by the engine."""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from models.scenario import Scenario
from optimizer import DataError, load_dataset, solve
from optimizer.cli.app import app
from optimizer.runs.synth import write_synthetic
from optimizer.solve import LARGE_LP_COLUMNS, choose_solver

#: The module, not the function ``optimizer.solve`` that the package exports.
solve_module = importlib.import_module("optimizer.solve")
REFERENCE = Path(__file__).resolve().parent.parent / "inputs" / "shanxi-central"
PLAIN = Scenario.model_validate({"quota": {"total": 1000}})  # no [solver] section


def _pair(choice) -> tuple[str, str]:
    return choice.backend.name, choice.solver


def test_plain_scenario_small_lp_gets_highs_dual_simplex():
    choice = choose_solver(PLAIN, columns=LARGE_LP_COLUMNS - 1)
    assert _pair(choice) == ("highs", "simplex")
    assert "chosen by size" in choice.reason and not choice.notes
    assert "ranges" in choice.reason  # simplex's prices come with their ranges


def test_plain_scenario_large_lp_gets_highs_interior_point():
    choice = choose_solver(PLAIN, columns=LARGE_LP_COLUMNS)
    assert _pair(choice) == ("highs", "ipm")
    assert f"{LARGE_LP_COLUMNS:,}" in choice.reason


def test_ranging_takes_highs_simplex_below_the_threshold():
    assert _pair(choose_solver(PLAIN, columns=500, needs="ranging")) == ("highs", "simplex")
    assert _pair(choose_solver(PLAIN, columns=500)) == ("highs", "simplex")  # the same solve
    large = choose_solver(PLAIN, columns=LARGE_LP_COLUMNS, needs="ranging")
    assert _pair(large) == ("highs", "ipm") and "without ranges" in large.reason


def test_named_backend_or_solver_wins_over_size():
    named = PLAIN.with_overrides({"solver.backend": "ortools"})
    choice = choose_solver(named, columns=10 * LARGE_LP_COLUMNS)
    assert _pair(choice) == ("ortools", "glop")
    (note,) = choice.notes  # the engine says GLOP is slow there; the CLI only prints it
    assert "--backend highs" in note
    assert _pair(choose_solver(PLAIN, "pulp", columns=10)) == ("pulp", "cbc")
    assert _pair(choose_solver(PLAIN, solver="simplex", columns=10)) == ("highs", "simplex")
    assert _pair(choose_solver(PLAIN, solver="cbc", columns=10)) == ("pulp", "cbc")


def test_summary_records_the_choice_and_its_reason(tmp_path, monkeypatch):
    """A synthetic dataset (no [solver]) past a lowered threshold solves with HiGHS ipm."""
    folder = write_synthetic(tmp_path / "d", 120, 12, seed=2)
    small = solve(folder)
    assert (small.summary.backend, small.summary.solver) == ("highs", "simplex")
    monkeypatch.setattr(solve_module, "LARGE_LP_COLUMNS", 100)
    large = solve(folder)
    assert (large.summary.backend, large.summary.solver) == ("highs", "ipm")
    assert "chosen by size" in large.summary.solver_reason
    assert large.objective == pytest.approx(small.objective, rel=1e-6)
    out = CliRunner().invoke(app, ["solve", str(folder), "--out", str(tmp_path / "r"), "--json"])
    assert out.exit_code == 0, out.output
    summary = json.loads(out.stdout)
    assert summary["solver"] == "ipm" and "chosen by size" in summary["solver_reason"]
    assert json.loads((tmp_path / "r" / "summary.json").read_text())["solver"] == "ipm"
    glop = CliRunner().invoke(
        app, ["solve", str(folder), "--out", str(tmp_path / "g"), "--backend", "ortools"]
    )
    assert glop.exit_code == 0 and "note: GLOP takes minutes" in glop.stderr
    assert "chosen by size" in CliRunner().invoke(
        app, ["solve", str(folder), "--out", str(tmp_path / "t")]
    ).stdout.replace("\n", " ")


def test_overrides_in_the_api_are_checked_like_set():
    ds = load_dataset(REFERENCE)
    with pytest.raises(DataError) as err:
        solve(ds, overrides={"quota.totl": 1})
    (problem,) = err.value.problems
    assert problem.file == "--set" and problem.column == "quota.totl"
    assert "did you mean quota.total?" in problem.message
    with pytest.raises(DataError) as err:
        solve(ds, overrides={"quota.total": -5})
    (problem,) = err.value.problems
    assert (problem.column, problem.value) == ("quota.total", -5)
    assert "greater than or equal to 0" in problem.message
    with pytest.raises(DataError):
        solve(REFERENCE, overrides={"quota.totl": 1})
