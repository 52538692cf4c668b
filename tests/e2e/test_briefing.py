"""The briefing page in a real browser: report downloads from its buttons, presentation
mode at 1920x1080 (no sidebar, large type), printable."""

from __future__ import annotations

import io

import pytest

from .e2e_support import SHOTS, exceptions, goto, pages, page_url

pytestmark = pytest.mark.e2e


def _first() -> str:
    return pages()[0][0]


def test_download_pptx_and_html_from_the_briefing(page, server, tmp_path):
    from pptx import Presentation

    from dashboard.report.briefing import SECTIONS

    p = page.page
    goto(p, page_url(server.url, "briefing", _first(), "?lang=en"))
    assert not exceptions(p)
    with p.expect_download(timeout=120_000) as dl:
        p.get_by_role("button", name="Download PowerPoint").click()
    path = tmp_path / dl.value.suggested_filename
    dl.value.save_as(path)
    assert path.suffix == ".pptx"
    prs = Presentation(io.BytesIO(path.read_bytes()))
    assert len(prs.slides) == 1 + len(SECTIONS)  # the title, then one slide per section
    charts = [s for slide in prs.slides for s in slide.shapes if s.has_chart]
    assert len(charts) >= 5, "too few native charts in the downloaded deck"
    with p.expect_download(timeout=120_000) as dl:
        p.get_by_role("button", name="Download HTML report").click()
    html = tmp_path / dl.value.suggested_filename
    dl.value.save_as(html)
    text = html.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and "Plotly.newPlot" in text
    page.assert_clean()


def test_downloaded_html_opens_offline(browser, server, tmp_path):
    """The exported HTML draws its charts with no network at all."""
    from dashboard import warehouse
    from dashboard.report.briefing import build_briefing
    from dashboard.report.html import build_html

    con = warehouse.connect_read(server.db)
    try:
        doc = build_html(build_briefing(con, None, "zh", with_map=True))
    finally:
        con.close()
    f = tmp_path / "brief.html"
    f.write_bytes(doc)
    ctx = browser.new_context(offline=True, viewport={"width": 1280, "height": 900})
    try:
        pg = ctx.new_page()
        requests: list[str] = []
        pg.on("request", lambda r: requests.append(r.url))
        pg.goto(f.as_uri())
        pg.wait_for_function("() => document.querySelectorAll('.js-plotly-plot .main-svg').length >= 3",
                             timeout=60_000)
        assert all(u.startswith(("file:", "data:", "blob:")) for u in requests), requests
        SHOTS.mkdir(parents=True, exist_ok=True)
        pg.screenshot(path=str(SHOTS / "export-html-zh.png"), full_page=False)
        pdf = pg.pdf(format="A4", landscape=True)  # prints (Chromium headless)
        assert pdf[:4] == b"%PDF" and len(pdf) > 10_000
    finally:
        ctx.close()


def test_presentation_mode_1080p(browser, server):
    ctx = browser.new_context(viewport={"width": 1920, "height": 1080})
    try:
        from .e2e_support import watch

        w = watch(ctx.new_page())
        p = w.page
        goto(p, page_url(server.url, "briefing", _first(), "?lang=zh&present=1"))
        assert not exceptions(p)
        sidebar = p.query_selector('[data-testid="stSidebar"]')
        assert sidebar is None or not sidebar.is_visible(), "sidebar visible in presentation mode"
        # large type: headline values at least 48 px
        size = p.evaluate("""() => {
            const v = document.querySelector('[data-testid="stMetricValue"]');
            const leaves = [v, ...v.querySelectorAll('*')].filter(e => e.children.length === 0 && e.textContent.trim());
            return Math.min(...leaves.map(e => parseFloat(getComputedStyle(e).fontSize)));
        }""")
        assert size >= 48, size
        # nothing to operate but the exit button; no download buttons
        assert not p.query_selector_all('[data-testid="stDownloadButton"]')
        # the main area uses the full width
        width = p.evaluate("""() => document.querySelector('[data-testid="stMainBlockContainer"]')
            .getBoundingClientRect().width""")
        assert width > 1700, width
        SHOTS.mkdir(parents=True, exist_ok=True)
        p.screenshot(path=str(SHOTS / "briefing-present-1080p.png"), full_page=False)
        p.emulate_media(media="print")
        assert not p.query_selector('[data-testid="stButton"]').is_visible()
        p.emulate_media(media="screen")
        w.assert_clean()
    finally:
        ctx.close()
