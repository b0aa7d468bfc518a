"""Where a run may be written (docs/runs.md): checked before the solve, and again before the swap.

A run replaces only a folder that is certainly a landquota run and holds nothing
but what that run wrote: its marker (``landquota-run.json``) lists every file with
size and SHA-256, so a planner's added note or an edited CSV is found and the
folder is refused, naming the file. Anything else at the path (a dataset, a folder
of runs, a spreadsheet, a symbolic link) is refused with a UsageError; so is a path
equal to, inside or holding the dataset folder, and a place that cannot be written.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from optimizer.data.problems import UsageError
from optimizer.runs.json_text import to_json
from optimizer.runs.schema import (
    FILE_MANAGER_FILES,
    MARKER_FILE,
    MARKER_FORMAT,
    RUN_FILES,
    SUMMARY_FILE,
)

#: Keys a summary.json of any landquota version has (how a pre-marker run folder is told).
SUMMARY_KEYS = frozenset({"status", "backend", "scenario"})
#: Prefix of the empty folder made (and removed at once) to prove a place is writable.
PROBE_PREFIX = ".landquota-probe-"


@dataclass(frozen=True)
class RunTarget:
    """A path a run may be written to, and what was there when it was checked.

    ``identity`` (device and inode of the folder, SHA-256 of its marker or, without
    one, of its summary.json; None when nothing was there) lets ``write_run`` see
    that another solve wrote the folder between the check before the solve and the
    write. A file manager's ``.DS_Store`` appearing meanwhile does not count.
    """

    path: Path
    real: Path
    dataset_folder: Path | None
    previous: Literal["nothing", "run", "run without marker"]
    identity: tuple[int, int, str] | None


def check_target(
    path: str | Path | RunTarget, dataset_folder: str | Path | None = None
) -> RunTarget:
    """The RunTarget for ``path``, or a UsageError naming the path and why it is refused.

    Touches nothing on disk except a probe folder, made and removed at once in the
    nearest existing folder, that proves the place is writable.
    """
    if isinstance(path, RunTarget):
        return check_target(path.path, path.dataset_folder)
    text = os.fspath(path)
    if not text.strip():
        raise UsageError("the run folder path is empty: give a folder, e.g. outputs/NAME")
    shown = Path(text)
    absolute = Path(os.path.abspath(shown))
    if absolute.parent == absolute:
        raise UsageError(f"run folder {shown} is the root of the file system")
    # symbolic links in the parents are resolved; the last part is looked at as it is
    real = absolute.parent.resolve() / absolute.name
    dataset = Path(dataset_folder).resolve() if dataset_folder is not None else None
    if dataset is not None:
        _refuse_dataset(shown, real.resolve(), dataset)
    _refuse_unwritable(shown, real.parent)
    try:
        st = os.lstat(real)
    except FileNotFoundError:
        return RunTarget(shown, real, dataset, "nothing", None)
    except OSError as err:
        raise UsageError(f"run folder {shown}: cannot be looked at ({err.strerror})") from None
    if stat.S_ISLNK(st.st_mode):
        raise UsageError(
            f"run folder {shown} is a symbolic link: landquota does not replace it "
            "(give the folder it points to, or a new path)"
        )
    if not stat.S_ISDIR(st.st_mode):
        raise UsageError(
            f"{shown} exists and is a file, not a landquota run folder: landquota replaces "
            "only its own run folders (choose another path, or move the file)"
        )
    previous = _run_kind(real, shown)
    stamp = _sha256(real / (MARKER_FILE if previous == "run" else SUMMARY_FILE))
    return RunTarget(shown, real, dataset, previous, (st.st_dev, st.st_ino, stamp))


def describe_files(folder: Path) -> dict[str, dict[str, int | str]]:
    """File name → size in bytes and SHA-256 of every file in ``folder`` (sorted by name)."""
    return {
        p.name: {"bytes": p.stat().st_size, "sha256": _sha256(p)}
        for p in sorted(folder.iterdir())
        if p.is_file()
    }


def marker_text(files: dict[str, dict[str, int | str]]) -> str:
    """The marker file's content: this is a landquota run, and these are the files it wrote."""
    return to_json({"landquota_run": MARKER_FORMAT, "files": files}) + "\n"


