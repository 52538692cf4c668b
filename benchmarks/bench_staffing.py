"""Benchmark: the counter staffing table at small demo scale (page fragment and CLI).

On a demo warehouse (``--db``; default: build the ``small`` demo into a temporary
directory, ~3 minutes), in one process:

* ``load_inputs``: :func:`dashboard.analysis.staffing.load_inputs` end to end (the
  period's hall-hour cells, the counter-visit effect estimate, the catchment and the
  arrivals taken away) — cold, then the median of ``--runs`` warm runs; the page caches
  it per data version;
* ``staffing``: :func:`dashboard.analysis.staffing.staffing` at one target (what the
  Staffing fragment recomputes when the target changes) — median of ``--runs``;
* baselines in the same process: reading the period's cells alone
  (``queries/staffing/hall_cells.sql``) and, for the table, the counters needed per
  *draw* of the effect (``--draws`` draws, every row recomputed per draw) instead of at
  the 7 quantiles (exact because the freed hours are monotone in the arrivals taken).

Writes ``benchmarks/results/staffing.md`` (``--out``).

Usage::

    .venv/bin/python benchmarks/bench_staffing.py [--db PATH] [--runs 5] [--draws 400] [--out FILE]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dashboard import warehouse
from dashboard.analysis import staffing


def _ms(fn, runs: int) -> tuple[float, list[float], object]:
    times, out = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        out = fn()
        times.append((time.perf_counter() - t0) * 1000.0)
    return statistics.median(times), times, out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, help="demo warehouse (default: build the small demo)")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--draws", type=int, default=400)
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "staffing.md")
    args = ap.parse_args(argv)

    tmp = None
    db = args.db
    if db is None:
        from dashboard.demo import build_demo

        tmp = tempfile.TemporaryDirectory(prefix="bench_staffing_")
        os.environ.setdefault("SERVICECIRCLE_KEY_FILE", str(Path(tmp.name) / "hash.key"))
        db = Path(tmp.name) / "wh.duckdb"
        print("building the small demo ...", flush=True)
        build_demo("small", db=db, out_dir=Path(tmp.name) / "demo")

    con = warehouse.connect_read(db)
    try:
        t0 = time.perf_counter()
        inputs = staffing.load_inputs(con)
        cold_ms = (time.perf_counter() - t0) * 1000.0
        load_ms, _, _ = _ms(lambda: staffing.load_inputs(con), args.runs)
        period = inputs.period
        cells_ms, _, cells = _ms(lambda: warehouse.query(con, "staffing/hall_cells", {
            "districts": None, "hall_ids": None, "month_from": period[0], "month_to": period[1]}), args.runs)
        table_ms, _, res = _ms(lambda: staffing.staffing(inputs, 15.0), args.runs)
        rng = np.random.default_rng(0)
        draws = rng.normal(1.0, inputs.effect["scale_se"], args.draws)
        draws_ms, _, _ = _ms(lambda: staffing.staffing_table(inputs.cells, 15.0, draws), max(1, args.runs // 2))
        n_tickets = int(con.execute("select count(*) from counter_tickets").fetchone()[0])
        n_halls = int(res.halls.shape[0])
    finally:
        con.close()

    models = ", ".join(f"{m}: {n}" for m, n in res.halls["model"].value_counts().items())
    lines = [
        "# Counter staffing benchmark",
        "",
        (f"`benchmarks/bench_staffing.py --runs {args.runs} --draws {args.draws}` on the small demo "
        f"({n_tickets:,} counter tickets, {n_halls} halls, period {period[0]} to {period[1]}, "
        f"{len(cells):,} hall-hour cells, {len(res.rows):,} hall x weekday x hour rows; models {models}); "
        f"2 shared CPU cores; 1-minute load average at the end {os.getloadavg()[0]:.1f} "
        "(other jobs shared the cores; an idle machine is faster)."),
        "",
        "| step | cold ms | median ms | baseline | baseline ms | ratio |",
        "|---|---|---|---|---|---|",
        (f"| load_inputs (cells + counter-visit effect + arrivals taken) | {cold_ms:.1f} | {load_ms:.1f} | "
        f"period cells query alone | {cells_ms:.1f} | {load_ms / cells_ms:.1f} |"),
        (f"| staffing at one target (7 quantiles) | – | {table_ms:.1f} | "
        f"every row per draw ({args.draws} draws) | {draws_ms:.1f} | {table_ms / draws_ms:.2f} |"),
        "",
        (f"Freed counter-hours a week at 15 min: median {res.freed['median']:.0f}, "
        f"low {res.freed['low']:.0f}, high {res.freed['high']:.0f}."),
        "",
        ("The page caches `load_inputs` per data version; a new target reruns only the Staffing "
        "fragment, i.e. the `staffing` row. Most of `load_inputs` is the counter-visit effect "
        "estimate (Callaway-Sant'Anna), not the staffing table."),
    ]
    text = "\n".join(lines) + "\n"
    args.out.write_text(text, encoding="utf-8")
    print(text)
    if tmp is not None:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
