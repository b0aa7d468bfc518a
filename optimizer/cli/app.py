"""The ``landquota`` command line.

Exit codes, shared by every command: 0 done, 1 the input data is not usable
(every problem printed to stderr, one per line; with --json as a JSON list on
stdout), 2 usage error (missing folder, bad option, a run folder path that is refused:
docs/runs.md), 3 internal error (a bug), 4 the scenario has no solution (infeasible or
unbounded; a diagnosis is printed), 5 the solver stopped without an optimum (time
limit or solver error), 130 interrupted by Ctrl-C (143 by SIGTERM; nothing
half-written is left). A command is one function decorated with
``@app.command()`` and ``@reports_errors``; it raises DataError / UsageError and
never prints a traceback for bad input.
"""

from __future__ import annotations

import functools
import itertools
import math
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from models.results import Status
from optimizer.analysis.tables import Result
from optimizer.cli.console import terminal_console
from optimizer.cli.report_check import render_check
from optimizer.cli.words import ENGLISH, Words
from optimizer.data.check import summarize_dataset
from optimizer.data.lang import resolve_lang
from optimizer.data.locks import parse_fixes
from optimizer.data.problems import DataError, Problem, UsageError
from optimizer.data.read import load_dataset
from optimizer.runs.json_text import to_json

EXIT_OK, EXIT_DATA, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
EXIT_NO_SOLUTION, EXIT_NOT_SOLVED = 4, 5
#: The one map from how a solve ended to the command's exit code.
STATUS_EXIT: dict[Status, int] = {
    Status.OPTIMAL: EXIT_OK,
    Status.INFEASIBLE: EXIT_NO_SOLUTION,
    Status.UNBOUNDED: EXIT_NO_SOLUTION,
    Status.TIME_LIMIT: EXIT_NOT_SOLVED,
    Status.ERROR: EXIT_NOT_SOLVED,
}
#: Ctrl-C (SIGINT): 128 + 2, as a shell reports a process stopped by it.
EXIT_INTERRUPTED = 130
#: From this many counties a solve takes seconds to minutes: `solve` says when it starts.
LARGE_DATASET = 5_000
#: Counties listed in the terminal before the table is cut (all are in allocation.csv).
TERMINAL_COUNTIES = 60

app = typer.Typer(
    name="landquota",
    help="Land-quota allocation optimizer for territorial spatial planning (国土空间规划).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

F = TypeVar("F", bound=Callable[..., Any])

# Options shared by commands that read a dataset.
DatasetArg = Annotated[
    Path,
    typer.Argument(
        help="Dataset folder: counties.csv, groups.csv, group_members.csv, scenario.toml.",
        show_default=False,
    ),
]
LangOption = Annotated[
    str | None,
    typer.Option(
        "--lang",
        metavar="zh|en",
        help="Language of the report: zh (中文) or en (default: $LANDQUOTA_LANG, else en). "
        "Files keep their English names.",
        show_default=False,
    ),
]
SetOption = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        metavar="KEY=VALUE",
        help="Override a scenario key, e.g. --set quota.total=50000 (repeatable).",
    ),
]
FixOption = Annotated[
    list[str] | None,
    typer.Option(
        "--fix",
        metavar="ID_OR_NAME=HA",
        help="Hold a county's new land at exactly HA ha (MODEL.md §8 locks), by county_id or "
        "unique name, e.g. --fix 古交市=120 (repeatable; replaces its locks.csv row).",
    ),
]
TieBreakOption = Annotated[
    str | None,
    typer.Option(
        "--tie-break",
        metavar="quadratic|none",
        help="Second stage (MODEL.md §6): quadratic (default) picks, of the equally good "
        "plans, the one with the same county figures for every solver; none keeps the "
        "solver's own vertex. Same as --set solver.tie_break=….",
    ),
]


def with_tie_break(overrides: dict[str, str], tie_break: str | None) -> dict[str, str]:
    """``--tie-break`` as the scenario key it stands for (checked like --set)."""
    if tie_break is not None:
        overrides["solver.tie_break"] = tie_break
    return overrides


def _print_version(value: bool) -> None:
    """``landquota --version``: the installed package's version, then exit 0."""
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            number = version("landquota")
        except PackageNotFoundError:  # run from a source tree that is not installed
            number = "(not installed: pip install -e .)"
        typer.echo(f"landquota {number}")
        raise typer.Exit(EXIT_OK)


