"""Street files → :class:`Lines`: OSM extracts and the line files GIS offices keep.

OpenStreetMap: ``.osm.pbf`` through pyrosm, ``.osm`` XML with a streaming parser here;
ways referring to nodes missing from a clipped extract are cut at the gap
(``nodes_missing``).

Line files (GeoJSON, GeoPackage, Shapefile through pyogrio; :func:`_read_vector`,
vectorised with shapely 2 array functions): any declared coordinate system is
reprojected to WGS-84; a file without one whose coordinates are plainly metres is refused
unless ``crs="EPSG:xxxx"`` says what it is (:func:`parse_crs`); GBK ``.dbf`` files without
a ``.cpg`` are detected; Chinese road classes (``道路等级``: 高速公路 / 快速路 / 主干路 /
次干路 / 支路 / 人行道...) are mapped to OSM ``highway`` values (:data:`CN_ROAD_CLASS`:
motorways and 快速路 excluded); multi-part and 3-D lines are read, empty rows and points /
polygons skipped and counted (``rows_empty``, ``rows_not_lines``). Refusals are
:class:`~dashboard.coverage.refusals.NetworkError`.
"""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyproj
import shapely

from dashboard.coverage.refusals import NetworkError, refuse
from dashboard.coverage.walking import is_walkable, tag

__all__ = ["Lines", "parse_crs", "read_lines"]


# ---------------------------------------------------------------- readers
@dataclass
class Lines:
    """Street lines in WGS-84 before splitting: flat coordinates plus per-line data.

    Attributes
    ----------
    coords
        ``(n, 2)`` lon/lat of every vertex, line after line.
    offsets
        ``(m + 1,)`` start of each line in ``coords``.
    highway
        ``(m,)`` the highway value of each line (``"unknown"`` when not given).
    n_read, n_dropped
        Ways (rows) read, and those not used (closed to walkers, empty, not lines).
    skipped
        Why rows or vertices were not used, by reason: ``rows_empty`` (no geometry),
        ``rows_not_lines`` (points or polygons in a lines file), ``nodes_missing`` (OSM
        ways referring to nodes outside a clipped extract).
    snap
        ``(m,)`` whether a line's ends may be joined to other lines passing within
        :data:`SNAP_M` (line files, which are often not noded), or ``None`` (OSM: only
        shared vertices connect).
    """

    coords: np.ndarray
    offsets: np.ndarray
    highway: np.ndarray
    n_read: int = 0
    n_dropped: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    snap: np.ndarray | None = None

    @classmethod
    def from_list(cls, items: Sequence[tuple[np.ndarray, str]], n_read: int, n_dropped: int,
                  skipped: Mapping[str, int] | None = None) -> "Lines":
        skipped = dict(skipped or {})
        if not items:
            return cls(np.empty((0, 2)), np.zeros(1, dtype=np.int64), np.empty(0, dtype=object),
                       n_read, n_dropped, skipped)
        lengths = np.array([len(c) for c, _ in items], dtype=np.int64)
        offsets = np.concatenate([[0], np.cumsum(lengths)])
        coords = np.concatenate([np.asarray(c, dtype=float).reshape(-1, 2) for c, _ in items])
        highway = np.array([h for _, h in items], dtype=object)
        return cls(coords, offsets, highway, n_read, n_dropped, skipped)

    @staticmethod
    def concat(parts: Sequence["Lines"]) -> "Lines":
        coords = np.concatenate([p.coords for p in parts]) if parts else np.empty((0, 2))
        offsets = [np.zeros(1, dtype=np.int64)]
        base = 0
        for p in parts:
            offsets.append(p.offsets[1:] + base)
            base += len(p.coords)
        highway = np.concatenate([p.highway for p in parts]) if parts else np.empty(0, dtype=object)
        skipped: dict[str, int] = {}
        for p in parts:
            for k, v in p.skipped.items():
                skipped[k] = skipped.get(k, 0) + int(v)
        snap = None
        if any(p.snap is not None for p in parts):
            snap = np.concatenate([p.snap if p.snap is not None else np.zeros(len(p), dtype=bool)
                                   for p in parts])
        return Lines(coords, np.concatenate(offsets), highway,
                     sum(p.n_read for p in parts), sum(p.n_dropped for p in parts), skipped, snap)

    def __len__(self) -> int:
        return len(self.offsets) - 1


