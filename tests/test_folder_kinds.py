"""Each command replaces only a folder of its own kind (docs/runs.md, docs/sweeps.md).

A run, a sweep and a synthetic dataset carry the same marker, whose ``kind`` says which
command wrote the folder. Every refusal is checked the same way: exit 2, a message
naming the path and what is there, and every file below the parent folder with the
same bytes and modification time as before (and no staging folder left behind).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from optimizer import UsageError
from optimizer.cli.app import EXIT_USAGE, app
from optimizer.data.synth import synthetic_files
from optimizer.runs import schema
from optimizer.runs.synth import write_synthetic
from optimizer.sweep.store import partial_path

runner = CliRunner()
REFERENCE = Path(__file__).resolve().parent.parent / "inputs" / "shanxi-central"
#: Counties of the synthetic datasets written here (small: each is written in milliseconds).
SYNTH_COUNTIES = "40"


def snapshot(folder: Path) -> dict[str, tuple[bytes | None, int]]:
    """Every file (bytes) and folder (None) below ``folder`` with its mtime, by relative path."""
    return {
        str(p.relative_to(folder)): (None if p.is_dir() else p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
    }


def invoke(*args: str | Path):
    return runner.invoke(app, [str(a) for a in args], env={"COLUMNS": "100"})


def marker_kind(folder: Path) -> str:
    return json.loads((folder / schema.MARKER_FILE).read_text(encoding="utf-8"))["kind"]


def assert_refused(result, path: Path, *words: str) -> None:
    assert result.exit_code == EXIT_USAGE, result.output
    assert str(path) in result.stderr and "Traceback" not in result.output
    for word in words:
        assert word in result.stderr, result.stderr


@pytest.fixture
def folders(tmp_path: Path, dataset_dir: Path) -> dict[str, Path]:
    """One folder of each kind under ``tmp_path/work``: a run, a sweep, a synthetic dataset
    (each written by its command), and a real dataset (a copy of the tiny one)."""
    work = tmp_path / "work"
    made = {
        "run": work / "run",
        "sweep": work / "sweep",
        "synth": work / "synth",
        "dataset": work / "dataset",
    }
    assert invoke("solve", dataset_dir, "--out", made["run"], "--json").exit_code == 0
    sweep = invoke("sweep", dataset_dir, "--grid", "quota.total=2000,3000", "--out", made["sweep"])
    assert sweep.exit_code == 0, sweep.output
    assert invoke("synth", made["synth"], "--counties", SYNTH_COUNTIES).exit_code == 0
    shutil.copytree(dataset_dir, made["dataset"])
    return made


def test_every_marker_names_the_kind_of_its_folder(folders):
    assert [marker_kind(folders[k]) for k in ("run", "sweep", "synth")] == ["run", "sweep", "synth"]
    assert not (folders["dataset"] / schema.MARKER_FILE).exists()


@pytest.mark.parametrize(
    ("command", "other", "says"),
    [
        ("solve", "sweep", "is a landquota sweep folder, not a run folder"),
        ("solve", "synth", "is a landquota synthetic dataset folder, not a run folder"),
        ("solve", "dataset", "a dataset folder: it holds counties.csv"),
        ("sweep", "run", "is a landquota run folder, not a sweep folder"),
        ("sweep", "synth", "is a landquota synthetic dataset folder, not a sweep folder"),
        ("sweep", "dataset", "a dataset folder: it holds counties.csv"),
        ("synth", "run", "is a landquota run folder, not a synthetic dataset folder"),
        ("synth", "sweep", "is a landquota sweep folder, not a synthetic dataset folder"),
        ("synth", "dataset", "a dataset folder: it holds counties.csv"),
    ],
)
def test_a_command_refuses_a_folder_of_another_kind_and_leaves_it_as_it_was(
    folders, dataset_dir, command, other, says
):
    """`solve --out SWEEP` used to replace the sweep; `synth DATASET` overwrote its CSVs."""
    path = folders[other]
    before = snapshot(path.parent)
    if command == "synth":
        result = invoke("synth", path, "--counties", SYNTH_COUNTIES)
    elif command == "sweep":
        result = invoke("sweep", dataset_dir, "--grid", "quota.total=2000", "--out", path)
    else:
        result = invoke("solve", dataset_dir, "--out", path)
    assert_refused(result, path, says)
    assert snapshot(path.parent) == before  # nothing touched, no staging or resume area
    assert not partial_path(path).exists()


def test_synth_replaces_its_own_earlier_dataset(folders):
    path = folders["synth"]
    assert invoke("synth", path, "--counties", "60", "--seed", "3").exit_code == 0
    assert marker_kind(path) == "synth"
    expected = synthetic_files(60, seed=3)
    assert {p.name for p in path.iterdir()} == {*expected, schema.MARKER_FILE}
    for name, text in expected.items():
        assert (path / name).read_bytes() == text.encode("utf-8")
    assert [p.name for p in path.parent.iterdir() if p.name.startswith(".")] == []


@pytest.mark.parametrize("change", ["edited counties.csv", "added notes.txt"])
def test_synth_refuses_its_own_dataset_once_a_planner_changed_it(folders, change):
    path = folders["synth"]
    if change == "edited counties.csv":
        counties = path / "counties.csv"
        counties.write_bytes(counties.read_bytes().replace(b"urban", b"ecological", 1))
        says = "counties.csv was changed after landquota wrote it"
    else:
        (path / "notes.txt").write_text("my notes", encoding="utf-8")
        says = "holds notes.txt, which landquota did not write there"
    before = snapshot(path.parent)
    assert_refused(invoke("synth", path, "--counties", SYNTH_COUNTIES), path, says)
    assert snapshot(path.parent) == before


def test_synth_fills_an_empty_folder_and_refuses_a_file(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert invoke("synth", empty, "--counties", SYNTH_COUNTIES).exit_code == 0
    assert marker_kind(empty) == "synth" and (empty / "counties.csv").is_file()
    a_file = tmp_path / "plan.csv"
    a_file.write_text("mine", encoding="utf-8")
    before = snapshot(tmp_path)
    assert_refused(invoke("synth", a_file), a_file, "is a file")
    assert snapshot(tmp_path) == before


def test_the_python_api_of_synth_refuses_the_same(folders):
    before = snapshot(folders["dataset"].parent)
    with pytest.raises(UsageError, match="dataset folder"):
        write_synthetic(folders["dataset"], 40)
    with pytest.raises(UsageError, match="not a synthetic dataset folder"):
        write_synthetic(folders["run"], 40)
    assert snapshot(folders["dataset"].parent) == before


def _as_before_kinds(folder: Path) -> Path:
    """The folder with its marker as landquota wrote it before markers had a ``kind``."""
    marker = folder / schema.MARKER_FILE
    old = json.loads(marker.read_text(encoding="utf-8"))
    del old["kind"]
    marker.write_text(json.dumps(old), encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("kind", "refused_by", "replace"),
    [
        ("sweep", ("solve", "{dataset}", "--out", "{path}"), "sweep"),
        ("run", ("synth", "{path}"), "solve"),
    ],
)
def test_a_marker_written_before_kinds_keeps_its_kind(
    folders, dataset_dir, kind, refused_by, replace
):
    """A marker without ``kind`` is a run's when it lists only run files, else a sweep's:
    the other commands refuse it, its own replaces it (and marks its kind)."""
    path = _as_before_kinds(folders[kind])
    before = snapshot(path.parent)
    args = [a.format(dataset=dataset_dir, path=path) for a in refused_by]
    assert_refused(invoke(*args), path, f"is a landquota {kind} folder")
    assert snapshot(path.parent) == before
    if kind == "sweep":
        result = invoke("sweep", dataset_dir, "--grid", "quota.total=2000,3000", "--out", path)
    else:
        result = invoke("solve", dataset_dir, "--out", path, "--json")
    assert result.exit_code == 0, result.output
    assert marker_kind(path) == kind


@pytest.mark.parametrize("kind", ["run", "sweep", "synth"])
def test_init_never_writes_into_a_folder_landquota_made(folders, kind):
    path = folders[kind]
    before = snapshot(path.parent)
    assert_refused(invoke("init", path), path, "not empty")
    assert snapshot(path.parent) == before


def test_a_marker_of_an_unknown_kind_is_not_trusted(folders, dataset_dir):
    path = folders["run"]
    marker = path / schema.MARKER_FILE
    data = json.loads(marker.read_text(encoding="utf-8"))
    marker.write_text(json.dumps({**data, "kind": "atlas"}), encoding="utf-8")
    before = snapshot(path.parent)
    assert_refused(invoke("solve", dataset_dir, "--out", path), path, "is not a marker")
    assert snapshot(path.parent) == before


@pytest.mark.parametrize("command", ["explain", "compare"])
def test_explain_and_compare_name_a_sweep_folder_for_what_it_is(folders, command):
    """They used to fail on its summary.json ("not a landquota summary (status: …)")."""
    sweep, run = folders["sweep"], folders["run"]
    args = [sweep] if command == "explain" else [sweep, run]
    assert_refused(invoke(command, *args), sweep, "is a landquota sweep folder, not a run folder")
