"""Benchmark: the coverage map and the planner in Chromium at city scale, and their
interactions.

Drives Debian's Chromium (Playwright for Python, ``/usr/bin/chromium``; never
``playwright install``) against ``servicecircle serve --db WAREHOUSE`` (the warehouse is
only read) started by this script, and times:

* **first render**: the first visit of the page after the server started (its caches
  cold: the street layer and the plan are built then);
* **warm render**: the page opened again by its URL (a new script run on warm server
  caches; the browser has the frontend's files);
* **interactions** on the map page: the walk minutes changed (+1, then back) and the
  date slider moved one step; on the planner: a what-if (the suggested rooms added or
  not: its checkbox clicked).

A render's time runs from ``page.goto`` until the app is connected, the script run has
finished (``stApp[data-test-script-state=notRunning]``, no skeleton, no status widget),
the map's deck.gl canvas is in the page and two animation frames have passed (deck.gl
draws on the next frame after its props arrive). An interaction's time runs from the
key press or click until the same holds after a run has started and finished
(a ``MutationObserver`` records the script state's changes in the page, so a run shorter
than a poll is not missed).

With ``--url`` an already running server is timed instead (its first render is then
only first for this browser, not for the server's caches).

**Baseline** (same run, same browser, same way): a static Streamlit page (a one-line
script that only writes text) served by ``streamlit run``; its warm render median, and
every figure as a ratio to it.

Also recorded: the map's JSON size as sent (the deck spec in the page), requests to any
host other than the server (must be none), and exceptions shown.

Writes ``benchmarks/results/map_browser.md`` (a section per ``--label``) and the raw
samples to ``benchmarks/results/map_browser-<label>.json``.

Usage::

    .venv/bin/python benchmarks/bench_map_browser.py --db data/city.duckdb --label city [--runs 5]
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.e2e_support import CHROMIUM, CHROMIUM_ARGS, Server, free_port

OUT = ROOT / "benchmarks" / "results" / "map_browser.md"
GOAL_RENDER_S = 1.5
GOAL_ACTION_S = 1.0
TIMEOUT_MS = 300_000

DONE_JS = """() => { const a = document.querySelector('[data-testid="stApp"]');
  return a && a.getAttribute('data-test-connection-state') === 'CONNECTED'
    && a.getAttribute('data-test-script-state') === 'notRunning'
    && document.querySelector('[data-testid="stMain"] [data-testid="stElementContainer"]')
    && !document.querySelector('[data-testid="stSkeleton"]')
    && !document.querySelector('[data-testid="stStatusWidget"]')
    && (!window.__needDeck || document.querySelector('[data-testid="stDeckGlJsonChart"] canvas')); }"""

FRAMES_JS = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(performance.now()))))"

OBSERVE_JS = """() => { window.__runs = []; const a = document.querySelector('[data-testid="stApp"]');
  new MutationObserver(() => window.__runs.push([a.getAttribute('data-test-script-state'), performance.now()]))
    .observe(a, {attributes: true, attributeFilter: ['data-test-script-state']}); }"""

AFTER_RUN_JS = """(t0) => (window.__runs || []).some(([s, t]) => s === 'running' && t >= t0)"""


def _wait_done(page, need_deck: bool) -> float:
    page.evaluate(f"() => {{ window.__needDeck = {str(need_deck).lower()}; }}")
    for _ in range(2):
        page.wait_for_function(DONE_JS, timeout=TIMEOUT_MS, polling=20)
        page.wait_for_timeout(50)
    page.wait_for_function(DONE_JS, timeout=TIMEOUT_MS, polling=20)
    return page.evaluate(FRAMES_JS)


def render(page, url: str, need_deck: bool) -> float:
    """Seconds from ``goto`` to the page drawn (module docstring)."""
    t0 = time.perf_counter()
    page.goto(url, wait_until="commit")
    page.wait_for_selector('[data-testid="stApp"]', timeout=TIMEOUT_MS, state="attached")
    page.evaluate(f"() => {{ window.__needDeck = {str(need_deck).lower()}; }}")
    _wait_done(page, need_deck)
    return time.perf_counter() - t0


def interact(page, action) -> float:
    """Seconds from ``action()`` to the run it starts finished and drawn."""
    page.evaluate(OBSERVE_JS)
    t0 = page.evaluate("() => performance.now()")
    action()
    page.wait_for_function(AFTER_RUN_JS, arg=t0, timeout=TIMEOUT_MS, polling=10)
    end = _wait_done(page, True)
    return (end - t0) / 1000.0


def _type_number(page, key: str, value: float) -> None:
    box = page.locator(f".st-key-{key} input")
    box.fill(f"{value:g}")
    box.press("Enter")


def external_requests(requests: list[str], base: str) -> list[str]:
    """Requests to any host other than the server's."""
    host = urlparse(base).netloc
    return [u for u in requests if urlparse(u).scheme in ("http", "https", "ws", "wss") and urlparse(u).netloc != host]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


