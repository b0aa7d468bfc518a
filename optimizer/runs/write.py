"""Write a run folder (MODEL.md §5) atomically and safely (docs/runs.md).

All files appear together or none do: they are written into a staging folder
beside the run folder, the marker last, then swapped into place. The swap
replaces only what ``check_target`` allows (a landquota run holding nothing but
its own files), under an advisory lock on the parent folder so two solves
writing the same place never mix, and with Ctrl-C and SIGTERM held back until
the swap is done, so no staging or retired folder is ever left behind.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pandas as pd

from optimizer.analysis.tables import DIAGNOSIS_WORDS_COLUMNS, Result
from optimizer.data.lang import Lang
from optimizer.data.numbers import MU_PER_HA
from optimizer.data.problems import UsageError
from optimizer.reports.labels import AreaUnit
from optimizer.reports.write import write_reports
from optimizer.runs.json_text import to_json
from optimizer.runs.schema import (
    COLUMN_ORDER,
    CSV_DECIMALS,
    MARKER_FILE,
    REPORT_HTML,
    REPORT_XLSX,
    SUMMARY_FILE,
)
from optimizer.runs.target import RunTarget, check_target, describe_files, marker_text

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; solves writing one folder do not take turns
    fcntl = None

#: Signals that stop a write: each removes the staging folder, and none lands mid-swap.
STOP_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)
#: Exit status of a process stopped by signal N, as the shell reports it (128 + N).
SIGNAL_EXIT_BASE = 128
#: Permissions of a new run folder before the umask, as ``mkdir`` gives (rwx for all).
FOLDER_MODE = 0o777
#: Tests only: ``PHASE:SECONDS`` pauses the write at PHASE (``staged``: every file is in
#: the staging folder; ``swap``: the old run is moved aside, the new one not yet in).
PAUSE_ENV = "LANDQUOTA_TEST_PAUSE"


def run_tables(result: Result) -> dict[str, pd.DataFrame]:
    """The CSV files of a run folder, contract columns first (an infeasible run: diagnosis)."""
    if result.counties.empty:
        if result.diagnosis.empty:
            return {}
        # the file's columns (the table also holds how the reports word a cause)
        return {
            "diagnosis.csv": result.diagnosis.drop(columns=DIAGNOSIS_WORDS_COLUMNS, errors="ignore")
        }
    tables = {
        "allocation.csv": result.counties.assign(binding=result.binding_text()),
        "groups.csv": result.groups,
        "flows.csv": result.flows,
        "targets.csv": result.targets,
        "marginals.csv": _with_per_mu(result.marginals),
    }
    if not result.projects.empty:  # key projects (MODEL.md §8), only when the dataset has them
        tables["projects.csv"] = result.projects
    if not result.periods.empty:  # a phased plan (MODEL.md §7), only with [periods]
        tables["allocation_by_period.csv"] = result.periods
    return {name: _ordered(table, COLUMN_ORDER.get(name, ())) for name, table in tables.items()}


def summary_json(result: Result) -> str:
    """summary.json as text (the Summary model; NaN → null)."""
    return to_json(result.summary.model_dump(mode="json"))


def write_run(
    result: Result,
    out_dir: str | Path | RunTarget,
    lang: Lang = Lang.EN,
    area_unit: AreaUnit = AreaUnit.HA,
) -> Path:
    """Write the run folder at ``out_dir``; a UsageError (nothing touched) where that is unsafe.

    ``lang`` and ``area_unit`` are those of report.xlsx and report.html (the CSV and
    JSON files are the same in every language, in ha).

    ``out_dir`` is a path, or the RunTarget ``check_target`` gave before the solve: then
    a run folder that another solve wrote meanwhile is refused too (one that was
    removed meanwhile is simply written). The dataset folder the result was solved
    from is never written over or into.
    """
    planned = out_dir if isinstance(out_dir, RunTarget) else check_target(out_dir, _source(result))

    def fill(staging: Path) -> None:
        # the reports first: the workbook is zipped on a thread while the files are written
        packing = write_reports(
            result, staging / REPORT_XLSX, staging / REPORT_HTML, lang, area_unit
        )
        try:
            for name, table in run_tables(result).items():
                _write_csv(table, staging / name)
            (staging / SUMMARY_FILE).write_text(summary_json(result) + "\n", encoding="utf-8")
        finally:  # nothing may still write into the staging folder when it is removed
            if packing is not None:
                packing.wait()

    return _write_staged(planned, fill, "landquota run while this one was solving")


def write_folder(files: Mapping[str, pd.DataFrame | str], target: RunTarget) -> Path:
    """Write a folder of tables (CSV, rounded as a run's) and texts (UTF-8, as given)
    atomically, with a run folder's safety.

    For folders other than a run's (a sweep's, a synthetic dataset's: ``target.kind``):
    every file goes into a staging folder, the marker of that kind last, and is swapped
    into place under the same lock and checks as ``write_run``, so the folder appears
    whole or not at all and replaces only a landquota folder of the same kind holding
    nothing but its own files.
    """

    def fill(staging: Path) -> None:
        for name, content in files.items():
            if isinstance(content, pd.DataFrame):
                _write_csv(content, staging / name)
            else:  # bytes as given: the same on every system (no newline translation)
                (staging / name).write_bytes(content.encode("utf-8"))

    return _write_staged(target, fill, "landquota command meanwhile")


def _write_staged(target: RunTarget, fill: Callable[[Path], None], meanwhile: str) -> Path:
    """Fill a staging folder beside ``target``, add the marker, swap it into place.

    Under the parent's lock the target is checked again (``meanwhile``: who may have
    written it since it was first checked); any failure or signal removes the staging
    folder, so the folder appears whole or not at all.
    """
    what = target.kind.noun
    try:
        target.real.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise UsageError(f"cannot write {what} {target.path}: {err.strerror}") from None
    with _parent_locked(target.real.parent), _stop_signals_raise():
        now = check_target(target)
        if now.identity is not None and now.identity != target.identity:
            raise UsageError(
                f"{what} {target.path} was written by another {meanwhile}, "
                "so it is not replaced (run again to replace it)"
            )
        staging = Path(tempfile.mkdtemp(prefix=f".{now.real.name}.staging-", dir=now.real.parent))
        try:
            os.chmod(staging, FOLDER_MODE & ~_umask())  # mkdtemp's folder is private (0700)
            fill(staging)
            marker = marker_text(describe_files(staging), target.kind)
            (staging / MARKER_FILE).write_text(marker, "utf-8")
            _pause_for_tests("staged")
            with _stop_signals_deferred():
                _swap_into_place(staging, now.real)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    return target.path


def _source(result: Result) -> Path | None:
    """The dataset folder a result was solved from (None: built in memory, or read back)."""
    f = result.formulation
    return None if f is None else f.dataset.source


def _swap_into_place(staging: Path, out_dir: Path) -> None:
    """Rename the staging folder to ``out_dir``; a previous run there is removed after."""
    if not os.path.lexists(out_dir):
        os.replace(staging, out_dir)
        return
    retired = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old-", dir=out_dir.parent))
    os.replace(out_dir, retired / "run")
    try:
        _pause_for_tests("swap")
        os.replace(staging, out_dir)
    except BaseException:
        os.replace(retired / "run", out_dir)
        raise
    shutil.rmtree(retired, ignore_errors=True)


@contextlib.contextmanager
def _parent_locked(parent: Path) -> Iterator[None]:
    """An advisory lock on the parent folder: writers of one place take turns (no lock file)."""
    if fcntl is None:
        yield
        return
    fd = os.open(parent, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


@contextlib.contextmanager
def _stop_signals_raise() -> Iterator[None]:
    """While writing, a stop signal whose action is to kill raises SystemExit(128 + N) instead,

    so the staging folder is removed on the way out (Ctrl-C already raises
    KeyboardInterrupt). Signal handlers belong to the main thread; elsewhere, no change.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, _frame: object) -> None:
        raise SystemExit(SIGNAL_EXIT_BASE + signum)

    saved = {s: signal.getsignal(s) for s in STOP_SIGNALS}
    for s, handler in saved.items():
        if handler in (signal.SIG_DFL, None):
            signal.signal(s, stop)
    try:
        yield
    finally:
        _restore(saved)


