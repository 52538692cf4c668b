"""Incremental rollups (:mod:`dashboard.rollup_months`) against the full rebuild, cell by
cell, after random sequences of imports into the tiny demo city: new days (some in new
months), corrections that move stored rows to other months, re-sent duplicates, and
mixes of these, for tickets, hotline orders and room visits."""

from __future__ import annotations

import random
from pathlib import Path

import pandas as pd
import pytest

from dashboard import parts, rollup_months, warehouse
from dashboard.ingest.importer import import_files
from tests.tiny_demo import tiny_db

FACTS = {  # import table -> (warehouse table, key, timestamp columns)
    "tickets": ("counter_tickets", "ticket_id", ("issued_at", "called_at", "started_at", "finished_at")),
    "hotline": ("hotline_orders", "order_id", ("received_at", "dispatched_at", "arrived_at", "restored_at", "closed_at")),
    "visits": ("room_visits", "visit_id", ("visited_at",)),
}
LEFT_OUT = ("customer_hash", "community_source")  # hashed at import / derived: not columns of an export


@pytest.fixture(scope="module")
def city(tmp_path_factory) -> Path:
    return tiny_db(tmp_path_factory, "rollup_months")


def _rollup_tables() -> list[str]:
    return sorted(set().union(*(c for _, c, _ in warehouse.rollup_plan())))


def _export(db: Path, table: str, kind: str, step: int, rng: random.Random, out: Path) -> Path:
    """A CSV with canonical headers: ``kind`` (new, correct or mix) of rows drawn from
    ``table`` as stored."""
    name, key, times = FACTS[table]
    con = warehouse.connect_read(db)
    try:
        cols = [r[0] for r in con.execute(f"describe {name}").fetchall() if r[0] not in LEFT_OUT]
        seed = rng.randrange(1_000_000)

        def shifted(days: int, new_ids: bool, where: str, n: int) -> str:
            sel = []
            for c in cols:
                if c in times:
                    sel.append(f"{c} + interval ({days}) day as {c}")
                elif c == key and new_ids:
                    sel.append(f"{c} || '-n{step}' as {c}")
                else:
                    sel.append(c)
            return (f"select {', '.join(sel)} from (select * from {name} where {where} "
                    f"using sample {n} rows (reservoir, {seed}))")

        last = f"(select max({times[0]}) from {name})"
        parts = {
            # the last two days again, moved 1-40 days later as new rows (often into a new month)
            "new": shifted(rng.randint(1, 40), True, f"{times[0]} >= {last} - interval 2 day", 10_000),
            # stored rows moved 20-60 days earlier or later: updates that leave one month for another
            "correct": shifted(rng.choice([-1, 1]) * rng.randint(20, 60), False, "true", 25),
        }
        chosen = {"mix": ["new", "correct"]}.get(kind, [kind])
        sql = " union all ".join(f"({parts[k]})" for k in chosen)
        path = out / f"{table}-{step}-{kind}.csv"
        con.execute(f"copy ({sql}) to '{path}' (header)")
        return path
    finally:
        con.close()


def _tables(db: Path) -> dict[str, pd.DataFrame]:
    con = warehouse.connect_read(db)
    try:
        return {t: con.execute(f"select * from {t} order by all").df() for t in _rollup_tables()}
    finally:
        con.close()


def _full_rebuild(db: Path, work: Path) -> dict[str, pd.DataFrame]:
    full = work / "full.duckdb"
    parts.copy_warehouse(db, full)
    with warehouse.writer(full, refresh=False) as con:
        warehouse.refresh_rollups(con)  # every script, every statement in full
    out = _tables(full)
    full.unlink()
    return out


@pytest.mark.parametrize("seed", [1, 2])
def test_incremental_equals_full_after_random_imports(city, tmp_path, monkeypatch, seed):
    db = tmp_path / "wh.duckdb"
    parts.copy_warehouse(city, db)
    calls = []
    real = rollup_months.Months.run_script
    monkeypatch.setattr(rollup_months.Months, "run_script",
                        lambda self, text: (calls.append(dict(self.changed)), real(self, text))[1])
    rng = random.Random(seed)
    kinds = ["new", "correct", "same", "mix"]
    sent: list[tuple[str, Path]] = []
    for step in range(6):
        kind = kinds[step % 4] if step < 4 else rng.choice(kinds)
        if kind == "same":  # the previous file sent again
            table, path = sent[-1]
        else:
            table = rng.choice(list(FACTS))
            path = _export(db, table, kind, step, rng, tmp_path)
        sent.append((table, path))
        calls.clear()
        res = import_files(table, [path], db=db).as_dict()
        assert res["rejected"] == 0, res
        written = res["stored"] + res["updated"]
        if kind == "same":
            assert written == 0 and not calls, "a file of duplicates rebuilds no rollup"
        else:
            assert written > 0
            assert calls and all(set(c) == {FACTS[table][0]} and c[FACTS[table][0]] for c in calls), \
                "the import took the incremental path with its months"
        got, want = _tables(db), _full_rebuild(db, tmp_path)
        for name in want:
            g, w = got[name].reset_index(drop=True), want[name].reset_index(drop=True)
            assert len(g) == len(w), f"step {step} ({table}, {kind}): {name} has {len(g)} rows, full rebuild {len(w)}"
            pd.testing.assert_frame_equal(g, w, check_exact=False, rtol=1e-9, check_dtype=False,
                                          obj=f"step {step} ({table}, {kind}): {name}")


def test_touched_months_cover_old_and_new_versions(city, tmp_path):
    """A correction marks the month a row leaves as well as the month it moves to."""
    db = tmp_path / "wh.duckdb"
    parts.copy_warehouse(city, db)
    con = warehouse.connect_read(db)
    try:
        tid, issued = con.execute("select ticket_id, issued_at from counter_tickets "
                                  "where called_at is not null order by ticket_id limit 1").fetchone()
        cols = [r[0] for r in con.execute("describe counter_tickets").fetchall() if r[0] not in LEFT_OUT]
        path = tmp_path / "one.csv"
        sel = ", ".join(f"{c} + interval 70 day as {c}" if c in FACTS["tickets"][2] else c for c in cols)
        con.execute(f"copy (select {sel} from counter_tickets where ticket_id = $t) to '{path}' (header)", {"t": tid})
    finally:
        con.close()
    seen = {}
    real = warehouse.refresh_rollups

    def spy(con, changed=None):
        seen["changed"] = changed
        return real(con, changed)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(warehouse, "refresh_rollups", spy)
        import_files("tickets", [path], db=db)
    old = pd.Timestamp(issued).to_period("M").to_timestamp().date()
    new = (pd.Timestamp(issued) + pd.Timedelta(days=70)).to_period("M").to_timestamp().date()
    assert old != new
    assert {old, new} <= set(seen["changed"]["counter_tickets"])
