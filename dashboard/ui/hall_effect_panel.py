"""The Streamlit block of the hall-level waiting-time effect (Waiting page).

:func:`render_hall_effect` fetches :func:`dashboard.analysis.hall_effects.estimate_halls`
through :func:`dashboard.ui.loaders.cached_call` (cached per data version: the page and
``servicecircle effects --outcome hall_wait_mean_min --json`` show the same numbers) and
lays out: the presented result (effect, relative effect, halls reached) with which
method and why, both methods side by side (or each one's plain refusal), the effect by
months since exposure, and how much of each hall's catchment the rooms reach over time (drawn when opened).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.analysis.effects import fmt_num, fmt_pct
from dashboard.analysis.filters import Filters
from dashboard.analysis.hall_effects import METHOD_LABEL, HallEffect, estimate_halls
from dashboard.figures.halls import exposure_figure, hall_event_figure
from dashboard.i18n import t
from dashboard.ui import lazy, loaders

__all__ = ["render_hall_effect"]

SOURCE_LABEL = {"tickets": "halls.source.tickets", "walk": "halls.source.walk", "straight": "halls.source.straight"}


def _estimates_table(res: HallEffect, lang: str) -> pd.DataFrame:
    rows = []
    for e in res.estimates:
        rows.append({
            t("halls.col.method", lang): t(METHOD_LABEL[e.method], lang),
            t("halls.col.att", lang): fmt_num(e.att),
            t("halls.col.ci", lang): f"{fmt_num(e.ci_low)} – {fmt_num(e.ci_high)}" if e.ok else "–",
            t("halls.col.rel", lang): fmt_pct(e.relative_effect),
            t("halls.col.status", lang): t("halls.status.ok", lang) if e.ok else (e.reason or {}).get(lang, e.status),
        })
    return pd.DataFrame(rows)


def render_hall_effect(filters: Filters, lang: str) -> HallEffect:
    """Draw the hall-level effect block for the page's filters; returns the result."""
    st.subheader(t("halls.page.title", lang))
    st.caption(t("halls.page.intro", lang))
    res = loaders.cached_call(estimate_halls, filters)
    m = res.main
    if m is not None:
        st.markdown(t("halls.page.presented", lang, method=t(METHOD_LABEL[m.method], lang)))
        c1, c2, c3 = st.columns(3)
        c1.metric(t("halls.page.metric_att", lang), fmt_num(m.att),
                  help=t("eff.metric.ci", lang, lo=fmt_num(m.ci_low), hi=fmt_num(m.ci_high)))
        c2.metric(t("halls.page.metric_rel", lang), fmt_pct(m.relative_effect))
        c3.metric(t("halls.page.metric_halls", lang), f"{res.n_exposed} / {res.n_halls}")
    st.markdown(res.summary[lang])
    st.caption(res.why[lang])
    st.markdown(f"**{t('halls.page.estimates', lang)}**")
    st.dataframe(_estimates_table(res, lang), hide_index=True)
    if m is not None:
        st.plotly_chart(hall_event_figure(res, lang), key="hall_effect_event")
    exposure = lazy.expander(t("halls.page.exposure", lang), key="hall_exposure_exp")
    if exposure.open:  # one line per hall: drawn when asked for
        with exposure:
            names = loaders.query("halls/halls", districts=None, hall_ids=None).set_index("hall_id")["name"].to_dict()
            st.plotly_chart(exposure_figure(res.exposure.shares, names, lang), key="hall_exposure")
            sources = res.exposure.halls["source"].dropna().unique().tolist()
            st.caption(t("halls.page.exposure_note", lang,
                         sources="; ".join(t(SOURCE_LABEL[s], lang) for s in sources) or "–"))
    return res
