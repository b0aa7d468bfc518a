"""A solver-neutral linear program in sparse form, assembled block by block.

Each variable family and each constraint family is added as one vectorised block
(numpy arrays for keys, bounds and coefficients), never one Python object per
variable or row. ``LinearProgram`` is what every backend reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp

INF = np.inf


@dataclass(frozen=True)
class LinearProgram:
    """maximise c·x subject to row_lb ≤ A·x ≤ row_ub and col_lb ≤ x ≤ col_ub.

    ``variables`` and ``constraints`` are tables keyed by family and id, in
    the order of the matrix columns and rows; ``cols[family]`` and
    ``rows[family]`` give each family's positions (contiguous ranges).
    """

    variables: pd.DataFrame  # family, id, key, lb, ub, obj
    constraints: pd.DataFrame  # family, id, lb, ub
    matrix: sp.csr_matrix
    cols: dict[str, np.ndarray]
    rows: dict[str, np.ndarray]
    maximize: bool = True

    col_lb = property(lambda self: _numbers(self.variables, "lb"), doc="Column lower bounds.")
    col_ub = property(lambda self: _numbers(self.variables, "ub"), doc="Column upper bounds.")
    objective = property(lambda self: _numbers(self.variables, "obj"), doc="c, per column.")
    row_lb = property(lambda self: _numbers(self.constraints, "lb"), doc="Row lower bounds.")
    row_ub = property(lambda self: _numbers(self.constraints, "ub"), doc="Row upper bounds.")

    @property
    def shape(self) -> tuple[int, int]:
        return self.matrix.shape

    @property
    def nnz(self) -> int:
        return int(self.matrix.nnz)

    def variable_names(self) -> np.ndarray:
        """Readable names like ``quota[140105]`` or ``tier[140105,2]`` (for LP files, PuLP)."""
        v = self.variables
        key = v["key"].astype(str)
        inner = np.where(key == "", v["id"].astype(str), v["id"].astype(str) + "," + key)
        return (v["family"].astype(str) + "[" + inner + "]").to_numpy()

    def constraint_names(self) -> np.ndarray:
        c = self.constraints
        return (c["family"].astype(str) + "[" + c["id"].astype(str) + "]").to_numpy()


@dataclass
class LPBuilder:
    """Collects variable and constraint blocks, then assembles the CSR matrix once."""

    _var_blocks: list[pd.DataFrame] = field(default_factory=list)
    _row_blocks: list[pd.DataFrame] = field(default_factory=list)
    _entries: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = field(default_factory=list)
    _cols: dict[str, np.ndarray] = field(default_factory=dict)
    _rows: dict[str, np.ndarray] = field(default_factory=dict)
    n_cols: int = 0
    n_rows: int = 0

    def add_variables(
        self,
        family: str,
        ids: np.ndarray | pd.Index | list,
        lb: np.ndarray | float = 0.0,
        ub: np.ndarray | float = INF,
        obj: np.ndarray | float = 0.0,
        key: np.ndarray | list | str = "",
    ) -> np.ndarray:
        """Add one variable per id; returns their column positions."""
        block = _block(
            family, ids, key=(key, object), lb=(lb, float), ub=(ub, float), obj=(obj, float)
        )
        positions = _positions(self._cols, family, self.n_cols, len(block))
        self._var_blocks.append(block)
        self.n_cols += len(block)
        return positions

    def add_constraints(
        self,
        family: str,
        ids: np.ndarray | pd.Index | list,
        row: np.ndarray,
        col: np.ndarray,
        coef: np.ndarray,
        lb: np.ndarray | float = -INF,
        ub: np.ndarray | float = INF,
    ) -> np.ndarray:
        """Add one row per id; ``row`` indexes into ``ids`` (0-based within this block)."""
        block = _block(family, ids, lb=(lb, float), ub=(ub, float))
        positions = _positions(self._rows, family, self.n_rows, len(block))
        self._row_blocks.append(block)
        self._entries.append(
            (
                np.asarray(row, dtype=np.int64) + self.n_rows,
                np.asarray(col, dtype=np.int64),
                np.broadcast_to(np.asarray(coef, dtype=float), len(row)),
            )
        )
        self.n_rows += len(block)
        return positions

    def build(self, maximize: bool = True) -> LinearProgram:
        variables = _concat(self._var_blocks, ["family", "id", "key", "lb", "ub", "obj"])
        constraints = _concat(self._row_blocks, ["family", "id", "lb", "ub"])
        if self._entries:
            r = np.concatenate([e[0] for e in self._entries])
            c = np.concatenate([e[1] for e in self._entries])
            v = np.concatenate([e[2] for e in self._entries])
        else:
            r = c = np.zeros(0, dtype=np.int64)
            v = np.zeros(0)
        matrix = sp.csr_matrix((v, (r, c)), shape=(self.n_rows, self.n_cols))
        matrix.sum_duplicates()
        matrix.eliminate_zeros()
        return LinearProgram(
            variables, constraints, matrix, dict(self._cols), dict(self._rows), maximize
        )


def _block(family: str, ids, **columns: tuple) -> pd.DataFrame:
    """A table of one family: an id per item, each column broadcast to that length."""
    ids = np.asarray(ids, dtype=object)
    data = {"family": family, "id": ids}
    for name, (value, dtype) in columns.items():
        data[name] = np.broadcast_to(np.asarray(value, dtype=dtype), len(ids))
    return pd.DataFrame(data)


def _positions(index: dict[str, np.ndarray], family: str, start: int, n: int) -> np.ndarray:
    """Positions start..start+n, recorded under ``family`` (a family may come in parts)."""
    positions = np.arange(start, start + n)
    index[family] = np.concatenate([index.get(family, positions[:0]), positions])
    return positions


def _numbers(table: pd.DataFrame, column: str) -> np.ndarray:
    return table[column].to_numpy(float)


def _concat(blocks: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    if not blocks:
        return pd.DataFrame({c: [] for c in columns})
    table = pd.concat(blocks, ignore_index=True)
    table["family"] = table["family"].astype("category")
    return table
