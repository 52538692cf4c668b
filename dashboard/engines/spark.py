"""The rollups and the effect panels on Apache Spark, over Parquet copies of the facts.

For headquarters scale (many cities, hundreds of millions of tickets) the same SQL that
DuckDB runs inside every write (``queries/rollups/*.sql``) and at query time
(``queries/effects/*.sql``) runs on a Spark cluster instead:

1. :func:`export_parquet` gives Spark the canonical tables the rollups read: the fact
   tables' own Parquet parts (:mod:`dashboard.parts`), hard-linked into a folder per
   table, and the other tables written with DuckDB's ``COPY ... TO ... (FORMAT parquet)``
   (at scale the parts live on HDFS or S3 and Spark reads them there);
2. :class:`SparkEngine` registers them as Spark views, ports each rollup script with
   :mod:`dashboard.engines.port` and runs it, writing every rollup table to Parquet
   (``<out>/<table>/``) and reading it back as the view later scripts read;
3. :func:`load_rollups` loads those Parquet tables into the warehouse's rollup tables
   in one :func:`dashboard.warehouse.writer` write, with the column types DuckDB's own
   build gives them, so the dashboard reads what Spark wrote.

What does not run on Spark: the three ``8x/90_demo_*`` scripts (:data:`DUCKDB_ONLY`), the demo
flag's bookkeeping. It compares DuckDB's own row hash ``hash(t)`` of every stored row
with the hashes the demo recorded and edits the ``meta`` table; Spark's hashes differ
and it holds no ``meta``. It is not a rollup of the facts, and every warehouse write
runs it.

Spark is set up for DuckDB's semantics (:func:`session`): time zone UTC, Parquet
timestamps read as ``TIMESTAMP`` (DuckDB writes them without a zone), ANSI mode off
(NULL, not an error, on a division by zero, as DuckDB).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from dashboard import parts, settings, warehouse
from dashboard.engines import port

__all__ = [
    "DUCKDB_ONLY",
    "PANELS",
    "PARAM_TYPES",
    "SparkEngine",
    "export_parquet",
    "fact_tables",
    "load_rollups",
    "rollup_scripts",
    "run",
    "session",
    "spark_schema",
]

DUCKDB_ONLY: tuple[str, ...] = ("88_demo_left_facts.sql", "89_demo_left_dims.sql", "90_demo_rows_left.sql")
"""Rollup scripts that stay on DuckDB (see the module docstring)."""

PANELS: tuple[str, ...] = tuple(
    sorted(p.stem for p in (settings.QUERIES_DIR / "effects").glob("*.sql"))
)
"""The effect panels of ``queries/effects/`` (file stems)."""

PARAM_TYPES: dict[str, str] = {
    "date_from": "date",
    "date_to": "date",
    "districts": "array<string>",
    "waves": "array<string>",
    "hall_ids": "array<string>",
    "service_types": "array<string>",
    "categories": "array<string>",
    "per_households": "double",
}
"""Spark types of the named queries' ``$params`` (a NULL must still have a type in Spark)."""

Progress = Callable[[str, float], None]


def rollup_scripts() -> list[Path]:
    """The rollup scripts Spark runs, in the warehouse's run order."""
    return [p for p, _, _ in warehouse.rollup_plan() if p.name not in DUCKDB_ONLY]


def fact_tables() -> list[str]:
    """The canonical tables the Spark rollups and panels read (the Parquet export)."""
    reads: set[str] = {"communities"}
    for path, _, tables in warehouse.rollup_plan():
        if path.name not in DUCKDB_ONLY:
            reads |= tables & set(warehouse.CANONICAL_TABLES)
    return [t for t in warehouse.CANONICAL_TABLES if t in reads]


