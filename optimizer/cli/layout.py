"""Tables that fit the terminal: columns dropped by priority, never a number cut short.

Rich shrinks a table that is wider than the console by cutting its cells (``10,0…``).
A report here describes each column with a priority instead; ``fitted_table`` measures
every column's natural width (its widest cell or header) and leaves out the columns
of lowest priority until the rest fit, saying in the caption which ones it left out.
Text columns that may wrap (names, reasons) count with their ``min_width`` only, so
they take the room that is left and fold inside it; a number never wraps.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from rich import box
from rich.cells import cell_len
from rich.console import Group
from rich.table import Table
from rich.text import Text

Cell = str | Text
Justify = Literal["left", "right", "center"]
#: Columns kept whatever the width (priority 0): the name of the row and its main number.
ESSENTIAL = 0
#: Space between two columns: the one-cell divider of the box (no padding, no edges).
COLUMN_GAP = 1


@dataclass(eq=False)
class Column:
    """One column: header, cells, how it aligns, and how much it matters (0 = most)."""

    header: str
    priority: int = ESSENTIAL
    justify: Justify = "right"
    wrap: bool = False  # text that may fold inside its column (names, reasons)
    min_width: int = 8  # the narrowest a wrapping column may become
    cells: list[Cell] = field(default_factory=list)

    def natural_width(self) -> int:
        """Width of the widest cell or of the header, in terminal cells."""
        widths = [cell_len(c.plain if isinstance(c, Text) else str(c)) for c in self.cells]
        return max([cell_len(self.header), *widths])

    def needed_width(self) -> int:
        """The width it cannot do without: all of a number, ``min_width`` of text."""
        natural = self.natural_width()
        return min(natural, max(self.min_width, cell_len(self.header))) if self.wrap else natural


def fit(columns: Sequence[Column], width: int) -> tuple[list[Column], list[Column]]:
    """The columns that fit in ``width`` (in their order) and those left out.

    The lowest-priority column goes first (of equal priority, the rightmost); columns
    of priority 0 always stay.
    """
    kept = list(columns)
    dropped: list[Column] = []

    def total(cols: Sequence[Column]) -> int:
        return sum(c.needed_width() for c in cols) + COLUMN_GAP * max(0, len(cols) - 1)

    while total(kept) > width:
        candidates = [c for c in kept if c.priority > ESSENTIAL]
        if not candidates:
            break
        worst = max(candidates, key=lambda c: (c.priority, kept.index(c)))
        kept.remove(worst)
        dropped.append(worst)
    return kept, dropped


def fitted_table(
    title: str,
    columns: Sequence[Column],
    width: int,
    *,
    caption: str | None = None,
    left_out: Callable[[str], str] = "left out at this width: {}".format,
) -> Group:
    """A table of the columns that fit in ``width``; the caption names those left out.

    The title is a line of its own above the table, so that it wraps at the terminal's
    width rather than the (narrower) table's. ``left_out`` builds the caption's sentence
    from the names of the columns left out (in the report's language).
    """
    kept, dropped = fit(columns, width)
    table = Table(
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        padding=0,
    )
    for c in kept:
        table.add_column(
            c.header,
            justify=c.justify,
            no_wrap=not c.wrap,
            overflow="fold",
            min_width=min(c.min_width, c.natural_width()) if c.wrap else c.natural_width(),
        )
    n = max((len(c.cells) for c in columns), default=0)
    for i in range(n):
        table.add_row(*(c.cells[i] if i < len(c.cells) else "" for c in kept))
    notes = [caption] if caption else []
    if dropped:
        names = ", ".join(c.header for c in columns if c in dropped)
        notes.append(left_out(names))
    # title and notes are lines of their own: they wrap at the terminal's width
    lines = [Text(note, style="table.caption") for note in notes]
    return Group(Text(title, style="table.title"), table, *lines, Text(""))
