"""landquota: land-quota allocation over counties as a linear program (MODEL.md)."""

from optimizer.analysis.tables import Result
from optimizer.data.dataset import Dataset
from optimizer.data.problems import DataError, Problem, UsageError
from optimizer.data.read import dataset_from_tables, load_dataset
from optimizer.runs.write import write_run
from optimizer.solve import solve

__all__ = [
    "DataError",
    "Dataset",
    "Problem",
    "Result",
    "UsageError",
    "dataset_from_tables",
    "load_dataset",
    "solve",
    "write_run",
]
