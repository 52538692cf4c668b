"""The fact tables' Parquet parts (:mod:`dashboard.parts`): rows as an independent upsert
in pandas says, only the files that must change are rewritten, the list and the files
are published together (an exception, or ``kill -9`` while parts are written, leaves the
published warehouse as it was), unlisted files go after the grace, an older warehouse's
facts move out and the file shrinks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from dashboard import parts, warehouse
from tests.kill import kill_when
from tests.warehouse_rows import inline_facts

COLS = ["ticket_id", "hall_id", "issued_at", "outcome"]


def _frame(ids, days, outcome="served") -> pd.DataFrame:
    return pd.DataFrame({"ticket_id": ids, "hall_id": ["H1"] * len(ids),
                         "issued_at": pd.to_datetime(days), "outcome": [outcome] * len(ids)})


def _upsert(con, df: pd.DataFrame) -> None:
    con.register("_df", df)
    parts.replace(con, "counter_tickets", ["ticket_id"], delete="select ticket_id from _df",
                  insert="select * from _df")
    con.unregister("_df")


def _stored(db: Path) -> pd.DataFrame:
    con = warehouse.connect_read(db)
    try:
        return con.execute(f"select {', '.join(COLS)} from counter_tickets order by ticket_id").df()
    finally:
        con.close()


def _listed(db: Path) -> list[tuple]:
    con = warehouse.connect_read(db)
    try:
        return con.execute("select month, file, n_rows from parts_files order by file").fetchall()
    finally:
        con.close()


def _expected(*frames: pd.DataFrame) -> pd.DataFrame:
    """An upsert by ticket_id in plain pandas: the last version of each key wins."""
    df = pd.concat(frames, ignore_index=True).drop_duplicates("ticket_id", keep="last")
    return df.sort_values("ticket_id").reset_index(drop=True)[COLS]


def test_rows_are_the_upsert_and_only_the_files_holding_a_key_are_rewritten(tmp_path):
    db = tmp_path / "w.duckdb"
    first = _frame(["A", "B", "C", "D"], ["2024-01-05", "2024-01-20", "2024-02-03", "2024-03-09"])
    with warehouse.writer(db) as con:
        _upsert(con, first)
    listed = _listed(db)
    assert [(m.isoformat(), n) for m, _, n in listed] == [("2024-01-01", 2), ("2024-02-01", 1), ("2024-03-01", 1)]
    files = {m.isoformat(): f for m, f, _ in listed}
    # B moves from January to March; E is new in February
    second = _frame(["B", "E"], ["2024-03-15", "2024-02-10"], outcome="no_show")
    with warehouse.writer(db) as con:
        _upsert(con, second)
    got = _stored(db)
    pd.testing.assert_frame_equal(got, _expected(first, second), check_dtype=False)
    after = {}
    for m, f, n in _listed(db):
        after.setdefault(m.isoformat(), []).append((f, n))
    assert files["2024-01-01"] not in {f for f, _ in after["2024-01-01"]}  # held B: rewritten, A kept
    assert after["2024-01-01"][0][1] == 1
    assert (files["2024-02-01"], 1) in after["2024-02-01"]  # untouched: E went to a new file beside it
    assert (files["2024-03-01"], 1) in after["2024-03-01"]
    assert sum(n for v in after.values() for _, n in v) == len(got) == 5


def test_many_writes_to_one_month_are_merged_and_rows_kept(tmp_path):
    db = tmp_path / "w.duckdb"
    frames = []
    for i in range(parts.MAX_FILES + 3):
        df = _frame([f"T{i:02d}a", f"T{i:02d}b"], ["2024-05-03", "2024-05-04"])
        frames.append(df)
        with warehouse.writer(db) as con:
            _upsert(con, df)
        assert len(_listed(db)) <= parts.MAX_FILES
    pd.testing.assert_frame_equal(_stored(db), _expected(*frames), check_dtype=False)


def test_a_failed_write_leaves_the_list_and_removes_its_files(tmp_path):
    db = tmp_path / "w.duckdb"
    with warehouse.writer(db) as con:
        _upsert(con, _frame(["A"], ["2024-01-05"]))
    before_list, before_files = _listed(db), sorted(parts.folder(db).rglob("*.parquet"))
    with pytest.raises(RuntimeError), warehouse.writer(db) as con:
        _upsert(con, _frame(["A", "B"], ["2024-02-05", "2024-03-05"]))
        assert len(list(parts.folder(db).rglob("*.parquet"))) > len(before_files)  # parts were written
        raise RuntimeError("boom")
    assert _listed(db) == before_list
    assert sorted(parts.folder(db).rglob("*.parquet")) == before_files


def test_unlisted_files_stay_for_old_readers_then_go(tmp_path, monkeypatch):
    db = tmp_path / "w.duckdb"
    with warehouse.writer(db) as con:
        _upsert(con, _frame(["A", "B"], ["2024-01-05", "2024-01-06"]))
    old_reader = warehouse.connect_read(db)
    with warehouse.writer(db) as con:
        _upsert(con, _frame(["A"], ["2024-01-07"], outcome="no_show"))
    # the reader opened before the swap still reads its snapshot: its file is kept
    assert old_reader.execute("select outcome from counter_tickets where ticket_id = 'A'").fetchall() == [("served",)]
    old_reader.close()
    on_disk = {p.relative_to(parts.folder(db)).as_posix() for p in parts.folder(db).rglob("*.parquet")}
    listed = {f for _, f, _ in _listed(db)}
    assert len(on_disk - listed) == 1
    monkeypatch.setattr(parts, "GRACE_S", 0.0)
    with warehouse.writer(db):
        pass
    on_disk = {p.relative_to(parts.folder(db)).as_posix() for p in parts.folder(db).rglob("*.parquet")}
    assert on_disk == listed


def test_an_older_warehouse_has_its_facts_moved_out_and_shrinks(tmp_path):
    db = tmp_path / "w.duckdb"
    n = 300_000
    with warehouse.writer(db) as con:
        parts.insert(con, "counter_tickets",
                     "select 'T' || i as ticket_id, 'H' || (i % 7) as hall_id, "
                     "timestamp '2023-01-01' + to_seconds(i * 97) as issued_at, 'served' as outcome "
                     "from range($n) r(i)", {"n": n})
    want = _stored(db)
    parted = db.stat().st_size
    inline_facts(db)
    inline_size = db.stat().st_size
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select count(*) from counter_tickets").fetchone()[0] == n  # inside the file now
    con.close()
    with warehouse.writer(db):
        pass
    pd.testing.assert_frame_equal(_stored(db), want)
    con = warehouse.connect_read(db)
    views = {r[0] for r in con.execute("select view_name from duckdb_views() where database_name = 'wh'").fetchall()}
    months = con.execute("select count(*), sum(n_rows) from parts_files where table_name = 'counter_tickets'").fetchone()
    con.close()
    assert set(parts.PARTITIONED) <= views
    assert months[1] == n and months[0] == len(want["issued_at"].dt.to_period("M").unique())
    assert inline_size - parted > 1_000_000  # the rows took room in the file ...
    assert db.stat().st_size < parted + (inline_size - parted) / 4  # ... and it was given back


def test_copy_is_independent_of_its_source(tmp_path):
    db = tmp_path / "w.duckdb"
    with warehouse.writer(db) as con:
        _upsert(con, _frame(["A"], ["2024-01-05"]))
    copy = parts.copy_warehouse(db, tmp_path / "copy.duckdb")
    with warehouse.writer(copy) as con:
        _upsert(con, _frame(["A", "B"], ["2024-01-05", "2024-01-09"], outcome="no_show"))
    assert _stored(db)["outcome"].tolist() == ["served"]
    assert _stored(copy)["outcome"].tolist() == ["no_show", "no_show"]


CHILD = """
import sys
from dashboard import parts, warehouse
with warehouse.writer(sys.argv[1]) as con:
    for m in range(1, 13):  # a year of months, one big write each: parts are written for a while
        parts.insert(con, "counter_tickets",
                     "select 'K' || $m || '-' || i as ticket_id, 'H1' as hall_id, "
                     "make_timestamp(2025, $m, 1, 8, 0, 0) + to_seconds(i % 2000000) as issued_at, "
                     "md5(i::varchar) as customer_hash from range(400000) r(i)", {"m": m})
