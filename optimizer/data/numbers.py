"""Numbers for people, in the sentences the engine writes (warnings, prices, diagnoses).

The lowest layer that writes sentences is the data layer, so the shared number
formatting lives here; the terminal reports build on it (``optimizer.cli.format``).
Every function takes a plain float (or numpy scalar) and returns text; a missing
number (None or NaN) reads ``MISSING``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

#: How a number that is not there (None, NaN) is shown.
MISSING = "–"
#: Hectares up to this size are shown with one decimal, larger ones without.
HA_DECIMAL_BELOW = 100
#: Prices smaller than this (and not 0) are shown with an exponent.
PRICE_EXPONENT_BELOW = 1e-3
#: 亩 in a hectare (1 亩 = 666.7 m²), and 亩 in a 万亩.
MU_PER_HA = 15
MU_PER_WAN_MU = 10_000


def is_missing(value: Any) -> bool:
    """None or NaN."""
    return value is None or (isinstance(value, float | np.floating) and math.isnan(value))


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
    return f"{value:,.1f}" if abs(value) < HA_DECIMAL_BELOW else f"{value:,.0f}"


def wan_mu(value: float, digits: int = 1) -> str:
    """Hectares as 万亩, the unit plans state farmland in: 1,564,920 ha → '2,347.4万亩'."""
    return f"{value * MU_PER_HA / MU_PER_WAN_MU:,.{digits}f}万亩"


def percent(value: float | None, digits: int = 0) -> str:
    """A fraction as a percentage: 0.466 → '47%' (digits=1: '46.6%')."""
    if is_missing(value):
        return MISSING
    return f"{100 * value:.{digits}f}%"


def price(value: float | None, digits: int = 4) -> str:
    """A price: 4 significant digits, an exponent only for tiny non-zero values."""
    if is_missing(value):
        return MISSING
    if abs(value) >= PRICE_EXPONENT_BELOW or value == 0:
        return f"{value:.{digits}g}"
    return f"{value:.2e}"
