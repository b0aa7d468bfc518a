"""What a solve reports about itself (MODEL.md §4-5): status, sizes, timings, summary."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from models.scenario import Scenario


class Status(StrEnum):
    """How a solve ended; the values are the ``status`` strings of summary.json."""

    OPTIMAL = "optimal"
    INFEASIBLE = "infeasible"
    UNBOUNDED = "unbounded"
    TIME_LIMIT = "time_limit"
    ERROR = "error"


class LPSize(BaseModel):
    """Size of the linear program as handed to the solver."""

    model_config = ConfigDict(frozen=True)

    rows: int
    cols: int
    nnz: int


class Summary(BaseModel):
    """The headline of a run: what summary.json holds."""

    model_config = ConfigDict(extra="allow")

    status: Status
    objective: float | None = Field(None, description="Z at the solution, objective units.")
    backend: str
    solver: str
    solver_reason: str = Field(
        "", description="Why this backend and solver ran (named, or chosen by the LP's size)."
    )
    notes: list[str] = Field(
        default_factory=list,
        description="What the engine wants the user to know about this run (not warnings "
        "about the data): e.g. a solver that is slow at this size.",
    )
    scenario: Scenario = Field(..., description="The effective scenario, all keys.")
    timings: dict[str, float] = Field(default_factory=dict, description="Seconds per stage.")
    lp: LPSize
    warnings: list[str] = Field(default_factory=list)
    headline: dict[str, Any] = Field(
        default_factory=dict, description="Totals: quota used, linkage volume, …"
    )
    equity: dict[str, Any] = Field(
        default_factory=dict,
        description=(
            "Gini coefficients (allocation per resident, demand satisfaction) and zone shares."
        ),
    )
    explain: dict[str, Any] = Field(
        default_factory=dict,
        description=(
            "Prices in words with their ranges, the marginal tier, what limits the counties."
        ),
    )
    diagnosis: list[dict[str, Any]] = Field(
        default_factory=list,
        description=(
            "When infeasible: the smallest changes that make the scenario feasible, and the "
            "conflicting constraints (IIS)."
        ),
    )
