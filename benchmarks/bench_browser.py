"""Benchmark: what a manager waits for in Chromium, page by page, alone and with four colleagues.

Drives Debian's Chromium (Playwright for Python, ``/usr/bin/chromium``; never
``playwright install``) against a freshly started ``servicecircle serve --db WAREHOUSE``
on the same machine, and times every page of the app's navigation (``PAGES``, read as
``load_test._pages`` reads it; a page's URL is its file name without ``.py``, the first one is
the default page at ``/``):

* **first visit, one user**: a fresh server, one browser, every page opened once by its
  URL in the navigation's order (the first one also loads the frontend's files);
* **repeat visit, one user**: the same browser then opens every page again;
* **five users at once**: a fresh server per round, five browser contexts each opening a
  different page at the same moment (first visits); rounds of five cover every page (the
  last round is filled up from the start of the list), median and maximum over all visits.

A visit's time runs from ``page.goto`` until the page has stopped running: the app is
connected, ``stApp[data-test-script-state]`` is ``notRunning``, no status widget
(``stStatusWidget``) and no skeleton is shown, the main area holds an element and every
Plotly chart has drawn its SVG — still so after a 300 ms settle (if not, the wait starts
again and the later time counts).

**Baseline** (measured in the same run, same browser, same way): a *static Streamlit
page*, a one-line script that only writes text (``st.write``), served by Streamlit with
the same server options; its first visit in a fresh browser and its repeat visits. Every
figure is also given as a ratio to the static page's repeat-visit median (the smaller of
the two, so the ratios are not flattered). A plain HTML file served by Python's
``http.server`` is timed too, for context only.

Also recorded: bytes the browser received over the websocket per visit, exceptions shown
on a page, the server's resident memory (RSS of the Streamlit process) after all pages,
the load average, and whether the warehouse's precomputed results
(``<db>.derived/``) were present when the server started.

Writes a section per ``--label`` into ``benchmarks/results/browser.md`` (other labels'
sections are kept) and the raw samples to ``benchmarks/results/browser-<label>.json``.

Usage::

    .venv/bin/python benchmarks/bench_browser.py --db data/city.duckdb --label city [--runs 3]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import http.server
import json
import os
import platform
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from load_test import CHROMIUM, CHROMIUM_ARGS, _free_port, _pages

from tests.e2e import e2e_support
from tests.e2e.e2e_support import Server, start_server

e2e_support.SERVE_TIMEOUT_S = 3600  # serve warms (precomputes) before it listens: minutes at city scale

RESULTS = HERE / "results"
OUT = RESULTS / "browser.md"
USERS = 5
SETTLE_MS = 300
VISIT_TIMEOUT_MS = 300_000
GOALS = {"first": 5.0, "repeat": 2.0, "five_median": 8.0}
"""Issue 14's goals, as multiples of the static page."""

DONE_JS = """() => { const a = document.querySelector('[data-testid="stApp"]');
    return !!a && a.getAttribute('data-test-connection-state') === 'CONNECTED'
        && a.getAttribute('data-test-script-state') === 'notRunning'
        && !document.querySelector('[data-testid="stSkeleton"]')
        && !!document.querySelector('[data-testid="stMain"] [data-testid="stElementContainer"]')
        && [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].every(c => c.querySelector('.main-svg')); }"""
SCRIPT_JS = """() => { const a = document.querySelector('[data-testid="stApp"]');
    return !!a && a.getAttribute('data-test-connection-state') === 'CONNECTED'
        && a.getAttribute('data-test-script-state') === 'notRunning'
        && !!document.querySelector('[data-testid="stMain"] [data-testid="stElementContainer"]'); }"""
