"""Recognising a file's table from its headers (dashboard/ingest/recognise.py): every
export shape of shared/spec/exports.md, and clear refusals of unknown or ambiguous files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dashboard.ingest.aliases import TABLES
from dashboard.ingest.recognise import NotRecognised, recognise_file, recognise_headers
from tests.tiny_demo import build_tiny

from .ingest_helpers import write_text

# the tiny demo's exports: the file shapes the demo writes (Chinese headers, GBK CSV,
# XLSX, GeoJSON), one per table
DEMO_FILES = {
    "communities": "社区信息.geojson",
    "business_halls": "营业厅信息.xlsx",
    "service_rooms": "服务室台账.csv",
    "buildings": "小区出入口及楼栋.csv",
    "customers": "营销系统客户档案.csv",
    "staff": "客户经理台账.csv",
    "counter_tickets": "排队叫号明细_2024.csv",
    "hotline_orders": "95598工单明细.csv",
    "room_visits": "服务室服务台账.csv",
}


@pytest.fixture(scope="module")
def demo_raw(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("recognise")
    build_tiny(root)
    return root / "demo" / "raw"


def test_every_demo_export_is_recognised(demo_raw):
    assert sorted(p.name for p in demo_raw.iterdir()) == sorted(DEMO_FILES.values())
    for table, name in DEMO_FILES.items():
        assert recognise_file(demo_raw / name).table == table, name


def _headers(spec, pick) -> list[str]:
    return [pick(f) for f in spec.fields if f.kind not in ("drop", "address") and f.aliases]


@pytest.mark.parametrize("shape", ["first_alias", "last_alias", "field_names"])
@pytest.mark.parametrize("table", sorted(TABLES))
def test_every_table_from_every_header_set(table, shape):
    """Each table's Chinese headers (first aliases), its English / system headers (last
    aliases: ``CUST_NO``, ``arrival_minutes`` ...) and its canonical field names."""
    pick = {"first_alias": lambda f: f.aliases[0], "last_alias": lambda f: f.aliases[-1],
            "field_names": lambda f: f.name}[shape]
    assert recognise_headers(_headers(TABLES[table], pick), file_name="x.csv").table == table


@pytest.mark.parametrize("headers, table", [
    # the field notes: a fault-order export with durations instead of times
    (["工单编号", "受理时间", "工单类型", "所属社区", "到达现场时长(分钟)", "故障修复时长(分钟)", "回访满意度"], "hotline_orders"),
    # a customer archive keyed by the marketing system's CUST_NO
    (["CUST_NO", "社区编码", "台区编号", "用户类别"], "customers"),
    # the smallest ticket export the importer takes
    (["营业厅编号", "排队号", "取号时间"], "counter_tickets"),
    # a hall list with personal columns besides (not counted)
    (["营业厅编号", "营业厅名称", "联系电话", "地址"], "business_halls"),
])
def test_field_note_shapes(headers, table):
    assert recognise_headers(headers, file_name="x.csv").table == table


def test_title_rows_above_the_header_are_skipped(demo_raw, tmp_path):
    src = (demo_raw / DEMO_FILES["staff"]).read_text(encoding="utf-8-sig")
    path = write_text(tmp_path / "export.csv", "2024年3月客户经理台账\n导出时间：2024-04-01\n" + src)
    assert recognise_file(path).table == "staff"


def test_unknown_headers_name_the_file():
    with pytest.raises(NotRecognised, match="weather.csv.*no table has all its required columns") as exc:
        recognise_headers(["日期", "气温", "降水量"], file_name="weather.csv")
    assert exc.value.key == "refresh.unknown"
    assert exc.value.params["file"] == "weather.csv"


def test_ambiguous_headers_name_the_file_and_the_tables():
    # fits a room list (编号, 所在社区, 启用日期, 服务时间 = open hours) and a visit ledger
    # (流水号, 编号, 服务时间 = visit time, 所属社区) with four fields each
    headers = ["流水号", "服务室编号", "服务时间", "所在社区", "启用日期", "所属社区"]
    with pytest.raises(NotRecognised, match="mixed.csv.*service_rooms and room_visits") as exc:
        recognise_headers(headers, file_name="mixed.csv")
    assert exc.value.key == "refresh.ambiguous"


def test_a_street_network_file_is_not_taken_for_a_table(demo_raw):
    network = demo_raw.parent / "network.gpkg"
    with pytest.raises(NotRecognised, match="network.gpkg"):
        recognise_file(network)


def test_unreadable_file_names_the_file(tmp_path):
    bad = tmp_path / "broken.xlsx"
    bad.write_bytes(b"not a workbook")
    with pytest.raises(NotRecognised, match="broken.xlsx") as exc:
        recognise_file(bad)
    assert exc.value.key == "refresh.unreadable"
