"""Validation rules of the input contract (MODEL.md §2), as pure functions on pandas tables.

The loader hands every table here in the same shape, whether it came from a CSV
file or from memory: columns under their English names, one row per record, and
the index holding the row number a planner sees in a spreadsheet (header = row 1).
Each rule is one vectorised test over the whole table; messages are built only
for the rows that fail, so a 40,000-row township dataset costs no Python loop
per row. Rules return lists of :class:`Problem`; nothing here raises or prints.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from models.inputs import (
    COUNTY_COLUMNS,
    GROUP_COLUMNS,
    LOCK_COLUMNS,
    MEMBER_COLUMNS,
    PERIOD_DEMAND_COLUMNS,
    PROJECT_COLUMNS,
    PROJECT_KINDS,
    RATE_COLUMNS,
    TRANSFER_COLUMNS,
    ZONES,
)
from optimizer.data.aliases import MILESTONE_COLUMNS
from optimizer.data.names import county_labels
from optimizer.data.numbers import fmt
from optimizer.data.problems import Problem, Severity

Kind = Literal["id", "text", "zone", "number", "fraction"]

#: The model's tolerance on areas, ha (0.01 m²). Comparisons between areas allow
#: this slack, so that rounding in a spreadsheet does not turn equal sums into an
#: error (0.1 + 0.2 > 0.3 in floating point); an area cell smaller than this in
#: absolute value (an Excel leftover such as 1.13687E-13) is read as 0, with a warning.
AREA_TOLERANCE = 1e-6

#: Plausibility limits: a county cell above these is a wrong unit or a typo, not data.
#: China's land area is about 9.6 million km² = 9.6e8 ha; no county has more land.
CHINA_LAND_AREA_HA = 9.6e8
#: China had 1.41e9 residents in the 2020 census; 1.5e9 leaves room for projections.
MAX_POPULATION = 1.5e9
#: China's GDP 2020 was about 1.016e6 亿元 (101.6 万亿元); three times that leaves room
#: for any 2035 projection at 2020 prices.
MAX_GDP_100M_CNY = 3.0e6
#: Model unit → (largest plausible value, what it is compared with).
PLAUSIBLE_MAX: dict[str, tuple[float, str]] = {
    "ha": (CHINA_LAND_AREA_HA, "China's land area (9.6e8 ha = 960万 km²)"),
    "persons": (MAX_POPULATION, "China's population (1.41e9 in 2020; limit 1.5e9)"),
    "亿元": (MAX_GDP_100M_CNY, "three times China's GDP 2020 (1.016e6 亿元)"),
}

#: Model unit of a plausibility limit → the code of its problem (``implausible_<code>``).
PLAUSIBLE_CODES: dict[str, str] = {"ha": "area", "persons": "population", "亿元": "gdp"}

#: Zone names in English with their Chinese names, for messages and reports.
ZONE_NAMES_ZH: dict[str, str] = {
    "urban": "城市化地区",
    "agricultural": "农产品主产区",
    "ecological": "重点生态功能区",
}


@dataclass(frozen=True)
class Column:
    """One column of an input table: how to read its cells and whether it may be empty."""

    name: str
    kind: Kind
    required: bool = True
    default: float | str | None = None  # value of an empty cell in an optional column
    positive: bool = False  # numbers: > 0 instead of ≥ 0
    #: Unit of the values in the model: ha, persons, 亿元, fraction; None = no unit.
    unit: str | None = None


@dataclass(frozen=True)
class TableSpec:
    """The columns of one input file and whether it may have no data rows."""

    file: str
    columns: tuple[Column, ...]
    may_be_empty: bool

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


_NUMBER_COLUMNS = tuple(c for c in COUNTY_COLUMNS if c not in ("county_id", "name", "city", "zone"))
_POPULATION_COLUMNS = ("pop_2020", "urban_pop_2020", "urban_pop_2035")
_GDP_COLUMNS = ("gdp_2020", "gdp_2035")


def _county_unit(column: str) -> str:
    if column in RATE_COLUMNS:
        return "fraction"
    if column in _POPULATION_COLUMNS:
        return "persons"
    return "亿元" if column in _GDP_COLUMNS else "ha"


COUNTIES = TableSpec(
    "counties.csv",
    (
        Column("county_id", "id"),
        Column("name", "text"),
        Column("city", "text"),
        Column("zone", "zone"),
        *(
            Column(c, "fraction", required=False, unit="fraction")
            if c in RATE_COLUMNS
            else Column(c, "number", required=False, default=0.0, unit="ha")
            if c in ("min_allocation", "stock_potential")
            else Column(c, "number", unit=_county_unit(c))
            for c in _NUMBER_COLUMNS
        ),
        # urban population and GDP at a period end of [periods] (MODEL.md §7), optional
        *(
            Column(c, "number", required=False, unit="persons" if "pop" in c else "亿元")
            for c in MILESTONE_COLUMNS
        ),
    ),
    may_be_empty=False,
)
GROUPS = TableSpec(
    "groups.csv",
    (
        Column("group_id", "id"),
        Column("name", "text"),
        Column("kind", "text", required=False, default=""),
        Column("weight", "number", required=False, default=1.0, positive=True),
        Column("min_share", "fraction", required=False, unit="fraction"),
        Column("max_share", "fraction", required=False, unit="fraction"),
    ),
    may_be_empty=True,
)
MEMBERS = TableSpec(
    "group_members.csv",
    (Column("group_id", "id"), Column("county_id", "id")),
    may_be_empty=True,
)
TRANSFER_COSTS = TableSpec(
    "transfer_costs.csv",
    (Column("from_id", "id"), Column("to_id", "id"), Column("cost", "number")),
    may_be_empty=True,
)
PROJECTS = TableSpec(
    "projects.csv",
    (
        Column("project_id", "id"),
        Column("name", "text"),
        Column("county_id", "id"),
        Column("area", "number", unit="ha"),
        Column("period_end", "text", required=False, default=""),
        Column("kind", "text", required=False, default=""),
    ),
    may_be_empty=True,
)
LOCKS = TableSpec(
    "locks.csv",
    (
        Column("county_id", "id"),
        Column("period_end", "text", required=False, default=""),
        Column("min", "number", required=False, unit="ha"),
        Column("max", "number", required=False, unit="ha"),
    ),
    may_be_empty=True,
)
PERIOD_DEMAND = TableSpec(
    "period_demand.csv",
    (
        Column("county_id", "id"),
        Column("period_end", "text"),
        Column("demand", "number", unit="ha"),
        Column("min_allocation", "number", required=False, unit="ha"),
    ),
    may_be_empty=True,
)
SPECS: tuple[TableSpec, ...] = (
    COUNTIES,
    GROUPS,
    MEMBERS,
    TRANSFER_COSTS,
    PROJECTS,
    PERIOD_DEMAND,
    LOCKS,
)

assert COUNTIES.names == COUNTY_COLUMNS + MILESTONE_COLUMNS and GROUPS.names == GROUP_COLUMNS
assert MEMBERS.names == MEMBER_COLUMNS and TRANSFER_COSTS.names == TRANSFER_COLUMNS
assert PROJECTS.names == PROJECT_COLUMNS and LOCKS.names == LOCK_COLUMNS
assert PERIOD_DEMAND.names == PERIOD_DEMAND_COLUMNS

#: The plan's target year: the only period end of a plan without [periods] (MODEL.md §7).
TARGET_YEAR = "2035"


# --------------------------------------------------------------------------- messages


def _label(column: str, headers: Mapping[str, str]) -> str:
    """The column as written in the file, with the English name when they differ."""
    written = headers.get(column, column)
    return written if written == column else f"{written} ({column})"


def problems_at(
    file: str,
    rows: pd.Index | Iterable[int],
    column: str | None,
    values: Iterable[Any],
    messages: str | Iterable[str],
    severity: Severity = Severity.ERROR,
    code: str | Iterable[str] = "",
    params: Mapping[str, Any] | None = None,
) -> list[Problem]:
    """One Problem per failing row; ``messages`` is one text for all or one per row.

    ``code`` names the rule (one for all rows or one per row) and ``params`` holds the
    data of its sentence: a scalar for all rows, or a Series (aligned by row) or list
    (one per row) of values.
    """
    rows = list(rows)
    texts = [messages] * len(rows) if isinstance(messages, str) else list(messages)
    codes = [code] * len(rows) if isinstance(code, str) else list(code)
    columns = {k: _per_row(v, rows) for k, v in (params or {}).items()}
    return [
        Problem(
            file=file,
            message=m,
            row=int(r),
            column=column,
            value=None if v is None else fmt(v),
            severity=severity,
            code=c,
            params={k: vs[n] for k, vs in columns.items()},
        )
        for n, (r, v, m, c) in enumerate(zip(rows, values, texts, codes, strict=True))
    ]


def _per_row(value: Any, rows: list[int]) -> list[Any]:
    """A parameter as one value per row: a Series by row label, a list as given, a scalar
    repeated."""
    if isinstance(value, pd.Series):
        return value.reindex(rows).tolist()
    if isinstance(value, list | tuple | np.ndarray):
        return list(value)
    return [value] * len(rows)


Message = str | pd.Series | Callable[[pd.Series], "pd.Series | str"]


def fmts(series: pd.Series) -> pd.Series:
    """:func:`fmt` over a column (call it on the failing rows only)."""
    return series.map(fmt).astype("str")


def _where(
    file: str,
    df: pd.DataFrame,
    mask: pd.Series,
    column: str,
    headers: Mapping[str, str],
    message: Message,
    severity: Severity = Severity.ERROR,
    code: str = "",
    params: Mapping[str, Any] | Callable[[pd.Series], Mapping[str, Any]] | None = None,
) -> list[Problem]:
    """Problems for the rows of ``df`` where ``mask`` holds, at ``column``.

    ``message`` is one text, a Series of texts, or a function of the mask that
    builds the texts of the failing rows only (so that valid rows cost nothing).
    """
    mask = mask.fillna(False).astype(bool)
    if not mask.any():
        return []
    hit = df.loc[mask, column]
    msgs = message(mask) if callable(message) else message
    if callable(params):  # like ``message``: built for the failing rows only
        params = params(mask)
    if isinstance(msgs, pd.Series):
        msgs = msgs.reindex(hit.index)
    return problems_at(
        file, hit.index, _label(column, headers), hit.tolist(), msgs, severity, code, params
    )


# --------------------------------------------------------------------------- cells

_NAN_WORDS = frozenset(
    {
        "nan",
        "+nan",
        "-nan",
        "inf",
        "+inf",
        "-inf",
        "infinity",
        "+infinity",
        "-infinity",
        "#num!",
        "#div/0!",
        "#value!",
        "#n/a",
    }
)
# A comma is accepted only as a thousands separator: 1,234 or 1,234,567.5 (never 1,5).
_THOUSANDS = r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?"
# What Excel writes for a long id it has turned into a number: the digits are gone.
_SCIENTIFIC_ID = r"[+-]?\d(?:\.\d+)?[eE][+-]?\d+"


def clean_text(series: pd.Series, nfkc: bool = True) -> pd.Series:
    """Cells as text: NFKC-normalised (full-width digits and punctuation), trimmed, '' if empty.

    Numbers held in memory become their shortest text (1.0 → "1", 140105 → "140105").
    ``nfkc=False`` skips normalising, for text known to be normalised already.
    """
    if pd.api.types.is_float_dtype(series):
        whole = series.notna() & np.isfinite(series) & (series % 1 == 0)
        text = series.astype("str")
        text = text.where(~whole, series.where(whole, 0).astype("int64").astype("str"))
    else:
        text = series.astype("str")
    text = text.fillna("")
    if _plain(text):  # ASCII without whitespace: NFKC and trimming would change nothing
        return text
    if nfkc:
        text = text.str.normalize("NFKC")
    return text.str.strip()


#: ASCII characters that ``str.strip`` removes (``str.isspace``).
_ASCII_SPACE = re.compile(r"[\t\n\x0b\x0c\r\x1c-\x1f ]")


def _plain(text: pd.Series) -> bool:
    """Whether every cell is ASCII with no whitespace (most number and id columns): one
    C-level pass over the joined column instead of two per-cell string methods."""
    try:
        joined = "".join(text.tolist())
    except TypeError:  # a cell that is not text: the per-cell methods decide
        return False
    return joined.isascii() and _ASCII_SPACE.search(joined) is None


def is_number_dtype(series: pd.Series) -> bool:
    """A column already holding numbers (tables from memory), not text to parse."""
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


#: Columns of names, kept exactly as given (only trimmed): an official name such as
#: 一核：太原都市区 keeps its full-width colon and （含重点辐射区） its full-width brackets.
#: Ids, zones and numbers are NFKC-normalised (full-width digits read as digits).
NAME_COLUMNS: frozenset[str] = frozenset({"name", "city"})


def clean_cells(raw: pd.DataFrame, nfkc: bool = True) -> pd.DataFrame:
    """Every text column through :func:`clean_text` once; columns of numbers stay numbers.

    Name columns (:data:`NAME_COLUMNS`) are trimmed but never normalised.
    """
    return pd.DataFrame(
        {
            c: raw[c]
            if is_number_dtype(raw[c])
            else clean_text(raw[c], nfkc and c not in NAME_COLUMNS)
            for c in raw.columns
        },
        index=raw.index,
    )


AMBIGUOUS_COMMA = (
    "is ambiguous: in a semicolon-separated file a comma may be a decimal mark "
    "(2,5 = 2.5) or a thousands separator (2,500 = 2500); write the number without "
    "a comma (2.5 or 2500)"
)
BAD_COMMA = (
    "is not a number: a comma is accepted only as a thousands separator, as in 1,234.5 "
    "(the decimal mark is a point)"
)
#: Why a cell is not a number (parse_numbers) → the code of the problem.
REASON_CODES: dict[str, str] = {
    "is not a number": "not_a_number",
    "must be a finite number": "not_finite",
    AMBIGUOUS_COMMA: "ambiguous_comma",
    BAD_COMMA: "bad_comma",
}
# Ids as Excel or pandas write them when they take them for numbers.
_DECIMAL_ID = r"\d+\.\d*"
_WHOLE_DECIMAL_ID = r"\d+\.0*"
_FORMULA_ID = r'="(.*)"'


def parse_numbers(
    series: pd.Series, fraction: bool = False, ambiguous_comma: bool = False
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Numbers of a column, why each cell could not be read ('' when fine), and empty cells.

    ``series`` holds numbers or text cleaned by :func:`clean_text`. Accepts
    thousands separators ("1,234.5", full-width "１，２３４" once cleaned), and
    for fraction columns a percentage ("45%"). With ``ambiguous_comma`` (a
    semicolon-separated file, where Excel writes a decimal comma) any comma is
    refused as ambiguous instead. Empty cells give NaN with no reason; the
    caller decides whether empty is allowed. Plain numbers are read in one
    vectorised pass; only cells that fail it are looked at again.
    """
    reason = pd.Series("", index=series.index, dtype="str")
    if is_number_dtype(series):
        values = series.astype("float64")
        reason = reason.mask(np.isinf(values), "must be a finite number")
        return values, reason, values.isna()
    text = series.astype("str").fillna("")
    empty = text == ""
    values = pd.to_numeric(text, errors="coerce").astype("float64")
    retry = values.isna() & ~empty
    if retry.any():
        t = text[retry]
        percent = t.str.endswith("%") if fraction else pd.Series(False, index=t.index)
        body = t.where(~percent, t.str[:-1].str.strip())
        has_comma = body.str.contains(",", regex=False)
        thousands = body.str.fullmatch(_THOUSANDS).fillna(False).astype(bool)
        bad_comma = has_comma if ambiguous_comma else has_comma & ~thousands
        body = body.str.replace(",", "", regex=False).where(~bad_comma, "")
        again = pd.to_numeric(body, errors="coerce").astype("float64")
        again = again.where(~percent, again / 100)
        values = values.mask(retry, again.reindex(values.index))
        unreadable = retry & values.isna()
        reason = reason.mask(unreadable, "is not a number")
        reason = reason.mask(
            bad_comma.reindex(reason.index, fill_value=False),
            AMBIGUOUS_COMMA if ambiguous_comma else BAD_COMMA,
        )
        nan_word = unreadable & text.str.lower().where(unreadable, "").isin(_NAN_WORDS)
        reason = reason.mask(nan_word, "must be a finite number")
    reason = reason.mask(np.isinf(values), "must be a finite number")
    return values, reason, empty


