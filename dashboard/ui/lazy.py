"""Sections of a page that run, and are drawn, only when the user opens them.

The browser draws every chart a page sends, also in a closed expander or a hidden tab:
on the 2-core server with software rendering that is 0.1–0.3 s per Plotly chart, more
than the page's script (``benchmarks/results/browser.md``). A page's first paint should
hold what a manager reads first; the rest sits in these sections, built on Streamlit's
lazy tabs and expanders (``on_change="rerun"``): only the open section's code runs, so
its queries, figures and charts cost nothing until it is opened. The first tab is open
by default; an expander starts closed.

Usage::

    for tab, outcome in zip(lazy.tabs(labels, key="fl_effects"), outcomes):
        if tab.open:
            with tab:
                render_effect(outcome, f, L)

In ``streamlit.testing`` a section is opened through the session state:
``at.session_state[key] = label`` (a tab) or ``= True`` (an expander), then ``run()``.
Every section a run meets is listed in the session state (:func:`closed_sections`), so
the precompute after an import (:func:`dashboard.derived.precompute`) opens each one and
a section's results are stored with the default views: opening it later reads them.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

__all__ = ["REGISTRY", "closed_sections", "expander", "tabs"]

REGISTRY = "_lazy_sections"  # session-state key of {section key: [values that open its closed parts]}


def _register(key: str, openers: list) -> None:
    st.session_state.setdefault(REGISTRY, {})[key] = openers


def closed_sections(state) -> list[tuple[str, object]]:
    """``(key, value)`` pairs that open every section registered in ``state`` (a session
    state, or ``AppTest.session_state``) but its first tab, which is open by default."""
    try:
        registry = state[REGISTRY]
    except KeyError:
        return []
    return [(key, value) for key, openers in registry.items() for value in openers]


def tabs(labels: Sequence[str], key: str) -> list:
    """Tabs whose ``.open`` says which one to run; switching tabs reruns the script (or the
    fragment the tabs are in), which then runs the newly open tab only."""
    labels = list(labels)
    _register(key, labels[1:])
    return list(st.tabs(labels, key=key, on_change="rerun"))


def expander(label: str, key: str):
    """A closed expander whose ``.open`` is true once the user has opened it."""
    _register(key, [True])
    return st.expander(label, key=key, on_change="rerun")
