"""Writing a run never loses data (docs/runs.md): what is replaced, what is refused, and when.

Every refusal is checked the same way: the exit code (2 usage, 1 for a bad scenario
name), a message naming the path or key, and the files on disk byte for byte as before.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import selectors
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from optimizer import UsageError, load_dataset, solve
from optimizer.cli.app import EXIT_INTERRUPTED, app
from optimizer.runs import schema
from optimizer.runs.json_text import json_safe, to_json
from optimizer.runs.read import is_run_folder, read_run
from optimizer.runs.target import check_target
from optimizer.runs.write import PAUSE_ENV, write_run

runner = CliRunner()
#: Seconds a test waits for a subprocess to reach a state before it gives up.
WAIT_S = 60


def tree(folder: Path) -> dict[str, bytes | None]:
    """Every file (its bytes) and folder (None) below ``folder``, by relative path."""
    return {
        str(p.relative_to(folder)): (None if p.is_dir() else p.read_bytes())
        for p in sorted(folder.rglob("*"))
    }


def solve_cli(*args: str | Path) -> object:
    return runner.invoke(app, ["solve", *map(str, args)], env={"COLUMNS": "100"})


def assert_complete_run(folder: Path) -> None:
    """``folder`` holds exactly the files its marker lists, each with its size and SHA-256."""
    marker = json.loads((folder / schema.MARKER_FILE).read_text(encoding="utf-8"))
    assert marker["landquota_run"] == schema.MARKER_FORMAT
    assert set(marker["files"]) | {schema.MARKER_FILE} == {p.name for p in folder.iterdir()}
    for name, info in marker["files"].items():
        data = (folder / name).read_bytes()
        assert len(data) == info["bytes"]
        assert hashlib.sha256(data).hexdigest() == info["sha256"]


@pytest.fixture
def run_dir(tmp_path, dataset_dir) -> Path:
    """A run folder ``tmp_path/out/run`` written by `landquota solve` from the tiny dataset."""
    out = tmp_path / "out" / "run"
    assert solve_cli(dataset_dir, "--out", out).exit_code == 0
    return out


# --------------------------------------------------------------------------- 1. marked runs


def test_a_run_folder_carries_a_marker_listing_every_file_it_wrote(run_dir):
    assert_complete_run(run_dir)
    written = {p.name for p in run_dir.iterdir()}
    feasible = set(schema.TABLE_FILES.values()) - {"diagnosis.csv"} - schema.OPTIONAL_TABLE_FILES
    assert written == feasible | {schema.SUMMARY_FILE, schema.MARKER_FILE, *schema.REPORT_FILES}
    assert is_run_folder(run_dir)
    assert read_run(run_dir).counties["county_id"].tolist()[:1] != []


def test_run_folder_is_readable_by_others_like_any_new_folder(run_dir):
    """Staging folders are private (mkdtemp's 0700); the run folder gets mkdir's mode."""
    mask = os.umask(0)
    os.umask(mask)
    assert run_dir.stat().st_mode & 0o777 == 0o777 & ~mask


def test_a_run_replaces_its_own_earlier_run(run_dir, dataset_dir):
    before = (run_dir / "summary.json").read_text(encoding="utf-8")
    result = solve_cli(dataset_dir, "--out", run_dir, "--set", "quota.total=2000")
    assert result.exit_code == 0, result.output
    summary = json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))
    assert summary["scenario"]["quota"]["total"] == 2000 and before != json.dumps(summary)
    assert_complete_run(run_dir)
    assert sorted(p.name for p in run_dir.parent.iterdir()) == ["run"]  # no staging, no .old


def test_what_a_file_manager_leaves_does_not_block_a_rerun(run_dir, dataset_dir):
    (run_dir / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    result = solve_cli(dataset_dir, "--out", run_dir, "--set", "quota.total=2000")
    assert result.exit_code == 0, result.output
    assert_complete_run(run_dir)


def test_a_planners_note_in_a_run_folder_survives(run_dir, dataset_dir):
    (run_dir / "notes.txt").write_text("区县意见：下调清徐县\n", encoding="utf-8")
    before = tree(run_dir.parent)
    result = solve_cli(dataset_dir, "--out", run_dir, "--set", "quota.total=2000")
    assert result.exit_code == 2, result.output
    assert "notes.txt" in result.output and str(run_dir) in result.output
    assert tree(run_dir.parent) == before


def test_an_edited_run_file_is_not_overwritten(run_dir, dataset_dir):
    path = run_dir / "allocation.csv"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))  # saved again by Excel
    before = tree(run_dir.parent)
    result = solve_cli(dataset_dir, "--out", run_dir)
    assert result.exit_code == 2
    assert "allocation.csv was changed" in result.output
    assert tree(run_dir.parent) == before


def test_a_marker_that_does_not_parse_is_not_trusted(run_dir, dataset_dir):
    (run_dir / schema.MARKER_FILE).write_text("{not json", encoding="utf-8")
    before = tree(run_dir.parent)
    result = solve_cli(dataset_dir, "--out", run_dir)
    assert result.exit_code == 2 and schema.MARKER_FILE in result.output
    assert tree(run_dir.parent) == before


@pytest.mark.parametrize("kind", ["file", "runs folder", "empty folder", "other folder"])
def test_anything_else_at_the_path_is_refused_and_untouched(tmp_path, dataset_dir, kind):
    """`--out report.xlsx` (a file) and `--out outputs` (a folder of runs) used to be deleted."""
    path = tmp_path / "report.xlsx"
    if kind == "file":
        path.write_bytes(b"PK\x03\x04 planner's workbook")
    elif kind == "runs folder":
        path = tmp_path / "outputs"
        for name in ("a", "b"):
            assert solve_cli(dataset_dir, "--out", path / name).exit_code == 0
    elif kind == "empty folder":
        path = tmp_path / "new"
        path.mkdir()
    else:
        path = tmp_path / "docs"
        (path / "sub").mkdir(parents=True)
        (path / "sub" / "plan.docx").write_bytes(b"draft")
    before = tree(tmp_path)
    result = solve_cli(dataset_dir, "--out", path)
    assert result.exit_code == 2, result.output
    assert str(path) in result.output and "not a landquota run folder" in result.output
    assert tree(tmp_path) == before


def test_a_symbolic_link_is_not_replaced(run_dir, tmp_path, dataset_dir):
    link = tmp_path / "latest"
    link.symlink_to(run_dir)
    before = tree(tmp_path)
    result = solve_cli(dataset_dir, "--out", link)
    assert result.exit_code == 2 and "symbolic link" in result.output
    assert link.is_symlink() and tree(tmp_path) == before


def _legacy_run(run_dir: Path) -> Path:
    """The run folder as landquota wrote it before the marker existed."""
    (run_dir / schema.MARKER_FILE).unlink()
    return run_dir


def test_a_run_folder_without_marker_is_read_and_replaced_when_it_holds_only_run_files(
    run_dir, dataset_dir
):
    legacy = _legacy_run(run_dir)
    assert is_run_folder(legacy) and read_run(legacy).status.value == "optimal"
    explained = runner.invoke(app, ["explain", str(legacy), "--json"])
    assert explained.exit_code == 0 and json.loads(explained.stdout)
    result = solve_cli(dataset_dir, "--out", legacy)
    assert result.exit_code == 0, result.output
    assert_complete_run(legacy)  # it is marked now


def test_a_run_folder_without_marker_holding_other_files_is_refused(run_dir, dataset_dir):
    legacy = _legacy_run(run_dir)
    (legacy / "map.png").write_bytes(b"\x89PNG")
    before = tree(legacy.parent)
    result = solve_cli(dataset_dir, "--out", legacy)
    assert result.exit_code == 2 and "map.png" in result.output
    assert tree(legacy.parent) == before


def test_a_folder_with_a_foreign_summary_json_is_not_a_run(tmp_path, dataset_dir):
    folder = tmp_path / "web"
    folder.mkdir()
    (folder / "summary.json").write_text('{"title": "not ours"}', encoding="utf-8")
    before = tree(tmp_path)
    assert solve_cli(dataset_dir, "--out", folder).exit_code == 2
    assert tree(tmp_path) == before


# --------------------------------------------------------------------------- 2. the dataset


def test_solve_out_the_dataset_folder_refuses_and_leaves_the_dataset_intact(dataset_dir):
    (dataset_dir / "notes.md").write_text("口径说明\n", encoding="utf-8")
    before = tree(dataset_dir)
    result = solve_cli(dataset_dir, "--out", dataset_dir)
    assert result.exit_code == 2, result.output
    assert "is the dataset folder" in result.output and str(dataset_dir) in result.output
    assert tree(dataset_dir) == before
    assert sorted(os.listdir(dataset_dir.parent)) == [dataset_dir.name]


@pytest.mark.parametrize("where", ["inside", "holding", "link to it", "dataset via link"])
def test_out_inside_holding_or_linked_to_the_dataset_is_refused(tmp_path, dataset_dir, where):
    data, out = dataset_dir, None
    if where == "inside":
        out = dataset_dir / "outputs" / "run"
    elif where == "holding":
        out = tmp_path
    elif where == "link to it":
        out = tmp_path / "alias"
        out.symlink_to(dataset_dir)
    else:
        data = tmp_path / "alias"
        data.symlink_to(dataset_dir)
        out = dataset_dir
    before = tree(tmp_path)
    result = solve_cli(data, "--out", out)
    assert result.exit_code == 2, result.output
    assert str(out) in result.output
    assert tree(tmp_path) == before


# --------------------------------------------------------------------------- 3. names


@pytest.mark.parametrize("name", ["../precious", "a/b", "a\\b", "..", ".", "", " "])
@pytest.mark.parametrize("how", ["scenario.toml", "--name", "--set"])
def test_a_scenario_name_cannot_leave_outputs(tmp_path, dataset_dir, monkeypatch, name, how):
    monkeypatch.chdir(tmp_path)
    if how == "scenario.toml":
        toml = dataset_dir / "scenario.toml"
        toml.write_text(f"[scenario]\nname = {json.dumps(name)}\n\n" + toml.read_text("utf-8"))
        args = []
    else:
        args = ["--name", name] if how == "--name" else ["--set", f"scenario.name={name}"]
    before = tree(tmp_path)
    result = solve_cli(dataset_dir, *args)
    assert result.exit_code == 1, result.output
    assert "scenario.name" in result.output
    assert f"{how}, key scenario.name" in result.output  # the file or option it came from
    assert "must not" in result.output and "outputs/" in result.output
    if name.strip():
        assert repr(name) in result.output or name in result.output
    assert tree(tmp_path) == before  # no outputs/, nothing beside it


def test_names_that_are_one_folder_are_fine(tmp_path, dataset_dir, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = solve_cli(dataset_dir, "--name", "低配额 v1.2...")
    assert result.exit_code == 0, result.output
    assert_complete_run(tmp_path / "outputs" / "低配额 v1.2...")


# --------------------------------------------------------------------------- 4. before the solve


@pytest.fixture
def no_solve(monkeypatch):
    """Any solve fails the test: the problem must be found before solving."""

    def refuse(*args, **kwargs):
        raise AssertionError("the solver ran although the output path was unusable")

    monkeypatch.setattr(sys.modules["optimizer.solve"], "solve", refuse)


def _read_only_place(tmp_path: Path) -> Path:
    if os.geteuid() != 0:
        locked = tmp_path / "locked"
        locked.mkdir()
        locked.chmod(0o555)
        return locked / "run"
    if not Path("/sys").is_dir():  # root may write anywhere but in the kernel's folders
        pytest.skip("no read-only place for root on this system")
    return Path("/sys/landquota-run")


@pytest.mark.parametrize("case", ["read-only", "parent is a file", "empty", "existing file"])
def test_output_problems_are_found_before_solving(tmp_path, dataset_dir, no_solve, case):
    if case == "read-only":
        out, says = str(_read_only_place(tmp_path)), "not writable"
    elif case == "parent is a file":
        (tmp_path / "a.txt").write_text("x", encoding="utf-8")
        out, says = str(tmp_path / "a.txt" / "run"), "is a file, not a folder"
    elif case == "empty":
        out, says = "", "path is empty"
    else:
        (tmp_path / "old.csv").write_text("x", encoding="utf-8")
        out, says = str(tmp_path / "old.csv"), "is a file, not a landquota run folder"
    before = tree(tmp_path)
    result = solve_cli(dataset_dir, "--out", out)
    assert result.exit_code == 2, result.output
    assert says in result.output and "internal error" not in result.output
    assert out in result.output
    assert tree(tmp_path) == before


@pytest.fixture(scope="module")
def tiny_result(tmp_path_factory):
    """A solved Result of the tiny dataset (its source folder is known to write_run)."""
    from conftest import COUNTIES_CSV, GROUPS_CSV, MEMBERS_CSV, SCENARIO_TOML

    folder = tmp_path_factory.mktemp("ds") / "tiny"
    folder.mkdir()
    for name, text in [
        ("counties.csv", COUNTIES_CSV),
        ("groups.csv", GROUPS_CSV),
        ("group_members.csv", MEMBERS_CSV),
        ("scenario.toml", SCENARIO_TOML),
    ]:
        (folder / name).write_text(text, encoding="utf-8")
    return solve(load_dataset(folder)), folder


def test_the_python_api_refuses_the_same_things(tmp_path, tiny_result):
    result, dataset = tiny_result
    (tmp_path / "report.xlsx").write_bytes(b"workbook")
    (tmp_path / "outputs" / "x").mkdir(parents=True)
    (tmp_path / "outputs" / "x" / "a.csv").write_text("1", encoding="utf-8")
    before = tree(tmp_path)
    for path, says in [
        (tmp_path / "report.xlsx", "is a file"),
        (tmp_path / "outputs", "not a landquota run folder"),
        (tmp_path / "report.xlsx" / "run", "is a file, not a folder"),
        (dataset, "is the dataset folder"),
        (dataset / "runs" / "a", "inside the dataset folder"),
        ("", "path is empty"),
    ]:
        with pytest.raises(UsageError, match=says):
            write_run(result, path)
    assert tree(tmp_path) == before
    assert write_run(result, tmp_path / "ok") == tmp_path / "ok"
    assert_complete_run(tmp_path / "ok")


def test_write_run_checks_again_what_was_checked_before_the_solve(tmp_path, tiny_result):
    """A note that appears at the path during the solve is found at the write."""
    result, dataset = tiny_result
    target = check_target(tmp_path / "run", dataset)
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / "note.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(UsageError, match="not a landquota run folder"):
        write_run(result, target)
    assert tree(tmp_path) == {"run": None, "run/note.txt": b"mine"}


def test_a_run_written_meanwhile_by_another_solve_is_not_replaced(tmp_path, tiny_result):
    result, dataset = tiny_result
    target = check_target(tmp_path / "run", dataset)  # nothing there before the solve
    write_run(result, tmp_path / "run")  # another solve wrote it meanwhile
    before = tree(tmp_path)
    with pytest.raises(UsageError, match="written by another landquota run"):
        write_run(result, target)
    assert tree(tmp_path) == before


def test_a_run_removed_or_browsed_meanwhile_is_simply_written(tmp_path, tiny_result):
    result, dataset = tiny_result
    write_run(result, tmp_path / "a")
    write_run(result, tmp_path / "b")
    removed, browsed = check_target(tmp_path / "a", dataset), check_target(tmp_path / "b", dataset)
    for p in (tmp_path / "a").iterdir():
        p.unlink()
    (tmp_path / "a").rmdir()
    (tmp_path / "b" / ".DS_Store").write_bytes(b"Bud1")  # Finder looked at it
    write_run(result, removed)
    write_run(result, browsed)
    for name in ("a", "b"):
        assert_complete_run(tmp_path / name)


# --------------------------------------------------------------------------- 5. signals, races


def _start_solve(dataset: Path, out: Path, *extra: str, pause: str | None = None):
    env = {**os.environ, "COLUMNS": "100"}
    env.pop(PAUSE_ENV, None)
    if pause:
        env[PAUSE_ENV] = pause
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "optimizer.cli.app",
            "solve",
            str(dataset),
            "--out",
            str(out),
            *extra,
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # a test runner started in the background may ignore SIGINT; the child must not
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


def _wait_for(condition, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + WAIT_S
    while not condition():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the subprocess never got there"
        time.sleep(0.02)


def _staged(parent: Path) -> bool:
    return any((p / schema.MARKER_FILE).exists() for p in parent.glob(".*.staging-*"))


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_while_writing_leaves_the_old_run_and_no_debris(
    run_dir, dataset_dir, signum, code
):
    before = tree(run_dir.parent)
    proc = _start_solve(
        dataset_dir, run_dir, "--set", "quota.total=2000", pause="staged:" + str(WAIT_S)
    )
    _wait_for(lambda: _staged(run_dir.parent), proc)
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=WAIT_S)
    assert proc.returncode == code, err
    assert tree(run_dir.parent) == before


def test_a_signal_during_the_swap_waits_until_the_new_run_is_whole(run_dir, dataset_dir):
    old = (run_dir / "summary.json").read_bytes()
    proc = _start_solve(dataset_dir, run_dir, "--set", "quota.total=2000", pause="swap:1")
    parent = run_dir.parent
    _wait_for(lambda: any(parent.glob(".run.old-*")) and not run_dir.exists(), proc)
    proc.send_signal(signal.SIGTERM)  # between the two renames: the old run is aside
    _, err = proc.communicate(timeout=WAIT_S)
    assert proc.returncode == 143, err
    assert sorted(os.listdir(parent)) == ["run"]
    assert_complete_run(run_dir)
    assert (run_dir / "summary.json").read_bytes() != old


def test_two_solves_writing_one_folder_one_wins_whole(tmp_path, dataset_dir):
    out = tmp_path / "runs" / "same"
    first = _start_solve(dataset_dir, out, pause="staged:5")
    _wait_for(lambda: out.parent.is_dir() and _staged(out.parent), first)
    second = _start_solve(dataset_dir, out, "--set", "quota.total=2000")
    _, err2 = second.communicate(timeout=WAIT_S)
    _, err1 = first.communicate(timeout=WAIT_S)
    assert first.returncode == 0, err1
    assert second.returncode == 2, err2
    assert "written by another landquota run" in err2 and str(out) in err2
    assert sorted(os.listdir(out.parent)) == ["same"]
    assert_complete_run(out)
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["scenario"]["quota"]["total"] == 3000  # the first one's run, whole


# --------------------------------------------------------------------------- 6. Ctrl-C in HiGHS

#: A township-scale dataset: HiGHS's interior point needs ~20 s on it (docs/performance.md).
LONG_SOLVE = ("--counties", "40000", "--cities", "300", "--scope", "city")
#: Seconds after "solving…" by which reading and building are surely over (~0.3 s).
INTO_THE_SOLVE_S = 1.5
#: Seconds Ctrl-C may take to stop the solve and exit: measured 0.3 s for interior point,
#: 2.05 s for PDLP (which ignores the cancel: the process ends after CANCEL_WAIT_S); the
#: slack is for a loaded machine, where the solver reaches its interrupt check later.
STOP_WITHIN_S = 5.0


@pytest.fixture(scope="module")
def township(tmp_path_factory) -> Path:
    dataset = tmp_path_factory.mktemp("long") / "township"
    assert runner.invoke(app, ["synth", str(dataset), *LONG_SOLVE]).exit_code == 0
    return dataset


@pytest.mark.parametrize("solver", ["auto", "pdlp"])
def test_ctrl_c_stops_a_long_highs_solve_at_once_and_writes_nothing(tmp_path, township, solver):
    """Interior point stops at its next interrupt check; PDLP never checks, so the process
    ends without waiting for it, and without HiGHS's thread clean-up aborting (exit −6)."""
    dataset = township
    before = tree(tmp_path)
    args = ("--backend", "highs", "--solver", solver, "--json")
    proc = _start_solve(dataset, tmp_path / "run", *args)
    early = b""
    with selectors.DefaultSelector() as sel:
        sel.register(proc.stderr, selectors.EVENT_READ)
        while b"solving" not in early:
            assert sel.select(timeout=WAIT_S), "no 'solving' line on stderr"
            chunk = os.read(proc.stderr.fileno(), 4096)
            assert chunk, f"the solve ended early: {early!r}"
            early += chunk
    time.sleep(INTO_THE_SOLVE_S)
    assert proc.poll() is None, "the solve was over before Ctrl-C"
    sent = time.monotonic()
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=WAIT_S)
    stopped = time.monotonic() - sent
    assert proc.returncode == EXIT_INTERRUPTED == 130, err
    assert "interrupted" in err and out == ""
    assert stopped < STOP_WITHIN_S, f"Ctrl-C took {stopped:.1f} s"
    assert tree(tmp_path) == before


