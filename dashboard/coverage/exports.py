"""Walking areas and coverage gaps as files planners open in their own tools.

Two layers, from one coverage answer (:func:`dashboard.coverage.engine.compute`):

* ``walking_area``: the streets reached within the walk of an open room, buffered
  (:func:`dashboard.coverage.areas.walking_area`), one (multi)polygon with the walk's
  minutes, speed, metres and date;
* ``gaps``: every community with households beyond the walk, with its uncovered
  households, elderly, and walking / straight-line distance to the nearest open room;
  drawn as the community's polygon where the warehouse has one, else as its point.

Formats (all WGS-84 lon/lat, UTF-8, made offline):

* GeoJSON (RFC 7946): one FeatureCollection, each feature's ``layer`` property names its
  layer;
* KML 2.2 for 奥维互动地图 and Google Earth: a folder per layer, names and descriptions
  XML-escaped (community names are data);
* Shapefile: a ZIP holding one Shapefile per layer and geometry type
  (``walking_area``, ``gaps_polygons``, ``gaps_points``: a Shapefile holds one type),
  each with a ``.cpg`` saying UTF-8 and a ``.prj``.

Column names are short (Shapefile fields hold ten characters) and the same in every
format: ``comm_id``, ``name``, ``district``, ``hh``, ``hh_uncov``, ``eld_uncov``,
``walk_m``, ``straight_m``; ``minutes``, ``speed_ms``, ``limit_m``, ``on_date``.
"""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from dashboard.coverage.areas import walking_area
from dashboard.coverage.engine import CoverageResult
from dashboard.coverage.inputs import CoverageData

__all__ = ["FORMATS", "export_bytes", "layers", "to_geojson", "to_kml", "to_shapefile_zip"]

FORMATS: dict[str, str] = {"geojson": ".geojson", "kml": ".kml", "shp": ".zip"}
"""Export format → file suffix."""

_GAP_COLUMNS = ["comm_id", "name", "district", "hh", "hh_uncov", "eld_uncov", "walk_m", "straight_m"]


def _finite(v: pd.Series) -> pd.Series:
    return v.astype(float).replace([np.inf, -np.inf], np.nan).round(1)


def layers(data: CoverageData, result: CoverageResult) -> dict[str, gpd.GeoDataFrame]:
    """The two export layers (see the module docstring) as GeoDataFrames in EPSG:4326.

    Parameters
    ----------
    data, result
        The coverage inputs and one answer of :func:`~dashboard.coverage.engine.compute`.
    """
    area = walking_area(data, result)
    area_df = gpd.GeoDataFrame(
        {"minutes": [float(result.minutes)], "speed_ms": [float(result.speed_m_s)],
         "limit_m": [float(result.limit_m)], "on_date": [None if result.on is None else result.on.isoformat()]},
        geometry=[area], crs="EPSG:4326") if area is not None else gpd.GeoDataFrame(
        {"minutes": [], "speed_ms": [], "limit_m": [], "on_date": []}, geometry=[], crs="EPSG:4326")

    c = result.communities
    gaps = c[c["households_uncovered"] > 0].copy()
    elderly_uncov = (gaps["elderly"] - gaps["elderly_covered"]) if "elderly_covered" in gaps else np.nan
    shapes = data.communities.set_index("community_id")
    geoms = []
    for cid in gaps["community_id"]:
        wkb = shapes["geometry_wkb"].get(cid) if "geometry_wkb" in shapes else None
        if wkb is not None and not (isinstance(wkb, float) and np.isnan(wkb)):
            geoms.append(shapely.from_wkb(bytes(wkb)))
        else:
            row = shapes.loc[cid]
            ok = pd.notna(row["lon"]) and pd.notna(row["lat"])
            geoms.append(shapely.Point(float(row["lon"]), float(row["lat"])) if ok else None)
    gap_df = gpd.GeoDataFrame({
        "comm_id": gaps["community_id"].astype(str).to_numpy(),
        "name": gaps["name"].astype(str).to_numpy(),
        "district": gaps["district"].astype(str).to_numpy(),
        "hh": gaps["households"].astype(float).to_numpy(),
        "hh_uncov": gaps["households_uncovered"].astype(float).to_numpy(),
        "eld_uncov": np.asarray(elderly_uncov, float),
        "walk_m": _finite(gaps["walk_m"]).to_numpy(),
        "straight_m": _finite(gaps["straight_m"]).to_numpy(),
    }, geometry=geoms, crs="EPSG:4326")
    gap_df = gap_df[gap_df.geometry.notna()].sort_values(["hh_uncov", "comm_id"], ascending=[False, True])
    return {"walking_area": area_df, "gaps": gap_df.reset_index(drop=True)}


