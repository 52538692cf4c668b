"""The DuckDB warehouse: schema, named queries, and safe reading while others write.

One DuckDB file holds the canonical tables of ``shared/spec/exports.md``, the import
ledger and the rollups pages read. DuckDB lets one process write a file *or* many read
it, never both, so writes here never touch the live file:

* :func:`writer` takes an exclusive lock (``<db>.lock``), copies the live file to a
  private temporary file, lets the caller write into that copy in one transaction,
  refreshes the rollups, checkpoints, and then atomically renames the copy over the live
  file (``os.replace``). A crash, an exception or ``kill -9`` at any point leaves the
  live file exactly as it was; the stale temporary is removed by the next writer.
* :func:`connect_read` opens a fresh in-memory DuckDB and ``ATTACH``-es the live file
  ``READ_ONLY``. Readers never block the writer (it writes elsewhere) and never see a
  half-written state (the rename is atomic). A reader opened before a swap keeps
  seeing the old snapshot until it reconnects; :func:`data_version` changes with every
  swap, so a cache keyed on it picks up new data without a restart.

SQL lives in ``queries/`` as named files; :func:`query` binds parameters (``$name``),
never formats values into SQL text.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shutil
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from dashboard import parts, settings

SCHEMA_VERSION = "1"

CANONICAL_TABLES: tuple[str, ...] = (
    "communities", "buildings", "business_halls", "service_rooms", "counter_tickets",
    "hotline_orders", "room_visits", "staff", "network_nodes", "network_edges", "customers",
)
"""Tables the importers write; rollups are derived from these."""

__all__ = [
    "WarehouseMissing",
    "connect_read",
    "data_version",
    "ensure",
    "init_schema",
    "mark_changed",
    "needs_refresh",
    "bring_up_to_date",
    "query",
    "rollup_plan",
    "refresh_rollups",
    "sql_text",
    "writer",
]


class WarehouseMissing(FileNotFoundError):
    """The warehouse file does not exist yet (run ``servicecircle demo`` or an import)."""


# ---------------------------------------------------------------- named SQL
def sql_text(name: str) -> str:
    """Return the SQL text of the named query ``queries/<name>.sql``.

    Parameters
    ----------
    name
        Path below ``queries/`` without the suffix, e.g. ``"metrics/ticket_totals"``.
    """
    path = settings.QUERIES_DIR / f"{name}.sql"
    if not path.is_file():
        raise KeyError(f"no named query {name!r} (looked for {path})")
    return path.read_text(encoding="utf-8")


def _run_script(con: duckdb.DuckDBPyConnection, text: str) -> None:
    con.execute(text)


def define_macros(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)create the shared SQL macros of ``queries/macros/*.sql`` in the warehouse.

    Named queries call them (``ticket_rows(...)``, ``month_in_range(...)``). They are
    stored in the warehouse file, so every reader, cursor and connection sees them with
    no set-up. DuckDB binds a table macro's tables when the macro is created, so
    :func:`writer` runs this after the rollups are refreshed; their text is part of
    :func:`rollups_hash`, so a warehouse made by an older version gets them on the next
    write (``servicecircle serve`` makes that write).
    """
    for path in _macro_files():
        _run_script(con, path.read_text(encoding="utf-8"))


def _macro_files() -> list[Path]:
    return sorted((settings.QUERIES_DIR / "macros").glob("*.sql"))


def query(
    con: duckdb.DuckDBPyConnection, name: str, params: Mapping[str, Any] | None = None
) -> pd.DataFrame:
    """Run the named query with bound parameters and return a DataFrame.

    Parameters
    ----------
    con
        An open connection (read or write).
    name
        Query name below ``queries/`` (see :func:`sql_text`).
    params
        Values for the query's ``$name`` placeholders. Only the placeholders the SQL
        uses are passed on, so callers may hand over a shared filter dict.
    """
    text = sql_text(name)
    bound = {k: v for k, v in (params or {}).items() if f"${k}" in text}
    return con.execute(text, bound).df()


def init_schema(con: duckdb.DuckDBPyConnection) -> bool:
    """Create every table of ``queries/schema/*.sql`` that is missing (idempotent), then
    run each ``queries/migrations/*.sql`` this warehouse has not run yet.

    Returns
    -------
    bool
        True when a migration ran (the writer then rebuilds every rollup: a migration may
        change rows in any month).
    """
    for path in sorted((settings.QUERIES_DIR / "schema").glob("*.sql")):
        _run_script(con, path.read_text(encoding="utf-8"))
    done = {r[0] for r in con.execute("select key from meta where key like 'migration:%'").fetchall()}
    migrated = False
    for path in sorted((settings.QUERIES_DIR / "migrations").glob("*.sql")):
        # changes to tables an older version made (run once; recorded in meta)
        if f"migration:{path.stem}" not in done:
            _run_script(con, path.read_text(encoding="utf-8"))
            con.execute("insert into meta values ($k, 'done')", {"k": f"migration:{path.stem}"})
            migrated = True
    con.execute(
        "insert or replace into meta values ('schema_version', $v)", {"v": SCHEMA_VERSION}
    )
    return migrated


