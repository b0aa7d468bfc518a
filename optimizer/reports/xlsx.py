"""report.xlsx: the run as an Excel workbook for a briefing (XlsxWriter).

Sheets: summary, then every non-empty table of ``SECTIONS`` (targets, counties with
per-city subtotals, groups, flows, prices, periods/projects when the Result has
them, diagnosis when infeasible). Each table sheet has a header row (the file's
column names, or the Chinese headers with ``Lang.ZH``), a units row, number
formats, frozen header panes and column widths that fit (CJK characters count
double). Identical runs give identical bytes: the creation date is fixed
(``CREATED``) and XlsxWriter stamps every zip member 1980-01-01.
"""

from __future__ import annotations

import math
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from optimizer.analysis.tables import Result
from optimizer.data.lang import Lang
from optimizer.reports.labels import (
    NUMBER_FORMATS,
    WORDS,
    AreaUnit,
    Unit,
    area_factor,
    header,
    section_name,
    unit_label,
    word,
)
from optimizer.reports.tables import Shown, display_width, shown_sections

if TYPE_CHECKING:  # imported when a workbook is written: every command starts 0.1 s sooner
    import xlsxwriter

#: The workbook's creation date in its properties: fixed, so identical runs give identical bytes.
CREATED = datetime(2000, 1, 1)
#: Header and units rows above the data.
HEADER_ROWS = 2
#: Column widths (characters) the sheets keep within.
MIN_WIDTH, MAX_WIDTH = 6, 60
#: Characters added to the widest cell of a column.
WIDTH_PADDING = 2
#: Rows go to a temporary file as they are written (a township workbook held in memory took
#: ~100 MB per 10,000 counties; this way ~10 MB, for ~20 % more time). The temporary file
#: is made beside the workbook (in the run's staging folder), so nothing is left elsewhere.
_WORKBOOK_OPTIONS = {"constant_memory": True, "strings_to_numbers": False}
#: Text shown for an infinite number (a rate that holds without end).
INFINITY_TEXT = "∞"
#: Types of a cell, as tuples (isinstance with X | Y builds a union at every call).
_BOOLS = (bool, np.bool_)
_NUMBERS = (int, float, np.integer, np.floating)


def write_workbook(
    result: Result,
    path: Path,
    lang: Lang = Lang.EN,
    area: AreaUnit = AreaUnit.HA,
    shown: list[Shown] | None = None,
) -> None:
    """Write report.xlsx for ``result`` at ``path`` (``shown``: its tables, if already built)."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), _WORKBOOK_OPTIONS | {"tmpdir": str(path.parent)})
    book.set_properties({"title": word("title", lang), "created": CREATED})
    styles = _Styles(book)
    _summary_sheet(book, styles, result, lang, area)
    for table in shown if shown is not None else shown_sections(result, lang, area):
        _table_sheet(book, styles, table, lang, area)
    book.close()


class _Styles:
    """The workbook's cell formats, made once."""

    def __init__(self, book: xlsxwriter.Workbook) -> None:
        self.header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        self.units = book.add_format({"italic": True, "font_color": "#595959", "bottom": 1})
        self.numbers = {u: book.add_format({"num_format": f}) for u, f in NUMBER_FORMATS.items()}
        self.bold_numbers = {
            u: book.add_format({"num_format": f, "bold": True, "top": 1})
            for u, f in NUMBER_FORMATS.items()
        }
        self.text = book.add_format({})
        self.bold_text = book.add_format({"bold": True, "top": 1})


def _summary_sheet(
    book: xlsxwriter.Workbook, styles: _Styles, result: Result, lang: Lang, area: AreaUnit
) -> None:
    rows = summary_rows(result, lang, area)
    sheet = book.add_worksheet(section_name("summary", lang))
    heads = [word("item", lang), word("value", lang), word("unit", lang)]
    sheet.write_row(0, 0, heads, styles.header)
    for r, (item, value, unit, kind) in enumerate(rows, start=1):
        sheet.write_string(r, 0, item)
        _write_cell(sheet, r, 1, value, kind, styles.numbers, styles.text)
        sheet.write_string(r, 2, unit)
    widths = [max(display_width(str(x)) for x in col) for col in zip(heads, *rows, strict=False)]
    for c, width in enumerate(widths[:3]):
        sheet.set_column(c, c, _fit(width))
    sheet.freeze_panes(1, 0)


