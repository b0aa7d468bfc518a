"""Write both reports of a run (report.xlsx, report.html) at the paths the run writer gives."""

from __future__ import annotations

import contextlib
from pathlib import Path

from optimizer.analysis.tables import Result
from optimizer.data.lang import Lang
from optimizer.reports.html import GEOJSON_FILE, write_html
from optimizer.reports.labels import AreaUnit
from optimizer.reports.tables import shown_sections
from optimizer.reports.xlsx import Packing, pack_workbook


def write_reports(
    result: Result,
    workbook: Path,
    page: Path,
    lang: Lang = Lang.EN,
    area: AreaUnit = AreaUnit.HA,
) -> Packing:
    """report.xlsx at ``workbook`` and report.html at ``page``; the tables are built once.

    The workbook is still being zipped when this returns (``Packing``): the caller writes
    its other files meanwhile, then ``wait()``s. The maps come from the dataset folder's
    counties.geojson (none for a dataset built in memory or a result read back from a
    run folder).
    """
    shown = shown_sections(result, lang, area)
    packing = pack_workbook(result, workbook, lang, area, shown)
    try:
        write_html(result, page, lang, area, geojson_of(result), shown)
    except BaseException:
        with contextlib.suppress(Exception):  # the page's error is the one to report
            packing.wait()
        raise
    return packing


def geojson_of(result: Result) -> Path | None:
    """The counties.geojson of the dataset folder the result was solved from, if any."""
    f = result.formulation
    source = None if f is None else f.dataset.source
    return None if source is None else Path(source) / GEOJSON_FILE
