"""Ingest: read the exports users bring, validate every row, and load the warehouse.

Public entry point: :func:`import_files` (what ``servicecircle import`` and the Data
page call). Modules:

``aliases``   canonical tables, header aliases and category words (from the spec)
``profile``   user TOML mapping profiles for other headers and words
``readers``   CSV (UTF-8 / BOM / GBK / GB18030), XLSX, Parquet, GeoJSON / GPKG / SHP
``values``    time, date, number, boolean, open-day parsing (as DuckDB SQL)
``coords``    GCJ-02 / BD-09 → WGS-84
``validate``  header mapping and row checks with reasons
``importer``  the import itself: counts, upserts, rejects, ledger
``undo``      what an import keeps to be undone, and undoing it (``servicecircle imports undo``)
"""

from dashboard.ingest.importer import (
    FileResult,
    ImportRefused,
    ImportResult,
    import_files,
)
from dashboard.ingest.profile import Profile, ProfileError, load_profile
from dashboard.ingest.validate import REASONS

__all__ = [
    "FileResult",
    "ImportRefused",
    "ImportResult",
    "Profile",
    "ProfileError",
    "REASONS",
    "import_files",
    "load_profile",
]
