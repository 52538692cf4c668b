"""The coverage map and planner pages' shared parts: the coverage inputs, loaded once per
data version and shared by every session (street network, communities, rooms), or a
plain message and a stop when there is no warehouse or no street network yet; and the
walk settings in the sidebar."""

from __future__ import annotations

import streamlit as st

from dashboard import settings, warehouse
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


def walk_settings(lang: str, prefix: str) -> tuple[float, float, float]:
    """The sidebar's walk settings: ``(minutes, speed m/s, minutes for villages)``; the
    village walk defaults to the urban one (widget keys start with ``prefix``)."""
    st.subheader(t("cov.settings", lang))
    minutes = float(st.number_input(t("cov.minutes", lang), 1.0, 30.0, settings.WALK_MINUTES, 1.0,
                                    key=f"{prefix}_minutes"))
    speed = float(st.number_input(t("cov.speed", lang), 0.3, 2.0, settings.WALK_SPEED_M_S, 0.1,
                                  help=t("cov.speed_help", lang), key=f"{prefix}_speed"))
    village = float(st.number_input(t("cov.village_minutes", lang), 1.0, 60.0, minutes, 1.0,
                                    help=t("cov.village_help", lang), key=f"{prefix}_village_minutes"))
    return minutes, speed, village


def by_kind(minutes: float, village: float) -> dict[str, float] | None:
    """The ``minutes_by_kind`` of the coverage engine for a village walk (``None``: the same)."""
    return {"rural": village} if village != minutes else None