def test_highs_solves_in_threads_still_run_side_by_side(tiny_result):
    """The Ctrl-C machinery is the main thread's: API users solving in threads keep working."""
    from concurrent.futures import ThreadPoolExecutor

    _, dataset = tiny_result
    ds = load_dataset(dataset)
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: solve(ds, backend="highs"), range(8)))
    assert {r.status.value for r in results} == {"optimal"}
    assert len({round(r.objective, 9) for r in results}) == 1


# --------------------------------------------------------------------------- 7. --time-limit


@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf"])
@pytest.mark.parametrize("command", ["solve", "bench"])
def test_time_limit_must_be_a_positive_number(tmp_path, dataset_dir, no_solve, command, value):
    args = ["solve", str(dataset_dir), "--out", str(tmp_path / "r")]
    if command == "bench":
        args = ["bench", "--dataset", str(dataset_dir)]
    result = runner.invoke(app, [*args, "--time-limit", value])
    assert result.exit_code == 2, result.output
    assert "--time-limit must be a positive number" in result.output
    assert not (tmp_path / "r").exists()


# --------------------------------------------------------------------------- 8. JSON


def test_json_text_is_valid_json_without_nan_and_keeps_chinese():
    value = {
        "name": "小店区",
        "gini": float("nan"),
        "cap": np.float64(np.inf),
        "n": np.int64(3),
        "ok": np.bool_(True),
        "prices": [1.5, float("nan")] * 20,  # a long list: one item per line
        "array": np.array([1.0, np.nan]),
    }
    text = to_json(value)
    reject = {"parse_constant": lambda c: pytest.fail(f"{c} in JSON")}
    assert json.loads(text, **reject) == json_safe(value)
    assert json_safe(value)["gini"] is None and json_safe(value)["array"] == [1.0, None]
    assert "小店区" in text and json.loads(text)["n"] == 3
    assert len(text.splitlines()) > 40  # long lists are not squeezed onto one line
    assert math.isnan(value["gini"])  # the input is not changed