def coerce_table(
    raw: pd.DataFrame,
    spec: TableSpec,
    headers: Mapping[str, str],
    factors: Mapping[str, float] | None = None,
    ambiguous_comma: bool = False,
) -> tuple[pd.DataFrame, list[Problem]]:
    """Typed table from cells: text columns as str, numbers as float, defaults filled.

    ``raw`` has English column names (a subset of ``spec``; missing required
    columns were reported by the loader), cells as numbers or as text cleaned by
    :func:`clean_cells`, and the spreadsheet row numbers as index. ``factors``
    convert a column from the unit its header names to the model's unit (a
    fraction cell written with its own % sign is not converted twice);
    ``ambiguous_comma`` refuses commas in numbers (semicolon-separated files).
    Every cell that cannot be read is reported; its value becomes NaN so that
    later rules skip it instead of reporting it twice. Area cells below
    :data:`AREA_TOLERANCE` become 0 and ids written as numbers or as Excel
    formulas become their text, each with a warning.
    """
    problems: list[Problem] = []
    out: dict[str, pd.Series] = {}
    file = spec.file
    factors = factors or {}
    for col in spec.columns:
        if col.name not in raw.columns:
            if col.kind in ("number", "fraction"):
                fill = np.nan if col.default is None else col.default
                out[col.name] = pd.Series(fill, index=raw.index, dtype="float64")
            else:
                out[col.name] = pd.Series(col.default or "", index=raw.index, dtype="str")
            continue
        label = _label(col.name, headers)
        cells = raw[col.name]
        if col.kind in ("number", "fraction"):
            values, reason, empty = parse_numbers(
                cells, fraction=col.kind == "fraction", ambiguous_comma=ambiguous_comma
            )
            bad = reason != ""
            if bad.any():
                problems += problems_at(
                    file,
                    raw.index[bad],
                    label,
                    cells[bad],
                    reason[bad],
                    code=reason[bad].map(REASON_CODES).fillna(""),
                )
                values = values.mask(bad)
            if col.name in factors:
                values, found = _convert(values, cells, col, factors[col.name], file, label)
                problems += found
            if col.unit == "ha":
                values, found = _tiny_to_zero(values, cells, file, label)
                problems += found
            if col.required and empty.any():
                problems += problems_at(
                    file,
                    raw.index[empty],
                    label,
                    [""] * int(empty.sum()),
                    "is empty: a number is required",
                    code="empty_number",
                )
            elif col.default is not None:
                values = values.mask(empty, col.default)
            out[col.name] = values
        else:
            text = clean_text(cells) if is_number_dtype(cells) else cells.astype("str").fillna("")
            if col.kind == "id":
                text, found = _ids_as_text(text, file, label)
                problems += found
            empty = text == ""
            if col.required and empty.any():
                what = "an id" if col.kind == "id" else "a value"
                problems += problems_at(
                    file,
                    raw.index[empty],
                    label,
                    [""] * int(empty.sum()),
                    f"is empty: every row needs {what}",
                    code="empty_id" if col.kind == "id" else "empty_value",
                )
            elif col.default:
                text = text.mask(empty, col.default)
            out[col.name] = text.astype("str")
    return pd.DataFrame(out, index=raw.index), problems


