"""Undoing an import (dashboard.ingest.undo) on hand-worked cases.

Import A stores T1, T2, T3. Import B corrects T1 (another service type), repeats T2
unchanged, adds T4 and has one row for an unknown hall (rejected):

=====  =========  =========  ===========================
key    after A    after B    B's undo data
=====  =========  =========  ===========================
T1     A's T1     B's T1     A's T1, every column
T2     A's T2     A's T2     — (duplicate: not written)
T3     A's T3     A's T3     —
T4     —          B's T4     the key only
=====  =========  =========  ===========================

So B wrote 2 rows and replaced 1; undoing B deletes 2 rows and restores 1, which leaves
exactly the table (and its rollups) as after A; undoing A then leaves the table empty.
Tables are compared whole with pandas, sorted by key.
"""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard import parts, warehouse
from dashboard.ingest import import_files
from dashboard.ingest.aliases import table_spec
from dashboard.ingest.undo import STAND_INS, UndoRefused, list_imports, undo_import

from .ingest_helpers import TICKETS_CSV, rows, write_text

B_CSV = (
    TICKETS_CSV.splitlines()[0] + "\n"
    "T1,H01,A001,电费查询,2024-03-05 09:12:33,2024/3/5 9:20,2024-03-05T09:21:00,20240305092500,1,正常,1234567890,张三丰,13800138000,\n"
    + TICKETS_CSV.splitlines()[2] + "\n"
    "T4,H02,A004,交费,2024-03-06 10:00:00,,,,3,正常,5555555555,,,\n"
    "T5,H99,A005,交费,2024-03-06 10:05:00,,,,3,正常,,,,\n"
)
C_CSV = TICKETS_CSV.splitlines()[0] + "\nT9,H02,A009,交费,2024-03-07 10:00:00,,,,3,正常,,,,\n"


def table(db, name: str = "counter_tickets") -> pd.DataFrame:
    """The whole table, sorted by its key, with a fresh index; values as Python objects
    (pandas infers the dtype of an all-NULL column from the rows it happens to get)."""
    key = list(table_spec(name).key)
    con = warehouse.connect_read(db)
    try:
        df = con.execute(f"select * from {name}").df()
    finally:
        con.close()
    df = df.sort_values(key).reset_index(drop=True)
    return df.astype(object).where(df.notna(), None)


def rollups(db) -> dict[str, pd.DataFrame]:
    """Every rollup table built from counter_tickets, each sorted by all its columns."""
    plan = warehouse.rollup_plan()
    dirty = {"counter_tickets"}
    names: list[str] = []
    for _, creates, reads in plan:
        if reads & dirty:
            names += sorted(creates)
            dirty |= creates
    con = warehouse.connect_read(db)
    try:
        out = {}
        for n in names:
            df = con.execute(f"select * from {n}").df()
            out[n] = df.sort_values(list(df.columns)).reset_index(drop=True) if len(df) else df
        return out
    finally:
        con.close()


@pytest.fixture
def ab(base_db, tmp_path):
    """Import A then B into the base warehouse; the tables after A and after B."""
    a = import_files("tickets", [write_text(tmp_path / "a.csv", TICKETS_CSV)], db=base_db, user="ann")
    after_a = table(base_db)
    rollups_a = rollups(base_db)
    b = import_files("tickets", [write_text(tmp_path / "b.csv", B_CSV)], db=base_db, user="bob")
    return {"db": base_db, "a": a.files[0].import_id, "b": b.files[0].import_id, "after_a": after_a,
            "rollups_a": rollups_a, "after_b": table(base_db)}


def test_counts_kept_in_the_ledger(ab):
    got = {r[0]: r[1:] for r in rows(ab["db"], "select import_id, batch_no, imported_by, n_written, n_replaced "
                                                "from import_batches")}
    # halls and communities are batches 1 and 2 (the base warehouse); A wrote 3 new keys; B wrote T1 (replaced) and T4
    assert got[ab["a"]] == (3, "ann", 3, 0)
    assert got[ab["b"]] == (4, "bob", 2, 1)
    keys = rows(ab["db"], "select ticket_id from undo_keys_counter_tickets where import_id = $i order by 1",
                {"i": ab["b"]})
    assert keys == [("T1",), ("T4",)]
    kept = rows(ab["db"], "select * exclude (import_id) from undo_counter_tickets where import_id = $i", {"i": ab["b"]})
    a_t1 = ab["after_a"][ab["after_a"]["ticket_id"] == "T1"]
    assert kept == [tuple(a_t1.iloc[0])]  # A's T1 (交费 = payment), every column as stored
    assert a_t1["service_type"].iloc[0] == "payment"


