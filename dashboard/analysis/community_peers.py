"""A community beside its peers: the profile's added figures and the peer medians.

For every community over the selected date range (``queries/scorecard/community_figures.sql``
and the coverage engine):

* ``households``, ``elderly_share`` and ``disabled_share`` (of residents);
* ``walk_m``: walking distance to the nearest open room (the household-weighted median of
  the community's demand points; ``inf`` when most households have no room within the
  default walk) and ``coverage_share`` (households within the walk), rooms open on the
  range's end (:func:`dashboard.coverage.engine.compute`, default walk);
* ``satisfaction_rate``: callbacks 满意 + 基本满意 / callbacks;
* ``visits_per_1k`` and ``hotline_per_1k``: room visits and 95598 orders per 1,000
  households a month (days of the range / 30.44).

*Peers* are the other communities of the same kind (urban / rural) whose households lie
within ±:data:`PEER_BAND` of this one's; the profile shows each figure beside the peers'
median (NaN figures are left out of a median; ``inf`` walks count as the longest).

Public API: :data:`FIGURES`, :data:`PEER_BAND`, :func:`community_figures`, :func:`peers`,
:func:`compare`, :func:`page_compare`; for the page :func:`fmt_figure` and :func:`display_table`.
"""

from __future__ import annotations

from typing import Any

import duckdb
import numpy as np
import pandas as pd

from dashboard import settings, warehouse
from dashboard.analysis.filters import Filters

__all__ = ["FIGURES", "PEER_BAND", "community_figures", "compare", "display_table", "fmt_figure", "page_compare",
           "peers"]

PEER_BAND: float = 0.30
"""Peers' households lie within this fraction of the community's (±30 %)."""

FIGURES: tuple[str, ...] = ("households", "elderly_share", "disabled_share", "walk_m", "coverage_share",
                            "satisfaction_rate", "visits_per_1k", "hotline_per_1k")
"""Figures compared with the peers, in display order."""

KINDS: tuple[str, ...] = ("urban", "rural")
"""Community kinds (``communities.kind``)."""

DAYS_PER_MONTH = 365.25 / 12


def _div(a: pd.Series, b: pd.Series) -> pd.Series:
    return a.astype(float) / b.astype(float).where(b > 0)


def community_figures(con: duckdb.DuckDBPyConnection, filters: Filters | None = None,
                      coverage_data: Any = None) -> pd.DataFrame:
    """One row per community with the counts and the :data:`FIGURES` (see module docstring).

    ``coverage_data``: loaded :class:`~dashboard.coverage.inputs.CoverageData` (read
    through ``con`` when ``None``); without a street network ``walk_m`` and
    ``coverage_share`` are NaN.
    """
    f = filters or Filters()
    df = warehouse.query(con, "scorecard/community_figures", {"date_from": f.date_from, "date_to": f.date_to})
    span = warehouse.query(con, "metrics/data_span").iloc[0]
    lo = f.date_from or (None if pd.isna(span["first_on"]) else pd.Timestamp(span["first_on"]).date())
    hi = f.date_to or (None if pd.isna(span["last_on"]) else pd.Timestamp(span["last_on"]).date())
    months = ((hi - lo).days + 1) / DAYS_PER_MONTH if lo and hi and hi >= lo else np.nan
    df["elderly_share"] = _div(df["elderly"], df["population"])
    df["disabled_share"] = _div(df["disabled"], df["population"])
    df["satisfaction_rate"] = _div(df["n_satisfied"], df["n_callback"])
    df["visits_per_1k"] = _div(df["n_visits"] * 1000.0 / months, df["households"])
    df["hotline_per_1k"] = _div(df["n_orders"] * 1000.0 / months, df["households"])
    df["walk_m"] = np.nan
    df["coverage_share"] = np.nan
    try:
        from dashboard.coverage import engine, inputs

        data = coverage_data if coverage_data is not None else inputs.read_data(con)
        comm = engine.compute(data, on=f.date_to).communities.set_index("community_id")
    except Exception:  # noqa: BLE001 - no street network yet: the walking figures stay NaN
        return df
    df["walk_m"] = df["community_id"].map(comm["walk_m"]).astype(float)
    df["coverage_share"] = _div(df["community_id"].map(comm["households_covered"]),
                                df["community_id"].map(comm["households"]))
    return df