@app.callback()
def _root(
    show_version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Land-quota allocation optimizer for territorial spatial planning (国土空间规划)."""


@contextmanager
def handle_errors(as_json: bool = False, lang: str | None = None) -> Iterator[None]:
    """Turn the project's errors into messages on stderr and the documented exit codes.

    With ``as_json`` (the command's --json, which promises JSON on stdout) the
    problems of bad data are printed on stdout as a JSON list of objects (file,
    row, column, value, rule, severity) and nothing else; the count stays on stderr.
    The problems are worded in ``lang`` (--lang, else LANDQUOTA_LANG; English when it is
    neither, as its own usage error says).
    """
    try:
        yield
    except (typer.Exit, typer.Abort, typer.TyperException):
        raise
    except KeyboardInterrupt:
        typer.echo("landquota: interrupted; no partial files were left.", err=True)
        stop_interrupted()
    except DataError as err:
        if as_json:
            records = [p.to_record() for p in err.problems]
            typer.echo(to_json(records))
        else:
            words = _words_or_english(lang)
            for problem in err.problems:
                typer.echo(words.problem(problem), err=True)
        n = len(err.problems)
        typer.echo(
            _words_or_english(lang)("problems_count", n=n)
            if _words_or_english(lang).zh
            else f"landquota: {n} problem{'s' if n != 1 else ''} in the input; nothing was done.",
            err=True,
        )
        raise typer.Exit(EXIT_DATA) from None
    except UsageError as err:
        typer.echo(f"landquota: error: {err}", err=True)
        raise typer.Exit(EXIT_USAGE) from None
    except Exception as err:
        if os.environ.get("LANDQUOTA_DEBUG"):
            raise
        typer.echo(
            f"landquota: internal error: {type(err).__name__}: {err}\n"
            "This is a bug; run again with LANDQUOTA_DEBUG=1 to see the traceback "
            "and please report it.",
            err=True,
        )
        raise typer.Exit(EXIT_INTERNAL) from None


def stop_interrupted() -> None:
    """End a command stopped by Ctrl-C with exit 130 (without C++ clean-up while a HiGHS
    solver thread still runs)."""
    highs = sys.modules.get("optimizer.solvers.highs")  # loaded only if HiGHS ran
    if highs is not None and highs.solve_left_running():
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(EXIT_INTERRUPTED)  # no C++ clean-up under a solver thread still running
    raise typer.Exit(EXIT_INTERRUPTED) from None


def reports_errors(func: F) -> F:
    """Decorator form of :func:`handle_errors` for command functions."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with handle_errors(as_json=bool(kwargs.get("as_json")), lang=kwargs.get("lang")):
            return func(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def _words_or_english(lang: str | None) -> Words:
    """The words of ``lang`` for an error message; English when ``lang`` is no language."""
    try:
        return Words(resolve_lang(lang))
    except ValueError:
        return ENGLISH


def report_words(lang: str | None) -> Words:
    """The reports' words in the language of ``--lang`` (else LANDQUOTA_LANG, else English).

    A language that is neither zh nor en is a usage error (exit 2), named with its source.
    """
    try:
        return Words(resolve_lang(lang))
    except ValueError as err:
        raise UsageError(str(err)) from None


def check_time_limit(seconds: float | None) -> float | None:
    """``--time-limit`` as given, or a UsageError: it must be a positive, finite number."""
    if seconds is not None and not (math.isfinite(seconds) and seconds > 0):
        raise UsageError(
            f"--time-limit must be a positive number of seconds (e.g. 60); got {seconds:g}"
        )
    return seconds


def exit_code(result: Result) -> int:
    """The exit code a run's status calls for (STATUS_EXIT)."""
    return STATUS_EXIT[result.status]


def _from_name_option(problem: Problem) -> Problem:
    """A problem with ``scenario.name`` from ``--name`` names that option."""
    if problem.file == "--set" and problem.column == "scenario.name":
        return replace(problem, file="--name")
    return problem


def parse_set(items: list[str] | None) -> dict[str, str]:
    """``["quota.total=50000"]`` → ``{"quota.total": "50000"}``; the loader reads the values."""
    out: dict[str, str] = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--set expects KEY=VALUE, e.g. --set quota.total=50000; got {item!r}")
        out[key.strip()] = value.strip()
    return out


@app.command()
@reports_errors
def check(
    dataset: DatasetArg,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the summary as JSON on stdout, nothing else.")
    ] = False,
    set_: SetOption = None,
    lang: LangOption = None,
) -> None:
    """Validate a dataset and summarise it; exit 1 listing every problem if it is not usable."""
    words = report_words(lang)
    ds = load_dataset(dataset, parse_set(set_))
    summary = summarize_dataset(ds)
    if as_json:
        typer.echo(to_json(summary, decimals=None))  # the data's own figures, unrounded
    else:
        render_check(summary, terminal_console(), words=words, dataset=ds)


@app.command()
@reports_errors
def solve(
    dataset: DatasetArg,
    out: Annotated[
        str | None,
        typer.Option(
            "--out",
            help="Run folder to write (default: outputs/<scenario name>/); an existing one is "
            "replaced only if it is a landquota run holding nothing but its own files.",
        ),
    ] = None,
    backend: Annotated[
        str | None,
        typer.Option(help="ortools | pulp | highs (default: scenario.toml [solver] backend)."),
    ] = None,
    solver: Annotated[
        str | None,
        typer.Option(help="Solver of the backend, e.g. glop, pdlp, highs, cbc, simplex, ipm."),
    ] = None,
    time_limit: Annotated[
        float | None,
        typer.Option("--time-limit", help="Seconds the solver may run (default: scenario.toml)."),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print summary.json on stdout and nothing else.")
    ] = False,
    set_: SetOption = None,
    fix: FixOption = None,
    name: Annotated[
        str | None, typer.Option(help="Scenario name for this run (names the default run folder).")
    ] = None,
    all_counties: Annotated[
        bool, typer.Option("--all", help="List every county in the terminal, however many.")
    ] = False,
    tie_break: TieBreakOption = None,
    lang: LangOption = None,
    area_unit: Annotated[
        str,
        typer.Option(
            "--area-unit",
            help="Areas in report.xlsx and report.html: ha | mu (亩, × 15). Files stay in ha.",
        ),
    ] = "ha",
) -> None:
    """Solve the allocation LP and write the run folder (allocation.csv, …, report.html)."""
    from optimizer.cli.report_solve import render_solve
    from optimizer.reports.labels import AreaUnit
    from optimizer.runs.target import check_target
    from optimizer.runs.write import summary_json, write_run
    from optimizer.solve import solve as run_solve

    check_time_limit(time_limit)
    words = report_words(lang)
    report_lang = words.lang
    try:
        report_area = AreaUnit(area_unit.strip().lower())
    except ValueError:
        choices = ", ".join(u.value for u in AreaUnit)
        raise UsageError(
            f"--area-unit={area_unit!r} is not an area unit (choose: {choices})"
        ) from None
    overrides = with_tie_break(parse_set(set_), tie_break)
    fixes = parse_fixes(fix)
    if name is not None:
        overrides["scenario.name"] = name
    try:
        ds = load_dataset(dataset, overrides)
    except DataError as err:  # a bad --name is reported as --name, not as --set
        if name is None:
            raise
        raise DataError([_from_name_option(p) for p in err.problems]) from None
    ds = ds.with_fixes(fixes)
    # before the solve: a place that cannot or must not be written is refused now (exit 2)
    target = check_target(out if out is not None else Path("outputs") / ds.scenario.name, dataset)
    if len(ds.counties) > LARGE_DATASET:  # a solve of seconds to minutes: say it started
        typer.echo(f"landquota: solving {len(ds.counties):,} counties… (Ctrl-C stops it)", err=True)
    result = run_solve(ds, backend=backend, solver=solver, time_limit_s=time_limit)
    for note in result.summary.notes:
        typer.echo(f"landquota: note: {note}", err=True)
    code = exit_code(result)
    if code == EXIT_OK or not result.diagnosis.empty:  # infeasible: summary.json, diagnosis
        write_run(result, target, lang=report_lang, area_unit=report_area)
    if as_json:
        typer.echo(summary_json(result))
    else:
        console = terminal_console()
        many = len(result.counties) > TERMINAL_COUNTIES and not all_counties
        render_solve(result, console, max_counties=TERMINAL_COUNTIES if many else None, words=words)
        if not result.diagnosis.empty:
            from optimizer.cli.report_explain import render_diagnosis

            render_diagnosis(result, console, words)
        if code == EXIT_OK or not result.diagnosis.empty:
            console.print(words("run_folder", path=target.path))
    raise typer.Exit(code)


RunArg = Annotated[
    Path,
    typer.Argument(
        help="A run folder (written by `landquota solve`) or a dataset folder (solved first).",
        show_default=False,
    ),
]
AllOption = Annotated[bool, typer.Option("--all", help="List every county, however many.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON on stdout, nothing else.")]
SolverOption = Annotated[
    str | None,
    typer.Option(
        help="For a dataset folder: solver of the backend (default: the backend's first)."
    ),
]


@app.command()
@reports_errors
def explain(
    path: RunArg,
    as_json: JsonOption = False,
    all_counties: AllOption = False,
    set_: SetOption = None,
    fix: FixOption = None,
    backend: Annotated[
        str | None,
        typer.Option(
            help="For a dataset folder: backend to solve with (default: the scenario's; "
            "auto chooses as `solve` does)."
        ),
    ] = None,
    solver: SolverOption = None,
    tie_break: TieBreakOption = None,
    lang: LangOption = None,
) -> None:
    """Why each county got what it got, and what each constraint costs (marginal values)."""
    from optimizer.analysis.explain import explain as explain_data
    from optimizer.cli.report_explain import render_diagnosis, render_explain
    from optimizer.cli.report_solve import headline_panel
    from optimizer.runs.read import load_result

    words = report_words(lang)
    overrides = with_tie_break(parse_set(set_), tie_break)
    result = load_result(
        path, overrides=overrides, backend=backend, solver=solver, fix=parse_fixes(fix)
    )
    code = exit_code(result)
    data = (
        explain_data(result)
        if code == EXIT_OK
        else {
            "status": result.status.value,
            "diagnosis": (
                result.summary.diagnosis.model_dump() if result.summary.diagnosis else {}
            ),
        }
    )
    if as_json:
        typer.echo(to_json(data))
    else:
        console = terminal_console()
        if code != EXIT_OK:
            console.print(headline_panel(result, words))
            render_diagnosis(result, console, words)
        else:
            many = len(result.counties) > TERMINAL_COUNTIES and not all_counties
            render_explain(
                data,
                result,
                console,
                max_counties=TERMINAL_COUNTIES if many else None,
                words=words,
            )
    raise typer.Exit(code)


@app.command()
@reports_errors
def compare(
    a: RunArg,
    b: RunArg,
    all_counties: AllOption = False,
    as_json: JsonOption = False,
    set_a: Annotated[
        list[str] | None,
        typer.Option(
            "--set-a", metavar="KEY=VALUE", help="Scenario override for A (a dataset folder)."
        ),
    ] = None,
    set_b: Annotated[
        list[str] | None,
        typer.Option(
            "--set-b", metavar="KEY=VALUE", help="Scenario override for B (a dataset folder)."
        ),
    ] = None,
    fix_a: Annotated[
        list[str] | None,
        typer.Option(
            "--fix-a", metavar="ID_OR_NAME=HA", help="Hold a county's new land in A (as --fix)."
        ),
    ] = None,
    fix_b: Annotated[
        list[str] | None,
        typer.Option(
            "--fix-b", metavar="ID_OR_NAME=HA", help="Hold a county's new land in B (as --fix)."
        ),
    ] = None,
    backend: Annotated[
        str | None,
        typer.Option(help="For dataset folders: backend (default: each scenario's own)."),
    ] = None,
    solver: SolverOption = None,
    tie_break: TieBreakOption = None,
    lang: LangOption = None,
) -> None:
    """Compare two runs side by side: headline, targets, groups, counties, prices (B − A)."""
    from optimizer.analysis.compare import compare as compare_runs
    from optimizer.cli.report_compare import render_compare
    from optimizer.runs.read import load_result

    words = report_words(lang)
    results = []
    for label, path, sets, fixes in (("A", a, set_a, fix_a), ("B", b, set_b, fix_b)):
        overrides = with_tie_break(parse_set(sets), tie_break)
        result = load_result(
            path, overrides=overrides, backend=backend, solver=solver, fix=parse_fixes(fixes)
        )
        code = exit_code(result)
        if code != EXIT_OK:
            typer.echo(
                f"landquota: {label} ({path}) has no solution ({result.status.value}): "
                f"nothing to compare; `landquota explain {path}` shows why.",
                err=True,
            )
            raise typer.Exit(code)
        results.append(result)
    labels = [
        side_label(path, result.summary.scenario.name, flag, sets, fixes)
        for path, result, flag, sets, fixes in zip(
            (a, b), results, ("--set-a", "--set-b"), (set_a, set_b), (fix_a, fix_b), strict=True
        )
    ]
    comparison = compare_runs(*results, *labels)
    if as_json:
        typer.echo(to_json(comparison.to_dict()))
        return
    render_compare(comparison, terminal_console(), all_counties=all_counties, words=words)


def side_label(
    path: Path, scenario: str, flag: str, sets: list[str] | None, fixes: list[str] | None = None
) -> str:
    """How compare's header names one side: its folder, its scenario and its overrides.

    ``runs/x (shanxi-central-2035) --set-b quota.total=54000``: two sides solved from one
    dataset folder differ by their overrides (and fixes, ``--fix-b``), so the header shows them.
    """
    label = f"{path} ({scenario})"
    fix_flag = flag.replace("--set", "--fix")
    return " ".join(
        [
            label,
            *(f"{flag} {item}" for item in sets or []),
            *(f"{fix_flag} {item}" for item in fixes or []),
        ]
    )


@app.command()
@reports_errors
def init(
    folder: Annotated[
        Path, typer.Argument(help="New dataset folder to write.", show_default=False)
    ],
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang",
            metavar="zh|en",
            help="Headers and README in Chinese (zh) or English (en; default: "
            "$LANDQUOTA_LANG, else en).",
            show_default=False,
        ),
    ] = None,
    counties: Annotated[
        int, typer.Option(help="Rows of counties.csv to fill in (add more later).")
    ] = 3,
) -> None:
    """Write a template dataset to fill in (counties.csv, groups, scenario.toml, README)."""
    from optimizer.data.template import write_template

    words = report_words(lang)
    written = write_template(folder, words.lang, counties)
    typer.echo(words("init_done", folder=written, n=counties))