def test_undo_b_restores_a_then_undo_a_empties(ab, tmp_path):
    db = ab["db"]
    assert not ab["after_b"].equals(ab["after_a"])  # B changed something
    assert rows(db, "select count(*) from rejects where import_id = $i", {"i": ab["b"]}) == [(1,)]
    res = undo_import(ab["b"], db=db, user="ada")
    assert (res.deleted, res.restored, res.undone_by) == (2, 1, "ada")
    pd.testing.assert_frame_equal(table(db), ab["after_a"])
    after = rollups(db)
    assert after.keys() == ab["rollups_a"].keys() and after
    for name, df in ab["rollups_a"].items():
        pd.testing.assert_frame_equal(after[name], df, obj=name)
    # B's rejected rows and its undo data go; its ledger row stays, marked undone
    assert rows(db, "select count(*) from rejects where import_id = $i", {"i": ab["b"]}) == [(0,)]
    assert rows(db, "select import_id, count(*) from undo_keys_counter_tickets group by all") == [(ab["a"], 3)]
    assert rows(db, "select count(*) from undo_counter_tickets") == [(0,)]
    listed = list_imports(warehouse.connect_read(db)).set_index("import_id")
    assert bool(listed.loc[ab["b"], "is_undone"]) and listed.loc[ab["b"], "undone_by"] == "ada"
    assert not bool(listed.loc[ab["a"], "is_undone"]) and len(listed) == 4
    res = undo_import(ab["a"], db=db)
    assert (res.deleted, res.restored) == (3, 0)
    assert table(db).empty
    assert rows(db, "select count(*) from business_halls") == [(2,)]  # other tables untouched


def test_undo_a_refused_while_b_overlaps(ab):
    db = ab["db"]
    version = warehouse.data_version(db)
    with pytest.raises(UndoRefused) as info:
        undo_import(ab["a"], db=db)
    assert info.value.key == "undo.refused.blocked" and ab["b"] in str(info.value) and "b.csv" in str(info.value)
    assert warehouse.data_version(db) == version  # nothing written
    pd.testing.assert_frame_equal(table(db), ab["after_b"])
    assert rows(db, "select count(*) from import_undos") == [(0,)]


def test_a_later_import_of_other_keys_does_not_block(ab, tmp_path):
    db = ab["db"]
    undo_import(ab["b"], db=db)
    import_files("tickets", [write_text(tmp_path / "c.csv", C_CSV)], db=db)
    after_c = table(db)
    undo_import(ab["a"], db=db)  # C wrote only T9
    expected = after_c[after_c["ticket_id"] == "T9"].reset_index(drop=True)
    pd.testing.assert_frame_equal(table(db), expected)


def test_refusals(ab):
    db = ab["db"]
    with pytest.raises(UndoRefused) as info:
        undo_import("0123456789abcdef", db=db)
    assert info.value.key == "undo.refused.unknown"
    undo_import(ab["b"][:8], db=db)  # a start of the id is enough
    with pytest.raises(UndoRefused) as info:
        undo_import(ab["b"], db=db)
    assert info.value.key == "undo.refused.already" and info.value.params["by"] == "–"
    # an import made before undo existed: a ledger row without undo data
    with warehouse.writer(db) as con:
        con.execute("insert into imports select 'old0000000000000', table_name, 'old.csv', content_hash, 0, 0, 0, 0, 0,"
                    " NULL, started_at, finished_at from imports where import_id = $i", {"i": ab["a"]})
    with pytest.raises(UndoRefused) as info:
        undo_import("old0000000000000", db=db)
    assert info.value.key == "undo.refused.no_data" and "old.csv" in info.value.localized("en")


def test_undo_tables_follow_the_canonical_tables(base_db):
    """Every table an import writes has its undo table with the same columns (and types);
    the stand-ins for older warehouses match the bookkeeping tables."""
    con = warehouse.connect_read(base_db)
    try:
        def columns(name: str) -> list[tuple]:
            return con.execute("select column_name, data_type from duckdb_columns() where table_name = $t "
                               "and database_name = current_database() order by column_index", {"t": name}).fetchall()

        for name in ("communities", "buildings", "business_halls", "service_rooms", "counter_tickets",
                     "hotline_orders", "room_visits", "staff", "customers"):
            assert columns(f"undo_{name}") == [("import_id", "VARCHAR"), *columns(name)]
            key = table_spec(name).key
            assert columns(f"undo_keys_{name}") == [("import_id", "VARCHAR")] + [c for c in columns(name) if c[0] in key]
        for name, text in STAND_INS.items():
            want = [tuple(c.strip().split(" ", 1)) for c in text.split(",")]
            assert [(n, ty.lower()) for n, ty in columns(name)] == [(n, ty.lower()) for n, ty in want]
    finally:
        con.close()