def peers(figs: pd.DataFrame, community_id: str, band: float = PEER_BAND) -> pd.DataFrame:
    """The community's peers: same ``kind``, households within ``±band`` of its own,
    itself left out (empty when it has no households or kind)."""
    me = figs.loc[figs["community_id"] == community_id]
    if me.empty or pd.isna(me["households"].iloc[0]) or pd.isna(me["kind"].iloc[0]):
        return figs.iloc[0:0]
    h = float(me["households"].iloc[0])
    sel = ((figs["kind"] == me["kind"].iloc[0]) & (figs["community_id"] != community_id)
           & ((figs["households"] - h).abs() <= band * h))
    return figs[sel]


def compare(figs: pd.DataFrame, community_id: str, band: float = PEER_BAND) -> dict[str, Any]:
    """This community's figures beside its peers' medians.

    Returns
    -------
    dict
        ``this`` (dict of the community's row, or None), ``peer_ids`` (list), ``table``
        DataFrame (figure, this, peer_median) in :data:`FIGURES` order.
    """
    me = figs.loc[figs["community_id"] == community_id]
    p = peers(figs, community_id, band)
    rows = []
    for fig in FIGURES:
        this = float(me[fig].iloc[0]) if len(me) and pd.notna(me[fig].iloc[0]) else np.nan
        vals = p[fig].astype(float).dropna()
        rows.append({"figure": fig, "this": this, "peer_median": float(vals.median()) if len(vals) else np.nan})
    return {
        "this": me.iloc[0].to_dict() if len(me) else None,
        "peer_ids": p["community_id"].tolist(),
        "table": pd.DataFrame(rows, columns=["figure", "this", "peer_median"]),
    }


def page_compare(con: duckdb.DuckDBPyConnection, community_id: str, filters: Filters) -> dict[str, Any]:
    """:func:`compare` with the coverage data cached per data version (for the page,
    through :func:`dashboard.ui.loaders.cached_call`)."""
    from dashboard.coverage import inputs

    try:
        data = inputs.load_data(settings.db_path(None))
    except Exception:  # noqa: BLE001 - community_figures tries again through con and leaves NaN
        data = None
    return compare(community_figures(con, filters, data), community_id)


def fmt_figure(fig: str, value: float | None, lang: str) -> str:
    """A figure for display: shares in %, walks in metres (or "no room within …"),
    rates with two decimals, counts as counts."""
    from dashboard.analysis import definitions
    from dashboard.i18n import fmt_count, t

    if value is None or pd.isna(value):
        return t("met.none", lang)
    if fig == "walk_m":
        if not np.isfinite(value):
            return t("sc.cp.walk_beyond", lang, limit=settings.walk_limit_m())
        return t("sc.cp.walk_value", lang, v=value)
    if fig.endswith(("_share", "_rate")):
        return definitions.fmt_value(value, "share", lang)
    if fig.endswith("_per_1k"):
        return f"{value:.2f}"
    return fmt_count(value, lang)


def display_table(cmp: dict[str, Any], lang: str) -> pd.DataFrame:
    """The comparison table translated: figure, this community, peer median."""
    from dashboard.i18n import t

    tab = cmp["table"]
    return pd.DataFrame({
        t("sc.cp.col.figure", lang): [t(f"sc.cp.fig.{f}", lang) for f in tab["figure"]],
        t("sc.cp.col.this", lang): [fmt_figure(f, v, lang) for f, v in zip(tab["figure"], tab["this"])],
        t("sc.cp.col.peers", lang): [fmt_figure(f, v, lang) for f, v in zip(tab["figure"], tab["peer_median"])],
    })
