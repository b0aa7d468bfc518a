"""What a sweep varies: grid axes (``--grid``), sampled distributions (``sweep.toml``), points.

A *key* is a dotted scenario key (``quota.total``, ``weights.zone.urban`` …) or a county
column written ``counties.<column>`` (``counties.demand``), which a sweep varies as a
factor on every county's value (a grid value 1.1 is +10 % everywhere; a sample draws
one factor per county, or one for the region). A *point* is one scenario of the sweep:
the scenario keys it sets and the county factors it applies. Its ``digest`` (SHA-256 of
what it sets) names it in the resume area, so a re-run finds the scenarios it finished.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

import numpy as np

from models.scenario import Scenario
from optimizer.data.dataset import Dataset
from optimizer.data.problems import DataError, UsageError
from optimizer.data.read import scenario_from_data, scenario_keys

#: Prefix of a key that varies a county column as a factor (``counties.demand``).
COUNTY_PREFIX = "counties."
#: At most this many scenarios in one sweep (a grid typed with a tiny step is refused).
MAX_SCENARIOS = 1_000_000
#: Significant digits a grid value is rounded to (0.1 + 0.2 is written 0.3).
GRID_DIGITS = 12
#: County columns that are ids or words, never varied.
TEXT_COLUMNS = frozenset({"county_id", "name", "city", "zone"})


class Distribution(StrEnum):
    """How a sampled key is drawn (sweep.toml ``distribution``)."""

    UNIFORM = "uniform"
    NORMAL = "normal"
    TRIANGULAR = "triangular"


class Per(StrEnum):
    """Whether a county column's factor is drawn once per county or once for the region."""

    COUNTY = "county"
    REGION = "region"


@dataclass(frozen=True)
class Axis:
    """One ``--grid`` key and its values, in the order given."""

    key: str
    values: tuple[float | str, ...]


@dataclass(frozen=True)
class SampleSpec:
    """One sampled key of sweep.toml: a distribution around the base value or absolute.

    ``relative`` draws a factor around 1 (uniform: 1 ± relative; normal: sd = relative;
    triangular: 1 − relative … 1 + relative, mode 1); otherwise ``low``/``high``
    (uniform, triangular with ``mode``) or ``mean``/``sd`` (normal) are values of the key.
    County columns are always drawn as factors (``relative``).
    """

    key: str
    distribution: Distribution = Distribution.UNIFORM
    relative: float | None = None
    low: float | None = None
    high: float | None = None
    mode: float | None = None
    mean: float | None = None
    sd: float | None = None
    per: Per = Per.COUNTY

    @property
    def is_county(self) -> bool:
        return self.key.startswith(COUNTY_PREFIX)


@dataclass(frozen=True)
class SweepSpec:
    """Everything a sweep varies: the grid (cross product) and the samples (N draws each)."""

    axes: tuple[Axis, ...] = ()
    samples: tuple[SampleSpec, ...] = ()
    n_samples: int = 0
    seed: int = 0

    @property
    def keys(self) -> list[str]:
        """The varied keys in column order: grid keys, then sampled keys."""
        out = [a.key for a in self.axes]
        out += [s.key for s in self.samples if s.key not in out] if self.n_samples else []
        return out


@dataclass(frozen=True)
class Point:
    """One scenario of a sweep: scenario keys set, county factors applied, draw number."""

    values: tuple[tuple[str, float | str], ...] = ()
    factors: tuple[tuple[str, np.ndarray], ...] = field(default=(), compare=False)
    draw: int | None = None

    @property
    def overrides(self) -> dict[str, float | str]:
        """The scenario keys this point sets (county factors aside)."""
        return {k: v for k, v in self.values if not k.startswith(COUNTY_PREFIX)}

    def column_values(self, keys: Sequence[str]) -> dict[str, float | str]:
        """One value per varied key for scenarios.csv (a county factor: its mean)."""
        values = dict(self.values)
        for key, factor in self.factors:
            values[key] = float(np.mean(factor))
        return {k: values.get(k, math.nan) for k in keys}

    def digest(self) -> str:
        """SHA-256 of what this point sets: the same scenario, the same digest."""
        h = hashlib.sha256()
        h.update(json.dumps([[k, repr(v)] for k, v in self.values]).encode())
        for key, factor in self.factors:
            h.update(key.encode())
            h.update(np.ascontiguousarray(factor, dtype=float).tobytes())
        return h.hexdigest()