"""The server has finished the page's script (the browser may still be drawing charts)."""
IDLE_JS = "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
"""The status widget ("running") has faded out, about 0.4 s after a long run ends."""
STATIC_SCRIPT = 'import streamlit as st\n\nst.write("ServiceCircle")\n'
STATIC_HTML = "<!doctype html><html><head><meta charset='utf-8'><title>static</title></head><body><p>ServiceCircle</p></body></html>"
STREAMLIT_FLAGS = [
    "--server.headless", "true", "--server.address", "127.0.0.1", "--server.fileWatcherType", "none",
    "--browser.gatherUsageStats", "false", "--global.developmentMode", "false", "--client.toolbarMode", "viewer",
    "--runner.postScriptGC", "false",
]
"""The options ``servicecircle serve`` gives Streamlit that matter for speed (the static page gets them too)."""


@dataclass
class Visit:
    """One page load: seconds until done (and until the status widget had faded out too),
    bytes received over the websocket, exceptions shown."""

    page: str
    seconds: float
    seconds_idle: float
    ws_bytes: int
    exceptions: int
    error: str | None = None
    script_s: float = 0.0
    """Seconds until the server had finished the script (the rest is the browser drawing)."""

    def as_dict(self) -> dict:
        return {"page": self.page, "seconds": round(self.seconds, 4), "seconds_idle": round(self.seconds_idle, 4),
                "ws_bytes": self.ws_bytes,
                "exceptions": self.exceptions, "error": self.error, "script_s": round(self.script_s, 4)}


@dataclass
class RunResult:
    """One run: the static baseline, one user's first and repeat visits, five users' rounds, RSS."""

    static_first: float = 0.0
    static_repeat: list[float] = field(default_factory=list)
    html: list[float] = field(default_factory=list)
    first: list[Visit] = field(default_factory=list)
    repeat: list[Visit] = field(default_factory=list)
    five: list[list[Visit]] = field(default_factory=list)
    rss_mb: float = 0.0
    rss_tree_mb: float = 0.0
    rss_five_mb: list[float] = field(default_factory=list)
    five_cpu: list[tuple[float, float]] = field(default_factory=list)
    """Per five-user round: the server's CPU seconds and the round's wall seconds."""
    ws_bytes: dict[str, int] = field(default_factory=dict)


# ---------------------------------------------------------------- servers


def page_url(base: str, name: str, first: str) -> str:
    """URL of a page: the navigation's first page is the default one, served at ``/``."""
    return f"{base}/{'' if name == first else name}"


def _streamlit_pid(server: Server) -> int:
    """PID of the Streamlit process under ``servicecircle serve`` (its child)."""
    import psutil

    for _ in range(100):
        kids = psutil.Process(server.proc.pid).children(recursive=True)
        if kids:
            return kids[0].pid
        time.sleep(0.1)
    return server.proc.pid


def rss_mb(server: Server) -> tuple[float, float]:
    """Resident memory in MB of the Streamlit process, and of the whole process tree."""
    import psutil

    root = psutil.Process(server.proc.pid)
    procs = [root, *root.children(recursive=True)]
    streamlit = psutil.Process(_streamlit_pid(server))
    return streamlit.memory_info().rss / 2**20, sum(p.memory_info().rss for p in procs) / 2**20


def cpu_s(server: Server) -> float:
    """CPU seconds (user + system) the server's process tree has used so far."""
    import psutil

    root = psutil.Process(server.proc.pid)
    total = 0.0
    for proc in [root, *root.children(recursive=True)]:
        t = proc.cpu_times()
        total += t.user + t.system
    return total


READY_S: list[float] = []
"""Seconds from starting ``servicecircle serve`` until its health check answered, per start."""


@contextlib.contextmanager
def serve(db: Path, log_dir: Path):
    """A freshly started ``servicecircle serve --db DB`` (stopped on exit)."""
    t0 = time.perf_counter()
    srv = start_server(db, log_dir / f"serve-{time.monotonic_ns()}.log")
    READY_S.append(time.perf_counter() - t0)
    try:
        yield srv
    finally:
        srv.stop()