"""


@pytest.mark.slow
def test_kill_9_while_parts_are_written_leaves_the_warehouse_as_it_was(tmp_path, monkeypatch):
    db = tmp_path / "w.duckdb"
    first = _frame(["A", "B"], ["2024-01-05", "2024-02-06"])
    with warehouse.writer(db) as con:
        _upsert(con, first)
    before_bytes, before_list = db.read_bytes(), _listed(db)
    before_files = set(parts.folder(db).rglob("*.parquet"))
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(db)], stderr=subprocess.PIPE)
    # once the child has written its first part, 0.3 s further into writing parts
    kill_when(proc, lambda: bool(set(parts.folder(db).rglob("*.parquet")) - before_files), then_s=0.3)
    dead_files = set(parts.folder(db).rglob("*.parquet")) - before_files
    assert dead_files  # the dead writer left parts behind ...
    assert db.read_bytes() == before_bytes  # ... but the published warehouse is byte for byte the same
    assert _listed(db) == before_list
    pd.testing.assert_frame_equal(_stored(db), _expected(first), check_dtype=False)
    # the next write publishes normally and, past the grace, removes what the dead one left
    monkeypatch.setattr(parts, "GRACE_S", 0.0)
    second = _frame(["C"], ["2024-03-01"])
    with warehouse.writer(db) as con:
        _upsert(con, second)
    pd.testing.assert_frame_equal(_stored(db), _expected(first, second), check_dtype=False)
    assert not any(p.exists() for p in dead_files)
    assert not list(db.parent.glob(db.name + ".tmp-*"))


def test_the_tables_constraints_hold_for_parts(tmp_path):
    db = tmp_path / "w.duckdb"
    with warehouse.writer(db) as con:
        _upsert(con, _frame(["A"], ["2024-01-05"]))
    before = _listed(db)
    with pytest.raises(duckdb.ConstraintException), warehouse.writer(db) as con:
        _upsert(con, _frame(["B"], ["2024-01-06"], outcome="lost"))  # outcome is served / no_show / cancelled
    with pytest.raises(duckdb.ConstraintException), warehouse.writer(db) as con:
        parts.insert(con, "counter_tickets", "select 'C' as ticket_id, TIMESTAMP '2024-01-07' as issued_at")  # no hall
    assert _listed(db) == before