# --------------------------------------------------------------------------- the checks


def _refuse_dataset(shown: Path, real: Path, dataset: Path) -> None:
    if real == dataset:
        where = "is the dataset folder"
    elif real.is_relative_to(dataset):
        where = f"is inside the dataset folder {dataset}"
    elif dataset.is_relative_to(real):
        where = f"holds the dataset folder {dataset}"
    else:
        return
    raise UsageError(
        f"run folder {shown} {where}: a run is never written over or into its inputs "
        "(give --out a folder outside the dataset, e.g. outputs/NAME)"
    )


def _refuse_unwritable(shown: Path, parent: Path) -> None:
    """The nearest existing folder above the run folder must be a folder one can write in."""
    here = parent
    while not os.path.lexists(here) and here.parent != here:
        here = here.parent
    if not here.is_dir():
        raise UsageError(f"cannot write run folder {shown}: {here} is a file, not a folder")
    try:
        os.rmdir(tempfile.mkdtemp(prefix=PROBE_PREFIX, dir=here))
    except OSError as err:
        raise UsageError(
            f"cannot write run folder {shown}: {here} is not writable ({err.strerror})"
        ) from None


def _run_kind(folder: Path, shown: Path) -> Literal["run", "run without marker"]:
    """Which kind of landquota run ``folder`` is, or a UsageError naming what is in the way."""
    entries = sorted(set(os.listdir(folder)) - FILE_MANAGER_FILES)
    if MARKER_FILE in entries:
        listed = _read_marker(folder / MARKER_FILE, shown)
        _refuse_extra(shown, [e for e in entries if e != MARKER_FILE and e not in listed])
        for name in entries:
            if name != MARKER_FILE:
                _refuse_changed(folder / name, shown, listed[name])
        return "run"
    if SUMMARY_FILE in entries and _is_summary(folder / SUMMARY_FILE):
        _refuse_extra(
            shown,
            [e for e in entries if e not in RUN_FILES or not _is_plain_file(folder / e)],
        )
        return "run without marker"
    if not entries:
        raise UsageError(
            f"{shown} exists (an empty folder) and is not a landquota run folder: "
            "landquota replaces only its own run folders (remove it, or choose another path)"
        )
    raise UsageError(
        f"{shown} exists and is not a landquota run folder (it has no {MARKER_FILE}): "
        "landquota replaces only its own run folders (choose another path)"
    )


def _read_marker(path: Path, shown: Path) -> dict[str, dict]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        ok = data.get("landquota_run") == MARKER_FORMAT and isinstance(data.get("files"), dict)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, AttributeError):
        ok = False
    if not ok:
        raise UsageError(
            f"{shown}: {MARKER_FILE} is not a marker this landquota wrote, so the folder "
            "is not replaced (choose another path)"
        )
    return data["files"]


def _refuse_extra(shown: Path, extra: list[str]) -> None:
    if not extra:
        return
    more = f" (and {len(extra) - 1} more)" if len(extra) > 1 else ""
    raise UsageError(
        f"run folder {shown} holds {extra[0]}{more}, which the run did not write: "
        "landquota replaces a run folder only when it holds nothing but the run's files "
        "(move the file out, or choose another path)"
    )


def _refuse_changed(path: Path, shown: Path, expected: dict) -> None:
    if (
        not _is_plain_file(path)
        or path.stat().st_size != expected.get("bytes")
        or _sha256(path) != expected.get("sha256")
    ):
        raise UsageError(
            f"run folder {shown}: {path.name} was changed after landquota wrote it, so the "
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