@contextlib.contextmanager
def static_streamlit(tmp: Path):
    """A Streamlit server of a one-line page that only writes text, with serve's options."""
    script = tmp / "static_page.py"
    script.write_text(STATIC_SCRIPT, encoding="utf-8")
    port = _free_port()
    log = (tmp / "static.log").open("wb")
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
                             *STREAMLIT_FLAGS], cwd=tmp, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    srv = Server(f"http://127.0.0.1:{port}", script, proc, tmp / "static.log")
    try:
        import urllib.request

        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                with urllib.request.urlopen(srv.url + "/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            time.sleep(0.2)
        yield srv
    finally:
        srv.stop()
        log.close()


@contextlib.contextmanager
def static_html(tmp: Path):
    """A plain HTML file served by Python's ``http.server`` on a free port (a thread)."""
    (tmp / "index.html").write_text(STATIC_HTML, encoding="utf-8")

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *a, **kw):
            super().__init__(*a, directory=str(tmp), **kw)

        def log_message(self, *a):
            pass

    class QuietServer(http.server.ThreadingHTTPServer):
        def handle_error(self, request, client_address):  # a browser closing early: not our concern
            pass

    httpd = QuietServer(("127.0.0.1", 0), Quiet)
    th = threading.Thread(target=httpd.serve_forever, daemon=True)
    th.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/index.html"
    finally:
        httpd.shutdown()


# ---------------------------------------------------------------- browser


async def wait_done(page) -> tuple[float, float]:
    """Wait until the page has stopped running (see the module docstring). Returns the
    ``perf_counter`` when it was first seen done (and still done ``SETTLE_MS`` later), and
    the one when the status widget had faded out too."""
    while True:
        await page.wait_for_function(DONE_JS, timeout=VISIT_TIMEOUT_MS, polling=25)
        t_done = time.perf_counter()
        await page.wait_for_function(f"() => ({DONE_JS})() && ({IDLE_JS})()", timeout=VISIT_TIMEOUT_MS, polling=25)
        t_idle = time.perf_counter()
        await page.wait_for_timeout(SETTLE_MS)
        if await page.evaluate(DONE_JS):
            return t_done, t_idle


async def visit(ctx_page, url: str, name: str, counter: list[int]) -> Visit:
    """Open ``url`` in ``ctx_page`` and time it until done."""
    counter[0] = 0
    t0 = time.perf_counter()
    try:
        await ctx_page.goto(url, wait_until="commit", timeout=VISIT_TIMEOUT_MS)
        await ctx_page.wait_for_function(SCRIPT_JS, timeout=VISIT_TIMEOUT_MS, polling=25)
        t_script = time.perf_counter()
        t1, t2 = await wait_done(ctx_page)
    except Exception as exc:  # noqa: BLE001 - a page that never finishes is a result, recorded
        t = time.perf_counter() - t0
        return Visit(name, t, t, counter[0], 0, error=str(exc).splitlines()[0][:300], script_s=t)
    n_exc = await ctx_page.locator('[data-testid="stException"]').count()
    return Visit(name, t1 - t0, t2 - t0, counter[0], n_exc, script_s=min(t_script, t1) - t0)


async def new_page(browser, count_bytes: bool = False):
    """A fresh browser context (no cache, no cookies) and its page; with ``count_bytes`` it
    counts the websocket bytes received (Playwright then copies every frame to this
    process, which slows pages with megabytes of figures: never while timing)."""
    ctx = await browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN", device_scale_factor=1)
    page = await ctx.new_page()
    counter = [0]

    def on_ws(ws):
        ws.on("framereceived", lambda payload: counter.__setitem__(0, counter[0] + len(payload)))

    if count_bytes:
        page.on("websocket", on_ws)
    return ctx, page, counter


