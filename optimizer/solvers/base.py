"""One small interface for every solver backend, and what a backend hands back."""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np

from models.results import Status
from optimizer.data.problems import UsageError
from optimizer.formulation.lp import LinearProgram

#: HiGHS ``auto`` runs interior point (with crossover to a vertex) from this many columns
#: up, dual simplex below; ``solve`` picks HiGHS over GLOP from the same size. Measured
#: (docs/performance.md): as fast at the national scale (23,000 columns), interior point
#: 2× faster at 10,000 counties (82,000 columns) and 4× at the township scale (330,000).
AUTO_IPM_COLUMNS = 40_000


@dataclass(frozen=True)
class Capabilities:
    """What a backend/solver pair can deliver; reports only show what is supported."""

    duals: bool = False  # row dual values and reduced costs that are real prices
    time_limit: bool = True
    ranging: bool = False  # right-hand-side ranges over which the duals hold
    iis: bool = False  # an irreducible infeasible subset on infeasible models


@dataclass
class Solution:
    """A solver's answer in the LP's own column and row order.

    ``row_duals`` and ``col_duals`` are dZ/d(bound): the change of the objective
    per unit increase of the row's (or column's) active bound, whatever sense the
    solver used internally; None when the backend cannot give real prices.
    """

    status: Status
    objective: float | None = None
    x: np.ndarray | None = None
    row_duals: np.ndarray | None = None
    col_duals: np.ndarray | None = None
    timings: dict[str, float] = field(default_factory=dict)
    message: str = ""
    ranging: dict[str, np.ndarray] | None = None  # row_lo, row_hi, col_lo, col_hi (optional)
    solver: str | None = None  # the solver that ran, when the backend chose it ("auto")


class Backend(ABC):
    """Solves a LinearProgram with one modelling layer; subclasses declare their solvers."""

    name: ClassVar[str]
    #: solver name → what it supports
    solvers: ClassVar[dict[str, Capabilities]]
    default_solver: ClassVar[str]

    def capabilities(self, solver: str) -> Capabilities:
        return self.solvers[self.check_solver(solver)]

    def check_solver(self, solver: str) -> str:
        if solver not in self.solvers:
            known = ", ".join(self.solvers)
            raise UsageError(f"backend {self.name} has no solver {solver!r} (choose: {known})")
        return solver

    @abstractmethod
    def solve(self, lp: LinearProgram, solver: str, time_limit_s: float | None) -> Solution:
        """Load the LP into the solver, solve it, and read the answer back."""


class Stopwatch:
    """Collects named stage durations: ``with watch("solve"): ...``."""

    def __init__(self) -> None:
        self.timings: dict[str, float] = {}

    def __call__(self, stage: str) -> _Lap:
        return _Lap(self, stage)


class _Lap:
    def __init__(self, watch: Stopwatch, stage: str) -> None:
        self.watch, self.stage = watch, stage

    def __enter__(self) -> None:
        self.start = time.perf_counter()

    def __exit__(self, *exc: object) -> None:
        elapsed = time.perf_counter() - self.start
        self.watch.timings[self.stage] = self.watch.timings.get(self.stage, 0.0) + elapsed
