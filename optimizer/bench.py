"""Where the time and memory of a solve go, stage by stage, at any size.

``run_benchmarks`` writes a synthetic dataset per size (``optimizer.data.synth``,
not timed) and solves it once per backend/solver, **each solve in a fresh
Python process**, so that import time counts and memory peaks never carry
over from one run to the next. The child process times these stages:

========  ================================================================
import    importing the pipeline (pandas, pydantic, the loader, the backend)
read      decoding the files, CSV parsing, header mapping, scenario.toml
validate  typing and checking every value, cross-checks, warnings
build     the LP in sparse form (``optimizer.formulation.build``)
solver_*  load into the solver, solve, read the answer back (the backend's own)
extract   planner tables, binding constraints, prices, explain annotations
write     the run folder (CSV files and summary.json, atomically)
========  ================================================================

``process`` is the wall time of the whole child, measured by the parent from
before the interpreter starts to after the files are written: what
``/usr/bin/time landquota solve`` would show, minus the terminal report.

Memory: the peak resident set size (RSS) of the child during each stage, in
MB. Before a stage the kernel's high-water mark is reset to the current RSS
(``/proc/self/clear_refs`` ← 5, Linux ≥ 4.0) and read back from ``VmHWM``
after it, so each figure is the true peak of that stage, C allocations of
the solvers included (tracemalloc would miss them and slow everything down).
Where the reset is not available the figures are the running peak
(``ru_maxrss``) and ``memory_method`` says so. ``read`` and ``validate`` are one
call of the loader, so the peak given for ``validate`` covers both.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

#: Stages in pipeline order, as reported.
STAGES = (
    "import",
    "read",
    "validate",
    "build",
    "solver_load",
    "solver_solve",
    "solver_read",
    "tie_break",
    "extract",
    "write",
)
#: Sizes with a name: counties and cities (provinces for national data).
PRESETS: dict[str, tuple[int, int]] = {"national": (2850, 31), "township": (40000, 300)}
#: Seed of the synthetic datasets (docs/performance.md uses it).
SEED = 20240601


# --------------------------------------------------------------------------- memory


def _status_kb(key: str) -> int | None:
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def _reset_peak() -> bool:
    """Reset the RSS high-water mark to the current RSS; False where not supported."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


def _peak_mb() -> float:
    hwm = _status_kb("VmHWM")
    if hwm is not None:
        return hwm / 1024
    import resource

    scale = 1 if sys.platform == "darwin" else 1024  # bytes on macOS, KiB elsewhere
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 2**20


