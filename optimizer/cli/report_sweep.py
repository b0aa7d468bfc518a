"""The terminal reports of ``landquota sweep`` and ``landquota target``, and the sweep's
progress bar (on a terminal only; nothing when stderr is piped)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich import box
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn
from rich.table import Table

from optimizer.cli.format import gini, ha, pct1
from optimizer.data.numbers import MISSING, is_missing
from optimizer.sweep.api import SweepResult
from optimizer.sweep.target import TargetResult

#: Scenarios listed in the terminal before the table is cut (all are in scenarios.csv).
TERMINAL_SCENARIOS = 30


@contextmanager
def sweep_progress(enabled: bool) -> Iterator[Callable[[int, int], None] | None]:
    """A rich progress bar on stderr when it is a terminal; None (quiet) otherwise."""
    if not enabled or not sys.stderr.isatty():
        yield None
        return
    console = Console(stderr=True)
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task("scenarios", total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def render_sweep(result: SweepResult, console: Console, folder: str) -> None:
    """The scenarios (first TERMINAL_SCENARIOS), the robustness classes, the folder."""
    s = result.scenarios
    table = Table(box=box.SIMPLE_HEAD, title=f"Sweep of {result.summary['scenario']}")
    table.add_column("#", justify="right")
    for key in result.keys:
        table.add_column(key, justify="right")
    for name in ("status", "Z", "allocation", "satisfaction", "Gini (satisf.)"):
        table.add_column(name, justify="right")
    for row in s.head(TERMINAL_SCENARIOS).itertuples(index=False):
        data = dict(zip(s.columns, row, strict=True))
        table.add_row(
            str(data["scenario_id"]),
            *(_value(data[k]) for k in result.keys),
            str(data["status"]),
            _z(data["objective"]),
            ha(data["allocation_ha"]),
            pct1(data["satisfaction"]),
            gini(data["gini_satisfaction"]),
        )
    console.print(table)
    if len(s) > TERMINAL_SCENARIOS:
        console.print(f"… {len(s) - TERMINAL_SCENARIOS:,} more scenarios in scenarios.csv")
    classes = result.summary["robustness"]
    console.print(
        f"counties: {classes['always']} always get at least half their demand, "
        f"{classes['swing']} only in some scenarios, {classes['never']} never"
    )
    if result.resumed:
        console.print(f"{result.resumed:,} scenarios were finished before and read back")
    console.print(f"sweep folder: {folder}")


def render_target(t: TargetResult, console: Console) -> None:
    """One sentence: the value found, or that no value in the range reaches the target."""
    if t.reached:
        console.print(
            f"{t.key} = {_value(t.value)} is the smallest value that reaches satisfaction "
            f"{pct1(t.goal)} (it gives {pct1(t.achieved)}; searched {_value(t.low)} to "
            f"{_value(t.high)} in steps of {_value(t.tolerance)}, {t.solves} solves)"
        )
    else:
        console.print(
            f"no {t.key} from {_value(t.low)} to {_value(t.high)} reaches satisfaction "
            f"{pct1(t.goal)}: the most is {pct1(t.achieved)}, at {t.key} = {_value(t.high)}"
        )


def _value(v: object) -> str:
    if isinstance(v, float):
        return f"{v:,.0f}" if v.is_integer() and abs(v) >= 100 else f"{v:,.6g}"
    return str(v)


def _z(v: float) -> str:
    return MISSING if is_missing(v) else f"{v:,.1f}"
