"""Where a run (or a sweep, or a synthetic dataset) may be written (docs/runs.md): checked
before the work starts, and again before the swap.

A run replaces only a folder that is certainly a landquota run and holds nothing
but what that run wrote: its marker (``landquota-run.json``) lists every file with
size and SHA-256, so a planner's added note or an edited CSV is found and the
folder is refused, naming the file. The marker's ``kind`` says which command wrote
the folder, and each command replaces only its own kind: a run never replaces a
sweep folder or a synthetic dataset, nor they a run. Anything else at the path (a
dataset, a folder of runs, a spreadsheet, a symbolic link) is refused with a
UsageError; so is a path equal to, inside or holding the dataset folder, and a
place that cannot be written.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

from optimizer.data.problems import UsageError
from optimizer.runs.json_text import to_json
from optimizer.runs.schema import (
    FILE_MANAGER_FILES,
    FOLDER_KINDS,
    MARKER_FILE,
    MARKER_FORMAT,
    RUN,
    RUN_FILES,
    SUMMARY_FILE,
    SWEEP,
    FolderKind,
)

#: Keys a summary.json of any landquota version has (how a pre-marker run folder is told).
SUMMARY_KEYS = frozenset({"status", "backend", "scenario"})
#: Prefix of the empty folder made (and removed at once) to prove a place is writable.
PROBE_PREFIX = ".landquota-probe-"
#: The file that makes a folder a dataset (MODEL.md §2): named when such a folder is refused.
DATASET_FILE = "counties.csv"
#: What ``RunTarget.previous`` says besides a kind's name: nothing there, an empty folder
#: (filled as a new one where the kind allows), a run written before the marker existed.
NOTHING, EMPTY, LEGACY_RUN = "nothing", "empty folder", "run without marker"


@dataclass(frozen=True)
class RunTarget:
    """A path a folder of ``kind`` (a run, unless told) may be written to, and what was
    there when it was checked.

    ``previous`` is NOTHING, EMPTY, LEGACY_RUN or the kind's name (an earlier folder
    of that kind). ``identity`` (device and inode of the folder, SHA-256 of its marker
    or, without one, of its summary.json; None when nothing was there) lets the write
    see that another command wrote the folder between the first check and the write.
    A file manager's ``.DS_Store`` appearing meanwhile does not count.
    """

    path: Path
    real: Path
    dataset_folder: Path | None
    previous: str
    identity: tuple[int, int, str] | None
    kind: FolderKind = RUN


def check_target(
    path: str | Path | RunTarget,
    dataset_folder: str | Path | None = None,
    kind: FolderKind = RUN,
) -> RunTarget:
    """The RunTarget for a folder of ``kind`` at ``path``, or a UsageError naming the path
    and why it is refused.

    Touches nothing on disk except a probe folder, made and removed at once in the
    nearest existing folder, that proves the place is writable.
    """
    if isinstance(path, RunTarget):
        return check_target(path.path, path.dataset_folder, path.kind)
    text = os.fspath(path)
    if not text.strip():
        raise UsageError(f"the {kind.noun} path is empty: give a folder, e.g. outputs/NAME")
    shown = Path(text)
    absolute = Path(os.path.abspath(shown))
    if absolute.parent == absolute:
        raise UsageError(f"{kind.noun} {shown} is the root of the file system")
    # symbolic links in the parents are resolved; the last part is looked at as it is
    real = absolute.parent.resolve() / absolute.name
    dataset = Path(dataset_folder).resolve() if dataset_folder is not None else None
    if dataset is not None:
        _refuse_dataset(shown, real.resolve(), dataset, kind)
    _refuse_unwritable(shown, real.parent, kind)
    try:
        st = os.lstat(real)
    except FileNotFoundError:
        return RunTarget(shown, real, dataset, NOTHING, None, kind)
    except OSError as err:
        raise UsageError(f"{kind.noun} {shown}: cannot be looked at ({err.strerror})") from None
    if stat.S_ISLNK(st.st_mode):
        raise UsageError(
            f"{kind.noun} {shown} is a symbolic link: landquota does not replace it "
            "(give the folder it points to, or a new path)"
        )
    if not stat.S_ISDIR(st.st_mode):
        raise UsageError(
            f"{shown} exists and is a file, not a landquota {kind.noun}: landquota replaces "
            f"only its own {kind.noun}s (choose another path, or move the file)"
        )
    previous = _previous(real, shown, kind)
    stamp = (
        ""
        if previous == EMPTY
        else _sha256(real / (SUMMARY_FILE if previous == LEGACY_RUN else MARKER_FILE))
    )
    return RunTarget(shown, real, dataset, previous, (st.st_dev, st.st_ino, stamp), kind)


def marked_kind(folder: Path) -> FolderKind | None:
    """The kind a folder's marker names (None: no marker, or one landquota did not write)."""
    try:
        return _read_marker(Path(folder) / MARKER_FILE, Path(folder))[0]
    except UsageError:
        return None


def describe_files(folder: Path) -> dict[str, dict[str, int | str]]:
    """File name → size in bytes and SHA-256 of every file in ``folder`` (sorted by name)."""
    return {
        p.name: {"bytes": p.stat().st_size, "sha256": _sha256(p)}
        for p in sorted(folder.iterdir())
        if p.is_file()
    }