def _convert(
    values: pd.Series, cells: pd.Series, col: Column, factor: float, file: str, label: str
) -> tuple[pd.Series, list[Problem]]:
    """Values times ``factor``; in a (%) fraction column, cells with their own % sign stay.

    A (%) header over plain numbers that are all at most 1 is ambiguous (0.45 may be
    a fraction or 0.45 %): an error rather than a guess.
    """
    if col.kind != "fraction" or is_number_dtype(cells):
        return values * factor, []
    own_percent = cells.astype("str").str.endswith("%")
    plain = values.notna() & ~own_percent
    problems: list[Problem] = []
    if plain.any() and (values[plain] <= 1).all() and (values[plain] > 0).any():
        first = values[plain & (values > 0)].index[0]
        problems = problems_at(
            file,
            [first],
            label,
            [cells[first]],
            "is ambiguous: the header says %, but every value of the column is at most 1; "
            "write percentages (45 for 45 %) or drop (%) from the header for fractions (0.45)",
            code="ambiguous_percent",
        )
        return values.mask(plain), problems
    return values.where(~plain, values * factor), problems


def _tiny_to_zero(
    values: pd.Series, cells: pd.Series, file: str, label: str
) -> tuple[pd.Series, list[Problem]]:
    """Area cells below the model's tolerance (Excel leftovers such as 1.13687E-13) → 0."""
    tiny = (values != 0) & (values.abs() < AREA_TOLERANCE)
    if not tiny.any():
        return values, []
    problems = problems_at(
        file,
        values.index[tiny],
        label,
        cells[tiny].tolist(),
        f"is below the model's tolerance of {fmt(AREA_TOLERANCE)} ha (a rounding "
        "leftover of a spreadsheet formula?): read as 0",
        Severity.WARNING,
        code="tiny_area",
        params={"tolerance": fmt(AREA_TOLERANCE)},
    )
    return values.mask(tiny, 0.0), problems


