"""Overview page: headline KPIs (latest 12 months) against the year before the first room
opened; each KPI links to its page. Numbers from :func:`metrics.overview_kpis`, the same
function behind ``servicecircle metrics --json``. A KPI with no baseline by construction
shows as a new service; on request, the causal estimate stands beside the plain change
(cached per data version: the effect pages share it). Below: the rooms' scorecard
breaches (:func:`dashboard.analysis.scorecard.scorecard`)."""

from __future__ import annotations

import streamlit as st

from dashboard import settings
from dashboard.analysis import (
    definitions,
    metrics,
    overview_text,
    room_targets,
    scorecard,
)
from dashboard.analysis import scorecard_views as views
from dashboard.i18n import fmt_date, fmt_month, t
from dashboard.ui import loaders
from dashboard.ui.effect_panel import load_effect
from dashboard.ui.filters import metric_page, query_params_for
from dashboard.ui.state import db
from dashboard.ui.tables import show_table

L, f = metric_page("nav.overview")
if f is not None:
    ov = loaders.cached_call(metrics.overview_kpis, f)
    if ov["current"] and ov["baseline"]:
        st.caption(t("met.overview.caption", L, cur_from=fmt_date(ov["current"][0], L),
                     cur_to=fmt_date(ov["current"][1], L), first=fmt_date(ov["first_opened_on"], L),
                     base_from=fmt_date(ov["baseline"][0], L), base_to=fmt_date(ov["baseline"][1], L)))
    else:
        st.info(t("met.overview.no_baseline", L))
    causal = st.toggle(t("sc.ov.causal_toggle", L), key="ov_causal", help=t("sc.ov.causal_help", L))
    rows = list(ov["kpis"].itertuples(index=False))
    for start in range(0, len(rows), 4):
        cols = st.columns(4)
        for col, r in zip(cols, rows[start:start + 4]):
            unit = definitions.get(r.key).unit
            with col.container(border=True):
                st.metric(
                    t(f"met.def.{r.key}.name", L),
                    overview_text.kpi_value(r.value, unit, r.new_service, L),
                    delta=overview_text.kpi_delta(r.change, unit, r.new_service, L),
                    delta_color=definitions.delta_color(r.key, r.change, unit),
                    help=t("sc.ov.new_service_help", L) if r.new_service else t(f"met.def.{r.key}.text", L),
                )
                outcome = metrics.CAUSAL_OUTCOMES.get(r.key)
                if causal and outcome is not None:
                    st.caption(overview_text.causal_line(load_effect(outcome, f), outcome, L))
                st.page_link(f"screens/{r.page}.py", label=t("met.overview.goto", L) + " · " + t(f"nav.{r.page}", L),
                             query_params=query_params_for(f, L))
    st.caption(t("sc.ov.causal_help", L))

    st.subheader(t("sc.breaches.title", L))
    try:
        targets = room_targets.load(db())
    except room_targets.TargetsError as exc:
        st.error(t("sc.targets.bad_file", L, error=str(exc)))
        targets = settings.ROOM_TARGETS
    sc = loaders.cached_call(scorecard.page_scorecard, f, None, targets)
    if sc["month"] is None or sc["rooms"].empty:
        st.info(t("sc.page.no_data", L))
    elif sc["breaches"].empty:
        st.success(t("sc.breaches.none", L, month=fmt_month(sc["month"], L)))
    else:
        top = 8
        show_table(views.breaches_table({**sc, "breaches": sc["breaches"].head(top)}, L), "ov_breaches", L,
                   file_stem="scorecard_breaches")
        if len(sc["breaches"]) > top:
            st.caption(t("sc.breaches.more", L, n=len(sc["breaches"]) - top))
    st.page_link("screens/rooms.py", label=t("sc.breaches.goto", L) + " · " + t("nav.rooms", L),
                 query_params=query_params_for(f, L))
