"""The app's pages and their sections: what ``st.navigation`` lists.

``dashboard/app.py`` (the served entry) and ``dashboard/headless.py`` (the entry
:func:`dashboard.derived.precompute` renders pages through) build their navigation from
:data:`PAGES`, so both know the same pages under the same URL paths.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import streamlit as st

from dashboard.i18n import t

__all__ = ["PAGES", "sections"]

# (file, i18n key of the title, icon, section key)
PAGES: list[tuple[str, str, str, str]] = [
    ("briefing.py", "nav.briefing", ":material/co_present:", "nav.section.present"),
    ("overview.py", "nav.overview", ":material/dashboard:", "nav.section.effects"),
    ("offload.py", "nav.offload", ":material/call_split:", "nav.section.effects"),
    ("waiting.py", "nav.waiting", ":material/hourglass_top:", "nav.section.effects"),
    ("hotline.py", "nav.hotline", ":material/support_agent:", "nav.section.effects"),
    ("faults.py", "nav.faults", ":material/bolt:", "nav.section.effects"),
    ("groups_staff.py", "nav.groups_staff", ":material/elderly:", "nav.section.effects"),
    ("community.py", "nav.community", ":material/home_work:", "nav.section.effects"),
    ("rooms.py", "nav.rooms", ":material/fact_check:", "nav.section.effects"),
    ("coverage_map.py", "nav.coverage_map", ":material/map:", "nav.section.plan"),
    ("planner.py", "nav.planner", ":material/add_location_alt:", "nav.section.plan"),
    ("forecast.py", "nav.forecast", ":material/trending_up:", "nav.section.plan"),
    ("data.py", "nav.data", ":material/database:", "nav.section.data"),
    ("definitions.py", "nav.definitions", ":material/menu_book:", "nav.section.data"),
]

SCREENS = Path(__file__).resolve().parent.parent / "screens"


def sections(lang: str, visible: Callable[[str], bool] = lambda _f: True) -> dict[str, list]:
    """``{section title: [st.Page, ...]}`` of the pages ``visible(file)`` allows, in ``lang``."""
    out: dict[str, list] = {}
    for fname, key, icon, section in PAGES:
        if not visible(fname):
            continue
        out.setdefault(t(section, lang), []).append(
            st.Page(str(SCREENS / fname), title=t(key, lang), icon=icon, url_path=fname[:-3])
        )
    return out
