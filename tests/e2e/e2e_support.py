"""Real-browser support (used by conftest.py and the tests): a demo warehouse, ``servicecircle serve`` on a free port, and
Debian's Chromium driven by Playwright for Python.

Follows ``e2e_playwright/conftest.py`` of streamlit/streamlit: start the app headless,
wait until each script run has finished (``stApp[data-test-script-state=notRunning]``),
find elements by test id, screenshot, and fail on any ``stException``.

Chromium is Debian's (``/usr/bin/chromium``, installed by ``.ci/run`` with
``fonts-noto-cjk``); ``playwright install`` is never used. Without it the tests skip with
a message, except under ``CI`` where a missing browser is a failure.

Environment
-----------
SERVICECIRCLE_E2E_DB
    Use this existing warehouse instead of building the tiny demo (faster local loops).
SERVICECIRCLE_E2E_SCALE
    Demo scale to build (default ``tiny``).
CI
    When set, a missing Chromium fails instead of skipping.
"""

from __future__ import annotations

import contextlib
import re
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("SERVICECIRCLE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]
SHOTS = ROOT / "test-output" / "screenshots"
README_IMG = ROOT / "docs" / "img"
README_SHOTS = {"overview": "overview.png", "coverage_map": "map.png"}
"""Pages whose Chinese view becomes a README picture when SERVICECIRCLE_README_SHOTS=1."""
SERVE_TIMEOUT_S = 90
RUN_TIMEOUT_MS = 120_000

# Console messages that are not errors of the app (documented, keep short).
CONSOLE_NOISE = (
    "Permissions policy violation",  # Chromium policy notices about unused features
)
# Streamlit's frontend finds the server's base path by probing: on a page URL such as
# /overview it first asks /overview/_stcore/health (404), then /_stcore/health. Those
# two 404s are expected; any other failed resource is an error.
PROBE_404 = re.compile(r"/[^/]+/_stcore/(health|host-config)$")


def _bin(name: str) -> str:
    cand = Path(sys.executable).parent / name
    return str(cand) if cand.exists() else (shutil.which(name) or name)


def require_chromium() -> None:
    """Skip (or, under CI, fail) when Debian's Chromium is not installed."""
    if Path(CHROMIUM).exists():
        return
    msg = (f"Chromium not found at {CHROMIUM}: install Debian's `chromium` and `fonts-noto-cjk` "
           "(apt-get install chromium fonts-noto-cjk) to run the real-browser tests")
    if os.environ.get("CI"):
        pytest.fail(msg)
    pytest.skip(msg)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build_demo(db: Path, scale: str) -> None:
    """Build the demo warehouse with ``servicecircle demo`` (the same command users run)."""
    cmd = [_bin("servicecircle"), "demo", "--db", str(db), "--scale", scale, "--out", str(db.parent / "demo_raw")]
    env = {**os.environ, "SERVICECIRCLE_PRECOMPUTE": "1"}  # as users get it: default views stored
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=900, env=env)
    if proc.returncode != 0:
        raise RuntimeError(f"`{' '.join(cmd)}` failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")


@dataclass
class Server:
    """A running ``servicecircle serve``."""

    url: str
    db: Path
    proc: subprocess.Popen
    log: Path

    def stop(self) -> None:
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)  # our own process group only
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)


def start_server(db: Path, log: Path, *extra: str) -> Server:
    """Start ``servicecircle serve --db DB --port PORT [EXTRA...]`` and wait for its health check."""
    port = free_port()
    out = log.open("wb")
    proc = subprocess.Popen(
        [_bin("servicecircle"), "serve", "--db", str(db), "--port", str(port), *extra],
        cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + SERVE_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}:\n{log.read_text(errors='replace')}")
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return Server(url, db, proc, log)
        time.sleep(0.3)
    srv = Server(url, db, proc, log)
    srv.stop()
    raise RuntimeError(f"server did not come up in {SERVE_TIMEOUT_S}s:\n{log.read_text(errors='replace')}")


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    """Path of a demo warehouse (built once per session unless SERVICECIRCLE_E2E_DB is set)."""
    require_chromium()
    given = os.environ.get("SERVICECIRCLE_E2E_DB")
    if given:
        return Path(given)
    db = tmp_path_factory.mktemp("e2e") / "demo.duckdb"
    build_demo(db, os.environ.get("SERVICECIRCLE_E2E_SCALE", "tiny"))
    return db