def _ids_as_text(text: pd.Series, file: str, label: str) -> tuple[pd.Series, list[Problem]]:
    """Ids written ="140105" (Excel's text formula) or 140105.0 (an id stored as a number).

    Both are read as 140105, with one warning per column naming the first cell; a
    decimal id with a fraction (140105.5) is an error: it cannot be a whole-number id.
    """
    problems: list[Problem] = []
    formula = text.str.fullmatch(_FORMULA_ID).fillna(False).astype(bool)
    if formula.any():
        inner = text[formula].str.extract(_FORMULA_ID, expand=False).str.strip()
        problems += _id_note(
            text, formula, inner, file, label, "is written as an Excel text formula", "id_formula"
        )
        text = text.mask(formula, inner.reindex(text.index))
    decimal = text.str.fullmatch(_DECIMAL_ID).fillna(False).astype(bool)
    if decimal.any():
        whole = decimal & text.str.fullmatch(_WHOLE_DECIMAL_ID).fillna(False).astype(bool)
        broken = decimal & ~whole
        problems += problems_at(
            file,
            text.index[broken],
            label,
            text[broken].tolist(),
            "is a number with a fraction, not an id: an id is text or a whole number "
            "(Excel stored the id as a number? format the column as text)",
            code="id_with_fraction",
        )
        if whole.any():
            digits = text[whole].str.replace(r"\.0*$", "", regex=True)
            problems += _id_note(
                text, whole, digits, file, label, "is written as a decimal number", "id_decimal"
            )
            text = text.mask(whole, digits.reindex(text.index))
    return text, problems


def _id_note(
    text: pd.Series,
    mask: pd.Series,
    read: pd.Series,
    file: str,
    label: str,
    how: str,
    code: str,
) -> list[Problem]:
    """One warning per column for ids read from another form: the first cell, and how many."""
    first = mask.idxmax()
    more = int(mask.sum()) - 1
    tail = f"; so are {more} more ids of this column, read the same way" if more else ""
    return problems_at(
        file,
        [first],
        label,
        [text[first]],
        f"{how}: read as the id {read[first]!r}{tail}",
        Severity.WARNING,
        code=code + ("_more" if more else ""),
        params={"id": repr(read[first]), "more": more},
    )


