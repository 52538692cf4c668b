"""``servicecircle audit``: print the audit trail (imports, exports, sign-ins, user changes).

Reads ``<db>.audit.jsonl`` (:mod:`dashboard.access.audit`); ``--json`` prints the records
as written (a JSON list, oldest first), ``--since`` keeps those from a day or time on,
``--verify`` checks the hash chain and exits 1 when a record was changed, removed or
inserted after it was written.

Exit codes: 0 done (chain intact with ``--verify``); 1 chain broken; 2 bad ``--since``.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from dashboard import settings
from dashboard.access import audit
from dashboard.access.trail_view import trail_table
from dashboard.i18n import t


def _since(value: str | None, lang: str) -> dt.date | dt.datetime | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value) if len(value) == 10 else dt.datetime.fromisoformat(value)
    except ValueError:
        Console(stderr=True).print(t("acc.audit.bad_since", lang, value=value), markup=False, highlight=False)
        raise typer.Exit(2) from None


def audit_command(
    db: Annotated[Optional[Path], typer.Option("--db", help="Warehouse file (default data/warehouse.duckdb or $SERVICECIRCLE_DB); the trail is <db>.audit.jsonl.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the records as JSON (a list, oldest first).")] = False,
    since: Annotated[Optional[str], typer.Option("--since", help="Only records from this day (YYYY-MM-DD, local time) or time (ISO 8601) on.")] = None,
    verify: Annotated[bool, typer.Option("--verify", help="Check that no record was changed, removed or inserted (exit 1 if one was).")] = False,
    lang: Annotated[str, typer.Option("--lang", help="Language of the printed table: zh or en.")] = "zh",
) -> None:
    """Print who imported, exported, signed in or changed a user, and when."""
    path = settings.audit_path(db)
    start = _since(since, lang)
    out = Console()
    if verify:
        problems = audit.verify(path)
        if problems:
            err = Console(stderr=True)
            err.print(t("acc.audit.broken", lang, path=str(path)), markup=False, highlight=False)
            for p in problems:
                err.print("  " + p, markup=False, highlight=False)
            raise typer.Exit(1)
        out.print(t("acc.audit.intact", lang, n=len(audit.read(path))), markup=False, highlight=False)
        return
    records = audit.since_filter(audit.read(path), start)
    if as_json:
        print(json.dumps(records, ensure_ascii=False))
        return
    if not records:
        out.print(t("acc.audit.empty", lang, path=str(path)), markup=False, highlight=False)
        return
    df = trail_table(records, lang)
    tab = Table()
    for col in df.columns:
        tab.add_column(str(col), overflow="fold")
    for row in df.itertuples(index=False):
        tab.add_row(*(Text(str(v)) for v in row))  # data, never markup
    out.print(tab)


def register(app: typer.Typer) -> None:
    """Add ``audit`` to the ``servicecircle`` command line."""
    app.command("audit")(audit_command)