@app.command()
@reports_errors
def synth(
    out_dir: Annotated[Path, typer.Argument(help="Dataset folder to write.", show_default=False)],
    counties: Annotated[int, typer.Option(help="Number of county-level units.")] = 300,
    cities: Annotated[
        int | None,
        typer.Option(
            help="Number of cities (provinces for national data); default: counties / 10."
        ),
    ] = None,
    groups: Annotated[
        int | None,
        typer.Option(help="Number of (overlapping) priority groups; default: cities, 3 to 20."),
    ] = None,
    seed: Annotated[int, typer.Option(help="Random seed: same seed, same files.")] = 0,
    scope: Annotated[
        str,
        typer.Option(help="Linkage scope written to scenario.toml: region | city | county | none."),
    ] = "region",
    periods: Annotated[
        str | None,
        typer.Option(
            help="Period ends of a phased plan, e.g. 2025,2035 (a [periods] block, "
            "MODEL.md §7); the last must be 2035. Default: one period."
        ),
    ] = None,
) -> None:
    """Write a synthetic dataset in the MODEL.md format (for benchmarks and trials)."""
    from optimizer.runs.synth import write_synthetic

    if scope not in ("region", "city", "county", "none"):
        raise UsageError(f"--scope must be region, city, county or none; got {scope!r}")
    ends = None
    if periods is not None:
        try:
            ends = tuple(int(y) for y in periods.split(","))
        except ValueError:
            raise UsageError(
                f"--periods must be years separated by commas; got {periods!r}"
            ) from None
        if any(b <= a for a, b in itertools.pairwise(ends)) or ends[-1] != 2035:
            raise UsageError(f"--periods must increase and end in 2035; got {periods!r}")
    folder = write_synthetic(out_dir, counties, cities, groups, seed, scope, ends)
    typer.echo(f"wrote {folder} ({counties} counties)")


