"""Reading a dataset folder (MODEL.md §2) into a validated :class:`Dataset`.

What a planner exports from Excel is accepted as it comes: UTF-8 with or
without BOM or GB18030/GBK, English or Chinese headers (with a unit in
brackets, converted to the model's unit), full-width digits, thousands
separators. What cannot be read without a guess is an error: a row that does
not line up with the header, a comma in a number of a semicolon-separated
file, an unknown unit. Everything wrong with the data is collected and raised
at once as a :class:`DataError`; a wrong request (no such folder) is a
:class:`UsageError`. Nothing here prints.
"""

from __future__ import annotations

import codecs
import copy
import csv
import difflib
import functools
import io
import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal, NamedTuple, get_args, get_origin

import pandas as pd
from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from models.inputs import PROJECT_KINDS, ZONES
from models.scenario import Scenario
from optimizer.data import rules as v
from optimizer.data import warnings as w
from optimizer.data.aliases import (
    HEADER_ALIASES,
    MILESTONE_COLUMNS,
    PROJECT_KIND_ALIASES,
    QUANTITY_OF_UNIT,
    ZONE_ALIASES,
    UnitConversion,
    find_unit,
    milestone_aliases,
    units_for,
)
from optimizer.data.dataset import Dataset
from optimizer.data.names import with_county_names
from optimizer.data.problems import DataError, Problem, Severity, UsageError, sorted_problems

REQUIRED_FILES: tuple[str, ...] = ("counties.csv", "scenario.toml")
#: Files that may be left out: without groups.csv and group_members.csv the dataset has
#: no priority groups (as with header rows alone); without transfer_costs.csv linkage
#: follows linkage.scope.
OPTIONAL_FILES: tuple[str, ...] = (
    "groups.csv",
    "group_members.csv",
    "transfer_costs.csv",
    "projects.csv",
    "period_demand.csv",
    "locks.csv",
)
#: Optional files read as tables without rows when they are left out.
EMPTY_WHEN_MISSING: tuple[str, ...] = ("groups.csv", "group_members.csv")

