"""Street network import and loading: the ways people walk, as a routable graph.

:func:`import_network` reads an OpenStreetMap extract or street lines
(:mod:`dashboard.coverage.street_files`), keeps the ways people walk
(:mod:`dashboard.coverage.walking`), builds the graph (:mod:`dashboard.coverage.graph`)
and stores it in the warehouse tables of ``queries/schema/003_network.sql``, all or
nothing. GCJ-02 / BD-09 coordinates are converted to WGS-84 first.

:func:`load_network` reads the stored graph back as compact numpy arrays
(:class:`Network`), cached on the warehouse's data version, so pages and commands pay the
load once per import.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import shapely

from dashboard import warehouse
from dashboard.coverage.graph import NetworkTables, build_network
from dashboard.coverage.projection import to_xy
from dashboard.coverage.refusals import NetworkError, refuse
from dashboard.coverage.street_files import Lines, parse_crs, read_lines
from dashboard.coverage.wkb import pack_wkb, parse_linestring_wkb

__all__ = ["Network", "import_network", "load_network", "network_from_tables", "read_network"]

Progress = Callable[[str, float], None] | None

PIECE_M = 40.0
"""Street segments are cut to pieces of at most this length for the snapping index."""


# ---------------------------------------------------------------- storing
def _convert_crs(lines: Lines, crs: str) -> Lines:
    """GCJ-02 / BD-09 lon/lat to WGS-84 (``wgs84`` and ``EPSG:xxxx`` lines pass through:
    the readers already reprojected them)."""
    kind, _ = parse_crs(crs)
    if kind in ("wgs84", "epsg"):
        return lines
    from dashboard.ingest import coords as conv
    fn = {"gcj02": "gcj02_to_wgs84", "bd09": "bd09_to_wgs84"}[kind]
    lon, lat = getattr(conv, fn)(lines.coords[:, 0], lines.coords[:, 1])
    return Lines(np.column_stack([np.asarray(lon, float), np.asarray(lat, float)]),
                 lines.offsets, lines.highway, lines.n_read, lines.n_dropped, lines.skipped, lines.snap)


def _store(con, tables: NetworkTables, files: Sequence[str]) -> None:
    warehouse.mark_changed(con, "network_nodes", "network_edges")
    con.execute("delete from network_edges")
    con.execute("delete from network_nodes")
    con.execute("delete from network_meta")
    con.register("_sc_nodes", tables.nodes)
    con.execute("insert into network_nodes select node_id, lon, lat, x, y from _sc_nodes")
    con.unregister("_sc_nodes")
    import pyarrow as pa

    # as Arrow: DuckDB takes a binary column without converting a Python object per row
    edges = pa.table({
        "edge_id": pa.array(tables.edges["edge_id"].to_numpy()),
        "u": pa.array(tables.edges["u"].to_numpy()),
        "v": pa.array(tables.edges["v"].to_numpy()),
        "length_m": pa.array(tables.edges["length_m"].to_numpy()),
        "highway": pa.array(tables.edges["highway"].to_numpy(dtype=object), pa.string()),
        "geometry_wkb": pa.array(tables.edges["geometry_wkb"].to_numpy(dtype=object), pa.binary()),
    })
    con.register("_sc_edges", edges)
    con.execute(
        "insert into network_edges select edge_id, u, v, length_m, highway, geometry_wkb from _sc_edges"
    )
    con.unregister("_sc_edges")
    meta = {"proj": tables.proj, "files": json.dumps(list(files), ensure_ascii=False)}
    meta.update({k: str(v) for k, v in tables.counts.items()})
    con.executemany(
        "insert into network_meta values ($1, $2)", [[k, v] for k, v in meta.items()]
    )


def import_network(
    paths: str | os.PathLike | Iterable[str | os.PathLike],
    *,
    db: str | os.PathLike | None = None,
    crs: str = "wgs84",
    progress: Progress = None,
    con=None,
) -> dict[str, Any]:
    """Import a street network into the warehouse, replacing the stored one.

    Parameters
    ----------
    paths
        One or several network files (merged into one network).
    db
        Warehouse path (default: see :func:`dashboard.settings.db_path`).
    crs
        ``wgs84`` (default), ``gcj02`` (Amap, Tencent) or ``bd09`` (Baidu): converted to
        WGS-84 before building the graph; or ``EPSG:xxxx``, the coordinate system of
        line files that declare none (files declaring their own are read in it).
    progress
        Optional ``(message, fraction)`` callback.
    con
        An open writer connection: write into the caller's transaction instead of
        opening a new :func:`dashboard.warehouse.writer`.

    Returns
    -------
    dict
        ``{"table": "network", "files", "ways_read", "ways_dropped", "nodes", "edges",
        "length_km", "islands", "nodes_dropped", "edges_dropped", "duplicates_dropped",
        "ends_snapped"}``
        plus, when the files had them, ``rows_empty`` (rows without geometry),
        ``rows_not_lines`` (points / polygons in a lines file, skipped) and
        ``nodes_missing`` (OSM node references outside a clipped extract).

    Raises
    ------
    NetworkError
        A file that cannot be read or holds no walkable lines; nothing is written.
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    paths = [Path(p) for p in paths]
    if not paths:
        raise NetworkError("no network file given")
    _, assume = parse_crs(crs)
    parts = []
    for i, p in enumerate(paths):
        if progress:
            progress(f"read {p.name}", 0.3 * i / len(paths))
        part = read_lines(p, assume_crs=assume)
        if len(part) == 0:
            raise refuse("cov.net.no_walkable", file=p.name, read=part.n_read, dropped=part.n_dropped)
        parts.append(part)
    lines = _convert_crs(Lines.concat(parts), crs)
    tables = build_network(lines, progress)
    if progress:
        progress("store", 0.8)
    names = [p.name for p in paths]
    if con is not None:
        _store(con, tables, names)
    else:
        with warehouse.writer(db) as wcon:
            _store(wcon, tables, names)
    if progress:
        progress("done", 1.0)
    return {"table": "network", "files": names, **tables.counts}


