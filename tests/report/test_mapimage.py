"""The Pillow map: colours where the geometry is, rooms on top, right size."""

from __future__ import annotations

import io

import pandas as pd
from PIL import Image

from dashboard.report.mapimage import COVERED, ROOM, UNCOVERED, _Projector, draw_coverage_map


def _near(px, rgb, tol=60):
    return all(abs(a - b) <= tol for a, b in zip(px[:3], rgb))


def test_colours_at_the_right_places(map_frames):
    communities, rooms, streets = map_frames
    png = draw_coverage_map(communities, rooms, streets, size=(600, 450), supersample=1)
    img = Image.open(io.BytesIO(png)).convert("RGB")
    assert img.size == (600, 450)
    # same projection the function used (all lon/lat incl. polygon bounds)
    lons = list(communities["lon"]) + list(rooms["lon"]) + [116.400, 116.404, 116.410, 116.414]
    lats = list(communities["lat"]) + list(rooms["lat"]) + [39.900, 39.904, 39.900, 39.904]
    import numpy as np
    proj = _Projector(np.array(lons), np.array(lats), (600, 450), 30)
    (x1, y1), = proj([116.4035], [39.9035])  # inside c1 (covered), away from the room
    (x2, y2), = proj([116.412], [39.902])    # centre of c2 (not covered)
    (xr, yr), = proj([116.402], [39.902])    # the room
    (x3, y3), = proj([116.420], [39.912])    # c3 has no polygon: a covered dot
    px = img.load()
    # translucent fill: green / red tint over white
    r, g, b = px[int(x1), int(y1)]
    assert g > r and g > b, (r, g, b)
    r, g, b = px[int(x2), int(y2)]
    assert r > g and r > b, (r, g, b)
    assert _near(px[int(xr), int(yr)], ROOM)
    assert _near(px[int(x3), int(y3)], COVERED, tol=80)
    # a corner far from everything stays white
    assert px[2, 2] == (255, 255, 255)


def test_empty_inputs_give_a_blank_png():
    empty = pd.DataFrame({"lon": [], "lat": [], "covered": []})
    png = draw_coverage_map(empty, pd.DataFrame({"lon": [], "lat": []}), size=(100, 80))
    img = Image.open(io.BytesIO(png))
    assert img.size == (100, 80)


def test_points_only_without_geometry_column():
    c = pd.DataFrame({"lon": [116.0, 116.01], "lat": [39.0, 39.01], "covered": [True, False],
                      "households": [100, 100]})
    png = draw_coverage_map(c, pd.DataFrame({"lon": [116.0], "lat": [39.0]}), size=(200, 200))
    colours = set(Image.open(io.BytesIO(png)).convert("RGB").getdata())
    assert any(_near(c, UNCOVERED, 40) for c in colours)
