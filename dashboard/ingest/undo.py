"""Undo an import: what every import keeps for it, and the undo itself.

An import (:func:`dashboard.ingest.import_files`) keeps, in its own write transaction
(:func:`keep`, called by the importer for each file):

* for every row it wrote, its key (``undo_keys_<table>``, key columns only); for every key
  it replaced (counted ``updated``) the whole version it replaced, exactly as it was stored
  (``undo_<table>``; personal fields are the keyed hashes the table holds, never clear
  values). Tables in ``queries/schema/006_undo.sql``;
* one row in ``import_batches``: the import's place in the order of imports (``batch_no``),
  who ran it, and how many rows it wrote and replaced.

:func:`undo_import` undoes one import in one :func:`dashboard.warehouse.writer`
transaction: it deletes the rows the import wrote, puts back the versions it replaced,
drops the rows it rejected from ``rejects`` and its own undo data (``import_batches`` keeps
its counts), re-attributes the fact tables through the
customer list when the import was a customer list or put back fact rows
(:func:`dashboard.ingest.attribution.reattribute` and
:func:`~dashboard.ingest.attribution.detach`), marks the table for the rollup refresh (a
fact table with the months of the rows deleted and put back, so only those months of
the month-by-month rollups are rebuilt, :mod:`dashboard.rollup_months`) and
adds a row to ``import_undos`` (the ledger row in ``imports`` stays). It refuses
(:class:`UndoRefused`, nothing written) an unknown id, an import already undone, an
import made before undo existed, and an import a later import still in place wrote the
same keys over: overlapping imports are undone newest first, so each undo puts back
exactly the table as it was before that import.

:func:`list_imports` gives the import batches for ``servicecircle imports list`` and the
Data page (``queries/data/import_batches.sql``).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import asdict, dataclass

import duckdb
import pandas as pd

from dashboard import parts, warehouse
from dashboard.ingest import attribution
from dashboard.ingest.aliases import TableSpec, table_spec
from dashboard.rollup_months import FACT_DATES

__all__ = ["MIN_ID_CHARS", "UndoRefused", "UndoResult", "batches", "keep", "list_imports", "status_text",
           "undo_import"]

MIN_ID_CHARS = 6
"""Shortest start of an import id :func:`undo_import` accepts for the whole id."""


class UndoRefused(ValueError):
    """An undo refused before anything was written; ``key`` and ``params`` name the i18n
    text (``dashboard/i18n/undo.toml``) of the reason (:meth:`localized`)."""

    def __init__(self, message: str, *, key: str, params: dict | None = None) -> None:
        super().__init__(message)
        self.key = key
        self.params = params or {}

    def localized(self, lang: str | None = None) -> str:
        """The reason in ``lang``."""
        from dashboard.i18n import t

        return t(self.key, lang, **self.params)


@dataclass
class UndoResult:
    """What one undo did (the ``--json`` object of ``servicecircle imports undo``)."""

    import_id: str
    table: str
    file: str
    sha256: str
    """The imported file's SHA-256 (as in the ledger)."""
    deleted: int
    """Rows of the import deleted (the keys it wrote)."""
    restored: int
    """Earlier versions put back (the keys it had replaced)."""
    reattributed: dict[str, int] | None
    """Fact rows whose community changed with the customer list, per table; None when no
    re-attribution ran."""
    undone_at: str
    undone_by: str | None

    def as_dict(self) -> dict:
        """The result as a JSON-ready dict."""
        return asdict(self)


def undo_table(table: str) -> str:
    """The table of the versions imports replaced in ``table`` (``undo_counter_tickets``)."""
    return f"undo_{table}"


def keys_table(table: str) -> str:
    """The table of the keys imports wrote in ``table`` (``undo_keys_counter_tickets``)."""
    return f"undo_keys_{table}"


def _keys(spec: TableSpec, alias: str = "") -> str:
    return ", ".join(f'{alias}"{k}"' for k in spec.key)


