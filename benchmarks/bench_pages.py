"""Benchmark: every metric page's full query set at city scale (warm median, cold).

Usage::

    .venv/bin/python benchmarks/bench_pages.py [--db PATH] [--tickets 20000000] [--runs 7]

With ``--db`` pointing at an existing warehouse (e.g. ``servicecircle demo --scale city``)
it times that; otherwise it builds a synthetic city-scale warehouse with SQL (1,500
communities, 40 halls, 800 rooms in staggered waves, ``--tickets`` counter tickets over
3 years, 3M hotline orders, 2M room visits) through :func:`dashboard.warehouse.writer`,
so the rollups are refreshed exactly as an import does, and times it.

Baseline in the same process: the mean/P90 wait computed by a full scan of
``counter_tickets`` (what a page would cost without rollups). Also checks that the
rollup P90 is within 10 s of the exact ``quantile_cont`` over the raw rows. Writes
``benchmarks/results/pages.md`` and ``benchmarks/results/pages.json``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dashboard import warehouse  # noqa: E402
from dashboard.analysis import metrics  # noqa: E402
from dashboard.analysis.filters import Filters  # noqa: E402
from dashboard.analysis.page_queries import bench  # noqa: E402

SYNTH = """
insert into communities
select 'C' || i, 'community ' || i, 'D' || (i % 12), null,
       case when i % 3 = 0 then 'rural' else 'urban' end,
       200 + (i * 37) % 3000, 600 + (i * 91) % 9000, 100 + (i * 13) % 2000, (i * 7) % 50,
       117.0 + (i % 40) * 0.01, 36.0 + (i // 40) * 0.01, null
from range(1500) t(i);

insert into business_halls
select 'H' || i, 'hall ' || i, 'D' || (i % 12), 117.0 + i * 0.01, 36.0, 4 + i % 6 from range(40) t(i);

insert into service_rooms
select 'R' || i, 'room ' || i, 'C' || i, ['C' || i, 'C' || (i + 800)], 117.0, 36.0,
       date '2023-07-01' + cast((i % 10) * 73 as integer), null,
       case when i % 4 = 0 then ['sat', 'sun'] else ['tue', 'thu'] end, '09:00-16:00', 1 + i % 2
from range(700) t(i);

insert into counter_tickets
select cast(i as varchar), 'H' || (i % 40), null,
       ['consultation','query','payment','fault_report','application','agency','complaint','promotion','other'][1 + (i * 7) % 9],
       ts, ts + to_seconds(w), ts + to_seconds(w), ts + to_seconds(w + 300), null,
       case when i % 20 = 0 then 'no_show' when i % 33 = 0 then 'cancelled' else 'served' end,
       null, case when i % 10 = 0 then null else 'C' || ((i * 13) % 1500) end, false
from (
    select i,
        timestamp '2023-01-01 08:30:00' + to_seconds((i % 1095) * 86400 + (hash(i) % 30600)) as ts,
        cast(-ln(1 - (hash(i * 3) % 100000) / 100000.0) * 720 as bigint) as w
    from range($n) t(i)
);

insert into hotline_orders
select 'O' || i, ts,
       ['consultation','fault_repair','complaint','report','opinion','praise','service_request','reminder'][1 + (i * 5) % 8],
       null, case when i % 17 = 0 then null else 'C' || ((i * 7) % 1500) end,
       case when ((i * 7) % 1500) % 3 = 0 then 'rural' else 'urban' end, null,
       ts + to_seconds(600 + hash(i) % 6000), ts + to_seconds(3600 + hash(i * 5) % 18000), null,
       ['satisfied','basically_satisfied','dissatisfied','no_callback'][1 + i % 4], null
from (select i, timestamp '2023-01-01' + to_seconds(hash(i) % (1095 * 86400)) as ts from range(3000000) t(i));

insert into room_visits
select 'V' || i, 'R' || (i % 700), timestamp '2023-07-01 09:00' + to_seconds((i % 900) * 86400),
       ['consultation','query','payment','fault_report','application','agency'][1 + i % 6],
       ['general','elderly','disabled','military_family','low_income'][1 + (i * 3) % 5],
       case when i % 9 = 0 then 'home_visit' else 'walk_in' end, null, true, null
from range(2000000) t(i);

insert into staff
select 'h1:s' || i, case when i % 5 < 4 then 'meter_reader' else 'cashier' end, 'customer_manager',
       'R' || (i % 700), date '2023-06-01'
from range(1000) t(i);
"""


def build(db: Path, n_tickets: int) -> float:
    t0 = time.perf_counter()
    with warehouse.writer(db, memory_limit="6GB") as con:
        con.execute(SYNTH.replace("$n", str(int(n_tickets))))
    return time.perf_counter() - t0


def full_scan_ms(db: Path, runs: int) -> tuple[float, float]:
    """Median ms of mean + P90 wait by a full scan of counter_tickets; exact P90 (s)."""
    con = warehouse.connect_read(db)
    sql = """select avg(epoch(called_at - issued_at)), quantile_cont(epoch(called_at - issued_at), 0.9)
             from counter_tickets where outcome = 'served' and called_at >= issued_at"""
    times, p90 = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        _, p90 = con.execute(sql).fetchone()
        times.append((time.perf_counter() - t0) * 1000)
    con.close()
    return statistics.median(times), float(p90)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", type=Path)
    ap.add_argument("--tickets", type=int, default=20_000_000)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    args = ap.parse_args()
    db = args.db or Path("/tmp/servicecircle_bench_city.duckdb")
    build_s = None
    if not db.exists():
        build_s = build(db, args.tickets)
    res = bench(db, runs=args.runs)
    filt = Filters(districts=("D1", "D2"))
    res_f = bench(db, runs=args.runs, filters=filt)
    scan_ms, exact_p90 = full_scan_ms(db, 3)
    con = warehouse.connect_read(db)
    ts = metrics.ticket_summary(con, Filters())
    n = con.execute("select count(*) from counter_tickets").fetchone()[0]
    con.close()
    out = {
        "db": str(db), "tickets": n, "build_s": build_s, "default_view": res,
        "districts_filter": res_f["pages"], "full_scan_wait_ms": round(scan_ms, 1),
        "p90_rollup_s": ts["wait_p90_min"] * 60, "p90_exact_s": exact_p90,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "pages.json").write_text(json.dumps(out, indent=2))
    lines = [
        "# Page query sets at city scale", "",
        f"Warehouse: `{db}` with {n:,} counter tickets"
        + (f" (synthetic, built with rollups in {build_s:.0f} s)" if build_s else "") + ".",
        f"Runs: cold = first run on a fresh connection; warm = median of {args.runs} runs, one process, "
        "2 shared CPU cores.", "",
        "| page | warm median ms | cold ms | warm ms, 2 districts |", "|---|---:|---:|---:|",
    ]
    for name, r in res["pages"].items():
        lines.append(f"| {name} | {r['median_ms']} | {r['cold_ms']} | {res_f['pages'][name]['median_ms']} |")
    lines += [
        "",
        f"Baseline in the same process: mean + P90 wait by a full scan of `counter_tickets`: "
        f"{scan_ms:.0f} ms (one KPI; a page needs several).",
        f"P90 wait from the 10-second histogram rollup: {out['p90_rollup_s']:.1f} s; exact "
        f"`quantile_cont`: {exact_p90:.1f} s; difference {abs(out['p90_rollup_s'] - exact_p90):.1f} s.",
    ]
    (args.out / "pages.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
