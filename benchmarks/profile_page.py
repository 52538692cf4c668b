"""Where a cold page's time goes, end to end: script run, queries, effect fits, pandas,
figures, Plotly JSON, and the browser.

For each page asked for (``--page``, repeatable; default: offload and waiting), in a
fresh Python process each (nothing imported, no cache: a freshly started server's first
visitor):

1. **Script run, unprofiled**: the page rendered once through ``streamlit.testing``
   (``AppTest`` on ``dashboard/app.py``, switched to the page) — wall time.
2. **Script run, sampled**: the same run again in another fresh process with a sampling
   profiler (every ``--interval-ms``, the stack of every thread that is working; the
   process's main thread only waits for AppTest and is left out). Each sample is put in
   two tables:

   * by **stage**: ``imports`` when any frame is importing a module, else the outermost
     frame that belongs to a stage: effect fits and models (``dashboard/analysis/``
     except the plain metrics), coverage (``dashboard/coverage/``), figure building
     (``dashboard/figures/``), Plotly → JSON (``st.plotly_chart``), tables → Arrow
     (``st.dataframe`` / ``st.table``), metric queries (``dashboard/analysis/metrics.py``
     and friends), named queries (``dashboard/warehouse.py``); else Streamlit and the
     page script itself;
   * by **library** of the innermost frame: DuckDB (a Python frame calling into DuckDB),
     pandas, numpy, scipy, statsmodels, plotly, streamlit, ServiceCircle's own code,
     import machinery, other.

   Sampling costs little, so the shares hold for the unprofiled run.
3. **Plotly JSON**: the size of every chart's figure JSON the page sends.
4. **Browser**: a freshly started ``servicecircle serve`` and Chromium (as in
   ``bench_browser.py``): time until the script has finished (``notRunning``) and until
   every chart is drawn, the bytes received over the websocket, and Chromium's own work
   for the navigation from the DevTools ``Performance`` metrics (script, layout, style).

Two situations: ``cold`` — nothing precomputed (the store beside the warehouse,
:mod:`dashboard.derived`, is bypassed in the profiled processes: every result is
computed, as after an import before any precompute), and ``store`` — as a fresh server
finds it (precomputed results read from disk). The browser always sees the server as it
is (``store``).

Writes ``benchmarks/results/page_profile.md`` (one section per ``--label``, others kept)
and ``benchmarks/results/page_profile-<label>.json``.

Usage::

    .venv/bin/python benchmarks/profile_page.py --db /tmp/browser/warehouse.duckdb --label small \\
        [--page offload --page waiting] [--interval-ms 5] [--no-browser]
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import datetime as dt
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

RESULTS = HERE / "results"
OUT = RESULTS / "page_profile.md"

STAGES: list[tuple[str, str]] = [
    # (stage, regex on "path:function" of a frame); the outermost matching frame decides
    ("effect fits and models", r"dashboard/analysis/(?!metrics|filters|definitions|page_queries|overview_text|goal_metrics|scorecard_views)\w+\.py"),
    ("coverage", r"dashboard/coverage/"),
    ("figure building", r"dashboard/figures/"),
    ("Plotly → JSON", r"streamlit/elements/plotly_chart\.py"),
    ("tables → Arrow", r"streamlit/elements/(arrow|lib/dataframe_util)|streamlit/dataframe_util\.py"),
    ("metric queries + pandas", r"dashboard/analysis/(metrics|goal_metrics|scorecard_views|page_queries|overview_text)\.py"),
    ("named queries", r"dashboard/warehouse\.py"),
]
LIBRARIES: list[tuple[str, str]] = [
    # (library, regex on the innermost frame's path:function), first match wins
    ("import machinery", r"<frozen importlib|importlib/"),
    ("DuckDB", r"dashboard/warehouse\.py:(query|_run|execute|fetch)|duckdb"),
    ("pandas", r"/pandas/"),
    ("numpy", r"/numpy/"),
    ("scipy", r"/scipy/"),
    ("statsmodels", r"/statsmodels/"),
    ("plotly", r"/plotly/|/_plotly_utils/"),
    ("pyarrow", r"/pyarrow/"),
    ("streamlit", r"/streamlit/"),
    ("ServiceCircle code", r"/dashboard/|/queries/"),
]
WAITING = re.compile(r"threading\.py:(wait|_wait_for_tstate_lock|join)|concurrent/futures/_base\.py:(result|wait)|"
                     r"queue\.py:get|selectors\.py:select|asyncio/")
"""Frames of a thread that is waiting, not working (left out of the samples)."""


# ---------------------------------------------------------------- in the child process


def _frame_key(frame) -> str:
    code = frame.f_code
    return f"{code.co_filename}:{code.co_name}"


def _classify(stack: list[str]) -> tuple[str, str]:
    """``(stage, library)`` of one sample; ``stack`` outermost first."""
    if any(k.startswith("<frozen importlib") for k in stack):
        stage = "imports"
    else:
        stage = next((name for k in stack for name, pat in STAGES if re.search(pat, k)), "Streamlit and page script")
    inner = stack[-1] if stack else ""
    lib = next((name for name, pat in LIBRARIES if re.search(pat, inner)), "other")
    return stage, lib


class Sampler:
    """Samples the stacks of every working thread except the caller's every ``interval`` s."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self.counts: collections.Counter = collections.Counter()
        self.by_stage: collections.Counter = collections.Counter()
        self.by_lib: collections.Counter = collections.Counter()
        self.inner: collections.Counter = collections.Counter()
        self.samples = 0
        self._stop = threading.Event()
        self._skip = {threading.get_ident()}
        self._thread = threading.Thread(target=self._run, name="sampler", daemon=True)

    def __enter__(self) -> Sampler:
        self._skip.add(self._thread.ident or 0)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        me = threading.get_ident()
        while not self._stop.wait(self.interval):
            for ident, frame in sys._current_frames().items():
                if ident in self._skip or ident == me:
                    continue
                stack = []
                f = frame
                while f is not None:
                    stack.append(_frame_key(f))
                    f = f.f_back
                stack.reverse()
                if not stack or WAITING.search(stack[-1]) or not any("/dashboard/" in k or "/streamlit/" in k
                                                                    for k in stack):
                    continue  # idle, waiting, or not page work (e.g. the tornado loop)
                stage, lib = _classify(stack)
                self.by_stage[stage] += 1
                self.by_lib[lib] += 1
                self.inner[re.sub(r"^.*/(site-packages|lib/python3\.\d+|work/main)/", "", stack[-1])] += 1
                self.samples += 1


