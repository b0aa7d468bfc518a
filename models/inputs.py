"""Rows of a dataset (MODEL.md §2) as pydantic models, for tools that build inputs in memory.

The engine itself works on pandas tables with these column names; these models
are the documented contract and the way to hand the engine a few rows in code.
Field-level checks here are the per-value rules; rules that relate columns
(urban_pop ≤ pop, …) are checked by ``optimizer.data.rules`` so that file input
and in-memory input get the same messages.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Zone = Literal["urban", "agricultural", "ecological"]
ZONES: tuple[str, ...] = ("urban", "agricultural", "ecological")

_Area = dict(ge=0, allow_inf_nan=False)
_Fraction = dict(ge=0, le=1, allow_inf_nan=False)


class County(BaseModel):
    """One county-level unit: a row of counties.csv."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    county_id: str = Field(
        ..., min_length=1, description="Stable id, text (the 6-digit adcode for Chinese data)."
    )
    name: str = Field(..., min_length=1, description="County name, e.g. 小店区.")
    city: str = Field(..., min_length=1, description="Prefecture-level city, e.g. 太原市.")
    zone: Zone = Field(
        ...,
        description="Main-function zone: urban (城市化地区), agricultural "
        "(农产品主产区) or ecological (重点生态功能区).",
    )
    pop_2020: float = Field(..., **_Area, description="Resident population 2020, persons.")
    urban_pop_2020: float = Field(..., **_Area, description="Urban population 2020, persons.")
    urban_pop_2035: float = Field(
        ..., **_Area, description="Projected urban population 2035, persons."
    )
    gdp_2020: float = Field(..., **_Area, description="GDP 2020, 亿元.")
    gdp_2035: float = Field(..., **_Area, description="Projected GDP 2035, 亿元 at 2020 prices.")
    construction_land_2020: float = Field(
        ..., **_Area, description="All construction land (建设用地), ha."
    )
    urban_land_2020: float = Field(
        ..., **_Area, description="Urban construction land (城镇建设用地), ha."
    )
    rural_settlement_2020: float = Field(
        ..., **_Area, description="Rural settlement land (村庄建设用地), ha."
    )
    cultivated_2020: float = Field(..., **_Area, description="Cultivated land (耕地), ha.")
    farmland_floor: float = Field(
        ..., **_Area, description="Cultivated land to keep by 2035 (耕地保有量), ha."
    )
    basic_farmland: float = Field(
        ..., **_Area, description="Permanent basic farmland (永久基本农田), ha."
    )
    dev_boundary: float = Field(
        ..., **_Area, description="Area inside the urban development boundary (城镇开发边界), ha."
    )
    demand: float = Field(
        ..., **_Area, description="New construction land asked for 2021-2035, ha."
    )
    min_allocation: float = Field(0.0, **_Area, description="Guaranteed minimum allocation, ha.")
    reclaim_potential: float = Field(
        ..., **_Area, description="Reclaimable rural settlement land (增减挂钩拆旧潜力), ha."
    )
    supplement_potential: float = Field(
        ..., **_Area, description="Reserve land that can become cultivated (耕地后备资源), ha."
    )
    occupation_rate: float | None = Field(
        None, **_Fraction, description="α, fraction; empty = scenario default."
    )
    urban_share: float | None = Field(
        None, **_Fraction, description="σ, fraction; empty = scenario default."
    )
    resettle_ratio: float | None = Field(
        None, **_Fraction, description="ρ, fraction; empty = scenario default."
    )
    reclaim_to_farmland: float | None = Field(
        None, **_Fraction, description="κ, fraction; empty = scenario default."
    )
    stock_potential: float = Field(
        0.0,
        **_Area,
        description="Existing construction land (存量: 批而未供, 闲置, 低效用地) that can be "
        "supplied again, ha; meets demand without new quota, urban land or farmland "
        "(MODEL.md §8). Empty = 0.",
    )