@dataclass
class Network:
    """A walking graph in memory (compact numpy arrays).

    Attributes
    ----------
    proj
        PROJ string of the local metric projection.
    node_x, node_y, node_lon, node_lat
        Node positions (metres / WGS-84).
    edge_u, edge_v, edge_len
        Edge ends (node indices) and lengths in metres.
    edge_highway
        Highway value per edge.
    edge_wkb
        WGS-84 WKB per edge, or ``None`` when the geometry was loaded as packed
        coordinates (:func:`read_network` does that; see :meth:`coords_lonlat`).
    """

    proj: str
    node_x: np.ndarray
    node_y: np.ndarray
    node_lon: np.ndarray
    node_lat: np.ndarray
    edge_u: np.ndarray
    edge_v: np.ndarray
    edge_len: np.ndarray
    edge_highway: np.ndarray
    edge_wkb: np.ndarray | None
    meta: dict[str, str] = field(default_factory=dict)
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def n_nodes(self) -> int:
        return len(self.node_x)

    @property
    def n_edges(self) -> int:
        return len(self.edge_u)

    def coords_lonlat(self) -> tuple[np.ndarray, np.ndarray]:
        """Every vertex of every edge in WGS-84: ``(m, 2)`` coordinates and edge index."""
        if "coords_ll" not in self._cache:
            parsed = None
            if self.edge_wkb is not None:
                parsed = parse_linestring_wkb(*pack_wkb(self.edge_wkb))
                if parsed is None:
                    parsed = shapely.get_coordinates(shapely.from_wkb(self.edge_wkb), return_index=True)
            if parsed is None:
                raise NetworkError("network edges have no geometry")
            self._cache["coords_ll"] = parsed
        return self._cache["coords_ll"]

    def coords_xy(self) -> tuple[np.ndarray, np.ndarray]:
        """Every vertex of every edge in local metres: ``(m, 2)`` coordinates and edge index."""
        if "coords_xy" not in self._cache:
            c, idx = self.coords_lonlat()
            x, y = to_xy(self.proj, c[:, 0], c[:, 1])
            self._cache["coords_xy"] = (np.column_stack([x, y]), idx)
        return self._cache["coords_xy"]

    def geoms_lonlat(self) -> np.ndarray:
        """Edge LineStrings in WGS-84 (built once)."""
        if "ll" not in self._cache:
            c, idx = self.coords_lonlat()
            self._cache["ll"] = shapely.linestrings(c, indices=idx)
        return self._cache["ll"]

    def geoms_xy(self) -> np.ndarray:
        """Edge LineStrings in the local metric projection (built once)."""
        if "xy" not in self._cache:
            c, idx = self.coords_xy()
            self._cache["xy"] = shapely.linestrings(c, indices=idx)
        return self._cache["xy"]

    def edge_geoms_xy(self, edges: np.ndarray) -> np.ndarray:
        """LineStrings (local metres) of the given edges only (no full geometry build)."""
        edges = np.asarray(edges, dtype=np.int64)
        if "xy" in self._cache:
            return self._cache["xy"][edges]
        if len(edges) == 0:
            return np.empty(0, dtype=object)
        c, idx = self.coords_xy()
        first = self._vertex_start()
        cnt = first[edges + 1] - first[edges]
        pos = np.repeat(first[edges] - np.concatenate([[0], np.cumsum(cnt)[:-1]]), cnt) + np.arange(int(cnt.sum()))
        return shapely.linestrings(c[pos], indices=np.repeat(np.arange(len(edges)), cnt))

    def _vertex_start(self) -> np.ndarray:
        """``(n_edges + 1,)`` index of each edge's first vertex in :meth:`coords_xy`."""
        if "vstart" not in self._cache:
            _, idx = self.coords_lonlat()
            self._cache["vstart"] = np.searchsorted(idx, np.arange(self.n_edges + 1), side="left")
        return self._cache["vstart"]

    def pieces(self) -> dict[str, np.ndarray]:
        """Street pieces for snapping: every segment of every edge cut to at most
        :data:`PIECE_M` metres, with its edge, start position along the edge, ends, and a
        KD-tree on the piece midpoints (built once)."""
        if "pieces" in self._cache:
            return self._cache["pieces"]
        from scipy.spatial import cKDTree

        c, idx = self.coords_xy()
        same = idx[1:] == idx[:-1]
        a = np.flatnonzero(same)              # segment from vertex a to a + 1
        e = idx[a]
        x0, y0, x1, y1 = c[a, 0], c[a, 1], c[a + 1, 0], c[a + 1, 1]
        seg_len = np.hypot(x1 - x0, y1 - y0)
        # position of each segment's start along its edge
        step = np.zeros(len(c))
        step[1:] = np.where(same, np.hypot(np.diff(c[:, 0]), np.diff(c[:, 1])), 0.0)
        cum = np.cumsum(step)
        first = self._vertex_start()[:-1]
        start = cum[a] - cum[first[e]]
        n = np.maximum(1, np.ceil(seg_len / PIECE_M)).astype(np.int64)
        if np.all(n == 1):
            px0, py0, px1, py1, pe, ps = x0, y0, x1, y1, e, start
        else:
            rep = np.repeat(np.arange(len(a)), n)
            k = np.arange(int(n.sum())) - np.repeat(np.cumsum(n) - n, n)
            t0 = k / n[rep]
            t1 = (k + 1) / n[rep]
            dx, dy = (x1 - x0)[rep], (y1 - y0)[rep]
            px0 = x0[rep] + dx * t0
            py0 = y0[rep] + dy * t0
            px1 = x0[rep] + dx * t1
            py1 = y0[rep] + dy * t1
            pe, ps = e[rep], start[rep] + seg_len[rep] * t0
        out = {
            "edge": pe, "start": ps, "x0": px0, "y0": py0, "x1": px1, "y1": py1,
            "half": float(np.hypot(px1 - px0, py1 - py0).max() / 2.0) if len(px0) else 0.0,
        }
        out["kd"] = cKDTree(np.column_stack([(px0 + px1) / 2.0, (py0 + py1) / 2.0]),
                            balanced_tree=False, compact_nodes=False)
        self._cache["pieces"] = out
        return out