def _read_osm_xml(path: Path) -> Lines:
    """Stream an ``.osm`` XML file: nodes' lon/lat, then the walkable ways' node lists.

    A way referring to nodes the extract does not hold (an extract clipped at its border)
    is cut at the missing nodes: each run of at least two consecutive known nodes becomes
    a line of its own, never a straight shortcut across the gap.
    """
    node_xy: dict[str, tuple[float, float]] = {}
    items: list[tuple[np.ndarray, str]] = []
    n_read = n_dropped = n_missing = 0
    try:
        for _event, elem in ET.iterparse(str(path), events=("end",)):
            if elem.tag == "node":
                try:
                    node_xy[elem.attrib["id"]] = (float(elem.attrib["lon"]), float(elem.attrib["lat"]))
                except (KeyError, ValueError) as exc:
                    raise NetworkError(
                        f"{path.name}: node {elem.attrib.get('id', '?')} has no valid lon/lat ({exc})"
                    ) from None
                elem.clear()
            elif elem.tag == "way":
                tags = {t.attrib.get("k"): t.attrib.get("v") for t in elem.iter("tag")}
                if "highway" in tags:
                    n_read += 1
                    if is_walkable(tags):
                        runs: list[list[tuple[float, float]]] = [[]]
                        for nd in elem.iter("nd"):
                            xy = node_xy.get(nd.attrib.get("ref", ""))
                            if xy is None:
                                n_missing += 1
                                if runs[-1]:
                                    runs.append([])
                            else:
                                runs[-1].append(xy)
                        runs = [r for r in runs if len(r) >= 2]
                        for r in runs:
                            items.append((np.array(r), str(tags["highway"])))
                        if not runs:
                            n_dropped += 1
                    else:
                        n_dropped += 1
                elem.clear()
            elif elem.tag == "relation":
                elem.clear()
    except ET.ParseError as exc:
        raise NetworkError(f"{path.name}: not a readable OSM XML file ({exc})") from None
    return Lines.from_list(items, n_read, n_dropped, {"nodes_missing": n_missing} if n_missing else None)


def _read_pbf(path: Path) -> Lines:
    """Read the ways of an ``.osm.pbf`` extract with pyrosm, then apply :func:`is_walkable`
    (once per distinct tag combination; the lines' vertices in one shapely call)."""
    import pyrosm

    try:
        osm = pyrosm.OSM(str(path))
        gdf = osm.get_network(network_type="all")
    except Exception as exc:  # pyrosm raises assorted errors for broken files
        raise NetworkError(f"{path.name}: not a readable OSM PBF extract ({exc})") from None
    if gdf is None or len(gdf) == 0:
        return Lines.from_list([], 0, 0)
    n = len(gdf)
    tags = pd.DataFrame(index=pd.RangeIndex(n))
    for k in _OSM_RULE_KEYS:
        if k in gdf.columns:
            tags[k] = gdf[k].astype(object).to_numpy()
    # keys pyrosm left in the JSON ``tags`` column (area, sidewalk...): parse only the
    # rows whose JSON mentions one of them
    missing = [k for k in _OSM_RULE_KEYS if k not in tags.columns]
    if "tags" in gdf.columns and missing:
        js = gdf["tags"].astype(object)
        pattern = "|".join(f'"{k}"' for k in missing)
        hit = np.flatnonzero(js.astype("string").str.contains(pattern, regex=True, na=False).to_numpy())
        extra = {k: np.full(n, None, dtype=object) for k in missing}
        for i in hit:
            try:
                d = json.loads(js.iat[i])
            except (TypeError, ValueError):
                continue
            for k in missing:
                if k in d:
                    extra[k][i] = d[k]
        for k in missing:
            if k in ("highway", "foot", "access") or any(v is not None for v in extra[k][hit]):
                tags[k] = extra[k]
    geoms = np.asarray(gdf.geometry.values, dtype=object)
    use = _walkable_rows(tags) & ~shapely.is_missing(geoms)
    if "highway" in tags.columns:
        codes, uniq = pd.factorize(tags["highway"].to_numpy(dtype=object), use_na_sentinel=False)
        hw = np.array([str(u) if (u is not None and u == u and str(u)) else "unknown" for u in uniq],
                      dtype=object)[codes]
    else:
        hw = np.full(n, "unknown", dtype=object)
    coords, offsets, prow = _line_parts(geoms, use)
    used = np.zeros(n, dtype=bool)
    used[prow] = True
    return Lines(coords, offsets, hw[prow], n, int(n - used.sum()))


_OSM_RULE_KEYS = ("highway", "foot", "access", "area", "sidewalk", "sidewalk:both", "sidewalk:left",
                  "sidewalk:right")
"""The OSM tags :func:`is_walkable` looks at."""


