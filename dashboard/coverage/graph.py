"""Building the walking graph from street lines (noding, de-duplication, components).

* ways are split where they share a vertex with another way (OSM's topology: a bridge
  crossing a street without a shared node is *not* an intersection) and at their ends;
  line files, often not noded, also join a line's end to a line of another connected
  part passing within :data:`SNAP_M` (0.5 m: T-junctions drawn without a shared vertex,
  small digitising gaps; ``ends_snapped``);
* only the largest connected component is kept; the others ("islands") are counted and
  reported;
* the same street drawn twice (duplicate or overlapping lines sharing their vertices) is
  kept once (``duplicates_dropped``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import shapely
from scipy import sparse
from scipy.sparse import csgraph

from dashboard.coverage.projection import local_proj, to_xy
from dashboard.coverage.refusals import NetworkError
from dashboard.coverage.street_files import Lines
from dashboard.coverage.wkb import linestring_wkb

__all__ = ["NetworkTables", "build_network"]

Progress = Callable[[str, float], None] | None


# ---------------------------------------------------------------- building the graph
SNAP_M = 0.5
"""Line files only: a line's end this close to another line joins it (T-junctions
drawn without a shared vertex, small digitising gaps)."""


def _snap_ends(coords: np.ndarray, x: np.ndarray, y: np.ndarray, offsets: np.ndarray,
               snap: np.ndarray, tol: float = SNAP_M
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, int]:
    """Join the ends of the ``snap`` lines to other lines passing within ``tol`` metres.

    GIS centreline layers are often not noded: a side street ends *on* the main street
    without a vertex there, or a few centimetres short of it. OSM's rule (only shared
    vertices connect) would leave such streets as islands. Only ends and lines of
    *different* connected parts are joined (a network already in one piece is left
    exactly as drawn; crossings of line interiors are never joined: they may be
    bridges). For each such end of a ``snap`` line, the nearest such line within ``tol``:

    * if that line has a vertex within ``tol`` of the end, the end (and every line
      sharing it) moves onto that vertex;
    * otherwise the end's point is inserted into that line as a new vertex.

    Returns
    -------
    coords, x, y, offsets, n_snapped
        The lines with the joins made, and how many ends were joined.
    """
    m = len(offsets) - 1
    cand = np.flatnonzero(snap)
    if len(cand) == 0 or m < 2:
        return coords, x, y, offsets, 0
    starts, ends = offsets[:-1], offsets[1:] - 1
    line_of = np.repeat(np.arange(m), np.diff(offsets))
    q = np.round(coords * 1e7).astype(np.int64)
    # connected parts of the lines as drawn (lines sharing a vertex), before any join
    _, vkey = np.unique((q[:, 0] << 32) ^ (q[:, 1] & 0xFFFFFFFF), return_inverse=True)
    vkey = vkey.ravel()
    inc = sparse.coo_matrix((np.ones(len(vkey)), (line_of, m + vkey)),
                            shape=(m + int(vkey.max()) + 1,) * 2).tocsr()
    n_comp, comp = csgraph.connected_components(inc, directed=False)
    comp = comp[:m]
    if len(np.unique(comp)) <= 1:
        return coords, x, y, offsets, 0
    xy = np.column_stack([x, y])
    geoms = shapely.linestrings(xy, indices=line_of)
    ep = np.concatenate([starts[cand], ends[cand]])
    ep_line = np.concatenate([cand, cand])
    pts = shapely.points(xy[ep])
    pi, lj = shapely.STRtree(geoms).query(pts, predicate="dwithin", distance=tol)
    keep = comp[lj] != comp[ep_line[pi]]
    pi, lj = pi[keep], lj[keep]
    if len(pi) == 0:
        return coords, x, y, offsets, 0
    # position along the other line: the segment k..k+1 the end projects onto
    seg = np.zeros(len(x))
    seg[1:] = np.hypot(np.diff(x), np.diff(y))
    seg[starts] = 0.0
    cum = np.cumsum(seg)
    d = shapely.line_locate_point(geoms[lj], pts[pi])
    k = np.searchsorted(cum, cum[starts[lj]] + d, side="right") - 1
    k = np.clip(k, starts[lj], ends[lj] - 1)
    p = xy[ep[pi]]
    dk = np.hypot(*(xy[k] - p).T)
    dk1 = np.hypot(*(xy[k + 1] - p).T)
    nearv = np.where(dk <= dk1, k, k + 1)
    dv = np.minimum(dk, dk1)
    shared = (q[nearv] == q[ep[pi]]).all(axis=1)
    # ends already sharing a vertex with that line need nothing; of the rest, per end the
    # nearest line
    gap = shapely.distance(geoms[lj], pts[pi])
    pi, lj, k, nearv, dv, d, gap = (a[~shared] for a in (pi, lj, k, nearv, dv, d, gap))
    if len(pi) == 0:
        return coords, x, y, offsets, 0
    order = np.lexsort((gap, pi))
    first = np.ones(len(order), dtype=bool)
    first[1:] = pi[order][1:] != pi[order][:-1]
    sel = order[first]
    pi, lj, k, nearv, dv, d = (a[sel] for a in (pi, lj, k, nearv, dv, d))
    coords, x, y = coords.copy(), x.copy(), y.copy()
    n_done = 0
    # 1. ends near a vertex: every occurrence of the end's point moves onto the vertex
    to_v = dv <= tol
    if to_v.any():
        src_key = q[ep[pi[to_v]]]
        tgt = nearv[to_v]
        key = (q[:, 0] << 32) ^ (q[:, 1] & 0xFFFFFFFF)
        skey = (src_key[:, 0] << 32) ^ (src_key[:, 1] & 0xFFFFFFFF)
        tkey = key[tgt]
        # two ends within reach of each other would swap places: only the one with the
        # smaller key moves
        ok = ~(np.isin(tkey, skey) & (tkey < skey))
        tgt, skey = tgt[ok], skey[ok]
        n_done += int(len(np.unique(skey)))
        move = pd.Series(tgt, index=skey)
        move = move[~move.index.duplicated()]
        hit = np.flatnonzero(np.isin(key, move.index.to_numpy()))
        t = move.reindex(key[hit]).to_numpy()
        coords[hit], x[hit], y[hit] = coords[t], x[t], y[t]
    # 2. ends on a line's interior: the end's point becomes a vertex of that line
    ins = ~to_v
    n_ins = int(ins.sum())
    if n_ins:
        at = k[ins] + 1                                       # insert before vertex k + 1
        src = ep[pi[ins]]
        o = np.lexsort((d[ins], at))
        at, src = at[o], src[o]
        coords = np.insert(coords, at, coords[src], axis=0)
        x = np.insert(x, at, x[src])
        y = np.insert(y, at, y[src])
        # a line's offset moves by the insertions into the lines before it
        line_at = np.searchsorted(offsets, at, side="right") - 1
        offsets = offsets + np.concatenate([[0], np.cumsum(np.bincount(line_at, minlength=m))])
        n_done += n_ins
    return coords, x, y, offsets, n_done


@dataclass
class NetworkTables:
    """What :func:`build_network` produces: the rows to store, plus counts."""

    nodes: pd.DataFrame
    edges: pd.DataFrame
    proj: str
    counts: dict[str, Any] = field(default_factory=dict)


def build_network(lines: Lines, progress: Progress = None) -> NetworkTables:
    """Split lines into a walking graph and keep its largest connected component.

    Parameters
    ----------
    lines
        Walkable lines in WGS-84.
    progress
        Optional ``(message, fraction)`` callback.

    Returns
    -------
    NetworkTables
        ``nodes`` (node_id, lon, lat, x, y), ``edges`` (edge_id, u, v, length_m, highway,
        geometry_wkb in WGS-84), the projection, and counts (nodes, edges, islands,
        nodes_dropped, edges_dropped, length_km).
    """
    if len(lines) == 0 or len(lines.coords) < 2:
        raise NetworkError("no walkable street lines in the input")
    coords = lines.coords
    if not np.isfinite(coords).all():
        raise NetworkError("street lines contain coordinates that are not numbers")
    lon0 = float(np.round(np.mean(coords[:, 0]), 4))
    lat0 = float(np.round(np.mean(coords[:, 1]), 4))
    if not (-180 <= lon0 <= 180 and -90 <= lat0 <= 90):
        raise NetworkError("street lines are not in longitude/latitude degrees")
    proj = local_proj(lon0, lat0)
    x, y = to_xy(proj, coords[:, 0], coords[:, 1])
    offsets = lines.offsets
    n_snapped = 0
    if lines.snap is not None and lines.snap.any():
        coords, x, y, offsets, n_snapped = _snap_ends(coords, x, y, offsets, lines.snap)

    n_lines = len(lines)
    line_of = np.repeat(np.arange(n_lines), np.diff(offsets))
    # vertex identity: OSM precision (1e-7 degree, about 1 cm)
    q = np.round(coords * 1e7).astype(np.int64)
    key = (q[:, 0] << 32) ^ (q[:, 1] & 0xFFFFFFFF)
    _, vid, counts = np.unique(key, return_inverse=True, return_counts=True)
    vid = vid.ravel()
    is_end = np.zeros(len(coords), dtype=bool)
    is_end[offsets[:-1]] = True
    is_end[offsets[1:] - 1] = True
    is_node_occ = is_end | (counts[vid] >= 2)
    if progress:
        progress("split", 0.4)

    # segment lengths (between consecutive vertices of one line)
    seg_len = np.zeros(len(coords))
    same = np.zeros(len(coords), dtype=bool)
    same[1:] = line_of[1:] == line_of[:-1]
    seg_len[1:] = np.hypot(np.diff(x), np.diff(y))
    seg_len[~same] = 0.0
    cum = np.cumsum(seg_len)

    occ = np.flatnonzero(is_node_occ)
    # consecutive node occurrences on the same line form an edge
    start = occ[:-1]
    stop = occ[1:]
    keep = line_of[start] == line_of[stop]
    start, stop = start[keep], stop[keep]
    length = cum[stop] - cum[start]
    u_v = vid[start]
    v_v = vid[stop]
    ok = (length > 0) & (u_v != v_v)
    # loops (u == v with positive length) are of no use for shortest paths
    start, stop, length, u_v, v_v = start[ok], stop[ok], length[ok], u_v[ok], v_v[ok]
    # the same street drawn twice (duplicate or overlapping lines sharing their vertices):
    # same end nodes, same length and the same vertices (either direction) -> kept once
    cx = np.concatenate([[0.0], np.cumsum(x)])
    cy = np.concatenate([[0.0], np.cumsum(y)])
    dup = pd.DataFrame({
        "a": np.minimum(u_v, v_v), "b": np.maximum(u_v, v_v),
        "len": np.round(length * 100.0).astype(np.int64), "n": stop - start,
        "sx": np.round(cx[stop + 1] - cx[start]).astype(np.int64),
        "sy": np.round(cy[stop + 1] - cy[start]).astype(np.int64),
    }).duplicated().to_numpy()
    n_dup = int(dup.sum())
    if n_dup:
        start, stop, length, u_v, v_v = (arr[~dup] for arr in (start, stop, length, u_v, v_v))
    highway = lines.highway[line_of[start]]

    # connected components on the node vertices
    node_vertices, inv = np.unique(np.concatenate([u_v, v_v]), return_inverse=True)
    m = len(start)
    u = inv[:m]
    v = inv[m:]
    n = len(node_vertices)
    adj = sparse.coo_matrix((np.ones(m), (u, v)), shape=(n, n)).tocsr()
    n_comp, labels = csgraph.connected_components(adj, directed=False)
    sizes = np.bincount(labels, minlength=n_comp)
    big = int(np.argmax(sizes))
    keep_node = labels == big
    keep_edge = keep_node[u]
    new_id = np.full(n, -1, dtype=np.int64)
    new_id[keep_node] = np.arange(int(keep_node.sum()))
    if progress:
        progress("components", 0.6)

    # node rows: the first coordinate occurrence of each kept vertex
    first_occ = np.full(int(vid.max()) + 1, -1, dtype=np.int64)
    first_occ[vid[::-1]] = np.arange(len(vid))[::-1]
    nv = node_vertices[keep_node]
    fo = first_occ[nv]
    nodes = pd.DataFrame({
        "node_id": np.arange(len(nv), dtype=np.int32),
        "lon": coords[fo, 0],
        "lat": coords[fo, 1],
        "x": x[fo],
        "y": y[fo],
    })

    # edge rows with geometry: coordinates start..stop inclusive
    es, et = start[keep_edge], stop[keep_edge]
    npts = et - es + 1
    idx = np.repeat(es - np.concatenate([[0], np.cumsum(npts)[:-1]]), npts) + np.arange(int(npts.sum()))
    wkb = linestring_wkb(coords[idx], npts)
    edges = pd.DataFrame({
        "edge_id": np.arange(len(es), dtype=np.int32),
        "u": new_id[u[keep_edge]].astype(np.int32),
        "v": new_id[v[keep_edge]].astype(np.int32),
        "length_m": length[keep_edge],
        "highway": highway[keep_edge].astype(str),
        "geometry_wkb": wkb,
    })
    counts_out = {
        "ways_read": int(lines.n_read),
        "ways_dropped": int(lines.n_dropped),
        "nodes": int(len(nodes)),
        "edges": int(len(edges)),
        "length_km": round(float(edges["length_m"].sum()) / 1000.0, 3),
        "islands": int(n_comp - 1),
        "nodes_dropped": int(n - len(nodes)),
        "edges_dropped": int(m - len(edges)),
        "duplicates_dropped": n_dup,
        "ends_snapped": n_snapped,
    }
    counts_out.update({k: int(v) for k, v in lines.skipped.items()})
    return NetworkTables(nodes=nodes, edges=edges, proj=proj, counts=counts_out)
