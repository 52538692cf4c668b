"""Street network import and loading: the ways people walk, as a routable graph.

Reads an OpenStreetMap extract (``.osm.pbf`` through pyrosm, ``.osm`` XML with a
streaming parser here) or street lines (GeoJSON, GeoPackage, Shapefile through
geopandas / pyogrio), and stores a walking graph in the warehouse tables of
``queries/schema/003_network.sql``.

Rules (shared/spec/exports.md, "street network"):

* keep the ways people can walk: footways, paths, steps, pedestrian streets,
  residential, service and other roads; drop motorways, trunk roads (unless foot is
  explicitly allowed or a sidewalk is mapped), ways not built yet, and ways closed to
  people on foot (``foot=no``; ``access=no`` without a foot permission). ``access=private``
  is kept: residents walk their own compound's paths to its gate.
* one-way rules are ignored (people walk both ways);
* ways are split where they share a vertex with another way (OSM's topology: a bridge
  crossing a street without a shared node is *not* an intersection) and at their ends;
  line files, often not noded, also join a line's end to a line of another connected
  part passing within :data:`SNAP_M` (0.5 m: T-junctions drawn without a shared vertex,
  small digitising gaps; ``ends_snapped``);
* lengths are metres in a local azimuthal equidistant projection centred on the data
  (distortion well under 0.1 % within 50 km of the centre);
* only the largest connected component is kept; the others ("islands") are counted and
  reported;
* the same street drawn twice (duplicate or overlapping lines sharing their vertices) is
  kept once (``duplicates_dropped``).

Line files as a GIS office keeps them (:func:`_read_vector`, vectorised with shapely 2
array functions): any declared coordinate system is reprojected to WGS-84; a file without
one whose coordinates are plainly metres is refused unless ``crs="EPSG:xxxx"`` says what
it is; GBK ``.dbf`` files without a ``.cpg`` are detected; Chinese road classes
(``道路等级``: 高速公路 / 快速路 / 主干路 / 次干路 / 支路 / 人行道...) are mapped to OSM
``highway`` values (:data:`CN_ROAD_CLASS`: motorways and 快速路 excluded); multi-part and
3-D lines are read, empty rows and points / polygons skipped and counted (``rows_empty``,
``rows_not_lines``). OSM ways referring to nodes missing from a clipped extract are cut
at the gap (``nodes_missing``). Refusals are :class:`NetworkError`, an
:class:`~dashboard.ingest.ImportRefused` naming the file (and row), raised before
anything is written.

:func:`load_network` reads the stored graph back as compact numpy arrays, cached on the
warehouse's data version, so pages and commands pay the load once per import.
"""

from __future__ import annotations

import functools
import json
import math
import os
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyproj
import shapely
from scipy import sparse
from scipy.sparse import csgraph

from dashboard import settings, warehouse
from dashboard.ingest.importer import ImportRefused

__all__ = [
    "Network",
    "NetworkError",
    "build_network",
    "import_network",
    "is_walkable",
    "load_network",
    "linestring_wkb",
    "parse_crs",
    "network_from_tables",
    "read_lines",
]

Progress = Callable[[str, float], None] | None

PIECE_M = 40.0
"""Street segments are cut to pieces of at most this length for the snapping index."""

# ---------------------------------------------------------------- walking rules
EXCLUDED_HIGHWAY: frozenset[str] = frozenset({
    "motorway", "motorway_link", "motor",
    "construction", "proposed", "planned", "abandoned", "razed", "disused", "no",
    "raceway", "bus_guideway", "busway", "rest_area", "services",
})
"""``highway`` values never walked."""

TRUNK_HIGHWAY: frozenset[str] = frozenset({"trunk", "trunk_link"})
"""Kept only with an explicit foot permission or a mapped sidewalk."""

FOOT_ALLOWED: frozenset[str] = frozenset({"yes", "designated", "permissive", "destination", "official"})
FOOT_CLOSED: frozenset[str] = frozenset({"no", "use_sidepath"})
SIDEWALK_PRESENT: frozenset[str] = frozenset({"both", "left", "right", "yes"})


