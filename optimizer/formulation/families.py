"""The constraint families of MODEL.md §3, one record each: what reports, prices and the
diagnosis need to know about a family, in one table.

The builder (build.py) emits rows and bounds under these names; every other module
(tables, explain, diagnose, compare, the CLI reports) reads its per-family facts
here instead of keeping its own list. The order of ``FAMILIES`` is the order
reports list families in: allocation.csv's ``binding`` column, the rows of
marginals.csv (rows first, then bounds, a guaranteed minimum after the caps).
docs/ARCHITECTURE.md says how to add a family.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

#: row: a hard row of the LP · soft: a row with a penalised shortfall · bound: a bound on
#: a county's new land A_i (``allocation[i]``) · potential: a bound on another county
#: variable (reclamation, reserve land) · definition: a row that defines a variable
#: (never a planner limit, left out of the conflict set).
Kind = Literal["row", "soft", "bound", "potential", "definition"]
KINDS: tuple[str, ...] = ("row", "soft", "bound", "potential", "definition")
#: What one row or bound of the family is about.
Where = Literal["region", "county", "group", "scope unit", "hub"]
WHERE: tuple[str, ...] = ("region", "county", "group", "scope unit", "hub")
#: How a family gives in the diagnosis's elastic re-solve: a penalised slack on its own
#: rows, as a new row with a slack (bounds), or through a slack on the ``tiers`` rows.
Elastic = Literal["slack", "row", "tiers"]


@dataclass(frozen=True)
class Family:
    """One constraint family: its name in MODEL.md and reports, and its words."""

    name: str
    kind: Kind
    applies_to: Where
    #: Unit of the quantity its rows or bounds measure: a price is per one of these, and
    #: a price's limit and range (marginals.csv) are in it.
    unit: str
    #: The scenario key or input column a planner changes to move it (None: none).
    setting: str | None
    #: Unit of that setting (None when the setting is a choice, not a number).
    setting_unit: str | None
    #: Planner words for the constraint itself (diagnosis, conflict set, price table).
    words: str
    #: Which way it limits new land: "upper" caps it, "lower" guarantees it.
    side: Literal["upper", "lower"] | None = None
    #: Flagged per county in allocation.csv's ``binding`` column when it binds.
    binding: bool = False
    #: Short label in the solve report's binding column ("" when not shown there).
    label: str = ""
    #: ``limited_by`` value in explain when this family is what stops a county (None: never).
    limited_by: str | None = None
    #: Why a county stops when ``limited_by`` names this family (explain's limit text).
    stops: str | None = None
    #: Has a price in marginals.csv (rows: their dual; bounds: the reduced cost of A_i).
    priced: bool = False
    #: A region target: priced even when slack, listed before county and group prices.
    region_target: bool = False
    #: The targets.csv row that says whether this region target is met.
    target: str | None = None
    #: marginals.csv ``relaxation``: what one unit of relaxation is.
    relaxation: str | None = None
    #: What a price's limit is (explain's ranging), a noun in ``unit``.
    limit_noun: str | None = None
    #: Bounds: the county rate (parameters column) with limit = rate × the bound on A_i,
    #: so the price per unit of the family's own limit is the reduced cost ÷ rate.
    rate: str | None = None
    #: Rows written net of a 2020 stock: the counties.csv column (summed for a region row).
    net_of: str | None = None
    #: Potentials: the LP variable family whose upper bound the family is.
    variable: str | None = None
    #: The sentence of a county or group price (``{name}``, ``{value}``, ``{cap}``), when
    #: it needs nothing but the name and the price (others have their own sentence code).
    price_sentence: str | None = None
    #: Diagnosis: how it gives in the elastic re-solve (None: never gives) ...
    elastic: Elastic | None = None
    #: ... and its penalty per ha of slack: 1 plus a small preference (≤ 1 %) that breaks
    #: ties, region settings first and demand last (diagnose.py).
    penalty: float | None = None


_FAMILIES = (
    Family(
        "quota_pool",
        "row",
        "region",
        "ha",
        "quota.total",
        "ha",
        "the quota pool",
        side="upper",
        limited_by="pool",
        stops="the pool ran out before its next hectare",
        priced=True,
        region_target=True,
        target="quota_pool",
        relaxation="one more ha in the quota pool",
        limit_noun="quota pool",
        elastic="slack",
        penalty=1.000,
    ),
    Family(
        "quota_linked",
        "row",
        "region",
        "ha",
        "stock.linked_share",
        "share",
        "the linked part of the pool (增存挂钩)",
        side="upper",
        limited_by="quota_linked",
        stops="the linked quota (增存挂钩) ran out before its next hectare",
        priced=True,
        region_target=True,
        target="quota_linked",
        relaxation="one more ha in the linked part of the pool",
        limit_noun="linked part of the pool",
        elastic="slack",
        penalty=1.0005,
    ),
    Family(
        "intensity",
        "row",
        "region",
        "ha",
        "intensity.reduction",
        "share",
        "the intensity target",
        side="upper",
        limited_by="intensity",
        stops="the intensity target ran out before its next hectare",
        priced=True,
        region_target=True,
        target="intensity_reduction",
        relaxation="one more ha of construction land allowed by the intensity target",
        limit_noun="construction land allowed in 2035",
        net_of="construction_land_2020",
        elastic="slack",
        penalty=1.001,
    ),
    Family(
        "farmland_region",
        "row",
        "region",
        "ha",
        "farmland.region_floor",
        "ha",
        "the region's farmland floor",
        side="upper",
        limited_by="farmland_region",
        stops="the region's farmland floor ran out before its next hectare",
        priced=True,
        region_target=True,
        target="farmland_region",
        relaxation="one ha less in the region's farmland floor",
        limit_noun="region's farmland floor",
        net_of="cultivated_2020",
        elastic="slack",
        penalty=1.002,
    ),
    Family(
        "farmland_balance",
        "row",
        "scope unit",
        "ha",
        "farmland.balance_scope",
        None,
        "占补平衡",
        side="upper",
        limited_by="farmland_balance",
        stops="占补平衡 makes its next hectare cost more than it is worth",
        priced=True,
        region_target=True,
        target="farmland_balance",
        relaxation="one ha less to make up under 占补平衡",
        limit_noun="occupied cultivated land left unbalanced",
        elastic="slack",
        penalty=1.009,
    ),
    Family(
        "lock",
        "row",
        "county",
        "ha",
        "locks.csv min/max or --fix",
        "ha",
        "the lock (locks.csv or --fix)",
        side="upper",
        binding=True,
        label="lock",
        limited_by="lock",
        stops="is held by its lock (locks.csv or --fix)",
        priced=True,
        relaxation="one ha of room in the lock (a higher max or a lower min, whichever holds)",
        limit_noun="locked new land",
        price_sentence="{name} is held by its lock: one ha of room in it raises Z by {value}.",
        elastic="slack",
        penalty=1.0042,
    ),
    Family(
        "demand",
        "bound",
        "county",
        "ha",
        "counties.csv demand",
        "ha",
        "the demand",
        side="upper",
        binding=True,
        label="demand",
        limited_by="demand",
        stops="gets all the land it asked for",
        elastic="tiers",
        penalty=1.010,
    ),
    Family(
        "min_allocation",
        "bound",
        "county",
        "ha",
        "counties.csv min_allocation",
        "ha",
        "the guaranteed minimum",
        side="lower",
        binding=True,
        label="min",
        limited_by="min_allocation",
        stops="gets only its guaranteed minimum",
        priced=True,
        relaxation="one ha less of guaranteed minimum",
        limit_noun="guaranteed minimum",
        elastic="row",
        penalty=1.004,
    ),
    Family(
        "project_min",
        "row",
        "county",
        "ha",
        "projects.csv area",
        "ha",
        "the key projects' land (重点项目库)",
        side="lower",
        binding=True,
        label="project",
        limited_by="project_min",
        stops="gets just the land of its key projects",
        priced=True,
        relaxation="one ha less of key-project land guaranteed",
        limit_noun="key-project land guaranteed",
        price_sentence="{name} gets just its key projects' land: each ha less guaranteed "
        "raises Z by {value}.",
        elastic="slack",
        penalty=1.0045,
    ),
    Family(
        "per_capita_cap",
        "bound",
        "county",
        "ha",
        "per_capita.cap_m2",
        "m²/person",
        "the per-capita cap",
        side="upper",
        binding=True,
        label="cap",
        limited_by="per_capita_cap",
        stops="stopped by the per-capita cap on urban land",
        priced=True,
        relaxation="one more ha of urban-land room under the per-capita cap",
        limit_noun="urban-land room under the per-capita cap",
        rate="sigma",
        price_sentence="{name} reaches the per-capita cap ({cap} m²/person): one more ha of "
        "urban-land room raises Z by {value}.",
        elastic="row",
        penalty=1.006,
    ),
    Family(
        "dev_boundary",
        "bound",
        "county",
        "ha",
        "counties.csv dev_boundary",
        "ha",
        "the development boundary",
        side="upper",
        binding=True,
        label="boundary",
        limited_by="dev_boundary",
        stops="stopped by its urban development boundary (城镇开发边界)",
        priced=True,
        relaxation="one more ha inside the development boundary",
        limit_noun="room inside the development boundary",
        rate="sigma",
        price_sentence="{name} fills its development boundary: one more ha inside it raises Z "
        "by {value}.",
        elastic="row",
        penalty=1.007,
    ),
    Family(
        "basic_farmland",
        "bound",
        "county",
        "ha",
        "counties.csv basic_farmland",
        "ha",
        "permanent basic farmland",
        side="upper",
        binding=True,
        label="basic",
        limited_by="basic_farmland",
        stops="stopped by permanent basic farmland (永久基本农田)",
        priced=True,
        relaxation="one more ha of cultivated land outside basic farmland",
        limit_noun="cultivated land outside basic farmland",
        rate="alpha",
        price_sentence="{name} would next build on permanent basic farmland: one more ha of "
        "cultivated land outside it raises Z by {value}.",
        elastic="row",
        penalty=1.008,
    ),
    Family(
        "farmland_floor",
        "row",
        "county",
        "ha",
        "counties.csv farmland_floor",
        "ha",
        "the farmland floor",
        side="upper",
        binding=True,
        label="farm",
        limited_by="farmland_floor",
        stops="stopped by its own farmland floor (耕地保有量)",
        priced=True,
        relaxation="one ha less in the county's farmland floor",
        limit_noun="county's farmland floor",
        net_of="cultivated_2020",
        price_sentence="{name} keeps exactly its farmland floor: one ha less in the floor "
        "raises Z by {value}.",
        elastic="slack",
        penalty=1.005,
    ),
    Family(
        "per_capita_floor",
        "soft",
        "county",
        "ha",
        "per_capita.floor_m2",
        "m²/person",
        "the per-capita floor",
        side="lower",
        binding=True,
        label="floor",
        limited_by="per_capita_floor",
        stops="takes just the land that lifts it to the per-capita floor",
        priced=True,
        relaxation="one ha less of urban land needed for the per-capita floor",
        limit_noun="urban land the per-capita floor asks for",
    ),
    Family(
        "reclaim_potential",
        "potential",
        "county",
        "ha",
        "counties.csv reclaim_potential",
        "ha",
        "the reclaimable rural settlement land",
        side="upper",
        binding=True,
        variable="reclaim",
    ),
    Family(
        "supplement_potential",
        "potential",
        "county",
        "ha",
        "counties.csv supplement_potential",
        "ha",
        "the reserve land for cultivation",
        side="upper",
        binding=True,
        variable="supplement",
    ),
    Family(
        "stock_potential",
        "potential",
        "county",
        "ha",
        "counties.csv stock_potential",
        "ha",
        "the existing stock land (存量)",
        side="upper",
        binding=True,
        priced=True,
        relaxation="one more ha of existing stock land reused",
        limit_noun="stock land that can be supplied again",
        variable="stock",
    ),
    Family(
        "stock_link",
        "row",
        "county",
        "ha",
        "stock.quota_per_ha",
        "ha/ha",
        "the linked quota a county earns by reusing stock (增存挂钩)",
        side="upper",
        priced=True,
        relaxation="one more ha of linked quota earned by the county",
        limit_noun="linked quota earned",
        price_sentence="{name} uses all the linked quota its stock reuse earns: one more ha "
        "of it raises Z by {value}.",
    ),
    Family(
        "group_min",
        "row",
        "group",
        "ha",
        "groups.csv min_share",
        "share",
        "the minimum share",
        side="lower",
        priced=True,
        relaxation="one point less in the group's minimum share, per ha of total new land",
        limit_noun="margin above the minimum share",
        price_sentence="Group {name} sits at its minimum share: each ha it may fall short "
        "raises Z by {value}.",
        elastic="slack",
        penalty=1.003,
    ),
    Family(
        "group_max",
        "row",
        "group",
        "ha",
        "groups.csv max_share",
        "share",
        "the maximum share",
        side="upper",
        priced=True,
        relaxation="one point more in the group's maximum share, per ha of total new land",
        limit_noun="margin below the maximum share",
        price_sentence="Group {name} sits at its maximum share: each ha more it may take "
        "raises Z by {value}.",
        elastic="slack",
        penalty=1.003,
    ),
    Family("tiers", "definition", "county", "ha", None, None, "the split of demand into tiers"),
    Family(
        "split",
        "definition",
        "county",
        "ha",
        None,
        None,
        "the split of new land into quota and indicators",
    ),
    Family(
        "surplus",
        "definition",
        "county",
        "ha",
        None,
        None,
        "the linkage indicators a county's net reclamation yields",
    ),
    Family(
        "total_allocation",
        "definition",
        "region",
        "ha",
        None,
        None,
        "the total of new land the group shares refer to",
    ),
    Family("hub_balance", "definition", "hub", "ha", None, None, "the flow through a linkage hub"),
    Family(
        "linked_use",
        "definition",
        "county",
        "ha",
        None,
        None,
        "linked quota is used by the county that earned it",
    ),
    Family(
        "periods_sum",
        "definition",
        "county",
        "ha",
        None,
        None,
        "a horizon total as the sum of its periods (MODEL.md §7)",
    ),
)

#: Every constraint family by name, in report order.
FAMILIES: dict[str, Family] = {f.name: f for f in _FAMILIES}


def names(keep: Callable[[Family], bool]) -> tuple[str, ...]:
    """The names of the families ``keep(family)`` accepts, in report order."""
    return tuple(f.name for f in FAMILIES.values() if keep(f))


def words(name: str) -> str:
    """Planner words for a family (its name when it is none of ours)."""
    family = FAMILIES.get(name)
    return family.words if family is not None else name


#: allocation.csv's ``binding`` column: these families, in this order.
BINDING = names(lambda f: f.binding)
#: Binding families that bound a county's own new land (the potentials bound r_i, s_i).
ALLOCATION_LIMITS = names(lambda f: f.binding and f.kind != "potential")
#: Bounds of A_i (``allocation[i]``; county_parameters keeps their limits).
ALLOCATION_BOUNDS = names(lambda f: f.kind == "bound")
#: Upper bounds of A_i: params column ``limit_<family>`` each; ``upper`` is their least.
UPPER_BOUNDS = names(lambda f: f.kind == "bound" and f.side == "upper")
#: Region targets, priced whenever the solver gives prices.
REGION_TARGETS = names(lambda f: f.region_target)
#: Row families priced in marginals.csv (the region targets always, others while binding).
PRICED_ROWS = names(lambda f: f.priced and f.kind in ("row", "soft"))
#: Bound families priced in marginals.csv, a guaranteed minimum after the caps.
PRICED_BOUNDS = tuple(
    sorted(
        names(lambda f: f.priced and f.kind == "bound"), key=lambda n: FAMILIES[n].side == "lower"
    )
)
#: Families that stop a county's allocation, in the order a county is labelled:
#: hard caps, then a guaranteed minimum, then the soft per-capita floor.
COUNTY_LIMITS = tuple(
    sorted(
        names(lambda f: f.limited_by is not None and f.applies_to == "county"),
        key=lambda n: (FAMILIES[n].kind == "soft", FAMILIES[n].side == "lower"),
    )
)
#: Row families that are definitions, not planner constraints.
DEFINITIONS = names(lambda f: f.kind == "definition")