@pytest.mark.parametrize(
    "odd",
    [None, "\x00landquota: end of item\x00", ["x", "\x00landquota: end of item\x00", "y"]],
    ids=["plain", "the-marker-as-an-item", "the-marker-inside-an-item"],
)
def test_a_long_list_is_written_one_item_per_line_as_each_item_alone(odd):
    """Long lists are encoded in one call and cut at a marker text: whatever the items
    hold (the marker itself included), each line is the item as json.dumps writes it."""
    from optimizer.runs import json_text

    items = [{"id": "甲, b", "v": 1.5, "l": [1, "a, b"]}, 'q"uote, x', None, [], {}] * 6
    if odd is not None:
        items[7] = odd
    lines = to_json({"items": items}).splitlines()[2:-2]
    assert [line.strip().removesuffix(",") for line in lines] == [
        json_text._compact(json_safe(item)) for item in items
    ]


@pytest.mark.parametrize("command", ["check", "solve", "explain", "compare"])
def test_every_command_prints_strict_json(tmp_path, run_dir, dataset_dir, command):
    args = {
        "check": ["check", str(dataset_dir)],
        "solve": ["solve", str(dataset_dir), "--out", str(tmp_path / "again")],
        "explain": ["explain", str(run_dir)],
        "compare": ["compare", str(run_dir), str(run_dir)],
    }[command]
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    json.loads(result.stdout, parse_constant=lambda c: pytest.fail(f"{c} in {command}"))


