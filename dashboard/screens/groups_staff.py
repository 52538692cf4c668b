"""Vulnerable groups and staff page: room visits by elderly, disabled, military families
and low-income households (低保户), home visits; the rooms' reach among elderly and
disabled residents; resolution rate per room; former meter readers now customer
managers; home visits and visits per manager; room utilisation by weekday."""

from __future__ import annotations

import streamlit as st

from dashboard import settings
from dashboard.analysis import definitions, goal_metrics, metrics
from dashboard.figures import metrics as figs
from dashboard.i18n import t
from dashboard.ui import lazy, loaders
from dashboard.ui.filters import metric_page
from dashboard.ui.tables import show_table

L, f = metric_page("nav.groups_staff")
if f is not None:
    d = loaders.cached_call(metrics.groups_staff, f)
    opens = loaders.cached_call(metrics.openings, f)
    row = st.columns(3)
    row[0].metric(t("met.def.room_visits.name", L), definitions.fmt_value(d["n_visits"], "visits", L))
    row[1].metric(" / ".join(t(f"group.{g}", L) for g in settings.VULNERABLE_GROUPS),
                  definitions.fmt_value(d["n_vulnerable"], "visits", L),
                  help=t("met.def.vulnerable_visits_per_month.text", L))
    row[2].metric(t("met.def.home_visits.name", L), definitions.fmt_value(d["n_home_visits"], "visits", L))
    reach = loaders.cached_call(goal_metrics.vulnerable_reach, f)
    rooms = loaders.cached_call(goal_metrics.room_service, f, d["n_home_visits"], d["n_managers"])
    row = st.columns(3)
    row[0].metric(t("out.kpi.reach", L), definitions.fmt_value(reach["reach"], "share", L),
                  help=t("out.kpi.reach.help", L, n=reach["n_customers"], residents=reach["n_residents"]))
    row[1].metric(t("out.kpi.resolution_rate", L), definitions.fmt_value(rooms["resolution_rate"], "share", L),
                  help=t("out.kpi.resolution_rate.help", L))
    row[2].metric(t("out.kpi.home_visits_per_manager", L),
                  definitions.fmt_value(rooms["home_visits_per_manager"], "visits", L),
                  help=t("out.kpi.home_visits_per_manager.help", L))
    reach_table = lazy.expander(t("out.page.groups.reach_table", L), key="gs_reach_exp")
    if reach_table.open:
        with reach_table:
            show_table(reach["by_community"], "gs_reach", L, file_stem="vulnerable_reach", columns={
                "community_id": t("out.col.community_id", L), "name": t("out.col.name", L),
                "n_residents": t("out.col.n_residents", L), "n_customers": t("out.col.n_customers", L),
                "n_visits": t("out.col.n_visits", L), "reach": t("out.kpi.reach", L)},
                column_config={t("out.kpi.reach", L): st.column_config.NumberColumn(format="percent")})
    room_table = lazy.expander(t("out.page.groups.room_table", L), key="gs_rooms_exp")
    if room_table.open:
        with room_table:
            show_table(rooms["by_room"], "gs_rooms", L, file_stem="room_resolution", columns={
                "room_id": t("out.col.room_id", L), "name": t("out.col.name", L),
                "n_visits": t("out.col.n_visits", L), "n_resolved": t("out.col.n_resolved", L),
                "resolution_rate": t("out.kpi.resolution_rate", L)},
                column_config={t("out.kpi.resolution_rate", L): st.column_config.NumberColumn(format="percent")})
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
