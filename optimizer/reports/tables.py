"""The tables the workbook and the HTML report show, built from a Result (never from files).

``SECTIONS`` is the one data-driven list of table sections: a section whose table is
empty (or absent from the Result, as periods/projects before they exist) is left out,
so a new table joins both reports by one entry here. Values are shown in the
report's area unit (``AreaUnit``); the run folder's files stay in ha.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from optimizer.analysis.tables import Result
from optimizer.data.lang import TERMS, Lang, term
from optimizer.data.numbers import FILE_DECIMALS
from optimizer.reports.labels import (
    EN_LIST_SEPARATOR,
    FAMILY_NAMES_ZH,
    FILE_COLUMNS,
    REGION_ZH,
    TARGET_UNITS,
    ZH_LIST_SEPARATOR,
    AreaUnit,
    Unit,
    area_factor,
    column_unit,
    family_name,
    target_name,
    unit_label,
    word,
)

#: Zone → its official Chinese name (主体功能区), from the one shared vocabulary.
ZONE_NAMES_ZH = {zone: term(zone, Lang.ZH) for zone in ("urban", "agricultural", "ecological")}


@dataclass(frozen=True)
class Section:
    """A table of the reports: its SECTION_NAMES key, the file whose columns it shows, its table."""

    key: str
    file: str
    table: Callable[[Result], pd.DataFrame]
    #: leading columns kept in view (frozen panes in the workbook)
    frozen_columns: int = 0


def _attribute(name: str) -> Callable[[Result], pd.DataFrame]:
    """The Result's table ``name``; an empty one where the Result has no such table (yet)."""

    def table(result: Result) -> pd.DataFrame:
        value = getattr(result, name, None)
        return value if isinstance(value, pd.DataFrame) else pd.DataFrame()

    return table


def _counties(result: Result) -> pd.DataFrame:
    if result.counties.empty:
        return result.counties
    return result.counties.assign(binding=result.binding_text())


#: Every table section, in report order (the summary sheet comes first, built apart).
SECTIONS: tuple[Section, ...] = (
    Section("targets", "targets.csv", _attribute("targets"), frozen_columns=1),
    Section("counties", "allocation.csv", _counties, frozen_columns=2),
    Section("groups", "groups.csv", _attribute("groups"), frozen_columns=2),
    Section("flows", "flows.csv", _attribute("flows")),
    Section("prices", "marginals.csv", _attribute("marginals"), frozen_columns=1),
    Section("periods", "allocation_by_period.csv", _attribute("periods"), frozen_columns=2),
    Section("projects", "projects.csv", _attribute("projects"), frozen_columns=1),
    Section("diagnosis", "diagnosis.csv", _attribute("diagnosis"), frozen_columns=1),
)


@dataclass
class Shown:
    """A table as a report shows it: values (areas converted), units per column, total rows."""

    section: Section
    table: pd.DataFrame
    units: list[Unit]
    #: positions of subtotal / total rows (bold in the workbook)
    total_rows: list[int]
    #: per row, the unit of its MIXED columns when the table knows it (targets); else None
    row_units: list[Unit] | None = None

    def cell_unit(self, row: int, column: int) -> Unit:
        """The unit of one cell: its column's, or its row's for a MIXED column."""
        unit = self.units[column]
        if unit is Unit.MIXED and self.row_units is not None:
            return self.row_units[row]
        return unit


def ordered(table: pd.DataFrame, file: str) -> pd.DataFrame:
    """The dictionary's column order first (the files' order), then any other column."""
    entries = FILE_COLUMNS.get(file, ())
    position = {c: _entry_position(entries, c) for c in table.columns}
    known = sorted((c for c in table.columns if position[c] is not None), key=position.get)
    return table[[*known, *(c for c in table.columns if c not in known)]]


def _entry_position(entries: tuple, column: str) -> int | None:
    return next((i for i, entry in enumerate(entries) if entry.matches(column)), None)


def shown_sections(result: Result, lang: Lang, area: AreaUnit) -> list[Shown]:
    """Every non-empty section of ``result``, ready to render."""
    out = []
    for section in SECTIONS:
        table = section.table(result)
        if table.empty:
            continue
        table = ordered(table.reset_index(drop=True), section.file)
        if section.key == "targets":
            table = _targets(table, lang, area)
        table = _in_words(table, lang)
        if lang is Lang.ZH:
            table = _in_chinese(table)
        units = [column_unit(section.file, c) for c in table.columns]
        totals: list[int] = []
        row_units = None
        if section.key == "targets":
            row_units = [TARGET_UNITS.get(t, Unit.MIXED) for t in section.table(result)["target"]]
        if section.key == "counties":
            table, totals = with_city_subtotals(table, units, lang)
        table = _in_area_unit(table, units, area)
        numeric = table.select_dtypes("number").columns
        table[numeric] = table[numeric].round(FILE_DECIMALS)  # the files' precision
        out.append(Shown(section, table, units, totals, row_units))
    return out


