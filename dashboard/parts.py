"""Fact tables as monthly Parquet parts beside the warehouse file.

The three fact tables (queue tickets, 95598 orders, room visits) hold almost all of a
warehouse's rows. Keeping them inside the DuckDB file meant that every write, even one
day of tickets, copied the whole file (see :func:`dashboard.warehouse.writer`). Here they
live instead as immutable Parquet files, one or more per calendar month of the table's
date column, in a folder beside the warehouse file::

    city.duckdb                      dimensions, rollups, ledger, the list of parts
    city.duckdb.parts/
        counter_tickets/month=2024-03-01/<write id>-<n>.parquet
        hotline_orders/month=2024-03-01/...

* The warehouse file lists the parts of each table in ``parts_files`` and defines the
  table as a view over them (``select * from _parts_<table>`` — an empty table that
  carries the column types — ``union all`` the listed files). Every query, rollup script
  and macro reads the table by its name, as before; paths in the view are relative to
  the parts folder, which every connection gets as DuckDB's ``file_search_path``
  (:func:`config`).
* A write never changes a part: it writes new files (:func:`replace`) and changes the
  list. New rows go to new files of their months; a stored row that is replaced or removed
  makes a new copy of the file that held it, without it. The list and the view change in
  the writer's transaction on its private copy of the (now small) warehouse file, which
  is swapped in atomically, so readers see the old parts or the new ones, never a mix,
  and a kill at any moment leaves the published list, and every file it names, as it was.
* Files no list names any more are removed by a later write, once they are older than
  :data:`GRACE_S` (a reader opened before a swap may still be reading them); files a
  failed write made are removed at once (:func:`discard`).
* A month with more than :data:`MAX_FILES` files has its smaller files merged into one,
  so a year of daily imports does not leave hundreds of files per month.

The same files serve the Spark engine (:mod:`dashboard.engines.spark`). A warehouse made
before parts existed has its fact tables moved out on its next write (:func:`adopt`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import time
import uuid
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import duckdb

__all__ = [
    "GRACE_S",
    "MAX_FILES",
    "PARTITIONED",
    "adopt",
    "clear",
    "collect",
    "config",
    "copy_warehouse",
    "discard",
    "folder",
    "insert",
    "replace",
    "sql_literal",
    "sync",
    "with_keys",
]

PARTITIONED: dict[str, str] = {
    "counter_tickets": "issued_at",
    "hotline_orders": "received_at",
    "room_visits": "visited_at",
}
"""The tables kept as parts → the date column whose month names a row's part."""

KEYS: dict[str, tuple[str, ...]] = {
    "counter_tickets": ("ticket_id",),
    "hotline_orders": ("order_id",),
    "room_visits": ("visit_id",),
}
"""Each partitioned table's key columns."""

KEY_HASH = "_parts_key"
"""A column every part carries besides the table's own: a hash of the row's key. An
import finds the parts holding its keys by reading this one integer column (the keys
themselves are strings, several times slower to read); the views leave it out."""

MAX_FILES = 8
"""More files than this in one month: the smaller ones are merged (:func:`_compact`)."""

GRACE_S = 3600.0
"""A file no list names is removed once it is this old (seconds): long enough for any
reader opened on the list before to finish."""

_NULL_MONTH = "none"
_WRITES: dict[int, dict[str, Any]] = {}


def folder(db: str | os.PathLike) -> Path:
    """The parts folder of the warehouse file ``db`` (``<db>.parts``)."""
    db = Path(db)
    return db.with_name(db.name + ".parts")


def config(db: str | os.PathLike) -> dict[str, str]:
    """DuckDB settings a connection to the warehouse ``db`` needs to read its parts
    (pass them to ``duckdb.connect(config=...)``: a ``SET`` would not reach cursors)."""
    return {"file_search_path": str(folder(Path(db).resolve()))}


def sql_literal(text: str) -> str:
    """A SQL string literal of a file path (``COPY ... TO`` and ``read_parquet`` take no
    bound parameter there; the paths are the warehouse's own, never user text)."""
    return "'" + text.replace("'", "''") + "'"


def _schema(table: str) -> str:
    return f"_parts_{table}"


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    rows = con.execute(
        "select column_name from duckdb_columns() where database_name = current_database() "
        "and table_name = $t order by column_index",
        {"t": _schema(table)},
    ).fetchall()
    return [r[0] for r in rows]


def _month_dir(month: dt.date | None) -> str:
    return f"month={_NULL_MONTH if month is None else month.isoformat()}"


# ---------------------------------------------------------------- the writer's side
def begin(con: duckdb.DuckDBPyConnection, db: str | os.PathLike) -> None:
    """Start tracking the files a writer connection makes (:func:`dashboard.warehouse.writer`)."""
    _WRITES[id(con)] = {"root": folder(Path(db).resolve()), "new": [], "id": uuid.uuid4().hex[:12], "n": 0}


