"""`solve --set KEY=VALUE --name NAME`: validated like scenario.toml, recorded in the run folder."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from optimizer.cli.app import app

runner = CliRunner()


def test_overrides_reach_the_solve_and_the_run_folder(tmp_path, dataset_dir):
    out = tmp_path / "run"
    result = runner.invoke(
        app,
        [
            "solve",
            str(dataset_dir),
            "--out",
            str(out),
            "--set",
            "quota.total=2000",
            "--set",
            "intensity.reduction=0.45",
            "--name",
            "low-quota",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "low-quota" in result.output
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    sc = summary["scenario"]
    assert sc["scenario"]["name"] == "low-quota"
    assert sc["quota"]["total"] == 2000
    assert sc["intensity"]["reduction"] == 0.45
    assert sc["per_capita"]["cap_m2"] == 150  # every other key: the effective default
    targets = pd.read_csv(out / "targets.csv").set_index("target")
    assert targets.loc["quota_pool", "limit"] == 2000
    assert targets.loc["quota_pool", "value"] <= 2000 + 1e-6
    assert targets.loc["intensity_reduction", "limit"] == 0.45


def test_name_picks_the_default_run_folder(tmp_path, dataset_dir, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["solve", str(dataset_dir), "--name", "variant-b"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "outputs" / "variant-b" / "summary.json").is_file()


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        (
            "quota.totl=5",
            ["--set", "quota.totl", "unknown scenario key", "did you mean quota.total?"],
        ),
        ("quota.total=abc", ["--set", "quota.total", "'abc'", "valid number"]),
        (
            "intensity.reduction=1.5",
            ["--set", "intensity.reduction", "1.5", "less than or equal to 1"],
        ),
        ("quota=5", ["--set", "quota is a section, not a key", "quota.total"]),
        ("linkage.scope=province", ["--set", "linkage.scope", "province"]),
    ],
)
def test_bad_overrides_exit_1_naming_the_key_and_value(tmp_path, dataset_dir, item, expected):
    out = tmp_path / "run"
    result = runner.invoke(app, ["solve", str(dataset_dir), "--out", str(out), "--set", item])
    assert result.exit_code == 1, result.output
    for text in expected:
        assert text in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


def test_bad_override_in_toml_and_on_the_command_line_read_alike(tmp_path, dataset_dir):
    """The same bad value in scenario.toml gives the same message, naming the file instead."""
    toml = dataset_dir / "scenario.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8") + "\n[intensity]\nreduction = 1.5\n", encoding="utf-8"
    )
    from_file = runner.invoke(app, ["solve", str(dataset_dir), "--out", str(tmp_path / "a")])
    assert from_file.exit_code == 1
    assert "scenario.toml" in from_file.output
    assert "less than or equal to 1" in from_file.output


def test_malformed_set_is_a_usage_error(tmp_path, dataset_dir):
    result = runner.invoke(app, ["solve", str(dataset_dir), "--set", "quota.total"])
    assert result.exit_code == 2
    assert "--set expects KEY=VALUE" in result.output


def test_warnings_worked_out_again_name_the_rows_a_planner_sees():
    """Dataset.with_overrides re-runs the warnings on the id-sorted table; they must still
    name the spreadsheet row and the header as the loader does for the same --set."""
    from pathlib import Path

    from optimizer import load_dataset

    reference = Path(__file__).resolve().parent.parent / "inputs" / "shanxi-central"
    overrides = {"per_capita.cap_m2": 120}
    loaded = load_dataset(reference, overrides)
    again = load_dataset(reference).with_overrides(overrides)
    assert [str(w) for w in again.warnings] == [str(w) for w in loaded.warnings]
    assert len(loaded.warnings) > 13  # the tighter cap adds warnings
