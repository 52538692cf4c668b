"""Community profile page: pick one community and see its households, elderly and disabled
residents, walking distance to the nearest room and coverage, callback satisfaction, its
peers (same kind, similar size: :mod:`dashboard.analysis.community_peers`), rooms, open
days, tickets, hotline orders, faults and visits over time."""

from __future__ import annotations

import streamlit as st

from dashboard.analysis import community_peers, definitions, metrics
from dashboard.figures import metrics as figs
from dashboard.i18n import fmt_date, t
from dashboard.ui import loaders
from dashboard.ui.attribution import left_out_caption
from dashboard.ui.filters import metric_page
from dashboard.ui.tables import show_table

L, f = metric_page("nav.community")
if f is not None:
    lst = loaders.query("metrics/community_list", districts=list(f.districts) or None, waves=list(f.waves) or None)
    if lst.empty:
        st.info(t("met.page.community.none", L))
    else:
        names = dict(zip(lst["community_id"], lst["name"].fillna(lst["community_id"])))
        cid = st.selectbox(t("met.page.community.pick", L), list(names),
                           format_func=lambda c: f"{names[c]} ({c})", key="met_community")
        d = loaders.cached_call(metrics.community_profile, cid, f)
        info = d["info"] or {}
        row = st.columns(4)
        row[0].metric(t("met.page.community.households", L), definitions.fmt_value(info.get("households"), "people", L))
        row[1].metric(t("met.page.community.population", L), definitions.fmt_value(info.get("population"), "people", L))
        row[2].metric(t("met.page.community.elderly", L), definitions.fmt_value(info.get("elderly"), "people", L))
        wave = info.get("wave")
        row[3].metric(t("met.page.community.wave", L), t("met.wave.none", L) if wave in (None, "none") else wave)
        cmp = loaders.cached_call(community_peers.page_compare, cid, f)
        this = cmp["this"] or {}
        row = st.columns(4)
        row[0].metric(t("sc.cp.disabled", L), definitions.fmt_value(info.get("disabled"), "people", L))
        row[1].metric(t("sc.cp.walk_m", L), community_peers.fmt_figure("walk_m", this.get("walk_m"), L))
        row[2].metric(t("sc.cp.coverage", L), community_peers.fmt_figure("coverage_share", this.get("coverage_share"), L))
        row[3].metric(t("sc.cp.satisfaction", L),
                      community_peers.fmt_figure("satisfaction_rate", this.get("satisfaction_rate"), L))
        st.subheader(t("sc.cp.peers", L))
        if cmp["peer_ids"]:
            st.caption(t("sc.cp.peers_note", L, kind=t(f"sc.cp.kind.{this.get('kind')}", L),
                         pct=community_peers.PEER_BAND * 100, n=len(cmp["peer_ids"])))
            show_table(community_peers.display_table(cmp, L), "community_peers", L, file_stem="community_peers")
        else:
            st.info(t("sc.cp.no_peers", L))
        st.subheader(t("met.page.community.rooms", L))
        if d["rooms"].empty:
            st.info(t("met.page.community.no_room", L))
        else:
            rooms = d["rooms"].copy()
            rooms["open_days"] = rooms["open_days"].map(
                lambda ds: "、".join(t(f"weekday.{x}", L) for x in (ds if ds is not None else [])))
            rooms["opened_on"] = rooms["opened_on"].map(lambda x: fmt_date(x, L) if x == x and x is not None else "")
            show_table(rooms[["room_id", "room_name", "opened_on", "open_days", "open_hours", "managers"]],
                       "community_rooms", L, columns={
                           "room_id": t("met.col.key", L), "room_name": t("met.col.room", L),
                           "opened_on": t("met.col.opened_on", L), "open_days": t("met.col.open_days", L),
                           "open_hours": t("met.col.open_hours", L), "managers": t("met.col.managers", L)})
        opens = [info["first_opened_on"]] if info.get("first_opened_on") is not None else []
        st.plotly_chart(figs.community_monthly_figure(d["monthly"], opens, L), key="cm_monthly")
        left_out_caption(("counter_tickets", "hotline_orders", "room_visits"), L)
