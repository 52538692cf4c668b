"""Benchmark: the Rooms scorecard on a warehouse, the pages' path against the direct one.

The pages call :func:`dashboard.analysis.scorecard.page_scorecard`, which computes every
room's walking coverage for every month once per data version and then only reruns the
scorecard SQL when the filters, the month or the targets change. The baseline, in the
same process, is :func:`scorecard.scorecard` with the coverage computed on each call
(what the page would do without the cache). Both give the same rows (checked here and in
``tests/scorecard``). Reported: the first (cold) page call, and the median of warm calls
with a different target each time (a target edit on the Rooms page).

Usage::

    .venv/bin/python benchmarks/bench_scorecard.py [--db /tmp/x/small.duckdb] [--runs 5]

Without ``--db`` it builds the ``small`` demo city (seed 7) into a temporary folder first.

Writes ``benchmarks/results/scorecard.md``.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", default=None, help="warehouse (default: build the small demo in a temp folder)")
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    if args.db is None:
        import tempfile

        from dashboard.demo import build_demo

        tmp = Path(tempfile.mkdtemp(prefix="bench_scorecard_"))
        args.db = str(tmp / "small.duckdb")
        build_demo("small", seed=7, db=args.db, out_dir=tmp / "demo")
    os.environ["SERVICECIRCLE_DB"] = args.db

    import pandas as pd

    from dashboard import settings, warehouse
    from dashboard.analysis import scorecard
    from dashboard.analysis.filters import Filters
    from dashboard.coverage import inputs

    con = warehouse.connect_read(args.db)
    data = inputs.load_data(args.db)
    f = Filters()
    targets = [settings.RoomTargets(visits_min=10.0 + i) for i in range(args.runs + 1)]

    t0 = time.perf_counter()
    page = scorecard.page_scorecard(con, f, None, targets[0])
    cold = time.perf_counter() - t0
    warm, direct = [], []
    for tg in targets[1:]:
        t0 = time.perf_counter()
        page = scorecard.page_scorecard(con, f, None, tg)
        warm.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        base = scorecard.scorecard(con, f, None, tg, coverage_data=data)
        direct.append(time.perf_counter() - t0)
        pd.testing.assert_frame_equal(page["rooms"], base["rooms"])
        pd.testing.assert_frame_equal(page["breaches"], base["breaches"])
    con.close()
    w, d = statistics.median(warm), statistics.median(direct)
    text = f"""# Rooms scorecard: pages' path vs direct

`benchmarks/bench_scorecard.py --db {Path(args.db).name} --runs {args.runs}` on {platform.machine()},
{os.cpu_count()} CPUs, Python {platform.python_version()}; {len(page['rooms'])} rooms, scorecard month
{page['month']}, {len(page['judged'])} judged room-month-targets.

| path | seconds |
|---|---|
| pages, first call (coverage of every room and month computed once) | {cold:.2f} |
| pages, warm: a new target each call (median of {len(warm)}) | {w:.2f} |
| direct `scorecard()` with the coverage computed each call (median of {len(direct)}) | {d:.2f} |

Ratio direct / pages warm: **{d / w:.1f}x**. Both paths gave the same rows on every run.
"""
    out = ROOT / "benchmarks" / "results" / "scorecard.md"
    out.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