def marker_text(files: dict[str, dict[str, int | str]], kind: FolderKind = RUN) -> str:
    """The marker file's content: this is a landquota folder of ``kind`` (a run, a sweep, a
    synthetic dataset), and these are the files it wrote."""
    return to_json({"landquota_run": MARKER_FORMAT, "kind": kind.name, "files": files}) + "\n"


# --------------------------------------------------------------------------- the checks


def _refuse_dataset(shown: Path, real: Path, dataset: Path, kind: FolderKind) -> None:
    if real == dataset:
        where = "is the dataset folder"
    elif real.is_relative_to(dataset):
        where = f"is inside the dataset folder {dataset}"
    elif dataset.is_relative_to(real):
        where = f"holds the dataset folder {dataset}"
    else:
        return
    raise UsageError(
        f"{kind.noun} {shown} {where}: landquota never writes over or into the dataset it "
        "reads (give --out a folder outside the dataset, e.g. outputs/NAME)"
    )


def _refuse_unwritable(shown: Path, parent: Path, kind: FolderKind) -> None:
    """The nearest existing folder above the target must be a folder one can write in."""
    here = parent
    while not os.path.lexists(here) and here.parent != here:
        here = here.parent
    if not here.is_dir():
        raise UsageError(f"cannot write {kind.noun} {shown}: {here} is a file, not a folder")
    try:
        os.rmdir(tempfile.mkdtemp(prefix=PROBE_PREFIX, dir=here))
    except OSError as err:
        raise UsageError(
            f"cannot write {kind.noun} {shown}: {here} is not writable ({err.strerror})"
        ) from None


def _previous(folder: Path, shown: Path, kind: FolderKind) -> str:
    """What of ``kind`` the existing ``folder`` holds, or a UsageError naming what is there."""
    entries = sorted(set(os.listdir(folder)) - FILE_MANAGER_FILES)
    if MARKER_FILE in entries:
        found, listed = _read_marker(folder / MARKER_FILE, shown)
        if found != kind:
            raise UsageError(
                f"{shown} is a landquota {found.noun}, not a {kind.noun}: landquota replaces "
                "a folder only with one of its own kind (choose another path)"
            )
        _refuse_extra(shown, [e for e in entries if e != MARKER_FILE and e not in listed], kind)
        for name in entries:
            if name != MARKER_FILE:
                _refuse_changed(folder / name, shown, listed[name], kind)
        return kind.name
    legacy_run = SUMMARY_FILE in entries and _is_summary(folder / SUMMARY_FILE)
    if legacy_run and kind == RUN:
        _refuse_extra(
            shown,
            [e for e in entries if e not in RUN_FILES or not _is_plain_file(folder / e)],
            kind,
        )
        return LEGACY_RUN
    if not entries and kind.empty_is_new:
        return EMPTY
    if not entries:
        what = "an empty folder"
    elif legacy_run:
        what = "a landquota run folder written before the marker existed"
    elif DATASET_FILE in entries:
        what = f"a dataset folder: it holds {DATASET_FILE}"
    else:
        what = f"it has no {MARKER_FILE}"
    raise UsageError(
        f"{shown} exists and is not a landquota {kind.noun} ({what}): landquota replaces "
        f"only its own {kind.noun}s ("
        + ("remove it, or choose another path)" if not entries else "choose another path)")
    )


def _read_marker(path: Path, shown: Path) -> tuple[FolderKind, dict[str, dict]]:
    """The kind and the files a marker lists; a UsageError when it is not a marker of ours.

    A marker written before kinds existed is a run's when it lists only run files, and
    else a sweep's (the only other folder landquota marked then).
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        files = data.get("files")
        ok = data.get("landquota_run") == MARKER_FORMAT and isinstance(files, dict)
        legacy = RUN if ok and files.keys() <= RUN_FILES else SWEEP
        name = data.get("kind", legacy.name)
        ok = ok and isinstance(name, str) and name in FOLDER_KINDS
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, AttributeError):
        ok = False
    if not ok:
        raise UsageError(
            f"{shown}: {MARKER_FILE} is not a marker this landquota wrote, so the folder "
            "is not replaced (choose another path)"
        )
    return FOLDER_KINDS[name], files


def _refuse_extra(shown: Path, extra: list[str], kind: FolderKind) -> None:
    if not extra:
        return
    more = f" (and {len(extra) - 1} more)" if len(extra) > 1 else ""
    raise UsageError(
        f"{kind.noun} {shown} holds {extra[0]}{more}, which landquota did not write there: "
        f"landquota replaces a {kind.noun} only when it holds nothing but its own files "
        "(move the file out, or choose another path)"
    )


def _refuse_changed(path: Path, shown: Path, expected: dict, kind: FolderKind) -> None:
    if (
        not _is_plain_file(path)
        or path.stat().st_size != expected.get("bytes")
        or _sha256(path) != expected.get("sha256")
    ):
        raise UsageError(
            f"{kind.noun} {shown}: {path.name} was changed after landquota wrote it, so the "
            "folder is not replaced (move the file out, or choose another path)"
        )


def _is_plain_file(path: Path) -> bool:
    return stat.S_ISREG(os.lstat(path).st_mode)


def _is_summary(path: Path) -> bool:
    """A summary.json of a landquota run (of any version): a JSON object with its keys."""
    if not _is_plain_file(path):
        return False
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return False
    return isinstance(data, dict) and data.keys() >= SUMMARY_KEYS


def _sha256(path: Path) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()
