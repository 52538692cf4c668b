"""The planner page's "What the plan brings" section (方案效果): the suggested rooms'
newly covered households and elderly, counter visits and hotline orders avoided a
month, counter-hours freed a week and managers needed, each with its interval; the
sentence a planner can take to a superior; and the rooms ranked by impact per manager.

The effects and staffing inputs (:func:`dashboard.analysis.impact.load_effects`, default
filters, the slow part) come through :func:`dashboard.ui.loaders.cached_call` (cached per
data version); the figures are :func:`dashboard.analysis.impact.plan_impact` and
:func:`~dashboard.analysis.impact.rank_sites`, what ``servicecircle plan --json`` uses.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.analysis import impact
from dashboard.i18n import label, t
from dashboard.ui import loaders
from dashboard.ui.tables import show_table

__all__ = ["render_impact"]

# figure → (label key, middle key of its interval)
METRICS = {
    "counter_visits_avoided_per_month": ("impact.metric.visits", "value"),
    "hotline_orders_avoided_per_month": ("impact.metric.orders", "value"),
    "counter_hours_freed_per_week": ("impact.metric.hours", "median"),
}
RANK_COLUMNS = ["site_id", "name", "new_households", "managers", "visits_avoided", "visits_low", "visits_high",
                "impact_per_manager", "rank_coverage", "rank_impact_per_manager"]


def _n(x: float) -> str:
    return f"{x:,.0f}"


@st.cache_resource(max_entries=16, show_spinner=False)
def _figures(plan_key: tuple, _res, _effects, data_version: tuple, managers_per_room: int,
             households_per_manager: float | None) -> tuple[dict, pd.DataFrame]:
    """The plan's impact and its ranked sites, computed once per plan for every session
    (the counter-hours solve the staffing model for every hall, weekday and hour)."""
    imp = impact.plan_impact(_res, _effects, managers_per_room=managers_per_room,
                             households_per_manager=households_per_manager)
    ranked = impact.rank_sites(_res.added, _effects["counter"], managers_per_room=managers_per_room,
                               households_per_manager=households_per_manager)
    return imp, ranked


def render_impact(res, lang: str, *, plan_key: tuple, households_per_manager: float | None = None,
                  managers_per_room: int = 1) -> None:
    """Lay out the section for the plan ``res`` (a :class:`~dashboard.coverage.planner.PlanResult`).

    ``plan_key`` identifies ``res`` (the arguments it was planned with, the data version
    among them): the figures are computed once per key and shared by every session.
    """
    if res.added.empty:
        return
    st.subheader(t("impact.title", lang))
    st.caption(t("impact.intro", lang))
    effects = loaders.cached_call(impact.load_effects)
    imp, ranked = _figures(plan_key, res, effects, loaders.version(), managers_per_room, households_per_manager)
    cols = st.columns(6)
    cols[0].metric(t("impact.metric.households", lang), _n(imp["households_covered"]))
    cols[1].metric(t("impact.metric.elderly", lang), _n(imp["elderly_covered"]))
    for col, (key, (label_key, mid)) in zip(cols[2:5], METRICS.items(), strict=True):
        fig = imp[key]
        if fig is None:
            col.metric(t(label_key, lang), t("impact.na", lang), help=imp["reasons"][key][lang])
        else:
            col.metric(t(label_key, lang), _n(fig[mid]))
            col.caption(t("impact.range", lang, low=_n(fig["low"]), high=_n(fig["high"])))
    cols[5].metric(t("impact.metric.managers", lang), str(imp["managers_needed"]))
    st.info(impact.sentence(imp, lang))

    orders = imp["hotline_orders_avoided_per_month"]
    if orders is not None and orders["by_category"]:
        st.markdown(f"**{t('impact.by_category', lang)}**")
        by_cat = pd.DataFrame([{"category": label("category", c, lang), **v}
                               for c, v in orders["by_category"].items()])
        show_table(by_cat, "impact_by_category", lang, file_stem="plan_orders_by_category", columns={
            "category": t("impact.col.category", lang), "value": t("impact.col.orders_avoided", lang),
            "low": t("impact.col.visits_low", lang), "high": t("impact.col.visits_high", lang)})

    st.markdown(f"**{t('impact.ranking', lang)}**")
    show_table(ranked[RANK_COLUMNS], "impact_ranking", lang, file_stem="plan_impact_ranking",
               columns={c: t(f"impact.col.{c}", lang) for c in RANK_COLUMNS})
