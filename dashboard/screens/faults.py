"""Faults and satisfaction page: arrival and restoration times against the urban / rural
commitments (settings.TARGETS), shares late, callback satisfaction, complaints per
10,000 households; the causal estimates of restoration time, arrival time, callback
satisfaction and complaints (one tab each, computed and drawn when opened)."""

from __future__ import annotations

import streamlit as st

from dashboard.analysis import definitions, metrics
from dashboard.figures import metrics as figs
from dashboard.i18n import t
from dashboard.ui import lazy, loaders
from dashboard.ui.effect_panel import render_effect
from dashboard.ui.filters import metric_page

L, f = metric_page("nav.faults")
if f is not None:
    d = loaders.cached_call(metrics.faults, f)
    opens = loaders.cached_call(metrics.openings, f)
    row1 = st.columns(3)
    row2 = st.columns(3)
    for col, (key, unit) in zip(row1 + row2, (
        ("arrival_mean_min", "minutes"), ("restoration_hours", "hours"), ("share_arrival_late", "share"),
        ("share_restore_late", "share"), ("satisfaction_rate", "share"), ("complaints_per_10k", "per_10k_month"),
    )):
        value = d["restore_mean_h"] if key == "restoration_hours" else d[key]
        col.metric(t(f"met.def.{key}.name", L), definitions.fmt_value(value, unit, L),
                   help=t(f"met.def.{key}.text", L))
    left, right = st.columns(2)
    left.plotly_chart(figs.faults_figure(d["monthly"], d["by_area"], opens, L, "arrival"), key="fl_arr")
    right.plotly_chart(figs.faults_figure(d["monthly"], d["by_area"], opens, L, "restore"), key="fl_res")
    st.plotly_chart(figs.satisfaction_figure(d["satisfaction_monthly"], d["complaints_monthly"], opens, L),
                    key="fl_sat")
    st.header(t("out.page.faults.effects", L))
    effect_outcomes = ("restoration_hours", "arrival_minutes", "satisfaction_rate", "complaints_per_10k_households")
    tabs = lazy.tabs([t(f"out.outcome.{o}", L) for o in effect_outcomes], key="fl_effect_tabs")
    for tab, outcome in zip(tabs, effect_outcomes):
        if tab.open:  # one estimate drawn at a time; the others when their tab is opened
            with tab:
                render_effect(outcome, f, L)
