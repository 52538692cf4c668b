"""Customer lists and attribution, on hand-worked cases.

The communities of ``ingest_helpers`` (C001 梅园社区, C002 桃园社区, V001 王庄村) and
hall H01. Tickets:

====  ======  ===========  ===========================================
id    户号    所属社区     expected
====  ======  ===========  ===========================================
T1    1001    C002         C002 from the export (kept whatever the list says)
T2    1001    —            C001 from the list (1001 → 梅园社区 = C001)
T3    1002    —            C002 from the list
T4    9999    —            none: 9999 is not on the list
T5    —       —            none: no customer number
====  ======  ===========  ===========================================
"""

from __future__ import annotations

import hashlib
import json

import pandas as pd
import pytest

from dashboard import privacy, warehouse
from dashboard.ingest import ImportRefused, attribution, import_files
from tests.warehouse_rows import inline_facts

from .ingest_helpers import all_text, identity, rows, write_text

TICKETS = (
    "流水号,营业厅,排队号,业务类型,取号时间,叫号时间,户号,所属社区\n"
    "T1,H01,A001,交费,2024-03-05 09:12:33,2024/3/5 9:20,1001,C002\n"
    "T2,H01,A002,交费,2024-03-05 09:13:33,2024/3/5 9:20,1001,\n"
    "T3,H01,A003,交费,2024-04-05 09:14:33,2024/4/5 9:20,1002,\n"
    "T4,H01,A004,交费,2024-04-05 09:15:33,2024/4/5 9:20,9999,\n"
    "T5,H01,A005,交费,2024-04-05 09:16:33,2024/4/5 9:20,,\n"
)
CUSTOMERS = (
    "户号,户名,社区名称,台区,用户类别,城乡类别,联系电话,用电地址\n"
    "1001,张三丰,梅园社区,TQ01,居民,城市,13800138000,梅园路12号3栋501室\n"
    "1002,李四光,C002,TQ02,非居民,农村,,\n"
    "1003,王五,不存在社区,TQ03,居民,城市,,\n"
    "1002,李四光,C002,TQ02,非居民,农村,,\n"
    ",无户号,C001,TQ04,居民,城市,,\n"
)
EXPECTED = {"T1": ("C002", "export"), "T2": ("C001", "customer"), "T3": ("C002", "customer"),
            "T4": (None, None), "T5": (None, None)}


@pytest.fixture
def files(tmp_path):
    return {
        "tickets": write_text(tmp_path / "tickets.csv", TICKETS),
        "customers": write_text(tmp_path / "customers.csv", CUSTOMERS),
    }


def _tickets(db) -> dict:
    return {k: (c, s) for k, c, s in rows(db, "select ticket_id, community_id, community_source from counter_tickets")}


def test_customer_list_stored_as_hash_counts_add_up(base_db, files):
    r = import_files("customers", [files["customers"]], db=base_db).as_dict()
    assert identity(r)
    assert (r["read"], r["stored"], r["duplicates"], r["rejected"]) == (5, 2, 1, 2)
    assert r["reasons"] == {"key_missing": 1, "unknown_community": 1}
    got = sorted(rows(base_db, "select * from customers"))
    assert got == sorted([
        (privacy.hash_value("1001"), "C001", "TQ01", "residential", "urban"),
        (privacy.hash_value("1002"), "C002", "TQ02", "non_residential", "rural"),
    ])
    # the unknown community is rejected naming file, row (spreadsheet line) and field
    rej = rows(base_db, "select file_name, row_number, field, reason, detail, values_json from rejects "
                        "where reason = 'unknown_community'")
    assert rej[0][:5] == ("customers.csv", 4, "community_id", "unknown_community", "不存在社区")
    text = all_text(base_db)
    for personal in ("1001", "1002", "1003", "张三丰", "李四光", "王五", "13800138000", "梅园路12号"):
        assert personal not in text, personal
    assert "customers.csv" in json.dumps(r, ensure_ascii=False)


