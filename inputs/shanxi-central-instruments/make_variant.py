"""Regenerate this variant from the reference dataset (maintainer script, not part of the package).

    python inputs/shanxi-central-instruments/make_variant.py

counties.csv = the reference's, plus ``stock_potential``: an ESTIMATE of existing stock land
(批而未供, 闲置, 低效用地) that can be supplied again, STOCK_SHARE of each county's urban land
2020, rounded down to one decimal. groups.csv and group_members.csv are copied unchanged.
scenario.toml and projects.csv are hand-written (see README.md).
"""

from __future__ import annotations

import csv
import math
import shutil
from pathlib import Path

HERE = Path(__file__).resolve().parent
REFERENCE = HERE.parent / "shanxi-central"
#: ESTIMATE: share of urban land 2020 that is 批而未供, 闲置 or 低效 and can be supplied again.
STOCK_SHARE = 0.04


def main() -> None:
    for name in ("groups.csv", "group_members.csv"):
        shutil.copyfile(REFERENCE / name, HERE / name)
    with open(REFERENCE / "counties.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        stock = STOCK_SHARE * float(row["urban_land_2020"])
        row["stock_potential"] = f"{math.floor(stock * 10) / 10:.1f}"
    with open(HERE / "counties.csv", "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


if __name__ == "__main__":
    main()
