"""``servicecircle metrics`` and ``servicecircle bench``: KPIs and page timings as JSON.

``metrics`` prints the same numbers the pages show (it calls
:func:`dashboard.analysis.metrics.cli_summary`, which the Overview page's functions
share). ``bench`` runs every metric page's full query set several times in one process
(:mod:`dashboard.analysis.page_queries`) and prints median warm and cold timings.
"""

from __future__ import annotations

import json
from typing import Annotated, Optional

import typer

from dashboard import settings
from dashboard.analysis.filters import Filters
from dashboard.commands import DbOption, open_read, parse_date, up_to_date


def metrics_command(
    db: DbOption = None,
    date_from: Annotated[Optional[str], typer.Option("--from", help="First day (YYYY-MM-DD).")] = None,
    date_to: Annotated[Optional[str], typer.Option("--to", help="Last day (YYYY-MM-DD).")] = None,
    district: Annotated[Optional[list[str]], typer.Option("--district", help="District (repeatable).")] = None,
    hall: Annotated[Optional[list[str]], typer.Option("--hall", help="Business hall id (repeatable).")] = None,
    wave: Annotated[Optional[list[str]], typer.Option("--wave", help="Roll-out wave, e.g. 2024Q2 (repeatable).")] = None,
    service_type: Annotated[Optional[list[str]], typer.Option("--type", help="Service type (repeatable).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Print the headline metrics (hall tickets, waits, hotline orders, room visits, Overview KPIs)."""
    from dashboard.analysis.metrics import cli_summary

    filters = Filters(
        date_from=parse_date(date_from, "--from"), date_to=parse_date(date_to, "--to"),
        districts=tuple(district or ()), hall_ids=tuple(hall or ()),
        waves=tuple(wave or ()), service_types=tuple(service_type or ()),
    )
    con = open_read(db)
    try:
        out = cli_summary(con, filters)
    finally:
        con.close()
    if as_json:
        typer.echo(json.dumps(out, ensure_ascii=False, default=str))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=str(settings.db_path(db)))
    table.add_column("metric")
    table.add_column("value", justify="right")
    for k, v in out.items():
        if k == "overview":
            for kk, vv in v.items():
                table.add_row(f"overview.{kk}", _fmt(vv["value"]) + f"  (baseline {_fmt(vv['baseline'])})")
        else:
            table.add_row(k, _fmt(v))
    Console().print(table)


def _fmt(v) -> str:
    if isinstance(v, float):
        return f"{v:,.3f}"
    return str(v)


def bench_command(
    db: DbOption = None,
    runs: Annotated[int, typer.Option("--runs", help="Warm runs per page.")] = 7,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Time every page's full query set (cold = first run on a fresh connection; warm = median)."""
    from dashboard.analysis.page_queries import bench

    path = settings.db_path(db)
    if not path.exists():
        typer.echo(f"warehouse {path} does not exist", err=True)
        raise typer.Exit(2)
    up_to_date(path)
    out = bench(path, runs=runs)
    if as_json:
        typer.echo(json.dumps(out))
        return
    for name, r in out["pages"].items():
        typer.echo(f"{name:14s} median {r['median_ms']:8.1f} ms   cold {r['cold_ms']:8.1f} ms")
    typer.echo(f"coverage_ms {out['coverage_ms']}  plan_ms {out['plan_ms']}")
    h = out["hall_effect"]
    typer.echo(f"{'hall_effect':14s} median {h['median_ms']:8.1f} ms   cold {h['cold_ms']:8.1f} ms  (computed)")
    s = out["hall_effect_stored"]
    if s is None:
        typer.echo(f"{'hall_effect':14s} not precomputed for this data (servicecircle precompute)")
    else:
        typer.echo(f"{'hall_effect':14s} median {s['median_ms']:8.1f} ms   cold {s['cold_ms']:8.1f} ms  (precomputed, as pages read it)")


def register(app: typer.Typer) -> None:
    app.command("metrics")(metrics_command)
    app.command("bench")(bench_command)