# --------------------------------------------------------------------------- rules


def check_ids(
    df: pd.DataFrame,
    file: str,
    columns: tuple[str, ...],
    headers: Mapping[str, str],
    duplicate: Severity | None = Severity.ERROR,
) -> list[Problem]:
    """Ids that Excel turned into numbers, and (when ``duplicate`` is set) repeated keys."""
    problems: list[Problem] = []
    for c in columns:
        problems += _where(
            file,
            df,
            df[c].str.fullmatch(_SCIENTIFIC_ID),
            c,
            headers,
            "looks like a number in scientific notation, as Excel writes a long id stored "
            "as a number; the digits are lost: format the column as text and export again",
            code="id_scientific",
        )
    if duplicate is None or df.empty:
        return problems
    key = list(columns)
    rows = pd.Series(df.index, index=df.index)
    first = rows.groupby([df[c] for c in key], sort=False).transform("first")
    dup = (first != rows) & df[key].ne("").all(axis=1)
    what = key[0] if len(key) == 1 else "pair " + ", ".join(key)
    consequence = "; counted once" if duplicate is Severity.WARNING else ""
    msgs = f"duplicate {what} (first in row " + first.astype("str") + ")" + consequence
    problems += _where(
        file,
        df,
        dup,
        key[-1],
        headers,
        msgs,
        duplicate,
        code="duplicate_counted_once" if consequence else "duplicate",
        params={"what": what, "columns": ", ".join(key), "first": first},
    )
    return problems


def check_ranges(df: pd.DataFrame, spec: TableSpec, headers: Mapping[str, str]) -> list[Problem]:
    """Every number ≥ 0 and plausible (:data:`PLAUSIBLE_MAX`), every fraction in [0, 1],
    and a zone from the enum."""
    problems: list[Problem] = []
    for col in spec.columns:
        if col.name not in df.columns and not col.required:  # a table built in code
            continue
        s = df[col.name]
        if col.unit in PLAUSIBLE_MAX:
            limit, what = PLAUSIBLE_MAX[col.unit]
            problems += _where(
                spec.file,
                df,
                s > limit,
                col.name,
                headers,
                f"is more than {what}: no county can have it; check the unit and the value",
                code=f"implausible_{PLAUSIBLE_CODES[col.unit]}",
            )
        if col.kind == "number" and col.positive:
            problems += _where(
                spec.file, df, s <= 0, col.name, headers, "must be > 0", code="not_positive"
            )
        elif col.kind == "number":
            problems += _where(
                spec.file, df, s < 0, col.name, headers, "must be ≥ 0", code="negative"
            )
        elif col.kind == "fraction":
            problems += _where(
                spec.file,
                df,
                (s < 0) | (s > 1),
                col.name,
                headers,
                "must be a fraction between 0 and 1 (0.45 or 45%)",
                code="not_fraction",
            )
        elif col.kind == "zone":
            allowed = ", ".join(f"{z} ({ZONE_NAMES_ZH[z]})" for z in ZONES)
            problems += _where(
                spec.file,
                df,
                (s != "") & ~s.isin(ZONES),
                col.name,
                headers,
                f"is not a main-function zone: use one of {allowed}",
                code="not_zone",
            )
    return problems


def _at_most(
    file: str,
    df: pd.DataFrame,
    left: str,
    right: str,
    headers: Mapping[str, str],
    rule: str,
    code: str = "",
) -> list[Problem]:
    """Rows where column ``left`` exceeds column ``right`` (none when ``left`` is absent: an
    optional column of a table built in code)."""
    if left not in df.columns:
        return []
    bad = df[left] > df[right] + AREA_TOLERANCE
    if not bad.any():
        return []
    return _where(
        file,
        df,
        bad,
        left,
        headers,
        lambda m: f"{rule} ({right} = " + fmts(df.loc[m, right]) + ")",
        code=code,
        params=lambda m: {"right": right, "limit": fmts(df.loc[m, right])},
    )


def check_counties(df: pd.DataFrame, headers: Mapping[str, str]) -> list[Problem]:
    """Rules between columns of counties.csv (MODEL.md §2); unreadable cells (NaN) are skipped."""
    f = COUNTIES.file
    parts = df["urban_land_2020"] + df["rural_settlement_2020"]
    over = parts > df["construction_land_2020"] + AREA_TOLERANCE

    def msgs(m: pd.Series) -> pd.Series:
        return (
            "urban land + rural settlement land 2020 = "
            + fmts(parts[m])
            + " ha must not exceed construction land 2020 (construction_land_2020 = "
            + fmts(df.loc[m, "construction_land_2020"])
            + ")"
        )

    return [
        *_at_most(
            f,
            df,
            "urban_pop_2020",
            "pop_2020",
            headers,
            "urban population 2020 must not exceed population 2020",
            "urban_pop_above_pop",
        ),
        *_where(
            f,
            df,
            over,
            "urban_land_2020",
            headers,
            msgs,
            code="parts_above_construction",
            params=lambda m: {
                "parts": fmts(parts[m]),
                "limit": fmts(df.loc[m, "construction_land_2020"]),
            },
        ),
        *_at_most(
            f,
            df,
            "basic_farmland",
            "cultivated_2020",
            headers,
            "permanent basic farmland must not exceed cultivated land 2020",
            "basic_above_cultivated",
        ),
        *_at_most(
            f,
            df,
            "min_allocation",
            "demand",
            headers,
            "the guaranteed minimum must not exceed the demand",
            "min_above_demand",
        ),
        *_at_most(
            f,
            df,
            "reclaim_potential",
            "rural_settlement_2020",
            headers,
            "reclaimable land must not exceed rural settlement land 2020",
            "reclaim_above_rural",
        ),
        *_at_most(
            f,
            df,
            "stock_potential",
            "construction_land_2020",
            headers,
            "existing stock land to supply again must not exceed construction land 2020",
            "stock_above_construction",
        ),
    ]


