"""The one rich console every command prints through."""

from __future__ import annotations

import os
import sys

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


def terminal_console() -> Console:
    """Colour on terminals (NO_COLOR respected by rich), 100 columns when piped."""
    console = PlannerConsole(highlight=False)
    if not console.is_terminal and "COLUMNS" not in os.environ:
        console = PlannerConsole(highlight=False, width=PIPED_WIDTH)
    return console
