"""Points picked on Amap / Baidu maps but imported as WGS-84 are pointed out (never changed)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shapely
from .ingest_helpers import rows, write_text

from dashboard.ingest import coords, import_files
from dashboard.ingest.crs_hint import crs_hint

# six 300 m x 300 m communities in Tangshan, WGS-84
_LON0, _LAT0 = 118.18, 39.63
_DLON, _DLAT = 300 / (111_320 * np.cos(np.radians(_LAT0))), 300 / 110_540


def _communities(polygons: bool = True) -> pd.DataFrame:
    out = []
    for i in range(6):
        x0, y0 = _LON0 + (i % 3) * 1.5 * _DLON, _LAT0 + (i // 3) * 1.5 * _DLAT
        poly = shapely.box(x0, y0, x0 + _DLON, y0 + _DLAT)
        out.append({"community_id": f"K{i}", "lon": x0 + _DLON / 2, "lat": y0 + _DLAT / 2,
                    "geometry_wkb": bytearray(shapely.to_wkb(poly)) if polygons else None})  # DuckDB gives bytearray
    return pd.DataFrame(out)


def _rooms_at_centres(comm: pd.DataFrame, to: str | None) -> pd.DataFrame:
    lon, lat = comm["lon"].to_numpy(), comm["lat"].to_numpy()
    if to == "gcj02":
        lon, lat = coords.wgs84_to_gcj02(lon, lat)
    elif to == "bd09":
        lon, lat = coords.gcj02_to_bd09(*coords.wgs84_to_gcj02(lon, lat))
    return pd.DataFrame({"lon": lon, "lat": lat, "community_id": comm["community_id"]})


@pytest.mark.parametrize("polygons", [True, False])
@pytest.mark.parametrize("source", ["gcj02", "bd09"])
def test_points_from_chinese_map_services_are_spotted(polygons, source):
    comm = _communities(polygons)
    hint = crs_hint(_rooms_at_centres(comm, source), comm)
    assert hint is not None and hint["crs"] == source and hint["n"] == 6
    if polygons:
        assert (hint["test"], hint["given"], hint["converted"]) == ("inside", 0, 6)
    else:
        assert hint["test"] == "distance" and hint["converted"] < 5 < 300 < hint["given"]


@pytest.mark.parametrize("polygons", [True, False])
def test_true_wgs84_points_and_thin_evidence_give_no_hint(polygons):
    comm = _communities(polygons)
    assert crs_hint(_rooms_at_centres(comm, None), comm) is None
    few = _rooms_at_centres(comm, "gcj02").head(4)  # below MIN_POINTS
    assert crs_hint(few, comm) is None


def test_import_says_so_and_stores_as_given(base_db, tmp_path):
    """base_db's communities have points only (C001, C002, V001): the distance test."""
    comm = pd.DataFrame(rows(base_db, "select community_id, lon, lat from communities order by 1"),
                        columns=["community_id", "lon", "lat"])
    ids = ["C001", "C002", "V001", "C001", "C002"]
    base = comm.set_index("community_id").loc[ids]
    lon, lat = coords.wgs84_to_gcj02(base["lon"].to_numpy() + 1e-4, base["lat"].to_numpy())
    lines = ["服务室编号,服务室名称,所在社区,经度,纬度,启用日期"]
    lines += [f"R{i},服务室{i},{c},{x:.6f},{y:.6f},2024-01-01" for i, (c, x, y) in enumerate(zip(ids, lon, lat))]
    path = write_text(tmp_path / "rooms.csv", "\n".join(lines) + "\n")
    r = import_files("rooms", [path], db=base_db)
    assert r.stored == 5 and r.files[0].crs_hint["crs"] == "gcj02"
    note = [n for n in r.notes("en") if "--crs gcj02" in n]
    assert len(note) == 1 and note[0].startswith("rooms.csv: the coordinates look like Amap / Tencent (GCJ-02)")
    stored = rows(base_db, "select lon from service_rooms order by room_id")
    assert [round(v[0], 6) for v in stored] == [round(float(x), 6) for x in lon]  # unchanged
    # imported again with the right system: converted, no hint
    again = import_files("rooms", [path], db=base_db, crs="gcj02")
    assert again.updated == 5 and again.files[0].crs_hint is None
    assert not [n for n in again.notes("en") if "--crs" in n]
