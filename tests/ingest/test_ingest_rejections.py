"""Every rejection reason, with the field named and the row number right; nothing dropped."""

from __future__ import annotations

import json

import pytest
from .ingest_helpers import identity, rows, write_text

from dashboard.ingest import REASONS, import_files

ROOMS_HEAD = "服务室编号,服务室名称,所在社区,服务社区,经度,纬度,启用日期,停用日期,开放日,客户经理人数\n"
ROOM_OK = "R01,梅园服务室,C001,C002,118.781,32.041,2024-03-05,,周六,2\n"
TICKET_HEAD = "流水号,营业厅,排队号,业务类型,取号时间,叫号时间,开始办理时间,结束办理时间,办理结果,是否预约,所属社区\n"
TICKET_OK = "T1,H01,A1,交费,2024-03-05 09:00,2024-03-05 09:05,2024-03-05 09:06,2024-03-05 09:10,正常,否,C001\n"
FAULT_HEAD = "工单编号,受理时间,业务类型,所属社区,到达现场时长(分钟),故障修复时长(分钟)\n"
FAULT_OK = "O1,2024-03-05 09:00,故障报修,C001,30,90\n"

# (reason, table, header, bad row, expected field, expected detail)
CASES = [
    ("key_missing", "tickets", TICKET_HEAD, ",H01,,交费,2024-03-05 09:00,,,,正常,否,C001\n", "ticket_id", None),
    ("value_missing", "tickets", TICKET_HEAD, "T2,H01,A2,交费,,,,,正常,否,C001\n", "issued_at", None),
    ("time_unparseable", "tickets", TICKET_HEAD, "T2,H01,A2,交费,昨天上午,,,,正常,否,C001\n", "issued_at", "昨天上午"),
    ("boolean_unparseable", "tickets", TICKET_HEAD, "T2,H01,A2,交费,2024-03-05 09:00,,,,正常,也许,C001\n", "is_appointment", "也许"),
    ("unknown_category", "tickets", TICKET_HEAD, "T2,H01,A2,开发票,2024-03-05 09:00,,,,正常,否,C001\n", "service_type", "开发票"),
    ("called_before_issued", "tickets", TICKET_HEAD, "T2,H01,A2,交费,2024-03-05 09:00,2024-03-05 08:59,,,正常,否,C001\n", "called_at", "2024-03-05 08:59:00 < 2024-03-05 09:00:00"),
    ("finished_before_started", "tickets", TICKET_HEAD, "T2,H01,A2,交费,2024-03-05 09:00,2024-03-05 09:01,2024-03-05 09:20,2024-03-05 09:10,正常,否,C001\n", "finished_at", "2024-03-05 09:10:00 < 2024-03-05 09:20:00"),
    ("unknown_hall", "tickets", TICKET_HEAD, "T2,H77,A2,交费,2024-03-05 09:00,,,,正常,否,C001\n", "hall_id", "H77"),
    ("unknown_community", "tickets", TICKET_HEAD, "T2,H01,A2,交费,2024-03-05 09:00,,,,正常,否,C404\n", "community_id", "C404"),
    ("date_unparseable", "rooms", ROOMS_HEAD, "R02,x,C001,,118.78,32.04,下个月,,周六,1\n", "opened_on", "下个月"),
    ("number_unparseable", "rooms", ROOMS_HEAD, "R02,x,C001,,118.78,32.04,2024-03-05,,周六,两个\n", "managers", "两个"),
    ("negative_count", "rooms", ROOMS_HEAD, "R02,x,C001,,118.78,32.04,2024-03-05,,周六,-1\n", "managers", "-1"),
    ("open_days_unparseable", "rooms", ROOMS_HEAD, "R02,x,C001,,118.78,32.04,2024-03-05,,看情况,1\n", "open_days", "看情况"),
    ("coords_outside_china", "rooms", ROOMS_HEAD, "R02,x,C001,,32.04,118.78,2024-03-05,,周六,1\n", "lon", "32.04,118.78"),
    ("unknown_room", "visits", "台账编号,服务室编号,办理时间\n", "V2,R99,2024-03-05 10:00\n", "room_id", "R99"),
    ("summary_row", "tickets", TICKET_HEAD, "合计,,,,,,,,,,\n", None, "合计"),
    ("negative_duration", "hotline", FAULT_HEAD, "O2,2024-03-05 10:00,故障报修,C001,-5,90\n", "arrival_min", "-5"),
    ("duration_too_long", "hotline", FAULT_HEAD, "O2,2024-03-05 10:00,故障报修,C001,30,14400\n", "repair_min", "14400"),
    ("repair_without_arrival", "hotline", FAULT_HEAD, "O2,2024-03-05 10:00,故障报修,C001,,90\n", "repair_min", "90"),
]