def _tag(tags: Mapping[str, Any], key: str) -> str | None:
    value = tags.get(key)
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    value = str(value).strip().lower()
    return value or None


def _values(value: str | None) -> set[str]:
    return {p.strip() for p in value.split(";")} if value else set()


def is_walkable(tags: Mapping[str, Any]) -> bool:
    """Whether a way with these OSM tags is one people can walk.

    Parameters
    ----------
    tags
        The way's tags (``highway``, ``foot``, ``access``, ``sidewalk``, ``area``...).
        A missing ``highway`` (plain street lines) counts as walkable.

    Returns
    -------
    bool
        ``False`` for motorways, unbuilt ways, areas, ``foot=no`` and ``access=no``
        without a foot permission; trunk roads only with ``foot=yes`` or a sidewalk.
    """
    highway = _values(_tag(tags, "highway"))
    foot = _values(_tag(tags, "foot"))
    access = _values(_tag(tags, "access"))
    if _tag(tags, "area") == "yes":
        return False
    if foot & FOOT_CLOSED:
        return False
    if highway & EXCLUDED_HIGHWAY:
        return False
    foot_ok = bool(foot & FOOT_ALLOWED)
    if highway & TRUNK_HIGHWAY:
        sidewalks = {_tag(tags, k) for k in ("sidewalk", "sidewalk:both", "sidewalk:left", "sidewalk:right")}
        if not (foot_ok or sidewalks & SIDEWALK_PRESENT):
            return False
    if "no" in access and not foot_ok:
        return False
    return True


class NetworkError(ImportRefused):
    """A network file that cannot be used; the message names the file (and row).

    A subclass of :class:`dashboard.ingest.ImportRefused`: the ``import`` command shows it
    as a refusal (exit code 2) in the user's language when ``key`` names a ``cov.net.*``
    string of ``dashboard/i18n/coverage.py``.
    """


