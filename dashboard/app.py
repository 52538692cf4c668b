"""ServiceCircle's Streamlit entry: page config, language switch, navigation.

Run with ``servicecircle serve`` (or ``make run``). The page scripts live in
``dashboard/screens/`` (not ``pages/``: Streamlit would treat a ``pages/`` folder beside the
main script as an old-style multipage app).
"""

from __future__ import annotations

import sys
from pathlib import Path

_ROOT = Path(__file__).resolve().parent.parent
if str(_ROOT) not in sys.path:  # `streamlit run dashboard/app.py` without an install
    sys.path.insert(0, str(_ROOT))

import streamlit as st  # noqa: E402

from dashboard.i18n import t  # noqa: E402
from dashboard.ui.auth import gate, may_open  # noqa: E402
from dashboard.ui.demo_banner import demo_banner  # noqa: E402
from dashboard.ui.state import language_switch, lang  # noqa: E402

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


def main() -> None:
    st.set_page_config(page_title=t("app.title", lang()), page_icon="⚡", layout="wide")
    current = language_switch()
    screens = Path(__file__).parent / "screens"
    sections: dict[str, list] = {}
    for fname, key, icon, section in PAGES:
        if not may_open(fname):  # e.g. the planner for a viewer; the page also checks
            continue
        sections.setdefault(t(section, current), []).append(
            st.Page(str(screens / fname), title=t(key, current), icon=icon, url_path=fname[:-3])
        )
    gate(current, sections)  # stops here (sign-in form, or not authorised) until someone allowed is signed in
    demo_banner(current)  # one banner above every page
    st.navigation(sections, expanded=True).run()  # every page listed: no English "View more" link


main()
