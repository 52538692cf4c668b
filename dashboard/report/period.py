"""Report periods for scheduled briefings: ``last-month`` and ``last-quarter``.

A timer or cron job runs ``servicecircle report --period last-month`` on, say, the 2nd
of each month; :func:`period_range` turns the name and the day it runs on into the last
complete month (or quarter) and a label for the file name (``2026-11``, ``2026Q3``).
:func:`output_path` names the file when ``--out`` is a folder or omitted
(``briefing_2026-11.pptx``). Pure functions; no I/O apart from looking at ``--out``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

__all__ = ["PERIODS", "Period", "output_path", "period_range"]

PERIODS: tuple[str, ...] = ("last-month", "last-quarter")
"""Period names ``--period`` accepts."""

FILE_STEM = "briefing"


@dataclass(frozen=True)
class Period:
    """A closed date range and its label (``2026-11`` for a month, ``2026Q3`` for a quarter)."""

    date_from: dt.date
    date_to: dt.date
    label: str


def _month_start(year: int, month: int) -> dt.date:
    while month < 1:
        year, month = year - 1, month + 12
    return dt.date(year, month, 1)


def period_range(name: str, today: dt.date) -> Period:
    """The last complete month or quarter before ``today``.

    Parameters
    ----------
    name
        ``"last-month"`` or ``"last-quarter"``.
    today
        The day the report is made (the period ends before its month / quarter).

    Returns
    -------
    Period

    Raises
    ------
    ValueError
        For another name.
    """
    if name == "last-month":
        start = _month_start(today.year, today.month - 1)
        end = _month_start(today.year, today.month) - dt.timedelta(days=1)
        return Period(start, end, f"{start.year}-{start.month:02d}")
    if name == "last-quarter":
        this_q_month = 3 * ((today.month - 1) // 3) + 1
        start = _month_start(today.year, this_q_month - 3)
        end = _month_start(today.year, this_q_month) - dt.timedelta(days=1)
        return Period(start, end, f"{start.year}Q{(start.month - 1) // 3 + 1}")
    raise ValueError(f"unknown period {name!r}; expected one of {', '.join(PERIODS)}")


def output_path(out: Path | None, label: str, fmt: str) -> Path:
    """Where the report goes.

    Parameters
    ----------
    out
        ``--out``: a file path (ending in ``.pptx`` / ``.html``), or a folder (an
        existing one, or a path without such an ending; it is created), or ``None`` for
        the current folder.
    label
        Period label for the file name (``2026-11``), or ``""`` for none.
    fmt
        ``"pptx"`` or ``"html"``.

    Returns
    -------
    Path
        ``out`` itself when it names a file, else ``<folder>/briefing_<label>.<fmt>``.
    """
    name = f"{FILE_STEM}_{label}.{fmt}" if label else f"{FILE_STEM}.{fmt}"
    if out is None:
        return Path.cwd() / name
    if out.is_dir() or out.suffix.lower() not in (".pptx", ".html"):
        return out / name
    return out
