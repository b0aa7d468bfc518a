"""Sweep speed (issue 13): a warm sweep against one `landquota solve` process per scenario.

Not collected by pytest. Run from the repository root:

    python tests/benchmarks/bench_sweep.py                      # reference and national
    python tests/benchmarks/bench_sweep.py --only reference --out /tmp/sweep-bench.json
    python tests/benchmarks/bench_sweep.py --only dask          # 2 workers against 1

Each figure is the wall time of whole commands (fresh processes, imports included):
``landquota solve DATASET --set quota.total=Q`` for a few pools (median per scenario),
against one ``landquota sweep DATASET --grid quota.total=…`` of N pools (its time ÷ N).
The machine's load changes the figures; the ratio is what docs/performance.md records.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "inputs" / "shanxi-central"
LANDQUOTA = [sys.executable, "-m", "optimizer.cli"]


def timed(args: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed ({done.returncode}): {done.stderr[-2000:]}")
    return elapsed


def solve_seconds(dataset: Path, pools: list[float], work: Path) -> list[float]:
    """One `landquota solve` process per pool."""
    return [
        timed([*LANDQUOTA, "solve", str(dataset), "--set", f"quota.total={q:g}", "--json",
               "--out", str(work / f"solve-{i}")])
        for i, q in enumerate(pools)
    ]  # fmt: skip


def sweep_seconds(dataset: Path, grid: str, work: Path, name: str, *extra: str) -> float:
    return timed([*LANDQUOTA, "sweep", str(dataset), "--grid", grid, "--json",
                  "--out", str(work / name), *extra])  # fmt: skip


def national(work: Path) -> Path:
    folder = work / "national"
    synth = ["synth", str(folder), "--counties", "2850", "--cities", "31", "--seed", "20240601"]
    subprocess.run([*LANDQUOTA, *synth, "--scope", "city"], check=True, capture_output=True)
    return folder


def pool_of(dataset: Path) -> float:
    import tomllib

    return float(tomllib.loads((dataset / "scenario.toml").read_text())["quota"]["total"])


def compare(label: str, dataset: Path, n: int, solves: int, work: Path) -> dict:
    q = pool_of(dataset)
    lo, hi = 0.5 * q, 1.5 * q
    step = (hi - lo) / (n - 1)
    grid = f"quota.total={lo:.6g}:{lo + step * (n - 1):.6g}:{step:.6g}"
    per_solve = solve_seconds(dataset, [lo + i * (hi - lo) / max(solves - 1, 1)
                                        for i in range(solves)], work)  # fmt: skip
    sweep_s = sweep_seconds(dataset, grid, work, f"{label}-sweep")
    one = statistics.median(per_solve)
    row = {
        "dataset": label,
        "scenarios": n,
        "solve_process_s": one,
        "solve_process_all_s": per_solve,
        "sweep_s": sweep_s,
        "sweep_per_scenario_s": sweep_s / n,
        "speed_up_per_scenario": one / (sweep_s / n),
    }
    print(json.dumps(row), flush=True)
    return row


def dask(dataset: Path, n: int, work: Path) -> dict:
    q = pool_of(dataset)
    step = q / (n - 1)
    grid = f"quota.total={0.5 * q:.6g}:{0.5 * q + step * (n - 1):.6g}:{step:.6g}"
    one = sweep_seconds(dataset, grid, work, "dask1", "--workers", "1", "--chunk-size", "5")
    two = sweep_seconds(dataset, grid, work, "dask2", "--workers", "2", "--chunk-size", "5")
    serial = sweep_seconds(dataset, grid, work, "serial", "--chunk-size", "5")
    row = {"dataset": "national", "scenarios": n, "serial_s": serial, "workers_1_s": one,
           "workers_2_s": two, "speed_up_2_over_1": one / two}  # fmt: skip
    print(json.dumps(row), flush=True)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="reference,national,dask")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    wanted = set(args.only.split(","))
    rows = []
    with tempfile.TemporaryDirectory(prefix="landquota-sweep-bench-") as tmp:
        work = Path(tmp)
        if "reference" in wanted:
            rows.append(compare("reference", REFERENCE, 200, 5, work))
        if wanted & {"national", "dask"}:
            folder = national(work)
            if "national" in wanted:
                rows.append(compare("national", folder, 50, 3, work))
            if "dask" in wanted:
                rows.append(dask(folder, 50, work))
    if args.out:
        args.out.write_text(json.dumps(rows, indent=1) + "\n")


if __name__ == "__main__":
    main()
