"""The entry :func:`dashboard.derived.precompute` renders pages through (never served).

It is ``dashboard/app.py`` without the sign-in gate: the same language switch, demo
banner and navigation (every page listed: pages link to each other), so a page rendered
here asks for exactly what it asks for in a browser. Precomputing runs in the importing
process with the principal set by the caller; nothing here reaches a browser
(``servicecircle serve`` runs ``app.py`` only).
"""

from __future__ import annotations

import sys
from pathlib import Path

_ROOT = Path(__file__).resolve().parent.parent
if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))

import streamlit as st  # noqa: E402

from dashboard.ui.demo_banner import demo_banner  # noqa: E402
from dashboard.ui.navigation import sections  # noqa: E402
from dashboard.ui.state import language_switch  # noqa: E402

current = language_switch()
demo_banner(current)
st.navigation(sections(current), expanded=True).run()
