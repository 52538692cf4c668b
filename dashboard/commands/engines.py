"""``servicecircle rollups`` and ``servicecircle export-parquet``: the summary tables on
DuckDB or on Apache Spark.

``rollups --engine duckdb`` rebuilds every rollup of ``queries/rollups/`` inside one
warehouse write (what every import does for the tables it touched). ``rollups --engine
spark --master URL`` exports the facts to Parquet, computes the rollups on Spark
(:mod:`dashboard.engines.spark`; ``local[2]`` on one machine, a cluster's URL at
headquarters) and loads them into the warehouse's rollup tables in one write, so the
dashboard reads what Spark computed. ``export-parquet OUT`` writes only the Parquet facts
(the feed of a cluster that reads them from HDFS or S3).

``--json`` prints ``{"engine", "master", "out", "facts": {table: rows}, "rollups":
{table: rows}}`` (``rollups``; ``master``, ``out`` and ``facts`` only for spark) or
``{"out", "facts"}`` (``export-parquet``). Exit codes: 0 done; 2 no warehouse or a bad
option; 3 the warehouse is locked by another write; 1 any other failure (one line, no
traceback).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from rich.console import Console
from rich.table import Table

from dashboard import settings, warehouse
from dashboard.commands import DbOption, exit_on
from dashboard.i18n import t

ENGINES: tuple[str, ...] = ("duckdb", "spark")


def _duckdb_rollups(db) -> dict[str, Any]:
    with warehouse.writer(db):  # a write that marks no table rebuilds every rollup
        pass
    con = warehouse.connect_read(db)
    try:
        names = sorted(set().union(*(c for _, c, _ in warehouse.rollup_plan())))
        rows = {n: int(con.execute(f"select count(*) from {n}").fetchone()[0]) for n in names}
    finally:
        con.close()
    return {"engine": "duckdb", "rollups": rows}


def _print_rows(out: Console, title: str, rows: dict[str, int], lang: str) -> None:
    tab = Table(title=title)
    tab.add_column(t("engines.col.table", lang))
    tab.add_column(t("engines.col.rows", lang), justify="right")
    for name, n in rows.items():
        tab.add_row(name, f"{n:,}")
    out.print(tab)


def rollups_command(
    engine: Annotated[str, typer.Option("--engine", help="duckdb (one machine) or spark (a cluster, or local[N]).")] = "duckdb",
    master: Annotated[str, typer.Option("--master", help="Spark master URL: local[2], spark://host:7077, yarn, k8s://...")] = "local[2]",
    db: DbOption = None,
    out: Annotated[Optional[Path], typer.Option("--out", help="Spark's folder for the Parquet facts and rollups (default <db>.spark/).")] = None,
    shuffle_partitions: Annotated[int, typer.Option("--shuffle-partitions", help="spark.sql.shuffle.partitions (a few per core of the cluster).")] = 2,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    lang: Annotated[str, typer.Option("--lang", help="Language of the printed summary: zh or en.")] = "zh",
) -> None:
    """Rebuild the summary tables (rollups) on DuckDB or on Apache Spark."""
    err = Console(stderr=True)
    if engine not in ENGINES:
        err.print(t("engines.cli.bad_engine", lang, engine=engine, choices=", ".join(ENGINES)), markup=False)
        raise typer.Exit(2)
    path = settings.db_path(db)
    try:
        if not path.exists():
            raise warehouse.WarehouseMissing(f"warehouse {path} does not exist")
        if engine == "duckdb":
            result = _duckdb_rollups(path)
        else:
            from dashboard.engines import spark

            def progress(message: str, fraction: float) -> None:
                if not as_json and sys.stderr.isatty():
                    err.print(f"{fraction:>4.0%} {message}", markup=False, highlight=False)

            result = spark.run(path, master=master, out_dir=out, shuffle_partitions=shuffle_partitions,
                               progress=progress)
    except Exception as exc:  # one clear line, never a traceback
        exit_on(exc, err, lang, "engines.cli")
    from dashboard.commands.precompute import after_publish

    after_publish(path, lang, quiet=as_json)  # new summary tables: a new data version
    if as_json:
        print(json.dumps(result, ensure_ascii=False))
        return
    _print_rows(Console(), t("engines.cli.rollups_done", lang, engine=engine), result["rollups"], lang)


def export_parquet_command(
    out: Annotated[Path, typer.Argument(help="Folder for <table>.parquet (created if missing).")],
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    lang: Annotated[str, typer.Option("--lang", help="Language of the printed summary: zh or en.")] = "zh",
) -> None:
    """Write the facts the rollups read to Parquet (DuckDB COPY), for Spark."""
    err = Console(stderr=True)
    try:
        from dashboard.engines import spark

        counts = spark.export_parquet(db, out)
    except Exception as exc:
        exit_on(exc, err, lang, "engines.cli")
    if as_json:
        print(json.dumps({"out": str(out), "facts": counts}, ensure_ascii=False))
        return
    _print_rows(Console(), t("engines.cli.exported", lang, out=str(out)), counts, lang)


def register(app: typer.Typer) -> None:
    """Add ``rollups`` and ``export-parquet`` to the ``servicecircle`` command line."""
    app.command("rollups")(rollups_command)
    app.command("export-parquet")(export_parquet_command)
