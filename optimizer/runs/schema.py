"""The run folder's schema in one place: its file names, column orders, text columns, marker.

A run folder (MODEL.md §5, docs/runs.md) holds ``summary.json``, the CSV tables
and the marker ``landquota-run.json``, which lists every file the run wrote with
its size and SHA-256, so that a later run can tell for certain that the folder is
a landquota run and that nobody has added or changed a file in it since. The
marker's ``kind`` (run, sweep, synth) says which command wrote the folder: sweep
folders and synthetic datasets carry the same marker, and each command replaces only
a folder of its own kind.
"""

from __future__ import annotations

from dataclasses import dataclass

from optimizer.data.numbers import FILE_DECIMALS

#: The headline of the run (the Summary model as JSON).
SUMMARY_FILE = "summary.json"
#: Written last into every run folder; lists the files the run wrote.
MARKER_FILE = "landquota-run.json"
#: Format of the marker; a marker of another format is not trusted.
MARKER_FORMAT = 1


@dataclass(frozen=True)
class FolderKind:
    """A kind of folder landquota writes, named by its marker's ``kind``.

    Each command replaces only a folder of its own kind (a sweep never replaces a run,
    synth never replaces a sweep). ``empty_is_new``: an existing empty folder is filled
    as a new one (a dataset folder made beforehand); otherwise it is refused.
    """

    name: str
    noun: str
    empty_is_new: bool = False


RUN = FolderKind("run", "run folder")
SWEEP = FolderKind("sweep", "sweep folder")
SYNTH = FolderKind("synth", "synthetic dataset folder", empty_is_new=True)
#: Every kind, by the name its marker carries.
FOLDER_KINDS = {k.name: k for k in (RUN, SWEEP, SYNTH)}

#: Result attribute → CSV file of the run folder (a feasible run writes all but
#: diagnosis.csv; an infeasible one writes only diagnosis.csv).
TABLE_FILES = {
    "counties": "allocation.csv",
    "groups": "groups.csv",
    "flows": "flows.csv",
    "targets": "targets.csv",
    "marginals": "marginals.csv",
    "diagnosis": "diagnosis.csv",
    "projects": "projects.csv",
    "periods": "allocation_by_period.csv",
}
#: What a person reads (optimizer/reports): the Excel workbook and the offline HTML page.
REPORT_XLSX = "report.xlsx"
REPORT_HTML = "report.html"
REPORT_FILES = (REPORT_XLSX, REPORT_HTML)
#: Table files a feasible run writes only when the dataset uses their instrument
#: (projects.csv: key projects, MODEL.md §8).
OPTIONAL_TABLE_FILES = frozenset({"projects.csv", "allocation_by_period.csv"})
#: Every file landquota has ever written into a run folder, marker aside (folders
#: written before the marker existed hold only these).
RUN_FILES = frozenset({SUMMARY_FILE, *TABLE_FILES.values(), *REPORT_FILES})

#: Files a file manager leaves in any folder it shows (Finder, Explorer): not a planner's
#: work, so a run folder holding them is still replaced (they go with the old run).
FILE_MANAGER_FILES = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})

#: Column order of allocation.csv: the MODEL.md §5 contract first, then extras.
ALLOCATION_COLUMNS = (
    "county_id",
    "name",
    "city",
    "zone",
    "weight",
    "demand",
    "quota",
    "linkage_in",
    "linkage_out",
    "allocation",
    "satisfaction",
    "reclaimed",
    "supplemented",
    "shortfall",
    "urban_land_2035",
    "per_capita_2020",
    "per_capita_2035",
    "cultivated_2035",
    "construction_land_2035",
    "binding",
)
GROUP_COLUMNS = ("group_id", "name", "allocation", "share")
FLOW_COLUMNS = ("from_id", "to_id", "amount")
TARGET_COLUMNS = ("target", "value", "limit", "met")
#: projects.csv of a run (key projects, MODEL.md §8; written only when the dataset has them).
PROJECT_COLUMNS = ("project_id", "name", "county_id", "area", "guaranteed", "period_end")
#: allocation_by_period.csv (a phased plan, MODEL.md §7; written only with [periods]).
PERIOD_COLUMNS = (
    "county_id",
    "period_end",
    "quota",
    "linkage_in",
    "allocation",
    "reclaimed",
    "supplemented",
    "shortfall",
    "urban_land",
    "per_capita",
    "cultivated",
    "construction_land",
)
#: File → the columns it starts with (later columns are extras, in the Result's order).
COLUMN_ORDER = {
    "allocation.csv": ALLOCATION_COLUMNS,
    "groups.csv": GROUP_COLUMNS,
    "flows.csv": FLOW_COLUMNS,
    "targets.csv": TARGET_COLUMNS,
    "projects.csv": PROJECT_COLUMNS,
    "allocation_by_period.csv": PERIOD_COLUMNS,
}

#: Columns read back as text: ids (leading zeros survive) and words (never NaN).
TEXT_COLUMNS = (
    "county_id",
    "group_id",
    "from_id",
    "to_id",
    "id",
    "name",
    "binding",
    "bound",
    "limited_by",
    "kind",
    "family",
    "setting",
    "message",
    "unit",
    "relaxation",
    "project_id",
    "guaranteed",
    "period_end",
    "locked",
)

#: Decimals kept in CSV files (and summary.json, see json_text.py): the one file
#: precision of data.numbers, which every display rule rounds to first.
CSV_DECIMALS = FILE_DECIMALS
