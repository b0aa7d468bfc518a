"""report.html: one self-contained page (inline SVG and CSS, no script, no link) for a briefing.

It opens on a machine with no network: nothing is fetched, no script runs. It shows
the summary, three county choropleths from the dataset's counties.geojson (new
land, demand satisfaction, change of per-capita urban land) with the linkage
flows drawn between county centroids, a bar chart of the largest allocations, a
Lorenz curve of equity, and the tables of ``SECTIONS`` but the county table (all
of it is in report.xlsx and allocation.csv). A dataset without counties.geojson,
or with more than ``MAP_MAX_COUNTIES`` counties, gets the page without maps, and
the page says why.

Chosen by measurement (docs/performance.md): hand-written SVG writes in
milliseconds, holds ~0.2 MB for the reference and is byte-identical between
identical runs; bokeh's ``file_html(..., INLINE)`` takes 0.7 s to import alone,
writes 1.3 MB and random element ids.
"""

from __future__ import annotations

import html
import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from optimizer.analysis.equity import lorenz_curve
from optimizer.analysis.tables import Result
from optimizer.data.lang import Lang
from optimizer.data.names import county_labels
from optimizer.reports.labels import (
    AreaUnit,
    Unit,
    area_factor,
    header,
    section_name,
    unit_label,
    word,
)
from optimizer.reports.tables import Shown, shown_sections
from optimizer.reports.xlsx import summary_rows

#: The dataset file the maps are drawn from (optional; MODEL.md §5, docs/inputs.md).
GEOJSON_FILE = "counties.geojson"
#: Above this many counties the page has no maps (a township dataset would be tens of MB).
MAP_MAX_COUNTIES = 3_000
#: Counties in the bar chart of the largest allocations.
TOP_ALLOCATIONS = 15
#: Rows of a table shown on the page (all of them are in report.xlsx).
HTML_TABLE_ROWS = 200
#: Map and chart sizes, px.
MAP_WIDTH, CHART_WIDTH, CHART_HEIGHT = 420, 520, 360
#: Colour classes of a choropleth (equal-count classes, so a skewed spread still shows).
CLASSES = 5
#: Sequential palettes (ColorBrewer YlOrRd, Blues, PuRd), light → dark, one per map.
PALETTES = {
    "allocation": ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"),
    "satisfaction": ("#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"),
    "per_capita": ("#f1eef6", "#d7b5d8", "#df65b0", "#dd1c77", "#980043"),
}
NO_DATA_COLOUR = "#d9d9d9"
FLOW_COLOUR = "#1a3d7c"
#: Flow line width, px: thinnest and added for the largest flow.
FLOW_MIN_WIDTH, FLOW_EXTRA_WIDTH = 0.6, 3.4
FONTS = '"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif'

#: Types of a cell, as tuples (isinstance with X | Y builds a union at every call).
_BOOLS = (bool, np.bool_)
_NUMBERS = (int, float, np.integer, np.floating)


@dataclass
class Shapes:
    """County outlines on the page: SVG path per county id, centroid (x, y), page size."""

    paths: dict[str, str]
    centroids: dict[str, tuple[float, float]]
    width: float
    height: float


def write_html(
    result: Result,
    path: Path,
    lang: Lang = Lang.EN,
    area: AreaUnit = AreaUnit.HA,
    geojson: Path | None = None,
    shown: list[Shown] | None = None,
) -> None:
    """Write report.html for ``result`` at ``path`` (maps from ``geojson`` when given)."""
    path.write_text(render_html(result, lang, area, geojson, shown), encoding="utf-8")


