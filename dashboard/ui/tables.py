"""One call to show a table with its CSV and XLSX downloads: :func:`show_table`.

Every table on every page goes through here so each one can be taken to Excel: CSV in
UTF-8 with a BOM (Excel on Chinese Windows opens it) and XLSX. The byte converters are
pure functions in :mod:`dashboard.report.tables`; the downloads are generated only
when clicked (``st.download_button`` with a callable) and do not rerun the page.
The downloads are drawn only for a role that may take tables away (analyst and up,
:mod:`dashboard.access.roles`); each file made is written to the audit trail.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st

from dashboard.i18n import t
from dashboard.report.tables import CSV_MIME, XLSX_MIME, to_csv_bytes, to_xlsx_bytes
from dashboard.ui import auth
from dashboard.ui.auditing import download_button

__all__ = ["show_table"]


def show_table(
    df: pd.DataFrame,
    key: str,
    lang: str,
    *,
    columns: Mapping[str, str] | None = None,
    file_stem: str | None = None,
    hide_index: bool = True,
    height: int | str = "auto",
    column_config: Mapping[str, Any] | None = None,
) -> None:
    """Show ``df`` with ``st.dataframe`` and two download buttons (CSV, XLSX).

    Parameters
    ----------
    df
        The table. Its values are data and are shown as such (never as HTML).
    key
        Unique widget key on the page (also used for the buttons' keys).
    lang
        UI language for the button labels.
    columns
        Optional mapping from column name to its (already translated) display label;
        columns are renamed before showing and downloading, so the file carries the
        same headers as the screen.
    file_stem
        Download file name without extension (default: ``key``).
    hide_index
        Hide the DataFrame index on screen and leave it out of the files.
    height
        Passed to ``st.dataframe``.
    column_config
        Passed to ``st.dataframe`` (keys are the *display* labels when ``columns`` is given).
    """
    shown = df.rename(columns=dict(columns)) if columns else df
    st.dataframe(shown, hide_index=hide_index, height=height, key=f"{key}__df",
                 column_config=dict(column_config) if column_config else None)
    if not auth.can("download_tables"):
        return
    stem = file_stem or key
    index = not hide_index
    user = auth.current().name
    c1, c2, _ = st.columns([1, 1, 4])
    with c1:
        download_button(t("rep.download_csv", lang), lambda: to_csv_bytes(shown, index=index), user=user,
                        stem=stem, ext="csv", key=f"{key}__csv", mime=CSV_MIME, icon=":material/download:")
    with c2:
        download_button(t("rep.download_xlsx", lang), lambda: to_xlsx_bytes(shown, sheet_name=stem, index=index),
                        user=user, stem=stem, ext="xlsx", key=f"{key}__xlsx", mime=XLSX_MIME,
                        icon=":material/download:")