_CREATES = re.compile(r"create\s+or\s+replace\s+table\s+([a-z_][a-z0-9_]*)", re.I)
_READS = re.compile(r"\b(?:from|join)\s+([a-z_][a-z0-9_]*)", re.I)
_COMMENT = re.compile(r"--[^\n]*")


def rollup_plan() -> list[tuple[Path, set[str], set[str]]]:
    """The rollup scripts in run order with the tables each creates and reads.

    A script *reads* the canonical or earlier rollup tables named after ``from`` /
    ``join`` in it (comments ignored; CTE names are not tables, so they drop out).

    Returns
    -------
    list of (path, creates, reads)
    """
    plan: list[tuple[Path, set[str], set[str]]] = []
    known = set(CANONICAL_TABLES)
    for path in sorted((settings.QUERIES_DIR / "rollups").glob("*.sql")):
        text = _COMMENT.sub("", path.read_text(encoding="utf-8"))
        creates = {m.lower() for m in _CREATES.findall(text)}
        reads = {m.lower() for m in _READS.findall(text)} & known
        plan.append((path, creates, reads))
        known |= creates
    return plan


def refresh_rollups(
    con: duckdb.DuckDBPyConnection, changed: set[str] | Mapping[str, set | None] | None = None
) -> list[str]:
    """Rebuild the rollup tables of ``queries/rollups/*.sql`` in file-name order.

    Each file is a script of ``create or replace table ...`` statements over the
    canonical tables. Run inside every write so pages never read stale rollups.

    Parameters
    ----------
    con
        The writer's connection.
    changed
        Canonical tables this write changed (see :func:`mark_changed`): only scripts
        that read one of them, directly or through an earlier rollup, are rerun. ``None``
        reruns every script. As a mapping (table -> months touched, or ``None`` for the
        whole table): when every changed table is a fact table with its months known,
        the month-by-month rollup tables are rebuilt for those months only
        (:mod:`dashboard.rollup_months`); a write that touched no month reruns nothing.

    Returns
    -------
    list of str
        The script names that ran.
    """
    from dashboard import rollup_months

    ran: list[str] = []
    plan = rollup_plan()
    months: dict[str, set] | None = None
    if isinstance(changed, Mapping):
        if changed and all(t in rollup_months.FACT_DATES and m is not None for t, m in changed.items()):
            months = {t: set(m) for t, m in changed.items() if m}
        changed = set(changed)
    dirty = None if changed is None else set(changed)
    if dirty is not None:
        existing = {r[0].lower() for r in con.execute(
            "select table_name from information_schema.tables where table_catalog = current_database()"
        ).fetchall()}
        if not set().union(*(c for _, c, _ in plan)) <= existing:
            dirty = None  # first build (or a new rollup script): build everything
            months = None
    if months is not None:
        dirty = set(months)  # facts whose rows changed (a table that only met duplicates drops out)
    texts = {path: path.read_text(encoding="utf-8") for path, _, _ in plan}
    inc = rollup_months.Months(con, months, rollup_months.annotated(texts.values())) if months else None
    try:
        for path, creates, reads in plan:
            if dirty is not None and not (reads & dirty):
                continue
            if inc is not None:
                inc.run_script(texts[path])
            else:
                _run_script(con, texts[path])
            ran.append(path.name)
            if dirty is not None:
                dirty |= creates
    finally:
        if inc is not None:
            inc.close()
    return ran


def rollups_hash() -> str:
    """A fingerprint of the rollup scripts and the macros; stored in ``meta`` by every write."""
    import hashlib

    h = hashlib.sha256()
    for path in [p for p, _, _ in rollup_plan()] + _macro_files():
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def _stored_rollups_hash(con: duckdb.DuckDBPyConnection) -> str | None:
    try:
        row = con.execute("select value from meta where key = 'rollups_hash'").fetchone()
    except duckdb.Error:
        return None
    return row[0] if row else None