def test_a_warehouse_without_undo_tables_lists_and_refuses(base_db, tmp_path):
    """A warehouse made before undo existed (no undo tables, not written since): listed and
    refused on a read snapshot; its next import creates them and can be undone."""
    import duckdb

    con = duckdb.connect(str(base_db))
    dropped = [name for (name,) in con.execute(
        "select table_name from duckdb_tables() where starts_with(table_name, 'undo_') "
        "or table_name in ('import_undos', 'import_batches')").fetchall()]
    assert len(dropped) == 20  # 9 key tables, 9 version tables and the 2 bookkeeping tables
    for name in dropped:
        con.execute(f"drop table {name}")
    con.execute("delete from meta where key = 'migration:002_undo_community_source'")
    con.close()
    reader = warehouse.connect_read(base_db)
    listed = list_imports(reader)
    reader.close()
    assert len(listed) == 2 and not listed["has_undo_data"].any() and not listed["is_undone"].any()
    with pytest.raises(UndoRefused) as info:
        undo_import(listed["import_id"].iloc[0], db=base_db)
    assert info.value.key == "undo.refused.no_data"
    before = table(base_db)
    new = import_files("tickets", [write_text(tmp_path / "a.csv", TICKETS_CSV)], db=base_db).files[0].import_id
    assert undo_import(new, db=base_db).deleted == 3
    pd.testing.assert_frame_equal(table(base_db), before)
    with pytest.raises(UndoRefused) as info:
        undo_import(listed["import_id"].iloc[0], db=base_db)
    assert info.value.key == "undo.refused.no_data"


STAFF = ("工号,原岗位,现岗位,服务室编号,到岗日期\n"
         "S1,抄表员,客户经理,,2024-01-01\n"
         "S1,抄表员,客户经理,,2024-06-01\n"
         "S2,收费员,客户经理,,2024-01-01\n")


def test_composite_key_staff(base_db, tmp_path):
    """staff is keyed by (staff_hash, assigned_on): a correction of one period is undone alone."""
    import_files("staff", [write_text(tmp_path / "s1.csv", STAFF)], db=base_db)
    before = table(base_db, "staff")
    assert len(before) == 3
    fix = STAFF.replace("S1,抄表员,客户经理,,2024-06-01", "S1,收费员,客户经理,,2024-06-01")
    r = import_files("staff", [write_text(tmp_path / "s2.csv", fix)], db=base_db)
    assert (r.stored, r.updated, r.duplicates) == (0, 1, 2)
    assert not table(base_db, "staff").equals(before)
    undo_import(r.files[0].import_id, db=base_db)
    pd.testing.assert_frame_equal(table(base_db, "staff"), before)


# customer lists (the cases of test_ingest_customers): T1 carries its community in the
# export; T2 (1001), T3 (1002), T4 (9999) are attributed through the list; T5 has no 户号
CU_TICKETS = (
    "流水号,营业厅,排队号,业务类型,取号时间,户号,所属社区\n"
    "T1,H01,A001,交费,2024-03-05 09:12:33,1001,C002\n"
    "T2,H01,A002,交费,2024-03-05 09:13:33,1001,\n"
    "T3,H01,A003,交费,2024-04-05 09:14:33,1002,\n"
    "T4,H01,A004,交费,2024-04-05 09:15:33,9999,\n"
    "T5,H01,A005,交费,2024-04-05 09:16:33,,\n"
)
LIST_1 = "户号,社区编码\n1001,C001\n1002,C002\n"
LIST_2 = "户号,社区编码\n1001,V001\n9999,C001\n"  # 1001 moves, 9999 is new


def test_undo_customer_lists_reattributes_back(base_db, tmp_path):
    db = base_db
    import_files("tickets", [write_text(tmp_path / "t.csv", CU_TICKETS)], db=db)
    before_lists = table(db)
    assert before_lists["community_id"].tolist() == ["C002", None, None, None, None]
    l1 = import_files("customers", [write_text(tmp_path / "l1.csv", LIST_1)], db=db).files[0].import_id
    after_l1 = table(db)
    # by hand: T2 -> C001 (1001), T3 -> C002 (1002)
    assert after_l1["community_id"].tolist() == ["C002", "C001", "C002", None, None]
    l2 = import_files("customers", [write_text(tmp_path / "l2.csv", LIST_2)], db=db).files[0].import_id
    assert table(db)["community_id"].tolist() == ["C002", "V001", "C002", "C001", None]
    res = undo_import(l2, db=db)  # 1001 back to C001, 9999 leaves the list
    assert (res.deleted, res.restored) == (2, 1)
    assert res.reattributed == {"counter_tickets": 2, "hotline_orders": 0, "room_visits": 0}  # T2 and T4
    pd.testing.assert_frame_equal(table(db), after_l1)
    pd.testing.assert_frame_equal(table(db, "customers"), list_1_stored())
    undo_import(l1, db=db)
    pd.testing.assert_frame_equal(table(db), before_lists)
    assert rows(db, "select count(*) from customers") == [(0,)]


