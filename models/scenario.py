"""The scenario: policy parameters of one solve (scenario.toml, MODEL.md §2).

Every key has the default MODEL.md gives, except ``quota.total`` (required),
``farmland.region_floor`` (default: no region floor) and ``scenario.name``
(default: the dataset folder's name). Unknown keys are errors, so a typo in
scenario.toml or in ``--set`` never passes silently.
"""

from __future__ import annotations

import itertools
import math
import unicodedata
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, Strict, field_validator, model_validator

Scope = Literal["region", "city", "county", "none"]
BackendName = Literal["auto", "ortools", "pulp", "highs"]


class TieBreakMethod(StrEnum):
    """The second stage of a solve (MODEL.md §6): ``quadratic`` or ``none``."""

    QUADRATIC = "quadratic"  # of the optimal plans, the one of least T (docs/MODEL.md)
    NONE = "none"  # the LP solver's own vertex, as before


#: Characters a scenario name may not hold: path separators (POSIX and Windows).
NAME_FORBIDDEN = frozenset("/\\")

#: A number in scenario.toml: an integer or a float, never true/false or text. (Pydantic's
#: lax mode would read ``total = true`` as 1.0 and ``total = "5e4"`` as 50000.)
Number = Annotated[float, Strict()]

#: Money a tier value may be counted in (``[tiers] unit = "<money>/ha"``); Z, the costs and
#: the penalty are then in it too.
MONEY_UNITS = ("元", "万元", "亿元")
#: The area a money unit of the tier values is per.
TIER_UNIT_AREA = "ha"

#: The plan's base year (the data of counties.csv's ``_2020`` columns) and target year:
#: without [periods] one period runs from one to the other (MODEL.md §7).
BASE_YEAR = 2020
TARGET_YEAR = 2035
#: Tolerance on Σ of the period pools against quota.total, ha (pools are typed by hand).
PERIOD_QUOTA_TOLERANCE = 1e-6

#: Tolerance on Σ θ_k = 1 (shares are typed by hand in scenario.toml).
TIER_SHARE_SUM_TOLERANCE = 1e-6


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ScenarioInfo(_Section):
    name: str | None = Field(
        None,
        description="Name of the scenario; runs land in outputs/<name>/. "
        "Default: the dataset folder's name.",
        json_schema_extra={"unit": "text"},
    )

    @field_validator("name")
    @classmethod
    def _stays_in_outputs(cls, v: str | None) -> str | None:
        """A name is one folder inside outputs/: it can never point anywhere else."""
        if v is None:
            return v
        if not v.strip():
            raise ValueError("must not be empty: it names the run folder outputs/<name>")
        if v in (".", ".."):
            raise ValueError(
                f"must not be {v!r}: the name is one folder inside outputs/, not a path"
            )
        bad = next((c for c in v if c in NAME_FORBIDDEN or unicodedata.category(c) == "Cc"), None)
        if bad is not None:
            raise ValueError(
                f"must not contain {bad!r}: the name is one folder inside outputs/, "
                "not a path (no / or \\, no control characters)"
            )
        return v


class QuotaSettings(_Section):
    total: Number = Field(
        ...,
        ge=0,
        allow_inf_nan=False,
        description="Q, ha: the pool of new construction-land quota (新增建设用地指标) "
        "for 2021-2035 that the region may hand out.",
        json_schema_extra={"unit": "ha"},
    )
    reserve_share: Number = Field(
        0.0,
        ge=0,
        lt=1,
        description="ρ_Q, fraction in [0, 1): share of the pool the province holds back "
        "(预留指标, MODEL.md §8); counties share Σ q ≤ (1 − ρ_Q)·Q. Default 0: no reserve.",
        json_schema_extra={"unit": "fraction"},
    )

    @property
    def available(self) -> float:
        """ha of the pool counties may share: (1 − reserve_share) × total."""
        return (1.0 - self.reserve_share) * self.total

    @property
    def reserve(self) -> float:
        """ha the province holds back: reserve_share × total."""
        return self.reserve_share * self.total


