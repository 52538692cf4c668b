"""CLI commands, one module per area; each defines ``register(app)``.

Also the pieces every area's commands share: the ``--db`` option (:data:`DbOption`),
date options (:func:`parse_date`), opening the warehouse for reading
(:func:`open_read`), bringing an older warehouse up to date first
(:func:`up_to_date`), and a failure as one line and an exit code (:func:`exit_on`).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Annotated, NoReturn, Optional

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


def exit_on(exc: BaseException, err, lang: str, prefix: str) -> NoReturn:
    """Say why a command failed in one line on stderr (never a traceback) and exit.

    Exit codes: 2 a refusal (an error with ``localized(lang)``, e.g. an import refused with
    the file, row and field) or no warehouse; 3 another import holds the warehouse;
    1 anything else. The lines are the i18n texts ``<prefix>.refused``, ``<prefix>.locked``
    and ``<prefix>.failed`` (a refusal without its own text uses ``failed``).

    Parameters
    ----------
    exc
        The exception the command caught.
    err
        The ``rich`` console of stderr.
    lang
        ``zh`` or ``en``.
    prefix
        The command's i18n prefix, e.g. ``"data.cli"``.
    """
    from dashboard import warehouse
    from dashboard.i18n import CATALOGUE, t

    def say(text: str) -> None:
        err.print(text, markup=False, highlight=False, soft_wrap=True)

    if isinstance(exc, warehouse.WarehouseMissing):
        say(str(exc))
        raise typer.Exit(2) from None
    localized = getattr(exc, "localized", None)
    if callable(localized):
        key = f"{prefix}.refused" if f"{prefix}.refused" in CATALOGUE else f"{prefix}.failed"
        say(t(key, lang, msg=localized(lang)))
        raise typer.Exit(2) from None
    if isinstance(exc, TimeoutError):
        say(t(f"{prefix}.locked", lang, msg=str(exc)))
        raise typer.Exit(3) from None
    say(t(f"{prefix}.failed", lang, msg=f"{type(exc).__name__}: {exc}"))
    raise typer.Exit(1) from None
