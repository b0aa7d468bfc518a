"""The resume area of a sweep: each finished chunk's records, kept until the sweep is written.

It is a hidden folder beside the sweep folder (``.<name>.partial``), holding a marker
(``landquota-sweep-partial.json``) and one ``chunk-<key>.json`` per finished chunk, each
written to a temporary name and renamed, so an interrupted sweep leaves whole chunks
only. Floats are stored at full precision (``repr``), so a resumed sweep's tables equal
an uninterrupted one's. The area is removed once the sweep folder is in place; a folder
at its path without the marker is never used or removed.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path

from optimizer.data.problems import UsageError
from optimizer.sweep.run import Record

PARTIAL_MARKER = "landquota-sweep-partial.json"
PARTIAL_FORMAT = 1
CHUNK_PREFIX = "chunk-"
TMP_PREFIX = ".tmp-"


def partial_path(out_dir: Path) -> Path:
    """Where the resume area of the sweep folder ``out_dir`` lives."""
    return out_dir.parent / f".{out_dir.name}.partial"


class ChunkStore:
    """Finished chunks on disk, by chunk key (see ``run.chunk_key``)."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        marker = self.folder / PARTIAL_MARKER
        if os.path.lexists(self.folder):
            if not self.folder.is_dir() or self.folder.is_symlink() or not marker.is_file():
                raise UsageError(
                    f"{self.folder} exists and is not a landquota sweep's resume area (no "
                    f"{PARTIAL_MARKER}): it is left alone; move it, or choose another --out"
                )
        else:
            try:
                self.folder.mkdir(parents=True)
                marker.write_text(json.dumps({"landquota_sweep_partial": PARTIAL_FORMAT}) + "\n")
            except OSError as err:
                raise UsageError(f"cannot write the resume area {self.folder}: {err}") from None

    def load(self, key: str) -> list[Record] | None:
        """A finished chunk's records, or None (never stored, or unreadable)."""
        path = self.folder / f"{CHUNK_PREFIX}{key}.json"
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def save(self, key: str, records: list[Record]) -> None:
        """Store a finished chunk: a temporary file renamed, never a half-written one."""
        fd, tmp = tempfile.mkstemp(prefix=TMP_PREFIX, dir=self.folder)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(records, handle)
            os.replace(tmp, self.folder / f"{CHUNK_PREFIX}{key}.json")
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def remove(self) -> None:
        """Remove the area: only the files it wrote, then the folder if it is then empty."""
        for path in self.folder.iterdir():
            if path.name == PARTIAL_MARKER or path.name.startswith((CHUNK_PREFIX, TMP_PREFIX)):
                path.unlink(missing_ok=True)
        with contextlib.suppress(OSError):  # not empty: someone put a file there; it stays
            os.rmdir(self.folder)
