"""The validated dataset: the tables every later stage (build, solve, report) reads."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from models.scenario import Scenario
from optimizer.data.aliases import UnitConversion
from optimizer.data.problems import DataError, Problem, sorted_problems


@dataclass(frozen=True)
class Dataset:
    """A validated dataset (MODEL.md §2).

    Tables use the English column names of MODEL.md and are sorted by their ids,
    so that everything built from them is deterministic:

    - ``counties``: one row per county, ``county_id`` as text, numbers as float;
      the four rate columns hold NaN where the scenario default applies.
    - ``groups``: ``group_id, name, kind, weight, min_share, max_share`` (NaN = none).
    - ``members``: ``group_id, county_id``.
    - ``transfer_costs``: ``from_id, to_id, cost`` or None when the file is absent.
    - ``projects``: key projects (MODEL.md §8) ``project_id, name, county_id, area,
      period_end, kind`` or None when projects.csv is absent.
    - ``locks``: locks of new land A_i (MODEL.md §8) ``county_id, period_end, min, max``
      (period_end "" = the whole plan period; min/max NaN = no bound on that side), from
      locks.csv and ``--fix``; None when there are none.
    """

    counties: pd.DataFrame
    groups: pd.DataFrame
    members: pd.DataFrame
    scenario: Scenario
    transfer_costs: pd.DataFrame | None = None
    projects: pd.DataFrame | None = None
    #: a phased plan's demand per county and period (MODEL.md §7) ``county_id,
    #: period_end, demand, min_allocation``, or None when period_demand.csv is absent
    period_demand: pd.DataFrame | None = None
    locks: pd.DataFrame | None = None
    warnings: list[Problem] = field(default_factory=list)
    source: Path | None = None
    #: The warnings that do not depend on the scenario (e.g. an unknown column).
    table_warnings: list[Problem] = field(default_factory=list)
    #: Columns whose header named another unit (亩, 万人 …), converted on reading.
    conversions: list[UnitConversion] = field(default_factory=list)
    #: Spreadsheet row of each county (in ``counties`` order) and counties.csv's headers
    #: as written, so that warnings worked out again name the cell a planner sees.
    county_rows: pd.Index | None = None
    county_headers: Mapping[str, str] = field(default_factory=dict)

    def with_scenario(self, scenario: Scenario) -> Dataset:
        """The same data under another scenario (overrides, comparisons).

        Warnings that depend on the scenario (per-capita cap, minimums that cannot
        fit, group shares against the pool) are worked out again for it.
        """
        from optimizer.data.names import with_county_names
        from optimizer.data.warnings import county_warnings, dataset_warnings

        counties = self.counties
        if self.county_rows is not None:
            counties = counties.set_axis(self.county_rows, axis=0)
        warnings = [
            *self.table_warnings,
            *with_county_names(county_warnings(counties, scenario, self.county_headers), counties),
            *dataset_warnings(counties, self.groups, self.members, scenario, self.transfer_costs),
        ]
        return replace(self, scenario=scenario, warnings=sorted_problems(warnings))

    def with_overrides(self, overrides: Mapping[str, Any]) -> Dataset:
        """The same data under dotted scenario keys (``{"quota.total": 50000}``).

        Checked exactly as ``--set`` is: an unknown key ("did you mean …?") or a bad
        value raises DataError naming the key and the value.
        """
        from optimizer.data.read import scenario_from_data

        data = self.scenario.model_dump(mode="json", exclude_unset=False)
        scenario, problems = scenario_from_data(data, overrides, default_name=None, file="--set")
        if scenario is None:
            raise DataError(problems)
        return self.with_scenario(scenario)

    def with_fixes(self, fix: Mapping[str, float]) -> Dataset:
        """The same data with counties fixed: ``{"140181": 300, "古交市": 120}`` (ha of new land).

        A county is named by its county_id or its unique name; each fix is a lock with
        min = max for the whole plan period and replaces that county's lock of locks.csv
        for the whole period. An unknown or ambiguous name raises UsageError, a value
        outside the county's range DataError (file "--fix").
        """
        from optimizer.data.locks import with_fixes

        return with_fixes(self, fix)
