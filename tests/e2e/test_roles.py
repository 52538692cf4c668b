"""Sign-in and roles in a real browser: a server on its own copy of the demo warehouse with a
users file beside it (viewer, analyst, admin), and one behind a simulated sign-on proxy.

* Before the sign-in nothing of the warehouse reaches the browser: every byte the
  websocket delivered and the page's HTML are searched for the KPI values the same page
  shows after the sign-in.
* Each role sees what it may use and not what it may not (planner link, table downloads,
  upload box, audit trail), and the downloads it makes are in the audit trail with the
  SHA-256 of the very file the browser saved.
"""

from __future__ import annotations

import hashlib
import subprocess

import pytest

from dashboard import parts, settings
from dashboard.access import audit
from dashboard.i18n import t
from tests.ingest.ingest_helpers import COMMUNITIES_CSV

from .e2e_support import (
    _bin,
    exceptions,
    goto,
    page_url,
    pages,
    start_server,
    wait_for_run,
    watch,
)

pytestmark = pytest.mark.e2e

PASSWORDS = {"vera": "viewer-pass-1", "andy": "analyst-pass-1", "ada": "admin-pass-1"}
ROLES = {"vera": "viewer", "andy": "analyst", "ada": "admin"}
FIRST = pages()[0][0]


def _add_users(db) -> None:
    for name, role in ROLES.items():
        subprocess.run([_bin("servicecircle"), "users", "add", name, "--role", role, "--password-stdin",
                        "--db", str(db)], input=PASSWORDS[name] + "\n", text=True, check=True,
                       capture_output=True)


@pytest.fixture(scope="module")
def roles_server(demo_db, tmp_path_factory):
    """``servicecircle serve`` on a copy of the demo with three users."""
    db = tmp_path_factory.mktemp("roles") / "warehouse.duckdb"
    parts.copy_warehouse(demo_db, db)
    _add_users(db)
    srv = start_server(db, db.parent / "serve.log")
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture(scope="module")
def proxy_server(demo_db, tmp_path_factory):
    """The same, started with ``--trust-proxy-header X-Remote-User``."""
    db = tmp_path_factory.mktemp("proxy") / "warehouse.duckdb"
    parts.copy_warehouse(demo_db, db)
    _add_users(db)
    srv = start_server(db, db.parent / "serve.log", "--trust-proxy-header", "X-Remote-User")
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture
def ctx(browser):
    c = browser.new_context(viewport={"width": 1440, "height": 900}, accept_downloads=True)
    try:
        yield c
    finally:
        c.close()


def _url(server, path: str) -> str:
    return page_url(server.url, path, FIRST, "?lang=en")


def _sign_in(p, name: str, password: str) -> None:
    p.fill(f'input[aria-label="{t("acc.signin.name", "en")}"]', name)
    p.fill(f'input[aria-label="{t("acc.signin.password", "en")}"]', password)
    p.click('[data-testid="stFormSubmitButton"] button')
    p.wait_for_timeout(500)
    wait_for_run(p)


def _signed_in(ctx, server, name: str, path: str = "overview"):
    w = watch(ctx.new_page())
    goto(w.page, _url(server, path))
    _sign_in(w.page, name, PASSWORDS[name])
    # signed in: the sign-out button is there (a heavy page may still redraw the sidebar)
    w.page.wait_for_selector(f'[data-testid="stSidebar"] >> text={t("acc.signout.button", "en")}',
                             state="attached", timeout=90_000)
    return w


def _expand_nav(p) -> None:
    """Show every page link (Streamlit folds a long menu behind "View more")."""
    more = p.query_selector('[data-testid="stSidebarNavViewButton"]')
    if more is not None and "more" in more.inner_text().lower():
        more.click()
        p.wait_for_timeout(300)


def _nav_paths(p) -> set[str]:
    _expand_nav(p)
    return {a.get_attribute("href").rstrip("/").rsplit("/", 1)[-1].split("?")[0]
            for a in p.query_selector_all('[data-testid="stSidebarNav"] a')}


def _open(p, server, path: str) -> None:
    """Go to a page by its sidebar link (the same session: no new sign-in)."""
    _expand_nav(p)
    p.click(f'[data-testid="stSidebarNav"] a[href*="/{path}"]' if path != FIRST else
            '[data-testid="stSidebarNav"] a >> nth=0')
    p.wait_for_timeout(300)
    wait_for_run(p)


def _trail(server) -> list[dict]:
    return audit.read(settings.audit_path(server.db))


