"""What a solve reports about itself (MODEL.md §4-5): status, sizes, timings, summary.

Every section of summary.json is a model of its own with ``extra="forbid"``, so a
key nobody declared can neither be written nor read back unnoticed. A section a
run does not have (an infeasible run has no headline, equity or explain) is None
here and ``{}`` in summary.json.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_serializer,
    model_serializer,
)

from models.scenario import Scenario, TieBreakMethod


class Status(StrEnum):
    """How a solve ended; the values are the ``status`` strings of summary.json."""

    OPTIMAL = "optimal"
    INFEASIBLE = "infeasible"
    UNBOUNDED = "unbounded"
    TIME_LIMIT = "time_limit"
    ERROR = "error"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LPSize(_Section):
    """Size of the linear program as handed to the solver."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rows: int
    cols: int
    nnz: int


class Timings(_Section):
    """Seconds per stage of the solve; a stage that did not run is left out."""

    read: float | None = Field(None, description="Reading and validating the dataset folder.")
    build: float | None = Field(None, description="Building the LP.")
    solver_load: float | None = Field(None, description="Handing the LP to the solver.")
    solver_solve: float | None = Field(None, description="The solver's own run.")
    solver_read: float | None = Field(None, description="Reading the solution back.")
    tie_break: float | None = Field(
        None, description="The tie-break (MODEL.md §6): the optimal face and its QP."
    )
    extract: float | None = Field(
        None, description="Result tables, prices, explanations (and the diagnosis)."
    )

    def total(self) -> float:
        """Seconds of all the stages that ran."""
        return sum(v for v in self.model_dump().values() if v is not None)


class PeriodHeadline(_Section):
    """One period of a phased plan (MODEL.md §7): its pool, what it used and the stocks
    at its end (ha unless the key says otherwise)."""

    period_end: str = Field(..., description="Year the period ends in.")
    quota_pool_ha: float = Field(..., description="The period's pool Q_t.")
    quota_used_ha: float = Field(..., description="Σ quota handed out in the period.")
    allocation_ha: float = Field(..., description="Σ new construction land of the period.")
    linkage_used_ha: float = Field(..., description="Σ linkage indicators used in the period.")
    reclaimed_ha: float
    supplemented_ha: float
    cultivated_ha: float = Field(..., description="Σ cultivated land at the period end.")
    construction_land_ha: float = Field(..., description="Σ construction land at the end.")
    intensity_reduction: float | None = Field(
        ..., description="Fall of construction land per GDP 2020 → the period end, fraction."
    )
    shortfall_ha: float = Field(..., description="Urban land below the floor at the end.")
    pool_row: str | None = Field(
        None,
        description="marginals.csv row that prices the period's pool (quota_pool@<end>, "
        "or quota_pool for the last period when it has no row of its own).",
    )
    pool_gain_per_ha: float | None = Field(
        None,
        description="Z gained per ha more in that row (its unique gain_per_unit, the same "
        "for every solver; ÷ 15 per 亩); null without prices.",
    )
    pool_loss_per_ha: float | None = Field(
        None, description="Z lost per ha less in that row (its unique loss_per_unit)."
    )


class Headline(_Section):
    """The totals a planner reads first (ha unless the key says otherwise)."""

    quota_pool_ha: float = Field(..., description="quota.total.")
    quota_used_ha: float = Field(..., description="Σ quota handed to the counties.")
    demand_ha: float
    allocation_ha: float = Field(..., description="Σ new construction land A_i.")
    linkage_used_ha: float = Field(..., description="Σ linkage indicators used.")
    linkage_transferred_ha: float = Field(..., description="Σ indicators sent to other counties.")
    reclaimed_ha: float
    supplemented_ha: float
    intensity_reduction: float | None = Field(
        ..., description="Fall of construction land per GDP 2020 → 2035, fraction."
    )
    cultivated_2035_ha: float
    shortfall_ha: float = Field(..., description="Urban land missing below the per-capita floor.")
    quota_reserve_ha: float | None = Field(
        None, description="Pool held back by the province (quota.reserve_share × Q, 预留指标)."
    )
    stock_used_ha: float | None = Field(
        None, description="Σ existing stock land supplied again z_i (存量), beside new land."
    )
    quota_linked_ha: float | None = Field(
        None, description="Σ quota earned by reusing stock (增存挂钩)."
    )
    projects_ha: float | None = Field(None, description="Σ key projects' areas (重点项目库).")
    periods: list[PeriodHeadline] | None = Field(
        None, description="A phased plan's headline per period ([periods], MODEL.md §7)."
    )

    @model_serializer(mode="wrap")
    def _instruments_in_use(self, handler) -> dict:
        """The instrument totals only when the run uses the instrument (MODEL.md §8)."""
        data = handler(self)
        return {k: v for k, v in data.items() if not (k in INSTRUMENT_KEYS and v is None)}


