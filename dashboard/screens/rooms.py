"""Rooms scorecard page (考核): each room's month against its targets (red / green), the
breaches and since when, the same per customer manager, and the targets form.

Numbers from :func:`dashboard.analysis.scorecard.scorecard` (the same function behind
``servicecircle scorecard --json``), tables from :mod:`dashboard.analysis.scorecard_views`,
the targets file through :mod:`dashboard.analysis.room_targets`."""

from __future__ import annotations

import streamlit as st

from dashboard import settings
from dashboard.analysis import room_targets, scorecard
from dashboard.analysis import scorecard_views as views
from dashboard.i18n import fmt_month, t
from dashboard.ui import auth, loaders
from dashboard.ui.filters import metric_page
from dashboard.ui.state import db
from dashboard.ui.tables import show_table

L, f = metric_page("nav.rooms")
if f is not None:
    try:
        targets = room_targets.load(db())
    except room_targets.TargetsError as exc:
        st.error(t("sc.targets.bad_file", L, error=str(exc)))
        targets = settings.ROOM_TARGETS
    months = loaders.cached_call(scorecard.months_available, f)
    if not months:
        st.info(t("sc.page.no_data", L))
    else:
        month = st.selectbox(t("sc.page.month", L), months, format_func=lambda m: fmt_month(m, L), key="sc_month")
        sc = loaders.cached_call(scorecard.page_scorecard, f, month, targets)
        if sc["rooms"].empty:
            st.info(t("sc.page.no_data", L))
        else:
            st.caption(t("sc.page.caption", L, month=fmt_month(month, L)))
            row = st.columns(3)
            row[0].metric(t("sc.page.rooms", L), len(sc["rooms"]))
            row[1].metric(t("sc.page.rooms_ok", L), int((sc["rooms"]["n_breaches"] == 0).sum()))
            row[2].metric(t("sc.page.n_breaches", L), len(sc["breaches"]))
            if sc["coverage_note"]:
                st.caption(t("sc.page.coverage_note", L, reason=sc["coverage_note"]))
            st.subheader(t("sc.page.table", L))
            show_table(views.rooms_table(sc, L), "sc_rooms", L, file_stem="scorecard_rooms")
            st.caption(t("sc.page.how", L, minutes=settings.WALK_MINUTES))
            st.subheader(t("sc.breaches.title", L))
            if sc["breaches"].empty:
                st.success(t("sc.breaches.none", L, month=fmt_month(month, L)))
            else:
                show_table(views.breaches_table(sc, L), "sc_breaches", L, file_stem="scorecard_breaches")
            st.subheader(t("sc.page.managers", L))
            st.caption(t("sc.page.managers_note", L))
            if sc["managers"].empty:
                st.info(t("sc.page.no_managers", L))
            else:
                show_table(views.managers_table(sc, L), "sc_managers", L, file_stem="scorecard_managers")

    st.subheader(t("sc.targets.title", L), help=t("sc.targets.file", L, path=str(settings.room_targets_path(db()))))
    editable = auth.can("plan")
    if not editable:
        st.info(t("sc.targets.readonly", L))
    if st.session_state.pop("sc_targets_saved", False):
        st.success(t("sc.targets.saved", L))
    with st.form("sc_targets"):
        cols = st.columns(3)
        values = {}
        for i, key in enumerate(room_targets.KEYS):
            share = key in room_targets.SHARE_KEYS
            values[key] = cols[i % 3].number_input(
                t(f"sc.target.{key}", L), min_value=0.0, max_value=1.0 if share else None,
                value=float(getattr(targets, key)), step=0.05 if share else 1.0, key=f"sc_t_{key}",
                disabled=not editable)
        if st.form_submit_button(t("sc.targets.save", L), disabled=not editable):
            try:
                room_targets.save(db(), values)
            except room_targets.TargetsError as exc:
                st.error(t("sc.targets.refused", L, error=str(exc)))
            else:
                st.session_state["sc_targets_saved"] = True
                st.rerun()