def test_tickets_after_the_list_are_attributed_at_import(base_db, files):
    import_files("customers", [files["customers"]], db=base_db)
    r = import_files("tickets", [files["tickets"]], db=base_db).as_dict()
    assert _tickets(base_db) == EXPECTED
    assert r["attribution"] == {"attributed": 2, "unattributed": 2, "from_export": 1}
    a = r["attribution"]
    assert a["attributed"] + a["unattributed"] + a["from_export"] == r["stored"] + r["updated"] + r["duplicates"]
    # re-importing the same file: the attributed rows are duplicates, not updates
    again = import_files("tickets", [files["tickets"]], db=base_db).as_dict()
    assert (again["duplicates"], again["updated"]) == (5, 0)


def test_list_after_tickets_gives_the_same_warehouse(base_db, files, tmp_path):
    other = tmp_path / "other.duckdb"
    other.write_bytes(base_db.read_bytes())
    import_files("customers", [files["customers"]], db=base_db)
    import_files("tickets", [files["tickets"]], db=base_db)
    t = import_files("tickets", [files["tickets"]], db=other).as_dict()
    assert t["attribution"] == {"attributed": 0, "unattributed": 4, "from_export": 1}
    c = import_files("customers", [files["customers"]], db=other).as_dict()
    assert c["attribution"]["counter_tickets"] == {"changed": 2, "attributed": 2, "unattributed": 2}
    assert c["attribution"]["hotline_orders"] == {"changed": 0, "attributed": 0, "unattributed": 0}
    q = "select * from counter_tickets order by ticket_id"
    assert rows(other, q) == rows(base_db, q)
    assert _tickets(other) == EXPECTED


def test_changed_list_moves_only_rows_the_list_attributed(base_db, files, tmp_path):
    import_files("tickets", [files["tickets"]], db=base_db)
    import_files("customers", [files["customers"]], db=base_db)
    moved = write_text(tmp_path / "moved.csv", "户号,社区编码\n1001,V001\n9999,C001\n")
    r = import_files("customers", [moved], db=base_db).as_dict()
    assert (r["stored"], r["updated"]) == (1, 1)
    # T2 follows 1001 to V001, T4 gains C001; T1 keeps the export's C002 although 1001 moved
    assert _tickets(base_db) == {"T1": ("C002", "export"), "T2": ("V001", "customer"), "T3": ("C002", "customer"),
                                 "T4": ("C001", "customer"), "T5": (None, None)}
    assert r["attribution"]["counter_tickets"] == {"changed": 2, "attributed": 3, "unattributed": 1}
    # the effect cells (per community-month) follow: pandas over the stored tickets
    tk = pd.DataFrame(rows(base_db, "select community_id, issued_at from counter_tickets"),
                      columns=["community_id", "issued_at"]).dropna()
    expect = tk.groupby(["community_id", tk["issued_at"].dt.to_period("M").dt.start_time.dt.date]).size()
    got = {(c, m): n for c, m, n in rows(
        base_db, "select community_id, month_on, sum(n_tickets) from eff_ticket_cell group by all")}
    assert got == {k: v for k, v in expect.items()}
    assert got[("V001", pd.Timestamp("2024-03-01").date())] == 1


def test_hotline_and_visits_are_attributed_too(base_db, files, tmp_path):
    rooms = write_text(tmp_path / "rooms.csv", "服务室编号,服务室名称,所在社区,启用日期\nR1,梅园服务室,C001,2024-01-01\n")
    import_files("rooms", [rooms], db=base_db)
    hot = write_text(tmp_path / "hot.csv", "工单编号,受理时间,业务类型,户号\nO1,2024-03-05 10:00,咨询,1002\nO2,2024-03-05 11:00,咨询,7777\n")
    vis = write_text(tmp_path / "vis.csv", "台账编号,服务室编号,办理时间,户号,所属社区\nV1,R1,2024-03-05 10:00,1001,\nV2,R1,2024-03-06 10:00,1002,C001\n")
    import_files("hotline", [hot], db=base_db)
    import_files("visits", [vis], db=base_db)
    r = import_files("customers", [files["customers"]], db=base_db).as_dict()
    assert rows(base_db, "select order_id, community_id, community_source from hotline_orders order by 1") == [
        ("O1", "C002", "customer"), ("O2", None, None)]
    assert rows(base_db, "select visit_id, community_id, community_source from room_visits order by 1") == [
        ("V1", "C001", "customer"), ("V2", "C001", "export")]
    assert r["attribution"]["hotline_orders"] == {"changed": 1, "attributed": 1, "unattributed": 1}
    assert r["attribution"]["room_visits"] == {"changed": 1, "attributed": 1, "unattributed": 0}
    con = warehouse.connect_read(base_db)
    try:
        counts = attribution.table_counts(con)
    finally:
        con.close()
    assert counts["room_visits"] == {"rows": 2, "from_export": 1, "attributed": 1, "unattributed": 0}
    for c in counts.values():
        assert c["from_export"] + c["attributed"] + c["unattributed"] == c["rows"]


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_refused_second_file_leaves_the_warehouse_unchanged(base_db, files, tmp_path):
    import_files("tickets", [files["tickets"]], db=base_db)
    before = _sha(base_db)
    bad = write_text(tmp_path / "bad.csv", "户号,台区\n1005,TQ9\n")  # no community column
    with pytest.raises(ImportRefused, match="bad.csv"):
        import_files("customers", [files["customers"], bad], db=base_db)
    assert _sha(base_db) == before
    assert rows(base_db, "select count(*) from customers") == [(0,)]


