"""``target``: the smallest value of a key that reaches a satisfaction, by bisection.

Satisfaction is the headline figure Σ allocation / Σ demand. The search assumes it does
not fall as the key grows over [low, high] (true of the pool ``quota.total`` and of every
key that only relaxes a limit). It first solves at ``high``: below the target there, no
value in the range reaches it, and the answer says so with the most that is achieved.
Otherwise it bisects on the grid low + k·tolerance (1 ha for the pool), each step a warm
re-solve, to the smallest k whose satisfaction reaches the target: exact to the
tolerance, with ⌈log₂((high − low) / tolerance)⌉ + 2 solves.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from models.results import Status
from optimizer.data.dataset import Dataset
from optimizer.data.problems import UsageError
from optimizer.formulation.build import build
from optimizer.sweep.run import solve_point
from optimizer.sweep.spec import COUNTY_PREFIX, Point, check_key, check_value
from optimizer.sweep.warm import WarmSolver

#: The figures a target may name.
METRICS = ("satisfaction",)
#: The key a target varies unless told: the quota pool (ha).
DEFAULT_KEY = "quota.total"
#: Default step of the search in the key's unit: 1 ha for the pool.
DEFAULT_TOLERANCE = 1.0
#: A satisfaction this far below the target still reaches it (solver round-off).
REACH_TOLERANCE = 1e-9
#: Most bisection steps (a tolerance far below the range's width is refused).
MAX_STEPS = 200


@dataclass(frozen=True)
class TargetResult:
    """The answer of ``target``: the value found (None if unreachable) and what it achieves."""

    key: str
    value: float | None
    reached: bool
    achieved: float
    metric: str
    goal: float
    low: float
    high: float
    tolerance: float
    solves: int

    def to_dict(self) -> dict[str, Any]:
        """``--json``: exactly {key, value, reached, achieved}."""
        return {
            "key": self.key,
            "value": self.value,
            "reached": self.reached,
            "achieved": self.achieved,
        }


def target(
    dataset: Dataset | str | Path,
    satisfaction: float = 0.8,
    vary: str = DEFAULT_KEY,
    *,
    low: float | None = None,
    high: float | None = None,
    tolerance: float = DEFAULT_TOLERANCE,
    overrides: Mapping[str, Any] | None = None,
) -> TargetResult:
    """The smallest value of ``vary`` in [low, high] whose optimum reaches ``satisfaction``.

    Defaults for the pool: low 0, high Σ demand (no county takes more than its demand, so
    no larger pool does more). Other keys need ``low`` and ``high``. Never prints.
    """
    if not isinstance(dataset, Dataset):
        from optimizer.data.read import load_dataset

        dataset = load_dataset(dataset, overrides)
    elif overrides:
        dataset = dataset.with_overrides(overrides)
    if not (math.isfinite(satisfaction) and satisfaction >= 0):
        raise UsageError(f"the target satisfaction must be a number ≥ 0; got {satisfaction:g}")
    check_key(vary, dataset, option="--vary")
    low, high = _range(dataset, vary, low, high)
    if not (math.isfinite(tolerance) and tolerance > 0):
        raise UsageError(f"--tolerance must be a positive number; got {tolerance:g}")
    steps = math.ceil((high - low) / tolerance - 1e-12)
    if steps > 2**MAX_STEPS:
        raise UsageError(f"--tolerance {tolerance:g} is too fine for the range {low:g}…{high:g}")
    search = _Search(dataset, vary)

    def answer(value: float | None, achieved: float) -> TargetResult:
        reached = value is not None
        return TargetResult(
            vary, value, reached, achieved, "satisfaction", satisfaction, low, high, tolerance,
            search.n,
        )  # fmt: skip

    best = search.satisfaction(high)
    if best < satisfaction - REACH_TOLERANCE:
        return answer(None, best)
    at_low = search.satisfaction(low)
    if at_low >= satisfaction - REACH_TOLERANCE:
        return answer(low, at_low)
    lo, hi, hi_sat = 0, steps, best
    while hi - lo > 1:
        mid = (lo + hi) // 2
        s = search.satisfaction(_at(low, high, tolerance, mid))
        if s >= satisfaction - REACH_TOLERANCE:
            hi, hi_sat = mid, s
        else:
            lo = mid
    return answer(_at(low, high, tolerance, hi), hi_sat)


def _at(low: float, high: float, tolerance: float, k: int) -> float:
    """The k-th value of the search grid (the last one is ``high`` itself)."""
    return float(min(low + k * tolerance, high))


def _range(
    dataset: Dataset, key: str, low: float | None, high: float | None
) -> tuple[float, float]:
    if key == DEFAULT_KEY:
        low = 0.0 if low is None else low
        high = float(dataset.counties["demand"].sum()) if high is None else high
    if low is None or high is None:
        raise UsageError(
            f"--vary {key}: give the range to search, --range LOW:HIGH (only the pool "
            f"{DEFAULT_KEY} has a default, 0 to Σ demand)"
        )
    if not (math.isfinite(low) and math.isfinite(high)) or high < low:
        raise UsageError(f"--range {low:g}:{high:g}: LOW must be at most HIGH, both finite")
    for value in (low, high):
        check_value(key, float(value), dataset, option="--range")
    return float(low), float(high)


class _Search:
    """Satisfaction at a value of the key, each a warm re-solve of one model."""

    def __init__(self, dataset: Dataset, key: str) -> None:
        self.dataset, self.key = dataset, key
        self.solver = WarmSolver(dataset.scenario.solver.time_limit_s)
        self.base = build(dataset)
        self.n = 0

    def satisfaction(self, value: float) -> float:
        """Σ allocation / Σ demand at ``value`` (−inf when the scenario has no optimum)."""
        import numpy as np

        if self.key.startswith(COUNTY_PREFIX):
            n = len(self.dataset.counties)
            point = Point(factors=((self.key, np.full(n, float(value))),))
        else:
            point = Point(values=((self.key, float(value)),))
        record = solve_point(self.dataset, point, self.solver, first=self.n == 0, base=self.base)
        self.n += 1
        if record["status"] != Status.OPTIMAL.value:
            return -math.inf
        return float(record["satisfaction"])
