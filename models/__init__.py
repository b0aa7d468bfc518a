"""Pydantic data models of landquota: inputs, scenario, results."""

from models.inputs import (
    COUNTY_COLUMNS,
    GROUP_COLUMNS,
    MEMBER_COLUMNS,
    RATE_COLUMNS,
    TRANSFER_COLUMNS,
    ZONES,
    County,
    Group,
    GroupMember,
    TransferCost,
)
from models.results import LPSize, Status, Summary
from models.scenario import Scenario

__all__ = [
    "COUNTY_COLUMNS",
    "GROUP_COLUMNS",
    "MEMBER_COLUMNS",
    "RATE_COLUMNS",
    "TRANSFER_COLUMNS",
    "ZONES",
    "County",
    "Group",
    "GroupMember",
    "LPSize",
    "Scenario",
    "Status",
    "Summary",
    "TransferCost",
]