def export_parquet(
    db: str | os.PathLike | None, out_dir: str | os.PathLike, *, tables: list[str] | None = None,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Write the canonical tables of a warehouse to ``out_dir/<table>.parquet``.

    Uses DuckDB's ``COPY (select * from t) TO ... (FORMAT parquet)`` on a read-only
    snapshot (a write going on meanwhile is not seen, never half seen).

    Returns
    -------
    dict
        Rows written per table.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    names = fact_tables() if tables is None else list(tables)
    counts: dict[str, int] = {}
    con = warehouse.connect_read(db)
    try:
        for i, name in enumerate(names):
            if name not in warehouse.CANONICAL_TABLES:
                raise ValueError(f"{name!r} is not a canonical table")
            if progress is not None:
                progress(name, i / len(names))
            target = out / f"{name}.parquet"
            tmp = out / f".{name}.parquet.tmp"
            if name in parts.PARTITIONED:
                _link_parts(con, settings.db_path(db), name, tmp)
                shutil.rmtree(target, ignore_errors=True)
            else:
                con.execute(f"copy (select * from {name}) to {parts.sql_literal(str(tmp))} (format parquet)")
            os.replace(tmp, target)
            counts[name] = int(con.execute(f"select count(*) from {name}").fetchone()[0])
    finally:
        con.close()
    if progress is not None:
        progress("done", 1.0)
    return counts


def _link_parts(con, db: Path, name: str, folder: Path) -> None:
    """Fill ``folder`` with the Parquet parts of the fact table ``name`` that the snapshot
    behind ``con`` lists (:mod:`dashboard.parts`): hard links where the file system allows
    (no copy: the parts are immutable), copies otherwise. A table without parts gets one
    empty file with its columns."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    files = [r[0] for r in con.execute(
        "select file from parts_files where table_name = $t order by month nulls first, file", {"t": name}
    ).fetchall()]
    if not files:
        target = parts.sql_literal(str(folder / "part-00000.parquet"))
        con.execute(f"copy (select * from {name}) to {target} (format parquet)")
    root = parts.folder(db.resolve())
    for i, rel in enumerate(files):
        src, dst = root / rel, folder / f"part-{i:05d}.parquet"
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)


def session(master: str = "local[2]", *, shuffle_partitions: int = 2, app_name: str = "servicecircle"):
    """A Spark session set up for the ported SQL (see the module docstring).

    Parameters
    ----------
    master
        ``local[N]`` (one machine, N threads) or a cluster's URL (``spark://host:7077``,
        ``yarn``, ``k8s://...``).
    shuffle_partitions
        ``spark.sql.shuffle.partitions``: 2 for tests and small data; a cluster wants
        a few per core.
    """
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master(master)
        .appName(app_name)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", str(shuffle_partitions))
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.parquet.inferTimestampNTZ.enabled", "false")
        .config("spark.sql.ansi.enabled", "false")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark


class SparkEngine:
    """Run the ported rollups and effect panels on a Spark session.

    Parameters
    ----------
    spark
        A session from :func:`session`.
    facts_dir
        Folder with ``<table>.parquet`` (a file, or a folder of Parquet files) for each of :func:`fact_tables` (a local path,
        ``hdfs://...`` or ``s3a://...``).
    out_dir
        Where the rollup tables are written (``<out_dir>/<table>/``, Parquet).
    """

    def __init__(self, spark, facts_dir: str | os.PathLike, out_dir: str | os.PathLike) -> None:
        self.spark = spark
        self.facts_dir = str(facts_dir)
        self.out_dir = str(out_dir)
        self.macros = port.load_macros()
        for name in fact_tables():
            df = spark.read.parquet(f"{self.facts_dir}/{name}.parquet")
            if parts.KEY_HASH in df.columns:  # the parts' own key hash, not a column of the table
                df = df.drop(parts.KEY_HASH)
            df.createOrReplaceTempView(name)

    def schema(self) -> dict[str, dict[str, str]]:
        """``{view: {column: Spark type}}`` of the views registered so far."""
        return spark_schema(self.spark)

    def run_rollups(self, progress: Progress | None = None) -> list[str]:
        """Run every rollup script of :func:`rollup_scripts`; return the tables written."""
        written: list[str] = []
        scripts = rollup_scripts()
        for i, path in enumerate(scripts):
            if progress is not None:
                progress(path.name, i / len(scripts))
            for st in port.port_script(path.read_text(encoding="utf-8"), self.macros, self.schema()):
                written += self._run(st)
        if progress is not None:
            progress("done", 1.0)
        return written

    def _run(self, st: port.Statement) -> list[str]:
        if st.kind == "drop":
            self.spark.catalog.dropTempView(st.name)
            return []
        if st.kind not in ("table", "temp"):
            raise port.PortError(f"a rollup script may only create tables, not run a bare {st.kind}")
        # cached: written once, then read from memory by the scripts after it
        df = self.spark.sql(st.sql).cache()
        df.createOrReplaceTempView(st.name)
        if st.kind == "temp":
            return []
        df.write.mode("overwrite").parquet(f"{self.out_dir}/{st.name}")
        return [st.name]

    def use_rollups(self, names: list[str]) -> None:
        """Register rollup tables already written to ``out_dir`` (panels read them)."""
        for name in names:
            self.spark.read.parquet(f"{self.out_dir}/{name}").createOrReplaceTempView(name)

    def panel(self, name: str, params: Mapping[str, Any] | None = None) -> pd.DataFrame:
        """Compute the effect panel ``queries/effects/<name>.sql`` on Spark.

        ``params`` are the query's ``$params`` (as for :func:`dashboard.warehouse.query`),
        bound by Spark; each placeholder is cast to its :data:`PARAM_TYPES` type. Needs
        the rollups (run :meth:`run_rollups` or :meth:`use_rollups` first).
        """
        text = warehouse.sql_text(f"effects/{name}")
        sql = port.port_query(text, self.macros, self.schema(), param_types=PARAM_TYPES)
        bound = {k: _spark_value(v) for k, v in (params or {}).items() if f"${k}" in text}
        for k in PARAM_TYPES:
            if f"${k}" in text:
                bound.setdefault(k, None)
        df = self.spark.sql(sql, args=bound)
        rows = df.collect()
        return pd.DataFrame([r.asDict() for r in rows], columns=df.columns)


def spark_schema(spark) -> dict[str, dict[str, str]]:
    """``{view: {column: Spark type}}`` of a session's temporary views (lower case): the
    schema :func:`dashboard.engines.port.port_query` needs for ``* EXCLUDE`` and ``len``."""
    out: dict[str, dict[str, str]] = {}
    for table in spark.catalog.listTables():
        if table.isTemporary:
            fields = spark.table(table.name).schema.fields
            out[table.name.lower()] = {f.name.lower(): f.dataType.simpleString() for f in fields}
    return out


def _spark_value(v: Any) -> Any:
    if isinstance(v, (list, tuple)):
        return [str(x) for x in v]
    if isinstance(v, pd.Timestamp):
        return v.date()
    if isinstance(v, dt.datetime):
        return v.date()
    return v


def load_rollups(db: str | os.PathLike | None, out_dir: str | os.PathLike, tables: list[str]) -> dict[str, int]:
    """Replace the warehouse's rollup tables by the Parquet tables Spark wrote.

    One :func:`dashboard.warehouse.writer` write (readers see the old rollups until it
    is published). A table DuckDB's own build already has keeps its column names, order
    and types (Spark's ``bigint`` sums are cast back to DuckDB's ``hugeint`` ...), so the
    named queries read it unchanged; a column missing on either side is refused. The same
    write runs the :data:`DUCKDB_ONLY` scripts, defines the macros and records the
    rollup scripts' hash, as a DuckDB write does: no reader rebuilds the rollups after it.

    Returns
    -------
    dict
        Rows loaded per table.
    """
    out = Path(out_dir)
    loaded: dict[str, int] = {}
    with warehouse.writer(db, refresh=False) as con:
        existing = {r[0] for r in con.execute(
            "select table_name from information_schema.tables where table_catalog = current_database()"
        ).fetchall()}
        for name in tables:
            src = f"read_parquet({port_path(out / name)})"
            spark_cols = [r[0] for r in con.execute(f"describe select * from {src}").fetchall()]
            if name in existing:
                types = con.execute(
                    "select column_name, data_type from information_schema.columns "
                    "where table_name = $t and table_catalog = current_database() order by ordinal_position",
                    {"t": name},
                ).fetchall()
                if {c for c, _ in types} != set(spark_cols):
                    raise ValueError(
                        f"rollup {name}: Spark wrote columns {spark_cols}, the warehouse has {[c for c, _ in types]}"
                    )
                select = ", ".join(f'cast("{c}" as {t}) as "{c}"' for c, t in types)
            else:
                select = "*"
            con.execute(f"create or replace table {name} as select {select} from {src}")
            loaded[name] = int(con.execute(f"select count(*) from {name}").fetchone()[0])
        # the rest of what a DuckDB write does after its rollups, so the warehouse is as
        # current as DuckDB's own build and no reader rebuilds it: the demo flag's
        # bookkeeping (DUCKDB_ONLY), the macros the rollup scripts define, the named
        # queries' macros (they bind the tables they read when created), the scripts' hash
        for path, _, _ in warehouse.rollup_plan():
            text = path.read_text(encoding="utf-8")
            if path.name in DUCKDB_ONLY:
                con.execute(text)
            for stmt in port.macro_statements(text):
                con.execute(stmt)
        warehouse.define_macros(con)
        con.execute("insert or replace into meta values ('rollups_hash', $v)", {"v": warehouse.rollups_hash()})
    return loaded


def port_path(path: Path) -> str:
    """The SQL string literal of a Parquet folder's files (``'<dir>/*.parquet'``)."""
    return parts.sql_literal(str(path / "*.parquet"))


def run(
    db: str | os.PathLike | None,
    *,
    master: str = "local[2]",
    out_dir: str | os.PathLike | None = None,
    shuffle_partitions: int = 2,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Export the facts, compute the rollups on Spark, load them into the warehouse.

    What ``servicecircle rollups --engine spark`` does. ``out_dir`` (default
    ``<db>.spark/`` beside the warehouse) gets ``facts/`` (the Parquet export) and
    ``rollups/`` (Spark's output).

    Returns
    -------
    dict
        ``{"engine": "spark", "master", "out", "facts": {table: rows}, "rollups":
        {table: rows}}``.
    """
    path = settings.db_path(db)
    if not path.exists():
        raise warehouse.WarehouseMissing(f"warehouse {path} does not exist")
    out = Path(out_dir) if out_dir is not None else path.with_name(path.name + ".spark")
    facts, rollups = out / "facts", out / "rollups"

    def step(name: str, lo: float, hi: float) -> Progress | None:
        if progress is None:
            return None
        return lambda msg, frac: progress(f"{name}: {msg}", lo + (hi - lo) * frac)

    counts = export_parquet(path, facts, progress=step("export", 0.0, 0.1))
    if rollups.exists():
        shutil.rmtree(rollups)
    engine = SparkEngine(session(master, shuffle_partitions=shuffle_partitions), facts, rollups)
    tables = engine.run_rollups(progress=step("spark", 0.1, 0.9))
    loaded = load_rollups(path, rollups, tables)
    if progress is not None:
        progress("load: done", 1.0)
    return {"engine": "spark", "master": master, "out": str(out), "facts": counts, "rollups": loaded}