def render_html(
    result: Result,
    lang: Lang,
    area: AreaUnit,
    geojson: Path | None = None,
    shown: list[Shown] | None = None,
) -> str:
    """The page as text (``shown``: the tables of ``shown_sections``, if already built)."""
    title = word("title", lang)
    name = result.summary.scenario.scenario.name
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{"zh-CN" if lang is Lang.ZH else "en"}">',
        '<head><meta charset="utf-8">',
        f"<title>{_e(title)} · {_e(name)}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>{_e(title)} · {_e(name)}</h1>",
    ]
    counties = result.counties
    if not counties.empty:
        shapes, reason = _shapes(geojson, counties)
        parts.append(_maps(result, shapes, lang, area) if shapes else _no_map(reason, lang))
        parts.append('<div class="row">')
        parts.append(_summary(result, lang, area))
        parts.append(_top_allocations(counties, lang, area))
        parts.append(_lorenz(result, lang))
        parts.append("</div>")
    else:
        parts.append(_summary(result, lang, area))
        if not result.diagnosis.empty:
            parts.append(f"<p class='note'>{_e(word('infeasible', lang))}</p>")
    for table in shown if shown is not None else shown_sections(result, lang, area):
        if table.section.key != "counties":
            parts.append(_table(table, lang, area))
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


# ------------------------------------------------------------------ shapes


def _shapes(geojson: Path | None, counties: pd.DataFrame) -> tuple[Shapes | None, str]:
    """The county outlines projected onto the page, or None and the reason there is no map."""
    if geojson is None or not geojson.is_file():
        return None, "no_geojson"
    if len(counties) > MAP_MAX_COUNTIES:
        return None, f"too_many:{len(counties)}"
    try:
        features = json.loads(geojson.read_text(encoding="utf-8"))["features"]
        rings, centres = _rings(features, set(counties["county_id"].astype(str)))
    except (OSError, ValueError, KeyError, TypeError, IndexError) as err:
        return None, f"bad_geojson:{type(err).__name__}: {err}"
    if not rings:
        return None, "no_geojson"
    return _project(rings, centres), ""


