"""Which canonical table an export file holds, recognised from its headers.

``servicecircle refresh DIR`` (:mod:`dashboard.commands.refresh`) imports whatever files
land in a folder without being told their tables. A file's headers are mapped to every
table of :data:`dashboard.ingest.aliases.TABLES` the way the importer maps them
(:func:`dashboard.ingest.validate.map_headers`, with the profile's headers): a table is a
*candidate* when the file has every column it requires, and its *score* is the number of
its fields the headers give, personal fields (names, phones, addresses: on every table)
not counted. The candidate with the highest score wins; a tie between the best two is
ambiguous, and a file with no candidate is unknown. Both are refused with a message
naming the file, its headers and the tables considered (:class:`NotRecognised`), never
guessed.

The header row is found as the importer finds it (titles and notes above it skipped),
so a file is read once here to learn its headers; nothing is written.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import duckdb

from dashboard.ingest.aliases import TABLES, TableSpec
from dashboard.ingest.profile import Profile, load_profile
from dashboard.ingest.readers import ReadError, read_into
from dashboard.ingest.validate import MissingColumns, map_headers

__all__ = ["NotRecognised", "Recognised", "recognise_file", "recognise_headers", "IMPORT_ORDER"]

IMPORT_ORDER: tuple[str, ...] = (
    "communities",
    "business_halls",
    "service_rooms",
    "buildings",
    "customers",
    "staff",
    "counter_tickets",
    "hotline_orders",
    "room_visits",
)
"""Tables in dependency order: communities before the rooms that name them, rooms before
staff and visits, the customer list before the facts it attributes to communities."""

_PERSONAL_KINDS = ("drop", "address")


class NotRecognised(ValueError):
    """A file whose table cannot be told from its headers (unknown or ambiguous).

    ``key`` and ``params`` name the i18n string (``dashboard/i18n/refresh.toml``).
    """

    def __init__(self, message: str, *, key: str, params: dict) -> None:
        super().__init__(message)
        self.key = key
        self.params = params


@dataclass(frozen=True)
class Recognised:
    """A file and the table its headers say it holds.

    Attributes
    ----------
    path
        The file.
    table
        Warehouse table name (``counter_tickets`` ...).
    fields
        The table's fields its headers give (personal fields left out).
    """

    path: Path
    table: str
    fields: tuple[str, ...]


def _score(spec: TableSpec, headers: list[str], profile: Profile, name: str) -> tuple[str, ...] | None:
    try:
        hmap = map_headers(spec, headers, profile, name)
    except MissingColumns:
        return None
    return tuple(sorted(f for f in hmap.columns if spec.field(f).kind not in _PERSONAL_KINDS))


def recognise_headers(headers: list[str], *, file_name: str = "", profile: Profile | None = None) -> Recognised:
    """The table of a file with these headers (see the module docstring).

    Raises
    ------
    NotRecognised
        No table has all its required columns here, or two tables fit equally well.
    """
    prof = profile if profile is not None else load_profile(None)
    scored = [(spec.name, fields) for spec in TABLES.values()
              if (fields := _score(spec, headers, prof, file_name)) is not None and fields]
    scored.sort(key=lambda item: (-len(item[1]), IMPORT_ORDER.index(item[0])))
    shown = ", ".join(str(h) for h in headers)
    if not scored:
        raise NotRecognised(
            f"{file_name}: no table has all its required columns among the headers {shown}",
            key="refresh.unknown", params={"file": file_name, "headers": shown},
        )
    if len(scored) > 1 and len(scored[0][1]) == len(scored[1][1]):
        tied = [t for t, f in scored if len(f) == len(scored[0][1])]
        raise NotRecognised(
            f"{file_name}: the headers fit {' and '.join(tied)} equally well ({shown}); "
            "import it with `servicecircle import TABLE FILE`",
            key="refresh.ambiguous", params={"file": file_name, "tables": ", ".join(tied), "headers": shown},
        )
    return Recognised(Path(file_name), scored[0][0], scored[0][1])


def recognise_file(
    path: str | os.PathLike, *, profile: Profile | None = None, sheet: str | int | None = None
) -> Recognised:
    """Read a file's headers (as the importer finds them) and recognise its table.

    Raises
    ------
    NotRecognised
        Unknown or ambiguous headers, or a file that cannot be read at all.
    """
    p = Path(path)
    prof = profile if profile is not None else load_profile(None)
    names: set[str] = set()
    from dashboard.ingest.importer import header_names

    for spec in TABLES.values():
        names |= header_names(spec, prof)
    con = duckdb.connect()
    try:
        raw = read_into(con, p, sheet=sheet, header_names=names)
    except ReadError as exc:
        raise NotRecognised(
            f"{p.name}: cannot be read: {exc}", key="refresh.unreadable", params={"file": p.name, "msg": str(exc)},
        ) from None
    finally:
        con.close()
    found = recognise_headers(raw.headers, file_name=p.name, profile=prof)
    return Recognised(p, found.table, found.fields)