# --------------------------------------------------------------------------- the grid


def parse_grid(items: Sequence[str], dataset: Dataset) -> tuple[Axis, ...]:
    """``--grid`` options as axes; a UsageError naming the option when one is wrong."""
    axes = [parse_axis(item, dataset) for item in items]
    seen: set[str] = set()
    for axis in axes:
        if axis.key in seen:
            raise UsageError(f"--grid {axis.key} is given twice: give each key once")
        seen.add(axis.key)
    return tuple(axes)


def parse_axis(item: str, dataset: Dataset) -> Axis:
    """``KEY=START:STOP:STEP`` (STOP included) or ``KEY=v1,v2,…`` → an Axis."""
    key, sep, text = item.partition("=")
    key, text = key.strip(), text.strip()
    if not sep or not key or not text:
        raise UsageError(
            f"--grid expects KEY=START:STOP:STEP or KEY=v1,v2,…, e.g. "
            f"--grid quota.total=40000:80000:10000; got {item!r}"
        )
    check_key(key, dataset, option="--grid")
    if ":" in text:
        values: tuple[float | str, ...] = _range_values(key, text)
    else:
        values = tuple(_value(key, v.strip()) for v in text.split(","))
        if any(v == "" for v in values):
            raise UsageError(f"--grid {key}: an empty value in {text!r} (write v1,v2,…)")
    for value in values:
        check_value(key, value, dataset, option="--grid")
    return Axis(key, values)


def _range_values(key: str, text: str) -> tuple[float, ...]:
    parts = text.split(":")
    try:
        if len(parts) != 3:
            raise ValueError
        start, stop, step = (float(p) for p in parts)
    except ValueError:
        raise UsageError(
            f"--grid {key}={text}: a range is START:STOP:STEP with three numbers "
            "(STOP included), e.g. 40000:80000:10000"
        ) from None
    if not all(math.isfinite(x) for x in (start, stop, step)):
        raise UsageError(f"--grid {key}={text}: START, STOP and STEP must be finite numbers")
    if step <= 0:
        raise UsageError(f"--grid {key}={text}: STEP must be positive; got {step:g}")
    if stop < start:
        raise UsageError(f"--grid {key}={text}: STOP ({stop:g}) is below START ({start:g})")
    n = math.floor((stop - start) / step + 1e-9) + 1
    if n > MAX_SCENARIOS:
        raise UsageError(
            f"--grid {key}={text} makes {n:,} values; at most {MAX_SCENARIOS:,} scenarios "
            "(use a larger STEP)"
        )
    return tuple(_rounded(start + i * step) for i in range(n))


def _rounded(x: float) -> float:
    return float(f"{x:.{GRID_DIGITS}g}")


def _value(key: str, text: str) -> float | str:
    """A grid value: a number, or text for a text key (``linkage.scope=region,city``)."""
    try:
        number = float(text)
    except ValueError:
        if key.startswith(COUNTY_PREFIX):
            raise UsageError(
                f"--grid {key}: {text!r} is not a number (a factor, e.g. 1.1)"
            ) from None
        return text
    if not math.isfinite(number):
        raise UsageError(f"--grid {key}: {text!r} is not a finite number")
    return number


