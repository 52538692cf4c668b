"""``servicecircle refresh DIR``: import the new or changed export files of a folder.

For the daily feed: the systems drop their exports in one folder and a timer runs
``refresh`` (docs/operations.md has a systemd example). For each file of the folder
(not its subfolders; hidden and temporary files ignored):

* a file whose SHA-256 the import ledger (``imports.content_hash``) already holds is
  skipped: running ``refresh`` twice imports nothing the second time, and a file changed
  since (new rows, corrections) is imported again (the importer stores new keys, updates
  changed ones and counts the rest as duplicates);
* every other file's table is recognised from its headers
  (:mod:`dashboard.ingest.recognise`); an unknown or ambiguous file stops the refresh
  before anything is written, with a message naming it;
* the files are imported in dependency order (:data:`~dashboard.ingest.recognise.IMPORT_ORDER`:
  communities before rooms, the customer list before the tickets...), all in one
  warehouse write: readers see every file or none, and a refused file leaves the
  warehouse as it was.

Every import is written to the audit trail (``via`` ``"refresh"``), as ``import`` does.
``--json`` prints ``{"dir", "imported": [{"file", "table", ...counts}], "skipped":
[{"file", "reason"}], "tables": {table: files}}``. Exit codes: 0 done (also when there was
nothing new); 2 a file not recognised or refused, or no such folder; 3 the warehouse is
locked by another write; 1 any other failure.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from dashboard import settings, warehouse
from dashboard.access import audit
from dashboard.commands import DbOption, exit_on
from dashboard.i18n import t

SUFFIXES: tuple[str, ...] = (".csv", ".txt", ".xlsx", ".xlsm", ".xls", ".ods", ".parquet",
                             ".geojson", ".json", ".gpkg", ".shp")
"""File kinds the importer reads (a Shapefile is its ``.shp``)."""


@dataclass
class Plan:
    """What a refresh will do: files to import by table (in order) and files skipped."""

    by_table: dict[str, list[Path]] = field(default_factory=dict)
    skipped: list[dict] = field(default_factory=list)


def _candidates(folder: Path) -> list[Path]:
    return sorted(
        p for p in folder.iterdir()
        if p.is_file() and p.suffix.lower() in SUFFIXES and not p.name.startswith((".", "~$"))
    )


def _imported_hashes(db) -> set[str]:
    path = settings.db_path(db)
    if not path.exists():
        return set()
    con = warehouse.connect_read(path)
    try:
        return {r[0] for r in con.execute("select distinct content_hash from imports").fetchall()}
    finally:
        con.close()


def plan_refresh(folder: str | Path, *, db=None, profile=None) -> Plan:
    """Which files of ``folder`` to import into which table, in dependency order.

    Raises
    ------
    dashboard.ingest.recognise.NotRecognised
        For the first file whose table the headers do not tell (nothing is imported).
    """
    from dashboard.ingest.profile import load_profile
    from dashboard.ingest.readers import file_sha256
    from dashboard.ingest.recognise import IMPORT_ORDER, recognise_file

    prof = load_profile(profile)
    done = _imported_hashes(db)
    plan = Plan()
    found: dict[str, list[Path]] = {}
    for p in _candidates(Path(folder)):
        if file_sha256(p) in done:
            plan.skipped.append({"file": p.name, "reason": "already_imported"})
            continue
        found.setdefault(recognise_file(p, profile=prof).table, []).append(p)
    plan.by_table = {t: found[t] for t in IMPORT_ORDER if t in found}
    return plan


def run_refresh(folder: str | Path, *, db=None, profile=None, crs: str = "wgs84", progress=None) -> dict:
    """Import the new or changed files of ``folder`` in one write; the ``--json`` object.

    Raises
    ------
    NotRecognised, ImportRefused, TimeoutError
        Nothing is written.
    """
    from dashboard.ingest import import_files
    from dashboard.ingest.importer import IMPORT_MEMORY_LIMIT, ImportRefused

    plan = plan_refresh(folder, db=db, profile=profile)
    imported: list[dict] = []
    if plan.by_table:
        n = len(plan.by_table)
        with warehouse.writer(db, memory_limit=IMPORT_MEMORY_LIMIT) as con:
            for i, (table, files) in enumerate(plan.by_table.items()):
                def step(msg: str, frac: float, i: int = i, table: str = table) -> None:
                    if progress is not None:
                        progress(f"{table}: {msg}", (i + frac) / n)

                with audit.import_record(
                    settings.audit_path(db), user=audit.os_user(), via="refresh", table=table,
                    files=files, refused=(ImportRefused,),
                ) as record:
                    result = import_files(table, files, profile=profile, crs=crs, progress=step, con=con,
                                          user=audit.os_user())
                    record["counts"] = result.as_dict()
                for f in result.files:
                    imported.append({"file": f.file, "table": table, "read": f.read, "stored": f.stored,
                                     "updated": f.updated, "duplicates": f.duplicates, "rejected": f.rejected})
    return {
        "dir": str(folder),
        "imported": imported,
        "skipped": plan.skipped,
        "tables": {table: [p.name for p in files] for table, files in plan.by_table.items()},
    }


def refresh_command(
    folder: Annotated[Path, typer.Argument(help="Folder the exports are dropped in.")],
    db: DbOption = None,
    profile: Annotated[Optional[Path], typer.Option("--profile", help="TOML mapping profile for other headers and category words.")] = None,
    crs: Annotated[str, typer.Option("--crs", help="Coordinate system of the files' coordinates: wgs84, gcj02 or bd09.")] = "wgs84",
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    lang: Annotated[str, typer.Option("--lang", help="Language of the printed summary: zh or en.")] = "zh",
) -> None:
    """Import the new or changed export files of a folder (table recognised from the headers)."""
    from dashboard.ingest.recognise import NotRecognised

    out, err = Console(), Console(stderr=True)
    if not folder.is_dir():
        err.print(t("refresh.no_folder", lang, dir=str(folder)), markup=False, highlight=False)
        raise typer.Exit(2)

    def progress(message: str, fraction: float) -> None:
        if not as_json and sys.stderr.isatty():
            err.print(f"{fraction:>4.0%} {message}", markup=False, highlight=False)

    try:
        summary = run_refresh(folder, db=db, profile=profile, crs=crs, progress=progress)
    except NotRecognised as exc:
        err.print(t(exc.key, lang, **exc.params), markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    except Exception as exc:  # one clear line, never a traceback
        exit_on(exc, err, lang, "refresh")
    if summary["imported"]:  # new data: the first visitor reads its default views
        from dashboard.commands.precompute import after_publish

        after_publish(db, lang, quiet=as_json)
    if as_json:
        print(json.dumps(summary, ensure_ascii=False))
        return
    out.print(t("refresh.summary", lang, n=len(summary["imported"]), skipped=len(summary["skipped"])),
              markup=False, highlight=False)
    if summary["imported"]:
        tab = Table()
        for key in ("file", "table", "read", "stored", "updated", "duplicates", "rejected"):
            tab.add_column(t(f"refresh.col.{key}", lang))
        for row in summary["imported"]:
            tab.add_row(row["file"], row["table"], *(f"{row[k]:,}" for k in ("read", "stored", "updated", "duplicates", "rejected")))
        out.print(tab)


def register(app: typer.Typer) -> None:
    """Add ``refresh`` to the ``servicecircle`` command line."""
    app.command("refresh")(refresh_command)
