"""The coverage map as a PNG, drawn with Pillow from the geometry itself.

PowerPoint needs a picture of the map. Plotly's static export needs kaleido and a
Chrome, which a locked-down office machine may not have, so this module draws the map
directly: streets as thin grey lines, each community as its polygon (or, without one, a
dot sized by households) in green when it is within the walk and red when it is not,
and the rooms as dark blue dots. There is no text on the picture (no font needed); the
legend is a translated caption beside it.

Coordinates are WGS-84 lon/lat, drawn in an equirectangular projection around the
map's mean latitude (distortion is negligible at city scale).
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
import shapely
from PIL import Image, ImageDraw

__all__ = ["COVERED", "UNCOVERED", "ROOM", "STREET", "draw_coverage_map"]

COVERED = (46, 157, 91)
UNCOVERED = (192, 57, 43)
ROOM = (20, 40, 110)
STREET = (185, 185, 185)
BACKGROUND = (255, 255, 255)


class _Projector:
    def __init__(self, lon: np.ndarray, lat: np.ndarray, size: tuple[int, int], margin: int):
        self.lat0 = math.radians(float(np.nanmean(lat)))
        kx = math.cos(self.lat0)
        x = lon * kx
        self.kx = kx
        self.x0, self.x1 = float(np.nanmin(x)), float(np.nanmax(x))
        self.y0, self.y1 = float(np.nanmin(lat)), float(np.nanmax(lat))
        w, h = size
        span_x = max(self.x1 - self.x0, 1e-6)
        span_y = max(self.y1 - self.y0, 1e-6)
        self.s = min((w - 2 * margin) / span_x, (h - 2 * margin) / span_y)
        self.ox = (w - self.s * span_x) / 2
        self.oy = (h - self.s * span_y) / 2
        self.h = h

    def __call__(self, lon: Sequence[float], lat: Sequence[float]) -> list[tuple[float, float]]:
        xs = (np.asarray(lon, dtype=float) * self.kx - self.x0) * self.s + self.ox
        ys = self.h - ((np.asarray(lat, dtype=float) - self.y0) * self.s + self.oy)
        return list(zip(xs.tolist(), ys.tolist()))


def _geoms(values: Iterable) -> list:
    out = []
    for v in values:
        if v is None or (not isinstance(v, (bytes, bytearray, memoryview)) and not hasattr(v, "geom_type")
                         and pd.isna(v)):
            out.append(None)
        elif isinstance(v, (bytes, bytearray, memoryview)):
            out.append(shapely.from_wkb(bytes(v)))
        else:
            out.append(v)
    return out


def _parts(g, geom_type: str) -> list:
    """The parts of geometry ``g`` of type ``geom_type`` (``"Polygon"``, ``"LineString"``),
    collections unpacked; ``[]`` for none or an empty geometry."""
    if g is None or g.is_empty:
        return []
    if g.geom_type == geom_type:
        return [g]
    if hasattr(g, "geoms"):
        return [p for part in g.geoms for p in _parts(part, geom_type)]
    return []


def draw_coverage_map(
    communities: pd.DataFrame,
    rooms: pd.DataFrame,
    streets: Iterable | None = None,
    *,
    street_segments: np.ndarray | None = None,
    size: tuple[int, int] = (1200, 900),
    margin: int = 30,
    supersample: int = 2,
) -> bytes:
    """Draw the walking-coverage map and return it as PNG bytes.

    Parameters
    ----------
    communities
        One row per community: ``lon``, ``lat``, ``covered`` (bool), optional
        ``households`` and ``geometry_wkb`` (polygon WKB, or a shapely geometry).
    rooms
        One row per open room: ``lon``, ``lat``.
    streets
        Optional street lines (WKB or shapely LineStrings, WGS-84).
    street_segments
        Optional straight street pieces as an ``(n, 4)`` array of
        ``lon1, lat1, lon2, lat2`` (fast path for a whole city's network).
    size
        Output size in pixels (width, height).
    margin
        Blank border in pixels.
    supersample
        Draw at this multiple and scale down, for smooth edges.

    Returns
    -------
    bytes
        A PNG image.
    """
    W, H = size[0] * supersample, size[1] * supersample
    img = Image.new("RGB", (W, H), BACKGROUND)
    street_geoms = [g for g in _geoms(streets or []) if g is not None]
    comm_geoms = _geoms(communities["geometry_wkb"]) if "geometry_wkb" in communities else [None] * len(communities)

    lons = [communities["lon"].to_numpy(dtype=float), rooms["lon"].to_numpy(dtype=float)]
    lats = [communities["lat"].to_numpy(dtype=float), rooms["lat"].to_numpy(dtype=float)]
    for g in comm_geoms:
        if g is not None and not g.is_empty:
            b = g.bounds
            lons.append(np.array([b[0], b[2]]))
            lats.append(np.array([b[1], b[3]]))
    all_lon = np.concatenate(lons) if lons else np.array([0.0])
    all_lat = np.concatenate(lats) if lats else np.array([0.0])
    if not np.isfinite(all_lon).any():
        buf = io.BytesIO()
        img.resize(size).save(buf, format="PNG")
        return buf.getvalue()
    proj = _Projector(all_lon[np.isfinite(all_lon)], all_lat[np.isfinite(all_lat)], (W, H), margin * supersample)

    # streets (below everything)
    draw = ImageDraw.Draw(img)
    for g in street_geoms:
        for line in _parts(g, "LineString"):
            xy = np.asarray(line.coords)
            if len(xy) >= 2:
                draw.line(proj(xy[:, 0], xy[:, 1]), fill=STREET, width=max(1, supersample))
    if street_segments is not None and len(street_segments):
        seg = np.asarray(street_segments, dtype=float)
        a = proj(seg[:, 0], seg[:, 1])
        b = proj(seg[:, 2], seg[:, 3])
        width = max(1, supersample)
        for p, q in zip(a, b):
            draw.line((p, q), fill=STREET, width=width)

    # community polygons, translucent fill, solid outline
    overlay = Image.new("RGBA", (W, H), (0, 0, 0, 0))
    odraw = ImageDraw.Draw(overlay)
    covered = communities["covered"].fillna(False).astype(bool).to_numpy() if "covered" in communities else np.zeros(len(communities), bool)
    households = (communities["households"].fillna(0).to_numpy(dtype=float)
                  if "households" in communities else np.ones(len(communities)))
    max_hh = max(float(households.max()) if len(households) else 1.0, 1.0)
    for i, g in enumerate(comm_geoms):
        color = COVERED if covered[i] else UNCOVERED
        polys = _parts(g, "Polygon")
        if polys:
            for p in polys:
                ext = np.asarray(p.exterior.coords)
                pts = proj(ext[:, 0], ext[:, 1])
                odraw.polygon(pts, fill=color + (110,), outline=color + (255,), width=max(1, supersample))
        else:
            lon, lat = communities["lon"].iat[i], communities["lat"].iat[i]
            if pd.isna(lon) or pd.isna(lat):
                continue
            (x, y), = proj([lon], [lat])
            r = (4 + 10 * math.sqrt(households[i] / max_hh)) * supersample
            odraw.ellipse((x - r, y - r, x + r, y + r), fill=color + (170,), outline=color + (255,))
    img = Image.alpha_composite(img.convert("RGBA"), overlay).convert("RGB")

    # rooms on top
    draw = ImageDraw.Draw(img)
    r = 5 * supersample
    for lon, lat in zip(rooms["lon"], rooms["lat"]):
        if pd.isna(lon) or pd.isna(lat):
            continue
        (x, y), = proj([lon], [lat])
        draw.ellipse((x - r, y - r, x + r, y + r), fill=ROOM, outline=(255, 255, 255), width=supersample)

    if supersample > 1:
        img = img.resize(size, Image.Resampling.LANCZOS)
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=True)
    return buf.getvalue()
