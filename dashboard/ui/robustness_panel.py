"""The Streamlit expander "稳健性检验 / Robustness" under an effect estimate.

Computing the checks takes a while, so they run only on demand (a toggle), behind a
spinner, through :func:`dashboard.ui.loaders.cached_call` (cached per data version, the
same function ``servicecircle effects --robustness`` calls): the plain sentences of
:meth:`dashboard.analysis.robustness.Robustness.sentences` and the sensitivity figure.
"""

from __future__ import annotations

import streamlit as st

from dashboard.analysis.filters import Filters
from dashboard.analysis.robustness import Robustness, assess
from dashboard.figures.robustness import sensitivity_figure
from dashboard.i18n import t
from dashboard.ui import loaders

__all__ = ["render_robustness"]


def render_robustness(outcome: str, filters: Filters, lang: str) -> Robustness | None:
    """Draw the robustness expander for ``outcome``; returns the checks when computed."""
    with st.expander(t("rob.title", lang)):
        st.caption(t("rob.intro", lang))
        if not st.toggle(t("rob.run", lang), key=f"rob_run_{outcome}"):
            return None
        with st.spinner(t("rob.spinner", lang)):
            rob = loaders.cached_call(assess, outcome, filters)
        for line in rob.sentences(lang):
            st.markdown(line)
        if rob.honest is not None:
            st.plotly_chart(sensitivity_figure(rob.honest, lang), key=f"rob_fig_{outcome}")
        return rob
