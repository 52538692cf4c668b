"""Incremental rollups: a write that touched some months of the fact tables rebuilds
only those months of the rollup tables that are made month by month.

A daily import adds one day of tickets to a warehouse that holds years of them; building
every ticket rollup again from all the tickets is most of such a write's cost. Most
rollup tables are month-separable: their rows for a calendar month depend only on the
fact rows of that month (and on the small dimension tables). Such a statement in
``queries/rollups/*.sql`` carries an annotation among its leading comments::

    -- incremental: day_on
    create or replace table agg_ticket_day as ...

naming the table's date column (a day or the first of a month). When every table a write
changed is a fact table and the write says which months it touched
(:func:`dashboard.warehouse.mark_changed` with ``months``: the months of every date
column the rollups group by, of the rows written *and* of the stored versions they
replaced or removed), an annotated statement is run as

* ``delete from T where month(col) in touched`` and
* ``insert into T select * from (<its select>) where month(col) in touched``,

with each changed fact table shadowed, for that statement only, by a temporary view
holding its rows of the touched months (so the select scans those rows, not the table;
a fact row whose date columns fall in different months is kept when any of them is
touched, which leaves every touched month's rows complete). A temporary staging table
(``create or replace temp table``) annotated the same way is built from the touched
months only. Statements without the annotation (cumulative tables, spans over all the
data, filter options, macros) run in full, as before.

The full rebuild stays the reference: ``tests/test_rollup_months.py`` compares the two
cell by cell after random sequences of imports.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import duckdb

__all__ = ["FACT_DATES", "run_script", "statements"]

FACT_DATES: dict[str, tuple[str, ...]] = {
    "counter_tickets": ("issued_at", "called_at"),
    "hotline_orders": ("received_at",),
    "room_visits": ("visited_at",),
}
"""The fact tables whose changes can be told by month, with the date columns the rollups
group by (a table's touched months are those of every column listed)."""

_ANNOTATION = re.compile(r"^\s*--\s*incremental:\s*([a-z_][a-z0-9_]*)\s*$", re.IGNORECASE | re.MULTILINE)
_CREATE = re.compile(
    r"^\s*create\s+or\s+replace\s+(temp\s+|temporary\s+)?table\s+([a-z_][a-z0-9_]*)\s+as\s+(.*)$", re.IGNORECASE | re.DOTALL
)
_COMMENT = re.compile(r"--[^\n]*")


def statements(text: str) -> list[str]:
    """Split a SQL script into statements (each with its leading comments), at semicolons
    outside quotes and comments."""
    out, buf, i, n = [], [], 0, len(text)
    quote: str | None = None
    while i < n:
        ch = text[i]
        if quote:
            buf.append(ch)
            if ch == quote:
                quote = None
        elif ch in ("'", '"'):
            quote = ch
            buf.append(ch)
        elif text.startswith("--", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            buf.append(text[i:j])
            i = j
            continue
        elif ch == ";":
            out.append("".join(buf))
            buf = []
        else:
            buf.append(ch)
        i += 1
    if "".join(buf).strip():
        out.append("".join(buf))
    return [s for s in out if _COMMENT.sub("", s).strip()]


def _month(col: str) -> str:
    return f'cast(date_trunc(\'month\', "{col}") as date)'


def _in_touched(col: str) -> str:
    return f"{_month(col)} in (select m from _sc_touched)"


def _shadow(con: duckdb.DuckDBPyConnection, tables: Iterable[str]) -> list[str]:
    """Temporary views named like the changed fact tables, holding their rows of the
    touched months; returns the views made."""
    catalog = con.execute("select current_database()").fetchone()[0]
    made = []
    for table in tables:
        cond = " or ".join(_in_touched(c) for c in FACT_DATES[table])
        con.execute(
            f'create or replace temp view "{table}" as '
            f'select * from "{catalog}".main."{table}" where {cond}'
        )
        made.append(table)
    return made


def _unshadow(con: duckdb.DuckDBPyConnection, views: list[str]) -> None:
    for v in views:
        con.execute(f'drop view if exists temp.main."{v}"')


def run_script(con: duckdb.DuckDBPyConnection, text: str, changed: Mapping[str, set]) -> None:
    """Run one rollup script for the touched months of ``changed`` (fact table -> months,
    first days of months as dates): annotated statements month by month, the others in
    full (see the module docstring)."""
    months = sorted(set().union(*changed.values())) if changed else []
    con.execute("create or replace temp table _sc_touched as select cast(unnest($ms) as date) as m",
                {"ms": months})
    try:
        for stmt in statements(text):
            ann = _ANNOTATION.search(stmt)
            head = _CREATE.match(_COMMENT.sub("", stmt))
            if ann is None or head is None:
                con.execute(stmt)
                continue
            col, temp, name, select = ann.group(1), head.group(1), head.group(2), head.group(3)
            views = _shadow(con, changed)
            try:
                wrapped = f"select * from ({select}) as _q where {_in_touched(col)}"
                if temp:
                    con.execute(f'create or replace temp table "{name}" as {wrapped}')
                else:
                    con.execute(f'delete from "{name}" where {_in_touched(col)}')
                    con.execute(f'insert into "{name}" {wrapped}')
            finally:
                _unshadow(con, views)
    finally:
        con.execute("drop table if exists _sc_touched")
