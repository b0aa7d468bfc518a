"""Solver backends behind one interface; pick one by name.

A backend's module (and with it OR-Tools, PuLP or highspy) is imported only
when that backend is asked for, so a solve pays only for the solver it uses.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping

from optimizer.data.problems import UsageError
from optimizer.solvers.base import Backend, Capabilities, Solution, Stopwatch

#: Backend name → (module, class), imported on first use.
_CLASSES: dict[str, tuple[str, str]] = {
    "ortools": ("optimizer.solvers.ortools", "OrtoolsBackend"),
    "pulp": ("optimizer.solvers.pulp", "PulpBackend"),
    "highs": ("optimizer.solvers.highs", "HighsBackend"),
}


class _Registry(Mapping[str, type[Backend]]):
    """name → backend class, importing each backend's module when it is looked up."""

    def __getitem__(self, name: str) -> type[Backend]:
        module, cls = _CLASSES[name]
        return getattr(importlib.import_module(module), cls)

    def __iter__(self) -> Iterator[str]:
        return iter(_CLASSES)

    def __len__(self) -> int:
        return len(_CLASSES)


BACKENDS: Mapping[str, type[Backend]] = _Registry()


def get_backend(name: str) -> Backend:
    """The backend called ``name`` (ortools | pulp | highs)."""
    if name not in _CLASSES:
        raise UsageError(f"unknown backend {name!r} (choose: {', '.join(_CLASSES)})")
    return BACKENDS[name]()


__all__ = [
    "BACKENDS",
    "Backend",
    "Capabilities",
    "Solution",
    "Stopwatch",
    "get_backend",
]
