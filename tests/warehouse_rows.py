"""Hand-made rows for test warehouses, written through :func:`dashboard.warehouse.writer`.

``insert_frame`` inserts a DataFrame into the canonical table of the same name (by column
name) on an open writer connection; ``write_tables`` does that for several tables in one
write. ``communities`` is the four communities (two urban in D1, two rural in D2) that the
metric, briefing and other small warehouses share.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from dashboard import parts, warehouse


def insert_frame(con: duckdb.DuckDBPyConnection, name: str, df: pd.DataFrame) -> None:
    """Insert ``df`` into table ``name`` by column name."""
    con.register("_df", df)
    cols = ", ".join(df.columns)
    parts.insert(con, name, f"select {cols} from _df")
    con.unregister("_df")


def write_tables(db: Path, tables: dict[str, pd.DataFrame]) -> None:
    """Insert each frame into the canonical table of the same name, in one write."""
    with warehouse.writer(db) as con:
        for name, df in tables.items():
            insert_frame(con, name, df)


def communities() -> pd.DataFrame:
    """C1, C2 (urban, D1) and C3, C4 (rural, D2) with households, population, elderly."""
    return pd.DataFrame({
        "community_id": ["C1", "C2", "C3", "C4"],
        "name": ["东苑社区", "西苑社区", "河口村", "山前村"],
        "district": ["D1", "D1", "D2", "D2"],
        "kind": ["urban", "urban", "rural", "rural"],
        "households": [1000, 500, 2000, 250],
        "population": [3000, 1500, 6000, 700],
        "elderly": [400, 200, 900, 100],
        "lon": [117.01, 117.02, 117.20, 117.25],
        "lat": [36.01, 36.02, 36.20, 36.25],
    })


def inline_facts(db: Path) -> None:
    """Make ``db`` look like a warehouse made before the fact tables became Parquet parts
    (:mod:`dashboard.parts`): each fact table a table inside the file again, no parts."""
    con = duckdb.connect(str(db), config=parts.config(db))
    try:
        for table in parts.PARTITIONED:
            con.execute(f"create table _inline as select * from {table}")
            con.execute(f"drop view {table}")
            con.execute(f"drop table _parts_{table}")
            con.execute(f"alter table _inline rename to {table}")
        con.execute("drop table parts_files")
    finally:
        con.close()
