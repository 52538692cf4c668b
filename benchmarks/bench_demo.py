"""Benchmark: build the demo city from nothing (generate → export files → import → truth).

Goals (issue 2, section 4): ``small`` builds in under 90 s, ``city`` in under 15 min,
on the 2-core machine. Each run is a child process building into a fresh temporary
warehouse and output folder, so its peak RSS (``ru_maxrss``) is the build's own. The
baseline, in the same child, is generating the city in memory only (no files, no
import), so the ratio says what writing the exports and importing them cost on top.

Usage::

    .venv/bin/python benchmarks/bench_demo.py [--scale small|city] [--runs 3]

Writes ``benchmarks/results/demo_<scale>.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_CHILD = r"""
import json, resource, sys, time
scale, root = sys.argv[1:3]
from dashboard.demo import build_demo, generate
t0 = time.perf_counter()
generate(scale)
gen = time.perf_counter() - t0
t0 = time.perf_counter()
r = build_demo(scale, db=root + "/wh.duckdb", out_dir=root + "/demo")
wall = time.perf_counter() - t0
print(json.dumps({"wall_s": wall, "generate_only_s": gen, "steps": r["seconds"],
                  "generated": r["generated"], "mismatches": r["mismatches"],
                  "network": r["network"],
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def run_once(scale: str) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench_demo_") as tmp:
        env = dict(os.environ, SERVICECIRCLE_KEY_FILE=str(Path(tmp) / "hash.key"))
        out = subprocess.run([sys.executable, "-c", _CHILD, scale, tmp], cwd=ROOT, env=env,
                             capture_output=True, text=True, check=True)
        return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", default="small", choices=["tiny", "small", "city"])
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    runs = [run_once(args.scale) for _ in range(args.runs)]
    wall = statistics.median(r["wall_s"] for r in runs)
    gen = statistics.median(r["generate_only_s"] for r in runs)
    goal = {"small": 90.0, "city": 900.0}.get(args.scale)
    last = runs[-1]
    lines = [
        f"# Demo build benchmark: scale `{args.scale}`",
        "",
        f"Machine: {platform.platform()}, {os.cpu_count()} CPUs; runs: {args.runs} (median).",
        "",
        f"- build from nothing (generate + export files + import + truth): **{wall:.1f} s** median"
        + (f" (goal < {goal:.0f} s: {'met' if wall < goal else 'NOT met'})" if goal else ""),
        f"- baseline, generating in memory only: {gen:.1f} s; ratio build / baseline: {wall / gen:.2f}",
        f"- peak RSS of a build: {max(r['peak_rss_mb'] for r in runs):,.0f} MB",
        f"- steps of the last run (s): {json.dumps(last['steps'])}",
        f"- rows generated: {json.dumps(last['generated'], ensure_ascii=False)}",
        f"- street network: {json.dumps(last['network'])}",
        f"- importer counts differing from generated: {last['mismatches'] or 'none'}",
        f"- all runs' wall times (s): {[round(r['wall_s'], 1) for r in runs]}",
        "",
    ]
    out = ROOT / "benchmarks" / "results" / f"demo_{args.scale}.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
