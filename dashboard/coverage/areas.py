"""Walking areas: the streets reached within the walk, buffered into polygons for maps.

Up to :data:`EXACT_AREA_MAX_SEGMENTS` reached street pieces GEOS buffers them exactly;
beyond that a raster of :data:`AREA_RASTER_CELLS` cells a side is traced into polygons
(contourpy), fast at city scale and within a cell of the exact outline.
"""

from __future__ import annotations

import numpy as np
import shapely

from dashboard.coverage.engine import CoverageResult
from dashboard.coverage.inputs import CoverageData
from dashboard.coverage.network import Network
from dashboard.coverage.projection import to_lonlat

__all__ = ["reached_segments", "walking_area"]

# ---------------------------------------------------------------- walking areas
EXACT_AREA_MAX_SEGMENTS = 3000
"""Up to this many reached street pieces the walking area is buffered exactly with GEOS;
beyond (a city-wide map) it is traced from a distance raster (:func:`_raster_area`)."""
AREA_RASTER_CELLS = 1600
"""Cells along the longer side of the walking-area raster (about 20 m at 30 km)."""


def _cut_edges(net: Network, edges: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """LineStrings (local metres) of the stretches ``a``..``b`` metres along the edges."""
    edges = np.asarray(edges, np.int64)
    if len(edges) == 0:
        return np.empty(0, dtype=object)
    c, idx = net.coords_xy()
    vstart = net._vertex_start()
    step = np.zeros(len(c))
    same = idx[1:] == idx[:-1]
    step[1:] = np.where(same, np.hypot(np.diff(c[:, 0]), np.diff(c[:, 1])), 1.0)  # 1 m gap between edges
    gpos = np.cumsum(step)                        # strictly increasing along the vertex list
    base = gpos[vstart[:-1]]
    glen = gpos[vstart[1:] - 1] - base
    scale = np.divide(glen[edges], net.edge_len[edges], out=np.ones(len(edges)), where=net.edge_len[edges] > 0)
    ga = base[edges] + np.clip(a * scale, 0.0, glen[edges])
    gb = base[edges] + np.clip(b * scale, 0.0, glen[edges])
    i0 = np.searchsorted(gpos, ga, side="right")  # first vertex after the start
    i1 = np.searchsorted(gpos, gb, side="left")   # first vertex at or after the end
    i0 = np.clip(i0, vstart[edges] + 1, vstart[edges + 1] - 1)
    i1 = np.clip(i1, vstart[edges] + 1, vstart[edges + 1] - 1)

    def at(g: np.ndarray, k: np.ndarray) -> np.ndarray:  # point at g on the vertex step k-1 -> k
        t = np.divide(g - gpos[k - 1], step[k], out=np.zeros(len(g)), where=step[k] > 0)
        return c[k - 1] + np.clip(t, 0.0, 1.0)[:, None] * (c[k] - c[k - 1])

    n_in = np.maximum(i1 - i0, 0)
    cnt = n_in + 2
    first = np.concatenate([[0], np.cumsum(cnt)[:-1]])
    pts = np.empty((int(cnt.sum()), 2))
    pts[first] = at(ga, i0)
    pts[first + cnt - 1] = at(gb, i1)
    rows = np.repeat(np.arange(len(edges)), n_in)
    k = np.arange(int(n_in.sum())) - np.repeat(np.cumsum(n_in) - n_in, n_in)
    pts[first[rows] + 1 + k] = c[i0[rows] + k]
    return shapely.linestrings(pts, indices=np.repeat(np.arange(len(edges)), cnt))


def reached_segments(data: CoverageData, result: CoverageResult) -> np.ndarray:
    """The reached parts of the streets (LineStrings in local metres).

    A street is reached from its ends (``limit - dist(u)`` from ``u``, likewise from
    ``v``) and from any reached point on it (an open room or a demand point snapped
    onto it: ``limit - dist`` both ways); partial streets are cut at those positions.
    """
    net = data.network
    limit = result.limit_m
    nd = result.node_dist[: net.n_nodes]
    ru = np.clip(limit - nd[net.edge_u], 0.0, None)
    rv = np.clip(limit - nd[net.edge_v], 0.0, None)
    L = net.edge_len
    full = (ru >= L) | (rv >= L) | (ru + rv >= L)
    part = ~full & ((ru > 0) | (rv > 0))
    fu = np.flatnonzero(part & (ru > 0))
    fv = np.flatnonzero(part & (rv > 0))
    m = data.model
    vdist = result.node_dist[m.vn_node]
    on = np.isfinite(vdist) & (vdist < limit) & ~full[m.vn_edge]
    ve, vp, vr = m.vn_edge[on], m.vn_pos[on], limit - vdist[on]
    e = np.concatenate([fu, fv, ve])
    a = np.concatenate([np.zeros(len(fu)), L[fv] - rv[fv], np.maximum(0.0, vp - vr)])
    b = np.concatenate([ru[fu], L[fv], np.minimum(L[ve], vp + vr)])
    keep = b - a > 0.5
    return np.concatenate([net.edge_geoms_xy(np.flatnonzero(full)), _cut_edges(net, e[keep], a[keep], b[keep])])


def _raster_area(segs: np.ndarray, buffer_m: float, cells: int = AREA_RASTER_CELLS):
    """The ``buffer_m`` neighbourhood of many lines, traced from a distance raster.

    Points every half cell along the lines mark raster cells; a Euclidean distance
    transform finds each cell's nearest marked cell, the distance is measured to that
    cell's point on the line, and the ``buffer_m`` iso-line is traced with contourpy
    (linear interpolation between cell centres). Holes and gaps narrower than a cell or
    two may close; at a city-wide map's scale a cell is about a screen pixel.
    """
    import contourpy
    from scipy import ndimage

    b = shapely.bounds(segs)
    pad = buffer_m * 2.0
    x0, y0 = float(np.nanmin(b[:, 0])) - pad, float(np.nanmin(b[:, 1])) - pad
    x1, y1 = float(np.nanmax(b[:, 2])) + pad, float(np.nanmax(b[:, 3])) + pad
    cell = max((x1 - x0) / cells, (y1 - y0) / cells, buffer_m / 5.0)
    nx = int(np.ceil((x1 - x0) / cell)) + 1
    ny = int(np.ceil((y1 - y0) / cell)) + 1
    pts = shapely.get_coordinates(shapely.segmentize(segs, cell / 2.0))
    ix = np.clip(((pts[:, 0] - x0) / cell).astype(np.int64), 0, nx - 1)
    iy = np.clip(((pts[:, 1] - y0) / cell).astype(np.int64), 0, ny - 1)
    flat = iy * nx + ix
    px = np.full(nx * ny, np.nan)
    py = np.full(nx * ny, np.nan)
    px[flat] = pts[:, 0]
    py[flat] = pts[:, 1]
    empty = np.isnan(px).reshape(ny, nx)
    _, (jy, jx) = ndimage.distance_transform_edt(empty, return_distances=True, return_indices=True)
    near = (jy * nx + jx).ravel()
    gx = x0 + (np.arange(nx) + 0.5) * cell
    gy = y0 + (np.arange(ny) + 0.5) * cell
    cx = np.broadcast_to(gx[None, :], (ny, nx)).ravel()
    cy = np.broadcast_to(gy[:, None], (ny, nx)).ravel()
    dist = np.hypot(cx - px[near], cy - py[near]).reshape(ny, nx)
    gen = contourpy.contour_generator(gx, gy, dist, fill_type="OuterOffset")
    points, offsets = gen.filled(-1.0, buffer_m)
    # one polygon per outer ring (its holes follow it): build all rings at once
    if not points:
        return None
    coords = np.concatenate(points)
    base = np.concatenate([[0], np.cumsum([len(p) for p in points])[:-1]])
    starts = np.concatenate([o[:-1] + b0 for o, b0 in zip(offsets, base, strict=True)])
    ends = np.concatenate([o[1:] + b0 for o, b0 in zip(offsets, base, strict=True)])
    poly_of = np.concatenate([np.full(len(o) - 1, i) for i, o in enumerate(offsets)])
    is_shell = np.concatenate([np.arange(len(o) - 1) == 0 for o in offsets])
    ok = (ends - starts) >= 4
    keep_poly = np.zeros(len(points), dtype=bool)
    keep_poly[poly_of[ok & is_shell]] = True
    ok &= keep_poly[poly_of]
    if not ok.any():
        return None
    starts, ends, poly_of = starts[ok], ends[ok], poly_of[ok]
    cnt = ends - starts
    pos = np.repeat(starts - np.concatenate([[0], np.cumsum(cnt)[:-1]]), cnt) + np.arange(int(cnt.sum()))
    rings = shapely.linearrings(coords[pos], indices=np.repeat(np.arange(len(cnt)), cnt))
    _, poly_idx = np.unique(poly_of, return_inverse=True)
    # the iso-line has a vertex at every cell edge it crosses: thin the rings to a quarter
    # of a cell (Douglas-Peucker per ring; rings that collapse are dropped)
    rings = shapely.simplify(rings, cell / 4.0, preserve_topology=False)
    keep = ~shapely.is_empty(rings) & (shapely.get_num_coordinates(rings) >= 4)
    shell = np.zeros(len(rings), dtype=bool)
    shell[np.unique(poly_idx, return_index=True)[1]] = True
    keep &= np.isin(poly_idx, poly_idx[shell & keep])
    _, poly_idx = np.unique(poly_idx[keep], return_inverse=True)
    polys = shapely.polygons(rings[keep], indices=poly_idx)
    bad = ~shapely.is_valid(polys)
    if bad.any():  # a simplified hole may cross its shell: repair those polygons only
        fixed = shapely.get_parts(shapely.make_valid(polys[bad]))
        polys = np.concatenate([polys[~bad], fixed[shapely.get_type_id(fixed) == 3]])
    return shapely.multipolygons(polys)


def walking_area(data: CoverageData, result: CoverageResult, buffer_m: float = 25.0):
    """Walking-area polygon: the reached streets buffered by ``buffer_m`` (WGS-84).

    Buffering the reached street segments (not a convex hull of them) keeps the area
    honest: a river or a walled compound stays a hole. Up to
    :data:`EXACT_AREA_MAX_SEGMENTS` street pieces GEOS buffers them exactly; a
    city-wide area (tens of thousands of pieces, where the exact union takes minutes)
    is traced from a distance raster instead (:func:`_raster_area`).

    Returns
    -------
    shapely geometry or None
        (Multi)Polygon in lon/lat, ``None`` when nothing is reached.
    """
    segs = reached_segments(data, result)
    if len(segs) == 0:
        return None
    if len(segs) <= EXACT_AREA_MAX_SEGMENTS:
        area = shapely.buffer(shapely.multilinestrings(list(segs)), buffer_m, quad_segs=2)
        area = shapely.simplify(area, 2.0)
    else:
        area = _raster_area(segs, buffer_m)
        if area is None:
            return None
    proj = data.network.proj
    return shapely.transform(area, lambda c: np.column_stack(to_lonlat(proj, c[:, 0], c[:, 1])))
