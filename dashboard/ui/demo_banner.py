"""The "demo data" banner every page shows while the warehouse holds demo rows.

Drawn once by the app's entry (``dashboard/app.py``) above whichever page runs, from
the flag :func:`dashboard.demo_flag.read` gives (cached per data version, so an import
that removes the last demo rows takes the banner away on the next rerun).
"""

from __future__ import annotations

import streamlit as st

from dashboard import demo_flag
from dashboard.i18n import t
from dashboard.ui import loaders


def demo_banner(lang: str) -> bool:
    """Show the banner when the warehouse is marked as demo data; return whether it was shown."""
    if loaders.version() is None:  # no warehouse yet: the pages say so themselves
        return False
    if loaders.cached_call(demo_flag.read) is None:
        return False
    st.warning(t("flag.banner", lang), icon="🧪")
    return True
