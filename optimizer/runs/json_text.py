"""JSON text as every command prints or writes it: valid JSON (NaN → null), numpy-aware.

One module, so that ``summary.json``, ``solve --json``, ``explain --json``,
``compare --json``, ``check --json`` and ``bench --json`` all lay out and clean
their values the same way. Floats are rounded to ``FILE_DECIMALS`` like the CSV files
(a pool used to 59999.999999999985 ha reads 60000.0), so the same run always gives
the same text and the same figure reads the same in every file.
"""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np

from optimizer.data.numbers import FILE_DECIMALS

#: Types of values that ``json_safe`` keeps as they are (exactly these: not subclasses).
_AS_IS = frozenset({str, int, bool, type(None)})
#: Lists longer than this are written one compact item per line (see ``to_json``).
LONG_LIST = 20


def to_json(value: Any, decimals: int | None = FILE_DECIMALS) -> str:
    """JSON text laid out like ``json.dumps(indent=2)``, fast for large lists; NaN → null.

    Floats are rounded to ``decimals`` (None: kept whole, for figures that are not run
    results, like check's unit factors: 1/15 stays 0.06666666666666667). Long lists
    (county prices, warnings: tens of thousands of items at national scale) are written
    one item per line with the C encoder, which ``json.dumps(indent=…)`` cannot use;
    everything else is indented by 2 as usual. Chinese text is written as is (UTF-8),
    not as ``\\u`` escapes.
    """
    return _layout(json_safe(value, decimals), 0)


def _layout(value: Any, level: int) -> str:
    pad, inner = "  " * level, "  " * (level + 1)
    if isinstance(value, dict) and value:
        body = ",\n".join(
            f"{inner}{json.dumps(str(k), ensure_ascii=False)}: {_layout(v, level + 1)}"
            for k, v in value.items()
        )
        return "{\n" + body + "\n" + pad + "}"
    if isinstance(value, list | tuple) and value:
        if len(value) > LONG_LIST:
            items = _compact_items(value)
        else:
            items = [_layout(v, level + 1) for v in value]
        return "[\n" + inner + (",\n" + inner).join(items) + "\n" + pad + "]"
    return _compact(value)


#: A text put between the items of a long list, so that the C encoder writes the whole
#: list in one call and its text is cut back into items there (``_compact_items``).
_CUT = "\x00landquota: end of item\x00"
#: Where ``_compact`` writes it between two items.
_CUT_JSON = ", " + json.dumps(_CUT) + ", "


def _compact_items(items: list | tuple) -> list[str]:
    """Each item as ``_compact`` writes it, in one encoder call for the whole list (one
    call per item took 0.3 s for summary.json's 28,000 prices at township scale).

    A marker text between the items is where the list's text is cut. Its quotes can only
    stand in the text as JSON's own (inside a string they are escaped), so the marker
    appears only where the list holds it as an item; if it appears more often than put
    (an item holds it), every item is written on its own instead.
    """
    marked = [_CUT] * (2 * len(items) - 1)
    marked[::2] = items
    parts = _compact(marked)[1:-1].split(_CUT_JSON)
    if len(parts) == len(items):
        return parts
    return [_compact(v) for v in items]


def json_safe(value: Any, decimals: int | None = FILE_DECIMALS) -> Any:
    """``value`` for ``json``: NaN and ±inf as None, numpy as Python, floats rounded.

    Floats keep ``decimals`` decimals, as the run folder's CSV files do (−0.0 reads 0.0).
    """
    kind = type(value)
    if kind in _AS_IS:  # most values: as they are
        return value
    if kind is float or isinstance(value, float | np.floating):
        if not math.isfinite(value):
            return None
        return float(value) if decimals is None else round(float(value), decimals) + 0.0
    # the items as they are without a call each (summary.json: 390,000 values at township)
    if isinstance(value, dict):
        return {k: v if type(v) in _AS_IS else json_safe(v, decimals) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [v if type(v) in _AS_IS else json_safe(v, decimals) for v in value]
    if isinstance(value, np.ndarray):
        return json_safe(value.tolist(), decimals)
    if isinstance(value, np.integer | np.bool_):
        return value.item()
    return value


def _compact(value: Any) -> str:
    """One (already ``json_safe``) value on one line."""
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(", ", ": "))