def needs_refresh(db: str | os.PathLike | None = None) -> bool:
    """True when the warehouse's rollups were built by other rollup scripts than these
    (a warehouse made by an older version): one write rebuilds them all."""
    con = connect_read(db)
    try:
        return _stored_rollups_hash(con) != rollups_hash()
    finally:
        con.close()


def bring_up_to_date(db: str | os.PathLike | None = None, *, echo: Callable[[str], None] | None = None) -> bool:
    """Rebuild the rollups and macros of a warehouse made by an older version (one
    atomic write; readers keep the old snapshot until it is published).

    Every command that reads the warehouse calls this first, as ``serve`` does, so an
    upgrade never meets a query that expects a rollup the old file lacks.

    Returns
    -------
    bool
        True when a rebuild was done.
    """
    path = settings.db_path(db)
    if not path.exists() or not needs_refresh(path):
        return False
    if echo is not None:
        echo(f"Rebuilding the summary tables of {path} for this version ...")
    with writer(path):
        pass
    return True


_CHANGED: dict[int, dict[str, set | None]] = {}


def mark_changed(con: duckdb.DuckDBPyConnection, *tables: str, months: Iterable | None = None) -> None:
    """Record, inside a :func:`writer` block, which canonical tables the write changed.

    The writer then refreshes only the rollups that depend on them. A write that marks
    nothing refreshes every rollup (always correct, only slower).

    Parameters
    ----------
    tables
        Canonical table names.
    months
        For a fact table of :data:`dashboard.rollup_months.FACT_DATES`: the first days of
        the months whose rows changed (every date column of the rows written and of the
        stored versions they replaced or removed); the month-by-month rollups are then
        rebuilt for those months only. ``None``: the whole table may have changed (a
        table marked both ways counts as wholly changed).
    """
    marks = _CHANGED.get(id(con))
    if marks is None:
        return
    months = None if months is None else set(months)  # a generator would serve one table only
    for table in tables:
        if months is None:
            marks[table] = None
        elif table not in marks:
            marks[table] = set(months)
        elif marks[table] is not None:
            marks[table] |= months


# ---------------------------------------------------------------- reading
def data_version(db: str | os.PathLike | None = None) -> tuple[int, int, int] | None:
    """A key that changes whenever a writer swaps in a new warehouse (``None`` if absent)."""
    path = settings.db_path(db)
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def versioned(db: str | os.PathLike | None = None) -> tuple[str, tuple[int, int, int]]:
    """``(absolute path, data version)`` of an existing warehouse: the key of anything
    cached per data version (raises :class:`WarehouseMissing` when there is no file)."""
    path = settings.db_path(db)
    version = data_version(path)
    if version is None:
        raise WarehouseMissing(f"warehouse {path} does not exist")
    return str(path.resolve()), version


def _no_progress_bar(con: duckdb.DuckDBPyConnection) -> None:
    """Keep DuckDB's progress bars out of CLI output (inside Jupyter DuckDB refuses to
    change the setting without ipywidgets; it then stays as it is)."""
    with contextlib.suppress(duckdb.Error):
        con.execute("set enable_progress_bar = false")


def connect_read(db: str | os.PathLike | None = None) -> duckdb.DuckDBPyConnection:
    """Open a read-only snapshot of the warehouse.

    The returned connection is an in-memory DuckDB with the warehouse attached
    ``READ_ONLY`` and selected with ``USE``, so unqualified table names work.

    Raises
    ------
    WarehouseMissing
        If the file does not exist.
    """
    path = settings.db_path(db)
    if not path.exists():
        raise WarehouseMissing(
            f"warehouse {path} does not exist: run `servicecircle demo` or `servicecircle import`"
        )
    con = duckdb.connect(config={"threads": 2, **parts.config(path)})
    _no_progress_bar(con)
    con.execute("ATTACH $p AS wh (READ_ONLY)", {"p": str(path)})
    con.execute("USE wh")
    return con


# ---------------------------------------------------------------- writing
def _lock_path(path: Path) -> Path:
    return path.with_name(path.name + ".lock")


def _clean_stale_temps(path: Path) -> None:
    """Remove temporaries left by writers that died (we hold the lock, so none is live)."""
    for tmp in path.parent.glob(path.name + ".tmp-*"):
        with contextlib.suppress(OSError):
            if tmp.is_dir():  # DuckDB's spill folder next to a dead writer's copy
                shutil.rmtree(tmp)
            else:
                tmp.unlink()