#: Headline keys of the optional instruments, left out of summary.json when unused.
INSTRUMENT_KEYS = (
    "quota_reserve_ha",
    "stock_used_ha",
    "quota_linked_ha",
    "projects_ha",
    "periods",
)


class ZoneShare(_Section):
    """One main-function zone's part of the pool and of all new land."""

    quota_ha: float
    quota_share: float = Field(..., description="Fraction of the quota used.")
    allocation_ha: float
    allocation_share: float = Field(..., description="Fraction of all new land.")


class Equity(_Section):
    """Gini coefficients (allocation per resident, demand satisfaction) and zone shares."""

    gini_allocation_per_resident: float | None
    gini_satisfaction: float | None
    allocation_per_resident_m2: float | None = Field(..., description="m² of new land/resident.")
    zones: dict[str, ZoneShare] = Field(..., description="By zone: urban, agricultural, …")
    method: str


class UniqueRates(_Section):
    """The one-sided rates of Z*(limit) of MODEL.md §6: the same for every backend.

    Rates are objective units per unit of the constraint (ha); the ``holds_to`` values are
    the limit, in the family's unit, up to which each rate holds (null: no end). A
    ``loss_per_unit`` of null with ``loss_holds_to`` at the limit: the limit cannot be
    tightened at all without making the plan infeasible.
    """

    gain_per_unit: float | None = Field(..., description="Z gained per unit relaxed.")
    gain_holds_to: float | None = Field(..., description="Limit up to which the gain holds.")
    loss_per_unit: float | None = Field(..., description="Z lost per unit tightened.")
    loss_holds_to: float | None = Field(..., description="Limit down to which the loss holds.")


class Price(_Section):
    """One constraint's marginal value, in words, with the range it holds over."""

    family: str
    id: str
    name: str
    value: float | None = Field(..., description="Change of Z per unit of the limit.")
    unit: str
    limit: float | None
    range_lo: float | None
    range_hi: float | None
    range_of: str | None
    rates: UniqueRates | None = Field(
        None,
        description="Region targets and group rows: gain and loss per unit, and where they hold.",
    )
    text: str


class MarginalTier(_Section):
    """A county whose next tier is where the last hectare of the pool went."""

    county_id: str
    name: str
    tier: int
    value: float = Field(..., description="φ_k × weight: the value of a hectare there.")
    fill: float = Field(..., description="Fraction of that tier filled.")
    quota: float = Field(..., description="ha.")


class TierBands(_Section):
    shares: list[float]
    values: list[float]


class PoolPrice(_Section):
    """The price of one period's pool (MODEL.md §7): the unique rates of its pool row.

    With carry-over the row is the pool available by the period's end (Σ of the pools
    so far): relaxing it by 1 ha is moving 1 ha of pool from the next period into this
    one. Without, it is the period's own pool. The last period's row is the horizon
    pool (quota.total) when no period row says more.
    """

    period_end: str
    pool_ha: float = Field(..., description="The period's pool Q_t.")
    row: str | None = Field(
        ..., description="marginals.csv family of the pool row (quota_pool@2025, quota_pool)."
    )
    limit: float | None = Field(..., description="That row's limit, ha.")
    rates: UniqueRates | None = Field(
        ..., description="Its gain and loss per ha and where they hold; None: not computed."
    )
    text: str


class PeriodExplain(_Section):
    """A phased plan's pools: each period's price, and what carry-over is worth."""

    carry_over: bool
    pools: list[PoolPrice]
    carry_over_worth: float | None = Field(
        ...,
        description="Z with carry-over − Z without (two LP optima); None when not computed.",
    )
    note: str
    text: str = Field(..., description="What carry-over is worth, in words.")


class Explain(_Section):
    """Prices in words with their ranges, the marginal tier, what limits the counties."""

    prices_available: bool
    ranging_available: bool
    prices: list[Price]
    marginal_tier: list[MarginalTier]
    limits: dict[str, int] = Field(..., description="Counties by what limits them.")
    limit_meaning: dict[str, str]
    tiers: TierBands
    periods: PeriodExplain | None = Field(None, description="A phased plan's pools (§7).")

    @model_serializer(mode="wrap")
    def _periods_when_phased(self, handler) -> dict:
        """``periods`` only for a phased plan: summary.json without [periods] is as before."""
        data = handler(self)
        if data.get("periods") is None:
            data.pop("periods", None)
        return data