async def time_static(browser, static_url: str, html_url: str, repeats: int) -> tuple[float, list[float], list[float]]:
    """The static Streamlit page: first visit in a fresh context, then ``repeats`` repeat visits;
    the HTML file ``repeats`` times."""
    ctx, page, counter = await new_page(browser)
    try:
        first = (await visit(page, static_url, "static", counter)).seconds
        again = [(await visit(page, static_url, "static", counter)).seconds for _ in range(repeats)]
        html = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            await page.goto(html_url, wait_until="load")
            html.append(time.perf_counter() - t0)
    finally:
        await ctx.close()
    return first, again, html


async def one_user(browser, base: str, pages: list[str]) -> tuple[list[Visit], list[Visit], dict[str, int]]:
    """One browser: every page once (first visits), then every page again (repeat visits);
    then, untimed, the websocket bytes each page sends."""
    ctx, page, counter = await new_page(browser)
    try:
        first = [await visit(page, page_url(base, p, pages[0]), p, counter) for p in pages]
        repeat = [await visit(page, page_url(base, p, pages[0]), p, counter) for p in pages]
    finally:
        await ctx.close()
    ctx, page, counter = await new_page(browser, count_bytes=True)
    try:
        sent = {p: (await visit(page, page_url(base, p, pages[0]), p, counter)).ws_bytes for p in pages}
    finally:
        await ctx.close()
    return first, repeat, sent


async def five_users(browser, base: str, group: list[str], first_page: str) -> list[Visit]:
    """``len(group)`` fresh contexts open their page at the same moment."""
    opened = [await new_page(browser) for _ in group]
    try:
        return list(await asyncio.gather(*(
            visit(page, page_url(base, name, first_page), name, counter)
            for (_, page, counter), name in zip(opened, group))))
    finally:
        for ctx, _, _ in opened:
            await ctx.close()