def _refuse(key: str, **params: Any) -> NetworkError:
    """A :class:`NetworkError` whose message is the English text of i18n ``key``."""
    from dashboard.i18n import t

    return NetworkError(t(key, "en", **params), key=key, params=params)


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
        raise _refuse("cov.net.unreadable", file=path.name, error=str(exc).strip()[:200]) from None
    if not isinstance(gdf, gpd.GeoDataFrame) or gdf.geometry.name not in gdf.columns:
        raise _refuse("cov.net.no_geometry", file=path.name)
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
            raise _refuse("cov.net.no_lines", file=path.name, row=i + 1,
                          found=_GEOM_NAMES.get(int(tid[i]), str(tid[i])),
                          kinds=", ".join(f"{k} {v}" for k, v in kinds.items()))
        raise _refuse("cov.net.no_geometry", file=path.name)

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
        hw = np.array([_tag({"h": u}, "h") or "unknown" for u in uniq], dtype=object)[codes]
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
                raise _refuse("cov.net.no_crs", file=path.name, row=row,
                              x=f"{coords[j, 0]:.1f}", y=f"{coords[j, 1]:.1f}")
            raise _refuse("cov.net.bad_coords", file=path.name, row=row,
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
    raise _refuse("cov.net.bad_crs", crs=value)


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


# ---------------------------------------------------------------- projection
def local_proj(lon0: float, lat0: float) -> str:
    """PROJ string of the local azimuthal equidistant projection centred on (lon0, lat0)."""
    return f"+proj=aeqd +lat_0={lat0:.5f} +lon_0={lon0:.5f} +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs"


@functools.lru_cache(maxsize=16)
def _transformers(proj: str) -> tuple[pyproj.Transformer, pyproj.Transformer]:
    fwd = pyproj.Transformer.from_crs("EPSG:4326", proj, always_xy=True)
    inv = pyproj.Transformer.from_crs(proj, "EPSG:4326", always_xy=True)
    return fwd, inv


FAST_MIN_POINTS = 20_000
"""Arrays at least this long are projected by a fitted polynomial (see :func:`_poly_transform`)."""
_POLY_DEG = 5
_POLY_TOL_M = 1e-3
_POLY_MAX_SPAN_DEG = 1.5


def _monomials(u: np.ndarray, v: np.ndarray, deg: int) -> list[np.ndarray]:
    """``u**i * v**j`` for ``i + j <= deg`` (a fixed order), built by repeated products."""
    up = [np.ones_like(u)]
    vp = [np.ones_like(v)]
    for _ in range(deg):
        up.append(up[-1] * u)
        vp.append(vp[-1] * v)
    return [up[i] * vp[j] for i in range(deg + 1) for j in range(deg + 1 - i)]


def _least_squares(design: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Least squares by the normal equations plus one refinement step.

    (``np.linalg.lstsq`` wakes the BLAS thread pool: ~0.1 s on a busy machine for a
    576 x 21 problem; ``einsum`` does not touch BLAS.)
    """
    gram = np.einsum("ki,kj->ij", design, design)
    c = np.linalg.solve(gram, np.einsum("ki,k->i", design, target))
    resid = target - np.einsum("ki,i->k", design, c)
    return c + np.linalg.solve(gram, np.einsum("ki,k->i", design, resid))


def _poly_transform(tr: pyproj.Transformer, a: np.ndarray, b: np.ndarray, inverse_units_m: bool
                    ) -> tuple[np.ndarray, np.ndarray] | None:
    """Transform many points with a degree-5 polynomial fitted to PROJ, or ``None``.

    PROJ's ellipsoidal azimuthal equidistant projection costs about a microsecond per
    point (a geodesic per point); a street network has about a million vertices. Over a
    city-sized extent the projection is smooth, so a bivariate polynomial fitted by least
    squares on a 24 x 24 grid spanning the points' extent reproduces it to well under a
    millimetre. The fit is checked against PROJ on a shifted 31 x 31 grid and on 2,000 of
    the points themselves; when any error exceeds 1 mm (or the extent is wider than
    about 1.5 degrees / 150 km) ``None`` is returned and the caller uses PROJ.
    """
    ok = np.isfinite(a) & np.isfinite(b)
    if not ok.any():
        return None
    a0, a1 = float(a[ok].min()), float(a[ok].max())
    b0, b1 = float(b[ok].min()), float(b[ok].max())
    span = max(a1 - a0, b1 - b0)
    if not inverse_units_m and span > _POLY_MAX_SPAN_DEG:
        return None
    if inverse_units_m and span > _POLY_MAX_SPAN_DEG * 111_000:
        return None
    ca, cb = (a0 + a1) / 2.0, (b0 + b1) / 2.0
    s = max(span / 2.0, 1e-9)

    def grid(n: int, shift: float) -> tuple[np.ndarray, np.ndarray]:
        t = (np.arange(n) + shift) / (n - 1 + 2 * shift) if shift else np.linspace(0.0, 1.0, n)
        ga, gb = np.meshgrid(a0 + (a1 - a0) * t, b0 + (b1 - b0) * t, indexing="ij")
        return ga.ravel(), gb.ravel()

    fa, fb = grid(24, 0.0)
    fx, fy = (np.asarray(r, float) for r in tr.transform(fa, fb))
    design = np.column_stack(_monomials((fa - ca) / s, (fb - cb) / s, _POLY_DEG))
    cx = _least_squares(design, fx)
    cy = _least_squares(design, fy)

    terms = [(i, j) for i in range(_POLY_DEG + 1) for j in range(_POLY_DEG + 1 - i)]
    coef = {t: (float(kx), float(ky)) for t, kx, ky in zip(terms, cx, cy, strict=True)}

    def evaluate(pa: np.ndarray, pb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        # Horner's scheme in place, in chunks that stay in the CPU cache
        out = (np.empty(len(pa)), np.empty(len(pa)))
        for c0 in range(0, len(pa), 1 << 15):
            cu = (pa[c0:c0 + (1 << 15)] - ca) / s
            cv = (pb[c0:c0 + (1 << 15)] - cb) / s
            for d in (0, 1):
                acc = np.full_like(cu, coef[(_POLY_DEG, 0)][d])
                for i in range(_POLY_DEG - 1, -1, -1):
                    q = np.full_like(cv, coef[(i, _POLY_DEG - i)][d])
                    for j in range(_POLY_DEG - i - 1, -1, -1):
                        q *= cv
                        q += coef[(i, j)][d]
                    acc *= cu
                    acc += q
                out[d][c0:c0 + len(cu)] = acc
        return out

    va, vb = grid(31, 0.5)
    pick = np.flatnonzero(ok)[:: max(1, int(ok.sum()) // 2000)]
    va, vb = np.concatenate([va, a[pick]]), np.concatenate([vb, b[pick]])
    tx, ty = (np.asarray(r, float) for r in tr.transform(va, vb))
    ex, ey = evaluate(va, vb)
    tol = _POLY_TOL_M if not inverse_units_m else _POLY_TOL_M / 111_000 / 2
    if not (np.all(np.abs(ex - tx) <= tol) and np.all(np.abs(ey - ty) <= tol)):
        return None
    ox, oy = evaluate(np.where(ok, a, ca), np.where(ok, b, cb))
    ox[~ok] = np.nan
    oy[~ok] = np.nan
    return ox, oy


def to_xy(proj: str, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Project WGS-84 lon/lat to the network's local metres.

    Arrays of :data:`FAST_MIN_POINTS` points or more go through a polynomial fitted to
    PROJ and checked against it to 1 mm (:func:`_poly_transform`); shorter arrays, or
    extents where the check fails, through PROJ itself.
    """
    lon = np.asarray(lon, float)
    lat = np.asarray(lat, float)
    tr = _transformers(proj)[0]
    if lon.ndim == 1 and len(lon) >= FAST_MIN_POINTS:
        out = _poly_transform(tr, lon, lat, inverse_units_m=False)
        if out is not None:
            return out
    x, y = tr.transform(lon, lat)
    return np.asarray(x, float), np.asarray(y, float)


def to_lonlat(proj: str, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Local metres back to WGS-84 lon/lat (large arrays as in :func:`to_xy`)."""
    x = np.asarray(x, float)
    y = np.asarray(y, float)
    tr = _transformers(proj)[1]
    if x.ndim == 1 and len(x) >= FAST_MIN_POINTS:
        out = _poly_transform(tr, x, y, inverse_units_m=True)
        if out is not None:
            return out
    lon, lat = tr.transform(x, y)
    return np.asarray(lon, float), np.asarray(lat, float)


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


def linestring_wkb(coords: np.ndarray, npts: np.ndarray) -> np.ndarray:
    """2-D little-endian WKB LineStrings written straight from coordinates.

    The inverse of :func:`parse_linestring_wkb` and byte for byte what
    ``shapely.to_wkb(shapely.linestrings(...))`` gives, without a shapely object per line.

    Parameters
    ----------
    coords
        ``(m, 2)`` vertices, line after line.
    npts
        ``(n,)`` vertices per line (each at least 2).

    Returns
    -------
    numpy.ndarray
        Object array of ``n`` ``bytes``.
    """
    npts = np.asarray(npts, dtype=np.int64)
    n = len(npts)
    if n == 0:
        return np.empty(0, dtype=object)
    size = 9 + 16 * npts
    off = np.concatenate([[0], np.cumsum(size)])
    buf = np.zeros(int(off[-1]), dtype=np.uint8)
    start = off[:-1]
    buf[start] = 1                                            # little endian
    head = np.empty((n, 2), dtype="<u4")
    head[:, 0] = 2                                            # LineString
    head[:, 1] = npts
    buf[start[:, None] + np.arange(1, 9)] = head.view(np.uint8).reshape(n, 8)
    body = np.ascontiguousarray(coords, dtype="<f8").view(np.uint8).ravel()
    nb = 16 * npts
    pos = np.repeat(start + 9 - (np.cumsum(nb) - nb), nb) + np.arange(int(nb.sum()), dtype=np.int64)
    buf[pos] = body
    raw = buf.tobytes()
    out = np.empty(n, dtype=object)
    out[:] = [raw[a:b] for a, b in zip(off[:-1].tolist(), off[1:].tolist(), strict=True)]
    return out


# ---------------------------------------------------------------- storing
def _convert_crs(lines: Lines, crs: str) -> Lines:
    """GCJ-02 / BD-09 lon/lat to WGS-84 (``wgs84`` and ``EPSG:xxxx`` lines pass through:
    the readers already reprojected them)."""
    kind, _ = parse_crs(crs)
    if kind in ("wgs84", "epsg"):
        return lines
    try:
        from dashboard.ingest import coords as conv  # written by the ingest area
    except ModuleNotFoundError:
        raise NetworkError(
            f"coordinate system {crs!r} needs dashboard.ingest.coords, which is not installed"
        ) from None
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
            raise _refuse("cov.net.no_walkable", file=p.name, read=part.n_read, dropped=part.n_dropped)
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


# ---------------------------------------------------------------- loading
def parse_linestring_wkb(data: np.ndarray, offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """Coordinates of packed 2-D little-endian WKB LineStrings, without shapely objects.

    Parameters
    ----------
    data
        ``uint8`` bytes of all geometries, one after the other.
    offsets
        ``(n + 1,)`` start of each geometry in ``data``.

    Returns
    -------
    (coords, index) or None
        ``(m, 2)`` coordinates and the geometry index of each; ``None`` when any
        geometry is not a plain 2-D little-endian LineString (the caller then parses
        with shapely).
    """
    offsets = np.asarray(offsets, dtype=np.int64)
    n = len(offsets) - 1
    if n == 0:
        return np.empty((0, 2)), np.empty(0, np.int64)
    starts = offsets[:-1]
    size = offsets[1:] - starts
    if size.min() < 9 or not np.all(data[starts] == 1):
        return None
    head = data[starts[:, None] + np.arange(1, 9)].copy().view("<u4")
    if not np.all(head[:, 0] == 2):
        return None
    npts = head[:, 1].astype(np.int64)
    if not np.array_equal(size, 9 + 16 * npts):
        return None
    # the doubles of geometry i start at byte starts[i] + 9: gather them as 8-byte rows of
    # a strided view of the buffer (row k = bytes k..k+7), then read the rows as float64
    from numpy.lib.stride_tricks import as_strided

    data = np.ascontiguousarray(data, dtype=np.uint8)
    nd = 2 * npts
    cs = np.cumsum(nd)
    pos = np.repeat(starts + 9 - 8 * (cs - nd), nd) + 8 * np.arange(int(cs[-1]), dtype=np.int64)
    rows = as_strided(data, shape=(len(data) - 7, 8), strides=(1, 1), writeable=False)
    coords = rows[pos].view("<f8").reshape(-1, 2)
    return coords, np.repeat(np.arange(n, dtype=np.int64), npts)


def _pack_wkb(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """An object array of WKB ``bytes`` as one byte buffer plus offsets."""
    lengths = np.fromiter((len(v) for v in values), dtype=np.int64, count=len(values))
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    return np.frombuffer(b"".join(bytes(v) for v in values), dtype=np.uint8), offsets


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
                parsed = parse_linestring_wkb(*_pack_wkb(self.edge_wkb))
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
    path = settings.db_path(db)
    version = warehouse.data_version(path)
    if version is None:
        raise warehouse.WarehouseMissing(f"warehouse {path} does not exist")
    return _load_cached(str(path.resolve()), version)