def _state(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    state = _WRITES.get(id(con))
    if state is None:
        raise RuntimeError("parts are written only inside dashboard.warehouse.writer")
    return state


def _new_file(con: duckdb.DuckDBPyConnection, table: str, month: dt.date | None) -> tuple[Path, str]:
    """A fresh file name in ``table``'s month folder: ``(absolute path, relative name)``."""
    state = _state(con)
    state["n"] += 1
    rel = f"{table}/{_month_dir(month)}/{state['id']}-{state['n']}.parquet"
    path = state["root"] / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    state["new"].append(path)
    return path, rel


def sync(con: duckdb.DuckDBPyConnection) -> None:
    """Flush the files this write made, and their folders, to disk (before the swap)."""
    state = _WRITES.get(id(con))
    if not state:
        return
    dirs = set()
    for path in state["new"]:
        if path.exists():
            fd = os.open(path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
            dirs.add(path.parent)
    for d in sorted(dirs) + sorted({d.parent for d in dirs}):
        fd = os.open(d, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def discard(con: duckdb.DuckDBPyConnection, *, failed: bool) -> None:
    """Stop tracking a writer connection; when its write ``failed``, remove its files."""
    state = _WRITES.pop(id(con), None)
    if state and failed:
        for path in state["new"]:
            with contextlib.suppress(OSError):
                path.unlink()


def _listed(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple[dt.date | None, str, int]]:
    return con.execute(
        "select month, file, n_rows from parts_files where table_name = $t order by month nulls first, file",
        {"t": table},
    ).fetchall()


def _read(files: Iterable[str], **options: str) -> str:
    """``read_parquet`` of the listed part files (no hive columns from the folder names)."""
    extra = "".join(f", {k} = {v}" for k, v in options.items())
    return f"read_parquet([{', '.join(sql_literal(f) for f in files)}], hive_partitioning = false{extra})"


def _define_view(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """(Re)define ``table`` as its schema table plus the listed files."""
    files = [f for _, f, _ in _listed(con, table)]
    body = f"select * from {_schema(table)}"
    if files:
        body += f" union all by name select * exclude ({KEY_HASH}) from {_read(files)}"
    con.execute(f"create or replace view {table} as {body}")


def _register(con: duckdb.DuckDBPyConnection, table: str, month: dt.date | None, rel: str, n: int) -> None:
    con.execute("insert into parts_files values ($t, $m, $f, $n)", {"t": table, "m": month, "f": rel, "n": n})


def _unlist(con: duckdb.DuckDBPyConnection, rel: str) -> None:
    con.execute("delete from parts_files where file = $f", {"f": rel})


def _copy_to(con: duckdb.DuckDBPyConnection, select: str, path: Path, params: Mapping | None = None) -> int:
    """Write ``select`` to the Parquet file ``path``; return its number of rows."""
    return int(con.execute(
        f"copy ({select}) to {sql_literal(str(path))} (format parquet, compression zstd)", dict(params or {})
    ).fetchone()[0])


def _append(con: duckdb.DuckDBPyConnection, table: str, rows: str, params: Mapping | None) -> dict:
    """Write the rows of the query ``rows`` (columns by name; a column it lacks is NULL)
    as new files, one per month; return ``{month: rows}``.

    The rows pass through the schema table, so its ``not null`` and ``check`` constraints
    hold for every part as they did for the table; it is empty again on return."""
    con.execute(f"insert into {_schema(table)} by name {rows}", dict(params or {}))
    return _move_out(con, table)


def _key_hash(table: str) -> str:
    """SQL of a row's key hash: MD5-based, so it stays the same across DuckDB versions (a
    warehouse outlives the version that wrote its parts; ``hash()`` may change)."""
    cols = [f'cast("{k}" as varchar)' for k in KEYS[table]]
    return f"md5_number_lower({cols[0] if len(cols) == 1 else 'concat_ws(chr(31), ' + ', '.join(cols) + ')'})"


def _stage_keys(con: duckdb.DuckDBPyConnection, name: str, key_list: str, query: str,
                params: Mapping[str, Any] | None) -> None:
    """The distinct keys the query gives, as the temporary table ``name``."""
    con.execute(f"create or replace temp table {name} as select distinct {key_list} from ({query})",
                _bound(query, params))


def _files_with(con: duckdb.DuckDBPyConnection, table: str, key_list: str, keys_table: str) -> dict[str, int]:
    """``{listed file: rows}`` of ``table``'s parts holding a key of ``keys_table``: the
    candidates found by reading the key hash column alone (:data:`KEY_HASH`), then the
    exact rows counted in the candidates only."""
    listed = [rel for _, rel, _ in _listed(con, table)]
    if not listed:
        return {}
    root = _state(con)["root"]  # DuckDB names each file by its full path below it

    def counted(files: list[str], where: str) -> dict[str, int]:
        found = dict(con.execute(
            f"select filename, count(*) from {_read(files, filename='true')} {where} group by 1").fetchall())
        return {rel: int(found[str(root / rel)]) for rel in files if str(root / rel) in found}

    candidates = counted(listed, f"where {KEY_HASH} in (select {_key_hash(table)} from {keys_table})")
    if not candidates:
        return {}
    return counted(list(candidates), f"semi join {keys_table} using ({key_list})")


def with_keys(con: duckdb.DuckDBPyConnection, table: str, keys: Iterable[str], query: str,
              params: Mapping[str, Any] | None = None) -> str:
    """The stored rows of ``table`` whose keys the query ``query`` gives, as the name of a
    relation to read them from.

    For a table of :data:`PARTITIONED`, a temporary table ``_parts_with_keys_<table>``
    read from only the parts that hold one of those keys (an import's comparison with the
    stored rows then reads the key columns of every part, not every column); the caller
    drops it. Any other table: its own name.
    """
    if table not in PARTITIONED:
        return table
    key_list = ", ".join(f'"{k}"' for k in keys)
    _stage_keys(con, "_parts_keys", key_list, query, params)
    files = _files_with(con, table, key_list, "_parts_keys")
    name = f"_parts_with_keys_{table}"
    source = (f"(select * exclude ({KEY_HASH}) from {_read(files)}) semi join _parts_keys using ({key_list})"
              if files else f"{_schema(table)} where false")
    con.execute(f"create or replace temp table {name} as select * from {source}")
    con.execute("drop table _parts_keys")
    return name


def _remove(con: duckdb.DuckDBPyConnection, table: str, keys: Iterable[str], doomed: str,
            params: Mapping | None) -> tuple[int, set]:
    """Rewrite every file holding a key the query ``doomed`` gives, without those rows;
    return ``(rows removed, months touched)``."""
    key_list = ", ".join(f'"{k}"' for k in keys)
    _stage_keys(con, "_parts_doomed", key_list, doomed, params)
    hits = _files_with(con, table, key_list, "_parts_doomed")
    removed, months = 0, set()
    for month, rel, n in _listed(con, table):
        hit = hits.get(rel)
        if not hit:
            continue
        _unlist(con, rel)
        removed += hit
        months.add(month)
        if n - hit > 0:
            path, new_rel = _new_file(con, table, month)
            kept = _copy_to(con, f"select * from {_read([rel])} anti join _parts_doomed using ({key_list})", path)
            _register(con, table, month, new_rel, kept)
    con.execute("drop table _parts_doomed")
    return removed, months


def _compact(con: duckdb.DuckDBPyConnection, table: str, months: Iterable) -> None:
    """Merge the smaller files of every month in ``months`` that has more than
    :data:`MAX_FILES` (the largest file stays as it is)."""
    by_month: dict = {}
    for m, rel, n in _listed(con, table):
        by_month.setdefault(m, []).append((n, rel))
    for m in months:
        files = sorted(by_month.get(m, []), reverse=True)
        if len(files) <= MAX_FILES:
            continue
        small = [rel for _, rel in files[1:]]
        path, new_rel = _new_file(con, table, m)
        n = _copy_to(con, f"select * from {_read(small)}", path)
        for rel in small:
            _unlist(con, rel)
        _register(con, table, m, new_rel, n)


def replace(
    con: duckdb.DuckDBPyConnection,
    table: str,
    keys: Iterable[str],
    *,
    delete: str | None = None,
    insert: str | None = None,
    params: Mapping[str, Any] | None = None,
) -> tuple[int, int]:
    """Delete the stored rows whose keys ``delete`` selects, then insert the rows
    ``insert`` selects (inside a :func:`dashboard.warehouse.writer` block).

    A table of :data:`PARTITIONED` is changed by writing new parts; any other table by
    ``delete`` and ``insert`` statements.

    Parameters
    ----------
    table
        Canonical table name (a fixed name, never user input).
    keys
        The table's key columns.
    delete
        A query giving the key columns of the rows to delete.
    insert
        A query giving every column of the table, by name.
    params
        Values bound to both queries' ``$name`` placeholders.

    Returns
    -------
    (deleted, inserted)
    """
    keys = list(keys)
    deleted = inserted = 0
    if table not in PARTITIONED:
        if delete is not None:
            on = " and ".join(f'{table}."{k}" = u."{k}"' for k in keys)
            deleted = int(con.execute(f"delete from {table} using ({delete}) as u where {on}",
                                      _bound(delete, params)).fetchone()[0])
        if insert is not None:
            inserted = int(con.execute(f"insert into {table} by name {insert}", _bound(insert, params)).fetchone()[0])
        return deleted, inserted
    months: set = set()
    if delete is not None:
        deleted, months = _remove(con, table, keys, delete, _bound(delete, params))
    if insert is not None:
        counts = _append(con, table, insert, _bound(insert, params))
        inserted = int(sum(counts.values()))
        months |= set(counts)
    _compact(con, table, months)
    _define_view(con, table)
    return deleted, inserted


def _bound(sql: str, params: Mapping[str, Any] | None) -> dict[str, Any]:
    return {k: v for k, v in (params or {}).items() if f"${k}" in sql}


def insert(con: duckdb.DuckDBPyConnection, table: str, rows: str, params: Mapping[str, Any] | None = None) -> int:
    """Insert the rows the query ``rows`` gives (columns by name, missing ones NULL) into
    ``table`` inside a :func:`dashboard.warehouse.writer` block; return how many."""
    return replace(con, table, (), insert=rows, params=params)[1]


def clear(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """Remove every row of ``table`` (the demo's ``--force`` rebuild)."""
    if table not in PARTITIONED:
        con.execute(f'delete from "{table}"')
        return
    con.execute("delete from parts_files where table_name = $t", {"t": table})
    _define_view(con, table)


def adopt(con: duckdb.DuckDBPyConnection) -> bool:
    """Turn each fact table still stored inside the warehouse file (a new warehouse, or
    one made before parts existed) into its schema table plus parts holding its rows.

    Returns
    -------
    bool
        True when rows were moved out of the file (the caller then rewrites the file
        without the space they held).
    """
    base = {r[0] for r in con.execute(
        "select table_name from duckdb_tables() where database_name = current_database()"
    ).fetchall()}
    moved = False
    for table in PARTITIONED:
        if table not in base:
            continue
        con.execute(f"alter table {table} rename to {_schema(table)}")
        if con.execute(f"select count(*) from {_schema(table)}").fetchone()[0]:
            _move_out(con, table)
            moved = True
        _define_view(con, table)
    return moved


def _move_out(con: duckdb.DuckDBPyConnection, table: str) -> dict:
    """Write the rows stored in ``table``'s schema table as parts, one file per month,
    and empty it; return ``{month: rows}``."""
    month = f"cast(date_trunc('month', \"{PARTITIONED[table]}\") as date)"
    staged = _schema(table)
    counts = dict(con.execute(f"select {month}, count(*) from {staged} group by 1").fetchall())
    for m, n in sorted(counts.items(), key=lambda kv: (kv[0] is not None, kv[0])):
        path, rel = _new_file(con, table, m)
        cond = f"{month} is null" if m is None else f"{month} = $m"
        _copy_to(con, f"select *, {_key_hash(table)} as {KEY_HASH} from {staged} where {cond}", path,
                 {} if m is None else {"m": m})
        _register(con, table, m, rel, int(n))
    con.execute(f"delete from {staged}")
    return counts


# ---------------------------------------------------------------- housekeeping
def collect(db: str | os.PathLike, listed: set[str], *, grace_s: float | None = None) -> int:
    """Remove the files of ``db``'s parts folder that ``listed`` (relative names) does not
    name and that are older than ``grace_s`` (default :data:`GRACE_S`); return how many
    were removed. Called by the writer, under its lock, after the swap."""
    grace_s = GRACE_S if grace_s is None else grace_s
    root = folder(Path(db).resolve())
    if not root.is_dir():
        return 0
    now = time.time()
    removed = 0
    for path in root.rglob("*.parquet"):
        rel = path.relative_to(root).as_posix()
        if rel in listed:
            continue
        with contextlib.suppress(OSError):
            if now - path.stat().st_mtime >= grace_s:
                path.unlink()
                removed += 1
    for d in sorted((p for p in root.rglob("*") if p.is_dir()), key=lambda p: len(p.parts), reverse=True):
        with contextlib.suppress(OSError):
            d.rmdir()  # only empty folders go
    return removed


def listed_files(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Every file the warehouse behind ``con`` lists (relative to its parts folder)."""
    return {r[0] for r in con.execute("select file from parts_files").fetchall()}


def copy_warehouse(src: str | os.PathLike, dst: str | os.PathLike) -> Path:
    """Copy a warehouse file and its parts to ``dst`` (a backup, a test's private copy).

    The parts are immutable, so they are hard-linked where the file system allows it
    (instant, no extra space) and copied otherwise.
    """
    src, dst = Path(src), Path(dst)
    shutil.copyfile(src, dst)
    if folder(src).is_dir():
        shutil.rmtree(folder(dst), ignore_errors=True)

        def link(a: str, b: str) -> None:
            try:
                os.link(a, b)
            except OSError:
                shutil.copy2(a, b)

        shutil.copytree(folder(src), folder(dst), copy_function=link)
    return dst