def _rings(features: list, ids: set[str]) -> tuple[dict, dict]:
    """Per county id of ``ids``: its polygons' rings (lon, lat arrays) and its label point."""
    rings: dict[str, list[np.ndarray]] = {}
    centres: dict[str, tuple[float, float]] = {}
    for feature in features:
        props = feature.get("properties") or {}
        county = str(props.get("county_id", props.get("adcode", "")))
        if county not in ids:
            continue
        geometry = feature["geometry"]
        polygons = (
            [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        )
        own = [np.asarray(ring, dtype=float)[:, :2] for polygon in polygons for ring in polygon]
        rings.setdefault(county, []).extend(own)
        if "label_lon" in props and "label_lat" in props:
            centres[county] = (float(props["label_lon"]), float(props["label_lat"]))
        else:
            centres.setdefault(county, tuple(own[0].mean(axis=0)))
    return dict(sorted(rings.items())), centres


def _project(rings: dict, centres: dict) -> Shapes:
    """Equirectangular projection at the region's mid-latitude, scaled to MAP_WIDTH."""
    points = np.vstack([r for county in rings.values() for r in county])
    lon0, lat0 = points.min(axis=0)
    lon1, lat1 = points.max(axis=0)
    shrink = math.cos(math.radians((lat0 + lat1) / 2))
    scale = MAP_WIDTH / max((lon1 - lon0) * shrink, 1e-9)

    def xy(lonlat: np.ndarray) -> np.ndarray:
        return np.column_stack(
            [(lonlat[:, 0] - lon0) * shrink * scale, (lat1 - lonlat[:, 1]) * scale]
        )

    # every point projected and written at once, then cut back into rings and counties
    pairs = [f"{x:.1f},{y:.1f}" for x, y in xy(points).tolist()]
    paths = {}
    start = 0
    for county, county_rings in rings.items():
        ends = start + np.cumsum([len(ring) for ring in county_rings])
        starts = [start, *ends[:-1].tolist()]
        paths[county] = " ".join(
            f"M{' '.join(pairs[a:b])}Z" for a, b in zip(starts, ends.tolist(), strict=True)
        )
        start = int(ends[-1])
    centroids = {c: tuple(xy(np.array([centres[c]]))[0]) for c in rings}
    return Shapes(paths, centroids, MAP_WIDTH, (lat1 - lat0) * scale)


# ------------------------------------------------------------------ maps


def _maps(result: Result, shapes: Shapes, lang: Lang, area: AreaUnit) -> str:
    c = result.counties
    ids = c["county_id"].astype(str).to_numpy()
    labels = dict(zip(ids, county_labels(c), strict=True))
    factor = area_factor(area)
    layers = [
        ("allocation", c["allocation"].to_numpy(float) * factor, Unit.AREA),
        ("satisfaction", c["satisfaction"].to_numpy(float), Unit.SHARE),
        (
            "per_capita",
            (c["per_capita_2035"] - c["per_capita_2020"]).to_numpy(float),
            Unit.M2_PER_PERSON,
        ),
    ]
    maps = []
    for key, values, unit in layers:
        flows = _flow_lines(result.flows, shapes, labels, lang, area) if key == "allocation" else ""
        by_id = dict(zip(ids, values, strict=True))
        maps.append(_choropleth(key, by_id, unit, shapes, labels, flows, lang, area))
    heading = f"<h2>{_e(word('maps', lang))}</h2>"
    return f'<section id="maps">{heading}<div class="row">{"".join(maps)}</div></section>'


def _choropleth(
    key: str,
    values: dict[str, float],
    unit: Unit,
    shapes: Shapes,
    labels: dict[str, str],
    flows: str,
    lang: Lang,
    area: AreaUnit,
) -> str:
    drawn = np.array([values.get(c, np.nan) for c in shapes.paths], dtype=float)
    breaks = _breaks(drawn)
    palette = PALETTES[key]
    units = unit_label(unit, lang, area)
    classes = np.minimum(np.searchsorted(breaks, drawn, side="left"), CLASSES - 1)
    colours = np.where(
        np.isfinite(drawn), np.asarray(palette, dtype=object)[classes], NO_DATA_COLOUR
    )
    shapes_svg = [
        f'<path class="county" data-county="{_e(county)}" fill="{colour}" d="{path}">'
        f"<title>{_e(f'{labels.get(county, county)}: {_fmt(value, unit)} {units}'.rstrip())}"
        "</title></path>"
        for (county, path), value, colour in zip(
            shapes.paths.items(), drawn.tolist(), colours.tolist(), strict=True
        )
    ]
    height = shapes.height
    title = word(f"map_{key}", lang)
    note = f'<p class="note">{_e(word("flows_on_map", lang))}</p>' if flows else ""
    return (
        f'<figure class="map-panel"><figcaption>{_e(title)} ({_e(units)})</figcaption>'
        f'<svg class="map" id="map-{key}" viewBox="-4 -4 {shapes.width + 8:.0f} {height + 8:.0f}" '
        f'width="{shapes.width:.0f}" height="{height:.0f}" role="img" aria-label="{_e(title)}">'
        f'<g class="counties">{"".join(shapes_svg)}</g>{flows}</svg>'
        f"{_legend(breaks, palette, unit)}{note}</figure>"
    )


def _breaks(values: np.ndarray) -> np.ndarray:
    """Upper edges of the CLASSES equal-count classes of the finite values (ascending)."""
    finite = values[np.isfinite(values)]
    if len(finite) == 0:
        return np.zeros(CLASSES)
    return np.quantile(finite, np.linspace(0, 1, CLASSES + 1)[1:])


def _legend(breaks: np.ndarray, palette: tuple[str, ...], unit: Unit) -> str:
    items = []
    low = None
    for colour, high in zip(palette, breaks, strict=True):
        text = f"≤ {_fmt(high, unit)}" if low is None else f"{_fmt(low, unit)} – {_fmt(high, unit)}"
        items.append(f'<span class="key"><i style="background:{colour}"></i>{_e(text)}</span>')
        low = high
    return f'<div class="legend">{"".join(items)}</div>'


def _flow_lines(
    flows: pd.DataFrame, shapes: Shapes, labels: dict[str, str], lang: Lang, area: AreaUnit
) -> str:
    """Linkage flows as lines between county centroids, width by amount, a dot at the receiver."""
    if flows.empty:
        return ""
    drawn = flows[
        flows["from_id"].astype(str).isin(shapes.centroids)
        & flows["to_id"].astype(str).isin(shapes.centroids)
    ]
    if drawn.empty:
        return ""
    biggest = float(drawn["amount"].max())
    units = unit_label(Unit.AREA, lang, area)
    lines = []
    for src, dst, amount in drawn[["from_id", "to_id", "amount"]].itertuples(index=False):
        (x0, y0), (x1, y1) = shapes.centroids[str(src)], shapes.centroids[str(dst)]
        width = FLOW_MIN_WIDTH + FLOW_EXTRA_WIDTH * amount / biggest if biggest > 0 else 1
        tip = (
            f"{labels.get(str(src), src)} → {labels.get(str(dst), dst)}: "
            f"{_fmt(amount * area_factor(area), Unit.AREA)} {units}"
        )
        lines.append(
            f'<g class="flow"><line x1="{x0:.1f}" y1="{y0:.1f}" x2="{x1:.1f}" y2="{y1:.1f}" '
            f'stroke-width="{width:.2f}"/><circle cx="{x1:.1f}" cy="{y1:.1f}" r="2.2"/>'
            f"<title>{_e(tip)}</title></g>"
        )
    return f'<g class="flows" stroke="{FLOW_COLOUR}" fill="{FLOW_COLOUR}">{"".join(lines)}</g>'


def _no_map(reason: str, lang: Lang) -> str:
    if reason.startswith("bad_geojson:"):
        why = word("bad_geojson", lang, error=reason.removeprefix("bad_geojson:"))
    elif reason.startswith("too_many:"):
        n = int(reason.removeprefix("too_many:"))
        why = word("too_many", lang, n=n, limit=MAP_MAX_COUNTIES)
    else:
        why = word("no_geojson", lang)
    return f'<p class="note no-map">{_e(word("no_map", lang, reason=why))}</p>'


# ------------------------------------------------------------------ charts


def _top_allocations(counties: pd.DataFrame, lang: Lang, area: AreaUnit) -> str:
    """Horizontal bars of the TOP_ALLOCATIONS largest allocations (ties by county id)."""
    label = county_labels(counties)
    locked = "locked" in counties.columns  # MODEL.md §8 locks: starred, as in the terminal
    if locked:
        label = label.where(counties["locked"] != "yes", label + "*")
    table = counties.assign(label=label.to_numpy())
    top = table.sort_values(
        ["allocation", "county_id"], ascending=[False, True], kind="stable"
    ).head(TOP_ALLOCATIONS)
    values = top["allocation"].to_numpy(float) * area_factor(area)
    biggest = float(values.max()) if len(values) and values.max() > 0 else 1.0
    bar_h, label_w, value_w = 20, 150, 90
    plot_w = CHART_WIDTH - label_w - value_w
    rows = []
    for i, (label, value) in enumerate(zip(top["label"], values, strict=True)):
        y, length = i * bar_h, plot_w * value / biggest
        rows.append(
            f'<g class="bar"><text x="{label_w - 6}" y="{y + 14}" text-anchor="end">'
            f"{_e(label)}</text>"
            f'<rect x="{label_w}" y="{y + 3}" width="{length:.1f}" height="{bar_h - 6}"/>'
            f'<text x="{label_w + length + 4:.1f}" y="{y + 14}">'
            f"{_e(_fmt(value, Unit.AREA))}</text></g>"
        )
    height = bar_h * len(top)
    units = unit_label(Unit.AREA, lang, area)
    note = f"; {_e(word('locked_note', lang))}" if locked else ""
    return (
        f'<figure class="chart"><figcaption>{_e(word("top_allocations", lang))} ({_e(units)})'
        f"{note}</figcaption>"
        f'<svg id="top-allocations" width="{CHART_WIDTH}" height="{height}" '
        f'viewBox="0 0 {CHART_WIDTH} {height}">{"".join(rows)}</svg></figure>'
    )


def _lorenz(result: Result, lang: Lang) -> str:
    """Lorenz curves of new land per resident and of demand satisfaction, with the Ginis."""
    c = result.counties
    alloc, demand = c["allocation"].to_numpy(float), c["demand"].to_numpy(float)
    curves = []
    f = result.formulation
    if f is not None and "pop_2020" in f.dataset.counties.columns:
        pop = f.dataset.counties["pop_2020"].to_numpy(float)
        with np.errstate(divide="ignore", invalid="ignore"):
            curves.append(
                ("gini_allocation_per_resident", np.where(pop > 0, alloc / pop, np.nan), pop)
            )
    with np.errstate(divide="ignore", invalid="ignore"):
        curves.append(("gini_satisfaction", np.where(demand > 0, alloc / demand, np.nan), demand))
    size, pad = CHART_HEIGHT - 60, 40
    colours = ("#d95f02", "#1b9e77")
    svg = [
        f'<rect x="{pad}" y="10" width="{size}" height="{size}" class="frame"/>',
        f'<line x1="{pad}" y1="{10 + size}" x2="{pad + size}" y2="10" class="equality"/>',
    ]
    legend = [f'<span class="key"><i class="dash"></i>{_e(word("equality", lang))}</span>']
    for (key, values, weights), colour in zip(curves, colours, strict=False):
        x, y = lorenz_curve(values, weights)
        if len(x) == 0:
            continue
        points = " ".join(  # Python floats: numpy scalars cost 1.6 µs a point (40,000 counties)
            f"{pad + size * a:.1f},{10 + size * (1 - b):.1f}"
            for a, b in zip(x.tolist(), y.tolist(), strict=True)
        )
        gini = 1.0 - float(np.sum((x[1:] - x[:-1]) * (y[1:] + y[:-1])))
        svg.append(f'<polyline class="lorenz" points="{points}" stroke="{colour}"/>')
        legend.append(
            f'<span class="key"><i style="background:{colour}"></i>'
            f"{_e(word(key, lang))} = {gini:.3f}</span>"
        )
    svg.append(
        f'<text x="{pad + size / 2}" y="{size + 40}" text-anchor="middle">'
        f"{_e(word('lorenz_x', lang))}</text>"
        f'<text x="12" y="{10 + size / 2}" text-anchor="middle" '
        f'transform="rotate(-90 12 {10 + size / 2})">{_e(word("lorenz_y", lang))}</text>'
    )
    width = size + pad + 20
    return (
        f'<figure class="chart"><figcaption>{_e(word("lorenz", lang))}</figcaption>'
        f'<svg id="lorenz" width="{width}" height="{CHART_HEIGHT}" '
        f'viewBox="0 0 {width} {CHART_HEIGHT}">{"".join(svg)}</svg>'
        f'<div class="legend">{"".join(legend)}</div></figure>'
    )


# ------------------------------------------------------------------ tables


def _summary(result: Result, lang: Lang, area: AreaUnit) -> str:
    rows = "".join(
        f"<tr><th>{_e(item)}</th><td class='num'>{_e(_fmt(value, unit))}</td>"
        f"<td>{_e(units)}</td></tr>"
        for item, value, units, unit in summary_rows(result, lang, area)
    )
    heading = f"<h2>{_e(section_name('summary', lang))}</h2>"
    return f'<section id="summary">{heading}<table>{rows}</table></section>'


def _table(shown: Shown, lang: Lang, area: AreaUnit) -> str:
    table = shown.table.head(HTML_TABLE_ROWS)
    heads = "".join(f"<th>{_e(header(shown.section.file, c, lang))}</th>" for c in table.columns)
    units = "".join(f"<td>{_e(unit_label(u, lang, area))}</td>" for u in shown.units)
    body = []
    for r, values in enumerate(table.itertuples(index=False)):
        cells = "".join(
            f"<td class='num'>{_e(_fmt(v, shown.cell_unit(r, c)))}</td>"
            if _is_number(v)
            else f"<td>{_e(_fmt(v, shown.cell_unit(r, c)))}</td>"
            for c, v in enumerate(values)
        )
        body.append(f"<tr>{cells}</tr>")
    more = ""
    if len(shown.table) > HTML_TABLE_ROWS:
        more = f"<p class='note'>{HTML_TABLE_ROWS:,} / {len(shown.table):,} — report.xlsx</p>"
    key = shown.section.key
    return (
        f'<section id="{key}"><h2>{_e(section_name(key, lang))}</h2><table>'
        f'<thead><tr>{heads}</tr><tr class="units">{units}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>{more}</section>"
    )


#: Python format of a number per unit on the page.
_FORMATS = {
    Unit.AREA: "{:,.2f}",
    Unit.SHARE: "{:.1%}",
    Unit.M2_PER_PERSON: "{:,.1f}",
    Unit.WEIGHT: "{:.2f}",
    Unit.COUNT: "{:,.0f}",
    Unit.INDEX: "{:.0f}",
    Unit.VALUE: "{:,.2f}",
    Unit.PRICE: "{:.4f}",
    Unit.PRICE_PER_MU: "{:.5f}",
    Unit.COST: "{:.3f}",
}
#: A number of mixed unit (a target, a limit): whole with separators from this size on.
MIXED_WHOLE_FROM = 100


def _is_number(value: object) -> bool:
    return isinstance(value, _NUMBERS) and not isinstance(value, _BOOLS)


def _fmt(value: object, unit: Unit) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, _BOOLS):
        return "✓" if value else "✗"
    if _is_number(value):
        number = float(value)
        if math.isinf(number):
            return "∞" if number > 0 else "-∞"
        if unit is Unit.MIXED:
            return f"{number:,.2f}" if abs(number) >= MIXED_WHOLE_FROM else f"{number:.4g}"
        return _FORMATS.get(unit, "{:,.6g}").format(number)
    return str(value)


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


