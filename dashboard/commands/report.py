"""``servicecircle report``: the briefing as a PowerPoint deck or a self-contained HTML file.

Same content as the briefing page (both call
:func:`dashboard.report.briefing.build_briefing`), for a director to take upwards.
Scheduled use: ``--period last-month`` / ``last-quarter`` (the last complete one before
``--today``) names the file by the period when ``--out`` is a folder or omitted
(``briefing_2026-11.pptx``), and ``--email`` sends it with the config file's SMTP settings
(:mod:`dashboard.report.mail`); see ``docs/operations.md`` for a systemd timer and cron.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from dashboard import demo_flag, settings, warehouse
from dashboard.access import audit
from dashboard.analysis.filters import Filters
from dashboard.commands import DbOption, parse_date, up_to_date
from dashboard.i18n import LANGS, t

FORMATS = ("pptx", "html")


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


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{n / 1e3:.0f} KB"


def _fail(message: str, code: int) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(code)


def report_command(
    out: Annotated[Optional[Path], typer.Option(
        "--out", help="File to write, or a folder (then named briefing_<period>.<format>; default: this folder).")] = None,
    fmt: Annotated[str, typer.Option("--format", help="pptx or html.")] = "pptx",
    db: DbOption = None,
    date_from: Annotated[Optional[str], typer.Option("--from", help="First day (YYYY-MM-DD).")] = None,
    date_to: Annotated[Optional[str], typer.Option("--to", help="Last day (YYYY-MM-DD).")] = None,
    period: Annotated[Optional[str], typer.Option(
        "--period", help="last-month or last-quarter: the last complete one before --today (instead of --from/--to).")] = None,
    today: Annotated[Optional[str], typer.Option(
        "--today", help="The day --period counts back from (YYYY-MM-DD; default: today).")] = None,
    district: Annotated[Optional[list[str]], typer.Option("--district", help="District (repeatable).")] = None,
    lang: Annotated[str, typer.Option("--lang", help="Language of the report: zh or en.")] = "zh",
    email: Annotated[bool, typer.Option(
        "--email", help="Also send the file to the recipients in the email table of the config file.")] = False,
    config: Annotated[Optional[Path], typer.Option(
        "--config", help="Config file with the email settings (default $SERVICECIRCLE_CONFIG, "
                         "servicecircle.toml beside the warehouse, ~/.config/servicecircle/config.toml).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print what was written (and sent) as JSON.")] = False,
) -> None:
    """Write the briefing (offload, waiting, hotline, faults, groups and staff, coverage, plan).

    Runs unattended (for a timer or cron): no prompts; exit 0 written (and sent), 2 bad
    options, missing warehouse or unusable e-mail settings (nothing written), 4 written
    but the e-mail failed, 1 the report could not be built.
    """
    from dashboard.report.mail import MailError, load_mail_settings, send_file
    from dashboard.report.period import PERIODS, output_path, period_range

    if lang not in LANGS:
        raise typer.BadParameter(f"--lang expects zh or en, got {lang!r}")
    if fmt not in FORMATS:
        raise typer.BadParameter(t("rep.cli.bad_format", lang, fmt=fmt))
    label = ""
    if period is not None:
        if period not in PERIODS:
            raise typer.BadParameter(f"--period expects {' or '.join(PERIODS)}, got {period!r}")
        if date_from or date_to:
            raise typer.BadParameter("--period and --from/--to exclude each other")
        p = period_range(period, parse_date(today, "--today") or dt.date.today())
        filters = Filters(date_from=p.date_from, date_to=p.date_to, districts=tuple(district or ()))
        label = p.label
    else:
        if today is not None:
            raise typer.BadParameter("--today only goes with --period")
        filters = Filters(date_from=parse_date(date_from, "--from"), date_to=parse_date(date_to, "--to"),
                          districts=tuple(district or ()))
        if filters.date_from or filters.date_to:
            label = f"{filters.date_from or 'start'}_{filters.date_to or 'end'}"
    mail = None
    if email:  # check the settings before any work: a timer learns at once
        try:
            mail = load_mail_settings(config or settings.config_file(db))
            mail.password()
        except MailError as exc:
            raise _fail(str(exc), 2) from None
    target = output_path(out, label, fmt)
    up_to_date(db)
    try:
        con = warehouse.connect_read(db)
    except warehouse.WarehouseMissing as exc:
        raise _fail(str(exc), 2) from None
    try:
        is_demo = demo_flag.read(con) is not None
        data = render(fmt, con, filters, lang)
    except Exception as exc:  # one clear line for the timer's log, never a traceback
        raise _fail(t("sched.failed", lang, msg=f"{type(exc).__name__}: {exc}"), 1) from None
    finally:
        con.close()
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(target)
    audit.record(settings.audit_path(db), "export", user=audit.os_user(), via="cli", kind=fmt, source="report",
                 file=audit.file_entry(target.name, data), period=label or None,
                 mail_to=list(mail.to) if mail is not None else [])
    result = {"path": str(target), "bytes": len(data), "period": label or None,
              "from": str(filters.date_from) if filters.date_from else None,
              "to": str(filters.date_to) if filters.date_to else None, "demo": is_demo, "emailed_to": []}
    if not as_json:
        typer.echo(t("rep.cli.written", lang, path=str(target), size=_size(len(data))))
    if mail is not None:
        subject = t("sched.mail.subject", lang, title=t("rep.title", lang), period=label or t("rep.period_all", lang))
        if is_demo:  # a demo briefing says so before it is opened
            subject = f"{t('flag.stamp', lang)} {subject}"
        try:
            send_file(mail, target, subject=subject, body=t("sched.mail.body", lang, file=target.name))
        except MailError as exc:
            raise _fail(str(exc), 4) from None
        result["emailed_to"] = list(mail.to)
        if not as_json:
            typer.echo(t("sched.mail.sent", lang, to=", ".join(mail.to)))
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False))


def register(app: typer.Typer) -> None:
    app.command("report")(report_command)
