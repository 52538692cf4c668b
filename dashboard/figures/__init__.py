"""Pure plotly figure builders, one module per area (``metrics``, ``effects``, ``maps``).

Every builder takes DataFrames plus ``lang`` and returns a ``go.Figure``; tests check
``fig.data`` and ``fig.layout`` directly. :func:`date_axis` gives Chinese month labels
(2024年3月) in Chinese mode.
"""

from __future__ import annotations

import plotly.graph_objects as go

DATE_TICKFORMAT = {"zh": "%Y年%-m月", "en": "%b %Y"}
DATE_HOVERFORMAT = {"zh": "%Y年%-m月%-d日", "en": "%Y-%m-%d"}


def date_axis(fig: go.Figure, lang: str) -> go.Figure:
    """Format the x axis as months in the language's convention (Chinese: 2024年3月)."""
    lang = lang if lang in DATE_TICKFORMAT else "zh"
    fig.update_xaxes(tickformat=DATE_TICKFORMAT[lang], hoverformat=DATE_HOVERFORMAT[lang])
    return fig
