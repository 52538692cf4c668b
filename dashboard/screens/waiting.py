"""Waiting-time page: mean, median, P90 and max wait, share within the (adjustable)
target, no-show and cancellation rates; weekday × hour heatmaps; before/after
distributions; per hall; the rooms' effect on the halls' waits (both hall-level methods,
exposure of each hall) and the community-level comparison as a labelled diagnostic.

The wait target is a fragment (:func:`wait_target_block`): changing it reruns only the
share within the target, the two charts that draw it and the per-hall table. The rest of
the page reads the default target's results, which are precomputed with the data."""

from __future__ import annotations

import streamlit as st

from dashboard import settings
from dashboard.analysis import definitions, metrics
from dashboard.figures import metrics as figs
from dashboard.i18n import t
from dashboard.ui import lazy, loaders
from dashboard.ui.effect_panel import render_effect
from dashboard.ui.filters import sidebar
from dashboard.ui.hall_effect_panel import render_hall_effect
from dashboard.ui.staffing_section import render_staffing
from dashboard.ui.state import lang
from dashboard.ui.tables import show_table


@st.fragment
def wait_target_block(f, base: dict, lang_code: str) -> None:
    """The wait target and what it changes: the share within it, the before/after
    distributions and the per-hall waits with its line, and the per-hall table. A
    fragment: changing the target reruns this block only, not the page."""
    L = lang_code
    default = float(settings.TARGETS.wait_target_min)
    target = st.number_input(t("met.page.waiting.target", L), min_value=1.0, max_value=120.0,
                             value=default, step=1.0, key="met_wait_target")
    d = base if target == default else loaders.cached_call(metrics.waiting, f, target)
    st.metric(t("met.def.share_within_target.name", L), definitions.fmt_value(d["summary"]["share_within_target"], "share", L),
              help=t("met.def.share_within_target.text", L))
    st.plotly_chart(figs.before_after_figure(d["before_after"], target, L), key="wait_ba")
    st.subheader(t("met.page.waiting.per_hall", L))
    st.plotly_chart(figs.hall_wait_figure(d["per_hall"], target, L), key="wait_hall")
    cols_map = {"hall_id": t("met.col.key", L), "hall_name": t("met.col.hall", L),
                "n_tickets": t("met.col.n_tickets", L), "n_served": t("met.col.n_served", L),
                **{c: t(f"met.def.{c if c.startswith('share') or c.endswith('rate') else 'hall_' + c}.name", L)
                   for c in ("wait_mean_min", "wait_median_min", "wait_p90_min", "wait_max_min",
                             "share_within_target", "no_show_rate", "cancel_rate")}}
    show_table(d["per_hall"], "wait_per_hall", L, columns=cols_map)


L = lang()
st.title(t("nav.waiting", L))
f = sidebar(L)
if f is not None:
    # the default target's results (precomputed with the data); other targets in the fragment
    d = loaders.cached_call(metrics.waiting, f, float(settings.TARGETS.wait_target_min))
    s = d["summary"]
    cols = st.columns(4)
    for col, key in zip(cols, ("hall_wait_mean_min", "hall_wait_median_min", "hall_wait_p90_min", "hall_wait_max_min")):
        col.metric(t(f"met.def.{key}.name", L), definitions.fmt_value(s[key.replace("hall_", "")], "minutes", L),
                   help=t(f"met.def.{key}.text", L))
    cols = st.columns(4)
    cols[0].metric(t("met.def.no_show_rate.name", L), definitions.fmt_value(s["no_show_rate"], "share", L))
    cols[1].metric(t("met.def.cancel_rate.name", L), definitions.fmt_value(s["cancel_rate"], "share", L))
    cols[2].metric(t("met.def.hall_tickets.name", L), definitions.fmt_value(s["n_tickets"], "tickets", L))
    waits, arrivals = lazy.tabs([t("met.page.waiting.tab_wait", L), t("met.page.waiting.tab_arrivals", L)],
                                key="wait_heat_tabs")
    if waits.open:
        with waits:
            st.plotly_chart(figs.heatmap_figure(d["heatmap"], "wait_mean_min", L), key="wait_heat")
    if arrivals.open:
        with arrivals:
            st.plotly_chart(figs.heatmap_figure(d["heatmap"], "arrivals_per_month", L), key="wait_arr")
    st.caption(t("met.page.waiting.heat_note", L))
    wait_target_block(f, d, L)
    render_hall_effect(f, L)
    diagnostic = lazy.expander(t("halls.page.diagnostic", L), key="wait_diagnostic_exp")
    if diagnostic.open:  # the community-level estimate is computed and drawn when asked for
        with diagnostic:
            st.caption(t("halls.page.diagnostic_note", L))
            render_effect("hall_wait_mean_min", f, L)
    render_staffing(f, L)
