"""The demo-data flag: a warehouse built by ``servicecircle demo`` says so everywhere.

:func:`mark` runs inside the demo's write: it records a hash of every row the demo
stored (table ``demo_rows``, one ``hash(t)`` per row of each canonical table) and sets
the flag, ``meta`` key ``demo`` (JSON: scale, seed, built_at).

Which rows are demo rows is decided row by row, not by who imported last: a row counts
as demo while a row with exactly the demo's values is stored. Every later write reruns
the rollup ``queries/rollups/90_demo_rows_left.sql``, which counts the demo rows left per
table (``demo_rows_left``) and drops the flag only when none is left. So importing a
real export into a demo warehouse keeps the flag (the demo's other rows are still
there); a warehouse whose demo rows were all replaced, or one the demo never wrote,
carries no flag.

:func:`read` gives the flag to the pages (one banner, drawn by ``dashboard/app.py``),
the briefing exports (every slide and the HTML report) and the CLI.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import duckdb

from dashboard import warehouse

__all__ = ["mark", "read"]


def mark(con: duckdb.DuckDBPyConnection, *, scale: str, seed: int) -> int:
    """Record the demo's rows and set the flag (inside a :func:`dashboard.warehouse.writer` block).

    Parameters
    ----------
    con
        The writer connection the demo has just loaded its tables through.
    scale, seed
        What was built (kept in the flag).

    Returns
    -------
    int
        Number of rows recorded as demo rows.
    """
    con.execute("delete from demo_rows")
    for table in warehouse.CANONICAL_TABLES:
        con.execute(
            f"insert into demo_rows select $t, hash(t) from {table} t",  # noqa: S608 (fixed table names)
            {"t": table},
        )
    info = {"scale": scale, "seed": int(seed), "built_at": dt.datetime.now().isoformat(timespec="seconds")}
    con.execute("insert or replace into meta values ('demo', $v)", {"v": json.dumps(info)})
    return int(con.execute("select count(*) from demo_rows").fetchone()[0])


def read(con: duckdb.DuckDBPyConnection) -> dict[str, Any] | None:
    """The demo flag of the warehouse behind ``con``, or ``None`` when it holds no demo rows.

    Returns
    -------
    dict or None
        ``{"scale", "seed", "built_at", "n_demo_rows"}`` when the warehouse is marked.
    """
    df = warehouse.query(con, "demo/flag")
    if df.empty:
        return None
    info = json.loads(df["info"].iloc[0])
    info["n_demo_rows"] = int(df["n_demo_rows"].iloc[0])
    return info