def test_no_data_before_sign_in(ctx, roles_server):
    w = watch(ctx.new_page())
    p = w.page
    received: list[bytes] = []
    p.on("websocket", lambda ws: ws.on(
        "framereceived", lambda f: received.append(f if isinstance(f, bytes) else f.encode("utf-8"))))
    goto(p, _url(roles_server, "overview"))
    assert p.query_selector(f'input[aria-label="{t("acc.signin.password", "en")}"][type="password"]')
    before_html = p.content()
    before_frames = b"".join(received)
    assert before_frames  # the websocket did deliver the sign-in page
    assert not p.query_selector_all('[data-testid="stMetric"], [data-testid="stPlotlyChart"], '
                                    '[data-testid="stDataFrame"], [data-testid="stSidebarNav"]')
    # sign in on the same page: the overview (the URL's page) opens with its KPIs
    _sign_in(p, "vera", PASSWORDS["vera"])
    p.wait_for_selector('[data-testid="stMetricValue"]', timeout=60_000)
    assert p.url.split("?")[0].endswith("/overview")
    values = [v.inner_text().strip() for v in p.query_selector_all('[data-testid="stMetricValue"]')]
    labels = [v.inner_text().strip() for v in p.query_selector_all('[data-testid="stMetricLabel"]')]
    assert len(values) >= 6
    for text in values + labels:
        assert text not in before_html, f"{text!r} was in the page before the sign-in"
        assert text.encode("utf-8") not in before_frames, f"{text!r} reached the browser before the sign-in"
    assert len(b"".join(received)) > len(before_frames) + 1000  # the data came after the sign-in
    assert not exceptions(p)
    w.assert_clean()


def test_wrong_password(ctx, roles_server):
    w = watch(ctx.new_page())
    goto(w.page, _url(roles_server, "overview"))
    _sign_in(w.page, "ada", "not-the-password")
    assert w.page.get_by_text(t("acc.signin.failed", "en")).is_visible()
    assert not w.page.query_selector_all('[data-testid="stMetric"]')
    last = _trail(roles_server)[-1]
    assert (last["event"], last["outcome"], last["name"], last["user"]) == ("sign_in", "wrong_password", "ada", None)


def _download(p, button_text: str) -> tuple[bytes, str]:
    with p.expect_download(timeout=60_000) as d:
        p.get_by_role("button", name=button_text).first.click()
    return d.value.path().read_bytes(), d.value.suggested_filename