def rounds(pages: list[str], offset: int) -> list[list[str]]:
    """Groups of ``USERS`` different pages covering every page, starting at ``offset``; the
    last group is filled up from the start of the (rotated) list."""
    order = pages[offset % len(pages):] + pages[:offset % len(pages)]
    n = -(-len(order) // USERS)
    return [[order[(i * USERS + j) % len(order)] for j in range(USERS)] for i in range(n)]


async def one_run(db: Path, pages: list[str], run: int, tmp: Path, static_repeats: int,
                  res: RunResult, saved: Callable[[], None]) -> RunResult:
    """Fill ``res`` phase by phase, calling ``saved`` after each (the report so far is written)."""
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            with static_streamlit(tmp) as st_srv, static_html(tmp) as html_url:
                res.static_first, res.static_repeat, res.html = await time_static(
                    browser, st_srv.url + "/", html_url, static_repeats)
            with serve(db, tmp) as srv:
                res.first, res.repeat, res.ws_bytes = await one_user(browser, srv.url, pages)
                res.rss_mb, res.rss_tree_mb = rss_mb(srv)
            saved()
            for group in rounds(pages, 2 * run):
                with serve(db, tmp) as srv:
                    cpu0, t0 = cpu_s(srv), time.perf_counter()
                    res.five.append(await five_users(browser, srv.url, group, pages[0]))
                    res.five_cpu.append((cpu_s(srv) - cpu0, time.perf_counter() - t0))
                    res.rss_five_mb.append(rss_mb(srv)[0])
                saved()
        finally:
            await browser.close()
    return res


# ---------------------------------------------------------------- report


def _med(xs: list[float]) -> float | None:
    return statistics.median(xs) if xs else None


def _fmt(x: float | None, unit: str = "") -> str:
    return "–" if x is None else f"{x:.2f}{unit}"


def _ratio(x: float | None, base: float) -> str:
    return "–" if x is None or not base else f"{x / base:.1f}×"


def _mark(x: float | None, base: float, goal: float) -> str:
    if x is None or not base:
        return "–"
    return "met" if x / base <= goal else "**not met**"


def summarise(runs: list[RunResult], pages: list[str]) -> dict:
    """Per page medians over runs, the static baseline and the five-user summary."""
    static = _med([x for r in runs for x in r.static_repeat])
    static_first = _med([r.static_first for r in runs])
    per_page = {}
    for p in pages:
        first = [v for r in runs for v in r.first if v.page == p]
        repeat = [v for r in runs for v in r.repeat if v.page == p]
        five = [v for r in runs for g in r.five for v in g if v.page == p]
        per_page[p] = {
            "first_s": _med([v.seconds for v in first]),
            "repeat_s": _med([v.seconds for v in repeat]),
            "five_s": _med([v.seconds for v in five]),
            "first_script_s": _med([v.script_s for v in first]),
            "repeat_script_s": _med([v.script_s for v in repeat]),
            "five_script_s": _med([v.script_s for v in five]),
            "kb": _med([r.ws_bytes[p] / 1024 for r in runs if p in r.ws_bytes]),
            "exceptions": sum(v.exceptions for v in first + repeat + five),
            "errors": [v.error for v in first + repeat + five if v.error],
        }
    five_all = [v.seconds for r in runs for g in r.five for v in g]
    every = [v for r in runs for v in (*r.first, *r.repeat, *(x for g in r.five for x in g))]
    return {
        "static_s": static, "static_first_s": static_first,
        "html_s": _med([x for r in runs for x in r.html]),
        "per_page": per_page,
        "five_median_s": _med(five_all), "five_max_s": max(five_all) if five_all else None,
        "five_n": len(five_all),
        "five_script_median_s": _med([v.script_s for r in runs for g in r.five for v in g]),
        "idle_extra_s": _med([v.seconds_idle - v.seconds for v in every]),
        "rss_mb": max(r.rss_mb for r in runs), "rss_tree_mb": max(r.rss_tree_mb for r in runs),
        "complete": all(r.five for r in runs),
        "rss_five_mb": max((x for r in runs for x in r.rss_five_mb), default=None),
        "five_cpu_s": _med([c for r in runs for c, _ in r.five_cpu]),
        "five_wall_s": _med([w for r in runs for _, w in r.five_cpu]),
    }


def section(label: str, s: dict, meta: dict, pages: list[str]) -> str:
    """The Markdown section of one labelled run."""
    base = s["static_s"]
    pp = s["per_page"]
    firsts = [pp[p]["first_s"] for p in pages if pp[p]["first_s"] is not None]
    repeats = [pp[p]["repeat_s"] for p in pages if pp[p]["repeat_s"] is not None]
    worst_first = max(firsts, default=None)
    worst_repeat = max(repeats, default=None)
    L = [
        f"<!-- run: {label} -->",
        f"## {label}",
        "",
        f"- date: {meta['date']} UTC; warehouse `{meta['db']}` ({meta['db_mb']:.0f} MB); runs: {meta['runs']} "
        f"(median over runs); {meta['cpus']} CPU cores shared with other work; load average "
        f"{meta['load_start']} at the start, {meta['load_end']} at the end; wall time {meta['wall_s'] / 60:.1f} min",
        f"- precomputed results beside the warehouse before the first server started: {meta['derived']}; "
        f"`servicecircle serve` answered its health check {_fmt(meta['ready_first_s'], ' s')} after the first start "
        f"(later starts: median {_fmt(meta['ready_later_s'], ' s')})",
        f"- code: `{meta['commit']}`{' (with uncommitted changes)' if meta['dirty'] else ''}",
        f"- **static page** (baseline of every ratio): a Streamlit page that only writes one line, same "
        f"server options, repeat visit median **{_fmt(base, ' s')}** (its first visit in a fresh browser "
        f"{_fmt(s['static_first_s'], ' s')}); a plain HTML file from `http.server`: {_fmt(s['html_s'], ' s')}",
        f"- times are until the content is done; the status widget (\"running\") fades out a median "
        f"{_fmt(s['idle_extra_s'], ' s')} later (not counted)",
        "",
        "### Goals",
        "",
        "| goal | measured | ratio | goal | |",
        "|---|---:|---:|---:|---|",
        f"| first visit, one user, slowest page | {_fmt(worst_first, ' s')} | {_ratio(worst_first, base)} | "
        f"≤ {GOALS['first']:g}× | {_mark(worst_first, base, GOALS['first'])} |",
        f"| repeat visit, slowest page | {_fmt(worst_repeat, ' s')} | {_ratio(worst_repeat, base)} | "
        f"≤ {GOALS['repeat']:g}× | {_mark(worst_repeat, base, GOALS['repeat'])} |",
        f"| five users at once, median of {s['five_n']} first visits | {_fmt(s['five_median_s'], ' s')} | "
        f"{_ratio(s['five_median_s'], base)} | ≤ {GOALS['five_median']:g}× | "
        f"{_mark(s['five_median_s'], base, GOALS['five_median'])} |",
        f"| five users at once, slowest visit | {_fmt(s['five_max_s'], ' s')} | {_ratio(s['five_max_s'], base)} | – | |",
        f"| five users at once, median time until the server had finished the script | "
        f"{_fmt(s['five_script_median_s'], ' s')} | {_ratio(s['five_script_median_s'], base)} | – | |",
        *([] if s["complete"] else ["", "*Not every five-user round finished: the figures above cover the rounds that did.*"]),
        "",
        f"Server memory (RSS of the Streamlit process) after every page, one user: **{s['rss_mb']:.0f} MB** "
        f"(whole process tree incl. the `servicecircle serve` wrapper {s['rss_tree_mb']:.0f} MB); after a "
        f"five-user round: {_fmt(s['rss_five_mb'], ' MB')}.",
        "",
        f"CPU of the server during a five-user round (median over rounds): **{_fmt(s['five_cpu_s'], ' s')}** in a round "
        f"of {_fmt(s['five_wall_s'], ' s')} on {meta['cpus']} cores; the rest of the machine's time went to the five "
        "Chromium contexts, which share the server's cores here (in use, each colleague's browser draws on their own PC).",
        "",
        "### Per page",
        "",
        "Each time is until the page is done (charts drawn); in brackets, until the server had finished the script.",
        "",
        "| page | first visit | × static | repeat visit | × static | five users | × static | KB sent |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for p in pages:
        r = pp[p]
        L.append(f"| {p} | {_fmt(r['first_s'], ' s')} ({_fmt(r['first_script_s'])}) | {_ratio(r['first_s'], base)} | "
                 f"{_fmt(r['repeat_s'], ' s')} ({_fmt(r['repeat_script_s'])}) | {_ratio(r['repeat_s'], base)} | "
                 f"{_fmt(r['five_s'], ' s')} ({_fmt(r['five_script_s'])}) | {_ratio(r['five_s'], base)} | "
                 f"{_fmt(r['kb'])} |")
    problems = [f"- {p}: {r['exceptions']} exception(s) shown" for p, r in pp.items() if r["exceptions"]]
    problems += [f"- {p}: {e}" for p, r in pp.items() for e in r["errors"]]
    if problems:
        L += ["", "Problems:", "", *problems]
    L += ["", f"<!-- end: {label} -->", ""]
    return "\n".join(L)


HEADER = """# Browser benchmark: what a manager waits for

Written by `benchmarks/bench_browser.py` (see its docstring for what is timed and how).
Chromium (Debian's, headless, Playwright) on the same machine as a freshly started
`servicecircle serve`; a visit runs from navigation until the page has stopped running
(app connected, script `notRunning`, no status widget or skeleton, every Plotly chart drawn,
still so 300 ms later). Ratios are to a static Streamlit page (one `st.write`) timed in
the same run. Goals from issue 14: first visit ≤ 5×, repeat visit ≤ 2×, five users at
once median ≤ 8× the static page.

"""


def write_section(label: str, text: str, out: Path = OUT, header: str = HEADER) -> str:
    """Put ``text`` in ``out`` as the section of ``label``, replacing an earlier one, keeping the
    others (a new file starts with ``header``)."""
    old = out.read_text(encoding="utf-8") if out.exists() else header
    pat = re.compile(rf"<!-- run: {re.escape(label)} -->.*?<!-- end: {re.escape(label)} -->\n?", re.DOTALL)
    new = pat.sub(lambda _: text, old) if pat.search(old) else old.rstrip("\n") + "\n\n" + text
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(new, encoding="utf-8")
    return new


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, default=None, help="warehouse (default: $SERVICECIRCLE_DB or data/warehouse.duckdb)")
    ap.add_argument("--label", default=None, help="section name in browser.md (default: the warehouse's file name)")
    ap.add_argument("--runs", type=int, default=3, help="runs (fresh servers each); per-page figures are medians over runs")
    ap.add_argument("--static-repeats", type=int, default=5)
    ap.add_argument("--pages", nargs="*", default=None, help="only these pages (default: every page of the navigation)")
    args = ap.parse_args(argv)
    from dashboard import settings

    db = settings.db_path(args.db).resolve()
    if not db.exists():
        print(f"no warehouse at {db}: build one with `servicecircle demo` (--scale city for the issue's goals)",
              file=sys.stderr)
        return 2
    if not Path(CHROMIUM).exists():
        print(f"Chromium not found at {CHROMIUM} (apt-get install chromium fonts-noto-cjk)", file=sys.stderr)
        return 2
    all_pages = _pages()
    pages = [p for p in all_pages if not args.pages or p in args.pages]
    if pages[0] != all_pages[0]:
        pages = [all_pages[0], *pages]  # the default page is where a browser lands first
    label = args.label or db.stem
    derived_dir = Path(str(db) + ".derived")
    meta = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M"),
        "db": str(db), "db_mb": db.stat().st_size / 1e6, "runs": args.runs, "cpus": os.cpu_count(),
        "machine": platform.machine(), "load_start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "derived": "yes" if derived_dir.is_dir() and any(derived_dir.iterdir()) else "no (computed on first use)",
        "commit": _git("rev-parse", "--short", "HEAD"), "dirty": bool(_git("status", "--porcelain", "--untracked-files=no")),
    }
    t0 = time.monotonic()
    runs: list[RunResult] = []
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "-", label).strip("-") or "run"

    def save() -> str:
        """Write the report of the runs so far (a long run interrupted still leaves its figures)."""
        meta["wall_s"] = time.monotonic() - t0
        meta["ready_s"] = READY_S
        meta["ready_first_s"] = READY_S[0] if READY_S else None
        meta["ready_later_s"] = _med(READY_S[1:])
        meta["load_end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
        done = [r for r in runs if r.first]
        if not done:
            return ""
        s = summarise(done, pages)
        text = section(label, s, meta, pages)
        write_section(label, text)
        raw = {"meta": meta, "summary": s, "runs": [{
            "static_first_s": r.static_first, "static_repeat_s": r.static_repeat, "html_s": r.html,
            "first": [v.as_dict() for v in r.first], "repeat": [v.as_dict() for v in r.repeat],
            "five": [[v.as_dict() for v in g] for g in r.five], "ws_bytes": r.ws_bytes,
            "rss_mb": r.rss_mb, "rss_tree_mb": r.rss_tree_mb, "rss_five_mb": r.rss_five_mb,
            "five_cpu": r.five_cpu} for r in done]}
        (RESULTS / f"browser-{slug}.json").write_text(json.dumps(raw, indent=1, ensure_ascii=False), encoding="utf-8")
        return text

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the servers on the way out
    with tempfile.TemporaryDirectory(prefix="bench_browser_") as tmp:
        for i in range(args.runs):
            print(f"run {i + 1}/{args.runs} ...", flush=True)
            runs.append(RunResult())
            asyncio.run(one_run(db, pages, i, Path(tmp), args.static_repeats, runs[-1], save))
    print(save())
    bad = [p for p, r in summarise(runs, pages)["per_page"].items() if r["errors"] or r["exceptions"]]
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