def _line_parts(geoms: np.ndarray, use: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The line parts of the rows ``use`` selects, in row order, as flat arrays.

    Returns
    -------
    coords, offsets, row
        ``(n, 2)`` vertices (x, y; a Z is dropped), ``(m + 1,)`` start of each part, and
        the row each part came from. Parts with fewer than two vertices are left out;
        non-line members of a GeometryCollection too.
    """
    rows = np.flatnonzero(use)
    if np.all(shapely.get_type_id(geoms[rows]) == 1):   # plain LineStrings: no parts to take
        parts, prow = geoms[rows], rows
    else:
        parts, pidx = shapely.get_parts(geoms[rows], return_index=True)
        keep = np.isin(shapely.get_type_id(parts), (1, 2))
        parts, prow = parts[keep], rows[pidx[keep]]
    coords, cidx = shapely.get_coordinates(parts, return_index=True)
    cnt = np.bincount(cidx, minlength=len(parts)).astype(np.int64)
    ok = cnt >= 2
    if not ok.all():
        coords = coords[ok[cidx]]
        cnt, prow = cnt[ok], prow[ok]
    return coords, np.concatenate([[0], np.cumsum(cnt)]).astype(np.int64), prow


_HIGHWAY_COLUMNS = ("highway", "fclass", "type", "道路类型", "道路等级", "道路级别", "等级",
                    "road_class", "roadclass", "class", "kind")
"""Columns holding the road class, first match wins (case-insensitive)."""
_TAG_COLUMNS = {"foot": ("foot",), "access": ("access",), "area": ("area",),
                "sidewalk": ("sidewalk", "sidewalk:both")}

CN_ROAD_CLASS: dict[str, str] = {
    "高速公路": "motorway", "高速": "motorway", "高速路": "motorway",
    "匝道": "motorway_link", "高速公路匝道": "motorway_link", "快速路匝道": "motorway_link",
    "快速路": "trunk", "城市快速路": "trunk", "快速公路": "trunk",
    "快速路辅路": "primary", "辅路": "primary",
    "主干路": "primary", "主干道": "primary", "城市主干路": "primary", "国道": "primary",
    "次干路": "secondary", "次干道": "secondary", "城市次干路": "secondary", "省道": "secondary",
    "支路": "residential", "城市支路": "residential", "县道": "tertiary",
    "乡道": "unclassified", "村道": "unclassified", "乡村道路": "unclassified",
    "小区道路": "service", "内部道路": "service", "街坊路": "service",
    "人行道": "footway", "步行道": "footway", "人行天桥": "footway", "地下通道": "footway",
    "步行街": "pedestrian", "绿道": "path", "游步道": "path", "台阶": "steps", "梯道": "steps",
    "在建": "construction", "规划": "proposed", "规划道路": "proposed",
}
"""Chinese road classes of urban GIS line layers (CJJ 37 / GB 50220 words) as OSM
``highway`` values. 高速公路 and its ramps are motorways; 快速路 (urban expressway:
access-controlled main carriageway, no sidewalk) is treated as a trunk road, so it is
dropped unless the layer says people may walk it (``foot`` / ``sidewalk``); its 辅路
(side roads, with sidewalks) are walked like main roads."""


def _road_class(value: Any) -> Any:
    """A Chinese road class word as its OSM ``highway`` value; other values unchanged."""
    if not isinstance(value, str):
        return value
    v = value.strip()
    if v in CN_ROAD_CLASS:
        return CN_ROAD_CLASS[v]
    if "匝道" in v:
        return "motorway_link"
    if "辅路" in v:
        return "primary"
    if "高速" in v:
        return "motorway"
    if "快速" in v:
        return "trunk"
    if "人行" in v or "步行" in v:
        return "footway"
    return value


def _column(columns: Sequence[str], names: Sequence[str]) -> str | None:
    low = {str(c).lower(): c for c in columns}
    return next((low[n.lower()] for n in names if n.lower() in low), None)


def _walkable_rows(tags: pd.DataFrame) -> np.ndarray:
    """:func:`is_walkable` of every row, evaluated once per distinct tag combination."""
    if tags.shape[1] == 0:
        return np.ones(len(tags), dtype=bool)
    key = np.zeros(len(tags), dtype=np.int64)
    for c in tags.columns:
        codes, uniq = pd.factorize(tags[c].to_numpy(dtype=object), use_na_sentinel=True)
        # mixed radix, renumbered after each column so it never overflows
        key = pd.factorize(key * (len(uniq) + 1) + (codes + 1))[0].astype(np.int64)
    inv, combos = pd.factorize(key)
    first = np.empty(len(combos), dtype=np.int64)
    first[inv[::-1]] = np.arange(len(inv))[::-1]
    recs = tags.iloc[first].astype(object).to_dict("records")
    ok = np.array([is_walkable(r) for r in recs], dtype=bool)
    return ok[inv]


def _dbf_encoding(path: Path) -> str | None:
    """The text encoding of a Shapefile's ``.dbf`` when no ``.cpg`` says it.

    GIS software in China writes GBK without a ``.cpg`` (GDAL then assumes ISO-8859-1 and
    the Chinese road classes come out garbled). ``None`` when a ``.cpg`` exists or the
    text is plain ASCII; ``"UTF-8"`` when it is valid UTF-8; ``"GB18030"`` (a superset
    of GBK) otherwise.
    """
    if path.suffix.lower() != ".shp":
        return None
    stem = path.with_suffix("")
    if any(stem.with_suffix(s).is_file() for s in (".cpg", ".CPG")):
        return None
    dbf = next((stem.with_suffix(s) for s in (".dbf", ".DBF") if stem.with_suffix(s).is_file()), None)
    if dbf is None:
        return None
    raw = dbf.read_bytes()
    if len(raw) < 32:
        return None
    header = int.from_bytes(raw[8:10], "little")
    body = raw[header:]
    if body.isascii():
        return None
    try:
        body.decode("utf-8")
        return "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        body.decode("gb18030")
        return "GB18030"
    except UnicodeDecodeError:
        return None


def _line_layer(path: Path) -> str | None:
    """The first layer with line geometry when a file holds several (GeoPackage)."""
    import pyogrio

    try:
        layers = pyogrio.list_layers(path)
    except Exception:
        return None
    if len(layers) <= 1:
        return None
    for name, gtype in layers:
        if gtype and "LINESTRING" in str(gtype).upper():
            return str(name)
    return None


_LONLAT_CRS = pyproj.CRS.from_epsg(4326)
_GEOM_NAMES = {0: "Point", 3: "Polygon", 4: "MultiPoint", 6: "MultiPolygon", 7: "GeometryCollection"}


def _read_vector(path: Path, assume_crs: pyproj.CRS | None = None) -> Lines:
    """Read street lines from GeoJSON / GeoPackage / Shapefile (any CRS; reprojected).

    Vectorised: the rows' parts and vertices come out of shapely 2 array functions in one
    pass, the walking rules are evaluated once per distinct tag combination, and the
    vertices are reprojected to WGS-84 as one array.

    Parameters
    ----------
    path
        The file.
    assume_crs
        Coordinate system of a file that declares none (``--crs EPSG:xxxx``). A file
        declaring its own CRS is read in that CRS.
    """
    import geopandas as gpd

    kw: dict[str, Any] = {}
    enc = _dbf_encoding(path)
    if enc:
        kw["encoding"] = enc
    layer = _line_layer(path)
    if layer:
        kw["layer"] = layer
    try:
        try:
            gdf = gpd.read_file(path, use_arrow=True, **kw)
        except (ImportError, ValueError, TypeError):  # no pyarrow / a column arrow cannot type
            gdf = gpd.read_file(path, **kw)
    except Exception as exc:
        raise refuse("cov.net.unreadable", file=path.name, error=str(exc).strip()[:200]) from None
    if not isinstance(gdf, gpd.GeoDataFrame) or gdf.geometry.name not in gdf.columns:
        raise refuse("cov.net.no_geometry", file=path.name)
    n = len(gdf)
    geoms = np.asarray(gdf.geometry.values, dtype=object)
    tid = shapely.get_type_id(geoms)
    empty = (tid < 0) | shapely.is_empty(geoms)
    linear = ~empty & np.isin(tid, (1, 2, 5, 7))
    other = ~empty & ~linear
    if not linear.any():
        if other.any():
            i = int(np.flatnonzero(other)[0])
            kinds = pd.Series(tid[other]).map(lambda k: _GEOM_NAMES.get(int(k), str(k))).value_counts()
            raise refuse("cov.net.no_lines", file=path.name, row=i + 1,
                          found=_GEOM_NAMES.get(int(tid[i]), str(tid[i])),
                          kinds=", ".join(f"{k} {v}" for k, v in kinds.items()))
        raise refuse("cov.net.no_geometry", file=path.name)

    # walking rules on the tags this layer has
    cols = list(gdf.columns)
    hcol = _column(cols, _HIGHWAY_COLUMNS)
    tags = pd.DataFrame(index=pd.RangeIndex(n))
    if hcol is not None:
        raw = gdf[hcol].astype(object)
        uniq = pd.unique(raw)
        mapping = {u: _road_class(u) for u in uniq}
        tags["highway"] = raw.map(mapping).to_numpy()
    for key, names in _TAG_COLUMNS.items():
        c = _column(cols, names)
        if c is not None:
            tags[key] = gdf[c].astype(object).to_numpy()
    walk = _walkable_rows(tags)
    use = linear & walk
    if hcol is not None:
        codes, uniq = pd.factorize(tags["highway"].to_numpy(dtype=object), use_na_sentinel=False)
        hw = np.array([tag({"h": u}, "h") or "unknown" for u in uniq], dtype=object)[codes]
    else:
        hw = np.full(n, "unknown", dtype=object)

    coords, offsets, prow = _line_parts(geoms, use)

    # coordinates to WGS-84 lon/lat
    src = gdf.crs if gdf.crs is not None else assume_crs
    file_xy = coords
    if src is not None and len(coords) and not pyproj.CRS.from_user_input(src).equals(_LONLAT_CRS):
        tr = pyproj.Transformer.from_crs(src, _LONLAT_CRS, always_xy=True)
        lon, lat = tr.transform(coords[:, 0], coords[:, 1])
        coords = np.column_stack([np.asarray(lon, float), np.asarray(lat, float)])
    if len(coords):
        bad = ~np.isfinite(coords).all(axis=1) | (np.abs(coords[:, 0]) > 180) | (np.abs(coords[:, 1]) > 90)
        if bad.any():
            j = int(np.flatnonzero(bad)[0])
            row = int(prow[np.searchsorted(offsets, j, side="right") - 1]) + 1
            if src is None:
                raise refuse("cov.net.no_crs", file=path.name, row=row,
                              x=f"{coords[j, 0]:.1f}", y=f"{coords[j, 1]:.1f}")
            raise refuse("cov.net.bad_coords", file=path.name, row=row,
                          crs=pyproj.CRS.from_user_input(src).to_string(),
                          x=f"{file_xy[j, 0]:.6g}", y=f"{file_xy[j, 1]:.6g}")
    skipped = {"rows_empty": int(empty.sum()), "rows_not_lines": int(other.sum())}
    used = np.zeros(n, dtype=bool)
    used[prow] = True
    return Lines(coords, offsets, hw[prow], n, int(n - used.sum()), skipped,
                 np.ones(len(offsets) - 1, dtype=bool))


_NAMED_CRS = {"wgs84": "wgs84", "wgs-84": "wgs84", "epsg:4326": "wgs84", "4326": "wgs84",
              "gcj02": "gcj02", "gcj-02": "gcj02", "bd09": "bd09", "bd-09": "bd09"}


def parse_crs(crs: str | None) -> tuple[str, pyproj.CRS | None]:
    """The ``--crs`` value as ``(kind, projected CRS)``.

    Returns
    -------
    tuple
        ``("wgs84" | "gcj02" | "bd09", None)``, or ``("epsg", CRS)`` for ``EPSG:xxxx``:
        the coordinate system of line files that declare none.
    """
    value = (crs or "wgs84").strip()
    kind = _NAMED_CRS.get(value.lower())
    if kind:
        return kind, None
    if value.upper().startswith("EPSG:") and value[5:].strip().isdigit():
        try:
            return "epsg", pyproj.CRS.from_epsg(int(value[5:]))
        except pyproj.exceptions.CRSError:
            pass
    raise refuse("cov.net.bad_crs", crs=value)


def read_lines(path: str | os.PathLike, *, assume_crs: pyproj.CRS | None = None) -> Lines:
    """Read one network file into :class:`Lines` (WGS-84 lon/lat).

    Parameters
    ----------
    path
        ``.osm.pbf``, ``.pbf``, ``.osm``, ``.geojson`` / ``.json``, ``.gpkg``, ``.shp``
        or a zipped Shapefile.
    assume_crs
        For line files that declare no coordinate system: the one they are in.

    Raises
    ------
    NetworkError
        Unknown suffix, unreadable file, no line features, coordinates that are not
        longitude/latitude in a file without a coordinate system (the message names
        the file and row).
    """
    p = Path(path)
    if not p.is_file():
        raise NetworkError(f"{p}: file not found")
    name = p.name.lower()
    if name.endswith(".pbf"):
        return _read_pbf(p)
    if name.endswith(".osm") or name.endswith(".osm.xml"):
        return _read_osm_xml(p)
    if name.endswith((".geojson", ".json", ".gpkg", ".shp", ".zip")):
        return _read_vector(p, assume_crs)
    raise NetworkError(
        f"{p.name}: unknown network format (use .osm.pbf, .osm, .geojson, .gpkg or .shp)"
    )