def check_groups(df: pd.DataFrame, headers: Mapping[str, str]) -> list[Problem]:
    """groups.csv: min_share ≤ max_share (weight > 0 and ranges are checked by check_ranges)."""
    return _at_most(
        GROUPS.file,
        df,
        "min_share",
        "max_share",
        headers,
        "the minimum share must not exceed the maximum share",
        "min_share_above_max",
    )


def _unknown(
    file: str,
    df: pd.DataFrame,
    column: str,
    known: Iterable[str],
    where: str,
    headers: Mapping[str, str],
) -> list[Problem]:
    s = df[column]
    bad = (s != "") & ~s.isin(pd.Index(list(known), dtype="str"))
    return _where(
        file,
        df,
        bad,
        column,
        headers,
        f"unknown {column}: not in {where}",
        code="unknown_id",
        params={"column": column, "where": where},
    )


#: What a total row says where a county id or name belongs: such a row sums the others
#: and is not a county. Compared as written (cells are trimmed), in these forms, so that
#: the test is one hash lookup per cell.
TOTAL_WORDS: frozenset[str] = frozenset(
    {
        *("合计", "总计", "小计", "全区合计", "合 计", "总 计", "小 计"),
        *(form for word in ("total", "sum") for form in (word, word.title(), word.upper())),
    }
)


def total_rows(raw: pd.DataFrame, spec: TableSpec) -> tuple[pd.DataFrame, list[Problem]]:
    """A table without its total rows (合计, 总计, 小计, Total), with one warning for each.

    A row is a total row when its id or name cell says one of TOTAL_WORDS: a sheet's sum
    line exported with the counties, which would otherwise count every county twice.
    """
    columns = [c.name for c in spec.columns if c.kind == "id" or c.name == "name"]
    columns = [c for c in columns if c in raw.columns and not is_number_dtype(raw[c])]
    if not columns or raw.empty:
        return raw, []
    hit = raw[columns].isin(TOTAL_WORDS)
    rows = hit.any(axis=1)
    if not rows.any():
        return raw, []
    problems = []
    for row in raw.index[rows]:
        column = next(c for c in columns if hit.at[row, c])
        problems.append(
            Problem(
                spec.file,
                "a total row, not a county: skipped (the model sums the rows itself)"
                if spec is COUNTIES
                else "a total row: skipped",
                row=int(row),
                column=column,
                value=str(raw.at[row, column]),
                severity=Severity.WARNING,
                code="total_row_county" if spec is COUNTIES else "total_row",
            )
        )
    return raw.loc[~rows], problems


def ids_from_names(
    df: pd.DataFrame,
    columns: Iterable[str],
    counties: pd.DataFrame,
    file: str,
    headers: Mapping[str, str],
) -> tuple[pd.DataFrame, list[Problem]]:
    """County names written where county ids belong, read as the ids, with a hint.

    A cell of ``columns`` that is no county_id but the name of exactly one county is
    that county's id (a warning says so: ids are stable, names may repeat); a name that
    several counties share stays as written, and its error says which ids it could be.
    """
    ids = counties["county_id"].astype("str")
    known = set(ids)
    if all(df[c].isin(known).all() for c in columns):  # ids throughout: nothing to read
        return df, []
    names = counties["name"].astype("str").str.normalize("NFKC").str.strip()
    by_name = pd.Series(ids.to_numpy(), index=names.to_numpy())
    counts = by_name.index.value_counts()
    unique = by_name[~by_name.index.duplicated(keep=False)]
    problems: list[Problem] = []
    out = df.copy()
    for column in columns:
        cells = out[column].astype("str")
        named = ~cells.isin(known) & cells.isin(by_name.index)
        if not named.any():
            continue
        once = named & cells.isin(unique.index)
        out.loc[once, column] = cells[once].map(unique)
        label = _label(column, headers)
        for row in out.index[once]:
            problems.append(
                Problem(
                    file,
                    f"is a county name, read as its county_id {out.at[row, column]} "
                    "(write the id: ids are stable, names may repeat)",
                    row=int(row),
                    column=label,
                    value=cells[row],
                    severity=Severity.WARNING,
                    code="county_name_as_id",
                    params={"id": out.at[row, column]},
                )
            )
        for row in out.index[named & ~once]:
            name = cells[row]
            choices = ", ".join(sorted(by_name[[name]].astype(str)))
            problems.append(
                Problem(
                    file,
                    f"is the name of {counts[name]} counties ({choices}): write the county_id",
                    row=int(row),
                    column=label,
                    value=name,
                    code="ambiguous_county_name",
                    params={"n": int(counts[name]), "choices": choices},
                )
            )
    return out, problems


def check_members(
    df: pd.DataFrame,
    county_ids: Iterable[str],
    group_ids: Iterable[str],
    headers: Mapping[str, str],
) -> list[Problem]:
    """group_members.csv: both ids known; a membership listed twice is a warning."""
    f = MEMBERS.file
    return [
        *_unknown(f, df, "group_id", group_ids, GROUPS.file, headers),
        *_unknown(f, df, "county_id", county_ids, COUNTIES.file, headers),
        *check_ids(df, f, ("group_id", "county_id"), headers, duplicate=Severity.WARNING),
    ]


def check_transfer_costs(
    df: pd.DataFrame, county_ids: Iterable[str], headers: Mapping[str, str]
) -> list[Problem]:
    """transfer_costs.csv: ids known, no county paired with itself, each pair once."""
    f = TRANSFER_COSTS.file
    known = list(county_ids)
    same = (df["from_id"] != "") & (df["from_id"] == df["to_id"])
    return [
        *_unknown(f, df, "from_id", known, COUNTIES.file, headers),
        *_unknown(f, df, "to_id", known, COUNTIES.file, headers),
        *_where(
            f,
            df,
            same,
            "to_id",
            headers,
            "a county cannot send linkage indicators to itself (from_id = to_id): "
            "a county always uses its own indicators at no cost",
            code="self_transfer",
        ),
        *check_ids(df, f, ("from_id", "to_id"), headers, duplicate=Severity.ERROR),
    ]


