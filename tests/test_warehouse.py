"""The warehouse's write protocol: all-or-nothing, readers never blocked nor half-served."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import duckdb
import pytest

from dashboard import warehouse


def _count(db, table="business_halls") -> int:
    con = warehouse.connect_read(db)
    try:
        return con.execute(f"select count(*) from {table}").fetchone()[0]
    finally:
        con.close()


def _add_halls(con, start, n):
    con.execute(
        "insert into business_halls select 'H' || i, 'hall ' || i, 'd', 118.1, 39.6, 3 "
        "from range($a, $b) t(i)",
        {"a": start, "b": start + n},
    )


def test_ensure_creates_every_schema_table(tmp_path):
    db = tmp_path / "w.duckdb"
    warehouse.ensure(db)
    con = warehouse.connect_read(db)
    tables = {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}
    for name in ("communities", "business_halls", "service_rooms", "counter_tickets",
                 "hotline_orders", "room_visits", "staff", "imports", "rejects", "meta"):
        assert name in tables


def test_missing_warehouse_is_a_clear_error(tmp_path):
    with pytest.raises(warehouse.WarehouseMissing, match="servicecircle demo"):
        warehouse.connect_read(tmp_path / "nope.duckdb")


def test_exception_inside_writer_changes_nothing(tmp_path):
    db = tmp_path / "w.duckdb"
    with warehouse.writer(db) as con:
        _add_halls(con, 0, 3)
    before = db.read_bytes()
    with pytest.raises(RuntimeError):
        with warehouse.writer(db) as con:
            _add_halls(con, 3, 5)
            raise RuntimeError("boom")
    assert db.read_bytes() == before
    assert _count(db) == 3
    assert not list(tmp_path.glob("w.duckdb.tmp-*"))


def test_reader_keeps_its_snapshot_and_new_reader_sees_new_data(tmp_path):
    db = tmp_path / "w.duckdb"
    with warehouse.writer(db) as con:
        _add_halls(con, 0, 2)
    v1 = warehouse.data_version(db)
    old = warehouse.connect_read(db)
    with warehouse.writer(db) as con:
        _add_halls(con, 2, 3)
    assert warehouse.data_version(db) != v1
    assert old.execute("select count(*) from business_halls").fetchone()[0] == 2
    assert _count(db) == 5


def test_reader_is_not_blocked_while_a_write_is_open(tmp_path):
    db = tmp_path / "w.duckdb"
    with warehouse.writer(db) as con:
        _add_halls(con, 0, 2)
    with warehouse.writer(db) as con:
        _add_halls(con, 2, 10)
        # another process can read the live file meanwhile, and sees the old state
        out = subprocess.run(
            [sys.executable, "-c",
             "from dashboard import warehouse as w; import sys;"
             "c=w.connect_read(sys.argv[1]); print(c.execute('select count(*) from business_halls').fetchone()[0])",
             str(db)],
            capture_output=True, text=True, timeout=60,
        )
        assert out.returncode == 0, out.stderr
        assert out.stdout.strip() == "2"
    assert _count(db) == 12


def test_kill_9_mid_write_leaves_the_warehouse_unchanged(tmp_path):
    db = tmp_path / "w.duckdb"
    with warehouse.writer(db) as con:
        _add_halls(con, 0, 4)
    before = db.read_bytes()
    script = textwrap.dedent(
        """
        import sys, time
        from dashboard import warehouse
        with warehouse.writer(sys.argv[1]) as con:
            con.execute("insert into business_halls select 'X' || i, 'x', 'd', 118.1, 39.6, 1 from range(100000) t(i)")
            print("written", flush=True)
            time.sleep(60)
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", script, str(db)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "written"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert db.read_bytes() == before
    assert _count(db) == 4
    # the next writer cleans the dead writer's temporary and works normally
    with warehouse.writer(db) as con:
        _add_halls(con, 4, 1)
    assert _count(db) == 5
    assert not list(tmp_path.glob("w.duckdb.tmp-*"))


def test_second_writer_waits_for_the_first(tmp_path):
    db = tmp_path / "w.duckdb"
    warehouse.ensure(db)
    script = textwrap.dedent(
        """
        import sys, time
        from dashboard import warehouse
        with warehouse.writer(sys.argv[1]) as con:
            print("locked", flush=True)
            time.sleep(2)
            con.execute("insert into business_halls values ('A', 'a', 'd', 118.1, 39.6, 1)")
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", script, str(db)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "locked"
        with warehouse.writer(db) as con:
            # we only get here after the first writer published its row
            assert con.execute("select count(*) from business_halls").fetchone()[0] == 1
            con.execute("insert into business_halls values ('B', 'b', 'd', 118.1, 39.6, 1)")
    finally:
        proc.wait(timeout=60)
    assert _count(db) == 2


def test_query_binds_parameters_and_rejects_unknown_names(tmp_path):
    con = duckdb.connect()
    with pytest.raises(KeyError):
        warehouse.query(con, "no/such/query")
