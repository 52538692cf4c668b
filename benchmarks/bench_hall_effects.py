"""Benchmark and check: the hall-level waiting-time effect on demo warehouses.

For each ``--db`` (a warehouse built by ``servicecircle demo``) with its ``truth.json``,
in one process:

* ``estimate_ms``: :func:`dashboard.analysis.hall_effects.estimate_halls` end to end
  (both methods: SQL cells, exposure, the counter-visit effect, the queue model, the
  design-based estimate with its cluster bootstrap), first (cold) run and median of
  ``--runs`` warm runs (goal at city scale: warm median <= 3 s);
* ``baseline_ms``: the counter-visit effect alone
  (:func:`dashboard.analysis.effects.estimate`), which the queue model needs; ratio =
  estimate / baseline;
* the numbers against the truth (``outcomes.hall_wait_mean_min.hall_level``): each
  method's estimate and 95 % interval, the error relative to the true effect, and
  whether the interval covers the truth and excludes zero.

Writes ``--out`` (default ``benchmarks/results/hall_effects.md``) unless ``--no-write``.

Usage::

    .venv/bin/python benchmarks/bench_hall_effects.py --db city.duckdb --truth city/truth.json
        [--db null.duckdb --truth null/truth.json] [--label city --label null] [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dashboard import warehouse
from dashboard.analysis import effects, hall_effects


def _time(fn, runs: int) -> tuple[float, float, object]:
    t0 = time.perf_counter()
    out = fn()
    cold = (time.perf_counter() - t0) * 1000.0
    warm = []
    for _ in range(runs):
        t0 = time.perf_counter()
        out = fn()
        warm.append((time.perf_counter() - t0) * 1000.0)
    return cold, statistics.median(warm), out


def run(db: str, truth_path: str | None, runs: int) -> dict:
    """Time and check one warehouse."""
    con = warehouse.connect_read(db)
    try:
        cold, warm, res = _time(lambda: hall_effects.estimate_halls(con), runs)
        b_cold, b_warm, _ = _time(lambda: effects.estimate(con, "counter_visits_per_1k_households"), runs)
    finally:
        con.close()
    truth = None
    if truth_path:
        truth = json.loads(Path(truth_path).read_text())["outcomes"]["hall_wait_mean_min"]["hall_level"]
    rows = []
    for e in res.estimates:
        row = {"method": e.method, "status": e.status, "att": e.att, "ci_low": e.ci_low, "ci_high": e.ci_high,
               "relative_effect": e.relative_effect}
        if truth and e.ok:
            ta = truth["att"]
            row["error_vs_truth"] = (e.att - ta) / abs(ta) if ta else None
            row["covers_truth"] = e.ci_low <= ta <= e.ci_high
            row["excludes_zero"] = e.ci_high < 0 or e.ci_low > 0
        rows.append(row)
    return {"db": db, "cold_ms": cold, "median_ms": warm, "baseline_cold_ms": b_cold, "baseline_median_ms": b_warm,
            "presented": res.presented, "n_halls": res.n_halls, "n_exposed": res.n_exposed, "estimates": rows,
            "truth": None if truth is None else {k: truth[k] for k in ("att", "att_relative", "counterfactual_mean",
                                                                       "n_exposed_cells", "spillover_share")},
            "details": {e.method: e.details for e in res.estimates}}


def _fmt(x, digits: int = 2) -> str:
    return "–" if x is None else f"{x:.{digits}f}"


def write(results: dict[str, dict], out: Path, runs: int) -> None:
    load = os.getloadavg()
    lines = ["# Hall-level waiting-time effect: accuracy on the demos and time", "",
             (f"Machine: {platform.platform()}, {os.cpu_count()} CPUs; load average at the end "
              f"{load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}; warm runs: {runs} (median)."), "",
             ("| demo | halls (exposed) | presented | method | estimate, min | 95 % CI | relative | truth, min "
              "| error vs truth | CI covers truth | CI excludes 0 |"),
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for label, r in results.items():
        t = r["truth"] or {}
        for e in r["estimates"]:
            ci = f"{_fmt(e['ci_low'])} – {_fmt(e['ci_high'])}" if e["status"] == "ok" else e["status"]
            lines.append(
                f"| {label} | {r['n_halls']} ({r['n_exposed']}) | {r['presented']} | {e['method']} | {_fmt(e['att'])} "
                f"| {ci} | {_fmt(e['relative_effect'], 3)} | {_fmt(t.get('att'))} "
                f"| {_fmt(e.get('error_vs_truth'), 3)} | {e.get('covers_truth', '–')} | {e.get('excludes_zero', '–')} |")
    lines += ["", ("| demo | estimate cold ms | estimate warm median ms | baseline (counter-visit effect) warm ms "
                   "| ratio |"), "|---|---|---|---|---|"]
    for label, r in results.items():
        ratio = r["median_ms"] / r["baseline_median_ms"] if r["baseline_median_ms"] else None
        lines.append(f"| {label} | {r['cold_ms']:.0f} | {r['median_ms']:.0f} | {r['baseline_median_ms']:.0f} "
                     f"| {_fmt(ratio)} |")
    lines += ["", "Details (calibration factors, patience, arrivals added back, dose slope):", "", "```",
              json.dumps({k: {"truth": v["truth"], "details": v["details"]} for k, v in results.items()},
                         indent=1, default=str), "```", ""]
    out.write_text("\n".join(lines), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", action="append", required=True)
    ap.add_argument("--truth", action="append", default=[])
    ap.add_argument("--label", action="append", default=[])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "hall_effects.md"))
    ap.add_argument("--no-write", action="store_true")
    a = ap.parse_args(argv)
    results = {}
    for i, db in enumerate(a.db):
        label = a.label[i] if i < len(a.label) else Path(db).stem
        results[label] = run(db, a.truth[i] if i < len(a.truth) else None, a.runs)
        print(json.dumps({label: {k: v for k, v in results[label].items() if k != "details"}}, default=str))
    if not a.no_write:
        write(results, Path(a.out), a.runs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
