"""Benchmark: what keeping undo data costs an import, and what an undo costs.

Three steps on the 2-core machine, each in a child process of its own (peak RSS is the
step's own):

1. import the 5-million-row counter-ticket CSV of ``bench_import.py`` into a warehouse that
   holds only the halls (every row new: undo keeps 5M keys);
2. import a correction file of 1,000,000 of the same tickets with other values into it
   (every row updated: undo keeps 1M whole earlier versions);
3. undo the correction, then undo the first import (this code only).

Steps 1 and 2 run with this code (or ``--code DIR``) and with ``--base DIR``, a copy of the
code before undo existed (e.g. ``git archive <commit> | tar -x -C DIR``), alternately, ``--runs`` times each, so
both see the same machine load. The warehouse file size after each step is recorded.

Usage::

    .venv/bin/python benchmarks/bench_import_undo.py --base /tmp/undo_base [--rows 5000000] [--fix 1000000] [--runs 2]

Prints a Markdown section (``--out`` writes it to a file).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import bench_import as tickets_bench
from dashboard import parts  # noqa: E402 (after the path is set)

_CHILD = r"""
import json, os, resource, sys, time
mode, db, arg = sys.argv[1:4]
t0 = time.perf_counter()
if mode == "undo":
    from dashboard.ingest.undo import undo_import
    r = undo_import(arg, db=db).as_dict()
else:
    import dashboard.ingest
    from dashboard.ingest import import_files
    res = import_files(mode, [arg], db=db)
    r = {**res.as_dict(), "import_id": res.files[0].import_id, "code": dashboard.ingest.__file__}
wall = time.perf_counter() - t0
ru = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"wall_s": wall, "cpu_s": ru.ru_utime + ru.ru_stime, "peak_rss_mb": ru.ru_maxrss / 1024,
                  "load1": os.getloadavg()[0], "size_mb": os.path.getsize(db) / 2**20, "result": r}))
"""


def child(src: Path, mode: str, db: Path, arg: str, env: dict) -> dict:
    out = subprocess.run([sys.executable, "-c", _CHILD, mode, str(db), arg], check=True, capture_output=True,
                         text=True, env={**env, "PYTHONPATH": str(src)}, cwd=src)
    return json.loads(out.stdout.strip().splitlines()[-1])


def make_fix(path: Path, n: int) -> None:
    """``n`` of the tickets with other values (another counter, the times of an ``n``-row file)."""
    import duckdb

    cols = tickets_bench._IMPORT_COLUMNS.replace("cast(1 + hash(i, 4) % 6 as varchar)", "cast(7 + hash(i, 4) % 6 as varchar)")
    con = duckdb.connect()
    con.execute(f"copy ({tickets_bench.ticket_select(cols)}) to '{path}' (header, delimiter ',')", {"n": n})
    con.close()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", type=Path, required=True, help="the code before undo existed")
    ap.add_argument("--code", type=Path, default=ROOT, help="the code with undo (default this checkout)")
    ap.add_argument("--rows", type=int, default=5_000_000)
    ap.add_argument("--fix", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=2)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    work, env = tickets_bench.private_workdir("sc-bench-undo-")
    try:
        csv, fix = work / "tickets.csv", work / "fix.csv"
        tickets_bench.make_csv(csv, args.rows)
        make_fix(fix, args.fix)
        halls = work / "halls.duckdb"
        tickets_bench.make_halls(halls, work)
        got: dict[str, dict[str, list[dict]]] = {"base": {"import": [], "fix": []}, "undo": {"import": [], "fix": []}}
        undos: list[dict] = []
        for run in range(args.runs):
            for name, src in (("base", args.base), ("undo", args.code)):
                db = work / f"{name}-{run}.duckdb"
                parts.copy_warehouse(halls, db)
                first = child(src, "tickets", db, str(csv), env)
                second = child(src, "tickets", db, str(fix), env)
                assert first["result"]["code"].startswith(str(src)), first["result"]["code"]
                got[name]["import"].append(first)
                got[name]["fix"].append(second)
                if name == "undo":
                    u_fix = child(src, "undo", db, second["result"]["import_id"], env)
                    u_all = child(src, "undo", db, first["result"]["import_id"], env)
                    undos.append({"fix": u_fix, "all": u_all})
                db.unlink()
        print(report(args, got, undos))
        if args.out:
            args.out.write_text(report(args, got, undos), encoding="utf-8")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def report(args, got: dict, undos: list[dict]) -> str:
    def med(runs: list[dict], k: str) -> float:
        return statistics.median(r[k] for r in runs)

    def line(step: str, label: str) -> str:
        b, u = got["base"][step], got["undo"][step]
        return (f"| {label} | {med(b, 'wall_s'):.1f} s / {med(u, 'wall_s'):.1f} s "
                f"({100 * (med(u, 'wall_s') / med(b, 'wall_s') - 1):+.0f} %) "
                f"| {med(b, 'cpu_s'):.1f} s / {med(u, 'cpu_s'):.1f} s "
                f"({100 * (med(u, 'cpu_s') / med(b, 'cpu_s') - 1):+.0f} %) "
                f"| {med(b, 'peak_rss_mb'):.0f} / {med(u, 'peak_rss_mb'):.0f} MB "
                f"| {med(b, 'size_mb'):.0f} / {med(u, 'size_mb'):.0f} MB |")

    def undo_line(label: str, runs: list[dict]) -> str:
        r = runs[0]["result"]
        return (f"| {label} | {med(runs, 'wall_s'):.1f} s | {med(runs, 'cpu_s'):.1f} s "
                f"| {med(runs, 'peak_rss_mb'):.0f} MB | {r['deleted']:,} / {r['restored']:,} "
                f"| {med(runs, 'size_mb'):.0f} MB |")

    loads = [f"{r['load1']:.1f}" for s in got.values() for step in s.values() for r in step]
    u_fix = [u["fix"] for u in undos]
    u_all = [u["all"] for u in undos]
    return "\n".join([
        f"## Undo data: the cost of keeping it (`benchmarks/bench_import_undo.py --runs {args.runs}`)",
        "",
        (f"Medians of {args.runs} runs per code, base (before undo) and undo run alternately; "
         f"machine load (1-min) at the end of the steps: {', '.join(loads)}."),
        "",
        "| step | wall base / undo | CPU base / undo | peak RSS base / undo | warehouse file base / undo |",
        "|---|---|---|---|---|",
        line("import", f"{args.rows:,} new tickets into the halls-only warehouse"),
        line("fix", f"{args.fix:,} of them corrected (all updated)"),
        "",
        "| undo (this code) | wall | CPU | peak RSS | rows deleted / restored | file after |",
        "|---|---|---|---|---|---|",
        undo_line("the correction", u_fix),
        undo_line("then the first import", u_all),
        "",
    ])


if __name__ == "__main__":
    main()
