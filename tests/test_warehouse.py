"""The warehouse's write protocol: all-or-nothing, readers never blocked nor half-served."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import duckdb
import pytest

from dashboard import parts, warehouse


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


def test_a_dead_writers_spill_folder_is_removed_too(tmp_path):
    db = tmp_path / "w.duckdb"
    warehouse.ensure(db)
    spill = tmp_path / "w.duckdb.tmp-999-dead.tmp"
    spill.mkdir()
    (spill / "duckdb_temp_block.bin").write_bytes(b"x" * 10)
    (tmp_path / "w.duckdb.tmp-999-dead").write_bytes(b"half a copy")
    with warehouse.writer(db) as con:
        _add_halls(con, 0, 1)
    assert not list(tmp_path.glob("w.duckdb.tmp-*"))
    assert _count(db) == 1


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


def test_rollup_plan_reads_dependencies_from_the_sql():
    plan = {p.name: (creates, reads) for p, creates, reads in warehouse.rollup_plan()}
    assert plan, "there are rollup scripts"
    every_created = set().union(*(c for c, _ in plan.values()))
    for name, (creates, reads) in plan.items():
        assert creates, f"{name} creates no table"
        # a script reads only canonical tables or tables an earlier script created
        assert reads <= set(warehouse.CANONICAL_TABLES) | every_created, name


def test_only_rollups_of_changed_tables_are_rebuilt(tmp_path):
    db = tmp_path / "w.duckdb"
    with warehouse.writer(db) as con:  # nothing marked: every rollup is built
        con.execute("insert into business_halls values ('H1', 'h', 'd', 118.1, 39.6, 2)")
        parts.insert(con, "counter_tickets", "select 'T1' as ticket_id, 'H1' as hall_id, "
                     "TIMESTAMP '2024-03-01 09:00' as issued_at, TIMESTAMP '2024-03-01 09:05' as called_at, "
                     "'served' as outcome")
    ran_all = None
    with warehouse.writer(db, refresh=False) as con:
        ran_all = warehouse.refresh_rollups(con)
    assert len(ran_all) == len(warehouse.rollup_plan())

    with warehouse.writer(db, refresh=False) as con:
        ran = warehouse.refresh_rollups(con, {"hotline_orders"})
    expected = [p.name for p, _, reads in warehouse.rollup_plan() if "hotline_orders" in reads]
    assert expected and set(expected) <= set(ran)
    assert not any("ticket" in name and "hotline" not in name and "effect" not in name for name in ran)

    # a write that marks hotline_orders leaves the ticket rollups as they were, so a ticket
    # slipped in unmarked is not counted; marking counter_tickets rebuilds them
    def n_agg(d):
        c = warehouse.connect_read(d)
        try:
            return c.execute("select count(*) from counter_tickets").fetchone()[0], \
                   c.execute("select coalesce(sum(n_tickets), 0) from agg_ticket_day").fetchone()[0]
        finally:
            c.close()

    with warehouse.writer(db) as con:
        parts.insert(con, "counter_tickets", "select 'T2' as ticket_id, 'H1' as hall_id, "
                     "TIMESTAMP '2024-03-02 09:00' as issued_at, 'no_show' as outcome")
        warehouse.mark_changed(con, "hotline_orders")
    assert n_agg(db) == (2, 1)
    with warehouse.writer(db) as con:
        warehouse.mark_changed(con, "counter_tickets")
    assert n_agg(db) == (2, 2)


def test_first_write_builds_every_rollup_even_when_one_table_is_marked(tmp_path):
    db = tmp_path / "w.duckdb"
    with warehouse.writer(db) as con:
        con.execute("insert into business_halls values ('H1', 'h', 'd', 118.1, 39.6, 2)")
        warehouse.mark_changed(con, "business_halls")
    c = warehouse.connect_read(db)
    tables = {r[0] for r in c.execute("select table_name from information_schema.tables").fetchall()}
    for _, creates, _ in warehouse.rollup_plan():
        assert creates <= tables


def test_rollups_built_by_other_scripts_are_rebuilt_on_the_next_write(tmp_path):
    db = tmp_path / "w.duckdb"
    with warehouse.writer(db) as con:
        con.execute("insert into business_halls values ('H1', 'h', 'd', 118.1, 39.6, 2)")
    assert not warehouse.needs_refresh(db)
    # pretend an older version wrote this file: other rollup scripts, one table missing
    with warehouse.writer(db, refresh=False) as con:
        con.execute("update meta set value = 'older' where key = 'rollups_hash'")
        con.execute("drop table agg_hall")
    assert warehouse.needs_refresh(db)
    with warehouse.writer(db) as con:  # marks only an unrelated table ...
        warehouse.mark_changed(con, "staff")
    assert not warehouse.needs_refresh(db)  # ... yet every rollup was rebuilt
    assert _count(db, "agg_hall") == 1


def test_every_reading_command_brings_an_older_warehouse_up_to_date(tmp_path):
    """An upgrade meets a warehouse an older version wrote (a rollup and the macros it
    lacks): each reading command rebuilds it once, says so on stderr, then answers."""
    from typer.testing import CliRunner

    from dashboard.cli import app

    db = tmp_path / "w.duckdb"
    with warehouse.writer(db) as con:
        con.execute("insert into business_halls values ('H1', 'h', 'd', 118.1, 39.6, 2)")
    runner = CliRunner()
    for args in (["metrics", "--json"], ["effects", "--outcome", "hotline_per_1k_households", "--json"],
                 ["report", "--out", str(tmp_path / "b.html"), "--format", "html"]):
        with warehouse.writer(db, refresh=False) as con:  # pretend an older version wrote it
            con.execute("update meta set value = 'older' where key = 'rollups_hash'")
            con.execute("drop table room_community")
            con.execute("drop macro table ticket_rows_hall")
        assert warehouse.needs_refresh(db)
        out = runner.invoke(app, [*args, "--db", str(db)])
        assert out.exit_code == 0, (args, out.output)
        assert "Rebuilding the summary tables" in out.stderr
        assert not warehouse.needs_refresh(db) and _count(db, "room_community") == 0
        again = runner.invoke(app, [*args, "--db", str(db)])
        assert again.exit_code == 0 and "Rebuilding" not in again.stderr
