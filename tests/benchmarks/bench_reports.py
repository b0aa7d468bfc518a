"""What report.xlsx and report.html add to writing a run folder (docs/performance.md, Reports).

    python tests/benchmarks/bench_reports.py inputs/shanxi-central [REPEATS]

Solves the dataset once, then writes the run folder REPEATS times with and without
the reports, and each report alone; prints median wall and CPU seconds (on a shared
machine compare the CPU times) and the file sizes.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import optimizer.runs.write as run_write
from optimizer.data.lang import Lang
from optimizer.data.read import load_dataset
from optimizer.reports.html import write_html
from optimizer.reports.labels import AreaUnit
from optimizer.reports.tables import shown_sections
from optimizer.reports.write import geojson_of
from optimizer.reports.xlsx import write_workbook
from optimizer.solve import solve


def median_times(fn: Callable[[int], None], repeats: int) -> tuple[float, float]:
    """Median (wall, CPU) seconds of ``fn(i)`` over ``repeats`` calls."""
    walls, cpus = [], []
    for i in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        fn(i)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def main(dataset: str, repeats: int = 7) -> None:
    result = solve(load_dataset(Path(dataset)))
    lang, area = Lang.ZH, AreaUnit.HA
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        with_reports = median_times(
            lambda i: run_write.write_run(result, out / f"a{i}", lang=lang), repeats
        )
        real = run_write.write_reports
        run_write.write_reports = lambda *args, **kwargs: None
        try:
            without = median_times(lambda i: run_write.write_run(result, out / f"b{i}"), repeats)
        finally:
            run_write.write_reports = real
        shown = shown_sections(result, lang, area)
        xlsx = median_times(
            lambda i: write_workbook(result, out / "r.xlsx", lang, area, shown), repeats
        )
        page = median_times(
            lambda i: write_html(result, out / "r.html", lang, area, geojson_of(result), shown),
            repeats,
        )
        sizes = ((out / "r.xlsx").stat().st_size, (out / "r.html").stat().st_size)
    print(f"{len(result.counties):,} counties (wall s, CPU s, median of {repeats})")
    print(f"  write_run without reports  {without[0]:.3f}  {without[1]:.3f}")
    print(f"  write_run with reports     {with_reports[0]:.3f}  {with_reports[1]:.3f}")
    print(f"  report.xlsx alone          {xlsx[0]:.3f}  {xlsx[1]:.3f}  {sizes[0]:,} bytes")
    print(f"  report.html alone          {page[0]:.3f}  {page[1]:.3f}  {sizes[1]:,} bytes")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 7)
