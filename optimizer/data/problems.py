"""Problems found in input data: errors stop a solve, warnings are reported with it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

#: Where problems name a dotted scenario key, not a table column.
SETTINGS_FILES = ("scenario.toml", "--set", "--name")


#: The order problems are listed in: file by file as a dataset is read.
FILE_ORDER = (
    "counties.csv",
    "groups.csv",
    "group_members.csv",
    "transfer_costs.csv",
    "scenario.toml",
    "--set",
)


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """One finding about the input, located as a planner would look for it.

    ``row`` is the row number a spreadsheet shows (the header is row 1), or None
    when the problem is about a whole file or table. ``county`` names the county of a
    counties.csv row ("counties.csv row 11 (古交市)"), so a planner finds it by name.
    """

    file: str
    message: str
    row: int | None = None
    column: str | None = None
    value: Any = None
    severity: Severity = Severity.ERROR
    county: str | None = None
    #: The rule broken, a stable name (``""``: none yet): the reports render it in the
    #: report's language from the catalogue (cli/words.py ``problem.<code>``) with
    #: ``params``, the data of the sentence (numbers, names), never a sentence. The
    #: machine files keep ``message``, the English sentence.
    code: str = ""
    params: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f" row {self.row}"
            if self.county:
                where += f" ({self.county})"
        if self.column is not None:
            where += f", {'key' if self.file in SETTINGS_FILES else 'column'} {self.column}"
        if self.value is not None:
            where += f" = {self.value!r}"
        return f"{where}: {self.message}"

    def to_dict(self) -> dict[str, Any]:
        value = self.value if self.value is None else str(self.value)
        return {
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "value": value,
            "message": self.message,
            "severity": str(self.severity),
            "county": self.county,
        }

    def to_record(self) -> dict[str, Any]:
        """The problem as ``--json`` lists bad data: ``rule`` is the message of the broken rule."""
        record = self.to_dict()
        record["rule"] = record.pop("message")
        record["severity"] = record.pop("severity")
        return record


class DataError(Exception):
    """The dataset cannot be used; ``problems`` lists every error found (all at once)."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class UsageError(Exception):
    """The request itself is wrong: missing folder, unknown option or backend."""


def sorted_problems(problems: list[Problem]) -> list[Problem]:
    """File by file in dataset order (FILE_ORDER), then by row (whole-file problems first)."""

    def key(p: Problem) -> tuple[int, int]:
        order = FILE_ORDER.index(p.file) if p.file in FILE_ORDER else len(FILE_ORDER)
        return order, p.row or 0

    return sorted(problems, key=key)
