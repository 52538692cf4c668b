"""The Data page's import batches with undo (admins only).

The latest imports, newest first, one row each (when, table, file, counts, who, status),
with an undo button for each import that can be undone. A click asks for confirmation
first; the confirmed undo is :func:`dashboard.ingest.undo.undo_import` (the same as
``servicecircle imports undo``), checked on the server with
:func:`dashboard.ui.auth.require` and recorded in the audit trail. The page then reruns
and shows the result or the refusal above the list; the pages' default views of the new
data are precomputed in the background, as after an upload. File names and users are
data and are shown as plain text. :func:`table_label` names a table as the whole Data page
does.
"""

from __future__ import annotations

import streamlit as st

from dashboard import derived
from dashboard.i18n import fmt_count, t
from dashboard.ingest.aliases import TABLE_ALIASES
from dashboard.ingest.undo import (
    UndoRefused,
    batches,
    list_imports,
    status_text,
    undo_import,
)
from dashboard.ui import auth, loaders
from dashboard.ui.auditing import undo_record
from dashboard.ui.state import db

__all__ = ["UNDO_LIMIT", "table_label", "undo_section"]

UNDO_LIMIT = 30  # imports listed with their undo buttons (the newest)

_PENDING = "undo_pending"  # session key: the import waiting for the admin's confirmation
_OUTCOME = "undo_outcome"  # session key: (kind, message) to show after the rerun
_WIDTHS = [2.2, 1.6, 2.6, 3.2, 1.2, 2.2, 1.2]


def table_label(name: str, lang: str) -> str:
    """A table's name in words, from its CLI or warehouse name (``halls``,
    ``business_halls``: 营业厅)."""
    return t(f"data.table.{TABLE_ALIASES.get(name, name)}", lang)


def _confirm(b: dict, lang: str) -> None:
    """The confirm step of one import's undo: the question, then undo or cancel."""
    st.warning(t("undo.page.confirm", lang, file=b["file"], table=table_label(b["table"], lang),
                 at=b["finished_at"], n_written=fmt_count(b["n_written"] or 0, lang),
                 n_replaced=fmt_count(b["n_replaced"] or 0, lang)))
    yes, no, _ = st.columns([1.4, 1, 4])
    if no.button(t("undo.page.confirm_no", lang), key="undo_no"):
        st.session_state.pop(_PENDING, None)
        st.rerun()
    if yes.button(t("undo.page.confirm_yes", lang), key="undo_yes", type="primary"):
        _run(b, lang)


def _run(b: dict, lang: str) -> None:
    """Undo the import on the server (admins only), keep the outcome for the rerun."""
    who = auth.require("undo", lang)  # on the server, not only by hiding the button
    try:
        with undo_record(user=who.name, import_id=b["import_id"], refused=(UndoRefused,)) as record:
            result = undo_import(b["import_id"], db=db(), user=who.name)
            record["result"] = result.as_dict()
    except UndoRefused as exc:
        outcome = ("error", t("undo.page.refused", lang, msg=exc.localized(lang)))
    except Exception as exc:  # nothing was changed (the writer rolls back)
        outcome = ("error", t("undo.page.failed", lang, msg=f"{type(exc).__name__}: {exc}"))
    else:
        outcome = ("success", t("undo.page.done", lang, file=result.file, deleted=fmt_count(result.deleted, lang),
                                restored=fmt_count(result.restored, lang)))
        if derived.start_background(db()):  # the pages' default views of the new data
            outcome = (*outcome, t("data.upload.precomputing", lang))
    st.session_state.pop(_PENDING, None)
    st.session_state[_OUTCOME] = outcome
    st.rerun()


def undo_section(lang: str) -> None:
    """The latest imports with an undo button each (admins only)."""
    auth.require("undo", lang)
    st.subheader(t("undo.page.title", lang))
    outcome = st.session_state.pop(_OUTCOME, None)
    if outcome:
        (st.success if outcome[0] == "success" else st.error)(outcome[1])
        for note in outcome[2:]:
            st.caption(note)
    rows = batches(loaders.cached_call(list_imports, limit=UNDO_LIMIT))
    if not rows:
        st.caption(t("undo.list.empty", lang))
        return
    st.caption(t("undo.page.caption", lang, n=fmt_count(len(rows), lang)))
    heads = [t("data.col.time", lang), t("data.col.table", lang), t("data.col.file", lang),
             " / ".join(t(f"data.count.{k}", lang) for k in ("stored", "updated", "rejected")),
             t("undo.col.who", lang), t("undo.col.status", lang), ""]
    for col, head in zip(st.columns(_WIDTHS), heads):
        col.caption(head)
    pending = st.session_state.get(_PENDING)
    for b in rows:
        cells = st.columns(_WIDTHS, vertical_alignment="center")
        for col, value in zip(cells, (
            b["finished_at"], table_label(b["table"], lang), b["file"],
            " / ".join(fmt_count(b[k], lang) for k in ("stored", "updated", "rejected")),
            b["imported_by"] or "–", status_text(b, lang),
        )):
            col.text(value)  # data as plain text, never Markdown or HTML
        if b["can_undo"] and cells[-1].button(t("undo.page.button", lang), key=f"undo_btn_{b['import_id']}"):
            st.session_state[_PENDING] = pending = b["import_id"]
        if pending == b["import_id"] and b["can_undo"]:
            _confirm(b, lang)
