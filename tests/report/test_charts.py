"""Chart data → plotly figure: traces, values, translated texts (tested on fig.data)."""

from __future__ import annotations

from dashboard.report.briefing import assemble
from dashboard.report.charts import to_figure


def test_line_chart_traces(inputs):
    s = assemble(inputs, "zh").section("hotline")
    fig = to_figure(s.chart)
    assert [tr.name for tr in fig.data] == ["已有服务室的社区", "尚无服务室的社区"]
    assert list(fig.data[0].x) == ["2024年1月", "2024年2月", "2024年3月"]
    assert list(fig.data[1].y) == [9.0, 9.25, 9.5]
    assert fig.layout.title.text == s.chart.title
    assert fig.layout.yaxis.title.text == "件/千户/月"
    assert "已有服务室的社区" in fig.data[0].hovertemplate


def test_horizontal_percent_bars(inputs):
    s = assemble(inputs, "en").section("coverage")
    fig = to_figure(s.chart)
    tr = fig.data[0]
    assert tr.orientation == "h" and list(tr.y) == ["西城区", "东城区"]
    assert list(tr.x) == [50.0, 70.0]
    assert fig.layout.xaxis.ticksuffix == "%"
    assert fig.layout.xaxis.title.text == "Share (%)"


def test_columns(inputs):
    fig = to_figure(assemble(inputs, "en").section("offload").chart)
    assert [tr.type for tr in fig.data] == ["bar", "bar"]
    assert [tr.name for tr in fig.data] == ["Hall counters", "Service rooms"]
