"""The Waiting page's wait target is a fragment: changing it in the browser reruns only the
block it affects (the share within the target, the before/after and per-hall charts and
the per-hall table), not the page — the heatmaps, the hall-level effect and staffing are
not sent again.

Checked on the websocket: the browser asks for a rerun of one fragment (``BackMsg``
``rerun_script.fragment_id``), and every element the server sends back belongs to that
fragment, with the new target drawn in the charts.
"""

from __future__ import annotations

import json

import pytest

from dashboard.i18n import t

from .e2e_support import goto, wait_for_run

pytestmark = pytest.mark.e2e


def _messages(frames: list[bytes], kind):
    out = []
    for payload in frames:
        if isinstance(payload, bytes):
            msg = kind()
            msg.ParseFromString(payload)
            out.append(msg)
    return out


def test_wait_target_reruns_only_its_fragment(page, server):
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    p = page.page
    sent: list[bytes] = []
    received: list[bytes] = []

    def on_ws(ws):
        ws.on("framesent", lambda payload: sent.append(payload))
        ws.on("framereceived", lambda payload: received.append(payload))

    p.on("websocket", on_ws)
    goto(p, f"{server.url}/waiting?lang=zh")
    full = [m for m in _messages(received, ForwardMsg) if m.WhichOneof("type") == "delta"]
    charts_full = [m for m in full if m.delta.new_element.WhichOneof("type") == "plotly_chart"]
    assert len(charts_full) >= 5, "the page itself should draw its heatmaps, distributions and effect charts"

    sent.clear()
    received.clear()
    box = p.locator(".st-key-met_wait_target input")  # the staffing section has a wait target of its own
    box.fill("23")
    box.press("Enter")
    p.wait_for_timeout(500)
    wait_for_run(p)
    page.assert_clean()

    reruns = [m.rerun_script for m in _messages(sent, BackMsg) if m.WhichOneof("type") == "rerun_script"]
    assert reruns, "changing the target sent no rerun request"
    assert all(r.fragment_id for r in reruns), "the target change reran the whole page, not its fragment"

    deltas = [m.delta for m in _messages(received, ForwardMsg) if m.WhichOneof("type") == "delta"]
    assert deltas, "the fragment sent nothing back"
    assert {d.fragment_id for d in deltas} == {reruns[-1].fragment_id}, "elements outside the fragment were sent again"
    specs = [json.loads(d.new_element.plotly_chart.spec) for d in deltas
             if d.new_element.WhichOneof("type") == "plotly_chart"]
    assert len(specs) == 2, "the fragment draws the before/after and the per-hall charts"
    target_name = t("met.fig.target", "zh", v="23")
    for spec in specs:
        line = [tr for tr in spec["data"] if tr.get("name") == target_name]
        assert line, f"no target line at 23 in {spec['layout'].get('title')}"
