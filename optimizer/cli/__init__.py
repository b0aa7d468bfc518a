"""The ``landquota`` command line: the only code that prints or exits."""

from optimizer.cli.app import main

__all__ = ["main"]
