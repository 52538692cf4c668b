"""The Waiting page's wait target (a fragment, see tests/e2e/test_waiting_fragment.py):
a changed target shows the share of served tickets within it, computed here with pandas
from the warehouse's rows, and the before/after and per-hall charts draw it; the
metrics that do not depend on it keep their default-target values."""

from __future__ import annotations

import json

from streamlit.testing.v1 import AppTest

from dashboard import settings
from dashboard.analysis import definitions
from dashboard.i18n import t


def _share_within(tickets, target_min: float) -> float:
    s = tickets[(tickets["outcome"] == "served") & tickets["called_at"].notna()]
    wait_min = (s["called_at"] - s["issued_at"]).dt.total_seconds() / 60.0
    return float((wait_min <= target_min).mean())


def test_changed_target_shows_its_share_and_lines(small, monkeypatch):
    monkeypatch.setenv("SERVICECIRCLE_DB", str(small["db"]))
    at = AppTest.from_file(str(settings.PROJECT_ROOT / "dashboard" / "app.py"), default_timeout=120)
    at.switch_page("screens/waiting.py").run()
    assert not at.exception, at.exception
    share = t("met.def.share_within_target.name", "zh")
    default = float(settings.TARGETS.wait_target_min)
    shown = {m.label: m.value for m in at.metric}
    assert shown[share] == definitions.fmt_value(_share_within(small["tickets"], default), "share", "zh")
    mean_before = shown[t("met.def.hall_wait_mean_min.name", "zh")]

    at.number_input(key="met_wait_target").set_value(25.0).run()
    assert not at.exception, at.exception
    shown = {m.label: m.value for m in at.metric}
    expected = _share_within(small["tickets"], 25.0)
    assert expected != _share_within(small["tickets"], default)  # the case tells the two apart
    assert shown[share] == definitions.fmt_value(expected, "share", "zh")
    assert shown[t("met.def.hall_wait_mean_min.name", "zh")] == mean_before
    name = t("met.fig.target", "zh", v="25")
    with_line = [json.loads(c.proto.spec) for c in at.get("plotly_chart")
                 if any(tr.get("name") == name for tr in json.loads(c.proto.spec)["data"])]
    assert len(with_line) == 2, "the before/after and per-hall charts draw the target"