# ---------------------------------------------------------------- at import
def keep(con: duckdb.DuckDBPyConnection, spec: TableSpec, import_id: str, *, all_new: bool,
         user: str | None, stored: str | None = None) -> tuple[int, int]:
    """Keep what undoing this file's import needs (inside the import's transaction).

    Runs after the importer classified the rows (``_sc_stage`` and ``_sc_class``) and
    before it deletes the replaced keys: the replaced versions are copied as stored.

    Parameters
    ----------
    con
        The import's writer connection.
    spec
        The table imported.
    import_id
        The file's ledger id.
    all_new
        Every staged row is written and none replaces a stored key (then the keys are
        taken from the staged rows without joining the classification).
    user
        Who runs the import (None when not known).
    stored
        A relation holding at least the stored rows of the keys this file replaces
        (:func:`dashboard.parts.with_keys`; default the table itself).

    Returns
    -------
    (n_written, n_replaced)
    """
    keys = _keys(spec)
    n_replaced = 0
    if all_new:
        written = "from _sc_stage s"
    else:
        written = "from _sc_stage s join _sc_class c using (_row) where c._write"
        # the stored versions of the keys this file replaces, every column as stored
        n_replaced = int(con.execute(
            f"""insert into {undo_table(spec.name)} by name
                select $iid as import_id, t.*
                from {stored or spec.name} as t semi join (
                    select {_keys(spec, 's.')} {written} and c._sh is not null) as u using ({keys})""",
            {"iid": import_id},
        ).fetchone()[0])
    n_written = int(con.execute(
        f"insert into {keys_table(spec.name)} select $iid, {_keys(spec, 's.')} {written}",
        {"iid": import_id},
    ).fetchone()[0])
    con.execute(
        "insert into import_batches select $iid, coalesce(max(batch_no), 0) + 1, $t, $who, $w, $r "
        "from import_batches",
        {"iid": import_id, "t": spec.name, "who": user, "w": n_written, "r": n_replaced},
    )
    return n_written, n_replaced


# ---------------------------------------------------------------- listing
STAND_INS: dict[str, str] = {
    "import_batches": "import_id varchar, batch_no bigint, table_name varchar, imported_by varchar, "
                      "n_written bigint, n_replaced bigint",
    "import_undos": "import_id varchar, undone_at timestamp, undone_by varchar, n_deleted bigint, "
                    "n_restored bigint, reattributed_json varchar",
}
"""The bookkeeping tables of ``queries/schema/006_undo.sql`` (same columns), created empty
and temporary on a read connection to a warehouse made before undo existed and not
written since (the schema is completed by the next write)."""


def _stand_ins(con: duckdb.DuckDBPyConnection) -> None:
    have = {r[0] for r in con.execute(
        "select table_name from duckdb_tables() where database_name = current_database()"
    ).fetchall()}
    for name, columns in STAND_INS.items():
        if name not in have:  # no import of this warehouse kept undo data, none was undone
            con.execute(f"create temp table if not exists {name} ({columns})")


def list_imports(con: duckdb.DuckDBPyConnection, limit: int = 1000) -> pd.DataFrame:
    """The import batches, newest first (``queries/data/import_batches.sql``): id, table,
    file, sha256, counts, when, who (when recorded), whether undo data was kept and
    whether (when, by whom) the import was undone."""
    _stand_ins(con)
    return warehouse.query(con, "data/import_batches", {"limit": int(limit)})


def _when(ts) -> str | None:
    return None if pd.isna(ts) else pd.Timestamp(ts).isoformat(sep=" ", timespec="seconds")


def batches(df: pd.DataFrame) -> list[dict]:
    """The rows of :func:`list_imports` as plain objects (the ``--json`` of
    ``servicecircle imports list``): import_id, table, file, sha256, read, stored, updated,
    duplicates, rejected, started_at, finished_at, imported_by, can_undo, undone,
    undone_at, undone_by, n_written, n_replaced."""
    def text(v):
        return None if pd.isna(v) else str(v)

    def count(v):
        return None if pd.isna(v) else int(v)

    return [{
        "import_id": r.import_id, "table": r.table_name, "file": r.file_name, "sha256": r.content_hash,
        "read": int(r.n_read), "stored": int(r.n_stored), "updated": int(r.n_updated),
        "duplicates": int(r.n_duplicates), "rejected": int(r.n_rejected),
        "started_at": _when(r.started_at), "finished_at": _when(r.finished_at),
        "imported_by": text(r.imported_by),
        "can_undo": bool(r.has_undo_data) and not bool(r.is_undone),
        "undone": bool(r.is_undone), "undone_at": _when(r.undone_at), "undone_by": text(r.undone_by),
        "n_written": count(r.n_written), "n_replaced": count(r.n_replaced),
    } for r in df.itertuples(index=False)]


