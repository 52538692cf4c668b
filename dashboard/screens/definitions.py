"""Metric definitions page: every metric's definition, unit and source tables, rendered
from the registry in :mod:`dashboard.analysis.definitions` (the same registry the named
queries are documented against)."""

from __future__ import annotations

import streamlit as st

from dashboard.analysis.definitions import definitions_table
from dashboard.i18n import t
from dashboard.ui.state import lang
from dashboard.ui.tables import show_table

L = lang()
st.title(t("met.defs.title", L))
st.caption(t("met.defs.intro", L))
df = definitions_table(L)
show_table(df, "metric_definitions", L, columns={c: t(f"met.col.{c}", L) for c in df.columns})