def _in_chinese(table: pd.DataFrame) -> pd.DataFrame:
    """Chinese words for the English codes a person reads: zones, families, the region.

    Names stay exactly as given; English sentences (prices' ``relaxation``) are left out.
    """
    out = table.copy()
    if "zone" in out.columns:
        out["zone"] = out["zone"].map(ZONE_NAMES_ZH).fillna(out["zone"])
    if "family" in out.columns:
        out["family"] = out["family"].map(FAMILY_NAMES_ZH).fillna(out["family"])
    for column in ("id", "name"):
        if "family" in table.columns and column in out.columns:
            out[column] = out[column].replace("region", REGION_ZH)
    return out.drop(columns="relaxation", errors="ignore")


def _in_words(table: pd.DataFrame, lang: Lang) -> pd.DataFrame:
    """The counties' ``binding`` families and ``limited_by`` in words of ``lang`` (TERMS):
    allocation.csv keeps the codes (``per_capita_cap;quota_pool``), a reader gets
    "per-capita cap; quota pool" or 人均城镇用地上限、指标总量."""
    if "binding" not in table.columns and "limited_by" not in table.columns:
        return table
    out = table.copy()
    if "binding" in out.columns:
        sep = ZH_LIST_SEPARATOR if lang is Lang.ZH else EN_LIST_SEPARATOR
        texts = out["binding"].fillna("").tolist()
        words = {  # each distinct list of families once (40,000 counties, a few dozen lists)
            text: sep.join(family_name(f, lang) for f in str(text).split(";") if f)
            for text in dict.fromkeys(texts)
        }
        out["binding"] = [words[text] for text in texts]
    if "limited_by" in out.columns:
        words = {
            v: term(f"limit.{v}", lang)
            for v in out["limited_by"].dropna().unique()
            if f"limit.{v}" in TERMS
        }
        out["limited_by"] = out["limited_by"].map(words).fillna(out["limited_by"])
    return out


def _in_area_unit(table: pd.DataFrame, units: list[Unit], area: AreaUnit) -> pd.DataFrame:
    factor = area_factor(area)
    if factor == 1.0:
        return table
    table = table.copy()
    for column, unit in zip(table.columns, units, strict=True):
        if unit is Unit.AREA:
            table[column] = pd.to_numeric(table[column], errors="coerce") * factor
    return table


def _targets(table: pd.DataFrame, lang: Lang, area: AreaUnit) -> pd.DataFrame:
    """targets: names in ``lang``, rows measured in ha shown in ``area``, each row's unit.

    The English ``meaning`` is kept only in English (the name says it in Chinese).
    """
    out = table.copy()
    kinds = out["target"].map(TARGET_UNITS)
    is_area = (kinds == Unit.AREA).to_numpy()
    for column in ("value", "limit"):
        values = pd.to_numeric(out[column], errors="coerce").to_numpy(float)
        out[column] = np.where(is_area, values * area_factor(area), values)
    out["unit"] = [
        unit_label(k, lang, area) if isinstance(k, Unit) else "" for k in kinds.to_numpy()
    ]
    out["target"] = out["target"].map(lambda t: target_name(t, lang))
    if lang is Lang.ZH:
        out = out.drop(columns="meaning", errors="ignore")
    return out


def with_city_subtotals(
    table: pd.DataFrame, units: list[Unit], lang: Lang
) -> tuple[pd.DataFrame, list[int]]:
    """Counties grouped by city (in input order), a subtotal row after each city, a total last.

    Subtotals add the area columns; satisfaction is Σ allocation ÷ Σ demand; other
    columns are left empty there. One groupby, whatever the number of cities.
    """
    additive = [c for c, u in zip(table.columns, units, strict=True) if u is Unit.AREA]
    cities = table["city"].astype(str)
    rank = pd.Series(np.arange(cities.nunique()), index=pd.unique(cities))
    sums = table[additive].groupby(cities.to_numpy(), sort=False).sum()
    grand = sums.sum().to_frame().T
    subtotal_names = [word("subtotal", lang, city=city) for city in sums.index]
    subtotals = sums.assign(city=sums.index, name=subtotal_names).reset_index(drop=True)
    total = grand.assign(city="", name=word("total", lang))
    rows = pd.concat([table, subtotals, total], ignore_index=True)
    order_rank = np.concatenate([rank[cities].to_numpy(), rank[sums.index].to_numpy(), [len(rank)]])
    is_total = np.concatenate([np.zeros(len(table)), np.ones(len(sums) + 1)])
    order = np.lexsort((is_total, order_rank))  # stable: counties keep their input order
    rows = rows.iloc[order].reset_index(drop=True).reindex(columns=table.columns)
    if {"satisfaction", "allocation", "demand"} <= set(rows.columns):
        total_rows = np.flatnonzero(is_total[order] == 1)
        demand = rows["demand"].to_numpy(float)[total_rows]
        with np.errstate(divide="ignore", invalid="ignore"):
            share = np.where(
                demand > 0, rows["allocation"].to_numpy(float)[total_rows] / demand, np.nan
            )
        rows.loc[total_rows, "satisfaction"] = share
    return rows, np.flatnonzero(is_total[order] == 1).tolist()


def display_width(text: str) -> int:
    """Columns ``text`` takes on screen or in a sheet: East Asian wide characters count double."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
