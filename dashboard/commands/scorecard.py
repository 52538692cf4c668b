"""``servicecircle scorecard`` and ``servicecircle targets``: the rooms' scorecard (考核).

``scorecard`` prints the rows of the Rooms page (one per room: each metric, its target
and whether it was met, and the breaches with the month they began), from the same
function the page calls (:func:`dashboard.analysis.scorecard.scorecard`) with the targets
in force (:func:`dashboard.analysis.room_targets.load`). ``targets`` shows the targets
and changes them in ``<db>.targets.toml`` (``--set KEY=VALUE``, repeatable; checked
before anything is written).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated

import typer

from dashboard.analysis.filters import Filters
from dashboard.commands import DbOption, open_read


def _month(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value + "-01")
    except ValueError:
        raise typer.BadParameter(f"--month expects a month like 2024-09, got {value!r}") from None


def scorecard_command(
    db: DbOption = None,
    month: Annotated[str | None, typer.Option("--month", help="Scorecard month (YYYY-MM); default the last whole month.")] = None,
    district: Annotated[list[str] | None, typer.Option("--district", help="District (repeatable).")] = None,
    wave: Annotated[list[str] | None, typer.Option("--wave", help="Roll-out wave, e.g. 2024Q2 (repeatable).")] = None,
    service_type: Annotated[list[str] | None, typer.Option("--type", help="Service type (repeatable).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Print each room's month against its targets, and the breaches since when."""
    from dashboard.analysis import room_targets, scorecard

    when = _month(month)
    try:
        targets = room_targets.load(db)
    except room_targets.TargetsError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
    filters = Filters(districts=tuple(district or ()), waves=tuple(wave or ()),
                      service_types=tuple(service_type or ()))
    con = open_read(db)
    try:
        out = scorecard.as_json(scorecard.scorecard(con, filters, when, targets))
    finally:
        con.close()
    if as_json:
        typer.echo(json.dumps(out, ensure_ascii=False))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"scorecard {out['month']}")
    table.add_column("room")
    for m in scorecard.METRICS:
        table.add_column(m, justify="right")
    for r in out["rooms"]:
        cells = []
        for m in scorecard.METRICS:
            v, ok = r[m], r[f"{m}_ok"]
            mark = "" if ok is None else (" ok" if ok else " MISS")
            cells.append(("–" if v is None else f"{v:,.2f}") + mark)
        table.add_row(str(r["name"] or r["room_id"]), *cells)
    Console().print(table)
    for b in out["breaches"]:
        typer.echo(f"{b['room_id']}  {b['metric']}  {b['value']:.3g} vs {b['target']:.3g}  since {b['since']}")
    if out["coverage_note"]:
        typer.echo(f"coverage not judged: {out['coverage_note']}", err=True)


def targets_command(
    db: DbOption = None,
    set_: Annotated[list[str] | None, typer.Option("--set", help="KEY=VALUE (repeatable), e.g. visits_min=25.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Show the scorecard targets in force; with --set, change them in <db>.targets.toml."""
    from dashboard import settings
    from dashboard.analysis import room_targets

    try:
        if set_:
            changes: dict[str, object] = {}
            for item in set_:
                key, sep, value = item.partition("=")
                if not sep:
                    raise room_targets.TargetsError(f"--set {item!r}: expected KEY=VALUE")
                try:
                    changes[key.strip()] = float(value)
                except ValueError:
                    raise room_targets.TargetsError(f"--set {key.strip()}: {value!r} is not a number") from None
            tg = room_targets.save(db, changes, source="--set")
        else:
            tg = room_targets.load(db)
    except room_targets.TargetsError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
    values = {k: getattr(tg, k) for k in room_targets.KEYS}
    if as_json:
        typer.echo(json.dumps({"file": str(settings.room_targets_path(db)), "targets": values}))
        return
    for k, v in values.items():
        typer.echo(f"{k} = {v:g}")


def register(app: typer.Typer) -> None:
    app.command("scorecard")(scorecard_command)
    app.command("targets")(targets_command)
