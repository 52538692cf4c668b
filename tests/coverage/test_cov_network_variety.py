"""Street networks as a GIS office hands them over: projected or missing coordinate
systems, GBK Shapefiles with Chinese road classes, mixed geometries, clipped OSM
extracts, and the refusals that name the file."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyproj
import pytest
import shapely
from shapely.geometry import LineString, MultiLineString, Point, Polygon

from dashboard import warehouse
from dashboard.coverage import graph, projection, refusals, street_files, walking, wkb
from dashboard.coverage import network as N
from dashboard.ingest import ImportRefused

GEOD = pyproj.Geod(ellps="WGS84")
# a spot in Tangshan (UTM 50N, CGCS2000 3-degree zone 39 / CM 117E) for the projected files
LON0, LAT0 = 118.18, 39.63
PROJ0 = projection.local_proj(LON0, LAT0)


def _ll(pts) -> np.ndarray:
    """Local metres around (LON0, LAT0) to an (n, 2) lon/lat array."""
    a = np.asarray(pts, float).reshape(-1, 2)
    lon, lat = projection._transformers(PROJ0)[1].transform(a[:, 0], a[:, 1])
    return np.column_stack([lon, lat])


def _geod_len(ll: np.ndarray) -> float:
    return float(GEOD.line_length(ll[:, 0], ll[:, 1]))


def _town_gdf(town) -> gpd.GeoDataFrame:
    geoms, hw = [], []
    for pts, tags in town.ways:
        lon, lat = town.ll([p[0] for p in pts], [p[1] for p in pts])
        geoms.append(LineString(np.column_stack([lon, lat])))
        hw.append(tags)
    gdf = gpd.GeoDataFrame(hw, geometry=geoms, crs="EPSG:4326")
    return gdf


def _row_loop_reference(gdf: gpd.GeoDataFrame) -> tuple[list[np.ndarray], list[str]]:
    """Walkable lines of a WGS-84 frame, one row at a time (the plain way to do it)."""
    out, hws = [], []
    cols = [c for c in ("highway", "foot") if c in gdf.columns]
    for row, geom in zip(gdf[cols].astype(object).to_dict("records"), gdf.geometry.values, strict=True):
        if geom is None or geom.is_empty or geom.geom_type not in ("LineString", "MultiLineString"):
            continue
        tags = {k: v for k, v in row.items() if isinstance(v, str)}
        if not walking.is_walkable(tags):
            continue
        parts = [geom] if geom.geom_type == "LineString" else list(geom.geoms)
        for part in parts:
            c = np.asarray(part.coords)[:, :2]
            if len(c) >= 2:
                out.append(c)
                hws.append(tags.get("highway", "unknown").strip().lower())
    return out, hws


# ---------------------------------------------------------------- 1. the vectorised reader
def test_vectorised_reader_gives_the_row_loop_lines(town, tmp_path):
    """Town streets plus multi-part, 3-D, empty, polygon and closed rows: the reader's
    lines equal a plain row-by-row loop's, line by line and vertex by vertex."""
    gdf = _town_gdf(town)
    rng = np.random.default_rng(7)
    extra, tags = [], []
    for k in range(40):
        base = rng.uniform(-500, 500, 2)
        pts = base + np.cumsum(rng.uniform(-60, 60, (4, 2)), axis=0)
        ll = _ll(pts) + np.array([104.06 - LON0, 30.66 - LAT0])
        if k % 5 == 0:
            geom = MultiLineString([ll[:2], ll[2:]])
        elif k % 5 == 1:
            geom = LineString(np.column_stack([ll, rng.uniform(400, 500, len(ll))]))  # Z
        elif k % 5 == 2:
            geom = None
        elif k % 5 == 3:
            geom = Polygon(np.vstack([ll[:3], ll[:1]]))
        else:
            geom = LineString(ll)
        extra.append(geom)
        tags.append({"highway": ["footway", " Residential ", "motorway", None, "steps"][(k // 5) % 5],
                     "foot": "no" if k in (4, 24) else None})
    gdf = gpd.GeoDataFrame(
        [*gdf.drop(columns="geometry").to_dict("records"), *tags],
        geometry=[*gdf.geometry, *extra], crs="EPSG:4326",
    )
    p = tmp_path / "mixed.gpkg"
    gdf.to_file(p, driver="GPKG")
    ref, ref_hw = _row_loop_reference(gpd.read_file(p))
    got = street_files.read_lines(p)
    assert len(got) == len(ref) > 30
    for i, c in enumerate(ref):
        np.testing.assert_array_equal(got.coords[got.offsets[i]:got.offsets[i + 1]], c)
    assert list(got.highway) == ref_hw
    assert got.n_read == len(gdf)
    assert got.skipped["rows_empty"] == 8 and got.skipped["rows_not_lines"] == 8


# ---------------------------------------------------------------- 2. coordinate systems
def _grid_lines() -> tuple[list[np.ndarray], float]:
    """A 3 x 3 street grid of 200 m blocks (metres) and its total length."""
    lines = [np.array([[x, -200.0], [x, 0.0], [x, 200.0]]) for x in (-200.0, 0.0, 200.0)]
    lines += [np.array([[-200.0, y], [0.0, y], [200.0, y]]) for y in (-200.0, 0.0, 200.0)]
    return lines, 6 * 400.0


@pytest.mark.parametrize("epsg", [4547, 32650])
def test_projected_file_is_read_in_its_own_crs(tmp_path, epsg):
    """A GeoPackage in CGCS2000 Gauss-Kruger (EPSG:4547) or UTM 50N lands on the WGS-84 grid."""
    lines, total = _grid_lines()
    ll = [_ll(c) for c in lines]
    tr = pyproj.Transformer.from_crs(4326, epsg, always_xy=True)
    proj = [np.column_stack(tr.transform(c[:, 0], c[:, 1])) for c in ll]
    assert min(abs(c).min() for c in proj) > 1000          # really metres in the file
    p = tmp_path / f"grid_{epsg}.gpkg"
    gpd.GeoDataFrame({"highway": ["residential"] * 6}, geometry=[LineString(c) for c in proj],
                     crs=f"EPSG:{epsg}").to_file(p)
    t = graph.build_network(street_files.read_lines(p))
    assert t.counts["nodes"] == 9
    assert t.counts["edges"] == 12
    assert t.counts["length_km"] == pytest.approx(total / 1000, abs=0.002)
    want = np.vstack(ll)
    d = np.hypot(*(np.subtract.outer(t.nodes["lon"].to_numpy(), want[:, 0]),
                   np.subtract.outer(t.nodes["lat"].to_numpy(), want[:, 1]))).min(axis=1)
    assert d.max() < 1e-7                                  # ~1 cm


def test_metres_without_crs_refused_naming_the_file_then_crs_option(tmp_path):
    lines, total = _grid_lines()
    tr = pyproj.Transformer.from_crs(4326, 32650, always_xy=True)
    proj = [np.column_stack(tr.transform(*_ll(c).T)) for c in lines]
    # a Shapefile without .prj (GeoJSON is WGS-84 by definition)
    with pytest.warns(UserWarning, match="crs"):
        gpd.GeoDataFrame({"highway": ["residential"] * 6}, geometry=[LineString(c) for c in proj]).to_file(
            tmp_path / "utm_no_crs.shp")
    assert not (tmp_path / "utm_no_crs.prj").exists()
    shp = tmp_path / "utm_no_crs.shp"
    db = tmp_path / "w.duckdb"
    with pytest.raises(ImportRefused, match=r"utm_no_crs\.shp: .*no coordinate system.*--crs EPSG") as exc:
        N.import_network(shp, db=db)
    assert "坐标系" in exc.value.localized("zh")
    assert not db.exists()                                  # refused before the warehouse opened
    counts = N.import_network(shp, db=db, crs="EPSG:32650")
    assert counts["edges"] == 12 and counts["length_km"] == pytest.approx(total / 1000, abs=0.002)
    with pytest.raises(ImportRefused, match="unknown coordinate system"):
        N.import_network(shp, db=db, crs="EPSG:nonsense")


def test_gcj02_line_file_is_shifted_back(tmp_path):
    """GCJ-02 lines with --crs gcj02 land on the WGS-84 lines (the shift is ~hundreds of m)."""
    from dashboard.ingest.coords import wgs84_to_gcj02

    lines, _ = _grid_lines()
    ll = [_ll(c) for c in lines]
    g = [np.column_stack(wgs84_to_gcj02(c[:, 0], c[:, 1])) for c in ll]
    p = tmp_path / "amap.gpkg"
    gpd.GeoDataFrame(geometry=[LineString(c) for c in g], crs="EPSG:4326").to_file(p)
    db = tmp_path / "w.duckdb"
    N.import_network(p, db=db, crs="gcj02")
    net = N.load_network(db)
    want = np.vstack(ll)
    x, y = projection.to_xy(PROJ0, net.node_lon, net.node_lat)
    wx, wy = projection.to_xy(PROJ0, want[:, 0], want[:, 1])
    d = np.hypot(np.subtract.outer(x, wx), np.subtract.outer(y, wy)).min(axis=1)
    assert d.max() < 0.5
    gx, gy = projection.to_xy(PROJ0, g[0][:, 0], g[0][:, 1])
    assert np.hypot(gx - wx[:3], gy - wy[:3]).min() > 100


# ---------------------------------------------------------------- 3. geometry variety
def test_mixed_geometries_hand_counted(tmp_path):
    """Z coordinates, multi-part lines, null / empty rows, a polygon, a street drawn
    twice and one drawn over half its length: 5 nodes, 4 edges, 400 m."""
    a = _ll([[0, 0], [100, 0], [200, 0]])
    rows = [
        ("residential", LineString(np.column_stack([a, [10.0, 11.0, 12.0]]))),    # 3-D
        ("footway", MultiLineString([_ll([[100, -100], [100, 0]]), _ll([[100, 0], [100, 100]])])),
        ("residential", LineString(a[::-1])),                                      # drawn twice
        ("residential", LineString(a[1:])),                                        # half again
        ("residential", None),
        ("residential", LineString()),
        ("residential", Polygon(_ll([[300, 300], [350, 300], [350, 350], [300, 300]]))),
        ("footway", Point(*_ll([[10, 10]])[0])),
    ]
    p = tmp_path / "mixed.geojson"
    gpd.GeoDataFrame({"highway": [r[0] for r in rows]}, geometry=[r[1] for r in rows],
                     crs="EPSG:4326").to_file(p, driver="GeoJSON")
    db = tmp_path / "w.duckdb"
    c = N.import_network(p, db=db)
    assert c["nodes"] == 5 and c["edges"] == 4
    assert c["duplicates_dropped"] == 3
    assert c["rows_empty"] == 2 and c["rows_not_lines"] == 2
    assert c["ways_read"] == 8 and c["ways_dropped"] == 4
    want = _geod_len(a) + _geod_len(_ll([[100, -100], [100, 100]]))
    assert c["length_km"] == pytest.approx(want / 1000, abs=0.001)
    net = N.load_network(db)
    pairs = {tuple(sorted(e)) for e in zip(net.edge_u.tolist(), net.edge_v.tolist(), strict=True)}
    assert len(pairs) == 4                                  # no parallel duplicate left


def test_two_halves_of_a_ring_are_not_duplicates(tmp_path):
    """Same end nodes and same length but different streets (a ring around a square)."""
    ring_n = _ll([[0, 0], [0, 100], [100, 100]])
    ring_s = _ll([[0, 0], [100, 0], [100, 100]])
    p = tmp_path / "ring.geojson"
    gpd.GeoDataFrame(geometry=[LineString(ring_n), LineString(ring_s)], crs="EPSG:4326").to_file(p)
    c = graph.build_network(street_files.read_lines(p)).counts
    assert c["edges"] == 2 and c["duplicates_dropped"] == 0


def _gbk_shapefile(tmp_path: Path, epsg: int = 4547, encoding: str = "GBK") -> tuple[Path, dict[str, float]]:
    """A road-centreline Shapefile as a Chinese GIS office keeps it: GBK .dbf without a
    .cpg (and no code page byte), Chinese names and classes, CGCS2000 Gauss-Kruger."""
    roads = [  # name, class, line in metres
        ("京哈高速", "高速公路", [[-400, 50], [400, 50]]),
        ("建设路快速路", "快速路", [[-400, -50], [400, -50]]),
        ("新华道", "主干路", [[-300, 0], [0, 0], [300, 0]]),
        ("文化路", "次干路", [[0, -300], [0, 0], [0, 300]]),
        ("光明里", "支路", [[300, 0], [300, 300]]),
        ("学院南路人行道", "人行道", [[0, 300], [300, 300]]),
    ]
    tr = pyproj.Transformer.from_crs(4326, epsg, always_xy=True)
    geoms = [LineString(np.column_stack(tr.transform(*_ll(c).T))) for _, _, c in roads]
    p = tmp_path / "道路中心线.shp"
    # .dbf field names hold 10 bytes: 道路等级 fits in GBK (8), not in UTF-8 (12)
    cls_col = "道路等级" if encoding == "GBK" else "等级"
    gpd.GeoDataFrame({"道路名称" if encoding == "GBK" else "名称": [r[0] for r in roads],
                      cls_col: [r[1] for r in roads]},
                     geometry=geoms, crs=f"EPSG:{epsg}").to_file(p, encoding=encoding)
    p.with_suffix(".cpg").unlink(missing_ok=True)
    dbf = p.with_suffix(".dbf")
    raw = bytearray(dbf.read_bytes())
    raw[29] = 0                                              # no language driver id either
    dbf.write_bytes(bytes(raw))
    other = "utf-8" if encoding == "GBK" else "gbk"
    assert cls_col.encode(encoding) in raw and cls_col.encode(other) not in raw
    lens = {cls: _geod_len(_ll(c)) for _, cls, c in roads}
    return p, lens


@pytest.mark.parametrize("encoding", ["GBK", "UTF-8"])
def test_gbk_shapefile_with_chinese_road_classes(tmp_path, encoding):
    """Without a .cpg GDAL reads the .dbf as ISO-8859-1: GBK and UTF-8 are detected."""
    p, lens = _gbk_shapefile(tmp_path, encoding=encoding)
    t = graph.build_network(street_files.read_lines(p))
    assert t.counts["ways_read"] == 6 and t.counts["ways_dropped"] == 2     # 高速公路, 快速路
    assert set(t.edges["highway"]) == {"primary", "secondary", "residential", "footway"}
    want = sum(v for k, v in lens.items() if k not in ("高速公路", "快速路"))
    assert t.counts["length_km"] == pytest.approx(want / 1000, abs=0.002)
    # nodes (-300,0) (0,0) (300,0) (0,-300) (0,300) (300,300); edges 2 + 2 + 1 + 1
    assert t.counts["nodes"] == 6 and t.counts["edges"] == 6


@pytest.mark.parametrize(("word", "walk"), [
    ("高速公路", False), ("快速路", False), ("城市快速路", False), ("高速公路匝道", False),
    ("快速路辅路", True), ("主干路", True), ("次干路", True), ("支路", True), ("人行道", True),
    ("步行街", True), ("在建", False),
])
def test_chinese_road_class_words(word, walk):
    assert walking.is_walkable({"highway": street_files._road_class(word)}) is walk


# ---------------------------------------------------------------- 4. OSM variety
OSM_VARIETY = """<?xml version='1.0' encoding='UTF-8'?>
<osm version='0.6'>
{nodes}
  <way id='1'><nd ref='1'/><nd ref='2'/><nd ref='3'/><tag k='highway' v='residential'/></way>
  <way id='2'><nd ref='3'/><nd ref='4'/><tag k='highway' v='steps'/></way>
  <way id='3'><nd ref='2'/><nd ref='5'/><tag k='highway' v='motorway_link'/></way>
  <way id='4'><nd ref='1'/><nd ref='6'/><tag k='highway' v='footway'/><tag k='foot' v='no'/></way>
  <way id='5'><nd ref='2'/><nd ref='7'/><tag k='highway' v='service'/><tag k='access' v='private'/></way>
  <way id='6'><nd ref='8'/><nd ref='9'/><nd ref='10'/><nd ref='11'/><nd ref='8'/>
    <tag k='highway' v='pedestrian'/><tag k='area' v='yes'/></way>
  <way id='7'><nd ref='4'/><nd ref='999'/><nd ref='12'/><nd ref='1'/><tag k='highway' v='footway'/></way>
  <way id='8'><nd ref='997'/><nd ref='998'/><tag k='highway' v='footway'/></way>
  <relation id='1'><member type='way' ref='1' role=''/><tag k='type' v='route'/></relation>
</osm>
"""
OSM_NODES = {1: (0, 0), 2: (200, 0), 3: (400, 0), 4: (400, 150), 5: (200, -300), 6: (0, -100),
             7: (200, 120), 8: (0, 200), 9: (100, 200), 10: (100, 300), 11: (0, 300), 12: (100, 100)}


def test_osm_variety_hand_counted(tmp_path):
    """Kept: the street, the steps, the private service road and the footway's part after
    the node missing from the clipped extract (12 - 1), never a straight 4 - 12 shortcut.
    Dropped: motorway_link, foot=no, the pedestrian area, the way with no known node."""
    nodes = "\n".join(
        f"  <node id='{k}' lon='{ll[0]:.7f}' lat='{ll[1]:.7f}'/>"
        for k, ll in ((k, _ll([xy])[0]) for k, xy in OSM_NODES.items()))
    p = tmp_path / "variety.osm"
    p.write_text(OSM_VARIETY.format(nodes=nodes))
    db = tmp_path / "w.duckdb"
    c = N.import_network(p, db=db)
    assert c["ways_read"] == 8 and c["ways_dropped"] == 4
    assert c["nodes_missing"] == 3
    assert c["nodes"] == 6 and c["edges"] == 5 and c["islands"] == 0
    seg = {k: _ll([v])[0] for k, v in OSM_NODES.items()}

    def length(*ids):
        return _geod_len(np.array([seg[i] for i in ids]))

    want = length(1, 2, 3) + length(3, 4) + length(2, 7) + length(12, 1)
    assert c["length_km"] == pytest.approx(want / 1000, abs=0.001)
    net = N.load_network(db)
    assert set(net.edge_highway) == {"residential", "steps", "service", "footway"}
    # no edge joins node 4 (400, 150) to node 12 (100, 100)
    xy = np.column_stack(projection.to_xy(PROJ0, net.node_lon, net.node_lat))
    near = lambda p: int(np.argmin(np.hypot(*(xy - np.asarray(p, float)).T)))  # noqa: E731
    n4, n12 = near(OSM_NODES[4]), near(OSM_NODES[12])
    assert {n4, n12} not in [{int(u), int(v)} for u, v in zip(net.edge_u, net.edge_v, strict=True)]


# ---------------------------------------------------------------- 5. refusals
def _stored(db: Path) -> int | None:
    net = N.load_network(db)
    return None if net is None else net.n_nodes


def test_refusals_name_the_file_and_write_nothing(town, tmp_path):
    db = tmp_path / "w.duckdb"
    N.import_network(town.osm, db=db)
    before = warehouse.data_version(db)
    cases = []
    pts = tmp_path / "halls.gpkg"
    gpd.GeoDataFrame({"name": ["a", "b"]}, geometry=[Point(*_ll([[0, 0]])[0]), Point(*_ll([[5, 5]])[0])],
                     crs="EPSG:4326").to_file(pts)
    cases.append((pts, r"halls\.gpkg: row 1, field geometry: expected street lines, found Point .*Point 2"))
    notgeo = tmp_path / "table.geojson"
    notgeo.write_text(json.dumps({"rows": [1, 2, 3]}))
    cases.append((notgeo, r"table\.geojson: "))
    csv = tmp_path / "streets.shp"
    csv.write_text("name,length\nA,3\n")
    cases.append((csv, r"streets\.shp: "))
    motor = tmp_path / "expressways.geojson"
    gpd.GeoDataFrame({"highway": ["motorway", "motorway_link"]},
                     geometry=[LineString(_ll([[0, 0], [100, 0]])), LineString(_ll([[100, 0], [200, 50]]))],
                     crs="EPSG:4326").to_file(motor)
    cases.append((motor, r"expressways\.geojson: no walkable street lines .*2 read, 2 dropped"))
    nulls = tmp_path / "nulls.geojson"
    nulls.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"highway": "footway"}, "geometry": None}]}))
    cases.append((nulls, r"nulls\.geojson: "))
    for path, pattern in cases:
        with pytest.raises(ImportRefused, match=pattern) as exc:
            N.import_network(path, db=db)
        assert isinstance(exc.value, refusals.NetworkError)
        assert path.name in exc.value.localized("zh")
    assert warehouse.data_version(db) == before
    assert _stored(db) == 32


