"""Counter offload page: monthly counter transactions by hall and type against room visits
of the same types, the offload share, hall visits per 1,000 households served vs
not-yet-served, and the causal estimate (teammate's effect panel)."""

from __future__ import annotations

import streamlit as st

from dashboard.analysis import definitions, metrics
from dashboard.figures import metrics as figs
from dashboard.i18n import t
from dashboard.ui import loaders
from dashboard.ui.filters import sidebar
from dashboard.ui.state import lang

L = lang()
st.title(t("nav.offload", L))
f = sidebar(L)
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
    st.plotly_chart(figs.counter_by_hall_figure(d["counter_by_hall_type"], halls, opens, L), key="off_hall")
    st.plotly_chart(figs.by_type_figure(d["counter_by_hall_type"], d["room_by_type"], L), key="off_type")
    st.plotly_chart(figs.per_1k_figure(d["per_1k"], "n_tickets", opens, L), key="off_1k")
    try:
        from dashboard.ui.effect_panel import render_effect
    except ImportError:
        st.info(t("met.page.effect_missing", L))
    else:
        render_effect("counter_visits_per_1k_households", f, L)
