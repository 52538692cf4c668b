"""The Briefing's scorecard section: the breaches collected from the warehouse are the
scorecard's (with the targets file beside it), and the section's headlines, chart and
table follow a hand-made input."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd

from dashboard import settings, warehouse
from dashboard.analysis import room_targets, scorecard
from dashboard.analysis.filters import Filters
from dashboard.i18n import t
from dashboard.report.briefing import assemble
from dashboard.report.collect import scorecard_input
from dashboard.report.inputs import BriefingInputs, ScorecardInput


def test_collected_breaches_are_the_scorecards_with_the_targets_file(tiny):
    room_targets.save(tiny.db, {"visits_min": 38})
    try:
        con = warehouse.connect_read(tiny.db)
        try:
            got = scorecard_input(con, Filters())
            want = scorecard.scorecard(con, Filters(), None, room_targets.load(tiny.db))
        finally:
            con.close()
    finally:
        settings.room_targets_path(tiny.db).unlink()
    assert got.targets["visits_min"] == 38.0
    assert got.month == want["month"] == dt.date(2024, 9, 1)
    assert got.n_rooms == len(want["rooms"])
    pd.testing.assert_frame_equal(got.breaches, want["breaches"])
    assert (got.breaches["metric"] == "visits").any()


def test_section_from_hand_made_breaches():
    b = pd.DataFrame({
        "room_id": ["R2", "R1", "R2"], "name": ["东风", "西河", "东风"],
        "metric": ["home_visits", "coverage_share", "idle_open_days"], "value": [5.0, 0.41, 4.0],
        "target": [8.0, 0.6, 2.0], "since": [dt.date(2024, 1, 1), dt.date(2023, 11, 1), dt.date(2024, 3, 1)]})
    inp = BriefingInputs(scorecard=ScorecardInput(month=dt.date(2024, 3, 1), n_rooms=4, breaches=b,
                                                  targets=dataclasses.asdict(settings.ROOM_TARGETS)))
    for lang in ("zh", "en"):
        s = assemble(inp, lang).section("scorecard")
        assert s.available
        assert [h.value for h in s.headlines] == ["4", "2", "3"]  # rooms, rooms missing, targets missed
        assert s.finding == t("rep.find.scorecard", lang, month="2024年3月" if lang == "zh" else "Mar 2024",
                              n_rooms=4, n_breaching=2, n=3)
        assert list(s.chart.categories) == [t(f"sc.metric.{m}", lang) for m in
                                            ("home_visits", "idle_open_days", "coverage_share")]
        assert s.chart.series[0].values == (1.0, 1.0, 1.0)
        since = s.table[t("sc.col.since", lang)].tolist()
        assert since[0] == ("2023年11月" if lang == "zh" else "Nov 2023")  # longest-running first
        assert s.table[t("sc.col.room", lang)].tolist() == ["西河", "东风", "东风"]
    none = BriefingInputs(scorecard=ScorecardInput(month=dt.date(2024, 3, 1), n_rooms=4, breaches=b.iloc[0:0],
                                                   targets={}))
    s = assemble(none, "en").section("scorecard")
    assert s.available and s.table is None
    assert s.finding == t("rep.find.scorecard_none", "en", month="Mar 2024", n_rooms=4)
    assert not assemble(BriefingInputs(), "zh").section("scorecard").available