class IntensitySettings(_Section):
    reduction: Number = Field(
        0.40,
        ge=0,
        le=1,
        description="τ, fraction: construction land per unit of GDP (单位GDP建设用地使用面积) "
        "must fall by at least this share from 2020 to 2035.",
        json_schema_extra={"unit": "fraction"},
    )


class PerCapitaSettings(_Section):
    floor_m2: Number = Field(
        85,
        ge=0,
        allow_inf_nan=False,
        description="m²/person: soft lower band of per-capita urban land; counties below it "
        "may add land to make up the shortfall (each ha short costs shortfall_penalty).",
        json_schema_extra={"unit": "m²/person"},
    )
    cap_m2: Number = Field(
        150,
        gt=0,
        allow_inf_nan=False,
        description="m²/person: hard upper band of per-capita urban land in 2035; new urban "
        "land may not push a county above it.",
        json_schema_extra={"unit": "m²/person"},
    )
    shortfall_penalty: Number = Field(
        2.0,
        ge=0,
        allow_inf_nan=False,
        description="P_u, objective units per ha of urban land missing below the floor.",
        json_schema_extra={"unit": "objective units/ha"},
    )

    @model_validator(mode="after")
    def _floor_below_cap(self) -> PerCapitaSettings:
        if self.floor_m2 > self.cap_m2:
            raise ValueError(f"floor_m2 ({self.floor_m2}) must not exceed cap_m2 ({self.cap_m2})")
        return self


class FarmlandSettings(_Section):
    region_floor: Number | None = Field(
        None,
        ge=0,
        allow_inf_nan=False,
        description="ha: cultivated land the whole region keeps in 2035 (耕地保有量); "
        "omit for no region floor.",
        json_schema_extra={"unit": "ha"},
    )
    balance_scope: Scope = Field(
        "region",
        description="占补平衡: cultivated land occupied by new construction must be made up "
        "by reclamation and reserve land within each region | city | county, or none.",
        json_schema_extra={"unit": "region | city | county | none"},
    )


class LinkageSettings(_Section):
    scope: Scope = Field(
        "region",
        description="Where urban-rural linkage surplus indicators (增减挂钩节余指标) may be "
        "used: anywhere in the region, only within the same city, only in the county that "
        "reclaimed them, or none at all.",
        json_schema_extra={"unit": "region | city | county | none"},
    )
    same_city_cost: Number = Field(
        0.005,
        ge=0,
        allow_inf_nan=False,
        description="c_ij, objective units per ha moved between two counties of one city.",
        json_schema_extra={"unit": "objective units/ha"},
    )
    cross_city_cost: Number = Field(
        0.02,
        ge=0,
        allow_inf_nan=False,
        description="c_ij, objective units per ha moved between counties of different cities.",
        json_schema_extra={"unit": "objective units/ha"},
    )
    reclaim_cost: Number = Field(
        0.02,
        ge=0,
        allow_inf_nan=False,
        description="c_r, objective units per ha of rural settlement land reclaimed (拆旧复垦).",
        json_schema_extra={"unit": "objective units/ha"},
    )
    supplement_cost: Number = Field(
        0.01,
        ge=0,
        allow_inf_nan=False,
        description="c_s, objective units per ha of reserve land brought into cultivation.",
        json_schema_extra={"unit": "objective units/ha"},
    )


class ZoneWeights(_Section):
    urban: Number = Field(
        1.0,
        ge=0,
        allow_inf_nan=False,
        description="Weight of 城市化地区 counties.",
        json_schema_extra={"unit": "weight (dimensionless)"},
    )
    agricultural: Number = Field(
        0.7,
        ge=0,
        allow_inf_nan=False,
        description="Weight of 农产品主产区 counties.",
        json_schema_extra={"unit": "weight (dimensionless)"},
    )
    ecological: Number = Field(
        0.4,
        ge=0,
        allow_inf_nan=False,
        description="Weight of 重点生态功能区 counties.",
        json_schema_extra={"unit": "weight (dimensionless)"},
    )


