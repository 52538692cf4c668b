"""Vulnerable groups and staff page: room visits by elderly, disabled, military families,
home visits; former meter readers now customer managers; visits per manager per open
day; room utilisation by weekday."""

from __future__ import annotations

import streamlit as st

from dashboard.analysis import definitions, metrics
from dashboard.figures import metrics as figs
from dashboard.i18n import t
from dashboard.ui import loaders
from dashboard.ui.filters import sidebar
from dashboard.ui.state import lang

L = lang()
st.title(t("nav.groups_staff", L))
f = sidebar(L)
if f is not None:
    d = loaders.cached_call(metrics.groups_staff, f)
    opens = loaders.cached_call(metrics.openings, f)
    row = st.columns(3)
    row[0].metric(t("met.def.room_visits.name", L), definitions.fmt_value(d["n_visits"], "visits", L))
    row[1].metric(t("group.elderly", L) + " / " + t("group.disabled", L) + " / " + t("group.military_family", L),
                  definitions.fmt_value(d["n_vulnerable"], "visits", L),
                  help=t("met.def.vulnerable_visits_per_month.text", L))
    row[2].metric(t("met.def.home_visits.name", L), definitions.fmt_value(d["n_home_visits"], "visits", L))
    st.subheader(t("met.page.groups.staff", L))
    row = st.columns(3)
    row[0].metric(t("met.page.groups.managers", L), definitions.fmt_value(d["n_managers"], "people", L))
    row[1].metric(t("met.def.former_meter_readers.name", L),
                  definitions.fmt_value(d["n_former_meter_readers"], "people", L),
                  help=t("met.def.former_meter_readers.text", L))
    row[2].metric(t("met.def.visits_per_manager_day.name", L),
                  definitions.fmt_value(d["visits_per_manager_day"], "visits_per_day", L),
                  help=t("met.def.visits_per_manager_day.text", L))
    st.plotly_chart(figs.by_group_figure(d["by_group"], "customer_group", "group", opens, L, "met.fig.groups_title"),
                    key="gs_groups")
    st.plotly_chart(figs.by_group_figure(d["by_mode"], "mode", "mode", opens, L, "met.fig.modes_title"),
                    key="gs_modes")
    st.plotly_chart(figs.weekday_figure(d["weekday"], L), key="gs_weekday")
