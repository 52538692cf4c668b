"""Per-session UI state kept in the URL: language (``?lang=en``) and the warehouse path.

The language lives in the query string so a link reproduces the view, and carries
over between pages.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard import settings
from dashboard.i18n import DEFAULT_LANG, LANGS, t


def lang() -> str:
    """The session's language code (``zh`` default, ``en``)."""
    value = st.query_params.get("lang", DEFAULT_LANG)
    return value if value in LANGS else DEFAULT_LANG


def language_switch() -> str:
    """Draw the 中文/English switch in the sidebar and return the chosen code."""
    current = lang()
    names = {"zh": "中文", "en": "English"}
    choice = st.sidebar.radio(
        t("app.lang", current),
        LANGS,
        index=LANGS.index(current),
        format_func=names.__getitem__,
        horizontal=True,
        key="lang_switch",
    )
    if choice != current:
        st.query_params["lang"] = choice
        st.rerun()
    return choice


def db() -> Path:
    """The warehouse this server was started on (``SERVICECIRCLE_DB``)."""
    return settings.db_path(None)