@contextlib.contextmanager
def _stop_signals_deferred() -> Iterator[None]:
    """Stop signals wait until the block is done, then act as they would have.

    Python runs signal handlers in the main thread whichever thread the signal hit,
    so replacing the handlers (not only masking the signals in this thread) is what
    keeps a signal from landing between the two renames of the swap.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    saved = {s: signal.getsignal(s) for s in STOP_SIGNALS}
    for s in STOP_SIGNALS:
        signal.signal(s, lambda signum, _frame: caught.append(signum))
    try:
        yield
    finally:
        _restore(saved)
        for signum in dict.fromkeys(caught):
            signal.raise_signal(signum)


def _restore(saved: dict[int, object]) -> None:
    for s, handler in saved.items():
        signal.signal(s, signal.SIG_DFL if handler is None else handler)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _pause_for_tests(phase: str) -> None:
    """Sleep at ``phase`` when the tests ask for it (PAUSE_ENV), so they can signal us there."""
    name, _, seconds = os.environ.get(PAUSE_ENV, "").partition(":")
    if name == phase:
        time.sleep(float(seconds))


def _with_per_mu(marginals: pd.DataFrame) -> pd.DataFrame:
    """marginals.csv: each price per 亩 too (``per_mu`` = value ÷ 15), right after ``value``."""
    if "value" not in marginals.columns:
        return marginals
    out = marginals.drop(columns="per_mu", errors="ignore")
    out.insert(out.columns.get_loc("value") + 1, "per_mu", out["value"] / MU_PER_HA)
    return out


def _ordered(table: pd.DataFrame, first: tuple[str, ...]) -> pd.DataFrame:
    rest = [c for c in table.columns if c not in first]
    return table.reindex(columns=[*first, *rest])


def _write_csv(table: pd.DataFrame, path: Path) -> None:
    rounded = table.copy()
    numeric = rounded.select_dtypes("number").columns
    rounded[numeric] = rounded[numeric].round(CSV_DECIMALS)
    rounded.to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\n")