@app.command()
@reports_errors
def bench(
    counties: Annotated[
        list[str] | None,
        typer.Option(
            "--counties",
            metavar="N[:CITIES]",
            help="Synthetic size to time (repeatable): 2850, 2850:31, national or township. "
            "Default: 300.",
        ),
    ] = None,
    dataset: Annotated[
        list[Path] | None,
        typer.Option("--dataset", help="Also time this dataset folder as it is (repeatable)."),
    ] = None,
    backend: Annotated[
        list[str] | None,
        typer.Option(
            "--backend",
            metavar="BACKEND[:SOLVER]",
            help="Backend and solver to time (repeatable), e.g. ortools:glop, highs:ipm, pulp. "
            "Default: the scenario's.",
        ),
    ] = None,
    scope: Annotated[
        str,
        typer.Option(
            help="Linkage scope of the synthetic datasets: city | region | county | none."
        ),
    ] = "city",
    seed: Annotated[int, typer.Option(help="Seed of the synthetic datasets.")] = 20240601,
    time_limit: Annotated[
        float | None,
        typer.Option("--time-limit", help="Seconds each solver may run (default: the scenario's)."),
    ] = None,
    timeout: Annotated[
        float, typer.Option(help="Seconds a whole run may take before it is stopped.")
    ] = 900.0,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the figures as JSON on stdout, nothing else.")
    ] = False,
) -> None:
    """Time every stage of a solve (read … write) and its peak memory, per size and solver."""
    from optimizer.bench import format_table, run_benchmarks, size_spec

    check_time_limit(time_limit)
    if scope not in ("region", "city", "county", "none"):
        raise UsageError(f"--scope must be region, city, county or none; got {scope!r}")
    try:
        sizes = [size_spec(s) for s in counties or ([] if dataset else ["300"])]
    except ValueError:
        raise UsageError(
            f"--counties expects N, N:CITIES, national or township; got {counties}"
        ) from None
    solvers = [(b.partition(":")[0], b.partition(":")[2] or None) for b in backend or []]
    progress = (
        None
        if as_json
        else (
            lambda r: typer.echo(
                f"  {r['dataset']}: {r.get('backend')}/{r.get('solver')} {r['status']} "
                f"in {r.get('process_seconds', 0):.2f} s",
                err=True,
            )
        )
    )
    results = run_benchmarks(
        sizes,
        solvers or [(None, None)],
        datasets=dataset or [],
        scope=scope,
        seed=seed,
        time_limit_s=time_limit,
        timeout_s=timeout,
        progress=progress,
    )
    if as_json:
        typer.echo(to_json(results))
        return
    typer.echo(format_table(results))


