"""The benchmark matrix of docs/performance.md: sizes × backends/solvers, one fresh process each.

Not collected by pytest (pyproject ignores tests/benchmarks); CI times only the smoke size
(tests/test_bench.py). Run from the repository root:

    python tests/benchmarks/run_benchmarks.py                 # everything (about 30 minutes)
    python tests/benchmarks/run_benchmarks.py --only reference,300,national
    python tests/benchmarks/run_benchmarks.py --out /tmp/bench.json
    python tests/benchmarks/run_benchmarks.py --markdown /tmp/bench.json   # docs tables

Prints the table of ``landquota bench`` per size and writes every figure as JSON;
``--markdown`` turns such a JSON file into the tables of docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from optimizer.bench import format_table, run_benchmarks  # noqa: E402

EVERY = [
    "ortools:glop",
    "ortools:pdlp",
    "ortools:highs",
    "highs:simplex",
    "highs:ipm",
    "highs:pdlp",
    "pulp:cbc",
    "pulp:highs",
]
SIMPLEX_AND_IPM = ["ortools:glop", "ortools:highs", "highs:simplex", "highs:ipm"]
#: name → (dataset folder or (counties, cities)), linkage scope, solvers, solver time limit (s)
MATRIX = {
    "reference": (ROOT / "inputs" / "shanxi-central", None, EVERY, 300),
    "300": ((300, 30), "city", EVERY, 300),
    "national": ((2850, 31), "city", EVERY, 300),
    "national-region": ((2850, 31), "region", SIMPLEX_AND_IPM, 300),
    "10000": ((10000, 100), "city", [*SIMPLEX_AND_IPM, "pulp:cbc"], 300),
    "township": ((40000, 300), "city", [*SIMPLEX_AND_IPM, "highs:pdlp", "pulp:cbc"], 300),
}


def machine() -> dict:
    cpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in cpu.splitlines()
            if line.startswith("Model name")
        ),
        platform.processor(),
    )
    with open("/proc/meminfo") as fh:
        mem_kb = int(fh.readline().split()[1])
    from importlib.metadata import version

    return {
        "date": time.strftime("%Y-%m-%d"),
        "cpu": model,
        "cores": os.cpu_count(),
        "memory_gb": round(mem_kb / 2**20),
        "python": platform.python_version(),
        **{name: version(name) for name in ("highspy", "ortools", "pulp", "pandas")},
    }


STAGE_HEADS = (
    "import",
    "read",
    "validate",
    "build",
    "solver load",
    "solve",
    "solver read",
    "extract",
    "write",
)


def markdown(path: str) -> str:
    """The per-size tables of docs/performance.md from a results file."""
    from optimizer.bench import STAGES

    out, case = [], None
    for r in json.loads(Path(path).read_text())["runs"]:
        if r["case"] != case:
            case = r["case"]
            out += [
                "",
                f"**{case}** ({r['counties']:,} counties, {r['cities']} cities, scope "
                f"{r['scope']}): LP {r['rows']:,} rows × {r['cols']:,} columns, "
                f"{r['nnz']:,} non-zeros",
                "",
                "| backend/solver | " + " | ".join(STAGE_HEADS) + " | process | peak MB |",
                "|---|" + "--:|" * (len(STAGES) + 2),
            ]
        cells = " | ".join(f"{r['seconds'][s]:.2f}" for s in STAGES)
        out.append(
            f"| {r['backend']}/{r['solver']} | {cells} | **{r['process_seconds']:.2f}** "
            f"| {r['peak_mb_max']:.0f} |"
        )
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="comma-separated names of MATRIX entries")
    parser.add_argument("--out", default="benchmark-results.json")
    parser.add_argument("--timeout", type=float, default=900.0)
    parser.add_argument(
        "--markdown",
        metavar="RESULTS_JSON",
        help="print the docs tables of a results file, run nothing",
    )
    args = parser.parse_args()
    if args.markdown:
        print(markdown(args.markdown))
        return
    names = args.only.split(",") if args.only else list(MATRIX)
    figures: list[dict] = []
    for name in names:
        source, scope, solvers, limit = MATRIX[name]
        pairs = [(s.split(":")[0], s.split(":")[1]) for s in solvers]
        datasets = [source] if isinstance(source, Path) else []
        sizes = [] if isinstance(source, Path) else [source]
        runs = run_benchmarks(
            sizes,
            pairs,
            datasets=datasets,
            scope=scope,
            time_limit_s=limit,
            timeout_s=args.timeout,
            progress=lambda r: print(
                f"  {r['dataset']} {r.get('backend')}/"
                f"{r.get('solver')}: {r['status']} "
                f"{r.get('process_seconds', 0):.1f} s",
                file=sys.stderr,
                flush=True,
            ),
        )
        for r in runs:
            r["case"] = name
        figures += runs
        print(f"\n## {name}\n{format_table(runs)}", flush=True)
        Path(args.out).write_text(json.dumps({"machine": machine(), "runs": figures}, indent=1))


if __name__ == "__main__":
    main()
