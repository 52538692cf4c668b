"""``servicecircle precompute``: compute the pages' default views for the current data.

``import``, ``demo`` and ``refresh`` run it after they publish new data, and ``serve``
before it starts listening (only when the current data version is not precomputed yet),
so the first visitor after an import reads stored results instead of waiting for effect
fits (see :mod:`dashboard.derived`). ``SERVICECIRCLE_PRECOMPUTE=0`` turns the automatic
runs off; this command always runs.
"""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from dashboard import settings
from dashboard.commands import DbOption, up_to_date
from dashboard.i18n import t


def run(db, lang: str, *, only_if_missing: bool = False, quiet: bool = False) -> dict | None:
    """Precompute with a progress bar on stderr; returns the report (``None`` when the
    data was already precomputed and ``only_if_missing``). Pages that fail are named on
    stderr; they compute when opened."""
    from dashboard import derived, warehouse

    err = Console(stderr=True)
    if only_if_missing and (warehouse.data_version(db) is None or derived.status(db) is not None):
        return None
    with Progress(
        TextColumn("{task.description}"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(), console=err, transient=True, disable=quiet or not sys.stderr.isatty(),
    ) as bar:
        task = bar.add_task(t("derived.cli.page", lang, page=""), total=1.0)

        def progress(page: str, fraction: float) -> None:
            bar.update(task, completed=fraction, description=t("derived.cli.page", lang, page=page))

        report = derived.precompute(db, progress=progress)
    for page, msg in report["errors"].items():
        err.print(t("derived.cli.page_failed", lang, page=page, msg=msg), markup=False, highlight=False)
    if not quiet:
        err.print(t("derived.cli.done", lang, n_pages=len(report["pages"]), entries=report["entries"],
                    seconds=report["seconds"]), markup=False, highlight=False)
    return report


def after_publish(db, lang: str, *, quiet: bool = False) -> dict | None:
    """What ``import``, ``demo`` and ``refresh`` call once their data is published."""
    if not settings.precompute_enabled():
        if not quiet:
            Console(stderr=True).print(t("derived.cli.off", lang), markup=False, highlight=False)
        return None
    return run(db, lang, quiet=quiet)


def precompute_command(
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    lang: Annotated[str, typer.Option("--lang", help="Language of the printed summary: zh or en.")] = "zh",
) -> None:
    """Compute every page's default view for the current data (effects, staffing, coverage, Briefing)."""
    from dashboard import warehouse

    up_to_date(db)
    try:
        report = run(db, lang, quiet=as_json)
    except warehouse.WarehouseMissing as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
    if as_json:
        print(json.dumps(report, ensure_ascii=False))
    if report and report["errors"]:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add ``precompute`` to the ``servicecircle`` command line."""
    app.command("precompute")(precompute_command)
