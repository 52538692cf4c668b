"""Load test: ten browser sessions at once clicking through every page.

Starts ``servicecircle serve`` on a free port against a warehouse (the ``city`` demo,
or ``small`` when city is not built), opens N sessions in Debian's Chromium
(Playwright, async), and lets each one click through the sidebar navigation for a
few minutes with its *own* start-date filter and language. It records:

* page time: from the click on a navigation link until the page's script run has
  finished and every chart is drawn (median and P95, per page and overall);
* errors: any ``stException`` on a page, JavaScript console errors, page errors;
* isolation: on every page with the sidebar date filter, the date shown must be the
  session's own (a session seeing another's filters is a failure).

The result is written to ``benchmarks/results/load.md``. A benchmark, not a test: it
asserts nothing about speed; it exits non-zero when a session saw an error or another
session's filter.

Usage::

    python benchmarks/load_test.py --db data/warehouse.duckdb [--sessions 10] [--minutes 3]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import os
import platform
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CHROMIUM = os.environ.get("SERVICECIRCLE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]
PROBE_404 = re.compile(r"/[^/]+/_stcore/(health|host-config)$")
DONE_JS = """() => { const a = document.querySelector('[data-testid="stApp"]');
    return a && a.getAttribute('data-test-script-state') === 'notRunning'
        && document.querySelector('[data-testid="stMain"] [data-testid="stElementContainer"]')
        && !document.querySelector('[data-testid="stSkeleton"]')
        && [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].every(c => c.querySelector('.main-svg')); }"""
OUT = ROOT / "benchmarks" / "results" / "load.md"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pages() -> list[str]:
    """Pages of the app's navigation that exist, in order (read from dashboard/ui/navigation.py)."""
    import ast

    tree = ast.parse((ROOT / "dashboard" / "ui" / "navigation.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.AnnAssign | ast.Assign):
            targets = [node.target] if isinstance(node, ast.AnnAssign) else node.targets
            if any(getattr(t, "id", "") == "PAGES" for t in targets):
                files = [e.elts[0].value for e in node.value.elts]
                return [f[:-3] for f in files if (ROOT / "dashboard" / "screens" / f).exists()]
    raise RuntimeError("no PAGES in dashboard/ui/navigation.py")


@dataclass
class Stats:
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    leaks: list[str] = field(default_factory=list)
    visits: int = 0
    checks: int = 0


async def _wait_done(page, timeout_ms: int = 120_000) -> None:
    for _ in range(2):
        await page.wait_for_function(DONE_JS, timeout=timeout_ms)
        await page.wait_for_timeout(150)
    await page.wait_for_function(DONE_JS, timeout=timeout_ms)


async def _session(i: int, browser, url: str, pages: list[str], deadline: float, stats: Stats) -> None:
    rng = random.Random(i)
    lang = "zh" if i % 2 == 0 else "en"
    own = dt.date(2024, 1, 1) + dt.timedelta(days=7 * (i + 1))  # every session its own start date
    ctx = await browser.new_context(viewport={"width": 1440, "height": 900})
    page = await ctx.new_page()

    def on_console(msg):
        where = (msg.location or {}).get("url", "")
        if msg.type == "error" and not ("404" in msg.text and PROBE_404.search(where)):
            stats.errors.append(f"session {i}: console: {msg.text} @ {where}")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: stats.errors.append(f"session {i}: pageerror: {exc}"))
    try:
        # the first page that carries the filters in its URL
        await page.goto(f"{url}/overview?lang={lang}&from={own.isoformat()}", wait_until="domcontentloaded")
        await _wait_done(page)
        while time.monotonic() < deadline:
            order = pages[:]
            rng.shuffle(order)
            for name in order:
                if time.monotonic() >= deadline:
                    break
                link = page.locator(f'[data-testid="stSidebarNav"] a[href$="/{name}"], '
                                    f'[data-testid="stSidebarNav"] a[href*="/{name}?"]').first
                if await link.count() == 0:
                    link = page.locator('[data-testid="stSidebarNav"] a').nth(0) if name == pages[0] else None
                if link is None:
                    continue
                t0 = time.perf_counter()
                await link.click()
                with contextlib.suppress(Exception):
                    await page.wait_for_function(
                        f"() => location.pathname.endsWith('/{name}') || {str(name == pages[0]).lower()}",
                        timeout=30_000)
                try:
                    await _wait_done(page)
                except Exception as exc:  # noqa: BLE001
                    stats.errors.append(f"session {i}: {name}: did not finish: {exc}")
                    continue
                stats.times[name].append(time.perf_counter() - t0)
                stats.visits += 1
                exc_text = await page.locator('[data-testid="stException"]').all_inner_texts()
                if exc_text:
                    stats.errors.append(f"session {i}: {name}: {exc_text[0][:300]}")
                box = page.locator('[data-testid="stSidebar"] [data-testid="stDateInput"] input[type="date"]')
                if await box.count():
                    shown = await box.first.input_value()
                    stats.checks += 1
                    if shown != own.isoformat():
                        stats.leaks.append(f"session {i}: {name} shows start {shown or 'none'}, its own is {own}")
    finally:
        await ctx.close()


async def _run(url: str, n: int, minutes: float) -> tuple[Stats, list[str]]:
    from playwright.async_api import async_playwright

    pages = _pages()
    stats = Stats()
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        deadline = time.monotonic() + minutes * 60
        await asyncio.gather(*(_session(i, browser, url, pages, deadline, stats) for i in range(n)))
        await browser.close()
    return stats, pages


def _pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    k = max(0, min(len(xs) - 1, int(round(q * (len(xs) - 1)))))
    return xs[k]


def _write(stats: Stats, pages: list[str], args, db: Path, elapsed: float) -> str:
    all_t = [x for v in stats.times.values() for x in v]
    lines = [
        "# Load test: concurrent browser sessions",
        "",
        f"- date: {dt.datetime.now():%Y-%m-%d %H:%M}; machine: {platform.machine()}, {os.cpu_count()} CPU cores "
        "(shared with other work while this ran)",
        f"- warehouse: `{db.name}` ({db.stat().st_size / 1e6:.0f} MB); sessions: {args.sessions}; "
        f"duration: {elapsed / 60:.1f} min; page visits: {stats.visits}",
        "- page time = click on a sidebar link → script run finished and every chart drawn (Chromium, headless)",
        f"- errors: **{len(stats.errors)}**; pages showing a filter other than the session's own: "
        f"**{len(stats.leaks)}** of {stats.checks} checked (every page with the sidebar date filter)",
        "",
        "| page | visits | median s | P95 s |",
        "|---|---:|---:|---:|",
    ]
    for name in pages:
        ts = stats.times.get(name, [])
        if ts:
            lines.append(f"| {name} | {len(ts)} | {statistics.median(ts):.2f} | {_pct(ts, 0.95):.2f} |")
        else:
            lines.append(f"| {name} | 0 | – | – |")
    if all_t:
        lines.append(f"| **all pages** | {len(all_t)} | **{statistics.median(all_t):.2f}** | **{_pct(all_t, 0.95):.2f}** |")
    if stats.errors or stats.leaks:
        lines += ["", "## Problems", ""] + [f"- {e}" for e in (stats.errors + stats.leaks)[:50]]
    text = "\n".join(lines) + "\n"
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text, encoding="utf-8")
    return text


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, default=None, help="warehouse (default: $SERVICECIRCLE_DB or data/warehouse.duckdb)")
    ap.add_argument("--sessions", type=int, default=10)
    ap.add_argument("--minutes", type=float, default=3.0)
    args = ap.parse_args()
    from dashboard import settings

    db = settings.db_path(args.db).resolve()
    if not db.exists():
        print(f"no warehouse at {db}: build one with `servicecircle demo --scale city` (or small)", file=sys.stderr)
        return 2
    if not Path(CHROMIUM).exists():
        print(f"Chromium not found at {CHROMIUM}", file=sys.stderr)
        return 2
    port = _free_port()
    import tempfile

    log = tempfile.NamedTemporaryFile(prefix="load_serve_", suffix=".log", delete=False)  # noqa: SIM115
    proc = subprocess.Popen([sys.executable, "-m", "dashboard.cli", "serve", "--db", str(db), "--port", str(port)],
                            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            with contextlib.suppress(OSError):
                with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            time.sleep(0.3)
        t0 = time.monotonic()
        stats, pages = asyncio.run(_run(url, args.sessions, args.minutes))
        print(_write(stats, pages, args, db, time.monotonic() - t0))
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
        log.close()
    return 1 if (stats.errors or stats.leaks) else 0


if __name__ == "__main__":
    raise SystemExit(main())