# --------------------------------------------------------------------------- 9-10. schema


def test_files_and_columns_come_from_the_schema(run_dir):
    import pandas as pd

    for name, columns in schema.COLUMN_ORDER.items():
        if name in schema.OPTIONAL_TABLE_FILES:  # this dataset has no key projects
            continue
        header = pd.read_csv(run_dir / name, nrows=0, encoding="utf-8-sig").columns
        assert tuple(header[: len(columns)]) == columns
    back = read_run(run_dir)
    assert "012345" in set(back.counties["county_id"])  # a text column keeps its zero


def test_an_infeasible_run_follows_the_same_rules(run_dir, dataset_dir, tmp_path):
    infeasible = ("--set", "quota.total=100", "--set", "linkage.scope=none")
    result = solve_cli(dataset_dir, "--out", run_dir, *infeasible)
    assert result.exit_code == 4, result.output
    assert {p.name for p in run_dir.iterdir()} == {
        "diagnosis.csv",
        schema.SUMMARY_FILE,
        schema.MARKER_FILE,
        *schema.REPORT_FILES,
    }
    assert_complete_run(run_dir)
    (run_dir / "notes.txt").write_text("why?", encoding="utf-8")
    before = tree(tmp_path)
    result = solve_cli(dataset_dir, "--out", run_dir, *infeasible)
    assert result.exit_code == 2 and "notes.txt" in result.output
    assert tree(tmp_path) == before
