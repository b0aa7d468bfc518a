"""The Python API of sweeps: ``sweep(dataset, grid=…, samples=…, executor=…)``.

It returns tables (pandas) and never prints; a progress callback is the only way it
talks while it runs. Writing the sweep folder is :func:`optimizer.sweep.output.write_sweep`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from optimizer.data.dataset import Dataset
from optimizer.data.problems import UsageError
from optimizer.sweep import tables
from optimizer.sweep.importance import importance_scores
from optimizer.sweep.run import (
    DEFAULT_CHUNK_SIZE,
    Record,
    chunk_key,
    chunked,
    dataset_token,
    run_dask,
    run_serial,
)
from optimizer.sweep.spec import Axis, Point, SweepSpec, load_spec, parse_grid, points
from optimizer.sweep.store import ChunkStore

#: Called with (scenarios done, scenarios in all) as chunks finish.
Progress = Callable[[int, int], None]
GridArg = Mapping[str, Sequence[float | str] | str] | Sequence[str] | None


@dataclass
class SweepResult:
    """A sweep's tables (scenarios.csv, counties.csv, robustness.csv) and summary."""

    keys: list[str]
    points: list[Point]
    scenarios: pd.DataFrame
    counties: pd.DataFrame
    robustness: pd.DataFrame
    summary: dict
    dataset: Dataset
    #: How many scenarios were read back from the resume area instead of solved.
    resumed: int = 0
    records: list[Record] = field(default_factory=list, repr=False)


def sweep(
    dataset: Dataset | str | Path,
    grid: GridArg = None,
    samples: int | None = None,
    *,
    spec: SweepSpec | str | Path | None = None,
    seed: int | None = None,
    executor: Any = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    overrides: Mapping[str, Any] | None = None,
    store: str | Path | ChunkStore | None = None,
    importance: bool = False,
    progress: Progress | None = None,
) -> SweepResult:
    """Solve every scenario of a grid and/or of sampled draws; return the sweep's tables.

    ``grid``: ``{"quota.total": [40000, 50000]}``, ``{"quota.total": "40000:80000:10000"}``
    or ``["quota.total=40000:80000:10000", …]`` (the cross product). ``samples`` draws
    from ``spec`` (a SweepSpec or a sweep.toml path; ``seed`` overrides its seed).
    ``executor``: None (serial, in this process) or a ``distributed.Client``. ``store``:
    a folder (or ChunkStore) where finished chunks are kept, so a re-run skips them.
    ``importance``: also score each county by how much Z falls when it gets nothing
    beyond its minimum (one more solve per county, base scenario). Bad keys or values
    raise UsageError; bad data DataError.
    """
    if not isinstance(dataset, Dataset):
        from optimizer.data.read import load_dataset

        dataset = load_dataset(dataset, overrides)
    elif overrides:
        dataset = dataset.with_overrides(overrides)
    if chunk_size < 1:
        raise UsageError(f"the chunk size must be at least 1; got {chunk_size}")
    full = plan(dataset, grid, samples, spec, seed)
    pts = points(full, dataset)
    token = dataset_token(dataset)
    chunks = chunked(pts, chunk_size)
    keys = [chunk_key(token, c) for c in chunks]
    chunk_store = store if isinstance(store, ChunkStore) or store is None else ChunkStore(store)
    results = _stored_chunks(chunk_store, chunks, keys)
    resumed = sum(len(r) for r in results.values())
    todo = {i: c for i, c in enumerate(chunks) if i not in results}
    if progress is not None:
        progress(resumed, len(pts))

    def done(index: int, records: list[Record]) -> None:
        results[index] = records
        if chunk_store is not None:
            chunk_store.save(keys[index], records)
        if progress is not None:
            progress(sum(len(r) for r in results.values()), len(pts))

    if executor is None:
        run_serial(dataset, token, todo, done)
    else:
        run_dask(executor, dataset, token, todo, done)
    records = [r for i in range(len(chunks)) for r in results[i]]
    scores = importance_scores(dataset) if importance else None
    return assemble_sweep(dataset, full, pts, records, chunk_size, resumed, scores)


def _stored_chunks(
    store: ChunkStore | None, chunks: list[list[Point]], keys: list[str]
) -> dict[int, list[Record]]:
    """The chunks finished before (index → records), each checked scenario by scenario."""
    found: dict[int, list[Record]] = {}
    if store is None:
        return found
    for i, (chunk, key) in enumerate(zip(chunks, keys, strict=True)):
        stored = store.load(key)
        if (
            isinstance(stored, list)
            and len(stored) == len(chunk)
            and all(
                isinstance(r, dict) and r.get("digest") == p.digest()
                for r, p in zip(stored, chunk, strict=True)
            )
        ):
            found[i] = stored
    return found


def assemble_sweep(
    dataset: Dataset,
    full: SweepSpec,
    pts: list[Point],
    records: list[Record],
    chunk_size: int,
    resumed: int = 0,
    importance: np.ndarray | None = None,
) -> SweepResult:
    """The sweep's tables from its records, in scenario order."""
    keys = full.keys
    scenarios = tables.scenario_table(pts, records, keys)
    counties = tables.county_table(dataset, records)
    robustness = tables.robustness_table(dataset, records, importance)
    summary = tables.sweep_summary(
        dataset,
        keys,
        scenarios,
        robustness,
        seed=full.seed,
        samples=full.n_samples if full.samples else 0,
        chunk_size=chunk_size,
    )
    return SweepResult(
        keys, pts, scenarios, counties, robustness, summary, dataset, resumed, records
    )


def plan(
    dataset: Dataset,
    grid: GridArg = None,
    samples: int | None = None,
    spec: SweepSpec | str | Path | None = None,
    seed: int | None = None,
) -> SweepSpec:
    """One SweepSpec from the grid, the spec (file or object), samples and seed, checked
    against the dataset (a UsageError naming the option when something is wrong)."""
    file_axes: list[Axis] = []
    if spec is None:
        base = SweepSpec()
    elif isinstance(spec, SweepSpec):
        base = spec
    else:
        base, file_axes = load_spec(spec, dataset)
    axes = [*file_axes, *parse_grid(_grid_items(grid), dataset)]
    if len({a.key for a in axes}) < len(axes):
        raise UsageError("a grid key is given twice (in --grid and in the spec's [grid])")
    n = base.n_samples if samples is None else samples
    if n < 0:
        raise UsageError(f"--sample must be a whole number ≥ 0; got {n}")
    if n and not base.samples:
        raise UsageError(
            "--sample N draws from the distributions of a spec: give --spec sweep.toml "
            "with [sample.KEY] tables (docs/sweeps.md)"
        )
    if not axes and not base.axes and not (base.samples and n):
        raise UsageError(
            "nothing to sweep: give --grid KEY=START:STOP:STEP (or KEY=v1,v2,…), "
            "or --sample N with --spec sweep.toml"
        )
    return SweepSpec(
        axes=(*base.axes, *axes),
        samples=base.samples,
        n_samples=n,
        seed=base.seed if seed is None else seed,
    )


def _grid_items(grid: GridArg) -> list[str]:
    if grid is None:
        return []
    if isinstance(grid, Mapping):
        out = []
        for key, values in grid.items():
            text = values if isinstance(values, str) else ",".join(_text(v) for v in values)
            out.append(f"{key}={text}")
        return out
    return [str(item) for item in grid]


def _text(value: float | str) -> str:
    return repr(value) if isinstance(value, float) else str(value)
