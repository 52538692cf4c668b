"""Each encoding (UTF-8, UTF-8 BOM, GBK, GB18030) and format (XLSX, Parquet, GeoJSON, GPKG, SHP)."""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from .ingest_helpers import TICKETS_CSV, rows, write_text
from shapely.geometry import Point, Polygon

from dashboard.ingest import ImportRefused, import_files
from dashboard.ingest.coords import wgs84_to_gcj02
from dashboard.ingest.readers import detect_encoding

T = dt.datetime


@pytest.mark.parametrize("encoding, expect", [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gbk", "gbk"), ("gb18030", "gbk")])
def test_csv_encodings(base_db, tmp_path, encoding, expect):
    path = write_text(tmp_path / "t.csv", TICKETS_CSV, encoding)
    assert detect_encoding(path) == expect
    r = import_files("tickets", [path], db=base_db)
    assert r.as_dict()["stored"] == 3 and r.files[0].encoding == expect
    assert rows(base_db, "select ticket_id, service_type, outcome from counter_tickets order by 1") == [
        ("T1", "payment", "served"), ("T2", "query", "served"), ("T3", "payment", "no_show")
    ]


def test_gb18030_only_characters(db, tmp_path):
    name = "䶮村𠀀社区"  # not encodable in GBK
    with pytest.raises(UnicodeEncodeError):
        name.encode("gbk")
    path = write_text(tmp_path / "c.csv", f"社区编码,社区名称\nC9,{name}\n", "gb18030")
    assert detect_encoding(path) == "gb18030"
    import_files("communities", [path], db=db)
    assert rows(db, "select name from communities") == [(name,)]


def test_gbk_file_starting_with_plain_digits(db, halls_csv, tmp_path):
    """The first thousands of lines are pure ASCII; Chinese appears only near the end."""
    lines = ["ticket_id,hall_id,issued_at,service_type"]
    lines += [f"{i},H01,20240305{9 + i % 8:02d}0000,payment" for i in range(5000)]
    lines.append("9999,H01,2024年3月6日,交费")
    path = write_text(tmp_path / "digits.csv", "\n".join(lines) + "\n", "gbk")
    assert detect_encoding(path) == "gbk"
    import_files("halls", [halls_csv], db=db)
    r = import_files("tickets", [path], db=db).as_dict()
    assert r["stored"] == 5001 and r["rejected"] == 0
    assert rows(db, "select service_type, issued_at from counter_tickets where ticket_id = '9999'") == [("payment", T(2024, 3, 6))]


def test_semicolon_and_tab_delimiters(base_db, tmp_path):
    path = write_text(tmp_path / "t.tsv", TICKETS_CSV.replace(",", "\t"))
    assert import_files("tickets", [path], db=base_db).as_dict()["stored"] == 3


def _xlsx(path, sheets: dict[str, list[list]]):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, data in sheets.items():
        ws = wb.create_sheet(name)
        for r in data:
            ws.append(r)
    wb.save(path)
    return path


def test_xlsx_excel_serials_dates_and_sheet(base_db, tmp_path):
    head = ["流水号", "营业厅", "排队号", "取号时间", "叫号时间", "户号"]
    serial = 45356 + (9 * 3600 + 12 * 60 + 33) / 86400  # 2024-03-05 09:12:33 as Excel stores it
    first = [head, ["X1", "H01", "A1", serial, T(2024, 3, 5, 9, 20), 1234567890], ["X2", "H02", "A2", "2024/3/5 10:00", "2024-03-05 10:05", None], [None] * 6]
    second = [head, ["Y1", "H01", "B1", T(2024, 3, 6, 8, 0), None, None]]
    path = _xlsx(tmp_path / "t.xlsx", {"一月": first, "二月": second})
    r = import_files("tickets", [path], db=base_db).as_dict()
    assert (r["read"], r["stored"]) == (2, 2)  # the trailing empty row is not a record
    got = rows(base_db, "select ticket_id, issued_at, called_at from counter_tickets order by 1")
    assert got[0] == ("X1", T(2024, 3, 5, 9, 12, 33), T(2024, 3, 5, 9, 20))
    assert got[1] == ("X2", T(2024, 3, 5, 10, 0), T(2024, 3, 5, 10, 5))
    r2 = import_files("tickets", [path], db=base_db, sheet="二月").as_dict()
    assert r2["stored"] == 1
    r3 = import_files("tickets", [path], db=base_db, sheet=1).as_dict()
    assert r3["duplicates"] == 1
    with pytest.raises(ImportRefused, match="三月"):
        import_files("tickets", [path], db=base_db, sheet="三月")


def test_parquet(base_db, tmp_path):
    df = pd.DataFrame({
        "流水号": ["P1", "P2"],
        "营业厅": ["H01", "H02"],
        "取号时间": pd.to_datetime(["2024-03-05 09:00:00", "2024-03-05 09:30:15"]),
        "窗口号": [1, 2],
        "是否预约": [True, False],
    })
    path = tmp_path / "t.parquet"
    df.to_parquet(path)
    r = import_files("tickets", [path], db=base_db).as_dict()
    assert r["stored"] == 2
    assert rows(base_db, "select ticket_id, issued_at, counter_no, is_appointment from counter_tickets order by 1") == [
        ("P1", T(2024, 3, 5, 9), "1", True), ("P2", T(2024, 3, 5, 9, 30, 15), "2", False)
    ]


def test_geojson_community_polygons(db, tmp_path):
    sq = Polygon([(118.78, 32.04), (118.79, 32.04), (118.79, 32.05), (118.78, 32.05)])
    gdf = gpd.GeoDataFrame({"社区编码": ["C1"], "社区名称": ["梅园"], "户数": [100]}, geometry=[sq], crs=4326)
    path = tmp_path / "c.geojson"
    gdf.to_file(path, driver="GeoJSON")
    r = import_files("communities", [path], db=db).as_dict()
    assert r["stored"] == 1
    (lon, lat, wkb), = rows(db, "select lon, lat, geometry_wkb from communities")
    assert lon == pytest.approx(118.785) and lat == pytest.approx(32.045)
    assert shapely.from_wkb(bytes(wkb)).equals_exact(sq, 1e-9)


def test_gpkg_hall_points_in_gcj02(db, tmp_path):
    wlon, wlat = np.array([118.78, 118.70]), np.array([32.04, 32.05])
    glon, glat = wgs84_to_gcj02(wlon, wlat)
    gdf = gpd.GeoDataFrame({"营业厅编号": ["H1", "H2"], "窗口数": [3, 4]}, geometry=[Point(x, y) for x, y in zip(glon, glat)], crs=4326)
    path = tmp_path / "h.gpkg"
    gdf.to_file(path, driver="GPKG")
    import_files("halls", [path], db=db, crs="gcj02")
    got = rows(db, "select hall_id, lon, lat, counters from business_halls order by 1")
    for (hid, lon, lat, n), x, y, c in zip(got, wlon, wlat, (3, 4)):
        assert abs(lon - x) < 1e-7 and abs(lat - y) < 1e-7 and n == c


def test_shapefile_room_points(base_db, tmp_path):
    gdf = gpd.GeoDataFrame(
        {"room_id": ["R1"], "comm": ["C001"], "opened": ["2024-05-01"], "open_days": ["Sat,Sun"]},
        geometry=[Point(118.781, 32.041)], crs=4326,
    )
    path = tmp_path / "rooms.shp"
    gdf.to_file(path)  # shapefile field names have at most 10 bytes: a profile maps them
    profile = {"headers": {"rooms": {"comm": "community_id", "opened": "opened_on"}}}
    import_files("rooms", [path], db=base_db, profile=profile)
    assert rows(base_db, "select room_id, open_days, round(lon, 6), round(lat, 6) from service_rooms") == [
        ("R1", ["sat", "sun"], 118.781, 32.041)
    ]


def test_projected_geometry_reprojected(db, tmp_path):
    gdf = gpd.GeoDataFrame({"营业厅编号": ["H1"]}, geometry=[Point(118.78, 32.04)], crs=4326).to_crs(3857)
    path = tmp_path / "h.geojson"
    gdf.to_file(path, driver="GeoJSON")
    import_files("halls", [path], db=db)
    (lon, lat), = rows(db, "select lon, lat from business_halls")
    assert lon == pytest.approx(118.78, abs=1e-7) and lat == pytest.approx(32.04, abs=1e-7)


def test_unreadable_files_refused(db, tmp_path):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a workbook")
    with pytest.raises(ImportRefused, match="bad.xlsx"):
        import_files("halls", [bad], db=db)
    with pytest.raises(ImportRefused, match="unsupported"):
        import_files("halls", [write_text(tmp_path / "a.doc", "x")], db=db)
    with pytest.raises(ImportRefused, match="not found"):
        import_files("halls", [tmp_path / "missing.csv"], db=db)
    assert not db.exists() or rows(db, "select count(*) from imports") == [(0,)]