_CSS = f"""
body {{ font-family: {FONTS}; margin: 24px; color: #222; }}
h1 {{ font-size: 22px; }} h2 {{ font-size: 18px; margin-top: 28px; }}
table {{ border-collapse: collapse; font-size: 13px; margin: 8px 0; }}
th, td {{ border: 1px solid #ccc; padding: 3px 8px; }}
th {{ background: #ddebf7; text-align: left; }}
tr.units td {{ color: #666; font-style: italic; background: #f7f7f7; }}
td.num {{ text-align: right; font-variant-numeric: tabular-nums; }}
.row {{ display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start; }}
figure {{ margin: 0; }} figcaption {{ font-weight: bold; margin-bottom: 6px; }}
path.county {{ stroke: #fff; stroke-width: 0.6; fill-rule: evenodd; }}
path.county:hover {{ stroke: #000; stroke-width: 1.2; }}
g.flows line {{ stroke-opacity: 0.75; stroke-linecap: round; }}
g.flows circle {{ fill-opacity: 0.9; stroke: none; }}
.legend {{ font-size: 12px; margin-top: 4px; max-width: {MAP_WIDTH}px; }}
.key {{ display: inline-block; margin-right: 10px; }}
.key i {{ display: inline-block; width: 12px; height: 12px; margin-right: 4px;
  vertical-align: -1px; }}
.key i.dash {{ border-top: 2px dashed #888; height: 0; }}
.note {{ color: #555; font-size: 12px; }}
g.bar rect {{ fill: #f03b20; }} g.bar text, svg text {{ font-size: 12px; }}
rect.frame {{ fill: none; stroke: #999; }}
line.equality {{ stroke: #888; stroke-dasharray: 4 3; }}
polyline.lorenz {{ fill: none; stroke-width: 2; }}
"""
