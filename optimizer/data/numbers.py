"""Numbers for people, in the sentences the engine writes (warnings, prices, diagnoses).

The lowest layer that writes sentences is the data layer, so the shared number
formatting lives here; the terminal reports build on it (``optimizer.cli.format``).
Every function takes a plain float (or numpy scalar) and returns text; a missing
number (None or NaN) reads ``MISSING``.

One rounding everywhere: run folders keep every number rounded to ``FILE_DECIMALS``
(CSV files and summary.json), and every display rule here rounds to the same decimals
first (``as_filed``), so a fresh solve and the same run read back from its folder show
the same digits (1601827.4999999998 in memory and 1601827.5 in a file both read
'1,601,828').
"""

from __future__ import annotations

import functools
import math
from typing import Any

import numpy as np

#: How a number that is not there (None, NaN) is shown.
MISSING = "–"
#: Distinct prices whose text ``price_per_ha`` keeps (a few hundred occur in a run).
PRICE_TEXTS_KEPT = 4096
#: Hectares up to this size are shown with one decimal, larger ones without.
HA_DECIMAL_BELOW = 100
#: Prices smaller than this (and not 0) are shown with an exponent (a price per 亩 is 15
#: times smaller than per ha, so 0.0006667 still reads without one).
PRICE_EXPONENT_BELOW = 1e-4
#: 亩 in a hectare (1 亩 = 666.7 m²), and 亩 in a 万亩.
MU_PER_HA = 15
MU_PER_WAN_MU = 10_000
#: What Z and prices count when the scenario gives its tier values no money unit
#: (``[tiers] unit``): hectares of demand met, each weighted (MODEL.md §3).
WEIGHTED_HA = "weighted ha"
#: Decimals a run folder keeps (CSV files and summary.json): 1e-6 ha is 0.01 m², far
#: below survey precision, and a fixed precision keeps two runs' files diffable.
FILE_DECIMALS = 6


def is_missing(value: Any) -> bool:
    """None or NaN."""
    return value is None or (isinstance(value, float | np.floating) and math.isnan(value))


def as_filed(value: float) -> float:
    """``value`` as a run folder keeps it: rounded to FILE_DECIMALS (−0.0 reads 0.0)."""
    v = float(value)
    return round(v, FILE_DECIMALS) + 0.0 if math.isfinite(v) else v


def fmt(value: Any) -> str:
    """A number as a planner would type it: 100000 not 100000.0, 0.45 not 4.5e-01."""
    if isinstance(value, float | np.floating):
        if math.isfinite(value) and float(value).is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(float(value))
    return str(value)


def hectares(value: float | None) -> str:
    """Hectares with thousands separators, one decimal under 100 ha; ±∞ for no limit."""
    if is_missing(value):
        return MISSING
    if not math.isfinite(value):
        return "∞" if value > 0 else "−∞"
    value = as_filed(value)
    return f"{value:,.1f}" if abs(value) < HA_DECIMAL_BELOW else f"{value:,.0f}"


def wan_mu(value: float, digits: int = 1) -> str:
    """Hectares as 万亩, the unit plans state farmland in: 1,564,920 ha → '2,347.4万亩'."""
    return f"{as_filed(value) * MU_PER_HA / MU_PER_WAN_MU:,.{digits}f}万亩"


def percent(value: float | None, digits: int = 0) -> str:
    """A fraction as a percentage: 0.466 → '47%' (digits=1: '46.6%')."""
    if is_missing(value):
        return MISSING
    return f"{100 * as_filed(value):.{digits}f}%"


def price(value: float | None, digits: int = 4) -> str:
    """A price: 4 significant digits, an exponent only for tiny non-zero values."""
    if is_missing(value):
        return MISSING
    value = as_filed(value)
    if abs(value) >= PRICE_EXPONENT_BELOW or value == 0:
        return f"{value:.{digits}g}"
    return f"{value:.2e}"


def objective(value: float | None, money: str | None = None) -> str:
    """Z with its unit, 2 decimals: '74,430.11 weighted ha', or '74,430.11 万元'."""
    if is_missing(value):
        return MISSING
    return f"{as_filed(value):,.2f} {money or WEIGHTED_HA}"


def per_area(area: str, money: str | None = None) -> str:
    """The unit of a price per ``area`` ('ha', '亩'): 'per ha', or '万元/ha'."""
    return f"{money}/{area}" if money else f"per {area}"


@functools.lru_cache(maxsize=PRICE_TEXTS_KEPT)
def price_per_ha(value: float | None, money: str | None = None) -> str:
    """A price per ha and per 亩: '0.4455/ha (0.0297/亩)', '0.4455 万元/ha (0.0297 万元/亩)'.

    Kept per value: the 28,000 price sentences of a township-size run repeat a few
    hundred prices (the same costs and penalties in many counties)."""
    if is_missing(value):
        return MISSING
    unit = f" {money}" if money else ""
    return f"{price(value)}{unit}/ha ({price(value / MU_PER_HA)}{unit}/亩)"


def z_meaning(money: str | None = None, stock: bool = False) -> str:
    """Z in words (MODEL.md §3), for the headlines of solve and explain; ``stock``: the run
    reuses existing stock land, whose cost Z counts too (MODEL.md §8)."""
    met = (
        f"the worth of the demand met, in {money} (tier value per ha × priority weight)"
        if money
        else "hectares of demand met, each weighted by its tier value and its county's "
        "priority weight"
    )
    costs = "linkage, reclamation and stock costs" if stock else "linkage and reclamation costs"
    return f"{met}, less the shortfall penalty and the {costs}"
