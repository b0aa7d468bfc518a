"""Phased plans (近期/远期, MODEL.md §7): the periods of a scenario and the data at each end.

``plan_periods(scenario)`` says which periods a plan has (None without [periods]);
``period_data(dataset, periods)`` gives, per period end, the county data the LP reads
there: urban population and GDP at that year (the ``urban_pop_<Y>`` / ``gdp_<Y>``
columns of counties.csv when given, else interpolated: urban population linearly, GDP
geometrically between 2020 and the target year) and each period's demand and minimum
(``period_demand.csv`` when given, else demand split by the years of each period).
Nothing here raises or prints.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from models.scenario import BASE_YEAR, TARGET_YEAR, Scenario


@dataclass(frozen=True)
class Periods:
    """The periods t = 1..T of a phased plan, with their pools and weights."""

    ends: tuple[int, ...]  # Y_t, the year each period ends in
    years: np.ndarray  # y_t, years in each period (2021-2025: 5)
    quota: np.ndarray  # Q_t, ha: each period's pool
    carry_over: bool
    tau: np.ndarray | None  # τ_t at each end, None: τ at the last end only
    discount: float

    @property
    def count(self) -> int:
        return len(self.ends)

    @property
    def share(self) -> np.ndarray:
        """y_t / Σy: each period's share of the horizon's years."""
        return self.years / self.years.sum()

    @property
    def weight(self) -> np.ndarray:
        """discount^(t−1): what a unit of value or cost in period t counts in Z."""
        return self.discount ** np.arange(self.count, dtype=float)

    @property
    def labels(self) -> tuple[str, ...]:
        """The period ends as text, as period_end columns write them ('2025')."""
        return tuple(str(y) for y in self.ends)

    def cumulative_quota(self) -> np.ndarray:
        """Σ_{t'≤t} Q_t': the pool available by the end of each period with carry-over."""
        return np.cumsum(self.quota)


def plan_periods(scenario: Scenario) -> Periods | None:
    """The periods of the scenario's [periods], or None for a plan of one period (§3)."""
    p = scenario.periods
    if p.end_years is None:
        return None
    ends = tuple(p.end_years)
    starts = (BASE_YEAR, *ends[:-1])
    years = np.array([e - s for s, e in zip(starts, ends, strict=True)], dtype=float)
    if p.quota is not None:
        quota = np.asarray(p.quota, dtype=float)
    else:
        quota = scenario.quota.total * years / years.sum()
    tau = None if p.intensity is None else np.asarray(p.intensity, dtype=float)
    return Periods(ends, years, quota, p.carry_over, tau, float(p.discount))


def period_ends(scenario: Scenario | None) -> tuple[str, ...]:
    """The period ends a plan has, as text: [periods] end_years, else the target year."""
    periods = None if scenario is None else plan_periods(scenario)
    return periods.labels if periods is not None else (str(TARGET_YEAR),)


def interpolated(counties: pd.DataFrame, column: str, year: int) -> np.ndarray:
    """``<column>_<year>`` per county: the given column when counties.csv has it, else
    interpolated between 2020 and the target year (GDP geometrically, population linearly)."""
    given = f"{column}_{year}"
    if year == TARGET_YEAR:
        return counties[given].to_numpy(float)
    start = counties[f"{column}_{BASE_YEAR}"].to_numpy(float)
    end = counties[f"{column}_{TARGET_YEAR}"].to_numpy(float)
    if given in counties.columns:
        values = counties[given].to_numpy(float)
        if not np.isnan(values).any():
            return values
    else:
        values = np.full(len(counties), np.nan)
    f = (year - BASE_YEAR) / (TARGET_YEAR - BASE_YEAR)
    if column == "gdp":
        with np.errstate(divide="ignore", invalid="ignore"):
            geometric = start * np.power(np.where(start > 0, end / start, 1.0), f)
        guess = np.where((start > 0) & (end > 0), geometric, start + f * (end - start))
    else:
        guess = start + f * (end - start)
    return np.where(np.isnan(values), guess, values)


@dataclass(frozen=True)
class PeriodData:
    """County data at one period end, in county order (ha, persons, 亿元)."""

    end: int
    urban_pop: np.ndarray  # urban population at the end
    gdp: np.ndarray  # GDP at the end, 亿元 (2020 prices)
    demand: np.ndarray  # demand of the period, ha
    minimum: np.ndarray  # least new land in the period, ha (0 unless period_demand.csv)


def period_data(ds, periods: Periods) -> list[PeriodData]:
    """Per period, the data at its end: urban population, GDP, demand and minimum."""
    c = ds.counties
    demand = c["demand"].to_numpy(float)
    table = getattr(ds, "period_demand", None)
    out = []
    for t, end in enumerate(periods.ends):
        d = demand * periods.share[t]
        m = np.zeros(len(c))
        if table is not None and len(table):
            rows = table[table["period_end"] == str(end)]
            pos = pd.Index(c["county_id"]).get_indexer(rows["county_id"])
            d = d.copy()
            d[pos] = rows["demand"].to_numpy(float)
            m[pos] = rows["min_allocation"].fillna(0.0).to_numpy(float)
        out.append(
            PeriodData(
                end=end,
                urban_pop=interpolated(c, "urban_pop", end),
                gdp=interpolated(c, "gdp", end),
                demand=d,
                minimum=m,
            )
        )
    return out