class DiagnosisRow(_Section):
    """A row of diagnosis.csv: a cause, a change that restores feasibility, or a conflict."""

    kind: str = Field(..., description="cause | single | change | conflict | conflict_partial.")
    family: str | None
    id: str | None
    name: str | None
    current: float | None
    change: float | None
    proposed: float | None
    unit: str | None
    setting: str | None
    message: str | None
    code: str | None = Field(
        None,
        description="A cause's stable code (the finding it comes from); null on other rows. "
        "With ``params`` it lets a report word the cause in its own language when the run "
        "folder is read back (``explain RUNFOLDER --lang zh``).",
    )
    params: dict[str, str] | None = Field(
        None, description="A cause's data: the figures and names of its sentence, formatted."
    )


class SingleFix(_Section):
    """One setting changed alone: the closest value that makes the scenario feasible."""

    setting: str = Field(..., description="Scenario key, or groups.csv min_share / max_share.")
    id: str = Field("region", description='"region", or the group\'s id for a group share.')
    current: float | str | None
    limit: float | str | None = Field(
        ..., description="The closest feasible value; null when no value of it alone suffices."
    )
    unit: str = ""
    reason: str | None = Field(None, description="Why there is no limit (null when there is).")


class Diagnosis(_Section):
    """Why an infeasible scenario has no solution (diagnosis.csv and the fixes alone)."""

    rows: list[DiagnosisRow] = Field(
        default_factory=list,
        description="diagnosis.csv: causes, single fixes, the elastic re-solve's one joint "
        "change, the conflicting constraints (IIS).",
    )
    single_fixes: list[SingleFix] = Field(
        default_factory=list,
        description="Each setting of the conflict changed alone: its closest feasible value.",
    )


def _empty_as_none(value: Any) -> Any:
    return None if value == {} else value


def _diagnosis(value: Any) -> Any:
    """Run folders written before single fixes hold the rows as a bare list."""
    if isinstance(value, list):
        return {"rows": value} if value else None
    return _empty_as_none(value)


class TieBreakInfo(_Section):
    """Whether the tie-break of MODEL.md §6 ran, and how (summary.json ``tie_break``).

    Its seconds are ``timings.tie_break``: everything here is the same for the same solve.
    """

    ran: bool
    method: TieBreakMethod = Field(..., description="quadratic | none (scenario [solver]).")
    objective_lp: float | None = Field(None, description="Z* of the LP solve.")
    objective: float | None = Field(None, description="Z of the final plan (= summary objective).")
    face_from: str | None = Field(
        None, description="backend/solver whose duals fixed the optimal face."
    )
    fixed_columns: int | None = Field(None, description="LP columns held at a bound.")
    active_rows: int | None = Field(None, description="LP rows held at a bound (equalities).")
    qp_columns: int | None = Field(None, description="Columns left free in the QP.")
    qp_rows: int | None = Field(None, description="QP rows (bounds of free columns included).")
    qp_status: str | None = Field(None, description="Clarabel's status.")
    qp_iterations: int | None = None
    reason: str | None = Field(None, description="Why it did not run (null when it ran).")


class Summary(_Section):
    """The headline of a run: what summary.json holds, key for key in this order."""

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
    timings: Timings = Field(default_factory=Timings, description="Seconds per stage.")
    lp: LPSize
    warnings: list[str] = Field(default_factory=list)
    headline: Annotated[Headline | None, BeforeValidator(_empty_as_none)] = None
    equity: Annotated[Equity | None, BeforeValidator(_empty_as_none)] = None
    explain: Annotated[Explain | None, BeforeValidator(_empty_as_none)] = None
    diagnosis: Annotated[Diagnosis | None, BeforeValidator(_diagnosis)] = Field(
        None,
        description=(
            "When infeasible: the changes that make the scenario feasible (each setting "
            "alone, and one joint change), and the conflicting constraints (IIS)."
        ),
    )
    tie_break: Annotated[TieBreakInfo | None, BeforeValidator(_empty_as_none)] = Field(
        None, description="The tie-break of MODEL.md §6: whether it ran, Z before and after."
    )
    message: str = Field("", description="The solver's own words on how it ended.")
    duals: bool = Field(False, description="Whether the solver handed back prices.")

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    @field_serializer("timings", mode="wrap")
    def _stages_run(self, value: Timings, handler) -> dict:
        return {k: v for k, v in handler(value).items() if v is not None}

    @field_serializer("headline", "equity", "explain", "diagnosis", "tie_break", mode="wrap")
    def _absent_as_empty(self, value, handler) -> dict:
        return {} if value is None else handler(value)
