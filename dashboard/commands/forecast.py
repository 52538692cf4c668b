"""``servicecircle forecast``: weekly counter arrivals or hotline orders, 26 weeks ahead.

Calls :func:`dashboard.analysis.forecast.forecast`, the function the forecast page calls.
``--json`` prints ``{"series", "horizon_weeks", "mase", "mase_naive", "points": [{"week",
"value", "low", "high"}], "scenario"}``; ``scenario`` is the forecast with the ``--rooms``
rooms the planner suggests (:func:`dashboard.analysis.forecast.plan_scenario`:
``{"rooms", "households_covered", "avoided_per_week": {value, low, high}, "points"}``),
or ``null`` with ``scenario_reason`` (``{zh, en}``) when no effect can be estimated. The
backtest (last 26 weeks held out) is described in words on stderr, including whether the
model beats the seasonal naive forecast.
"""

from __future__ import annotations

import json
from typing import Annotated, Optional

import typer

from dashboard.analysis import forecast as F
from dashboard.commands import DbOption, open_read
from dashboard.i18n import t


def forecast_command(
    series: Annotated[str, typer.Option("--series", help="hall_arrivals or hotline.")],
    db: DbOption = None,
    hall: Annotated[Optional[list[str]], typer.Option("--hall", help="Hall id (repeatable; default all).")] = None,
    category: Annotated[Optional[list[str]], typer.Option(
        "--category", help="Hotline category code (repeatable; default all).")] = None,
    rooms: Annotated[int, typer.Option("--rooms", min=1, max=64,
                                       help="New rooms of the scenario (the planner's suggestion).")] = F.SCENARIO_ROOMS,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    lang: Annotated[str, typer.Option("--lang", help="Language of the printed text: zh or en.")] = "zh",
) -> None:
    """Forecast weekly counter arrivals or hotline orders 26 weeks ahead, with a backtest."""
    if series not in F.SERIES:
        typer.echo(t("fc.cli.bad_series", lang, series=series, known=", ".join(F.SERIES)), err=True)
        raise typer.Exit(2)
    con = open_read(db)
    try:
        result = F.forecast(con, series, hall_ids=hall, categories=category)
        scen = F.plan_scenario(con, result, rooms=rooms, hall_ids=hall, categories=category) if as_json else None
    except F.TooShort as exc:
        typer.echo(t("fc.too_short", lang, weeks=exc.weeks, needed=exc.needed), err=True)
        raise typer.Exit(2) from None
    finally:
        con.close()
    verdict = (t("fc.backtest.none", lang, weeks=len(result.history), needed=result.backtest_needed) if result.mase is None else
               t("fc.backtest.beats" if result.beats_naive else "fc.backtest.loses", lang,
                 mase=f"{result.mase:.2f}", naive=f"{result.mase_naive:.2f}"))
    if as_json:
        typer.echo(json.dumps({**result.as_dict(), **scen}, ensure_ascii=False))
        typer.echo(verdict, err=True)
        return
    typer.echo(verdict)
    for p in result.points.itertuples(index=False):
        typer.echo(f"{p.week_on}\t{p.value:.0f}\t[{p.low:.0f}, {p.high:.0f}]")


def register(app: typer.Typer) -> None:
    app.command("forecast")(forecast_command)
