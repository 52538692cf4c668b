"""Lazy sections in a real browser (:mod:`dashboard.ui.lazy`): a tab's chart is not sent
until the user clicks the tab, and clicking it draws the chart; an effect block's second
tab reruns only its fragment."""

from __future__ import annotations

import pytest

from dashboard.i18n import t

from .e2e_support import exceptions, goto, wait_for_run

pytestmark = pytest.mark.e2e


def _click_tab(p, name: str) -> None:
    p.get_by_role("tab", name=name).click()
    p.wait_for_timeout(300)
    wait_for_run(p)


def test_a_tab_is_drawn_when_clicked(page, server):
    p = page.page
    goto(p, f"{server.url}/offload?lang=zh")
    assert p.locator(".st-key-off_1k [data-testid=\"stPlotlyChart\"]").count() == 1  # the first tab is open
    assert p.locator(".st-key-off_hall").count() == 0  # the second is not sent
    _click_tab(p, t("met.page.offload.tab_hall", "zh"))
    p.locator(".st-key-off_hall .main-svg").first.wait_for(timeout=60_000)
    assert p.locator(".st-key-off_1k").count() == 0  # the tab left is not drawn any more
    assert not exceptions(p)
    page.assert_clean()


def test_an_effect_tab_reruns_its_fragment_only(page, server):
    from streamlit.proto.BackMsg_pb2 import BackMsg

    p = page.page
    sent: list[bytes] = []
    p.on("websocket", lambda ws: ws.on("framesent", lambda payload: sent.append(payload)))
    outcome = "counter_visits_per_1k_households"
    goto(p, f"{server.url}/offload?lang=zh")
    assert p.locator(f".st-key-eff_event_{outcome} [data-testid=\"stPlotlyChart\"]").count() == 1
    sent.clear()
    _click_tab(p, t("eff.fig.cf.title", "zh"))
    p.locator(f".st-key-eff_cf_{outcome} .main-svg").first.wait_for(timeout=60_000)
    reruns = []
    for payload in sent:
        if isinstance(payload, bytes):
            msg = BackMsg()
            msg.ParseFromString(payload)
            if msg.WhichOneof("type") == "rerun_script":
                reruns.append(msg.rerun_script)
    assert reruns and all(r.fragment_id for r in reruns), "the tab reran the whole page"
    assert not exceptions(p)
    page.assert_clean()
