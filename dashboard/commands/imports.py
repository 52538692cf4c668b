"""``servicecircle imports``: the import batches, and undoing one.

``imports list`` prints the imports newest first: the start of the id, when, table, file,
counts, who (when recorded) and whether it was undone (``--json``: a list of objects with
the whole id, the file's SHA-256 and every count).
``imports undo ID`` undoes one import in one write (:func:`dashboard.ingest.undo.undo_import`:
the rows it wrote are deleted, the versions it replaced put back, the rollups rebuilt),
records the undo in the audit trail under the operating-system user who ran it, and then
precomputes the pages' default views of the new data, as an import does.

Exit codes: 0 done; 2 undo refused (unknown id, already undone, made before undo existed,
a later import that wrote the same rows is still in place) or no warehouse; 3 the
warehouse is locked by another import; 1 any other failure. No traceback is shown.
"""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from dashboard import settings
from dashboard.access import audit
from dashboard.commands import DbOption, exit_on, open_read
from dashboard.i18n import t

imports_app = typer.Typer(
    help="The import batches: list them, undo one.", no_args_is_help=True, add_completion=False,
)

ID_SHOWN = 12
"""Characters of an import id the printed list shows (``undo`` takes a start of 6 or more;
``--json`` gives whole ids)."""

LangOption = Annotated[str, typer.Option("--lang", help="Language of the printed summary: zh or en.")]


def list_command(
    db: DbOption = None,
    limit: Annotated[int, typer.Option("--limit", help="Show the latest N imports.")] = 200,
    as_json: Annotated[bool, typer.Option("--json", help="Print the batches as JSON (a list, newest first).")] = False,
    lang: LangOption = "zh",
) -> None:
    """List the imports, newest first: id, table, file, counts, when, who, undone or not."""
    from dashboard.ingest.undo import batches, list_imports, status_text

    con = open_read(db)
    try:
        rows = batches(list_imports(con, limit=limit))
    finally:
        con.close()
    if as_json:
        print(json.dumps(rows, ensure_ascii=False))
        return
    out = Console()
    if not rows:
        out.print(t("undo.list.empty", lang), markup=False, highlight=False)
        return
    tab = Table(box=box.SIMPLE_HEAD)
    counts = ("stored", "updated", "rejected")
    for head in (t("undo.col.id", lang), t("data.col.time", lang), t("data.col.table", lang), t("data.col.file", lang),
                 " / ".join(t(f"data.count.{k}", lang) for k in counts), t("undo.col.who", lang),
                 t("undo.col.status", lang)):
        tab.add_column(head, overflow="fold")
    for b in rows:
        tab.add_row(*(Text(str(v)) for v in (  # data, never markup
            b["import_id"][:ID_SHOWN], b["finished_at"], b["table"], b["file"],
            " / ".join(f"{b[k]:,}" for k in counts), b["imported_by"] or "–", status_text(b, lang))))
    out.print(tab)


def undo_command(
    import_id: Annotated[str, typer.Argument(help="The import's id (servicecircle imports list), or its first 6+ characters.")],
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print what the undo did as JSON.")] = False,
    lang: LangOption = "zh",
) -> None:
    """Undo one import: delete the rows it wrote, put back the versions it replaced."""
    from dashboard.ingest.undo import UndoRefused, undo_import

    err = Console(stderr=True)
    who = audit.os_user()
    try:
        with audit.undo_record(settings.audit_path(db), user=who, via="cli", import_id=import_id,
                               refused=(UndoRefused,)) as record:
            result = undo_import(import_id, db=db, user=who)
            record["result"] = result.as_dict()
    except Exception as exc:  # one clear line, never a traceback
        exit_on(exc, err, lang, "undo.cli")
    from dashboard.commands.precompute import after_publish

    after_publish(db, lang, quiet=as_json)  # new data: the first visitor reads its default views
    if as_json:
        print(json.dumps(result.as_dict(), ensure_ascii=False))
        return
    out = Console()
    out.print(t("undo.cli.done", lang, id=result.import_id, table=result.table, file=result.file,
                deleted=f"{result.deleted:,}", restored=f"{result.restored:,}"), markup=False, highlight=False)
    for table, n in (result.reattributed or {}).items():
        if n:
            out.print(t("undo.cli.reattributed", lang, table=t(f"data.table.{table}", lang), n=f"{n:,}"),
                      markup=False, highlight=False)


imports_app.command("list")(list_command)
imports_app.command("undo")(undo_command)


def register(app: typer.Typer) -> None:
    """Add ``imports list`` and ``imports undo`` to the ``servicecircle`` command line."""
    app.add_typer(imports_app, name="imports")
