"""Overview page: headline KPIs (latest 12 months) against the year before the first room
opened; each KPI links to its page. Numbers from :func:`metrics.overview_kpis`, the same
function behind ``servicecircle metrics --json``."""

from __future__ import annotations

import streamlit as st

from dashboard.analysis import definitions, metrics
from dashboard.i18n import fmt_date, t
from dashboard.ui import loaders
from dashboard.ui.filters import query_params_for, sidebar
from dashboard.ui.state import lang

L = lang()
st.title(t("nav.overview", L))
f = sidebar(L)
if f is not None:
    ov = loaders.cached_call(metrics.overview_kpis, f)
    if ov["current"] and ov["baseline"]:
        st.caption(t("met.overview.caption", L, cur_from=fmt_date(ov["current"][0], L),
                     cur_to=fmt_date(ov["current"][1], L), first=fmt_date(ov["first_opened_on"], L),
                     base_from=fmt_date(ov["baseline"][0], L), base_to=fmt_date(ov["baseline"][1], L)))
    else:
        st.info(t("met.overview.no_baseline", L))
    rows = list(ov["kpis"].itertuples(index=False))
    for start in range(0, len(rows), 4):
        cols = st.columns(4)
        for col, r in zip(cols, rows[start:start + 4]):
            unit = definitions.get(r.key).unit
            delta = definitions.fmt_delta(r.change, unit, L)
            with col.container(border=True):
                st.metric(
                    t(f"met.def.{r.key}.name", L),
                    definitions.fmt_value(r.value, unit, L),
                    delta=t("met.overview.delta", L, d=delta) if delta else None,
                    delta_color=definitions.delta_color(r.key, r.change, unit),
                    help=t(f"met.def.{r.key}.text", L),
                )
                st.page_link(f"screens/{r.page}.py", label=t("met.overview.goto", L) + " · " + t(f"nav.{r.page}", L),
                             query_params=query_params_for(f, L))
