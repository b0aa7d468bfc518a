"""landquota: land-quota allocation over counties as a linear program (MODEL.md)."""

from optimizer.dataset import Dataset
from optimizer.load import dataset_from_tables, load_dataset
from optimizer.problems import DataError, Problem, UsageError
from optimizer.results import Result
from optimizer.solve import solve
from optimizer.write import write_run

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
