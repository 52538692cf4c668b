"""CLI commands, one module per area; each defines ``register(app)``."""

from __future__ import annotations

import os

import typer


def up_to_date(db: str | os.PathLike | None) -> None:
    """Before a command reads the warehouse: rebuild it once if an older version made it
    (see :func:`dashboard.warehouse.bring_up_to_date`), saying so on stderr."""
    from dashboard import warehouse

    warehouse.bring_up_to_date(db, echo=lambda msg: typer.echo(msg, err=True))