@app.command()
@reports_errors
def sweep(
    dataset: DatasetArg,
    grid: Annotated[
        list[str] | None,
        typer.Option(
            "--grid",
            metavar="KEY=START:STOP:STEP|KEY=v1,v2,…",
            help="A scenario key (or counties.<column> as a factor) and its values, STOP "
            "included (repeatable: the cross product), e.g. --grid quota.total=40000:80000:5000.",
        ),
    ] = None,
    sample: Annotated[
        int | None,
        typer.Option("--sample", metavar="N", help="Draw N scenarios from --spec's distributions."),
    ] = None,
    spec: Annotated[
        Path | None,
        typer.Option("--spec", help="sweep.toml: the sample.KEY distributions (docs/sweeps.md)."),
    ] = None,
    seed: Annotated[
        int | None, typer.Option(help="Seed of the draws (default: the spec's, else 0).")
    ] = None,
    out: Annotated[
        str | None,
        typer.Option("--out", help="Sweep folder to write (default: outputs/<name>-sweep/)."),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(help="Solve on a local Dask cluster of N worker processes."),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(metavar="tcp://HOST:PORT", help="Solve on an existing Dask cluster."),
    ] = None,
    chunk_size: Annotated[
        int, typer.Option("--chunk-size", help="Scenarios per chunk of work.")
    ] = 25,
    importance: Annotated[
        bool,
        typer.Option(
            "--importance",
            help="Also score each county: how much Z falls if it gets nothing beyond its "
            "minimum (one more solve per county).",
        ),
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print summary.json on stdout and nothing else.")
    ] = False,
    set_: SetOption = None,
    tie_break: TieBreakOption = None,
) -> None:
    """Solve many scenarios (a grid, sampled draws) warm and write the sweep folder."""
    from optimizer.cli.report_sweep import render_sweep, sweep_progress
    from optimizer.sweep.api import plan
    from optimizer.sweep.api import sweep as run_sweep
    from optimizer.sweep.output import check_sweep_target, default_folder, write_sweep
    from optimizer.sweep.run import DEFAULT_CHUNK_SIZE
    from optimizer.sweep.store import ChunkStore, partial_path

    if workers is not None and scheduler is not None:
        raise UsageError("give --workers N (a local cluster) or --scheduler ADDRESS, not both")
    if workers is not None and workers < 1:
        raise UsageError(f"--workers must be at least 1; got {workers}")
    if chunk_size < 1:
        raise UsageError(f"--chunk-size must be at least 1; got {chunk_size}")
    ds = load_dataset(dataset, with_tie_break(parse_set(set_), tie_break))
    full = plan(ds, grid, sample, spec, seed)  # a bad --grid or --spec: exit 2, nothing written
    place = out if out is not None else default_folder(ds.scenario.name)
    target = check_sweep_target(place, dataset)
    store = None
    try:
        with _dask_client(workers, scheduler) as client, sweep_progress(not as_json) as progress:
            store = ChunkStore(partial_path(target.real))  # kept if stopped: a re-run resumes
            result = run_sweep(
                ds,
                spec=full,
                executor=client,
                chunk_size=chunk_size or DEFAULT_CHUNK_SIZE,
                store=store,
                importance=importance,
                progress=progress,
            )
    except KeyboardInterrupt:
        kept = f" (kept in {store.folder})" if store is not None else ""
        typer.echo(
            f"landquota: interrupted; the finished chunks of scenarios{kept} are read back "
            "when the same command runs again; no sweep folder was written.",
            err=True,
        )
        stop_interrupted()
    folder = write_sweep(result, target)
    store.remove()
    if as_json:
        typer.echo(to_json(result.summary))
    else:
        render_sweep(result, terminal_console(), str(folder))


