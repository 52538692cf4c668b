"""The coverage inputs for the coverage map and planner pages: loaded once per data
version and shared by every session (street network, communities, rooms), or a plain
message and a stop when there is no warehouse or no street network yet."""

from __future__ import annotations

import streamlit as st

from dashboard import warehouse
from dashboard.coverage import inputs
from dashboard.coverage.refusals import NetworkError
from dashboard.i18n import t
from dashboard.ui.state import db


@st.cache_resource(max_entries=2, show_spinner=False)
def load(path: str, version: tuple) -> inputs.CoverageData:
    """:func:`dashboard.coverage.inputs.load_data`, shared per (warehouse, data version)."""
    return inputs.load_data(path)


def data_or_stop(lang: str) -> tuple[str, tuple, inputs.CoverageData]:
    """``(path, data version, coverage inputs)`` of the session's warehouse; without a
    warehouse or a street network the page shows why and stops."""
    path = str(db())
    version = warehouse.data_version(path)
    if version is None:
        st.info(t("app.no_warehouse", lang, path=path))
        st.stop()
    try:
        return path, version, load(path, version)
    except NetworkError:
        st.warning(t("cov.no_network", lang))
        st.stop()
