"""Benchmark: what the demo-data flag costs (row hashes at build, recount after every write).

The demo records ``hash(t)`` of every row it stored (``demo_rows``) and the rollup
``90_demo_rows_left`` recounts the demo rows still stored after every write. Measured on
a ``small`` demo warehouse (built once, or ``--db`` an existing one), each a median of
``--runs`` runs on a private copy:

* marking (``demo_flag.mark``: hash every canonical row) vs the rest of the rollups
  (``refresh_rollups`` of every other script), in the same process;
* the recount (the ``90_demo_rows_left`` script) vs the same other rollups;
* a one-row real import into the demo warehouse, with the demo rows recorded vs with
  ``demo_rows`` emptied (the recount then joins against nothing);
* the size of ``demo_rows`` (copied alone into a fresh DuckDB file).

Usage::

    .venv/bin/python benchmarks/bench_demo_flag.py [--db WAREHOUSE] [--runs 3]

Writes ``benchmarks/results/demo_flag.md``.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402

from dashboard import demo_flag, parts, settings, warehouse  # noqa: E402
from dashboard.ingest import import_files  # noqa: E402

CSV = "社区编码,社区名称,区县,类型,户数,常住人口,60岁以上人口,经度,纬度\nBENCH1,测试社区,城东区,城市社区,900,2000,300,118.70,39.65\n"


def _timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def _on_copy(db: Path, tmp: Path, fn) -> float:
    """Run ``fn(con)`` in a transaction on a copy of ``db`` (rolled back); wall seconds."""
    copy = tmp / "copy.duckdb"
    parts.copy_warehouse(db, copy)
    con = duckdb.connect(str(copy), config={"threads": 2})
    try:
        con.execute("begin")
        took = _timed(lambda: fn(con))
        con.execute("rollback")
    finally:
        con.close()
        copy.unlink()
    return took


def _other_rollups(con) -> None:
    for path, _, _ in warehouse.rollup_plan():
        if path.name != "90_demo_rows_left.sql":
            con.execute(path.read_text(encoding="utf-8"))


def _recount(con) -> None:
    con.execute((settings.QUERIES_DIR / "rollups" / "90_demo_rows_left.sql").read_text(encoding="utf-8"))


def _import(db: Path, tmp: Path, empty_demo_rows: bool) -> float:
    copy = tmp / "imp.duckdb"
    parts.copy_warehouse(db, copy)
    if empty_demo_rows:
        c = duckdb.connect(str(copy))
        c.execute("delete from demo_rows")
        c.close()
    csv = tmp / "one.csv"
    csv.write_text(CSV, encoding="utf-8")
    try:
        return _timed(lambda: import_files("communities", [csv], db=copy))
    finally:
        for p in tmp.glob("imp.duckdb*"):
            p.unlink()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, help="an existing small demo warehouse (default: build one)")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench_demo_flag_") as d:
        tmp = Path(d)
        os.environ.setdefault("SERVICECIRCLE_KEY_FILE", str(tmp / "hash.key"))
        db = args.db
        if db is None:
            from dashboard.demo import build_demo

            db = tmp / "small.duckdb"
            build_demo("small", db=db, out_dir=tmp / "demo")
        con = warehouse.connect_read(db)
        n_rows = con.execute("select count(*) from demo_rows").fetchone()[0]
        by_table = con.execute("select table_name, count(*) from demo_rows group by 1 order by 2 desc").fetchall()
        con.close()
        runs = {k: [] for k in ("mark", "recount", "rollups", "import_flag", "import_noflag")}
        for _ in range(args.runs):
            runs["mark"].append(_on_copy(db, tmp, lambda c: demo_flag.mark(c, scale="small", seed=1)))
            runs["recount"].append(_on_copy(db, tmp, _recount))
            runs["rollups"].append(_on_copy(db, tmp, _other_rollups))
            runs["import_flag"].append(_import(db, tmp, empty_demo_rows=False))
            runs["import_noflag"].append(_import(db, tmp, empty_demo_rows=True))
        size_db = tmp / "rows_only.duckdb"
        c = duckdb.connect(str(size_db))
        c.execute("attach $p as wh (read_only)", {"p": str(db)})
        c.execute("create table demo_rows as select * from wh.demo_rows")
        c.execute("checkpoint")
        c.close()
        rows_mb = size_db.stat().st_size / 1e6
        wh_mb = Path(db).stat().st_size / 1e6
    med = {k: statistics.median(v) for k, v in runs.items()}
    fmt = lambda v: ", ".join(f"{x:.2f}" for x in v)  # noqa: E731
    lines = [
        "# Demo-data flag: cost of the row hashes and the recount",
        "",
        f"`benchmarks/bench_demo_flag.py --runs {args.runs}` on the team machine "
        f"({os.cpu_count()} CPU cores, Python {platform.python_version()}), `small` demo warehouse.",
        "",
        f"Demo rows recorded: {n_rows:,} ({', '.join(f'{t} {n:,}' for t, n in by_table)}).",
        "",
        "| measure | median | runs |",
        "|---|---|---|",
        f"| mark: hash every canonical row (once, in the demo's write) | {med['mark']:.2f} s | {fmt(runs['mark'])} |",
        f"| recount: rollup 90_demo_rows_left (every write) | {med['recount']:.2f} s | {fmt(runs['recount'])} |",
        f"| baseline: every other rollup script | {med['rollups']:.2f} s | {fmt(runs['rollups'])} |",
        f"| ratio recount / other rollups | {med['recount'] / med['rollups']:.2f}x | |",
        f"| ratio mark / other rollups | {med['mark'] / med['rollups']:.2f}x | |",
        f"| one-row communities import into the demo warehouse | {med['import_flag']:.2f} s | {fmt(runs['import_flag'])} |",
        f"| the same with demo_rows emptied | {med['import_noflag']:.2f} s | {fmt(runs['import_noflag'])} |",
        f"| ratio with / without the recorded rows | {med['import_flag'] / med['import_noflag']:.2f}x | |",
        f"| demo_rows alone in a DuckDB file | {rows_mb:.1f} MB | warehouse {wh_mb:.1f} MB |",
        "",
        "The recount runs only in writes (imports, the demo); pages read the one-row result.",
        "A one-row import rebuilds only the rollups that read `communities`, and the recount",
        "reads every canonical table, so its share of such a write is at its largest here.",
    ]
    out = ROOT / "benchmarks" / "results" / "demo_flag.md"
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