def test_failure_during_reattribution_leaves_the_warehouse_unchanged(base_db, files, monkeypatch):
    import_files("tickets", [files["tickets"]], db=base_db)
    before = _sha(base_db)
    real = attribution.reattribute

    def crash(con):
        real(con)  # the updates ran inside the transaction ...
        raise RuntimeError("disk full")  # ... and then the write fails

    monkeypatch.setattr(attribution, "reattribute", crash)
    with pytest.raises(RuntimeError, match="disk full"):
        import_files("customers", [files["customers"]], db=base_db)
    assert _sha(base_db) == before
    assert _tickets(base_db)["T2"] == (None, None)


def test_old_warehouse_is_migrated_and_keeps_its_demo_rows(base_db, files):
    """A warehouse written before community_source existed: the next write adds the column,
    marks the export's communities 'export', and re-hashes the demo rows."""
    import_files("tickets", [files["tickets"]], db=base_db)
    import duckdb

    inline_facts(base_db)
    con = duckdb.connect(str(base_db))
    try:  # make it look like an older version's warehouse holding demo rows
        for t in attribution.FACT_TABLES:
            con.execute(f"alter table {t} drop column community_source")
        con.execute("delete from meta where key like 'migration:%'")
        con.execute("insert into demo_rows select 'counter_tickets', hash(t) from counter_tickets t")
        con.execute("insert into meta values ('demo', '{\"scale\": \"tiny\", \"seed\": 1}')")
    finally:
        con.close()
    with warehouse.writer(base_db):
        pass
    got = rows(base_db, "select ticket_id, community_id, community_source from counter_tickets order by 1")
    assert got == [("T1", "C002", "export"), ("T2", None, None), ("T3", None, None),
                   ("T4", None, None), ("T5", None, None)]
    assert rows(base_db, "select n_rows from demo_rows_left where table_name = 'counter_tickets'") == [(5,)]
    assert rows(base_db, "select count(*) from meta where key = 'demo'") == [(1,)]


def test_cli_prints_the_attribution_in_words_and_json(base_db, files):
    from typer.testing import CliRunner

    from dashboard.cli import app
    from dashboard.i18n import t

    runner = CliRunner()
    r = runner.invoke(app, ["import", "tickets", str(files["tickets"]), "--db", str(base_db), "--lang", "en"])
    assert r.exit_code == 0, r.output
    assert t("customers.note.fact", "en", attributed=0, unattributed=4, from_export=1) in " ".join(r.stdout.split())
    r = runner.invoke(app, ["import", "customers", str(files["customers"]), "--db", str(base_db), "--json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert set(d["attribution"]) == set(attribution.FACT_TABLES)
    assert d["attribution"]["counter_tickets"] == {"changed": 2, "attributed": 2, "unattributed": 2}
    r = runner.invoke(app, ["import", "customers", str(files["customers"]), "--db", str(base_db), "--lang", "en"])
    words = " ".join(r.stdout.split())
    assert t("customers.note.reattributed", "en", table="Counter tickets", changed=0, attributed=2, unattributed=2) in words
