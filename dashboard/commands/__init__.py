"""CLI commands, one module per area; each defines ``register(app)``.

Also the pieces every area's commands share: the ``--db`` option (:data:`DbOption`),
date options (:func:`parse_date`), opening the warehouse for reading
(:func:`open_read`) and bringing an older warehouse up to date first
(:func:`up_to_date`).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Annotated, Optional

import typer

DbOption = Annotated[
    Optional[Path],
    typer.Option("--db", help="Warehouse file (default data/warehouse.duckdb or $SERVICECIRCLE_DB)."),
]
"""The ``--db PATH`` option every command takes."""


def parse_date(value: str | None, option: str) -> dt.date | None:
    """A ``YYYY-MM-DD`` option value as a date (``None`` stays ``None``); a bad value is a
    usage error naming the option."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{option} expects a date like 2024-03-05, got {value!r}") from None


def up_to_date(db: str | os.PathLike | None) -> None:
    """Before a command reads the warehouse: rebuild it once if an older version made it
    (see :func:`dashboard.warehouse.bring_up_to_date`), saying so on stderr."""
    from dashboard import warehouse

    warehouse.bring_up_to_date(db, echo=lambda msg: typer.echo(msg, err=True))


def open_read(db: str | os.PathLike | None):
    """A read-only connection to the warehouse, brought up to date first; a missing
    warehouse is reported on stderr with exit code 2."""
    from dashboard import warehouse

    up_to_date(db)
    try:
        return warehouse.connect_read(db)
    except warehouse.WarehouseMissing as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
