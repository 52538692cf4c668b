"""Streamlit blocks of the effect broken down by group: per hotline category (Hotline
page) and by urban / rural or walking-distance band with a choice of outcome (Offload
page). Estimates come through :func:`dashboard.ui.loaders.cached_call` (cached per data
version), the chart from :func:`dashboard.figures.breakdown.effect_by_group_figure`.
"""

from __future__ import annotations

import streamlit as st

from dashboard.analysis.breakdown import estimate_by, estimate_categories
from dashboard.analysis.community_groups import BY
from dashboard.analysis.effects import OUTCOMES
from dashboard.analysis.filters import Filters
from dashboard.coverage.refusals import NetworkError
from dashboard.figures.breakdown import effect_by_group_figure
from dashboard.i18n import t
from dashboard.ui import loaders

__all__ = ["render_by_category", "render_by_subgroup"]


def render_by_category(filters: Filters, lang: str) -> None:
    """The hotline effect per category group, one chart."""
    st.subheader(t("out.page.by_category.title", lang))
    groups = loaders.cached_call(estimate_categories, filters)
    st.plotly_chart(effect_by_group_figure(groups, "hotline_group", "hotline_per_1k_households", lang),
                    key="out_by_category")
    st.caption(t("out.page.by_category.note", lang))


def render_by_subgroup(filters: Filters, lang: str, default_outcome: str) -> None:
    """The effect by walking-distance band (or urban / rural) for a chosen outcome."""
    st.subheader(t("out.page.hetero.title", lang))
    names = list(OUTCOMES)
    c1, c2 = st.columns(2)
    outcome = c1.selectbox(t("out.page.hetero.outcome", lang), names, index=names.index(default_outcome),
                           format_func=lambda o: t(f"out.outcome.{o}", lang), key="out_hetero_outcome")
    by = c2.radio(t("out.page.hetero.by", lang), list(BY)[::-1], format_func=lambda b: t(f"out.by.{b}", lang),
                  horizontal=True, key="out_hetero_by")
    try:
        groups = loaders.cached_call(estimate_by, outcome, by, filters)
    except NetworkError:
        st.info(t("out.page.hetero.no_network", lang))
        return
    st.plotly_chart(effect_by_group_figure(groups, by, outcome, lang), key="out_by_group")
    st.caption(t("out.page.hetero.note", lang))
