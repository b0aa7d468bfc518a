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
            items = (_compact(v) for v in value)
        else:
            items = (_layout(v, level + 1) for v in value)
        return "[\n" + ",\n".join(inner + item for item in items) + "\n" + pad + "]"
    return _compact(value)


def json_safe(value: Any, decimals: int | None = FILE_DECIMALS) -> Any:
    """``value`` for ``json``: NaN and ±inf as None, numpy as Python, floats rounded.

    Floats keep ``decimals`` decimals, as the run folder's CSV files do (−0.0 reads 0.0).
    """
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:  # most values: as they are
        return value
    if kind is float or isinstance(value, float | np.floating):
        if not math.isfinite(value):
            return None
        return float(value) if decimals is None else round(float(value), decimals) + 0.0
    if isinstance(value, dict):
        return {k: json_safe(v, decimals) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v, decimals) for v in value]
    if isinstance(value, np.ndarray):
        return json_safe(value.tolist(), decimals)
    if isinstance(value, np.integer | np.bool_):
        return value.item()
    return value


def _compact(value: Any) -> str:
    """One (already ``json_safe``) value on one line."""
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(", ", ": "))