def to_geojson(lays: dict[str, gpd.GeoDataFrame]) -> bytes:
    """One FeatureCollection; each feature's ``layer`` property names its layer."""
    features = []
    for name, df in lays.items():
        for feat in json.loads(df.to_json(na="null", drop_id=True))["features"]:
            feat["properties"] = {"layer": name, **feat["properties"]}
            features.append(feat)
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False).encode("utf-8")


def _ring(coords) -> str:
    return " ".join(f"{x:.7f},{y:.7f}" for x, y in np.asarray(coords)[:, :2])


def _kml_geometry(g) -> str:
    if g is None or g.is_empty:
        return ""
    if g.geom_type == "Point":
        return f"<Point><coordinates>{g.x:.7f},{g.y:.7f}</coordinates></Point>"
    if g.geom_type == "Polygon":
        inner = "".join(f"<innerBoundaryIs><LinearRing><coordinates>{_ring(r.coords)}</coordinates></LinearRing>"
                        "</innerBoundaryIs>" for r in g.interiors)
        return (f"<Polygon><outerBoundaryIs><LinearRing><coordinates>{_ring(g.exterior.coords)}</coordinates>"
                f"</LinearRing></outerBoundaryIs>{inner}</Polygon>")
    if g.geom_type in ("MultiPolygon", "GeometryCollection", "MultiPoint"):
        return "<MultiGeometry>" + "".join(_kml_geometry(p) for p in g.geoms) + "</MultiGeometry>"
    raise ValueError(f"no KML for {g.geom_type}")


_KML_STYLES = (
    '<Style id="area"><LineStyle><color>ff2e7d32</color><width>1</width></LineStyle>'
    "<PolyStyle><color>5532a852</color></PolyStyle></Style>"
    '<Style id="gap"><LineStyle><color>ff1f1fd6</color><width>2</width></LineStyle>'
    '<PolyStyle><color>661f1fd6</color></PolyStyle><IconStyle><color>ff1f1fd6</color></IconStyle></Style>'
)


def to_kml(lays: dict[str, gpd.GeoDataFrame], title: str = "ServiceCircle") -> bytes:
    """KML 2.2: a folder per layer (walking area, gaps), every text XML-escaped."""
    parts = ['<?xml version="1.0" encoding="UTF-8"?>', '<kml xmlns="http://www.opengis.net/kml/2.2"><Document>',
             f"<name>{escape(title)}</name>", _KML_STYLES]
    for name, df in lays.items():
        style = "area" if name == "walking_area" else "gap"
        parts.append(f"<Folder><name>{escape(name)}</name>")
        for row in df.itertuples(index=False):
            props = {k: v for k, v in row._asdict().items() if k != "geometry"}
            label = str(props.get("name") or props.get("comm_id") or name)
            data = "".join(f'<Data name="{escape(str(k))}"><value>{escape("" if pd.isna(v) else str(v))}</value></Data>'
                           for k, v in props.items())
            parts.append(f"<Placemark><name>{escape(label)}</name><styleUrl>#{style}</styleUrl>"
                         f"<ExtendedData>{data}</ExtendedData>{_kml_geometry(row.geometry)}</Placemark>")
        parts.append("</Folder>")
    parts.append("</Document></kml>")
    return "".join(parts).encode("utf-8")


def to_shapefile_zip(lays: dict[str, gpd.GeoDataFrame]) -> bytes:
    """A ZIP of Shapefiles, one per layer and geometry type, UTF-8 (``.cpg``) with a ``.prj``."""
    parts: dict[str, gpd.GeoDataFrame] = {"walking_area": lays["walking_area"]}
    gaps = lays["gaps"]
    is_point = gaps.geometry.geom_type == "Point"
    parts["gaps_polygons"] = gaps[~is_point]
    parts["gaps_points"] = gaps[is_point]
    buf = io.BytesIO()
    with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, df in parts.items():
            if df.empty:
                continue
            path = Path(tmp) / f"{name}.shp"
            df.to_file(path, driver="ESRI Shapefile", engine="pyogrio", encoding="UTF-8")
            for f in sorted(Path(tmp).glob(f"{name}.*")):
                zf.write(f, f.name)
    return buf.getvalue()


def export_bytes(data: CoverageData, result: CoverageResult, fmt: str) -> bytes:
    """The two layers in ``fmt`` (a key of :data:`FORMATS`)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; one of {', '.join(FORMATS)}")
    lays = layers(data, result)
    return {"geojson": to_geojson, "kml": to_kml, "shp": to_shapefile_zip}[fmt](lays)
