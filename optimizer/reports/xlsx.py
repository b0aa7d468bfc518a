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
import re
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
#: Data rows are built in bulk (``_bulk_rows``); False: cell by cell through XlsxWriter.
BULK_ROWS = True
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
    pack_workbook(result, path, lang, area, shown).wait()


def pack_workbook(
    result: Result,
    path: Path,
    lang: Lang = Lang.EN,
    area: AreaUnit = AreaUnit.HA,
    shown: list[Shown] | None = None,
) -> Packing:
    """Write report.xlsx's sheets for ``result``, then zip them into ``path`` on a thread
    (``Packing``): the caller writes its other files meanwhile and waits before using it."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), _WORKBOOK_OPTIONS | {"tmpdir": str(path.parent)})
    book.set_properties({"title": word("title", lang), "created": CREATED})
    styles = _Styles(book)
    _summary_sheet(book, styles, result, lang, area)
    for table in shown if shown is not None else shown_sections(result, lang, area):
        _table_sheet(book, styles, table, lang, area)
    return Packing(book)


class Packing:
    """A workbook being zipped into its file on a thread of its own.

    Its sheets are written; what is left is XlsxWriter's ``close()``, nearly all of it
    zlib compression (1.4 s of the township workbook's 1.8 s, 86 MB of XML), which
    releases the GIL: the run's CSV, JSON and HTML files are written beside it on the
    other core. ``wait()`` ends it and raises its error, if any; the file is whole only
    after it.
    """

    def __init__(self, book: xlsxwriter.Workbook) -> None:
        import threading

        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._close, args=(book,), name="report.xlsx")
        self._thread.start()

    def _close(self, book: xlsxwriter.Workbook) -> None:
        try:
            book.close()
        except BaseException as error:  # handed to the caller by wait()
            self._error = error

    def wait(self) -> None:
        """Block until the workbook is packed; raise what packing it raised."""
        self._thread.join()
        if self._error is not None:
            raise self._error


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
    if not (BULK_ROWS and _bulk_rows(sheet, styles, shown)):
        _cell_rows(sheet, styles, shown)
    for c, column in enumerate(table.columns):
        width = max(
            display_width(heads[c]), display_width(unit_row[c]), _cells_width(table[column])
        )
        sheet.set_column(c, c, _fit(width))
    sheet.freeze_panes(HEADER_ROWS, shown.section.frozen_columns)


def _cell_rows(sheet, styles: _Styles, shown: Shown, first: int = 0) -> None:
    """The data rows from ``first`` on, cell by cell through XlsxWriter's API (the
    reference ``_bulk_rows`` is compared with)."""
    table = shown.table
    totals = set(shown.total_rows)
    columns = [table[c].to_numpy(dtype=object) for c in table.columns]
    for r in range(first, len(table)):
        bold = r in totals
        numbers = styles.bold_numbers if bold else styles.numbers
        text = styles.bold_text if bold else styles.text
        for c, values in enumerate(columns):
            unit = shown.cell_unit(r, c)
            _write_cell(sheet, HEADER_ROWS + r, c, values[r], unit, numbers, text)


def _bulk_rows(sheet, styles: _Styles, shown: Shown) -> bool:
    """The data rows as XlsxWriter would write them, each cell's kind and format told
    a column at a time, then one template a row layout (``_rows_xml``); False
    (nothing written) where it cannot: XlsxWriter not streaming rows to its file
    (constant_memory) with the internals this was written against, or a text long
    enough for XlsxWriter to truncate (32,767 UTF-16 units).

    The same bytes as ``_cell_rows`` (tests/test_reports.py compares them): each cell's
    XML is XlsxWriter's (``Worksheet._write_cell`` in constant_memory mode: inline
    strings, ``%.16G`` numbers, blanks with their format, booleans, ``∞`` as text), the
    formats get their style indices in the order the cell writer would first use them
    (row by row), and the rows go straight into the worksheet's row file, so a sheet of
    100,000 cells takes one format call a row instead of ~10 XlsxWriter calls a cell.
    """
    table = shown.table
    n = len(table)
    needed = ("fh", "table", "previous_row", "_write_single_row", "_check_dimensions")
    if not getattr(sheet, "constant_memory", False) or not all(hasattr(sheet, a) for a in needed):
        return False
    formats: list = []  # the Format objects used, by position
    position: dict[int, int] = {}

    def code(fmt) -> int:
        key = id(fmt)
        if key not in position:
            position[key] = len(formats)
            formats.append(fmt)
        return position[key]

    bold = np.zeros(n, dtype=bool)
    bold[np.asarray(shown.total_rows, dtype=int)] = True
    text_code = np.where(bold, code(styles.bold_text), code(styles.text))
    first_row = HEADER_ROWS + 1  # 1-based row number of the first data row
    numbers = [str(r) for r in range(first_row, first_row + n)]
    columns = []
    for c, name in enumerate(table.columns):
        kinds, payload = _cell_kinds(table[name])
        if kinds is None:
            return False
        units = [shown.cell_unit(r, c) for r in range(n)] if _mixed(shown, c) else None
        fmt_code = _number_codes(styles, shown.units[c], units, bold, code)
        fmt_code = np.where(np.isin(kinds, (_BOOL, _TEXT, _INF)), text_code, fmt_code)
        columns.append((_column_letters(c), kinds, payload, fmt_code))
    if n < 2:
        _cell_rows(sheet, styles, shown)
        return True
    sheet._write_single_row(HEADER_ROWS)  # flush the units row, as the first data cell would
    n -= 1  # the last row goes through XlsxWriter: it is written (and its formats get their
    # indices) when the workbook is closed, after the other sheets, as the cell writer's
    numbers = numbers[:n]
    columns = [
        (letter, kinds[:n], payload[:n], code_[:n]) for letter, kinds, payload, code_ in columns
    ]
    # style indices in the order the cell writer meets the formats: row by row, left to right
    first_use = []
    for c, (_, _, _, fmt_code) in enumerate(columns):
        seen, rows = np.unique(fmt_code, return_index=True)
        first_use += [(int(r), c, int(k)) for k, r in zip(seen, rows, strict=True)]
    xf = [""] * len(formats)  # a format no cell uses gets no index (nor a place in styles.xml)
    for _, _, k in sorted(first_use):
        xf[k] = str(formats[k]._get_xf_index())
    sheet.fh.write(_rows_xml(columns, numbers, xf, _InlineText(sheet)))
    sheet.previous_row = HEADER_ROWS + n - 1  # these rows are written: nothing pending
    sheet._check_dimensions(HEADER_ROWS + n - 1, len(columns) - 1)
    _cell_rows(sheet, styles, shown, first=n)
    return True


#: Kinds of a cell in ``_bulk_rows``, as ``_write_cell`` tells them apart.
_BLANK, _BOOL, _NUMBER, _INF, _TEXT = range(5)
#: A text (or ∞) that XlsxWriter writes as it is (``_NOT_PLAIN``): ``_rows_xml`` only.
_PLAIN = 5
#: Text longer than this (characters) leaves the sheet to XlsxWriter's cell writer, which
#: truncates at 32,767 UTF-16 units (a character counts 1 or 2).
TEXT_LIMIT = 32767 // 2


def _mixed(shown: Shown, c: int) -> bool:
    return shown.units[c] is Unit.MIXED and shown.row_units is not None


def _cell_kinds(values: pd.Series) -> tuple[np.ndarray | None, np.ndarray | list]:
    """Per cell its kind and what is written: the float, 1/0, the text (as ``_write_cell``;
    a blank's is unused); None where a text is longer than ``TEXT_LIMIT``.

    Columns of one type are told apart with numpy (floats, integers, booleans, texts, and
    object columns holding only floats, booleans or None); any other cell by cell.
    """
    dtype = values.dtype
    numpy = isinstance(dtype, np.dtype)  # not a nullable one (pd.NA is written as text)
    if dtype.kind == "f" or (numpy and dtype.kind in "iu"):  # float() of each, as _write_cell
        return _float_kinds(values.to_numpy(dtype=float))
    if numpy and dtype.kind == "b":
        return np.full(len(values), _BOOL), values.to_numpy(dtype=int)
    if isinstance(dtype, pd.StringDtype) and dtype.na_value is np.nan:  # text or NaN only
        return _text_kinds(values.to_numpy(dtype=object), values.isna().to_numpy())
    cells = values.to_numpy(dtype=object)
    types = set(map(type, cells))
    if types <= _FLOAT_OR_NONE:  # e.g. a price range not computed: all NaN
        return _float_kinds(np.array(cells, dtype=float))  # None → NaN: blank either way
    if types <= _BOOL_OR_BLANK:  # e.g. ``marginal``: True/False, NaN on subtotal rows
        missing = pd.isna(cells)  # None and NaN (the only floats, or cell by cell below)
        if set(map(type, cells[~missing])) <= _BOOL_TYPES:
            return np.where(missing, _BLANK, _BOOL), cells.astype(bool).astype(int)
    return _cell_by_cell_kinds(cells)


#: Types of an object column told apart with numpy (anything else goes cell by cell).
_FLOAT_OR_NONE = {float, np.float64, type(None)}
_BOOL_TYPES = {bool, np.bool_}
_BOOL_OR_BLANK = _BOOL_TYPES | _FLOAT_OR_NONE


def _float_kinds(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Floats: NaN blank, ±inf the text ∞ (an object array then), the rest as they are."""
    infinite = np.isinf(x)
    kinds = np.where(np.isnan(x), _BLANK, np.where(infinite, _INF, _NUMBER))
    if not infinite.any():
        return kinds, x
    payload = x.astype(object)
    payload[infinite] = np.where(x[infinite] > 0, INFINITY_TEXT, "-" + INFINITY_TEXT)
    return kinds, payload


def _text_kinds(texts: np.ndarray, missing: np.ndarray) -> tuple[np.ndarray | None, np.ndarray]:
    """Texts, missing ones blank; None where one is longer than ``TEXT_LIMIT``."""
    present = texts[~missing]
    if present.size and max(map(len, present)) > TEXT_LIMIT:
        return None, texts
    return np.where(missing, _BLANK, _TEXT), texts


def _cell_by_cell_kinds(cells: np.ndarray) -> tuple[np.ndarray | None, list]:
    """Kinds and payload of a column of mixed types, cell by cell (``_cell_kind``)."""
    pairs = [_cell_kind(value) for value in cells]
    if any(k == _TEXT and len(v) > TEXT_LIMIT for k, v in pairs):
        return None, []
    return np.asarray([k for k, _ in pairs], dtype=int), [v for _, v in pairs]


def _cell_kind(value) -> tuple[int, object]:
    """One cell's kind and what is written, told apart exactly as ``_write_cell`` does."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return _BLANK, None
    if isinstance(value, _BOOLS):
        return _BOOL, 1 if value else 0
    if isinstance(value, _NUMBERS):
        number = float(value)
        if math.isinf(number):
            return _INF, INFINITY_TEXT if number > 0 else "-" + INFINITY_TEXT
        return _NUMBER, number
    return _TEXT, str(value)


def _number_codes(styles: _Styles, unit: Unit, units: list[Unit] | None, bold, code) -> np.ndarray:
    """Per row the format code of a number or blank cell: its unit's, bold on total rows."""

    def pick(u: Unit, b: bool) -> int:
        table = styles.bold_numbers if b else styles.numbers
        return code(table.get(u, styles.bold_text if b else styles.text))

    if units is None:
        return np.where(bold, pick(unit, True), pick(unit, False))
    return np.asarray([pick(u, b) for u, b in zip(units, bold.tolist(), strict=True)], dtype=int)


def _column_letters(col: int) -> str:
    """A, B, … Z, AA, …: the column part of a cell reference."""
    letters = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


#: A cell's XML after its ``<c r="A3" s="1"``, by kind, as a ``str.format`` field of
#: argument ``i`` (the cell's value: the float, 1/0, the text or its inline XML); a blank
#: takes none. XlsxWriter writes numbers with ``%.16G``, which ``{:.16G}`` gives too.
_CELL_TAILS = {
    _NUMBER: "><v>{{{i}:.16G}}</v></c>",
    _BLANK: "/>",
    _BOOL: ' t="b"><v>{{{i}}}</v></c>',
    _TEXT: "{{{i}}}",
    _INF: "{{{i}}}",
    _PLAIN: ' t="inlineStr"><is><t>{{{i}}}</t></is></c>',
}


def _rows_xml(columns: list, numbers: list[str], xf: list[str], inline: _InlineText) -> str:
    """The rows' XML, row by row: one ``str.format`` template per distinct row layout
    (each cell's kind and format), filled with the row number and the row's values.

    Rows of one layout share their template (a county sheet has 2-3 layouts: counties,
    subtotal rows, counties missing a value), so each row is one C-level format call
    instead of a string built per cell; any number of layouts works (one template each).
    """
    values, layout = [], []
    width = len(xf)  # a cell's layout: kind × width + format code, one small integer
    for _, kinds, payload, code in columns:
        shown, kinds_ = _cell_values(kinds, payload, inline)
        values.append(shown)
        layout.append(kinds_ * width + code)
    layouts, which = _row_layouts(layout)
    fill = [_row_template(columns, xf, row, width).format for row in layouts]
    cells = zip(numbers, *values, strict=True)
    if len(fill) == 1:
        return "".join([fill[0](*row) for row in cells])
    return "".join([fill[k](*row) for k, row in zip(which, cells, strict=True)])


def _row_layouts(layout: list[np.ndarray]) -> tuple[list[list[int]], list[int]]:
    """The distinct rows of the per-column ``layout`` arrays, and each row's among them
    (numbered in order of first use: one dictionary look-up of the row's bytes)."""
    matrix = np.ascontiguousarray(np.stack(layout, axis=1), dtype=np.int64)
    ids: dict[bytes, int] = {}
    which = [ids.setdefault(row, len(ids)) for row in map(bytes, matrix)]
    return [np.frombuffer(row, dtype=np.int64).tolist() for row in ids], which


def _row_template(columns: list, xf: list[str], layout: list[int], width: int) -> str:
    """One row layout as a ``str.format`` template: ``{0}`` the row number, ``{c+1}``
    column c's value."""
    cells = []
    for c, ((letter, *_), cell) in enumerate(zip(columns, layout, strict=True)):
        kind, code = divmod(cell, width)
        cells.append(f'<c r="{letter}{{0}}" s="{xf[code]}"' + _CELL_TAILS[kind].format(i=c + 1))
    return '<row r="{0}">' + "".join(cells) + "</row>"


def _cell_values(kinds: np.ndarray, payload, inline: _InlineText) -> tuple[list, np.ndarray]:
    """A column's values as its row templates take them, and its kinds for the templates.

    Where every text of the column (∞ included) is plain (``_all_plain``: names,
    ids, words), the texts go in as they are, in ``_PLAIN`` cells; otherwise each
    distinct text is made its inline XML once (names repeat: cities).
    """
    texts = np.flatnonzero((kinds == _TEXT) | (kinds == _INF))
    if not texts.size:
        return (payload.tolist() if isinstance(payload, np.ndarray) else list(payload)), kinds
    values = np.asarray(payload, dtype=object)
    shown = values[texts].tolist()
    if _all_plain(shown):
        kinds = kinds.copy()
        kinds[texts] = _PLAIN
        return values.tolist(), kinds
    xml = {t: inline(t) for t in dict.fromkeys(shown)}
    values = values.copy()
    values[texts] = [xml[t] for t in shown]
    return values.tolist(), kinds


#: Text that XlsxWriter writes as it is: none of its control-character escapes
#: (``_xHHHH_``, U+FFFE/U+FFFF), XML escapes or whitespace marks apply (one search instead
#: of its five; anything else takes its own functions).
_NOT_PLAIN = re.compile(r"[\x00-\x08\x0b-\x1f&<>\ufffe\uffff]|_x[0-9a-fA-F]{4}_|^\s|\s$")
#: ``_NOT_PLAIN`` in three searches over many texts joined by newlines (each is faster
#: than the alternation, which is tried at every character): the characters, the
#: escape look-alikes, and whitespace beside a newline (a text's first or last character).
_SPECIAL = re.compile(r"[\x00-\x08\x0b-\x1f&<>\ufffe\uffff]")
_ESCAPE_LOOKALIKE = re.compile(r"_x[0-9a-fA-F]{4}_")
_EDGE_SPACE = re.compile(r"\n\s")


def _all_plain(texts: list[str]) -> bool:
    """Whether no text of ``texts`` matches ``_NOT_PLAIN`` (False may be a false alarm:
    a text holding a newline; the texts then take ``_InlineText``)."""
    lines = "\n" + "\n".join(texts) + "\n"
    return not (
        _SPECIAL.search(lines)
        or _ESCAPE_LOOKALIKE.search(lines)
        or _EDGE_SPACE.search(lines)  # a text starting with whitespace
        or _EDGE_SPACE.search(lines[::-1])  # … or ending with it
    )


class _InlineText:
    """The rest of an inline-string cell after its ``<c r=… s=…``, as XlsxWriter writes it
    (control characters escaped, whitespace preserved, XML escapes), once per distinct text."""

    def __init__(self, sheet) -> None:
        from xlsxwriter.utility import _preserve_whitespace

        self.sheet, self.preserve, self.done = sheet, _preserve_whitespace, {}

    def __call__(self, text: str) -> str:
        xml = self.done.get(text)
        if xml is None and not _NOT_PLAIN.search(text):
            xml = self.done[text] = f' t="inlineStr"><is><t>{text}</t></is></c>'
        elif xml is None:
            string = self.sheet._escape_control_characters(text)
            if string.startswith("<r>") and string.endswith("</r>"):
                xml = f' t="inlineStr"><is>{string}</is></c>'
            else:
                space = ' xml:space="preserve"' if self.preserve(string) else ""
                escaped = self.sheet._escape_data(string)
                xml = f' t="inlineStr"><is><t{space}>{escaped}</t></is></c>'
            self.done[text] = xml
        return xml


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
    if isinstance(values.dtype, pd.StringDtype):  # parse each distinct text once (ids, names)
        values = pd.Series(pd.unique(values), dtype=values.dtype)
    if values.dtype != object:  # an object column is measured as text, whatever it holds
        numeric = pd.to_numeric(values, errors="coerce")
        if numeric.notna().any():
            finite = numeric[np.isfinite(numeric)]
            biggest = float(finite.abs().max()) if len(finite) else 0.0
            return len(f"-{biggest:,.2f}")
    texts = pd.unique(values.dropna().astype(str))  # names repeat (cities): measure each once
    widest = 0  # longest first; a text of n characters is at most 2n wide
    # as a list: sorting a pandas string array fetches each item through pandas
    for text in sorted(np.asarray(texts, dtype=object).tolist(), key=len, reverse=True):
        if 2 * len(text) <= widest:
            break
        widest = max(widest, display_width(text))
    return widest


def _fit(width: int) -> int:
    return min(MAX_WIDTH, max(MIN_WIDTH, width + WIDTH_PADDING))
