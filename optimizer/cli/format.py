"""Numbers for people in the terminal reports: one place for every command's formats.

Built on ``optimizer.data.numbers`` (the formats of the engine's own sentences), so a
hectare or a percentage reads the same in a table as in a sentence. A missing number
(None, NaN) reads ``MISSING``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.text import Text

from optimizer.data.numbers import MISSING, as_filed, hectares, is_missing, percent

# Z and prices read as in the engine's sentences: the one rule is in data.numbers.
from optimizer.data.numbers import objective as objective
from optimizer.data.numbers import per_area as per_area
from optimizer.data.numbers import price as price
from optimizer.data.numbers import price_per_ha as price_per_ha

#: Hectares smaller than this are shown as 0 (solver round-off, not land).
HA_ZERO_BELOW = 0.05
#: How the check report shows a total that is not there.
NO_TOTAL = "—"


def ha(value: float | None) -> str:
    """Hectares with thousands separators, one decimal under 100 ha, '0' for round-off."""
    if not is_missing(value) and abs(as_filed(value)) < HA_ZERO_BELOW:
        return "0"
    return hectares(value)


def pct(value: float | None) -> str:
    """A fraction as a whole percentage: 0.466 → '47%' (satisfaction, tier fill)."""
    return percent(value, 0)


def pct1(value: float | None) -> str:
    """A fraction with one decimal: 0.466 → '46.6%' (the intensity target, shares of totals)."""
    return percent(value, 1)


def share_points(value: float) -> str:
    """A change of a fraction in percentage points: 0.0123 → '1.23 pt'."""
    return f"{100 * as_filed(value):.2f} pt"


def gini(value: float | None) -> str:
    """A Gini coefficient, 3 decimals."""
    return MISSING if is_missing(value) else f"{as_filed(value):.3f}"


def m2(value: float | None) -> str:
    """Per-capita land, m²/person, whole."""
    return MISSING if is_missing(value) else f"{as_filed(value):.0f}"


def thousand_ha(value: float | None) -> str:
    """Hectares in thousands, one decimal: 49,187 ha → '49.2' (the farmland column)."""
    return MISSING if is_missing(value) else f"{as_filed(value) / 1000:.1f}"


def count(value: float) -> str:
    """A number of counties (or anything counted), with thousands separators."""
    return f"{value:,.0f}"


def weight(value: float | None) -> str:
    """A priority weight, 2 decimals."""
    return MISSING if is_missing(value) else f"{as_filed(value):.2f}"


def total(value: Any, digits: int = 0) -> str:
    """A total of the check report, with thousands separators; text passes through."""
    if value is None:
        return NO_TOTAL
    if isinstance(value, str):
        return value
    return f"{value:,.{digits}f}"


def signed(value: float | None, fmt: Callable[[float], str] = ha) -> Text:
    """'+1,234' / '−1,234' / '0', green for more, red for less."""
    if is_missing(value):
        return Text(MISSING)
    text = fmt(abs(value))
    if not any(ch in "123456789" for ch in text):  # rounds to nothing: no sign
        return Text("0")
    sign, style = ("+", "green") if value > 0 else ("−", "red")
    return Text(sign + text, style=style)


def signed_pct(value: float | None) -> Text:
    """A relative change with its sign: '+12.5%'."""
    return signed(value, pct1)