def _bypass_store() -> None:
    """Nothing precomputed: every result computed (as before any precompute); inline, not
    on a worker thread, so the samples see the work under the page's stack."""
    from concurrent.futures import Future

    from dashboard import derived

    derived.load = lambda *a, **k: (False, None)
    derived.save = lambda *a, **k: False

    def inline(db, version, key, work):
        fut: Future = Future()
        fut.set_result(work())
        return fut

    derived.compute_shared = inline


def child(page: str, db: str, mode: str, sample_ms: float | None) -> dict:
    """Render ``page`` once in this (fresh) process; returns timings, samples, chart sizes."""
    import logging

    from streamlit.testing.v1 import AppTest

    os.environ["SERVICECIRCLE_DB"] = db
    logging.getLogger("streamlit").setLevel(logging.ERROR)
    if mode == "cold":
        _bypass_store()
    at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=1800).switch_page(f"screens/{page}.py")
    sampler = Sampler(sample_ms / 1000) if sample_ms else None
    t0 = time.perf_counter()
    if sampler:
        with sampler:
            at.run()
    else:
        at.run()
    wall = time.perf_counter() - t0
    charts = [len(el.proto.spec.encode("utf-8")) for el in at.get("plotly_chart")]
    out = {"page": page, "mode": mode, "wall_s": wall, "charts_json_bytes": charts,
           "exceptions": [str(e.message)[:300] for e in at.exception]}
    if sampler:
        out |= {"samples": sampler.samples, "interval_ms": sample_ms,
                "by_stage": dict(sampler.by_stage), "by_library": dict(sampler.by_lib),
                "top_frames": sampler.inner.most_common(12)}
    return out