@contextlib.contextmanager
def started(cmd: list[str], db: Path, log: Path, port: int, timeout_s: float = 1800):
    """Run ``cmd`` (a server on ``port``) until its health check answers; stop it after."""
    out = log.open("wb")
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    srv = Server(f"http://127.0.0.1:{port}", db, proc, log)
    try:
        deadline = time.monotonic() + timeout_s
        while not _healthy(srv.url):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"server did not come up:\n{log.read_text(errors='replace')}")
            time.sleep(0.5)
        yield srv
    finally:
        srv.stop()


def serve(db: Path, tmp: Path):
    """``servicecircle serve --db DB`` (it may first precompute the default views)."""
    port = free_port()
    bin_dir = Path(sys.executable).parent
    return started([str(bin_dir / "servicecircle"), "serve", "--db", str(db), "--port", str(port)], db,
                   tmp / "serve.log", port)


def static_app(tmp: Path):
    """A one-line Streamlit script served by ``streamlit run`` (the baseline)."""
    script = tmp / "static_page.py"
    script.write_text('import streamlit as st\n\nst.write("static")\n', encoding="utf-8")
    port = free_port()
    return started([str(Path(sys.executable).parent / "streamlit"), "run", str(script), "--server.headless", "true",
                    "--server.port", str(port), "--browser.gatherUsageStats", "false"], script, tmp / "static.log",
                   port)


def spec_sizes(browser, base: str, lang: str) -> dict[str, float]:
    """Largest websocket message (MB) of a visit to each map page: the map's spec. Measured
    on visits of their own: recording frames makes Playwright copy every message out of
    the browser, which slows the page by tens of seconds at city scale."""
    ctx = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    page = ctx.new_page()
    frames: list[int] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda f: frames.append(len(f))))
    out = {}
    for name in ("coverage_map", "planner"):
        frames.clear()
        render(page, f"{base}/{name}?lang={lang}", True)
        out[name] = round(max(frames, default=0) / 1e6, 2)
    ctx.close()
    return out


def measure_pages(browser, base: str, runs: int, lang: str) -> dict:
    """Render and interaction times on a running server (module docstring)."""
    out: dict = {"render": {}, "action": {}, "external": [], "exceptions": []}
    ctx = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    page = ctx.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    for name in ("coverage_map", "planner"):
        url = f"{base}/{name}?lang={lang}"
        first = render(page, url, True)
        warm = [render(page, url, True) for _ in range(runs)]
        out["render"][name] = {"first": first, "warm": warm}
        out["exceptions"] += [e.inner_text() for e in page.query_selector_all('[data-testid="stException"]')]
        if name == "coverage_map":
            box = page.locator(".st-key-cov_minutes input")
            minutes = float(box.input_value())
            # +1 minute, then back: every other change is a setting seen before
            out["action"]["walk_minutes"] = [
                interact(page, lambda v=minutes + (1 if i % 2 == 0 else 0): _type_number(page, "cov_minutes", v))
                for i in range(runs)]
            slider = page.locator(".st-key-cov_on input[type=range]")
            slide = []
            for i in range(runs):
                slider.focus()
                slide.append(interact(page, lambda k="ArrowLeft" if i % 2 == 0 else "ArrowRight", s=slider: s.press(k)))
            out["action"]["date_slider"] = slide
        else:
            out["action"]["what_if"] = [interact(page, lambda: page.locator(".st-key-wi_add label").click())
                                        for _ in range(runs)]
    out["external"] = external_requests(requests, base)
    ctx.close()
    return out


