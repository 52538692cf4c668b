"""``servicecircle serve``: start the Streamlit dashboard headless."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from dashboard import settings
from dashboard.commands import up_to_date

DbOption = Annotated[
    Optional[Path],
    typer.Option("--db", help="Warehouse file (default data/warehouse.duckdb or $SERVICECIRCLE_DB)."),
]


def serve_command(
    db: DbOption = None,
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8501,
    address: Annotated[str, typer.Option("--address", help="Address to bind.")] = "127.0.0.1",
) -> None:
    """Start the dashboard (Streamlit, headless) on the given warehouse."""
    path = settings.db_path(db)
    up_to_date(path)  # a warehouse built by an older version: rebuilt once, atomically
    env = dict(os.environ)
    env["SERVICECIRCLE_DB"] = str(path.resolve())
    cmd = [
        sys.executable, "-m", "streamlit", "run",
        str(settings.PROJECT_ROOT / "dashboard" / "app.py"),
        "--server.headless", "true",
        "--server.port", str(port),
        "--server.address", address,
        "--server.enableXsrfProtection", "true",
        "--server.maxUploadSize", "1024",
        "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
        "--global.developmentMode", "false",
        "--client.toolbarMode", "viewer",  # no "Deploy" button or developer menu
    ]
    raise typer.Exit(subprocess.call(cmd, env=env))


def register(app: typer.Typer) -> None:
    app.command("serve")(serve_command)
