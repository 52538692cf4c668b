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

with every table the select reads shadowed, for that statement only, by a temporary view
of its rows in the touched months: a changed fact table by the rows of the touched months
copied once per refresh (a fact row whose date columns fall in different months is kept
when any of them is touched, which leaves every touched month's rows complete), a
month-by-month rollup table by its touched months (so the select reads those rows, not
the table). A temporary staging table
(``create or replace temp table``) annotated the same way is built from the touched
months only. Statements without the annotation (cumulative tables, spans over all the
data, filter options, macros) run in full, as before. A statement annotated
``-- cumulative: <month column> <total column>`` (running totals month by month, every other
column a key) keeps its rows before the first touched month; the later totals are the
last earlier total plus the running total its select computes from that month on
(:meth:`Months._cumulative`). An annotated statement that reads
no table changed by this write, or rebuilt earlier in this refresh, and calls no table
macro (whose tables it cannot see), is skipped: its rows for the touched months are
those it already holds.

The full rebuild stays the reference: ``tests/test_rollup_months.py`` compares the two
cell by cell after random sequences of imports.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping

import duckdb
import pandas as pd

__all__ = ["FACT_DATES", "Months", "annotated", "statements"]

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
_CUMULATIVE = re.compile(r"^\s*--\s*cumulative:\s*([a-z_][a-z0-9_]*)\s+([a-z_][a-z0-9_]*)\s*$",
                         re.IGNORECASE | re.MULTILINE)
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


def _date(d: dt.date) -> str:
    """A date literal from a date (the touched months come from the warehouse, never from
    user text; a view cannot hold bound parameters)."""
    if not isinstance(d, dt.date):
        raise TypeError(f"not a date: {d!r}")
    return f"DATE '{d.isoformat()}'"


def _range(col: str, lo: dt.date, hi: dt.date) -> str:
    """``col`` within [lo, hi) and in a touched month: the range lets the scan skip row
    groups by their min/max, the month test keeps the exact set."""
    return f'("{col}" >= {_date(lo)} and "{col}" < {_date(hi)} and {_in_touched(col)})'


_READS = re.compile(r"\b(?:from|join)\s+([a-z_][a-z0-9_]*)", re.IGNORECASE)
_CALLS = re.compile(r"\b(?:from|join)\s+[a-z_][a-z0-9_]*\s*\(", re.IGNORECASE)
"""A table macro or table function read: the tables behind it are not named here."""


def annotated(texts: Iterable[str]) -> dict[str, str]:
    """Month-by-month rollup tables (not temporary ones) of the scripts, with their date column."""
    out = {}
    for text in texts:
        for stmt in statements(text):
            ann, head = _ANNOTATION.search(stmt), _CREATE.match(_COMMENT.sub("", stmt))
            if ann and head and not head.group(1):
                out[head.group(2).lower()] = ann.group(1)
    return out


class Months:
    """One incremental refresh: the touched months and the changed fact tables' rows of
    those months, kept as temporary tables while the scripts run (:meth:`run_script`);
    :meth:`close` drops them."""

    def __init__(self, con: duckdb.DuckDBPyConnection, changed: Mapping[str, set], tables: Mapping[str, str]):
        self.con = con
        self.changed = dict(changed)
        self.tables = dict(tables)  # annotated rollup table -> date column
        self.dirty = set(self.changed)  # tables whose rows may differ from the last refresh
        self.catalog = con.execute("select current_database()").fetchone()[0]
        months = sorted(set().union(*self.changed.values())) if self.changed else []
        con.execute("create or replace temp table _sc_touched as select cast(unnest($ms) as date) as m",
                    {"ms": months})
        self.lo = months[0] if months else None
        self.hi = (pd.Timestamp(months[-1]) + pd.offsets.MonthBegin(1)).date() if months else None
        for table in self.changed:
            con.execute(f'create or replace temp table "_sc_rows_{table}" as {self._rows(table)}')

    def _rows(self, table: str) -> str:
        """The select of ``table``'s rows with any date column in a touched month: one
        select per column, each leaving out the rows an earlier one took, so that every
        select's range filter reaches the scan (an ``or`` of the columns would read every
        row of every part)."""
        if self.lo is None:
            return f'select * from "{self.catalog}".main."{table}" where false'
        cols = FACT_DATES[table]
        selects = []
        for i, col in enumerate(cols):
            cond = " and ".join([_range(col, self.lo, self.hi)] + [
                f"not coalesce({_range(c, self.lo, self.hi)}, false)" for c in cols[:i]])
            selects.append(f'select * from "{self.catalog}".main."{table}" where {cond}')
        return " union all ".join(selects)

    def _shadow(self, stmt: str) -> list[str]:
        """Temporary views, named like the tables ``stmt`` reads, holding their rows of the
        touched months (changed fact tables: the rows kept; month-by-month rollups: their
        months); returns the views made."""
        made = []
        for name in dict.fromkeys(m.lower() for m in _READS.findall(_COMMENT.sub("", stmt))):
            if name in self.changed:
                body = f'select * from "_sc_rows_{name}"'
            elif name in self.tables and self.lo is not None:
                body = (f'select * from "{self.catalog}".main."{name}" '
                        f"where {_range(self.tables[name], self.lo, self.hi)}")
            else:
                continue
            self.con.execute(f'create or replace temp view "{name}" as {body}')
            made.append(name)
        return made

    def _unshadow(self, views: list[str]) -> None:
        for v in views:
            self.con.execute(f'drop view if exists temp.main."{v}"')

    def run_script(self, text: str) -> None:
        """Run one rollup script: annotated statements for the touched months, the others
        in full (see the module docstring)."""
        con = self.con
        for stmt in statements(text):
            ann = _ANNOTATION.search(stmt)
            head = _CREATE.match(_COMMENT.sub("", stmt))
            if head is not None:
                self.dirty.add(head.group(2).lower())
            cum = _CUMULATIVE.search(stmt)
            if cum is not None and head is not None and not head.group(1) and self.lo is not None:
                self._cumulative(head.group(2), cum.group(1), cum.group(2), head.group(3))
                continue
            if ann is None or head is None:
                con.execute(stmt)
                continue
            col, temp, name, select = ann.group(1), head.group(1), head.group(2), head.group(3)
            bare = _COMMENT.sub("", select)
            if not temp and not _CALLS.search(bare) and not ({m.lower() for m in _READS.findall(bare)} & self.dirty):
                self.dirty.discard(name.lower())  # reads nothing that changed: its rows stand
                continue
            views = self._shadow(select)
            try:
                wrapped = f"select * from ({select}) as _q where {_in_touched(col)}"
                if temp:
                    con.execute(f'create or replace temp table "{name}" as {wrapped}')
                else:
                    con.execute(f'delete from "{name}" where {_in_touched(col)}')
                    con.execute(f'insert into "{name}" {wrapped}')
            finally:
                self._unshadow(views)

    def _cumulative(self, name: str, col: str, total: str, select: str) -> None:
        """Rebuild the rows from the first touched month ``m0`` on of a table of running
        totals (``total`` per key, month by month in ``col``; every other column is the
        key): the rows before ``m0`` stand, and each later total is the key's total in
        the last month before ``m0`` plus the running total from ``m0``, which the select
        computes from its month-by-month inputs' rows from ``m0`` on. A select that reads
        a changed fact table directly is computed whole and its rows from ``m0`` kept."""
        con, m0 = self.con, _date(self.lo)
        bare = _COMMENT.sub("", select)
        reads = {m.lower() for m in _READS.findall(bare)}
        if reads & set(self.changed) or _CALLS.search(bare):
            con.execute(f'delete from "{name}" where "{col}" >= {m0}')
            con.execute(f'insert into "{name}" select * from ({select}) as _q where "{col}" >= {m0}')
            return
        views = []
        try:
            for r in reads & set(self.tables):
                con.execute(f'create or replace temp view "{r}" as select * from "{self.catalog}".main."{r}" '
                            f'where "{self.tables[r]}" >= {m0}')
                views.append(r)
            con.execute(f"create or replace temp table _sc_cum_from as {select}")
        finally:
            self._unshadow(views)
        cols = [r[0] for r in con.execute(
            "select column_name from duckdb_columns() where database_name = $d and table_name = $t "
            "order by column_index", {"d": self.catalog, "t": name}).fetchall()]
        keys = [c for c in cols if c not in (col, total)]
        same = " and ".join(f'p."{k}" is not distinct from b."{k}"' for k in keys) or "true"
        key_list = ", ".join(f'b."{k}"' for k in keys)
        con.execute(
            f"""create or replace temp table _sc_cum_new as
                with b as (
                    select * from "{name}"
                    where "{col}" = (select max("{col}") from "{name}" where "{col}" < {m0})
                ), months as (select distinct "{col}" from _sc_cum_from)
                select m."{col}", {key_list}, b."{total}" + coalesce(p."{total}", 0) as "{total}"
                from b cross join months as m
                left join _sc_cum_from as p on p."{col}" = m."{col}" and {same}
                union all
                select p.* from _sc_cum_from as p where not exists (select 1 from b where {same})"""
        )
        con.execute(f'delete from "{name}" where "{col}" >= {m0}')
        con.execute(f'insert into "{name}" by name select * from _sc_cum_new')
        con.execute("drop table _sc_cum_from")
        con.execute("drop table _sc_cum_new")

    def close(self) -> None:
        for table in self.changed:
            self.con.execute(f'drop table if exists temp.main."_sc_rows_{table}"')
        self.con.execute("drop table if exists temp.main._sc_touched")
