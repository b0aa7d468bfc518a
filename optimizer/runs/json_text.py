"""JSON text as every command prints or writes it: valid JSON (NaN → null), numpy-aware.

One module, so that ``summary.json``, ``solve --json``, ``explain --json``,
``compare --json``, ``check --json`` and ``bench --json`` all lay out and clean
their values the same way.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np

#: Lists longer than this are written one compact item per line (see ``to_json``).
LONG_LIST = 20


def to_json(value: Any, level: int = 0) -> str:
    """JSON text laid out like ``json.dumps(indent=2)``, fast for large lists; NaN → null.

    Long lists (county prices, warnings: tens of thousands of items at national
    scale) are written one item per line with the C encoder, which
    ``json.dumps(indent=…)`` cannot use; everything else is indented by 2 as usual.
    Chinese text is written as is (UTF-8), not as ``\\u`` escapes.
    """
    pad, inner = "  " * level, "  " * (level + 1)
    if isinstance(value, dict) and value:
        body = ",\n".join(
            f"{inner}{json.dumps(str(k), ensure_ascii=False)}: {to_json(v, level + 1)}"
            for k, v in value.items()
        )
        return "{\n" + body + "\n" + pad + "}"
    if isinstance(value, list | tuple) and value:
        if len(value) > LONG_LIST:
            items = (_compact(v) for v in value)
        else:
            items = (to_json(v, level + 1) for v in value)
        return "[\n" + ",\n".join(inner + item for item in items) + "\n" + pad + "]"
    return _compact(value)


def json_safe(value: Any) -> Any:
    """``value`` with NaN and ±inf as None and numpy scalars as Python ones (for ``json``)."""
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if isinstance(value, np.ndarray):
        return json_safe(value.tolist())
    if isinstance(value, float | np.floating):
        return None if not np.isfinite(value) else float(value)
    if isinstance(value, np.integer | np.bool_):
        return value.item()
    return value


def _compact(value: Any) -> str:
    """One value on one line; the walk that replaces NaN only where the encoder refuses."""
    try:
        return json.dumps(
            value,
            ensure_ascii=False,
            allow_nan=False,
            separators=(", ", ": "),
            default=_json_default,
        )
    except ValueError:
        return json.dumps(
            json_safe(value), ensure_ascii=False, separators=(", ", ": "), default=_json_default
        )


def _json_default(value: Any) -> Any:
    if isinstance(value, np.integer | np.bool_ | np.floating):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"not JSON serializable: {type(value).__name__}")
