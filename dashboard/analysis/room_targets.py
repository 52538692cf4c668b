"""The scorecard targets file: read, check and write ``<db>.targets.toml``.

Defaults are :class:`dashboard.settings.RoomTargets`; the file beside the warehouse
(:func:`dashboard.settings.room_targets_path`) holds the user's overrides as a flat TOML
table, one ``key = number`` per target::

    visits_min = 25
    coverage_share_min = 0.7

A file that does not parse, names an unknown target, or gives a value that is not a
finite number >= 0 (a share above 1) is refused with a :class:`TargetsError` naming the
file, the line and the key; nothing is used half-read. :func:`save` checks first and
then replaces the file atomically (write beside, rename), so a refused edit leaves the
old file as it was. The Rooms page's form and ``servicecircle targets`` call these.

Public API: :data:`KEYS`, :class:`TargetsError`, :func:`load`, :func:`load_for`, :func:`parse`,
:func:`check`, :func:`save`.
"""

from __future__ import annotations

import dataclasses
import math
import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from dashboard import settings

__all__ = ["KEYS", "SHARE_KEYS", "TargetsError", "check", "load", "load_for", "parse", "save"]

KEYS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(settings.RoomTargets))
"""Target keys in display order."""

SHARE_KEYS: frozenset[str] = frozenset(k for k in KEYS if "share" in k or "rate" in k)
"""Targets that are shares (0..1)."""


class TargetsError(ValueError):
    """A targets file or edit that cannot be used; the message names file, line and key."""


def _line_of(text: str, key: str) -> int | None:
    for i, line in enumerate(text.splitlines(), start=1):
        if re.match(rf"\s*{re.escape(key)}\s*=", line):
            return i
    return None


def _where(path: str, text: str | None, key: str) -> str:
    line = _line_of(text, key) if text is not None else None
    return f"{path}, line {line}, {key}" if line else f"{path}, {key}"


def check(values: Mapping[str, Any], source: str = "targets", text: str | None = None) -> dict[str, float]:
    """Check target overrides and return them as floats.

    Parameters
    ----------
    values
        ``{key: value}``; keys must be in :data:`KEYS`.
    source
        What to name in an error (the file path, or "form").
    text
        The file's text, to name the line of a bad key.

    Raises
    ------
    TargetsError
        Unknown key, a value that is not a number (booleans and strings are refused), not
        finite, negative, or a share above 1.
    """
    out: dict[str, float] = {}
    for key, value in values.items():
        where = _where(source, text, key)
        if key not in KEYS:
            raise TargetsError(f"{where}: unknown target; known targets: {', '.join(KEYS)}")
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TargetsError(f"{where}: {value!r} is not a number")
        v = float(value)
        if not math.isfinite(v) or v < 0:
            raise TargetsError(f"{where}: {value!r} must be a finite number >= 0")
        if key in SHARE_KEYS and v > 1:
            raise TargetsError(f"{where}: {value!r} is a share and must lie between 0 and 1")
        out[key] = v
    return out


def parse(text: str, source: str = "targets") -> settings.RoomTargets:
    """Targets from the text of a targets file (defaults for keys it leaves out)."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TargetsError(f"{source}: not valid TOML ({exc})") from None
    return dataclasses.replace(settings.ROOM_TARGETS, **check(raw, source, text))


def load_for(con: Any) -> settings.RoomTargets:
    """The targets in force for the warehouse a connection reads (the file beside the
    attached warehouse; the defaults for an in-memory database)."""
    row = con.execute("select path from duckdb_databases() where database_name = current_database()").fetchone()
    if row is None or not row[0]:
        return settings.ROOM_TARGETS
    return load(row[0])


def load(db: str | os.PathLike | None = None) -> settings.RoomTargets:
    """The targets in force for the warehouse ``db``: the defaults with the file's overrides."""
    path = settings.room_targets_path(db)
    if not path.is_file():
        return settings.ROOM_TARGETS
    return parse(path.read_text(encoding="utf-8"), str(path))


def save(db: str | os.PathLike | None, changes: Mapping[str, Any], source: str = "form") -> settings.RoomTargets:
    """Apply ``changes`` to the targets in force and write the file (only values that
    differ from the defaults are written). Checks everything before writing.

    Returns
    -------
    RoomTargets
        The targets now in force.
    """
    current = load(db)
    new = dataclasses.replace(current, **check(changes, source))
    path: Path = settings.room_targets_path(db)
    lines = ["# Scorecard targets (servicecircle); see dashboard/settings.py RoomTargets", ""]
    for key in KEYS:
        v = getattr(new, key)
        if v != getattr(settings.ROOM_TARGETS, key):
            lines.append(f"{key} = {v!r}")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return new