@contextlib.contextmanager
def _exclusive(path: Path, timeout_s: float) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(_lock_path(path), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise TimeoutError(
                        f"another import is writing {path}; try again when it has finished"
                    ) from None
                time.sleep(0.2)
        yield
    finally:
        os.close(fd)  # releases the flock


@contextlib.contextmanager
def writer(
    db: str | os.PathLike | None = None,
    *,
    refresh: bool = True,
    lock_timeout_s: float = 600.0,
    memory_limit: str = "4GB",
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Write to the warehouse all-or-nothing.

    Usage::

        with warehouse.writer(db) as con:
            con.execute("insert into ...")

    Everything done on ``con`` becomes visible to readers at once when the block ends
    without an exception; otherwise nothing changes. The schema is created or
    completed first, and the rollups are refreshed before the swap (``refresh=False``
    skips that, for a caller that will write again at once).

    Parameters
    ----------
    db
        Warehouse path (``None``: ``--db`` default, see :func:`settings.db_path`).
    refresh
        Rebuild ``queries/rollups`` before publishing.
    lock_timeout_s
        How long to wait for another writer.
    memory_limit
        DuckDB memory limit for this write.
    """
    path = settings.db_path(db).resolve()
    with _exclusive(path, lock_timeout_s):
        _clean_stale_temps(path)
        tmp = path.with_name(f"{path.name}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}")
        if path.exists():
            shutil.copyfile(path, tmp)
        con = duckdb.connect(str(tmp), config={"memory_limit": memory_limit, "threads": 2, **parts.config(path)})
        _no_progress_bar(con)
        ok = False
        _CHANGED[id(con)] = {}
        parts.begin(con, path)
        try:
            migrated = init_schema(con)
            con.execute("begin transaction")
            moved_out = parts.adopt(con)
            yield con
            if refresh:
                current = rollups_hash()
                changed = _CHANGED.get(id(con)) or None
                if migrated or _stored_rollups_hash(con) != current:
                    changed = None  # rollup scripts changed since the last write, or a migration ran: rebuild all
                refresh_rollups(con, changed)
                define_macros(con)
                con.execute("insert or replace into meta values ('rollups_hash', $v)", {"v": current})
            con.execute(
                "insert or replace into meta values ('data_version', $v)",
                {"v": uuid.uuid4().hex},
            )
            con.execute("commit")
            con.execute("checkpoint")
            listed = parts.listed_files(con)
            if moved_out or _mostly_free(con):
                _rewrite_compact(con, tmp)
            parts.sync(con)
            ok = True
        finally:
            _CHANGED.pop(id(con), None)
            parts.discard(con, failed=not ok)
            if not ok:
                with contextlib.suppress(Exception):
                    con.execute("rollback")
            con.close()
            if ok:
                compact = Path(str(tmp) + ".compact")
                if compact.exists():
                    os.replace(compact, tmp)
                fd = os.open(tmp, os.O_RDONLY)
                try:
                    os.fsync(fd)
                finally:
                    os.close(fd)
                os.replace(tmp, path)
                dfd = os.open(path.parent, os.O_RDONLY)
                try:
                    os.fsync(dfd)
                finally:
                    os.close(dfd)
            else:
                for leftover in (tmp, Path(str(tmp) + ".wal"), Path(str(tmp) + ".compact")):
                    with contextlib.suppress(OSError):
                        leftover.unlink()
            with contextlib.suppress(OSError):
                shutil.rmtree(Path(str(tmp) + ".tmp"))
        if ok:
            parts.collect(path, listed)


def _mostly_free(con: duckdb.DuckDBPyConnection) -> bool:
    """More than half of a file of over 64 MB is free blocks (rows moved out or deleted):
    DuckDB does not give them back, so the file is rewritten (:func:`_rewrite_compact`)."""
    _, _, block_size, total, _, free, *_ = con.execute("pragma database_size").fetchone()
    return total * block_size > 64 * 2**20 and free > total / 2


def _rewrite_compact(con: duckdb.DuckDBPyConnection, tmp: Path) -> None:
    """Copy the committed database of ``con`` into ``<tmp>.compact`` without its free
    blocks; the writer publishes that file instead of ``tmp``."""
    compact = Path(str(tmp) + ".compact")
    with contextlib.suppress(OSError):
        compact.unlink()
    name = con.execute("select current_database()").fetchone()[0]
    con.execute("ATTACH $p AS _sc_compact", {"p": str(compact)})
    try:
        con.execute(f'COPY FROM DATABASE "{name}" TO _sc_compact')
    finally:
        con.execute("DETACH _sc_compact")


def ensure(db: str | os.PathLike | None = None) -> Path:
    """Create an empty warehouse with the full schema if none exists; return its path."""
    path = settings.db_path(db)
    if not path.exists():
        with writer(path):
            pass
    return path
