"""Time axes follow the language: 2024年3月 in Chinese, Mar 2024 in English."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from dashboard.figures import DATE_TICKFORMAT, date_axis
from dashboard.figures import metrics as F


def test_date_axis_formats():
    import plotly.graph_objects as go

    fig = date_axis(go.Figure(go.Scatter(x=[dt.date(2024, 3, 1)], y=[1])), "zh")
    assert fig.layout.xaxis.tickformat == "%Y年%-m月"
    fig = date_axis(go.Figure(), "en")
    assert fig.layout.xaxis.tickformat == "%b %Y"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_monthly_rate_chart_labels_months_in_the_language(lang):
    df = pd.DataFrame({
        "month_on": pd.to_datetime(["2024-01-01", "2024-02-01"] * 2),
        "status": ["served", "served", "not_yet", "not_yet"],
        "households": [1000, 1000, 500, 500],
        "n_orders": [10, 8, 6, 7],
    })
    fig = F.per_1k_figure(df, "n_orders", [dt.date(2024, 2, 1)], lang)
    assert fig.layout.xaxis.tickformat == DATE_TICKFORMAT[lang]
    served = next(tr for tr in fig.data if list(tr.y) == [10.0, 8.0])
    assert len(served.x) == 2
