"""The scorecard as the pages show it: translated tables and breach sentences.

Pure functions from a :func:`dashboard.analysis.scorecard.scorecard` answer and a
language to DataFrames and strings (the Rooms page, the Overview's breach list and the
Briefing use the same ones). Values are formatted by their unit
(:func:`fmt_metric`) with a status mark: 🟢 met, 🔴
missed, — not judged.

Public API: :data:`SHARES`, :func:`fmt_metric`, :func:`target_text`, :func:`rooms_table`,
:func:`breaches_table`, :func:`breach_lines`, :func:`managers_table`.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from dashboard.analysis import definitions
from dashboard.analysis.scorecard import METRICS, target_key
from dashboard.i18n import fmt_count, fmt_month, t

__all__ = ["FORMER_ROLES", "METRICS", "SHARES", "breach_lines", "breaches_table", "fmt_metric", "managers_table", "rooms_table", "target_text"]

FORMER_ROLES: tuple[str, ...] = ("meter_reader", "accountant", "cashier", "clerk", "other")
"""Former roles of customer managers the staff ledger names (``staff.former_role``)."""

SHARES: frozenset[str] = frozenset({"vulnerable_share", "resolution_rate", "coverage_share"})
"""Metrics shown as percentages; the others are counts (one decimal for per-day rates)."""


def fmt_metric(metric: str, value: float | None, lang: str) -> str:
    """A metric value for display: ``45.0%`` for shares, ``2.7`` per open day, counts as
    counts (the "no data" word when missing)."""
    if value is None or pd.isna(value):
        return t("met.none", lang)
    if metric in SHARES:
        return definitions.fmt_value(value, "share", lang)
    if metric == "visits_per_open_day":
        return f"{float(value):.1f}"
    return fmt_count(round(float(value), 1), lang)


def target_text(metric: str, targets: dict[str, float], lang: str) -> str:
    """``≥ 20`` / ``≤ 0`` for the metric's target."""
    key = target_key(metric)
    return t("sc.min" if key.endswith("_min") else "sc.max", lang, v=fmt_metric(metric, targets[key], lang))


def _status(value: Any, ok: Any, metric: str, lang: str) -> str:
    v = fmt_metric(metric, value, lang)
    if ok is None or pd.isna(ok):
        return t("sc.status.none", lang, v=v)
    return t("sc.status.ok" if bool(ok) else "sc.status.miss", lang, v=v)


def rooms_table(sc: dict[str, Any], lang: str) -> pd.DataFrame:
    """One row per room: name, each metric with its status mark, targets missed.

    The column headers carry the target (``服务人次 (≥ 20)``).
    """
    rooms = sc["rooms"]
    out = pd.DataFrame({t("sc.col.room", lang): rooms["name"].fillna(rooms["room_id"]).astype(str)})
    for m in METRICS:
        head = f"{t(f'sc.metric.{m}', lang)} ({target_text(m, sc['targets'], lang)})"
        out[head] = [_status(v, ok, m, lang) for v, ok in zip(rooms[m], rooms[f"{m}_ok"])]
    out[t("sc.col.n_breaches", lang)] = rooms["n_breaches"].astype(int).to_numpy() if len(rooms) else []
    return out


def breaches_table(sc: dict[str, Any], lang: str) -> pd.DataFrame:
    """The breaches: room, target, this month's value, target value, since (month)."""
    b = sc["breaches"]
    return pd.DataFrame({
        t("sc.col.room", lang): b["name"].fillna(b["room_id"]).astype(str).to_numpy(),
        t("sc.col.metric", lang): [t(f"sc.metric.{m}", lang) for m in b["metric"]],
        t("sc.col.value", lang): [fmt_metric(m, v, lang) for m, v in zip(b["metric"], b["value"])],
        t("sc.col.target", lang): [target_text(m, sc["targets"], lang) for m in b["metric"]],
        t("sc.col.since", lang): [fmt_month(s, lang) for s in b["since"]],
    })


def breach_lines(sc: dict[str, Any], lang: str, limit: int | None = None) -> list[str]:
    """One sentence per breach (longest-running first), e.g. "建设园社区供电服务室：上门服务
    5 人次（目标 ≥ 8 人次），自2024年7月起"; with ``limit``, a last line says how many more."""
    b = sc["breaches"].sort_values(["since", "room_id", "metric"])
    lines = [
        t("sc.breaches.item", lang, room=str(r.name if isinstance(r.name, str) else r.room_id),
          metric=t(f"sc.metric.{r.metric}", lang), value=fmt_metric(r.metric, r.value, lang),
          target=target_text(r.metric, sc["targets"], lang), since=fmt_month(r.since, lang))
        for r in b.itertuples(index=False)
    ]
    if limit is not None and len(lines) > limit:
        return lines[:limit] + [t("sc.breaches.more", lang, n=len(lines) - limit)]
    return lines


def managers_table(sc: dict[str, Any], lang: str) -> pd.DataFrame:
    """Per customer manager: hashed id, room, former role, the room's figures shared."""
    m = sc["managers"]
    tg = sc["targets"]
    return pd.DataFrame({
        t("sc.col.manager", lang): m["staff_hash"].astype(str).str[:14].to_numpy(),
        t("sc.col.room", lang): m["name"].fillna(m["room_id"]).astype(str).to_numpy(),
        t("sc.col.former_role", lang): [t(f"sc.role.{r}", lang) if r in FORMER_ROLES else (r or "")
                                        for r in m["former_role"]],
        t("sc.col.n_managers", lang): m["n_managers"].to_numpy(),
        t("sc.col.visits_share", lang): m["visits"].round(1).to_numpy(),
        t("sc.col.home_share", lang): m["home_visits"].round(1).to_numpy(),
        f"{t('sc.col.households_share', lang)} ({target_text('households_per_manager', tg, lang)})": [
            _status(v, ok, "households_per_manager", lang) for v, ok in zip(m["households"], m["households_ok"])],
    })