class StageMeter:
    """Seconds and peak RSS (MB) per named stage: ``with meter("build"): ...``."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.peak_mb: dict[str, float] = {}
        self.method = "VmHWM reset per stage" if _reset_peak() else "running peak (ru_maxrss)"

    @contextmanager
    def __call__(self, stage: str) -> Iterator[None]:
        _reset_peak()
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[stage] = self.seconds.get(stage, 0.0) + time.perf_counter() - start
            self.peak_mb[stage] = max(self.peak_mb.get(stage, 0.0), _peak_mb())

    def record(self, stage: str, seconds: float, peak_mb: float) -> None:
        self.seconds[stage] = seconds
        self.peak_mb[stage] = peak_mb


# --------------------------------------------------------------------------- one run


def measure(
    folder: str | Path,
    out_dir: str | Path,
    backend: str | None = None,
    solver: str | None = None,
    overrides: dict[str, Any] | None = None,
    time_limit_s: float | None = None,
    import_start: float | None = None,
) -> dict:
    """Solve ``folder`` stage by stage in this process; returns the figures as a dict.

    Call it in a fresh process (``run_child``) for honest import times and peaks;
    ``import_start`` is the ``perf_counter`` taken before the first import.
    """
    before = _peak_mb()  # the peak of whatever the caller imported already
    meter = StageMeter()
    started = time.perf_counter()
    with meter("import"):
        import optimizer.data.read as load
        from optimizer.formulation.build import build
        from optimizer.runs.write import write_run
        from optimizer.solve import assemble, choose_solver, second_stage, start_prices
    if import_start is not None:  # the imports before this function ran count too
        meter.seconds["import"] += started - import_start
        meter.peak_mb["import"] = max(meter.peak_mb["import"], before)

    validate_seconds = 0.0
    validate_peak = 0.0
    assemble_tables = load._assemble

    def timed_assemble(*args: Any, **kwargs: Any):
        nonlocal validate_seconds, validate_peak
        start = time.perf_counter()
        try:
            return assemble_tables(*args, **kwargs)
        finally:
            validate_seconds = time.perf_counter() - start
            validate_peak = _peak_mb()

    load._assemble = timed_assemble  # the loader's validation step, timed on its own
    try:
        with meter("read"):
            ds = load.load_dataset(folder, overrides)
    finally:
        load._assemble = assemble_tables
    meter.record("read", meter.seconds["read"] - validate_seconds, meter.peak_mb["read"])
    meter.record("validate", validate_seconds, validate_peak)
    with meter("build"):
        formulation = build(ds)
    _reset_peak()
    start = time.perf_counter()
    choice = choose_solver(
        ds.scenario, backend, solver, time_limit_s, columns=formulation.lp.shape[1]
    )
    engine, solver_name = choice.backend, choice.solver
    setup = time.perf_counter() - start  # importing the backend's module counts as loading
    solution = engine.solve(formulation.lp, solver_name, choice.time_limit_s)
    solver_peak = _peak_mb()
    for stage, seconds in solution.timings.items():
        meter.record(f"solver_{stage}", seconds + (setup if stage == "load" else 0.0), solver_peak)
    solver_name = solution.solver or solver_name
    method = ds.scenario.solver.tie_break
    prices = start_prices(formulation, solution)  # on their own thread, as `solve` does
    with meter("tie_break"):  # the tie-break of MODEL.md §6, as `solve` runs it
        tie = second_stage(formulation, solution, engine.name, solver_name, choice, method)
    with meter("extract"):
        result = assemble(formulation, solution, engine.name, solver_name, tie, prices=prices)
    with meter("write"):
        if not result.counties.empty:
            write_run(result, out_dir)
    rows, cols = formulation.lp.shape
    return {
        "counties": len(ds.counties),
        "cities": int(ds.counties["city"].nunique()),
        "scope": ds.scenario.linkage.scope,
        "backend": engine.name,
        "solver": solver_name,
        "status": result.status.value,
        "objective": result.objective,
        "rows": rows,
        "cols": cols,
        "nnz": formulation.lp.nnz,
        "seconds": {s: meter.seconds[s] for s in STAGES if s in meter.seconds},
        "peak_mb": {s: meter.peak_mb[s] for s in STAGES if s in meter.peak_mb},
        "total_seconds": sum(meter.seconds.values()),
        "peak_mb_max": max(meter.peak_mb.values()),
        "memory_method": meter.method,
    }


def _child_main(import_start: float) -> None:
    """Entry point of the child process: arguments as JSON in argv[1], figures on stdout."""
    args = json.loads(sys.argv[1])
    figures = measure(import_start=import_start, **args)
    sys.stdout.write("\n" + json.dumps(figures) + "\n")


#: What the child process runs: the clock starts before the first project import.
CHILD_CODE = "import time; t0 = time.perf_counter(); import optimizer.bench as b; b._child_main(t0)"


def run_child(
    folder: str | Path,
    backend: str | None = None,
    solver: str | None = None,
    overrides: dict[str, Any] | None = None,
    time_limit_s: float | None = None,
    timeout_s: float = 900.0,
) -> dict:
    """``measure`` in a fresh Python process; adds ``process`` (its whole wall time)."""
    with tempfile.TemporaryDirectory(prefix="landquota-bench-") as tmp:
        args = {
            "folder": str(folder),
            "out_dir": str(Path(tmp) / "run"),
            "backend": backend,
            "solver": solver,
            "overrides": overrides,
            "time_limit_s": time_limit_s,
        }
        start = time.perf_counter()
        try:
            proc = subprocess.run(
                [sys.executable, "-c", CHILD_CODE, json.dumps(args)],
                capture_output=True,
                text=True,
                timeout=timeout_s,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
            )
        except subprocess.TimeoutExpired:
            return {
                "status": "timeout",
                "backend": backend,
                "solver": solver,
                "process_seconds": time.perf_counter() - start,
            }
        elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        return {
            "status": "error",
            "backend": backend,
            "solver": solver,
            "process_seconds": elapsed,
            "message": proc.stderr.strip()[-2000:],
        }
    figures = json.loads(proc.stdout.strip().splitlines()[-1])
    figures["process_seconds"] = elapsed
    return figures


# --------------------------------------------------------------------------- many runs


def size_spec(text: str) -> tuple[int, int | None]:
    """'2850', '2850:31' or a preset name ('national', 'township') → (counties, cities)."""
    if text in PRESETS:
        return PRESETS[text]
    counties, _, cities = text.partition(":")
    return int(counties), int(cities) if cities else None


def default_cities(counties: int) -> int | None:
    """The cities of a preset size (2,850 → 31, 40,000 → 300); None: the generator's."""
    for n, p in PRESETS.values():
        if n == counties:
            return p
    return None