class Group(BaseModel):
    """A priority group of counties: a row of groups.csv."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    group_id: str = Field(..., min_length=1, description="Stable id of the group, text.")
    name: str = Field(..., min_length=1, description="Group name, e.g. 太原都市区.")
    kind: str = Field("", description="Free label, e.g. core | engine | town_group.")
    weight: float = Field(
        1.0,
        gt=0,
        allow_inf_nan=False,
        description="Priority weight; a county takes the largest weight of "
        "its groups, times its zone weight.",
    )
    min_share: float | None = Field(
        None,
        **_Fraction,
        description="Members together get at least this share of all new land; empty = none.",
    )
    max_share: float | None = Field(
        None,
        **_Fraction,
        description="Members together get at most this share of all new land; empty = none.",
    )


class GroupMember(BaseModel):
    """Membership of a county in a group: a row of group_members.csv."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    group_id: str = Field(..., min_length=1)
    county_id: str = Field(..., min_length=1)


class TransferCost(BaseModel):
    """An allowed linkage pair i ≠ j and its cost: a row of transfer_costs.csv."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    from_id: str = Field(..., min_length=1)
    to_id: str = Field(..., min_length=1)
    cost: float = Field(
        ..., ge=0, allow_inf_nan=False, description="c_ij, objective units per ha moved."
    )


ProjectKind = Literal["transport", "energy", "water", "industry", "livelihood"]
#: Kinds of key project (projects.csv ``kind``), English names; aliases.PROJECT_KIND_ALIASES
#: holds the Chinese ones (交通, 能源, 水利, 产业, 民生).
PROJECT_KINDS: tuple[str, ...] = ("transport", "energy", "water", "industry", "livelihood")


class Project(BaseModel):
    """A key project (重点项目库, MODEL.md §8): a row of projects.csv."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    project_id: str = Field(..., min_length=1, description="Stable id of the project, text.")
    name: str = Field(..., min_length=1, description="Project name, e.g. 太忻城际铁路.")
    county_id: str = Field(..., min_length=1, description="The county the land lies in.")
    area: float = Field(
        ..., **_Area, description="New construction land the project needs, ha (guaranteed)."
    )
    period_end: str = Field(
        "",
        description="Year by which the area is guaranteed (a period end of [periods]; "
        "without periods only the target year). Empty = the target year.",
    )
    kind: ProjectKind | None = Field(
        None, description="transport | energy | water | industry | livelihood; empty = none."
    )


class PeriodDemand(BaseModel):
    """A county's demand in one period of a phased plan (period_demand.csv, MODEL.md §7)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    county_id: str = Field(..., min_length=1, description="The county, as in counties.csv.")
    period_end: str = Field(..., description="A period end of [periods] end_years, e.g. 2025.")
    demand: float = Field(..., **_Area, description="New land the county asks for in the period.")
    min_allocation: float | None = Field(
        None, ge=0, description="Least new land of the period, ha; empty = 0."
    )


class Lock(BaseModel):
    """A lock (MODEL.md §8): a row of locks.csv, new land A_i held within [min, max] ha."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    county_id: str = Field(..., min_length=1, description="The county whose new land is held.")
    period_end: str = Field(
        "",
        description="Period end the lock holds at (a period end of [periods]; without "
        "periods only the target year). Empty = the whole plan period.",
    )
    min: float | None = Field(
        None, ge=0, allow_inf_nan=False, description="Least new land A_i, ha; empty = no bound."
    )
    max: float | None = Field(
        None, ge=0, allow_inf_nan=False, description="Most new land A_i, ha; empty = no bound."
    )


#: Column order of each table, as in MODEL.md §2.
COUNTY_COLUMNS: tuple[str, ...] = tuple(County.model_fields)
GROUP_COLUMNS: tuple[str, ...] = tuple(Group.model_fields)
MEMBER_COLUMNS: tuple[str, ...] = tuple(GroupMember.model_fields)
TRANSFER_COLUMNS: tuple[str, ...] = tuple(TransferCost.model_fields)
PROJECT_COLUMNS: tuple[str, ...] = tuple(Project.model_fields)
PERIOD_DEMAND_COLUMNS: tuple[str, ...] = tuple(PeriodDemand.model_fields)
RATE_COLUMNS: tuple[str, ...] = (
    "occupation_rate",
    "urban_share",
    "resettle_ratio",
    "reclaim_to_farmland",
)
LOCK_COLUMNS: tuple[str, ...] = tuple(Lock.model_fields)
