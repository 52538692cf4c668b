"""``servicecircle import``: load export files into the warehouse from the command line.

The command is thin: it calls :func:`dashboard.ingest.import_files` (the same function
the Data page's upload box calls) with a rich progress bar, then prints the counts
(``--json``: the :meth:`~dashboard.ingest.ImportResult.as_dict` object plus the unknown
category words). ``servicecircle import network FILE`` dispatches to the coverage
area's :func:`dashboard.coverage.network.import_network`.

Every import, stored, refused or failed, is written to the audit trail under the
operating-system user who ran it (file names, SHA-256, row counts: :mod:`dashboard.access.audit`).

Exit codes: 0 done; 2 import refused (bad file, missing columns, bad profile); 3 the
warehouse is locked by another import; 1 any other failure. No traceback is shown.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from dashboard import settings
from dashboard.access import audit
from dashboard.commands import exit_on
from dashboard.i18n import t

TABLE_CHOICES = ("communities", "halls", "rooms", "tickets", "hotline", "visits", "staff", "buildings", "customers", "network")


def _progress_bar(console: Console, enabled: bool):
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not enabled,
    )


def _print_counts(console: Console, result, lang: str) -> None:
    d = result.as_dict()
    console.print(t("data.cli.title", lang, table=d["table"], n=len(d["files"])), markup=False, highlight=False)
    tab = Table()
    tab.add_column(t("data.col.count", lang))
    tab.add_column(t("data.col.rows", lang), justify="right")
    for k in ("read", "stored", "updated", "duplicates", "rejected"):
        tab.add_row(t(f"data.count.{k}", lang), f"{d[k]:,}")
    console.print(tab)
    if d["reasons"]:
        console.print(t("data.rejects.by_reason", lang), markup=False, highlight=False)
        rt = Table()
        rt.add_column(t("data.col.reason", lang))
        rt.add_column(t("data.col.rows", lang), justify="right")
        for r, n in d["reasons"].items():
            rt.add_row(t(f"data.reason.{r}", lang), f"{n:,}")
        console.print(rt)
    from dashboard.ingest import attribution

    for note in result.notes(lang) + attribution.sentences(result.table, result.attribution, lang):
        console.print(note, markup=False, highlight=False, soft_wrap=True)
    if result.unknown_words:
        console.print(t("data.unknown_words.hint", lang))
        for w in result.unknown_words:
            console.print(f"  {w['count']:>8,}  {w['profile_line']}", markup=False, highlight=False, soft_wrap=True)


def import_command(
    table: Annotated[str, typer.Argument(help="communities | halls | rooms | tickets | hotline | visits | staff | buildings | customers | network")],
    files: Annotated[list[Path], typer.Argument(help="Export files (CSV, XLSX / XLS / ODS, Parquet, GeoJSON, GeoPackage, Shapefile).")],
    db: Annotated[Optional[Path], typer.Option("--db", help="Warehouse file (default data/warehouse.duckdb or $SERVICECIRCLE_DB).")] = None,
    profile: Annotated[Optional[Path], typer.Option("--profile", help="TOML mapping profile for other headers and category words.")] = None,
    crs: Annotated[str, typer.Option("--crs", help="Coordinate system of the files: wgs84, gcj02 (Amap/Tencent) or bd09 (Baidu); for network line files without one, also EPSG:code (e.g. EPSG:4547).")] = "wgs84",
    sheet: Annotated[Optional[str], typer.Option("--sheet", help="Workbook sheet name or 0-based index (default the first).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the counts as JSON.")] = False,
    lang: Annotated[str, typer.Option("--lang", help="Language of the printed summary: zh or en.")] = "zh",
) -> None:
    """Import export files into one warehouse table (all or nothing) and print the counts."""
    out = Console()
    err = Console(stderr=True)
    if table not in TABLE_CHOICES:
        err.print(t("data.cli.bad_table", lang, table=table, choices=", ".join(TABLE_CHOICES)), markup=False)
        raise typer.Exit(2)
    show_bar = not as_json and sys.stderr.isatty()
    from dashboard.ingest import ImportRefused  # network refusals are ImportRefused too

    try:
        with _progress_bar(err, show_bar) as bar, audit.import_record(
            settings.audit_path(db), user=audit.os_user(), via="cli", table=table, files=files,
            refused=(ImportRefused,),
        ) as record:
            task = bar.add_task(t("data.cli.importing", lang), total=1.0)

            def progress(message: str, fraction: float) -> None:
                bar.update(task, completed=fraction, description=message)

            if table == "network":
                from dashboard.coverage.network import import_network

                counts = import_network([str(f) for f in files], db=db, crs=crs, progress=progress)
                record["counts"] = counts
            else:
                from dashboard.ingest import import_files

                result = import_files(
                    table, [str(f) for f in files], db=db, profile=profile, crs=crs,
                    sheet=sheet,
                    progress=progress, user=audit.os_user(),
                )
                record["counts"] = result.as_dict()
    except Exception as exc:  # shown as one clear line, never a traceback
        exit_on(exc, err, lang, "data.cli")
    from dashboard.commands.precompute import after_publish

    after_publish(db, lang, quiet=as_json)  # the first visitor reads the default views, not fits
    if table == "network":
        if as_json:
            print(json.dumps(counts, ensure_ascii=False, default=str))
        else:
            for k, v in counts.items():
                out.print(f"{k}: {v}", markup=False)
        return
    if as_json:
        payload = result.as_dict()
        payload["unknown_words"] = result.unknown_words
        print(json.dumps(payload, ensure_ascii=False))
    else:
        _print_counts(out, result, lang)


def register(app: typer.Typer) -> None:
    """Add ``import`` to the ``servicecircle`` command line."""
    app.command("import")(import_command)