def run_benchmarks(
    sizes: Iterable[tuple[int, int | None]] = ((300, None),),
    solvers: Iterable[tuple[str | None, str | None]] = ((None, None),),
    *,
    datasets: Iterable[str | Path] = (),
    scope: str | None = "city",
    seed: int = SEED,
    time_limit_s: float | None = None,
    timeout_s: float = 900.0,
    workdir: str | Path | None = None,
    progress=None,
) -> list[dict]:
    """Figures for every (dataset or size) × (backend, solver); one fresh process each.

    ``scope`` overrides the linkage scope of the synthetic datasets (None: keep
    the generator's region scope); given ``datasets`` are solved as they are.
    """
    from optimizer.runs.synth import write_synthetic

    results = []
    with tempfile.TemporaryDirectory(prefix="landquota-bench-data-") as tmp:
        base = Path(workdir) if workdir is not None else Path(tmp)
        jobs: list[tuple[Path, dict[str, Any] | None, str]] = [
            (Path(d), None, Path(d).name) for d in datasets
        ]
        for counties, cities in sizes:
            cities = cities or default_cities(counties)
            folder = base / f"synth-{counties}-{cities or 'auto'}-seed{seed}"
            if not (folder / "scenario.toml").exists():
                write_synthetic(folder, counties, cities, seed=seed)
            overrides = {"linkage.scope": scope} if scope else None
            jobs.append((folder, overrides, f"synth {counties}"))
        for folder, overrides, label in jobs:
            for backend, solver in solvers:
                figures = run_child(folder, backend, solver, overrides, time_limit_s, timeout_s)
                figures["dataset"] = label
                results.append(figures)
                if progress is not None:
                    progress(figures)
    return results


# --------------------------------------------------------------------------- report


def format_table(results: list[dict]) -> str:
    """Plain-text table: per run a line of seconds and a line of peak MB per stage, LP size."""
    short = {
        "import": "import",
        "read": "read",
        "validate": "valid",
        "build": "build",
        "solver_load": "load",
        "solver_solve": "solve",
        "solver_read": "sread",
        "tie_break": "tie",
        "extract": "extr",
        "write": "write",
    }
    head = (
        f"{'dataset':<14} {'backend/solver':<15} {'status':<9} {'':<2} "
        + " ".join(f"{short[s]:>6}" for s in STAGES)
        + f" {'total':>6} {'process':>7} {'rows':>7} {'cols':>8} {'nnz':>8}"
    )
    lines = [head, "-" * len(head)]
    for r in results:
        engine = f"{r.get('backend') or ''}/{r.get('solver') or ''}"
        label = f"{r.get('dataset', ''):<14} {engine:<15} {r.get('status', ''):<9}"
        secs, mb = r.get("seconds", {}), r.get("peak_mb", {})
        total, process = _cell(r.get("total_seconds"), 2), _cell(r.get("process_seconds"), 2)
        lines.append(
            f"{label} {'s':<2} "
            + " ".join(_cell(secs.get(s), 2) for s in STAGES)
            + f" {total} {process:>7}"
            + f" {r.get('rows', ''):>7} {r.get('cols', ''):>8} {r.get('nnz', ''):>8}"
        )
        if mb:
            lines.append(
                f"{'':<40} {'MB':<2} "
                + " ".join(_cell(mb.get(s), 0) for s in STAGES)
                + f" {_cell(r.get('peak_mb_max'), 0)}"
            )
    lines.append(
        "s: seconds per stage (total: the stages; process: the whole fresh process, "
        "interpreter start to files written)"
    )
    lines.append("MB: peak resident memory during each stage (total: the highest)")
    return "\n".join(lines)


def _cell(value: float | None, decimals: int) -> str:
    return f"{'-':>6}" if value is None else f"{value:6.{decimals}f}"
