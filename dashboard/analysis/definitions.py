"""The one registry of metric definitions: what each metric means, its unit, its sources.

The Metric definitions page renders this registry, the named queries in
``queries/metrics/`` document the same grain and rules in their headers, and the tests
check that every query a definition names exists and every Overview KPI is defined.
Names and definitions are i18n keys (``met.def.<key>.name`` / ``.text``), units are
``met.unit.<unit>`` keys, so the page is bilingual.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboard.i18n import t

__all__ = ["METRICS", "MetricDef", "delta_color", "definitions_table", "fmt_delta", "fmt_value", "get", "is_flat"]


@dataclass(frozen=True)
class MetricDef:
    """One metric.

    Attributes
    ----------
    key
        Stable id (also the CLI JSON key or Overview KPI key where there is one).
    unit
        Unit code (``met.unit.<unit>`` in the catalogue).
    sources
        Canonical tables the metric is computed from.
    rollups
        Rollup tables the pages actually read.
    queries
        Named queries below ``queries/`` that compute it.
    page
        The page that shows it.
    """

    key: str
    unit: str
    sources: tuple[str, ...]
    rollups: tuple[str, ...]
    queries: tuple[str, ...]
    page: str


_T = ("counter_tickets", "business_halls", "communities", "service_rooms")
_TR = ("agg_ticket_ht_month", "agg_ticket_ht_day", "agg_ticket_month", "agg_ticket_day", "agg_hall")
_HIST = ("agg_wait_cum_hall", "agg_wait_hist_hall_day", "agg_wait_cum_wt", "agg_wait_hist_month",
         "agg_wait_hist_day")
_H = ("hotline_orders", "communities", "service_rooms")
_V = ("room_visits", "service_rooms", "communities")

METRICS: tuple[MetricDef, ...] = (
    MetricDef("hall_tickets", "tickets", _T, _TR, ("metrics/ticket_totals",), "waiting"),
    MetricDef("counter_transactions_per_month", "per_month", _T, _TR, ("metrics/ticket_totals",), "offload"),
    MetricDef("hall_wait_mean_min", "minutes", _T, _TR, ("metrics/ticket_totals",), "waiting"),
    MetricDef("hall_wait_median_min", "minutes", _T, _HIST, ("metrics/wait_hist",), "waiting"),
    MetricDef("hall_wait_p90_min", "minutes", _T, _HIST, ("metrics/wait_hist",), "waiting"),
    MetricDef("hall_wait_max_min", "minutes", _T, _TR, ("metrics/ticket_totals",), "waiting"),
    MetricDef("share_within_target", "share", _T, _HIST, ("metrics/wait_hist",), "waiting"),
    MetricDef("no_show_rate", "share", _T, _TR, ("metrics/ticket_totals",), "waiting"),
    MetricDef("cancel_rate", "share", _T, _TR, ("metrics/ticket_totals",), "waiting"),
    MetricDef("wait_heatmap", "minutes", _T, ("agg_ticket_wdh_city", "agg_ticket_wdh_hall", "agg_ticket_weekday_hour"),
              ("metrics/ticket_weekday_hour",), "waiting"),
    MetricDef("offload_share", "share", (*_T, "room_visits"), ("agg_ticket_ht_month", "agg_visit_month"),
              ("metrics/ticket_monthly", "metrics/visits"), "offload"),
    MetricDef("counter_visits_per_1k_households", "per_1k_month", _T,
              ("agg_community_ticket_cell", "agg_community_ticket_month"), ("metrics/counter_per_1k_month",), "offload"),
    MetricDef("hotline_per_1k_households", "per_1k_month", _H, ("agg_hotline_cell", "agg_hotline_units"),
              ("metrics/hotline_per_1k_month",), "hotline"),
    MetricDef("hotline_community_change", "per_1k_month", _H, ("agg_hotline_comm_month", "agg_community"),
              ("metrics/community_change",), "hotline"),
    MetricDef("arrival_mean_min", "minutes", _H, ("agg_fault_month", "agg_fault"), ("metrics/faults_monthly",), "faults"),
    MetricDef("restoration_hours", "hours", _H, ("agg_fault_month", "agg_fault"), ("metrics/faults_monthly",), "faults"),
    MetricDef("share_arrival_late", "share", _H, ("agg_fault_month", "agg_fault"), ("metrics/faults_monthly",), "faults"),
    MetricDef("share_restore_late", "share", _H, ("agg_fault_month", "agg_fault"), ("metrics/faults_monthly",), "faults"),
    MetricDef("satisfaction_rate", "share", _H, ("agg_hotline_cell",), ("metrics/satisfaction_monthly",), "faults"),
    MetricDef("complaints_per_10k", "per_10k_month", _H, ("agg_hotline_cell", "agg_hotline_units"),
              ("metrics/hotline_per_1k_month",), "faults"),
    MetricDef("room_visits", "visits", _V, ("agg_visit_month", "agg_visit_day"), ("metrics/visits",), "groups_staff"),
    MetricDef("vulnerable_visits_per_month", "per_month", _V, ("agg_visit_month", "agg_visit_day"), ("metrics/visits",),
              "groups_staff"),
    MetricDef("home_visits", "visits", _V, ("agg_visit_month", "agg_visit_day"), ("metrics/visits",), "groups_staff"),
    MetricDef("former_meter_readers", "people", ("staff", "service_rooms"), (), ("metrics/staff",),
              "groups_staff"),
    MetricDef("visits_per_manager_day", "visits", (*_V, "staff"), ("agg_room_weekday_month",),
              ("metrics/room_weekday",), "groups_staff"),
    MetricDef("room_utilisation_weekday", "visits", _V, ("agg_room_weekday_month",),
              ("metrics/room_weekday",), "groups_staff"),
)
"""Every metric the effect pages show, in display order."""

_BY_KEY = {m.key: m for m in METRICS}


def get(key: str) -> MetricDef:
    """The definition of ``key`` (``KeyError`` if it is not registered)."""
    return _BY_KEY[key]


def definitions_table(lang: str) -> pd.DataFrame:
    """The registry as a table in ``lang``: name, definition, unit, sources, rollups, queries.

    Parameters
    ----------
    lang
        ``"zh"`` or ``"en"``.

    Returns
    -------
    pandas.DataFrame
        One row per metric, columns ``key, name, definition, unit, page, sources,
        rollups, queries`` (lists joined with ", ").
    """
    rows = [
        {
            "key": m.key,
            "name": t(f"met.def.{m.key}.name", lang),
            "definition": t(f"met.def.{m.key}.text", lang),
            "unit": t(f"met.unit.{m.unit}", lang),
            "page": t(f"nav.{m.page}", lang),
            "sources": ", ".join(m.sources),
            "rollups": ", ".join(m.rollups),
            "queries": ", ".join(f"queries/{q}.sql" for q in m.queries),
        }
        for m in METRICS
    ]
    return pd.DataFrame(rows)


def fmt_value(value: float | int | None, unit: str, lang: str) -> str:
    """Format a metric value for display in ``lang`` by its unit code.

    Parameters
    ----------
    value
        The number (``None`` / NaN shows as the "no data" word).
    unit
        A unit code of :class:`MetricDef` (``minutes``, ``share``, ``per_1k_month`` ...).
    lang
        ``"zh"`` or ``"en"``.
    """
    from dashboard.i18n import fmt_count

    if value is None or value != value:
        return t("met.none", lang)
    v = float(value)
    if unit == "minutes":
        return t("met.fmt.min", lang, v=f"{v:.1f}")
    if unit == "hours":
        return t("met.fmt.h", lang, v=f"{v:.2f}")
    if unit == "share":
        return t("met.fmt.pct", lang, v=f"{v * 100:.1f}")
    if unit == "per_1k_month":
        return t("met.fmt.per_1k", lang, v=f"{v:.2f}")
    if unit == "per_10k_month":
        return t("met.fmt.per_10k", lang, v=f"{v:.2f}")
    if unit == "per_month":
        return t("met.fmt.per_month", lang, v=fmt_count(round(v, 1), lang))
    if unit == "visits_per_day":
        return t("met.fmt.visits_per_day", lang, v=f"{v:.2f}")
    return t("met.fmt.count", lang, v=fmt_count(v, lang))


def _delta_text(magnitude: float, unit: str, lang: str) -> str:
    if unit == "share":  # a change of a share is in percentage points, not per cent
        return t("met.unit.pp", lang, v=f"{magnitude * 100:.1f}")
    return fmt_value(magnitude, unit, lang)


def is_flat(change: float | None, unit: str) -> bool:
    """Whether a change shows as zero at the unit's display precision (``+0.0`` would
    otherwise be drawn as a rise)."""
    if change is None or change != change:
        return False
    return _delta_text(abs(change), unit, "en") == _delta_text(0.0, unit, "en")


def fmt_delta(change: float | None, unit: str, lang: str) -> str | None:
    """A signed change for ``st.metric``'s delta (``None`` when there is no change).

    A change that rounds to zero at the unit's precision is written ``±0.0 ...`` (shown
    grey, see :func:`delta_color`), never ``+0.0`` with a rising arrow.
    """
    if change is None or change != change:
        return None
    if is_flat(change, unit):
        return "±" + _delta_text(0.0, unit, lang)
    # ASCII '-' first: st.metric reads the direction of its arrow from a leading '-'
    sign = "+" if change >= 0 else "-"
    return sign + _delta_text(abs(change), unit, lang)


LOWER_IS_BETTER: frozenset[str] = frozenset({
    "counter_transactions_per_month", "hall_wait_mean_min", "hall_wait_median_min",
    "hall_wait_p90_min", "hotline_per_1k_households", "restoration_hours",
    "no_show_rate", "cancel_rate", "arrival_minutes", "share_late",
})
"""Metrics the service rooms are meant to bring down (a fall is shown in green)."""


def delta_color(key: str, change: float | None = None, unit: str | None = None) -> str:
    """``st.metric`` delta colour for a metric: ``inverse`` where lower is better, ``off``
    (grey) when ``change`` shows as zero in ``unit``."""
    if unit is not None and is_flat(change, unit):
        return "off"
    return "inverse" if key in LOWER_IS_BETTER else "normal"