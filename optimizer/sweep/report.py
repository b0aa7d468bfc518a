"""report.html of a sweep: each varied key against satisfaction and Z, as inline SVG.

Self-contained and offline (no script, no font or library fetched): one small chart per
varied key and figure, drawn by hand. Every scenario is a dot; the line joins the
median at each value of the key (the other keys and draws vary within a value).
"""

from __future__ import annotations

import html
import math

import numpy as np
import pandas as pd

from models.results import Status

WIDTH, HEIGHT = 420, 240
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 64, 16, 24, 40
#: Figures charted against every varied key, with their axis labels.
FIGURES = (("satisfaction", "satisfaction Σ allocation / Σ demand"), ("objective", "Z"))
DOT_COLOUR, LINE_COLOUR = "#4c78a8", "#e45756"
#: Keys with at most this many distinct values get a median line.
MAX_LINE_VALUES = 500


def report_html(scenarios: pd.DataFrame, keys: list[str], summary: dict) -> str:
    """The page: a short summary, then one chart per (varied key, figure)."""
    optimal = scenarios[scenarios["status"] == Status.OPTIMAL.value]
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>landquota sweep: {html.escape(str(summary.get('scenario')))}</title>",
        "<style>body{font-family:sans-serif;margin:2em;color:#222}"
        "figure{display:inline-block;margin:0 1em 1em 0}"
        "figcaption{font-size:0.9em;color:#555}"
        "table{border-collapse:collapse}td,th{padding:2px 8px;text-align:left}</style>",
        "</head><body>",
        f"<h1>Sweep of {html.escape(str(summary.get('scenario')))}</h1>",
        _summary_table(summary),
    ]
    for key in keys:
        x = pd.to_numeric(optimal[key], errors="coerce") if key in optimal else pd.Series()
        parts.append(f"<h2>{html.escape(key)}</h2>")
        if x.notna().sum() == 0:
            parts.append("<p>No optimal scenario with a numeric value of this key.</p>")
            continue
        for column, label in FIGURES:
            svg = chart_svg(x.to_numpy(float), optimal[column].to_numpy(float), key, label)
            parts.append(
                f"<figure>{svg}<figcaption>{html.escape(label)} against "
                f"{html.escape(key)}</figcaption></figure>"
            )
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _summary_table(summary: dict) -> str:
    rows = [
        ("scenarios", summary.get("scenarios")),
        ("status", ", ".join(f"{k}: {v}" for k, v in summary.get("status", {}).items())),
        ("varied", ", ".join(summary.get("varied", []))),
        ("satisfaction", _span(summary.get("satisfaction"), percent=True)),
        ("Z", _span(summary.get("objective"))),
        ("counties", ", ".join(f"{k}: {v}" for k, v in summary.get("robustness", {}).items())),
    ]
    body = "".join(
        f"<tr><th>{html.escape(str(k))}</th><td>{html.escape(str(v))}</td></tr>" for k, v in rows
    )
    return f"<table>{body}</table>"


def _span(span: dict | None, percent: bool = False) -> str:
    if not span or span.get("min") is None:
        return "—"
    lo, hi = span["min"], span["max"]
    return f"{lo:.1%} – {hi:.1%}" if percent else f"{lo:,.1f} – {hi:,.1f}"


def chart_svg(x: np.ndarray, y: np.ndarray, x_label: str, y_label: str) -> str:
    """A scatter of (x, y) with the median line of y at each x, as an <svg> element."""
    keep = np.isfinite(x) & np.isfinite(y)
    x, y = x[keep], y[keep]
    if x.size == 0:
        return "<p>no values</p>"
    x0, x1 = _padded(x.min(), x.max())
    y0, y1 = _padded(y.min(), y.max())
    w = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    h = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM

    def px(v: np.ndarray | float) -> np.ndarray | float:
        return MARGIN_LEFT + (v - x0) / (x1 - x0) * w

    def py(v: np.ndarray | float) -> np.ndarray | float:
        return MARGIN_TOP + h - (v - y0) / (y1 - y0) * h

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img">',
        f'<rect x="{MARGIN_LEFT}" y="{MARGIN_TOP}" width="{w}" height="{h}" '
        'fill="none" stroke="#999"/>',
    ]
    for t in (x0, (x0 + x1) / 2, x1):
        out.append(
            f'<text x="{px(t):.1f}" y="{HEIGHT - MARGIN_BOTTOM + 14}" font-size="10" '
            f'text-anchor="middle">{_tick(t)}</text>'
        )
    for t in (y0, (y0 + y1) / 2, y1):
        out.append(
            f'<text x="{MARGIN_LEFT - 4}" y="{py(t) + 3:.1f}" font-size="10" '
            f'text-anchor="end">{_tick(t)}</text>'
        )
    out.append(
        f'<text x="{MARGIN_LEFT + w / 2}" y="{HEIGHT - 6}" font-size="11" '
        f'text-anchor="middle">{html.escape(x_label)}</text>'
    )
    out.append(
        f'<text x="12" y="{MARGIN_TOP + h / 2}" font-size="11" text-anchor="middle" '
        f'transform="rotate(-90 12 {MARGIN_TOP + h / 2})">{html.escape(y_label)}</text>'
    )
    values = np.unique(x)
    if 1 < values.size <= MAX_LINE_VALUES:
        med = np.array([np.median(y[x == v]) for v in values])
        path = " ".join(f"{px(a):.1f},{py(b):.1f}" for a, b in zip(values, med, strict=True))
        out.append(f'<polyline points="{path}" fill="none" stroke="{LINE_COLOUR}"/>')
    for a, b in zip(x, y, strict=True):
        out.append(f'<circle cx="{px(a):.1f}" cy="{py(b):.1f}" r="2.5" fill="{DOT_COLOUR}"/>')
    out.append("</svg>")
    return "".join(out)


def _padded(lo: float, hi: float) -> tuple[float, float]:
    if hi - lo <= 0:
        pad = abs(lo) * 0.05 or 1.0
        return lo - pad, hi + pad
    pad = (hi - lo) * 0.05
    return lo - pad, hi + pad


def _tick(v: float) -> str:
    if v != 0 and (abs(v) >= 1e6 or abs(v) < 1e-2):
        return f"{v:.3g}"
    digits = max(0, 2 - math.floor(math.log10(abs(v))) if v else 0)
    return f"{v:,.{min(digits, 3)}f}"
