"""The global sidebar filters of the metric pages, kept in the URL query string.

:func:`sidebar` draws date range, district, business hall, roll-out wave and service
type in the sidebar and returns a :class:`~dashboard.analysis.filters.Filters`. The
selection is written to the query string (:meth:`Filters.to_query`), so a link
reproduces the view, and kept in the session, so it carries over when the user moves
to another page (a page opened without filter parameters takes the session's).
Options come from named queries (:func:`dashboard.analysis.metrics.filter_options`).
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from dashboard.analysis import metrics
from dashboard.analysis.filters import Filters
from dashboard.i18n import label, t
from dashboard.ui import loaders
from dashboard.warehouse import WarehouseMissing

__all__ = ["sidebar", "query_params_for"]

_QKEYS = ("from", "to", "district", "hall", "wave", "type")
_SESSION = "met_filters"
_W = {  # widget keys
    "date_from": "met_f_from", "date_to": "met_f_to", "districts": "met_f_district",
    "hall_ids": "met_f_hall", "waves": "met_f_wave", "service_types": "met_f_type",
}


def _from_url() -> Filters | None:
    q = {k: st.query_params.get(k) for k in _QKEYS if st.query_params.get(k)}
    return Filters.from_query(q) if q else None


def query_params_for(filters: Filters, lang: str) -> dict[str, str]:
    """Query-string values of a view (filters plus language), for ``st.page_link``."""
    q = filters.to_query()
    if lang != "zh":
        q["lang"] = lang
    return q


def _init_widgets(f: Filters, opts: dict) -> None:
    """Seed the widget states from ``f`` (URL or session), keeping only known options."""
    st.session_state[_W["date_from"]] = f.date_from
    st.session_state[_W["date_to"]] = f.date_to
    st.session_state[_W["districts"]] = [d for d in f.districts if d in opts["districts"]]
    st.session_state[_W["hall_ids"]] = [h for h in f.hall_ids if h in set(opts["halls"]["hall_id"])]
    st.session_state[_W["waves"]] = [w for w in f.waves if w in opts["waves"]]
    st.session_state[_W["service_types"]] = [s for s in f.service_types if s in opts["service_types"]]


def _clear() -> None:
    for k in _W.values():
        st.session_state.pop(k, None)
    st.session_state[_SESSION] = Filters()
    for k in _QKEYS:
        st.query_params.pop(k, None)


def metric_page(title_key: str) -> tuple[str, Filters | None]:
    """Start a metric page: its language, its title, and the global filters in the
    sidebar (``None`` when there is no warehouse: the sidebar says so)."""
    from dashboard.ui.state import lang

    current = lang()
    st.title(t(title_key, current))
    return current, sidebar(current)


def sidebar(lang: str) -> Filters | None:
    """Draw the global filters and return the selection (``None`` when there is no warehouse).

    Parameters
    ----------
    lang
        ``"zh"`` or ``"en"``.
    """
    try:
        opts = loaders.cached_call(metrics.filter_options)
    except WarehouseMissing as exc:
        st.info(t("app.no_warehouse", lang, path=str(exc)))
        return None

    url = _from_url()
    # seed the widgets on first draw on this page: the URL wins, else the session's view
    if _W["date_from"] not in st.session_state:
        seed = url or st.session_state.get(_SESSION, Filters())
        _init_widgets(seed.clamped(opts["first_on"], opts["last_on"]), opts)

    sb = st.sidebar
    sb.header(t("met.filter.title", lang))
    lo, hi = opts["first_on"], opts["last_on"]
    c1, c2 = sb.columns(2)
    date_from = c1.date_input(t("met.filter.date_from", lang), min_value=lo, max_value=hi,
                              key=_W["date_from"], format="YYYY-MM-DD")
    date_to = c2.date_input(t("met.filter.date_to", lang), min_value=lo, max_value=hi,
                            key=_W["date_to"], format="YYYY-MM-DD")
    districts = sb.multiselect(t("met.filter.district", lang), opts["districts"], key=_W["districts"],
                               placeholder=t("met.filter.all", lang))
    halls = opts["halls"]
    if districts:
        halls = halls[halls["district"].isin(districts)]
    names = dict(zip(halls["hall_id"], halls["name"]))
    keep = [h for h in st.session_state.get(_W["hall_ids"], []) if h in names]
    if keep != st.session_state.get(_W["hall_ids"], []):
        st.session_state[_W["hall_ids"]] = keep
    hall_ids = sb.multiselect(t("met.filter.hall", lang), list(names), key=_W["hall_ids"],
                              format_func=lambda h: str(names.get(h, h)), placeholder=t("met.filter.all", lang))
    waves = sb.multiselect(t("met.filter.wave", lang), opts["waves"], key=_W["waves"],
                           format_func=lambda w: t("met.wave.none", lang) if w == "none" else w,
                           placeholder=t("met.filter.all", lang))
    types = sb.multiselect(t("met.filter.service_type", lang), opts["service_types"], key=_W["service_types"],
                           format_func=lambda s: label("service_type", s, lang),
                           placeholder=t("met.filter.all", lang))
    sb.button(t("met.filter.reset", lang), on_click=_clear, key="met_f_reset")

    f = Filters(
        date_from=date_from if isinstance(date_from, dt.date) else None,
        date_to=date_to if isinstance(date_to, dt.date) else None,
        districts=tuple(districts), hall_ids=tuple(hall_ids), waves=tuple(waves),
        service_types=tuple(types),
    )
    st.session_state[_SESSION] = f
    want = f.to_query()
    for k in _QKEYS:
        if k in want:
            if st.query_params.get(k) != want[k]:
                st.query_params[k] = want[k]
        elif k in st.query_params:
            del st.query_params[k]
    return f
