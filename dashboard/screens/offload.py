"""Counter offload page: monthly counter transactions by hall and type against room visits
of the same types, the offload share, hall visits per 1,000 households served vs
not-yet-served, and counter handling time and the share of tickets taken by appointment; the causal estimate,
and the effect by walking distance to the room (or urban / rural) for a chosen outcome."""

from __future__ import annotations

import streamlit as st

from dashboard.analysis import definitions, goal_metrics, metrics
from dashboard.figures import metrics as figs
from dashboard.i18n import label, t
from dashboard.ui import lazy, loaders
from dashboard.ui.breakdown_panel import render_by_subgroup
from dashboard.ui.effect_panel import render_effect
from dashboard.ui.filters import metric_page
from dashboard.ui.tables import show_table

L, f = metric_page("nav.offload")
if f is not None:
    d = loaders.cached_call(metrics.offload, f)
    ts = loaders.cached_call(metrics.ticket_summary, f)
    opens = loaders.cached_call(metrics.openings, f)
    halls = loaders.cached_call(metrics.filter_options)["halls"]
    st.caption(t("met.page.offload.caption", L))
    c1, c2, c3 = st.columns(3)
    c1.metric(t("met.def.offload_share.name", L), definitions.fmt_value(d["share"], "share", L),
              help=t("met.def.offload_share.text", L))
    c2.metric(t("met.fig.counter", L), definitions.fmt_value(d["counter_offloadable"], "visits", L))
    c3.metric(t("met.fig.room", L), definitions.fmt_value(d["room_offloadable"], "visits", L))
    st.plotly_chart(figs.offload_figure(d["monthly"], opens, L), key="off_monthly")
    by_1k, by_hall, by_type = lazy.tabs([t("met.page.offload.tab_1k", L), t("met.page.offload.tab_hall", L),
                                         t("met.page.offload.tab_type", L)], key="off_tabs")
    if by_1k.open:
        with by_1k:
            st.plotly_chart(figs.per_1k_figure(d["per_1k"], "n_tickets", opens, L), key="off_1k")
    if by_hall.open:
        with by_hall:
            st.plotly_chart(figs.counter_by_hall_figure(d["counter_by_hall_type"], halls, opens, L), key="off_hall")
    if by_type.open:
        with by_type:
            st.plotly_chart(figs.by_type_figure(d["counter_by_hall_type"], d["room_by_type"], L), key="off_type")
    h = loaders.cached_call(goal_metrics.counter_handling, f)
    c1, c2 = st.columns(2)
    c1.metric(t("out.kpi.handle_mean_min", L), definitions.fmt_value(h["handle_mean_min"], "minutes", L),
              help=t("out.kpi.handle_mean_min.help", L))
    c2.metric(t("out.kpi.appointment_share", L), definitions.fmt_value(h["appointment_share"], "share", L),
              help=t("out.kpi.appointment_share.help", L))
    by_type_table = lazy.expander(t("out.page.offload.by_type", L), key="off_handling_exp")
    if by_type_table.open:
        with by_type_table:
            table = h["by_type"].assign(service_type=[label("service_type", x, L) for x in h["by_type"]["service_type"]])
            show_table(table, "off_handling", L, file_stem="counter_handling", columns={
                "service_type": t("out.col.service_type", L), "n_tickets": t("out.col.n_tickets", L),
                "n_handled": t("out.col.n_handled", L), "handle_mean_min": t("out.kpi.handle_mean_min", L),
                "appointment_share": t("out.kpi.appointment_share", L)},
                column_config={t("out.kpi.appointment_share", L): st.column_config.NumberColumn(format="percent"),
                               t("out.kpi.handle_mean_min", L): st.column_config.NumberColumn(format="%.1f")})
    render_effect("counter_visits_per_1k_households", f, L)
    render_by_subgroup(f, L, "counter_visits_per_1k_households")
