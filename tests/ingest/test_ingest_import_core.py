"""End-to-end import of halls, communities and tickets: values, counts, upserts, privacy."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from .ingest_helpers import PERSONAL, TICKETS_CSV, all_text, identity, rows, write_text

from dashboard import privacy
from dashboard.ingest import ImportRefused, import_files


def test_halls_and_communities_values(base_db):
    halls = rows(base_db, "select hall_id, name, district, lon, lat, counters from business_halls order by 1")
    assert halls == [
        ("H01", "城东营业厅", "城东区", 118.78, 32.04, 6),
        ("H02", "城西营业厅", "城西区", 118.70, 32.05, 4),
    ]
    comm = rows(base_db, "select community_id, kind, households, population, elderly from communities order by 1")
    assert comm == [
        ("C001", "urban", 3200, 8100, 1900),
        ("C002", "urban", 2500, 6400, 1500),
        ("V001", "rural", 800, 2300, 700),
    ]


def test_tickets_values_and_time_forms(base_db, tickets_csv):
    r = import_files("tickets", [tickets_csv], db=base_db).as_dict()
    assert r == {
        "table": "counter_tickets", "files": ["tickets.csv"], "read": 3, "stored": 3,
        "updated": 0, "duplicates": 0, "rejected": 0, "reasons": {},
        # no community column and no customer list: none of the three rows has a community
        "attribution": {"attributed": 0, "unattributed": 3, "from_export": 0},
    }
    got = rows(
        base_db,
        "select ticket_id, hall_id, service_type, issued_at, called_at, started_at, finished_at, outcome "
        "from counter_tickets order by 1",
    )
    T = dt.datetime
    assert got == [
        ("T1", "H01", "payment", T(2024, 3, 5, 9, 12, 33), T(2024, 3, 5, 9, 20), T(2024, 3, 5, 9, 21), T(2024, 3, 5, 9, 25), "served"),
        ("T2", "H01", "query", T(2024, 3, 5, 9, 13), T(2024, 3, 5, 9, 30), T(2024, 3, 5, 9, 31), T(2024, 3, 5, 9, 40), "served"),
        ("T3", "H02", "payment", T(2024, 3, 5, 9, 14), T(2024, 3, 5, 9, 20), None, None, "no_show"),
    ]
    # customer numbers are keyed hashes under this installation's key, never clear
    hashes = dict(rows(base_db, "select ticket_id, customer_hash from counter_tickets"))
    assert hashes["T1"] == privacy.hash_value("1234567890")
    assert hashes["T3"] is None


def test_idempotent_reimport(base_db, tickets_csv):
    import_files("tickets", [tickets_csv], db=base_db)
    before = rows(base_db, "select * from counter_tickets order by ticket_id")
    again = import_files("tickets", [tickets_csv], db=base_db).as_dict()
    assert again["read"] == 3 and again["duplicates"] == 3
    assert again["stored"] == again["updated"] == again["rejected"] == 0
    assert rows(base_db, "select * from counter_tickets order by ticket_id") == before


def test_corrected_reexport_updates_rows(base_db, tickets_csv, tmp_path):
    import_files("tickets", [tickets_csv], db=base_db)
    fixed = TICKETS_CSV.replace("T3,H02,A003,缴费,20240305091400,2024-03-05 09:20,,,2,过号", "T3,H02,A003,缴费,20240305091400,2024-03-05 09:20,2024-03-05 09:21,2024-03-05 09:29,2,正常")
    fixed += "T4,H02,A004,新装,2024-03-05 10:00,2024-03-05 10:05,,,3,退办,,,,\n"
    r = import_files("tickets", [write_text(tmp_path / "fixed.csv", fixed)], db=base_db).as_dict()
    assert (r["read"], r["stored"], r["updated"], r["duplicates"], r["rejected"]) == (4, 1, 1, 2, 0)
    assert rows(base_db, "select outcome, finished_at from counter_tickets where ticket_id = 'T3'") == [
        ("served", dt.datetime(2024, 3, 5, 9, 29))
    ]
    assert rows(base_db, "select count(*) from counter_tickets") == [(4,)]


def test_same_key_twice_in_one_import(base_db, tmp_path):
    text = (
        "流水号,营业厅,排队号,取号时间,办理结果\n"
        "K1,H01,1,2024-03-05 09:00,正常\n"
        "K1,H01,1,2024-03-05 09:00,正常\n"    # identical to the earlier row → duplicate
        "K1,H01,1,2024-03-05 09:00,过号\n"    # a later version → updated (last one wins)
    )
    r = import_files("tickets", [write_text(tmp_path / "k.csv", text)], db=base_db).as_dict()
    assert (r["stored"], r["duplicates"], r["updated"]) == (1, 1, 1)
    assert identity(r)
    assert rows(base_db, "select outcome from counter_tickets") == [("no_show",)]


def test_composite_key_without_ticket_id(base_db, tmp_path):
    text = "网点,票号,取号时间\nH01,A001,2024-03-05 09:00\nH01,A001,2024-03-06 09:00\nH01,,2024-03-06 09:00\n"
    r = import_files("tickets", [write_text(tmp_path / "n.csv", text)], db=base_db).as_dict()
    assert (r["stored"], r["rejected"], r["reasons"]) == (2, 1, {"key_missing": 1})
    assert sorted(x[0] for x in rows(base_db, "select ticket_id from counter_tickets")) == [
        "H01-20240305-A001", "H01-20240306-A001"
    ]


def test_no_personal_value_anywhere(base_db, tmp_path):
    # clean rows and rejected rows both carry personal values
    bad = TICKETS_CSV + "T9,H99,A009,交费,2024-03-05 09:00,,,,1,正常,1234567890,张三丰,13800138000,320102199001011234\n"
    bad += "T10,H01,A010,交费,not a time,,,,1,正常,9876543210,李四光,13900139000,\n"
    import_files("tickets", [write_text(tmp_path / "t.csv", bad)], db=base_db)
    hotline = (
        "工单编号,受理时间,工单类型,用户地址,户号,联系电话,诉求内容\n"
        "W1,2024-03-05 10:00,故障报修,梅园路12号3栋501室,1234567890,13800138000,家里停电 联系13800138000\n"
        "W2,bad,故障报修,梅园路12号3栋501室,9876543210,13900139000,\n"
    )
    import_files("hotline", [write_text(tmp_path / "h.csv", hotline)], db=base_db)
    assert rows(base_db, "select count(*) from rejects") == [(2 + 1,)]
    text = all_text(base_db)
    for value in PERSONAL:
        assert value not in text, value


def test_counts_identity_with_every_outcome(base_db, tickets_csv, tmp_path):
    import_files("tickets", [tickets_csv], db=base_db)
    mixed = TICKETS_CSV.replace("过号", "退办") + "T5,H09,A5,交费,2024-03-05 11:00,,,,1,正常,,,,\nT6,H01,A6,交费,2024-03-05 11:00,,,,1,正常,,,,\n"
    r = import_files("tickets", [write_text(tmp_path / "m.csv", mixed)], db=base_db).as_dict()
    assert identity(r)
    assert (r["read"], r["stored"], r["updated"], r["duplicates"], r["rejected"]) == (5, 1, 1, 2, 1)
    ledger = rows(base_db, "select n_read, n_stored, n_updated, n_duplicates, n_rejected, reasons_json from imports order by started_at desc limit 1")
    assert ledger[0][:5] == (5, 1, 1, 2, 1)
    assert json.loads(ledger[0][5]) == {"unknown_hall": 1}


def test_missing_required_column_refused(base_db, tmp_path):
    before = rows(base_db, "select count(*) from imports")
    path = write_text(tmp_path / "bad.csv", "流水号,排队号,叫号时间\nT1,A1,2024-03-05 09:00\n")
    with pytest.raises(ImportRefused) as exc:
        import_files("tickets", [path], db=base_db)
    msg = str(exc.value)
    assert "bad.csv" in msg and "hall_id" in msg and "issued_at" in msg and "叫号时间" in msg
    assert rows(base_db, "select count(*) from imports") == before


def test_refusal_of_second_file_rolls_back_first(base_db, tickets_csv, tmp_path):
    bad = write_text(tmp_path / "bad.csv", "foo,bar\n1,2\n")
    with pytest.raises(ImportRefused):
        import_files("tickets", [tickets_csv, bad], db=base_db)
    assert rows(base_db, "select count(*) from counter_tickets") == [(0,)]


def test_multiple_files_one_call(base_db, tickets_csv, tmp_path):
    second = write_text(tmp_path / "t2.csv", TICKETS_CSV)
    r = import_files("tickets", [tickets_csv, second], db=base_db)
    d = r.as_dict()
    assert d["files"] == ["tickets.csv", "t2.csv"]
    assert (d["stored"], d["duplicates"]) == (3, 3)
    assert [f.stored for f in r.files] == [3, 0]


def test_progress_callback(base_db, tickets_csv):
    seen: list[tuple[str, float]] = []
    import_files("tickets", [tickets_csv], db=base_db, progress=lambda m, f: seen.append((m, f)))
    fracs = [f for _, f in seen]
    assert fracs == sorted(fracs) and fracs[-1] == 1.0 and 0.0 in fracs
    assert all(isinstance(m, str) and m for m, _ in seen)


def test_import_into_callers_connection(db, halls_csv, tickets_csv):
    from dashboard import warehouse

    with warehouse.writer(db) as con:
        import_files("halls", [halls_csv], con=con)
        import_files("tickets", [tickets_csv], con=con)
    assert rows(db, "select count(*) from counter_tickets") == [(3,)]
