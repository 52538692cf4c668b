"""Data (数据管理): what is loaded, the import history, rejected rows, and an upload box.

Thin page: the summaries are the named queries ``queries/data/*.sql`` run through
:func:`dashboard.ui.loaders.query` (cached per data version, so a finished import shows
at the next rerun without a restart); the import history, with who imported and whether
an import was undone, is :func:`dashboard.ingest.undo.list_imports`; the upload box saves
the files to a temporary folder and calls :func:`dashboard.ingest.import_files`, the same function as
``servicecircle import``. Rejected rows are shown as data (never as HTML) and can be
downloaded as CSV (UTF-8 with BOM, for Excel) or XLSX. The upload box, the import batches
with their undo buttons (:mod:`dashboard.ui.undo_panel`) and the audit trail are an
admin's (:mod:`dashboard.ui.auth`); every import and undo from here is audited.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard import derived, settings, warehouse
from dashboard.access import audit, users
from dashboard.access.trail_view import trail_table
from dashboard.i18n import fmt_count, fmt_date, label, t
from dashboard.ingest import ImportRefused, import_files
from dashboard.ingest.importer import CRS_CHOICES
from dashboard.ingest.undo import batches, list_imports, status_text
from dashboard.ui import auth, loaders
from dashboard.ui.attribution import attribution_section
from dashboard.ui.auditing import import_record
from dashboard.ui.state import db, lang
from dashboard.ui.tables import show_table
from dashboard.ui.undo_panel import table_label, undo_section

UPLOAD_TABLES = ("communities", "halls", "rooms", "tickets", "hotline", "visits", "staff", "buildings", "customers")
REJECT_LIMIT = 50_000
AUDIT_LIMIT = 1_000

L = lang()


def _table_label(name: str) -> str:
    return table_label(name, L)


def _reason_label(code: str) -> str:
    return label("data.reason", code, L)


def loaded_section() -> None:
    st.subheader(t("data.loaded.title", L))
    df = loaders.query("data/tables_loaded")
    if int(df["n_rows"].sum()) == 0:
        st.info(t("data.loaded.empty", L))
    shown = pd.DataFrame({
        t("data.col.table", L): df["table_name"].map(_table_label),
        t("data.col.rows", L): df["n_rows"].map(lambda n: fmt_count(n, L)),
        t("data.col.first", L): df["first_on"].map(_day),
        t("data.col.last", L): df["last_on"].map(_day),
    })
    st.dataframe(shown, hide_index=True, key="data_loaded")


def _day(d) -> str:
    """A date cell in the language's convention; empty for tables without dates."""
    return fmt_date(pd.Timestamp(d).date(), L) if pd.notna(d) else ""


def history_section() -> None:
    st.subheader(t("data.history.title", L))
    rows = batches(loaders.cached_call(list_imports, limit=500))
    if not rows:
        st.caption(t("data.history.empty", L))
        return
    shown = pd.DataFrame({
        t("data.col.time", L): [b["finished_at"] for b in rows],
        t("data.col.table", L): [_table_label(b["table"]) for b in rows],
        t("data.col.file", L): [b["file"] for b in rows],
        **{t(f"data.count.{k}", L): [b[k] for b in rows] for k in ("read", "stored", "updated", "duplicates", "rejected")},
        t("undo.col.who", L): [b["imported_by"] or "–" for b in rows],
        t("undo.col.status", L): [status_text(b, L) for b in rows],
    })
    show_table(shown, "data_history", L, file_stem="import_history")


def rejects_section() -> None:
    st.subheader(t("data.rejects.title", L))
    summary = loaders.query("data/reject_reasons")
    if summary.empty:
        st.caption(t("data.rejects.empty", L))
        return
    c1, c2 = st.columns(2)
    tables = [None, *sorted(summary["table_name"].unique())]
    table = c1.selectbox(
        t("data.rejects.filter_table", L), tables, key="data_rej_table",
        format_func=lambda x: t("data.rejects.all", L) if x is None else _table_label(x),
    )
    in_table = summary if table is None else summary[summary["table_name"] == table]
    reasons = c2.multiselect(
        t("data.rejects.filter_reason", L), sorted(in_table["reason"].unique()), key="data_rej_reason",
        format_func=_reason_label,
    )
    params = {"table_name": table, "reasons": list(reasons) or None}
    total = int(loaders.query("data/rejects_count", **{k: _hashable(v) for k, v in params.items()})["n_rows"].iloc[0])
    df = loaders.query("data/rejects", limit=REJECT_LIMIT, **{k: _hashable(v) for k, v in params.items()})
    by_reason = in_table.groupby("reason", as_index=False)["n_rows"].sum().sort_values("n_rows", ascending=False)
    st.bar_chart(
        pd.DataFrame({t("data.col.reason", L): by_reason["reason"].map(_reason_label),
                      t("data.col.rows", L): by_reason["n_rows"]}),
        x=t("data.col.reason", L), y=t("data.col.rows", L), horizontal=True,
    )
    if total > len(df):
        st.caption(t("data.rejects.shown", L, n=fmt_count(len(df), L), total=fmt_count(total, L)))
    shown = pd.DataFrame({
        t("data.col.table", L): df["table_name"].map(_table_label),
        t("data.col.file", L): df["file_name"],
        t("data.col.row", L): df["row_number"],
        t("data.col.field", L): df["field"],
        t("data.col.reason", L): df["reason"].map(_reason_label),
        t("data.col.detail", L): df["detail"],
        t("data.col.values", L): df["values_json"],
    })
    show_table(shown, "data_rejects", L, file_stem="rejected_rows")