@pytest.fixture(scope="session")
def server(demo_db, tmp_path_factory) -> Iterator[Server]:
    srv = start_server(demo_db, tmp_path_factory.mktemp("serve") / "serve.log")
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture(scope="session")
def browser():
    require_chromium()
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    try:
        yield b
    finally:
        b.close()
        pw.stop()


@dataclass
class Watched:
    """A page with its console errors and uncaught page errors collected."""

    page: object
    errors: list[str] = field(default_factory=list)

    def assert_clean(self) -> None:
        assert not self.errors, "JavaScript errors:\n" + "\n".join(self.errors)


def watch(page) -> Watched:
    w = Watched(page)

    def on_console(msg):
        where = msg.location.get("url", "") if msg.location else ""
        if msg.type == "error" and "404" in msg.text and PROBE_404.search(where):
            return
        if msg.type == "error" and not any(n in msg.text for n in CONSOLE_NOISE):
            w.errors.append(f"console: {msg.text} @ {msg.location.get('url', '')}")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: w.errors.append(f"pageerror: {exc}"))
    return w


@pytest.fixture
def page(browser):
    ctx = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN",
                              accept_downloads=True, device_scale_factor=1)
    p = ctx.new_page()
    w = watch(p)
    try:
        yield w
    finally:
        ctx.close()


def wait_for_run(page, timeout_ms: int = RUN_TIMEOUT_MS) -> None:
    """Wait until the app is connected and the script run has finished."""
    page.wait_for_selector('[data-testid="stApp"][data-test-connection-state="CONNECTED"]',
                           timeout=timeout_ms, state="attached")
    # finished = not running, something rendered, no skeleton, and still so 300 ms later
    done = """() => { const a = document.querySelector('[data-testid="stApp"]');
                      return a && a.getAttribute('data-test-script-state') === 'notRunning'
                          && document.querySelector('[data-testid="stMain"] [data-testid="stElementContainer"]')
                          && !document.querySelector('[data-testid="stSkeleton"]'); }"""
    for _ in range(2):
        page.wait_for_function(done, timeout=timeout_ms)
        page.wait_for_timeout(300)
    page.wait_for_function(done, timeout=timeout_ms)
    # plotly draws after the run finishes; give every chart its svg
    page.wait_for_function(
        """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
                 .every(c => c.querySelector('.main-svg'))""",
        timeout=timeout_ms,
    )


def goto(page, url: str) -> None:
    page.goto(url, wait_until="domcontentloaded")
    wait_for_run(page)


def exceptions(page) -> list[str]:
    return [e.inner_text() for e in page.query_selector_all('[data-testid="stException"]')]


def pages() -> list[tuple[str, str]]:
    """(url path, file) of every page the app lists (each file must exist)."""
    sys.path.insert(0, str(ROOT))
    import ast

    tree = ast.parse((ROOT / "dashboard" / "ui" / "navigation.py").read_text(encoding="utf-8"))
    found: list[tuple[str, str]] = []
    for node in ast.walk(tree):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        if any(getattr(t, "id", "") == "PAGES" for t in targets) and node.value is not None:
            for elt in node.value.elts:
                fname = elt.elts[0].value
                assert (ROOT / "dashboard" / "screens" / fname).is_file(), f"navigation.py lists a missing page {fname}"
                found.append((fname[:-3], fname))
    return found


def page_url(base: str, path: str, first: str, query: str = "") -> str:
    """URL of a page: the first page of st.navigation is the default one, served at ``/``."""
    return f"{base}/{'' if path == first else path}{query}"


def readme_shot(page, path: str) -> Path | None:
    """Save the viewport of ``path`` as the README picture (small PNG), if asked to.

    Only with ``SERVICECIRCLE_README_SHOTS=1`` (the pictures are committed, so a test
    run does not rewrite them unasked). The picture is scaled to 1200 px wide and
    palette-quantised to stay well under 500 KB.
    """
    name = README_SHOTS.get(path)
    if not name or os.environ.get("SERVICECIRCLE_README_SHOTS") != "1":
        return None
    import io

    from PIL import Image

    img = Image.open(io.BytesIO(page.screenshot(full_page=False))).convert("RGB")
    img = img.resize((1200, round(img.height * 1200 / img.width)), Image.Resampling.LANCZOS)
    img = img.quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    README_IMG.mkdir(parents=True, exist_ok=True)
    out = README_IMG / name
    img.save(out, format="PNG", optimize=True)
    return out