def check_key(key: str, dataset: Dataset, option: str) -> None:
    """A key a sweep can vary, or a UsageError saying which keys there are."""
    if key.startswith(COUNTY_PREFIX):
        column = key.removeprefix(COUNTY_PREFIX)
        numeric = county_columns(dataset)
        if column not in numeric:
            raise UsageError(
                f"{option} {key}: counties.csv has no numeric column {column!r} "
                f"(choose: {', '.join(sorted(numeric))})"
            )
        return
    known = scenario_keys()
    if key not in known or key == "scenario.name":
        from difflib import get_close_matches

        close = get_close_matches(key, list(known), n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise UsageError(
            f"{option} {key}: not a scenario key{hint}; give a scenario.toml key such as "
            "quota.total, or a county column as counties.<column>"
        )


def county_columns(dataset: Dataset) -> list[str]:
    """County columns a sweep may vary as a factor: the numeric ones."""
    c = dataset.counties
    return [
        col
        for col in c.columns
        if col not in TEXT_COLUMNS and np.issubdtype(c[col].dtype, np.number)
    ]


def check_value(key: str, value: float | str, dataset: Dataset, option: str) -> None:
    """A value the scenario accepts for ``key``, or a UsageError with the scenario's words."""
    if key.startswith(COUNTY_PREFIX):
        if not isinstance(value, float) or value < 0:
            raise UsageError(f"{option} {key}: a factor must be a number ≥ 0; got {value!r}")
        return
    try:
        scenario_with(dataset, {key: value})
    except DataError as err:
        reasons = "; ".join(p.message for p in err.problems)
        raise UsageError(f"{option} {key}={value}: {reasons}") from None


# --------------------------------------------------------------------------- sweep.toml


def load_spec(path: str | Path, dataset: Dataset) -> tuple[SweepSpec, list[Axis]]:
    """sweep.toml's samples (and its optional ``[grid]``), checked against the dataset.

    Returns the spec (samples, ``samples``/``seed`` if given) and the grid axes it lists.
    """
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"--spec {path}: no such file") from None
    except (OSError, UnicodeDecodeError) as err:
        raise UsageError(f"--spec {path}: cannot be read ({err})") from None
    except tomllib.TOMLDecodeError as err:
        raise UsageError(f"--spec {path}: not valid TOML: {err}") from None
    unknown = sorted(set(data) - {"grid", "sample", "samples", "seed"})
    if unknown:
        raise UsageError(
            f"--spec {path}: unknown entry {unknown[0]!r} (known: grid, sample, samples, seed)"
        )
    grid = data.get("grid", {})
    if not isinstance(grid, dict):
        raise UsageError(f"--spec {path}: [grid] must be a table of KEY = values")
    axes = [parse_axis(f"{k}={_grid_text(v)}", dataset) for k, v in grid.items()]
    table = data.get("sample", {})
    if not isinstance(table, dict):
        raise UsageError(f"--spec {path}: [sample.KEY] tables describe the distributions")
    samples = tuple(_sample_spec(path, k, v, dataset) for k, v in sorted(table.items()))
    n = data.get("samples", 0)
    seed = data.get("seed", 0)
    for name, value in (("samples", n), ("seed", seed)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise UsageError(f"--spec {path}: {name} must be a whole number ≥ 0; got {value!r}")
    return SweepSpec(samples=samples, n_samples=n, seed=seed), axes


def _grid_text(value: Any) -> str:
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    return str(value)


_SAMPLE_FIELDS = frozenset({"distribution", "relative", "low", "high", "mode", "mean", "sd", "per"})


def _sample_spec(path: Path, key: str, entry: Any, dataset: Dataset) -> SampleSpec:
    where = f"--spec {path}: [sample.{key!r}]" if "." in key else f"--spec {path}: [sample.{key}]"
    if not isinstance(entry, dict):
        raise UsageError(f"{where} must be a table, e.g. relative = 0.1")
    check_key(key, dataset, option=f"--spec {path}: sample")
    unknown = sorted(set(entry) - _SAMPLE_FIELDS)
    if unknown:
        known = ", ".join(sorted(_SAMPLE_FIELDS))
        raise UsageError(f"{where}: unknown field {unknown[0]!r} (known: {known})")
    try:
        dist = Distribution(entry.get("distribution", "uniform"))
        per = Per(entry.get("per", "county"))
    except ValueError as err:
        raise UsageError(f"{where}: {err}") from None
    numbers = {}
    for name in ("relative", "low", "high", "mode", "mean", "sd"):
        if name in entry:
            value = entry[name]
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise UsageError(f"{where}: {name} must be a number; got {value!r}")
            if not math.isfinite(value):
                raise UsageError(f"{where}: {name} must be finite")
            numbers[name] = float(value)
    spec = SampleSpec(key, dist, per=per, **numbers)
    _check_sample(where, spec, dataset)
    return spec


def _check_sample(where: str, s: SampleSpec, dataset: Dataset) -> None:
    if s.relative is not None:
        if s.relative < 0 or (s.distribution is not Distribution.NORMAL and s.relative >= 1):
            raise UsageError(f"{where}: relative must be in [0, 1); got {s.relative:g}")
        return
    if s.is_county:
        raise UsageError(f"{where}: a county column is drawn as a factor: give relative = 0.1")
    if s.distribution is Distribution.NORMAL:
        if s.mean is None or s.sd is None or s.sd < 0:
            raise UsageError(f"{where}: normal needs mean and sd ≥ 0 (or relative)")
        check_value(s.key, s.mean, dataset, option=where)
        return
    if s.low is None or s.high is None or s.high < s.low:
        raise UsageError(f"{where}: {s.distribution.value} needs low ≤ high (or relative)")
    if s.distribution is Distribution.TRIANGULAR and (
        s.mode is None or not s.low <= s.mode <= s.high
    ):
        raise UsageError(f"{where}: triangular needs low ≤ mode ≤ high")
    for value in (s.low, s.high):
        check_value(s.key, value, dataset, option=where)


# --------------------------------------------------------------------------- the points


def points(spec: SweepSpec, dataset: Dataset) -> list[Point]:
    """Every scenario of the sweep: the grid's cross product, each with every draw.

    Draws come from one ``numpy.random.Generator`` seeded with ``spec.seed``, key by key
    in the spec's (sorted) order: the same seed gives the same draws; draw d is shared
    by every grid point (common random numbers, so grid points differ only by the grid).
    """
    total = math.prod(len(a.values) for a in spec.axes) * max(spec.n_samples, 1)
    if total > MAX_SCENARIOS:
        raise UsageError(f"the sweep has {total:,} scenarios; at most {MAX_SCENARIOS:,}")
    grid = list(itertools.product(*(a.values for a in spec.axes))) or [()]
    keys = [a.key for a in spec.axes]
    draws = draw_samples(spec, dataset)
    out = []
    for combo in grid:
        grid_values = list(zip(keys, combo, strict=True))
        for d in range(max(spec.n_samples, 1) if spec.samples else 1):
            values = list(grid_values)
            factors = [
                (k, np.full(len(dataset.counties), float(v)))
                for k, v in grid_values
                if k.startswith(COUNTY_PREFIX)
            ]
            values = [(k, v) for k, v in values if not k.startswith(COUNTY_PREFIX)]
            draw = None
            if spec.samples and spec.n_samples:
                draw = d + 1
                for key, drawn in draws.items():
                    if key.startswith(COUNTY_PREFIX):
                        factors = _combine(factors, key, drawn[d])
                    else:
                        kept = [(k, v) for k, v in values if k != key]
                        values = [*kept, (key, float(drawn[d]))]
            out.append(Point(tuple(values), tuple(factors), draw))
    return out


def _combine(
    factors: list[tuple[str, np.ndarray]], key: str, drawn: np.ndarray
) -> list[tuple[str, np.ndarray]]:
    """A grid factor times a sampled factor on the same column."""
    existing = dict(factors)
    existing[key] = existing.get(key, 1.0) * drawn
    return sorted(existing.items())


def draw_samples(spec: SweepSpec, dataset: Dataset) -> dict[str, np.ndarray]:
    """Key → the N draws (a county column: N × counties factors; else N values)."""
    if not spec.samples or not spec.n_samples:
        return {}
    rng = np.random.default_rng(spec.seed)
    n, counties = spec.n_samples, len(dataset.counties)
    base = dataset.scenario.model_dump(mode="json")
    out: dict[str, np.ndarray] = {}
    for s in spec.samples:
        shape = (n, counties) if s.is_county and s.per is Per.COUNTY else (n,)
        if s.relative is not None:
            drawn = _draw(rng, s.distribution, shape, 1 - s.relative, 1, 1 + s.relative, s.relative)
            if s.is_county:
                drawn = np.maximum(drawn, 0.0)  # a negative factor would be a negative count
                if drawn.ndim == 1:
                    drawn = np.repeat(drawn[:, None], counties, axis=1)
            else:
                drawn = drawn * float(_base_value(base, s.key))
        elif s.distribution is Distribution.NORMAL:
            drawn = rng.normal(s.mean, s.sd, shape)
        else:
            drawn = _draw(rng, s.distribution, shape, s.low, s.mode, s.high, None)
        if s.is_county:
            out[s.key] = drawn
        else:
            out[s.key] = np.array([_rounded(x) for x in drawn])
            _check_draws(s.key, out[s.key], dataset)
    return out


def _check_draws(key: str, drawn: np.ndarray, dataset: Dataset) -> None:
    """Every draw of a scenario key must be a value the scenario accepts (a normal draw of
    a pool can be negative): refused before anything is solved, naming the draw."""
    for d, value in enumerate(drawn, start=1):
        try:
            scenario_with(dataset, {key: float(value)})
        except DataError as err:
            reasons = "; ".join(p.message for p in err.problems)
            raise UsageError(
                f"sample {key}: draw {d} is {value:g}, which the scenario refuses ({reasons}); "
                "narrow the distribution"
            ) from None


def _draw(rng, dist, shape, low, mode, high, sd) -> np.ndarray:
    if dist is Distribution.NORMAL:
        return rng.normal(1.0, sd, shape)
    if dist is Distribution.TRIANGULAR:
        if low == high:
            return np.full(shape, float(low))
        return rng.triangular(low, mode, high, shape)
    return rng.uniform(low, high, shape)


def _base_value(data: Mapping[str, Any], key: str) -> float:
    node: Any = data
    for part in key.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    if not isinstance(node, int | float) or isinstance(node, bool):
        raise UsageError(
            f"sample {key}: relative needs a numeric base value in scenario.toml; "
            "give low/high instead"
        )
    return float(node)


def apply_point(dataset: Dataset, point: Point) -> Dataset:
    """The dataset under one point: its scenario keys set, its county factors applied."""
    from dataclasses import replace

    ds = dataset
    if point.factors:
        counties = ds.counties.copy()
        for key, factor in point.factors:
            column = key.removeprefix(COUNTY_PREFIX)
            counties[column] = counties[column].to_numpy(float) * factor
        ds = replace(ds, counties=counties)
    overrides = point.overrides
    if overrides:
        ds = replace(ds, scenario=scenario_with(ds, overrides))
    return ds


def scenario_with(dataset: Dataset, overrides: Mapping[str, Any]) -> Scenario:
    """The dataset's scenario with ``overrides`` set, checked as ``--set`` (DataError).

    Unlike ``Dataset.with_overrides`` the dataset's warnings are not worked out again:
    a sweep reports none per scenario, and that check costs more than the LP's solve.
    """
    data = dataset.scenario.model_dump(mode="json", exclude_unset=False)
    scenario, problems = scenario_from_data(data, overrides, default_name=None, file="--set")
    if scenario is None:
        raise DataError(problems)
    return scenario
