"""Compare two query results row by row, whatever engine made them.

Values are normalised before comparing: NULL / NaN / NaT → ``None``; dates and
timestamps → ISO text (DuckDB gives pandas timestamps, Spark ``datetime.date``); every
number → float, compared to a relative tolerance of :data:`REL_TOL` (sums of doubles may
be added in another order). Rows are sorted on the normalised values first (neither
engine promises an order).
"""

from __future__ import annotations

import datetime as dt
import math
from numbers import Number

import pandas as pd

REL_TOL = 1e-9
"""Relative tolerance of floating-point values (absolute 1e-12 near zero)."""


def _norm(v):
    if v is None or v is pd.NaT or v is pd.NA:
        return None
    if isinstance(v, float) and math.isnan(v):
        return None
    if isinstance(v, (pd.Timestamp, dt.datetime, dt.date)):
        return pd.Timestamp(v).isoformat()
    if isinstance(v, bool):
        return float(v)
    if isinstance(v, Number):
        f = float(v)
        return None if math.isnan(f) else f
    if hasattr(v, "tolist"):
        return tuple(v.tolist())
    if isinstance(v, list):
        return tuple(v)
    return v


def rows(df: pd.DataFrame, columns: list[str]) -> list[tuple]:
    """The rows of ``df`` (these columns, in this order), normalised and sorted."""
    out = [tuple(_norm(v) for v in r) for r in df[columns].itertuples(index=False, name=None)]

    def key(r):
        return tuple((v is None, round(v, 6) if isinstance(v, float) else str(v)) for v in r)

    return sorted(out, key=key)


def assert_same_rows(expected: pd.DataFrame, actual: pd.DataFrame, what: str) -> None:
    """Same columns (any order), same number of rows, every value equal (floats to
    :data:`REL_TOL`). The message names the first differing row and column."""
    assert sorted(expected.columns) == sorted(actual.columns), f"{what}: columns {list(expected.columns)} vs {list(actual.columns)}"
    cols = list(expected.columns)
    a, b = rows(expected, cols), rows(actual, cols)
    assert len(a) == len(b), f"{what}: {len(a)} rows by DuckDB, {len(b)} by Spark"
    for i, (ra, rb) in enumerate(zip(a, b)):
        for c, va, vb in zip(cols, ra, rb):
            if isinstance(va, float) and isinstance(vb, float):
                ok = math.isclose(va, vb, rel_tol=REL_TOL, abs_tol=1e-12)
            else:
                ok = va == vb
            assert ok, f"{what}: row {i} column {c}: DuckDB {va!r}, Spark {vb!r}\n{ra}\n{rb}"