def status_text(batch: dict, lang: str | None = None) -> str:
    """One batch's status in words (an object of :func:`batches`): in place, undone (when,
    by whom), or made before undo existed."""
    from dashboard.i18n import t

    if batch["undone"]:
        return t("undo.status.undone", lang, at=batch["undone_at"], by=batch["undone_by"] or "–")
    return t("undo.status.live" if batch["can_undo"] else "undo.status.no_data", lang)


# ---------------------------------------------------------------- the undo
def _find(con: duckdb.DuckDBPyConnection, import_id: str) -> tuple:
    """The ledger row of ``import_id`` (or of the one import whose id starts with it)."""
    wanted = import_id.strip().lower()
    sql = ("select i.import_id, i.table_name, i.file_name, i.content_hash, b.batch_no, u.undone_at, u.undone_by "
           "from imports i left join import_batches b using (import_id) "
           "left join import_undos u using (import_id) ")
    found = con.execute(sql + "where i.import_id = $id", {"id": wanted}).fetchall()
    if not found and len(wanted) >= MIN_ID_CHARS:
        found = con.execute(sql + "where starts_with(i.import_id, $id) order by i.import_id",
                            {"id": wanted}).fetchall()
    if not found:
        raise UndoRefused(f"no import with id {import_id!r}", key="undo.refused.unknown",
                          params={"id": import_id})
    if len(found) > 1:
        ids = ", ".join(r[0] for r in found[:5])
        raise UndoRefused(f"{import_id!r} starts more than one import id: {ids}", key="undo.refused.ambiguous",
                          params={"id": import_id, "ids": ids})
    return found[0]


def _blockers(con: duckdb.DuckDBPyConnection, spec: TableSpec, import_id: str, batch_no: int) -> list[tuple]:
    """Later imports of the same table, not undone, that wrote a key this import wrote
    (newest first): ``(import_id, file_name, finished_at)``."""
    target = keys_table(spec.name)
    keys = _keys(spec)
    return con.execute(
        f"""with later as (
                select b.import_id from import_batches b
                where b.table_name = $t and b.batch_no > $n
                  and b.import_id not in (select import_id from import_undos)
            ), hit as (
                select distinct l.import_id
                from {target} as l semi join (select {keys} from {target} where import_id = $iid) as m
                  using ({keys})
                where l.import_id in (select import_id from later)
            )
            select i.import_id, i.file_name, i.finished_at
            from hit join imports i using (import_id) join import_batches b using (import_id)
            order by b.batch_no desc""",
        {"t": spec.name, "n": batch_no, "iid": import_id},
    ).fetchall()


def _months(con: duckdb.DuckDBPyConnection, spec: TableSpec, import_id: str) -> list:
    """The months (first days) of every date column the rollups group by
    (:data:`dashboard.rollup_months.FACT_DATES`) of the rows the undo deletes and of the
    versions it puts back; called before the delete."""
    months = ", ".join(f"cast(date_trunc('month', \"{c}\") as date)" for c in FACT_DATES[spec.name])
    keys = _keys(spec)
    return [r[0] for r in con.execute(
        f"""select distinct m from (
                select unnest([{months}]) as m from {spec.name}
                semi join (select {keys} from {keys_table(spec.name)} where import_id = $iid) as u using ({keys})
                union all
                select unnest([{months}]) as m from {undo_table(spec.name)} where import_id = $iid
            ) where m is not null""",
        {"iid": import_id},
    ).fetchall()]


