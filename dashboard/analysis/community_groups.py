"""Community subgroups for the heterogeneity of the effects: urban / rural and the walking
distance from each community to its room, in bands.

Walking distance
----------------
The network walking distance of the street coverage engine
(:func:`dashboard.coverage.engine.compute`): from the community's homes (its residential
buildings / gates, else its community point; household-weighted median over them, the
engine's ``walk_m``) along the streets to the nearest room that has ever opened (every
room with an ``opened_on``, closed or not: the room a served community was given, and
for almost every community the one that serves it). The search is bounded at the last
band's edge (800 m); farther communities fall in the band ``gt800``. Communities without
a point cannot be placed: their band is ``None`` and they are left out of the bands.

The bands are those of GB 50180-2018's life circles at 1.0 m/s: ``le300`` (the
five-minute circle, ≤ 300 m), ``300_500`` (ten minutes), ``500_800`` (fifteen) and
``gt800`` (beyond). A distance exactly on an edge belongs to the nearer band.

The table is computed once per warehouse data version and kept in memory
(:func:`community_groups`); it needs a street network in the warehouse
(:class:`dashboard.coverage.refusals.NetworkError` otherwise).

Public API: :data:`DISTANCE_BANDS`, :data:`BY`, :func:`distance_band`,
:func:`community_groups`, :func:`groups_from_frames`.
"""

from __future__ import annotations

import functools

import duckdb
import numpy as np
import pandas as pd

from dashboard import settings, warehouse
from dashboard.coverage import engine
from dashboard.coverage.inputs import CoverageData, read_data

__all__ = ["BY", "DISTANCE_BANDS", "community_groups", "distance_band", "groups_from_frames"]

DISTANCE_BANDS: tuple[tuple[str, float], ...] = (
    ("le300", 300.0),
    ("300_500", 500.0),
    ("500_800", 800.0),
    ("gt800", float("inf")),
)
"""Band code and its upper edge in metres (inclusive), nearest first."""

BY: dict[str, tuple[str, ...]] = {
    "urban_rural": ("urban", "rural"),
    "distance_band": tuple(code for code, _ in DISTANCE_BANDS),
}
"""The subgroupings of ``servicecircle effects --by`` and their groups in display order."""


def distance_band(walk_m: np.ndarray | pd.Series) -> np.ndarray:
    """Band code of each walking distance (metres; ``inf`` / NaN: beyond the last edge).

    Parameters
    ----------
    walk_m
        Distances in metres.

    Returns
    -------
    numpy.ndarray
        Object array of band codes (:data:`DISTANCE_BANDS`).
    """
    d = np.asarray(walk_m, dtype=float)
    d = np.where(np.isfinite(d), d, np.inf)
    edges = np.array([edge for _, edge in DISTANCE_BANDS[:-1]])
    codes = np.array([code for code, _ in DISTANCE_BANDS], dtype=object)
    return codes[np.searchsorted(edges, d, side="left")]


def groups_from_frames(data: CoverageData) -> pd.DataFrame:
    """The subgroup table from loaded coverage data (see :func:`community_groups`)."""
    rooms = data.rooms
    ever = rooms.loc[rooms["opened_on"].notna(), "room_id"].astype(str).tolist()
    limit = DISTANCE_BANDS[-2][1]
    res = engine.compute(
        data,
        minutes=limit / 60.0 / settings.WALK_SPEED_M_S,
        speed_m_s=settings.WALK_SPEED_M_S,
        open_room_ids=ever,
    )
    comm = data.communities[["community_id", "kind", "lon", "lat"]].merge(
        res.communities[["community_id", "walk_m"]], on="community_id", how="left"
    )
    placed = comm["lon"].notna() & comm["lat"].notna()
    walk = comm["walk_m"].astype(float).where(np.isfinite(comm["walk_m"].astype(float)))
    band = pd.Series(distance_band(comm["walk_m"].to_numpy(dtype=float)), index=comm.index, dtype=object)
    return pd.DataFrame({
        "community_id": comm["community_id"].astype(str),
        "urban_rural": comm["kind"].where(comm["kind"].isin(BY["urban_rural"])),
        "walk_m": walk.where(placed),
        "distance_band": band.where(placed),
    })


@functools.lru_cache(maxsize=4)
def _cached(path: str, version: tuple[int, int, int]) -> pd.DataFrame:
    con = warehouse.connect_read(path)
    try:
        return groups_from_frames(read_data(con))
    finally:
        con.close()


def community_groups(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """One row per community: its urban / rural kind and walking-distance band.

    Parameters
    ----------
    con
        An open warehouse connection (read snapshot or writer).

    Returns
    -------
    pandas.DataFrame
        ``community_id``, ``urban_rural`` (``urban`` / ``rural``, ``None`` when not
        recorded), ``walk_m`` (NaN beyond 800 m or not placed), ``distance_band``
        (:data:`DISTANCE_BANDS` code, ``None`` when the community has no point). A copy:
        callers may change it.

    Raises
    ------
    dashboard.coverage.refusals.NetworkError
        When the warehouse holds no street network.
    """
    row = con.execute(
        "select path from duckdb_databases() where database_name = current_database()"
    ).fetchone()
    path = row[0] if row and row[0] else None
    version = warehouse.data_version(path) if path else None
    if version is None:  # in-memory or unknown file: nothing to key a cache on
        return groups_from_frames(read_data(con))
    return _cached(str(path), version).copy()
