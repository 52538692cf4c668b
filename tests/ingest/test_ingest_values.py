"""Value parsers (times, open days, booleans), coordinate conversion and keyed hashing."""

from __future__ import annotations

import datetime as dt

import duckdb
import numpy as np
import pytest

from dashboard import privacy
from dashboard.ingest import coords, values
from dashboard.ingest.importer import hash_unique

T = dt.datetime


@pytest.mark.parametrize("text, expect", [
    ("2024-03-05 09:12:33", T(2024, 3, 5, 9, 12, 33)),
    ("2024/3/5 9:12", T(2024, 3, 5, 9, 12)),
    ("2024-03-05T09:12:33", T(2024, 3, 5, 9, 12, 33)),
    ("20240305091233", T(2024, 3, 5, 9, 12, 33)),
    ("2024-03-05", T(2024, 3, 5)),
    ("2024/3/5", T(2024, 3, 5)),
    ("2024年3月5日", T(2024, 3, 5)),
    ("2024年3月5日 9:12", T(2024, 3, 5, 9, 12)),
    ("2024-03-05 09:12:33.250", T(2024, 3, 5, 9, 12, 33, 250000)),
    ("45356.5", T(2024, 3, 5, 12, 0)),       # Excel serial: 2024-03-05 noon
    ("45356", T(2024, 3, 5)),
    # 12-hour times with 上午 / 下午 (Excel on Chinese Windows)
    ("2024/3/5 下午 2:15:00", T(2024, 3, 5, 14, 15)),
    ("2024/3/5 上午 9:15", T(2024, 3, 5, 9, 15)),
    ("2024/3/5 上午 12:05", T(2024, 3, 5, 0, 5)),     # 12 a.m. is midnight
    ("2024/3/5 下午 12:05", T(2024, 3, 5, 12, 5)),    # 12 p.m. is noon
    ("2024年3月5日 下午 2:15", T(2024, 3, 5, 14, 15)),
    # ISO times with a UTC offset become China time (UTC+8)
    ("2024-03-05T09:12:33+08:00", T(2024, 3, 5, 9, 12, 33)),
    ("2024-03-05T01:12:33Z", T(2024, 3, 5, 9, 12, 33)),
    ("2024-03-04T20:12:33-05:00", T(2024, 3, 5, 9, 12, 33)),
    ("2024-03-05 01:12:33 +0000", T(2024, 3, 5, 9, 12, 33)),
    ("2024-03-05T01:12:33.500Z", T(2024, 3, 5, 9, 12, 33, 500000)),
    ("2024-03-05 09:12:33-", None),
    ("2024-13-05", None),
    ("昨天", None),
    ("12", None),
])
def test_time_forms(text, expect):
    got = duckdb.execute(f"select {values.time_sql('x')} from (select cast($x as varchar) as x)", {"x": text}).fetchone()[0]
    assert got == expect


@pytest.mark.parametrize("text, expect", [
    ("周二", ["tue"]),
    ("星期六、星期日", ["sat", "sun"]),
    ("Tue", ["tue"]),
    ("Sat,Sun", ["sat", "sun"]),
    ("周一至周五", ["mon", "tue", "wed", "thu", "fri"]),
    ("Mon-Wed", ["mon", "tue", "wed"]),
    ("周末", ["sat", "sun"]),
    ("每天", ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]),
    ("周二四", ["tue", "thu"]),
    ("周日; 周一", ["mon", "sun"]),
    ("有空就开", None),
    ("", None),
])
def test_open_days(text, expect):
    assert values.parse_open_days(text) == expect


@pytest.mark.parametrize("text, expect", [("是", True), ("Y", True), ("1", True), ("否", False), ("false", False), ("也许", None)])
def test_booleans(text, expect):
    assert duckdb.execute(f"select {values.bool_sql('x')} from (select cast($x as varchar) as x)", {"x": text}).fetchone()[0] is expect


def test_numbers():
    got = duckdb.execute(
        f"select {values.int_sql('x')} from (select unnest(['1,234', '12.0', '12.5', '-3', 'x']) as x)"
    ).fetchall()
    assert [g[0] for g in got] == [1234, 12, None, -3, None]


def _metres(lon1, lat1, lon2, lat2):
    """Haversine distance in metres (independent of the conversion code)."""
    r = 6371008.8
    p1, p2 = np.radians(lat1), np.radians(lat2)
    a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(np.radians(lon2 - lon1) / 2) ** 2
    return 2 * r * np.arcsin(np.sqrt(a))


@pytest.fixture
def china_grid():
    rng = np.random.default_rng(7)
    return rng.uniform(75, 134, 2000), rng.uniform(18, 53, 2000)


def test_gcj02_round_trip_under_2m(china_grid):
    lon, lat = china_grid
    glon, glat = coords.wgs84_to_gcj02(lon, lat)
    shift = _metres(lon, lat, glon, glat)
    assert shift.min() > 10 and shift.max() < 1500  # the obfuscation really moves points
    wlon, wlat = coords.gcj02_to_wgs84(glon, glat)
    assert _metres(lon, lat, wlon, wlat).max() < 2.0


def test_bd09_round_trip_under_2m(china_grid):
    lon, lat = china_grid
    blon, blat = coords.gcj02_to_bd09(*coords.wgs84_to_gcj02(lon, lat))
    wlon, wlat = coords.to_wgs84(blon, blat, "bd09")
    assert _metres(lon, lat, wlon, wlat).max() < 2.0


def test_known_beijing_offset():
    """Tiananmen: the published GCJ-02 offset near Beijing is a few hundred metres to the SE."""
    glon, glat = coords.wgs84_to_gcj02(116.391, 39.907)
    assert 0.005 < glon - 116.391 < 0.008 and 0.0005 < glat - 39.907 < 0.002


def test_unknown_crs():
    with pytest.raises(ValueError, match="gcj02"):
        coords.to_wgs84(1.0, 2.0, "utm50")


def test_hash_unique_equals_privacy(tmp_path):
    vals = ["1234567890", "张三", "E001", "x" * 100]
    assert hash_unique(vals) == [privacy.hash_value(v) for v in vals]
