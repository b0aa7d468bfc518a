"""Solver backends behind one interface; pick one by name."""

from __future__ import annotations

from optimizer.backends.base import Backend, Capabilities, Solution, Stopwatch
from optimizer.backends.highs_backend import HighsBackend
from optimizer.backends.ortools_backend import OrtoolsBackend
from optimizer.backends.pulp_backend import PulpBackend
from optimizer.problems import UsageError

BACKENDS: dict[str, type[Backend]] = {
    b.name: b for b in (OrtoolsBackend, PulpBackend, HighsBackend)
}


def get_backend(name: str) -> Backend:
    """The backend called ``name`` (ortools | pulp | highs)."""
    try:
        return BACKENDS[name]()
    except KeyError:
        raise UsageError(
            f"unknown backend {name!r} (choose: {', '.join(BACKENDS)})") from None


__all__ = ["BACKENDS", "Backend", "Capabilities", "Solution", "Stopwatch", "get_backend"]