def test_cli_refusal_exit_code_and_epsg_option(tmp_path):
    """``servicecircle import network``: a refusal is one line, exit code 2; --crs EPSG works."""
    from typer.testing import CliRunner

    from dashboard.cli import app

    lines, _ = _grid_lines()
    tr = pyproj.Transformer.from_crs(4326, 4547, always_xy=True)
    shp = tmp_path / "gk.shp"
    with pytest.warns(UserWarning, match="crs"):
        gpd.GeoDataFrame(geometry=[LineString(np.column_stack(tr.transform(*_ll(c).T))) for c in lines]).to_file(shp)
    db = tmp_path / "w.duckdb"
    r = CliRunner().invoke(app, ["import", "network", str(shp), "--db", str(db), "--lang", "en"])
    assert r.exit_code == 2, r.output
    assert "gk.shp" in r.output and "Traceback" not in r.output
    r = CliRunner().invoke(app, ["import", "network", str(shp), "--db", str(db), "--crs", "EPSG:4547", "--json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout.strip().splitlines()[-1])["edges"] == 12


def test_geopackage_with_a_points_layer_first_reads_the_lines_layer(tmp_path):
    """A GIS office's GeoPackage often holds several layers; the street lines are used."""
    lines, total = _grid_lines()
    p = tmp_path / "城区.gpkg"
    gpd.GeoDataFrame({"名称": ["供电所"]}, geometry=[Point(*_ll([[0, 0]])[0])], crs="EPSG:4326").to_file(
        p, layer="poi")
    gpd.GeoDataFrame(geometry=[LineString(_ll(c)) for c in lines], crs="EPSG:4326").to_file(p, layer="roads")
    import pyogrio

    assert [str(n) for n, _ in pyogrio.list_layers(p)][0] == "poi"
    c = graph.build_network(street_files.read_lines(p)).counts
    assert c["edges"] == 12 and c["length_km"] == pytest.approx(total / 1000, abs=0.002)


def test_pbf_rules_see_tags_pyrosm_leaves_in_json(monkeypatch, tmp_path):
    """pyrosm puts ``area`` / ``sidewalk`` in a JSON ``tags`` column: the rules still see them."""
    import pyrosm

    rows = [  # highway, foot, JSON tags, kept?
        ("trunk", None, '{"sidewalk":"both","lit":"yes"}', True),
        ("trunk", None, '{"lit":"yes"}', False),
        ("trunk", None, '{"sidewalk:left":"yes"}', True),
        ("pedestrian", None, '{"area":"yes"}', False),
        ("footway", None, None, True),
        ("residential", "no", '{"sidewalk":"both"}', False),
        ("steps", None, '{"name":"台阶 \\"area\\""}', True),
    ]
    geoms = [LineString(_ll([[0, 100 * i], [100, 100 * i]])) for i in range(len(rows))]
    frame = gpd.GeoDataFrame({"highway": [r[0] for r in rows], "foot": [r[1] for r in rows],
                              "tags": [r[2] for r in rows]}, geometry=geoms, crs="EPSG:4326")

    class FakeOSM:
        def __init__(self, path):
            pass

        def get_network(self, network_type):
            return frame

    monkeypatch.setattr(pyrosm, "OSM", FakeOSM)
    p = tmp_path / "fake.osm.pbf"
    p.write_bytes(b"")
    got = street_files.read_lines(p)
    want = [i for i, r in enumerate(rows) if r[3]]
    assert len(got) == len(want) and got.n_dropped == len(rows) - len(want)
    for k, i in enumerate(want):
        np.testing.assert_array_equal(got.coords[got.offsets[k]:got.offsets[k + 1]], np.asarray(geoms[i].coords))
    assert list(got.highway) == [rows[i][0] for i in want]


def test_wkb_written_from_coordinates_is_shapelys(town):
    """The edges' WKB, written straight from the coordinates, is byte for byte shapely's
    and parses back to the same vertices (3-D input included: stored 2-D)."""
    rng = np.random.default_rng(3)
    npts = rng.integers(2, 12, 500)
    c = rng.normal(size=(int(npts.sum()), 2)) * 1000 + [104.0, 30.0]
    got = wkb.linestring_wkb(c, npts)
    want = shapely.to_wkb(shapely.linestrings(c, indices=np.repeat(np.arange(500), npts)))
    assert [bytes(g) for g in got] == [bytes(w) for w in want]
    t = graph.build_network(street_files.read_lines(town.osm))
    back = shapely.get_coordinates(shapely.from_wkb(t.edges["geometry_wkb"].to_numpy()))
    assert len(back) > 2 * len(t.edges) - 1
    assert wkb.linestring_wkb(np.empty((0, 2)), np.empty(0, np.int64)).shape == (0,)


def test_wrong_declared_crs_is_refused_with_the_row(tmp_path):
    """Metres in a file that declares WGS-84 (a wrong .prj): refused, naming file and row."""
    lines, _ = _grid_lines()
    tr = pyproj.Transformer.from_crs(4326, 4547, always_xy=True)
    geoms = [LineString(_ll(c)) for c in lines[:3]] + [
        LineString(np.column_stack(tr.transform(*_ll(lines[3]).T)))]
    p = tmp_path / "wrong_prj.gpkg"
    gpd.GeoDataFrame(geometry=geoms, crs="EPSG:4326").to_file(p)
    with pytest.raises(ImportRefused, match=r"wrong_prj\.gpkg: row 4's coordinates \(\d{6}.*EPSG:4326"):
        street_files.read_lines(p)


def test_line_file_t_junctions_and_small_gaps_are_joined(tmp_path):
    """A GIS centreline layer not noded at junctions: a side street ending on the main
    street's interior (no vertex there), one stopping 0.3 m short, two ends 0.2 m apart;
    a street crossing another without a vertex (maybe a bridge) stays unjoined."""
    rows = [
        [[0, 0], [200, 0]],                 # main street, no vertex at x = 100 or 150
        [[100, 0], [100, 100]],             # T on the interior
        [[150, -0.3], [150, -100]],         # T, 0.3 m short
        [[200.2, 0], [300, 0]],             # continues main street after a 0.2 m gap
        [[300, 0.1], [300, 80]],            # 0.1 m from the previous line's end vertex
        [[50, -50], [50, 50], [50, 200]],   # crosses main street: no join (a bridge?)
        [[0, 200], [50, 200]],              # keeps the crossing line in the network
        [[0, 0], [0, 200]],
    ]
    p = tmp_path / "unnoded.gpkg"
    gpd.GeoDataFrame(geometry=[LineString(_ll(r)) for r in rows], crs="EPSG:4326").to_file(p)
    t = graph.build_network(street_files.read_lines(p))
    c = t.counts
    assert c["ends_snapped"] == 4 and c["islands"] == 0
    # nodes: (0,0) (100,0) (150,0) (200,0) (100,100) (150,-100) (300,0) (300,80)
    #        (50,-50) (50,200) (0,200)
    assert c["nodes"] == 11
    # edges: main 0-100-150-200 (3), two side streets (2), 200-300 (1), 300-380 (1),
    #        crossing line 2 pieces, 0,200-50,200 (1), 0,0-0,200 (1)
    assert c["edges"] == 10
    want = 200 + 100 + 100 + 100 + 80 + 250 + 50 + 200
    assert c["length_km"] == pytest.approx(want / 1000, abs=0.002)
    # the crossing at (50, 0) is not a node
    xy = np.column_stack(projection.to_xy(PROJ0, t.nodes["lon"], t.nodes["lat"]))
    assert np.hypot(*(xy - [50, 0]).T).min() > 40
    # OSM input keeps OSM's rule: no snapping
    assert street_files.read_lines(Path(__file__).parent / "data" / "town.osm").snap is None


def test_a_network_in_one_piece_is_left_as_drawn(tmp_path):
    """A side street touching the main street's interior but already joined to it
    elsewhere is not joined again (only separate parts are joined)."""
    rows = [
        [[0, 0], [200, 0]],
        [[100, 0], [100, 100], [0, 100], [0, 0]],   # starts on main's interior, ends at its vertex
    ]
    p = tmp_path / "one_piece.gpkg"
    gpd.GeoDataFrame(geometry=[LineString(_ll(r)) for r in rows], crs="EPSG:4326").to_file(p)
    c = graph.build_network(street_files.read_lines(p)).counts
    assert c["ends_snapped"] == 0 and c["nodes"] == 3 and c["edges"] == 2