def run_child(page: str, db: Path, mode: str, sample_ms: float | None) -> dict:
    cmd = [sys.executable, __file__, "--child", page, "--db", str(db), "--mode", mode, "--sample-ms", str(sample_ms or 0)]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=3600)
    if proc.returncode != 0:
        raise RuntimeError(f"profiling {page} ({mode}) failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------- browser


async def browser_profile(db: Path, pages: list[str]) -> dict[str, dict]:
    """First and repeat visit of each page on its own freshly started server, with the time
    the script finished, bytes received and Chromium's DevTools performance metrics."""
    from bench_browser import (
        CHROMIUM,
        CHROMIUM_ARGS,
        new_page,
        page_url,
        serve,
        wait_done,
    )
    from load_test import _pages
    from playwright.async_api import async_playwright

    first_page = _pages()[0]
    wanted = ("ScriptDuration", "LayoutDuration", "RecalcStyleDuration", "TaskDuration")
    out: dict[str, dict] = {}
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            for name in pages:
                res: dict = {}
                with tempfile.TemporaryDirectory() as tmp, serve(db, Path(tmp)) as srv:
                    ctx, page, counter = await new_page(browser, count_bytes=True)
                    cdp = await ctx.new_cdp_session(page)
                    await cdp.send("Performance.enable")
                    for visit in ("first", "repeat"):
                        counter[0] = 0
                        t0 = time.perf_counter()
                        await page.goto(page_url(srv.url, name, first_page), wait_until="commit")
                        await page.wait_for_function(SCRIPT_JS, timeout=1_800_000, polling=25)
                        t_script = time.perf_counter()
                        t_done, _ = await wait_done(page)
                        after = {m["name"]: m["value"] for m in (await cdp.send("Performance.getMetrics"))["metrics"]}
                        res[visit] = {
                            "script_done_s": t_script - t0, "drawn_s": max(t_done, t_script) - t0,
                            "ws_bytes": counter[0],
                            **{k: after.get(k, 0.0) for k in wanted},  # counted from the navigation (per document)
                        }
                    await ctx.close()
                out[name] = res
        finally:
            await browser.close()
    return out


# ---------------------------------------------------------------- report


def _pct(n: int, total: int) -> str:
    return f"{100 * n / total:.0f} %" if total else "–"


def section(label: str, meta: dict, results: dict[str, dict]) -> str:
    L = [f"<!-- run: {label} -->", f"## {label}", "",
         f"- date: {meta['date']} UTC; warehouse `{meta['db']}` ({meta['db_mb']:.0f} MB); {meta['cpus']} CPU cores "
         f"shared with other work, load average {meta['load_start']} at the start, {meta['load_end']} at the end",
         f"- code: `{meta['commit']}`{' (with uncommitted changes)' if meta['dirty'] else ''}; sampling every "
         f"{meta['interval_ms']:g} ms",
         "- store: " + ("complete for this data and code already" if meta["store_ready"] else
                        f"precomputed first (`servicecircle precompute`, as `serve` does): {meta['precompute_s']:.0f} s"),
         ""]
    for page, r in results.items():
        L += [f"### {page}", ""]
        L += ["| | cold (nothing precomputed) | store (precomputed, fresh process) |", "|---|---:|---:|",
              f"| script run, fresh process (unprofiled) | {r['cold']['wall_s']:.2f} s | {r['store']['wall_s']:.2f} s |",
              f"| the same, sampled run | {r['cold_sampled']['wall_s']:.2f} s | {r['store_sampled']['wall_s']:.2f} s |",
              f"| Plotly figures sent | {len(r['cold']['charts_json_bytes'])} charts, "
              f"{sum(r['cold']['charts_json_bytes']) / 1024:.0f} KB JSON (largest "
              f"{max(r['cold']['charts_json_bytes'], default=0) / 1024:.0f} KB) | "
              f"{sum(r['store']['charts_json_bytes']) / 1024:.0f} KB |", ""]
        for table, key in (("stage (outermost)", "by_stage"), ("library (innermost frame)", "by_library")):
            c, s = r["cold_sampled"], r["store_sampled"]
            names = sorted(set(c[key]) | set(s[key]), key=lambda k: -(c[key].get(k, 0) + s[key].get(k, 0)))
            L += [f"| by {table} | cold: share | cold: ≈ s | store: share | store: ≈ s |", "|---|---:|---:|---:|---:|"]
            for n in names:
                cn, sn = c[key].get(n, 0), s[key].get(n, 0)
                L.append(f"| {n} | {_pct(cn, c['samples'])} | {cn / max(c['samples'], 1) * c['wall_s']:.2f} | "
                         f"{_pct(sn, s['samples'])} | {sn / max(s['samples'], 1) * s['wall_s']:.2f} |")
            L.append("")
        L.append("≈ s: the share of samples times the sampled run's wall time (threads working at "
                 "once can add up to more than the wall time).")
        L.append("")
        top = r["cold_sampled"]["top_frames"][:8]
        L.append("Innermost frames most often seen, cold: " + "; ".join(f"`{k}` {_pct(n, r['cold_sampled']['samples'])}"
                                                                     for k, n in top) + ".")
        L.append("")
        b = r.get("browser")
        if b:
            L += ["| browser, fresh server | first visit | repeat visit |", "|---|---:|---:|"]
            rows = (("until the script finished", "script_done_s", 1, " s"), ("until every chart is drawn", "drawn_s", 1, " s"),
                    ("websocket bytes received", "ws_bytes", 1 / 1024, " KB"),
                    ("Chromium: JavaScript", "ScriptDuration", 1, " s"), ("Chromium: layout", "LayoutDuration", 1, " s"),
                    ("Chromium: style", "RecalcStyleDuration", 1, " s"), ("Chromium: all tasks", "TaskDuration", 1, " s"))
            for title, k, mul, unit in rows:
                L.append(f"| {title} | {b['first'][k] * mul:.2f}{unit} | {b['repeat'][k] * mul:.2f}{unit} |")
            L.append("")
        for mode in ("cold", "store"):
            if r[mode]["exceptions"]:
                L.append(f"Exceptions ({mode}): " + "; ".join(r[mode]["exceptions"]))
                L.append("")
    L += [f"<!-- end: {label} -->", ""]
    return "\n".join(L)


HEADER = """# Where a cold page's time goes

Written by `benchmarks/profile_page.py` (its docstring says how each figure is taken).
A page is rendered in a fresh Python process through `streamlit.testing` (what a freshly
started server does for its first visitor), once unprofiled for the wall time and once
with a sampling profiler that files every sample under a stage and a library; the
Plotly JSON is the figures the page sends; the browser part is Chromium against a freshly
started `servicecircle serve`.

"""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, default=None)
    ap.add_argument("--page", action="append", default=[])
    ap.add_argument("--label", default=None)
    ap.add_argument("--interval-ms", type=float, default=5.0)
    ap.add_argument("--no-browser", action="store_true")
    ap.add_argument("--child", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--mode", default="cold", choices=("cold", "store"), help=argparse.SUPPRESS)
    ap.add_argument("--sample-ms", type=float, default=0.0, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    from dashboard import settings

    db = settings.db_path(args.db).resolve()
    if args.child:
        print(json.dumps(child(args.child, str(db), args.mode, args.sample_ms or None)))
        return 0
    if not db.exists():
        print(f"no warehouse at {db}", file=sys.stderr)
        return 2
    from bench_browser import _git, write_section

    pages = args.page or ["offload", "waiting"]
    label = args.label or db.stem
    meta = {"date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M"), "db": str(db),
            "db_mb": db.stat().st_size / 1e6, "cpus": os.cpu_count(), "interval_ms": args.interval_ms,
            "load_start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
            "commit": _git("rev-parse", "--short", "HEAD"),
            "dirty": bool(_git("status", "--porcelain", "--untracked-files=no"))}
    from dashboard import derived
    from dashboard.commands.precompute import run as precompute

    meta["store_ready"] = derived.status(db) is not None
    if not meta["store_ready"]:  # as `serve` does before it listens: the store of this data and code
        t_pre = time.perf_counter()
        precompute(db, "zh", only_if_missing=True, quiet=True)
        meta["precompute_s"] = time.perf_counter() - t_pre
    results: dict[str, dict] = {}
    for page in pages:
        print(f"{page} ...", flush=True)
        results[page] = {
            "cold": run_child(page, db, "cold", None),
            "cold_sampled": run_child(page, db, "cold", args.interval_ms),
            "store": run_child(page, db, "store", None),  # after the cold runs: the store is as a server left it
            "store_sampled": run_child(page, db, "store", args.interval_ms),
        }
    if not args.no_browser:
        for page, b in asyncio.run(browser_profile(db, pages)).items():
            results[page]["browser"] = b
    meta["load_end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    text = section(label, meta, results)
    write_section(label, text, OUT, HEADER)
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "-", label).strip("-") or "run"
    (RESULTS / f"page_profile-{slug}.json").write_text(json.dumps({"meta": meta, "results": results}, indent=1),
                                                       encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
