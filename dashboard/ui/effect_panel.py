"""The Streamlit block that shows the rooms' causal effect on one outcome.

Pages call :func:`render_effect`; it fetches the estimate through
:func:`dashboard.ui.loaders.cached_call` (cached per data version, so the page and
``servicecircle effects --json`` show the same numbers) and lays out: the effect with
its 95 % CI, the relative effect, a plain sentence, the event study, the
counterfactual line, and the naive before/after with one sentence on why it differs (one
tab each, drawn when opened: :mod:`dashboard.ui.lazy`),
then the robustness checks on demand (:mod:`dashboard.ui.robustness_panel`).
When the data cannot support an estimate it says so in words and shows no number. What
the estimate leaves out (communities served before the data, without households or
data, rooms that closed) is listed under it in plain sentences, in both cases.
"""

from __future__ import annotations

import streamlit as st

from dashboard.analysis.effects import EffectResult, estimate, fmt_num, fmt_pct
from dashboard.analysis.filters import Filters
from dashboard.figures.effects import (
    counterfactual_figure,
    event_study_figure,
    naive_vs_did_figure,
)
from dashboard.i18n import t
from dashboard.ui import lazy, loaders
from dashboard.ui.attribution import effect_tables, left_out_caption
from dashboard.ui.robustness_panel import render_robustness
from dashboard.warehouse import WarehouseMissing

__all__ = ["load_effect", "render_effect"]


def load_effect(outcome: str, filters: Filters) -> EffectResult:
    """The cached estimate for ``outcome`` under ``filters`` (current data version)."""
    return loaders.cached_call(estimate, outcome, filters)


def render_effect(outcome: str, filters: Filters, lang: str) -> EffectResult | None:
    """Draw the effect block for ``outcome``.

    Parameters
    ----------
    outcome
        One of :data:`dashboard.analysis.effects.OUTCOMES`.
    filters
        The page's global filters.
    lang
        ``"zh"`` or ``"en"``.

    Returns
    -------
    EffectResult or None
        The result shown (``None`` when there is no warehouse yet).
    """
    st.subheader(t("eff.title", lang))
    try:
        res = load_effect(outcome, filters)
    except WarehouseMissing as exc:
        st.info(t("app.no_warehouse", lang, path=str(exc)))
        return None
    if not res.ok:
        st.info(t("eff.cannot", lang, reason=(res.reason or {}).get(lang, res.status)))
        _caveats(res, lang)
        return res

    c1, c2, c3, c4 = st.columns(4)
    c1.metric(
        t("eff.metric.att", lang),
        fmt_num(res.att),
        help=t("eff.metric.ci", lang, lo=fmt_num(res.ci_low), hi=fmt_num(res.ci_high)),
    )
    c2.metric(
        t("eff.metric.relative", lang),
        fmt_pct(res.relative_effect),
        help=t("eff.metric.relative_help", lang, cf=fmt_num(res.counterfactual_mean)),
    )
    c3.metric(t("eff.metric.naive", lang), fmt_num(res.naive_before_after))
    c4.metric(t("eff.metric.n", lang), f"{res.n_treated} / {res.n_control}")
    st.caption(t("eff.metric.ci", lang, lo=fmt_num(res.ci_low), hi=fmt_num(res.ci_high)))
    st.markdown(res.summary[lang])

    _effect_charts(res, outcome, lang)
    if outcome == "hall_wait_mean_min":
        st.caption(t("eff.note.hall_wait_mean_min", lang))
    _caveats(res, lang)
    left_out_caption(effect_tables(outcome), lang)
    st.caption(t("eff.method_caption", lang, method=t(f"eff.method.{res.method}", lang)))
    render_robustness(outcome, filters, lang)
    return res


@st.fragment
def _effect_charts(res: EffectResult, outcome: str, lang: str) -> None:
    """The event study, the counterfactual and the naive comparison, one tab each; only
    the open tab is drawn, and switching tabs reruns this block only."""
    event, cf, naive = lazy.tabs(
        [t("eff.fig.event.title", lang), t("eff.fig.cf.title", lang), t("eff.fig.cmp.title", lang)],
        key=f"eff_tabs_{outcome}")
    if event.open:
        with event:
            st.plotly_chart(event_study_figure(res, lang), key=f"eff_event_{outcome}")
    if cf.open:
        with cf:
            st.plotly_chart(counterfactual_figure(res, lang), key=f"eff_cf_{outcome}")
    if naive.open:
        with naive:
            st.plotly_chart(naive_vs_did_figure(res, lang), key=f"eff_naive_{outcome}")
            st.markdown(res.naive_note[lang])


def _caveats(res: EffectResult, lang: str) -> None:
    """The plain sentences on what the estimate leaves out (nothing when none)."""
    if res.caveats:
        st.caption(t("eff.caveats.title", lang) + "：" if lang == "zh" else t("eff.caveats.title", lang) + ":")
        for c in res.caveats:
            st.caption("· " + c[lang])