class WeightSettings(_Section):
    zone: ZoneWeights = Field(default_factory=ZoneWeights)


class TierSettings(_Section):
    shares: list[Number] = Field(
        [0.5, 0.3, 0.2],
        description="θ_k: each county's demand is cut into tiers of these shares (sum to 1).",
        json_schema_extra={"unit": "fractions (list)"},
    )
    values: list[Number] = Field(
        [1.0, 0.6, 0.3],
        description="φ_k: value of a hectare in tier k, non-increasing, so the first "
        "hectares of every county count more than the last ones of any single county.",
        json_schema_extra={"unit": "objective units/ha (list)"},
    )
    unit: str | None = Field(
        None,
        description='What a tier value counts, e.g. "万元/ha" (one of 元/ha, 万元/ha, '
        "亿元/ha): Z is then in 万元, prices in 万元/ha and 万元/亩, and the costs and the "
        "shortfall penalty are read in 万元/ha too. Default: none, values are weights and Z "
        "counts weighted hectares of demand met.",
        json_schema_extra={"unit": "text: 元/ha | 万元/ha | 亿元/ha"},
    )

    @field_validator("shares", "values")
    @classmethod
    def _finite_non_negative(cls, v: list[float]) -> list[float]:
        if not v:
            raise ValueError("needs at least one tier")
        if any(not math.isfinite(x) or x < 0 for x in v):
            raise ValueError("every entry must be a finite number ≥ 0")
        return v

    @field_validator("unit")
    @classmethod
    def _money_per_ha(cls, v: str | None) -> str | None:
        if v is None:
            return v
        money, _, area = v.replace(" ", "").partition("/")
        if area != TIER_UNIT_AREA or money not in MONEY_UNITS:
            allowed = ", ".join(f'"{m}/{TIER_UNIT_AREA}"' for m in MONEY_UNITS)
            raise ValueError(f"must be one of {allowed} (or left out), got {v!r}")
        return f"{money}/{area}"

    @property
    def money(self) -> str | None:
        """The money Z and prices are in ('万元'), None when the values are weights."""
        return self.unit.partition("/")[0] if self.unit else None

    @model_validator(mode="after")
    def _consistent(self) -> TierSettings:
        if len(self.shares) != len(self.values):
            raise ValueError(
                f"shares has {len(self.shares)} tiers but values has {len(self.values)}"
            )
        if abs(sum(self.shares) - 1.0) > TIER_SHARE_SUM_TOLERANCE:
            raise ValueError(f"shares must sum to 1, got {sum(self.shares):g}")
        if any(b > a for a, b in zip(self.values, self.values[1:], strict=False)):
            raise ValueError("values must be non-increasing")
        return self


class DefaultRates(_Section):
    occupation_rate: Number = Field(
        0.45,
        ge=0,
        le=1,
        description="α: share of new construction land that occupies cultivated land.",
        json_schema_extra={"unit": "fraction"},
    )
    urban_share: Number = Field(
        0.7,
        ge=0,
        le=1,
        description="σ: share of new construction land that becomes urban land.",
        json_schema_extra={"unit": "fraction"},
    )
    resettle_ratio: Number = Field(
        0.3,
        ge=0,
        le=1,
        description="ρ: share of reclaimed rural land re-used for resettlement (安置), "
        "so not available as a surplus indicator.",
        json_schema_extra={"unit": "fraction"},
    )
    reclaim_to_farmland: Number = Field(
        0.8,
        ge=0,
        le=1,
        description="κ: share of reclaimed land that becomes cultivated.",
        json_schema_extra={"unit": "fraction"},
    )