def test_viewer(ctx, roles_server):
    w = _signed_in(ctx, roles_server, "vera")
    p = w.page
    assert "planner" not in _nav_paths(p) and "data" in _nav_paths(p)
    _open(p, roles_server, "data")
    assert p.query_selector_all('[data-testid="stDataFrame"]')  # reads the tables
    assert not p.query_selector_all('[data-testid="stDownloadButton"]')  # but cannot take them away
    assert not p.query_selector_all('[data-testid="stFileUploader"]')  # nor import
    assert not p.get_by_text(t("acc.audit.title", "en"), exact=True).count()
    # the Briefing's exports are a viewer's, and recorded with the file's own hash
    _open(p, roles_server, FIRST)
    data, name = _download(p, t("rep.download_pptx", "en"))
    assert data[:2] == b"PK" and name.endswith(".pptx")
    rec = _trail(roles_server)[-1]
    assert (rec["event"], rec["user"], rec["kind"]) == ("export", "vera", "pptx")
    assert rec["file"] == {"name": name, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
    assert not exceptions(p)
    w.assert_clean()
    # a link to the planner does not open it for a viewer: Streamlit runs the main page
    w = _signed_in(ctx, roles_server, "vera", path="planner")
    w.page.wait_for_selector('[data-testid="stMetricValue"]', timeout=60_000)
    assert not w.page.get_by_text(t("cov.plan.title", "en"), exact=True).count()
    assert not w.page.query_selector_all('[data-testid="stNumberInput"]')
    assert all("does not seem to exist" in e for e in w.errors), w.errors  # Streamlit's own notice


def test_link_to_the_planner_survives_the_sign_in(ctx, roles_server):
    w = _signed_in(ctx, roles_server, "andy", path="planner")
    w.page.wait_for_selector('[data-testid="stNumberInput"]', timeout=60_000)
    assert w.page.get_by_text(t("cov.plan.title", "en"), exact=True).count()
    w.assert_clean()


def test_analyst(ctx, roles_server):
    w = _signed_in(ctx, roles_server, "andy")
    p = w.page
    assert "planner" in _nav_paths(p)
    _open(p, roles_server, "data")
    assert p.query_selector_all('[data-testid="stDownloadButton"]')
    assert not p.query_selector_all('[data-testid="stFileUploader"]')
    assert not p.get_by_text(t("acc.audit.title", "en"), exact=True).count()
    data, name = _download(p, t("rep.download_csv", "en"))
    assert name.endswith(".csv") and data.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM
    rec = _trail(roles_server)[-1]
    assert (rec["event"], rec["user"], rec["kind"]) == ("export", "andy", "csv")
    assert rec["file"]["sha256"] == hashlib.sha256(data).hexdigest()
    _open(p, roles_server, "planner")
    p.wait_for_selector('[data-testid="stMetric"]', timeout=60_000)
    assert not p.get_by_text(t("acc.denied.role", "en", need="analyst", role="analyst")).count()
    assert not exceptions(p)
    w.assert_clean()


def test_admin(ctx, roles_server, tmp_path):
    w = _signed_in(ctx, roles_server, "ada")
    p = w.page
    _open(p, roles_server, "data")
    assert len(p.query_selector_all('[data-testid="stFileUploader"]')) == 2  # files and profile
    p.get_by_text(t("acc.audit.title", "en"), exact=True).wait_for(timeout=30_000)
    assert p.query_selector_all('[data-testid="stDownloadButton"]')
    # an import from the page is recorded under the signed-in admin, with the file's hash
    f = tmp_path / "communities.csv"
    f.write_text(COMMUNITIES_CSV, encoding="utf-8")
    p.locator('[data-testid="stFileUploader"] input[type="file"]').first.set_input_files(str(f))
    p.get_by_text("communities.csv").first.wait_for(timeout=30_000)
    p.get_by_role("button", name=t("data.upload.button", "en")).click()
    p.get_by_text(t("data.upload.done", "en", table=t("data.table.communities", "en"))).wait_for(timeout=60_000)
    rec = [r for r in _trail(roles_server) if r["event"] == "import"][-1]
    assert (rec["user"], rec["via"], rec["table"], rec["outcome"]) == ("ada", "web", "communities", "stored")
    assert rec["files"] == [{"name": "communities.csv", "sha256": hashlib.sha256(f.read_bytes()).hexdigest(),
                             "bytes": f.stat().st_size}]
    assert rec["counts"]["read"] == 3
    assert sum(rec["counts"][k] for k in ("stored", "updated", "duplicates", "rejected")) == 3
    # sign out: back to the form, nothing of the page left
    p.get_by_role("button", name=t("acc.signout.button", "en")).click()
    p.wait_for_selector(f'input[aria-label="{t("acc.signin.password", "en")}"]', timeout=30_000)
    wait_for_run(p)
    assert not p.query_selector_all('[data-testid="stDataFrame"], [data-testid="stSidebarNav"]')
    events = [(r["event"], r.get("user"), r.get("outcome")) for r in _trail(roles_server)]
    assert ("sign_in", "ada", "ok") in events and events[-1] == ("sign_out", "ada", None)
    w.assert_clean()


def test_behind_a_sign_on_proxy(browser, proxy_server):
    for name, expect in (("andy", "in"), ("mallory", "out"), (None, "out")):
        headers = {"X-Remote-User": name} if name else {}
        c = browser.new_context(viewport={"width": 1440, "height": 900}, extra_http_headers=headers)
        try:
            p = c.new_page()
            goto(p, _url(proxy_server, "overview"))
            assert not p.query_selector_all(f'input[aria-label="{t("acc.signin.password", "en")}"]')
            if expect == "in":
                p.wait_for_selector('[data-testid="stMetricValue"]', timeout=60_000)
                assert p.get_by_text(t("acc.signin.as_proxy", "en", name="andy", role="analyst")).count()
                assert "planner" in _nav_paths(p)
            else:
                assert p.get_by_text(t("acc.denied.title", "en"), exact=True).count()
                assert not p.query_selector_all('[data-testid="stMetric"], [data-testid="stSidebarNav"]')
        finally:
            c.close()
    outcomes = [(r["user"], r["outcome"], r.get("name")) for r in _trail(proxy_server) if r["event"] == "sign_in"]
    assert outcomes == [("andy", "ok", "andy"), (None, "not_authorised", "mallory"), (None, "not_authorised", None)]
