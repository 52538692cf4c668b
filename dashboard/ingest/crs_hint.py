"""Spotting points imported in the wrong coordinate system (Amap / Baidu coordinates read as WGS-84).

Room and building exports often carry coordinates picked on Amap or Tencent maps
(GCJ-02) or Baidu (BD-09) without saying so. Read as WGS-84 they land 300-700 m off —
still inside China, so no row check can catch them, yet enough to spoil a five-minute
walking analysis. :func:`crs_hint` compares the points with the communities they name:
if the points fall inside their own community (polygon) — or near its centre, when the
communities have no polygons — far more often once converted from GCJ-02 or BD-09, the
import says so and tells the user to import again with ``--crs``. It never changes data.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.ingest import coords

__all__ = ["MIN_POINTS", "crs_hint"]

MIN_POINTS = 5
"""Fewer points with a known community than this: no hint (too little evidence)."""


def _haversine_m(lon1, lat1, lon2, lat2) -> np.ndarray:
    r = 6_371_008.8
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi, dl = p2 - p1, np.radians(np.asarray(lon2) - np.asarray(lon1))
    a = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * r * np.arcsin(np.sqrt(a))


def crs_hint(points: pd.DataFrame, communities: pd.DataFrame) -> dict | None:
    """Whether the points look like GCJ-02 or BD-09 coordinates read as WGS-84.

    Parameters
    ----------
    points
        ``lon``, ``lat`` (as imported, WGS-84 assumed) and ``community_id``.
    communities
        ``community_id``, ``lon``, ``lat`` (WGS-84 centre) and optionally
        ``geometry_wkb`` (polygon, WKB).

    Returns
    -------
    dict or None
        ``{"crs": "gcj02" | "bd09", "test": "inside" | "distance", "n": points compared,
        "given": ..., "converted": ...}`` — for ``inside`` the numbers of points inside
        their own community polygon as given and once converted; for ``distance`` the
        median distance in metres to the community centre. ``None`` when the points look
        right or there is too little to compare.
    """
    p = points.dropna(subset=["lon", "lat", "community_id"])
    c = communities.dropna(subset=["community_id"])
    m = p.merge(c, on="community_id", how="inner", suffixes=("", "_c")).reset_index(drop=True)
    if len(m) < MIN_POINTS:
        return None
    lon, lat = m["lon"].to_numpy(float), m["lat"].to_numpy(float)
    candidates = {crs: coords.to_wgs84(lon, lat, crs) for crs in ("gcj02", "bd09")}

    mask = m["geometry_wkb"].notna().to_numpy() if "geometry_wkb" in m.columns else np.zeros(len(m), bool)
    if mask.sum() >= MIN_POINTS:
        import shapely

        polys = shapely.from_wkb([bytes(b) for b in m.loc[mask, "geometry_wkb"]])  # DuckDB BLOBs come as bytearray

        def inside(x: np.ndarray, y: np.ndarray) -> int:
            return int(shapely.contains_xy(polys, x[mask], y[mask]).sum())

        n = int(mask.sum())
        given = inside(lon, lat)
        scores = {crs: inside(x, y) for crs, (x, y) in candidates.items()}
        best = max(scores, key=scores.get)
        if scores[best] >= n / 2 and scores[best] >= max(2 * given, given + 3):
            return {"crs": best, "test": "inside", "n": n, "given": given, "converted": scores[best]}
        return None

    clon, clat = m["lon_c"].to_numpy(float), m["lat_c"].to_numpy(float)
    ok = np.isfinite(clon) & np.isfinite(clat)
    if ok.sum() < MIN_POINTS:
        return None
    given = float(np.median(_haversine_m(lon[ok], lat[ok], clon[ok], clat[ok])))
    dists = {crs: float(np.median(_haversine_m(x[ok], y[ok], clon[ok], clat[ok]))) for crs, (x, y) in candidates.items()}
    best = min(dists, key=dists.get)
    if dists[best] < 0.5 * given and given - dists[best] > 150:
        return {"crs": best, "test": "distance", "n": int(ok.sum()), "given": round(given), "converted": round(dists[best])}
    return None
