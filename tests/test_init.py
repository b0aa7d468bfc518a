"""`landquota init`: a template dataset that check accepts once filled in, never overwriting."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from typer.testing import CliRunner

from optimizer import load_dataset
from optimizer.cli.app import app
from optimizer.data.problems import DataError
from optimizer.data.template import STAGING_PREFIX

runner = CliRunner()
REFERENCE = Path(__file__).resolve().parent.parent / "inputs" / "shanxi-central"


def fill(folder: Path) -> None:
    """Fill the template's rows with the first reference counties, and the quota pool."""
    path = folder / "counties.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    with (REFERENCE / "counties.csv").open(encoding="utf-8-sig") as fh:
        reference = list(csv.reader(fh))[1 : len(rows)]
    # the template's columns are counties.csv's, in the same order
    filled = [rows[0], *reference]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(filled)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    toml = folder / "scenario.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace("# total =", "total = 5000", 1), encoding="utf-8"
    )


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_filled_template_passes_check(tmp_path: Path, lang: str) -> None:
    folder = tmp_path / "new"
    result = runner.invoke(app, ["init", str(folder), "--lang", lang, "--counties", "4"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in folder.iterdir()) == [
        "README.md",
        "counties.csv",
        "group_members.csv",
        "groups.csv",
        "scenario.toml",
    ]
    header = (folder / "counties.csv").read_text(encoding="utf-8").splitlines()[0]
    assert ("城镇人口（2035年）（人）" in header) == (lang == "zh")
    assert ("（公顷）" in header) == (lang == "zh")
    fill(folder)
    checked = runner.invoke(app, ["check", str(folder)])
    assert checked.exit_code == 0, checked.output
    ds = load_dataset(folder)
    assert len(ds.counties) == 4 and ds.scenario.quota.total == 5000
    expected = load_dataset(REFERENCE).counties.set_index("county_id")
    got = ds.counties.set_index("county_id")
    assert got["urban_pop_2035"].to_dict() == expected.loc[got.index, "urban_pop_2035"].to_dict()


def test_an_unfilled_template_names_every_empty_cell(tmp_path: Path) -> None:
    folder = tmp_path / "new"
    assert runner.invoke(app, ["init", str(folder), "--counties", "2"]).exit_code == 0
    with pytest.raises(DataError) as info:
        load_dataset(folder)
    problems = info.value.problems
    assert {p.row for p in problems if p.file == "counties.csv"} == {2, 3}
    assert any(p.column == "quota.total" and "is required" in p.message for p in problems)
    result = runner.invoke(app, ["check", str(folder)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "counties.csv row 2, column county_id = '': is empty" in result.stderr


def test_init_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("keep me", encoding="utf-8")
    result = runner.invoke(app, ["init", str(folder)])
    assert result.exit_code == 2 and str(folder) in result.stderr
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "keep me"
    a_file = tmp_path / "file.csv"
    a_file.write_text("x", encoding="utf-8")
    assert runner.invoke(app, ["init", str(a_file)]).exit_code == 2
    assert a_file.read_text(encoding="utf-8") == "x"
    assert not list(tmp_path.glob(STAGING_PREFIX + "*"))  # no staging folder left behind


def test_init_fills_an_empty_folder_and_checks_its_options(tmp_path: Path) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    assert runner.invoke(app, ["init", str(folder)]).exit_code == 0
    assert (folder / "counties.csv").exists()
    bad = runner.invoke(app, ["init", str(tmp_path / "x"), "--counties", "0"])
    assert bad.exit_code == 2 and "--counties" in bad.stderr
    assert not (tmp_path / "x").exists()
    lang = runner.invoke(app, ["init", str(tmp_path / "y"), "--lang", "fr"])
    assert lang.exit_code == 2 and not (tmp_path / "y").exists()
    orphan = runner.invoke(app, ["init", str(tmp_path / "no" / "such" / "place")])
    assert orphan.exit_code == 2 and "does not exist" in orphan.stderr
