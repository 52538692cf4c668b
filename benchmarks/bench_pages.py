"""Benchmark: every metric page's full query set at city scale (warm median, cold).

Usage::

    .venv/bin/python benchmarks/bench_pages.py [--db PATH] [--tickets 20000000] [--runs 7]
        [--baseline-rev REV] [--refresh]

With ``--db`` pointing at an existing warehouse (e.g. ``servicecircle demo --scale city``)
it times that; otherwise it builds a synthetic city-scale warehouse
(:mod:`benchmarks.synth_city`: 1,500 communities, 40 halls, 700 rooms in staggered waves,
``--tickets`` counter tickets over 3 years, 3M hotline orders, 2M room visits) through
:func:`dashboard.warehouse.writer`, so the rollups are refreshed exactly as an import does,
and times it.

Views timed: the default view, two districts, one roll-out wave, and a range with partial
months at both ends. Baselines in the same process: the metrics of an earlier git
revision (``--baseline-rev``, default the version before the city-scale rollups), loaded
with its own named queries and run alternately with this version on the same warehouse
(possible where that revision's rollup tables are still in the file, e.g. a warehouse
built by it and then refreshed by this one); and the mean/P90 wait by a full scan of
``counter_tickets``. ``--refresh`` first rebuilds every rollup and times each script (an
import's extra cost). Also checks that the rollup P90 is within 10 s of the exact
``quantile_cont`` over the raw rows, and notes the load average (the 2 cores are shared).
Writes ``benchmarks/results/pages.md`` and ``benchmarks/results/pages.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import io
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import synth_city  # noqa: E402
from dashboard import warehouse  # noqa: E402
from dashboard.analysis import metrics  # noqa: E402
from dashboard.analysis.filters import Filters  # noqa: E402
from dashboard.analysis.page_queries import PAGE_CALLS, run_page  # noqa: E402

BASELINE_REV = "4aeabe5"
"""The metrics before the city-scale rollups (timed alongside by default)."""
WAVE_PROBE = "2024Q1"
"""The wave of the wave-filter view."""

def build(db: Path, n_tickets: int) -> float:
    t0 = time.perf_counter()
    with warehouse.writer(db, memory_limit="6GB") as con:
        synth_city.write_city(con, n_tickets=n_tickets)
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


def refresh_all(db: Path) -> tuple[float, dict[str, float]]:
    """Rebuild every rollup of an existing warehouse (a write that marks no table) and time
    each rollup script; returns (total seconds, {script: seconds})."""
    per: dict[str, float] = {}
    orig = warehouse._run_script

    def timed(con, text):
        t0 = time.perf_counter()
        orig(con, text)
        per[text.split("\n", 1)[0][:70]] = round(time.perf_counter() - t0, 1)

    warehouse._run_script = timed
    try:
        t0 = time.perf_counter()
        with warehouse.writer(db, memory_limit="6GB"):
            pass
        return time.perf_counter() - t0, per
    finally:
        warehouse._run_script = orig


def load_revision(rev: str) -> ModuleType:
    """The metrics module of git revision ``rev`` with its own ``queries/metrics`` (read
    from a temporary copy), to time the previous version in this process. It reads the
    warehouse's tables, so it works where that revision's rollup tables still exist."""
    tmp = Path(tempfile.mkdtemp(prefix=f"pages_{rev[:8]}_"))
    blob = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "dashboard/analysis/metrics.py",
                           "queries/metrics"], capture_output=True, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(blob)) as tar:
        tar.extractall(tmp, filter="data")
    spec = importlib.util.spec_from_file_location(f"metrics_{rev[:8]}", tmp / "dashboard/analysis/metrics.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    qdir = tmp / "queries"

    def query(con, name, params=None):
        text = (qdir / f"{name}.sql").read_text(encoding="utf-8")
        return con.execute(text, {k: v for k, v in (params or {}).items() if f"${k}" in text}).df()

    mod.query = query
    return mod


def compare(db: Path, runs: int, filters: Filters | None, old: ModuleType | None) -> dict[str, dict]:
    """Per page: cold run (fresh connection) and warm median (wall and CPU ms) of this
    version, and of ``old`` when given, the two alternating run by run so both see the
    same machine load."""
    out: dict[str, dict] = {}
    versions = [("new", metrics)] + ([("old", old)] if old is not None else [])
    for page in PAGE_CALLS:
        cons, res = {}, {}
        try:
            for tag, mod in versions:
                cons[tag] = warehouse.connect_read(db)
                t0 = time.perf_counter()
                run_page(cons[tag], page, filters, mod)
                res[tag] = {"cold_ms": (time.perf_counter() - t0) * 1000, "wall": [], "cpu": []}
            for _ in range(runs):
                for tag, mod in versions:
                    w0, c0 = time.perf_counter(), time.process_time()
                    run_page(cons[tag], page, filters, mod)
                    res[tag]["wall"].append((time.perf_counter() - w0) * 1000)
                    res[tag]["cpu"].append((time.process_time() - c0) * 1000)
        finally:
            for c in cons.values():
                c.close()
        out[page] = {tag: {"median_ms": round(statistics.median(r["wall"]), 1),
                           "cpu_ms": round(statistics.median(r["cpu"]), 1),
                           "cold_ms": round(r["cold_ms"], 1)} for tag, r in res.items()}
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", type=Path)
    ap.add_argument("--tickets", type=int, default=20_000_000)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--baseline-rev", default=BASELINE_REV,
                    help="git revision whose metrics to time alongside ('' to skip)")
    ap.add_argument("--refresh", action="store_true", help="rebuild every rollup first and time it")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    args = ap.parse_args()
    db = args.db or Path("/tmp/servicecircle_bench_city.duckdb")
    build_s = refresh_s = None
    per_script: dict[str, float] = {}
    if not db.exists():
        build_s = build(db, args.tickets)
    elif args.refresh:
        refresh_s, per_script = refresh_all(db)
    old = None
    old_note = ""
    if args.baseline_rev:
        try:
            old = load_revision(args.baseline_rev)
            probe = warehouse.connect_read(db)
            try:
                run_page(probe, "overview", None, old)
            finally:
                probe.close()
        except Exception as exc:  # noqa: BLE001 - the old version may need tables now gone
            old, old_note = None, f"previous version {args.baseline_rev} not timed: {exc}"
    load0 = os.getloadavg()
    views = {
        "default": None,
        "2 districts": Filters(districts=("D1", "D2")),
        "1 wave": Filters(waves=(WAVE_PROBE,)),
        "partial months": Filters(date_from=dt.date(2024, 3, 15), date_to=dt.date(2025, 2, 10)),
    }
    res = {name: compare(db, args.runs, f, old) for name, f in views.items()}
    load1 = os.getloadavg()
    scan_ms, exact_p90 = full_scan_ms(db, 3)
    con = warehouse.connect_read(db)
    ts = metrics.ticket_summary(con, Filters())
    n = con.execute("select count(*) from counter_tickets").fetchone()[0]
    con.close()
    out = {
        "db": str(db), "tickets": n, "build_s": build_s, "refresh_s": refresh_s,
        "refresh_per_script_s": per_script, "baseline_rev": args.baseline_rev if old else None,
        "load_avg_before": load0, "load_avg_after": load1, "views": res,
        "full_scan_wait_ms": round(scan_ms, 1),
        "p90_rollup_s": ts["wait_p90_min"] * 60, "p90_exact_s": exact_p90,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "pages.json").write_text(json.dumps(out, indent=2))
    lines = [
        "# Page query sets at city scale", "",
        f"Warehouse: `{db}` with {n:,} counter tickets"
        + (f" (synthetic, built with rollups in {build_s:.0f} s)" if build_s else "") + ".",
        f"Runs: cold = first run on a fresh connection; warm = median of {args.runs} runs in one "
        "process (wall ms, and CPU ms of the process: DuckDB's threads included, less sensitive "
        f"to other jobs); 2 CPU cores shared with other work: load average {load0[0]:.1f} before, "
        f"{load1[0]:.1f} after.",
    ]
    if old is not None:
        lines.append(f"`prev` = the metrics of revision `{args.baseline_rev}` (its own queries) on the "
                     "same warehouse, alternating run by run with this version; ratio = prev / now (wall).")
    elif old_note:
        lines.append(old_note)
    for view, r in res.items():
        lines += ["", f"### {view}", ""]
        if old is not None:
            lines += ["| page | warm ms | CPU ms | cold ms | prev warm ms | prev cold ms | ratio |",
                      "|---|---:|---:|---:|---:|---:|---:|"]
            for page, v in r.items():
                a, b = v["new"], v["old"]
                lines.append(f"| {page} | {a['median_ms']} | {a['cpu_ms']} | {a['cold_ms']} | {b['median_ms']} | "
                             f"{b['cold_ms']} | {b['median_ms'] / a['median_ms']:.1f}x |")
        else:
            lines += ["| page | warm ms | CPU ms | cold ms |", "|---|---:|---:|---:|"]
            for page, v in r.items():
                a = v["new"]
                lines.append(f"| {page} | {a['median_ms']} | {a['cpu_ms']} | {a['cold_ms']} |")
    lines += [
        "",
        f"Full scan in the same process: mean + P90 wait over `counter_tickets`: {scan_ms:.0f} ms "
        "(one KPI; a page needs several).",
        f"P90 wait from the 10-second histogram rollup: {out['p90_rollup_s']:.1f} s; exact "
        f"`quantile_cont`: {exact_p90:.1f} s; difference {abs(out['p90_rollup_s'] - exact_p90):.1f} s.",
    ]
    if refresh_s is not None:
        lines += ["", f"Rollup rebuild (every script, one write): {refresh_s:.0f} s; per script (s): "
                  + ", ".join(f"`{k[3:40].strip()}` {v}" for k, v in per_script.items() if v >= 0.5)]
    (args.out / "pages.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
