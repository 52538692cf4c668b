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
from dashboard.ui.navigation import sections  # noqa: E402
from dashboard.ui.state import language_switch, lang  # noqa: E402


def main() -> None:
    st.set_page_config(page_title=t("app.title", lang()), page_icon="⚡", layout="wide")
    current = language_switch()
    pages = sections(current, may_open)  # e.g. no planner for a viewer; the page also checks
    gate(current, pages)  # stops here (sign-in form, or not authorised) until someone allowed is signed in
    demo_banner(current)  # one banner above every page
    st.navigation(pages, expanded=True).run()  # every page listed: no English "View more" link


main()