@pytest.fixture
def with_room(base_db, tmp_path):
    import_files("rooms", [write_text(tmp_path / "r0.csv", ROOMS_HEAD + ROOM_OK)], db=base_db)
    return base_db


def test_every_reason_has_a_case():
    assert {c[0] for c in CASES} == set(REASONS)


@pytest.mark.parametrize("reason, table, head, bad, field, detail", CASES, ids=[c[0] for c in CASES])
def test_reason(with_room, tmp_path, reason, table, head, bad, field, detail):
    ok = {"tickets": TICKET_OK, "rooms": ROOM_OK, "visits": "V1,R01,2024-03-05 10:00\n", "hotline": FAULT_OK}[table]
    path = write_text(tmp_path / f"{reason}.csv", head + ok + bad)
    r = import_files(table, [path], db=with_room).as_dict()
    assert r["rejected"] == 1 and r["reasons"] == {reason: 1}
    assert identity(r)
    got = rows(with_room, "select file_name, row_number, field, reason, detail, values_json from rejects where file_name = $f", {"f": path.name})
    assert len(got) == 1
    fname, row_no, gfield, greason, gdetail, values = got[0]
    # row numbers are the file's lines as a spreadsheet shows them: header 1, good row 2, bad row 3
    assert (fname, row_no, gfield, greason, gdetail) == (path.name, 3, field, reason, detail)
    if reason == "summary_row":
        assert values is None  # a note row may name a person: its cells are not kept
    else:
        assert isinstance(json.loads(values), dict)


def test_room_served_ids_unknown_and_always_own_community(with_room, tmp_path):
    text = ROOMS_HEAD + "R03,x,C002,C001、C404;C009,118.78,32.04,2024-03-05,,周六,1\nR04,x,C002,,118.78,32.04,2024-03-05,,周六,1\n"
    r = import_files("rooms", [write_text(tmp_path / "r.csv", text)], db=with_room).as_dict()
    assert r["reasons"] == {"unknown_community": 1}
    assert rows(with_room, "select detail from rejects where field = 'served_community_ids'") == [("C404;C009",)]
    assert rows(with_room, "select served_community_ids from service_rooms where room_id = 'R04'") == [(["C002"],)]
    assert rows(with_room, "select served_community_ids from service_rooms where room_id = 'R01'") == [(["C001", "C002"],)]


def test_row_numbers_across_row_groups(base_db, tmp_path):
    """Row numbers stay right in a file larger than one DuckDB row group (122,880 rows)."""
    n = 150_000
    bad_rows = {3, 122_881, 149_999}
    lines = ["流水号,营业厅,取号时间"]
    for i in range(1, n + 1):
        lines.append(f"T{i},{'H99' if i in bad_rows else 'H01'},2024-03-05 09:00")
    r = import_files("tickets", [write_text(tmp_path / "big.csv", "\n".join(lines) + "\n")], db=base_db).as_dict()
    assert r["rejected"] == 3 and r["stored"] == n - 3
    got = rows(base_db, "select row_number, json_extract_string(values_json, '$.ticket_id') from rejects order by 1")
    assert got == [(i + 1, f"T{i}") for i in sorted(bad_rows)]  # data row i is on line i + 1


def test_every_reason_is_translated():
    from dashboard.i18n import CATALOGUE

    for reason in REASONS:
        entry = CATALOGUE[f"data.reason.{reason}"]
        assert entry["zh"] and entry["en"] and entry["zh"] != entry["en"]
