"""Load forecast page: weekly counter arrivals (per hall) or 95598 orders (per category),
26 weeks ahead with intervals, the backtest against last year's same week, and the
scenario with the new rooms the planner suggests (their estimated effects)."""

from __future__ import annotations

import streamlit as st

from dashboard import settings
from dashboard.analysis import forecast as F
from dashboard.analysis import metrics
from dashboard.figures.forecast import forecast_figure
from dashboard.i18n import label, t
from dashboard.ui.loaders import cached_call, version
from dashboard.ui.state import db, lang
from dashboard.ui.tables import show_table

L = lang()
st.title(t("fc.page.title", L))
st.caption(t("fc.page.intro", L))
if version() is None:
    st.info(t("app.no_warehouse", L, path=str(db())))
    st.stop()

hall_names = dict(zip(cached_call(metrics.filter_options)["halls"]["hall_id"],
                      cached_call(metrics.filter_options)["halls"]["name"], strict=True))
series_labels = {"hall_arrivals": t("fc.series.hall_arrivals", L), "hotline": t("fc.series.hotline", L)}
c1, c2, c3 = st.columns([1, 2, 1])
series = c1.radio(t("fc.series", L), F.SERIES, format_func=series_labels.get, key="fc_series")
halls = categories = None
if series == "hall_arrivals":
    halls = c2.multiselect(t("fc.halls", L), list(hall_names), key="fc_halls",
                           format_func=lambda h: f"{hall_names[h]} ({h})") or None
else:
    categories = c2.multiselect(t("fc.categories", L), list(settings.HOTLINE_CATEGORIES), key="fc_categories",
                                format_func=lambda c: label("category", c, L)) or None

rooms = int(c3.number_input(t("fc.scenario.rooms", L), 1, 64, F.SCENARIO_ROOMS, 1, key="fc_rooms",
                            help=t("fc.scenario.rooms_help", L)))

with st.spinner(t("fc.fig.title", L)):
    try:
        res = cached_call(F.forecast, series, hall_ids=halls, categories=categories)
    except F.TooShort as exc:
        st.info(t("fc.too_short", L, weeks=exc.weeks, needed=exc.needed))
        st.stop()

if res.mase is None:
    st.info(t("fc.backtest.none", L, weeks=len(res.history), needed=res.backtest_needed))
elif res.beats_naive:
    st.success(t("fc.backtest.beats", L, mase=f"{res.mase:.2f}", naive=f"{res.mase_naive:.2f}"))
else:
    st.warning(t("fc.backtest.loses", L, mase=f"{res.mase:.2f}", naive=f"{res.mase_naive:.2f}"))
scen = F.scenario_from(res, cached_call(F.scenario_inputs, rooms, tuple(halls) if halls else None), categories)
if scen["scenario"] is None:
    st.info(t("fc.scenario.none", L, why=scen["scenario_reason"][L]))
else:
    w = scen["scenario"]["avoided_per_week"]
    st.caption(t("fc.scenario.caption", L, rooms=scen["scenario"]["rooms"],
                 households=f"{scen['scenario']['households_covered']:,}", value=f"{w['value']:,.0f}",
                 low=f"{w['low']:,.0f}", high=f"{w['high']:,.0f}"))
st.plotly_chart(forecast_figure(res, L, scen["scenario"]), width="stretch", key="fc_chart")
show_table(res.points.round(0), "fc_points", L, file_stem=f"forecast_{series}", columns={
    "week_on": t("fc.col.week", L), "value": t("fc.col.value", L), "low": t("fc.col.low", L),
    "high": t("fc.col.high", L)})