@contextmanager
def _dask_client(workers: int | None, scheduler: str | None) -> Iterator[Any]:
    """A Dask client: a local cluster of ``workers`` processes, or the scheduler's; or None."""
    if workers is None and scheduler is None:
        yield None
        return
    import logging

    try:
        from distributed import Client, LocalCluster
    except ImportError:  # pragma: no cover - a dependency of the package
        raise UsageError(
            "--workers/--scheduler need dask distributed: pip install distributed"
        ) from None
    if scheduler is not None:
        try:
            client = Client(scheduler, timeout="10s")
        except (OSError, TimeoutError, ValueError) as err:
            raise UsageError(f"--scheduler {scheduler}: cannot connect ({err})") from None
        with client:
            yield client
        return
    with (
        LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


@app.command()
@reports_errors
def target(
    dataset: DatasetArg,
    goal: Annotated[
        str,
        typer.Argument(
            metavar="satisfaction=X",
            help="The figure to reach: satisfaction=0.8 (Σ allocation / Σ demand).",
            show_default=False,
        ),
    ],
    vary: Annotated[
        str, typer.Option(help="The key to search (default: the pool quota.total).")
    ] = "quota.total",
    range_: Annotated[
        str | None,
        typer.Option(
            "--range",
            metavar="LOW:HIGH",
            help="Values to search (default for quota.total: 0 to Σ demand).",
        ),
    ] = None,
    tolerance: Annotated[
        float, typer.Option(help="Step the answer is exact to, in the key's unit (1 ha).")
    ] = 1.0,
    as_json: Annotated[
        bool,
        typer.Option("--json", help="Print {key, value, reached, achieved} and nothing else."),
    ] = False,
    set_: SetOption = None,
    tie_break: TieBreakOption = None,
) -> None:
    """The smallest value of a key (the pool) whose optimum reaches a satisfaction; exit 4
    if no value in the range reaches it."""
    from optimizer.cli.report_sweep import render_target
    from optimizer.sweep.target import METRICS
    from optimizer.sweep.target import target as find_target

    metric, sep, text = goal.partition("=")
    if not sep or metric.strip() not in METRICS:
        raise UsageError(f"the target is satisfaction=X, e.g. satisfaction=0.8; got {goal!r}")
    try:
        value = float(text)
    except ValueError:
        raise UsageError(f"satisfaction={text}: not a number (e.g. 0.8 for 80 %)") from None
    low = high = None
    if range_ is not None:
        lo, sep, hi = range_.partition(":")
        try:
            low, high = float(lo), float(hi)
        except ValueError:
            raise UsageError(f"--range expects LOW:HIGH, e.g. 0:100000; got {range_!r}") from None
    ds = load_dataset(dataset, with_tie_break(parse_set(set_), tie_break))
    found = find_target(ds, value, vary.strip(), low=low, high=high, tolerance=tolerance)
    if as_json:
        typer.echo(to_json(found.to_dict()))
    else:
        render_target(found, terminal_console())
    raise typer.Exit(EXIT_OK if found.reached else EXIT_NO_SOLUTION)


def main() -> None:
    """Console-script entry point (``landquota``)."""
    app()


if __name__ == "__main__":
    main()