class StockSettings(_Section):
    """Existing stock land (存量) and 增存挂钩 (MODEL.md §8); used only when some county has
    counties.csv stock_potential > 0."""

    cost: Number = Field(
        0.01,
        ge=0,
        allow_inf_nan=False,
        description="c_z, objective units per ha of existing stock land supplied again "
        "(批而未供, 闲置, 低效用地 brought back into use).",
        json_schema_extra={"unit": "objective units per ha"},
    )
    linked_share: Number = Field(
        0.0,
        ge=0,
        le=1,
        description="λ, fraction (增存挂钩): share of the pool left after the reserve that "
        "a county can only earn by reusing stock: Σ q^link ≤ λ(1 − ρ_Q)Q and the free "
        "quota Σ q ≤ (1 − λ)(1 − ρ_Q)Q. Default 0: no linked quota.",
        json_schema_extra={"unit": "fraction"},
    )
    quota_per_ha: Number = Field(
        1.0,
        ge=0,
        allow_inf_nan=False,
        description="μ, ha of linked quota a county earns per ha of stock it reuses: "
        "q_i^link ≤ μ z_i.",
        json_schema_extra={"unit": "ha/ha"},
    )


class PeriodSettings(_Section):
    """Phased plans (近期/远期, MODEL.md §7): used only when ``end_years`` is given."""

    end_years: list[Annotated[int, Strict()]] | None = Field(
        None,
        description="Years each period ends in, increasing, after 2020; the last is the "
        "target year 2035, e.g. [2025, 2035] for 近期 2021-2025 and 远期 2026-2035. "
        "Default: none, one period 2021-2035 (the model of MODEL.md §3).",
        json_schema_extra={"unit": "years (list)"},
    )
    quota: list[Number] | None = Field(
        None,
        description="ha: the quota pool of each period (one per end year), summing to at "
        "most quota.total. Default: quota.total split by the years of each period.",
        json_schema_extra={"unit": "ha (list)"},
    )
    carry_over: Annotated[bool, Strict()] = Field(
        True,
        description="true: quota a period leaves unused may be used in a later one (the "
        "pools are cumulative); false: each period's pool is used in that period or lost.",
        json_schema_extra={"unit": "true | false"},
    )
    intensity: list[Number] | None = Field(
        None,
        description="τ_t, fractions: the intensity reduction reached by each period end "
        "(one per end year), replacing intensity.reduction. Default: none, "
        "intensity.reduction at the target year only.",
        json_schema_extra={"unit": "fractions (list)"},
    )
    discount: Number = Field(
        1.0,
        gt=0,
        allow_inf_nan=False,
        description="Value and costs of period t count discount^(t−1): below 1 a hectare "
        "now is worth more than one later. Default 1: every period counts the same.",
        json_schema_extra={"unit": "factor per period"},
    )

    @field_validator("end_years")
    @classmethod
    def _years(cls, v: list[int] | None) -> list[int] | None:
        if v is None:
            return v
        if not v:
            raise ValueError(f"needs at least one year; the last must be {TARGET_YEAR}")
        if v[0] <= BASE_YEAR:
            raise ValueError(f"years must be after the base year {BASE_YEAR}, got {v[0]}")
        bad = next((b for a, b in itertools.pairwise(v) if b <= a), None)
        if bad is not None:
            raise ValueError(f"years must increase, got {bad} after {v[v.index(bad) - 1]}")
        if v[-1] != TARGET_YEAR:
            raise ValueError(f"the last year must be the target year {TARGET_YEAR}, got {v[-1]}")
        return v

    @field_validator("quota")
    @classmethod
    def _pools(cls, v: list[float] | None) -> list[float] | None:
        if v is not None and any(not math.isfinite(x) or x < 0 for x in v):
            raise ValueError("every period's pool must be a finite number of ha ≥ 0")
        return v

    @field_validator("intensity")
    @classmethod
    def _reductions(cls, v: list[float] | None) -> list[float] | None:
        if v is not None and any(not math.isfinite(x) or not 0 <= x <= 1 for x in v):
            raise ValueError("every reduction must be a fraction in [0, 1]")
        return v

    @model_validator(mode="after")
    def _lengths(self) -> PeriodSettings:
        n = len(self.end_years) if self.end_years is not None else None
        for key in ("quota", "intensity"):
            values = getattr(self, key)
            if values is None:
                continue
            if n is None:
                raise ValueError(f"{key} needs end_years: one entry per period end")
            if len(values) != n:
                raise ValueError(
                    f"{key} has {len(values)} entries but end_years has {n}: one per period end"
                )
        return self

    @property
    def active(self) -> bool:
        """Whether the plan is phased (end_years given)."""
        return self.end_years is not None


