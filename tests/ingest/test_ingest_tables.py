"""Rooms, visits, staff, hotline orders and buildings: values as the spec defines them."""

from __future__ import annotations

import datetime as dt

from .ingest_helpers import all_text, rows, write_text

from dashboard import privacy
from dashboard.ingest import import_files

ROOMS = (
    "服务室编号,服务室名称,所在社区,服务社区,经度,纬度,启用日期,停用日期,开放日,开放时间,客户经理人数\n"
    "R01,梅园服务室,C001,C002、C001,118.781,32.041,2024年3月5日,,星期六、星期日,09:00-16:00,2\n"
    "R02,王庄服务室,V001,,118.65,32.10,2024/6/1,2025-01-31,周一至周五,09:00-16:00,1\n"
)


def test_rooms(base_db, tmp_path):
    r = import_files("rooms", [write_text(tmp_path / "r.csv", ROOMS)], db=base_db).as_dict()
    assert r["stored"] == 2
    assert rows(base_db, "select room_id, community_id, served_community_ids, opened_on, closed_on, open_days, open_hours, managers from service_rooms order by 1") == [
        ("R01", "C001", ["C001", "C002"], dt.date(2024, 3, 5), None, ["sat", "sun"], "09:00-16:00", 2),
        ("R02", "V001", ["V001"], dt.date(2024, 6, 1), dt.date(2025, 1, 31), ["mon", "tue", "wed", "thu", "fri"], "09:00-16:00", 1),
    ]


def test_visits_and_staff(base_db, tmp_path):
    import_files("rooms", [write_text(tmp_path / "r.csv", ROOMS)], db=base_db)
    visits = (
        "台账编号,服务室编号,办理时间,业务类型,客户类别,服务方式,所属社区,是否办结,户号,姓名\n"
        "V1,R01,2024-04-06 10:00,交费,孤寡老人,上门,C001,是,111222333,王大爷\n"
        "V2,R02,2024/4/8 9:30,资料代收,军烈属,到室,V001,否,,\n"
    )
    assert import_files("visits", [write_text(tmp_path / "v.csv", visits)], db=base_db).as_dict()["stored"] == 2
    assert rows(base_db, "select visit_id, room_id, visited_at, service_type, customer_group, mode, community_id, resolved, customer_hash from room_visits order by 1") == [
        ("V1", "R01", dt.datetime(2024, 4, 6, 10), "payment", "elderly", "home_visit", "C001", True, privacy.hash_value("111222333")),
        ("V2", "R02", dt.datetime(2024, 4, 8, 9, 30), "agency", "military_family", "walk_in", "V001", False, None),
    ]
    staff = "工号,姓名,原岗位,现岗位,服务室编号,到岗日期\nE001,赵六,抄表员,客户经理,R01,2024-03-01\nE001,赵六,抄表员,客户经理,R02,2024-09-01\n"
    r = import_files("staff", [write_text(tmp_path / "s.csv", staff)], db=base_db).as_dict()
    assert r["stored"] == 2  # one person, two role periods
    assert rows(base_db, "select staff_hash, former_role, current_role, room_id, assigned_on from staff order by assigned_on") == [
        (privacy.hash_value("E001"), "meter_reader", "customer_manager", "R01", dt.date(2024, 3, 1)),
        (privacy.hash_value("E001"), "meter_reader", "customer_manager", "R02", dt.date(2024, 9, 1)),
    ]
    text = all_text(base_db)
    assert "E001" not in text and "赵六" not in text and "王大爷" not in text and "111222333" not in text


def test_hotline_address_matched_then_dropped(base_db, tmp_path):
    text = (
        "工单编号,受理时间,工单类型,业务子类,故障地址,城乡类别,派工时间,到达现场时间,恢复送电时间,归档时间,回访满意度,户号,联系电话\n"
        "W1,2024-03-05 10:00,故障报修,低压故障,城东区梅园社区12栋301,城市,2024-03-05 10:05,2024-03-05 10:40,2024-03-05 12:00,2024-03-06 09:00,满意,1234567890,13800138000\n"
        "W2,2024-03-05 10:00,咨询,电价,王庄村3组,农网,,,,2024-03-05 10:10,未回访,,\n"
        "W3,2024-03-05 10:00,投诉,,不知道哪里,偏远,,,,,不满意,,\n"
    )
    r = import_files("hotline", [write_text(tmp_path / "h.csv", text)], db=base_db).as_dict()
    assert r["stored"] == 3
    assert rows(base_db, "select order_id, category, community_id, urban_rural, arrived_at, restored_at, satisfaction from hotline_orders order by 1") == [
        ("W1", "fault_repair", "C001", "urban", dt.datetime(2024, 3, 5, 10, 40), dt.datetime(2024, 3, 5, 12), "satisfied"),
        ("W2", "consultation", "V001", "rural", None, None, "no_callback"),
        ("W3", "complaint", None, "remote", None, None, "dissatisfied"),
    ]
    assert "梅园社区12栋" not in all_text(base_db) and "王庄村3组" not in all_text(base_db)


def test_buildings(base_db, tmp_path):
    text = "楼栋编号,所属社区,类型,户数,经度,纬度\nB1,C001,楼栋,120,118.7812,32.0412\nG1,C001,小区出入口,,118.7801,32.0405\n"
    import_files("buildings", [write_text(tmp_path / "b.csv", text)], db=base_db)
    assert rows(base_db, "select building_id, community_id, kind, households from buildings order by 1") == [
        ("B1", "C001", "building", 120), ("G1", "C001", "gate", None)
    ]


def test_csv_points_in_bd09(db, tmp_path):
    from dashboard.ingest.coords import gcj02_to_bd09, wgs84_to_gcj02

    blon, blat = gcj02_to_bd09(*wgs84_to_gcj02(118.78, 32.04))
    text = f"营业厅编号,经度,纬度\nH1,{float(blon):.9f},{float(blat):.9f}\n"
    import_files("halls", [write_text(tmp_path / "h.csv", text)], db=db, crs="bd09")
    (lon, lat), = rows(db, "select lon, lat from business_halls")
    assert abs(lon - 118.78) < 1e-6 and abs(lat - 32.04) < 1e-6