def period_ends(scenario: Any = None) -> tuple[str, ...]:
    """The years a project's or a lock's period_end may name: [periods] end_years
    (MODEL.md §7), else the target year alone. The one place that says which period ends
    exist."""
    from optimizer.data.periods import period_ends as ends

    return ends(scenario)


def check_projects(
    df: pd.DataFrame,
    counties: pd.DataFrame | None,
    headers: Mapping[str, str],
    scenario: Any = None,
) -> list[Problem]:
    """projects.csv (MODEL.md §8): county known, Σ areas ≤ demand, period_end a period end,
    kind one of PROJECT_KINDS (or its Chinese name, already mapped by the loader)."""
    f = PROJECTS.file
    problems: list[Problem] = []
    if counties is not None:
        problems += _unknown(f, df, "county_id", counties["county_id"], COUNTIES.file, headers)
        demand = counties.drop_duplicates("county_id").set_index("county_id")["demand"]
        total = df.groupby("county_id")["area"].transform("sum")
        limit = df["county_id"].map(demand)
        over = total > limit + AREA_TOLERANCE

        def too_much(m: pd.Series) -> pd.Series:
            return (
                "the key projects of county "
                + df.loc[m, "county_id"].astype(str)
                + " need "
                + fmts(total[m])
                + " ha together, more than its demand (counties.csv demand = "
                + fmts(limit[m])
                + "): a project is part of its county's demand"
            )

        problems += _where(
            f,
            df,
            over,
            "area",
            headers,
            too_much,
            code="projects_above_demand",
            params=lambda m: {
                "county": df.loc[m, "county_id"],
                "total": fmts(total[m]),
                "limit": fmts(limit[m]),
            },
        )
    ends = period_ends(scenario)
    bad_end = (df["period_end"] != "") & ~df["period_end"].isin(ends)
    problems += _where(
        f,
        df,
        bad_end,
        "period_end",
        headers,
        f"is not a period end of the plan: use {', '.join(ends)} or leave it empty",
        code="not_period_end",
        params={"ends": ", ".join(ends)},
    )
    bad_kind = (df["kind"] != "") & ~df["kind"].isin(PROJECT_KINDS)
    problems += _where(
        f,
        df,
        bad_kind,
        "kind",
        headers,
        "is not a project kind: use transport (交通), energy (能源), water (水利), "
        "industry (产业) or livelihood (民生), or leave it empty",
        code="not_project_kind",
    )
    return problems


def check_period_demand(
    df: pd.DataFrame,
    counties: pd.DataFrame | None,
    headers: Mapping[str, str],
    scenario: Any = None,
) -> list[Problem]:
    """period_demand.csv (MODEL.md §7): the plan is phased; county known; period_end a
    period end; one row per county and period; a county's rows cover every period end
    and sum to its counties.csv demand; min_allocation ≤ demand."""
    f = PERIOD_DEMAND.file
    from optimizer.data.periods import plan_periods

    if scenario is not None and plan_periods(scenario) is None and len(df):
        return [
            Problem(
                f,
                "the scenario has no [periods]: add [periods] end_years to scenario.toml, "
                "or leave out period_demand.csv",
            )
        ]
    problems: list[Problem] = []
    ends = period_ends(scenario)
    df = df.assign(period_end=df["period_end"].str.replace(r"^(\d{4})\s*年$", r"\1", regex=True))
    problems += _where(
        f,
        df,
        ~df["period_end"].isin(ends),
        "period_end",
        headers,
        f"is not a period end of the plan: use {', '.join(ends)}",
    )
    twice = df.duplicated(["county_id", "period_end"], keep="first")
    problems += _where(
        f, df, twice, "period_end", headers, "a second row for this county and period end"
    )
    over = df["min_allocation"].fillna(0.0) > df["demand"] + AREA_TOLERANCE
    problems += _where(
        f,
        df,
        over,
        "min_allocation",
        headers,
        lambda m: "is more than the period's demand (" + fmts(df.loc[m, "demand"]) + " ha)",
    )
    if counties is None:
        return problems
    problems += _unknown(f, df, "county_id", counties["county_id"], COUNTIES.file, headers)
    demand = counties.drop_duplicates("county_id").set_index("county_id")["demand"]
    rows = df.groupby("county_id")["period_end"].transform("nunique")
    missing = df["county_id"].isin(demand.index) & (rows < len(ends))
    problems += _where(
        f,
        df,
        missing & ~df.duplicated("county_id"),
        "county_id",
        headers,
        f"needs one row for every period end ({', '.join(ends)}) once it has any",
    )
    total = df.groupby("county_id")["demand"].transform("sum")
    limit = df["county_id"].map(demand)
    off = (total - limit).abs() > AREA_TOLERANCE * np.maximum(1.0, limit.abs())
    first = ~df.duplicated("county_id")

    def not_the_sum(m: pd.Series) -> pd.Series:
        return (
            "the periods' demands of county "
            + df.loc[m, "county_id"].astype(str)
            + " sum to "
            + fmts(total[m])
            + " ha, not its counties.csv demand of "
            + fmts(limit[m])
            + " ha: the periods split the county's demand"
        )

    problems += _where(f, df, off & first & ~missing, "demand", headers, not_the_sum)
    return problems


#: A lock row with neither a min nor a max (locks.csv).
NO_SIDE = "is empty, and so is max: a lock needs a min, a max or both (ha of new land)"


