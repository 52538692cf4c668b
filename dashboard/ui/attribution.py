"""Streamlit blocks on community attribution: the Data page's table and the caption on
pages with per-community figures.

Tickets, hotline orders and room visits without a community (no customer number, or a
customer not on the customer list: :mod:`dashboard.ingest.attribution`) stay in every
total and are left out only of per-community figures. :func:`left_out_caption` says how
many, under the community page and every effect panel; :func:`attribution_section` shows
the Data page's table of where each fact table's communities came from. The table and
the sentence are built by pure functions (:func:`attribution_table`,
:func:`left_out_text`) from the named query ``queries/data/attribution.sql``.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
import streamlit as st

from dashboard.i18n import fmt_count, t
from dashboard.ui import loaders

__all__ = [
    "attribution_section",
    "attribution_table",
    "effect_tables",
    "left_out_caption",
    "left_out_text",
]

_COUNTER_OUTCOMES = frozenset({"counter_visits_per_1k_households", "hall_wait_mean_min"})


def effect_tables(outcome: str) -> tuple[str, ...]:
    """The fact table an effect outcome's per-community panel is built from."""
    return ("counter_tickets",) if outcome in _COUNTER_OUTCOMES else ("hotline_orders",)


def attribution_table(df: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Rows per fact table by where their community came from, and the share with one.

    Parameters
    ----------
    df
        ``queries/data/attribution.sql``: ``table_name, n_rows, n_export, n_customer, n_none``.
    lang
        ``zh`` or ``en``.
    """
    share = (df["n_export"] + df["n_customer"]) / df["n_rows"].where(df["n_rows"] > 0)
    return pd.DataFrame({
        t("customers.col.table", lang): [t(f"data.table.{n}", lang) for n in df["table_name"]],
        t("customers.col.rows", lang): [fmt_count(int(n), lang) for n in df["n_rows"]],
        t("customers.col.from_export", lang): [fmt_count(int(n), lang) for n in df["n_export"]],
        t("customers.col.attributed", lang): [fmt_count(int(n), lang) for n in df["n_customer"]],
        t("customers.col.unattributed", lang): [fmt_count(int(n), lang) for n in df["n_none"]],
        t("customers.col.share", lang): ["–" if pd.isna(s) else f"{s:.1%}" for s in share],
    })


def left_out_text(df: pd.DataFrame, tables: Iterable[str], lang: str) -> str | None:
    """The sentence saying how many rows of ``tables`` per-community figures leave out
    (``None`` when every row has a community)."""
    n = df.set_index("table_name")["n_none"]
    parts = [t("customers.left_out.part", lang, table=t(f"data.table.{name}", lang), n=fmt_count(int(n[name]), lang))
             for name in tables if int(n.get(name, 0)) > 0]
    if not parts:
        return None
    return t("customers.left_out", lang, parts=("、" if lang == "zh" else ", ").join(parts))


def left_out_caption(tables: Iterable[str], lang: str) -> None:
    """A caption under per-community figures: rows without a community they leave out."""
    text = left_out_text(loaders.query("data/attribution"), tuple(tables), lang)
    if text:
        st.caption(text)


def attribution_section(lang: str) -> None:
    """The Data page's section: where the fact tables' communities came from."""
    st.subheader(t("customers.page.title", lang))
    st.caption(t("customers.page.intro", lang))
    st.dataframe(attribution_table(loaders.query("data/attribution"), lang), hide_index=True, key="data_attribution")
