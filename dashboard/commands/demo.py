"""``servicecircle demo``: build the synthetic demo city and load it into the warehouse.

Thin: parses options and calls :func:`dashboard.demo.build_demo` (generate → export
files in ``data/demo/raw`` → the importer → ``data/demo/truth.json``) with a rich
progress bar, then prints per-table counts (``--json``: the build manifest).

Exit codes: 0 built; 4 the warehouse already holds data (no ``--force``); 3 another
import holds the warehouse lock; 1 any other failure.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from dashboard.commands import exit_on
from dashboard.i18n import t

SCALE_CHOICES = ("small", "city", "tiny")


def demo_command(
    scale: Annotated[str, typer.Option("--scale", help="small (one district, ~1M tickets) or city (~1,500 communities, ~20M tickets).")] = "small",
    seed: Annotated[Optional[int], typer.Option("--seed", help="Random seed (same seed, same city).")] = None,
    db: Annotated[Optional[Path], typer.Option("--db", help="Warehouse file (default data/warehouse.duckdb or $SERVICECIRCLE_DB).")] = None,
    out: Annotated[Optional[Path], typer.Option("--out", help="Folder for raw exports, network and truth (default data/demo).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace the data the warehouse holds.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the build manifest as JSON.")] = False,
    lang: Annotated[str, typer.Option("--lang", help="Language of the printed summary: zh or en.")] = "zh",
) -> None:
    """Build the demo city (exports shaped like the real systems') and import it."""
    from dashboard.demo import DEFAULT_SEED, DemoExists, build_demo

    err = Console(stderr=True)
    outc = Console()
    if scale not in SCALE_CHOICES:
        err.print(f"--scale: {scale!r} not in {', '.join(SCALE_CHOICES)}", markup=False)
        raise typer.Exit(2)
    seed = DEFAULT_SEED if seed is None else seed
    show_bar = not as_json and sys.stderr.isatty()
    try:
        with Progress(
            TextColumn("{task.description}"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
            TimeElapsedColumn(), console=err, transient=True, disable=not show_bar,
        ) as bar:
            task = bar.add_task(t("demo.cli.building", lang, scale=scale, seed=seed), total=1.0)

            def progress(message: str, fraction: float) -> None:
                bar.update(task, completed=fraction, description=message)

            report = build_demo(scale, seed=seed, db=db, out_dir=out, force=force, progress=progress)
    except DemoExists as exc:
        err.print(t("demo.cli.exists_hint", lang, db=str(exc.db)), markup=False, highlight=False)
        raise typer.Exit(4) from None
    except Exception as exc:  # one clear line, never a traceback
        exit_on(exc, err, lang, "demo.cli")
    from dashboard.commands.precompute import after_publish

    after_publish(db, lang, quiet=as_json)
    if as_json:
        print(json.dumps(report, ensure_ascii=False, default=str))
        return
    tab = Table(title=t("demo.cli.title", lang))
    for key in ("table", "generated", "stored", "duplicates", "rejected"):
        tab.add_column(t(f"demo.col.{key}", lang), justify="left" if key == "table" else "right")
    for table, res in report["imports"].items():
        tab.add_row(table, f"{report['generated'][table]:,}", f"{res['stored'] + res['updated']:,}",
                    f"{res['duplicates']:,}", f"{res['rejected']:,}")
    outc.print(tab)
    net = report["network"]
    outc.print(t("demo.cli.network", lang, nodes=f"{net['nodes']:,}", edges=f"{net['edges']:,}"), markup=False)
    for m in report["mismatches"]:
        outc.print(t("demo.cli.mismatch", lang, table=m["table"], expected=m["expected"], loaded=m["loaded"]), markup=False)
    outc.print(t("demo.cli.truth", lang, path=str(Path(report["out_dir"]) / "truth.json")), markup=False)
    outc.print(t("demo.cli.done", lang, db=report["db"], seconds=report["seconds"]["total"]), markup=False)


def register(app: typer.Typer) -> None:
    app.command("demo")(demo_command)
