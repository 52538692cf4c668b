"""Walking areas and gaps exported as GeoJSON, KML and Shapefile, read back independently.

Expected rows come from the coverage answer's community table in plain pandas; the files
are read back with json, ElementTree (KML) and pyogrio (Shapefile), not with the module
that wrote them; the walking area's shape is compared with
:func:`dashboard.coverage.areas.walking_area` by area.
"""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
import zipfile

import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely

from dashboard.coverage import areas, graph, inputs, street_files
from dashboard.coverage import engine as E
from dashboard.coverage import exports as X
from dashboard.coverage import network as N

KML = "{http://www.opengis.net/kml/2.2}"


@pytest.fixture(scope="module")
def town_answer(town):
    t = graph.build_network(street_files.read_lines(town.osm))
    net = N.network_from_tables(t.nodes, t.edges, {"proj": t.proj})
    data = inputs.data_from_frames(net, town.communities(), town.rooms(), town.buildings(), town.halls())
    # a what-if room on the compound footway reaches building B1 (60 m) but not B2 (250 m)
    # within 100 m: community C08 is then partly covered (200 of its 500 households left)
    lon, lat = town.ll(400, 300)
    add = pd.DataFrame({"room_id": ["X"], "name": ["X"], "lon": [float(lon[0])], "lat": [float(lat[0])]})
    return data, E.compute(data, minutes=100 / 60, add=add)


def _expected_gaps(result) -> pd.DataFrame:
    c = result.communities
    g = c[c["households_uncovered"] > 0]
    return g.set_index("community_id")[["households_uncovered", "name"]].sort_index()


def test_gaps_and_area_in_geojson(town_answer):
    data, result = town_answer
    exp = _expected_gaps(result)
    partly = result.communities.set_index("community_id").loc["C08"]
    assert (partly["households"], partly["households_uncovered"]) == (500, 200)  # the case that matters
    gj = json.loads(X.export_bytes(data, result, "geojson"))
    gaps = [f for f in gj["features"] if f["properties"]["layer"] == "gaps"]
    got = {f["properties"]["comm_id"]: f["properties"]["hh_uncov"] for f in gaps}
    assert got == {k: float(v) for k, v in exp["households_uncovered"].items()}
    area = [f for f in gj["features"] if f["properties"]["layer"] == "walking_area"]
    assert len(area) == 1 and area[0]["properties"]["limit_m"] == pytest.approx(result.limit_m)
    ref = areas.walking_area(data, result)
    assert shapely.geometry.shape(area[0]["geometry"]).area == pytest.approx(ref.area, rel=1e-9)
    # community polygons where the warehouse has them (the town's communities all do)
    assert {f["geometry"]["type"] for f in gaps} == {"Polygon"}


def test_kml_folders_names_and_coordinates(town_answer):
    data, result = town_answer
    root = ET.fromstring(X.export_bytes(data, result, "kml"))
    folders = {f.find(f"{KML}name").text: f for f in root.iter(f"{KML}Folder")}
    assert set(folders) == {"walking_area", "gaps"}
    marks = folders["gaps"].findall(f"{KML}Placemark")
    exp = _expected_gaps(result)
    assert sorted(m.find(f"{KML}name").text for m in marks) == sorted(exp["name"])
    for m in marks:
        data_items = {d.get("name"): d.find(f"{KML}value").text for d in m.iter(f"{KML}Data")}
        assert float(data_items["hh_uncov"]) == float(exp.loc[data_items["comm_id"], "households_uncovered"])
        ring = m.find(f".//{KML}outerBoundaryIs/{KML}LinearRing/{KML}coordinates").text.split()
        lon, lat = map(float, ring[0].split(","))
        assert 73 < lon < 136 and 3 < lat < 54  # lon,lat order


def test_kml_escapes_names():
    import geopandas as gpd

    lays = {"walking_area": gpd.GeoDataFrame({"minutes": []}, geometry=[], crs="EPSG:4326"),
            "gaps": gpd.GeoDataFrame({"comm_id": ["C<1>"], "name": ["A & B <社区>"]},
                                     geometry=[shapely.Point(104.0, 30.0)], crs="EPSG:4326")}
    root = ET.fromstring(X.to_kml(lays, title="<x>"))
    assert [p.find(f"{KML}name").text for p in root.iter(f"{KML}Placemark")] == ["A & B <社区>"]


def test_shapefile_zip_reads_back(town_answer, tmp_path):
    data, result = town_answer
    blob = X.export_bytes(data, result, "shp")
    with zipfile.ZipFile(io.BytesIO(blob)) as zf:
        names = set(zf.namelist())
        zf.extractall(tmp_path)
    assert {"walking_area.shp", "walking_area.cpg", "walking_area.prj", "gaps_polygons.shp"} <= names
    assert (tmp_path / "gaps_polygons.cpg").read_text().strip().upper() in ("UTF-8", "UTF8")
    gaps = pyogrio.read_dataframe(tmp_path / "gaps_polygons.shp")
    exp = _expected_gaps(result)
    assert dict(zip(gaps["comm_id"], gaps["hh_uncov"])) == {k: float(v) for k, v in exp["households_uncovered"].items()}
    assert sorted(gaps["name"]) == sorted(exp["name"])  # Chinese names survive
    area = pyogrio.read_dataframe(tmp_path / "walking_area.shp")
    assert len(area) == 1 and area.crs.to_epsg() == 4326


def test_nothing_open_gives_an_empty_area_and_every_community_as_a_gap(town_answer):
    data, _ = town_answer
    result = E.compute(data, open_room_ids=[])
    lays = X.layers(data, result)
    assert lays["walking_area"].empty
    assert sorted(lays["gaps"]["comm_id"]) == sorted(
        result.communities.loc[result.communities["households"] > 0, "community_id"])
    assert np.isnan(lays["gaps"]["walk_m"]).all()


def test_unknown_format_is_refused(town_answer):
    data, result = town_answer
    with pytest.raises(ValueError, match="unknown export format 'dxf'"):
        X.export_bytes(data, result, "dxf")


def test_cli_export_writes_the_format_of_the_suffix(town_db, tmp_path):
    from typer.testing import CliRunner

    from dashboard.cli import app

    out = tmp_path / "gaps.kml"
    res = CliRunner().invoke(app, ["coverage", "--db", str(town_db), "--export", str(out), "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["minutes"] == 5  # the JSON answer is unchanged
    folders = {f.find(f"{KML}name").text: f for f in ET.fromstring(out.read_bytes()).iter(f"{KML}Folder")}
    names = [p.find(f"{KML}name").text for p in folders["gaps"].iter(f"{KML}Placemark")]
    uncovered = [c for c in json.loads(res.stdout)["communities"] if not c["covered"]]
    assert len(names) == len(uncovered)
    bad = CliRunner().invoke(app, ["coverage", "--db", str(town_db), "--export", str(tmp_path / "x.dxf")])
    assert bad.exit_code == 2 and "x.dxf" in bad.stderr and not (tmp_path / "x.dxf").exists()
