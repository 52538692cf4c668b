"""Texts of the Overview's KPI cards: a new service is not a change, and a causal
estimate is labelled as one.

* A KPI whose baseline is zero by construction (:data:`metrics.NEW_SERVICE_KPIS`: room
  visits and offload did not exist before the first room) shows its current level as a
  new service ("新服务：2,390.6 /月"), never as "+2,390.6/月" against the year before.
* Where a causal estimate answers the KPI's question (:data:`metrics.CAUSAL_OUTCOMES`),
  it is written on its own line with its outcome, interval and the word 因果估计 / causal
  estimate, so it cannot be read as the plain before/after change above it.

Public API: :func:`kpi_value`, :func:`kpi_delta`, :func:`causal_line`.
"""

from __future__ import annotations

from typing import Any

from dashboard.analysis import definitions
from dashboard.analysis.effects import fmt_num
from dashboard.i18n import t

__all__ = ["causal_line", "kpi_delta", "kpi_value"]


def kpi_value(value: float | None, unit: str, new_service: bool, lang: str) -> str:
    """The card's value: ``新服务：…`` for a new service, else the formatted value."""
    text = definitions.fmt_value(value, unit, lang)
    return t("sc.ov.new_service", lang, v=text) if new_service else text


def kpi_delta(change: float | None, unit: str, new_service: bool, lang: str) -> str | None:
    """The card's delta against the year before the first opening (``None`` for a new
    service: its baseline is zero by construction, so there is no change to show)."""
    if new_service:
        return None
    d = definitions.fmt_delta(change, unit, lang)
    return t("met.overview.delta", lang, d=d) if d else None


def causal_line(res: Any, outcome: str, lang: str) -> str:
    """One line for an :class:`~dashboard.analysis.effects.EffectResult`: the estimate
    with its 95 % interval and outcome, or why there is none."""
    if not res.ok:
        return t("sc.ov.causal_none", lang, reason=(res.reason or {}).get(lang, res.status))
    return t("sc.ov.causal", lang, outcome=t(f"out.outcome.{outcome}", lang), att=fmt_num(res.att),
             lo=fmt_num(res.ci_low), hi=fmt_num(res.ci_high))