def network_from_tables(nodes: Mapping[str, Any], edges: Mapping[str, Any], meta: Mapping[str, str]) -> Network:
    """Assemble a :class:`Network` from stored rows (or :class:`NetworkTables`)."""
    if "proj" not in meta:
        raise NetworkError("network_meta has no projection: re-import the network")
    return Network(
        proj=str(meta["proj"]),
        node_x=np.ascontiguousarray(np.asarray(nodes["x"], dtype=float)),
        node_y=np.ascontiguousarray(np.asarray(nodes["y"], dtype=float)),
        node_lon=np.ascontiguousarray(np.asarray(nodes["lon"], dtype=float)),
        node_lat=np.ascontiguousarray(np.asarray(nodes["lat"], dtype=float)),
        edge_u=np.asarray(edges["u"], dtype=np.int64),
        edge_v=np.asarray(edges["v"], dtype=np.int64),
        edge_len=np.asarray(edges["length_m"], dtype=float),
        edge_highway=np.asarray(edges["highway"], dtype=object),
        edge_wkb=np.asarray(edges["geometry_wkb"], dtype=object),
        meta=dict(meta),
    )


def _arrow_binary(col: Any) -> tuple[np.ndarray, np.ndarray] | None:
    """Bytes and offsets of an Arrow binary column without copying per row (``None``
    when it has nulls or another layout)."""
    import pyarrow as pa

    arr = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
    if arr.null_count:
        return None
    if pa.types.is_binary(arr.type):
        odt = np.int32
    elif pa.types.is_large_binary(arr.type):
        odt = np.int64
    else:
        return None
    bufs = arr.buffers()
    off = np.frombuffer(bufs[1], dtype=odt)[arr.offset: arr.offset + len(arr) + 1].astype(np.int64)
    data = np.frombuffer(bufs[2], dtype=np.uint8) if bufs[2] is not None else np.empty(0, np.uint8)
    return data, off