def _hashable(v):
    return tuple(v) if isinstance(v, list) else v


def upload_section() -> None:
    st.subheader(t("data.upload.title", L))
    with st.form("data_upload", clear_on_submit=False):
        c1, c2, c3 = st.columns(3)
        table = c1.selectbox(t("data.upload.table", L), UPLOAD_TABLES, format_func=_table_label, key="data_up_table")
        crs = c2.selectbox(t("data.upload.crs", L), CRS_CHOICES, format_func=lambda c: t(f"data.crs.{c}", L), key="data_up_crs")
        sheet = c3.text_input(t("data.upload.sheet", L), key="data_up_sheet")
        files = st.file_uploader(
            t("data.upload.files", L), accept_multiple_files=True, key="data_up_files",
            type=["csv", "txt", "tsv", "xlsx", "xlsm", "xlsb", "xls", "ods", "parquet", "geojson", "json", "gpkg"],
        )
        profile = st.file_uploader(t("data.upload.profile", L), type=["toml"], key="data_up_profile")
        submitted = st.form_submit_button(t("data.upload.button", L), type="primary")
    if not submitted:
        return
    if not files:
        st.warning(t("data.upload.need_files", L))
        return
    who = auth.require("import", L)  # on the server, not only by hiding the box
    bar = st.progress(0.0, text=t("data.upload.running", L))
    with tempfile.TemporaryDirectory(prefix="sc-upload-") as td:
        paths = []
        for f in files:
            p = Path(td) / Path(f.name).name
            p.write_bytes(f.getbuffer())
            paths.append(p)
        prof_path = None
        if profile is not None:
            prof_path = Path(td) / "profile.toml"
            prof_path.write_bytes(profile.getbuffer())
        try:
            with import_record(user=who.name, table=table, files=paths, refused=(ImportRefused,)) as rec:
                result = import_files(
                    table, paths, db=db(), profile=prof_path, crs=crs,
                    sheet=sheet.strip() or None,
                    progress=lambda msg, frac: bar.progress(min(max(frac, 0.0), 1.0), text=msg),
                    user=who.name,
                )
                rec["counts"] = result.as_dict()
        except ImportRefused as exc:
            bar.empty()
            st.error(t("data.upload.refused", L, msg=exc.localized(L)))
            return
        except Exception as exc:  # nothing was written (the writer rolls back)
            bar.empty()
            st.error(t("data.upload.failed", L, msg=f"{type(exc).__name__}: {exc}"))
            return
    bar.progress(1.0, text=t("data.upload.done", L, table=_table_label(table)))
    show_result(result.as_dict(), result.unknown_words, result.notes(L))
    if derived.start_background(db()):  # the pages' default views of the new data
        st.caption(t("data.upload.precomputing", L))


def show_result(d: dict, unknown_words: list[dict], notes: list[str] | None = None) -> None:
    """The counts of one import as metrics, its reasons, the notes (header below a title,
    names mapped, columns not used) and the unknown words."""
    cols = st.columns(5)
    for col, k in zip(cols, ("read", "stored", "updated", "duplicates", "rejected")):
        col.metric(t(f"data.count.{k}", L), fmt_count(d[k], L))
    if d["reasons"]:
        st.dataframe(
            pd.DataFrame({t("data.col.reason", L): [_reason_label(r) for r in d["reasons"]],
                          t("data.col.rows", L): list(d["reasons"].values())}),
            hide_index=True, key="data_result_reasons",
        )
    for note in notes or []:
        st.caption(note)
    if unknown_words:
        st.caption(t("data.unknown_words.hint", L))
        st.code("\n".join(w["profile_line"] for w in unknown_words), language="toml")


def users_section() -> None:
    """Who may sign in, with which role (admins only; changed with ``servicecircle users``)."""
    auth.require("manage_users", L)
    st.subheader(t("acc.users.title", L))
    st.caption(t("acc.users.caption", L, path=str(settings.users_path(db()))))
    st.dataframe(users.as_table(users.load(settings.users_path(db())), L), hide_index=True, key="data_users")


def audit_section() -> None:
    """The latest records of the audit trail (admins only)."""
    auth.require("audit", L)
    path = settings.audit_path(db())
    st.subheader(t("acc.audit.title", L))
    st.caption(t("acc.audit.caption", L, n=fmt_count(AUDIT_LIMIT, L), path=str(path)))
    show_table(trail_table(audit.read(path, last=AUDIT_LIMIT), L), "data_audit", L, file_stem="audit_trail")


def main() -> None:
    st.title(t("data.page.title", L))
    st.caption(t("data.page.intro", L))
    if warehouse.data_version(db()) is None:
        st.info(t("app.no_warehouse", L, path=str(db())))
    else:
        loaded_section()
        attribution_section(L)
        history_section()
        rejects_section()
    if auth.can("import"):
        upload_section()
    if auth.can("undo") and warehouse.data_version(db()) is not None:
        undo_section(L)
    if auth.can("manage_users"):
        users_section()
    if auth.can("audit"):
        audit_section()


main()