# A trailing bracket of a header (after NFKC: （）→ (), ［］→ []; 【】 and 〔〕 stay).
_BRACKET = re.compile(r"\s*[(\[【〔]([^()\[\]【】〔〕]*)[)\]】〕]\s*$")
_YEAR = re.compile(r"(\d{4})\s*年?")
# A year written before the name: 2035年城镇人口 (not a period such as 2021-2035年…).
_LEADING_PERIOD = re.compile(r"^\d{4}\s*年?\s*[-–—~至到]\s*\d{4}\s*年?\s*")
_LEADING_YEAR = re.compile(r"^(\d{4})\s*年?\s*(?=[^\d\s\-–—~至到])")
_PERIOD = re.compile(r"\d{4}\s*年?\s*[-–—~至到]\s*\d{4}\s*年?")
_COLUMN_YEAR = re.compile(r"_(\d{4})$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# An unquoted thousands separator splits 1,000 into the cells "1" and "000". Only a tail
# with a leading zero is taken as a sign of it: "250" next to "450" is two numbers.
_SPLIT_HEAD = re.compile(r"[+-]?[1-9]\d{0,2}")
_SPLIT_TAIL = re.compile(r"0\d{2}(?:\.\d*)?")


class Raw(NamedTuple):
    """One table as read: cells as text under English columns, and how to read them."""

    cells: pd.DataFrame
    headers: dict[str, str]  # English column → header as written
    conversions: tuple[UnitConversion, ...] = ()  # columns whose header names another unit
    ambiguous_comma: bool = False  # semicolon-separated: a comma in a number is ambiguous
    misaligned: frozenset[int] = frozenset()  # rows that do not line up with the header


class Header(NamedTuple):
    """A header split into its name, a year written in brackets and a unit in brackets."""

    name: str
    year: str  # "2035" for 城镇人口（2035年）, '' when none
    unit: str | None  # "单位：亩" for 耕地2020（单位：亩）, None when none


# --------------------------------------------------------------------------- public API


def load_dataset(folder: str | Path, overrides: Mapping[str, Any] | None = None) -> Dataset:
    """Read and validate the dataset in ``folder``.

    ``overrides`` are dotted scenario keys, e.g. ``{"quota.total": 50000}``
    (text values are read as TOML literals, as ``--set`` gives them), applied to
    scenario.toml before it is validated. Raises UsageError when ``folder`` is
    not a folder, DataError listing every problem when the data is not usable.
    """
    folder = Path(folder)
    if not folder.exists():
        raise UsageError(f"dataset folder not found: {folder}")
    if not folder.is_dir():
        raise UsageError(f"not a folder: {folder} (give the dataset folder, not a file in it)")
    present = {p.name.casefold(): p for p in folder.iterdir() if p.is_file()}
    problems: list[Problem] = []
    raws: dict[str, Raw | None] = {}
    for spec in v.SPECS:
        path = present.get(spec.file)
        if path is None:
            if spec.file in REQUIRED_FILES:
                problems.append(_missing_file(spec.file, present))
                raws[spec.file] = None
            elif spec.file in EMPTY_WHEN_MISSING:  # no groups: a table without rows
                raws[spec.file], _ = table_from_cells(
                    spec.names, pd.DataFrame(columns=range(len(spec.names)), dtype="str"), spec
                )
            else:
                raws[spec.file] = None
            continue
        raw, found = read_csv_table(path, spec)
        raws[spec.file] = raw
        problems += found
    members = raws.get(v.MEMBERS.file)
    if "groups.csv" not in present and members is not None and not members.cells.empty:
        problems.append(  # memberships of groups that are nowhere defined
            Problem(
                "groups.csv",
                "the file is missing from the dataset folder, but group_members.csv names "
                "groups: add groups.csv, or leave out both files for a dataset without groups",
                code="groups_missing_for_members",
            )
        )
    scenario: Scenario | None = None
    toml_path = present.get("scenario.toml")
    if toml_path is None:
        problems.append(_missing_file("scenario.toml", present))
        problems += _check_overrides(overrides or {})
    else:
        scenario, found = read_scenario(toml_path, overrides, default_name=folder.resolve().name)
        problems += found
    return _assemble(raws, scenario, problems, source=folder)


def dataset_from_tables(
    counties: pd.DataFrame | Sequence[BaseModel | Mapping[str, Any]],
    groups: pd.DataFrame | Sequence[BaseModel | Mapping[str, Any]] | None,
    members: pd.DataFrame | Sequence[BaseModel | Mapping[str, Any]] | None,
    scenario: Scenario | Mapping[str, Any],
    transfer_costs: pd.DataFrame | Sequence[BaseModel | Mapping[str, Any]] | None = None,
    projects: pd.DataFrame | Sequence[BaseModel | Mapping[str, Any]] | None = None,
    period_demand: pd.DataFrame | Sequence[BaseModel | Mapping[str, Any]] | None = None,
    locks: pd.DataFrame | Sequence[BaseModel | Mapping[str, Any]] | None = None,
) -> Dataset:
    """Validate tables built in memory exactly as files would be.

    Each table is a DataFrame, or a list of the pydantic row models or of dicts;
    ``groups``/``members`` None means no rows. Problems name "counties.csv" etc.
    and row = position + 2, as if the table had been saved with a header row.
    """
    problems: list[Problem] = []
    raws: dict[str, Raw | None] = {}
    given = {
        v.COUNTIES.file: counties,
        v.GROUPS.file: groups,
        v.MEMBERS.file: members,
        v.TRANSFER_COSTS.file: transfer_costs,
        v.PROJECTS.file: projects,
        v.PERIOD_DEMAND.file: period_demand,
        v.LOCKS.file: locks,
    }
    for spec in v.SPECS:
        table = given[spec.file]
        if table is None and spec in (v.TRANSFER_COSTS, v.PROJECTS, v.PERIOD_DEMAND, v.LOCKS):
            raws[spec.file] = None
            continue
        frame = _frame_from(table, spec)
        raw, found = table_from_cells(frame.columns, frame.reset_index(drop=True), spec)
        raws[spec.file] = raw
        problems += found
    if isinstance(scenario, Scenario):
        valid: Scenario | None = scenario
    else:
        valid, found = scenario_from_data(dict(scenario), {}, default_name=None)
        problems += found
    return _assemble(raws, valid, problems, source=None)


def parse_header(text: str) -> Header:
    """Split a header into name, bracketed year and bracketed unit (after NFKC).

    Trailing brackets may be (), （）, [], ［］, 【】 or 〔〕, in any order: a year
    ("(2035年)") goes with the name, a period ("(2021-2035年)") is dropped, anything else
    is the unit. A year may also lead the name: "2035年城镇人口" is 城镇人口 of 2035.
    """
    t = unicodedata.normalize("NFKC", str(text)).replace("\ufeff", "").strip()
    year, unit = "", None
    while (m := _BRACKET.search(t)) is not None:
        inner = m.group(1).strip()
        if not year and (y := _YEAR.fullmatch(inner)):
            year = y.group(1)
        elif inner and not _PERIOD.fullmatch(inner):
            if unit is not None:
                break
            unit = inner
        t = t[: m.start()]
    t = t.strip()
    if (period := _LEADING_PERIOD.match(t)) is not None and period.end() < len(t):
        t = t[period.end() :]  # 2021-2035年新增建设用地需求: the plan period, dropped
    if not year and (lead := _LEADING_YEAR.match(t)) is not None:
        year, t = lead.group(1), t[lead.end() :]
    return Header(t.strip(), year, unit)


def header_key(text: str, keep_parentheses: bool = False) -> str:
    """How headers are compared: NFKC, no brackets, no spaces/underscores, any case.

    "2035年" counts as "2035". With ``keep_parentheses`` a year in brackets is kept
    as part of the name ("城镇人口(2035)" → "城镇人口2035"); a unit never is.
    """
    h = parse_header(text)
    t = h.name + (h.year if keep_parentheses else "")
    t = re.sub(r"(\d{4})年", r"\1", t)
    return re.sub(r"[\s_\-]+", "", t).casefold()


def decode(data: bytes) -> tuple[str, str] | None:
    """Text and encoding of a file's bytes, or None when it is not text.

    UTF-8 (with or without BOM) is tried strictly first, so UTF-8 is never read
    as GBK; then GB18030, the superset of GBK that Chinese Excel writes. UTF-16
    is recognised by its BOM (Excel "Unicode text").
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates: tuple[str, ...] = ("utf-16",)
    elif b"\x00" in data:
        return None
    elif data.startswith(codecs.BOM_UTF8):
        candidates = ("utf-8-sig",)
    else:
        candidates = ("utf-8", "gb18030")
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return None if _CONTROL.search(text) else (text, encoding)
    return None


def read_csv_table(path: Path, spec: v.TableSpec) -> tuple[Raw | None, list[Problem]]:
    """Cells of one CSV file as text, under English column names, index = spreadsheet row.

    Every row must line up with the header row: a row with more cells than the
    header is an error (an unquoted comma, most often a thousands separator,
    shifts every later value), even when the extra cells are empty. A row with
    fewer cells reads the missing ones as empty: Excel leaves out trailing empty
    cells on some rows. The header's own trailing empty cells count, so rows
    that Excel writes with the same trailing empties line up.
    """
    text, problem = _read_text(path, spec.file)
    if problem is not None:
        return None, [problem]
    assert text is not None
    if not text.strip():
        return None, [
            Problem(
                spec.file,
                "the file is empty: it needs a header row (" + ", ".join(spec.names) + ")",
                code="file_empty",
                params={"columns": ", ".join(spec.names)},
            )
        ]
    end = text.find("\n")
    first_line = text if end < 0 else text[:end]
    delimiter = max(",\t;", key=first_line.count) if any(d in first_line for d in ",\t;") else ","
    try:
        rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error as err:
        return None, [
            Problem(
                spec.file,
                f"cannot be read as CSV: {err}",
                code="not_csv",
                params={"detail": str(err)},
            )
        ]
    header, data = rows[0], rows[1:]
    width = len(header)
    long = [i for i, r in enumerate(data) if len(r) > width and any(c.strip() for c in r)]
    if len(set(map(len, rows))) > 1:
        data = [r[:width] + [""] * (width - len(r)) for r in data]
    cells = (
        pd.DataFrame(data, columns=range(width), dtype="str")
        if data
        else pd.DataFrame(columns=range(width), dtype="str")
    )
    cells.index = pd.RangeIndex(2, 2 + len(data))
    nfkc = not unicodedata.is_normalized("NFKC", text)
    raw, problems = table_from_cells(header, cells, spec, nfkc=nfkc)
    if raw is not None:
        raw = raw._replace(
            ambiguous_comma=delimiter == ";", misaligned=frozenset(i + 2 for i in long)
        )
        problems += [_long_row(rows[i + 1], i + 2, header, spec.file) for i in long]
    return raw, problems


def _long_row(row: list[str], number: int, header: list[str], file: str) -> Problem:
    """A row with more cells than the header: where a number may have been split at a comma."""
    column = value = None
    for i in range(min(len(row) - 1, len(header))):
        a, b = row[i].strip(), row[i + 1].strip()
        if _SPLIT_HEAD.fullmatch(a) and _SPLIT_TAIL.fullmatch(b):
            column, value = header[i].strip() or f"column {i + 1} (no header)", f"{a},{b}"
            break
    hint = f"; perhaps {value!r} is one number split at its comma" if value else ""
    return Problem(
        file,
        f"the row has more cells than the header ({len(row)} against {len(header)}), so its "
        "values do not line up with the columns: a value may hold an unquoted comma, e.g. a "
        'thousands separator (write "1,000" in quotes, or 1000)' + hint,
        row=number,
        column=column,
        value=value,
        code="long_row_split" if value else "long_row",
        params={"cells": len(row), "header": len(header), "split": repr(value)},
    )


def table_from_cells(
    header: Iterable[Any], cells: pd.DataFrame, spec: v.TableSpec, nfkc: bool = True
) -> tuple[Raw | None, list[Problem]]:
    """Map headers to English column names, clean cells, drop blank rows.

    ``cells`` has one column per header entry (by position); its index is the
    spreadsheet row number, or a RangeIndex from 0 for tables from memory.
    ``nfkc=False`` when the whole file is known to be NFKC-normalised already.
    """
    header = [str(h) for h in header]
    if isinstance(cells.index, pd.RangeIndex) and cells.index.start == 0:
        cells = cells.set_axis(pd.RangeIndex(2, 2 + len(cells)), axis=0)
    lookup = _header_lookup(spec)
    problems: list[Problem] = []
    chosen: dict[str, int] = {}
    headers: dict[str, str] = {}
    unknown: list[tuple[int, str]] = []
    conversions: list[UnitConversion] = []
    for pos, written in enumerate(header):
        column = _column_of(written, lookup)
        if column is None:
            key = header_key(written)
            if key or cells.iloc[:, pos].astype("str").fillna("").str.strip().ne("").any():
                unknown.append((pos, written))
            continue
        if column in chosen:
            problems.append(
                Problem(
                    spec.file,
                    f"two columns mean {column}: {headers[column]!r} and {written!r}; keep one",
                    row=1,
                    column=written,
                    code="two_columns",
                    params={
                        "column": column,
                        "first": repr(headers[column]),
                        "second": repr(written),
                    },
                )
            )
            continue
        conversion, problem = _header_unit(spec, column, written)
        if problem is not None:
            problems.append(problem)
        elif conversion is not None:
            conversions.append(conversion)
        chosen[column] = pos
        headers[column] = written.strip()
    if header and not chosen:
        return None, [
            Problem(
                spec.file,
                "no known column name in row 1: the first row must be the header row ("
                + ", ".join(spec.names)
                + "; or the Chinese names in docs/inputs.md)",
                row=1,
                code="no_header",
                params={"columns": ", ".join(spec.names)},
            )
        ]
    guesses: dict[str, str] = {}
    for pos, written in unknown:
        close = difflib.get_close_matches(header_key(written), list(lookup), n=1, cutoff=0.75)
        hint = ""
        if close and lookup[close[0]] not in chosen:
            guesses[lookup[close[0]]] = written
            hint = f" (did you mean {lookup[close[0]]}?)"
        shown = written if written.strip() else f"column {pos + 1} (no header)"
        # (a headerless column's label stays English: "column 3 (no header)")
        problems.append(
            Problem(
                spec.file,
                f"unknown column, ignored{hint}",
                row=1,
                column=shown,
                severity=Severity.WARNING,
                code="unknown_column_close" if hint else "unknown_column",
                params={"close": lookup[close[0]] if hint else ""},
            )
        )
    for col in spec.columns:
        if col.required and col.name not in chosen:
            names = ", ".join(
                [col.name, *(a for a, c in HEADER_ALIASES[spec.file].items() if c == col.name)]
            )
            hint = f"; is {guesses[col.name]!r} meant to be it?" if col.name in guesses else ""
            problems.append(
                Problem(
                    spec.file,
                    f"missing required column {col.name} (accepted headers: {names})" + hint,
                    column=col.name,
                    code="missing_column_guess" if hint else "missing_column",
                    params={
                        "column": col.name,
                        "names": names,
                        "guess": repr(guesses.get(col.name, "")),
                    },
                )
            )
    raw = v.clean_cells(
        cells.iloc[:, list(chosen.values())].set_axis(list(chosen), axis=1), nfkc=nfkc
    )
    if "zone" in raw.columns:
        raw["zone"] = _zone_names(raw["zone"])
    if spec is v.PROJECTS and "kind" in raw.columns:
        raw["kind"] = _project_kinds(raw["kind"])
    if spec in (v.PROJECTS, v.PERIOD_DEMAND, v.LOCKS) and "period_end" in raw.columns:  # 2035年
        text = raw["period_end"].astype("str").fillna("").str.strip()
        raw["period_end"] = text.str.replace(r"^(\d{4})\s*年$", r"\1", regex=True)
    if len(raw.columns):
        blank = (raw.isna() | raw.eq("")).all(axis=1)
        raw = raw.loc[~blank]
    raw, totals = v.total_rows(raw, spec)
    problems += totals
    if raw.empty and not spec.may_be_empty:
        problems.append(
            Problem(spec.file, "has no data rows: at least one row is needed", code="no_rows")
        )
    return Raw(raw, headers, tuple(conversions)), problems


def _column_of(written: str, lookup: Mapping[str, str]) -> str | None:
    """The English column a header means, or None.

    A year in brackets is tried with the name first ("城镇人口（2035年）" is
    城镇人口2035), then without ("耕地面积（2020年）" is 耕地面积) unless the column
    found is of another year ("常住人口（2035年）" is not pop_2020).
    """
    with_year = lookup.get(header_key(written, keep_parentheses=True))
    if with_year is not None:
        return with_year
    column = lookup.get(header_key(written))
    year = parse_header(written).year
    own = None if column is None else _COLUMN_YEAR.search(column)
    if column is not None and year and own is not None and own.group(1) != year:
        return None
    return column


def _header_unit(
    spec: v.TableSpec, column: str, written: str
) -> tuple[UnitConversion | None, Problem | None]:
    """The conversion a number column's bracketed unit calls for, or why it is refused.

    Units of the model's own (ha, 公顷, 人, 亿元 …) need nothing; a known unit of the
    same quantity is converted (亩 → ha × 1/15); an unknown unit, or one of another
    quantity (亩 on a population), is an error. Text columns keep any bracket.
    """
    col = spec.column(column)
    unit = parse_header(written).unit
    if unit is None or col.kind not in ("number", "fraction"):
        return None, None

    def refused(message: str, code: str, **params: Any) -> tuple[None, Problem]:
        return None, Problem(
            spec.file, message, row=1, column=written, value=written, code=code, params=params
        )

    found = find_unit(unit)
    if col.unit is None:
        return refused(
            f"the header names a unit ({unit}) but {column} has none: write the header without it",
            "unit_on_unitless",
            unit=unit,
            column=column,
        )
    accepted = ", ".join(units_for(col.unit))
    column_is = f"{column} is in {col.unit} ({QUANTITY_OF_UNIT[col.unit]})"
    if found is None:
        return refused(
            f"unknown unit {unit!r}: {column_is}; a header may name {accepted} (docs/inputs.md §6)",
            "unknown_unit",
            unit=repr(unit),
            column=column,
            model_unit=col.unit,
            quantity=QUANTITY_OF_UNIT[col.unit],
            accepted=accepted,
        )
    name, known = found
    if known.to != col.unit:
        return refused(
            f"the unit {name} is a unit of {QUANTITY_OF_UNIT[known.to]}, but {column_is}; "
            f"a header may name {accepted}",
            "unit_of_other_quantity",
            unit=name,
            other_quantity=QUANTITY_OF_UNIT[known.to],
            column=column,
            model_unit=col.unit,
            quantity=QUANTITY_OF_UNIT[col.unit],
            accepted=accepted,
        )
    if known.identity:
        return None, None
    return (
        UnitConversion(
            spec.file, column, written.strip(), name, known.to, known.factor, known.shown
        ),
        None,
    )


def read_scenario(
    path: Path, overrides: Mapping[str, Any] | None = None, default_name: str | None = None
) -> tuple[Scenario | None, list[Problem]]:
    """scenario.toml with ``overrides`` applied, validated; problems instead of exceptions."""
    text, problem = _read_text(path, "scenario.toml")
    if problem is not None:
        return None, [problem, *_check_overrides(overrides or {})]
    try:
        data = tomllib.loads(text or "")
    except tomllib.TOMLDecodeError as err:
        return None, [
            Problem(
                "scenario.toml",
                f"is not valid TOML: {err}",
                code="not_toml",
                params={"detail": str(err)},
            ),
            *_check_overrides(overrides or {}),
        ]
    return scenario_from_data(data, overrides or {}, default_name)


def scenario_from_data(
    data: dict[str, Any],
    overrides: Mapping[str, Any],
    default_name: str | None,
    file: str = "scenario.toml",
) -> tuple[Scenario | None, list[Problem]]:
    """Validate scenario data after applying dotted overrides; errors name the file or --set."""
    data = copy.deepcopy(data)
    problems = _check_overrides(overrides)
    known = scenario_keys()
    for key, value in overrides.items():
        if key not in known:
            continue
        node = data
        *path, last = key.split(".")
        for part in path:
            if not isinstance(node.get(part), dict):
                node[part] = {}
            node = node[part]
        node[last] = _override_value(key, value)
    info = data.get("scenario")
    if default_name and (info is None or (isinstance(info, dict) and "name" not in info)):
        data["scenario"] = {**(info or {}), "name": default_name}
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as err:
        return None, problems + [_scenario_problem(e, overrides, file) for e in err.errors()]
    problems += _implausible_scenario(scenario, overrides, file)
    return (None, problems) if problems else (scenario, [])


#: Scenario keys in ha that no region can exceed (rules.PLAUSIBLE_MAX).
_AREA_KEYS = ("quota.total", "farmland.region_floor")


def _implausible_scenario(
    scenario: Scenario, overrides: Mapping[str, Any], file: str
) -> list[Problem]:
    """Areas in the scenario larger than China's land area: a wrong unit or a typo."""
    limit, what = v.PLAUSIBLE_MAX["ha"]
    out = []
    for key in _AREA_KEYS:
        section, name = key.split(".")
        value = getattr(getattr(scenario, section), name)
        if value is not None and value > limit:
            out.append(
                Problem(
                    "--set" if key in overrides else file,
                    f"is more than {what}: no region can have it; check the unit (ha) "
                    "and the value",
                    column=key,
                    value=v.fmt(value),
                    code="implausible_region_area",
                )
            )
    return out


def scenario_keys() -> dict[str, Any]:
    """Every settable scenario key, dotted, with its type."""
    return {key: field.annotation for key, field in _scenario_fields().items()}


def _required_keys() -> list[str]:
    return [key for key, field in _scenario_fields().items() if field.is_required()]


@functools.cache
def _scenario_fields() -> dict[str, FieldInfo]:
    out: dict[str, FieldInfo] = {}

    def walk(model: type[BaseModel], prefix: str) -> None:
        for name, field in model.model_fields.items():
            ann = field.annotation
            if isinstance(ann, type) and issubclass(ann, BaseModel):
                walk(ann, f"{prefix}{name}.")
            else:
                out[prefix + name] = field

    walk(Scenario, "")
    return out


# --------------------------------------------------------------------------- helpers


def _assemble(
    raws: Mapping[str, Raw | None],
    scenario: Scenario | None,
    problems: list[Problem],
    source: Path | None,
) -> Dataset:
    """Type and check every table, cross-check them, raise or build the Dataset."""
    tables: dict[str, pd.DataFrame | None] = {}
    headers_of: dict[str, dict[str, str]] = {}
    conversions: list[UnitConversion] = []
    for spec in v.SPECS:
        raw = raws.get(spec.file)
        if raw is None:
            tables[spec.file] = None
            continue
        cells, headers = raw.cells, raw.headers
        factors = {c.column: c.factor for c in raw.conversions}
        df, found = v.coerce_table(cells, spec, headers, factors, raw.ambiguous_comma)
        conversions += raw.conversions
        found += v.check_ranges(df, spec, headers)
        if spec in (v.COUNTIES, v.GROUPS, v.PROJECTS):
            found += v.check_ids(df, spec.file, (spec.names[0],), headers)
        if spec is v.COUNTIES:
            found += v.check_counties(df, headers)
        elif spec is v.GROUPS:
            found += v.check_groups(df, headers)
        if spec is v.COUNTIES:  # milestone columns (MODEL.md §7) only where the file has them
            df = df.drop(columns=[c for c in MILESTONE_COLUMNS if df[c].isna().all()])
        if raw.misaligned:  # its values are in the wrong columns: one error for the row is enough
            found = [p for p in found if p.row not in raw.misaligned]
        problems += found
        tables[spec.file], headers_of[spec.file] = df, headers
    counties, groups = tables[v.COUNTIES.file], tables[v.GROUPS.file]
    members, transfers = tables[v.MEMBERS.file], tables[v.TRANSFER_COSTS.file]
    county_ids = None if counties is None else counties["county_id"]
    named: set[tuple[str, int | None, str | None]] = set()  # names of several counties
    if counties is not None:  # county names where ids belong: read as the ids, with a hint
        for spec, table, columns in (
            (v.MEMBERS, members, ("county_id",)),
            (v.TRANSFER_COSTS, transfers, ("from_id", "to_id")),
            (v.LOCKS, tables[v.LOCKS.file], ("county_id",)),
        ):
            if table is not None:
                table, found = v.ids_from_names(
                    table, columns, counties, spec.file, headers_of[spec.file]
                )
                tables[spec.file] = table
                problems += found
                named |= {(p.file, p.row, p.column) for p in found if p.severity is Severity.ERROR}
        members, transfers = tables[v.MEMBERS.file], tables[v.TRANSFER_COSTS.file]
    checked = len(problems)
    if members is not None:
        problems += v.check_members(
            members,
            county_ids if county_ids is not None else members["county_id"],
            groups["group_id"] if groups is not None else members["group_id"],
            headers_of[v.MEMBERS.file],
        )
    if transfers is not None:
        problems += v.check_transfer_costs(
            transfers,
            county_ids
            if county_ids is not None
            else pd.concat([transfers["from_id"], transfers["to_id"]]),
            headers_of[v.TRANSFER_COSTS.file],
        )
    # a name of several counties is reported once, not again as an unknown id
    problems = problems[:checked] + [
        p for p in problems[checked:] if (p.file, p.row, p.column) not in named
    ]
    projects = tables[v.PROJECTS.file]
    if projects is not None:
        problems += v.check_projects(projects, counties, headers_of[v.PROJECTS.file], scenario)
    period_demand = tables[v.PERIOD_DEMAND.file]
    if period_demand is not None:
        problems += v.check_period_demand(
            period_demand, counties, headers_of[v.PERIOD_DEMAND.file], scenario
        )
    locks = tables[v.LOCKS.file]
    if locks is not None:
        found = v.check_locks(
            locks,
            counties,
            headers_of[v.LOCKS.file],
            scenario,
            period_demand=tables[v.PERIOD_DEMAND.file],
        )
        unreadable = {  # a row with a cell not read: its empty bounds are no news
            p.row for p in problems if p.file == v.LOCKS.file and p.severity is Severity.ERROR
        }
        problems += [
            p
            for p in found
            if (p.file, p.row, p.column) not in named
            and not (p.message == v.NO_SIDE and p.row in unreadable)
        ]
    problems = with_county_names(problems, counties)
    errors = [p for p in problems if p.severity is Severity.ERROR]
    if errors or scenario is None or counties is None or groups is None or members is None:
        raise DataError(sorted_problems(errors))
    table_warnings = [p for p in problems if p.severity is Severity.WARNING]
    warnings = list(table_warnings)
    warnings += with_county_names(
        w.county_warnings(counties, scenario, headers_of[v.COUNTIES.file]), counties
    )
    members = members.drop_duplicates(["group_id", "county_id"])
    warnings += w.dataset_warnings(counties, groups, members, scenario, transfers)
    rows = counties.sort_values("county_id", kind="stable").index
    return Dataset(
        counties=_sorted_table(counties, ["county_id"]),
        groups=_sorted_table(groups, ["group_id"]),
        members=_sorted_table(members, ["group_id", "county_id"]),
        scenario=scenario,
        transfer_costs=None
        if transfers is None
        else _sorted_table(transfers, ["from_id", "to_id"]),
        projects=None if projects is None else _sorted_table(projects, ["project_id"]),
        period_demand=None
        if period_demand is None
        else _sorted_table(period_demand, ["county_id", "period_end"]),
        locks=None if locks is None else _sorted_table(locks, ["county_id", "period_end"]),
        warnings=sorted_problems(warnings),
        source=source,
        table_warnings=table_warnings,
        conversions=conversions,
        county_rows=pd.Index(rows, dtype="int64"),
        county_headers=headers_of[v.COUNTIES.file],
    )


def _sorted_table(df: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    return df.sort_values(by, kind="stable").reset_index(drop=True)


def _read_text(path: Path, label: str) -> tuple[str | None, Problem | None]:
    try:
        data = path.read_bytes()
    except OSError as err:
        return None, Problem(
            label,
            f"cannot be read: {err.strerror or err}",
            code="unreadable",
            params={"detail": str(err.strerror or err)},
        )
    decoded = decode(data)
    if decoded is None:
        return None, Problem(
            label,
            "is not a text file (it holds binary data); if it is an "
            "Excel workbook, save it as CSV UTF-8 (逗号分隔) first",
            code="binary_file",
        )
    return decoded[0], None


def _missing_file(name: str, present: Mapping[str, Path]) -> Problem:
    stem = name.rsplit(".", 1)[0]
    near = sorted(p.name for k, p in present.items() if k.startswith(stem + ".") and k != name)
    hint = f"; found {', '.join(near)}: save it as {name}" if near else ""
    return Problem(
        name,
        "the file is missing from the dataset folder" + hint,
        code="file_missing_near" if near else "file_missing",
        params={"near": ", ".join(near), "name": name},
    )


def _header_lookup(spec: v.TableSpec) -> dict[str, str]:
    lookup = {header_key(c): c for c in spec.names}
    lookup.update({header_key(a): c for a, c in HEADER_ALIASES[spec.file].items()})
    if spec is v.COUNTIES:  # 城镇人口2025 / 2025年城镇人口, GDP2025 … (MODEL.md §7)
        lookup.update({header_key(a): c for a, c in milestone_aliases().items()})
    return lookup


def _zone_names(zone: pd.Series) -> pd.Series:
    """Zone cells with Chinese names and any-case English names turned into the enum."""
    text = zone.astype("str").fillna("")
    names = {**ZONE_ALIASES, **{z: z for z in ZONES}}
    mapped = text.str.casefold().map(names)
    return mapped.where(mapped.notna(), text).astype("str")


def _project_kinds(kind: pd.Series) -> pd.Series:
    """Project kinds with Chinese names and any-case English names turned into the enum."""
    text = kind.astype("str").fillna("")
    names = {**PROJECT_KIND_ALIASES, **{k: k for k in PROJECT_KINDS}}
    mapped = text.str.strip().str.casefold().map(names)
    return mapped.where(mapped.notna(), text).astype("str")


def _frame_from(table: Any, spec: v.TableSpec) -> pd.DataFrame:
    """A DataFrame from a DataFrame, a list of row models or dicts, or None (no rows)."""
    if table is None:
        return pd.DataFrame(columns=list(spec.names))
    if isinstance(table, pd.DataFrame):
        return table
    rows = [r.model_dump() if isinstance(r, BaseModel) else dict(r) for r in table]
    return pd.DataFrame(rows) if rows else pd.DataFrame(columns=list(spec.names))


def _check_overrides(overrides: Mapping[str, Any]) -> list[Problem]:
    keys = scenario_keys()
    out = []
    for key, value in overrides.items():
        if key in keys:
            continue
        close = difflib.get_close_matches(key, list(keys), n=1, cutoff=0.6)
        sections = {k.rsplit(".", i)[0] for k in keys for i in range(1, k.count(".") + 1)}
        if key in sections:
            msg = f"{key} is a section, not a key: name a key such as {_first_in(key, keys)}"
            code, params = "set_section", {"key": key, "example": _first_in(key, keys)}
        else:
            msg = "unknown scenario key" + (f" (did you mean {close[0]}?)" if close else "")
            code = "unknown_set_key_close" if close else "unknown_set_key"
            params = {"close": close[0] if close else ""}
        out.append(Problem("--set", msg, column=key, value=_shown(value), code=code, params=params))
    return out


def _first_in(section: str, keys: Iterable[str]) -> str:
    return next(k for k in keys if k.startswith(section + "."))


def _is_text(annotation: Any) -> bool:
    if annotation is str or get_origin(annotation) is Literal:
        return True
    return any(_is_text(a) for a in get_args(annotation))


def _override_value(key: str, value: Any) -> Any:
    """A --set value: TOML literal (50000, [0.5, 0.5], true) unless the key holds text."""
    if not isinstance(value, str) or _is_text(scenario_keys()[key]):
        return value
    try:
        return tomllib.loads(f"v = {value}")["v"]
    except tomllib.TOMLDecodeError:
        return value


def _shown(value: Any) -> Any:
    return None if value is None or isinstance(value, dict) else value


def _scenario_problem(err: Mapping[str, Any], overrides: Mapping[str, Any], file: str) -> Problem:
    loc = [str(p) for p in err["loc"] if not isinstance(p, int)]
    entries = [p + 1 for p in err["loc"] if isinstance(p, int)]  # tiers.shares[0] = entry 1
    key = ".".join(loc)
    overridden = any(o == key or o.startswith(key + ".") for o in overrides)
    kind = err["type"]
    params: dict[str, Any] = {}
    if kind == "extra_forbidden":
        close = difflib.get_close_matches(key, list(scenario_keys()), n=1, cutoff=0.6)
        msg = "unknown key" + (
            f" (did you mean {close[0]}?)"
            if close
            else ": not a scenario setting (see docs/inputs.md)"
        )
        code, params = ("unknown_key_close", {"close": close[0]}) if close else ("unknown_key", {})
    elif kind == "missing":
        if key not in scenario_keys():  # a whole section is missing: name its required key
            key = next((k for k in _required_keys() if k.startswith(key + ".")), key)
        msg = "is required" + (" (the quota pool in ha)" if key == "quota.total" else "")
        code = "required_quota" if key == "quota.total" else "required"
    elif isinstance(err.get("input"), bool):  # strict numbers: TOML true is not 1
        msg = "must be a number, not true or false"
        code = "bool_not_number"
    else:
        msg = str(err["msg"]).removeprefix("Value error, ")
        msg = msg[:1].lower() + msg[1:]
        # pydantic's own rule (ge, le, a type): rendered from its context where the
        # catalogue knows the type, else in English (docs/runs.md "Languages")
        code = f"pydantic.{kind}"
        params = {k: str(c) for k, c in (err.get("ctx") or {}).items()}
        params["detail"] = msg
    if entries:
        msg = f"entry {entries[0]}: {msg}"
        params["entry"] = entries[0]
    value = None if kind == "missing" else _shown(err.get("input"))
    if isinstance(value, bool):
        value = str(value).lower()  # as TOML writes it
    return Problem(
        "--set" if overridden else file, msg, column=key, value=value, code=code, params=params
    )
