"""Write a synthetic dataset folder (optimizer.data.synth) with a run folder's safety.

The folder is staged and swapped into place as a run folder is (runs/write.py), with a
marker of kind ``synth`` listing its files. So ``landquota synth DIR`` writes a new (or
empty) folder, or replaces one an earlier synth wrote that still holds only synth's
files, unchanged; anything else (a real dataset, a run or sweep folder, a synthetic
dataset whose counties.csv a planner edited) is refused, naming the path, and left as
it was.
"""

from __future__ import annotations

from pathlib import Path

from optimizer.data.synth import synthetic_files
from optimizer.runs.schema import SYNTH
from optimizer.runs.target import check_target
from optimizer.runs.write import write_folder


def write_synthetic(
    out_dir: str | Path,
    n_counties: int,
    n_cities: int | None = None,
    n_groups: int | None = None,
    seed: int = 0,
    scope: str = "region",
    periods: tuple[int, ...] | None = None,
) -> Path:
    """Write the synthetic dataset folder ``out_dir``; a UsageError (nothing touched) where
    something else is there. Arguments as ``synthetic_files``; returns ``out_dir``."""
    target = check_target(out_dir, kind=SYNTH)  # refused before the tables are drawn
    files = synthetic_files(n_counties, n_cities, n_groups, seed, scope, periods)
    return write_folder(files, target)
