"""``servicecircle coverage`` and ``servicecircle plan``: walking coverage and room planning.

Both call the same functions as the pages (:func:`dashboard.coverage.engine.compute`,
:func:`dashboard.coverage.planner.plan`), so the ``--json`` output and the pages agree.
``servicecircle import network FILE`` (the data area's command) loads the street network.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from dashboard import settings, warehouse
from dashboard.commands import DbOption, parse_date, up_to_date
from dashboard.i18n import t

MinutesOption = Annotated[float, typer.Option("--minutes", min=0.5, max=60.0, help="Walk in minutes (default 5).")]
SpeedOption = Annotated[float, typer.Option("--speed", min=0.1, max=3.0, help="Walking speed in m/s (default 1.0).")]
LangOption = Annotated[str, typer.Option("--lang", help="Language of the printed summary: zh or en.")]
VillageOption = Annotated[Optional[float], typer.Option(
    "--village-minutes", min=0.5, max=60.0, help="Another walk for villages (rural communities), e.g. 10 or 15.")]


def _by_kind(village: float | None) -> dict[str, float] | None:
    return None if village is None else {"rural": village}


def _data(db: Path | None, lang: str):
    from dashboard.coverage.inputs import load_data

    path = settings.db_path(db)
    if not path.exists():
        typer.echo(t("cov.cli.no_db", lang, path=path), err=True)
        raise typer.Exit(2)
    up_to_date(path)
    try:
        return load_data(path)
    except (warehouse.WarehouseMissing, ValueError) as exc:
        typer.echo(t("cov.cli.failed", lang, msg=str(exc)), err=True)
        raise typer.Exit(2) from None


def _pct(v: float | None) -> str:
    return "–" if v is None else f"{v:.1%}"


def coverage_command(
    db: DbOption = None,
    minutes: MinutesOption = settings.WALK_MINUTES,
    speed: SpeedOption = settings.WALK_SPEED_M_S,
    on: Annotated[Optional[str], typer.Option("--on", help="Rooms open on this date (YYYY-MM-DD; default: all not closed).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    village: VillageOption = None,
    export: Annotated[Optional[Path], typer.Option(
        "--export", help="Also write the walking area and the gaps to this file: .geojson, .kml or .zip (Shapefile).")] = None,
    lang: LangOption = "zh",
) -> None:
    """Share of households within an N-minute walk of an open room, per community and in total."""
    from dashboard.coverage import exports
    from dashboard.coverage.engine import compute

    fmt = None
    if export is not None:
        fmt = {suffix: f for f, suffix in exports.FORMATS.items()}.get(export.suffix.lower())
        if fmt is None:
            typer.echo(t("cov.gis.bad_suffix", lang, path=export), err=True)
            raise typer.Exit(2)
    data = _data(db, lang)
    result = compute(data, minutes=minutes, speed_m_s=speed, on=parse_date(on, "--on"), minutes_by_kind=_by_kind(village))
    if fmt is not None:
        export.write_bytes(exports.export_bytes(data, result, fmt))
        typer.echo(t("cov.gis.written", lang, path=export, fmt=fmt), err=True)
    if as_json:
        typer.echo(json.dumps(result.as_dict(), ensure_ascii=False))
        return
    tot = result.totals
    typer.echo(t("cov.cli.summary", lang, minutes=f"{minutes:g}", speed=f"{speed:g}", limit=f"{result.limit_m:g}",
                 covered=tot["households_covered"], total=tot["households_total"], share=_pct(tot["share"]),
                 elderly=_pct(tot["elderly_share"])))
    typer.echo(t("cov.cli.days_weighted", lang, share=_pct(tot["days_weighted_share"]),
                 rural=t("cov.cli.village_walk", lang, minutes=f"{village:g}") if village else t("cov.cli.same_walk", lang)))


def plan_command(
    add: Annotated[int, typer.Option("--add", min=1, max=64, help="Number of new rooms to suggest.")],
    candidates: Annotated[Optional[Path], typer.Option("--candidates", help="Candidate sites: CSV/XLSX (lon/lat) or GeoJSON points.")] = None,
    crs: Annotated[str, typer.Option("--crs", help="Coordinate system of the candidates: wgs84, gcj02 or bd09.")] = "wgs84",
    db: DbOption = None,
    minutes: MinutesOption = settings.WALK_MINUTES,
    speed: SpeedOption = settings.WALK_SPEED_M_S,
    elderly_weight: Annotated[float, typer.Option("--elderly-weight", min=0.0, help="Extra weight per uncovered elderly person.")] = 0.0,
    on: Annotated[Optional[str], typer.Option("--on", help="Start from the rooms open on this date.")] = None,
    village: VillageOption = None,
    objective: Annotated[str, typer.Option(
        "--objective", help="coverage (most households within the walk) or mean_walk (lowest mean walk).")] = "coverage",
    per_manager: Annotated[Optional[float], typer.Option(
        "--per-manager", min=1.0, help="At most this many households per customer manager of a new room.")] = None,
    managers_per_room: Annotated[int, typer.Option("--managers-per-room", min=1, help="Managers of each new room.")] = 1,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    lang: LangOption = "zh",
) -> None:
    """Suggest K new rooms that cover the most uncovered households (greedy + exact check)."""
    from dashboard.coverage.planner import PlanError, plan, read_candidates

    data = _data(db, lang)
    cands = None
    try:
        if candidates is not None:
            cands = read_candidates(candidates, crs=crs)
        result = plan(data, k=add, candidates=cands, minutes=minutes, speed_m_s=speed,
                      elderly_weight=elderly_weight, on=parse_date(on, "--on"), minutes_by_kind=_by_kind(village),
                      objective=objective, households_per_manager=per_manager, managers_per_room=managers_per_room)
    except (PlanError, OSError) as exc:
        typer.echo(t("cov.cli.failed", lang, msg=str(exc)), err=True)
        raise typer.Exit(2) from None
    if as_json:
        from dashboard.analysis import impact

        con = warehouse.connect_read(settings.db_path(db))
        try:
            effects = impact.load_effects(con)
        finally:
            con.close()
        imp = impact.plan_impact(result, effects, managers_per_room=managers_per_room,
                                 households_per_manager=per_manager)
        typer.echo(json.dumps({**result.as_dict(), **impact.json_keys(imp)}, ensure_ascii=False))
        return
    for r in result.added.itertuples(index=False):
        typer.echo(f"{r.site_id}\t{r.lon:.6f}\t{r.lat:.6f}\t+{r.new_households}\t+{r.new_elderly}")
    typer.echo(t("cov.cli.plan_summary", lang, before=_pct(result.share_before), after=_pct(result.share_after),
                 gap=_pct(result.optimality_gap)))


def register(app: typer.Typer) -> None:
    app.command("coverage")(coverage_command)
    app.command("plan")(plan_command)
