"""``servicecircle staffing``: counters needed per hall × weekday × hour to meet the waiting
target, with and without the service rooms, and the counter-hours a week they free.

Calls :func:`dashboard.analysis.staffing.load_inputs` and
:func:`dashboard.analysis.staffing.staffing`, the functions the Waiting page calls.
``--json`` prints ``{"target_wait_min", "rows": [{"hall_id", "weekday", "hour",
"arrivals_per_hour", "handling_min", "counters_observed", "counters_needed_before",
"counters_needed_after"}], "counter_hours_freed_per_week": {"median", "low", "high"}}``
plus ``status``, ``reason``, ``period``, ``arrival_effect``, ``quantiles`` and
``halls``; weekday 0 is Monday. Without an arrival effect the ``before`` numbers and
the freed hours are ``null`` and the reason goes to stderr.
"""

from __future__ import annotations

import json
import math
from typing import Annotated

import typer

from dashboard import settings
from dashboard.analysis.filters import Filters
from dashboard.commands import DbOption, open_read, parse_date


def staffing_command(
    db: DbOption = None,
    hall: Annotated[list[str] | None, typer.Option("--hall", help="Hall id (repeatable; default all).")] = None,
    target_min: Annotated[float, typer.Option("--target-min", help="Mean-wait target, minutes.", min=0.1)] = (
        settings.TARGETS.wait_target_min),
    months: Annotated[int, typer.Option("--months", help="Whole months in the period (the last ones with tickets).", min=1)] = 3,
    date_from: Annotated[str | None, typer.Option("--from", help="Start of the date range (YYYY-MM-DD).")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="End of the date range (YYYY-MM-DD).")] = None,
    lang: Annotated[str, typer.Option("--lang", help="Language of the printed sentences: zh or en.")] = "zh",
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Print the counters needed per hall, weekday and hour, and the counter-hours freed."""
    from dashboard.analysis import staffing

    filters = Filters(date_from=parse_date(date_from, "--from"), date_to=parse_date(date_to, "--to"),
                      hall_ids=tuple(hall or ()))
    con = open_read(db)
    try:
        res = staffing.staffing(staffing.load_inputs(con, filters, months=months), target_min)
    finally:
        con.close()
    if res.reason:
        typer.echo(res.reason.get(lang, res.reason["en"]), err=True)
    if as_json:
        typer.echo(json.dumps(res.as_dict(), ensure_ascii=False))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"staffing (target {res.target_wait_min:g} min)")
    for col in ("hall", "model", "open / week", "needed with rooms", "needed without", "freed (low–high)"):
        table.add_column(col, justify="right")
    for h in res.halls.to_dict("records"):
        freed = ("–" if math.isnan(h["freed_median"])
                 else f"{h['freed_median']:g} ({h['freed_low']:g}–{h['freed_high']:g})")
        before = h["counter_hours_needed_before"]
        table.add_row(str(h["hall_name"]), h["model"], f"{h['counter_hours_observed']:.0f}",
                      str(h["counter_hours_needed_after"]), "–" if math.isnan(before) else f"{before:.0f}", freed)
    Console().print(table)
    typer.echo(staffing.sentence(res, lang))


def register(app: typer.Typer) -> None:
    app.command("staffing")(staffing_command)
