"""The city map in a real browser: the coverage map and the planner draw their deck.gl
map (a WebGL canvas) with the street layer, and the browser asks no other host for
anything (no tiles, no style, no glyphs, no CDN), in both languages; changing the walk
reruns the map's fragment and draws it again, still offline."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from .e2e_support import SHOTS, exceptions, goto, wait_for_run

pytestmark = pytest.mark.e2e

MAP = '[data-testid="stDeckGlJsonChart"]'


def _other_hosts(urls: list[str], base: str) -> list[str]:
    host = urlparse(base).netloc
    return [u for u in urls if urlparse(u).scheme in ("http", "https", "ws", "wss") and urlparse(u).netloc != host]


def _drawn(p) -> None:
    p.wait_for_selector(f"{MAP} canvas", timeout=120_000)
    # deck.gl draws on the next animation frames after its props arrive
    p.wait_for_function("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))")
    box = p.locator(f"{MAP} canvas").first.bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 300


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("path", ["coverage_map", "planner"])
def test_map_draws_without_any_other_host(server, page, path, lang):
    p = page.page
    requests: list[str] = []
    p.on("request", lambda r: requests.append(r.url))
    goto(p, f"{server.url}/{path}?lang={lang}")
    _drawn(p)
    assert exceptions(p) == []
    page.assert_clean()
    if path == "coverage_map":  # a new walk: the fragment reruns and the map is drawn again
        box = p.locator(".st-key-cov_minutes input")
        box.fill("8")
        box.press("Enter")
        wait_for_run(p)
        _drawn(p)
        assert exceptions(p) == []
    p.wait_for_timeout(500)  # anything the map would fetch late (tiles, glyphs) is asked for by now
    SHOTS.mkdir(parents=True, exist_ok=True)
    p.screenshot(path=str(SHOTS / f"citymap_{path}_{lang}.png"))
    assert requests, "no request recorded: the recorder is not working"
    assert _other_hosts(requests, server.url) == []


def test_other_hosts_are_caught():
    # the check itself: a tile or a CDN request is reported, the server's own are not
    base = "http://127.0.0.1:8501"
    urls = [base + "/_stcore/stream", "https://basemaps.cartocdn.com/gl/positron-gl-style/style.json",
            "ws://127.0.0.1:8501/_stcore/stream", "https://unpkg.com/x.js", "data:image/png;base64,AA"]
    assert _other_hosts(urls, base) == ["https://basemaps.cartocdn.com/gl/positron-gl-style/style.json",
                                        "https://unpkg.com/x.js"]
