"""The Staffing section of the Waiting page: counters needed per weekday × hour without
and with the rooms, the waiting target, and the counter-hours freed in one sentence.

:func:`render_staffing` is a ``st.fragment``: changing the target or the hall reruns
this section only. The table at a target is
:func:`dashboard.analysis.staffing.staffing_for` (the inputs and the Erlang solves, the
function ``servicecircle staffing`` calls) through
:func:`dashboard.ui.loaders.cached_call`: kept per data version, filters and target for
every session, the default target precomputed at import.
"""

from __future__ import annotations

import streamlit as st

from dashboard import settings
from dashboard.analysis import staffing
from dashboard.analysis.effects import fmt_num
from dashboard.analysis.filters import Filters
from dashboard.figures.staffing import staffing_heatmap
from dashboard.i18n import t
from dashboard.ui import loaders
from dashboard.ui.tables import show_table

__all__ = ["render_staffing"]

# columns of the per-hall table and their label keys
HALL_COLUMNS = {
    "hall_name": "staffing.col.hall",
    "model": "staffing.col.model",
    "abandon_share": "staffing.col.abandon_share",
    "patience_min": "staffing.col.patience_min",
    "counter_hours_observed": "staffing.col.counter_hours_observed",
    "counter_hours_needed_after": "staffing.col.counter_hours_needed_after",
    "counter_hours_needed_before": "staffing.col.counter_hours_needed_before",
    "freed_median": "staffing.col.freed_median",
    "freed_low": "staffing.col.freed_low",
    "freed_high": "staffing.col.freed_high",
}
MODEL_KEY = {"mgc": "staffing.model.mgc", "erlang_a": "staffing.model.erlang_a"}


@st.fragment
def render_staffing(f: Filters, lang: str) -> None:
    """Lay out the Staffing section for the filters ``f``."""
    st.subheader(t("staffing.page.title", lang))
    target = st.number_input(t("staffing.page.target", lang), min_value=1.0, max_value=120.0,
                             value=float(settings.TARGETS.wait_target_min), step=1.0, key="staffing_target")
    res = loaders.cached_call(staffing.staffing_for, f, float(target))  # per filters and target, for everyone
    if res.status in ("no_data", "no_handling"):
        st.info((res.reason or {}).get(lang, ""))
        return
    start, end = res.period
    st.caption(t("staffing.page.intro", lang, months=staffing.PERIOD_MONTHS, start=start.isoformat(),
                 end=end.isoformat()))
    st.info(staffing.sentence(res, lang))
    names = dict(zip(res.halls["hall_id"], res.halls["hall_name"]))
    options = [None, *names]
    hall = st.selectbox(t("staffing.page.hall", lang), options, key="staffing_hall",
                        format_func=lambda h: t("staffing.page.all_halls", lang) if h is None else str(names[h]))
    st.plotly_chart(staffing_heatmap(res.rows, lang, None if hall is None else [hall]), key="staffing_heat")
    st.caption(t("staffing.page.halls_table", lang))
    table = res.halls[list(HALL_COLUMNS)].replace([float("inf")], float("nan")).round(2)
    table["model"] = [t(MODEL_KEY[m], lang) for m in table["model"]]
    show_table(table, "staffing_halls", lang, columns={c: t(k, lang) for c, k in HALL_COLUMNS.items()})
    note = t("staffing.page.method_note", lang, share=f"{staffing.MATERIAL_ABANDON:.0%}")
    if res.effect is not None:
        eff = res.effect
        note += " " + t("staffing.page.effect_note", lang, att=fmt_num(eff["att"]), lo=fmt_num(eff["ci_low"]),
                        hi=fmt_num(eff["ci_high"]))
    st.caption(note)