def summary_rows(result: Result, lang: Lang, area: AreaUnit) -> list[tuple[str, object, str, Unit]]:
    """The summary: (item, value, unit label, unit) rows, areas in ``area``."""
    s = result.summary
    rows: list[tuple[str, object, str, Unit]] = [
        (word("scenario", lang), s.scenario.scenario.name, "", Unit.TEXT),
        (word("status", lang), status_word(s.status.value, lang), "", Unit.TEXT),
        (word("solver", lang), f"{s.backend}/{s.solver}", "", Unit.TEXT),
        (word("objective", lang), s.objective, "Z", Unit.VALUE),
    ]
    if s.headline is not None:
        factor = area_factor(area)
        for key, value in s.headline.model_dump().items():
            if key == "periods":  # the periods sheet shows them county by county
                continue
            if key == "intensity_reduction":
                rows.append((word(key, lang), value, "%", Unit.SHARE))
            else:
                rows.append(
                    (word(key, lang), value * factor, unit_label(Unit.AREA, lang, area), Unit.AREA)
                )
    if s.equity is not None:
        e = s.equity
        for key in ("gini_allocation_per_resident", "gini_satisfaction"):
            rows.append((word(key, lang), getattr(e, key), "", Unit.PRICE))
        rows.append(
            (
                word("allocation_per_resident_m2", lang),
                e.allocation_per_resident_m2,
                unit_label(Unit.M2_PER_PERSON, lang),
                Unit.M2_PER_PERSON,
            )
        )
    return rows


def status_word(status: str, lang: Lang) -> str:
    """How the solve ended, in ``lang`` (summary.json keeps the English value)."""
    key = "infeasible_status" if status == "infeasible" else status
    return word(key, lang) if key in WORDS else status


def _table_sheet(
    book: xlsxwriter.Workbook, styles: _Styles, shown: Shown, lang: Lang, area: AreaUnit
) -> None:
    table, units = shown.table, shown.units
    sheet = book.add_worksheet(section_name(shown.section.key, lang))
    heads = [header(shown.section.file, c, lang) for c in table.columns]
    unit_row = [unit_label(u, lang, area) for u in units]
    sheet.write_row(0, 0, heads, styles.header)
    sheet.write_row(1, 0, unit_row, styles.units)
    totals = set(shown.total_rows)
    columns = [table[c].to_numpy(dtype=object) for c in table.columns]
    for r in range(len(table)):
        bold = r in totals
        numbers = styles.bold_numbers if bold else styles.numbers
        text = styles.bold_text if bold else styles.text
        for c, values in enumerate(columns):
            unit = shown.cell_unit(r, c)
            _write_cell(sheet, HEADER_ROWS + r, c, values[r], unit, numbers, text)
    for c, column in enumerate(table.columns):
        width = max(
            display_width(heads[c]), display_width(unit_row[c]), _cells_width(table[column])
        )
        sheet.set_column(c, c, _fit(width))
    sheet.freeze_panes(HEADER_ROWS, shown.section.frozen_columns)


def _write_cell(sheet, row: int, col: int, value, unit: Unit, numbers: dict, text) -> None:
    """One cell: numbers with their unit's format, NaN/None empty, ±inf as ∞, booleans, text."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        sheet.write_blank(row, col, None, numbers.get(unit, text))
    elif isinstance(value, _BOOLS):
        sheet.write_boolean(row, col, bool(value), text)
    elif isinstance(value, _NUMBERS):
        number = float(value)
        if math.isinf(number):
            sheet.write_string(row, col, INFINITY_TEXT if number > 0 else "-" + INFINITY_TEXT, text)
        else:
            sheet.write_number(row, col, number, numbers.get(unit, text))
    else:
        sheet.write_string(row, col, str(value), text)


def _cells_width(values: pd.Series) -> int:
    """Width of a column's widest cell as shown (numbers with thousands separators)."""
    numeric = pd.to_numeric(values, errors="coerce")
    if values.dtype != object and numeric.notna().any():
        finite = numeric[np.isfinite(numeric)]
        biggest = float(finite.abs().max()) if len(finite) else 0.0
        return len(f"-{biggest:,.2f}")
    texts = pd.unique(values.dropna().astype(str))  # names repeat (cities): measure each once
    return max((display_width(t) for t in texts), default=0)


def _fit(width: int) -> int:
    return min(MAX_WIDTH, max(MIN_WIDTH, width + WIDTH_PADDING))