class SolverSettings(_Section):
    backend: BackendName = Field(
        "auto",
        description="Modelling layer: auto (chosen by the model's size, see "
        "docs/performance.md: HiGHS dual simplex below 40,000 LP columns, HiGHS interior "
        "point above), ortools (OR-Tools model_builder), pulp, or highs (HiGHS's own API: prices "
        "with ranging, and conflict sets when infeasible).",
        json_schema_extra={"unit": "auto | ortools | pulp | highs"},
    )
    name: str | None = Field(
        None,
        description="Solver: ortools → glop | pdlp | highs; pulp → cbc | highs (or any "
        "other solver PuLP finds installed); highs → auto | simplex | ipm | pdlp (auto: "
        "simplex for small LPs, interior point for large ones). Default: the backend's "
        "first (glop, cbc, auto). With backend auto, naming a solver picks the first "
        "backend that has it (ortools, highs, pulp).",
        json_schema_extra={"unit": "text (solver name)"},
    )
    time_limit_s: Number = Field(
        60,
        gt=0,
        allow_inf_nan=False,
        description="Seconds the solver may run.",
        json_schema_extra={"unit": "s"},
    )
    tie_break: TieBreakMethod = Field(
        TieBreakMethod.QUADRATIC,
        description="Second stage (MODEL.md §6): quadratic takes, of all plans with the "
        "optimal Z, the one that spreads land most evenly relative to demand and moves "
        "the fewest indicators (unique: the same county figures with every backend and "
        "solver); none keeps the LP solver's own vertex.",
        json_schema_extra={"unit": "quadratic | none"},
    )


class Scenario(_Section):
    """All policy parameters of a solve, grouped as in scenario.toml."""

    scenario: ScenarioInfo = Field(default_factory=ScenarioInfo)
    quota: QuotaSettings
    intensity: IntensitySettings = Field(default_factory=IntensitySettings)
    per_capita: PerCapitaSettings = Field(default_factory=PerCapitaSettings)
    farmland: FarmlandSettings = Field(default_factory=FarmlandSettings)
    linkage: LinkageSettings = Field(default_factory=LinkageSettings)
    weights: WeightSettings = Field(default_factory=WeightSettings)
    tiers: TierSettings = Field(default_factory=TierSettings)
    defaults: DefaultRates = Field(default_factory=DefaultRates)
    stock: StockSettings = Field(default_factory=StockSettings)
    periods: PeriodSettings = Field(default_factory=PeriodSettings)
    solver: SolverSettings = Field(default_factory=SolverSettings)

    @model_validator(mode="after")
    def _period_pools_fit(self) -> Scenario:
        pools = self.periods.quota
        if pools is not None and sum(pools) > self.quota.total + PERIOD_QUOTA_TOLERANCE:
            raise ValueError(
                f"periods.quota sums to {sum(pools):g} ha, more than quota.total "
                f"({self.quota.total:g} ha): the periods share the one pool"
            )
        return self

    @property
    def name(self) -> str:
        return self.scenario.name or "scenario"

    def with_overrides(self, overrides: dict[str, Any]) -> Scenario:
        """A copy with dotted keys replaced, e.g. ``{"quota.total": 50000}``, re-validated."""
        data = self.model_dump()
        for dotted, value in overrides.items():
            apply_dotted(data, dotted, value)
        return Scenario.model_validate(data)


def apply_dotted(data: dict[str, Any], dotted: str, value: Any) -> None:
    """Set ``data[a][b] = value`` for ``dotted == "a.b"``; unknown keys raise KeyError."""
    *path, last = dotted.split(".")
    node = data
    for key in path:
        child = node.get(key)
        if not isinstance(child, dict):
            raise KeyError(dotted)
        node = child
    if last not in node:
        raise KeyError(dotted)
    node[last] = value