def _check(con: duckdb.DuckDBPyConnection, import_id: str) -> tuple[str, TableSpec, str, str]:
    """``(import id, table spec, file name, sha256)`` of an import that can be undone now;
    else :class:`UndoRefused` with the reason."""
    iid, table, file_name, sha256, batch_no, undone_at, undone_by = _find(con, import_id)
    if undone_at is not None:
        raise UndoRefused(
            f"import {iid} ({file_name}) was already undone at {undone_at:%Y-%m-%d %H:%M:%S}",
            key="undo.refused.already", params={"id": iid, "file": file_name,
                                                "at": f"{undone_at:%Y-%m-%d %H:%M:%S}", "by": undone_by or "–"},
        )
    if batch_no is None:
        raise UndoRefused(
            f"import {iid} ({file_name}) was made before imports kept undo data; it cannot be undone",
            key="undo.refused.no_data", params={"id": iid, "file": file_name},
        )
    spec = table_spec(table)
    blocking = _blockers(con, spec, iid, int(batch_no))
    if blocking:
        later = ", ".join(f"{b_id} ({b_file}, {b_at:%Y-%m-%d %H:%M:%S})" for b_id, b_file, b_at in blocking)
        raise UndoRefused(
            f"import {iid} ({file_name}) cannot be undone: the later import(s) {later} changed the "
            "same rows; undo them first (newest first)",
            key="undo.refused.blocked", params={"id": iid, "file": file_name, "later": later},
        )
    return iid, spec, file_name, sha256


def _undo(con: duckdb.DuckDBPyConnection, import_id: str, user: str | None) -> UndoResult:
    iid, spec, file_name, sha256 = _check(con, import_id)
    keys = _keys(spec)
    if spec.name in FACT_DATES:  # the rollups are rebuilt for the months of both versions only
        warehouse.mark_changed(con, spec.name, months=_months(con, spec, iid))
    else:
        warehouse.mark_changed(con, spec.name)
    deleted, restored = parts.replace(
        con, spec.name, spec.key,
        delete=f"select {keys} from {keys_table(spec.name)} where import_id = $iid",
        insert=f"select * exclude (import_id) from {undo_table(spec.name)} where import_id = $iid",
        params={"iid": iid},
    )
    con.execute("delete from rejects where import_id = $iid", {"iid": iid})
    # an undone import is never undone again, nor does it block an earlier one: its undo data goes
    for t in (keys_table(spec.name), undo_table(spec.name)):
        con.execute(f"delete from {t} where import_id = $iid", {"iid": iid})
    reattributed = None
    if spec.name == "customers" or (spec.name in attribution.FACT_TABLES and restored):
        # the fact rows follow the customer list as it now is (see the module docstring)
        detached = attribution.detach(con)
        counts = attribution.reattribute(con)
        reattributed = {t: detached[t] + counts[t]["changed"] for t in attribution.FACT_TABLES}
    now = dt.datetime.now().replace(microsecond=0)
    con.execute(
        "insert into import_undos values ($iid, $at, $by, $d, $r, $j)",
        {"iid": iid, "at": now, "by": user, "d": deleted, "r": restored,
         "j": None if reattributed is None else json.dumps(reattributed)},
    )
    return UndoResult(import_id=iid, table=spec.name, file=file_name, sha256=sha256, deleted=deleted, restored=restored,
                      reattributed=reattributed, undone_at=now.isoformat(sep=" "), undone_by=user)


def undo_import(
    import_id: str,
    *,
    db: str | os.PathLike | None = None,
    user: str | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
) -> UndoResult:
    """Undo one import, all or nothing.

    Parameters
    ----------
    import_id
        The import's ledger id (``servicecircle imports list``), or a start of it of at
        least :data:`MIN_ID_CHARS` characters that no other id shares.
    db
        Warehouse path (default: ``$SERVICECIRCLE_DB`` or ``data/warehouse.duckdb``).
    user
        Who undoes it (recorded in ``import_undos``).
    con
        An open writer connection; the undo then joins the caller's transaction.

    Returns
    -------
    UndoResult

    Raises
    ------
    UndoRefused
        Unknown or ambiguous id, already undone, made before undo existed, or a later
        import still in place wrote the same keys (named in the message). Nothing is
        written.
    warehouse.WarehouseMissing
        When there is no warehouse.
    """
    if con is not None:
        return _undo(con, import_id, user)
    reader = warehouse.connect_read(db)  # refuse before the writer copies the warehouse
    try:
        _stand_ins(reader)
        _check(reader, import_id)
    finally:
        reader.close()
    with warehouse.writer(db) as c:  # checked again: another writer may have come between
        return _undo(c, import_id, user)
