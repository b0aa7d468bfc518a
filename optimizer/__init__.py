"""landquota: land-quota allocation over counties as a linear program (MODEL.md)."""

from optimizer.dataset import Dataset
from optimizer.load import dataset_from_tables, load_dataset
from optimizer.problems import DataError, Problem, UsageError

__all__ = [
    "DataError",
    "Dataset",
    "Problem",
    "UsageError",
    "dataset_from_tables",
    "load_dataset",
]