def _strings(col: Any) -> np.ndarray:
    """An Arrow string column as an object array, one Python string per distinct value."""
    import pyarrow as pa

    enc = col.combine_chunks().dictionary_encode() if isinstance(col, pa.ChunkedArray) else col.dictionary_encode()
    values = np.asarray(enc.dictionary.to_pylist(), dtype=object)
    codes = enc.indices.to_numpy(zero_copy_only=False)
    if enc.indices.null_count:
        out = np.full(len(codes), None, dtype=object)
        ok = ~np.asarray(enc.indices.is_null().to_numpy(zero_copy_only=False))
        out[ok] = values[codes[ok].astype(np.int64)]
        return out
    return values[codes.astype(np.int64)] if len(values) else np.full(len(codes), None, dtype=object)


def read_network(con) -> Network | None:
    """Read the stored network through an open connection (``None`` if none is stored).

    The edges come as an Arrow table: the WKB column is one byte buffer, parsed into
    coordinates by :func:`parse_linestring_wkb` without a Python object per edge.
    """
    try:
        meta_df = warehouse.query(con, "coverage/network_meta")
    except Exception as exc:  # table missing in a warehouse built before the network schema
        if "network_meta" in str(exc):
            return None
        raise
    if meta_df.empty:
        return None
    meta = dict(zip(meta_df["key"], meta_df["value"], strict=True))
    if "proj" not in meta:
        raise NetworkError("network_meta has no projection: re-import the network")
    nodes = con.execute(warehouse.sql_text("coverage/network_nodes")).fetchnumpy()
    edges = con.sql(warehouse.sql_text("coverage/network_edges")).to_arrow_table()
    packed = _arrow_binary(edges.column("geometry_wkb"))
    parsed = parse_linestring_wkb(*packed) if packed is not None else None
    wkb = None
    if parsed is None:  # unusual geometry: per-row bytes and shapely
        wkb = _as_bytes(edges.column("geometry_wkb").to_pylist())
    net = Network(
        proj=str(meta["proj"]),
        node_x=np.ascontiguousarray(np.asarray(nodes["x"], dtype=float)),
        node_y=np.ascontiguousarray(np.asarray(nodes["y"], dtype=float)),
        node_lon=np.ascontiguousarray(np.asarray(nodes["lon"], dtype=float)),
        node_lat=np.ascontiguousarray(np.asarray(nodes["lat"], dtype=float)),
        edge_u=edges.column("u").to_numpy().astype(np.int64),
        edge_v=edges.column("v").to_numpy().astype(np.int64),
        edge_len=edges.column("length_m").to_numpy().astype(float),
        edge_highway=_strings(edges.column("highway")),
        edge_wkb=wkb,
        meta=meta,
    )
    if parsed is not None:
        net._cache["coords_ll"] = parsed
    return net


def _as_bytes(values: Any) -> np.ndarray:
    """DuckDB hands blobs back as ``bytearray``; shapely wants ``bytes``."""
    out = np.empty(len(values), dtype=object)
    out[:] = [bytes(v) for v in values]
    return out


@functools.lru_cache(maxsize=2)
def _load_cached(path: str, version: tuple[int, int, int]) -> Network | None:
    con = warehouse.connect_read(path)
    try:
        return read_network(con)
    finally:
        con.close()


def load_network(db: str | os.PathLike | None = None) -> Network | None:
    """The stored network, cached per warehouse data version (``None`` if none stored).

    Parameters
    ----------
    db
        Warehouse path (default: see :func:`dashboard.settings.db_path`).
    """
    return _load_cached(*warehouse.versioned(db))