def measure(db: Path, runs: int, lang: str, url: str | None = None) -> dict:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as td, sync_playwright() as pw:
        tmp = Path(td)
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        with contextlib.nullcontext(Server(url, db, None, tmp / "none")) if url else serve(db, tmp) as server:
            out = measure_pages(browser, server.url, runs, lang)
            out["spec_mb"] = spec_sizes(browser, server.url, lang)
        with static_app(tmp) as st_srv:
            ctx = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
            page = ctx.new_page()
            render(page, st_srv.url, False)
            out["render"]["static"] = {"first": None, "warm": [render(page, st_srv.url, False) for _ in range(runs)]}
            ctx.close()
        browser.close()
    return out


def _med(xs: list[float]) -> float:
    return statistics.median(xs)


def section(label: str, db: Path, res: dict, runs: int) -> str:
    base = _med(res["render"]["static"]["warm"])
    rows = []
    for name in ("coverage_map", "planner"):
        r = res["render"][name]
        w = _med(r["warm"])
        rows.append(f"| {name} render, first | {r['first']:.2f} s | {r['first'] / base:.1f}x | – |")
        rows.append(f"| {name} render, warm | {w:.2f} s | {w / base:.1f}x | "
                    f"{'met' if w <= GOAL_RENDER_S else 'NOT met'} (≤ {GOAL_RENDER_S} s) |")
    for name, xs in res["action"].items():
        m = _med(xs)
        rows.append(f"| {name} | {m:.2f} s | {m / base:.1f}x | {'met' if m <= GOAL_ACTION_S else 'NOT met'} "
                    f"(≤ {GOAL_ACTION_S} s) |")
    rows.append(f"| static page render, warm (baseline) | {base:.2f} s | 1.0x | – |")
    load = os.getloadavg()
    return "\n".join([
        f"## {label}", "",
        (f"Warehouse `{db}`, {runs} runs each (median), {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, "
         f"load average {load[0]:.1f} (2 cores, shared)."), "",
        "| what | median | vs static page | goal |", "|---|---|---|---|", *rows, "",
        (f"Largest websocket message of a visit (the map's spec): map {res['spec_mb'].get('coverage_map')} MB, "
         f"planner {res['spec_mb'].get('planner')} MB."),
        f"Requests to other hosts: {len(res['external'])}" + (f" ({', '.join(res['external'][:5])})" if res["external"]
                                                               else "") + ".",
        f"Exceptions shown: {len(res['exceptions'])}.", "",
    ])


def write_section(label: str, text: str) -> None:
    head = ("# The city map in a real browser\n\n"
            "`benchmarks/bench_map_browser.py` (method in its docstring).\n\n")
    old = OUT.read_text(encoding="utf-8") if OUT.exists() else head
    parts = old.split("\n## ")
    kept = [p for p in parts[1:] if not p.startswith(label + "\n")]
    body = parts[0].rstrip() + "\n\n" + "".join("## " + p.rstrip() + "\n\n" for p in kept) + text
    OUT.write_text(body, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, required=True)
    ap.add_argument("--label", default="city")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--lang", default="zh")
    ap.add_argument("--url", help="time an already running `servicecircle serve --db DB` at this URL instead")
    a = ap.parse_args(argv)
    res = measure(a.db, a.runs, a.lang, a.url)
    (OUT.parent / f"map_browser-{a.label}.json").write_text(json.dumps(res, indent=1), encoding="utf-8")
    text = section(a.label, a.db, res, a.runs)
    write_section(a.label, text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