def list_1_stored() -> pd.DataFrame:
    """The customer list as list 1 stores it, by hand: 1001 -> C001, 1002 -> C002 (户号 as
    their keyed hashes), sorted as :func:`table` sorts."""
    from dashboard import privacy

    df = pd.DataFrame({"customer_hash": [privacy.hash_value("1001"), privacy.hash_value("1002")],
                       "community_id": ["C001", "C002"], "transformer_area": [None, None],
                       "customer_class": [None, None], "urban_rural": [None, None]})
    return df.sort_values("customer_hash").reset_index(drop=True).astype(object).where(df.notna(), None)


def test_undo_of_fact_rows_follows_the_current_list(base_db, tmp_path):
    """A fact import's replaced versions carry the attribution of their day; after the list
    changed, the restored rows follow the list as it now is."""
    db = base_db
    import_files("customers", [write_text(tmp_path / "l1.csv", LIST_1)], db=db)
    import_files("tickets", [write_text(tmp_path / "a.csv", CU_TICKETS)], db=db)
    fix = CU_TICKETS.replace("T2,H01,A002,交费", "T2,H01,A002,电费查询")
    b = import_files("tickets", [write_text(tmp_path / "b.csv", fix)], db=db).files[0].import_id
    import_files("customers", [write_text(tmp_path / "l2.csv", LIST_2)], db=db)
    now = table(db)
    assert now["community_id"].tolist() == ["C002", "V001", "C002", "C001", None]
    res = undo_import(b, db=db)
    assert res.restored == 1
    got = table(db)
    # T2 is A's version again (payment), with the community the list now gives 1001: V001
    assert got.loc[1, "service_type"] == "payment" and got.loc[1, "community_id"] == "V001"
    expected = now.copy()
    expected.loc[1, "service_type"] = "payment"
    pd.testing.assert_frame_equal(got, expected)


def full_rebuild(db, tmp_path) -> dict[str, pd.DataFrame]:
    """The rollups of a copy of ``db`` rebuilt in full (every script, every statement)."""

    full = tmp_path / "full.duckdb"
    parts.copy_warehouse(db, full)
    with warehouse.writer(full, refresh=False) as con:
        warehouse.refresh_rollups(con)
    out = rollups(full)
    full.unlink()
    return out


def test_undo_rebuilds_the_months_of_both_versions(base_db, tmp_path, monkeypatch):
    """B moves T1 from March to May and adds T6 in June; undoing it marks March, May and
    June for the month-by-month rollups (not the whole table), and the rollups equal a full
    rebuild."""
    db = base_db
    import_files("tickets", [write_text(tmp_path / "a.csv", TICKETS_CSV)], db=db)
    head, t1 = TICKETS_CSV.splitlines()[:2]
    moved = t1.replace("2024-03-05 09:12:33,2024/3/5 9:20,2024-03-05T09:21:00,20240305092500",
                       "2024-05-06 09:12:33,2024/5/6 9:20,2024-05-06T09:21:00,20240506092500")
    b = import_files("tickets", [write_text(tmp_path / "b.csv", f"{head}\n{moved}\nT6,H02,A006,交费,2024-06-03 10:00:00,,,,3,正常,,,,\n")],
                     db=db)
    assert (b.stored, b.updated) == (1, 1)
    marks = []
    real = warehouse.mark_changed
    monkeypatch.setattr(warehouse, "mark_changed",
                        lambda con, *tables, months=None: (marks.append((tables, months)),
                                                           real(con, *tables, months=months))[1])
    undo_import(b.files[0].import_id, db=db)
    assert [t for t, _ in marks] == [("counter_tickets",)]  # nothing else, and not as a whole table
    assert {pd.Timestamp(m).strftime("%Y-%m") for m in marks[0][1]} == {"2024-03", "2024-05", "2024-06"}
    got, want = rollups(db), full_rebuild(db, tmp_path)
    assert got.keys() == want.keys() and want
    for name in want:
        pd.testing.assert_frame_equal(got[name], want[name], check_exact=False, rtol=1e-9, check_dtype=False, obj=name)
