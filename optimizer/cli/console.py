"""The one rich console every command prints through."""

from __future__ import annotations

import io
import os
import sys
from typing import IO

from rich.console import Console

#: Width of reports when the output is piped or redirected (no terminal to ask).
PIPED_WIDTH = 100


class PlannerConsole(Console):
    """A console whose reader may stop early (``landquota solve … | head``).

    Rich exits with status 1 on a broken pipe, which would read as "invalid data".
    Here the rest of the report goes nowhere and the command ends with its own
    exit code (0 for a written run, 4 for an infeasible scenario, …).
    """

    def on_broken_pipe(self) -> None:
        self.quiet = True
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


class TrimmedLines(io.TextIOBase):
    """A text stream that writes each line without its trailing spaces.

    Rich pads every table cell to its column's width, the last one too; on a terminal
    that is invisible, in a file or a pipe it leaves trailing spaces on every line.
    """

    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self.pending = ""

    def write(self, text: str) -> int:
        lines = (self.pending + text).split("\n")
        self.pending = lines.pop()
        for line in lines:
            self.out.write(line.rstrip() + "\n")
        return len(text)

    def flush(self) -> None:
        if self.pending:
            self.out.write(self.pending.rstrip())
            self.pending = ""
        self.out.flush()

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        return self.out.fileno()


def terminal_console() -> Console:
    """Colour on terminals (NO_COLOR respected by rich), 100 columns when piped.

    Piped or redirected output has no trailing spaces (TrimmedLines).
    """
    console = PlannerConsole(highlight=False)
    if not console.is_terminal:
        width = None if "COLUMNS" in os.environ else PIPED_WIDTH
        console = PlannerConsole(highlight=False, width=width, file=TrimmedLines(sys.stdout))
    return console
