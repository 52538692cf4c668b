"""assemble(): hand-made inputs → sections, numbers and sentences in both languages."""

from __future__ import annotations

import re

import pytest

from dashboard.report.briefing import SECTIONS, assemble, fmt_pct, key_charts
from dashboard.report.inputs import BriefingInputs


def test_sections_in_order_and_all_available(inputs):
    b = assemble(inputs, "zh")
    assert [s.key for s in b.sections] == list(SECTIONS)
    assert all(s.available for s in b.sections)


def test_title_period_and_scope_chinese(inputs):
    b = assemble(inputs, "zh")
    assert b.subtitle == "2024年1月1日至2024年3月31日 · 东城区"
    assert b.generated == "生成于 2024年4月2日"


def test_title_period_english(inputs):
    b = assemble(inputs, "en")
    assert b.subtitle == "2024-01-01 to 2024-03-31 · 东城区"
    assert b.title == "Community service rooms: results"


def test_offload_numbers_and_wan(inputs):
    s = assemble(inputs, "zh").section("offload")
    assert s.headlines[0].value == "25.0%"
    # 30,000 < 100,000 stays as digits; the counter months are formatted 2024年1月
    assert "30,000" in s.finding and "90,000" in s.finding
    assert s.chart.categories == ("2024年1月", "2024年2月", "2024年3月")
    assert [x.values for x in s.chart.series] == [(32000.0, 30000.0, 28000.0), (8000.0, 10000.0, 12000.0)]
    inputs.offload.room = 250_000
    s = assemble(inputs, "zh").section("offload")
    assert "25.0万" in s.finding
    s = assemble(inputs, "en").section("offload")
    assert "250,000" in s.finding and s.chart.categories[0] == "Jan 2024"


def test_waiting_and_faults_sentences(inputs):
    zh = assemble(inputs, "zh")
    assert zh.section("waiting").finding == "营业厅平均等候12.3分钟，81.2%的取号在15分钟内叫号。"
    en = assemble(inputs, "en")
    assert "2.50 hours" in en.section("faults").finding and "95.0%" in en.section("faults").finding


def test_effect_sentence_and_event_chart_follow_language(inputs):
    zh = assemble(inputs, "zh").section("hotline")
    en = assemble(inputs, "en").section("hotline")
    assert zh.effect.startswith("服务室开放后") and en.effect.startswith("After the rooms")
    assert zh.effect_chart.categories == ("-2", "-1", "0", "1", "2")
    assert zh.effect_chart.series[0].values == (0.1, 0.0, -1.8, -2.1, -2.3)
    assert en.effect_chart.x_title == "Months since opening"
    # no effect for offload in the hand-made inputs
    assert assemble(inputs, "zh").section("offload").effect is None


def test_vulnerable_total_excludes_general(inputs):
    s = assemble(inputs, "zh").section("groups_staff")
    assert s.headlines[0].value == "1,390"  # 1200 + 150 + 40, "general" not counted
    assert s.chart.categories == ("普通客户", "老年人", "残疾人", "军烈属")


def test_coverage_top_gaps_largest_first(inputs):
    s = assemble(inputs, "zh", top_gaps=3).section("coverage")
    assert s.headlines[0].value == "62.5%"
    assert s.headlines[2].value == "900"  # 2400 - 1500
    assert "<b>幸福里</b>（800户）、安贞（300户）、和平里（50户）" in s.finding
    assert list(s.table["未覆盖户数"]) == [800, 300, 50]
    # chart is in percent, sorted ascending for a horizontal bar
    assert s.chart.percent and s.chart.categories == ("西城区", "东城区")
    assert s.chart.series[0].values == pytest.approx((50.0, 70.0))


def test_plan_section(inputs):
    s = assemble(inputs, "en").section("plan")
    assert s.finding == "2 more rooms would raise five-minute coverage from 62.5% to 79.0%."
    assert list(s.table.columns) == ["Candidate site", "Newly covered households", "Newly covered elderly"]


def test_missing_parts_say_so_instead_of_numbers():
    b = assemble(BriefingInputs(), "en")
    assert not any(s.available for s in b.sections)
    for s in b.sections:
        assert s.chart is None and not s.headlines
        assert s.finding.startswith("No result for this part yet")
        assert not re.search(r"\d", s.finding)
    assert b.subtitle == "All dates · Whole city"


def test_no_english_words_in_chinese_briefing(inputs):
    b = assemble(inputs, "zh")
    texts = [b.title, b.subtitle, b.generated, b.map_legend]
    for s in b.sections:
        texts += [s.title, s.finding] + [h.label for h in s.headlines]
        for c in (s.chart, s.effect_chart):
            if c:
                texts += [c.title, c.x_title, c.y_title] + [x.name for x in c.series]
    leaks = [x for x in texts if re.search(r"[A-Za-z]{3,}", x.replace("95598", ""))]
    assert not leaks, leaks


def test_fmt_pct():
    assert fmt_pct(0.0) == "0.0%" and fmt_pct(None) == "–" and fmt_pct(float("nan")) == "–"


def test_plan_without_useful_site_says_so(inputs):
    import pandas as pd

    inputs.plan.added = pd.DataFrame(columns=["site_id", "new_households", "new_elderly"])
    s = assemble(inputs, "en").section("plan")
    assert s.available and s.chart is None
    assert s.finding.startswith("None of the candidate sites")


def test_key_charts_of_the_page(inputs):
    # the first two key sections with a chart other than coverage (section order:
    # offload, waiting, hotline), then the hotline's event study, then coverage
    b = assemble(inputs, "en")
    sec = {s.key: s for s in b.sections}
    assert sec["hotline"].effect_chart is not None and sec["coverage"].chart is not None
    assert key_charts(b) == [sec["offload"].chart, sec["waiting"].chart, sec["hotline"].effect_chart,
                             sec["coverage"].chart]
    # without the waiting section the hotline's own chart takes its place
    inputs.waiting = None
    b = assemble(inputs, "en")
    sec = {s.key: s for s in b.sections}
    assert sec["waiting"].chart is None
    assert key_charts(b) == [sec["offload"].chart, sec["hotline"].chart, sec["hotline"].effect_chart,
                             sec["coverage"].chart]
