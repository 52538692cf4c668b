"""``servicecircle report``: the briefing as a PowerPoint deck or a self-contained HTML file.

Same content as the briefing page (both call
:func:`dashboard.report.briefing.build_briefing`), for a director to take upwards.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Optional

import typer

from dashboard import warehouse
from dashboard.analysis.filters import Filters
from dashboard.i18n import LANGS, t
from dashboard.commands import up_to_date

FORMATS = ("pptx", "html")


def _date(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{option} expects a date like 2024-03-05, got {value!r}") from None


def render(fmt: str, con, filters: Filters, lang: str, **kwargs) -> bytes:
    """Build the briefing and render it as ``fmt`` (``pptx`` or ``html``).

    Parameters
    ----------
    fmt
        ``"pptx"`` or ``"html"``.
    con
        Read connection.
    filters
        Global filters.
    lang
        ``"zh"`` or ``"en"``.
    **kwargs
        Passed to :func:`dashboard.report.briefing.collect` (e.g. ``coverage_data``).

    Returns
    -------
    bytes
        The file contents.
    """
    from dashboard.report.briefing import build_briefing

    if fmt not in FORMATS:
        raise ValueError(t("rep.cli.bad_format", lang, fmt=fmt))
    briefing = build_briefing(con, filters, lang, **kwargs)
    if fmt == "pptx":
        from dashboard.report.pptx import build_pptx

        return build_pptx(briefing)
    from dashboard.report.html import build_html

    return build_html(briefing)


def report_command(
    out: Annotated[Path, typer.Option("--out", help="File to write (.pptx or .html).")],
    fmt: Annotated[str, typer.Option("--format", help="pptx or html.")] = "pptx",
    db: Annotated[
        Optional[Path],
        typer.Option("--db", help="Warehouse file (default data/warehouse.duckdb or $SERVICECIRCLE_DB)."),
    ] = None,
    date_from: Annotated[Optional[str], typer.Option("--from", help="First day (YYYY-MM-DD).")] = None,
    date_to: Annotated[Optional[str], typer.Option("--to", help="Last day (YYYY-MM-DD).")] = None,
    district: Annotated[Optional[list[str]], typer.Option("--district", help="District (repeatable).")] = None,
    lang: Annotated[str, typer.Option("--lang", help="Language of the report: zh or en.")] = "zh",
) -> None:
    """Write the briefing (offload, waiting, hotline, faults, groups and staff, coverage, plan)."""
    if lang not in LANGS:
        raise typer.BadParameter(f"--lang expects zh or en, got {lang!r}")
    if fmt not in FORMATS:
        raise typer.BadParameter(t("rep.cli.bad_format", lang, fmt=fmt))
    filters = Filters(date_from=_date(date_from, "--from"), date_to=_date(date_to, "--to"),
                      districts=tuple(district or ()))
    up_to_date(db)
    try:
        con = warehouse.connect_read(db)
    except warehouse.WarehouseMissing as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
    try:
        data = render(fmt, con, filters, lang)
    finally:
        con.close()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(out)
    size = f"{len(data) / 1e6:.1f} MB" if len(data) >= 1e6 else f"{len(data) / 1e3:.0f} KB"
    typer.echo(t("rep.cli.written", lang, path=str(out), size=size))


def register(app: typer.Typer) -> None:
    app.command("report")(report_command)
