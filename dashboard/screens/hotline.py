"""Hotline page: 95598 orders per 1,000 households per month by category, served vs
not-yet-served communities; a map of each community's change; the causal estimate."""

from __future__ import annotations

import streamlit as st

from dashboard.analysis import definitions, metrics
from dashboard.figures import metrics as figs
from dashboard.i18n import label, t
from dashboard.ui import loaders
from dashboard.ui.filters import sidebar
from dashboard.ui.state import lang

L = lang()
st.title(t("nav.hotline", L))
f = sidebar(L)
if f is not None:
    d = loaders.cached_call(metrics.hotline, f)
    opens = loaders.cached_call(metrics.openings, f)
    cols = st.columns(4)
    cols[0].metric(t("met.def.hotline_per_1k_households.name", L),
                   definitions.fmt_value(d["rate"]["all"], "per_1k_month", L),
                   help=t("met.def.hotline_per_1k_households.text", L))
    cols[1].metric(t("met.status.served", L), definitions.fmt_value(d["rate"]["served"], "per_1k_month", L))
    cols[2].metric(t("met.status.not_yet", L), definitions.fmt_value(d["rate"]["not_yet"], "per_1k_month", L))
    cols[3].metric(t("met.series.n_hotline", L), definitions.fmt_value(d["n_orders"], "tickets", L))
    cats = sorted(d["monthly"]["category"].dropna().unique().tolist())
    pick = st.multiselect(t("met.fig.category", L), cats, format_func=lambda c: label("category", c, L),
                          key="met_hl_cats", placeholder=t("met.filter.all", L))
    m = d["monthly"]
    if pick:
        m = m[m["category"].isin(pick)]
    st.plotly_chart(figs.per_1k_figure(m, "n_orders", opens, L, "met.fig.hotline_title"), key="hl_1k")
    st.plotly_chart(figs.community_map_figure(d["community_change"], L), key="hl_map")
    st.caption(t("met.page.hotline.map_note", L))
    try:
        from dashboard.ui.effect_panel import render_effect
    except ImportError:
        st.info(t("met.page.effect_missing", L))
    else:
        render_effect("hotline_per_1k_households", f, L)
