"""The audit trail for people to read: one line of words per record, and the table the
``servicecircle audit`` command and the Data page show (newest first).

Record fields are data and are shown as plain text (the page shows them in a dataframe,
never as HTML or Markdown).
"""

from __future__ import annotations

import pandas as pd

from dashboard.i18n import label, t

__all__ = ["describe", "trail_table"]


def _file(f: dict) -> str:
    if not f.get("sha256"):
        return str(f.get("name"))
    size = f", {f['bytes']:,} B" if f.get("bytes") is not None else ""  # an undo records no size
    return f"{f['name']} (sha256 {f['sha256'][:12]}…{size})"


def _files(files: list[dict]) -> str:
    return ", ".join(_file(f) for f in files)


def _not_done(rec: dict, lang: str | None) -> str:
    """A refused or failed record's outcome and message."""
    return f"{t('acc.audit.outcome.' + rec.get('outcome', 'failed'), lang)}: {rec.get('message', '')}"


def describe(rec: dict, lang: str | None = None) -> str:
    """What one record says, in ``lang`` (file names, hashes and counts as recorded)."""
    ev = rec.get("event")
    if ev == "import":
        head = f"{rec.get('table')} · {_files(rec.get('files', []))}"
        if rec.get("outcome") != "stored":
            return f"{head} · {_not_done(rec, lang)}"
        counts = rec.get("counts", {})
        if rec.get("table") == "network":
            return head + " · " + ", ".join(f"{k} {v}" for k, v in counts.items())
        parts = [f"{t('data.count.' + k, lang)} {counts[k]:,}" for k in
                 ("read", "stored", "updated", "duplicates", "rejected") if k in counts]
        return head + " · " + ", ".join(parts)
    if ev == "undo":
        if rec.get("outcome") != "undone":
            return f"{rec.get('import_id')} · {_not_done(rec, lang)}"
        counts = rec.get("counts", {})
        parts = [f"{t('undo.count.' + k, lang)} {counts[k]:,}" for k in ("deleted", "restored")
                 if counts.get(k) is not None]
        return f"{rec.get('table')} · {_files(rec.get('files', []))} · {rec.get('import_id')} · " + ", ".join(parts)
    if ev == "export":
        return f"{rec.get('kind', '').upper()} · {_files([rec['file']]) if 'file' in rec else ''}"
    if ev == "sign_in":
        parts = [t(f"acc.audit.outcome.{rec.get('outcome', 'failed')}", lang)]
        if rec.get("method") == "proxy":
            parts.append(t("acc.audit.method.proxy", lang))
        if rec.get("name") and rec.get("name") != rec.get("user"):
            parts.append(rec["name"])  # the name tried
        return " · ".join(parts)
    if ev in ("user_add", "user_remove", "user_password"):
        role = rec.get("role")
        return f"{rec.get('target')}" + (f" ({label('acc.role', role, lang)})" if role else "")
    if ev == "user_role":
        return f"{rec.get('target')}: {label('acc.role', rec.get('old_role'), lang)} → {label('acc.role', rec.get('role'), lang)}"
    return ""


def _who(rec: dict, lang: str | None) -> str:
    if rec.get("user"):
        return rec["user"]
    # nobody signed in: a sign-in that failed, or a dashboard open without users
    return "–" if rec.get("event") == "sign_in" else t("acc.audit.open", lang)


def trail_table(records: list[dict], lang: str | None = None) -> pd.DataFrame:
    """Records as a table with translated headers, newest first."""
    rows = list(reversed(records))
    return pd.DataFrame({
        "#": [r.get("seq") for r in rows],
        t("acc.audit.col.at", lang): [r.get("at", "")[:19].replace("T", " ") for r in rows],
        t("acc.audit.col.event", lang): [label("acc.audit.event", r.get("event"), lang) for r in rows],
        t("acc.audit.col.user", lang): [_who(r, lang) for r in rows],
        t("acc.audit.col.via", lang): [label("acc.audit.via", r.get("via"), lang) for r in rows],
        t("acc.audit.col.what", lang): [describe(r, lang) for r in rows],
    })