def check_locks(
    df: pd.DataFrame,
    counties: pd.DataFrame | None,
    headers: Mapping[str, str],
    scenario: Any = None,
    file: str = "locks.csv",
    period_demand: pd.DataFrame | None = None,
) -> list[Problem]:
    """locks.csv (MODEL.md §8): county known, a min or a max, min ≤ max, the lock within the
    county's own range [min_allocation, demand], one lock per county and period end, and
    period_end a period end. Negative bounds are check_ranges' (``≥ 0``).

    Within its own range means the lock can be met by the county's own figures: a min
    above the demand or a max below the guaranteed minimum is an error naming both
    numbers. A max above the demand (or a min below min_allocation) holds nothing more
    than the county's own figures and is accepted. ``file`` is "--fix" for fixes given
    on the command line, checked by the same rules.
    """
    problems: list[Problem] = []
    lo, hi = df["min"], df["max"]
    neither = df.index[(lo.isna() & hi.isna() & (df["county_id"] != "")).to_numpy()]
    problems += problems_at(
        file,
        neither,
        _label("min", headers),
        [""] * len(neither),
        NO_SIDE,
        code="lock_no_side",
    )
    crossed = lo > hi + AREA_TOLERANCE

    def crossing(m: pd.Series) -> pd.Series:
        return (
            "the lock's min "
            + _ha_text(lo[m])
            + " ha is above its max "
            + _ha_text(hi[m])
            + " ha: min must not exceed max"
        )

    problems += _where(
        file,
        df,
        crossed,
        "min",
        headers,
        crossing,
        code="lock_crossed",
        params=lambda m: {"min": _ha_text(lo[m]), "max": _ha_text(hi[m])},
    )
    ends = period_ends(scenario)
    bad_end = (df["period_end"] != "") & ~df["period_end"].isin(ends)
    problems += _where(
        file,
        df,
        bad_end,
        "period_end",
        headers,
        f"is not a period end of the plan: use {', '.join(ends)} or leave it empty "
        "(the whole plan period)",
        code="lock_not_period_end",
        params={"ends": ", ".join(ends)},
    )
    if not df.empty:  # one lock per county and period end ("" is the last period end)
        end = df["period_end"].where(df["period_end"] != "", ends[-1])
        rows = pd.Series(df.index, index=df.index)
        first = rows.groupby([df["county_id"], end], sort=False).transform("first")
        dup = (first != rows) & (df["county_id"] != "")
        problems += _where(
            file,
            df,
            dup,
            "county_id",
            headers,
            lambda m: (
                "a second lock of this county for the same period end "
                + end[m].astype(str)
                + " (first in row "
                + first[m].astype(str)
                + "; an empty period_end is the plan's end): keep one"
            ),
            code="lock_twice",
            params=lambda m: {"end": end[m].astype(str), "first": first[m].astype(str)},
        )
    if counties is None:
        return problems
    problems += _unknown(file, df, "county_id", counties["county_id"], COUNTIES.file, headers)
    c = counties.drop_duplicates("county_id").set_index("county_id")
    label = df["county_id"].map(county_labels(c.reset_index()).set_axis(c.index))
    demand = df["county_id"].map(c["demand"])
    floor = df["county_id"].map(c["min_allocation"])
    where_demand = pd.Series(" (counties.csv)", index=df.index)
    where_floor = pd.Series(" (counties.csv min_allocation)", index=df.index)
    demand, floor = _period_lock_range(df, c, scenario, period_demand, demand, floor)
    in_period = (df["period_end"] != "") & _phased(scenario)
    where_demand[in_period] = " in the period ending " + df.loc[in_period, "period_end"]
    where_floor[in_period] = " in the period ending " + df.loc[in_period, "period_end"]
    above = lo > demand + AREA_TOLERANCE

    def too_high(m: pd.Series) -> pd.Series:
        return (
            "min "
            + _ha_text(lo[m])
            + " ha is above demand "
            + _ha_text(demand[m])
            + " ha of "
            + label[m].astype(str)
            + where_demand[m]
            + ": a lock holds new land within the county's demand"
        )

    problems += _where(
        file,
        df,
        above,
        "min",
        headers,
        too_high,
        code="lock_above_demand",
        params=lambda m: {
            "min": _ha_text(lo[m]),
            "demand": _ha_text(demand[m]),
            "county": label[m].astype(str),
        },
    )
    below = hi < floor - AREA_TOLERANCE

    def too_low(m: pd.Series) -> pd.Series:
        return (
            "max "
            + _ha_text(hi[m])
            + " ha is below the guaranteed minimum "
            + _ha_text(floor[m])
            + " ha of "
            + label[m].astype(str)
            + where_floor[m]
        )

    problems += _where(
        file,
        df,
        below,
        "max",
        headers,
        too_low,
        code="lock_below_minimum",
        params=lambda m: {
            "max": _ha_text(hi[m]),
            "floor": _ha_text(floor[m]),
            "county": label[m].astype(str),
        },
    )
    return problems


def _phased(scenario: Any) -> bool:
    return scenario is not None and scenario.periods.end_years is not None


def _period_lock_range(df, c, scenario, period_demand, demand, floor):
    """A phased plan's lock on one period (MODEL.md §7) holds that period's A_it: its range
    is the period's demand (period_demand.csv, else demand split by years) and minimum."""
    if not _phased(scenario):
        return demand, floor
    from optimizer.data.periods import plan_periods

    plan = plan_periods(scenario)
    share = dict(zip(plan.labels, plan.share, strict=True))
    rows = df["period_end"] != ""
    demand, floor = demand.copy(), floor.copy()
    factor = df.loc[rows, "period_end"].map(share).fillna(1.0)
    demand[rows] = demand[rows] * factor
    floor[rows] = 0.0
    if period_demand is not None and len(period_demand):
        keyed = period_demand.set_index(["county_id", "period_end"])
        keys = pd.MultiIndex.from_arrays([df["county_id"], df["period_end"]])
        given = keyed["demand"].reindex(keys).to_numpy()
        least = keyed["min_allocation"].reindex(keys).to_numpy()
        has = rows.to_numpy() & ~np.isnan(given)
        demand[has] = given[has]
        floor[has] = np.nan_to_num(least[has])
    return demand, floor


def _ha_text(values: pd.Series) -> pd.Series:
    """Hectares in a message, every digit kept, with thousands separators (4,200, 1,981.6)."""
    return values.map(lambda x: f"{x:,.6f}".rstrip("0").rstrip(".")).astype("str")
