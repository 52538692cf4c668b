"""Hotline page: 95598 orders per 1,000 households per month by category, served vs
not-yet-served communities; a map of each community's change; subcategories; complaint
timeliness against the 1-working-day contact and 7-working-day reply standards; the
causal estimate, in total and per category."""

from __future__ import annotations

import streamlit as st

from dashboard.analysis import definitions, goal_metrics, metrics
from dashboard.figures import metrics as figs
from dashboard.i18n import label, t
from dashboard.ui import lazy, loaders
from dashboard.ui.attribution import left_out_caption
from dashboard.ui.breakdown_panel import render_by_category
from dashboard.ui.effect_panel import render_effect
from dashboard.ui.filters import metric_page
from dashboard.ui.tables import show_table

L, f = metric_page("nav.hotline")
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
    trend, change = lazy.tabs([t("met.page.hotline.tab_trend", L), t("met.page.hotline.tab_map", L)], key="hl_tabs")
    if trend.open:
        with trend:
            st.plotly_chart(figs.per_1k_figure(m, "n_orders", opens, L, "met.fig.hotline_title"), key="hl_1k")
    if change.open:
        with change:
            st.plotly_chart(figs.community_map_figure(d["community_change"], L), key="hl_map")
            st.caption(t("met.page.hotline.map_note", L))
    left_out_caption(("hotline_orders",), L)

    st.subheader(t("out.page.complaints.title", L))
    ct = loaders.cached_call(goal_metrics.complaint_timeliness, f)
    cols = st.columns(3)
    cols[0].metric(t("out.kpi.complaints", L), definitions.fmt_value(ct["n_complaints"], "tickets", L),
                   help=t("out.kpi.complaints_open", L, n=ct["n_open"]))
    cols[1].metric(t("out.kpi.contact_in_time", L, days=ct["contact_days"]),
                   definitions.fmt_value(ct["share_contact_in_time"], "share", L),
                   help=t("out.kpi.contact_in_time.help", L))
    cols[2].metric(t("out.kpi.reply_in_time", L, days=ct["reply_days"]),
                   definitions.fmt_value(ct["share_reply_in_time"], "share", L),
                   help=t("out.kpi.reply_in_time.help", L))
    st.caption(t("out.page.complaints.workdays", L))

    st.subheader(t("out.page.subcategory.title", L))
    sub = loaders.cached_call(goal_metrics.hotline_subcategories, f)
    sub = sub.assign(category=[label("category", c, L) for c in sub["category"]])
    show_table(sub, "hl_subcategory", L, file_stem="hotline_subcategories", columns={
        "category": t("met.fig.category", L), "subcategory": t("out.col.subcategory", L),
        "n_orders": t("met.series.n_hotline", L), "share_of_category": t("out.col.share_of_category", L)},
        column_config={t("out.col.share_of_category", L): st.column_config.NumberColumn(format="percent")})

    render_effect("hotline_per_1k_households", f, L)
    render_by_category(f, L)
