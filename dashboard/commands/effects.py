"""``servicecircle effects``: the rooms' causal effect on one outcome (staggered DiD).

Calls :func:`dashboard.analysis.effects.estimate`, the same function the pages call, so
the JSON and the page show the same numbers. ``--json`` prints exactly
``{"outcome", "method", "att", "ci_low", "ci_high", "relative_effect", "n_treated",
"n_control", "event_study": [{"event_time", "att", "ci_low", "ci_high"}],
"naive_before_after"}``; when the data cannot support an estimate the numbers are
``null`` and the plain reason goes to stderr.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from dashboard import warehouse
from dashboard.analysis.effects import OUTCOMES, estimate
from dashboard.analysis.filters import Filters
from dashboard.commands import up_to_date


def _date(value: str | None, option: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date like 2024-03-05", param_hint=option) from None


def _clean(obj: Any) -> Any:
    """NaN / inf → None so the output is strict JSON."""
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: _clean(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_clean(v) for v in obj]
    return obj


def effects_command(
    outcome: Annotated[str, typer.Option("--outcome", help=f"One of: {', '.join(OUTCOMES)}.")],
    db: Annotated[
        Optional[Path],
        typer.Option("--db", help="Warehouse file (default data/warehouse.duckdb or $SERVICECIRCLE_DB)."),
    ] = None,
    date_from: Annotated[Optional[str], typer.Option("--from", help="First day (YYYY-MM-DD), widened to its month.")] = None,
    date_to: Annotated[Optional[str], typer.Option("--to", help="Last day (YYYY-MM-DD), widened to its month.")] = None,
    district: Annotated[Optional[list[str]], typer.Option("--district", help="District (repeatable).")] = None,
    wave: Annotated[Optional[list[str]], typer.Option("--wave", help="Roll-out wave, e.g. 2024Q2 (repeatable).")] = None,
    hall: Annotated[Optional[list[str]], typer.Option("--hall", help="Business hall id (repeatable).")] = None,
    service_type: Annotated[Optional[list[str]], typer.Option("--type", help="Service type (repeatable).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    lang: Annotated[str, typer.Option("--lang", help="Language of the sentences: zh or en.")] = "zh",
) -> None:
    """Estimate the rooms' effect on OUTCOME (Callaway–Sant'Anna staggered DiD)."""
    if outcome not in OUTCOMES:
        raise typer.BadParameter(f"{outcome!r}; choose one of: {', '.join(OUTCOMES)}", param_hint="--outcome")
    filters = Filters(
        date_from=_date(date_from, "--from"),
        date_to=_date(date_to, "--to"),
        districts=tuple(district or ()),
        waves=tuple(wave or ()),
        hall_ids=tuple(hall or ()),
        service_types=tuple(service_type or ()),
    )
    up_to_date(db)
    try:
        con = warehouse.connect_read(db)
    except warehouse.WarehouseMissing as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    try:
        res = estimate(con, outcome, filters)
    finally:
        con.close()
    lang = lang if lang in ("zh", "en") else "zh"
    if as_json:
        typer.echo(json.dumps(_clean(res.as_dict()), ensure_ascii=False))
        if not res.ok and res.reason:
            typer.echo(res.reason[lang], err=True)
        for c in res.caveats:  # what the estimate leaves out: stderr keeps stdout pure JSON
            typer.echo(c[lang], err=True)
        return
    if not res.ok:
        typer.echo(res.reason[lang] if res.reason else res.status)
    else:
        typer.echo(res.summary[lang])
        typer.echo(res.naive_note[lang])
    for c in res.caveats:
        typer.echo(c[lang])


def register(app: typer.Typer) -> None:
    app.command("effects")(effects_command)
